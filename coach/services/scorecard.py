"""The scorecard at the end of a rehearsal: MITI-style figures, what the conversation did, what to practise
next.

Why this exists: practitioners improve when feedback is concrete and comparable over time. The figures
follow MITI 4.2.1 as summarised in TECHNIQUES.md (reflection-to-question ratio, % complex reflections, MI-
adherent and non-adherent counts, with "% open questions" from MITI 3 for learners), computed from the
technique tags stored on each practitioner turn, and rated against the fair/good thresholds. Beside them:
counts per technique, the change talk the persona gave against sustain talk and discord, the three turns
that moved trust the most, and one thing to practise next with an example from the phrasebank. The
scorecard is plain JSON stored on the Rehearsal row, so past scorecards can be listed per practitioner and
scenario.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from coach.nlp import miti
from coach.paths import PHRASEBANK_DIR
from coach.services.persona import elicited_talk

REFLECTIONS = ("complex_reflection", "simple_reflection")
QUESTIONS = ("open_question", "closed_question")
# Scorecard keys -> the metric names of coach.nlp.miti, which holds the one copy of the thresholds.
METRIC_NAMES = {"reflection_to_question": "r_to_q", "percent_complex": "pct_complex", "percent_open": "pct_open"}
THRESHOLDS = {key: miti.THRESHOLDS[name] for key, name in METRIC_NAMES.items()}
SCORECARD_VERSION = 1


@dataclass
class TurnRecord:
    """What the scorecard needs to know about one turn."""

    position: int
    speaker: str
    text: str
    tags: list[str] = field(default_factory=list)
    talk: str | None = None
    state: dict[str, Any] | None = None


# What a figure lacks when it cannot be computed (its denominator is zero), shown instead of a rating.
MISSING = {
    "reflection_to_question": "n/a (no questions)",
    "percent_complex": "n/a (no reflections)",
    "percent_open": "n/a (no questions)",
}


def _rating(key: str, value: float | None) -> str:
    return miti.rate(METRIC_NAMES[key], value) or MISSING[key]


def metrics(tag_sets: Sequence[Iterable[str]]) -> dict[str, Any]:
    """MITI-style scores from practitioner turns' tags (at most one question and one reflection a turn)."""
    reflections = complex_ = questions = open_ = adherent = non_adherent = 0
    for tags in tag_sets:
        tags = set(tags)
        if tags & set(REFLECTIONS):
            reflections += 1
            complex_ += "complex_reflection" in tags
        if tags & set(QUESTIONS):
            questions += 1
            open_ += "open_question" in tags
        adherent += len(tags & set(miti.ADHERENT))
        non_adherent += len(tags & set(miti.NON_ADHERENT))
    # One definition with coach.nlp.miti: no questions means no ratio (not reflections/1, which would rate a single
    # reflection "fair").
    rq = reflections / questions if questions else None
    pc = 100.0 * complex_ / reflections if reflections else None
    po = 100.0 * open_ / questions if questions else None
    out: dict[str, Any] = {}
    for key, value in (("reflection_to_question", rq), ("percent_complex", pc), ("percent_open", po)):
        fair, good = THRESHOLDS[key]
        out[key] = {
            "value": None if value is None else round(value, 2),
            "fair": fair,
            "good": good,
            "rating": _rating(key, value),
        }
    out["reflections"] = reflections
    out["questions"] = questions
    out["mi_adherent"] = adherent
    out["mi_non_adherent"] = non_adherent
    if non_adherent == 0:
        out["adherence"] = "good" if adherent > 0 else "fair"
    else:
        out["adherence"] = "fair" if adherent > non_adherent else "below fair"
    return out


def phrasebank_example(tag: str, index: int = 0) -> str | None:
    """An example phrasing of `tag` from phrasebank/<tag>.yaml, or None if it cannot be read."""
    entry = _phrasebank().get(tag)
    examples = list(entry.examples) if entry is not None else []
    # The phrasebank's examples are set in other families' homes: one that names nobody reads as advice for this
    # rehearsal, while "Cai's been sleeping at his dad's..." after a rehearsal with another family confuses.
    unnamed = [e for e in examples if not _names_someone(e)]
    examples = unnamed or examples
    return examples[index % len(examples)] if examples else None


_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|[\"'(]\s*)$")
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+")


def _capitalised_inside(text: str) -> set[str]:
    """Capitalised words that do not start a sentence (names, places, days), other than "I"."""
    return {m.group() for m in _CAPITALISED.finditer(text) if not _SENTENCE_START.search(text[: m.start()])}


def _phrasebank() -> dict[str, Any]:
    """The phrasebank's entries by tag, as the tagger loaded them (parsed once per process: load_phrasebank)."""
    from coach.nlp.phrasebank import load_phrasebank

    return load_phrasebank(PHRASEBANK_DIR)[0]


@functools.cache
def _phrasebank_names() -> frozenset[str]:
    """Every word the phrasebank capitalises inside a sentence: its families' names ("Cai", "Efa"), so that one at a
    sentence's start is known as a name too."""
    names: set[str] = set()
    for entry in _phrasebank().values():
        for example in entry.examples:
            names |= _capitalised_inside(example)
    return frozenset(names)


def _names_someone(text: str) -> bool:
    """True if the text names someone (or somewhere): a capitalised word inside a sentence, or a name of the
    phrasebank's families anywhere."""
    return bool(_capitalised_inside(text)) or any(m.group() in _phrasebank_names() for m in _CAPITALISED.finditer(text))


