"""Shared fixtures: real models loaded once per session, a real SQLite file, a real PostgreSQL database.

PostgreSQL: COACH_TEST_PG is a server URL (default postgresql+psycopg://postgres@127.0.0.1:5432/postgres).
The session creates its own database `coach_test_<random>` there and drops it at the end. When the server
cannot be reached the PostgreSQL tests skip, unless COACH_REQUIRE_PG=1 (set by .ci/run): then they fail.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

PG_SERVER = os.environ.get("COACH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own COACH_HOME, so nothing touches the developer's real data or config."""
    home = tmp_path_factory.mktemp("coach-home")
    monkeypatch.setenv("COACH_HOME", str(home))
    monkeypatch.delenv("COACH_DB", raising=False)
    return home


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    """A URL for a fresh database on the real PostgreSQL server, dropped after the session."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"coach_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # server down or unreachable
        admin.dispose()
        if os.environ.get("COACH_REQUIRE_PG"):
            pytest.fail(f"PostgreSQL is required (COACH_REQUIRE_PG=1) but not reachable at {PG_SERVER}: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {PG_SERVER}: {exc}")
    url = make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"
            ),
            {"n": name},
        )
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture
def pg_url(pg_server_url: str) -> str:
    """A PostgreSQL URL whose schema is empty for this test (all tables dropped before it runs)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(pg_server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return pg_server_url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A URL for a real SQLite file in this test's temporary folder."""
    return f"sqlite:///{tmp_path / 'coach.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Parametrises a test over a real SQLite file and the real PostgreSQL server."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture(scope="session")
def tagger():
    """The real tagger (spaCy + MiniLM + trained classifiers), loaded once for the whole test session."""
    from coach.nlp.tagger import Tagger

    return Tagger.load()
