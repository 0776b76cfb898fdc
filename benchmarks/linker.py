"""Benchmark and calibration of the change-area linker (coach/nlp/linker.py).

    python benchmarks/linker.py        # accuracy on both halves of tests/data/link_set.yaml + warm latency
    python benchmarks/linker.py --fit  # refit weights and threshold on the `fit` half; prints the constants
                                       # to paste into coach/nlp/linker.py

Latency: a 20-sentence reflection x 3 areas, models warm, area embeddings cached. "new text" embeds every
sentence (the honest case); "same text" is the TUI re-linking an unchanged draft (sentence cache hits). Bare
encode time is MiniLM encoding the same 20 sentences in one batch, for comparison."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SET = ROOT / "tests" / "data" / "link_set.yaml"


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


def fit(linker, cases) -> None:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from coach.nlp.linker import FEATURES

    x, y = _xy(linker, [c for c in cases if c["split"] == "fit"])
    model = LogisticRegression(C=3.0, max_iter=5000).fit(x, y)
    p = model.predict_proba(x)[:, 1]
    best_f1, best_t = -1.0, 0.5
    for t in np.arange(0.20, 0.80, 0.01):
        tp = ((p >= t) & y).sum()
        f1 = 2 * tp / ((p >= t).sum() + y.sum())
        if f1 > best_f1:
            best_f1, best_t = f1, float(t)
    print(f"# features: {FEATURES}")
    print(f"WEIGHTS = ({', '.join(f'{w:.3f}' for w in model.coef_[0])})")
    print(f"BIAS = {model.intercept_[0]:.3f}")
    print(f"THRESHOLD = {best_t:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="refit weights and threshold on the fit half")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    from coach.nlp.linker import Linker, evaluate, load_link_set
    from coach.nlp.models import embed

    cases = load_link_set(str(SET))
    linker = Linker()
    if args.fit:
        fit(linker, cases)
        return
    for split in ("fit", "held_out"):
        part = [c for c in cases if c["split"] == split]
        r = evaluate(linker, part)
        n = sum(len(c["sentences"]) for c in part)
        print(
            f"{split:9s} cases={len(part):2d} sentences={n:3d} precision={r['precision']:.3f} "
            f"recall={r['recall']:.3f} F1={r['f1']:.3f} (tp={r['tp']} fp={r['fp']} fn={r['fn']}) "
            f"threshold={linker.threshold}"
        )

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
