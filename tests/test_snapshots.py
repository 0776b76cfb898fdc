"""SVG snapshots of the main screens at 80x24 (STYLE.md): what a practitioner sees, kept under review.

Each snapshot starts from a fixed state: a fictional case with readings on fixed dates, no clock in view,
no randomness (rehearsal seed 0), and the language models explicitly not loaded (`load_models=False`), so the
header says so on every screen. A failing snapshot means the screen changed: look at the report
(snapshot_report.html), then accept a deliberate change with `pytest tests/test_snapshots.py --snapshot-update`.
The SVG names fonts but carries no font data or timestamps, so it does not depend on the machine.
"""

from __future__ import annotations

from datetime import date

import pytest

from coach.services import cases
from coach.store.db import Store
from coach.tui.app import CoachApp

AREAS = [
    (
        "Home conditions",
        "The kitchen is dirty and there is often no food in the house.",
        "The home is clean and there is food for regular meals.",
    ),
    (
        "School attendance",
        "Nia misses a day of school most weeks and is often late.",
        "Nia goes to school every day and arrives on time.",
    ),
    (
        "Dad's drinking",
        "Rhys drinks most evenings until he is unsteady.",
        "Rhys is sober whenever he is caring for Nia.",
    ),
]
READINGS = {
    "Home conditions": [("2026-09-04", 3), ("2026-10-02", 4), ("2026-10-30", 6)],
    "School attendance": [("2026-09-04", 5), ("2026-10-02", 5), ("2026-10-30", 7)],
    "Dad's drinking": [("2026-09-04", 2), ("2026-10-02", 4), ("2026-10-30", 3)],
}


@pytest.fixture
def workspace(sqlite_url: str) -> str:
    """A database with one fictional case, three areas and readings on fixed dates."""
    store = Store.open(sqlite_url)
    try:
        case = cases.create_case(store, "SNAP-2026-01", "Fictional family for the screen snapshots.", areas=AREAS)
        for area in case.areas:
            for day, score in READINGS[area.title]:
                cases.add_reading(store, area.id, date.fromisoformat(day), score, by_whom="Social worker")
    finally:
        store.dispose()
    return sqlite_url


async def _ready(pilot) -> None:
    """The database is open and the home screen has drawn its summary."""
    for _ in range(200):
        if pilot.app.store_ready:
            break
        await pilot.pause(0.05)
    await pilot.pause()


def _app(url: str) -> CoachApp:
    return CoachApp(db_url=url, load_models=False)


async def _steady(pilot) -> None:
    """Cursors stop blinking, so the shot does not depend on how long the steps took: a text cursor blinks
    every 0.5 s, and on a loaded machine the 0.3 s pauses can run past a blink (CI caught the reflect
    screen's cursor off once). A TextArea caches its lines with the cursor left out of the key once blinking
    is off, so its cache is dropped (notify_style_update) to draw the cursor again."""
    for widget in pilot.app.screen.query("*"):
        if hasattr(widget, "cursor_blink"):
            widget.cursor_blink = False
            widget.notify_style_update()
            widget.refresh()
    await pilot.pause()


def test_home(snap_compare, workspace: str) -> None:
    async def ready(pilot) -> None:
        await _ready(pilot)
        await _steady(pilot)

    assert snap_compare(_app(workspace), run_before=ready)


def test_cases(snap_compare, workspace: str) -> None:
    async def open_cases(pilot) -> None:
        await _ready(pilot)
        pilot.app.action_open("cases")
        await pilot.pause(0.3)
        await _steady(pilot)

    assert snap_compare(_app(workspace), run_before=open_cases)


def test_reflect_writing(snap_compare, workspace: str) -> None:
    """The write step of a new reflection on the case (the visit date typed in, not today's)."""

    async def start_writing(pilot) -> None:
        await _ready(pilot)
        pilot.app.action_open("reflect")
        await pilot.pause(0.3)
        screen = pilot.app.screen
        screen.query_one("#visit-date").value = "2026-11-20"
        choices = screen.query_one("#choose-list")
        choices.highlighted = next(i for i, o in enumerate(choices.options) if (o.id or "").startswith("case-"))
        await pilot.press("enter")
        await pilot.pause(0.3)
        await _steady(pilot)

    assert snap_compare(_app(workspace), run_before=start_writing)


def test_rehearse_picker(snap_compare, workspace: str) -> None:
    async def open_rehearse(pilot) -> None:
        await _ready(pilot)
        pilot.app.action_open("rehearse")
        await pilot.pause(0.3)
        await _steady(pilot)

    assert snap_compare(_app(workspace), run_before=open_rehearse)


def test_rehearse_chat_opening(snap_compare, workspace: str) -> None:
    """A new rehearsal (seed 0): the persona's opening line, the coach panel, the input."""

    async def start(pilot) -> None:
        from coach.tui.screens.rehearse import RehearseScreen

        await _ready(pilot)
        await pilot.app.push_screen(RehearseScreen("drinking-toddler", seed=0))
        await pilot.pause(0.3)
        await _steady(pilot)

    assert snap_compare(_app(workspace), run_before=start)
