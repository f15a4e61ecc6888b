"""The workbench window: a thin Qt client of :mod:`workbench.core`.

This package is the only place PySide6, pyqtgraph and qasync are imported, and only by its
Qt modules; importing the package itself (or its Qt-free model modules) stays cheap.
"""
