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
    # rhetorical put-downs, sarcasm, disbelief, labels, scares and guilt trips (own sentences, not from the sets)
    ("How could you let the baby go to bed without any tea?", "confrontation"),
    ("Oh yes, I'm sure the dog ate the school letter.", "confrontation"),
    ("I don't believe you, Kerry.", "confrontation"),
    ("You're a liar and everyone on this street knows it.", "confrontation"),
    ("Mark my words, you will end up in prison like your brother.", "confrontation"),
    ("Do you know how much you are hurting your nan?", "confrontation"),
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
    "What kind of dad do you want to be for Osian?",
    "Do you know how much you get from the council each month?",
    "I'm worried that if this carries on, you'll end up in hospital.",
    "Your baby is in danger when there's nobody sober in the flat.",
    "It sounds like you're fed up of being told what to do.",
    "Going to the police yourself was brave, and the right thing to do.",
]

PUSHBACK = [
    "Who do you think you are, walking in here with your clipboard?",
    "Speak to my solicitor, I'm done with you.",
    "I'm not signing your stupid plan.",
    "You didn't even bother to read what the school said.",
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


@pytest.mark.parametrize("text", PUSHBACK)
def test_family_pushback_at_the_worker_is_discord(tagger: Tagger, text: str) -> None:
    res = tagger.tag(text, speaker="family")
    assert "discord" in {h.tag for h in res.techniques}, (text, [(h.tag, h.why) for h in res.techniques])


def test_pushback_words_from_a_worker_or_an_apology_are_not_discord(tagger: Tagger) -> None:
    apology = tagger.tag("Sorry, I know you're not out to get me.", "family").techniques
    assert not [h.why for h in apology if h.why.startswith("rule: pushback")]  # the rule; the head judges apart
    assert "discord" not in {h.tag for h in tagger.tag("You can bring your solicitor to the conference.").techniques}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("How old is Efa now?", "closed_question"),
        ("How many nights a week does Kyle stay?", "closed_question"),
        ("Who do you think would be good to have at the meeting?", "open_question"),
        ("You've tried a lot of things already, and which one helped the most?", "closed_question"),
    ],
)
def test_question_kind_by_form(tagger: Tagger, text: str, kind: str) -> None:
    tags = {h.tag for h in tagger.tag(text).techniques}
    assert kind in tags, (text, tags)


def test_a_rule_over_the_same_words_keeps_its_own_why(tagger: Tagger) -> None:
    # spaCy keys span attributes by offsets only: the question cue and the judgement over one sentence must not
    # share one 'why' (a mentor would read the blame rule as the reason for the question tag)
    doc = tagger._parse(["What sort of mother leaves a toddler in the bath?"])[0]
    whys = {s.label_: s._.why for group in ("cues", "judgements") for s in doc.spans.get(group, [])}
    assert whys["question_open"].startswith("rule: question form"), whys
    assert "rhetorical" in whys["confrontation"], whys


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


def test_reflective_frame_is_not_read_as_an_explanation(tagger: Tagger) -> None:
    text = "It sounds like nobody has told you what this meeting is about, and that has you on edge."
    res = tagger.tag(text, previous="Why am I even here? Nobody tells me anything.")
    assert not {h.tag for h in res.techniques} & {"explaining_process", "giving_information", "confrontation"}
    assert res.behaviour == "reflection"


def test_fusion_rules_on_their_own() -> None:
    from coach.nlp import fusion

    assert fusion.is_question_sentence("Where would you put the mornings now?")
    assert not fusion.is_question_sentence("You'd put the mornings at a four.")
    assert fusion.reflection_kind("You're tired.", "I'm tired.", 0.9)[0] == "simple"
    assert fusion.looks_like_summary(
        "So, since the review, the rent is paid, Osian has been in school every day, the cot has come, and the one "
        "thing still hanging over you is the heating bill."
    )
    assert not fusion.looks_like_summary("You've been in school every day, and that's new.")
    assert fusion.scaling_kind("On a scale of one to ten, where are the evenings?") == "closed"
    assert fusion.scaling_kind("What would a seven look like on a Monday morning?") == "open"
    assert fusion.is_preferred_future("If the worries went away overnight, what would Efa notice first?")
    assert not fusion.is_preferred_future("What would you do if he turned up tonight?")
    assert fusion.is_reflective_frame("Part of you wants him home, and part of you is relieved.")
    assert fusion.is_praise("Ringing us that night took real courage.")
    assert not fusion.is_praise("Oh, well done for finally turning up.")


# Precision round 2 (own sentences, not from the three labelled sets or the phrasebank).
FAMILY_NEUTRAL = [
    "I'm doing the big shop on Thursday after work.",
    "My brother's bringing his new girlfriend round later.",
    "We're going to the caravan for the bank holiday.",
    "I'll get the kettle on in a minute.",
]


@pytest.mark.parametrize("text", FAMILY_NEUTRAL)
def test_family_plans_and_small_talk_are_not_change_talk(tagger: Tagger, text: str) -> None:
    tags = {h.tag for h in tagger.tag(text, "family").techniques}
    assert not tags & {"change_talk", "sustain_talk"}, (text, tags)


