"""The user's own code as the workload: a function from a file, run under every strategy.

Engine side only (Qt-free, never imports the user's file): :mod:`.analysis` reads the file
with ``ast``, :mod:`.spec` turns ``PATH.py[:NAME[,NAME]]`` into a checked :class:`UserCode`,
:mod:`.examples` lists the articles' snippets shipped with the package, :mod:`.preflight`
loads the file and runs its ``setup()`` in a child process before any run. The child's side
(loading by path, calling, tracebacks) is :mod:`workbench.core.workloads.usercode`.
"""
