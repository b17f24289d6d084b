"""Few-shot examples: the k labelled rows nearest to a batch, never a row under
evaluation (same id, or the same name+description+value text), never one
example twice.

Neighbours come from the embeddings index: the labelled pool is embedded with
the project's embedder (classifier/embeddings.py, chosen by INDICATOR_QA_EMBEDDER,
the same text `embed_text` the indicator index embeds) into a Chroma collection
"fewshot" under <data dir>/fewshot, keyed by a hash of the pool's content — built
once, reused by every later run. Chroma's ANN search proposes candidates; they
are re-ranked by exact cosine (rounded, ties by id), so the same pool and batch
give the same examples on every run: the examples are part of the prompt, and
the response cache (and the cache-only regression gate) depends on that.

When the embedder or Chroma fails, retrieval falls back to character-bigram
tf-idf over the pool (scikit-learn, no model, no network) and says why
(`Retriever.note`, logged and recorded in the run)."""
from __future__ import annotations

import hashlib
import json
import logging
import math
import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..config import data_dir, project_root
from ..embeddings import embed_text
from ..models import Indicator
from ..rules import row_key
from ..values import normalize

log = logging.getLogger("classifier.llm")

COLLECTION = "fewshot"
SCHEMA = 1  # bump when ids, texts or metadata change meaning: a mismatch rebuilds the collection
_EMBED_BATCH = 64  # as the indicator index: USE pads a batch to its longest text
_MEMO: dict[tuple[str, str], np.ndarray] = {}  # (embedder model_id, text) → vector, per process
_MEMO_MAX = 20000
_ROUND = 6  # decimals of cosine kept for ranking: float noise must not reorder ties


# ---------------------------------------------------------------- the pool


def _text(d) -> str:
    g = (lambda k: getattr(d, k, "")) if isinstance(d, Indicator) else d.get
    return " ".join(str(g(k) or "") for k in ("level2", "level3", "description", "value"))


@lru_cache(maxsize=4)
def load_labelled(path: str, mtime: float) -> tuple[dict, ...]:
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except json.JSONDecodeError:
            log.warning("%s 第%d行不是 JSON，跳过", path, n)
            continue
        if isinstance(d, dict) and isinstance(d.get("labels"), list):
            rows.append(d)
    return tuple(rows)


def labelled_examples(source: str) -> tuple[dict, ...]:
    p = Path(source)
    if not p.is_absolute():
        p = project_root() / p
    if not p.exists():
        return ()
    return load_labelled(str(p), p.stat().st_mtime)


def _indicator(d: dict) -> Indicator:
    return Indicator(str(d.get("id", "")), str(d.get("level1", "") or ""), str(d.get("level2", "") or ""),
                     str(d.get("level3", "") or ""), str(d.get("description", "") or ""), str(d.get("value", "") or ""))


def _key(d: dict) -> str:
    return row_key(_indicator(d))


_DIGESTS: dict[int, tuple] = {}


def pool_digest(pool: tuple[dict, ...]) -> str:
    """sha256 of the pool's content: the collection's key for this labelled file."""
    hit = _DIGESTS.get(id(pool))
    if hit is None or hit[0] is not pool:
        blob = "\n".join(json.dumps(d, ensure_ascii=False, sort_keys=True) for d in pool)
        hit = (pool, hashlib.sha256(blob.encode("utf-8")).hexdigest())
        _DIGESTS.clear()
        _DIGESTS[id(pool)] = hit
    return hit[1]


def _pick(order, pool: tuple[dict, ...], keys: list[str], batch: list[Indicator], k: int) -> list[int]:
    """The first k pool positions of `order` that are neither a row of the batch
    (same id), nor its exact twin (same row_key), nor an example already taken."""
    ids = {i.id for i in batch}
    seen = {row_key(i) for i in batch}
    picked = []
    for n in order:
        if pool[n].get("id") in ids or keys[n] in seen:
            continue
        seen.add(keys[n])
        picked.append(n)
        if len(picked) == k:
            break
    return picked


