"""Alembic environment for coach: always run programmatically by coach.store.db with a live connection.

`coach.store.db.alembic_config()` builds the Config; the connection to migrate is passed in
`config.attributes["connection"]`. SQLite uses batch mode so later revisions can alter tables.
"""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import coach.store.models  # noqa: F401  (registers the tables on SQLModel.metadata)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("coach migrations run through coach.store.db (coach db upgrade), not the alembic CLI")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("coach migrations do not support offline (SQL script) mode")
run_migrations_online()
