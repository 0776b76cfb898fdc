"""Guided post-visit reflection: prompt sets, drafts that survive a crash, and finishing in one transaction.

The practitioner answers the prompts of a set (prompts/reflection/*.yaml) one by one. Every change is saved
as a draft at once (`save_draft` commits immediately; the TUI debounces), so a crash loses at most the last
half second. `finish` turns the answers into the reflection text and, in ONE transaction, stores the text,
the technique tags (what the practitioner says they said or quotes; quoted family speech; danger and safety
marks), the suggested area links and the scale readings given in the flow. Link decisions (confirm, reject,
add) are stored with who and when, and become feedback for later suggestions on the same case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from coach.errors import CoachError
from coach.nlp.marks import EvidenceMarker  # danger/safety marks (negation-aware, tests/data/marks_set.yaml)

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
AREA_PREFIX = "area:"
SCALE_SUFFIX = ":scale"
DECISIONS = ("confirmed", "rejected", "added")


class ReflectionError(CoachError):
    """A reflection problem the user can act on (unknown reflection, bad prompt set, bad scale reading...)."""


# ---- prompt sets ----
@dataclass(frozen=True)
class Prompt:
    id: str
    text: str
    hint: str = ""
    per_area: bool = False
    scale: bool = False


@dataclass(frozen=True)
class PromptSet:
    id: str
    title: str
    description: str
    prompts: tuple[Prompt, ...]


@dataclass(frozen=True)
class FlowStep:
    """One prompt as asked for a particular case (per-area prompts expanded, placeholders filled in)."""

    key: str  # the answers key: the prompt id, or "area:<area id>"
    text: str
    hint: str
    area_id: int | None = None
    scale: bool = False

    @property
    def scale_key(self) -> str:
        return self.key + SCALE_SUFFIX


def prompts_dir() -> Path:
    from coach.paths import PROMPTS_DIR

    return PROMPTS_DIR / "reflection"


def parse_prompt_set(data: Any, name: str) -> PromptSet:
    """Validate one prompt set; ReflectionError names the problem."""
    if not isinstance(data, dict):
        raise ReflectionError(f"{name}: the file must be a mapping with id, title and prompts")
    set_id = data.get("id")
    if not isinstance(set_id, str) or not ID_RE.match(set_id):
        raise ReflectionError(f"{name}: 'id' must be lower-case words joined by '-'")
    if set_id != name:
        raise ReflectionError(f"{name}: 'id' ({set_id}) must equal the file name")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ReflectionError(f"{name}: 'title' is missing")
    raw = data.get("prompts")
    if not isinstance(raw, list) or not raw:
        raise ReflectionError(f"{name}: 'prompts' must be a non-empty list")
    prompts: list[Prompt] = []
    seen: set[str] = set()
    for i, p in enumerate(raw, 1):
        if not isinstance(p, dict):
            raise ReflectionError(f"{name}: prompt {i} must be a mapping with id and text")
        pid, text = p.get("id"), p.get("text")
        if not isinstance(pid, str) or not ID_RE.match(pid):
            raise ReflectionError(f"{name}: prompt {i} needs an 'id' of lower-case words joined by '-'")
        if pid in seen:
            raise ReflectionError(f"{name}: prompt id '{pid}' is used twice")
        if not isinstance(text, str) or not text.strip():
            raise ReflectionError(f"{name}: prompt '{pid}' needs a 'text'")
        seen.add(pid)
        prompts.append(
            Prompt(
                id=pid,
                text=text.strip(),
                hint=str(p.get("hint") or "").strip(),
                per_area=bool(p.get("per_area", False)),
                scale=bool(p.get("scale", False)),
            )
        )
    return PromptSet(set_id, title.strip(), str(data.get("description") or "").strip(), tuple(prompts))


def load_prompt_sets(directory: Path | None = None) -> tuple[dict[str, PromptSet], list[str]]:
    """All valid prompt sets by id, and a message for each broken file (the others still load)."""
    import yaml

    folder = directory or prompts_dir()
    sets: dict[str, PromptSet] = {}
    problems: list[str] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            ps = parse_prompt_set(data, path.stem)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            problems.append(f"{path.name}: cannot read it ({type(exc).__name__})")
            continue
        except ReflectionError as exc:
            problems.append(str(exc).replace(path.stem + ":", path.name + ":", 1))
            continue
        sets[ps.id] = ps
    return sets, problems


def get_prompt_set(set_id: str = "default", directory: Path | None = None) -> PromptSet:
    sets, problems = load_prompt_sets(directory)
    if set_id not in sets:
        extra = f" Problems: {'; '.join(problems)}" if problems else ""
        raise ReflectionError(f"No reflection prompt set '{set_id}' in {directory or prompts_dir()}.{extra}")
    return sets[set_id]


def prompt_set_of(reflection: Any) -> PromptSet:
    """The prompt set a reflection was written with; the default set if that one is gone (e.g. an import)."""
    try:
        return get_prompt_set(reflection.prompt_set)
    except ReflectionError:
        return get_prompt_set("default")


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def flow(prompt_set: PromptSet, areas: Sequence[Any]) -> list[FlowStep]:
    """The prompts in the order asked for a case whose change areas are `areas` (rows with id, title...)."""
    steps: list[FlowStep] = []
    for p in prompt_set.prompts:
        if not p.per_area:
            steps.append(FlowStep(key=p.id, text=p.text, hint=p.hint))
            continue
        for area in areas:
            values = _Blank(title=area.title, concern=area.concern or "", good_enough=area.good_enough or "")
            steps.append(
                FlowStep(
                    key=f"{AREA_PREFIX}{area.id}",
                    text=p.text.format_map(values),
                    hint=p.hint.format_map(values),
                    area_id=area.id,
                    scale=p.scale,
                )
            )
    return steps


# ---- text, sections, quotes ----
@dataclass(frozen=True)
class Section:
    key: str
    start: int
    end: int
    area_id: int | None


def compose(steps: Sequence[FlowStep], answers: dict[str, str]) -> tuple[str, list[Section]]:
    """The reflection text: non-empty answers in flow order, separated by a blank line, with their spans."""
    parts: list[str] = []
    sections: list[Section] = []
    pos = 0
    for step in steps:
        answer = (answers.get(step.key) or "").strip()
        if not answer:
            continue
        if parts:
            pos += 2
        sections.append(Section(step.key, pos, pos + len(answer), step.area_id))
        parts.append(answer)
        pos += len(answer)
    return "\n\n".join(parts), sections


QUOTE_RE = re.compile(r"[\"“]([^\"“”]{2,}?)[\"”]|(?<![A-Za-z])'([^']{6,}?)'(?![A-Za-z])")
PRACTITIONER_SPEECH_RE = re.compile(
    r"\bI\s+(?:said|asked|told|reflected|explained|affirmed|suggested|wondered|acknowledged|named|checked|"
    r"summarised|used|offered|gave|shared)\b",
    re.IGNORECASE,
)
FAMILY_SPEECH_RE = re.compile(
    r"\b(?:she|he|they|mum|dad|mam|nan|gran|mother|father|carer|[A-Z][a-z]+)\s+"
    r"(?:said|told me|replied|answered|shouted|asked|admitted|agreed|insisted|explained)\b"
)


@dataclass(frozen=True)
class Utterance:
    """Words to tag: a quote or a sentence describing what the practitioner said."""

    text: str
    start: int
    end: int
    speaker: str  # practitioner | family
    why: str


def utterances(text: str, sentences: Iterable[Any]) -> list[Utterance]:
    """Quoted speech (attributed to practitioner or family by the words around it) and described practitioner
    speech ("I asked her what a good week looks like") found in the reflection text."""
    out: list[Utterance] = []
    for sent in sentences:
        s_text = text[sent.start : sent.end]
        found = False
        for m in QUOTE_RE.finditer(s_text):
            group = 1 if m.group(1) is not None else 2
            q_start, q_end = sent.start + m.start(group), sent.start + m.end(group)
            around = s_text[: m.start()] + " " + s_text[m.end() :]
            practitioner = bool(re.search(r"\bI\s+\w+", around)) and not FAMILY_SPEECH_RE.search(around)
            speaker = "practitioner" if practitioner else "family"
            out.append(Utterance(text[q_start:q_end], q_start, q_end, speaker, f"quoted {speaker} speech"))
            found = True
        if found:
            continue
        if PRACTITIONER_SPEECH_RE.search(s_text):
            out.append(
                Utterance(as_direct_speech(s_text), sent.start, sent.end, "practitioner", "what I described saying")
            )
    return out


REPORTED_QUESTION_RE = re.compile(
    r"\bI\s+(?:asked|wondered)(?:\s+(?:him|her|them|dad|mum|mam|[A-Z][a-z]+))?\s+"
    r"(?P<wh>what|how|why|when|where|who|which|whether|if|about)\b\s*(?P<rest>.*)"
)
REPORTED_STATEMENT_RE = re.compile(
    r"\bI\s+(?:said|told|reflected|explained|suggested|acknowledged|named)"
    r"(?:\s+(?:to\s+)?(?:him|her|them|dad|mum|mam|[A-Z][a-z]+))?(?:\s+that)?\s+(?P<rest>.*)"
)


def as_direct_speech(sentence: str) -> str:
    """Turn a described utterance into words the tagger can judge as if spoken.

    "I asked her what a good week looks like." -> "What a good week looks like?" (an open question);
    "I asked whether he had been drinking." -> "Had he been drinking?"-like closed form ("Whether ...?");
    "I reflected that she seemed tired." -> "She seemed tired." Anything else is returned unchanged.
    """
    text = sentence.strip().rstrip(".!")
    m = REPORTED_QUESTION_RE.search(text)
    if m:
        wh, rest = m.group("wh").lower(), m.group("rest").strip()
        if wh in ("whether", "if"):
            return f"Is it that {rest}?" if rest else sentence
        if wh == "about":
            return f"Can you tell me about {rest}?" if rest else sentence
        return f"{wh.capitalize()} {rest}?".strip()
    m = REPORTED_STATEMENT_RE.search(text)
    if m and m.group("rest"):
        rest = m.group("rest").strip()
        return rest[0].upper() + rest[1:] + "."
    return sentence


# ---- plain results ----
@dataclass
class ReflectionInfo:
    id: int
    case_id: int | None
    visit_date: date
    prompt_set: str
    answers: dict[str, str]
    text: str
    status: str
    updated_at: datetime


@dataclass
class LinkInfo:
    id: int
    reflection_id: int
    area_id: int
    start: int | None
    end: int | None
    sentence: str
    score: float | None
    status: str
    decided_by: int | None = None
    decided_at: datetime | None = None


@dataclass
class TagInfo:
    tag: str
    score: float | None
    start: int | None
    end: int | None
    why: str


@dataclass
class FinishResult:
    reflection: ReflectionInfo
    tags: list[TagInfo] = field(default_factory=list)
    links: list[LinkInfo] = field(default_factory=list)
    readings: list[tuple[int, int]] = field(default_factory=list)  # (area id, score)


def _info(r: Any) -> ReflectionInfo:
    return ReflectionInfo(
        id=r.id,
        case_id=r.case_id,
        visit_date=r.visit_date,
        prompt_set=r.prompt_set,
        answers=dict(r.answers or {}),
        text=r.text,
        status=r.status,
        updated_at=r.updated_at,
    )


def _link_info(link: Any) -> LinkInfo:
    return LinkInfo(
        id=link.id,
        reflection_id=link.reflection_id,
        area_id=link.area_id,
        start=link.start,
        end=link.end,
        sentence=link.sentence,
        score=link.score,
        status=link.status,
        decided_by=link.decided_by,
        decided_at=link.decided_at,
    )


# ---- drafts ----
def start(
    store: Any,
    case_id: int | None,
    visit_date: date,
    prompt_set: str = "default",
    practitioner_id: int | None = None,
) -> ReflectionInfo:
    """A new draft reflection (committed at once)."""
    from coach.store.models import Case, Reflection

    get_prompt_set(prompt_set)
    with store.session() as s:
        if case_id is not None and s.get(Case, case_id) is None:
            raise ReflectionError(f"There is no case with id {case_id}.")
        r = Reflection(case_id=case_id, practitioner_id=practitioner_id, visit_date=visit_date, prompt_set=prompt_set)
        s.add(r)
        s.flush()
        return _info(r)


def get(store: Any, reflection_id: int) -> ReflectionInfo:
    from coach.store.models import Reflection

    with store.session() as s:
        r = s.get(Reflection, reflection_id)
        if r is None:
            raise ReflectionError(f"There is no reflection with id {reflection_id}.")
        return _info(r)


def drafts(store: Any, case_id: int | None = None) -> list[ReflectionInfo]:
    """Unfinished reflections, newest first (to resume one)."""
    from sqlmodel import select

    from coach.store.models import Reflection

    with store.session() as s:
        q = select(Reflection).where(Reflection.status == "draft")
        if case_id is not None:
            q = q.where(Reflection.case_id == case_id)
        rows = s.exec(q.order_by(Reflection.updated_at.desc(), Reflection.id.desc())).all()
        return [_info(r) for r in rows]


def _clean_answers(answers: dict[str, Any]) -> dict[str, str]:
    if not isinstance(answers, dict):
        raise ReflectionError("Answers must be a mapping of prompt id to text.")
    return {str(k): "" if v is None else str(v) for k, v in answers.items()}


def _draft(s: Any, reflection_id: int, when_finished: str) -> Any:
    """The draft reflection in session `s`, or a ReflectionError (unknown id; finished: `when_finished` says why)."""
    from coach.store.models import Reflection

    r = s.get(Reflection, reflection_id)
    if r is None:
        raise ReflectionError(f"There is no reflection with id {reflection_id}.")
    if r.status != "draft":
        raise ReflectionError(f"This reflection is already finished; {when_finished}")
    return r


def save_draft(store: Any, reflection_id: int, answers: dict[str, Any]) -> datetime:
    """Store the answers of a draft now (one short transaction); returns the time saved."""
    from coach.store.models import utcnow

    clean = _clean_answers(answers)
    with store.session() as s:
        r = _draft(s, reflection_id, "its answers can no longer change.")
        r.answers = clean
        r.updated_at = utcnow()
        s.add(r)
        return r.updated_at


def parse_scale(value: Any) -> int | None:
    """A "steps to change" reading from an answer: '' -> None, '6' -> 6; ReflectionError if not 1..10."""
    if value is None or str(value).strip() == "":
        return None
    try:
        score = int(str(value).strip())
    except ValueError:
        raise ReflectionError(f"A scale reading must be a whole number from 1 to 10, not '{value}'.") from None
    if not 1 <= score <= 10:
        raise ReflectionError(f"A scale reading must be from 1 to 10, not {score}.")
    return score


# ---- feedback and suggestions ----
def case_feedback(store: Any, case_id: int) -> list[Any]:
    """The practitioner's link decisions on this case's reflections, as linker feedback."""
    from sqlmodel import select

    from coach.nlp.linker import LinkFeedback
    from coach.store.models import AreaLink, Reflection

    with store.session() as s:
        rows = s.exec(
            select(AreaLink)
            .join(Reflection, AreaLink.reflection_id == Reflection.id)
            .where(Reflection.case_id == case_id, AreaLink.status.in_(DECISIONS))
        ).all()
        return [LinkFeedback(area=str(r.area_id), sentence=r.sentence, status=r.status) for r in rows if r.sentence]


def linker_areas(areas: Sequence[Any]) -> list[Any]:
    from coach.nlp.linker import Area

    return [Area(str(a.id), a.title, a.concern or "", a.good_enough or "") for a in areas]


def case_areas(store: Any, case_id: int | None) -> list[Any]:
    """The change areas of a case in their order (detached rows)."""
    if case_id is None:
        return []
    from sqlmodel import select

    from coach.store.models import ChangeArea

    with store.session() as s:
        return list(
            s.exec(
                select(ChangeArea).where(ChangeArea.case_id == case_id).order_by(ChangeArea.position, ChangeArea.id)
            ).all()
        )


@dataclass(frozen=True)
class Suggestion:
    start: int
    end: int
    sentence: str
    area_id: int
    score: float


def suggest(
    linker: Any,
    text: str,
    areas: Sequence[Any],
    feedback: Sequence[Any] = (),
    sections: Sequence[Section] = (),
) -> list[Suggestion]:
    """Sentence x area links above the linker's threshold; sentences written under an area's own prompt are
    always suggested for that area (the practitioner put them there)."""
    if not text.strip() or not areas:
        return []
    rows = linker.scores(text, linker_areas(areas), feedback)
    out: list[Suggestion] = []
    for row in rows:
        s0 = row[0]
        home = next((sec.area_id for sec in sections if sec.area_id and sec.start <= s0.start < sec.end), None)
        for area, cell in zip(areas, row, strict=True):
            score = cell.score
            if home == area.id:
                score = max(score, linker.threshold)
            if score >= linker.threshold:
                out.append(Suggestion(s0.start, s0.end, s0.text, area.id, float(score)))
    return out


# ---- finishing ----
def _tag_hits(tagger: Any, items: Sequence[Utterance], text: str) -> list[TagInfo]:
    """Technique tags for each utterance, with offsets into the reflection text.

    Quotes are tagged as written, so a hit's own offsets are kept; a described utterance is tagged in its
    direct-speech form, so its hits cover the whole sentence it came from."""
    out: list[TagInfo] = []
    if tagger is None or not items:
        return out
    if hasattr(tagger, "tag_many"):
        from coach.nlp.tagger import TagInput

        results = tagger.tag_many([TagInput(u.text, u.speaker) for u in items])
    else:
        results = [tagger.tag(u.text, speaker=u.speaker) for u in items]
    for u, result in zip(items, results, strict=True):
        if getattr(result, "error", None):
            continue
        verbatim = text[u.start : u.end] == u.text
        hits = list(getattr(result, "techniques", []) or [])
        for hit in hits:
            start, end = u.start, u.end
            h_start, h_end = getattr(hit, "start", None), getattr(hit, "end", None)
            if verbatim and h_start is not None and h_end is not None and 0 <= h_start < h_end <= len(u.text):
                start, end = u.start + int(h_start), u.start + int(h_end)
            score = getattr(hit, "score", None)
            why = getattr(hit, "why", "") or ""
            out.append(
                TagInfo(
                    hit.tag,
                    float(score) if score is not None else None,
                    start,
                    end,
                    f"{u.why}: {why}".strip(),
                )
            )
        talk = getattr(result, "talk", None)
        if (
            u.speaker == "family"
            and talk in ("change", "sustain")
            and not any(h.tag in ("change_talk", "sustain_talk", "discord") for h in hits)
        ):
            out.append(TagInfo(f"{talk}_talk", None, u.start, u.end, f"{u.why}: talk type {talk}"))
    return out


def finish(
    store: Any,
    reflection_id: int,
    *,
    tagger: Any,
    linker: Any,
    answers: dict[str, Any] | None = None,
    by_whom: str = "",
    practitioner_id: int | None = None,
) -> FinishResult:
    """Finish a draft: text, technique tags, danger/safety marks, suggested links and scale readings, all in
    one transaction. Nothing is stored if anything fails (bad reading, database error)."""
    from sqlmodel import select

    from coach.store.models import AreaLink, ChangeArea, Reflection, ScaleReading, TechniqueTag, utcnow

    current = get(store, reflection_id)
    if current.status != "draft":
        raise ReflectionError("This reflection is already finished.")
    clean = _clean_answers(answers if answers is not None else current.answers)
    areas = case_areas(store, current.case_id)
    steps = flow(prompt_set_of(current), areas)
    readings: list[tuple[int, int]] = []
    for step in steps:
        if step.scale and step.area_id is not None:
            score = parse_scale(clean.get(step.scale_key))
            if score is not None:
                readings.append((step.area_id, score))
    text, sections = compose(steps, clean)
    if not text.strip():
        raise ReflectionError("The reflection is empty: answer at least one prompt before finishing.")

    # The slow part (models) runs before the transaction opens.
    sentences = linker.split(text)
    tags = _tag_hits(tagger, utterances(text, sentences), text)
    feedback = case_feedback(store, current.case_id) if current.case_id is not None else []
    suggestions = suggest(linker, text, areas, feedback, sections)
    linked_starts = {sg.start for sg in suggestions}
    marker = EvidenceMarker(linker.embed, linker.background())
    marks = marker.mark([s.text for s in sentences], [s.start in linked_starts for s in sentences])
    for sent, mark in zip(sentences, marks, strict=True):
        if mark is not None:
            tags.append(TagInfo(mark[0], round(mark[1], 4), sent.start, sent.end, "danger or safety evidence"))

    with store.session() as s:
        r = s.get(Reflection, reflection_id)
        if r is None or r.status != "draft":
            raise ReflectionError("This reflection was finished or deleted meanwhile.")
        # Links on a draft are the decisions taken while writing: read them in this transaction, then carry
        # them onto the sentences of the final text.
        old_links = s.exec(select(AreaLink).where(AreaLink.reflection_id == r.id)).all()
        decided = {(x.area_id, norm_sentence(x.sentence)): _link_info(x) for x in old_links if x.status in DECISIONS}
        r.answers = clean
        r.text = text
        r.status = "final"
        r.updated_at = utcnow()
        if practitioner_id is not None and r.practitioner_id is None:
            r.practitioner_id = practitioner_id
        s.add(r)
        for old in s.exec(select(TechniqueTag).where(TechniqueTag.reflection_id == r.id)).all():
            s.delete(old)
        for old in old_links:
            s.delete(old)
        s.flush()
        for t in tags:
            s.add(TechniqueTag(reflection_id=r.id, tag=t.tag, score=t.score, start=t.start, end=t.end, why=t.why))
        links = _final_links(r.id, suggestions, decided, sentences)
        s.add_all(links)
        valid_areas = {a.id for a in s.exec(select(ChangeArea).where(ChangeArea.case_id == r.case_id)).all()}
        for area_id, score in readings:
            if area_id in valid_areas:
                s.add(
                    ScaleReading(
                        area_id=area_id,
                        reading_date=r.visit_date,
                        score=score,
                        by_whom=by_whom,
                        note=f"From the reflection of {r.visit_date.isoformat()}",
                    )
                )
        s.flush()
        info = _info(r)
        link_infos = [_link_info(x) for x in links]
    return FinishResult(info, tags, link_infos, readings)


def _final_links(
    reflection_id: int,
    suggestions: Sequence[Suggestion],
    decided: dict[tuple[int, str], LinkInfo],
    sentences: Sequence[Any],
) -> list[Any]:
    """The links of a finished reflection: the suggestions, each with the decision taken on it while writing,
    plus the decisions on sentences the linker no longer suggests (an added link, a rejection).

    A decision is matched to the final text by the sentence's words (offsets in a draft keep moving) and keeps
    its status (an added link stays "added" even when the feedback now makes the linker suggest it). One
    whose sentence was later edited away is kept without offsets: it is still the practitioner's judgement,
    and feedback for later suggestions on the case."""
    from coach.store.models import AreaLink

    pending = dict(decided)
    spans: dict[str, tuple[int, int]] = {}
    for sent in sentences:
        spans.setdefault(norm_sentence(sent.text), (sent.start, sent.end))
    links = []
    for sg in suggestions:
        d = pending.pop((sg.area_id, norm_sentence(sg.sentence)), None)
        links.append(
            AreaLink(
                reflection_id=reflection_id,
                area_id=sg.area_id,
                start=sg.start,
                end=sg.end,
                sentence=sg.sentence,
                score=round(sg.score, 4),
                status="suggested" if d is None else d.status,
                decided_by=d.decided_by if d else None,
                decided_at=d.decided_at if d else None,
            )
        )
    for (area_id, key), d in pending.items():
        start, end = spans.get(key, (None, None))
        links.append(
            AreaLink(
                reflection_id=reflection_id,
                area_id=area_id,
                start=start,
                end=end,
                sentence=d.sentence,
                score=d.score,
                status=d.status,
                decided_by=d.decided_by,
                decided_at=d.decided_at,
            )
        )
    return links


# ---- link decisions ----
def norm_sentence(text: str | None) -> str:
    """A sentence's words with the spacing made plain: how a decision finds its sentence again."""
    return " ".join((text or "").split())


