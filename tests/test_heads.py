"""The trained heads: context features (previous form, echo), the numpy forward pass, the shipped weights, `coach eval`.

The sentences here are written for these tests (fictional families); no AnnoMI text is used.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from coach.nlp import features
from coach.nlp.classifier import WEIGHTS, Head, load_heads, save_heads

CLIENT = "I've been drinking more since the baby came, and I'm scared the school will notice."
REFLECTION = "You're scared the school will notice the drinking."
UNRELATED = "Let's look at the calendar for next week's appointments."


def test_echo_features_see_a_reflection() -> None:
    names = features.ECHO_NAMES
    echo = dict(zip(names, features.echo_features(REFLECTION, CLIENT), strict=True))
    other = dict(zip(names, features.echo_features(UNRELATED, CLIENT), strict=True))
    assert echo["shared_of_utterance"] == pytest.approx(1.0)  # scared, school, notice, drinking: all echoed
    assert echo["all_content_echoed"] == 1.0
    assert echo["longest_shared_run"] >= 4 / 8  # "the school will notice"
    assert echo["i_to_you"] == 1.0  # "I'm scared" -> "You're scared"
    assert other["shared_of_utterance"] == 0.0 and other["longest_shared_run"] < echo["longest_shared_run"]
    assert other["i_to_you"] == 0.0
    # the stem links "drinking" to "drink"
    assert features.echo_features("So the drink helps.", "I drink when it's loud.")[0] > 0


def test_echo_features_without_previous_are_zero() -> None:
    for prev in (None, "", "   "):
        assert not features.echo_features(REFLECTION, prev).any()


def test_build_layout_and_context_columns() -> None:
    rng = np.random.default_rng(1)
    u, p = rng.normal(size=(2, features.DIM)).astype(np.float32)
    texts = [REFLECTION, REFLECTION]
    x = features.build(np.stack([u, u]), np.stack([p, p]), texts, np.asarray([1.0, 0.0], np.float32), [CLIENT, CLIENT])
    assert x.shape == (2, features.N_FEATURES) and x.dtype == np.float32
    assert x[0, 2 * features.DIM + 1] == 1.0 and x[1, 2 * features.DIM + 1] == 0.0  # has_prev where the tagger reads it
    start = 2 * features.DIM + 2 + features.N_FORM
    prev_form = x[:, start : start + features.N_FORM]
    echo = x[:, start + features.N_FORM :]
    assert np.allclose(prev_form[0], features.form_features(CLIENT)) and np.allclose(
        echo[0], features.echo_features(REFLECTION, CLIENT)
    )
    assert not prev_form[1].any() and not echo[1].any() and not x[1, features.DIM : 2 * features.DIM].any()
    # after a question, the previous-form columns say so
    q = features.build(np.stack([u]), np.stack([p]), ["Yes."], np.ones(1, np.float32), ["Did you sleep last night?"])
    assert q[0, start + features.FORM_NAMES.index("ends_q")] == 1.0


def test_context_features_are_cheap() -> None:
    """The previous utterance's features cost well under 1 ms per utterance, even after a pasted essay."""
    u, p = np.ones((1, features.DIM), np.float32), np.ones((1, features.DIM), np.float32)
    text = REFLECTION * 3
    for prev in (CLIENT, " ".join([CLIENT] * 200)):
        with_prev = without = 0.0
        for _ in range(100):  # interleaved, so both see the same machine load
            t0 = time.perf_counter()
            features.build(u, p, [text], np.ones(1, np.float32), [prev])
            t1 = time.perf_counter()
            features.build(u, p, [text], np.zeros(1, np.float32), [None])
            with_prev += t1 - t0
            without += time.perf_counter() - t1
        added = (with_prev - without) / 100
        assert added < 1e-3, f"{added * 1e3:.2f} ms added per utterance (previous of {len(prev)} characters)"


@pytest.mark.parametrize("n_classes", [2, 4])
def test_numpy_head_equals_sklearn(n_classes: int, tmp_path: Path) -> None:
    from sklearn.linear_model import LogisticRegression

    from coach.nlp.train import HAND_WEIGHT, fit_head

    rng = np.random.default_rng(n_classes)
    x = rng.normal(size=(300, features.N_FEATURES)).astype(np.float32)
    y = np.asarray([f"c{v}" for v in (x[:, 0] + x[:, -1] > 0).astype(int) + 2 * (x[:, 5] > 0.5) * (n_classes > 2)])
    head = fit_head("behaviour", x, list(y), c=0.01)
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    scale[features.HAND_START :] /= HAND_WEIGHT
    ref = LogisticRegression(C=0.01, max_iter=2000, class_weight="balanced").fit((x - mean) / scale, y)
    assert head.classes == list(ref.classes_)
    assert np.allclose(head.proba(x), ref.predict_proba((x - mean) / scale), atol=1e-5)
    # saved as plain arrays, loaded without pickle, same probabilities
    save_heads({"behaviour": head}, tmp_path / "h.npz")
    back = load_heads(tmp_path / "h.npz")["behaviour"]
    assert np.allclose(back.proba(x), head.proba(x), atol=1e-4)


