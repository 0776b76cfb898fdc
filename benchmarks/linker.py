"""Benchmark and calibration of the change-area linker (coach/nlp/linker.py).

    python benchmarks/linker.py          # accuracy of the shipped weights on the three splits of
                                         # tests/data/link_set.yaml and g01-g06 (in-sample: fitted on all 30 cases),
                                         # grouped (leave-cases-out) cross-validation, danger/safety marks, latency
    python benchmarks/linker.py --fit    # refit weights and threshold on the 30 calibration cases (the 24 of
                                         # link_set.yaml and g01-g06 of link_final2.yaml), write weights.json
    python benchmarks/linker.py --final3 # also the h01-h06 cases (tests/data/link_final3.yaml): written last, in
                                         # other voices, never used to fit or tune anything; run it once, when a
                                         # piece of work is finished
    python benchmarks/linker.py --final4 # also the i01-i08 cases (tests/data/link_final4.yaml): written at the start
                                         # of session 3, never used to fit or tune anything; run it once, at the end

Every case is linked as the app would link it: its sentences joined into one text (case `joiner`), split by the
linker, each gold sentence scored by the linker sentence that overlaps it most (coach.nlp.linker.case_features).

g01-g06 were the previous final set; once scored and looked at (issue 5's precision work) they joined the calibration
cases: they bring shorthand notes and logistics lines the first 24 lack.

Grouped CV: the 30 cases are split into K folds by case; each fold's weights and threshold are fitted on the other
folds' cases only (same recipe as --fit: logistic weights, then the best-F1 threshold with precision >= 0.88 on
inner grouped out-of-fold scores) and its decisions pooled, so every case is scored by a model that never saw it.
This estimates how the method (not the shipped weights) generalises to a new case; "c", "f" and "g" are the c01-c18,
f01-f06 and g01-g06 (other voices) parts of the same pooled run.

Latency: a 20-sentence reflection x 3 areas, models warm, area embeddings cached. "new text" embeds every
sentence (the honest case); "same text" is the TUI re-linking an unchanged draft (sentence cache hits). Bare
encode time is MiniLM encoding the same 20 sentences in one batch, for comparison."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SET = ROOT / "tests" / "data" / "link_set.yaml"
MARKS_SET = ROOT / "tests" / "data" / "marks_set.yaml"
FINAL2 = ROOT / "tests" / "data" / "link_final2.yaml"
FINAL3 = ROOT / "tests" / "data" / "link_final3.yaml"
FINAL4 = ROOT / "tests" / "data" / "link_final4.yaml"
WEIGHTS_JSON = ROOT / "prompts" / "reflection" / "linker" / "weights.json"


def _xy(linker, cases):
    """Stacked (features, labels, case index) rows of sentence x area pairs, through the linker's own splitter."""
    import numpy as np

    from coach.nlp.linker import case_features

    xs, ys, gs = [], [], []
    for k, case in enumerate(cases):
        feats, gold = case_features(linker, case)
        xs.append(feats.reshape(-1, feats.shape[-1]))
        ys.append(gold.reshape(-1))
        gs.append(np.full(gold.size, k))
    return np.vstack(xs), np.concatenate(ys), np.concatenate(gs)


C_REG = 3.0
# The operating point: the threshold with the best F1 among those whose precision is at least TARGET_PRECISION on
# out-of-fold scores (issue 5 asks for precision >= 0.85; a wrong suggestion costs a practitioner more than a missed
# one). Chosen on out-of-fold scores because in-sample scores are optimistic and precision drops on new writers.
# The inner target is above 0.85 because out-of-fold precision on new cases lands a little under the inner figure:
# with 0.85 the grouped CV over 30 cases gave P 0.836, with 0.88 P 0.859 (issue 5's precision work).
TARGET_PRECISION = 0.88
INNER_FOLDS = 4


def _fit_model(x, y):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C_REG, max_iter=5000).fit(x, y)


def _predict(model, x):
    """The model's probabilities, with logistics-only rows (the linker's gate) at 0, as the linker scores them."""
    from coach.nlp.linker import gated

    p = model.predict_proba(x)[:, 1]
    p[gated(x)] = 0.0
    return p


def choose_threshold(p, y, target: float = TARGET_PRECISION) -> float:
    """Best-F1 threshold with precision >= target on (p, y); if none reaches it, the most precise one."""
    import numpy as np

    best, fallback = None, None
    for t in np.arange(0.20, 0.95, 0.01):
        pred = p >= t
        tp = int((pred & y).sum())
        if not pred.any():
            continue
        precision = tp / int(pred.sum())
        f1 = 2 * tp / (int(pred.sum()) + int(y.sum()))
        if precision >= target and (best is None or f1 > best[0]):
            best = (f1, float(t))
        if fallback is None or (precision, f1) > fallback[:2]:
            fallback = (precision, f1, float(t))
    return round(best[1] if best else fallback[2], 2)


