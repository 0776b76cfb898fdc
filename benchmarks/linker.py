"""Benchmark and calibration of the change-area linker (coach/nlp/linker.py).

    python benchmarks/linker.py          # accuracy on the fit and held-out halves of tests/data/link_set.yaml,
                                         # grouped (leave-cases-out) cross-validation, danger/safety marks, latency
    python benchmarks/linker.py --fit    # refit weights and threshold on the `fit` half; prints the constants
                                         # to paste into coach/nlp/linker.py
    python benchmarks/linker.py --final  # also the `final` cases: written last, in other voices, never used to
                                         # fit or tune anything; run it once, when a piece of work is finished

Grouped CV: the fit and held-out cases are split into K folds by case; each fold's weights and threshold are fitted
on the other folds' cases only (same recipe as --fit) and its decisions pooled, so every case is scored by a model
that never saw it. This estimates how the method (not the shipped weights) generalises to a new case.

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
WEIGHTS_JSON = ROOT / "prompts" / "reflection" / "linker" / "weights.json"


def _xy(linker, cases):
    import numpy as np

    xs, ys = [], []
    for case in cases:
        feats = linker.features([t for t, _ in case["sentences"]], case["areas"])
        for i, (_t, ids) in enumerate(case["sentences"]):
            for j, area in enumerate(case["areas"]):
                xs.append(feats[i, j])
                ys.append(area.id in ids)
    return np.array(xs), np.array(ys)


C_REG = 3.0


def train(x, y) -> tuple:
    """Logistic weights, bias and the F1-best threshold on (x, y): the one fitting recipe (--fit and CV)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=C_REG, max_iter=5000).fit(x, y)
    p = model.predict_proba(x)[:, 1]
    best_f1, best_t = -1.0, 0.5
    for t in np.arange(0.20, 0.80, 0.01):
        tp = ((p >= t) & y).sum()
        f1 = 2 * tp / ((p >= t).sum() + y.sum())
        if f1 > best_f1:
            best_f1, best_t = f1, float(t)
    return model, round(best_t, 2)


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def grouped_cv(linker, cases, k: int = 6) -> dict[str, float]:
    """Leave-cases-out K-fold: fit on the other folds' cases, decide on this fold's, pool the counts."""
    import numpy as np

    data = [_xy(linker, [c]) for c in cases]
    tp = fp = fn = 0
    for fold in range(k):
        train_idx = [i for i in range(len(cases)) if i % k != fold]
        test_idx = [i for i in range(len(cases)) if i % k == fold]
        x = np.vstack([data[i][0] for i in train_idx])
        y = np.concatenate([data[i][1] for i in train_idx])
        model, thr = train(x, y)
        for i in test_idx:
            xt, yt = data[i]
            pred = model.predict_proba(xt)[:, 1] >= thr
            tp += int((pred & yt).sum())
            fp += int((pred & ~yt).sum())
            fn += int((~pred & yt).sum())
    p, r, f = _prf(tp, fp, fn)
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn}


def fit(linker, cases) -> None:
    from coach.nlp.linker import FEATURES

    x, y = _xy(linker, [c for c in cases if c["split"] == "fit"])
    model, best_t = train(x, y)
    out = {
        "features": list(FEATURES),
        "weights": [round(float(w), 4) for w in model.coef_[0]],
        "bias": round(float(model.intercept_[0]), 4),
        "threshold": best_t,
        "fitted_on": "split fit of tests/data/link_set.yaml",
        "C": C_REG,
    }
    WEIGHTS_JSON.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {WEIGHTS_JSON}: threshold {best_t}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="refit weights and threshold on the fit half")
    parser.add_argument("--final", action="store_true", help="also report the untouched `final` cases")
    parser.add_argument("--folds", type=int, default=6, help="folds of the grouped cross-validation")
    parser.add_argument("--runs", type=int, default=30, help="latency runs (0: accuracy only)")
    args = parser.parse_args()

    from coach.nlp.linker import FEATURES, Linker, evaluate, load_link_set
    from coach.nlp.models import embed

    cases = load_link_set(str(SET))
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

    print(f"threshold={linker.threshold}")
    for split in ("fit", "held_out") + (("final",) if args.final else ()):
        part = [c for c in cases if c["split"] == split]
        line(split, part, evaluate(linker, part))
        if split == "final":  # f02 is unpunctuated shorthand: as one paragraph it is one long "sentence"
            line("final/nl", part, evaluate(linker, part, joiner="\n"))
    dev = [c for c in cases if c["split"] in ("fit", "held_out")]
    line(f"cv{args.folds}", dev, grouped_cv(linker, dev, args.folds))

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
