"""Precision round 4 (issue 3): simple or complex by what a reflection adds, reflections by their frame, and gates on
tags that meaning alone proposes (collaboration, autonomy, questions, scales, process). Own sentences, not taken from
the labelled or held-out sets or the phrasebank; each real-tagger case was tagged wrongly before this round."""

from __future__ import annotations

import pytest

from coach.nlp import fusion
from coach.nlp.tagger import Tagger


def tags(tagger: Tagger, text: str, previous: str | None = None) -> set[str]:
    return {h.tag for h in tagger.tag(text, previous=previous).techniques}


def test_reflection_kind_by_what_it_adds() -> None:
    kind = fusion.reflection_kind
    # a plain paraphrase is simple even when its words are far from what was said and the head leans complex
    assert kind("You've not been out since Friday.", "I haven't left the flat since Friday.", 0.2)[0] == "simple"
    # a feeling the person named, said back, is simple; a feeling they did not name is complex
    assert kind("You're exhausted.", "I'm knackered, I've been up since five.", 0.6)[0] == "simple"
    assert kind("You're scared the school will ring again.", "Every time my phone goes it's the school.", 0.2) == (
        "complex",
        "a feeling they did not name (fear)",
    )
    # both sides, the unsaid part, a meaning named, amplification
    assert kind("Part of you wants to go, and part of you is staying for the kids.", "I don't know.", 0.1)[0] == (
        "complex"
    )
    assert kind("Getting Alfie to school matters to you.", "I got him there every day.", 0.1)[0] == "complex"
    assert kind("Nothing you try seems to work.", "I've tried the sticker chart.", 0.1)[0] == "complex"
    assert kind("You never get a minute to yourself.", "I've got no time to myself.", 0.1)[0] == "simple"
    # no mark either way: the AnnoMI reflection head decides
    assert kind("Your sister has the boys on Fridays.", "My sister takes the boys Fridays.", 0.6)[0] == "complex"
    assert kind("Your sister has the boys on Fridays.", "My sister takes the boys Fridays.", 0.3)[0] == "simple"
    assert fusion.feelings_named("I'm sick of it all") == {"weariness"}
    assert fusion.feelings_named("You worked hard on the garden") == set()


def test_round4_rules_on_their_own() -> None:
    assert fusion.reflects_person("It sounds like you're dreading the review.")
    assert fusion.reflects_person("You want him home, and you also know the boys are calmer.")
    assert not fusion.reflects_person("It sounds like a long week.")
    assert fusion.reflects_person("It feels like nobody at the school listens.")
    assert not fusion.reflects_person("It feels like a lot to take in.")
    assert not fusion.reflects_person("Part of you wants him home?")
    assert not fusion.invites_collaboration("Of course, we can keep our voices down.")
    assert fusion.invites_collaboration("I'd like to hear your ideas before I write the plan.")
    assert fusion.invites_collaboration("Could we look at the plan now?")
    assert fusion.is_no_change_consequence("If the drinking doesn't stop, the conference will be reconvened.")
    assert not fusion.is_no_change_consequence("If the conference agrees a plan, we'll meet every six weeks.")
    assert fusion.is_location("The family room is on the first floor.")
    assert not fusion.is_location("The review is in six weeks.")
    assert fusion.has_rating_scale("Where would you put the mornings on the scale?")
    assert fusion.has_rating_scale("What would a six look like?")
    assert fusion.has_rating_scale("What number would you give this week?")
    assert not fusion.has_rating_scale("What's your house number again?")
    assert fusion.is_courtesy_choice("It's up to you which chair I take.")
    assert not fusion.is_courtesy_choice("It's up to you whether you go to the course.")
    assert fusion.speaks_of_choice("Whether you tell your mum is your decision.")
    assert not fusion.speaks_of_choice("The health visitor can help with weaning.")
    assert fusion.speaks_of_choice("You know yourself better than anyone.")
    assert fusion.invites_collaboration("I don't want to decide this without you.")
    assert fusion.has_rating_scale("What would a bit higher look like?")
    assert fusion.proposes_shared_decision("Let's agree between us what goes in the plan.")
    assert not fusion.proposes_shared_decision("The core group will agree the plan.")
    assert fusion.has_trailing_view("How would Cerys score it, do you think?")
    assert fusion.is_invitation_to_tell("Walk me through Sunday evening.")
    assert fusion.is_practical_permission("Shall I open a window?")
    assert fusion.is_reassurance("Take your time, there's no rush.")
    assert fusion.looks_ahead("If the social worker stopped coming, what would be different?")
    assert not fusion.looks_ahead("What's gone well since the review?")
    assert fusion.is_apology("Sorry, I shouldn't have shouted at you.")
    assert not fusion.is_reassurance("Take the tablets every morning.")
    assert fusion.is_suggestion_question("Have you thought about asking your sister for help?")
    assert not fusion.is_suggestion_question("Have you thought about what you'd like from the meeting?")
    assert not fusion.is_practical_permission("Shall I tell you what the school said?")
    assert not fusion.is_invitation_to_tell("It took real nerve to tell me about the arrears.")


