"""Storage: SQLModel tables, engines for SQLite and PostgreSQL, Alembic migrations, import/export.

Never imports Textual (tests/test_import_hygiene.py proves it).
"""
