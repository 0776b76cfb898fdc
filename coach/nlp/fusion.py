"""Precision rules used when the tagger fuses its layers (coach.nlp.tagger `_fuse` and `_dedupe`).

Why: the phrasebank head and the nearest examples judge a sentence by its meaning only, and the AnnoMI heads were
trained on another kind of conversation. A few facts about form settle what meaning alone gets wrong:
- a sentence that ends with "?" is not a reflection, a worry, a bottom line, an explanation or an affirmation;
- a simple reflection says back what the person said, so it sits close to the previous utterance in embedding
  space, while a complex reflection adds meaning and moves away from it (labelled set: simple >= 0.71, complex
  mostly <= 0.70);
- a reflection that gathers three or more things in one statement is a summary;
- a scaling question that asks for a number is closed (TECHNIQUES.md / phrasebank README convention), one that asks
  what a step up would look like or take is open.
No heavy imports here: the module is plain Python so the rules can be read and tested on their own.
"""

from __future__ import annotations

import re

# Tags that are statements by definition: never reported on a sentence that ends with a question mark.
STATEMENT_ONLY = frozenset(
    (
        "giving_information",
        "statement_of_concern",
        "authority_transparency",
        "bottom_line",
        "explaining_process",
        "affirmation",
        "acknowledging_feelings",
        "emphasizing_autonomy",
        "simple_reflection",
        "complex_reflection",
    )
)
# Cosine between a reflection and the utterance it answers at or above which it is a simple reflection.
SIMPLE_REFLECTION_COS = 0.70
# A summary gathers several things: at least this many words and list separators.
SUMMARY_MIN_WORDS = 20
SUMMARY_MIN_SEPARATORS = 3
SUMMARY_OPENERS = ("so ", "so,", "right, so", "let me", "to sum up", "pulling", "over the last", "you've told me")
# Words of a scaling question that asks for a description (open) rather than a number (closed).
_SCALING_OPEN = re.compile(
    r"\b(why|would it take|look like|looks like|notice|helped|helps|happen|different|moved? up|go from|get from)\b"
)


def is_question_sentence(sentence: str) -> bool:
    """A sentence written as a question (ends with '?')."""
    return sentence.rstrip().rstrip("\"')").endswith("?")


def reflection_kind(cos_previous: float) -> str:
    """'simple' when the reflection stays close to what the person said, else 'complex'."""
    return "simple" if cos_previous >= SIMPLE_REFLECTION_COS else "complex"


def looks_like_summary(text: str) -> bool:
    """A long reflective statement that lists several things (commas, semicolons, 'and')."""
    low = text.lower().strip()
    words = low.split()
    if len(words) < SUMMARY_MIN_WORDS:
        return False
    separators = low.count(",") + low.count(";") + low.count(":") + len(re.findall(r"\band\b", low))
    return separators >= SUMMARY_MIN_SEPARATORS and (
        low.startswith(SUMMARY_OPENERS) or separators >= SUMMARY_MIN_SEPARATORS + 1
    )


def scaling_kind(sentence: str) -> str:
    """'open' for a scaling question that asks what a step would look like or take, else 'closed'."""
    return "open" if _SCALING_OPEN.search(sentence.lower()) else "closed"


# A sentence opening like this reflects what the person feels or means; it is not information, advice or blame.
_REFLECTIVE_FRAME = re.compile(
    r"^\W*(so,? )?(it sounds (like|as if|as though)|it seems (like|as if|as though)|you sound|"
    r"what i'm hearing|part of you|on the one hand|it matters to you|you feel like|you're feeling)\b"
)
# Tags that a reflective frame rules out (a reflection may still be found by the reflection path).
NOT_IN_REFLECTION = frozenset(
    (
        "giving_information",
        "explaining_process",
        "authority_transparency",
        "bottom_line",
        "persuasion",
        "confrontation",
    )
)
# Praise that a put-down would not contain (unless it is sarcasm, which "finally", "oh" or "I'm sure" mark).
_PRAISE = re.compile(r"\b(brave|courage|right thing|well done|proud of|strength|good call|credit)\b")
_SARCASM = re.compile(r"\b(finally|oh|i'm sure|bothering)\b")
# Preferred-future question: a hypothetical or a future point ...
_PF_WHEN = re.compile(
    r"\b(if|imagine|picture|suppose|say (i|we|you)|once|when (you're|you are|things are|it's|the plan)|"
    r"by the time|from now|next (year|spring|summer)|in (a|six|three|a few) (months?|years?)( time)?)\b"
)
# ... and what would be seen, be different or be happening then.
_PF_WHAT = re.compile(
    r"\b(notice|first sign|be different|have changed|look like|be doing|be happening|will .{1,30} know|"
    r"would .{1,30} know|want things to be|like things to be)\b"
)


def is_reflective_frame(sentence: str) -> bool:
    """'It sounds like...', 'Part of you...': the sentence reflects rather than informs, advises or blames."""
    return bool(_REFLECTIVE_FRAME.search(sentence.lower().replace("\u2019", "'")))


def is_praise(sentence: str) -> bool:
    """Praise words with no sign of sarcasm: such a sentence is not a confrontation."""
    low = sentence.lower().replace("\u2019", "'")
    return bool(_PRAISE.search(low)) and not _SARCASM.search(low)


def is_preferred_future(sentence: str) -> bool:
    """An open question about a hypothetical or future time and what would be noticed, different or happening."""
    low = sentence.lower().replace("\u2019", "'")
    if not is_question_sentence(low) or re.search(r"\blike (me|us) to\b", low):
        return False
    return bool(_PF_WHEN.search(low)) and bool(_PF_WHAT.search(low))
