"""Schema migrations: from empty, from the first revision to a newer one (with a backup and the data intact),
the models matching the migrations, and a database from a newer coach refused without being touched."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import stat
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from cli_helpers import run_cli
from sqlalchemy import create_engine, inspect, text
from sqlmodel import SQLModel

import coach.store.db as store_db
from coach.services import cases as cs
from coach.store.db import Store, StoreVersionError, head_revision

SECOND_REVISION = '''"""Test-only revision: adds a column, so the upgrade path from 0001 is exercised."""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("practitioners") as batch:
        batch.add_column(sa.Column("pronouns", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("practitioners") as batch:
        batch.drop_column("pronouns")
'''


@pytest.fixture
def newer_migrations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of coach's migrations plus a revision 0002, used as this coach's migrations for one test."""
    target = tmp_path / "migrations"
    shutil.copytree(store_db.MIGRATIONS_DIR, target, ignore=shutil.ignore_patterns("__pycache__"))
    (target / "versions" / "0002_test_pronouns.py").write_text(SECOND_REVISION, encoding="utf-8")
    monkeypatch.setattr(store_db, "MIGRATIONS_DIR", target)
    return target


def _fill(url: str) -> int:
    """A database at revision 0001 with a case, areas and a reading; returns the reading's area id."""
    store = Store.open(url)
    try:
        assert store.current_revision() == "0001"
        case = cs.create_case(
            store, "GW-2026-301", "Before the upgrade.", owner="Nia Pritchard", areas=[("Home", "", "")]
        )
        cs.add_reading(store, case.areas[0].id, date(2026, 10, 5), 4, "Nia Pritchard", "kept")
        return case.areas[0].id
    finally:
        store.dispose()


def _columns(url: str, table: str) -> set[str]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            return {c["name"] for c in inspect(conn).get_columns(table)}
    finally:
        engine.dispose()


def test_empty_database_is_migrated_to_head(db_url: str) -> None:
    store = Store.open(db_url)
    try:
        assert store.current_revision() == head_revision() == "0001"
        with store.connect() as conn:
            tables = set(inspect(conn).get_table_names())
        assert {t.name for t in SQLModel.metadata.sorted_tables} <= tables
    finally:
        store.dispose()


def test_models_match_the_migrations(db_url: str) -> None:
    """If someone changes a model without a migration, this lists the difference."""
    store = Store.open(db_url)
    try:
        with store.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata)
        assert diff == []
    finally:
        store.dispose()


def test_upgrade_from_first_revision_backs_up_and_keeps_data(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    area_id = _fill(sqlite_url)
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    target = tmp_path / "migrations"
    shutil.copytree(store_db.MIGRATIONS_DIR, target, ignore=shutil.ignore_patterns("__pycache__"))
    (target / "versions" / "0002_test_pronouns.py").write_text(SECOND_REVISION, encoding="utf-8")
    monkeypatch.setattr(store_db, "MIGRATIONS_DIR", target)

    store = Store.open(sqlite_url)
    try:
        assert store.current_revision() == "0002"
        assert [r.note for r in cs.readings_for_area(store, area_id)] == ["kept"]
        assert cs.get_case(store, "GW-2026-301").owner == "Nia Pritchard"
    finally:
        store.dispose()
    assert "pronouns" in _columns(sqlite_url, "practitioners")
    [backup] = sorted(path.parent.glob("coach.db.bak-0001-*"))
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    with sqlite3.connect(backup) as old:
        assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert old.execute("SELECT note FROM scale_readings").fetchall() == [("kept",)]


def test_upgrade_from_first_revision_on_postgres(pg_url: str, newer_migrations: Path) -> None:
    # the fixture already points coach at the 0002 migrations; build a 0001 database first
    store = Store(pg_url)
    try:
        from alembic import command

        with store.engine.begin() as conn:
            command.upgrade(store_db.alembic_config(conn), "0001")
        case = cs.create_case(store, "GW-2026-302", areas=[("Home", "", "")])
        cs.add_reading(store, case.areas[0].id, date(2026, 10, 5), 6)
        result = store.upgrade()
        assert (result.before, result.after, result.backup) == ("0001", "0002", None)
        assert [r.score for r in cs.readings_for_area(store, case.areas[0].id)] == [6]
    finally:
        store.dispose()
    assert "pronouns" in _columns(pg_url, "practitioners")


def test_opening_at_head_changes_nothing_and_makes_no_backup(sqlite_url: str) -> None:
    area_id = _fill(sqlite_url)
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    store = Store.open(sqlite_url)
    try:
        assert store.upgrade().changed is False
        assert len(cs.readings_for_area(store, area_id)) == 1
    finally:
        store.dispose()
    assert list(path.parent.glob("*.bak-*")) == []


def test_database_from_a_newer_coach_is_refused_untouched(db_url: str) -> None:
    _fill(db_url)
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'f00d9999'"))
    engine.dispose()
    path = Path(db_url.removeprefix("sqlite:///")) if db_url.startswith("sqlite") else None
    before = hashlib.sha256(path.read_bytes()).hexdigest() if path else None
    with pytest.raises(StoreVersionError) as caught:
        Store.open(db_url)
    assert "written by a newer version of coach (revision f00d9999)" in str(caught.value)
    with pytest.raises(StoreVersionError):
        Store.open(db_url, upgrade=False)
    if path is not None:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before
        assert list(path.parent.glob("*.bak-*")) == []


def test_foreign_tables_without_a_version_are_refused(sqlite_url: str) -> None:
    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    with pytest.raises(StoreVersionError, match="no coach schema version"):
        Store.open(sqlite_url)


def test_db_upgrade_command_says_what_it_did(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["db", "upgrade", "--db", sqlite_url], capsys)
    assert (code, err) == (0, "")
    assert "Created the database schema (revision 0001)." in out
    code, out, _ = run_cli(["--db", sqlite_url, "db", "upgrade"], capsys)
    assert "The database is up to date (revision 0001)." in out
    code, out, _ = run_cli(["--db", sqlite_url, "db", "status"], capsys)
    assert "Current revision:  0001" in out and "Up to date." in out

    target = tmp_path / "migrations"
    shutil.copytree(store_db.MIGRATIONS_DIR, target, ignore=shutil.ignore_patterns("__pycache__"))
    (target / "versions" / "0002_test_pronouns.py").write_text(SECOND_REVISION, encoding="utf-8")
    monkeypatch.setattr(store_db, "MIGRATIONS_DIR", target)
    code, out, _ = run_cli(["--db", sqlite_url, "db", "status"], capsys)
    assert "An upgrade is needed" in out
    code, out, _ = run_cli(["--db", sqlite_url, "db", "upgrade"], capsys)
    assert code == 0
    assert "Upgraded the database from revision 0001 to 0002. A copy of the old database is in" in out


def test_quick_head_agrees_with_alembic(newer_migrations: Path) -> None:
    assert store_db.quick_head() == head_revision() == "0002"


def test_opening_an_up_to_date_database_does_not_import_alembic(sqlite_url: str) -> None:
    """Every start opens the database; Alembic is only imported when there is something to migrate."""
    import subprocess
    import sys

    Store.open(sqlite_url).dispose()
    code = (
        "import sys\nfrom coach.store.db import Store\n"
        f"Store.open({sqlite_url!r}).dispose()\n"
        "print(any(name.split('.')[0] == 'alembic' for name in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
