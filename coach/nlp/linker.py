"""Linking reflection sentences to a case's change areas, so every area's progress has evidence behind it.

A practitioner writes "There was food in the fridge"; that is evidence about the "Home conditions" area even
though no word is shared. The linker therefore scores each sentence x area pair mainly by meaning (MiniLM
similarity of the sentence to the area's title, its "not good enough now" and "good enough" texts, and to
short facets: the clauses of those texts), plus lexical overlap of content word stems that are specific to
the area, plus how much better the area fits than the case's other areas (and than a bank of sentences about
no area, prompts/reflection/linker/background.yaml), plus similarity to example observations of the area's
closest topics in an evidence bank (prompts/reflection/linker/evidence.yaml: "the cot had only a fitted
sheet" is evidence about "Safe sleep") and the share of the sentence's nearest bank examples that belong to those
topics (a kNN vote over ~50 topics, ~500 examples), plus the neighbouring sentences' fit (a reflection discusses an area
over a few sentences, and "She said it was..." goes on about the previous sentence's topic), plus the best
clause of a sentence that names several areas, plus what each scale reading of a sentence names ("She put the house
at a five and school at a seven": scale_phrases), matched to the areas on its own, plus how far above the text's other
sentences and the background the sentence fits each area (every area on one scale). A logistic model
(prompts/reflection/linker/weights.json) turns these features into a first-stage logit; a second small logistic
model reads the first-stage logits of the sentence, its neighbours, the case's other areas and the whole text
(CONTEXT_FEATURES: an area discussed over a few sentences, an area that clearly beats the others, a sentence that
stands out from how the whole text fits the area) and gives the calibrated 0..1 score;
one decision threshold decides what is suggested: the best-F1 threshold whose precision is at least 0.90 on
out-of-fold scores (one fold per writer's set) of the 60 calibration cases (a wrong suggestion costs a practitioner
more than a missed one). People's names from the area texts, and the everyday subject of a title ("The twins'
teeth"), are replaced by "they" before scoring: naming Kai is not evidence about "Kai's temper". A sentence that is
only visit logistics ("Home visit 10am, Kerry and Ruby in", "call from nursery 09.40") is linked to nothing
(LOGISTICS_GATE).

Feedback for a case (links the practitioner confirmed, added or rejected) moves later scores: a sentence
similar to a confirmed one gets a higher score for that area, one similar to a rejected one a lower score.

Speed: area texts and facets are embedded once and cached; sentences are embedded in one batch (and cached
by text, which helps when the TUI re-links a draft as it is typed). Sentences are split with spaCy's rule-
based sentencizer over the base English tokenizer (fast, and it keeps closing quotes with their sentence), after
breaking at line ends, bullets, semicolons and spaced dashes; long runs of shorthand are cut at commas, and runs
with neither full stops nor commas where a new clause starts (split)."""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

# The logistic model over FEATURES lives in prompts/reflection/linker/weights.json (features, weights, bias and
# the decision threshold), written by `python benchmarks/linker.py --fit` from the 60 calibration cases of
# tests/data/link_set.yaml and link_final2-6.yaml. A file whose feature list differs from FEATURES is refused
# (stale weights would silently score nonsense).
_COMPUTED_FEATURES = (
    "title",
    "concern",
    "good_enough",
    "facet_max",
    "facet_top2",
    "lexical",
    "margin",
    "rank1",
    "background",
    "over_background",
    "margin_x_fit",
    "context",
    "bank",
    "bank_margin",
    "clause_max",
    "clause_margin",
    "continues",
    "prev_x_continues",
    "z_fit",
    "z_bank",
    "logistics",
    "substance",
    "bank_vote",
    "scale_line",
    "scale_margin",
    "own_plan",
)
# Computed by Linker.features but left out of the model: dropping them did not lower the grouped CV over the 44
# calibration cases, and dropping bank_margin (how far the area's bank score beats the other areas' and the
# background's: the largest weight of the 30-case fit) raised it (F1 0.764 -> 0.773, leave-one-set-out 0.722 -> 0.735).
UNUSED_FEATURES = ("facet_top2", "margin_x_fit", "bank_margin")
FEATURES = tuple(f for f in _COMPUTED_FEATURES if f not in UNUSED_FEATURES)
_MODEL_COLUMNS = [_COMPUTED_FEATURES.index(f) for f in FEATURES]


# The second stage (weights.json "context"): a small logistic model over the first stage's logits of this sentence
# and its neighbours for the same area, and of this sentence for the other areas. A reflection discusses an area
# over a few sentences ("I asked him what it was like..." / "He said it makes him feel useless"), and an area that
# clearly beats the case's other areas for a sentence is more likely right than one that merely clears the bar.
# text_best and text_mean are the area's best and mean first-stage logit over the whole text. Their fitted weights are
# negative: a sentence is judged against how well the text as a whole fits the area. Area texts differ in how close
# any sentence gets to them (a broad "Mum's mental health" fits half of most reflections a little), and a sentence
# that stands out from its own text's fit is the evidence. own_plan (the first stage's feature again) lets the second
# stage keep the worker's own plans out whatever their neighbours score. With the three, over the 52 cases, grouped
# CV F1 0.773 -> 0.810 and leave-one-set-out 0.757 -> 0.801 at about the same precision (0.885-0.886).
CONTEXT_FEATURES = (
    "stage1",
    "previous",
    "next",
    "over_other_areas",
    "sentence_best",
    "text_best",
    "text_mean",
    "own_plan",
)
# text_best / text_mean pool the text with TEXT_PRIOR_N pseudo-sentences at TEXT_PRIOR (scaled logit). Without them a
# one-sentence draft was its own mean: linking each calibration sentence alone, leave-one-set-out F1 0.35 (P 0.96)
# before the two features, 0.29 with them unpooled, 0.64 (P 0.93) pooled with 4; whole texts 0.80 either way.
TEXT_PRIOR = -0.8
TEXT_PRIOR_N = 4
CONTEXT_CLIP = 6.0  # first-stage logits are clipped to +-this and scaled to -1..1 before the second stage


def context_features(logits: np.ndarray, feats: np.ndarray) -> np.ndarray:
    """(n_sentences, n_areas, len(CONTEXT_FEATURES)) from first-stage logits (n_sentences, n_areas) of one text and
    its features (n_sentences, n_areas, len(FEATURES)). How far an area beats the others, and what the neighbours are
    about, do not count for a line of scale readings, which names its areas itself, several by design ("home 6,
    sleep 5, cannabis 4")."""
    import numpy as np

    n, m = logits.shape
    z = np.clip(logits, -CONTEXT_CLIP, CONTEXT_CLIP) / CONTEXT_CLIP
    edge = np.full((1, m), -1.0, dtype=np.float32)
    previous = np.vstack([edge, z[:-1]])
    following = np.vstack([z[1:], edge])
    if m > 1:
        others = np.stack([np.delete(z, j, axis=1).max(axis=1) for j in range(m)], axis=1)
    else:
        others = np.full((n, m), -1.0, dtype=np.float32)
    best = np.repeat(z.max(axis=1, keepdims=True), m, axis=1)
    own = 1.0 - feats[..., FEATURES.index("scale_line")]
    beats_others = (z - others) * own
    # A line of scale readings names its areas itself: what its neighbours are about does not count either.
    previous, following = previous * own, following * own
    # The text's sentences pooled with TEXT_PRIOR_N sentences at TEXT_PRIOR (a sentence about none of the areas), so
    # that a draft of one or two sentences is not measured against itself alone. A scale line is not measured against
    # its text (it names its areas itself).
    pool = np.vstack([z, np.full((TEXT_PRIOR_N, m), TEXT_PRIOR, dtype=np.float32)])
    text_best = np.repeat(pool.max(axis=0, keepdims=True), n, axis=0) * own
    text_mean = np.repeat(pool.mean(axis=0, keepdims=True), n, axis=0) * own
    plan = feats[..., FEATURES.index("own_plan")]
    return np.stack([z, previous, following, beats_others, best, text_best, text_mean, plan], axis=-1).astype(
        np.float32
    )


