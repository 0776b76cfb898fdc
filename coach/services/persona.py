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

Ordinary conversation (greetings, goodbyes, apologies, small talk, practical requests, questions about facts)
carries no technique, so `conversational_move` recognises it by meaning and the reply comes from the lines cued
for that move (prompts/ENGINE.md, "Greetings, apologies ..."); a turn with no technique never gets a disclosure.
"""

from __future__ import annotations

import random
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from coach.services.scenarios import MOVES, STANCES, Response, Scenario

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


EmbedFn = Callable[[list[str]], Any]


def _default_embed(texts: list[str]) -> Any:
    from coach.nlp.models import embed

    return embed(texts)


# Ordinary conversational moves (greetings, apologies, small talk, practical requests, questions about facts)
# carry no technique, so the tags say nothing about what to answer. They are recognised by meaning: the turn,
# and each of its sentences and clauses, is compared with these examples (our own writing); the closest move
# counts when it is close enough and closer than every example of talk about the worry itself ("none").
MOVE_EXAMPLES: dict[str, tuple[str, ...]] = {
    "greeting": (
        "Hello, I'm from children's services.",
        "Hi, nice to meet you.",
        "Good morning.",
        "Hi, I'm Jo, we spoke on the phone yesterday.",
        "Thanks for letting me in.",
        "Thank you for seeing me today.",
        "My name's Jo, I'm the social worker.",
        "Hiya, how are you doing?",
    ),
    "goodbye": (
        "I'll be off now, thanks for your time.",
        "Bye for now, see you next week.",
        "Right, I'll let you get on.",
        "That's all for today, thank you.",
        "I'll see you on Tuesday, then.",
        "Take care, bye.",
        "I'd better get going.",
        "Let's stop there for today.",
        "Thanks for your time, I'll head off now.",
    ),
    "apology": (
        "Sorry I'm late.",
        "Sorry I'm a bit late.",
        "I'm so sorry to keep you waiting.",
        "Apologies, the bus was late.",
        "Sorry, I got held up at the office.",
        "Sorry, I said I'd be here by ten.",
        "Sorry about cancelling last time.",
        "Sorry I had to move our appointment.",
        "I apologise for the short notice.",
    ),
    "small_talk": (
        "It's freezing out there today.",
        "Isn't the weather miserable?",
        "It's pouring with rain.",
        "What a lovely dog.",
        "Your dog's very friendly. What's he called?",
        "This tea is lovely, thank you.",
        "Thanks for the cuppa.",
        "The traffic was terrible coming over.",
        "Nice flat, it's really bright in here.",
        "I like what you've done with the room.",
        "Are you watching the rugby later?",
        "Your garden looks nice.",
        "The parking round here is a nightmare.",
    ),
    "practical": (
        "Do you mind if I sit down?",
        "Where shall I sit?",
        "Could I have a look at his bedroom before I go?",
        "I'll need to see the kitchen.",
        "Could I use your loo?",
        "Would you mind turning the telly down?",
        "Would you mind if I opened a window?",
        "Could you shut the dog in the kitchen while we talk?",
        "Can I take your phone number?",
        "When would suit you for the next visit?",
        "Can you sign this form for me?",
        "I'll need to check the smoke alarm.",
        "Is it OK if I take a few notes?",
        "Can I see where she sleeps?",
    ),
    "fact": (
        "How old is she now?",
        "What's his date of birth?",
        "Which nursery does he go to?",
        "Who lives here with you?",
        "Is his father around?",
        "Does he see his dad?",
        "Who's your GP?",
        "What year is she in at school?",
        "Has he got any brothers or sisters?",
        "How many children have you got?",
        "What's the baby's name?",
        "Where does your mum live?",
        "How long have you lived here?",
        "Does anyone else stay over?",
        "Is she on any medication?",
    ),
    "none": (
        "Do you drink every night?",
        "How much did you have to drink?",
        "What happened that night?",
        "I'm worried about the bruises.",
        "It sounds like you're scared of losing him.",
        "You've done well to keep going.",
        "What would you like to be different?",
        "On a scale of one to ten, how safe is she?",
        "Were you drinking that evening?",
        "Did he hit you?",
        "You were drunk and he was in the road.",
        "If things don't change we may go to court.",
        "The next step is a case conference.",
        "What would he say about it?",
        "It's your choice who helps.",
        "Has it happened before?",
        "How are you feeling about all this?",
        "How have things been since?",
        "So you want things to be different for her.",
        "Why did you not call someone?",
        "Tell me about the evenings.",
        "What's been going well?",
        "Is the drinking getting worse?",
        "Was the front door locked?",
        "Did you leave them on their own?",
        "Where were you when it happened?",
    ),
}
MOVE_THRESHOLD = 0.45
_MOVE_SET = frozenset(MOVES)
# Techniques that a small-talk turn can carry without being about the worry (asking permission to look round is
# seeking collaboration to the tagger): a move in a turn with only these is answered with a line cued for the
# move; with any other technique the move only adds a cue bonus. The techniques still move trust as usual.
LIGHT_TAGS = frozenset({"closed_question", "open_question", "giving_information", "seeking_collaboration"})
_move_lock = threading.Lock()
# Keyed by the embedding function itself: a bound method (`tagger.embed`, the rehearsal service's `_embed`) is a new
# object at every attribute access but equal to the last one, so `id()` missed every turn (3 s of re-embedding the
# examples per turn on a loaded machine, and one more cache entry each time). A few functions at most are kept.
_move_cache: dict[EmbedFn, tuple[tuple[str, ...], Any]] = {}
_MOVE_CACHE_SIZE = 4
_UNIT = re.compile(r"(?<=[.!?])\s+|[,;:]\s+|\s+-+\s+")


def _technique_examples() -> list[str]:
    """The phrasebank's examples of practitioner techniques other than plain information: talk about the worry,
    which is never small talk, so they join the "none" examples."""
    from coach.nlp.phrasebank import load_phrasebank

    entries, _problems = load_phrasebank()
    return [
        text
        for tag, entry in sorted(entries.items())
        if entry.speaker == "practitioner" and tag != "giving_information"
        for text in entry.examples
    ]


def warm_moves(embed: EmbedFn) -> None:
    """Embed the conversational-move examples now (about 600 texts, ~1 s), so a rehearsal's first reply does not
    wait for them; the app calls it once the models are loaded, with the tagger's `embed`."""
    _move_vectors(embed)


