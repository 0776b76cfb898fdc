"""The simulated family member: how their trust and resistance move, and which line they say next.

Why this exists: a rehearsal is only useful if the person on the other side reacts the way real parents tend
to react to what a worker does. The rules below follow the motivational interviewing research (Miller and
Rollnick; MITI 4.2.1) and the child-protection literature on honest, empathic practice (Forrester et al.),
and are written out for mentors in prompts/ENGINE.md ("How the persona reacts"):

* Reflections build trust and lower resistance, complex reflections more than simple ones; so do summaries,
  affirmations, emphasising autonomy, acknowledging feelings and seeking collaboration.
* Confrontation and persuasion raise resistance, more so when trust is low; the discord they provoke shows
  in the persona's replies, which is what counts as discord (see `elicited_talk`). Persuasion after asking
  permission (seeking_collaboration in the same turn) costs half.
* A statement of concern, authority transparency or a bottom line delivered alongside empathy (acknowledging
  feelings or a reflection in the same turn or the turn before) keeps engagement; without it resistance
  rises a little (a bottom line a little more).
* Closed questions get short answers (lines with cue closed_question) and move little.
* The persona's own `opens_up` and `shuts_down` lists amplify the effect of those techniques by half again.
* Difficulty: starter personas warm a little faster and cool slower; challenging the reverse.

The stance follows prompts/README.md: hostile when resistance >= 7 or trust <= 2, open when trust >= 6 and
resistance <= 4, otherwise guarded. The reply is chosen by meaning among the lines the stance allows (whose
min_trust is met), with a bonus for cue matches, a preference for unused lines and never the same line twice
in a row. Randomness is a `random.Random` seeded from (seed, turn number), so a rehearsal replays exactly.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from coach.services.scenarios import STANCES, Response, Scenario

# tag -> (trust change, resistance change) for a turn that contains it.
BUILDS: dict[str, tuple[float, float]] = {
    "complex_reflection": (1.0, -1.0),
    "simple_reflection": (0.5, -0.5),
    "summary": (0.8, -0.7),
    "affirmation": (0.8, -0.5),
    "emphasizing_autonomy": (0.7, -0.8),
    "acknowledging_feelings": (0.8, -0.6),
    "seeking_collaboration": (0.6, -0.6),
    "open_question": (0.2, -0.1),
    "child_focus": (0.2, -0.1),
    "scaling_question": (0.3, -0.2),
    "exception_question": (0.4, -0.3),
    "preferred_future_question": (0.3, -0.2),
    "giving_information": (0.1, 0.0),
    "explaining_process": (0.2, -0.1),
}
# tag -> (trust change, resistance change); moves that invite pushback.
HARMS: dict[str, tuple[float, float]] = {
    "confrontation": (-1.0, 1.5),
    "persuasion": (-0.5, 1.0),
}
# hard messages: fine with empathy, costly without
HARD: dict[str, tuple[float, float]] = {
    "statement_of_concern": (-0.2, 0.5),
    "authority_transparency": (-0.2, 0.5),
    "bottom_line": (-0.3, 0.8),
}
EMPATHY = {"acknowledging_feelings", "complex_reflection", "simple_reflection", "summary"}
DIFFICULTY_FACTORS = {"starter": (1.2, 0.8), "standard": (1.0, 1.0), "challenging": (0.8, 1.25)}
LABELS = {
    "complex_reflection": "complex reflection",
    "simple_reflection": "simple reflection",
    "emphasizing_autonomy": "emphasising autonomy",
}


def label(tag: str) -> str:
    """A readable name for a technique id."""
    return LABELS.get(tag, tag.replace("_", " "))


def stance_for(trust: float, resistance: float) -> str:
    """The persona's mood from trust and resistance (rule in prompts/README.md)."""
    if resistance >= 7 or trust <= 2:
        return "hostile"
    if trust >= 6 and resistance <= 4:
        return "open"
    return "guarded"


@dataclass
class PersonaState:
    trust: float
    resistance: float
    stance: str
    # Talk the practitioner elicited (persona lines after the opening), as counted by `elicited_talk`.
    discord: int = 0
    change_talk: int = 0
    sustain_talk: int = 0
    turns: int = 0
    last_line: str | None = None
    used: list[str] = field(default_factory=list)
    goal_reached: bool = False

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["trust"] = round(self.trust, 2)
        data["resistance"] = round(self.resistance, 2)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PersonaState:
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        fields["used"] = list(fields.get("used") or [])
        return cls(**fields)


