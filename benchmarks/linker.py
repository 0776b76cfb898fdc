"""Benchmark and calibration of the change-area linker (coach/nlp/linker.py).

    python benchmarks/linker.py          # accuracy of the shipped weights on each calibration set (in-sample: fitted on
                                         # all 68 cases), grouped (leave-cases-out) cross-validation, leave-one-set-out,
                                         # danger/safety marks, latency
    python benchmarks/linker.py --measure tests/data/link_finalN.yaml   # a fresh final set, once: shipped weights,
                                         # all and per case (how link_final6/7 were measured)
    python benchmarks/linker.py --fit    # refit weights and threshold on the 68 calibration cases (the 24 of
                                         # link_set.yaml, g01-g06 of link_final2.yaml, h01-h06 of link_final3.yaml,
                                         # i01-i08 of link_final4.yaml, j01-j08 of link_final5.yaml, k01-k08 of
                                         # link_final6.yaml, m01-m08 of link_final7.yaml), write weights.json

Every case is linked as the app would link it: its sentences joined into one text (case `joiner`), split by the
linker, each gold sentence scored by the linker sentence that overlaps it most (coach.nlp.linker.case_features).

g01-g06, h01-h06, i01-i08, j01-j08, k01-k08 and m01-m08 were final sets; once scored and looked at they joined the
calibration cases: they bring other writers' voices (shorthand notes, logistics lines, bullet points, case-note
summaries, dated running records).

Grouped CV: the 68 cases are split into K folds by case; each fold's weights and threshold are fitted on the other
folds' cases only (same recipe as --fit: first-stage logistic weights; the second stage, over first-stage logits of a
sentence, its neighbours, the other areas and the whole text, fitted on inner out-of-fold first-stage logits with one
inner fold per writer's set; then the best-F1 threshold with precision >= 0.90 on those inner out-of-fold scores) and
its decisions pooled, so every case is scored by a model that never saw it. This estimates how the method (not the
shipped weights) generalises to a new case; "c", "f", "g", "h", "i", "j", "k" and "m" are the c01-c18, f01-f06,
g01-g06, h01-h06, i01-i08, j01-j08, k01-k08 and m01-m08 parts of the same pooled run. Leave-one-set-out ("loso") holds
out one writer's set at a time (c, f, g, h, i, j, k, m) and fits on the other seven: the harder estimate, closer to a
new writer's reflections. The evidence bank (prompts/reflection/linker/evidence.yaml) is not refitted per fold: none of
its examples may be a near-paraphrase of a labelled sentence (cosine >= 0.68 to any sentence of the 68 cases), or CV
would flatter it.

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
FINAL5 = ROOT / "tests" / "data" / "link_final5.yaml"
FINAL6 = ROOT / "tests" / "data" / "link_final6.yaml"
FINAL7 = ROOT / "tests" / "data" / "link_final7.yaml"
CALIBRATION = (SET, FINAL2, FINAL3, FINAL4, FINAL5, FINAL6, FINAL7)  # the 68 cases --fit and the CV use
WEIGHTS_JSON = ROOT / "prompts" / "reflection" / "linker" / "weights.json"


def _rows(linker, cases) -> list[tuple]:
    """Per case (features of the linker's sentences, gold sentence -> linker sentence, gold), through the linker's own
    splitter (coach.nlp.linker.case_rows)."""
    from coach.nlp.linker import case_rows

    return [case_rows(linker, case) for case in cases]


def _stack(data, idx):
    """Stacked first-stage (features, labels) of the gold sentences of cases `idx`."""
    import numpy as np

    xs, ys = [], []
    for i in idx:
        feats, rows, gold = data[i]
        x = np.zeros((len(rows), gold.shape[1], feats.shape[-1]), dtype=np.float32)
        x[rows >= 0] = feats[rows[rows >= 0]]
        xs.append(x.reshape(-1, x.shape[-1]))
        ys.append(gold.reshape(-1))
    return np.vstack(xs), np.concatenate(ys)


# Regularisation: C 1 ties C 3 on the 44-case grouped CV (F1 0.778 both) and is better leave-one-set-out (0.754
# vs 0.749): the stronger prior for new writers.
C_REG = 1.0
# The operating point: the threshold with the best F1 among those whose precision is at least TARGET_PRECISION on
# out-of-fold scores (issue 5 asks for precision >= 0.85; a wrong suggestion costs a practitioner more than a missed
# one). Chosen on out-of-fold scores because in-sample scores are optimistic and precision drops on new writers.
# The inner target is above 0.85 because out-of-fold precision on new cases lands a little under the inner figure:
# with 0.85 the grouped CV over 30 cases gave P 0.836, with 0.88 P 0.859 (issue 5's precision work).
# 0.88 -> 0.90 and inner folds by writer set (linkfit, 60 cases): with 0.88 over every-4th-case inner folds, loso
# precision was >= 0.85 on 2 of the 7 sets (k, a new writer, 0.844); with 0.90 by writer set on 5 of 7 (f 0.849,
# g 0.804) at the best loso F1 of the targets that reach 5 (0.792; 0.88 gave 0.794, 0.90 over every-4th-case folds
# 0.780, 0.91 by writer 0.773): benchmarks/README.md, "link_final6".
TARGET_PRECISION = 0.90
# Inner folds of train(): one per writer's set (case id prefix) when the cases come from two or more sets, so the
# second stage and the threshold learn from first-stage logits of a writer the first stage never saw (a new writer is
# what the app meets); otherwise INNER_FOLDS folds of every INNER_FOLDS-th case.
INNER_FOLDS = 4


def _fit_model(x, y):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C_REG, max_iter=5000).fit(x, y)


def _linker_for(first, second=None):
    """A Linker scoring with fitted first-stage (and second-stage) models (the embedding function is shared)."""
    from coach.nlp.linker import Linker

    return Linker(
        weights=first.coef_[0],
        bias=float(first.intercept_[0]),
        threshold=0.5,
        context_weights=None if second is None else second.coef_[0],
        context_bias=None if second is None else float(second.intercept_[0]),
    )


def _scores(model_linker, data, idx):
    """Stacked 0..1 scores of the gold sentences of cases `idx`, each case scored as one text (both stages)."""
    import numpy as np

    from coach.nlp.linker import gold_scores

    return np.concatenate([gold_scores(model_linker, data[i][0], data[i][1]).reshape(-1) for i in idx])


def choose_threshold(p, y, target: float | None = None) -> float:
    """Best-F1 threshold with precision >= target (default TARGET_PRECISION) on (p, y); if none reaches it, the most
    precise one."""
    import numpy as np

    target = TARGET_PRECISION if target is None else target

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


def _inner_folds(idx: list[int], groups: list[str] | None) -> list[list[int]]:
    """train()'s inner folds of `idx`: one per group (writer's set) if `groups` gives two or more, else every
    INNER_FOLDS-th case."""
    names = sorted({groups[i] for i in idx}) if groups is not None else []
    if len(names) >= 2:
        return [[i for i in idx if groups[i] == name] for name in names]
    return [idx[fold::INNER_FOLDS] for fold in range(INNER_FOLDS)]


def train(data, idx, groups: list[str] | None = None) -> tuple:
    """(first stage, second stage, threshold) fitted on cases `idx` of `data` (_rows): one recipe for --fit and CV.

    The first stage (logistic weights over FEATURES) is fitted on all of `idx`. The second stage (over
    CONTEXT_FEATURES: this sentence's and its neighbours' first-stage logits) must learn from first-stage logits
    like those of a case the first stage never saw, so it is fitted on inner out-of-fold first-stage logits (inner
    folds by writer's set, `groups[i]` for case i: _inner_folds); the threshold is chosen on its scores of those same
    rows."""
    import numpy as np

    from coach.nlp.linker import context_features, gated

    idx = list(idx)
    second_x, second_y, gates = [], [], []
    for inner_test in _inner_folds(idx, groups):
        inner_train = [i for i in idx if i not in inner_test]
        first = _fit_model(*_stack(data, inner_train))
        scorer = _linker_for(first)
        for i in inner_test:
            feats, rows, gold = data[i]
            ctx = context_features(scorer._logits(feats), feats)
            keep = rows >= 0
            x = np.zeros((len(rows), gold.shape[1], ctx.shape[-1]), dtype=np.float32)
            x[keep] = ctx[rows[keep]]
            g = np.zeros((len(rows), gold.shape[1]), dtype=bool)
            g[keep] = gated(feats)[rows[keep]]
            g[~keep] = True  # a gold sentence the linker has no sentence for is never linked
            second_x.append(x.reshape(-1, x.shape[-1]))
            second_y.append(gold.reshape(-1))
            gates.append(g.reshape(-1))
    x2, y2, g2 = np.vstack(second_x), np.concatenate(second_y), np.concatenate(gates)
    second = _fit_model(x2, y2)
    p = second.predict_proba(x2)[:, 1]
    p[g2] = 0.0
    return _fit_model(*_stack(data, idx)), second, choose_threshold(p, y2)


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


SETS = ("c", "f", "g", "h", "i", "j", "k", "m")  # calibration sets by case id prefix: link_set (c, f), final2, final3-7


def _groups(cases) -> list[str]:
    """Each case's writer's set (SETS: its id's first letter)."""
    return [c["id"][0] for c in cases]


def grouped_cv(linker, cases, k: int = 6, by_set: bool = False) -> dict[str, dict]:
    """Leave-cases-out K-fold (or, with `by_set`, leave-one-set-out): fit (both stages and threshold) on the other
    folds' cases, decide on this fold's, pool.

    Returns the pooled figures for all cases ("all") and for each set of SETS apart."""
    import numpy as np

    data = _rows(linker, cases)
    if by_set:
        folds = [[i for i, c in enumerate(cases) if c["id"].startswith(name)] for name in SETS]
    else:
        folds = [[i for i in range(len(cases)) if i % k == fold] for fold in range(k)]
    pred = [None] * len(cases)
    for test in folds:
        if not test:
            continue
        first, second, thr = train(data, [i for i in range(len(cases)) if i not in test], _groups(cases))
        scorer = _linker_for(first, second)
        for i in test:
            pred[i] = _scores(scorer, data, [i]) >= thr
    out = {}
    for name in ("all", *SETS):
        idx = [i for i, c in enumerate(cases) if name == "all" or c["id"].startswith(name)]
        if not idx:
            continue
        p = np.concatenate([pred[i] for i in idx])
        y = np.concatenate([data[i][2].reshape(-1) for i in idx])
        tp, fp, fn = int((p & y).sum()), int((p & ~y).sum()), int((~p & y).sum())
        precision, recall, f1 = _prf(tp, fp, fn)
        out[name] = {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}
    return out


def fit(linker, cases) -> None:
    from coach.nlp.linker import CONTEXT_FEATURES, FEATURES

    first, second, best_t = train(_rows(linker, cases), range(len(cases)), _groups(cases))
    out = {
        "features": list(FEATURES),
        "weights": [round(float(w), 4) for w in first.coef_[0]],
        "bias": round(float(first.intercept_[0]), 4),
        "context": {
            "features": list(CONTEXT_FEATURES),
            "weights": [round(float(w), 4) for w in second.coef_[0]],
            "bias": round(float(second.intercept_[0]), 4),
        },
        "threshold": best_t,
        "fitted_on": "68 cases: tests/data/link_set.yaml (24), link_final2.yaml (g01-g06), link_final3.yaml (h01-h06)"
        ", link_final4.yaml (i01-i08), link_final5.yaml (j01-j08), link_final6.yaml (k01-k08) and link_final7.yaml"
        " (m01-m08)",
        "C": C_REG,
        "target_precision": TARGET_PRECISION,
    }
    WEIGHTS_JSON.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {WEIGHTS_JSON}: threshold {best_t}")


def main() -> None:
    global TARGET_PRECISION
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="refit weights and threshold on the 68 calibration cases")
    # h01-h06, i01-i08, j01-j08, k01-k08 and m01-m08 are calibration cases now (their in-sample lines are always
    # printed); the flags stay so that older commands still run.
    parser.add_argument("--final3", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--final4", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--final5", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--final6", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--final7", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--folds", type=int, default=6, help="folds of the grouped cross-validation")
    parser.add_argument("--runs", type=int, default=30, help="latency runs (0: accuracy only)")
    parser.add_argument(
        "--measure",
        metavar="PATH",
        help="only score the shipped weights on one link set file (a fresh final set, measured once), per case too",
    )
    parser.add_argument(
        "--target", type=float, default=None, help=f"inner precision target of fit and CV (default {TARGET_PRECISION})"
    )
    args = parser.parse_args()
    if args.target is not None:
        TARGET_PRECISION = args.target

    from coach.nlp.linker import FEATURES, Linker, evaluate, load_link_set
    from coach.nlp.models import embed

    if args.measure:
        fresh = load_link_set(args.measure)
        linker = Linker()
        r = evaluate(linker, fresh)
        n = sum(len(c["sentences"]) for c in fresh)
        print(f"{args.measure}: cases={len(fresh)} sentences={n} threshold={linker.threshold}")
        counts = f"tp {r['tp']}, fp {r['fp']}, fn {r['fn']}"
        print(f"all  P={r['precision']:.3f} R={r['recall']:.3f} F1={r['f1']:.3f} ({counts})")
        for case in fresh:
            rc = evaluate(linker, [case])
            print(f"{case['id']:4s} P={rc['precision']:.3f} R={rc['recall']:.3f} F1={rc['f1']:.3f}")
        return
    cases = [case for path in CALIBRATION for case in load_link_set(str(path))]
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

    def latency() -> None:
        """Before the accuracy runs: their cross-validation leaves a large heap whose full garbage collections
        (150 ms) land in the timed calls; the app does not carry that heap."""
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

    if args.runs > 0:
        latency()

    print(f"threshold={linker.threshold}  (shipped weights, fitted on all 68 cases: the lines below are in-sample)")
    for split in ("fit", "held_out", "final", "final2", "final3", "final4", "final5", "final6", "final7"):
        part = [c for c in cases if c["split"] == split]
        line(split, part, evaluate(linker, part))
    line("all/nl", cases, evaluate(linker, cases, joiner="\n"))
    for label, cv in (
        (f"cv{args.folds}", grouped_cv(linker, cases, args.folds)),
        ("loso", grouped_cv(linker, cases, by_set=True)),
    ):
        for name in ("all", *SETS):
            part = [c for c in cases if name == "all" or c["id"].startswith(name)]
            line(f"{label} {name}", part, cv[name])

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


if __name__ == "__main__":
    main()