def _example(d: dict) -> dict:
    # No id: example rows must never be mistaken for rows to answer.
    out = {k: d.get(k, "") for k in ("project", "level1", "level2", "level3", "description", "value")}
    out["labels"] = list(d.get("labels") or [])
    if d.get("rewrite"):
        out["rewrite"] = d["rewrite"]
    if d.get("note"):
        out["note"] = d["note"]
    return out


# ---------------------------------------------------------------- retrievers


class TfidfRetriever:
    """Fallback: character-bigram tf-idf cosine over level2/level3/description/value."""

    source = "tfidf"

    def __init__(self, pool: tuple[dict, ...], note: str = ""):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.pool = pool
        self.note = note
        self.keys = [_key(d) for d in pool]
        self.vec = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), preprocessor=normalize, sublinear_tf=True)
        self.mat = self.vec.fit_transform([_text(d) for d in pool])

    def nearest(self, batch: list[Indicator], k: int) -> list[dict]:
        if k <= 0 or not self.pool or not batch:
            return []
        sims = (self.vec.transform([_text(i) for i in batch]) @ self.mat.T).toarray().max(axis=0)  # L2-normalised: cosine
        order = sorted(range(len(self.pool)), key=lambda n: (-round(float(sims[n]), _ROUND), str(self.pool[n].get("id", "")), n))
        return [_example(self.pool[n]) for n in _pick(order, self.pool, self.keys, batch, k)]


def fewshot_dir() -> Path:
    return data_dir() / "fewshot"


def _client(path: Path):
    """The team's Chroma server when INDICATOR_QA_CHROMA_HOST is set (the labelled
    library is shared with the indicator index there), else a local directory."""
    from ..index import wait_for_chromadb

    wait_for_chromadb()
    import chromadb
    from chromadb.config import Settings

    if os.environ.get("INDICATOR_QA_CHROMA_HOST"):
        from ..index import _client as index_client

        return index_client()
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=Settings(anonymized_telemetry=False, allow_reset=True))


