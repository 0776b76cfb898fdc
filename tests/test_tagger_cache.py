"""The tagger's LRU of recent-string embeddings: same answers warm or cold, and bounded in size."""

from __future__ import annotations

import numpy as np
import pytest

from coach.nlp import tagger as tagger_module
from coach.nlp.tagger import Tagger, TagInput


def test_cached_and_cold_results_agree(tagger: Tagger) -> None:
    items = [
        TagInput("You should feed them properly. I'm worried about the weight she has lost.", previous="She eats."),
        TagInput("What helps on the mornings that go well?", previous="You should feed them properly."),
    ]
    tagger.clear_cache()
    cold = [r.to_json() for r in tagger.tag_many(items)]
    warm = [r.to_json() for r in tagger.tag_many(items)]  # every string is now in the cache
    assert warm == cold
    direct = tagger.embed(["What helps on the mornings that go well?"])[0]
    assert np.allclose(tagger._embed_cached(["What helps on the mornings that go well?"])[0], direct, atol=1e-5)


def test_cache_is_bounded(tagger: Tagger) -> None:
    tagger.clear_cache()
    n = tagger_module.EMBED_CACHE_SIZE + 40
    tagger.tag_many([TagInput(f"Cai went to school on {k} days this term.") for k in range(n)])
    assert len(tagger._emb_cache) == tagger_module.EMBED_CACHE_SIZE


def test_sentences_split_otherwise_than_punctuation_get_their_own_vectors(tagger: Tagger) -> None:
    """Encoding starts before spaCy splits sentences, from a punctuation guess; where spaCy splits otherwise
    ("Dr." does not end a sentence for it), the result must be what encoding spaCy's own sentences gives."""
    item = TagInput("Dr. Evans rang this morning. She asked how Cai is sleeping since the move?", previous="Fine.")
    tagger.clear_cache()
    guessed = tagger.tag_many([item])[0].to_json()
    tagger.clear_cache()
    doc = tagger._parse([item.text])[0]
    sentences = [item.text[s.start_char : s.end_char] for s in doc.sents]
    tagger._embed_cached([item.text, "Fine.", *sentences])  # exactly spaCy's strings, nothing guessed
    assert tagger.tag_many([item])[0].to_json() == guessed


def test_phrasebank_embeddings_come_from_the_disk_cache_at_the_second_start(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The example embeddings are written once and read back (not recomputed) at the next start."""
    monkeypatch.setenv("HOME", str(tmp_path))
    texts = ["Who helps you on the hard mornings?", "You got Cai to school every day this week."]
    first = tagger_module._cached_embed(texts)
    files = list((tmp_path / ".cache" / "coach").glob("phrasebank-*.npy"))
    assert len(files) == 1
    stamp = files[0].stat().st_mtime_ns
    second = tagger_module._cached_embed(texts)
    assert files[0].stat().st_mtime_ns == stamp  # read, not rewritten
    assert np.array_equal(first, second) and second.shape == (2, 384)
