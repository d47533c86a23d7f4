"""SQLAlchemy models, the engine and units of work, and Alembic migrations."""
