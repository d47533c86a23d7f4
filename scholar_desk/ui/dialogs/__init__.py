"""Qt dialogs of the main window."""
