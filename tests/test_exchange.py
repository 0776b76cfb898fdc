"""Workspace import/export: the demo round-trips on SQLite and PostgreSQL, and every malformed file is refused
with a message naming the problem and its place, writing nothing."""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from coach.paths import SESSIONS_DIR
from coach.services import cases as case_service
from coach.store.db import Store
from coach.store.exchange import (
    ExchangeError,
    dumps,
    export_to,
    export_workspace,
    import_file,
    import_workspace,
    parse_bytes,
    read_file,
)
from coach.store.models import ChangeArea, Practitioner, Reflection

BAD_DIR = Path(__file__).parent / "data" / "bad_imports"
EXPECTED = yaml.safe_load((BAD_DIR / "expected.yaml").read_text(encoding="utf-8"))
BAD_FILES = sorted(p.name for p in BAD_DIR.iterdir() if p.name != "expected.yaml")
DEMO = SESSIONS_DIR / "demo.json"


def _comparable(export: dict) -> dict:
    data = copy.deepcopy(export)
    data.pop("exported_at", None)
    data.pop("generator", None)
    return data


@pytest.fixture
def demo_data() -> dict:
    return json.loads(DEMO.read_text(encoding="utf-8"))


def test_every_bad_file_has_an_expectation() -> None:
    assert set(BAD_FILES) == set(EXPECTED), "each file in tests/data/bad_imports needs a line in expected.yaml"


def test_demo_round_trips_through_sqlite_and_postgres(db_url: str, tmp_path: Path, demo_data: dict) -> None:
    """demo -> db_url -> export -> a fresh SQLite file -> export: all equal, and equal to the demo file."""
    first = Store.open(db_url)
    try:
        summary = import_file(first, DEMO)
        assert summary.cases == 2 and summary.reflections == 4 and summary.turns == 11
        exported = export_workspace(first)
    finally:
        first.dispose()
    second = Store.open(f"sqlite:///{tmp_path / 'second.db'}")
    try:
        import_workspace(second, json.loads(json.dumps(exported)))
        again = export_workspace(second)
    finally:
        second.dispose()
    assert _comparable(exported) == _comparable(again)
    assert _comparable(exported) == _comparable(demo_data)


def test_sqlite_export_imports_into_postgres(pg_url: str, tmp_path: Path, demo_data: dict) -> None:
    lite = Store.open(f"sqlite:///{tmp_path / 'lite.db'}")
    try:
        import_file(lite, DEMO)
        target = tmp_path / "export.json"
        export_to(lite, target)
    finally:
        lite.dispose()
    pg = Store.open(pg_url)
    try:
        import_file(pg, target)
        assert _comparable(export_workspace(pg)) == _comparable(demo_data)
    finally:
        pg.dispose()


def test_demo_content_meets_the_brief(demo_data: dict) -> None:
    people = {p["name"]: p for p in demo_data["practitioners"]}
    mentors = [p["name"] for p in people.values() if p["role"] == "mentor"]
    assert len(people) >= 3 and mentors
    assert sum(1 for p in people.values() if p.get("mentor") in mentors) >= 2
    assert len(demo_data["cases"]) >= 2
    for case in demo_data["cases"]:
        assert re.fullmatch(r"[A-Z]{2}-\d{4}-\d{3}", case["reference"])
        assert len(case["change_areas"]) == 3
        for area in case["change_areas"]:
            assert area["concern"] and area["good_enough"]
            dates = sorted(r["date"] for r in area["readings"])
            assert len(dates) >= 6 and all(r["note"] for r in area["readings"])
    assert 3 <= len(demo_data["reflections"]) <= 4
    assert all(r["area_links"] for r in demo_data["reflections"])
    [rehearsal] = demo_data["rehearsals"]
    assert rehearsal["scenario_id"] == "drinking-toddler" and 9 <= len(rehearsal["turns"]) <= 13
    assert any(t["tags"] for t in rehearsal["turns"])
    # every tag and link offset points at the text it claims
    for reflection in demo_data["reflections"]:
        for link in reflection["area_links"]:
            assert reflection["text"][link["start"] : link["end"]] == link["sentence"]
        for tag in reflection["tags"]:
            assert 0 <= tag["start"] < tag["end"] <= len(reflection["text"])
    for turn in rehearsal["turns"]:
        for tag in turn["tags"]:
            assert 0 <= tag["start"] < tag["end"] <= len(turn["text"])


