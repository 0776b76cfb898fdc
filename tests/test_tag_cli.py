"""The `coach tag` command-line contract, run as a real subprocess (real models)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

TECH_KEYS = {"tag", "score", "start", "end", "why"}


def _coach(args: list[str], stdin: str = "", timeout: float = 240) -> subprocess.CompletedProcess:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    return subprocess.run(
        [sys.executable, "-m", "coach", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def _check_ok(obj: dict, text: str, speaker: str) -> None:
    assert "error" not in obj, obj
    assert set(obj) >= {"behaviour", "talk", "techniques"}
    if speaker == "practitioner":
        assert obj["behaviour"] in {"question", "reflection", "input", "other"} and obj["talk"] is None
    else:
        assert obj["talk"] in {"change", "sustain", "neutral"} and obj["behaviour"] is None
    for t in obj["techniques"]:
        assert set(t) == TECH_KEYS
        assert 0 <= t["start"] < t["end"] <= len(text) and 0.0 <= t["score"] <= 1.0 and t["why"]


@pytest.fixture(scope="module")
def jsonl_run() -> tuple[list[str], list[dict]]:
    lines = [
        json.dumps({"text": "What would Cai say about living here?", "speaker": "practitioner", "previous": None}),
        "{not json",
        "",
        json.dumps(
            {"text": "I'm not stopping, it's my house.", "speaker": "family", "previous": "Could you cut down?"}
        ),
        json.dumps({"text": 42}),
        json.dumps({"text": "Hello", "speaker": "mentor"}),
        json.dumps(["a", "list"]),
        json.dumps({"text": "   "}),
        json.dumps({"text": "Did the health visitor come on Tuesday?"}),
    ]
    proc = _coach(["tag", "--jsonl"], "\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(x) for x in proc.stdout.splitlines()]
    return lines, out


def test_jsonl_one_line_per_input_in_order(jsonl_run: tuple[list[str], list[dict]]) -> None:
    lines, out = jsonl_run
    assert len(out) == len(lines)
    _check_ok(out[0], json.loads(lines[0])["text"], "practitioner")
    _check_ok(out[3], json.loads(lines[3])["text"], "family")
    _check_ok(out[8], json.loads(lines[8])["text"], "practitioner")
    assert out[8]["behaviour"] == "question"
    assert "JSON" in out[1]["error"]
    assert "empty" in out[2]["error"]
    assert "'text' must be a string" in out[4]["error"]
    assert "speaker" in out[5]["error"]
    assert "object" in out[6]["error"]
    assert "empty" in out[7]["error"]


def test_stream_answers_each_line_before_the_next_is_sent() -> None:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "coach", "tag", "--jsonl", "--stream"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdin and proc.stdout
        proc.stdin.write(json.dumps({"text": "How are things with Dylan at the moment?"}) + "\n")
        proc.stdin.flush()
        first = json.loads(proc.stdout.readline())  # would block for ever if the answer were held back
        _check_ok(first, "How are things with Dylan at the moment?", "practitioner")
        proc.stdin.write("oops\n")
        proc.stdin.flush()
        assert "error" in json.loads(proc.stdout.readline())
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def test_table_mode_and_clear_errors() -> None:
    proc = _coach(["tag", "On a scale of one to ten, how safe do you feel Nel is at home?"])
    assert proc.returncode == 0, proc.stderr
    assert "scaling_question" in proc.stdout and "Behaviour: question" in proc.stdout
    too_long = _coach(["tag", "word " * 1200])
    assert too_long.returncode == 2 and "limit" in too_long.stderr and "Traceback" not in too_long.stderr
    empty = _coach(["tag", "   "])
    assert empty.returncode == 2 and "empty" in empty.stderr and "Traceback" not in empty.stderr


def test_eval_annomi_bad_input(tmp_path) -> None:
    missing = _coach(["eval", "annomi", str(tmp_path / "nope.csv")])
    assert missing.returncode == 2 and "not found" in missing.stderr and "Traceback" not in missing.stderr
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n", encoding="utf-8")
    bad = _coach(["eval", "annomi", str(wrong)])
    assert bad.returncode == 2 and "not an AnnoMI CSV" in bad.stderr and "Traceback" not in bad.stderr
    folds = _coach(["eval", "annomi", str(wrong), "--folds", "1"])
    assert folds.returncode == 2 and "at least 2" in folds.stderr
    one = tmp_path / "one.csv"  # our own two-line transcript, in AnnoMI's columns
    one.write_text(
        "transcript_id,utterance_id,interlocutor,utterance_text,main_therapist_behaviour,client_talk_type\n"
        "7,0,therapist,How has the week been?,question,n/a\n"
        "7,1,client,Better than last week.,n/a,change\n",
        encoding="utf-8",
    )
    few = _coach(["eval", "annomi", str(one), "--folds", "2"])
    assert few.returncode == 2 and "has 1 transcript;" in few.stderr and "Traceback" not in few.stderr
