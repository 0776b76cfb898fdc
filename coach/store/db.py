"""Opening the coach database: engines for SQLite and PostgreSQL, sessions, schema upgrades, readable errors.

Everything that can go wrong with a database (locked file, server down, bad URL, no permission, a file from a
newer coach) ends here as a `StoreError` whose message a practitioner can act on; services and commands
catch it.

SQLite (the default) is a file in the user's data folder: created with mode 0600 inside a 0700 folder, WAL
journal, foreign keys on, a busy timeout (COACH_DB_BUSY_TIMEOUT seconds, default 5). PostgreSQL uses
psycopg 3; `postgresql://` and `postgres://` URLs are rewritten to `postgresql+psycopg://`.

The schema belongs to the Alembic migrations in `coach/store/migrations/`, run programmatically:
`Store.open()` creates an empty database, upgrades an older one (for SQLite after a backup copy
`coach.db.bak-<rev>-<time>`) and refuses one written by a newer coach.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coach.errors import CoachError

if TYPE_CHECKING:  # pragma: no cover
    from alembic.config import Config
    from sqlalchemy.engine import URL, Engine
    from sqlmodel import Session

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
DEFAULT_BUSY_TIMEOUT = 5.0
DEFAULT_CONNECT_TIMEOUT = 5


class StoreError(CoachError):
    """A database problem, with a message for the user."""


class StoreLockedError(StoreError):
    """Another program holds a write lock on the SQLite file for longer than the busy timeout."""


class StoreConnectionError(StoreError):
    """The database server cannot be reached, or the database file cannot be opened."""


class StoreConflictError(StoreError):
    """A write broke a schema rule (a duplicate name or reference, a missing parent, a score out of range)."""


class StoreVersionError(StoreError):
    """The database schema is not one this version of coach can use."""


@dataclass(frozen=True)
class UpgradeResult:
    """What `Store.upgrade()` did: the revision before and after, and the backup file if one was made."""

    before: str | None
    after: str
    backup: Path | None = None

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def describe(self) -> str:
        if not self.changed:
            return f"The database is up to date (revision {self.after})."
        if self.before is None:
            return f"Created the database schema (revision {self.after})."
        text = f"Upgraded the database from revision {self.before} to {self.after}."
        if self.backup is not None:
            text += f" A copy of the old database is in {self.backup}."
        return text


def _env_seconds(name: str, default: float) -> float:
    """A number of seconds from the environment variable `name`, or `default` when it is unset or empty."""
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        raise StoreError(f"{name} must be a number of seconds, got {raw!r}.") from None


def _busy_timeout() -> float:
    return max(0.0, _env_seconds("COACH_DB_BUSY_TIMEOUT", DEFAULT_BUSY_TIMEOUT))


def _connect_timeout() -> int:
    return max(1, int(_env_seconds("COACH_DB_CONNECT_TIMEOUT", DEFAULT_CONNECT_TIMEOUT)))


def parse_url(url: str) -> URL:
    """Parse a database URL, normalising PostgreSQL to psycopg 3; StoreError if it is not a database URL."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    text = (url or "").strip()
    if not text:
        raise StoreError("Unknown database URL '': give a URL such as sqlite:///path/to/coach.db.")
    try:
        parsed = make_url(text)
    except (ArgumentError, ValueError) as exc:
        raise StoreError(
            f"Unknown database URL {text!r}: {exc}. Use sqlite:///PATH or postgresql://USER@HOST:PORT/DATABASE."
        ) from None
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def safe_url(url: str | URL) -> str:
    """The URL with any password replaced by ***, for showing to people and in logs."""
    from sqlalchemy.engine import URL as _URL

    try:
        parsed = url if isinstance(url, _URL) else parse_url(url)
    except StoreError:
        return "<unreadable URL>"
    return parsed.render_as_string(hide_password=True)


def sqlite_path(url: str | URL) -> Path | None:
    """The file of a SQLite URL (absolute), or None for in-memory SQLite and other databases."""
    from sqlalchemy.engine import URL as _URL

    parsed = url if isinstance(url, _URL) else parse_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database).expanduser().absolute()


def locked_message(where: str) -> str:
    return (
        f"The database is locked by another program ({where}). Close the other coach window or program using "
        "it, or wait a moment and try again."
    )


