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


@pytest.mark.parametrize(
    ("tags", "rq", "rq_shown"),
    [
        ([{"simple_reflection"}], None, "n/a (no questions)"),  # was reflections/1 = 1.0, rated "fair"
        ([{"simple_reflection"}, {"complex_reflection"}, {"affirmation"}], None, "n/a (no questions)"),
        ([{"complex_reflection"}, {"simple_reflection"}, {"open_question"}], 2.0, "2:1"),
    ],
)
async def test_scorecard_reflection_to_question_has_one_definition(tags, rq, rq_shown, sqlite_url, tagger) -> None:
    """R:Q with no questions is not computed (as in coach.nlp.miti), and the scorecard screen says why."""
    from coach.nlp import miti
    from coach.services import scorecard
    from coach.tui.screens.scorecard import ScorecardScreen

    turns = []
    for i, turn_tags in enumerate(tags):
        turns.append(scorecard.TurnRecord(2 * i, "practitioner", f"turn {i}", sorted(turn_tags)))
        turns.append(scorecard.TurnRecord(2 * i + 1, "persona", "ok", [], state={"trust": 0.4, "resistance": 0.5}))
    card = scorecard.build(turns, "drinking-toddler", start_state={"trust": 0.4, "resistance": 0.5})
    figure = card["metrics"]["reflection_to_question"]
    summary = miti.MitiSummary(questions=card["metrics"]["questions"], reflections=card["metrics"]["reflections"])
    assert figure["value"] == rq == summary.r_to_q
    assert figure["rating"] == (miti.rate("r_to_q", rq) or "n/a (no questions)")
    app = CoachApp(db_url=sqlite_url, tagger=tagger)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(ScorecardScreen(card, "Test"))
        await pilot.pause()
        text = app.screen.query_one("#card-text").source
        line = next(x for x in text.splitlines() if x.startswith("- Reflections to questions"))
        assert rq_shown in line
        if len(tags) == 1:
            assert "(1 reflection, 0 questions)" in line
        if rq is None:  # no thresholds beside a figure that does not exist
            assert "fair" not in line
