"""`coach link --jsonl`: the contract of issue 5 (one output line per input line; bad lines get an error)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

AREAS = [
    {
        "id": "home",
        "title": "Home conditions",
        "concern": "The kitchen is dirty and there is often no food in the house.",
        "good_enough": "The home is clean and there is food for regular meals.",
    },
    {
        "id": "school",
        "title": "School attendance",
        "concern": "Mali misses a day of school most weeks and is often late.",
        "good_enough": "Mali goes to school every day and arrives on time.",
    },
]


def _run(lines: list[str]) -> tuple[list[dict], subprocess.CompletedProcess]:
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    proc = subprocess.run(
        [sys.executable, "-m", "coach", "link", "--jsonl"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    return [json.loads(x) for x in proc.stdout.splitlines()], proc


def test_contract_with_bad_lines_in_the_middle() -> None:
    text = "We had a cup of tea. There was food in the fridge. The school said she had been in every day."
    good = json.dumps({"areas": AREAS, "text": text})
    lines = [
        good,
        "this is not json",
        json.dumps([1, 2]),
        json.dumps({"areas": AREAS}),
        json.dumps({"areas": [{"id": "x"}], "text": "hello"}),
        json.dumps({"areas": AREAS, "text": "We talked about the football."}),
        good,
    ]
    out, proc = _run(lines)
    assert proc.returncode == 0, proc.stderr
    assert len(out) == len(lines)
    first = out[0]
    assert set(first) == {"links"}
    by_area = {link["area"]: link for link in first["links"]}
    assert set(by_area) == {"home", "school"}
    for link in first["links"]:
        assert 0.0 <= link["score"] <= 1.0
        for s in link["sentences"]:
            assert set(s) == {"start", "end", "text"}
            assert text[s["start"] : s["end"]] == s["text"]
    assert [s["text"] for s in by_area["home"]["sentences"]] == ["There was food in the fridge."]
    for bad in out[1:5]:
        assert set(bad) == {"error"} and bad["error"]
    assert "title" in out[4]["error"]
    assert out[5] == {"links": []}
    assert out[6] == first


def test_without_jsonl_flag_says_how_to_use_it() -> None:
    proc = subprocess.run([sys.executable, "-m", "coach", "link"], capture_output=True, text=True, input="", timeout=60)
    assert proc.returncode != 0
    assert "--jsonl" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_importing_the_linker_and_services_loads_no_model_library() -> None:
    code = (
        "import sys\n"
        "import coach.commands.link, coach.commands.case, coach.nlp.linker\n"
        "import coach.services.reflection, coach.services.report\n"
        "heavy = [m for m in ('torch', 'spacy', 'sentence_transformers', 'textual') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""
