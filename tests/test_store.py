"""The store and the cases service on a real SQLite file and the real PostgreSQL server.

What a user would notice: data that vanishes or survives deletion wrongly, a score of 11 accepted, a private
database readable by others, a cryptic error instead of "locked" or "cannot connect".
"""

from __future__ import annotations

import socket
import sqlite3
import stat
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from coach.errors import CoachError
from coach.services import cases as cs
from coach.store.db import (
    Store,
    StoreConflictError,
    StoreConnectionError,
    StoreError,
    StoreLockedError,
    head_revision,
    safe_url,
)
from coach.store.models import (
    AreaLink,
    ChangeArea,
    Reflection,
    Rehearsal,
    ScaleReading,
    TechniqueTag,
    Turn,
)


@pytest.fixture
def store(db_url: str):
    s = Store.open(db_url)
    yield s
    s.dispose()


def _case_with_areas(store: Store, ref: str = "GW-2026-101") -> cs.CaseView:
    owner = cs.get_or_create_practitioner(store, "Owain Rees")
    return cs.create_case(
        store,
        ref,
        "Fictional case for tests.",
        owner=owner.id,
        areas=[
            ("Supervision at night", "Left alone at night.", "A sober adult every night."),
            ("Home routines", "No regular meals.", "Three meals a day."),
            ("Health appointments", "Missed reviews.", "Appointments kept."),
        ],
    )


# -- the store -------------------------------------------------------------------------------------
def test_open_creates_the_schema_at_head(store: Store) -> None:
    status = store.status()
    assert status["current"] == head_revision() and status["up_to_date"]
    assert cs.workspace_counts(store).empty


def test_sqlite_file_is_private_wal_with_foreign_keys(sqlite_url: str, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'folder' / 'coach.db'}"
    store = Store.open(url)
    try:
        _case_with_areas(store)
        path = tmp_path / "nested" / "folder" / "coach.db"
        with store.connect() as conn:  # keeps the WAL and shared-memory files present while we look
            mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
            fks = conn.exec_driver_sql("PRAGMA foreign_keys").scalar()
            busy = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
            for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                assert candidate.exists(), candidate
                assert stat.S_IMODE(candidate.stat().st_mode) == 0o600, candidate
        assert (mode, fks) == ("wal", 1)
        assert busy == 5000
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    finally:
        store.dispose()


def test_times_come_back_timezone_aware_utc(store: Store) -> None:
    case = _case_with_areas(store)
    assert case.created_at.tzinfo is not None and case.created_at.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - case.created_at) < timedelta(minutes=5)


def test_deleting_a_case_deletes_its_children_and_unlinks_the_rest(store: Store) -> None:
    case = _case_with_areas(store)
    area = case.areas[0]
    cs.add_reading(store, area.id, date.today(), 4, "Owain Rees", "first")
    with store.session() as session:
        reflection = Reflection(case_id=case.id, visit_date=date.today(), text="We talked about the evenings.")
        session.add(reflection)
        session.flush()
        session.add(AreaLink(reflection_id=reflection.id, area_id=area.id, sentence="We talked.", status="confirmed"))
        session.add(TechniqueTag(reflection_id=reflection.id, tag="open_question", start=0, end=5))
        rehearsal = Rehearsal(scenario_id="drinking-toddler", case_id=case.id)
        session.add(rehearsal)
        session.flush()
        turn = Turn(rehearsal_id=rehearsal.id, position=0, speaker="persona", text="Hello.")
        session.add(turn)
        session.flush()
        session.add(TechniqueTag(turn_id=turn.id, tag="discord"))
        reflection_id, rehearsal_id = reflection.id, rehearsal.id
    cs.delete_case(store, case.reference)
    with store.session() as session:
        assert session.exec(select(ChangeArea)).all() == []
        assert session.exec(select(ScaleReading)).all() == []
        assert session.exec(select(AreaLink)).all() == []
        kept = session.get(Reflection, reflection_id)
        assert kept is not None and kept.case_id is None  # the reflection stays, unlinked
        assert len(session.exec(select(TechniqueTag)).all()) == 2
        session.delete(session.get(Rehearsal, rehearsal_id))
    with store.session() as session:  # deleting a rehearsal deletes its turns and their tags
        assert session.exec(select(Turn)).all() == []
        assert [t.tag for t in session.exec(select(TechniqueTag)).all()] == ["open_question"]


def test_database_rejects_score_out_of_range_even_without_the_service(store: Store) -> None:
    case = _case_with_areas(store)
    for bad in (0, 11):
        with pytest.raises(StoreConflictError, match="conflicts with data already stored"):
            with store.session() as session:
                session.add(ScaleReading(area_id=case.areas[0].id, reading_date=date.today(), score=bad))
    assert cs.readings_for_area(store, case.areas[0].id) == []


