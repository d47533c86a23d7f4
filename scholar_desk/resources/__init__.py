"""Templates, fonts and the starter catalog that ship with the application."""
