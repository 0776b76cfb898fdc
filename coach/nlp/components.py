"""Custom spaCy components that mark technique spans and syntactic cues on a Doc.

Why: some techniques are recognised reliably by form (a question by aux inversion or a wh-word, "on a scale of 1 to
10", "I'm worried that...", "you need to..."), and the phrasebank carries hand-written token patterns. These
components put technique spans into `doc.spans["techniques"]` (label = TECHNIQUES.md id) and weaker cues into
`doc.spans["cues"]`; each span has `span._.score` and `span._.why` for the tagger's fusion and for mentors.
spaCy is imported here at module level, so import this module only inside functions (coach.nlp.tagger does).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, SpanGroup

if not Span.has_extension("why"):
    Span.set_extension("why", default="")
if not Span.has_extension("score"):
    Span.set_extension("score", default=0.0)

WH = {"what", "how", "why", "where", "when", "who", "which", "whose", "whom"}
OPEN_WH = {"what", "how", "why"}
SUBJ = {"you", "i", "we", "he", "she", "they", "it", "there", "that", "this", "your", "cai", "anyone", "anybody"}
FILLER = {"so", "and", "but", "okay", "ok", "well", "right", "now", "um", "uh", "then", "oh", "alright", ","}


def _span(doc: Doc, start: int, end: int, label: str, score: float, why: str) -> Span:
    span = Span(doc, start, end, label=label)
    span._.score = score
    span._.why = why
    return span


def _group(doc: Doc, key: str) -> SpanGroup:
    if key not in doc.spans:
        doc.spans[key] = []
    return doc.spans[key]


class PhrasebankPatterns:
    """Matcher over the phrasebank's token patterns; every match becomes a technique span."""

    def __init__(self, nlp: Language, name: str, phrasebank_dir: str = "") -> None:
        from pathlib import Path

        from coach.nlp.phrasebank import load_phrasebank

        self.matcher = Matcher(nlp.vocab)
        self.problems: list[str] = []
        entries, problems = load_phrasebank(Path(phrasebank_dir) if phrasebank_dir else None)
        self.problems.extend(problems)
        for tag, entry in entries.items():
            for i, pattern in enumerate(entry.patterns):
                try:
                    self.matcher.add(tag, [pattern])
                except Exception as exc:  # a bad pattern in one file must not stop the others
                    self.problems.append(f"{tag}.yaml pattern {i + 1}: {exc}")

    def __call__(self, doc: Doc) -> Doc:
        group = _group(doc, "techniques")
        for match_id, start, end in self.matcher(doc):
            tag = doc.vocab.strings[match_id]
            text = doc[start:end].text
            group.append(_span(doc, start, end, tag, 0.9, f"rule: phrasebank pattern '{text}'"))
        return doc


@Language.factory("coach_phrasebank_patterns", default_config={"phrasebank_dir": ""})
def make_phrasebank_patterns(nlp: Language, name: str, phrasebank_dir: str) -> PhrasebankPatterns:
    return PhrasebankPatterns(nlp, name, phrasebank_dir)


def question_form(sent: Span) -> tuple[str | None, str]:
    """('open'|'closed'|None, reason) for a sentence, from its form: wh-word, aux inversion, tag question, '?'."""
    words = [t for t in sent if not t.is_space]
    i = 0
    while i < len(words) and (words[i].lower_ in FILLER or words[i].is_punct):
        i += 1
    rest = words[i:]
    if not rest:
        return None, ""
    first = rest[0].lower_
    ends_q = sent.text.rstrip().endswith("?")
    second = rest[1].lower_ if len(rest) > 1 else ""
    # "When things got heated, what did you do?": the question is the last clause, after the comma or semicolon.
    cut = max((k for k, t in enumerate(rest) if t.text in {",", ";", ":"}), default=-1)
    if ends_q and 0 < cut < len(rest) - 2 and rest[cut + 1].lower_ in WH:
        w = rest[cut + 1]
        return ("open" if w.lower_ in OPEN_WH else "closed"), f"wh-word '{w.text}' in the last clause"
    wh_aux = len(rest) > 2 and rest[1].pos_ == "AUX" and rest[2].pos_ in {"PRON", "PROPN"}
    if first in WH and (ends_q or wh_aux):
        return ("open" if first in OPEN_WH else "closed"), f"wh-word '{rest[0].text}'"
    if first in {"tell", "talk", "describe"} and second in {"me", "us"}:
        return "open", f"request '{rest[0].text} {rest[1].text}'"
    if rest[0].pos_ == "AUX" or first in {
        "do",
        "does",
        "did",
        "is",
        "are",
        "was",
        "were",
        "have",
        "has",
        "can",
        "could",
        "would",
        "will",
        "should",
        "shall",
        "may",
        "might",
        "am",
    }:
        if second in SUBJ or (len(rest) > 1 and rest[1].pos_ in {"PRON", "PROPN", "DET"}):
            return "closed", f"aux inversion '{rest[0].text} {rest[1].text}'"
    low = sent.text.lower().rstrip()
    for tq in (", isn't it?", ", aren't you?", ", don't you?", ", doesn't it?", ", didn't you?", ", right?", ", yeah?"):
        if low.endswith(tq):
            return "closed", f"tag question '{tq.strip(', ')}'"
    if ends_q:
        return "closed", "question mark"
    return None, ""