def _load_model() -> tuple[tuple[float, ...] | None, float, float, str, tuple[float, ...] | None, float]:
    """(weights, bias, threshold, problem, context weights, context bias): weights None (and the problem) if the
    file is missing or stale; context weights None if the file has no second stage."""
    import json

    from coach.paths import PROMPTS_DIR

    path = PROMPTS_DIR / "reflection" / "linker" / "weights.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURES or len(data["weights"]) != len(FEATURES):
            raise ValueError("its features do not match the linker's")
        context = data.get("context")
        ctx_w, ctx_b = None, 0.0
        if context is not None:
            if tuple(context["features"]) != CONTEXT_FEATURES or len(context["weights"]) != len(CONTEXT_FEATURES):
                raise ValueError("its context features do not match the linker's")
            ctx_w, ctx_b = tuple(float(w) for w in context["weights"]), float(context["bias"])
        weights = tuple(float(w) for w in data["weights"])
        return weights, float(data["bias"]), float(data["threshold"]), "", ctx_w, ctx_b
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return None, 0.0, 0.5, f"The linker weights in {path} cannot be used ({exc}); reinstall coach.", None, 0.0


WEIGHTS, BIAS, THRESHOLD, _WEIGHTS_PROBLEM, CONTEXT_WEIGHTS, CONTEXT_BIAS = _load_model()

# Evidence bank (prompts/reflection/linker/evidence.yaml): an area borrows the examples of its closest topics.
BANK_TOPICS = 2
BANK_MIN_SIM = 0.30
BANK_K = 10  # nearest bank examples that vote for their topics
# The bank's embeddings, shared by every Linker with the same embedding function (embedding ~500 examples takes
# seconds; tests and the TUI build several Linkers).
_BANK_CACHE: dict[tuple, tuple] = {}

# How strongly feedback moves a score (in logit units) once a sentence is close to a decided one.
# 12 since the threshold rose to 0.63 (issue 5 precision work): at 8 a sentence as close as "Her sister came round on
# Sunday" to an added "Her sister helps on Sundays" (similarity 0.68) no longer reached the threshold.
FEEDBACK_GAIN = 12.0
FEEDBACK_FLOOR = 0.55  # similarity below this to a decided sentence has no effect

_STOP_EXTRA = {
    "mum",
    "mam",
    "dad",
    "said",
    "say",
    "says",
    "told",
    "tell",
    "asked",
    "ask",
    "visit",
    "visited",
    "week",
    "today",
    "time",
    "now",
    "still",
    "also",
    "really",
    "just",
    "like",
    "thing",
    "things",
    "get",
    "got",
    "went",
    "go",
    "come",
    "came",
    "want",
    "wants",
    "one",
    "two",
    "day",
    "days",
    "last",
    "next",
    "good",
    "enough",
    "often",
    "every",
    "make",
    "made",
    "seen",
    "see",
    "saw",
    "know",
    "knows",
    "think",
    "feel",
    "felt",
    "child",
    "children",
    "family",
}

MAX_CLAUSES = 4  # clauses of one sentence scored on their own (a scale line naming every area, a list of actions)

# A sentence opening like this usually goes on about the previous sentence's topic ("She said it was...").
CONTINUES_RE = re.compile(
    r"^\W*(?:she|he|they|it|this|that|these|those|her|his|their|which|so|but|then|and|also|when|afterwards|"
    r"later|again|still|both)\b",
    re.IGNORECASE,
)

# Visit logistics and admin: when, where, who was there, calls and arrangements ("home visit 10am, Kerry + Ruby in",
# "call from nursery manager 09.40", "next visit Tuesday 2pm"). Such a sentence is rarely evidence about an area,
# and often shares a name or a place ("at home") with one; the feature counts these cues and lets the model weigh them.
LOGISTICS_RES = (
    re.compile(r"\b\d{1,2}[.:]\d{2}\b|\b\d{1,2}\s?(?:am|pm)\b|\bhalf past\b|\bo'clock\b|\bquarter (?:past|to)\b", re.I),
    re.compile(
        r"\b(?:arrived|arrive|got there|left (?:at|around|about|just)|left \d|answered the door|knocked|"
        r"parked|drove|home visit|visit (?:unannounced|announced|by)|unannounced|in attendance|"
        r"collected|dropped (?:\w+ )?(?:at|off))\b"
        r"|\bpresent:"
        r"|\b(?:I|we)\s+(?:(?:just|then|also)\s+)?"
        r"(?:called in|popped in|went round(?! the\b)|went over|came round|visited)\b",
        re.I,
    ),
    re.compile(
        r"\b(?:rang|phoned|phone call|call (?:from|to|with)|texted|emailed|voicemail|next (?:visit|session|meeting)|"
        r"agreed (?:to meet|the next|next)|rearranged|reminder|same (?:time|place)|see (?:him|her|them) again|"
        r"seeing (?:him|her|them) again|come back (?:in|on|next))\b",
        re.I,
    ),
)
WEEKDAYS = frozenset(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
LOGISTICS_WORDS = WEEKDAYS | {
    "arrived",
    "arrive",
    "left",
    "visit",
    "visited",
    "session",
    "present",
    "rang",
    "phoned",
    "phone",
    "call",
    "texted",
    "text",
    "emailed",
    "agreed",
    "booked",
    "rearranged",
    "reminder",
    "door",
    "home",
    "house",
    "car",
    "afterwards",
    "morning",
    "afternoon",
    "evening",
    "minutes",
    "hour",
    "meeting",
    "met",
    "there",
}


def logistics_cues(sentence: str) -> float:
    """0..1: how many kinds of logistics cue (time, arrival/departure, calls/arrangements) the sentence has."""
    return min(1.0, sum(1 for r in LOGISTICS_RES if r.search(sentence)) / 2.0)


# An arrangement that did not happen ("Elin was not collected on Friday", "he wasn't picked up", "no one came") is
# an event about the family, not visit logistics: its words are no logistics cue and count as substance.
NEGATED_ARRANGEMENT_RE = re.compile(
    r"(?:\bnot|n't|\bnever|\bno\s?one|\bno-one|\bnobody)\s+(?:(?:been|be|being|get|got|getting)\s+)?"
    r"(?:collected|picked up|dropped (?:\w+ )?(?:at|off)|came|come|turned up|showed up|arrived|answered the door)\b",
    re.IGNORECASE,
)

# A dated running record opens its lines with a date and/or a time of day ("3 March: ", "12/03: ", "Mon 4th: ",
# "05.03.26 - ", "14:20 - ", "Tues 5 March 2026, 10am: "). The patterns anchored at the line start (the worker's
# plans, ATTENDANCE_RE, CONTINUES_RE) read the line after it (strip_date_prefix).
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|"
    r"nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:mon|tues?|wed|weds|thu|thur|thurs|fri|sat|sun)(?:day)?\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = (
    rf"(?:{_WEEKDAY},?\s+)?(?:{_DAY}(?:\s+(?:of\s+)?{_MONTHS})?(?:\s+\d{{4}})?|{_MONTHS}\s+{_DAY}(?:,?\s+\d{{4}})?"
    r"|\d{1,2}[./-]\d{1,2}(?:[./-]\d{2,4})?)"
    rf"|{_WEEKDAY}"
)
_TIME = r"\d{1,2}[:.]\d{2}(?:\s?(?:am|pm))?|\d{1,2}\s?(?:am|pm)"
DATE_PREFIX_RE = re.compile(
    rf"^\W*(?:(?P<time2>{_TIME})|(?P<date>{_DATE})(?:,?\s+(?:at\s+)?(?P<time1>{_TIME}))?)"
    r"\s*(?::|[-\u2013\u2014]+|,|\))\s*(?=\S)",
    re.IGNORECASE,
)


