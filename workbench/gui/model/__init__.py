"""The window's Qt-free half: what is on screen as data (live runs, slices, lag), how numbers
read, and the presenter that turns the session's events into calls on passive views.

Nothing here imports Qt, pyqtgraph or qasync (an import-linter contract checks), so it is
tested without a display, against mock views.
"""