def draft_decisions(store: Any, reflection_id: int) -> list[LinkInfo]:
    """The link decisions taken while writing a draft (confirmed, rejected or added), oldest first."""
    from sqlmodel import select

    from coach.store.models import AreaLink

    with store.session() as s:
        rows = s.exec(
            select(AreaLink)
            .where(AreaLink.reflection_id == reflection_id, AreaLink.status.in_(DECISIONS))
            .order_by(AreaLink.id)
        ).all()
        return [_link_info(x) for x in rows]


def decide_draft(
    store: Any,
    reflection_id: int,
    area_id: int,
    sentence: str,
    status: str,
    *,
    score: float | None = None,
    decided_by: int | None = None,
) -> LinkInfo:
    """Store a link decision taken while writing, at once (one short transaction), so it survives a crash
    like the draft text does. It counts as feedback for the case straight away, and `finish` carries it onto
    the sentence of the final text. A second decision on the same sentence and area replaces the first."""
    from coach.store.models import AreaLink, ChangeArea, utcnow

    if status not in DECISIONS:
        raise ReflectionError("A link can be confirmed, rejected or added.")
    text = norm_sentence(sentence)
    if not text:
        raise ReflectionError("There is no sentence to link: write one first.")
    with store.session() as s:
        r = _draft(s, reflection_id, "decide on its links in the review.")
        area = s.get(ChangeArea, area_id)
        if area is None or area.case_id != r.case_id:
            raise ReflectionError("That change area does not belong to this reflection's case.")
        existing = [x for x in r.links if x.area_id == area_id and norm_sentence(x.sentence) == text]
        link = existing[0] if existing else AreaLink(reflection_id=r.id, area_id=area_id)
        link.sentence = text
        link.status = status
        if score is not None:
            link.score = round(float(score), 4)
        link.decided_by = decided_by
        link.decided_at = utcnow()
        s.add(link)
        s.flush()
        return _link_info(link)