def test_database_rejects_a_tag_on_nothing_and_a_bad_enum(store: Store) -> None:
    with pytest.raises(StoreConflictError):
        with store.session() as session:
            session.add(TechniqueTag(tag="open_question"))
    with pytest.raises(StoreConflictError):
        with store.session() as session:
            session.add(Rehearsal(scenario_id="drinking-toddler", status="paused"))


def test_session_rolls_back_on_error(store: Store) -> None:
    with pytest.raises(RuntimeError):
        with store.session() as session:
            session.add(Rehearsal(scenario_id="drinking-toddler"))
            session.flush()
            raise RuntimeError("boom")
    assert cs.workspace_counts(store).rehearsals == 0


# -- readable failures -----------------------------------------------------------------------------
def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_postgres_server_down_gives_a_clear_message() -> None:
    port = _closed_port()
    started = time.monotonic()
    with pytest.raises(StoreConnectionError) as caught:
        Store.open(f"postgresql://coach:secret@127.0.0.1:{port}/coach")
    message = str(caught.value)
    assert message.startswith(f"Cannot connect to the database server at 127.0.0.1:{port}:")
    assert "secret" not in message
    assert time.monotonic() - started < 10


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("", "Unknown database URL"),
        ("not a url", "Unknown database URL 'not a url'"),
        ("nosuchdb://host/db", "no database driver for 'nosuchdb'"),
    ],
)
def test_bad_urls_give_a_clear_message(url: str, fragment: str) -> None:
    with pytest.raises(StoreError, match=fragment):
        Store.open(url)


def test_store_error_is_a_coach_error() -> None:
    assert issubclass(StoreError, CoachError)


def test_locked_sqlite_gives_the_locked_message(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_DB_BUSY_TIMEOUT", "0.5")
    store = Store.open(sqlite_url)
    holder = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()
        with pytest.raises(StoreLockedError, match=r"The database is locked by another program \("):
            cs.get_or_create_practitioner(store, "Ffion Hughes")
        assert time.monotonic() - started < 5
    finally:
        holder.rollback()
        holder.close()
        store.dispose()
    store = Store.open(sqlite_url)  # nothing half-written, and it works once the lock is gone
    try:
        assert cs.get_or_create_practitioner(store, "Ffion Hughes").display_name == "Ffion Hughes"
    finally:
        store.dispose()


def test_unwritable_location_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreConnectionError, match="Cannot create the database file"):
        Store.open(f"sqlite:///{blocker / 'coach.db'}")


def test_safe_url_hides_the_password() -> None:
    assert "secret" not in safe_url("postgresql://coach:secret@db.example:5432/coach")
    assert safe_url("postgresql://coach@db.example/coach").startswith("postgresql+psycopg://")


# -- the cases service -----------------------------------------------------------------------------
def test_case_lifecycle(store: Store) -> None:
    case = _case_with_areas(store)
    assert [a.title for a in case.areas] == ["Supervision at night", "Home routines", "Health appointments"]
    assert case.owner == "Owain Rees"
    assert cs.get_case(store, "gw-2026-101").id == case.id  # references match case-insensitively
    assert cs.get_case(store, case.id).reference == case.reference
    updated = cs.update_case(store, case.id, summary="Changed.", closed=True, owner="Ffion Hughes")
    assert (updated.summary, updated.closed, updated.owner) == ("Changed.", True, "Ffion Hughes")
    assert cs.list_cases(store, include_closed=False) == []
    assert [c.reference for c in cs.list_cases(store)] == ["GW-2026-101"]


def test_areas_add_reorder_delete(store: Store) -> None:
    case = _case_with_areas(store)
    new = cs.add_area(store, case.id, "School", "Late most days.", "On time.", position=1)
    titles = [a.title for a in cs.get_case(store, case.id).areas]
    assert titles == ["Supervision at night", "School", "Home routines", "Health appointments"]
    ids = [a.id for a in cs.get_case(store, case.id).areas]
    reordered = cs.reorder_areas(store, case.id, list(reversed(ids)))
    assert [a.title for a in reordered][0] == "Health appointments"
    cs.update_area(store, new.id, title="School attendance", concern="Late four days in five.")
    cs.delete_area(store, reordered[0].id)
    after = cs.get_case(store, case.id).areas
    assert [a.position for a in after] == [0, 1, 2]
    assert "School attendance" in [a.title for a in after]


