"""The class's lab in the window: collect a room's results, send yours, import a folder."""