def test_shipped_weights_match_the_features() -> None:
    assert WEIGHTS.stat().st_size < 5_000_000
    heads = load_heads()
    assert {"behaviour", "talk", "question", "reflection"} <= set(heads)
    for name in ("behaviour", "talk", "question", "reflection"):
        head: Head = heads[name]
        assert head.coef.shape[1] == features.N_FEATURES == head.mean.shape[0], name
        assert 0.05 < head.temperature < 10


def _synthetic_annomi(path: Path) -> int:
    """A tiny AnnoMI-shaped CSV (own sentences): 6 transcripts, every label in each. Returns the therapist rows."""
    turns = [
        ("therapist", "Thanks for letting me in today, it's good to meet you.", "other", "", ""),
        ("client", "It's fine, the kids are at school.", "", "neutral", ""),
        ("therapist", "What has the morning routine been like this week?", "question", "", "open"),
        ("client", "I want to get them there on time, I'm going to set an alarm.", "", "change", ""),
        ("therapist", "You want mornings to run more smoothly for them.", "reflection", "", "simple"),
        ("client", "I don't see why anyone needs to check on us at all.", "", "sustain", ""),
        ("therapist", "Did the school call you on Monday?", "question", "", "closed"),
        ("client", "Yes, they did.", "", "neutral", ""),
        ("therapist", "The plan says a visit every fortnight until the review.", "therapist_input", "", ""),
        ("client", "I could ask my sister to help with the school run.", "", "change", ""),
        (
            "therapist",
            "Part of you is tired of being watched, and part of you wants this to work.",
            "reflection",
            "",
            "complex",
        ),
        ("client", "Nothing is going to change, so why bother.", "", "sustain", ""),
    ]
    cols = ["transcript_id", "utterance_id", "interlocutor", "utterance_text", "main_therapist_behaviour",
            "client_talk_type", "question_subtype", "reflection_subtype"]  # fmt: skip
    n_therapist = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        for tid in range(6):
            for uid, (who, text, beh, talk, sub) in enumerate(turns):
                n_therapist += who == "therapist"
                text = f"{text} (visit {tid + 1})"
                w.writerow([tid, uid, who, text, beh or "n/a", talk or "n/a",
                            sub if beh == "question" else "", sub if beh == "reflection" else ""])  # fmt: skip
    return n_therapist


def test_eval_command_on_synthetic_csv(tmp_path: Path) -> None:
    path = tmp_path / "tiny.csv"
    n_therapist = _synthetic_annomi(path)
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    out = subprocess.run(
        [sys.executable, "-m", "coach", "eval", "annomi", str(path), "--folds", "3"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    text = out.stdout
    for head in ("behaviour", "talk", "question", "reflection"):
        assert f"{head}: macro-F1" in text
    for cls in ("input", "other", "question", "reflection", "change", "neutral", "sustain", "open", "complex"):
        assert f"F1 {cls}" in text
    # the behaviour confusion matrix counts every therapist utterance exactly once
    lines = text.splitlines()
    at = lines.index(next(line for line in lines if line.startswith("behaviour:")))
    rows = [line.split() for line in lines[at + 7 : at + 11]]
    assert [r[0] for r in rows] == ["input", "other", "question", "reflection"]
    assert sum(int(v) for r in rows for v in r[1:]) == n_therapist


def test_fit_bias_recovers_a_shifted_class() -> None:
    """A rare class whose scores sit just below the majority's is won back by its offset; the first stays at 0."""
    from sklearn.metrics import f1_score

    from coach.nlp.train import fit_bias

    y = np.asarray([0] * 50 + [1] * 50 + [2] * 10)
    z = np.zeros((len(y), 3))
    z[y == 0] = [1.0, 0.0, 0.0]
    z[y == 1] = [0.0, 1.0, 0.0]
    z[y == 2] = [0.45, 0.0, 0.2]  # always predicted as class 0 without an offset
    assert f1_score(y, z.argmax(axis=1), average="macro") < 0.8
    b = fit_bias(z, y)
    assert b[0] == 0.0 and b[2] - b[0] > 0.25
    assert f1_score(y, (z + b).argmax(axis=1), average="macro") == pytest.approx(1.0)


def test_weights_from_other_features_or_a_broken_file_give_a_clear_message(tmp_path) -> None:
    from coach.errors import CoachError
    from coach.nlp.classifier import Head, load_heads, save_heads

    width = features.N_FEATURES - 7  # as if trained before a feature change
    stale = Head("behaviour", ["a", "b"], np.zeros(width), np.ones(width), np.zeros((2, width)), np.zeros(2))
    save_heads({"behaviour": stale}, tmp_path / "stale.npz")
    with pytest.raises(CoachError, match="other features.*retrain"):
        load_heads(tmp_path / "stale.npz")
    (tmp_path / "broken.npz").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(CoachError, match="cannot be read.*retrain"):
        load_heads(tmp_path / "broken.npz")
    assert set(load_heads()) >= {"behaviour", "talk", "technique"}  # the shipped weights fit today's features
