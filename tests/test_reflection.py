"""Guided reflection: prompt sets, drafts that survive a killed process, finishing in one transaction,
tagging, danger/safety marks, link decisions stored and used as feedback for the same case."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from coach.nlp.linker import Linker
from coach.services import cases
from coach.services import reflection as R
from coach.store.db import Store

AREAS = [
    (
        "Home conditions",
        "The kitchen is dirty, there is often no food in the house and rubbish bags are piled in the hall.",
        "The home is clean enough to be safe and there is food for regular meals.",
    ),
    (
        "School attendance",
        "Mali has attended 68% of sessions this term and is often late.",
        "Mali goes to school every day and arrives on time.",
    ),
    (
        "Mum's drinking",
        "Sian drinks most evenings until she is unsteady.",
        "Sian is sober whenever she is caring for Mali and works with the alcohol service.",
    ),
]


@pytest.fixture(scope="module")
def linker(tagger) -> Linker:
    return Linker(tagger)


def _case(store: Store, ref: str = "GW-2026-001") -> cases.CaseView:
    return cases.create_case(store, ref, "Fictional family for tests.", areas=AREAS)


def test_default_prompt_set_follows_the_framework() -> None:
    ps = R.get_prompt_set("default")
    ids = [p.id for p in ps.prompts]
    assert ids[0] == "what-happened" and ids[-1] == "next-steps"
    assert {"readiness", "what-i-said", "risk-and-safety", "differently"} <= set(ids)
    area_prompt = next(p for p in ps.prompts if p.per_area)
    assert area_prompt.scale


def test_flow_asks_each_area_with_its_texts(sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    case = _case(store)
    steps = R.flow(R.get_prompt_set(), case.areas)
    area_steps = [s for s in steps if s.area_id is not None]
    assert [s.area_id for s in area_steps] == [a.id for a in case.areas]
    assert "Home conditions" in area_steps[0].text
    assert "often no food" in area_steps[0].hint
    assert all(s.scale for s in area_steps)


def test_broken_prompt_file_is_named_and_others_load(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text("id: good\ntitle: Good\nprompts:\n  - id: a\n    text: What happened?\n")
    (tmp_path / "bad.yaml").write_text("id: bad\ntitle: Bad\nprompts: []\n")
    (tmp_path / "worse.yaml").write_text("id: [unclosed\n")
    sets, problems = R.load_prompt_sets(tmp_path)
    assert list(sets) == ["good"]
    assert any(p.startswith("bad.yaml") and "prompts" in p for p in problems)
    assert any(p.startswith("worse.yaml") for p in problems)
    with pytest.raises(R.ReflectionError, match="No reflection prompt set 'nope'"):
        R.get_prompt_set("nope", tmp_path)


def test_draft_saves_at_once_and_resumes(sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    case = _case(store)
    draft = R.start(store, case.id, date(2026, 11, 2))
    R.save_draft(store, draft.id, {"what-happened": "We met at the family centre."})
    # A second, independent connection sees it: the draft is committed, not just in memory.
    other = Store.open(sqlite_url)
    again = R.get(other, draft.id)
    assert again.answers == {"what-happened": "We met at the family centre."}
    assert again.status == "draft"
    assert [d.id for d in R.drafts(other, case.id)] == [draft.id]
    with pytest.raises(R.ReflectionError, match="no reflection with id 9999"):
        R.save_draft(store, 9999, {"a": "b"})
    with pytest.raises(R.ReflectionError, match="no case with id 4242"):
        R.start(store, 4242, date(2026, 11, 2))


CHILD = textwrap.dedent(
    """
    import sys, time
    from datetime import date
    from coach.store.db import Store
    from coach.services import reflection as R
    store = Store.open(sys.argv[1])
    draft = R.start(store, None, date(2026, 11, 3))
    i = 0
    while True:
        i += 1
        R.save_draft(store, draft.id, {"what-happened": f"version {i}"})
        print(draft.id, i, flush=True)
        time.sleep(0.05)
    """
)


def test_draft_survives_a_killed_process(sqlite_url: str, tmp_path: Path) -> None:
    Store.open(sqlite_url).dispose()
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    proc = subprocess.Popen(
        [sys.executable, str(script), sqlite_url], stdout=subprocess.PIPE, text=True, env=dict(os.environ)
    )
    try:
        last = None
        for line in proc.stdout:  # type: ignore[union-attr]
            last = line.split()
            if int(last[1]) >= 5:
                break
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert last is not None
    reflection_id, acknowledged = int(last[0]), int(last[1])
    store = Store.open(sqlite_url)
    draft = R.get(store, reflection_id)
    assert draft.status == "draft"
    saved = int(draft.answers["what-happened"].split()[1])
    assert saved >= acknowledged  # every save that returned is on disk


def _answers(case: cases.CaseView) -> dict[str, str]:
    home, school, drink = case.areas
    return {
        "what-happened": "I visited after school. We had a cup of tea. There was food in the fridge.",
        f"area:{home.id}": "The hallway was clear of bin bags for the first time.",
        f"area:{home.id}:scale": "6",
        f"area:{school.id}": "School said she was in every day last week.",
        f"area:{school.id}:scale": "7",
        "what-i-said": ('I asked her what a good week looks like. She said "You lot are always poking your nose in."'),
        "risk-and-safety": (
            "Mali was left alone in the house on Saturday night while mum was out drinking. "
            "Her nan now visits every day and would step in if needed."
        ),
    }


def test_finish_stores_text_tags_links_and_readings_in_one_go(db_url: str, linker: Linker, tagger) -> None:
    store = Store.open(db_url)
    case = _case(store)
    home, school, drink = case.areas
    draft = R.start(store, case.id, date(2026, 11, 4))
    R.save_draft(store, draft.id, _answers(case))
    result = R.finish(store, draft.id, tagger=tagger, linker=linker, by_whom="Social worker")
    text = result.reflection.text
    assert result.reflection.status == "final"
    assert "There was food in the fridge." in text and "We had a cup of tea." in text
    # Links: meaning, not words; the cup of tea links to nothing.
    stored = R.links(store, draft.id)
    assert stored and all(link.status == "suggested" for link in stored)
    by_sentence: dict[str, set[int]] = {}
    for link in stored:
        assert text[link.start : link.end] == link.sentence
        by_sentence.setdefault(link.sentence, set()).add(link.area_id)
    assert home.id in by_sentence["There was food in the fridge."]
    assert "We had a cup of tea." not in by_sentence
    assert school.id in by_sentence["School said she was in every day last week."]
    # Tags: offsets into the text; the described question, the family's quoted discord, danger/safety marks.
    tags = R.tags(store, draft.id)
    for t in tags:
        assert 0 <= t.start < t.end <= len(text)
    names = {t.tag for t in tags}
    assert "risk_evidence" in names and "protective_evidence" in names
    risk = next(t for t in tags if t.tag == "risk_evidence")
    assert "left alone" in text[risk.start : risk.end]
    question = text.index("I asked her")
    assert any(t.tag == "open_question" and t.start >= question for t in tags), tags
    quote = text.index("You lot")
    assert any(t.tag == "discord" and t.start <= quote < t.end for t in tags), tags
    # Readings given in the flow are stored with the visit date.
    after = cases.get_case(store, case.id)
    assert [(r.score, r.reading_date, r.by_whom) for r in after.area(home.id).readings] == [
        (6, date(2026, 11, 4), "Social worker")
    ]
    assert after.area(drink.id).readings == ()
    with pytest.raises(R.ReflectionError, match="already finished"):
        R.save_draft(store, draft.id, {"what-happened": "changed"})


def test_bad_reading_stores_nothing(sqlite_url: str, linker: Linker) -> None:
    store = Store.open(sqlite_url)
    case = _case(store)
    draft = R.start(store, case.id, date(2026, 11, 5))
    answers = _answers(case) | {f"area:{case.areas[0].id}:scale": "eleven"}
    R.save_draft(store, draft.id, answers)
    with pytest.raises(R.ReflectionError, match="whole number from 1 to 10"):
        R.finish(store, draft.id, tagger=None, linker=linker)
    assert R.get(store, draft.id).status == "draft"
    assert R.links(store, draft.id) == [] and R.tags(store, draft.id) == []
    assert all(a.readings == () for a in cases.get_case(store, case.id).areas)
    empty = R.start(store, case.id, date(2026, 11, 5))
    with pytest.raises(R.ReflectionError, match="empty"):
        R.finish(store, empty.id, tagger=None, linker=linker)


def test_decisions_are_stored_and_shape_later_suggestions(sqlite_url: str, linker: Linker) -> None:
    store = Store.open(sqlite_url)
    case = _case(store)
    worker = cases.get_or_create_practitioner(store, "Alys Test")
    home, school, drink = case.areas
    first = R.start(store, case.id, date(2026, 11, 6))
    R.save_draft(store, first.id, {"what-happened": "The kitchen floor was sticky. Her sister helps on Sundays."})
    R.finish(store, first.id, tagger=None, linker=linker)
    sticky = next(x for x in R.links(store, first.id) if x.sentence == "The kitchen floor was sticky.")
    rejected = R.decide(store, sticky.id, "rejected", decided_by=worker.id)
    assert rejected.status == "rejected" and rejected.decided_by == worker.id and rejected.decided_at is not None
    text = R.get(store, first.id).text
    start = text.index("Her sister")
    added = R.add_link(store, first.id, drink.id, start, len(text), decided_by=worker.id)
    assert added.status == "added" and added.sentence == "Her sister helps on Sundays."
    with pytest.raises(R.ReflectionError, match="confirmed or rejected"):
        R.decide(store, sticky.id, "maybe")
    feedback = R.case_feedback(store, case.id)
    assert {(f.area, f.status) for f in feedback} == {(str(home.id), "rejected"), (str(drink.id), "added")}
    # A later reflection on the same case: the decisions move the suggestions.
    second = R.start(store, case.id, date(2026, 11, 13))
    R.save_draft(
        store,
        second.id,
        {"what-happened": "The kitchen floor was sticky again. Her sister came round on Sunday."},
    )
    R.finish(store, second.id, tagger=None, linker=linker)
    later = {(x.sentence, x.area_id) for x in R.links(store, second.id)}
    assert ("The kitchen floor was sticky again.", home.id) not in later
    assert ("Her sister came round on Sunday.", drink.id) in later


def test_quotes_are_attributed_to_who_spoke(linker: Linker) -> None:
    text = 'I said "It sounds like mornings are hard." She said "I am not changing anything for you lot."'
    found = R.utterances(text, linker.split(text))
    assert [(u.speaker, u.text) for u in found] == [
        ("practitioner", "It sounds like mornings are hard."),
        ("family", "I am not changing anything for you lot."),
    ]
    for u in found:
        assert text[u.start : u.end] == u.text
    assert R.as_direct_speech("I asked her what a good week looks like.") == "What a good week looks like?"


DECIDING_CHILD = textwrap.dedent(
    """
    import sys, time
    from coach.store.db import Store
    from coach.services import reflection as R
    store = Store.open(sys.argv[1])
    draft_id, area_id = int(sys.argv[2]), int(sys.argv[3])
    R.decide_draft(store, draft_id, area_id, "Her sister   helps on Sundays.", "added")
    print("decided", flush=True)
    time.sleep(60)
    """
)


def test_decisions_while_writing_survive_a_kill_and_are_carried_into_the_finish(
    sqlite_url: str, tmp_path: Path, linker: Linker
) -> None:
    store = Store.open(sqlite_url)
    case = _case(store)
    other = _case(store, "GW-2026-002")
    home, school, drink = case.areas
    draft = R.start(store, case.id, date(2026, 11, 20))
    R.save_draft(
        store,
        draft.id,
        {"what-happened": "There was food in the fridge. Mali was late twice. Her sister helps on Sundays."},
    )
    # Bad decisions are refused with a clear message and store nothing.
    with pytest.raises(R.ReflectionError, match="confirmed, rejected or added"):
        R.decide_draft(store, draft.id, home.id, "There was food in the fridge.", "maybe")
    with pytest.raises(R.ReflectionError, match="does not belong"):
        R.decide_draft(store, draft.id, other.areas[0].id, "There was food in the fridge.", "confirmed")
    with pytest.raises(R.ReflectionError, match="no sentence"):
        R.decide_draft(store, draft.id, home.id, "   ", "confirmed")
    assert R.draft_decisions(store, draft.id) == []
    # A decision committed by a process that is then killed is on disk.
    script = tmp_path / "decide.py"
    script.write_text(DECIDING_CHILD)
    proc = subprocess.Popen(
        [sys.executable, str(script), sqlite_url, str(draft.id), str(drink.id)],
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    try:
        assert proc.stdout.readline().strip() == "decided"  # type: ignore[union-attr]
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    R.decide_draft(store, draft.id, home.id, "There was food in the fridge.", "rejected")
    R.decide_draft(store, draft.id, home.id, "There was food in the  fridge.", "confirmed", score=0.9)  # replaces
    R.decide_draft(store, draft.id, school.id, "Mali was late twice.", "rejected")
    decisions = {(d.area_id, d.sentence): d.status for d in R.draft_decisions(store, draft.id)}
    assert decisions == {
        (drink.id, "Her sister helps on Sundays."): "added",
        (home.id, "There was food in the fridge."): "confirmed",
        (school.id, "Mali was late twice."): "rejected",
    }
    # They are feedback for the case straight away: the added sentence now scores higher for that area.
    areas = R.linker_areas(case.areas)
    sister = "Her sister helps on Sundays."
    without = linker.score_sentences([sister], areas)[0][2]
    with_feedback = linker.score_sentences([sister], areas, R.case_feedback(store, case.id))[0][2]
    assert with_feedback > without + 0.05, (without, with_feedback)
    # Finishing carries every decision onto the sentences of the final text, in the one transaction.
    R.finish(store, draft.id, tagger=None, linker=linker)
    text = R.get(store, draft.id).text
    final = {(x.area_id, x.sentence): x for x in R.links(store, draft.id)}
    for (area_id, sentence), status in decisions.items():
        link = final[(area_id, sentence)]
        assert link.status == status and text[link.start : link.end] == sentence
        assert link.decided_at is not None
    with pytest.raises(R.ReflectionError, match="already finished"):
        R.decide_draft(store, draft.id, home.id, "There was food in the fridge.", "rejected")


def test_a_decision_on_a_sentence_edited_away_is_not_quoted_as_evidence(sqlite_url: str, linker: Linker) -> None:
    from coach.services import report

    store = Store.open(sqlite_url)
    case = _case(store)
    home = case.areas[0]
    draft = R.start(store, case.id, date(2026, 11, 20))
    R.save_draft(store, draft.id, {"what-happened": "The bins were overflowing by the back door."})
    R.decide_draft(store, draft.id, home.id, "The bins were overflowing by the back door.", "confirmed")
    # The practitioner rewrites the answer before finishing: the confirmed sentence no longer exists.
    R.save_draft(store, draft.id, {"what-happened": "Mum had cleared the bins and the kitchen was tidy."})
    R.finish(store, draft.id, tagger=None, linker=linker)
    text = R.get(store, draft.id).text
    quoted = [s for ev in R.area_reflections(store, home.id) for s in ev.sentences]
    assert "The bins were overflowing by the back door." not in quoted
    excerpts = [e.sentence for a in report.build(store, case.reference).areas for e in a.excerpts]
    assert "The bins were overflowing by the back door." not in excerpts
    assert all(sentence in text for sentence in quoted + excerpts)
