"""The rehearsal screen: pick a scenario (or resume one), then chat with the simulated family member.

Why this exists: it is the centre of coach, where a practitioner practises a hard conversation before the
visit. Each line typed is committed to the database at once (never lost) and shown straight away; tagging
and the persona's reply run in a thread worker, so typing is never blocked. Technique chips appear on the
line when tagged, the coach panel says what the turn did and suggests a next move with a phrasebank
example, Ctrl+R suggests a reflection of what was just said, Ctrl+T reveals what the persona is thinking,
Ctrl+E ends and shows the scorecard.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from coach.errors import CoachError


def next_move(tags: set[str], state: dict[str, Any]) -> tuple[str, str]:
    """One suggestion (technique id, reason) for the next practitioner turn."""
    if tags & {"confrontation", "persuasion"}:
        return "acknowledging_feelings", "That pushed them away; acknowledge how hard this is before anything else."
    if state.get("stance") == "hostile":
        return "complex_reflection", "They are on the defensive; reflect the feeling under what they said."
    if tags & {"statement_of_concern", "authority_transparency", "bottom_line"} and not tags & {
        "acknowledging_feelings",
        "complex_reflection",
    }:
        return "acknowledging_feelings", "Hard messages land better alongside empathy."
    if tags & {"open_question", "closed_question"} and not tags & {"simple_reflection", "complex_reflection"}:
        return "complex_reflection", "You asked; now reflect their answer before the next question."
    if state.get("stance") == "open" and state.get("change_talk", 0) >= 2:
        return "summary", "They are talking about change; gather it together and ask what next."
    if state.get("stance") == "open":
        return "seeking_collaboration", "Trust is growing; invite their ideas for the plan."
    return "open_question", "Invite them to say more in their own words."


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _label(tag: str) -> str:
    from coach.services.persona import label

    return label(tag)


class Responded(Message):
    def __init__(self, response: Any) -> None:
        super().__init__()
        self.response = response


class RespondFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class RehearseScreen(Screen):
    CSS_PATH = "rehearse.tcss"
    BINDINGS = [
        Binding(
            "ctrl+r",
            "hint",
            "Hint",
            id="rehearse.hint",
            priority=True,
            tooltip="Suggest a reflection of what was just said",
        ),
        Binding(
            "ctrl+t",
            "thinking",
            "Thinking",
            id="rehearse.thinking",
            priority=True,
            tooltip="Show what they're thinking",
        ),
        Binding(
            "ctrl+e", "end", "End", id="rehearse.end", priority=True, tooltip="End the rehearsal and see the scorecard"
        ),
        Binding("escape", "back", "Back", id="rehearse.back", tooltip="Go back (the rehearsal is kept)"),
    ]
    HELP = """\
# Rehearse a conversation

1. Pick a scenario (title, difficulty and summary) or an unfinished rehearsal to resume, and press **Enter**.
2. Type what you would say and press **Enter**. Your line is saved at once; the techniques you used appear
   under it, and the family member answers.
3. The **coach** panel says what you just did, what it did to the conversation, and suggests a next move
   with an example from the phrasebank.
4. **Ctrl+R** suggests a reflection of what was just said. **Ctrl+T** shows or hides what they're thinking
   (trust, resistance, mood). **Ctrl+E** ends and shows your scorecard.

