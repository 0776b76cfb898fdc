"""Precision floors of the real tagger on the second held-out set (tests/data/techniques_heldout.yaml).

That set was written before the precision work of 2026-11-26 and never used for tuning (rules and thresholds were
tuned on techniques_labelled.yaml and the phrasebank only); it was measured once before and once after. A wrong tag
costs a practitioner's trust more than a missed one, so the floors are on precision: the macro average over the
tags and every single tag. A recall floor keeps "tag nothing" from passing. Floors sit a little under the measured
values so that a regression fails the test and noise from a retrained head does not.

Print the per-tag table (the figures in the report):  python tests/test_tagger_heldout.py [path.yaml]
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from coach.nlp.tagger import Tagger, TagInput

DATA = Path(__file__).parent / "data" / "techniques_heldout.yaml"

# Measured 2026-11-26 after the precision work (306 items): macro precision 0.922, micro precision 0.914, micro
# recall 0.721, behaviour accuracy 0.814; lowest tag precision change_talk 0.62 (5 of 8), child_focus 0.78,
# scaling_question 0.80. Before it (same heads): macro precision 0.903, micro precision 0.884, recall 0.585 (it
# fails the recall floor; the first measurement, with the older heads: macro 0.913, micro 0.897, recall 0.588).
MIN_MACRO_PRECISION = 0.90
MIN_TAG_PRECISION = 0.55
MIN_MICRO_RECALL = 0.65
MIN_BEHAVIOUR_ACCURACY = 0.76


def score(tagger: Tagger, path: Path) -> dict:
    """True/false positives and false negatives per tag, and behaviour accuracy, over one labelled file."""
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    results = tagger.tag_many([TagInput(x["text"], x["speaker"], x.get("previous")) for x in items])
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    behaviour_ok = behaviour_n = 0
    for item, res in zip(items, results, strict=True):
        assert res.error is None, (item["text"], res.error)
        pred = {h.tag for h in res.techniques}
        gold = set(item["tags"])
        tp.update(pred & gold)
        fp.update(pred - gold)
        fn.update(gold - pred)
        if item.get("behaviour"):
            behaviour_n += 1
            behaviour_ok += res.behaviour == item["behaviour"]
    return {"tp": tp, "fp": fp, "fn": fn, "behaviour": behaviour_ok / max(1, behaviour_n), "n": len(items)}


def precision(s: dict, tag: str) -> float:
    n = s["tp"][tag] + s["fp"][tag]
    return s["tp"][tag] / n if n else 1.0


def recall(s: dict, tag: str) -> float:
    n = s["tp"][tag] + s["fn"][tag]
    return s["tp"][tag] / n if n else 1.0


def tags_of(s: dict) -> list[str]:
    return sorted(set(s["tp"]) | set(s["fp"]) | set(s["fn"]))


def macro_precision(s: dict) -> float:
    tags = tags_of(s)
    return sum(precision(s, t) for t in tags) / max(1, len(tags))


def micro(s: dict) -> tuple[float, float]:
    tp, fp, fn = sum(s["tp"].values()), sum(s["fp"].values()), sum(s["fn"].values())
    return tp / max(1, tp + fp), tp / max(1, tp + fn)


@pytest.fixture(scope="module")
def scored(tagger: Tagger) -> dict:
    return score(tagger, DATA)


def test_every_tag_is_in_the_set_and_recognised(scored: dict) -> None:
    gold_tags = {t for t in tags_of(scored) if scored["tp"][t] + scored["fn"][t] >= 10}
    assert len(gold_tags) == 23, sorted(gold_tags)  # every TECHNIQUES.md tag, at least 10 items each
    never = [t for t in gold_tags if scored["tp"][t] == 0]
    assert not never, never


def test_macro_precision(scored: dict) -> None:
    assert macro_precision(scored) >= MIN_MACRO_PRECISION


def test_no_tag_below_the_precision_floor(scored: dict) -> None:
    low = {t: (scored["tp"][t], scored["fp"][t]) for t in tags_of(scored) if precision(scored, t) < MIN_TAG_PRECISION}
    assert not low, low


def test_recall_and_behaviour(scored: dict) -> None:
    assert micro(scored)[1] >= MIN_MICRO_RECALL
    assert scored["behaviour"] >= MIN_BEHAVIOUR_ACCURACY


def report(s: dict) -> str:
    lines = [f"{'tag':28} {'P':>5} {'R':>5}  tp fp fn"]
    for t in tags_of(s):
        lines.append(f"{t:28} {precision(s, t):5.2f} {recall(s, t):5.2f}  {s['tp'][t]:2} {s['fp'][t]:2} {s['fn'][t]:2}")
    p, r = micro(s)
    lines.append(
        f"micro P {p:.3f} R {r:.3f}  macro P {macro_precision(s):.3f}  behaviour acc {s['behaviour']:.3f} (n={s['n']})"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(score(Tagger.load(), Path(sys.argv[1]) if len(sys.argv) > 1 else DATA)))