@dataclass(frozen=True)
class Effect:
    """One rule that fired on a practitioner turn, for the coach panel."""

    tag: str
    trust: float
    resistance: float
    why: str

    def describe(self) -> str:
        parts = []
        if abs(self.trust) >= 0.05:
            parts.append(f"trust {self.trust:+.1f}")
        if abs(self.resistance) >= 0.05:
            parts.append(f"resistance {self.resistance:+.1f}")
        return f"{label(self.tag).capitalize()}: {', '.join(parts) or 'no change'} ({self.why})"


@dataclass(frozen=True)
class Reply:
    line: Response
    effects: tuple[Effect, ...]
    state: PersonaState


EmbedFn = Callable[[list[str]], Any]
_bank_lock = threading.Lock()
_bank_cache: dict[tuple[str, int], Any] = {}


def _default_embed(texts: list[str]) -> Any:
    from coach.nlp.models import embed

    return embed(texts)


def bank_vectors(scenario: Scenario, embed: EmbedFn | None = None) -> Any:
    """Embeddings of every line (text + topic), computed once per scenario and cached."""
    key = (scenario.id, hash(tuple((r.id, r.text, r.topic) for r in scenario.responses)))
    with _bank_lock:
        if key not in _bank_cache:
            texts = [f"{r.text} ({r.topic})" if r.topic else r.text for r in scenario.responses]
            _bank_cache[key] = (embed or _default_embed)(texts)
        return _bank_cache[key]


def react(
    state: PersonaState,
    tags: Iterable[str],
    previous_tags: Iterable[str] = (),
    opens_up: Sequence[str] = (),
    shuts_down: Sequence[str] = (),
    difficulty: str = "standard",
) -> list[Effect]:
    """Apply the rules for one practitioner turn to `state` (in place) and return what fired."""
    tags = set(tags)
    previous = set(previous_tags)
    up, down = DIFFICULTY_FACTORS.get(difficulty, (1.0, 1.0))
    effects: list[Effect] = []
    for tag in sorted(tags & BUILDS.keys()):
        dt, dr = BUILDS[tag]
        why = "builds engagement"
        factor = up
        if tag in opens_up:
            factor *= 1.5
            why = "this person responds well to it"
        if tag == "open_question" and tags & {"complex_reflection", "simple_reflection"}:
            factor *= 0.5
        effects.append(Effect(tag, dt * factor, dr * factor, why))
    permission = "seeking_collaboration" in tags
    for tag in sorted(tags & HARMS.keys()):
        dt, dr = HARMS[tag]
        factor = down
        why = "invites pushback"
        if state.trust < 4:
            factor *= 1.5
            why = "invites pushback, more so while trust is low"
        if tag in shuts_down:
            factor *= 1.5
            why = "this person shuts down when it happens"
        if tag == "persuasion" and permission:
            factor *= 0.5
            why = "advice after asking permission lands a little better"
        effects.append(Effect(tag, dt * factor, dr * factor, why))
    empathic = bool((tags | previous) & EMPATHY)
    for tag in sorted(tags & HARD.keys()):
        if empathic:
            effects.append(Effect(tag, 0.2 * up, 0.0, "said with empathy, so they stay engaged"))
        else:
            dt, dr = HARD[tag]
            factor = down * (1.5 if tag in shuts_down else 1.0)
            why = "said without empathy, so they brace themselves"
            effects.append(Effect(tag, dt * factor, dr * factor, why))
    if "closed_question" in tags and not effects:
        effects.append(Effect("closed_question", 0.0, 0.0, "a yes/no question gets a short answer"))
    state.trust = min(10.0, max(0.0, state.trust + sum(e.trust for e in effects)))
    state.resistance = min(10.0, max(0.0, state.resistance + sum(e.resistance for e in effects)))
    state.stance = stance_for(state.trust, state.resistance)
    return effects


def elicited_talk(talks: Iterable[str | None]) -> dict[str, int]:
    """Change talk, sustain talk, discord and neutral lines among the persona's lines, in the order said.

    The one definition of what a rehearsal elicited, used by the live "what they're thinking" panel (through
    PersonaState) and by the scorecard: every persona line except the opening, which comes before the
    practitioner has said anything. Discord is the persona's discord lines (the MITI sense: the client's
    talk); the worker's confrontation and persuasion show up in the scorecard's technique counts instead."""
    counts = {"change": 0, "sustain": 0, "discord": 0, "neutral": 0}
    for i, talk in enumerate(talks):
        if i == 0:
            continue
        key = talk if talk in counts else "neutral"
        counts[key] += 1
    return counts


