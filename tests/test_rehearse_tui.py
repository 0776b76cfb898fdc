"""A whole rehearsal through the TUI with Pilot at 80x24: type, chips, reply, hint, thinking, end, scorecard."""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList, Static

from coach.tui.app import CoachApp


async def _wait(pilot, condition, tries: int = 1200) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out waiting for the screen")


@pytest.mark.asyncio
async def test_whole_rehearsal_in_the_tui(sqlite_url: str, tagger) -> None:
    from coach.services.rehearsal import RehearsalService
    from coach.tui.screens.rehearse import RehearseScreen
    from coach.tui.screens.scorecard import ScorecardScreen

    app = CoachApp(db_url=sqlite_url, tagger=tagger)
    async with app.run_test(size=(80, 24)) as pilot:
        from coach.tui.screens.home import HomeScreen

        await _wait(pilot, lambda: isinstance(app.screen, HomeScreen) and app.store_ready)
        app.push_screen("rehearse")
        await _wait(pilot, lambda: isinstance(app.screen, RehearseScreen) and app.screen.query("#scenarios"))
        screen = app.screen
        options = screen.query_one("#scenarios", OptionList)
        index = next(
            i for i in range(options.option_count) if options.get_option_at_index(i).id == "new:drinking-toddler"
        )
        options.highlighted = index
        await pilot.press("enter")
        await _wait(pilot, lambda: screen.rehearsal_id is not None)
        rid = screen.rehearsal_id
        opening = [w for w in screen.query(".them")]
        assert opening and "Ceri:" in str(opening[0].render())

        await pilot.press(*"What has this week been like for you?")
        await pilot.press("enter")
        # the line shows at once, and is already stored before the reply
        you = screen.query(".you")
        assert len(you) == 1 and "What has this week been like for you?" in str(you[0].render())
        service = RehearsalService(app.store, tagger)
        assert any(t.speaker == "practitioner" for t in service.get(rid).turns)
        try:
            await _wait(pilot, lambda: len(screen.query(".them")) == 2)
        except AssertionError:
            raise AssertionError(str(screen.query_one("#status", Static).render())) from None
        chips = screen.query(".chips")
        assert "open question" in str(chips[0].render())
        assert "Effect" in str(screen.query_one("#coach-panel", Static).render())

        await pilot.press("ctrl+r")
        from coach.services.rehearsal import suggest_reflection

        hint = screen.query_one("#say", Input).value
        assert hint and hint == suggest_reflection(screen.last_persona)
        assert hint.startswith(("It sounds like", "You're worried", "On one hand"))
        screen.query_one("#say", Input).value = ""
        await pilot.press("ctrl+t")
        assert "trust" in str(screen.query_one("#thinking", Static).render())

        await pilot.press("ctrl+e")
        await _wait(pilot, lambda: isinstance(app.screen, ScorecardScreen))
        stored = service.get(rid)
        assert stored.status == "ended"
        assert stored.scorecard["practitioner_turns"] == 1
        assert stored.scorecard["techniques"].get("open_question") == 1
