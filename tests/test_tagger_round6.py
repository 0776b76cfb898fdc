"""Precision round 6 (issue 3): causes of the wrong tags found on techniques_heldout5.yaml (and the other tuning
sets), fixed by rules that generalise: a short fact asked with "what time/year/age" is closed whatever verb follows;
a threat needs a loss ("Keep this up and ... court/care/never"); blame guessed from meaning alone is dropped in a
question asking one fact and in words that credit the person's knowledge; the limits of the worker's say are
authority, steps told in order are process; a hypothetical set up then asked about is a preferred-future question;
"You look shattered" with nothing said before validates; a dislike said back is a simple reflection; a refusal of a
course is sustain talk. Own sentences, not taken from the labelled or held-out sets or the phrasebank; each
real-tagger case was tagged wrongly before this round (main 21cd02a). Meaning-only layers are gated by form: a
confrontation needs a word of blame, authority a word of the worker's authority, process a step of the process (each
gate keeps every phrasebank example of its tag)."""

from __future__ import annotations

from coach.nlp import fusion
from coach.nlp.tagger import Tagger


def tags(tagger: Tagger, text: str, previous: str | None = None, speaker: str = "practitioner") -> set[str]:
    return {h.tag for h in tagger.tag(text, speaker=speaker, previous=previous).techniques}  # type: ignore[arg-type]


def test_round6_rules_on_their_own() -> None:
    assert fusion.recognises_expertise("Nobody knows Lacey better than you do.")
    assert fusion.recognises_expertise("You know Jayden better than any of us.")
    assert not fusion.recognises_expertise("You know full well the school rang you twice.")
    assert fusion.is_hypothetical_setup("Imagine it's a year from now and the social workers have gone.")
    assert fusion.is_hypothetical_setup("Say the tenancy comes through in the spring.")
    assert not fusion.is_hypothetical_setup("Say what you like, the plan still stands?")
    assert not fusion.is_hypothetical_setup("The review is in March.")
    assert fusion.tells_sequence("Once I've typed up my notes, my team leader checks them, then you get a copy.")
    assert not fusion.tells_sequence("Once the police have finished, I have to share what they found with the court.")
    assert fusion.names_seen_feeling("You look shattered.")
    assert not fusion.names_seen_feeling("You look like you've had your hair cut.")
    assert fusion.is_authority_statement("I'm not the one who decides whether Freddie stays on the plan.")
    assert fusion.is_practical_permission("Am I okay to leave my bag by the door?")
    assert not fusion.is_practical_permission("Am I okay to tell you what the school said?")
    assert fusion.refuses_change("I can't do the parenting group, I've got nobody to have the baby.") is False
    assert fusion.argues_status_quo("I can't do the parenting group, I've got nobody to have the baby.")
    assert not fusion.argues_status_quo("I can't do the group on Tuesdays but I've asked about Thursdays.")
    # a dislike said back adds nothing; named for the first time it is no added feeling either
    assert (
        fusion.reflection_kind("You'd rather she didn't come to the house.", "I don't want her coming here.", 0.9)[0]
        == "simple"
    )
    assert fusion.complex_mark("You'd rather keep it in the family.", "My sister can help.") is None
    assert fusion.looks_like_summary(
        "So there's the baby not sleeping, the money worries, and now the landlord on your back."
    )


def test_a_time_or_an_age_asked_with_what_is_closed(tagger: Tagger) -> None:
    for text in ("What time did the twins go to bed last night?", "What age did Jade start at the childminder's?"):
        said = tags(tagger, text)
        assert "closed_question" in said and "open_question" not in said, text
    assert "open_question" in tags(tagger, "What time of day is hardest with the twins?")


def test_a_threat_needs_a_loss(tagger: Tagger) -> None:
    for text in (
        "Carry on like this and the children will end up in care.",
        "Keep this up and the judge will decide where Mia lives.",
    ):
        said = tags(tagger, text)
        assert "confrontation" in said and not said & {"bottom_line", "authority_transparency"}, text
    assert "confrontation" not in tags(tagger, "Keep this up and you'll have Leo home by the summer.")


def test_the_limits_of_the_workers_say_are_authority(tagger: Tagger) -> None:
    said = tags(tagger, "I'm not the one who decides whether Freddie stays on the plan; the review conference does.")
    assert "authority_transparency" in said and "explaining_process" not in said


def test_a_hypothetical_set_up_then_asked_about(tagger: Tagger) -> None:
    said = tags(tagger, "Picture the day the plan ends. How are the kids getting on?")
    assert {"open_question", "preferred_future_question"} <= said


