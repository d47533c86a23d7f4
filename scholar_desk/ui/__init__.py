"""The PySide6 window: widgets, item models, dialogs and worker jobs (the only package with Qt)."""
