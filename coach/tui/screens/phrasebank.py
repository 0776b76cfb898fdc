"""The phrasebank screen: "how could I say this?" Every technique with its definition, when it applies and
when it does not, example phrasings from home visits and look-alikes that are something else.

The content is data (phrasebank/*.yaml, one file per technique tag, written by practitioners); this module
only reads it with a YAML safe loader. A file that cannot be read or has the wrong shape is listed as broken
with the reason, and every other file still loads, so a mentor's typo never takes the guide away.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

if TYPE_CHECKING:  # pragma: no cover
    from rich.text import Text

GROUPS: dict[str, str] = {
    "mi": "Motivational interviewing",
    "child_protection": "Child protection",
    "solution_focused": "Solution-focused",
    "family": "What families say",
}
OTHER_GROUP = "Other"


@dataclass(frozen=True)
class CounterExample:
    text: str
    actually: str | None  # the tag it really is, or None for "no technique"


@dataclass(frozen=True)
class Technique:
    id: str
    label: str
    group: str
    speaker: str
    definition: str
    applies_when: tuple[str, ...] = ()
    not_when: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    counter_examples: tuple[CounterExample, ...] = ()
    path: Path | None = None

    @property
    def group_title(self) -> str:
        return GROUPS.get(self.group, OTHER_GROUP)

    def search_text(self) -> str:
        parts = [self.id, self.label, self.group_title, self.definition, *self.applies_when, *self.not_when]
        parts += [*self.examples, *(c.text for c in self.counter_examples)]
        return "\n".join(parts).casefold()

    def matches(self, query: str) -> bool:
        """True if every word of `query` occurs somewhere in this technique (case-insensitive)."""
        haystack = self.search_text()
        return all(word in haystack for word in query.casefold().split())


@dataclass(frozen=True)
class BrokenFile:
    path: Path
    reason: str


@dataclass
class Phrasebank:
    techniques: list[Technique] = field(default_factory=list)
    broken: list[BrokenFile] = field(default_factory=list)

    def label_for(self, tag: str | None) -> str:
        if tag is None:
            return "no technique"
        for technique in self.techniques:
            if technique.id == tag:
                return technique.label
        return tag.replace("_", " ")


class PhrasebankFileError(ValueError):
    """A phrasebank file has the wrong shape; the message names the field."""


def _text(data: dict[str, Any], key: str, *, required: bool = True) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise PhrasebankFileError(f"'{key}' must be a non-empty text")
    return " ".join(value.split())


def _texts(data: dict[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PhrasebankFileError(f"'{key}' must be a list of texts")
    return tuple(" ".join(v.split()) for v in value if v.strip())


def _counter_examples(data: dict[str, Any]) -> tuple[CounterExample, ...]:
    value = data.get("counter_examples") or []
    if not isinstance(value, list):
        raise PhrasebankFileError("'counter_examples' must be a list")
    out: list[CounterExample] = []
    for n, item in enumerate(value, 1):
        if isinstance(item, str):
            out.append(CounterExample(item, None))
        elif isinstance(item, dict) and isinstance(item.get("text"), str):
            actually = item.get("actually")
            out.append(CounterExample(item["text"], str(actually) if actually is not None else None))
        else:
            raise PhrasebankFileError(f"counter-example {n} needs a 'text'")
    return tuple(out)


def parse_technique(data: Any, path: Path | None = None) -> Technique:
    """A Technique from one file's parsed YAML; PhrasebankFileError says what is wrong."""
    if not isinstance(data, dict):
        raise PhrasebankFileError("the file must be a mapping (id: ..., label: ..., ...)")
    return Technique(
        id=_text(data, "id"),
        label=_text(data, "label"),
        group=str(data.get("group") or "other"),
        speaker=str(data.get("speaker") or "practitioner"),
        definition=_text(data, "definition", required=False),
        applies_when=_texts(data, "applies_when"),
        not_when=_texts(data, "not_when"),
        examples=_texts(data, "examples"),
        counter_examples=_counter_examples(data),
        path=path,
    )


def load_phrasebank(directory: Path) -> Phrasebank:
    """Every phrasebank/*.yaml in `directory`; broken files are listed with the reason, never raised.

    The tagger's loader (coach.nlp.phrasebank) is used when it is there, so the guide shows exactly the
    entries the tagger learns from and rejects the same files; otherwise the files are read here.
    """
    try:
        from coach.nlp import phrasebank as nlp_phrasebank
    except ImportError:
        book = _read_files(directory)
    else:
        book = _from_tagger_loader(nlp_phrasebank, directory)
    group_order = list(GROUPS)
    book.techniques.sort(
        key=lambda t: (group_order.index(t.group) if t.group in group_order else len(group_order), t.label)
    )
    return book