def links(store: Any, reflection_id: int) -> list[LinkInfo]:
    from sqlmodel import select

    from coach.store.models import AreaLink

    with store.session() as s:
        rows = s.exec(
            select(AreaLink).where(AreaLink.reflection_id == reflection_id).order_by(AreaLink.start, AreaLink.id)
        ).all()
        return [_link_info(x) for x in rows]


def tags(store: Any, reflection_id: int) -> list[TagInfo]:
    from sqlmodel import select

    from coach.store.models import TechniqueTag

    with store.session() as s:
        rows = s.exec(
            select(TechniqueTag)
            .where(TechniqueTag.reflection_id == reflection_id)
            .order_by(TechniqueTag.start, TechniqueTag.id)
        ).all()
        return [TagInfo(t.tag, t.score, t.start, t.end, t.why) for t in rows]


def decide(store: Any, link_id: int, status: str, decided_by: int | None = None) -> LinkInfo:
    """Confirm or reject a suggested link (stored with who and when)."""
    from coach.store.models import AreaLink, utcnow

    if status not in ("confirmed", "rejected"):
        raise ReflectionError("A link can be confirmed or rejected.")
    with store.session() as s:
        link = s.get(AreaLink, link_id)
        if link is None:
            raise ReflectionError(f"There is no link with id {link_id}.")
        link.status = status
        link.decided_by = decided_by
        link.decided_at = utcnow()
        s.add(link)
        s.flush()
        return _link_info(link)


