"""Qt models of the main window."""