def strip_date_prefix(sentence: str, keep_time: bool = False) -> str:
    """The sentence without a leading date / time-of-day prefix ("12 March: I will book ..." -> "I will book ...");
    with `keep_time`, a time of day in the prefix is kept in front (it is a logistics cue: "14:20 - arrived")."""
    m = DATE_PREFIX_RE.match(sentence)
    if not m:
        return sentence
    body = sentence[m.end() :]
    time = m.group("time1") or m.group("time2")
    return f"{time} {body}" if keep_time and time else body


# A sentence at least this "logistics only" is about no area whatever its similarity: visit times, who was in, calls.
# The logistic model alone weighs the feature weakly (few such lines in the calibration set), so it is a gate.
LOGISTICS_GATE = 0.4


def gated(feats: np.ndarray) -> np.ndarray:
    """Boolean mask (feats' leading shape): rows that are logistics only, never linked."""
    return feats[..., FEATURES.index("logistics")] >= LOGISTICS_GATE


# A line that lists who was there or what a meeting covered ("Present: Abigail (mum), class teacher, speech and
# language therapist, me", "Agenda: ...") is about no area, however many area words its list has.
ATTENDANCE_RE = re.compile(r"^\W*(?:present|attendees|attending|in attendance|apologies|agenda)\s*:", re.IGNORECASE)


def logistics_only(sentence: str) -> float:
    """0..1: logistics cues in a sentence with little else ("Arrived 13.30, they answered the door"); 1 for a list
    of who was there or of a meeting's agenda (ATTENDANCE_RE).

    "Tom was holding the baby when I arrived, and supported her head" has a cue too, but what is left once the cues
    are taken out is an observation: that sentence scores near 0."""
    sentence = strip_date_prefix(sentence, keep_time=True)
    if ATTENDANCE_RE.match(sentence):
        return 1.0
    negated = " ".join(m.group() for m in NEGATED_ARRANGEMENT_RE.finditer(sentence))
    sentence = NEGATED_ARRANGEMENT_RE.sub(" ", sentence)
    cues = logistics_cues(sentence)
    if not cues:
        return 0.0
    rest = sentence
    for r in LOGISTICS_RES:
        rest = r.sub(" ", rest)
    return cues * (1.0 - substance(f"{rest} {negated}"))


# The worker's own plans, next steps, reminders to self and reflections on their own practice are about no area (a
# plan is not evidence about the family): "I will ring the school nurse", "Next steps: ...", "Me: chase housing",
# "todo: ...", "chase HV re weigh", "I think I asked too many closed questions", "Next time I want to ...". An action
# already taken that shows something about the family ("I passed the plate to the police", "I noticed ...", "I asked
# her ...") is not matched: a reporting verb after "I" leaves the line to the other features.
_PLAN_HEAD_RE = re.compile(
    r"^\W*(?:next\s*steps?|next|plan|plans|to\s*do|todo|actions?|me|for me|worker|sw)\s*(?::|-\s)", re.IGNORECASE
)
_PLAN_IMPERATIVE_RE = re.compile(
    r"^\W*(?:chase|ring|phone|call|email|e-mail|check|send|book|arrange|refer|follow up|request|contact|write to)\b\s+"
    r"(?!(?:was|were|is|are|had|has)\b)",
    re.IGNORECASE,
)
_OWN_FUTURE_RE = re.compile(
    r"^\W*(?:(?:next time|next visit|next week)\b[ ,:]*)?I(?:'ll|'d like| will| would like| need to| want to|"
    r" wanted to| am going to|'m going to|"
    r" plan to| intend to| hope to| must| should| could have| should have| also want)\b",
    re.IGNORECASE,
)
_OWN_PRACTICE_RE = re.compile(
    r"^\W*I\s+(?:think I|feel I|felt I|was too|went too|missed|let\b|ran out|found it hard|was pleased|acknowledged"
    r"|(?:did not|didn't|forgot to|never) (?:ask|name|mention|explore|raise|get to)"
    r"|felt (?:a bit |very |quite |so )?(?:rushed|hurried|flustered|out of my depth)"
    r")\b",
    re.IGNORECASE,
)


# Shorthand next steps of the worker or another professional: "SW to refer Lewis to young carers group", "PA to chase
# bus pass", "Me to ring school", "HV to chase weight". The role is an acronym (case-sensitive, two letters or more:
# "M" and "F" stand for the parents in terse notes) or a professional's title; a family member's "Mum to ..." stays
# evidence (the family's own plans are).
_ROLE_TO_RE = re.compile(
    r"^\W*(?:(?!OK\b)[A-Z]{2,6}s?|(?i:me|myself|worker|social\s+worker|health\s+visitor|school\s+nurse|key\s*worker"
    r"|personal\s+adviser|practitioner|duty\s+worker|team\s+manager|manager|we|I))\s+to\s+[a-z]{2,}\b"
)


def own_plan(sentence: str) -> float:
    """1 for the worker's own plan / next step / reminder / reflection on their own practice, else 0 (a leading date
    or time of a running record is read past: strip_date_prefix)."""
    sentence = strip_date_prefix(sentence)
    if _PLAN_HEAD_RE.match(sentence) or _PLAN_IMPERATIVE_RE.match(sentence) or _ROLE_TO_RE.match(sentence):
        return 1.0
    if re.match(
        r"^\W*(?:next time|next visit|will (?:see|ring|call|phone|visit|check|ask|chase|send|book|refer))\b",
        sentence,
        re.IGNORECASE,
    ):
        return 1.0
    if _OWN_FUTURE_RE.match(sentence) or _OWN_PRACTICE_RE.match(sentence):
        return 1.0
    return 0.0


def substance(sentence: str) -> float:
    """0..1: content words left once masked names, logistics words and stop words are gone (6 or more: 1).

    "I visited they and their mum at home." has none: what similarity it has to an area comes from the subject."""
    stops = _stops()
    words = {
        w.lower()
        for w in WORD_RE.findall(sentence)
        if w.lower() not in stops and w.lower() not in LOGISTICS_WORDS and len(w) > 2 and w.lower() not in SUBJECT_NOUNS
    }
    return min(1.0, len(words) / 6.0)


WORD_RE = re.compile(r"[A-Za-z][A-Za-z'-]+")
CLAUSE_RE = re.compile(r"\s*(?:[;,.:]|\band\b|\bbut\b|\bwhile\b|\bwhen\b|\bbecause\b)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Area:
    """A change area as the linker needs it."""

    id: str
    title: str
    concern: str = ""
    good_enough: str = ""

    @classmethod
    def from_mapping(cls, data: Any) -> Area:
        """Build from a dict such as a `coach link --jsonl` line or a YAML entry; ValueError if malformed."""
        if not isinstance(data, dict):
            raise ValueError("each area must be an object with id, title, concern and good_enough")
        area_id = data.get("id")
        title = data.get("title")
        if not isinstance(area_id, str | int) or str(area_id).strip() == "":
            raise ValueError("each area needs a non-empty 'id'")
        if not isinstance(title, str) or not title.strip():
            raise ValueError(f"area {area_id!r} needs a non-empty 'title'")
        concern = data.get("concern") or ""
        good = data.get("good_enough") or ""
        if not isinstance(concern, str) or not isinstance(good, str):
            raise ValueError(f"area {area_id!r}: 'concern' and 'good_enough' must be text")
        return cls(id=str(area_id), title=title.strip(), concern=concern.strip(), good_enough=good.strip())


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class SentenceScore:
    """One sentence's score for one area (all pairs are available for the TUI's chips)."""

    start: int
    end: int
    text: str
    area: str
    score: float

    @property
    def linked(self) -> bool:
        return self.score >= THRESHOLD


@dataclass
class AreaLinkResult:
    """An area above the threshold, with the sentences that are evidence about it (in text order)."""

    area: str
    score: float
    sentences: list[SentenceScore] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "area": self.area,
            "score": round(self.score, 4),
            "sentences": [{"start": s.start, "end": s.end, "text": s.text} for s in self.sentences],
        }


