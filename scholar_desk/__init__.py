"""Scholar Desk: an offline research tracker for medical fellows and their mentors."""

__version__ = "0.1.0"
