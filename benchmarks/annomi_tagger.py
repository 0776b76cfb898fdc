"""Accuracy of the whole tagger's `behaviour` / `talk` output (what `coach tag --jsonl` prints) on AnnoMI transcripts
it has never seen: grouped 5-fold by transcript, the four AnnoMI heads retrained on the other folds each time.

Run: `python benchmarks/annomi_tagger.py ../shared/annomi/AnnoMI-full-dev.csv [--folds 5]`. `coach eval annomi` scores
the heads alone; this scores the fused output (techniques, rules and heads together), which is what users and tools
get. It also prints the head-only figure of the same run for comparison. About a minute on 2 cores.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def main() -> None:
    import numpy as np
    from sklearn.metrics import f1_score
    from sklearn.model_selection import GroupKFold

    from coach.nlp.tagger import Tagger, TagInput
    from coach.nlp.train import corpus_features, fit_calibrated, head_rows, read_annomi

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    corpus = read_annomi(args.csv)
    x = corpus_features(corpus)
    tagger = Tagger.load()
    rows = np.arange(len(corpus.texts))
    fused: dict[str, dict[int, str]] = {"behaviour": {}, "talk": {}}
    head: dict[str, dict[int, str]] = {"behaviour": {}, "talk": {}}
    for train, test in GroupKFold(n_splits=args.folds).split(rows, rows, corpus.groups):
        seen = set(corpus.groups[train].tolist())
        for name in ("behaviour", "talk", "question", "reflection"):
            idx = np.asarray([i for i in head_rows(corpus, name) if corpus.groups[i] in seen])
            y = np.asarray([corpus.labels[name][i] for i in idx])
            tagger.heads[name] = fit_calibrated(name, x[idx], y, corpus.groups[idx], args.folds)
        tagger.clear_cache()
        items = [TagInput(corpus.texts[i] or ".", corpus.speaker[i], corpus.prev[i]) for i in test]  # type: ignore[arg-type]
        for i, result in zip(test, tagger.tag_many(items), strict=True):
            for name in ("behaviour", "talk"):
                if corpus.labels[name][i] is not None:
                    fused[name][i] = getattr(result, name) or "other"
                    probs = result.probabilities
                    head[name][i] = max(probs, key=probs.get) if probs else fused[name][i]
    print(f"AnnoMI {args.csv.name}: {args.folds}-fold grouped by transcript, heads retrained per fold")
    for name in ("behaviour", "talk"):
        ids = sorted(fused[name])
        truth = [corpus.labels[name][i] for i in ids]
        classes = sorted(set(truth))  # type: ignore[type-var]
        for label, pred in (("tagger output", fused[name]), ("head alone", head[name])):
            f1 = f1_score(truth, [pred[i] for i in ids], labels=classes, average=None, zero_division=0)
            per = "  ".join(f"{c} {v:.3f}" for c, v in zip(classes, f1, strict=True))
            print(f"{name:9} {label:13} macro-F1 {np.mean(f1):.3f}   ({per})")


if __name__ == "__main__":
    main()