def add_link(
    store: Any, reflection_id: int, area_id: int, start: int, end: int, decided_by: int | None = None
) -> LinkInfo:
    """Link a span of a finished reflection's text to an area the linker did not suggest."""
    from coach.store.models import AreaLink, ChangeArea, Reflection, utcnow

    with store.session() as s:
        r = s.get(Reflection, reflection_id)
        if r is None:
            raise ReflectionError(f"There is no reflection with id {reflection_id}.")
        area = s.get(ChangeArea, area_id)
        if area is None or area.case_id != r.case_id:
            raise ReflectionError("That change area does not belong to this reflection's case.")
        if not (0 <= start < end <= len(r.text)):
            raise ReflectionError("The sentence to link is outside the reflection text.")
        existing = [x for x in r.links if x.area_id == area_id and x.start == start and x.end == end]
        link = existing[0] if existing else AreaLink(reflection_id=r.id, area_id=area_id, start=start, end=end)
        link.sentence = r.text[start:end]
        link.status = "confirmed" if existing and link.status == "suggested" else "added"
        link.decided_by = decided_by
        link.decided_at = utcnow()
        s.add(link)
        s.flush()
        return _link_info(link)


@dataclass
class AreaEvidence:
    """A finished reflection linked to a change area, with the linked sentences (for the cases screen)."""

    reflection_id: int
    visit_date: date
    sentences: list[str]
    confirmed: bool


def area_reflections(store: Any, area_id: int) -> list[AreaEvidence]:
    """Finished reflections linked to an area (not counting rejected links), newest visit first."""
    from sqlmodel import select

    from coach.store.models import AreaLink, Reflection

    with store.session() as s:
        rows = s.exec(
            select(AreaLink, Reflection)
            .join(Reflection, AreaLink.reflection_id == Reflection.id)
            .where(
                AreaLink.area_id == area_id,
                AreaLink.status != "rejected",
                AreaLink.start.is_not(None),  # a decision on a sentence edited away before finishing
                Reflection.status == "final",
            )
            .order_by(Reflection.visit_date.desc(), Reflection.id.desc(), AreaLink.start)
        ).all()
    out: dict[int, AreaEvidence] = {}
    for link, r in rows:
        ev = out.setdefault(r.id, AreaEvidence(r.id, r.visit_date, [], False))
        if link.sentence not in ev.sentences:
            ev.sentences.append(link.sentence)
        ev.confirmed = ev.confirmed or link.status in ("confirmed", "added")
    return list(out.values())