def _from_tagger_loader(module: Any, directory: Path) -> Phrasebank:
    book = Phrasebank()
    if not directory.is_dir():
        return book
    entries, problems = module.load_phrasebank(directory)
    for entry in entries.values():
        book.techniques.append(
            Technique(
                id=entry.id,
                label=entry.label,
                group=entry.group or "other",
                speaker=entry.speaker,
                definition=" ".join(entry.definition.split()),
                applies_when=tuple(" ".join(x.split()) for x in entry.applies_when),
                not_when=tuple(" ".join(x.split()) for x in entry.not_when),
                examples=tuple(" ".join(x.split()) for x in entry.examples),
                counter_examples=tuple(CounterExample(text, actually) for text, actually in entry.counter_examples),
                path=entry.path,
            )
        )
    for problem in problems:
        name, _, reason = problem.partition(": ")
        book.broken.append(BrokenFile(directory / name, reason or problem))
    return book


def _read_files(directory: Path) -> Phrasebank:
    import yaml

    book = Phrasebank()
    if not directory.is_dir():
        return book
    for path in sorted(directory.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            book.techniques.append(parse_technique(data, path))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1})" if mark is not None else ""
            book.broken.append(BrokenFile(path, f"not valid YAML{where}: {getattr(exc, 'problem', exc)}"))
        except (OSError, UnicodeDecodeError) as exc:
            book.broken.append(BrokenFile(path, f"cannot be read: {exc}"))
        except PhrasebankFileError as exc:
            book.broken.append(BrokenFile(path, str(exc)))
    return book


def technique_text(technique: Technique, book: Phrasebank) -> Text:
    """The technique as styled text: cheap enough to re-render on every arrow key."""
    from rich.text import Text

    out = Text()
    out.append(technique.label, style="bold underline")
    who = "what a family member says" if technique.speaker == "family" else "what the practitioner says"
    out.append(f"\n{technique.group_title} · {who} · tag {technique.id}\n", style="dim italic")
    if technique.definition:
        out.append(f"\n{technique.definition}\n")

    def section(title: str, items: Iterable[str | Text]) -> None:
        items = list(items)
        if not items:
            return
        out.append(f"\n{title}\n", style="bold")
        for item in items:
            out.append("  • ")
            out.append(item)
            out.append("\n")

    section("When it applies", technique.applies_when)
    section("Not when", technique.not_when)
    section(f"How you could say it ({len(technique.examples)})", (f"“{x}”" for x in technique.examples))
    section(
        "Looks similar, but is not",
        (Text.assemble(f"“{c.text}” — ", (book.label_for(c.actually), "italic")) for c in technique.counter_examples),
    )
    out.rstrip()
    return out


def broken_text(broken: BrokenFile) -> Text:
    from rich.text import Text

    out = Text()
    out.append(f"{broken.path.name} could not be loaded\n", style="bold red")
    out.append(f"\n{broken.reason}\n")
    out.append(
        f"\nThe file is in {broken.path.parent}. Every other technique still works; fix the file and press "
        "ctrl+r to reload. The format is described in phrasebank/README.md.",
        style="dim",
    )
    return out


