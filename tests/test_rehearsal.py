"""The rehearsal service with the real tagger and real databases: trajectories, never losing a turn, resuming."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from coach.commands.rehearse import read_script, run
from coach.services.rehearsal import RehearsalError, RehearsalService
from coach.services.scenarios import load_scenarios
from coach.services.scorecard import past_scorecards
from coach.store.db import Store

SCRIPTS = Path(__file__).parent / "data" / "scripts"
SCENARIOS = sorted(load_scenarios()[0])


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_mi_script_ends_with_more_trust_and_less_discord(scenario_id: str, sqlite_url: str, tagger) -> None:
    results = {}
    for kind in ("mi", "confront"):
        lines = read_script(str(SCRIPTS / f"{scenario_id}.{kind}.txt"))
        doc = run(sqlite_url, scenario_id, lines, seed=7, practitioner="Test", difficulty=None, tagger=tagger)
        final = doc["turns"][-1]["state"]
        results[kind] = (final["trust"], final["discord"], doc["scorecard"])
    (mi_trust, mi_discord, mi_card), (c_trust, c_discord, c_card) = results["mi"], results["confront"]
    assert mi_trust > c_trust, (mi_trust, c_trust)
    assert mi_discord < c_discord, (mi_discord, c_discord)
    assert mi_card["metrics"]["mi_non_adherent"] < c_card["metrics"]["mi_non_adherent"]


def test_service_round_trip_on_both_databases(db_url: str, tagger) -> None:
    store = Store.open(db_url)
    try:
        service = RehearsalService(store, tagger)
        rid = service.start("drinking-toddler", seed=3, practitioner="Alex")
        turn = service.record_practitioner_turn(rid, "  What has this week been like for you?  ")
        assert turn.text == "What has this week been like for you?"
        view = service.get(rid)
        assert view.pending is not None and not view.pending.tagged  # committed before any tagging
        response = service.respond(rid)
        assert "open_question" in [t.tag for t in response.practitioner.techniques]
        assert response.persona.text
        stored = service.get(rid)
        assert [t.speaker for t in stored.turns] == ["persona", "practitioner", "persona"]
        assert stored.turns[1].techniques and stored.turns[2].state["trust"] == response.state.to_json()["trust"]
        card = service.end(rid)
        assert service.get(rid).status == "ended"
        assert card["metrics"]["questions"] == 1
        assert past_scorecards(store, "Alex", "drinking-toddler")[0]["scorecard"] == card
        with pytest.raises(RehearsalError, match="has ended"):
            service.record_practitioner_turn(rid, "Hello again")
    finally:
        store.dispose()


def test_bad_lines_change_nothing(sqlite_url: str, tagger) -> None:
    store = Store.open(sqlite_url)
    service = RehearsalService(store, tagger)
    rid = service.start("new-partner", seed=1)
    for bad in ("", "   ", "bad\x00line", "x" * 3000, None):
        with pytest.raises(RehearsalError):
            service.record_practitioner_turn(rid, bad)  # type: ignore[arg-type]
    assert len(service.get(rid).turns) == 1
    with pytest.raises(RehearsalError, match="no rehearsal 999"):
        service.record_practitioner_turn(999, "Hello")
    with pytest.raises(RehearsalError, match="no new line"):
        service.respond(rid)
    store.dispose()


def test_same_seed_same_replies_and_resume_matches(sqlite_url: str, tagger) -> None:
    store = Store.open(sqlite_url)
    service = RehearsalService(store, tagger)
    lines = read_script(str(SCRIPTS / "missing-teen.mi.txt"))[:4]
    ids = [service.start("missing-teen", seed=11) for _ in range(2)]
    for rid in ids:
        for line in lines:
            service.submit(rid, line)
    a, b = (service.get(rid) for rid in ids)
    assert [t.text for t in a.turns] == [t.text for t in b.turns]
    # a fresh service (another process) rebuilds the same engine state from the stored turns
    view, engine = RehearsalService(store, tagger).resume(ids[0])
    assert engine.state.to_json() == a.turns[-1].state
    store.dispose()


CHILD = textwrap.dedent(
    """
    import sys
    from coach.nlp.tagger import Tagger
    from coach.services.rehearsal import RehearsalService
    from coach.store.db import Store
    service = RehearsalService(Store.open(sys.argv[1]), Tagger.load())
    rid = service.start("drinking-toddler", seed=5)
    print("started", rid, flush=True)
    for n, line in enumerate(sys.argv[2:], start=1):
        service.record_practitioner_turn(rid, line)
        print("recorded", n, flush=True)
        service.respond(rid)
        print("answered", n, flush=True)
    """
)


def test_killed_process_loses_no_turn_and_is_resumable(tmp_path: Path, tagger) -> None:
    url = f"sqlite:///{tmp_path / 'kill.db'}"
    lines = read_script(str(SCRIPTS / "drinking-toddler.mi.txt"))[:5]
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, *lines],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    seen = []
    try:
        for raw in proc.stdout:  # type: ignore[union-attr]
            seen.append(raw.split())
            if raw.startswith("recorded 3"):
                os.kill(proc.pid, signal.SIGKILL)  # mid-way: the third line is stored, its reply may not be
                break
    finally:
        proc.wait(timeout=120)
    assert proc.returncode == -signal.SIGKILL
    rid = int(seen[0][1])
    store = Store.open(url)
    service = RehearsalService(store, tagger)
    view = service.get(rid)
    said = [t.text for t in view.turns if t.speaker == "practitioner"]
    assert said == lines[:3]
    assert view.status == "active"
    if view.pending is not None:
        service.respond(rid)  # the unanswered line is answered on reopening
    response = service.submit(rid, lines[3])
    assert response.persona.text
    final = service.get(rid)
    assert [t.speaker for t in final.turns] == ["persona", "practitioner", "persona"] * 1 + [
        "practitioner",
        "persona",
    ] * 3
    assert json.dumps(final.turns[-1].state)
    store.dispose()


@pytest.mark.parametrize("kind", ["mi", "confront"])
def test_thinking_panel_and_scorecard_count_talk_the_same_way(kind: str, sqlite_url: str, tagger) -> None:
    """One definition of elicited talk: the opening line (a discord line in this scenario) counts in neither,
    and after every turn the live state's counts are the scorecard's counts for the turns so far."""
    from coach.services.scenarios import load_scenarios
    from coach.services.scorecard import TurnRecord, build

    scenario = load_scenarios()[0]["drinking-toddler"]
    assert scenario.response(scenario.opening).talk == "discord"
    lines = read_script(str(SCRIPTS / f"drinking-toddler.{kind}.txt"))
    doc = run(sqlite_url, "drinking-toddler", lines, seed=7, practitioner="Test", difficulty=None, tagger=tagger)
    turns = doc["turns"]
    assert turns[0]["speaker"] == "persona" and turns[0]["state"]["discord"] == 0
    records = []
    for i, turn in enumerate(turns):
        records.append(TurnRecord(i, turn["speaker"], turn["text"], [], turn.get("talk"), turn["state"]))
        if turn["speaker"] != "persona":
            continue
        card = build(records, "drinking-toddler")
        state = turn["state"]
        assert (state["change_talk"], state["sustain_talk"], state["discord"]) == (
            card["talk"]["change"],
            card["talk"]["sustain"],
            card["talk"]["discord"],
        ), i
    final = turns[-1]["state"]
    assert doc["scorecard"]["talk"]["discord"] == final["discord"]
    assert doc["scorecard"]["talk"]["change"] == final["change_talk"]


@pytest.mark.parametrize(
    ("said", "hint"),
    [
        # Two sides joined by "but": a double-sided reflection.
        (
            "I know I drink too much but I would never hurt her.",
            "On one hand you know you drink too much, and on the other, you would never hurt her.",
        ),
        (
            "Look, I'm doing my best. But nobody sees that.",
            "On one hand you're doing your best, and on the other, nobody sees that.",
        ),
        (
            "Part of me wants him home. The other part of me is scared it'll all go wrong again.",
            "Part of you wants him home, and another part of you is scared it'll all go wrong again.",
        ),
        # A fear or worry: "You're worried that ..." / "about ...", pronouns turned round.
        ("I'm terrified they'll take him off me.", "You're worried that they'll take him off you."),
        ("I'm scared of that meeting on Thursday.", "You're worried about that meeting on Thursday."),
        # A feeling: the clause that carries it, turned round, filler dropped.
        (
            "Honestly, I'm sick of people telling me how to raise my kids.",
            "It sounds like you're sick of people telling you how to raise your kids.",
        ),
        (
            "I was so angry when you turned up at the school.",
            "It sounds like you were so angry when I turned up at the school.",
        ),
        # "you lot" is the service, said back as "we"; "thanks" at the end is not the meaning.
        ("You lot never listen to a word I say.", "It sounds like we never listen to a word you say."),
        (
            "We've been managing fine on our own, thanks.",
            "It sounds like you've been managing fine on your own.",
        ),
        # A question is not echoed back.
        ("Why are you even here?", "It sounds like you want some straight answers from me."),
    ],
)
def test_reflection_hint_is_built_from_the_meaning_of_the_last_line(said: str, hint: str, tagger) -> None:
    from coach.services.rehearsal import suggest_reflection

    assert suggest_reflection(said, tagger.nlp) == hint
    assert suggest_reflection(said) == hint  # the base pipeline gives the same parse


def test_reflection_hint_of_nothing_is_empty() -> None:
    from coach.services.rehearsal import suggest_reflection

    assert suggest_reflection("   ") == ""


def test_practise_next_examples_name_no_other_family() -> None:
    """The scorecard's example phrasing comes from the phrasebank, whose examples are set in other families' homes:
    it picks one that names nobody, whichever tag and seed (a name at a sentence's start counts too)."""
    from coach.services.scorecard import ADVICE, _names_someone, phrasebank_example

    assert _names_someone("Cai has been sleeping at his dad's.")
    assert _names_someone("You said it was fine when Efa came home.")
    assert not _names_someone("You've had a really busy week. I can see that.")
    for tag in ADVICE:
        for seed in range(30):
            example = phrasebank_example(tag, seed)
            assert example and not _names_someone(example), (tag, seed, example)