@pytest.mark.parametrize(
    ("text", "talk"),
    [
        ("I'm not going to stop his nan having them on Sundays, she's family.", "sustain"),
        ("I'm going to phone the alcohol team on Monday and get some help.", "change"),
        ("A bit of shouting never hurt anyone, kids need to know who's boss.", "sustain"),
    ],
)
def test_family_stance_decides_change_or_sustain(tagger: Tagger, text: str, talk: str) -> None:
    res = tagger.tag(text, "family")
    tags = {h.tag for h in res.techniques}
    assert f"{talk}_talk" in tags and res.talk == talk, (text, tags, res.talk)
    other = "sustain" if talk == "change" else "change"
    assert f"{other}_talk" not in tags


@pytest.mark.parametrize(
    "text",
    [
        "Could you hand me the letter from the school?",
        "Can you switch the radio off while we talk?",
        "Out of ten, that was the best brew I've had all week!",
        "On a scale of one to ten, this weather is a minus two.",
    ],
)
def test_requests_and_banter_are_no_technique(tagger: Tagger, text: str) -> None:
    tags = {h.tag for h in tagger.tag(text, "practitioner").techniques}
    assert not tags & {"seeking_collaboration", "scaling_question", "persuasion"}, (text, tags)


def test_a_scale_in_a_question_is_still_scaling(tagger: Tagger) -> None:
    tags = {h.tag for h in tagger.tag("Out of ten, how settled do the kids seem this week?").techniques}
    assert "scaling_question" in tags


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("What kind of dad lets his kids watch that sort of film?", "confrontation"),
        ("Why don't you get the boys into bed before you start on the washing up?", "persuasion"),
    ],
)
def test_put_downs_and_advice_worded_as_questions(tagger: Tagger, text: str, tag: str) -> None:
    tags = {h.tag for h in tagger.tag(text, "practitioner").techniques}
    assert tag in tags, (text, tags)
    if tag == "confrontation":
        assert not tags & {"child_focus", "scaling_question", "open_question", "closed_question"}, tags


def test_why_dont_you_tell_me_is_an_invitation_not_advice(tagger: Tagger) -> None:
    tags = {h.tag for h in tagger.tag("Why don't you tell me about the weekend?").techniques}
    assert "persuasion" not in tags


def test_family_rules_on_their_own() -> None:
    from coach.nlp import fusion

    assert fusion.refuses_change("I'm not giving up the weed, it keeps me level.")
    assert not fusion.refuses_change("I can't stop thinking about what she saw.")
    assert fusion.change_stance("I want to stop drinking before the kids get home.")
    assert not fusion.change_stance("I want to get a new telly for the front room.")
    assert fusion.is_request("Could you pass me the form, please?")
    assert not fusion.is_request("Could you tell me more about that night?")
    assert fusion.is_check_question("and have I missed anything?")
    assert fusion.is_conditional_consequence("If it happens again, we'd have to go to court.")
    assert not fusion.is_rating_question("Ten out of ten for effort, love.")


# Precision round 3 (own sentences, not from the labelled or held-out sets or the phrasebank).
def test_round3_rules_on_their_own() -> None:
    from coach.nlp import fusion

    assert fusion.scaling_kind("You said a two; what would show you it had crept up to a three?") == "open"
    assert fusion.scaling_kind("Out of ten, what number would you give the mornings?") == "closed"
    assert fusion.is_autonomy_statement("Whether you ring the clinic is your choice.")
    assert not fusion.is_autonomy_statement("It's your choice, but you should really ring the clinic.")
    assert fusion.is_practical_permission("Is it okay if I leave my bag by the door?")
    assert not fusion.is_practical_permission("Is it okay if I tell you what the nursery said?")
    assert fusion.is_authority_statement("Part of my job is to check the children are safe, wherever I go.")
    assert not fusion.is_authority_statement("The clinic opens at nine on a Tuesday.")
    assert fusion.takes_child_side("Let's look at Saturday through Ffion's eyes.")
    assert not fusion.takes_child_side("What's it like for you since the move?")
    assert fusion.argues_status_quo("I tried the group last year and it didn't work for me.")
    assert fusion.change_stance("I could get my brother to take them Thursdays, that would help.")


CHILD_VOICE = [
    ("What do you reckon Ffion would tell me about bedtimes?", True),
    ("How do you think the twins felt when the door went?", True),
    ("Can you tell me what Ffion eats in a day?", False),
    ("What's teatime like when it's just you and Ffion?", False),
]


@pytest.mark.parametrize(("text", "voiced"), CHILD_VOICE)
def test_child_focus_needs_the_childs_own_view(tagger: Tagger, text: str, voiced: bool) -> None:
    from coach.nlp import components

    doc = tagger._parse([text])[0]
    assert any(components.child_voice(s) for s in doc.sents) is voiced
    if not voiced:
        assert "child_focus" not in {h.tag for h in tagger.tag(text).techniques}


PUT_DOWNS_R3 = [
    "Do you seriously think the baby's fine in that nappy all day?",
    "Who in their right mind leaves a toddler by an open window?",
    "Oh yeah, because ignoring the school has gone so well.",
]


@pytest.mark.parametrize("text", PUT_DOWNS_R3)
def test_disbelief_and_mock_agreement_are_confrontation(tagger: Tagger, text: str) -> None:
    tags = {h.tag for h in tagger.tag(text).techniques}
    assert "confrontation" in tags and "affirmation" not in tags, tags


def test_autonomy_is_not_advice_and_practical_permission_is_not_collaboration(tagger: Tagger) -> None:
    assert "persuasion" not in {
        h.tag for h in tagger.tag("Whether you go to the family group is your decision.").techniques
    }
    assert "seeking_collaboration" not in {
        h.tag for h in tagger.tag("Is it alright if I leave my shoes on?").techniques
    }
