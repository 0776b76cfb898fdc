"""Running a rehearsal against the store: never lose a turn, tag it, let the persona reply, score it at the
end.

Why this exists: the chat screen and the headless `coach rehearse` must behave identically and must never
lose what a practitioner typed. Each practitioner line is committed in its own transaction before any
tagging or reply happens (`record_practitioner_turn`), then `respond` tags it, stores the TechniqueTag
rows and the persona's reply with its state. If the process dies between the two, the line is in the
database and `respond` (or `resume`) picks it up. Engine state is rebuilt from the stored turns, so any
process can continue any rehearsal.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from coach.errors import CoachError
from coach.services.persona import Effect, PersonaEngine, PersonaState
from coach.services.scenarios import Scenario, get_scenario
from coach.services.scorecard import TurnRecord, build

MAX_TURN_CHARS = 2000


class RehearsalError(CoachError):
    """A rehearsal that does not exist or has ended, or a line that cannot be used."""


@dataclass(frozen=True)
class TagView:
    tag: str
    score: float | None
    start: int | None
    end: int | None
    why: str

    def to_json(self) -> dict[str, Any]:
        return {"tag": self.tag, "score": self.score, "start": self.start, "end": self.end, "why": self.why}


@dataclass
class TurnView:
    id: int
    position: int
    speaker: str
    text: str
    techniques: list[TagView] = field(default_factory=list)
    behaviour: str | None = None
    talk: str | None = None
    state: dict[str, Any] | None = None
    tagged: bool = False


@dataclass
class RehearsalView:
    id: int
    scenario_id: str
    seed: int
    difficulty: str
    status: str
    practitioner: str | None
    turns: list[TurnView]
    state: dict[str, Any] | None
    scorecard: dict[str, Any] | None

    @property
    def pending(self) -> TurnView | None:
        """The last practitioner turn if the persona has not replied to it yet."""
        if self.turns and self.turns[-1].speaker == "practitioner":
            return self.turns[-1]
        return None


@dataclass
class Response:
    """What `respond` did: the practitioner turn (now tagged), the persona's reply and the effects."""

    practitioner: TurnView
    persona: TurnView
    effects: tuple[Effect, ...]
    state: PersonaState
    goal_reached: bool


def clean_line(text: Any) -> str:
    """The practitioner's line, checked: text, not empty, not binary, not too long."""
    if not isinstance(text, str):
        raise RehearsalError("What you say must be text.")
    if "\x00" in text or any(ord(c) < 32 and c not in "\t\n\r" for c in text):
        raise RehearsalError("That line contains control characters; please type plain text.")
    cleaned = " ".join(text.split())
    if not cleaned:
        raise RehearsalError("Type something to say first.")
    if len(cleaned) > MAX_TURN_CHARS:
        raise RehearsalError(f"That line is {len(cleaned)} characters; keep one turn under {MAX_TURN_CHARS}.")
    return cleaned