def _neighbours(stance: str) -> list[str]:
    index = STANCES.index(stance)
    return [STANCES[i] for i in (index - 1, index + 1) if 0 <= i < len(STANCES)]


class PersonaEngine:
    """One persona in one rehearsal: state plus deterministic reply choice."""

    def __init__(
        self,
        scenario: Scenario,
        seed: int = 0,
        difficulty: str | None = None,
        embed: EmbedFn | None = None,
    ) -> None:
        self.scenario = scenario
        self.seed = int(seed)
        self.difficulty = difficulty or scenario.difficulty
        self._embed = embed or _default_embed
        self.state = PersonaState(
            trust=float(scenario.start_trust),
            resistance=float(scenario.start_resistance),
            stance=stance_for(scenario.start_trust, scenario.start_resistance),
        )
        self._index = {r.id: i for i, r in enumerate(scenario.responses)}
        self.previous_tags: set[str] = set()

    # ------------------------------------------------------------------ lines
    def opening(self) -> Response:
        """The persona's first line (said before the practitioner speaks, so not counted as elicited talk)."""
        line = self.scenario.response(self.scenario.opening)
        self._said(line)
        return line

    def _said(self, line: Response) -> None:
        state = self.state
        state.last_line = line.id
        state.used.append(line.id)
        counts = elicited_talk(self.scenario.response(i).talk for i in state.used)
        state.change_talk, state.sustain_talk, state.discord = counts["change"], counts["sustain"], counts["discord"]
        state.goal_reached = (
            state.trust >= self.scenario.goal_trust and state.change_talk >= self.scenario.goal_change_talk
        )

    def candidates(self, tags: set[str]) -> list[Response]:
        """Lines the stance allows (neighbouring stances when few fit), min_trust met, not the last line."""
        state = self.state
        allowed = [
            r
            for r in self.scenario.responses
            if r.stance == state.stance and r.min_trust <= state.trust and r.id != state.last_line
        ]
        fresh = [r for r in allowed if r.id not in state.used]
        if len(fresh) < 3:
            for stance in _neighbours(state.stance):
                allowed += [
                    r
                    for r in self.scenario.responses
                    if r.stance == stance and r.min_trust <= state.trust and r.id != state.last_line
                ]
        if not allowed:  # a tiny bank: anything but the last line
            allowed = [r for r in self.scenario.responses if r.id != state.last_line]
            allowed = allowed or list(self.scenario.responses)
        return allowed

    def choose(self, text: str, tags: set[str], vector: Any | None = None) -> Response:
        """The reply by meaning, cue, freshness, with a seeded tie-break."""
        import numpy as np

        bank = bank_vectors(self.scenario, self._embed)
        if vector is None:
            vector = self._embed([text])[0] if text.strip() else np.zeros(bank.shape[1], dtype=np.float32)
        rng = random.Random(f"{self.seed}:{self.state.turns}")
        opening = {"open_question", "complex_reflection", "simple_reflection"}
        short = "closed_question" in tags and not tags & opening
        best: tuple[float, str] | None = None
        chosen: Response | None = None
        for line in self.candidates(tags):
            score = float(bank[self._index[line.id]] @ vector)
            if line.stance == self.state.stance:
                score += 0.25
            if tags & set(line.cue):
                score += 0.25
            if short and "closed_question" in line.cue:
                score += 0.5
            score -= 0.35 * self.state.used.count(line.id)
            if line.disclosure and not (tags & EMPATHY):
                score -= 0.1
            if line.talk == "discord" and line.cue and not tags & set(line.cue) and tags & EMPATHY:
                score -= 0.3  # pushback written for a provocation (its cue) is not the answer to empathy
            score += rng.uniform(0.0, 0.05)
            if best is None or (score, line.id) > best:
                best = (score, line.id)
                chosen = line
        assert chosen is not None
        return chosen

    def respond(self, text: str, tags: Iterable[str], vector: Any | None = None) -> Reply:
        """React to one practitioner turn (already tagged) and choose the reply."""
        tags = set(tags)
        effects = react(
            self.state,
            tags,
            self.previous_tags,
            self.scenario.persona.opens_up,
            self.scenario.persona.shuts_down,
            self.difficulty,
        )
        self.state.turns += 1
        line = self.choose(text, tags, vector)
        self._said(line)
        self.previous_tags = tags
        return Reply(line=line, effects=tuple(effects), state=PersonaState.from_json(self.state.to_json()))