**Esc** goes back; an unfinished rehearsal can be resumed from the list.
"""

    def __init__(self, scenario_id: str | None = None, rehearsal_id: int | None = None, seed: int = 0) -> None:
        super().__init__()
        self.start_scenario = scenario_id
        self.rehearsal_id: int | None = rehearsal_id
        self.seed = seed
        self.scenario: Any = None
        self.waiting = False
        self.reply_failed = False  # the last line is stored but their answer could not be (Enter asks again)
        self.send_error: str | None = None  # why the line in the box could not be stored (it stays there)
        self.show_thinking = False
        self.state: dict[str, Any] = {}
        self.last_persona = ""
        self._chips: dict[int, Static] = {}

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Header()
        with ContentSwitcher(initial="picker", id="switcher"):
            with Vertical(id="picker"):
                yield Static("Choose a scenario to rehearse, or resume one (Enter)", id="picker-title")
                yield OptionList(id="scenarios")
                with VerticalScroll(id="summary-box"):  # Tab, then arrows, reads a long summary
                    yield Static("", id="scenario-summary", markup=False)
            with Vertical(id="chat"):
                yield Static("", id="chat-title")
                with Horizontal(id="chat-body"):
                    yield VerticalScroll(id="transcript")
                    with VerticalScroll(id="coach"):
                        yield Static("", id="thinking", markup=False)
                        yield Static("Say hello and start the conversation.", id="coach-panel", markup=False)
                yield Static("", id="status", markup=False)
                yield Input(placeholder="What do you say? (Enter to send)", id="say")
        yield Footer()

    def on_mount(self) -> None:
        self._fill_picker()
        if self.rehearsal_id is not None:
            self._open(self.rehearsal_id)
        elif self.start_scenario:
            self._start(self.start_scenario)

    # ------------------------------------------------------------------ services
    def _service(self) -> Any:
        from coach.services.rehearsal import RehearsalService

        store = self.app.store
        if store is None:
            raise CoachError(getattr(self.app, "store_error", None) or "The database is not available.")
        return RehearsalService(store, getattr(self.app, "tagger", None))

    def _fill_picker(self) -> None:
        from coach.services.scenarios import load_scenarios

        options = self.query_one("#scenarios", OptionList)
        options.clear_options()
        scenarios, problems = load_scenarios()
        self._scenarios = scenarios
        try:
            unfinished = self._service().unfinished() if self.app.store is not None else []
        except CoachError:
            unfinished = []
        for view in unfinished:
            title = scenarios[view.scenario_id].title if view.scenario_id in scenarios else view.scenario_id
            said = sum(1 for t in view.turns if t.speaker == "practitioner")
            options.add_option(Option(_esc(f"Resume #{view.id}: {title} ({said} said)"), id=f"resume:{view.id}"))
        for scenario in scenarios.values():
            options.add_option(Option(_esc(f"{scenario.title} [{scenario.difficulty}]"), id=f"new:{scenario.id}"))
        summary = self.query_one("#scenario-summary", Static)
        if problems:
            summary.update("Some scenario files could not be read:\n" + "\n".join(problems))
        if options.option_count:
            options.highlighted = 0
        options.focus()
        self.refresh_bindings()

    @on(OptionList.OptionHighlighted, "#scenarios")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        kind, _, key = (event.option.id or "").partition(":")
        scenario = self._scenarios.get(key) if kind == "new" else None
        if scenario is None and kind == "resume":
            return
        if scenario is not None:
            self.query_one("#scenario-summary", Static).update(
                f"{scenario.title} ({scenario.difficulty})\n\n{' '.join(scenario.summary.split())}"
            )

    @on(OptionList.OptionSelected, "#scenarios")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        kind, _, key = (event.option.id or "").partition(":")
        if kind == "resume":
            self._open(int(key))
        elif kind == "new":
            self._start(key)

    def _start(self, scenario_id: str) -> None:
        settings = getattr(self.app, "settings", None)
        try:
            rid = self._service().start(
                scenario_id, seed=self.seed, practitioner=getattr(settings, "practitioner", None)
            )
        except CoachError as exc:
            self.notify(str(exc), severity="error")
            return
        self._open(rid)

    def _open(self, rehearsal_id: int) -> None:
        try:
            service = self._service()
            view = service.get(rehearsal_id)
            self.scenario = service.scenario(view.scenario_id)
        except CoachError as exc:
            self.notify(str(exc), severity="error")
            return
        self.rehearsal_id = view.id
        transcript = self.query_one("#transcript", VerticalScroll)
        transcript.remove_children()
        self._chips.clear()
        name = self.scenario.persona.name.split()[0]
        self.query_one("#chat-title", Static).update(_esc(f"Talking with {name}: {self.scenario.title}"))
        for turn in view.turns:
            self._add_turn(turn)
        self.state = view.state or {}
        self._show_thinking()
        self.query_one("#switcher", ContentSwitcher).current = "chat"
        self.refresh_bindings()
        self.query_one("#say", Input).focus()
        if view.status != "active":
            self._status("This rehearsal has ended. Ctrl+E shows its scorecard.")
        elif view.pending is not None:
            self._reply()
        else:
            self._status("")

    # ------------------------------------------------------------------ transcript
    def _add_turn(self, turn: Any) -> None:
        transcript = self.query_one("#transcript", VerticalScroll)
        if turn.speaker == "practitioner":
            line = Static(f"You: {turn.text}", classes="you", markup=False)
            chips = Static(self._chip_text(turn), classes="chips", markup=False)
            self._chips[turn.id] = chips
            transcript.mount(line)
            transcript.mount(chips)
        else:
            name = self.scenario.persona.name.split()[0] if self.scenario else "They"
            transcript.mount(Static(f"{name}: {turn.text}", classes="them", markup=False))
            self.last_persona = turn.text
        transcript.scroll_end(animate=False)

    def _chip_text(self, turn: Any) -> str:
        if not turn.tagged:
            return "  (tagging...)"
        if not turn.techniques:
            return "  (no technique recognised)"
        return "  " + " ".join(f"[{_label(t.tag)}]" for t in turn.techniques)

    def _status(self, text: str, problem: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.update(text)
        status.set_class(problem, "-problem")

    # ------------------------------------------------------------------ talking
    @on(Input.Submitted, "#say")
    def _said(self, event: Input.Submitted) -> None:
        if self.rehearsal_id is None:
            return
        if self.waiting:
            self._status("Wait for their answer; your line is still in the box.")
            return
        if self.reply_failed and not event.value.strip():
            self._reply()  # Enter on an empty box asks again for the answer that could not be stored
            return
        try:
            turn = self._service().record_practitioner_turn(self.rehearsal_id, event.value)
        except CoachError as exc:
            kept = " (your line is still in the box; Enter tries again)" if event.value.strip() else ""
            self._status(f"Not sent{kept}: {exc}", problem=True)
            self.send_error = str(exc) if event.value.strip() else None
            return
        self.send_error = None
        event.input.value = ""
        self._add_turn(turn)
        self._reply()

    def _reply(self) -> None:
        if getattr(self.app, "tagger", None) is None:
            self.waiting = True
            self._status("Loading language models... your line is saved and will be answered when they are ready.")
            return
        self.waiting = True
        self.reply_failed = False
        self._status("...")
        self._respond(self.rehearsal_id)

    @work(thread=True, exclusive=True, group="rehearse-respond", exit_on_error=False)
    def _respond(self, rehearsal_id: int) -> None:
        try:
            response = self._service().respond(rehearsal_id)
        except CoachError as exc:
            self.post_message(RespondFailed(str(exc)))
            return
        self.post_message(Responded(response))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "rehearse-respond" and event.state == WorkerState.ERROR:
            self.post_message(RespondFailed(f"Something went wrong while answering: {event.worker.error}"))

    def on_respond_failed(self, message: RespondFailed) -> None:
        self.waiting = False
        self.reply_failed = True
        self._status(
            f"No answer yet (your line is saved; Enter on the empty box asks again): {message.error}", problem=True
        )

    def on_responded(self, message: Responded) -> None:
        from coach.services.scorecard import phrasebank_example

        response = message.response
        self.waiting = False
        turn = response.practitioner
        chips = self._chips.get(turn.id)
        if chips is not None:
            chips.update(self._chip_text(turn))
        self._add_turn(response.persona)
        self.state = response.persona.state or {}
        tags = {t.tag for t in turn.techniques}
        did = ", ".join(_label(t) for t in sorted(tags)) or "nothing the tagger recognised"
        effects = "\n".join(f"- {e.describe()}" for e in response.effects) or "- little change"
        tag, why = next_move(tags, self.state)
        example = phrasebank_example(tag, len(self.state.get("used", [])))
        text = f"You: {did}.\n\nEffect:\n{effects}\n\nNext, try {_label(tag)}: {why}"
        if example:
            text += f'\n  e.g. "{example}"'
        if response.goal_reached:
            text += "\n\nGoal reached: they are ready to talk about change. Ctrl+E ends and scores it."
        self.query_one("#coach-panel", Static).update(text)
        self._show_thinking()
        self._status("")

    def on_models_ready(self, _message: Any) -> None:
        if self.waiting and self.rehearsal_id is not None:
            self._reply()

    # ------------------------------------------------------------------ actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hint, thinking and end only mean something in a conversation: hidden while picking a scenario."""
        if action in ("hint", "thinking", "end"):
            return self.query_one("#switcher", ContentSwitcher).current == "chat"
        return True

    def action_hint(self) -> None:
        from coach.services.rehearsal import suggest_reflection

        if not self.last_persona:
            self._status("Nothing has been said yet to reflect.")
            return
        tagger = getattr(self.app, "tagger", None)
        if tagger is None:
            self._status("The language models are still loading; the hint needs them.")
            return
        hint = suggest_reflection(self.last_persona, getattr(tagger, "nlp", None))
        self.query_one("#coach-panel", Static).update(
            f"A reflection of what was just said (make it your own, add the feeling under it):\n\n{hint}"
        )
        box = self.query_one("#say", Input)
        if not box.value.strip():
            box.value = hint
            box.cursor_position = len(hint)

    def _show_thinking(self) -> None:
        widget = self.query_one("#thinking", Static)
        widget.display = self.show_thinking
        s = self.state
        if s:
            widget.update(
                f"What they're thinking: {s.get('stance', '?')}\n"
                f"trust {float(s.get('trust', 0)):.1f}/10, resistance {float(s.get('resistance', 0)):.1f}/10\n"
                f"change talk {s.get('change_talk', 0)}, sustain {s.get('sustain_talk', 0)}, "
                f"discord {s.get('discord', 0)}"
            )

    def action_thinking(self) -> None:
        self.show_thinking = not self.show_thinking
        self._show_thinking()

    def action_end(self) -> None:
        if self.rehearsal_id is None:
            return
        if self.waiting:
            self._status("Wait for their answer before ending.")
            return
        try:
            service = self._service()
            card = service.end(self.rehearsal_id)
            past = []
            view = service.get(self.rehearsal_id)
            from coach.services.scorecard import past_scorecards

            if view.practitioner:
                past = past_scorecards(service.store, view.practitioner, view.scenario_id)
        except CoachError as exc:
            self._status(str(exc))
            return
        from coach.tui.screens.scorecard import ScorecardScreen

        self.app.push_screen(ScorecardScreen(card, self.scenario.title if self.scenario else "", past))

    # ------------------------------------------------------------------ quitting
    @property
    def unsaved(self) -> bool:
        """A line the user sent that could not be stored is still only in the box."""
        return self.send_error is not None and bool(self.query_one("#say", Input).value.strip())

    def save_before_quit(self) -> str | None:
        if not self.unsaved:
            return None
        return f"Your rehearsal line is not sent: {self.send_error}"

    def write_recovery_file(self) -> str:
        """The unsent line as a text file (used only when quitting while it cannot be stored)."""
        import tempfile
        from datetime import datetime
        from pathlib import Path

        from coach.paths import data_dir

        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        text = f"coach: unsent line of rehearsal {self.rehearsal_id}, written {stamp}\n\n"
        text += self.query_one("#say", Input).value + "\n"
        name = f"unsent-rehearsal-{self.rehearsal_id}-{stamp}.txt"
        for folder in (data_dir() / "recovered", Path(tempfile.gettempdir())):
            try:
                folder.mkdir(parents=True, exist_ok=True)
                (folder / name).write_text(text, encoding="utf-8")
                return str(folder / name)
            except OSError:
                continue
        raise CoachError("The unsent line could not be written to a file either.")

    def action_back(self) -> None:
        switcher = self.query_one("#switcher", ContentSwitcher)
        if switcher.current == "chat" and self.start_scenario is None:
            switcher.current = "picker"
            self.refresh_bindings()
            self.rehearsal_id = None
            self.waiting = False
            self.reply_failed = False
            self.send_error = None
            self._fill_picker()
            return
        self.app.pop_screen()
