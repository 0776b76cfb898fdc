"""Precision round 7 (issue 3): causes of the wrong tags found on techniques_heldout6.yaml (and the other tuning
sets), fixed by rules that generalise, then recall where a rule can be precise. A request worded with a gerund
("Would you mind closing...?") is a request; "What's <name>'s date of birth / postcode?" asks one fact (closed);
"Do you actually care...?" and "..., and you're telling me...?" are put-downs, not questions; several things gathered
and then checked ("Have I got that right?") are a summary; a step up the scale set up and then asked about is a
scaling question, not a preferred future; a feeling word the person used themselves ("miss" after "I missed") adds no
feeling. Recall: pushback at the worker ("you lot", "you people", "you've never even...", "see yourself out",
"couldn't care less", "your little notebook"); commitment or a step taken as change talk; "non-negotiable", "I won't
budge on that", "no exceptions" as a bottom line; exception questions by form; moralising "a proper mum would",
disbelief "pull the other one", sarcasm "oh yes, ... is really going to help"; a body of the process doing the next
step ("The panel will read the report and decide...") explains the process; best hopes are not collaboration; an
imperative request ("Pass me the red book") is other; "what did you do on the mornings...?" asks for an exception;
"we don't need a social worker" and "I'll keep ... whatever you say" are sustain talk. Own sentences, not taken from the
labelled or held-out sets or the phrasebank; each real-tagger case was tagged wrongly before this round (main
54ed3a2)."""

from __future__ import annotations

from coach.nlp import fusion
from coach.nlp.tagger import Tagger


def tag(tagger: Tagger, text: str, previous: str | None = None, speaker: str = "practitioner") -> tuple[set, str]:
    r = tagger.tag(text, speaker=speaker, previous=previous)  # type: ignore[arg-type]
    return {h.tag for h in r.techniques}, (r.behaviour or r.talk or "")


def test_round7_rules_on_their_own() -> None:
    assert fusion.is_request("Would you mind closing the curtains?")
    assert not fusion.is_request("Would you mind telling me what happened?")
    # the person's own word said back adds no feeling ("miss" after "I missed"); a new one still does
    assert fusion.complex_mark("So the bus made you miss it.", "I missed the bus twice this week.") is None
    assert fusion.complex_mark("You miss him.", "He moved out last week.") is not None
    done = (
        "So the boiler's fixed, Leo's sleeping in his own bed now, and you still want some help with the nursery forms."
    )
    assert fusion.summary_before_check(done + " Have I got that right?")
    assert not fusion.summary_before_check("So you want him home. Is that right?")
    assert fusion.states_bottom_line("Kian sleeps in his cot, not your bed, and I won't budge on that.")
    assert not fusion.states_bottom_line("Is that non-negotiable, do you think?")
    assert fusion.asks_exception("Was there a weekend recently when the kids really enjoyed being at home?")
    assert not fusion.asks_exception("Was there a time when he hit you in front of the kids?")
    assert fusion.commits_to_change("I've blocked his dealer's number and binned the pipe.")
    assert not fusion.commits_to_change("I've booked a caravan in Tenby for half term.")
    assert not fusion.commits_to_change("I'm not going to stop seeing him, I promise you that.")


def test_short_facts_about_a_named_child_are_closed(tagger: Tagger) -> None:
    for text in ("What's Corey's date of birth?", "What is Ayla's postcode at her dad's?"):
        said, _ = tag(tagger, text)
        assert "closed_question" in said and "open_question" not in said, text


def test_put_downs_worded_as_questions(tagger: Tagger) -> None:
    for text in (
        "Do you actually care whether Mali gets to nursery?",
        "That's the fourth time the school's rung, and you're telling me he's been ill?",
    ):
        said, behaviour = tag(tagger, text)
        assert "confrontation" in said and not said & {"open_question", "closed_question"}, text
        assert behaviour == "input", text


