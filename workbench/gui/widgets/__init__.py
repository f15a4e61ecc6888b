"""Small widgets the window is framed with: the message banner and the status bar."""