@pytest.mark.parametrize("name", BAD_FILES)
def test_malformed_file_is_refused_by_name_and_writes_nothing(name: str, sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    try:
        case_service.create_case(store, "KEEP-2026-001", "Already here.", areas=[("Home", "c", "g")])
        before = export_workspace(store)
        with pytest.raises(ExchangeError) as caught:
            import_file(store, BAD_DIR / name)
        message = str(caught.value)
        assert EXPECTED[name] in message, message
        assert "Traceback" not in message
        assert _comparable(export_workspace(store)) == _comparable(before)
    finally:
        store.dispose()


def test_partly_valid_file_writes_nothing_on_postgres(pg_url: str) -> None:
    """score_11.json has one good case before the bad reading: not even that case is written."""
    store = Store.open(pg_url)
    try:
        with pytest.raises(ExchangeError, match=re.escape(EXPECTED["score_11.json"])):
            import_file(store, BAD_DIR / "score_11.json")
        counts = case_service.workspace_counts(store)
        assert (counts.cases, counts.practitioners, counts.readings) == (0, 0, 0)
    finally:
        store.dispose()


def test_file_over_50_mb_is_refused_before_reading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:
        handle.truncate(51 * 1024 * 1024)  # sparse: no 51 MB written to disk
    with pytest.raises(ExchangeError, match="too large"):
        read_file(huge)


def test_missing_file_and_folder_are_named(tmp_path: Path) -> None:
    with pytest.raises(ExchangeError, match="There is no file"):
        read_file(tmp_path / "nope.json")
    with pytest.raises(ExchangeError, match="is a folder"):
        read_file(tmp_path)


def test_importing_twice_refuses_clashing_cases_and_writes_nothing(sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    try:
        import_file(store, DEMO)
        before = export_workspace(store)
        with pytest.raises(ExchangeError) as caught:
            import_file(store, DEMO)
        assert "cases[0].reference: a case 'GW-2026-014' is already in this database" in str(caught.value)
        assert _comparable(export_workspace(store)) == _comparable(before)
    finally:
        store.dispose()


def test_existing_practitioners_are_matched_by_name(db_url: str, demo_data: dict) -> None:
    store = Store.open(db_url)
    try:
        owain = case_service.get_or_create_practitioner(store, "Owain Rees", "facilitator")
        summary = import_workspace(store, demo_data)
        assert summary.practitioners_matched == 1 and summary.practitioners == 3
        with store.session() as session:
            rows = session.exec(select(Practitioner).where(Practitioner.display_name == "Owain Rees")).all()
        assert [(r.id, r.role) for r in rows] == [(owain.id, "facilitator")]  # kept as it was
        assert case_service.get_case(store, "GW-2026-014").owner == "Owain Rees"
    finally:
        store.dispose()


def test_area_answers_follow_titles_not_ids(sqlite_url: str, demo_data: dict) -> None:
    """Answer keys hold area ids in the database; a file uses titles, so ids that differ still match."""
    store = Store.open(sqlite_url)
    try:
        case_service.create_case(store, "SHIFT-2026-001", areas=[("A", "", ""), ("B", "", ""), ("C", "", "")])
        import_workspace(store, demo_data)
        case = case_service.get_case(store, "GW-2026-014")
        area = case.area("Alcohol and Cai's supervision")
        with store.session() as session:
            first = session.exec(select(Reflection).order_by(Reflection.id)).first()
            titles = {a.id: a.title for a in session.exec(select(ChangeArea)).all()}
        assert first is not None
        assert f"area:{area.id}" in first.answers and f"area:{area.id}:scale" in first.answers
        assert all(
            titles[int(k.split(":")[1])] in {a.title for a in case.areas} for k in first.answers if k[:5] == "area:"
        )
        exported = export_workspace(store)
        assert "area[Alcohol and Cai's supervision]" in exported["reflections"][0]["answers"]
    finally:
        store.dispose()


def test_yaml_and_json_import_the_same(tmp_path: Path, demo_data: dict) -> None:
    yaml_file = tmp_path / "demo.yaml"
    yaml_file.write_text(yaml.safe_dump(demo_data, allow_unicode=True), encoding="utf-8")
    no_suffix = tmp_path / "demo-workspace"
    no_suffix.write_text(yaml.safe_dump(demo_data, allow_unicode=True), encoding="utf-8")
    exports = []
    for source in (DEMO, yaml_file, no_suffix):
        store = Store.open(f"sqlite:///{tmp_path / (source.name + '.db')}")
        try:
            import_file(store, source)
            exports.append(_comparable(export_workspace(store)))
        finally:
            store.dispose()
    assert exports[0] == exports[1] == exports[2]


def test_export_refuses_to_overwrite_without_force(sqlite_url: str, tmp_path: Path) -> None:
    store = Store.open(sqlite_url)
    try:
        target = tmp_path / "out.json"
        target.write_text("precious", encoding="utf-8")
        with pytest.raises(ExchangeError, match="already exists; use --force"):
            export_to(store, target)
        assert target.read_text(encoding="utf-8") == "precious"
        export_to(store, target, force=True)
        assert read_file(target)["format"] == "coach-workspace"
        assert target.stat().st_mode & 0o777 == 0o600
    finally:
        store.dispose()


def test_parse_bytes_reports_json_position() -> None:
    with pytest.raises(ExchangeError, match=r"line 2, column \d+"):
        parse_bytes(b'{"format": "coach-workspace",\n "version": }', name="x.json", suffix=".json")


# -- property: any workspace the format allows survives export -> import -> export ---------------------------

_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00"), max_size=40)
_NAME = st.from_regex(r"[A-Za-z][A-Za-z' \-]{0,20}[a-z]", fullmatch=True)
_DAY = st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 11, 1)).map(date.isoformat)