class RehearsalService:
    """Start, continue, resume and end rehearsals stored in `store`, tagging with `tagger`."""

    def __init__(self, store: Any, tagger: Any = None, scenarios_dir: Any = None) -> None:
        self.store = store
        self.tagger = tagger
        self.scenarios_dir = scenarios_dir
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ helpers
    def scenario(self, scenario_id: str) -> Scenario:
        return get_scenario(scenario_id, self.scenarios_dir)

    def _embed(self, texts: list[str]) -> Any:
        if self.tagger is not None and hasattr(self.tagger, "embed"):
            return self.tagger.embed(texts)
        from coach.nlp.models import embed

        return embed(texts)

    def _engine(self, scenario: Scenario, seed: int, difficulty: str) -> PersonaEngine:
        # The tagger's own `embed` (one per process) rather than this service's: the persona caches the vectors of its
        # conversational-move examples per embedding function, and the app warms that cache with the tagger's.
        embed = self.tagger.embed if self.tagger is not None and hasattr(self.tagger, "embed") else None
        return PersonaEngine(scenario, seed=seed, difficulty=difficulty, embed=embed)

    # ------------------------------------------------------------------ start
    def start(
        self,
        scenario_id: str,
        seed: int = 0,
        practitioner: str | None = None,
        difficulty: str | None = None,
    ) -> int:
        """A new rehearsal with the persona's opening line stored; returns its id."""
        from sqlmodel import select

        from coach.store.models import Practitioner, Rehearsal, Turn

        scenario = self.scenario(scenario_id)
        if difficulty is not None and difficulty not in ("starter", "standard", "challenging"):
            raise RehearsalError("Difficulty must be starter, standard or challenging.")
        if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**31:
            raise RehearsalError("The seed must be a whole number from 0 to 2147483647.")
        name = " ".join((practitioner or "").split()) or None
        if name is not None and len(name) > 200:
            raise RehearsalError("The practitioner's name is too long (200 characters at most).")
        engine = self._engine(scenario, seed, difficulty or scenario.difficulty)
        opening = engine.opening()
        with self.store.session() as session:
            practitioner_id = None
            if name:
                who = session.exec(select(Practitioner).where(Practitioner.display_name == name)).first()
                if who is None:
                    who = Practitioner(display_name=name)
                    session.add(who)
                    session.flush()
                practitioner_id = who.id
            rehearsal = Rehearsal(
                scenario_id=scenario.id,
                practitioner_id=practitioner_id,
                seed=seed,
                difficulty=engine.difficulty,
                status="active",
                persona_state=engine.state.to_json(),
            )
            session.add(rehearsal)
            session.flush()
            session.add(
                Turn(
                    rehearsal_id=rehearsal.id,
                    position=0,
                    speaker="persona",
                    text=opening.text,
                    talk=opening.talk,
                    persona_state=engine.state.to_json(),
                )
            )
            return int(rehearsal.id)

    # ------------------------------------------------------------------ reading
    def get(self, rehearsal_id: int) -> RehearsalView:
        """The rehearsal with every stored turn and its tags."""
        from sqlmodel import select

        from coach.store.models import Practitioner, Rehearsal, TechniqueTag, Turn

        with self.store.session() as session:
            rehearsal = session.get(Rehearsal, rehearsal_id)
            if rehearsal is None:
                raise RehearsalError(f"There is no rehearsal {rehearsal_id}.")
            who = session.get(Practitioner, rehearsal.practitioner_id) if rehearsal.practitioner_id else None
            turns = session.exec(select(Turn).where(Turn.rehearsal_id == rehearsal_id).order_by(Turn.position)).all()
            ids = [t.id for t in turns]
            tags = (
                session.exec(select(TechniqueTag).where(TechniqueTag.turn_id.in_(ids)).order_by(TechniqueTag.id)).all()
                if ids
                else []
            )
            by_turn: dict[int, list[TagView]] = {}
            for tag in tags:
                by_turn.setdefault(tag.turn_id, []).append(TagView(tag.tag, tag.score, tag.start, tag.end, tag.why))
            views = [
                TurnView(
                    id=t.id,
                    position=t.position,
                    speaker=t.speaker,
                    text=t.text,
                    techniques=by_turn.get(t.id, []),
                    behaviour=t.behaviour,
                    talk=t.talk,
                    state=t.persona_state,
                    tagged=t.speaker == "persona" or t.behaviour is not None or t.id in by_turn,
                )
                for t in turns
            ]
            return RehearsalView(
                id=rehearsal.id,
                scenario_id=rehearsal.scenario_id,
                seed=rehearsal.seed,
                difficulty=rehearsal.difficulty,
                status=rehearsal.status,
                practitioner=who.display_name if who else None,
                turns=views,
                state=rehearsal.persona_state,
                scorecard=rehearsal.scorecard,
            )

    def unfinished(self, limit: int = 20) -> list[RehearsalView]:
        """Active rehearsals, newest first, for the picker's "resume" list."""
        from sqlmodel import select

        from coach.store.models import Rehearsal

        with self.store.session() as session:
            rows = session.exec(
                select(Rehearsal.id).where(Rehearsal.status == "active").order_by(Rehearsal.id.desc()).limit(limit)
            ).all()
        return [self.get(int(r)) for r in rows]

    # ------------------------------------------------------------------ the engine
    def resume(self, rehearsal_id: int) -> tuple[RehearsalView, PersonaEngine]:
        """The stored rehearsal and an engine rebuilt from its turns, ready for the next line."""
        view = self.get(rehearsal_id)
        scenario = self.scenario(view.scenario_id)
        engine = self._engine(scenario, view.seed, view.difficulty)
        for turn in view.turns:
            if turn.speaker == "practitioner":
                engine.previous_tags = {t.tag for t in turn.techniques}
                continue
            if turn.state:
                engine.state = PersonaState.from_json(turn.state)
            else:  # an old row without state: count the line as said
                line = next((r for r in scenario.responses if r.text == turn.text), None)
                if line is not None:
                    engine._said(line)
        if view.pending is not None:
            # replies react to the tags of the turn before the pending one
            before = [t for t in view.turns[:-1] if t.speaker == "practitioner"]
            engine.previous_tags = {t.tag for t in before[-1].techniques} if before else set()
        return view, engine

    def record_practitioner_turn(self, rehearsal_id: int, text: str) -> TurnView:
        """Store what the practitioner said, committed at once (before any tagging or reply)."""
        from sqlalchemy import func
        from sqlmodel import select

        from coach.store.models import Rehearsal, Turn

        line = clean_line(text)
        with self._lock, self.store.session() as session:
            rehearsal = session.get(Rehearsal, rehearsal_id)
            if rehearsal is None:
                raise RehearsalError(f"There is no rehearsal {rehearsal_id}.")
            if rehearsal.status != "active":
                raise RehearsalError(f"Rehearsal {rehearsal_id} has ended; start a new one to carry on practising.")
            last = session.exec(select(func.max(Turn.position)).where(Turn.rehearsal_id == rehearsal_id)).one()
            turn = Turn(rehearsal_id=rehearsal_id, position=(last or 0) + 1, speaker="practitioner", text=line)
            session.add(turn)
            session.flush()
            return TurnView(id=turn.id, position=turn.position, speaker="practitioner", text=line)

    def tag_turn(self, text: str, previous: str | None) -> Any:
        if self.tagger is None:
            raise RehearsalError("The language models are not loaded yet.")
        return self.tagger.tag(text, speaker="practitioner", previous=previous)

    def respond(self, rehearsal_id: int) -> Response:
        """Tag the pending practitioner turn, store its tags, choose and store the persona's reply."""
        from coach.store.models import Rehearsal, TechniqueTag, Turn

        with self._lock:
            view, engine = self.resume(rehearsal_id)
            if view.status != "active":
                raise RehearsalError(f"Rehearsal {rehearsal_id} has ended.")
            pending = view.pending
            if pending is None:
                raise RehearsalError("There is no new line to reply to.")
            previous = next((t.text for t in reversed(view.turns[:-1]) if t.speaker == "persona"), None)
            if pending.tagged:
                tags = [t.tag for t in pending.techniques]
                techniques = pending.techniques
                behaviour = pending.behaviour
            else:
                result = self.tag_turn(pending.text, previous)
                techniques = [
                    TagView(h.tag, _num(h.score), _int(h.start), _int(h.end), str(getattr(h, "why", "") or ""))
                    for h in getattr(result, "techniques", []) or []
                ]
                tags = [t.tag for t in techniques]
                behaviour = getattr(result, "behaviour", None) or "other"
            vector = self._embed([pending.text])[0]
            reply = engine.respond(pending.text, tags, vector=vector)
            state_json = reply.state.to_json()
            with self.store.session() as session:
                turn = session.get(Turn, pending.id)
                if not pending.tagged:
                    turn.behaviour = behaviour
                    for t in techniques:
                        session.add(
                            TechniqueTag(turn_id=turn.id, tag=t.tag, score=t.score, start=t.start, end=t.end, why=t.why)
                        )
                turn.persona_state = state_json
                session.add(turn)
                persona = Turn(
                    rehearsal_id=rehearsal_id,
                    position=pending.position + 1,
                    speaker="persona",
                    text=reply.line.text,
                    talk=reply.line.talk,
                    persona_state=state_json,
                )
                session.add(persona)
                rehearsal = session.get(Rehearsal, rehearsal_id)
                rehearsal.persona_state = state_json
                session.add(rehearsal)
                session.flush()
                persona_view = TurnView(
                    id=persona.id,
                    position=persona.position,
                    speaker="persona",
                    text=persona.text,
                    talk=persona.talk,
                    state=state_json,
                    tagged=True,
                )
            pending.techniques = list(techniques)
            pending.behaviour = behaviour
            pending.tagged = True
            pending.state = state_json
            return Response(pending, persona_view, reply.effects, reply.state, reply.state.goal_reached)

    def submit(self, rehearsal_id: int, text: str) -> Response:
        """Both phases at once: commit the line, then tag it and reply."""
        self.record_practitioner_turn(rehearsal_id, text)
        return self.respond(rehearsal_id)

    # ------------------------------------------------------------------ ending
    def scorecard_for(self, view: RehearsalView) -> dict[str, Any]:
        scenario = self.scenario(view.scenario_id)
        records = [
            TurnRecord(t.position, t.speaker, t.text, [x.tag for x in t.techniques], t.talk, t.state)
            for t in view.turns
        ]
        start = {"trust": scenario.start_trust, "resistance": scenario.start_resistance}
        goal = {"trust": scenario.goal_trust, "change_talk": scenario.goal_change_talk}
        return build(records, scenario.id, start, goal, seed=view.seed)

    def end(self, rehearsal_id: int) -> dict[str, Any]:
        """End the rehearsal, store and return its scorecard (ending twice gives the stored one)."""
        from coach.store.models import Rehearsal, utcnow

        with self._lock:
            view = self.get(rehearsal_id)
            if view.status == "ended" and view.scorecard is not None:
                return view.scorecard
            card = self.scorecard_for(view)
            with self.store.session() as session:
                rehearsal = session.get(Rehearsal, rehearsal_id)
                rehearsal.status = "ended"
                rehearsal.ended_at = utcnow()
                rehearsal.scorecard = card
                session.add(rehearsal)
            return card