class SyntaxCues:
    """Questions by form, second-person statements, modal obligation, first-person worry, scales and numbers."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.matcher = Matcher(nlp.vocab)
        self.matcher.add(
            "modal_obligation",
            [
                [{"LOWER": {"IN": ["need", "needs", "have", "has", "got"]}}, {"LOWER": "to"}],
                [{"LOWER": {"IN": ["must", "mustn't", "should", "shouldn't"]}}],
            ],
        )
        self.matcher.add(
            "worry",
            [
                [
                    {"LOWER": {"IN": ["i", "we"]}},
                    {
                        "LOWER": {"IN": ["'m", "am", "'re", "are", "was", "remain", "still", "really", "do", "feel"]},
                        "OP": "+",
                    },
                    {"LOWER": {"IN": ["worried", "concerned", "worry", "anxious"]}},
                ],
                [{"LOWER": "my"}, {"LOWER": {"IN": ["worry", "concern"]}}],
                [{"LOWER": "what"}, {"LOWER": "worries"}, {"LOWER": {"IN": ["me", "us"]}}],
            ],
        )
        self.matcher.add(
            "scale",
            [
                [{"LOWER": "on"}, {"LOWER": "a"}, {"LOWER": "scale"}],
                [
                    {"LOWER": {"IN": ["0", "1", "zero", "one", "nought"]}},
                    {"LOWER": {"IN": ["to", "and", "-"]}},
                    {"LOWER": {"IN": ["10", "ten"]}},
                ],
                [{"LOWER": "out"}, {"LOWER": "of"}, {"LOWER": {"IN": ["10", "ten"]}}],
            ],
        )
        self.matcher.add(
            "second_person",
            [
                [
                    {"LOWER": {"IN": ["it", "that"]}},
                    {"LOWER": {"IN": ["sounds", "seems", "feels", "looks"]}},
                    {"LOWER": {"IN": ["like", "as"]}},
                ],
                [{"LOWER": "what"}, {"LOWER": "i"}, {"LOWER": {"IN": ["'m", "am"]}}, {"LOWER": "hearing"}],
            ],
        )

    def __call__(self, doc: Doc) -> Doc:
        cues = _group(doc, "cues")
        for sent in doc.sents:
            form, why = question_form(sent)
            if form:
                cues.append(
                    _span(
                        doc,
                        sent.start,
                        sent.end,
                        f"question_{form}",
                        0.8 if "?" in sent.text else 0.6,
                        f"rule: question form, {why}",
                    )
                )
            words = [t for t in sent if not (t.is_punct or t.is_space or t.lower_ in FILLER)]
            if not form and words and words[0].lower_ in {"you", "your"}:
                cues.append(
                    _span(
                        doc,
                        sent.start,
                        sent.end,
                        "second_person",
                        0.5,
                        "rule: second-person statement '" + " ".join(w.text for w in words[:2]) + "'",
                    )
                )
        for match_id, start, end in self.matcher(doc):
            label = doc.vocab.strings[match_id]
            cues.append(_span(doc, start, end, label, 0.7, f"rule: {label.replace('_', ' ')} '{doc[start:end].text}'"))
        return doc


@Language.factory("coach_syntax_cues")
def make_syntax_cues(nlp: Language, name: str) -> SyntaxCues:
    return SyntaxCues(nlp, name)
