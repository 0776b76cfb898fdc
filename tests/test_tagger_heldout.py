"""Precision floors of the real tagger on the six held-out sets (tests/data/techniques_heldout*.yaml).

techniques_heldout.yaml was written before the precision work of 2026-11-26, techniques_heldout2.yaml before its
second round, techniques_heldout3.yaml before its third. None was used for tuning before it was measured (rules and
thresholds were tuned on techniques_labelled.yaml, the phrasebank and the earlier held-out sets). Each was measured
once before and once after its round. A wrong tag costs a practitioner's trust more than a missed one, so the floors
are on precision: the macro average over the tags and every single tag. A recall floor keeps "tag nothing" from
passing. Floors sit a little under the measured values so that a regression fails the test and noise from a
retrained head does not.

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
DATA2 = Path(__file__).parent / "data" / "techniques_heldout2.yaml"
DATA3 = Path(__file__).parent / "data" / "techniques_heldout3.yaml"
DATA4 = Path(__file__).parent / "data" / "techniques_heldout4.yaml"
DATA5 = Path(__file__).parent / "data" / "techniques_heldout5.yaml"
DATA6 = Path(__file__).parent / "data" / "techniques_heldout6.yaml"

# techniques_heldout.yaml (306 items). Measured 2026-11-26 after the first precision round: macro precision 0.922,
# micro precision 0.914, micro recall 0.721, behaviour accuracy 0.814; lowest tag precision change_talk 0.62,
# child_focus 0.78, scaling_question 0.80. Before it (same heads): macro 0.903, micro 0.884, recall 0.585. After the
# second round (this set was then tuning data): macro 0.967, micro 0.969, recall 0.744, behaviour 0.833, lowest
# tag complex_reflection 0.83.
# techniques_heldout2.yaml (219 items, 8+ per tag and 32 hard negatives), written before the second round and
# measured once before and once after it: macro precision 0.873 -> 0.906, micro precision 0.842 -> 0.890, micro
# recall 0.750 -> 0.746, behaviour 0.833 -> 0.839; lowest tag child_focus 0.57 (4 of 7, unchanged), closed_question
# 0.67 -> 0.75, seeking_collaboration 0.58 -> 0.78, change_talk 0.67 -> 1.00 (recall 0.44 -> 0.33).
# Behaviour accuracy with the AnnoMI-trusting _behaviour of main 3e2baaf (which trades our sets for AnnoMI's):
# heldout 0.798, heldout2 0.811, labelled 0.844; the behaviour floors sit under those.
# techniques_heldout3.yaml (169 items, 8+ for the weakest tags, 4+ for the others, 40 hard negatives), written
# before the third round and measured once before and once after it (same heads): macro precision 0.905 -> 0.918,
# micro precision 0.868 -> 0.904, micro recall 0.721 -> 0.766, behaviour 0.835 -> 0.850 (before, one item was
# refused as not English: "What's ..." contractions did not count). Lowest tag complex_reflection 0.40 (2 of 5,
# unchanged), then acknowledging_feelings 0.75, explaining_process 0.78, child_focus 0.80. After the third round
# (tuned on the other three sets and the phrasebank): heldout macro 0.973, recall 0.753, lowest tag 0.83;
# heldout2 macro 0.954, micro 0.948, recall 0.803, behaviour 0.844, lowest tag explaining_process 0.75.
# Round 4 (simple/complex by what a reflection adds, framed reflections, gates on collaboration, autonomy, questions,
# scales and process), tuned on all four sets and the phrasebank, so these are no longer held-out figures:
# heldout macro 0.973 -> 0.980, micro 0.973 -> 0.981, recall 0.753 -> 0.756, behaviour 0.798 -> 0.802, lowest tag
# 0.83 -> 0.88; heldout2 macro 0.954 -> 0.978, micro 0.948 -> 0.974, recall 0.803 -> 0.825, behaviour 0.844 -> 0.839,
# lowest tag 0.75 -> 0.83; heldout3 macro 0.918 -> 0.979, micro 0.904 -> 0.967, recall 0.766 -> 0.804, behaviour
# 0.850 -> 0.843 (a seating courtesy lost its autonomy tag and the head calls it input), lowest tag 0.40 -> 0.80,
# simple reflections 0 of 4 -> 3 of 4. Then child focus or collaboration said as a statement is input: behaviour
# heldout 0.826, heldout2 0.856, heldout3 0.850. The fresh techniques_heldout4.yaml is the held-out measure of round 4.
# techniques_heldout4.yaml (246 items), written before round 5 and measured once by the lead before and after round 4:
# micro P 0.857 -> 0.866, R 0.667 -> 0.670, macro P 0.865 -> 0.876, behaviour 0.774 -> 0.784. It was then tuning data
# for round 5 (acknowledgements by frame, exception marks, question kind by form, put-downs, pushback and affirmation
# by their words, child focus by wording, unexplained paraphrases as reflections, behaviour with no previous turn,
# authority by law, role or statutory step): micro P 0.866 -> 0.960, R 0.670 -> 0.831, macro P 0.876 -> 0.980,
# behaviour 0.784 -> 0.913; lowest tag
# closed_question 0.82 (27 of 33: four of the six wrong ones are short-fact questions the set labels open, "How old
# was Tobias when he started walking?", "Which school does Amara go to now?", which TECHNIQUES.md calls closed).
# The other sets after round 5 (precision unchanged or up): heldout micro P 0.985, R 0.782, behaviour 0.876; heldout2
# 0.980, R 0.860, behaviour 0.928; heldout3 0.968, R 0.821, behaviour 0.879. Floors raised under these.
# techniques_heldout5.yaml (162 items), written before round 6 and measured once by the lead after round 5: micro P
# 0.887, R 0.686, macro P 0.897, behaviour 0.809; lowest tags confrontation 0.50, explaining_process 0.57,
# authority_transparency 0.71, simple_reflection 0.71, change_talk 0.67, complex_reflection 0.75. It was then tuning
# data for round 6 (tests/test_tagger_round6.py: meaning-only confrontation, authority and process gated by their
# words; threats need a loss; short facts asked with "what time/year" closed; hypothetical set-ups; seen feelings;
# said-back dislikes; course refusals): micro P 0.887 -> 1.000, R 0.686 -> 0.762, macro P 0.897 -> 1.000, behaviour
# 0.809 -> 0.824. Round 6 also relabelled eight short-fact questions of heldout2/3/4 closed (TECHNIQUES.md; listed in
# each file's header). After round 6: heldout2 micro P 0.980 -> 0.985, heldout3 0.968 -> 0.994, heldout4 0.960 ->
# 0.987, recall 0.868 / 0.837 / 0.858; heldout 0.985 -> 0.989 (R 0.785), labelled 0.972 -> 0.976. Lowest tags:
# heldout acknowledging_feelings 0.90, heldout2 explaining_process 0.86, heldout4 simple_reflection 0.90.
# techniques_heldout6.yaml (228 items), written before round 7 and measured once by the lead before and after round 6:
# micro P 0.929 -> 0.940, R 0.711 -> 0.720, macro P 0.947 -> 0.960, behaviour 0.853 -> 0.863. It was then tuning data
# for round 7 (tests/test_tagger_round7.py: requests worded with a gerund, short facts about a named child, put-downs
# worded as questions, a summary closed by a check, a step up the scale set up then asked about, the person's own
# word said back; recall by form for pushback, commitment and steps taken, bottom lines, exception questions,
# moralising and sarcasm), so these are not held-out figures: micro P 0.940 -> 0.995, R 0.720 -> 0.836, macro P
# 0.960 -> 0.996, behaviour 0.863 -> 0.916 (five "Why not...?" / "Why don't you...?" items of heldout2-6 relabelled
# [persuasion] / input, as labelled and heldout code them; listed in each file's header). The other sets after round
# 7 (precision unchanged or up): labelled micro P 0.979 R 0.757; heldout 0.989 R 0.794; heldout2 0.990 R 0.877,
# behaviour 0.939; heldout3 0.994 R 0.863, behaviour 0.893; heldout4 0.987 R 0.862, behaviour 0.928; heldout5 1.000
# R 0.778, behaviour 0.838.
FLOORS = {
    "heldout": {"path": DATA, "macro": 0.97, "tag": 0.85, "recall": 0.76, "behaviour": 0.85, "min_items": 10},
    "heldout2": {"path": DATA2, "macro": 0.96, "tag": 0.80, "recall": 0.83, "behaviour": 0.90, "min_items": 8},
    "heldout3": {"path": DATA3, "macro": 0.97, "tag": 0.82, "recall": 0.82, "behaviour": 0.86, "min_items": 4},
    "heldout4": {"path": DATA4, "macro": 0.97, "tag": 0.85, "recall": 0.83, "behaviour": 0.89, "min_items": 4},
    "heldout5": {"path": DATA5, "macro": 0.97, "tag": 0.80, "recall": 0.74, "behaviour": 0.80, "min_items": 6},
    "heldout6": {"path": DATA6, "macro": 0.97, "tag": 0.85, "recall": 0.79, "behaviour": 0.88, "min_items": 6},
}
# Known gaps, recorded rather than hidden (none at present: every tag with enough items is recognised at least once).
UNRECOGNISED: dict[str, set[str]] = {}


def score(tagger: Tagger, path: Path, strict: bool = True) -> dict:
    """True/false positives and false negatives per tag, and behaviour accuracy, over one labelled file."""
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    results = tagger.tag_many([TagInput(x["text"], x["speaker"], x.get("previous")) for x in items])
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    behaviour_ok = behaviour_n = 0
    for item, res in zip(items, results, strict=True):
        if strict:
            assert res.error is None, (item["text"], res.error)
        elif res.error is not None:
            print(f"refused: {item['text']!r}: {res.error}")
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


@pytest.fixture(scope="module", params=sorted(FLOORS))
def scored(request: pytest.FixtureRequest, tagger: Tagger) -> tuple[dict, dict]:
    floors = {**FLOORS[request.param], "unrecognised": UNRECOGNISED.get(request.param, set())}
    return score(tagger, floors["path"]), floors


def test_every_tag_is_in_the_set_and_recognised(scored: tuple[dict, dict]) -> None:
    s, floors = scored
    gold_tags = {t for t in tags_of(s) if s["tp"][t] + s["fn"][t] >= floors["min_items"]}
    assert len(gold_tags) == 23, sorted(gold_tags)  # every TECHNIQUES.md tag
    never = [t for t in gold_tags if s["tp"][t] == 0 and t not in floors["unrecognised"]]
    assert not never, never


def test_macro_precision(scored: tuple[dict, dict]) -> None:
    s, floors = scored
    assert macro_precision(s) >= floors["macro"]


def test_no_tag_below_the_precision_floor(scored: tuple[dict, dict]) -> None:
    s, floors = scored
    low = {t: (s["tp"][t], s["fp"][t]) for t in tags_of(s) if precision(s, t) < floors["tag"]}
    assert not low, low


def test_recall_and_behaviour(scored: tuple[dict, dict]) -> None:
    s, floors = scored
    assert micro(s)[1] >= floors["recall"]
    assert s["behaviour"] >= floors["behaviour"]


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
    print(report(score(Tagger.load(), Path(sys.argv[1]) if len(sys.argv) > 1 else DATA, strict=False)))
