"""Ordinary conversation in a rehearsal: greetings, apologies, small talk, practical requests and questions about
facts get a fitting reply in every scenario, with the real tagger and encoder (no mocks). The sentences here are
written for these tests and are not among the examples in coach/services/persona.py."""

from __future__ import annotations

import pytest

from coach.services.persona import PersonaEngine, conversational_move
from coach.services.scenarios import MOVES, load_scenarios

SCENARIOS = load_scenarios()[0]
IDS = sorted(SCENARIOS)

# scenario -> (a question about the child's age, a question about who lives in the home)
FACTS = {
    "bruising-baby": ("How old is Nel now?", "Who's living with you at the moment?"),
    "conference-called": ("How old are Dylan and Lowri?", "Does anybody else live in the house?"),
    "domestic-abuse-minimising": ("How old are the children now?", "Who's at home with you these days?"),
    "drinking-toddler": ("How old is Cai now?", "Does anyone else live in the flat?"),
    "hostile-father": ("How old is Efa now?", "Who lives in the house with you?"),
    "learning-disability-home": ("How old are Osian and Mali?", "Does anyone else live here with you?"),
    "low-mood-attendance": ("How old is Tomos now?", "Is there anyone else living here?"),
    "missing-teen": ("How old are you now, Jac?", "Who do you live with at home?"),
    "new-partner": ("How old are Erin and Tomi?", "Who lives here at the moment?"),
}
MOVE_TURNS = {
    "greeting": "Hello there, I'm Robin, the social worker from the council.",
    "apology": "So sorry I'm late, I couldn't find anywhere to park.",
    "small_talk": "It's blowing a gale out there today.",
    "practical": "Would it be OK if I had a quick look at the bedrooms before I leave?",
    "goodbye": "OK, that's me done for today. See you next week.",
}


def _reply(scenario_id: str, text: str, tagger, seed: int = 3):
    engine = PersonaEngine(SCENARIOS[scenario_id], seed=seed)
    engine.opening()
    tags = {t.tag for t in tagger.tag(text, speaker="practitioner", previous=None).techniques}
    return engine.respond(text, tags), tags


def test_every_scenario_has_lines_for_every_move() -> None:
    for scenario in SCENARIOS.values():
        for move in MOVES:
            lines = [r for r in scenario.responses if move in r.cue]
            assert lines, (scenario.id, move)
            assert not any(r.disclosure or r.min_trust for r in lines), (scenario.id, move)
            if move in ("greeting", "apology", "small_talk", "practical"):
                assert {r.stance for r in lines} == {"hostile", "guarded", "open"}, (scenario.id, move)
        facts = [r for r in scenario.responses if "fact" in r.cue]
        assert len(facts) >= 5, scenario.id


@pytest.mark.parametrize("scenario_id", IDS)
@pytest.mark.parametrize("move", sorted(MOVE_TURNS))
def test_ordinary_move_gets_a_line_written_for_it(scenario_id: str, move: str, tagger) -> None:
    reply, tags = _reply(scenario_id, MOVE_TURNS[move], tagger)
    assert reply.move == move, (tags, reply.move)
    assert move in reply.line.cue, (tags, reply.line.id, reply.line.text)
    assert not reply.line.disclosure
    # the mood still follows trust and resistance: the line is of the current stance or a neighbouring one
    assert {reply.line.stance, reply.state.stance} != {"hostile", "open"}


@pytest.mark.parametrize("scenario_id", IDS)
def test_fact_questions_get_the_fact_asked_for(scenario_id: str, tagger) -> None:
    age, household = FACTS[scenario_id]
    reply, _ = _reply(scenario_id, age, tagger)
    assert "fact" in reply.line.cue and "age" in reply.line.topic, reply.line.text
    reply, _ = _reply(scenario_id, household, tagger)
    assert "fact" in reply.line.cue and "who lives" in reply.line.topic, reply.line.text


@pytest.mark.parametrize("scenario_id", IDS)
def test_a_turn_without_technique_never_jumps_to_a_disclosure(scenario_id: str, tagger) -> None:
    """Even once trust is high and the words are close to a disclosure's topic, saying something that is no
    technique (a few words of the topic, thinking aloud) does not earn the disclosure."""
    scenario = SCENARIOS[scenario_id]
    checked = 0
    for line in scenario.responses:
        if not line.disclosure:
            continue
        words = [w.strip() for w in line.topic.split(",") if w.strip() and w.strip() != "disclosure"]
        text = "Right. " + ", ".join(words[:3]) + "."
        tags = {t.tag for t in tagger.tag(text, speaker="practitioner", previous=None).techniques}
        if tags:
            continue
        engine = PersonaEngine(scenario, seed=1)
        engine.opening()
        engine.state.trust, engine.state.resistance, engine.state.stance = 9.0, 1.0, "open"
        reply = engine.respond(text, tags)
        checked += 1
        assert not reply.line.disclosure, (text, reply.line.id)
    assert checked >= 2


@pytest.mark.parametrize(
    "text",
    [
        "Were you drinking when Cai got out of the flat?",
        "I'm worried that nobody sober is looking after the children at night.",
        "You must have been so frightened when the police came.",
        "Somebody hurt that baby and I need to understand how.",
        "What would a good evening look like for you both?",
    ],
)
def test_talk_about_the_worry_is_not_small_talk(text: str) -> None:
    assert conversational_move(text) is None


def test_a_worry_question_still_gets_a_short_answer_not_a_fact_line(tagger) -> None:
    reply, tags = _reply("drinking-toddler", "Did you have a drink last night?", tagger)
    assert "closed_question" in tags
    assert "closed_question" in reply.line.cue
    assert not set(reply.line.cue) & set(MOVES)


def test_move_examples_are_embedded_once_per_embedding_function(tagger) -> None:
    """The examples' vectors are cached per embedding function: a bound method (`tagger.embed`, new at every
    attribute access) must hit the cache on the next turn, not re-embed ~600 examples (it did, keyed by id())."""

    class Counting:
        def __init__(self) -> None:
            self.texts = 0

        def embed(self, texts: list[str]):
            self.texts += len(texts)
            return tagger.embed(texts)

    counting = Counting()
    first = counting.embed  # kept alive, so the next access is a different object
    conversational_move("Hello, lovely to meet you.", first)
    after_first = counting.texts
    assert after_first > 100  # the examples were embedded
    conversational_move("Sorry I'm late, the traffic was awful.", counting.embed)
    assert counting.texts - after_first <= 4  # only the turn and its clauses