def _num(value: Any) -> float | None:
    try:
        return None if value is None else round(float(value), 4)
    except (TypeError, ValueError):
        return None


def _int(value: Any) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


# ---- the Ctrl+R hint: a reflection of what the family member just said ----
# Words turned round from the family member's point of view to the practitioner's ("I" -> "you", "you" -> "I").
_FIRST_TO_SECOND = {
    "i": "you",
    "me": "you",
    "my": "your",
    "mine": "yours",
    "myself": "yourself",
    "we": "you",
    "us": "you",
    "our": "your",
    "ours": "yours",
    "ourselves": "yourselves",
}
_SECOND_TO_FIRST = {"your": "my", "yours": "mine", "yourself": "myself"}
_GROUP_NOUNS = {"lot", "people", "guys", "lot's"}  # "you lot never listen" -> "we never listen"
_WORRY = {"worry", "worried", "scared", "afraid", "frightened", "terrified", "petrified", "fear", "anxious", "nervous"}
_FEELINGS = _WORRY | {
    "angry",
    "upset",
    "tired",
    "exhausted",
    "sick",
    "fed",
    "ashamed",
    "embarrassed",
    "lonely",
    "hurt",
    "stressed",
    "overwhelmed",
    "frustrated",
    "furious",
    "gutted",
    "judged",
    "sad",
    "struggling",
    "hate",
    "miss",
    "love",
    "want",
    "wish",
}
_TRAILERS = {"thanks", "mate", "yeah", "okay", "ok", "right", "love"}  # "..., thanks." is not part of the meaning
_OPENERS = {"look", "well", "honestly", "listen", "yeah", "no", "so", "and", "oh", "right", "okay", "ok"}


