"""Tagger speed and memory on this machine, beside the bare MiniLM encoder measured in the same run.

Run: `python benchmarks/tagger.py [--n 400]`. Prints: models loaded (s), single 1-3 sentence utterance latency
(p50/p95 ms, warm), batch throughput (utterances/s via tag_many), the same figures for bare MiniLM encode, their
ratio, and peak resident memory (MB). Single utterances are all different (the tagger's LRU of recent strings
never holds them); their `previous` repeats, as it does in a conversation; the batch starts with an empty cache.
Utterances are generated from our own templates (no AnnoMI text).
"""

from __future__ import annotations

import argparse
import random
import resource
import time

OPENERS = [
    "What",
    "How",
    "Tell me about",
    "Did",
    "I'm worried that",
    "So you're saying",
    "It sounds like",
    "You need to",
    "On a scale of one to ten, how",
    "Well done for",
]
MIDDLES = [
    "Cai got to school this week",
    "the baby slept last night",
    "things are with Dean since he moved in",
    "you managed the money when the benefits were late",
    "Nia feels when the shouting starts",
    "the health visitor said about the bruise",
    "you kept the house calm at bedtime",
]
TAILS = ["?", ".", ". That matters a lot.", "? I'd like to understand it from your side.", "."]


def utterances(n: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    return [f"{rnd.choice(OPENERS)} {rnd.choice(MIDDLES)}{rnd.choice(TAILS)}" for _ in range(n)]


def distinct_utterances(n: int, seed: int = 11) -> list[str]:
    """n different utterances, so the tagger's cache of recent strings never holds the utterance itself."""
    combos = [f"{o} {m}{t}" for o in OPENERS for m in MIDDLES for t in TAILS]
    random.Random(seed).shuffle(combos)
    return combos[:n]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=400, help="utterances in the batch test")
    args = parser.parse_args()
    texts = utterances(args.n)

    t0 = time.perf_counter()
    from coach.nlp.tagger import Tagger, TagInput

    tagger = Tagger.load()
    load_s = time.perf_counter() - t0

    from coach.nlp.models import embed

    single = distinct_utterances(220)
    for t in single[:20]:  # warm up
        tagger.tag(t)
        embed([t])
    lat, enc = [], []
    # The previous utterance is the same each time, as when it was tagged just before (cached); the utterance
    # itself is always new.
    for t in single[20:]:
        s = time.perf_counter()
        tagger.tag(t, previous="I don't know, it's been hard.")
        lat.append((time.perf_counter() - s) * 1000)
        s = time.perf_counter()
        embed([t])
        enc.append((time.perf_counter() - s) * 1000)
    tagger.clear_cache()  # the batch is measured cold
    s = time.perf_counter()
    tagger.tag_many([TagInput(t, "practitioner", "I don't know, it's been hard.") for t in texts])
    batch_rate = len(texts) / (time.perf_counter() - s)
    s = time.perf_counter()
    embed(texts)
    enc_rate = len(texts) / (time.perf_counter() - s)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"models loaded:            {load_s:6.2f} s   (target <= 6 s)")
    print(f"single utterance p50/p95: {pct(lat, 0.5):6.1f} / {pct(lat, 0.95):6.1f} ms   (target p95 <= 15 ms)")
    ratio = pct(lat, 0.95) / pct(enc, 0.95)
    print(f"  bare MiniLM p50/p95:    {pct(enc, 0.5):6.1f} / {pct(enc, 0.95):6.1f} ms   (ratio p95 {ratio:.2f}x)")
    print(f"batch throughput:         {batch_rate:6.0f} utt/s   (target >= 400)")
    print(f"  bare MiniLM encode:     {enc_rate:6.0f} utt/s   (ratio {enc_rate / batch_rate:.2f}x)")
    print(f"peak memory (RSS):        {peak_mb:6.0f} MB   (target <= 700 MB)")


if __name__ == "__main__":
    main()
