"""Advice and blame rules (persuasion, confrontation) with the real tagger, and the shared spaCy pipeline.

The rules in coach.nlp.components must catch unsolicited advice and put-downs, yet leave worries, bottom lines,
explanations of process, reflections and affirmations alone (a wrong "confrontation" costs most trust).
"""

from __future__ import annotations

import pytest

from coach.nlp.tagger import Tagger

ADVICE_AND_BLAME = [
    ("Your house is filthy and the children deserve better.", "confrontation"),
    ("Honestly, this is not good enough.", "confrontation"),
    ("If you carry on like this you will lose him, you are being selfish.", "confrontation"),
    ("You always say that and nothing ever happens.", "confrontation"),
    ("Carry on like this and you'll lose the kids.", "confrontation"),
    ("You need to throw out all the rubbish today.", "persuasion"),
    ("You should feed them properly.", "persuasion"),
    ("You really need to get the boys to bed by eight.", "persuasion"),
    ("Why not try the food bank on Thursday?", "persuasion"),
]

NOT_JUDGEMENTS = [
    "You need to know that I have to share this with the conference.",
    "Cai cannot be left alone with anyone who has been drinking, that is not negotiable.",
    "I'm worried that Cai was found in the street at night.",
    "You don't need to decide anything today.",
    "It sounds like you feel people think you're a lazy mum.",
    "You're not selfish for wanting an evening to yourself.",
    "You've never missed a contact visit, and that matters to Mali.",
    "If you want, you could ring the health visitor about the feeds.",
    "What would need to happen for you to feel the house is good enough?",
    "You mentioned that you need to finish the forms before the review.",
    "You're hopeless about the housing list moving at all.",
    "Your mum's thinking you were a bit irresponsible that night.",
]


@pytest.mark.parametrize(("text", "tag"), ADVICE_AND_BLAME)
def test_advice_and_blame_are_tagged(tagger: Tagger, text: str, tag: str) -> None:
    res = tagger.tag(text)
    hits = {h.tag: h for h in res.techniques}
    assert tag in hits, (text, [(h.tag, h.why) for h in res.techniques])
    assert res.behaviour == "input"
    other = "persuasion" if tag == "confrontation" else "confrontation"
    assert other not in hits, (text, hits[other].why)


@pytest.mark.parametrize("text", NOT_JUDGEMENTS)
def test_no_judgement_on_calm_statements(tagger: Tagger, text: str) -> None:
    res = tagger.tag(text)
    wrong = [(h.tag, h.why) for h in res.techniques if h.tag in ("persuasion", "confrontation")]
    assert not wrong, (text, wrong)


def test_family_speech_never_gets_practitioner_judgements(tagger: Tagger) -> None:
    res = tagger.tag("Rhys is lazy, you should see the state of his room.", speaker="family")
    assert not {h.tag for h in res.techniques} & {"persuasion", "confrontation"}


def test_shared_base_pipeline_is_not_copied_or_changed(tagger: Tagger) -> None:
    from coach.nlp.models import load_spacy_base

    base = load_spacy_base()
    assert tagger.nlp is base  # one pipeline in memory, not a deep copy
    names, disabled = list(base.pipe_names), list(base.disabled)
    assert not any(n.startswith("coach_") for n in names)
    tagger.tag("You should feed them properly. Then we can talk about school.")
    assert list(base.pipe_names) == names and list(base.disabled) == disabled
    doc = base("Nia lives in Cardiff. She is six.")  # the linker's view: sentences and entities as before
    assert [s.text for s in doc.sents] == ["Nia lives in Cardiff.", "She is six."]
    assert "judgements" not in doc.spans and "techniques" not in doc.spans
