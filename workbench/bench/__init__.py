"""``workbench bench``: measure the measurer — fidelity, overhead, scale, start-up, a tracer.

Every figure compares the workbench with something outside it (a bare script, a tracer) in the
same session, interleaved, so the machine's drift affects both sides alike.
"""
