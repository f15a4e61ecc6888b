"""The measurement core: workloads, strategies, the engine, the CPU sampler, results, exports.

Nothing under this package imports Qt. The window and the CLI are both thin clients of
:func:`workbench.core.engine.run_experiment`, so one code path runs every experiment.
"""