def _server_address(parsed: URL) -> str:
    host = parsed.host or "localhost"
    port = parsed.port or {"postgresql": 5432, "mysql": 3306}.get(parsed.get_backend_name(), "")
    return f"{host}:{port}" if port else host


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else type(orig).__name__


def translate_error(exc: BaseException, url: str | URL) -> StoreError:
    """Turn a SQLAlchemy/DBAPI exception into a StoreError that says what happened and what to do."""
    from sqlalchemy import exc as sa_exc

    if isinstance(exc, StoreError):
        return exc
    parsed = url if not isinstance(url, str) else None
    if parsed is None:
        try:
            parsed = parse_url(url)  # type: ignore[arg-type]
        except StoreError as bad:
            return bad
    reason = _first_line(exc)
    lowered = reason.lower()
    path = sqlite_path(parsed)
    where = str(path) if path is not None else safe_url(parsed)
    backend = parsed.get_backend_name()

    if backend == "sqlite":
        if "locked" in lowered or "busy" in lowered:
            return StoreLockedError(locked_message(where))
        if "unable to open database file" in lowered or "disk i/o error" in lowered:
            return StoreConnectionError(f"Cannot open the database file {where}: {reason}.")
        if "readonly" in lowered or "read-only" in lowered:
            return StoreConnectionError(
                f"The database file {where} cannot be written (no permission or a read-only disk): {reason}."
            )
        if "not a database" in lowered or "malformed" in lowered:
            return StoreConnectionError(f"The file {where} is not a usable coach database: {reason}.")
    if isinstance(exc, sa_exc.IntegrityError):
        return StoreConflictError(f"The change conflicts with data already stored: {reason}")
    if isinstance(exc, sa_exc.OperationalError) and backend != "sqlite":
        if (
            any(
                word in lowered
                for word in ("connection", "connect", "timeout", "timed out", "refused", "resolve", "host")
            )
            or isinstance(exc, sa_exc.DBAPIError)
            and getattr(exc, "connection_invalidated", False)
        ):
            return StoreConnectionError(f"Cannot connect to the database server at {_server_address(parsed)}: {reason}")
        if "does not exist" in lowered or "authentication" in lowered or "password" in lowered:
            return StoreConnectionError(f"Cannot connect to the database server at {_server_address(parsed)}: {reason}")
    if isinstance(exc, sa_exc.NoSuchModuleError):
        return StoreError(
            f"Unknown database URL {safe_url(parsed)}: no database driver for {parsed.drivername!r}. "
            "Use sqlite:///PATH or postgresql://USER@HOST:PORT/DATABASE."
        )
    return StoreError(f"Database error ({where}): {reason}")


def _prepare_sqlite_file(path: Path) -> None:
    """Create the folder (0700) and an empty file (0600) before SQLite does: never world-readable."""
    try:
        if not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not path.exists():
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
    except OSError as exc:
        raise StoreConnectionError(f"Cannot create the database file {path}: {exc.strerror or exc}.") from None
    _restrict(path)


def _restrict(path: Path) -> None:
    """chmod 0600 on the database file and its -wal/-shm companions (best effort: we may not own them)."""
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            if candidate.exists() and (candidate.stat().st_mode & 0o777) != 0o600:
                candidate.chmod(0o600)
        except OSError:
            pass


def alembic_config(connection: Any | None = None) -> Config:
    """An Alembic Config for coach's migrations, built in code (no alembic.ini)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("version_path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest schema revision this version of coach knows."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "coach ships at least one migration"
    return head


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


_REVISION_RE = re.compile(r"""^revision(?:\s*:\s*str)?\s*=\s*["']([^"']+)["']""", re.M)
_DOWN_RE = re.compile(r"""^down_revision(?:\s*:[^=]+)?\s*=\s*(?:None|["']([^"']+)["'])""", re.M)


def quick_head() -> str | None:
    """The head revision read straight from the revision files (no Alembic import); None if unsure.

    Opening an up-to-date database, which is what happens at every start, then costs a file listing and one
    SELECT instead of importing Alembic. Anything unusual (branches, merges, odd files) falls back to Alembic.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    try:
        files = sorted((MIGRATIONS_DIR / "versions").glob("*.py"))
        for file in files:
            if file.name.startswith("__"):
                continue
            source = file.read_text(encoding="utf-8")
            revision, down = _REVISION_RE.search(source), _DOWN_RE.search(source)
            if revision is None or down is None:
                return None
            revisions.add(revision.group(1))
            if down.group(1):
                parents.add(down.group(1))
    except OSError:
        return None
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _stored_revision(conn: Any) -> str | None:
    """The revision in the alembic_version table (None if there is no such table or row)."""
    from sqlalchemy import inspect, text

    if not inspect(conn).has_table("alembic_version"):
        return None
    rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(rows) > 1:
        raise StoreVersionError(f"The database has several schema revisions ({', '.join(rows)}); it is damaged.")
    return rows[0] if rows else None


