"""Storage: SQLModel tables, engines for SQLite and PostgreSQL, Alembic migrations, import/export. Never imports Textual."""
