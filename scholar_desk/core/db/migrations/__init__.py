"""Alembic revisions of the schema; they ship inside the package."""

HEAD_REVISION = "0016"
"""The newest revision; a test keeps it equal to Alembic's head, so start-up need not
import Alembic to see that a database is current."""