def train(x, y, groups) -> tuple:
    """Logistic weights on (x, y) and the threshold chosen on grouped out-of-fold scores: one recipe (--fit, CV)."""
    import numpy as np

    cases = np.unique(groups)
    oof = np.zeros(len(y))
    for fold in range(INNER_FOLDS):
        test = np.isin(groups, cases[fold::INNER_FOLDS])
        oof[test] = _predict(_fit_model(x[~test], y[~test]), x[test])
    return _fit_model(x, y), choose_threshold(oof, y)


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def grouped_cv(linker, cases, k: int = 6) -> dict[str, dict]:
    """Leave-cases-out K-fold: fit (weights and threshold) on the other folds' cases, decide on this fold's, pool.

    Returns the pooled figures for all cases ("all") and for the c* and f* cases apart."""
    import numpy as np

    x, y, groups = _xy(linker, cases)
    pred = np.zeros(len(y), dtype=bool)
    for fold in range(k):
        test = groups % k == fold
        model, thr = train(x[~test], y[~test], groups[~test])
        pred[test] = _predict(model, x[test]) >= thr
    out = {}
    for name, keep in (("all", np.ones(len(y), dtype=bool)),) + tuple(
        (prefix, np.isin(groups, [i for i, c in enumerate(cases) if c["id"].startswith(prefix)])) for prefix in "cfg"
    ):
        tp, fp, fn = int((pred & y & keep).sum()), int((pred & ~y & keep).sum()), int((~pred & y & keep).sum())
        p, r, f = _prf(tp, fp, fn)
        out[name] = {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn}
    return out


def fit(linker, cases) -> None:
    from coach.nlp.linker import FEATURES

    model, best_t = train(*_xy(linker, cases))
    out = {
        "features": list(FEATURES),
        "weights": [round(float(w), 4) for w in model.coef_[0]],
        "bias": round(float(model.intercept_[0]), 4),
        "threshold": best_t,
        "fitted_on": "30 cases: tests/data/link_set.yaml (24) and tests/data/link_final2.yaml (g01-g06)",
        "C": C_REG,
        "target_precision": TARGET_PRECISION,
    }
    WEIGHTS_JSON.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {WEIGHTS_JSON}: threshold {best_t}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="refit weights and threshold on the 30 calibration cases")
    parser.add_argument("--final3", action="store_true", help="also report the untouched h01-h06 cases (run once)")
    parser.add_argument("--final4", action="store_true", help="also report the untouched i01-i08 cases (run once)")
    parser.add_argument("--folds", type=int, default=6, help="folds of the grouped cross-validation")
    parser.add_argument("--runs", type=int, default=30, help="latency runs (0: accuracy only)")
    args = parser.parse_args()

    from coach.nlp.linker import FEATURES, Linker, evaluate, load_link_set
    from coach.nlp.models import embed

    cases = load_link_set(str(SET)) + load_link_set(str(FINAL2))
    if args.fit:  # the features do not depend on the weights; the current file may be stale
        fit(Linker(weights=[0.0] * len(FEATURES), bias=0.0, threshold=0.5), cases)
        return
    linker = Linker()

    def line(name: str, part: list, r: dict) -> None:
        n = sum(len(c["sentences"]) for c in part)
        print(
            f"{name:9s} cases={len(part):2d} sentences={n:3d} precision={r['precision']:.3f} "
            f"recall={r['recall']:.3f} F1={r['f1']:.3f} (tp={r['tp']} fp={r['fp']} fn={r['fn']})"
        )

    print(f"threshold={linker.threshold}  (shipped weights, fitted on all 30 cases: the lines below are in-sample)")
    for split in ("fit", "held_out", "final", "final2"):
        part = [c for c in cases if c["split"] == split]
        line(split, part, evaluate(linker, part))
    line("all/nl", cases, evaluate(linker, cases, joiner="\n"))
    cv = grouped_cv(linker, cases, args.folds)
    for name in ("all", "c", "f", "g"):
        part = [c for c in cases if name == "all" or c["id"].startswith(name)]
        line(f"cv{args.folds} {name}", part, cv[name])
    if args.final3:
        final3 = load_link_set(str(FINAL3))
        line("final3", final3, evaluate(linker, final3))
        line("final3/nl", final3, evaluate(linker, final3, joiner="\n"))
    if args.final4:
        final4 = load_link_set(str(FINAL4))
        line("final4", final4, evaluate(linker, final4))
        line("final4/nl", final4, evaluate(linker, final4, joiner="\n"))

    # Danger / safety marks (coach/nlp/marks.py) on tests/data/marks_set.yaml; thresholds chosen on the even items.
    from coach.nlp.marks import EvidenceMarker, evaluate_marks, load_marks_set

    items = load_marks_set(MARKS_SET)
    marker = EvidenceMarker(linker.embed, linker.background())
    for name, part in (("marks all", items), ("marks odd", items[1::2])):
        r = evaluate_marks(marker, part)
        print(
            f"{name:9s} n={len(part):3d} "
            + "  ".join(f"{tag}: P={v['precision']:.3f} R={v['recall']:.3f}" for tag, v in r.items())
        )

    if args.runs <= 0:
        return
    # 20 sentences x 3 areas: the first 20 sentences of a held-out case, with its areas.
    case = next(c for c in cases if c["split"] == "held_out")
    sentences = [t for t, _ in case["sentences"]][:20]
    areas = case["areas"]
    text = " ".join(sentences)
    linker.link(text, areas)  # warm: models loaded, area and background embeddings cached
    embed(sentences)

    def timed(fn) -> list[float]:
        out = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            fn()
            out.append((time.perf_counter() - t0) * 1000)
        return out

    def p(values: list[float], q: float) -> float:
        return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]

    counter = [0]

    def new_text() -> None:
        counter[0] += 1
        linker.link(" ".join(f"{s[:-1]} ({counter[0]})." for s in sentences), areas)

    rows = {
        "link, new text": timed(new_text),
        "link, same text": timed(lambda: linker.link(text, areas)),
        "bare encode 20": timed(lambda: embed(sentences)),
    }
    for name, values in rows.items():
        med = statistics.median(values)
        print(f"{name:16s} p50={med:7.1f} ms  p95={p(values, 95):7.1f} ms  (n={len(values)})")


if __name__ == "__main__":
    main()
