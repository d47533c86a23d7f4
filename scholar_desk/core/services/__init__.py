"""Use cases over a Session: validation, workflows, permissions, import, export, reports."""