@dataclass(frozen=True)
class LinkFeedback:
    """A practitioner's decision about one sentence and one area of this case."""

    area: str
    sentence: str
    status: str  # confirmed | added | rejected

    @property
    def positive(self) -> bool:
        return self.status in ("confirmed", "added")


def stem(word: str) -> str:
    """A crude stem, enough for overlap between a sentence and an area text (attended/attends)."""
    w = word.lower().strip("'-")
    if w.endswith("'s"):
        w = w[:-2]
    for suffix in ("ing", "edly", "ed", "ies", "es", "s", "ly"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            w = w[: -len(suffix)]
            if suffix == "ies":
                w += "y"
            break
    return w


_stopwords: set[str] | None = None


def _stops() -> set[str]:
    global _stopwords
    if _stopwords is None:
        from spacy.lang.en.stop_words import STOP_WORDS

        _stopwords = {w.lower() for w in STOP_WORDS} | _STOP_EXTRA
    return _stopwords


def content_stems(text: str) -> set[str]:
    stops = _stops()
    return {stem(w) for w in WORD_RE.findall(text) if w.lower() not in stops and len(w) > 2}


def facets(area: Area) -> list[str]:
    """Short texts an area is about: its title, and the clauses of its concern and good-enough texts."""
    out: list[str] = [area.title]
    for text in (area.concern, area.good_enough):
        for part in CLAUSE_RE.split(text):
            part = part.strip()
            if len(part.split()) >= 2 and part not in out:
                out.append(part)
    return out


def clauses(sentence: str) -> list[str]:
    """The clauses of a sentence that may each be about a different area ("home 6, sleep 5, drugs 4"), or []."""
    parts = [p.strip() for p in CLAUSE_RE.split(sentence) if p and len(p.split()) >= 1 and any(c.isalpha() for c in p)]
    # Two-part sentences rarely name two areas; skipping them halves the clauses to encode (speed) at no
    # measurable cost in grouped CV.
    if len(parts) < 3:
        return []
    return parts[:MAX_CLAUSES]


# Scale readings written into a sentence ("She put the house at a five and school at a seven", "scores: home 5,
# weight 7, anxiety 4"): each number closes a phrase naming what was scaled, which is matched to the areas on its own.
_NUMBER = r"(?:10|[0-9](?:\.5)?|one|two|three|four|five|six|seven|eight|nine|ten)"
SCALE_NUMBER_RE = re.compile(
    rf"(?:\b(?:at|as)\s+(?:an?\s+)?{_NUMBER}\b|\ban?\s+{_NUMBER}\b|(?<![\d/.:])\b{_NUMBER}\b(?![\d/:]|\.\d|\s*(?:am|pm|"
    r"weeks?|days?|months?|years?|times?|hours?|mins?|minutes?|ounces?|oz|sessions?|of\b)))"
    rf"(?:\s*(?:/\s*10|out of (?:10|ten)))?",
    re.IGNORECASE,
)
SCALE_CUE_RE = re.compile(
    r"\b(?:scal(?:e|ed|ing)|scor(?:e|ed|es|ing)|rated?|rating|put (?:[\w']+\s){0,6}?at an?|gave (?:[\w']+\s){1,6}?an? "
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten)\b|out of (?:10|ten)|/10)",
    re.IGNORECASE,
)
SCALE_LIST_RE = re.compile(r"[A-Za-z']\s+(?:10|[0-9])\s*(?:[,;.]|$)")  # "home 5, weight 7, anxiety 4"
_SCALE_FILLER_RE = re.compile(
    r"\b(?:on a scale of (?:one|1|0|zero) to (?:ten|10)|scal(?:e|ed|ing)|scor(?:e|ed|es|ing)|rated?|rating|she|he|they|"
    r"i|we|mum|dad|put|gave|give|said|says|would|say|her|his|their|own|and|at|the|a|an|for|on|of|to|up|from|"
    r"conference|out|ten|was|is)\b|[^\w\s']",
    re.IGNORECASE,
)


def scale_phrases(sentence: str) -> list[str]:
    """What each scale reading of a sentence is about ("the house", "school", "Kai's temper"), or [] if the sentence
    gives no scale readings (it needs a scale cue, or two or more numbers in a short list)."""
    numbers = list(SCALE_NUMBER_RE.finditer(sentence))
    if not numbers or (not SCALE_CUE_RE.search(sentence) and len(SCALE_LIST_RE.findall(sentence)) < 2):
        return []
    phrases, pos = [], 0
    for match in numbers[:MAX_CLAUSES]:
        piece = sentence[pos : match.start()]
        pos = match.end()
        words = _SCALE_FILLER_RE.sub(" ", piece).split()
        if content_stems(" ".join(words)):
            phrases.append(" ".join(words[-6:]))
    return phrases


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


# Sentence breaks besides full stops: line breaks, bullets at a line start, semicolons, dashes with spaces round them.
BREAK_RE = re.compile(r"\n+|;|\s[-\u2013\u2014]+\s|^[ \t]*(?:[-*\u2022\u2013]|\d+[.)])[ \t]+", re.MULTILINE)
# A run longer than this many words after those breaks is shorthand without full stops, cut at RUN_BREAK_RE.
LONG_RUN = 25
RUN_BREAK_RE = re.compile(r"[,:]\s+|\s+(?=and\s+then\b)|(?<!\band)\s+(?=then\b)")
# A piece of a cut run still longer than this is notes with neither full stops nor commas ("got there after 4 Jordan
# was in Ellie was upstairs ..."): it is cut again where a clause starts, at a subject (a pronoun or a capitalised
# word) followed by a verb, unless the word before links the two ("said he was", "told me she has", "and they were").
CLAUSE_RUN = 16
CLAUSE_START_RE = re.compile(
    r"\s+(?=(?:I|we|he|she|they|We|He|She|They|[A-Z][a-z]+|(?:school|nursery|college|mum|dad|nan|the\s+[a-z]+))\s+"
    r"(?:was|were|is|are|has|had|have|hasn't|hadn't|"
    r"wasn't|weren't|isn't|did|didn't|does|doesn't|can|can't|could|couldn't|will|won't|would|said|says|told|"
    r"came|went|rang|got|found|saw|felt|left|took|made|gave|brought|thought|kept|sat|ran|put|"
    r"[a-z]+ed|[a-z]+s)\b)"
)
_LINKING_WORDS = {
    "said",
    "says",
    "say",
    "that",
    "and",
    "but",
    "or",
    "because",
    "cos",
    "when",
    "if",
    "so",
    "as",
    "how",
    "what",
    "where",
    "why",
    "until",
    "while",
    "think",
    "thinks",
    "thought",
    "know",
    "knows",
    "knew",
    "me",
    "us",
    "him",
    "her",
    "them",
    "whether",
    "though",
    "since",
    "after",
    "before",
    "told",
    "the",
    "to",
    "with",
    "of",
    "for",
    "at",
    "by",
    "from",
    "in",
    "on",
    "which",
    "who",
}
MIN_CLAUSE_WORDS = 4