def _move_vectors(embed: EmbedFn) -> tuple[tuple[str, ...], Any]:
    with _move_lock:
        key = embed
        if key not in _move_cache:
            while len(_move_cache) >= _MOVE_CACHE_SIZE:
                _move_cache.pop(next(iter(_move_cache)))
            examples = dict(MOVE_EXAMPLES)
            examples["none"] = (*MOVE_EXAMPLES["none"], *_technique_examples())
            labels = tuple(move for move, texts in examples.items() for _ in texts)
            texts = [_without_names(text) for group in examples.values() for text in group]
            _move_cache[key] = (labels, embed(texts))
        return _move_cache[key]


_QUESTION = re.compile(
    r"^(who|whose|what|when|where|which|how|is|are|was|were|do|does|did|has|have|had|can|could|will|would)\b",
    re.IGNORECASE,
)


_NAME = re.compile(r"(?<=[\w,;:] )(?!I\b|I')[A-Z][\w'-]*")


def _without_names(text: str) -> str:
    """Capitalised words after the first (names of people and places) become "someone": the examples name
    children too, and a shared name would count for more than what is being asked."""
    return _NAME.sub("someone", text)


def _is_question(unit: str) -> bool:
    return unit.rstrip().endswith("?") or bool(_QUESTION.match(unit.lstrip()))


def conversational_move(text: str, embed: EmbedFn | None = None) -> str | None:
    """The ordinary conversational move in `text` (one of scenarios.MOVES: greeting, goodbye, apology,
    small_talk, practical, fact), or None when it is talk about the worry or nothing recognisable."""
    import numpy as np

    embed = embed or _default_embed
    whole = " ".join(text.split())
    if not whole:
        return None
    parts = [p.strip() for p in _UNIT.split(whole) if p and p.strip()]
    units = [whole] + (parts if len(parts) > 1 else [])
    rows = list(embed([_without_names(unit) for unit in units]))
    labels, examples = _move_vectors(embed)
    sims = np.asarray(rows, dtype=np.float32) @ np.asarray(examples).T
    best = sims.max(axis=0)
    asked = np.array([_is_question(unit) for unit in units])
    best_asked = sims[asked].max(axis=0) if asked.any() else np.full(len(labels), -1.0, dtype=np.float32)
    score = {}
    for move in MOVE_EXAMPLES:
        # a question about a fact has to be a question ("Somebody gripped that baby" is not one)
        column = best_asked if move == "fact" else best
        score[move] = float(max(column[i] for i, lab in enumerate(labels) if lab == move))
    move = max(MOVES, key=lambda m: (score[m], m))
    if score[move] >= MOVE_THRESHOLD and score[move] > score["none"]:
        return move
    return None


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
    move: str | None = None  # the ordinary conversational move recognised in the turn, if any


_bank_lock = threading.Lock()
_bank_cache: dict[tuple[str, int], Any] = {}


