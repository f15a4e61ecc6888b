"""The history panel, and experiments compared side by side."""