def _clause_cuts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of text[start:end] cut where a new clause starts (see CLAUSE_START_RE); pieces of 4+ words."""
    spans, pos = [], start
    for match in CLAUSE_START_RE.finditer(text, start, end):
        before = text[pos : match.start()].split()
        if len(before) < MIN_CLAUSE_WORDS or before[-1].lower().strip(",'") in _LINKING_WORDS:
            continue
        if len(text[match.end() : end].split()) < MIN_CLAUSE_WORDS:
            break
        spans.append((pos, match.start()))
        pos = match.end()
    spans.append((pos, end))
    return spans


MIN_PIECE_WORDS = 3  # a shorter piece of a cut run joins the piece before it ("2pm", "brother helping")


# People's names in the area texts ("Kai's temper") are replaced by NAME_STAND_IN in the area texts and the
# sentences before scoring: a sentence that names Kai is not evidence about his temper for that reason alone.
MASK_NAMES = True
NAME_STAND_IN = "they"
NAME_POSSESSIVE = "their"
_NAME_RE = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b")


# Everyday nouns for whom an area is ("The twins' teeth", "the boys' school attendance"): like a name, mentioning them
# is not evidence about the area, so they are masked when an area's title is about them (possessive or "with the X").
SUBJECT_NOUNS = {
    "child",
    "children",
    "kids",
    "twins",
    "boys",
    "girls",
    "boy",
    "girl",
    "baby",
    "babies",
    "son",
    "daughter",
    "mum",
    "mam",
    "mother",
    "dad",
    "father",
    "parents",
    "nan",
    "grandma",
    "grandad",
    "family",
}


def area_subjects(areas: Sequence[Area]) -> set[str]:
    """Subject nouns (SUBJECT_NOUNS) that an area's title is about: "twins" in "The twins' teeth"."""
    out: set[str] = set()
    for a in areas:
        for word in WORD_RE.findall(a.title):
            w = word.lower()
            if w.endswith("'s"):
                w = w[:-2]
            w = w.rstrip("'")
            if w in SUBJECT_NOUNS:
                out.add(w)
    return out


def area_names(areas: Sequence[Area]) -> set[str]:
    """Capitalised words inside the areas' texts (not opening a sentence) that are not common words: names."""
    stops = _stops()
    names: set[str] = set()
    for a in areas:
        for text in (a.title, a.concern, a.good_enough):
            for m in _NAME_RE.finditer(text):
                word = m.group()
                if word.lower() not in stops and word.lower() not in _COMMON_CAPS:
                    names.add(word)
            first = WORD_RE.match(text.strip())
            if first and first.group().endswith("'s") and first.group()[:-2].lower() not in stops | _COMMON_CAPS:
                names.add(first.group()[:-2])
    # A capitalised word that opens two or more sentences of the concern and good-enough texts ("Kerry has rent
    # arrears." / "Kerry has a payment plan"), is never written in lower case there and has no abstract-noun ending
    # ("Attendance", "Contact" are not names) is a name too. Titles are left out: they start with a capital anyway.
    openers: dict[str, int] = {}
    for a in areas:
        for text in (a.concern, a.good_enough):
            for m in _OPENER_RE.finditer(text):
                word = m.group(1)
                if word.lower() not in stops and word.lower() not in _COMMON_CAPS | SUBJECT_NOUNS:
                    openers[word] = openers.get(word, 0) + 1
    lower = {
        w for a in areas for text in (a.title, a.concern, a.good_enough) for w in WORD_RE.findall(text) if w.islower()
    }
    names |= {
        w for w, k in openers.items() if k >= 2 and w.lower() not in lower and not w.lower().endswith(_NOUN_ENDINGS)
    }
    return names


_NOUN_ENDINGS = ("ance", "ence", "ment", "tion", "sion", "ness", "ity", "ing", "ship", "ure", "ism")
_OPENER_RE = re.compile(r"(?:^|[.!?]\s+)\s*([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b(?!')")


_COMMON_CAPS = WEEKDAYS | {
    "mum",
    "mam",
    "dad",
    "mother",
    "father",
    "nan",
    "grandad",
    "grandma",
    "baby",
    "english",
    "christmas",
    "nursery",
    "school",
}


def _without_names(sentences: Sequence[str], areas: Sequence[Area]) -> tuple[list[str], list[Area]]:
    """Sentences and areas with the areas' people's names replaced by NAME_STAND_IN (see MASK_NAMES)."""
    names = area_names(areas) | area_subjects(areas)
    if not names:
        return list(sentences), list(areas)
    pattern = re.compile(
        r"\b(?:the\s+)?(?:"
        + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        + r")(?:'s|')?(?!\w)",
        re.IGNORECASE,
    )

    def mask(text: str) -> str:
        return pattern.sub(
            lambda m: NAME_POSSESSIVE if m.group().endswith("'") or m.group()[-2:] == "'s" else NAME_STAND_IN, text
        )

    return [mask(s) for s in sentences], [
        Area(a.id, mask(a.title), mask(a.concern), mask(a.good_enough)) for a in areas
    ]


def _segments(text: str, breaks: re.Pattern[str], start: int, end: int) -> list[tuple[int, int]]:
    """The spans of text[start:end] between matches of `breaks` (offsets into `text`; may be blank)."""
    spans, pos = [], start
    for match in breaks.finditer(text, start, end):
        spans.append((pos, match.start()))
        pos = match.end()
    spans.append((pos, end))
    return spans


