"""Loading the phrasebank (phrasebank/<tag>.yaml): the tagger's knowledge and the user-facing guide.

Why: the tagger's patterns and nearest-example layer come from these files, which practitioners edit. A broken or
missing file must not stop the others from loading, so `load_phrasebank()` returns the good entries and a list of
problems, each naming its file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

TECHNIQUE_IDS = (
    "open_question",
    "closed_question",
    "simple_reflection",
    "complex_reflection",
    "affirmation",
    "summary",
    "seeking_collaboration",
    "emphasizing_autonomy",
    "giving_information",
    "persuasion",
    "confrontation",
    "statement_of_concern",
    "authority_transparency",
    "bottom_line",
    "explaining_process",
    "acknowledging_feelings",
    "child_focus",
    "scaling_question",
    "exception_question",
    "preferred_future_question",
    "change_talk",
    "sustain_talk",
    "discord",
)
FAMILY_TAGS = ("change_talk", "sustain_talk", "discord")


@dataclass
class Entry:
    """One technique's phrasebank file."""

    id: str
    label: str
    group: str
    speaker: str
    definition: str
    examples: list[str]
    counter_examples: list[tuple[str, str | None]] = field(default_factory=list)
    patterns: list[list[dict]] = field(default_factory=list)
    applies_when: list[str] = field(default_factory=list)
    not_when: list[str] = field(default_factory=list)
    path: Path | None = None


# Token keys a phrasebank pattern may use. LEMMA is refused: the tagger skips spaCy's lemmatiser (it costs time on
# every utterance and no pattern needed it), so a LEMMA pattern would silently never match.
PATTERN_KEYS = frozenset(("LOWER", "POS", "TAG", "DEP", "ORTH", "TEXT", "IS_DIGIT", "LIKE_NUM", "OP"))


def _pattern_problem(pattern: list[dict]) -> str | None:
    """Why a token pattern cannot be used (a key the tagger does not support), else None."""
    for token in pattern:
        for key in token:
            if key == "LEMMA":
                return (
                    "LEMMA is not supported (the tagger runs without spaCy's lemmatiser); list the word forms with "
                    'LOWER and IN instead, e.g. {LOWER: {IN: ["worry", "worries", "worried"]}}'
                )
            if key not in PATTERN_KEYS:
                return f"unknown key {key!r}; allowed: {', '.join(sorted(PATTERN_KEYS))}"
    return None


def _entry(path: Path) -> Entry:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ValueError(f"not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError("must be a mapping with id, label, examples...")
    tag = data.get("id")
    if tag not in TECHNIQUE_IDS:
        raise ValueError(f"id {tag!r} is not a TECHNIQUES.md id")
    if tag != path.stem:
        raise ValueError(f"id {tag!r} does not match the file name")
    examples = data.get("examples") or []
    if not isinstance(examples, list) or not all(isinstance(e, str) and e.strip() for e in examples):
        raise ValueError("examples must be a list of non-empty strings")
    counters = []
    for c in data.get("counter_examples") or []:
        if not isinstance(c, dict) or not isinstance(c.get("text"), str):
            raise ValueError("each counter_example needs a text")
        actually = c.get("actually")
        if actually is not None and actually not in TECHNIQUE_IDS:
            raise ValueError(f"counter_example 'actually: {actually}' is not a TECHNIQUES.md id")
        counters.append((c["text"], actually))
    patterns = data.get("patterns") or []
    if not isinstance(patterns, list) or not all(
        isinstance(p, list) and p and all(isinstance(t, dict) for t in p) for p in patterns
    ):
        raise ValueError("patterns must be a list of spaCy token-pattern lists")
    for i, pattern in enumerate(patterns, 1):
        problem = _pattern_problem(pattern)
        if problem:
            raise ValueError(f"pattern {i}: {problem}")
    speaker = data.get("speaker") or ("family" if tag in FAMILY_TAGS else "practitioner")
    return Entry(
        id=tag,
        label=str(data.get("label") or tag),
        group=str(data.get("group") or ""),
        speaker=str(speaker),
        definition=str(data.get("definition") or "").strip(),
        examples=[e.strip() for e in examples],
        counter_examples=counters,
        patterns=patterns,
        applies_when=[str(x) for x in data.get("applies_when") or []],
        not_when=[str(x) for x in data.get("not_when") or []],
        path=path,
    )


# Parsed phrasebanks keyed by folder and each file's (name, mtime, size): the tagger and its spaCy component both
# load it at start-up (~0.1 s each); an edited, added or removed file changes the key, so edits are still seen.
_CACHE: dict[tuple[str, bool, tuple[tuple[str, int, int], ...]], tuple[dict[str, Entry], list[str]]] = {}


def load_phrasebank(directory: Path | None = None) -> tuple[dict[str, Entry], list[str]]:
    """Every valid entry by tag id, and one problem message per broken file (named). Callers get their own copy."""
    import copy

    from coach.paths import PHRASEBANK_DIR

    directory = Path(directory) if directory is not None else PHRASEBANK_DIR
    try:
        files = tuple(
            (p.name, st.st_mtime_ns, st.st_size) for p in sorted(directory.glob("*.yaml")) for st in [p.stat()]
        )
    except OSError:
        return _load_phrasebank(directory)
    key = (str(directory.resolve()), directory.is_dir(), files)
    if key not in _CACHE:
        _CACHE.clear()  # one phrasebank at a time is what a process uses; keep no stale copies
        _CACHE[key] = _load_phrasebank(directory)
    return copy.deepcopy(_CACHE[key])


def _load_phrasebank(directory: Path) -> tuple[dict[str, Entry], list[str]]:
    entries: dict[str, Entry] = {}
    problems: list[str] = []
    if not directory.is_dir():
        return entries, [f"phrasebank folder not found: {directory}"]
    for path in sorted(directory.glob("*.yaml")):
        try:
            entries[path.stem] = _entry(path)
        except (ValueError, OSError) as exc:
            problems.append(f"{path.name}: {exc}")
    return entries, problems
