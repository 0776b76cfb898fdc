"""Alembic migrations for the coach schema (run programmatically by coach.store.db; no alembic.ini needed)."""