class EmbeddingRetriever:
    """The pool in a Chroma collection, embedded by the index's embedder.

    `built` says whether this instance had to (re)embed the pool; a second
    retriever over the same pool and embedder reuses the stored vectors."""

    def __init__(self, pool: tuple[dict, ...], embedder=None, path: str | Path | None = None):
        from ..embeddings import get_embedder

        self.pool = pool
        self.ef = embedder or get_embedder()
        self.model_id = str(self.ef.model_id)
        self.source = f"embeddings:{self.model_id}"
        self.note = ""
        self.path = Path(path) if path else fewshot_dir()
        self.digest = pool_digest(pool)
        self.keys = [_key(d) for d in pool]
        self.texts = [embed_text(_indicator(d)) for d in pool]
        self.built = False
        self._open()

    # ---- the collection: opened, checked, built once ----------------------
    def _want(self) -> dict:
        return {"embedder": self.model_id, "schema": SCHEMA}

    def _open(self) -> None:
        from ..index import chroma_embedding_function  # our embedders are not Chroma's own classes

        self.client = _client(self.path)
        want = self._want()
        try:
            col = self.client.get_collection(COLLECTION, embedding_function=chroma_embedding_function(self.ef))
            have = col.metadata or {}
            if (have.get("embedder"), have.get("schema")) != (want["embedder"], want["schema"]):
                log.info("few-shot collection was built with %s; rebuilding with %s", have.get("embedder"), want["embedder"])
                self.client.delete_collection(COLLECTION)
                raise LookupError
        except Exception as e:  # not there yet (NotFound), another embedder, or a conflicting config
            if not isinstance(e, LookupError):
                try:
                    self.client.delete_collection(COLLECTION)
                except Exception:
                    pass
            # ef_search well above any n we ask for: on a pool of hundreds the "approximate" search is exact
            col = self.client.create_collection(COLLECTION, metadata=want, embedding_function=chroma_embedding_function(self.ef),
                                                configuration={"hnsw": {"space": "cosine", "ef_search": 400, "ef_construction": 400}})
        self.col = col
        self._ensure_pool()

    def _where(self) -> dict:
        return {"pool": self.digest}

    def _ensure_pool(self) -> None:
        col, n = self.col, len(self.pool)
        got = col.get(where=self._where(), include=["documents", "metadatas"])
        stored = {int(m["n"]): doc for doc, m in zip(got["documents"] or [], got["metadatas"] or []) if m and "n" in m}
        if len(got["ids"]) == n and all(stored.get(i) == t for i, t in enumerate(self.texts)):
            return
        if got["ids"]:
            col.delete(ids=got["ids"])
        vectors = self._vectors(self.texts)
        ids = [f"{self.digest[:24]}-{i:06d}" for i in range(n)]
        metas = [{"pool": self.digest, "n": i, "row_id": str(d.get("id", ""))} for i, d in enumerate(self.pool)]
        for i in range(0, n, 1000):
            col.add(ids=ids[i:i + 1000], embeddings=[vectors[t] for t in self.texts[i:i + 1000]],
                    documents=self.texts[i:i + 1000], metadatas=metas[i:i + 1000])
        self.built = True

    def _vectors(self, texts: list[str]) -> dict[str, np.ndarray]:
        """text → vector; each distinct text embedded once per process, and never
        again once stored: the texts are `embed_text`, as the indicator index
        embeds them, so the vector cache (classifier/vectors.py) has most of them."""
        from ..vectors import VectorCache

        out, todo = {}, []
        for t in dict.fromkeys(texts):
            v = _MEMO.get((self.model_id, t))
            if v is None:
                todo.append(t)
            else:
                out[t] = v
        cache = VectorCache(self.model_id)
        stored = cache.get(todo)
        out.update(stored)
        todo = [t for t in todo if t not in stored]
        embedded = {}
        for i in range(0, len(todo), _EMBED_BATCH):
            chunk = todo[i:i + _EMBED_BATCH]
            for t, v in zip(chunk, self.ef(chunk)):
                out[t] = embedded[t] = np.asarray(v, dtype=np.float32)
        for t, v in (stored | embedded).items():
            if len(_MEMO) < _MEMO_MAX:
                _MEMO[(self.model_id, t)] = v
        cache.put(embedded)
        return out

    # ---- the query ---------------------------------------------------------
    def nearest(self, batch: list[Indicator], k: int) -> list[dict]:
        """k pool rows, ranked by their highest cosine to any row of the batch."""
        if k <= 0 or not self.pool or not batch:
            return []
        texts = list(dict.fromkeys(embed_text(i) for i in batch))
        vecs = self._vectors(texts)
        queries = [_unit(vecs[t]) for t in texts]
        total = len(self.pool)
        n = min(total, k + len(batch) + 8)
        while True:
            res = self.col.query(query_embeddings=queries, n_results=n, where=self._where(),
                                 include=["embeddings", "metadatas"])
            score: dict[int, float] = {}
            floor = -math.inf  # no unseen pool row can score above this
            for q, embs, metas in zip(queries, res["embeddings"], res["metadatas"]):
                if embs is None or not len(embs):
                    continue
                sims = [round(float(s), _ROUND) for s in _rows_unit(np.asarray(embs, dtype=np.float32)) @ q]
                for m, s in zip(metas, sims):
                    j = int(m["n"])
                    score[j] = max(score.get(j, -math.inf), s)
                if len(sims) >= n and n < total:
                    floor = max(floor, min(sims))
            order = sorted(score, key=lambda j: (-score[j], str(self.pool[j].get("id", "")), j))
            picked = _pick(order, self.pool, self.keys, batch, k)
            if n >= total or (len(picked) == k and all(score[j] > floor for j in picked)):
                return [_example(self.pool[j]) for j in picked]
            n = min(total, n * 2)  # exclusions (the batch's own rows and twins) ate the candidates: look further


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    norm = float(np.linalg.norm(v))
    return v / norm if norm else v