def test_a_feeling_seen_with_nothing_said_before_is_acknowledged(tagger: Tagger) -> None:
    said = tags(tagger, "You sound really fed up with all the appointments.")
    assert "acknowledging_feelings" in said and not said & {"simple_reflection", "complex_reflection"}
    assert "acknowledging_feelings" in tags(tagger, "You look shattered. Shall we take a few minutes before we start?")
    # after something was said, the same words reflect it
    said = tags(tagger, "You sound really fed up with all the appointments.", previous="It's one thing after another.")
    assert "acknowledging_feelings" not in said


def test_a_dislike_said_back_is_a_simple_reflection(tagger: Tagger) -> None:
    cases = (
        ("You're not keen on the weekends at his dad's.", "I don't like him going to his dad's, he lets them stay up."),
        ("You'd rather she didn't come to the house.", "I don't want the health visitor coming here."),
    )
    for text, previous in cases:
        said = tags(tagger, text, previous)
        assert "simple_reflection" in said and "complex_reflection" not in said, text


def test_refusing_a_course_is_sustain_talk(tagger: Tagger) -> None:
    text = "I can't do the parenting group, I've got nobody to have the baby, and I don't need it anyway."
    said = tags(tagger, text, speaker="family")
    assert "sustain_talk" in said and "change_talk" not in said
    assert "change_talk" in tags(tagger, "I'm going to do the course, I've already rung them.", speaker="family")


def test_advice_worded_why_not_just(tagger: Tagger) -> None:
    said = tags(tagger, "Why not just ask your sister to do the school run?")
    assert "persuasion" in said and "open_question" not in said


def test_meaning_only_gates_on_their_own() -> None:
    # blame guessed from meaning alone needs a word put-downs are made of
    assert fusion.has_blame_mark("It's always someone else's fault with you.")
    assert fusion.has_blame_mark("If you really cared, you'd have been up in time.")
    assert not fusion.has_blame_mark("Nobody knows those boys like you do.")
    assert not fusion.has_blame_mark("What shoe size is Ellis now?")
    # authority from meaning alone needs something of the worker's authority in it
    assert fusion.names_authority("Whatever you tell me about the girls' safety, I'll have to pass on.")
    assert not fusion.names_authority("It's a pleasure to see you again, and I hope the physio keeps going well.")
    # explaining the process names a step of it
    assert fusion.names_process("The review is three months after the conference.")
    assert not fusion.names_process("The form has twelve boxes, it won't take long.")


def test_credit_and_real_questions_are_not_put_downs(tagger: Tagger) -> None:
    assert "confrontation" not in tags(tagger, "Nobody knows those boys like you do.")
    said = tags(tagger, "How could you make the mornings easier for Mia?")
    assert "open_question" in said and "confrontation" not in said
    assert "confrontation" in tags(tagger, "How could you leave her alone all night?")


def test_a_greeting_is_not_an_affirmation(tagger: Tagger) -> None:
    assert "affirmation" not in tags(tagger, "It's lovely to see you again, and I hope the new job's going well.")
    assert "affirmation" in tags(tagger, "You kept your voice down when Alfie kicked off, and that was great to see.")


def test_a_fact_asked_with_what_and_a_noun_is_closed(tagger: Tagger) -> None:
    said = tags(tagger, "What shoe size is Ellis now?")
    assert "closed_question" in said and "open_question" not in said


def test_summary_collaboration_and_future_rules_on_their_own() -> None:
    # both sides of one thing is a complex reflection, not a summary of several things
    assert fusion.is_two_sided("The weed helps you switch off, and at the same time you can see what it's costing you.")
    assert not fusion.is_two_sided("So there's the rent, the school run, the dog, and at the same time your mum.")
    # a polite invitation to tell is an open question, not a request for the person's ideas
    assert fusion.asks_to_tell("Could you describe what a good bath time with Theo looks like?")
    assert not fusion.asks_to_tell("Could you tell me what you think would help with bath time?")
    assert fusion.is_preferred_future("What are your best hopes for the review next month?")


def test_best_hopes_is_a_preferred_future_question(tagger: Tagger) -> None:
    assert "preferred_future_question" in tags(tagger, "What are your best hopes for the review next month?")


def test_blame_by_hindsight_keeps_its_mark() -> None:
    # the blame gate must keep "you should have..." (the rehearsal's confrontational scripts rely on it)
    assert fusion.has_blame_mark("You should have rung the police the minute he turned up.")