def test_agreeing_to_a_request_or_a_practical_offer_is_not_collaboration(tagger: Tagger) -> None:
    said = tags(tagger, "Of course, we can keep our voices down.", previous="Can you talk quietly, the baby's asleep?")
    assert "seeking_collaboration" not in said
    assert "seeking_collaboration" not in tags(tagger, "Shall I make us a brew while you look for the letter?")


@pytest.mark.parametrize(
    ("text", "previous"),
    [
        ("Your car's been off the road for a month.", "The car failed its MOT weeks ago and I can't afford to fix it."),
        ("You haven't had a bet since payday.", "I've not been near the bookies since I got paid."),
        ("You're exhausted.", "I'm knackered, I've been up since five with the twins."),
    ],
)
def test_a_paraphrase_is_a_simple_reflection(tagger: Tagger, text: str, previous: str) -> None:
    said = tags(tagger, text, previous)
    assert "simple_reflection" in said and "complex_reflection" not in said


@pytest.mark.parametrize(
    ("text", "previous"),
    [
        (
            "Part of you wants Carl to move back in, and part of you dreads the rows starting again.",
            "I miss him, I do, but I don't know.",
        ),
        (
            "It sounds like you're worried the school will judge you if Leo's late again.",
            "I'm not having them on at me about Leo again.",
        ),
    ],
)
def test_a_framed_reflection_is_complex_not_an_acknowledgement(tagger: Tagger, text: str, previous: str) -> None:
    res = tagger.tag(text, previous=previous)
    said = {h.tag for h in res.techniques}
    assert "complex_reflection" in said and "acknowledging_feelings" not in said
    assert res.behaviour == "reflection"


def test_statements_are_not_questions_and_polite_requests_to_tell_are_open(tagger: Tagger) -> None:
    assert not tags(tagger, "It took real nerve to tell me about the rent arrears.") & {
        "open_question",
        "closed_question",
    }
    assert "open_question" in tags(tagger, "Could you describe what a good evening looks like for the boys?")


def test_gates_on_process_autonomy_and_consequences(tagger: Tagger) -> None:
    said = tags(tagger, "If things don't improve, the team may call a strategy meeting.")
    assert "authority_transparency" in said and "explaining_process" not in said
    assert "emphasizing_autonomy" not in tags(tagger, "It's up to you which chair I take.")
    assert "explaining_process" not in tags(tagger, "The car park is round the back of the office.")
    said = tags(tagger, "To be straight with you, if Milo gets hurt again I'll have to ask for a strategy meeting.")
    assert "authority_transparency" in said and "explaining_process" not in said


def test_banter_about_the_workers_own_things_is_not_advice(tagger: Tagger) -> None:
    assert "persuasion" not in tags(tagger, "You should see my garden, it's a jungle.")
    assert "persuasion" in tags(tagger, "You should see the GP about your back.")


def test_reassurance_is_not_advice_and_a_suggestion_is_not_collaboration(tagger: Tagger) -> None:
    assert "persuasion" not in tags(tagger, "Take your time, there's no rush.")
    assert "seeking_collaboration" not in tags(tagger, "Have you thought about asking your sister for help?")


def test_looking_back_is_not_a_preferred_future_and_an_apology_is_not_discord(tagger: Tagger) -> None:
    assert "preferred_future_question" not in tags(tagger, "What's been going better since we last met?")
    said = tagger.tag("I'm sorry, I didn't mean to snap at you.", speaker="family").techniques
    assert "discord" not in {h.tag for h in said}


def test_child_focus_or_collaboration_said_as_a_statement_is_input() -> None:
    from coach.nlp.tagger import _behaviour

    assert _behaviour({"child_focus"}, "question", 0.3) == "input"
    assert _behaviour({"child_focus", "open_question"}, "input", 0.3) == "question"
    assert _behaviour({"seeking_collaboration"}, "other", 0.3) == "input"
    assert _behaviour({"seeking_collaboration", "closed_question"}, "other", 0.3) == "question"
    assert _behaviour({"scaling_question"}, "input", 0.3) == "question"


def test_a_childs_words_reported_are_input(tagger: Tagger) -> None:
    res = tagger.tag("Freya told me she likes it when her dad reads to her.")
    assert "child_focus" in {h.tag for h in res.techniques} and res.behaviour == "input"