def _rows_unit(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return m / norms


class Retriever:
    """Embeddings first; on any failure (now or mid-run) the tf-idf fallback, with a note."""

    def __init__(self, pool: tuple[dict, ...], embedder=None, path: str | Path | None = None):
        self.pool = pool
        self._inner = None
        try:
            self._inner = EmbeddingRetriever(pool, embedder, path)
        except Exception as e:
            self._fallback(e)

    def _fallback(self, e: Exception) -> None:
        note = f"少样本示例改用 tf-idf 检索：嵌入索引不可用（{type(e).__name__}: {e}）"
        log.warning(note)
        self._inner = TfidfRetriever(self.pool, note)

    @property
    def source(self) -> str:
        return self._inner.source

    @property
    def note(self) -> str:
        return self._inner.note

    def nearest(self, batch: list[Indicator], k: int) -> list[dict]:
        try:
            return self._inner.nearest(batch, k)
        except Exception as e:
            if isinstance(self._inner, TfidfRetriever):
                raise
            self._fallback(e)
            return self._inner.nearest(batch, k)


def nearest(batch: list[Indicator], pool: tuple[dict, ...], k: int) -> list[dict]:
    """k examples most similar to any row of the batch; the batch's own rows are excluded.
    (One-off convenience; a run keeps one `Retriever` for all its batches.)"""
    if k <= 0 or not pool or not batch:
        return []
    return Retriever(pool).nearest(batch, k)


# ---------------------------------------------------------------- cached picks

PICKS_FILE = "fewshot_picks.sqlite3"


def picks_key(pool: tuple[dict, ...], model_id: str, k: int, batch: list[Indicator]) -> str:
    """What an embedding retrieval's answer depends on: the pool's content, the
    embedder, k and the batch's rows (ids exclude rows; texts rank them)."""
    blob = json.dumps([pool_digest(pool), model_id, k, SCHEMA,
                       [[i.id, i.level1, i.level2, i.level3, i.description, i.value] for i in batch]], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class PickCache:
    """The examples an embedding retrieval chose for a batch, by `picks_key`.
    The choice is a pure function of that key, so an entry is never stale: a
    cached LLM rerun takes its examples from here and neither imports chromadb
    nor loads the embedding model before the response cache is consulted. A
    cache: any error reading it means "not there", writing it is best effort."""

    SCHEMA = "CREATE TABLE IF NOT EXISTS picks (key TEXT PRIMARY KEY, examples TEXT NOT NULL) WITHOUT ROWID;"

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else data_dir() / PICKS_FILE

    def _db(self):
        import sqlite3

        db = sqlite3.connect(self.path, timeout=10)
        db.executescript(self.SCHEMA)
        return db

    def get(self, key: str) -> list[dict] | None:
        import sqlite3

        if not self.path.exists():
            return None
        try:
            db = self._db()
            try:
                row = db.execute("SELECT examples FROM picks WHERE key = ?", (key,)).fetchone()
            finally:
                db.close()
            return None if row is None else json.loads(row[0])
        except (sqlite3.Error, ValueError) as e:
            log.info("few-shot pick cache %s unreadable (%s)", self.path, e)
            return None

    def put(self, key: str, examples: list[dict]) -> None:
        import sqlite3

        try:
            db = self._db()
            try:
                with db:
                    db.execute("INSERT OR REPLACE INTO picks VALUES (?, ?)", (key, json.dumps(examples, ensure_ascii=False)))
            finally:
                db.close()
        except sqlite3.Error as e:
            log.info("few-shot pick cache %s not written (%s)", self.path, e)