class Store:
    """One database: an engine, sessions that commit or roll back, and schema management."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine, event
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError

        self.url = parse_url(url)
        self.path = sqlite_path(self.url)
        self.backend = self.url.get_backend_name()
        kwargs: dict[str, Any] = {}
        if self.backend == "sqlite":
            busy = _busy_timeout()
            kwargs["connect_args"] = {"timeout": busy, "check_same_thread": False}
            if self.path is None:
                from sqlalchemy.pool import StaticPool

                kwargs["poolclass"] = StaticPool
            else:
                _prepare_sqlite_file(self.path)
        elif self.backend == "postgresql":
            kwargs["connect_args"] = {"connect_timeout": _connect_timeout()}
            kwargs["pool_pre_ping"] = True
        try:
            self.engine: Engine = create_engine(self.url, **kwargs)
        except NoSuchModuleError:
            raise StoreError(
                f"Unknown database URL {safe_url(self.url)}: no database driver for {self.url.drivername!r}. "
                "Use sqlite:///PATH or postgresql://USER@HOST:PORT/DATABASE."
            ) from None
        except ImportError as exc:
            raise StoreError(
                f"coach cannot use the database {safe_url(self.url)} (missing driver: {exc.name or exc}). "
                "coach works with SQLite (sqlite:///PATH) and PostgreSQL (postgresql://USER@HOST:PORT/DATABASE)."
            ) from None
        except (ArgumentError, TypeError, ValueError) as exc:
            raise StoreError(f"Unknown database URL {safe_url(self.url)}: {exc}") from None

        if self.backend == "sqlite":
            busy_ms = int(_busy_timeout() * 1000)
            path = self.path

            @event.listens_for(self.engine, "connect")
            def _sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
                cursor = dbapi_conn.cursor()
                try:
                    cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
                    cursor.execute("PRAGMA foreign_keys = ON")
                    if path is not None:
                        cursor.execute("PRAGMA journal_mode = WAL")
                        cursor.execute("PRAGMA synchronous = NORMAL")
                finally:
                    cursor.close()
                if path is not None:
                    _restrict(path)

    # -- opening ---------------------------------------------------------------------------------------------
    @classmethod
    def open(cls, url: str, upgrade: bool = True) -> Store:
        """Open the database at `url`; with upgrade=True create or upgrade its schema to this coach's head.

        With upgrade=False the schema is only checked: a database from a newer coach is still refused, an
        older or empty one is left as it is (see `status()`).
        """
        store = cls(url)
        try:
            if upgrade:
                store.upgrade()
            else:
                store.check_version()
        except BaseException:
            store.dispose()
            raise
        return store

    def dispose(self) -> None:
        """Close every pooled connection (the file is released)."""
        self.engine.dispose()

    close = dispose

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.dispose()

    def __repr__(self) -> str:
        return f"Store({safe_url(self.url)!r})"

    @property
    def display_url(self) -> str:
        return safe_url(self.url)

    # -- sessions --------------------------------------------------------------------------------------------
    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits when the block ends and rolls back on any error.

        Objects stay usable after the block (expire_on_commit=False), detached from the session. Database
        errors come out as StoreError (StoreLockedError, StoreConnectionError, StoreConflictError, ...).
        """
        from sqlalchemy.exc import SQLAlchemyError
        from sqlmodel import Session

        session = Session(self.engine, expire_on_commit=False)
        try:
            yield session
            session.commit()
        except SQLAlchemyError as exc:
            self._safe_rollback(session)
            raise translate_error(exc, self.url) from exc
        except BaseException:
            self._safe_rollback(session)
            raise
        finally:
            session.close()

    @staticmethod
    def _safe_rollback(session: Session) -> None:
        try:
            session.rollback()
        except Exception:  # the connection may be gone; the original error matters more
            pass

    @contextmanager
    def connect(self) -> Iterator[Any]:
        """A raw SQLAlchemy connection with errors translated (used for maintenance)."""
        from sqlalchemy.exc import SQLAlchemyError

        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise translate_error(exc, self.url) from exc

    # -- schema ----------------------------------------------------------------------------------------------
    def current_revision(self) -> str | None:
        """The schema revision stored in the database (None for an empty database)."""
        with self.connect() as conn:
            return _stored_revision(conn)

    def _user_tables(self, conn: Any) -> list[str]:
        from sqlalchemy import inspect

        return [t for t in inspect(conn).get_table_names() if t != "alembic_version"]

    def status(self) -> dict[str, Any]:
        """Current and head revision, and whether an upgrade is needed (for `coach db status`)."""
        current = self.current_revision()
        head = head_revision()
        return {
            "url": self.display_url,
            "current": current,
            "head": head,
            "known": current is None or current in known_revisions(),
            "up_to_date": current == head,
        }

    def check_version(self) -> str | None:
        """Refuse a database written by a newer coach (or not by coach at all); return its revision."""
        with self.connect() as conn:
            current = _stored_revision(conn)
            if current is not None and current == quick_head():
                return current  # the everyday case, without importing Alembic (start-up time)
            if current is None and self._user_tables(conn):
                raise StoreVersionError(
                    f"The database {self._where()} already has tables but no coach schema version; it was "
                    "not created by coach. Use an empty database or a coach database."
                )
        if current is not None and current not in known_revisions():
            raise StoreVersionError(
                f"This database was written by a newer version of coach (revision {current}); this version "
                f"knows revisions up to {head_revision()}. Upgrade coach, or use another database with --db."
            )
        return current

    def _where(self) -> str:
        return str(self.path) if self.path is not None else self.display_url

    def upgrade(self) -> UpgradeResult:
        """Create or upgrade the schema to head. SQLite files at an older revision are backed up first."""
        before = self.check_version()
        if before is not None and before == quick_head():
            return UpgradeResult(before=before, after=before)

        from alembic import command
        from alembic.util import CommandError
        from sqlalchemy.exc import SQLAlchemyError

        head = head_revision()
        if before == head:
            return UpgradeResult(before=before, after=head)
        backup = self._backup(before) if before is not None and self.path is not None else None
        try:
            with self.engine.begin() as conn:
                command.upgrade(alembic_config(conn), "head")
        except SQLAlchemyError as exc:
            raise translate_error(exc, self.url) from exc
        except CommandError as exc:
            raise StoreVersionError(f"Cannot upgrade the database {self._where()}: {exc}") from None
        if self.path is not None:
            _restrict(self.path)
        return UpgradeResult(before=before, after=head, backup=backup)

    def _backup(self, revision: str) -> Path:
        """Copy the SQLite file (consistently, via SQLite's backup API) to coach.db.bak-<rev>-<UTC time>."""
        assert self.path is not None
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.path.with_name(f"{self.path.name}.bak-{revision}-{stamp}")
        try:
            fd = os.open(target, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
            os.close(fd)
            source = sqlite3.connect(self.path, timeout=_busy_timeout())
            try:
                dest = sqlite3.connect(target)
                try:
                    source.backup(dest)
                finally:
                    dest.close()
            finally:
                source.close()
        except sqlite3.OperationalError as exc:
            target.unlink(missing_ok=True)
            if "locked" in str(exc).lower() or "busy" in str(exc).lower():
                raise StoreLockedError(locked_message(str(self.path))) from None
            raise StoreError(f"Cannot back up the database {self.path} before upgrading it: {exc}") from None
        except OSError as exc:
            raise StoreError(
                f"Cannot back up the database {self.path} before upgrading it: {exc.strerror or exc}"
            ) from None
        _restrict(target)
        return target


def open_store(url: str, upgrade: bool = True) -> Store:
    """Shorthand for Store.open(url, upgrade)."""
    return Store.open(url, upgrade=upgrade)


__all__ = [
    "Store",
    "StoreConflictError",
    "StoreConnectionError",
    "StoreError",
    "StoreLockedError",
    "StoreVersionError",
    "UpgradeResult",
    "alembic_config",
    "head_revision",
    "open_store",
    "parse_url",
    "safe_url",
    "sqlite_path",
    "translate_error",
]
