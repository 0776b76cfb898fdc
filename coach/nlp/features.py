"""Features shared by training (coach.nlp.train) and inference (coach.nlp.classifier).

Why a module of its own: the trained weights are only valid if inference builds exactly the same feature vector
as training did, so both import this one function. A feature vector is
[MiniLM(utterance), MiniLM(previous utterance), cosine(utterance, previous), form features], where the form features
are cheap surface-syntax cues (question form by aux inversion or wh-word, "?", second person, modal obligation,
first-person worry, scales, length) computed with regular expressions, fast enough for 400+ utterances a second.
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


def build(emb_text: np.ndarray, emb_prev: np.ndarray, texts: list[str], has_prev: np.ndarray) -> np.ndarray:
    """Feature matrix for rows of (utterance embedding, previous embedding, text, whether there was a previous)."""
    cos = np.sum(emb_text * emb_prev, axis=1, keepdims=True) * has_prev[:, None]
    forms = np.stack([form_features(t) for t in texts]) if texts else np.zeros((0, N_FORM), np.float32)
    return np.hstack([emb_text, emb_prev * has_prev[:, None], cos, has_prev[:, None], forms]).astype(np.float32)
