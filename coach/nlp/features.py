"""Features shared by training (coach.nlp.train) and inference (coach.nlp.classifier).

Why a module of its own: the trained weights are only valid if inference builds exactly the same feature vector
as training did, so both import this one function. A feature vector is
[MiniLM(utterance), MiniLM(previous utterance), cosine(utterance, previous), has_previous, form features(utterance),
form features(previous), echo features(utterance, previous)], where the form features are cheap surface-syntax cues
(question form by aux inversion or wh-word, "?", second person, modal obligation, first-person worry, scales, length)
computed with regular expressions, fast enough for 400+ utterances a second. The previous utterance's form says what
this one answers (after a question comes an answer, not a reflection); the echo features say how much of the previous
utterance this one repeats (a reflection echoes the client's words, often turning "I" into "you"). Together they
raised grouped-CV behaviour macro-F1 on AnnoMI from 0.711 to 0.740 (see coach.nlp.train).
"""

from __future__ import annotations

import re

import numpy as np

WH = {"what", "how", "why", "where", "when", "who", "which", "whose", "whom"}
AUX = {
    "do",
    "does",
    "did",
    "is",
    "are",
    "was",
    "were",
    "have",
    "has",
    "had",
    "can",
    "could",
    "would",
    "will",
    "should",
    "shall",
    "may",
    "might",
    "must",
    "am",
    "isn't",
    "aren't",
    "don't",
    "doesn't",
    "didn't",
    "won't",
    "wouldn't",
    "can't",
    "couldn't",
    "haven't",
    "hasn't",
    "wasn't",
    "weren't",
    "shouldn't",
}
FILLERS = {"so", "and", "but", "okay", "ok", "well", "right", "now", "um", "uh", "yeah", "alright", "then", "oh"}
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_SENT = re.compile(r"[.!?]+(?:\s|$)")

FORM_NAMES = [
    "ends_q",
    "has_q",
    "n_q",
    "wh_start",
    "aux_start",
    "tag_question",
    "tell_me",
    "second_person_start",
    "sounds_like",
    "you_count",
    "i_count",
    "we_count",
    "modal_obligation",
    "worry",
    "scale",
    "number",
    "log_len",
    "n_sentences",
    "short",
    "backchannel",
    "thanks_greeting",
    "affirm_word",
    "permission",
    "negation",
    "want_change",
    "but_turn",
    "no_start",
    "yes_start",
]
N_FORM = len(FORM_NAMES)
DIM = 384
ECHO_NAMES = [
    "shared_of_utterance",
    "shared_of_previous",
    "shared_count",
    "shared_jaccard",
    "longest_shared_run",
    "shared_bigrams",
    "length_ratio",
    "i_to_you_strength",
    "i_to_you",
    "all_content_echoed",
]
N_ECHO = len(ECHO_NAMES)
# Index of the first hand-made feature (after the two embeddings): training lets these weigh more (coach.nlp.train).
HAND_START = 2 * DIM
N_FEATURES = 2 * DIM + 2 + 2 * N_FORM + N_ECHO
# Words that carry no topic: what is left is what a reflection can echo. Stems come from _stem (suffix stripping).
ECHO_STOP = set(
    """a an the and or but so if then than that this these those it its it's is are was were be been being am do does
    did done have has had having i me my myself you your yours yourself we us our they them their he him his she her
    of to in on at for with about from by as into up down out over just really very quite like um uh mm hmm yeah yes
    no not okay ok well oh right kind sort thing things get got go going can could would will should shall may might
    must what how why where when who which there here because also too all some any more much one know think mean i'm
    you're don't it's that's there's can't didn't doesn't i've you've we're they're let's""".split()
)
_FIRST = {"i", "i'm", "i've", "my", "me", "i'd", "i'll", "myself"}
_SECOND = {"you", "you're", "your", "you've", "you'd", "you'll", "yourself"}
_ECHO_WORDS = 200  # words of each side compared (bounds the cost of a pasted essay)
# Only the end of a long previous utterance is read: it is what gets answered, and it bounds the cost (< 1 ms).
PREV_CHARS = 600