def _merge_short(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join pieces of fewer than MIN_PIECE_WORDS words to the piece before them (the first to the one after)."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and len(text[start:end].split()) < MIN_PIECE_WORDS:
            out[-1] = (out[-1][0], end)
        elif out and len(text[out[-1][0] : out[-1][1]].split()) < MIN_PIECE_WORDS:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _trimmed(text: str, start: int, end: int) -> Sentence | None:
    """text[start:end] without surrounding whitespace, as a Sentence; None if it has no letters or digits."""
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    s_text = piece.strip()
    if not s_text or not any(ch.isalnum() for ch in s_text):
        return None
    return Sentence(start=start + lead, end=start + lead + len(s_text), text=s_text)


class Linker:
    """Scores sentence x area pairs; safe to call from a worker thread (its caches are locked)."""

    def __init__(
        self,
        tagger: Any = None,
        *,
        embed: Callable[[list[str]], np.ndarray] | None = None,
        threshold: float | None = None,
        weights: Sequence[float] | None = None,
        bias: float | None = None,
        context_weights: Sequence[float] | None = None,
        context_bias: float | None = None,
    ) -> None:
        if embed is None:
            if tagger is not None and hasattr(tagger, "embed"):
                embed = tagger.embed
            else:
                from coach.nlp.models import embed as models_embed

                embed = models_embed
        self._embed = embed
        if weights is None and WEIGHTS is None:
            raise RuntimeError(_WEIGHTS_PROBLEM)
        self.threshold = THRESHOLD if threshold is None else threshold
        self.weights = tuple(WEIGHTS if weights is None else weights)  # type: ignore[arg-type]
        self.bias = BIAS if bias is None else bias
        # Given first-stage weights without context weights (a refit, a test): no second stage.
        if context_weights is None and weights is None and CONTEXT_WEIGHTS is not None:
            context_weights, context_bias = CONTEXT_WEIGHTS, CONTEXT_BIAS
        self.context_weights = None if context_weights is None else tuple(context_weights)
        self.context_bias = 0.0 if context_bias is None else float(context_bias)
        self._lock = threading.Lock()
        self._text_cache: OrderedDict[str, Any] = OrderedDict()
        self._cache_size = 4096
        self._sentencizer: Any = None
        self._tokenizer: Any = None
        self._background: list[str] | None = None
        self._logistics: list[str] = []
        self._bank: list[tuple[str, list[str]]] | None = None
        self._bank_vecs: tuple | None = None
        self._bg_bank_cache: dict[tuple[Area, ...], Any] = {}

    def background(self) -> list[str]:
        """Sentences about no area (prompts/reflection/linker/background.yaml), loaded once."""
        if self._background is None:
            import yaml

            from coach.paths import PROMPTS_DIR

            path = PROMPTS_DIR / "reflection" / "linker" / "background.yaml"
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
                lines = [str(x).strip() for x in data.get("background", []) if str(x).strip()]
                self._logistics = [str(x).strip() for x in data.get("logistics", []) or [] if str(x).strip()]
            except (OSError, yaml.YAMLError, AttributeError):
                lines = []
            self._background = lines
        return self._background

    def no_area_bank(self) -> list[str]:
        """The background lines and the logistics lines of background.yaml: what the linker compares with."""
        return self.background() + self._logistics

    def evidence_bank(self) -> list[tuple[str, list[str]]]:
        """Topics (about line, examples) from prompts/reflection/linker/evidence.yaml, loaded once."""
        if self._bank is None:
            import yaml

            from coach.paths import PROMPTS_DIR

            path = PROMPTS_DIR / "reflection" / "linker" / "evidence.yaml"
            topics: list[tuple[str, list[str]]] = []
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
                for t in data.get("topics", []) or []:
                    about = str(t.get("about", "")).strip()
                    examples = [str(x).strip() for x in t.get("examples", []) or [] if str(x).strip()]
                    if about and examples:
                        topics.append((about, examples))
            except (OSError, yaml.YAMLError, AttributeError):
                topics = []
            self._bank = topics
        return self._bank

    def _bank_matrix(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(example vectors, topic index of each example, about-line vectors), embedded once per process."""
        import numpy as np

        if self._bank_vecs is None:
            bank = self.evidence_bank()
            examples = [x for _, xs in bank for x in xs]
            abouts = [a for a, _ in bank]
            key = (id(self._embed), tuple(abouts), tuple(examples))
            cached = _BANK_CACHE.get(key)
            if cached is None:
                topic_of = np.array([t for t, (_, xs) in enumerate(bank) for _ in xs], dtype=np.int64)
                ex_vec = np.asarray(self._embed(examples), dtype=np.float32) if examples else np.zeros((0, 384))
                ab_vec = np.asarray(self._embed(abouts), dtype=np.float32) if abouts else np.zeros((0, 384))
                cached = (ex_vec.astype(np.float32), topic_of, ab_vec.astype(np.float32))
                _BANK_CACHE.clear()
                _BANK_CACHE[key] = cached
            self._bank_vecs = cached
        return self._bank_vecs

    def _area_topics(self, areas: Sequence[Area]) -> np.ndarray:
        """(n_areas, n_topics) 0/1: the BANK_TOPICS bank topics closest to an area (about line vs the area's texts)."""
        import numpy as np

        _, _, ab_vec = self._bank_matrix()
        out = np.zeros((len(areas), len(ab_vec)), dtype=np.float32)
        if not len(ab_vec):
            return out
        wholes = self._vectors([f"{a.title}. {a.concern} {a.good_enough}".strip() for a in areas])
        affinity = wholes @ ab_vec.T
        for j in range(len(areas)):
            for t in np.argsort(-affinity[j])[:BANK_TOPICS]:
                if affinity[j, t] >= BANK_MIN_SIM:
                    out[j, t] = 1.0
        return out

    def _bank_scores(self, s_vec: np.ndarray, areas: Sequence[Area]) -> tuple[np.ndarray, np.ndarray]:
        """For each sentence x area: (the best similarity to an example of the area's topics, the share of the
        sentence's BANK_K nearest examples, weighted by similarity, that belong to the area's topics)."""
        import numpy as np

        n, m = s_vec.shape[0], len(areas)
        best = np.zeros((n, m), dtype=np.float32)
        vote = np.zeros((n, m), dtype=np.float32)
        ex_vec, topic_of, _ = self._bank_matrix()
        if not len(ex_vec) or n == 0:
            return best, vote
        chosen = self._area_topics(areas)  # (m, T)
        sims = s_vec @ ex_vec.T  # (n, N)
        member = chosen[:, topic_of]  # (m, N)
        for j in range(m):
            mask = member[j] > 0
            if mask.any():
                best[:, j] = sims[:, mask].max(axis=1)
        k = min(BANK_K, sims.shape[1])
        nearest = np.argpartition(-sims, k - 1, axis=1)[:, :k]  # (n, k)
        w = np.clip(np.take_along_axis(sims, nearest, axis=1), 0.0, None) ** 2
        w_sum = w.sum(axis=1) + 1e-9
        for j in range(m):
            vote[:, j] = (w * member[j][nearest]).sum(axis=1) / w_sum
        return best, vote

    # ---- sentences ----
    def split(self, text: str) -> list[Sentence]:
        """Sentences with character offsets into `text` (whitespace and bullet marks trimmed).

        Line breaks, bullets, semicolons and spaced dashes end a sentence as well as full stops: practitioners write
        notes as lists and as "asked about sleeping - still on the sofa". A run still longer than LONG_RUN words
        after that is shorthand without full stops ("stairs cleared first time since..., skip booked, brother
        helping"); it is cut at its commas and colons and before a lower-case "then", so that one run of notes
        does not become one "sentence" linked to every area."""
        if not text or not text.strip():
            return []
        if self._sentencizer is None:
            from spacy.pipeline import Sentencizer

            from coach.nlp.models import load_spacy_base

            self._tokenizer = load_spacy_base().tokenizer
            self._sentencizer = Sentencizer()
        out: list[Sentence] = []
        for start, end in _segments(text, BREAK_RE, 0, len(text)):
            doc = self._sentencizer(self._tokenizer(text[start:end]))
            for sent in doc.sents:
                s_start, s_end = start + sent.start_char, start + sent.end_char
                pieces = [(s_start, s_end)]
                if len(text[s_start:s_end].split()) > LONG_RUN:
                    pieces = _merge_short(text, _segments(text, RUN_BREAK_RE, s_start, s_end))
                    pieces = [
                        cut
                        for p_start, p_end in pieces
                        for cut in (
                            _clause_cuts(text, p_start, p_end)
                            if len(text[p_start:p_end].split()) > CLAUSE_RUN
                            else [(p_start, p_end)]
                        )
                    ]
                for p_start, p_end in pieces:
                    sentence = _trimmed(text, p_start, p_end)
                    if sentence is not None:
                        out.append(sentence)
        return out

    # ---- embeddings ----
    def embed(self, texts: list[str]) -> np.ndarray:
        """L2-normalised embeddings through the linker's cache (shared with the danger/safety marker)."""
        return self._vectors(list(texts))

    def _vectors(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._text_cache))
        if missing:
            vecs = self._embed(missing)
            with self._lock:
                for t, v in zip(missing, vecs, strict=True):
                    self._text_cache[t] = np.asarray(v, dtype=np.float32)
                while len(self._text_cache) > self._cache_size:
                    self._text_cache.popitem(last=False)
        with self._lock:
            rows = []
            for t in texts:
                v = self._text_cache.get(t)
                if v is None:  # evicted between the two locks: embed alone
                    v = np.asarray(self._embed([t])[0], dtype=np.float32)
                rows.append(v)
        if not rows:
            return np.zeros((0, 384), dtype=np.float32)
        return np.vstack(rows)

    # ---- scoring ----
    def features(self, sentences: Sequence[str], areas: Sequence[Area]) -> np.ndarray:
        """Feature array of shape (n_sentences, n_areas, len(FEATURES))."""
        import numpy as np

        n, m = len(sentences), len(areas)
        feats = np.zeros((n, m, len(_COMPUTED_FEATURES)), dtype=np.float32)
        if n == 0 or m == 0:
            return feats[..., _MODEL_COLUMNS]
        if MASK_NAMES:
            sentences, areas = _without_names(sentences, areas)
        area_facets = [facets(a) for a in areas]
        fixed: list[str] = []
        for a in areas:
            fixed += [a.title, a.concern or a.title, a.good_enough or a.title]
        flat = [f for fs in area_facets for f in fs]
        bg = self.no_area_bank()
        sent_scales = [scale_phrases(s) for s in sentences]
        sent_clauses = [clauses(s) + sc for s, sc in zip(sentences, sent_scales, strict=True)]
        flat_clauses = [c for cs in sent_clauses for c in cs]
        vec = self._vectors(list(sentences) + fixed + flat + bg + flat_clauses)
        c_vec = vec[len(vec) - len(flat_clauses) :]
        vec = vec[: len(vec) - len(flat_clauses)]
        s_vec = vec[:n]
        f_vec = vec[n : n + len(fixed)]
        facet_vec = vec[n + len(fixed) : n + len(fixed) + len(flat)]
        bg_vec = vec[n + len(fixed) + len(flat) :]
        if len(bg):
            bg_sim = s_vec @ bg_vec.T
            bg_sorted = np.sort(bg_sim, axis=1)[:, ::-1]
            bg_max = bg_sorted[:, :3].mean(axis=1)
            bg_top = bg_sorted[:, 0]
        else:
            bg_max = np.zeros(n, dtype=np.float32)
            bg_top = bg_max
        sims_fixed = s_vec @ f_vec.T  # (n, 3m)
        sims_facets = s_vec @ facet_vec.T
        # Lexical: stems that belong to this area's text and not to every area of the case.
        area_stems = [content_stems(" ".join([a.title, a.concern, a.good_enough])) for a in areas]
        df: dict[str, int] = {}
        for st in area_stems:
            for w in st:
                df[w] = df.get(w, 0) + 1
        sent_stems = [content_stems(s) for s in sentences]
        pos = 0
        facet_max = np.zeros((n, m), dtype=np.float32)
        for j, fs in enumerate(area_facets):
            block = sims_facets[:, pos : pos + len(fs)]
            pos += len(fs)
            ordered = np.sort(block, axis=1)[:, ::-1]
            facet_max[:, j] = ordered[:, 0]
            feats[:, j, 4] = ordered[:, : min(2, ordered.shape[1])].mean(axis=1)
            feats[:, j, 0] = sims_fixed[:, 3 * j]
            feats[:, j, 1] = sims_fixed[:, 3 * j + 1]
            feats[:, j, 2] = sims_fixed[:, 3 * j + 2]
            for i, ss in enumerate(sent_stems):
                if not ss:
                    continue
                shared = [w for w in ss & area_stems[j] if m == 1 or df[w] < m]
                weight = sum(1.0 / df[w] for w in shared)
                feats[i, j, 5] = min(1.0, weight / math.sqrt(len(ss)))
        feats[:, :, 3] = facet_max
        combined = facet_max + 0.5 * feats[:, :, 0]
        # The background ("about no area") competes like another area, so a sentence that fits no area well
        # does not win the comparison with the others by chance.
        background_rival = 1.5 * bg_top
        for j in range(m):
            others = np.delete(combined, j, axis=1).max(axis=1) if m > 1 else np.zeros(n, dtype=np.float32)
            rival = np.maximum(others, background_rival)
            feats[:, j, 6] = combined[:, j] - rival
            feats[:, j, 7] = (combined[:, j] >= rival).astype(np.float32)
            feats[:, j, 8] = bg_max
            feats[:, j, 9] = facet_max[:, j] - bg_max
            feats[:, j, 10] = feats[:, j, 6] * np.clip(facet_max[:, j] - bg_max, 0.0, None)
        # Context: a reflection discusses an area over a few sentences, so the neighbours' margins count.
        margin = feats[:, :, 6]
        if n > 1:
            padded = np.vstack([margin[:1] * 0 - 1.0, margin, margin[:1] * 0 - 1.0])
            feats[:, :, 11] = np.maximum(padded[:-2], padded[2:])
        else:
            feats[:, :, 11] = -1.0
        # Clauses: a sentence about several areas scores for each through its best clause.
        feats[:, :, 14] = facet_max
        feats[:, :, 15] = feats[:, :, 6]
        if flat_clauses:
            c_facets = c_vec @ facet_vec.T
            c_title = c_vec @ f_vec[0::3].T
            c_fmax = np.zeros((len(flat_clauses), m), dtype=np.float32)
            pos = 0
            for j, fs in enumerate(area_facets):
                c_fmax[:, j] = c_facets[:, pos : pos + len(fs)].max(axis=1)
                pos += len(fs)
            c_comb = c_fmax + 0.5 * c_title
            c_bg = (c_vec @ bg_vec.T).max(axis=1) if len(bg) else np.zeros(len(flat_clauses), dtype=np.float32)
            c_margin = np.zeros_like(c_comb)
            for j in range(m):
                others = np.delete(c_comb, j, axis=1).max(axis=1) if m > 1 else np.zeros(len(flat_clauses))
                c_margin[:, j] = c_comb[:, j] - np.maximum(others, 1.5 * c_bg)
            # A scale phrase is matched against the other areas only: "home" is short and close to nothing else.
            s_margin = np.zeros_like(c_comb)
            for j in range(m):
                s_margin[:, j] = c_comb[:, j] - (np.delete(c_comb, j, axis=1).max(axis=1) if m > 1 else 0.0)
            k = 0
            for i, cs in enumerate(sent_clauses):
                n_scale = len(sent_scales[i])
                n_plain = len(cs) - n_scale
                if n_plain:
                    block = slice(k, k + n_plain)
                    feats[i, :, 14] = np.maximum(facet_max[i], c_fmax[block].max(axis=0))
                    feats[i, :, 15] = np.maximum(feats[i, :, 6], c_margin[block].max(axis=0))
                if n_scale:
                    block = slice(k + n_plain, k + len(cs))
                    feats[i, :, _COMPUTED_FEATURES.index("scale_line")] = 1.0
                    feats[i, :, _COMPUTED_FEATURES.index("scale_margin")] = s_margin[block].max(axis=0)
                k += len(cs)
        # Continuation: "She nodded and said she knows" is about whatever the previous sentence was about.
        cont = np.array([1.0 if CONTINUES_RE.match(strip_date_prefix(s)) else 0.0 for s in sentences], dtype=np.float32)
        feats[:, :, 16] = cont[:, None]
        prev = np.vstack([np.full((1, m), -1.0, dtype=np.float32), margin[:-1]])
        feats[:, :, 17] = prev * cont[:, None]
        # A line of scale readings names its areas itself: its neighbours' margins say nothing about it (0: as a
        # sentence between two neighbours that fit no better or worse than any other).
        is_scale = feats[:, :, _COMPUTED_FEATURES.index("scale_line")] > 0
        feats[:, :, 11] = np.where(is_scale, 0.0, feats[:, :, 11])
        feats[:, :, 17] = np.where(is_scale, 0.0, feats[:, :, 17])
        bank, vote = self._bank_scores(s_vec, areas)
        feats[:, :, _COMPUTED_FEATURES.index("bank_vote")] = vote
        feats[:, :, 12] = bank
        for j in range(m):
            others = np.delete(bank, j, axis=1).max(axis=1) if m > 1 else np.zeros(n, dtype=np.float32)
            feats[:, j, 13] = bank[:, j] - np.maximum(others, bg_top)
        feats[:, :, _COMPUTED_FEATURES.index("logistics")] = np.array([logistics_only(s) for s in sentences])[:, None]
        feats[:, :, _COMPUTED_FEATURES.index("substance")] = np.array([substance(s) for s in sentences])[:, None]
        feats[:, :, _COMPUTED_FEATURES.index("own_plan")] = np.array([own_plan(s) for s in sentences])[:, None]
        # Per area, how far above the other sentences this one fits: area texts differ in how close any sentence
        # can get, and this puts every area on one scale. The reference is the text's own sentences pooled with
        # the background bank (sentences about no area), so a one-sentence draft is still on the same scale.
        if len(bg):
            bg_facets = bg_vec @ facet_vec.T
            bg_title = bg_vec @ f_vec[0::3].T
            bg_fit = np.zeros((len(bg), m), dtype=np.float32)
            pos = 0
            for j, fs in enumerate(area_facets):
                bg_fit[:, j] = bg_facets[:, pos : pos + len(fs)].max(axis=1)
                pos += len(fs)
            bg_fit += 0.5 * bg_title
            key = tuple(areas)
            with self._lock:
                bg_bank = self._bg_bank_cache.get(key)
            if bg_bank is None:  # the background's bank scores depend only on the areas: once per case
                bg_bank = self._bank_scores(bg_vec, areas)[0]
                with self._lock:
                    if len(self._bg_bank_cache) > 64:
                        self._bg_bank_cache.clear()
                    self._bg_bank_cache[key] = bg_bank
            for col, src, ref in ((18, feats[:, :, 14] + 0.5 * feats[:, :, 0], bg_fit), (19, bank, bg_bank)):
                pool = np.vstack([ref, src])
                feats[:, :, col] = (src - pool.mean(axis=0)) / (pool.std(axis=0) + 0.02)
        return feats[..., _MODEL_COLUMNS]

    def _logits(self, feats: np.ndarray) -> np.ndarray:
        """First-stage logits, any leading shape (logistics-only rows gated)."""
        import numpy as np

        w = np.asarray(self.weights, dtype=np.float32)
        return np.where(gated(feats), -20.0, feats @ w + self.bias)

    def text_logits(self, feats: np.ndarray) -> np.ndarray:
        """Final logits (n_sentences, n_areas) for the features of one text's sentences, in text order."""
        import numpy as np

        first = self._logits(feats)
        if self.context_weights is None or first.size == 0:
            return first
        w = np.asarray(self.context_weights, dtype=np.float32)
        return np.where(gated(feats), -20.0, context_features(first, feats) @ w + self.context_bias)

    def _feedback_adjust(
        self, sentences: Sequence[str], areas: Sequence[Area], feedback: Iterable[LinkFeedback] | None
    ) -> np.ndarray:
        import numpy as np

        adjust = np.zeros((len(sentences), len(areas)), dtype=np.float32)
        decided = [f for f in (feedback or []) if f.sentence and f.sentence.strip()]
        if not decided or not sentences:
            return adjust
        index = {a.id: j for j, a in enumerate(areas)}
        decided = [f for f in decided if f.area in index]
        if not decided:
            return adjust
        s_vec = self._vectors(list(sentences))
        d_vec = self._vectors([f.sentence.strip() for f in decided])
        sims = s_vec @ d_vec.T  # (n, k)
        for k, f in enumerate(decided):
            j = index[f.area]
            strength = np.clip((sims[:, k] - FEEDBACK_FLOOR) / (1.0 - FEEDBACK_FLOOR), 0.0, 1.0)
            delta = FEEDBACK_GAIN * strength
            if f.positive:
                adjust[:, j] = np.maximum(adjust[:, j], delta) if np.all(adjust[:, j] >= 0) else adjust[:, j] + delta
            else:
                adjust[:, j] -= delta
        return adjust

    def score_sentences(
        self, sentences: Sequence[str], areas: Sequence[Area], feedback: Iterable[LinkFeedback] | None = None
    ) -> np.ndarray:
        """Calibrated 0..1 scores, shape (n_sentences, n_areas)."""
        import numpy as np

        if not sentences or not areas:
            return np.zeros((len(sentences), len(areas)), dtype=np.float32)
        logits = self.text_logits(self.features(sentences, areas))
        logits = logits + self._feedback_adjust(sentences, areas, feedback)
        return 1.0 / (1.0 + np.exp(-logits))

    def scores(
        self, text: str, areas: Sequence[Area], feedback: Iterable[LinkFeedback] | None = None
    ) -> list[list[SentenceScore]]:
        """For each sentence of `text`, its score for every area (for inline chips)."""
        sents = self.split(text)
        matrix = self.score_sentences([s.text for s in sents], areas, feedback)
        return [
            [SentenceScore(s.start, s.end, s.text, a.id, float(matrix[i, j])) for j, a in enumerate(areas)]
            for i, s in enumerate(sents)
        ]

    def link(
        self, text: str, areas: Sequence[Area], feedback: Iterable[LinkFeedback] | None = None
    ) -> list[AreaLinkResult]:
        """Areas with at least one sentence at or above the threshold, in the order of `areas`."""
        rows = self.scores(text, areas, feedback)
        results: list[AreaLinkResult] = []
        for j, area in enumerate(areas):
            hits = [row[j] for row in rows if row[j].score >= self.threshold]
            if hits:
                results.append(AreaLinkResult(area=area.id, score=max(h.score for h in hits), sentences=hits))
        return results


def load_link_set(path: str) -> list[dict]:
    """A labelled set: cases {id, split, joiner, areas: [Area], sentences: [(text, [area ids])]}.

    `joiner` (default " ") is how the case's sentences are joined into the text that is linked: " " a paragraph,
    "\n" notes written one per line."""
    import yaml

    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    cases = []
    for case in data["cases"]:
        cases.append(
            {
                "id": case["id"],
                "split": case.get("split", "fit"),
                "joiner": str(case.get("joiner", " ")),
                "areas": [Area.from_mapping(a) for a in case["areas"]],
                "sentences": [(str(t), [str(x) for x in ids]) for t, ids in case["sentences"]],
            }
        )
    return cases


def case_rows(linker: Linker, case: dict, joiner: str | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features, rows, gold) for a labelled case as the app would see it.

    The case's sentences are joined into one text (with `joiner`, else the case's own) and split and scored by the
    linker: `features` (n_linker_sentences, n_areas, F) in text order. Each gold sentence is judged by the linker
    sentence that overlaps it most: `rows[g]` (-1 if none), `gold` (n_gold, n_areas). So training and evaluation both
    see the linker's own sentence boundaries (shorthand run together is not pre-split for it)."""
    import numpy as np

    join = case.get("joiner", " ") if joiner is None else joiner
    areas = case["areas"]
    texts = [t for t, _ in case["sentences"]]
    sents = linker.split(join.join(texts))
    feats = linker.features([s.text for s in sents], areas)
    rows = np.full(len(texts), -1, dtype=np.int64)
    gold = np.zeros((len(texts), len(areas)), dtype=bool)
    offset = 0
    for g, (sent_text, ids) in enumerate(case["sentences"]):
        start, end = offset, offset + len(sent_text)
        offset = end + len(join)
        overlaps = [min(end, s.end) - max(start, s.start) for s in sents]
        best = int(np.argmax(overlaps)) if overlaps else -1
        if best >= 0 and overlaps[best] > 0:
            rows[g] = best
        gold[g] = [a.id in ids for a in areas]
    return feats, rows, gold


def case_features(linker: Linker, case: dict, joiner: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(features, gold) per gold sentence: shapes (n_gold, n_areas, F) and (n_gold, n_areas) (see case_rows)."""
    import numpy as np

    feats, rows, gold = case_rows(linker, case, joiner)
    out = np.zeros((len(rows), gold.shape[1], len(FEATURES)), dtype=np.float32)
    out[rows >= 0] = feats[rows[rows >= 0]]
    return out, gold


def gold_scores(linker: Linker, feats: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """0..1 scores per gold sentence (n_gold, n_areas) from a case's linker-sentence features (see case_rows)."""
    import numpy as np

    scores = 1.0 / (1.0 + np.exp(-linker.text_logits(feats))) if len(feats) else np.zeros((0, 0))
    out = np.zeros((len(rows), feats.shape[1] if feats.ndim == 3 else 0), dtype=np.float32)
    out[rows >= 0] = scores[rows[rows >= 0]]
    return out


def evaluate(
    linker: Linker, cases: Sequence[dict], threshold: float | None = None, joiner: str | None = None
) -> dict[str, float]:
    """Precision, recall and F1 of sentence x area decisions, linking each case's reflection as one text.

    Each gold sentence gets the areas predicted for the linker sentence that overlaps it most (case_rows).
    `joiner` overrides the cases' own ("\n": every case written one note per line)."""

    thr = linker.threshold if threshold is None else threshold
    tp = fp = fn = 0
    for case in cases:
        feats, rows, gold = case_rows(linker, case, joiner)
        predicted = gold_scores(linker, feats, rows) >= thr
        tp += int((predicted & gold).sum())
        fp += int((predicted & ~gold).sum())
        fn += int((~predicted & gold).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}