ADVICE = {
    "complex_reflection": "Reflect the meaning under their words, not just the words.",
    "open_question": "Swap a yes/no question for one they can answer in their own words.",
    "simple_reflection": "Before your next question, say back what you just heard.",
    "affirmation": "Name a real strength or effort you have noticed.",
    "acknowledging_feelings": "Pair the hard message with how hard this is for them.",
}


def practise_next(m: dict[str, Any], counts: Counter, seed: int = 0) -> dict[str, Any]:
    """One thing to practise next, from the weakest figure, with a phrasebank example."""
    if m["mi_non_adherent"] > 0:
        tag, reason = (
            "acknowledging_feelings",
            (f"You used confrontation or persuasion {m['mi_non_adherent']} time(s); each one raised resistance."),
        )
    elif m["reflections"] == 0:
        tag, reason = "simple_reflection", "You did not reflect back what they said."
    elif m["reflection_to_question"]["rating"] == "below fair":
        tag, reason = "simple_reflection", "You asked more questions than you reflected."
    elif m["percent_complex"]["rating"] == "below fair":
        tag, reason = (
            "complex_reflection",
            "Most of your reflections repeated their words without adding meaning.",
        )
    elif m["percent_open"]["rating"] == "below fair":
        tag, reason = "open_question", "Most of your questions could be answered with yes or no."
    elif m["mi_adherent"] == 0:
        tag, reason = "affirmation", "You did not affirm a strength or effort."
    else:
        tag, reason = "complex_reflection", "Your figures are good: keep deepening your reflections."
    return {"tag": tag, "why": reason, "how": ADVICE.get(tag, ""), "example": phrasebank_example(tag, seed)}


def key_moments(turns: Sequence[TurnRecord], count: int = 3) -> list[dict[str, Any]]:
    """The practitioner turns after which trust moved the most (rises and falls), in conversation order."""
    moments = []
    previous_trust: float | None = None
    last_practitioner: TurnRecord | None = None
    for turn in turns:
        if turn.speaker == "practitioner":
            last_practitioner = turn
            continue
        trust = (turn.state or {}).get("trust")
        if trust is None:
            continue
        if previous_trust is not None and last_practitioner is not None:
            delta = float(trust) - previous_trust
            if abs(delta) >= 0.05:
                moments.append(
                    {
                        "position": last_practitioner.position,
                        "you_said": last_practitioner.text,
                        "techniques": sorted(last_practitioner.tags),
                        "they_said": turn.text,
                        "trust_change": round(delta, 2),
                        "kind": "trust rose" if delta > 0 else "trust fell",
                    }
                )
        previous_trust = float(trust)
        last_practitioner = None
    moments.sort(key=lambda m: (-abs(m["trust_change"]), m["position"]))
    return sorted(moments[:count], key=lambda m: m["position"])


def build(
    turns: Sequence[TurnRecord],
    scenario_id: str,
    start_state: dict[str, Any] | None = None,
    goal: dict[str, Any] | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """The whole scorecard as JSON-ready data."""
    practitioner = [t for t in turns if t.speaker == "practitioner"]
    persona = [t for t in turns if t.speaker == "persona"]
    m = metrics([t.tags for t in practitioner])
    counts = Counter(tag for t in practitioner for tag in set(t.tags))
    talk = elicited_talk(t.talk for t in persona)  # the same counts as the live "thinking" panel
    final = next((t.state for t in reversed(persona) if t.state), None) or start_state or {}
    return {
        "version": SCORECARD_VERSION,
        "scenario_id": scenario_id,
        "practitioner_turns": len(practitioner),
        "metrics": m,
        "techniques": dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
        "talk": talk,
        "trust": {"start": (start_state or {}).get("trust"), "end": final.get("trust")},
        "resistance": {"start": (start_state or {}).get("resistance"), "end": final.get("resistance")},
        "goal": goal or {},
        "goal_reached": bool(final.get("goal_reached")),
        "key_moments": key_moments(turns),
        "practise_next": practise_next(m, counts, seed),
    }


def past_scorecards(store: Any, practitioner: str | int | None, scenario_id: str | None = None) -> list[dict]:
    """A practitioner's ended rehearsals (oldest first) with their scorecards, optionally for one scenario."""
    from sqlmodel import select

    from coach.store.models import Practitioner, Rehearsal

    with store.session() as session:
        query = select(Rehearsal).where(Rehearsal.status == "ended", Rehearsal.scorecard.is_not(None))
        if isinstance(practitioner, str):
            who = session.exec(select(Practitioner).where(Practitioner.display_name == practitioner)).first()
            if who is None:
                return []
            query = query.where(Rehearsal.practitioner_id == who.id)
        elif isinstance(practitioner, int):
            query = query.where(Rehearsal.practitioner_id == practitioner)
        if scenario_id:
            query = query.where(Rehearsal.scenario_id == scenario_id)
        rows = session.exec(query.order_by(Rehearsal.ended_at, Rehearsal.id)).all()
        return [
            {
                "rehearsal_id": r.id,
                "scenario_id": r.scenario_id,
                "ended_at": r.ended_at.isoformat() if r.ended_at else None,
                "scorecard": r.scorecard,
            }
            for r in rows
        ]