def bank_vectors(scenario: Scenario, embed: EmbedFn | None = None) -> Any:
    """Embeddings of every line (text + topic), computed once per scenario and cached."""
    key = (scenario.id, hash(tuple((r.id, r.text, r.topic) for r in scenario.responses)))
    with _bank_lock:
        if key not in _bank_cache:
            texts = [f"{r.text} ({r.topic})" if r.topic else r.text for r in scenario.responses]
            _bank_cache[key] = (embed or _default_embed)(texts)
        return _bank_cache[key]


def topic_vectors(scenario: Scenario, embed: EmbedFn | None = None) -> Any:
    """Embeddings of every line's `topic` alone (its text when it has none), cached like `bank_vectors`.

    A topic names what a line answers ("how old is Cai, age, birthday"), so for a question about a fact it
    is the better match than the answer's own words."""
    key = ("topic:" + scenario.id, hash(tuple((r.id, r.text, r.topic) for r in scenario.responses)))
    with _bank_lock:
        if key not in _bank_cache:
            _bank_cache[key] = (embed or _default_embed)([r.topic or r.text for r in scenario.responses])
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
        """Lines the stance allows (neighbouring stances when few fit), min_trust met, not the last line.

        A turn without any technique never gets a disclosure: nothing was done to earn it."""
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
        if not tags:
            allowed = [r for r in allowed if not r.disclosure]
        if not allowed:  # a tiny bank: anything but the last line
            allowed = [r for r in self.scenario.responses if r.id != state.last_line]
            allowed = allowed or list(self.scenario.responses)
        return allowed

    def move_lines(self, move: str) -> list[Response]:
        """Lines cued for an ordinary conversational move, any stance, min_trust met, not the last line."""
        state = self.state
        return [
            r
            for r in self.scenario.responses
            if move in r.cue and r.min_trust <= state.trust and r.id != state.last_line and not r.disclosure
        ]

    def _choose_for_move(self, move: str, lines: list[Response], vector: Any, rng: random.Random) -> Response:
        """The reply to a greeting, apology, small talk, practical request or question about a fact: the current
        stance's line first (its mood), then the closest in meaning, by text + topic or by topic alone (for facts,
        meaning first: which fact)."""
        bank = bank_vectors(self.scenario, self._embed)
        topics = topic_vectors(self.scenario, self._embed)
        near = set(_neighbours(self.state.stance))
        same_bonus, near_bonus = (0.15, 0.05) if move == "fact" else (0.4, 0.15)
        best: tuple[float, str] | None = None
        chosen = lines[0]
        for line in lines:
            index = self._index[line.id]
            score = max(float(bank[index] @ vector), float(topics[index] @ vector))
            if line.stance == self.state.stance:
                score += same_bonus
            elif line.stance in near:
                score += near_bonus
            score -= 0.35 * self.state.used.count(line.id)
            score += rng.uniform(0.0, 0.02)  # these lines differ in a word or two: a smaller tie-break
            if best is None or (score, line.id) > best:
                best = (score, line.id)
                chosen = line
        return chosen

    def choose(self, text: str, tags: set[str], vector: Any | None = None, move: str | None = None) -> Response:
        """The reply by meaning, cue, freshness, with a seeded tie-break.

        `move` is the ordinary conversational move in the turn (`conversational_move`): when the turn carries no
        technique beyond a question or plain information, a line written for that move answers it."""
        import numpy as np

        bank = bank_vectors(self.scenario, self._embed)
        if vector is None:
            vector = self._embed([text])[0] if text.strip() else np.zeros(bank.shape[1], dtype=np.float32)
        rng = random.Random(f"{self.seed}:{self.state.turns}")
        if move and not tags - LIGHT_TAGS:
            lines = self.move_lines(move)
            if lines:
                return self._choose_for_move(move, lines, vector, rng)
        cued = tags | {move} if move else tags
        opening = {"open_question", "complex_reflection", "simple_reflection"}
        short = "closed_question" in tags and not tags & opening
        best: tuple[float, str] | None = None
        chosen: Response | None = None
        for line in self.candidates(tags):
            if line.cue and set(line.cue) <= _MOVE_SET and not cued & set(line.cue):
                continue  # written for a greeting, an apology ...: only the answer to one
            score = float(bank[self._index[line.id]] @ vector)
            if line.stance == self.state.stance:
                score += 0.25
            if cued & set(line.cue):
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
        if chosen is None:  # every candidate was a line for a move: say the closest of them
            chosen = self._choose_for_move(move or "greeting", self.candidates(tags), vector, rng)
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
        if vector is None and text.strip():
            vector = self._embed([text])[0]
        move = conversational_move(text, self._embed) if text.strip() else None
        line = self.choose(text, tags, vector, move)
        self._said(line)
        self.previous_tags = tags
        return Reply(line=line, effects=tuple(effects), state=PersonaState.from_json(self.state.to_json()), move=move)