@st.composite
def workspaces(draw: st.DrawFn) -> dict:
    names = draw(st.lists(_NAME, min_size=1, max_size=4, unique=True))
    people = [{"name": n, "role": draw(st.sampled_from(["practitioner", "mentor", "facilitator"]))} for n in names]
    refs = draw(
        st.lists(st.from_regex(r"[A-Z]{2}-20[0-9]{2}-[0-9]{3}", fullmatch=True), max_size=3, unique_by=str.lower)
    )
    cases = []
    for ref in refs:
        titles = draw(st.lists(_NAME, max_size=3, unique_by=str.lower))
        cases.append(
            {
                "reference": ref,
                "summary": draw(_TEXT),
                "owner": draw(st.sampled_from([None, *names])),
                "closed": draw(st.booleans()),
                "change_areas": [
                    {
                        "title": t,
                        "concern": draw(_TEXT),
                        "good_enough": draw(_TEXT),
                        "readings": [
                            {
                                "date": d,
                                "score": draw(st.integers(1, 10)),
                                "by": draw(_TEXT),
                                "note": draw(_TEXT),
                            }
                            for d in sorted(draw(st.lists(_DAY, max_size=3, unique=True)))
                        ],
                    }
                    for t in titles
                ],
            }
        )
    reflections = []
    for case in draw(st.lists(st.sampled_from(cases), max_size=2)) if cases else []:
        text = draw(_TEXT)
        areas = [a["title"] for a in case["change_areas"]]
        reflections.append(
            {
                "case": case["reference"],
                "practitioner": draw(st.sampled_from(names)),
                "visit_date": draw(_DAY),
                "text": text,
                "answers": {**{f"area[{a}]": draw(_TEXT) for a in areas}, "what-happened": text},
                "tags": [{"tag": "open_question", "score": draw(st.floats(0, 1)), "start": 0, "end": len(text)}],
                "area_links": [{"area": a, "status": "confirmed", "decided_by": names[0]} for a in areas],
                "comments": [{"author": names[-1], "text": draw(_TEXT) or "ok"}],
            }
        )
    return {
        "format": "coach-workspace",
        "version": 1,
        "practitioners": people,
        "cases": cases,
        "reflections": reflections,
    }


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workspaces())
def test_any_valid_workspace_round_trips(workspace: dict) -> None:
    first, second = Store.open("sqlite://"), Store.open("sqlite://")
    try:
        import_workspace(first, workspace)
        exported = export_workspace(first)
        import_workspace(second, json.loads(dumps(exported)))
        assert _comparable(export_workspace(second)) == _comparable(exported)
        assert [c["reference"] for c in exported["cases"]] == [c["reference"] for c in workspace["cases"]]
    finally:
        first.dispose()
        second.dispose()