def _first_content(words: list[str]) -> list[str]:
    i = 0
    while i < len(words) and words[i] in FILLERS:
        i += 1
    return words[i:]


def clause_starts(text: str) -> list[list[str]]:
    """Word lists of each sentence (lower case), used for question-form cues per sentence."""
    parts = [p for p in _SENT.split(text.lower()) if p.strip()]
    return [_WORD.findall(p) for p in parts] or [[]]


def form_features(text: str) -> np.ndarray:
    """The surface-syntax part of the feature vector (float32, length N_FORM)."""
    low = text.lower().strip()
    words = _WORD.findall(low)
    n = len(words)
    sents = clause_starts(low)
    last = _first_content(sents[-1]) if sents else []
    starts = [_first_content(s) for s in sents]
    wh = any(s and s[0] in WH for s in starts)
    aux = any(
        len(s) > 1 and s[0] in AUX and s[1] in {"you", "i", "we", "he", "she", "they", "it", "there", "that", "your"}
        for s in starts
    )
    tag_q = bool(
        re.search(r",\s*(isn't|aren't|don't|doesn't|didn't|won't|wasn't|right|yeah|is it|are you|do you)\s*\?\s*$", low)
    )
    f = [
        float(low.endswith("?")),
        float("?" in low),
        min(low.count("?"), 3) / 3.0,
        float(wh),
        float(aux),
        float(tag_q),
        float(bool(re.search(r"\b(tell|talk) me\b|\bhelp me understand\b", low))),
        float(bool(last) and last[0] in {"you", "you're", "you've", "you'd", "your"}),
        float(
            bool(
                re.search(r"\b(sounds like|it seems|seems like|you feel|you're feeling|what i'm hearing|so you)\b", low)
            )
        ),
        min(sum(w in {"you", "you're", "your", "you've", "you'd", "you'll", "yourself"} for w in words), 5) / 5.0,
        min(sum(w in {"i", "i'm", "i've", "i'd", "i'll", "me", "my", "myself"} for w in words), 5) / 5.0,
        min(sum(w in {"we", "we're", "we've", "us", "our", "let's"} for w in words), 5) / 5.0,
        float(bool(re.search(r"\b(need to|needs to|have to|has to|must|got to|should|shouldn't)\b", low))),
        float(bool(re.search(r"\b(worried|worry|concerned|concern)\b", low))),
        float(bool(re.search(r"\bscale\b|\b(1|one) to (10|ten)\b|\bout of (10|ten)\b", low))),
        float(bool(re.search(r"\d", low))),
        float(np.log1p(n) / 5.0),
        min(len(sents), 6) / 6.0,
        float(n <= 3),
        float(
            n <= 3
            and bool(words)
            and all(
                w
                in {
                    "mm",
                    "hmm",
                    "mhm",
                    "uh",
                    "huh",
                    "okay",
                    "ok",
                    "yeah",
                    "yes",
                    "right",
                    "sure",
                    "alright",
                    "oh",
                    "um",
                    "no",
                    "i",
                    "see",
                }
                for w in words
            )
        ),
        float(bool(re.search(r"\b(thank|thanks|hello|hi|welcome|nice to|bye|goodbye)\b", low))),
        float(bool(re.search(r"\b(great|good job|well done|impressive|brave|strength|proud|courage|admire)\b", low))),
        float(
            bool(
                re.search(
                    r"\b(is it okay|is it ok|would it be (okay|ok|alright)|may i|can i (share|tell|ask)|mind if)\b", low
                )
            )
        ),
        float(bool(re.search(r"\b(not|no|never|don't|can't|won't|isn't|didn't|n't)\b", low))),
        float(
            bool(
                re.search(
                    r"\b(want to|going to|gonna|i will|i'll|i could|i can|try|plan|quit|stop|cut down|change)\b", low
                )
            )
        ),
        float(bool(re.search(r"\bbut\b", low))),
        float(bool(words) and words[0] in {"no", "nah", "nope"}),
        float(bool(words) and words[0] in {"yes", "yeah", "yep", "sure"}),
    ]
    return np.asarray(f, dtype=np.float32)