class PhrasebankScreen(Screen):
    """Browse and filter the techniques: definition, when it applies or not, examples, look-alikes."""

    CSS_PATH = "phrasebank.tcss"
    BINDINGS: ClassVar = [
        Binding("slash", "focus_filter", "Filter", id="phrasebank.filter", tooltip="Type to filter the techniques"),
        Binding("ctrl+l", "clear_filter", "Clear", id="phrasebank.clear", tooltip="Clear the filter"),
        Binding("ctrl+r", "reload", "Reload", id="phrasebank.reload", tooltip="Read the phrasebank files again"),
        Binding("escape", "back", "Back", id="phrasebank.back", tooltip="Go back"),
    ]
    HELP = """\
# Phrasebank: how could I say this?

Every technique coach recognises, grouped as **motivational interviewing**, **child protection**,
**solution-focused** and **what families say** (change talk, sustain talk, discord). For each one: a plain
definition, when it applies and when it is really something else, example phrasings from home visits, and
look-alikes that are *not* this technique.

- **↑/↓** choose a technique; the right-hand side shows it (**tab** to move there and scroll).
- **/** filter: type words (for example *scale*, *bruise* or *permission*); every word must appear in the
  technique's name, definition or examples. **Enter** goes to the list, **ctrl+l** clears the filter.
- **ctrl+r** reads the files again (after editing phrasebank/*.yaml). A broken file is listed with the reason.
- **Esc** goes back.
"""
    destination = "phrasebank"
    TITLE = "coach · phrasebank"

    def __init__(self, directory: Path | None = None) -> None:
        super().__init__()
        from coach import paths

        self.directory = directory or paths.PHRASEBANK_DIR
        self.book = Phrasebank()
        self._shown: list[Technique | BrokenFile] = []
        self.body_text = ""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="pb-main"):
            with Vertical(id="pb-left"):
                yield Input(placeholder="Filter (/)", id="pb-filter")
                yield OptionList(id="pb-list")
            with VerticalScroll(id="pb-detail"):
                yield Static("", id="pb-body")
        yield Static("", id="pb-status")
        yield Footer()

    def on_mount(self) -> None:
        self.load()
        self.query_one("#pb-list", OptionList).focus()

    def load(self) -> None:
        self.book = load_phrasebank(self.directory)
        self._fill(self.query_one("#pb-filter", Input).value)

    def _fill(self, query: str) -> None:
        option_list = self.query_one("#pb-list", OptionList)
        option_list.clear_options()
        self._shown = []
        options: list[Option | None] = []
        last_group: str | None = None
        for technique in self.book.techniques:
            if query.strip() and not technique.matches(query):
                continue
            if technique.group_title != last_group:
                if last_group is not None:
                    options.append(None)
                options.append(Option(f"[b]{escape(technique.group_title)}[/b]", disabled=True))
                last_group = technique.group_title
            options.append(Option(f"  {escape(technique.label)}", id=f"t{len(self._shown)}"))
            self._shown.append(technique)
        if self.book.broken and not query.strip():
            options.append(None)
            options.append(Option("[b]Broken files[/b]", disabled=True))
            for broken in self.book.broken:
                prompt = f"  [red]! {escape(broken.path.name)}[/red]"
                options.append(Option(prompt, id=f"t{len(self._shown)}"))
                self._shown.append(broken)
        option_list.add_options(options)
        self._update_status(query)
        if self._shown:
            first = next(i for i, o in enumerate(option_list.options) if not o.disabled)
            option_list.highlighted = first
            self._show(self._shown[0])
        else:
            self._set_body(self._empty_text(query))

    def _empty_text(self, query: str) -> Text:
        from rich.text import Text

        if query.strip():
            return Text.assemble(
                (f"Nothing matches “{query.strip()}”\n\n", "bold"),
                "Try fewer or other words; ctrl+l clears the filter.",
            )
        return Text.assemble(
            ("The phrasebank is empty\n\n", "bold"),
            f"No technique files were found in {self.directory} (one <tag>.yaml per technique).",
        )

    def _update_status(self, query: str) -> None:
        shown = sum(isinstance(x, Technique) for x in self._shown)
        total = len(self.book.techniques)
        text = f"{shown} of {total} techniques" if query.strip() else f"{total} techniques"
        if self.book.broken:
            n = len(self.book.broken)
            text += f" · [red]{n} broken file{'s' if n != 1 else ''}[/red]"
        self.query_one("#pb-status", Static).update(text)

    def _show(self, item: Technique | BrokenFile) -> None:
        if isinstance(item, Technique):
            self._set_body(technique_text(item, self.book))
        else:
            self._set_body(broken_text(item))
        self.query_one("#pb-detail", VerticalScroll).scroll_home(animate=False)

    def _set_body(self, text: Text) -> None:
        # Styled text in one Static: fast enough to follow the arrow keys (a Markdown widget is not).
        self.body_text = text.plain
        self.query_one("#pb-body", Static).update(text)

    @on(OptionList.OptionHighlighted, "#pb-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        option_id = event.option.id
        if option_id and option_id.startswith("t"):
            self._show(self._shown[int(option_id[1:])])

    @on(OptionList.OptionSelected, "#pb-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#pb-detail", VerticalScroll).focus()

    @on(Input.Changed, "#pb-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#pb-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#pb-list", OptionList).focus()

    def action_focus_filter(self) -> None:
        self.query_one("#pb-filter", Input).focus()

    def action_clear_filter(self) -> None:
        self.query_one("#pb-filter", Input).value = ""
        self.query_one("#pb-list", OptionList).focus()

    def action_reload(self) -> None:
        self.load()
        self.notify(f"Phrasebank reloaded: {len(self.book.techniques)} techniques.", timeout=3)

    def action_back(self) -> None:
        self.app.pop_screen()

    def visible_techniques(self) -> Iterable[str]:
        """Ids of the techniques listed now (after the filter)."""
        return [x.id for x in self._shown if isinstance(x, Technique)]
