"""Pilot tests of the app shell at 80x24 on a real SQLite file: home screen (destinations, workspace summary,
empty state), navigation and Esc, the command palette, F1 help, model loading (the session's real tagger and
the app's own worker), a database that cannot be opened, and the phrasebank browser."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from textual.command import CommandList, CommandPalette

from coach import paths
from coach.tui import app as app_module
from coach.tui.app import CoachApp
from coach.tui.screens.coming_soon import ComingSoonScreen, DatabaseErrorScreen
from coach.tui.screens.help import HelpScreen
from coach.tui.screens.home import HomeScreen
from coach.tui.screens.phrasebank import PhrasebankScreen
from coach.tui.widgets.destinations import DESTINATIONS

SIZE = (80, 24)
ROOT = Path(__file__).resolve().parent.parent


async def wait_for(pilot, condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the app run until `condition()` holds (fails the test after `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {condition}")
        await pilot.pause(0.05)


def load_demo(url: str) -> None:
    from coach.store.db import Store
    from coach.store.exchange import import_file

    store = Store.open(url)
    try:
        import_file(store, paths.SESSIONS_DIR / "demo.json")
    finally:
        store.dispose()


async def home_ready(app: CoachApp, pilot) -> HomeScreen:
    await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen) and app.store_ready)
    await wait_for(pilot, lambda: app.screen.summary_text != "")
    return app.screen


# ---- home --------------------------------------------------------------------------------------------------
async def test_home_shows_destinations_and_the_demo_workspace(sqlite_url: str) -> None:
    load_demo(sqlite_url)
    app = CoachApp(db_url=sqlite_url, load_models=False)
    async with app.run_test(size=SIZE) as pilot:
        home = await home_ready(app, pilot)
        from textual.widgets import OptionList

        prompts = [str(o.prompt) for o in home.query_one("#destinations", OptionList).options]
        for dest, prompt in zip(DESTINATIONS, prompts, strict=True):
            assert dest.title in prompt and dest.description in prompt and dest.key in prompt

        from coach.services.cases import list_cases, workspace_counts

        counts = workspace_counts(app.store)
        cases = list_cases(app.store)
        assert cases, "the demo workspace has cases"
        text = home.summary_text
        assert f"{counts.cases} cases" in text and f"{counts.readings} readings" in text
        assert f"{counts.reflections} reflection" in text and f"{counts.areas} change areas" in text
        for case in cases:
            assert case.reference in text
            for area in case.areas:
                assert f"{area.latest_score}/10 {area.title}" in text


async def test_empty_workspace_has_a_designed_empty_state(sqlite_url: str) -> None:
    app = CoachApp(db_url=sqlite_url, load_models=False)
    async with app.run_test(size=SIZE) as pilot:
        home = await home_ready(app, pilot)
        assert "Nothing here yet" in home.summary_text and "coach demo" in home.summary_text


async def test_summary_follows_a_case_added_elsewhere(sqlite_url: str) -> None:
    from coach.services import cases

    app = CoachApp(db_url=sqlite_url, load_models=False)
    async with app.run_test(size=SIZE) as pilot:
        home = await home_ready(app, pilot)
        assert "Nothing here yet" in home.summary_text
        case = cases.create_case(app.store, "GW-2026-777", summary="Shell test case")
        await pilot.press("r")
        await pilot.pause()
        assert case.reference in home.summary_text and "1 case" in home.summary_text


# ---- navigation --------------------------------------------------------------------------------------------
async def test_every_destination_opens_by_number_and_esc_comes_back(sqlite_url: str) -> None:
    app = CoachApp(db_url=sqlite_url, load_models=False)
    async with app.run_test(size=SIZE) as pilot:
        home = await home_ready(app, pilot)
        for dest in DESTINATIONS:
            await pilot.press(dest.key)
            await wait_for(pilot, lambda: app.screen is not home)
            screen = app.screen
            expected_class = app_module.SCREEN_REGISTRY[dest.name].split(":")[1]
            if isinstance(screen, ComingSoonScreen):
                assert screen.feature.title == dest.title
            else:
                assert type(screen).__name__ == expected_class
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is home)
        # Esc on home stays on home; the app is still running.
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is home and app.is_running


async def test_enter_on_the_list_opens_the_highlighted_destination(sqlite_url: str) -> None:
    app = CoachApp(db_url=sqlite_url, load_models=False)
    async with app.run_test(size=SIZE) as pilot:
        home = await home_ready(app, pilot)
        index = [d.name for d in DESTINATIONS].index("phrasebank")
        for _ in range(index):
            await pilot.press("down")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is not home)
        assert isinstance(app.screen, PhrasebankScreen)


async def test_a_missing_screen_module_opens_coming_soon(sqlite_url: str, monkeypatch) -> None:
    monkeypatch.setitem(app_module.SCREEN_REGISTRY, "drills", "coach.tui.screens.no_such_screen:DrillsScreen")
    app = CoachApp(db_url=sqlite_url, load_models=False)
    async with app.run_test(size=SIZE) as pilot:
        home = await home_ready(app, pilot)
        await pilot.press("5")
        await wait_for(pilot, lambda: app.screen is not home)
        screen = app.screen
        assert isinstance(screen, ComingSoonScreen) and screen.feature.title == "Drills"
        shown = " ".join(str(w.render()) for w in screen.query("Static"))
        assert "Drills" in shown and "Coming soon" in shown
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is home)


async def test_q_quits(sqlite_url: str) -> None:
    app = CoachApp(db_url=sqlite_url, load_models=False)
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(app, pilot)
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running)


# ---- command palette ---------------------------------------------------------------------------------------
async def palette_prompts(app: CoachApp, pilot, query: str = "") -> list[str]:
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
    if query:
        await pilot.press(*query)
    results = app.screen.query_one(CommandList)
    await wait_for(pilot, lambda: results.option_count > 0)
    await pilot.pause(0.3)  # let every provider finish
    return [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]


async def test_palette_lists_the_screens_actions_and_runs_one(sqlite_url: str) -> None:
    app = CoachApp(db_url=sqlite_url, load_models=False)
    async with app.run_test(size=SIZE) as pilot:
        home = await home_ready(app, pilot)
        prompts = " | ".join(await palette_prompts(app, pilot))
        for dest in DESTINATIONS:
            assert f"{dest.title} ({dest.key})" in prompts
        assert "Refresh (r)" in prompts
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is home)

        # Run one: open the phrasebank from the palette, then its own actions are offered there.
        prompts = await palette_prompts(app, pilot, "phrasebank")
        assert any("Phrasebank" in p for p in prompts)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PhrasebankScreen))
        screen = app.screen
        prompts = " | ".join(await palette_prompts(app, pilot))
        assert "Reload (ctrl+r)" in prompts and "Filter (/)" in prompts and "Go to Cases" in prompts
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)

        # A palette command that acts on the screen: focus the filter.
        await palette_prompts(app, pilot, "filter")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.pause()
        assert app.focused is screen.query_one("#pb-filter")


# ---- help --------------------------------------------------------------------------------------------------
async def test_f1_shows_help_for_the_current_screen(sqlite_url: str) -> None:
    app = CoachApp(db_url=sqlite_url, load_models=False)
    async with app.run_test(size=SIZE) as pilot:
        home = await home_ready(app, pilot)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = app.screen.query_one("#help-body").source
        assert HomeScreen.HELP.splitlines()[0].lstrip("# ") in text
        assert "Read the workspace summary again" in text  # the r binding's tooltip, from BINDINGS
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is home)

        await pilot.press("6")
        await wait_for(pilot, lambda: isinstance(app.screen, PhrasebankScreen))
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = app.screen.query_one("#help-body").source
        assert "how could I say this?" in text and "ctrl+r" in text
        assert "Read the phrasebank files again" in text
        assert "Read the workspace summary again" not in text  # not the home screen's keys
        await pilot.press("f1")  # F1 again closes help
        await wait_for(pilot, lambda: isinstance(app.screen, PhrasebankScreen))


# ---- models ------------------------------------------------------------------------------------------------
async def test_models_ready_with_the_session_tagger(sqlite_url: str, tagger) -> None:
    app = CoachApp(db_url=sqlite_url, tagger=tagger)
    async with app.run_test(size=SIZE) as pilot:
        home = await home_ready(app, pilot)
        assert app.tagger is tagger
        assert "Models ready" in str(home.query_one("#home-status").render())
        assert not [w for w in app.workers if w.group == "models"]  # nothing loaded twice


async def test_the_app_loads_the_models_itself_and_tells_the_screens(sqlite_url: str, tagger) -> None:
    from textual.app import ComposeResult
    from textual.screen import Screen
    from textual.widgets import Static

    from coach.nlp.tagger import Tagger

    seen: list[str] = []

    class Listener(Screen):
        def compose(self) -> ComposeResult:
            yield Static("waiting")

        def on_models_ready(self, message) -> None:
            seen.append("ready")

    class ListeningApp(CoachApp):
        """CoachApp with a screen on the stack from the start (Textual also runs CoachApp.on_mount)."""

        def on_mount(self) -> None:
            self.push_screen(Listener())

    app = ListeningApp(db_url=sqlite_url)
    assert app.model_status.startswith("Loading language models")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.models_seconds is not None or app.models_error is not None, 300)
        assert app.models_error is None
        assert isinstance(app.tagger, Tagger)
        await wait_for(pilot, lambda: seen == ["ready"])
        assert "Models ready (" in app.model_status and app.sub_title == app.model_status
        await pilot.press("escape")  # back to home, which shows the same status
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert "Models ready (" in str(app.screen.query_one("#home-status").render())
        assert app.tagger.tag("What would Cai say about his weekends?", speaker="practitioner").techniques


# ---- the database cannot be opened -------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["nosuchdb://somewhere/coach", "sqlite:////proc/coach-cannot-write-here/coach.db"])
async def test_a_bad_database_shows_the_error_screen(url: str) -> None:
    app = CoachApp(db_url=url, load_models=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, DatabaseErrorScreen) and bool(app.screen.query("#error-message")),
        )
        await pilot.pause()
        assert app.store is None and app.store_error
        shown = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "could not be opened" in shown and "Traceback" not in shown
        assert app.store_error.splitlines()[0][:40] in shown.replace("\n", " ")
        await pilot.press("escape")  # continue without a database: home says so
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert "No database" in app.screen.summary_text
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running)


def test_coach_tui_with_a_broken_config_prints_a_message(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "config.toml").write_text("db = [unclosed\n", encoding="utf-8")
    env = {**os.environ, "COACH_HOME": str(home)}
    env.pop("COACH_DB", None)
    result = subprocess.run(
        [sys.executable, "-m", "coach", "tui"], capture_output=True, text=True, timeout=60, env=env, cwd=ROOT
    )
    assert result.returncode == 2
    assert "config" in result.stderr and "Traceback" not in result.stderr


# ---- phrasebank --------------------------------------------------------------------------------------------
def _real_phrasebank_files() -> list[Path]:
    files = sorted(paths.PHRASEBANK_DIR.glob("*.yaml"))
    if len(files) < 2:
        pytest.skip("the phrasebank needs at least two technique files")
    return files


async def test_phrasebank_lists_filters_and_names_broken_files(tmp_path: Path, sqlite_url: str) -> None:
    files = _real_phrasebank_files()
    for path in files:
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "zz_broken.yaml").write_text("id: [unclosed\nlabel: Broken\n", encoding="utf-8")
    (tmp_path / "zz_shape.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    data = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in files]

    app = CoachApp(db_url=sqlite_url, load_models=False)
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(app, pilot)
        screen = PhrasebankScreen(directory=tmp_path)
        await app.push_screen(screen)
        await pilot.pause()
        assert sorted(screen.visible_techniques()) == sorted(d["id"] for d in data)
        from textual.widgets import OptionList

        prompts = [str(o.prompt) for o in screen.query_one("#pb-list", OptionList).options]
        listed = " | ".join(prompts)
        for d in data:
            assert d["label"] in listed
        assert "zz_broken.yaml" in listed and "zz_shape.yaml" in listed
        assert "2 broken files" in str(screen.query_one("#pb-status").render())

        # The first technique is shown with its definition, an example and a counter-example.
        first = screen._shown[0]
        assert first.label in screen.body_text and first.examples[0] in screen.body_text

        # Filter with words from one example of one technique: that technique stays, the list shrinks.
        target = data[0]
        words = " ".join(target["examples"][0].strip('"?.!').split()[:4])
        await pilot.press("slash")
        await pilot.press(*words)
        await pilot.pause()
        visible = list(screen.visible_techniques())
        assert target["id"] in visible and len(visible) <= len(data)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert len(list(screen.visible_techniques())) == len(data)

        # Nothing matches: a clear message, not an empty pane.
        await pilot.press("slash", *"zzqx")
        await pilot.pause()
        assert list(screen.visible_techniques()) == [] and "Nothing matches" in screen.body_text

        # Choosing the broken file explains it.
        await pilot.press("ctrl+l")
        await pilot.pause()
        option_list = screen.query_one("#pb-list", OptionList)
        broken_index = next(i for i, o in enumerate(option_list.options) if "zz_broken" in str(o.prompt))
        option_list.highlighted = broken_index
        await pilot.pause()
        assert "could not be loaded" in screen.body_text and "YAML" in screen.body_text


async def test_phrasebank_shows_the_real_files(sqlite_url: str) -> None:
    files = _real_phrasebank_files()
    app = CoachApp(db_url=sqlite_url, load_models=False)
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(app, pilot)
        await pilot.press("6")
        await wait_for(pilot, lambda: isinstance(app.screen, PhrasebankScreen))
        screen = app.screen
        assert len(list(screen.visible_techniques())) + len(screen.book.broken) == len(files)
        assert screen.book.broken == [], [b.reason for b in screen.book.broken]
        # Arrow keys move through the techniques; the detail follows.
        before = screen.body_text
        await pilot.press("down")
        await pilot.pause()
        assert screen.body_text != before


def test_the_screens_own_reader_agrees_with_the_tagger_loader(tmp_path: Path) -> None:
    """The screen reads the files itself only when coach.nlp.phrasebank is missing; both must agree."""
    from coach.tui.screens import phrasebank as screen_module

    nlp_phrasebank = pytest.importorskip("coach.nlp.phrasebank")
    for path in _real_phrasebank_files():
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "zz_broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    own = screen_module._read_files(tmp_path)
    theirs = screen_module._from_tagger_loader(nlp_phrasebank, tmp_path)
    assert sorted(t.id for t in own.techniques) == sorted(t.id for t in theirs.techniques)
    assert [b.path.name for b in own.broken] == [b.path.name for b in theirs.broken] == ["zz_broken.yaml"]
    by_id = {t.id: t for t in theirs.techniques}
    for technique in own.techniques:
        assert technique.examples == by_id[technique.id].examples
        assert technique.counter_examples == by_id[technique.id].counter_examples


# ---- model status on every screen --------------------------------------------------------------------------
async def test_every_screen_shows_the_model_status_and_follows_it(sqlite_url: str) -> None:
    """The header of every destination (and the scorecard's) carries the model loading status, and changes
    with it: a practitioner always knows whether the language models are loading, ready or failed."""
    from textual.widgets import Header

    from coach.tui.screens.scorecard import ScorecardScreen

    app = CoachApp(db_url=sqlite_url, load_models=False)
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(app, pilot)

        def header_text() -> str:
            return str(app.screen.query_one(Header).query_one("HeaderTitle").render())

        assert "not loaded" in header_text()
        for dest in DESTINATIONS:
            await pilot.press(dest.key)
            await pilot.pause()
            assert "Language models not loaded in this session" in header_text(), dest.name
            app._set_model_status("Language models unavailable: test failure")
            await pilot.pause()
            assert "unavailable: test failure" in header_text(), dest.name
            app._set_model_status("Language models not loaded in this session")
            await pilot.press("escape")
            await pilot.pause()
        from coach.services.scorecard import build

        await app.push_screen(ScorecardScreen(build([], "drinking-toddler"), "Test", []))
        await pilot.pause()
        assert "not loaded" in header_text()


async def test_every_phrasebank_label_fits_on_one_line_at_80_columns(sqlite_url: str) -> None:
    app = CoachApp(db_url=sqlite_url, load_models=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = PhrasebankScreen()
        await app.push_screen(screen)
        await pilot.pause()
        olist = screen.query_one("#pb-list")
        headers = sum(1 for option in olist.options if option.disabled)  # one per group, a rule between groups
        # One line per technique and header, plus the rules: no label wraps ("Persuasion (unasked advice)" did).
        assert olist.virtual_size.height == olist.option_count + headers - 1
