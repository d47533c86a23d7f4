"""Alembic revisions of the schema; they ship inside the package."""
