"""Precision round 5 (issue 3): causes of the wrong tags found on techniques_heldout4.yaml, fixed by rules that
generalise (acknowledgements by their frame, exception questions need an exception, a question's kind by its form,
practical requests and places, the choice handed to the person). Own sentences, not taken from the labelled or
held-out sets or the phrasebank; each real-tagger case was tagged wrongly before this round."""

from __future__ import annotations

from coach.nlp import fusion
from coach.nlp.tagger import Tagger


def tags(tagger: Tagger, text: str, previous: str | None = None) -> set[str]:
    return {h.tag for h in tagger.tag(text, previous=previous).techniques}


def test_round5_rules_on_their_own() -> None:
    assert fusion.acknowledges_feeling("I can hear how fed up you are with all of us.")
    assert fusion.acknowledges_feeling("I can tell this is really hard to talk about.")
    assert fusion.acknowledges_feeling("Sitting through a conference about your own children must be exhausting.")
    assert fusion.acknowledges_feeling("It's hard having strangers ask about your family.")
    assert not fusion.acknowledges_feeling("I can see that Ellis has missed school and I'm worried.")
    assert not fusion.acknowledges_feeling("The baby must be seen by the GP this week.")
    assert not fusion.acknowledges_feeling("It's hard, but if the drinking carries on we'll go back to conference.")
    assert fusion.marks_exception("Tell me about a Sunday when the kids didn't fight.")
    assert fusion.marks_exception("What helped on the nights Ivy slept?")
    assert not fusion.marks_exception("What happens on the weekends when your dad can't take the girls?")
    assert not fusion.marks_exception("What's it been like since you moved into the new flat?")
    assert not fusion.is_authority_statement("Stopping the cannabis is your decision, not mine.")
    assert fusion.is_authority_statement("Whether the case closes is not my decision alone.")
    assert fusion.is_location("The family room is in room six, next to the lifts.")
    assert fusion.is_location("The car park behind the clinic is free on Sundays.")
    assert fusion.is_request("Would you mind muting the radio for a bit?")
    assert fusion.is_request("Could we sit in the kitchen so I can spread the papers out?")
    assert not fusion.is_request("Could we go through the plan together?")
    assert fusion.is_reassurance("Sit anywhere you like.")
    assert fusion.is_praise("You really care about how Ellis gets on, the way you keep ringing his teacher.")


def test_an_acknowledgement_is_not_a_worry_or_advice(tagger: Tagger) -> None:
    said = tags(tagger, "I can see how worried you've been about Ellis's chest.")
    assert "acknowledging_feelings" in said and "statement_of_concern" not in said


def test_practical_requests_and_courtesies_are_no_technique(tagger: Tagger) -> None:
    for text in (
        "Would you mind muting the radio for a bit?",
        "Could we sit in the kitchen so I can spread the papers out?",
    ):
        assert not tags(tagger, text) & {"seeking_collaboration", "closed_question"}, text
    assert "persuasion" not in tags(tagger, "Sit anywhere you like.")
    assert "giving_information" not in tags(tagger, "The family room is in room six, next to the lifts.")


def test_the_choice_handed_over_is_not_the_limits_of_the_role(tagger: Tagger) -> None:
    assert "authority_transparency" not in tags(tagger, "Stopping the cannabis is your decision, not mine.")


def test_a_short_fact_asked_with_what_is_closed(tagger: Tagger) -> None:
    # TECHNIQUES.md: closed_question "can be answered with yes/no or a short fact"
    assert "closed_question" in tags(tagger, "What date is the next core group?")
    assert "open_question" in tags(tagger, "What time of day is hardest with the twins?")


def test_put_downs_and_pushback_by_their_words(tagger: Tagger) -> None:
    for text in (
        "Oh brilliant, so you missed the dentist as well.",
        "A good dad would put the kids before the pub.",
        "Keep this up and you won't be seeing your daughter at weekends.",
    ):
        assert "confrontation" in tags(tagger, text), text
    said = tagger.tag("You'd already decided before you walked in.", speaker="family").techniques
    assert "discord" in {h.tag for h in said}
    said = tagger.tag("I haven't got a clue what to do about his school.", speaker="family").techniques
    assert "discord" not in {h.tag for h in said}


def test_child_focus_by_wording(tagger: Tagger) -> None:
    for text in (
        "I wonder what Ollie makes of the rows at night.",
        "Do you think Bella notices when you've been drinking?",
        "What would the weekend be like for a six-year-old in this flat?",
        "Let's look at the bedtime routine from Mia's point of view.",
    ):
        assert "child_focus" in tags(tagger, text), text
    assert "child_focus" not in tags(tagger, "What does a good week look like for the house, in your words?")


def test_affirmation_by_its_words(tagger: Tagger) -> None:
    for text in (
        "Ringing the school yourself about the bullying took a lot of courage.",
        "You've put so much effort into the garden for the boys.",
        "Two months without a drink; you've come a long way.",
    ):
        assert "affirmation" in tags(tagger, text), text
    assert not fusion.affirms("Oh well done, you finally turned up.")
    assert not fusion.affirms("Did that take a lot of courage?")


def test_family_talk_forms() -> None:
    # the speaker's own parent is not the children's care; putting a name down for a group is a step toward change
    assert not fusion.change_stance("I've got to take my dad to the dentist on Monday.")
    assert fusion.change_stance("I've put my name down for the parenting group at the children's centre.")
    assert fusion.change_stance("I don't want to turn out like my mum.")
    assert fusion.argues_status_quo("There's no point me going to the group, nothing will change.")


def test_a_short_list_with_a_gathering_opener_is_a_summary() -> None:
    assert fusion.looks_like_summary(
        "So, from what you've said, the rent's paid, the fridge is full, and Kai's back at school."
    )
    assert not fusion.looks_like_summary("So you went out, and then you came back, and that was it, yes.")


def test_a_plain_paraphrase_that_nothing_else_explains_is_a_reflection(tagger: Tagger) -> None:
    said = tags(
        tagger,
        "Your brother takes the boys to football on Saturdays.",
        "My brother has the boys Saturdays for football.",
    )
    assert said == {"simple_reflection"}


def test_behaviour_with_nothing_said_before_and_of_a_request(tagger: Tagger) -> None:
    # a reflection reflects something said: with no previous turn the behaviour follows the tags
    assert tagger.tag(
        "You've kept every appointment at the clinic this month, that took real commitment."
    ).behaviour == ("other")
    assert tagger.tag("Could you pop the lead on the dog before we go out?").behaviour == "other"


def test_authority_said_as_law_role_or_a_statutory_step(tagger: Tagger) -> None:
    for text in (
        "The council has to check on every child who is reported to us, by law.",
        "I'm here as the children's social worker today, so my focus is on Kai and Mia.",
        "I can't promise that what you say today won't go in my report.",
        "If the drinking doesn't stop, we could be looking at care proceedings.",
    ):
        assert "authority_transparency" in tags(tagger, text), text
    assert not fusion.warns_of_statutory_step("If the plan works, the conference will end it in six months.")