def test_summary_closed_by_a_check_is_a_reflection(tagger: Tagger) -> None:
    text = (
        "So the washing machine's fixed, Leo's sleeping in his own bed now, and you still want help with the "
        "nursery forms. Have I got that right?"
    )
    said, behaviour = tag(tagger, text, previous="That's everything, really.")
    assert "summary" in said and "closed_question" not in said
    assert behaviour == "reflection"


def test_step_up_the_scale_set_up_is_scaling(tagger: Tagger) -> None:
    said, _ = tag(tagger, "Say your score went up a point by Christmas. What would your mum notice?")
    assert "scaling_question" in said and "preferred_future_question" not in said


def test_own_word_said_back_is_simple(tagger: Tagger) -> None:
    said, _ = tag(tagger, "So the bus made you miss it.", previous="I missed the bus twice this week so we were late.")
    assert said == {"simple_reflection"}


def test_pushback_at_the_worker(tagger: Tagger) -> None:
    for text in (
        "You've never even been to the school, so don't tell me what they think.",
        "You lot turn up once a month and think you know everything.",
        "Go on, you can see yourself out.",
        "Scribble what you want on your clipboard, I couldn't care less.",
    ):
        said, _ = tag(tagger, text, speaker="family")
        assert "discord" in said, text
    assert "discord" not in tag(tagger, "Do you lot want a brew before you start?", speaker="family")[0]


def test_exception_questions_by_form(tagger: Tagger) -> None:
    for text in (
        "Was there a weekend recently when the kids really enjoyed being at home?",
        "What was going right back when you were working?",
    ):
        assert "exception_question" in tag(tagger, text)[0], text


def test_bottom_lines_by_their_words(tagger: Tagger) -> None:
    for text in (
        "Kian sleeps in his cot, not your bed, and I won't budge on that.",
        "The baby is never left alone with Dean, no exceptions.",
    ):
        said, behaviour = tag(tagger, text)
        assert "bottom_line" in said and behaviour == "input", text


def test_steps_taken_are_change_talk(tagger: Tagger) -> None:
    said, talk = tag(tagger, "I've blocked his dealer's number and binned the pipe.", speaker="family")
    assert "change_talk" in said and talk == "change"
    assert "change_talk" not in tag(tagger, "I've booked a caravan in Tenby for half term.", speaker="family")[0]


def test_moralising_disbelief_and_sarcasm(tagger: Tagger) -> None:
    for text in (
        "A proper mum would have noticed the bruises.",
        "Oh yes, shouting at him is really going to help.",
        "Pull the other one, nobody gets a nosebleed from a door.",
    ):
        assert "confrontation" in tag(tagger, text)[0], text


def test_a_body_of_the_process_doing_the_next_step_explains_it() -> None:
    assert fusion.body_tells_next_step("The panel will read my report and decide whether the order carries on.")
    assert not fusion.body_tells_next_step("If nothing changes, the court will decide where the children live.")
    assert not fusion.body_tells_next_step("The court will have to look at taking the children into care.")


def test_best_hopes_are_not_collaboration(tagger: Tagger) -> None:
    said, _ = tag(tagger, "What are your best hopes from us working on this together?")
    assert "preferred_future_question" in said and "seeking_collaboration" not in said


def test_imperative_requests_are_other(tagger: Tagger) -> None:
    for text in ("Pass me the baby's red book, would you.", "Hold the lead for a sec."):
        said, behaviour = tag(tagger, text)
        assert not said and behaviour == "other", text


def test_what_helped_on_the_good_days(tagger: Tagger) -> None:
    said, _ = tag(tagger, "What did you do on the mornings Josh got to school on time?")
    assert "exception_question" in said and "open_question" in said


def test_no_need_of_the_service_and_carrying_on_regardless_are_sustain_talk(tagger: Tagger) -> None:
    for text in (
        "We don't need a social worker, we look after our own.",
        "I'll keep having a drink on a Friday whatever you say.",
    ):
        said, talk = tag(tagger, text, speaker="family")
        assert "sustain_talk" in said and "change_talk" not in said and talk == "sustain", text
    assert tag(tagger, "I don't need a lift, my sister's coming.", speaker="family") == (set(), "neutral")
