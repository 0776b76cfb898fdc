"""`coach case report`: areas, evidence now, good enough, latest reading and trend, linked excerpts (confirmed
first, rejected never), HTML escaped, a clear message for a wrong case."""

from __future__ import annotations

import html
import os
import subprocess
import sys
from datetime import date

import pytest

from coach.nlp.linker import Linker
from coach.services import cases
from coach.services import reflection as R
from coach.services.report import Reading, render, trend
from coach.store.db import Store

AREAS = [
    (
        "Home conditions <kitchen & hall>",
        "The kitchen is dirty and there is often no food in the house.",
        "The home is clean and there is food for regular meals.",
    ),
    (
        "School attendance",
        "Mali misses a day of school most weeks and is often late.",
        "Mali goes to school every day and arrives on time.",
    ),
]


@pytest.fixture
def filled(db_url: str) -> tuple[str, cases.CaseView]:
    store = Store.open(db_url)
    case = cases.create_case(store, "GW-2026-031", "Fictional family for the report test.", areas=AREAS)
    home, school = case.areas
    cases.add_reading(store, home.id, date(2026, 9, 1), 4, "Core group", "At conference")
    cases.add_reading(store, home.id, date(2026, 10, 6), 6, "Social worker", "Fridge stocked, hall clear")
    cases.add_reading(store, school.id, date(2026, 10, 6), 5, "School", "")
    linker = Linker()
    draft = R.start(store, case.id, date(2026, 10, 6))
    R.save_draft(
        store,
        draft.id,
        {
            "what-happened": "There was food in the fridge.",
            f"area:{home.id}": "The hallway was clear of rubbish bags.",
            "next-steps": "School said she was in every day <b>last</b> week.",
        },
    )
    R.finish(store, draft.id, tagger=None, linker=linker)
    links = R.links(store, draft.id)
    fridge = next(x for x in links if x.sentence.startswith("There was food") and x.area_id == home.id)
    hall = next(x for x in links if x.sentence.startswith("The hallway") and x.area_id == home.id)
    R.decide(store, hall.id, "confirmed")
    R.decide(store, fridge.id, "rejected")
    store.dispose()
    return db_url, case


def test_trend_wording() -> None:
    r = [Reading(date(2026, 9, 1), 4, "", ""), Reading(date(2026, 10, 6), 6, "", "")]
    assert trend(r) == "4 -> 6 over 5 weeks, rising"
    assert trend(r[:1]) == "one reading so far"
    assert trend([]) == ""
    assert trend([Reading(date(2026, 9, 1), 6, "", ""), Reading(date(2026, 9, 4), 3, "", "")]) == (
        "6 -> 3 over 3 days, falling"
    )


def test_markdown_report_content(filled: tuple[str, cases.CaseView]) -> None:
    url, case = filled
    md = render(Store.open(url), "gw-2026-031", "md")
    assert md.startswith("# Case GW-2026-031")
    assert "## 1. Home conditions <kitchen & hall>" in md
    assert "**Not good enough now:** The kitchen is dirty" in md
    assert "**Good enough would be:** The home is clean" in md
    assert "**Latest reading:** 6/10 on 2026-10-06 by Social worker" in md
    assert "**Trend:** 4 -> 6 over 5 weeks, rising" in md
    home_part = md.split("## 2.")[0]
    assert "(confirmed): \u201cThe hallway was clear of rubbish bags.\u201d" in home_part
    assert "There was food in the fridge" not in home_part  # rejected by the practitioner
    school_part = md.split("## 2.")[1]
    assert "**Trend:** one reading so far" in school_part
    assert "(suggested): \u201cSchool said she was in every day <b>last</b> week.\u201d" in school_part


def test_html_report_is_escaped(filled: tuple[str, cases.CaseView]) -> None:
    url, _case = filled
    page = render(Store.open(url), "GW-2026-031", "html")
    assert "<b>last</b>" not in page
    assert html.escape("School said she was in every day <b>last</b> week.") in page
    assert "Home conditions &lt;kitchen &amp; hall&gt;" in page
    assert "4 → 6 over 5 weeks, rising" in page
    assert page.index("The hallway was clear") < page.index("School attendance")


def test_cli_writes_file_and_names_a_wrong_case(sqlite_url: str, tmp_path) -> None:
    store = Store.open(sqlite_url)
    cases.create_case(store, "GW-2026-032", areas=AREAS[:1])
    store.dispose()
    out = tmp_path / "report.html"
    env = dict(os.environ)
    ok = subprocess.run(
        [
            sys.executable,
            "-m",
            "coach",
            "--db",
            sqlite_url,
            "case",
            "report",
            "GW-2026-032",
            "--format",
            "html",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    assert "<h1>Case GW-2026-032" in out.read_text(encoding="utf-8")
    bad = subprocess.run(
        [sys.executable, "-m", "coach", "--db", sqlite_url, "case", "report", "NO-SUCH"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert bad.returncode == 2
    assert "NO-SUCH" in bad.stderr and "GW-2026-032" in bad.stderr
    assert "Traceback" not in bad.stderr
