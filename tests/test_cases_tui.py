"""Pilot tests of the cases screen at 80x24: create a case, add a change area and a reading, and a clear
message for a bad reading (nothing stored)."""

from __future__ import annotations

from coach.services import cases
from coach.tui.app import CoachApp
from coach.tui.screens.cases import CasesScreen


async def _type(pilot, text: str) -> None:
    await pilot.press(*text)


async def test_create_case_area_and_reading(sqlite_url: str, tagger) -> None:
    app = CoachApp(db_url=sqlite_url, tagger=tagger)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(CasesScreen())
        await pilot.pause()
        screen = app.screen
        assert "No cases yet" in str(screen.query_one("#case-title").render())
        await pilot.press("n")
        await pilot.pause()
        form_text = " ".join(str(w.render()) for w in app.screen.query("Label"))
        assert "Pseudonymous reference" in form_text
        await _type(pilot, "GW-2026-501")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("a")
        await _type(pilot, "Home conditions")
        await pilot.press("tab")
        await _type(pilot, "No food in the house")
        await pilot.press("tab")
        await _type(pilot, "Food for regular meals")
        await pilot.press("ctrl+s")
        await pilot.pause()
        # A bad score keeps the form open with the service's message and stores nothing.
        await pilot.press("r")
        await _type(pilot, "12")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "1 to 10" in str(app.screen.query_one("#form-error").render())
        await pilot.press("ctrl+u")  # clear the score field
        await _type(pilot, "4")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        info = str(screen.query_one("#area-info").render())
        assert "Home conditions" in info and "No food in the house" in info and "4/10" in info
        stored = cases.get_case(app.store, "GW-2026-501")
        area = stored.area("Home conditions")
        assert [r.score for r in area.readings] == [4]
        assert area.good_enough == "Food for regular meals"


async def test_name_like_reference_warns_in_the_form(sqlite_url: str, tagger) -> None:
    app = CoachApp(db_url=sqlite_url, tagger=tagger)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(CasesScreen())
        await pilot.pause()
        await pilot.press("n")
        await _type(pilot, "Sian Jones")
        await pilot.pause()
        assert "looks like a person's name" in str(app.screen.query_one("#case-warning").render())


async def test_every_field_of_the_reading_form_can_be_reached_at_80x24(sqlite_url: str) -> None:
    """The reading form is taller than 24 rows: tabbing to its last field scrolls it into view (no field is
    focused while hidden, so nothing is typed blind)."""
    from textual.containers import VerticalScroll
    from textual.widgets import Input

    from coach.tui.widgets.cases_forms import ReadingForm

    app = CoachApp(db_url=sqlite_url, load_models=False)
    async with app.run_test(size=(80, 24)) as pilot:
        form = ReadingForm("Home conditions")
        await app.push_screen(form)
        await pilot.pause()
        box = form.query_one(VerticalScroll)
        seen: set[str] = set()
        for _ in range(12):
            await pilot.press("tab")
            await pilot.pause(0.2)
            focused = app.focused
            if isinstance(focused, Input):
                seen.add(focused.id or "")
                assert box.region.contains_region(focused.region), (focused.id, focused.region, box.region)
        assert seen == {"reading-date", "reading-score", "reading-by", "reading-note"}