def _stem(word: str) -> str:
    """Crude suffix stripping so that "drinking" echoes "drink" and "worries" echoes "worried" (regex-free, fast)."""
    for suffix in ("ing", "ied", "ies", "ed", "ly", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _ngrams(words: list[str], n: int) -> set[tuple[str, ...]]:
    return set(zip(*(words[i:] for i in range(n)), strict=False))


def echo_features(text: str, previous: str | None) -> np.ndarray:
    """How much of the previous utterance this one repeats (float32, length N_ECHO; zeros without a previous).

    Content-word overlap both ways, the longest run of words repeated verbatim, shared word pairs, relative length,
    and the person shift of a reflection (the previous speaker said "I", this one says "you").
    """
    if not previous or not previous.strip():
        return np.zeros(N_ECHO, dtype=np.float32)
    uw = _WORD.findall(text.lower())[:_ECHO_WORDS]
    pw = _WORD.findall(previous[-PREV_CHARS:].lower())[-_ECHO_WORDS:]
    uc = {_stem(w) for w in uw if w not in ECHO_STOP}
    pc = {_stem(w) for w in pw if w not in ECHO_STOP}
    shared = uc & pc
    run = 0
    for n in range(1, 9):
        if not _ngrams(uw, n) & _ngrams(pw, n):
            break
        run = n
    ub, pb = _ngrams(uw, 2), _ngrams(pw, 2)
    first = min(sum(w in _FIRST for w in pw), 5) / 5.0
    second = min(sum(w in _SECOND for w in uw), 5) / 5.0
    f = [
        len(shared) / max(len(uc), 1),
        len(shared) / max(len(pc), 1),
        min(len(shared), 6) / 6.0,
        len(shared) / max(len(uc | pc), 1),
        run / 8.0,
        len(ub & pb) / max(len(ub), 1),
        float(np.tanh(np.log((len(uw) + 1) / (len(pw) + 1)) / 2)),
        first * second,
        float(first > 0 and second > 0),
        float(bool(uc) and uc <= pc),
    ]
    return np.asarray(f, dtype=np.float32)


def build(
    emb_text: np.ndarray,
    emb_prev: np.ndarray,
    texts: list[str],
    has_prev: np.ndarray,
    prevs: list[str | None] | None = None,
) -> np.ndarray:
    """Feature matrix for rows of (utterance embedding, previous embedding, text, whether there was a previous,
    previous text). The first 2 * DIM + 2 columns keep their meaning (the tagger reads has_prev at 2 * DIM + 1)."""
    n = len(texts)
    prevs = prevs if prevs is not None else [None] * n
    prevs = [p[-PREV_CHARS:] if p and h > 0 else None for p, h in zip(prevs, has_prev, strict=True)]
    cos = np.sum(emb_text * emb_prev, axis=1, keepdims=True) * has_prev[:, None]
    forms = np.stack([form_features(t) for t in texts]) if n else np.zeros((0, N_FORM), np.float32)
    zero = np.zeros(N_FORM, dtype=np.float32)
    prev_forms = np.stack([form_features(p) if p else zero for p in prevs]) if n else np.zeros((0, N_FORM))
    echo = np.stack([echo_features(t, p) for t, p in zip(texts, prevs, strict=True)]) if n else np.zeros((0, N_ECHO))
    return np.hstack([emb_text, emb_prev * has_prev[:, None], cos, has_prev[:, None], forms, prev_forms, echo]).astype(
        np.float32
    )