def _subject_words(token: Any) -> set[str]:
    """The lower-cased subjects of a verb or of the verb an auxiliary belongs to."""
    verb = token.head if token.dep_ in ("aux", "auxpass") else token
    return {c.lower_ for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")}


def _turn_round(tokens: Sequence[Any]) -> str:
    """The words of `tokens` as the practitioner would say them back: pronouns and the verbs that agree with
    them swapped ("I'm scared they'll take him off me" -> "you're scared they'll take him off you")."""
    out: list[str] = []
    skip = False
    for i, tok in enumerate(tokens):
        if skip:
            skip = False
            continue
        low, word = tok.lower_, tok.text
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if low == "you" and nxt is not None and nxt.lower_ in _GROUP_NOUNS:
            word = "we" if tok.dep_ in ("nsubj", "nsubjpass") else "us"
            skip = True
            out.append(word + nxt.whitespace_)
            continue
        if low in _FIRST_TO_SECOND:
            word = _FIRST_TO_SECOND[low]
        elif low == "you":
            word = "I" if tok.dep_ in ("nsubj", "nsubjpass") else "me"
        elif low in _SECOND_TO_FIRST:
            word = _SECOND_TO_FIRST[low]
        elif tok.pos_ in ("AUX", "VERB"):
            subjects = _subject_words(tok)
            if "i" in subjects:
                word = {"am": "are", "'m": "'re", "was": "were", "’m": "’re"}.get(low, word)
            elif "you" in subjects:
                word = {"are": "am", "'re": "'m", "were": "was", "’re": "’m"}.get(low, word)
        out.append(word + tok.whitespace_)
    return "".join(out).strip()


def _clause(tokens: Sequence[Any]) -> list[Any]:
    """A clause without its leading fillers ("Look, ...", "And ...") and trailing punctuation."""
    toks = list(tokens)
    while toks and (toks[0].is_punct or toks[0].lower_ in _OPENERS or toks[0].lower_ == "but"):
        toks = toks[1:]
    while toks and (toks[-1].is_punct or (toks[-1].lower_ in _TRAILERS and len(toks) > 1 and toks[-2].is_punct)):
        toks = toks[:-1]
    return toks


def _lower_first(text: str, first: Any | None) -> str:
    if not text or (first is not None and first.pos_ == "PROPN") or text.startswith("I "):
        return text
    return text[0].lower() + text[1:]


def _said_text(tokens: Sequence[Any]) -> str:
    toks = _clause(tokens)
    return _lower_first(_turn_round(toks), toks[0] if toks else None)


def suggest_reflection(said: str, nlp: Any = None) -> str:
    """A reflection of the family member's last line, to start the practitioner off (Ctrl+R).

    Picks what is under the words, in this order: two sides joined by "but" give a double-sided reflection
    ("On one hand ..., and on the other ..."); a fear or worry gives "You're worried that ..."; a feeling
    gives "It sounds like ..." built from the clause that carries it; otherwise the main statement is
    reflected back. Questions are not echoed (a question back is not a reflection). `nlp` is a spaCy
    pipeline with a parser (the base pipeline by default)."""
    text = " ".join((said or "").split())
    if not text:
        return ""
    if nlp is None:
        from coach.nlp.models import load_spacy_base

        nlp = load_spacy_base()
    doc = nlp(text)
    sents = [s for s in doc.sents if any(t.is_alpha for t in s)]
    statements = [s for s in sents if not s.text.rstrip().endswith("?")]
    if not statements:
        return "It sounds like you want some straight answers from me."
    # 1. Two sides: "Part of me ... The other part ...", "X but Y", or a sentence starting "But".
    for k, sent in enumerate(sents[:-1]):
        if sent.text.lower().startswith("part of me"):
            other = sents[k + 1]
            right = _said_text(other)
            if right.lower().startswith("the other part"):
                rest = right[len("the other part") :].lstrip()
                rest = rest[len("of you") :].lstrip() if rest.startswith("of you") else rest
                left = _said_text(sent)
                return f"{left[0].upper() + left[1:]}, and another part of you {rest}."
    for k, sent in enumerate(statements):
        for tok in sent:
            if tok.lower_ != "but" or tok.dep_ not in ("cc", "ROOT", "advmod", "prep", "mark") and tok.i != sent.start:
                continue
            if tok.i == sent.start:
                if k == 0:
                    continue
                left, right = _said_text(statements[k - 1]), _said_text(sent)
            else:
                left, right = _said_text(doc[sent.start : tok.i]), _said_text(doc[tok.i + 1 : sent.end])
            if left and right:
                return f"On one hand {left}, and on the other, {right}."
    # 2. A worry: "I'm scared they'll take him" -> "You're worried that they'll take him".
    for sent in statements:
        for tok in sent:
            if tok.lower_ in _WORRY or tok.lemma_.lower() in _WORRY:
                rest = _clause(doc[tok.i + 1 : sent.end])
                if not rest:
                    continue
                first = rest[0].lower_
                body = _turn_round(rest[1:] if first in ("that", "about", "of", "for") else rest)
                body = _lower_first(
                    body, rest[1] if first in ("that", "about", "of", "for") and len(rest) > 1 else rest[0]
                )
                if first in ("about", "of", "for"):
                    return f"You're worried about {body}."
                return f"You're worried that {body}."
    # 3. A feeling, said about themselves: reflect that clause.
    for sent in statements:
        if any((t.lower_ in _FEELINGS or t.lemma_.lower() in _FEELINGS) for t in sent):
            body = _said_text(sent)
            if body:
                return f"It sounds like {body}."
    # 4. The main statement: the longest one, turned round.
    body = _said_text(max(statements, key=lambda s: len(s.text)))
    return f"It sounds like {body}." if body else ""
