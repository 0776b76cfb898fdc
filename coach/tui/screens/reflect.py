"""The reflect screen: a guided post-visit reflection, saved as a draft as it is typed, linked to areas.

Three steps in one screen: choose a case and visit date (or resume a draft); answer the prompts one by one
(a TextArea each; a draft is saved half a second after every change, shown as "Draft saved 12:03:04"; inline
link suggestions for the current answer come from a worker and are listed under it); finish, then review:
every sentence with its suggested change areas, and the technique tags found.

Link decisions work in both steps, keyboard only: in the list of links, c confirms and x rejects the
highlighted link, a links its sentence to another area; while typing, Ctrl+L links the sentence at the
cursor. A decision on a draft is committed at once (like the draft text, it survives a killed process),
counts as feedback for the next suggestions on the case, and is carried into the finished reflection.
Everything slow (linking, tagging) runs in thread workers; widgets are only touched on the main thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Footer, Header, Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from coach.errors import CoachError

STATUS_LABELS = {
    "suggested": "[suggested]",
    "confirmed": "[confirmed]",
    "added": "[added]    ",
    "rejected": "[rejected] ",
}
SAVE_DELAY = 0.5
SAVE_RETRY = 3.0  # seconds between attempts while the database cannot be written (locked, down)
SUGGEST_DELAY = 0.8
_linkers: dict[int, Any] = {}


def linker_for(tagger: Any) -> Any:
    """One Linker per tagger (its area and sentence caches are reused across reflections)."""
    from coach.nlp.linker import Linker

    key = id(tagger)
    if key not in _linkers:
        _linkers[key] = Linker(tagger)
    return _linkers[key]


class ReflectScreen(Screen):
    CSS_PATH = "reflect.tcss"
    BINDINGS = [
        Binding("ctrl+n", "next_prompt", "Next", id="reflect.next", tooltip="Next prompt"),
        Binding("ctrl+b", "prev_prompt", "Prev", id="reflect.prev", tooltip="Previous prompt", show=False),
        Binding("ctrl+s", "save_now", "Save", id="reflect.save", tooltip="Save the draft now", show=False),
        Binding("ctrl+f", "finish", "Finish", id="reflect.finish", tooltip="Finish: tag, link and store"),
        Binding(
            "ctrl+l",
            "link_here",
            "Link",
            id="reflect.link",
            tooltip="Link the sentence at the cursor (or the highlighted link's sentence) to a change area",
        ),
        Binding("ctrl+g", "goto_links", "Links", id="reflect.links", tooltip="Move between the answer and its links"),
        Binding("c", "confirm_link", "Confirm", id="reflect.confirm", tooltip="Confirm the highlighted link"),
        Binding("x", "reject_link", "Reject", id="reflect.reject", tooltip="Reject the highlighted link"),
        Binding("a", "add_link", "Add", id="reflect.add", tooltip="Link the highlighted sentence to an area"),
        Binding("escape", "back", "Back", id="reflect.back", tooltip="Go back (the draft is kept)"),
    ]
    HELP = """\
# Reflect after a visit

1. Choose the case (or a draft to resume) and the visit date, then press **Enter**.
2. Answer each prompt in your own words. **Ctrl+N** next prompt, **Ctrl+B** previous. Your draft is saved
   automatically as you type ("Draft saved ..."); **Ctrl+S** saves at once. Under the text you see which
   change areas each sentence is evidence about, with a score.
3. Decide on links as you write: **Ctrl+G** (or **Tab**) moves to the list of links, where **c** confirms,
   **x** rejects and **a** links the sentence to another area; **Ctrl+G** goes back to your answer.
   **Ctrl+L** links the sentence at the cursor to an area you pick. Decisions are saved at once.
4. **Ctrl+F** finishes: the reflection is stored with its technique tags, danger/safety marks, area links
   (with your decisions) and the scale readings you gave.
5. Review the links: **c** confirm, **x** reject, **a** link a sentence to another area. Your decisions
   improve later suggestions for this case.