def test_readings_are_validated_and_ordered(store: Store) -> None:
    case = _case_with_areas(store)
    area_id = case.areas[0].id
    today = date.today()
    cs.add_reading(store, area_id, today, 5, "Owain Rees", "later")
    cs.add_reading(store, area_id, (today - timedelta(days=7)).isoformat(), "3", "Owain Rees", "earlier")
    assert [(r.score, r.note) for r in cs.readings_for_area(store, area_id)] == [(3, "earlier"), (5, "later")]
    assert cs.get_case(store, case.id).areas[0].latest_score == 5


@pytest.mark.parametrize(
    ("when", "score", "fragment"),
    [
        ("2026-01-05", 11, "The score must be from 1 to 10, got 11"),
        ("2026-01-05", 0, "The score must be from 1 to 10, got 0"),
        ("2026-01-05", "seven", "whole number from 1 to 10"),
        ("2026-01-05", 7.5, "whole number from 1 to 10"),
        ("2026-01-05", True, "whole number from 1 to 10"),
        ("05/01/2026", 5, "must be a date like 2026-03-14"),
        ("2999-01-01", 5, "is in the future"),
    ],
)
def test_bad_readings_are_refused_and_nothing_is_written(
    sqlite_url: str, when: str, score: object, fragment: str
) -> None:
    store = Store.open(sqlite_url)
    try:
        case = _case_with_areas(store)
        with pytest.raises(cs.CaseError, match=fragment):
            cs.add_reading(store, case.areas[0].id, when, score)  # type: ignore[arg-type]
        assert cs.readings_for_area(store, case.areas[0].id) == []
    finally:
        store.dispose()


def test_wrong_ids_and_duplicates_are_clear(store: Store) -> None:
    case = _case_with_areas(store)
    with pytest.raises(cs.CaseError, match="No case with reference or number 'GW-0000-000'. Known cases: GW-2026-101"):
        cs.get_case(store, "GW-0000-000")
    with pytest.raises(cs.CaseError, match="No change area number 99999"):
        cs.readings_for_area(store, 99999)
    with pytest.raises(cs.CaseError, match="already exists"):
        cs.create_case(store, "gw-2026-101")
    with pytest.raises(cs.CaseError, match="already has a change area called"):
        cs.add_area(store, case.id, "home routines")
    with pytest.raises(cs.CaseError, match="exactly once"):
        cs.reorder_areas(store, case.id, [case.areas[0].id])
    with pytest.raises(cs.CaseError, match="cannot be empty"):
        cs.create_case(store, "   ")
    with pytest.raises(cs.CaseError, match="The role must be one of"):
        cs.get_or_create_practitioner(store, "Someone", role="boss")
    assert cs.workspace_counts(store).cases == 1


def test_practitioners_are_created_once(store: Store) -> None:
    first = cs.get_or_create_practitioner(store, "Nia Pritchard", "mentor")
    again = cs.get_or_create_practitioner(store, "  Nia Pritchard ", "practitioner")
    assert first.id == again.id and again.role == "mentor"
    assert [p.display_name for p in cs.list_practitioners(store)] == ["Nia Pritchard"]


def test_workspace_counts(store: Store) -> None:
    case = _case_with_areas(store)
    cs.add_reading(store, case.areas[1].id, date.today(), 6)
    counts = cs.workspace_counts(store)
    assert (counts.cases, counts.open_cases, counts.areas, counts.readings) == (1, 1, 3, 1)
    assert (counts.reflections, counts.rehearsals, counts.practitioners) == (0, 0, 1)


def test_reference_warning_spots_names_not_references() -> None:
    assert cs.reference_warning("Ceri Jones") is not None
    assert cs.reference_warning("GW-2026-014") is None


def test_mentor_comments_go_with_their_target(store: Store) -> None:
    from coach.store.models import MentorComment

    nia = cs.get_or_create_practitioner(store, "Nia Pritchard", "mentor")
    with store.session() as session:
        reflection = Reflection(visit_date=date.today(), text="Visit.")
        rehearsal = Rehearsal(scenario_id="drinking-toddler")
        session.add_all([reflection, rehearsal])
        session.flush()
        turn = Turn(rehearsal_id=rehearsal.id, position=0, speaker="practitioner", text="Hello.")
        session.add(turn)
        session.flush()
        for kind, target in (("reflection", reflection.id), ("rehearsal", rehearsal.id), ("turn", turn.id)):
            session.add(MentorComment(author_id=nia.id, target_kind=kind, target_id=target, text=f"On the {kind}."))
        ids = (reflection.id, rehearsal.id)
    with store.session() as session:
        session.delete(session.get(Rehearsal, ids[1]))
    with store.session() as session:
        assert [c.target_kind for c in session.exec(select(MentorComment)).all()] == ["reflection"]
        session.delete(session.get(Reflection, ids[0]))
    with store.session() as session:
        assert session.exec(select(MentorComment)).all() == []