**Esc** goes back; a draft is never lost.
"""

    @dataclass
    class Suggested(Message):
        key: str
        text: str
        suggestions: list[Any]
        sentences: list[Any]

    @dataclass
    class Finished(Message):
        result: Any

    @dataclass
    class DraftSaved(Message):
        seq: int
        saved_at: datetime

    @dataclass
    class DraftNotSaved(Message):
        seq: int
        error: str

    @dataclass
    class Failed(Message):
        message: str

    def __init__(self) -> None:
        super().__init__()
        self.reflection: Any = None
        self.areas: list[Any] = []
        self.steps: list[Any] = []
        self.index = 0
        self.answers: dict[str, str] = {}
        self._save_timer: Timer | None = None
        self._suggest_timer: Timer | None = None
        # Every change bumps _edit_seq; a save stores the answers as of some seq. Unsaved while _saved_seq is
        # behind. Saves run one at a time (_save_lock), the automatic ones in a thread so a locked database never
        # freezes typing; the text stays on screen (and in self.answers) until a save has succeeded.
        self._edit_seq = 0
        self._saved_seq = 0
        self._save_lock = threading.Lock()
        self._saving = False
        self._save_error: str | None = None
        self._loading = False
        self._choices: dict[str, tuple[str, Any]] = {}
        self._review_rows: dict[str, tuple[Any, Any]] = {}
        self._inline_rows: dict[str, InlineRow] = {}
        self._last_suggested: ReflectScreen.Suggested | None = None

    # ---- layout ----
    def compose(self) -> ComposeResult:
        yield Header()
        with ContentSwitcher(initial="choose", id="reflect-steps"):
            with Vertical(id="choose"):
                yield Static("[b]Reflect after a visit[/b]: choose a case, or a draft to resume.", id="choose-help")
                yield Static("Visit date (YYYY-MM-DD):")
                yield Input(date.today().isoformat(), id="visit-date")
                yield OptionList(id="choose-list")
            with Vertical(id="write"):
                yield Static("", id="prompt-counter")
                with VerticalScroll(id="prompt-box"):  # a long area hint scrolls (Shift+Tab, arrows)
                    yield Static("", id="prompt-text")
                yield TextArea("", id="answer")
                yield Input("", placeholder="Steps to change, 1-10 (optional)", id="scale")
                yield Static("", id="draft-status")
                yield Static("", id="suggestions")
                yield OptionList(id="inline-links")
            with Vertical(id="review"):
                yield Static("", id="review-heading")
                yield OptionList(id="link-list")
                with VerticalScroll(id="tags-box"):
                    yield Static("", id="tag-summary")
        yield Footer()

    def on_descendant_focus(self, _event: Any) -> None:
        # c / x / a act on the list of links only while it has focus: the footer follows the focus.
        self.refresh_bindings()

    def on_mount(self) -> None:
        self.refresh_choices()
        self.query_one("#choose-list", OptionList).focus()

    @property
    def store(self) -> Any:
        return getattr(self.app, "store", None)

    @property
    def step(self) -> str:
        return self.query_one(ContentSwitcher).current or "choose"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        writing = ("next_prompt", "prev_prompt", "save_now", "finish", "link_here", "goto_links")
        deciding = ("confirm_link", "reject_link", "add_link")
        if action in writing:
            return self.step == "write"
        if action in deciding:
            if self.step == "write":
                return self.focused is not None and self.focused.id == "inline-links"
            return self.step == "review"
        return True

    # ---- step 1: choose ----
    def refresh_choices(self) -> None:
        from coach.services import reflection as R
        from coach.services.cases import list_cases

        olist = self.query_one("#choose-list", OptionList)
        olist.clear_options()
        self._choices.clear()
        if self.store is None:
            self.query_one("#choose-help", Static).update("The database is not open, so nothing can be saved.")
            return
        try:
            drafts = R.drafts(self.store)
            cases = list_cases(self.store, include_closed=False)
        except CoachError as exc:
            self.query_one("#choose-help", Static).update(str(exc))
            return
        names = {c.id: c.reference for c in cases}
        for d in drafts:
            when = d.updated_at.astimezone().strftime("%d/%m %H:%M")
            label = f"Resume draft: {names.get(d.case_id, 'no case')}, visit {d.visit_date.isoformat()} ({when})"
            self._choices[f"draft-{d.id}"] = ("draft", d)
            olist.add_option(Option(_esc(label), id=f"draft-{d.id}"))
        for c in cases:
            self._choices[f"case-{c.id}"] = ("case", c)
            olist.add_option(Option(_esc(f"New reflection: {c.reference} ({len(c.areas)} areas)"), id=f"case-{c.id}"))
        self._choices["none"] = ("none", None)
        olist.add_option(Option("New reflection without a case", id="none"))
        olist.highlighted = 0

    @on(OptionList.OptionSelected, "#choose-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        from coach.services import reflection as R

        kind, value = self._choices.get(event.option.id or "", ("", None))
        try:
            if kind == "draft":
                self.reflection = value
            else:
                visit = _parse_date(self.query_one("#visit-date", Input).value)
                self.reflection = R.start(self.store, value.id if value is not None else None, visit)
            self.areas = R.case_areas(self.store, self.reflection.case_id)
            self.steps = R.flow(R.prompt_set_of(self.reflection), self.areas)
        except CoachError as exc:
            self.notify(str(exc), severity="error")
            return
        self.answers = dict(self.reflection.answers)
        self.index = 0
        self.query_one(ContentSwitcher).current = "write"
        self._show_prompt()
        self._set_status("Draft started." if kind != "draft" else "Draft resumed.")
        self.refresh_bindings()

    # ---- step 2: write ----
    def _show_prompt(self) -> None:
        step = self.steps[self.index]
        self.query_one("#prompt-counter", Static).update(
            f"Prompt {self.index + 1} of {len(self.steps)}   Ctrl+N next, Ctrl+B previous, Ctrl+F finish"
        )
        hint = f"\n[dim]{_esc(step.hint)}[/dim]" if step.hint else ""
        self.query_one("#prompt-text", Static).update(f"[b]{_esc(step.text)}[/b]{hint}")
        area = self.query_one("#answer", TextArea)
        with area.prevent(TextArea.Changed):
            area.text = self.answers.get(step.key, "")
        scale = self.query_one("#scale", Input)
        scale.display = step.scale
        with scale.prevent(Input.Changed):
            scale.value = self.answers.get(step.scale_key, "") if step.scale else ""
        area.focus()
        area.move_cursor(area.document.end)
        self._last_suggested = None
        self._fill_inline([], "")
        self._request_suggestions(now=True)

    @on(TextArea.Changed, "#answer")
    def _answer_changed(self, event: TextArea.Changed) -> None:
        if not self.steps:
            return
        self.answers[self.steps[self.index].key] = event.text_area.text
        self._changed()
        self._request_suggestions()

    @on(Input.Changed, "#scale")
    def _scale_changed(self, event: Input.Changed) -> None:
        if not self.steps:
            return
        self.answers[self.steps[self.index].scale_key] = event.value.strip()
        self._changed()

    @property
    def unsaved(self) -> bool:
        """True while something typed is not yet in the database."""
        return self.reflection is not None and self._edit_seq > self._saved_seq

    def _schedule_save(self, delay: float = SAVE_DELAY) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(delay, self._autosave)

    def _changed(self) -> None:
        self._edit_seq += 1
        self._schedule_save()

    def _autosave(self) -> None:
        """Save in a thread (one at a time); the result comes back as DraftSaved or DraftNotSaved."""
        if not self.unsaved or self._saving or self.step != "write":
            return
        self._saving = True
        self._save_in_background(self.reflection.id, dict(self.answers), self._edit_seq)

    @work(thread=True, group="reflect-save", exit_on_error=False)
    def _save_in_background(self, reflection_id: int, answers: dict[str, str], seq: int) -> None:
        from coach.services import reflection as R

        try:
            with self._save_lock:
                if seq <= self._saved_seq:
                    return self.post_message(self.DraftSaved(seq, datetime.now().astimezone()))
                saved_at = R.save_draft(self.store, reflection_id, answers)
                self._saved_seq = max(self._saved_seq, seq)
        except CoachError as exc:
            self.post_message(self.DraftNotSaved(seq, str(exc)))
            return
        except Exception as exc:  # never a traceback, never a lost draft
            self.post_message(self.DraftNotSaved(seq, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(self.DraftSaved(seq, saved_at))

    @on(DraftSaved)
    def _draft_saved(self, message: DraftSaved) -> None:
        self._saving = False
        self._show_saved(message.saved_at)
        if self.unsaved:  # typed on while it was saving
            self._schedule_save()

    @on(DraftNotSaved)
    def _draft_not_saved(self, message: DraftNotSaved) -> None:
        self._saving = False
        self._show_not_saved(message.error)
        if self.unsaved:
            self._schedule_save(SAVE_RETRY)

    def _show_saved(self, saved_at: datetime) -> None:
        again = " (saving works again)" if self._save_error else ""
        self._save_error = None
        if not self.unsaved:
            self._set_status(f"Draft saved {saved_at.astimezone().strftime('%H:%M:%S')}{again}")

    def _show_not_saved(self, error: str) -> None:
        self._save_error = error
        self._set_status(
            f"[b]Not saved yet[/b] (your text stays here; coach tries again every {SAVE_RETRY:g} s): {_esc(error)}"
        )

    def save_draft(self) -> bool:
        """Store the answers now, on the main thread (before leaving, finishing or linking); False if it failed."""
        from coach.services import reflection as R

        if not self.unsaved:
            return True
        seq = self._edit_seq
        saved_at: datetime | None = None
        try:
            with self._save_lock:
                if seq > self._saved_seq:
                    saved_at = R.save_draft(self.store, self.reflection.id, self.answers)
                    self._saved_seq = max(self._saved_seq, seq)
        except CoachError as exc:
            self._show_not_saved(str(exc))
            self._schedule_save(SAVE_RETRY)
            return False
        self._show_saved(saved_at or datetime.now().astimezone())
        return True

    def save_before_quit(self) -> str | None:
        """Called by the app on quit: save now; a message saying what is not saved, or None."""
        if self.step != "write" or self.save_draft():
            return None
        return f"Your reflection draft is not saved: {self._save_error}"

    def write_recovery_file(self) -> str:
        """The unsaved answers as a text file (used only when quitting with the database unwritable)."""
        import tempfile

        from coach.paths import data_dir

        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        lines = [f"coach: unsaved reflection draft {self.reflection.id}, written {stamp}", ""]
        for step in self.steps:
            answer = self.answers.get(step.key, "")
            scale = self.answers.get(step.scale_key, "") if step.scale else ""
            if answer or scale:
                lines += [f"## {step.text}", answer] + ([f"Steps to change: {scale}"] if scale else []) + [""]
        name = f"unsaved-reflection-{self.reflection.id}-{stamp}.txt"
        for folder in (data_dir() / "recovered", Path(tempfile.gettempdir())):
            try:
                folder.mkdir(parents=True, exist_ok=True)
                path = folder / name
                path.write_text("\n".join(lines), encoding="utf-8")
                return str(path)
            except OSError:
                continue
        raise CoachError("The unsaved text could not be written to a file either.")

    def _set_status(self, text: str) -> None:
        status = self.query_one("#draft-status", Static)
        status.update(text)
        status.set_class(self._save_error is not None, "-unsaved")

    def action_save_now(self) -> None:
        self._edit_seq += 1
        self.save_draft()

    def action_next_prompt(self) -> None:
        if self.index < len(self.steps) - 1:
            self._autosave()
            self.index += 1
            self._show_prompt()
        else:
            self.notify("That was the last prompt: Ctrl+F finishes the reflection.")

    def action_prev_prompt(self) -> None:
        if self.index > 0:
            self._autosave()
            self.index -= 1
            self._show_prompt()

    # ---- inline suggestions ----
    def _request_suggestions(self, now: bool = False) -> None:
        if self._suggest_timer is not None:
            self._suggest_timer.stop()
        if now:
            self._suggest()
        else:
            self._suggest_timer = self.set_timer(SUGGEST_DELAY, self._suggest)

    def _suggest(self) -> None:
        if not self.steps:
            return
        step = self.steps[self.index]
        text = self.answers.get(step.key, "")
        box = self.query_one("#suggestions", Static)
        if not self.areas:
            box.update("[dim]This reflection has no case, so there are no change areas to link.[/dim]")
            return
        if getattr(self.app, "tagger", None) is None:
            box.update("[dim]Area links will show here once the language models are ready.[/dim]")
            return
        if not text.strip():
            self._fill_inline([], "")
            box.update("[dim]Area links for this answer will show here as you write.[/dim]")
            return
        self._run_suggest(step.key, step.area_id, text)

    @work(thread=True, exclusive=True, group="reflect-suggest", exit_on_error=False)
    def _run_suggest(self, key: str, area_id: int | None, text: str) -> None:
        from coach.services import reflection as R

        linker = linker_for(self.app.tagger)
        feedback = R.case_feedback(self.store, self.reflection.case_id) if self.reflection.case_id else []
        sections = [R.Section(key, 0, len(text), area_id)] if area_id is not None else []
        suggestions = R.suggest(linker, text, self.areas, feedback, sections)
        self.post_message(self.Suggested(key, text, suggestions, linker.split(text)))

    @on(Suggested)
    def _show_suggestions(self, message: Suggested) -> None:
        if not self.steps or message.key != self.steps[self.index].key:
            return
        self._last_suggested = message
        self._render_inline()

    def _render_inline(self) -> None:
        """The links of the current answer: the linker's suggestions with the decisions taken on them, plus
        the decisions on its sentences that the linker does not suggest (added links, kept rejections)."""
        from coach.services import reflection as R

        message = self._last_suggested
        if message is None or self.reflection is None:
            return
        decisions = {
            (d.area_id, R.norm_sentence(d.sentence)): d for d in R.draft_decisions(self.store, self.reflection.id)
        }
        rows: list[InlineRow] = []
        for sent in message.sentences:
            key = R.norm_sentence(sent.text)
            shown: set[int] = set()
            for sg in message.suggestions:
                if sg.start == sent.start and sg.area_id not in shown:
                    shown.add(sg.area_id)
                    d = decisions.get((sg.area_id, key))
                    rows.append(InlineRow(sent.text, sg.area_id, sg.score, d.status if d else "suggested"))
            for (area_id, text), d in decisions.items():
                if text == key and area_id not in shown:
                    shown.add(area_id)
                    rows.append(InlineRow(sent.text, area_id, d.score, d.status))
        self._fill_inline(rows, message.text)

    def _fill_inline(self, rows: list[InlineRow], text: str) -> None:
        olist = self.query_one("#inline-links", OptionList)
        highlighted = olist.highlighted
        olist.clear_options()
        self._inline_rows.clear()
        titles = {a.id: a.title for a in self.areas}
        width = max(60, (olist.size.width or self.app.size.width - 2) - 2)  # one line per link, no wrapping
        for i, row in enumerate(rows):
            oid = f"inline-{i}"
            self._inline_rows[oid] = row
            score = f"{row.score:.2f}" if row.score is not None else "  - "
            area = _short(titles.get(row.area_id, "?"), 18 if width < 100 else 34)
            prefix = f"{STATUS_LABELS.get(row.status, row.status)} {score} {area}: "
            olist.add_option(Option(_esc(prefix + _short(row.sentence, width - len(prefix))), id=oid))
        olist.display = bool(rows)
        if rows:
            olist.highlighted = min(highlighted or 0, len(rows) - 1)
        box = self.query_one("#suggestions", Static)
        if rows:
            decided = sum(1 for r in rows if r.status != "suggested")
            box.update(f"[b]Links[/b] ({len(rows)}, {decided} decided)  Ctrl+G list: c confirm, x reject, a other area")
        elif text.strip():
            box.update("[dim]No change area linked yet. Ctrl+L links the sentence at the cursor.[/dim]")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """One place for worker failures: say what happened, keep the draft."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        text = str(error) if isinstance(error, CoachError) else f"{type(error).__name__}: {error}"
        if event.worker.group == "reflect-suggest":
            self.query_one("#suggestions", Static).update(f"[dim]No link suggestions: {_esc(text)}[/dim]")
        elif event.worker.group == "reflect-finish":
            self.post_message(self.Failed(text))

    def on_models_ready(self, message: Any) -> None:
        if self.step == "write":
            self._request_suggestions(now=True)

    # ---- finishing ----
    def action_finish(self) -> None:
        if self.reflection is None or self._loading:
            return
        if getattr(self.app, "tagger", None) is None:
            self.notify("The language models are still loading; try again in a moment.", severity="warning")
            return
        self._edit_seq += 1  # store exactly what is on screen before finishing
        if not self.save_draft():
            self.notify("Not finished: your draft could not be saved first (see below the answer).", severity="error")
            return
        self._loading = True
        self._set_writable(False)  # what is stored is what is finished: no typing while it is being finished
        self._set_status("Finishing: tagging and linking…")
        self._run_finish(self.reflection.id)

    def _set_writable(self, writable: bool) -> None:
        self.query_one("#answer", TextArea).read_only = not writable
        self.query_one("#scale", Input).disabled = not writable

    @work(thread=True, exclusive=True, group="reflect-finish", exit_on_error=False)
    def _run_finish(self, reflection_id: int) -> None:
        from coach.services import reflection as R

        try:
            settings = getattr(self.app, "settings", None)
            result = R.finish(
                self.store,
                reflection_id,
                tagger=self.app.tagger,
                linker=linker_for(self.app.tagger),
                by_whom=getattr(settings, "practitioner", "") or "",
            )
        except CoachError as exc:
            self.post_message(self.Failed(str(exc)))
            return
        except Exception as exc:  # a model failure must not reach the user as a traceback
            self.post_message(self.Failed(f"Could not finish the reflection: {type(exc).__name__}: {exc}"))
            return
        self.post_message(self.Finished(result))

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self._loading = False
        self._set_writable(True)
        self._set_status(f"[b]Not finished:[/b] {_esc(message.message)} (your draft is kept)")
        self.notify(message.message, severity="error")

    @on(Finished)
    def _finished(self, message: Finished) -> None:
        self._loading = False
        self._set_writable(True)
        self.reflection = message.result.reflection
        self.query_one(ContentSwitcher).current = "review"
        self.refresh_bindings()
        self._render_review()
        self.query_one("#link-list", OptionList).focus()
        readings = len(message.result.readings)
        self.notify(f"Reflection stored with {len(message.result.tags)} tags and {readings} readings.")

    # ---- step 3: review ----
    def _render_review(self) -> None:
        from coach.services import reflection as R

        text = self.reflection.text
        links = R.links(self.store, self.reflection.id)
        titles = {a.id: a.title for a in self.areas}
        olist = self.query_one("#link-list", OptionList)
        highlighted = olist.highlighted
        olist.clear_options()
        self._review_rows.clear()
        linked_spans = set()
        for link in links:
            linked_spans.add((link.start, link.end))
        sentences = linker_for(self.app.tagger).split(text) if getattr(self.app, "tagger", None) else []
        rows: list[tuple[int, str, Any, Any]] = []
        for link in links:
            rows.append((link.start or 0, f"link-{link.id}", link, None))
        for sent in sentences:
            if (sent.start, sent.end) not in linked_spans:
                rows.append((sent.start, f"sent-{sent.start}", None, sent))
        rows.sort(key=lambda r: (r[0], r[1]))
        width = max(60, (olist.size.width or self.app.size.width - 2) - 4)  # one line per row, no wrapping
        for _pos, oid, link, sent in rows:
            if link is not None:
                score = f"{link.score:.2f}" if link.score is not None else "  - "
                area = _short(titles.get(link.area_id, "?"), 24)
                status = STATUS_LABELS.get(link.status, link.status)
                prefix = f"{status} {score} {area}: "
                label = prefix + _short(link.sentence, width - len(prefix))
            else:
                label = "[no area]        " + _short(sent.text, width - 17)
            self._review_rows[oid] = (link, sent)
            olist.add_option(Option(_esc(label), id=oid))
        if rows:
            olist.highlighted = min(highlighted or 0, len(rows) - 1)
        confirmed = sum(1 for x in links if x.status in ("confirmed", "added"))
        self.query_one("#review-heading", Static).update(
            f"[b]Reflection stored[/b]: {len(links)} links, {confirmed} confirmed. c confirm, x reject, a other area"
        )
        tags = R.tags(self.store, self.reflection.id)
        counts: dict[str, int] = {}
        for t in tags:
            counts[t.tag] = counts.get(t.tag, 0) + 1
        summary = ", ".join(f"{k} x{v}" for k, v in sorted(counts.items())) or "no techniques found"
        details = [f"[b]Tags:[/b] {_esc(summary)}"]
        for t in tags[:12]:
            if t.start is not None and t.end is not None:
                details.append(f"  {t.tag}: {_esc(_short(text[t.start : t.end], 56))}")
        self.query_one("#tag-summary", Static).update("\n".join(details))

    def _highlighted_row(self) -> tuple[Any, Any]:
        olist = self.query_one("#link-list", OptionList)
        if olist.highlighted is None:
            return None, None
        option = olist.get_option_at_index(olist.highlighted)
        return self._review_rows.get(option.id or "", (None, None))

    def _decide(self, status: str) -> None:
        from coach.services import reflection as R

        link, _sent = self._highlighted_row()
        if link is None:
            self.notify("Highlight a suggested link first (a sentence with an area).", severity="warning")
            return
        try:
            R.decide(self.store, link.id, status, decided_by=self._practitioner_id())
        except CoachError as exc:
            self.notify(str(exc), severity="error")
            return
        self._render_review()

    def action_confirm_link(self) -> None:
        if self.step == "write":
            self._decide_inline("confirmed")
        else:
            self._decide("confirmed")

    def action_reject_link(self) -> None:
        if self.step == "write":
            self._decide_inline("rejected")
        else:
            self._decide("rejected")

    # ---- decisions while writing ----
    def _highlighted_inline(self) -> InlineRow | None:
        olist = self.query_one("#inline-links", OptionList)
        if olist.highlighted is None or not olist.option_count:
            return None
        return self._inline_rows.get(olist.get_option_at_index(olist.highlighted).id or "")

    def _store_inline(self, sentence: str, area_id: int, status: str, score: float | None) -> bool:
        """Commit one decision on the draft now, then show it and ask for fresh suggestions (it is feedback)."""
        from coach.services import reflection as R

        try:
            R.decide_draft(
                self.store,
                self.reflection.id,
                area_id,
                sentence,
                status,
                score=score,
                decided_by=self._practitioner_id(),
            )
        except CoachError as exc:
            self.notify(str(exc), severity="error")
            return False
        self._render_inline()
        self._request_suggestions(now=True)
        return True

    def _decide_inline(self, status: str) -> None:
        row = self._highlighted_inline()
        if row is None:
            self.notify("Highlight a link first (Ctrl+G moves to the list).", severity="warning")
            return
        if self._store_inline(row.sentence, row.area_id, status, row.score):
            titles = {a.id: a.title for a in self.areas}
            self._set_status(f"Link {status}: {_esc(_short(titles.get(row.area_id, '?'), 30))}.")

    def _sentence_at_cursor(self) -> str | None:
        area = self.query_one("#answer", TextArea)
        text = area.text
        if not text.strip() or getattr(self.app, "tagger", None) is None:
            return None
        index = area.document.get_index_from_location(area.cursor_location)
        sentences = linker_for(self.app.tagger).split(text)
        for sent in sentences:
            if sent.start <= index <= sent.end:
                return sent.text
        before = [s for s in sentences if s.end <= index]
        return (before[-1] if before else sentences[0]).text if sentences else None

    def action_link_here(self) -> None:
        """Ctrl+L: link a sentence of the answer to an area picked from the case's areas."""
        if not self.areas:
            self.notify("This reflection has no case, so there are no change areas.", severity="warning")
            return
        if getattr(self.app, "tagger", None) is None:
            self.notify("The language models are still loading; try again in a moment.", severity="warning")
            return
        row = self._highlighted_inline() if self.focused is not None and self.focused.id == "inline-links" else None
        sentence = row.sentence if row is not None else self._sentence_at_cursor()
        if not sentence:
            self.notify("Write a sentence first, then link it.", severity="warning")
            return
        self._pick_area_inline(sentence)

    def _pick_area_inline(self, sentence: str) -> None:
        from coach.tui.widgets.reflect_area_picker import AreaPicker

        self.save_draft()

        def done(area_id: int | None) -> None:
            if area_id is None:
                return
            suggested = self._last_suggested.suggestions if self._last_suggested is not None else []
            match = next(
                (s for s in suggested if s.area_id == area_id and s.sentence.strip() == sentence.strip()), None
            )
            status = "confirmed" if match is not None else "added"
            if self._store_inline(sentence, area_id, status, match.score if match else None):
                titles = {a.id: a.title for a in self.areas}
                self._set_status(f"Linked to {_esc(_short(titles.get(area_id, '?'), 30))}.")

        self.app.push_screen(AreaPicker(sentence, list(self.areas)), done)

    def action_goto_links(self) -> None:
        olist = self.query_one("#inline-links", OptionList)
        if self.focused is olist:
            self.query_one("#answer", TextArea).focus()
        elif olist.display and olist.option_count:
            olist.focus()
        else:
            self.notify("No links for this answer yet.", severity="warning")

    def action_add_link(self) -> None:
        from coach.tui.widgets.reflect_area_picker import AreaPicker

        if self.step == "write":
            row = self._highlighted_inline()
            if row is None:
                self.notify("Highlight a link first, or press Ctrl+L in your answer.", severity="warning")
                return
            if self.areas:
                self._pick_area_inline(row.sentence)
            return
        link, sent = self._highlighted_row()
        if not self.areas:
            self.notify("This reflection has no case, so there are no change areas.", severity="warning")
            return
        if link is None and sent is None:
            return
        start = link.start if link is not None else sent.start
        end = link.end if link is not None else sent.end
        sentence = link.sentence if link is not None else sent.text

        def done(area_id: int | None) -> None:
            from coach.services import reflection as R

            if area_id is None:
                return
            try:
                R.add_link(self.store, self.reflection.id, area_id, start, end, decided_by=self._practitioner_id())
            except CoachError as exc:
                self.notify(str(exc), severity="error")
                return
            self._render_review()

        self.app.push_screen(AreaPicker(sentence, list(self.areas)), done)

    def _practitioner_id(self) -> int | None:
        from coach.services.cases import get_or_create_practitioner

        settings = getattr(self.app, "settings", None)
        name = getattr(settings, "practitioner", "") or ""
        if not name:
            return None
        try:
            return get_or_create_practitioner(self.store, name).id
        except CoachError:
            return None

    # ---- leaving ----
    def action_back(self) -> None:
        if self.step == "write":
            if not self.save_draft():
                self.notify(
                    "Your answer is not saved yet, so you stay here with it. coach keeps trying to save; "
                    "Esc leaves once it is saved.",
                    title="Not saved",
                    severity="error",
                    timeout=8,
                )
                return
            self.query_one(ContentSwitcher).current = "choose"
            self.refresh_choices()
            self.refresh_bindings()
            self.query_one("#choose-list", OptionList).focus()
            return
        self.app.pop_screen()


@dataclass(frozen=True)
class InlineRow:
    """One link shown under the answer being written: a sentence, an area, the score and its status."""

    sentence: str
    area_id: int
    score: float | None
    status: str


def _parse_date(text: str) -> date:
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        raise CoachError(f"The visit date must look like 2026-11-26, not '{text}'.") from None
    if value > date.today():
        raise CoachError("The visit date cannot be in the future.")
    return value


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
