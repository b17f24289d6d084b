"""Chroma index of every indicator row: similar-row search and the neighbour
queries behind copy-paste clusters.

Storage: a persistent Chroma directory (default <data dir>/index, or
INDICATOR_QA_INDEX_DIR), or a shared Chroma server when INDICATOR_QA_CHROMA_HOST
(and INDICATOR_QA_CHROMA_PORT) are set — see README "Sharing one index".

Rows are keyed by a content hash of (file hash, row id, row text), so indexing
the same file again embeds nothing; a re-imported file (same name, new content)
replaces its old rows; a row whose embedded text is already stored under another
id reuses that vector instead of calling the model."""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import chromadb
import numpy as np
from chromadb.config import Settings

from .config import data_dir
from .embeddings import embed_text, get_embedder, normalise_numbers
from .models import Indicator, Project

log = logging.getLogger(__name__)

COLLECTION = "indicators"
SCHEMA = 1  # bump when ids or metadata change meaning: a mismatch rebuilds the collection
_BATCH = 1000  # rows per add/query/get call; well below Chroma's max batch size
_META_CHARS = 2000  # per metadata field; a pasted document stays in the source file, not the index
_MEMO_MAX = 20000  # texts whose vectors a process keeps (≈ 40 MB at 512 d) across Index instances
_MEMO: dict[tuple[str, str], np.ndarray] = {}
_EMBED_BATCH = 64  # USE pads a batch to its longest text: small batches were ~1.5x faster than 256 on the seed


def index_dir() -> Path:
    env = os.environ.get("INDICATOR_QA_INDEX_DIR")
    return Path(env) if env else data_dir() / "index"


def row_uid(p: Project, ind: Indicator) -> str:
    """Chroma id: content hash of (file hash, row id, row text)."""
    text = "\x1f".join((p.source_hash or p.source_file, ind.id, ind.level1, ind.level2, ind.level3, ind.description, ind.value))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


@dataclass
class Neighbour:
    uid: str
    row_id: str
    project_id: str
    project: str
    unit: str
    file: str
    file_hash: str
    level1: str
    level2: str
    level3: str
    description: str
    value: str
    distance: float  # cosine distance: 0 identical, 1 unrelated

    @property
    def similarity(self) -> float:
        return 1.0 - self.distance

    def to_dict(self) -> dict:
        return dict(vars(self), similarity=round(self.similarity, 4))


def _neighbour(uid: str, meta: dict, distance: float) -> Neighbour:
    return Neighbour(uid=uid, distance=float(distance), **{k: str(meta.get(k, "")) for k in (
        "row_id", "project_id", "project", "unit", "file", "file_hash", "level1", "level2", "level3", "description", "value")})


def _client(path: Path | None = None):
    settings = Settings(anonymized_telemetry=False, allow_reset=True)
    host = os.environ.get("INDICATOR_QA_CHROMA_HOST")
    if host:
        port = int(os.environ.get("INDICATOR_QA_CHROMA_PORT") or 8000)
        return chromadb.HttpClient(host=host, port=port, settings=settings)
    path = Path(path) if path else index_dir()
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


class Index:
    """One Chroma collection of indicator rows embedded by one embedder.

    `messages` collects what the user should hear about (rebuilds and why)."""

    def __init__(self, path: str | Path | None = None, embedder=None, client=None):
        self.path = Path(path) if path else (None if os.environ.get("INDICATOR_QA_CHROMA_HOST") else index_dir())
        self.ef = embedder or get_embedder()
        self.messages: list[str] = []
        self.client = client or self._open_client()
        self.collection = self._open_collection()

    # ---- opening, with rebuilds -------------------------------------------

    def _say(self, msg: str) -> None:
        log.info(msg)  # callers show `messages` (CLI on stderr, review as Problems)
        self.messages.append(msg)

    def _open_client(self):
        if self.path is not None and not (self.path / "chroma.sqlite3").exists():
            # Chroma caches one system per path: a directory deleted under a running
            # process would otherwise keep serving (and writing to) the unlinked file.
            from chromadb.api.client import SharedSystemClient

            SharedSystemClient.clear_system_cache()
        try:
            client = _client(self.path)
            client.heartbeat()
            client.list_collections()  # touches the sqlite file: a corrupted one fails here
            return client
        except Exception as e:
            if self.path is None:  # a server: nothing of ours to delete
                raise
            self._say(f"索引目录 {self.path} 无法打开（{type(e).__name__}: {e}），已清空重建。")
            from chromadb.api.client import SharedSystemClient

            SharedSystemClient.clear_system_cache()
            shutil.rmtree(self.path, ignore_errors=True)
            return _client(self.path)

    def _want_meta(self) -> dict:
        return {"embedder": self.ef.model_id, "dim": int(self.ef.dim), "schema": SCHEMA, "hnsw:space": "cosine"}

    def _create(self):
        return self.client.create_collection(COLLECTION, metadata=self._want_meta(), embedding_function=self.ef)

    def _open_collection(self):
        want = self._want_meta()
        try:
            col = self.client.get_collection(COLLECTION, embedding_function=self.ef)
        except ValueError as e:
            if "conflict" not in str(e).lower():  # NotFound: a fresh index
                return self._create()
            self._say(f"索引由另一种嵌入模型建立，改用 {want['embedder']} 重建（{e}）。")
            self.client.delete_collection(COLLECTION)
            return self._create()
        except Exception:
            return self._create()
        have = col.metadata or {}
        if (have.get("embedder"), have.get("dim"), have.get("schema")) != (want["embedder"], want["dim"], want["schema"]):
            self._say(f"索引模型为 {have.get('embedder')}（{have.get('dim')}维），当前为 {want['embedder']}（{want['dim']}维），已重建索引。")
            self.client.delete_collection(COLLECTION)
            return self._create()
        return col

    def _retry_after_loss(self, fn, *args, **kwargs):
        """Run fn; if the directory vanished or broke under us, rebuild once and retry."""
        if self.path is not None and not (self.path / "chroma.sqlite3").exists():
            self._say(f"索引目录 {self.path} 已被删除，已重建。")
            self.client = self._open_client()
            self.collection = self._open_collection()
        try:
            return fn(*args, **kwargs)
        except Exception as e:
            if self.path is None or self._healthy():  # not the directory's fault: never wipe a good index
                raise
            self._say(f"索引目录 {self.path} 已损坏或被删除（{type(e).__name__}），已重建。")
            from chromadb.api.client import SharedSystemClient

            SharedSystemClient.clear_system_cache()
            shutil.rmtree(self.path, ignore_errors=True)
            self.client = _client(self.path)
            self.collection = self._open_collection()
            return fn(*args, **kwargs)

    def _healthy(self) -> bool:
        try:
            self.client.list_collections()
            self.collection.count()
            return (self.path / "chroma.sqlite3").exists()
        except Exception:
            return False

    # ---- writing ------------------------------------------------------------

    def count(self) -> int:
        return self.collection.count()

    def add_projects(self, projects: Iterable[Project]) -> dict:
        """Index every row; returns counts {rows, added, embedded, reused, removed}."""
        return self._retry_after_loss(self._add_projects, list(projects))

    def _add_projects(self, projects: list[Project]) -> dict:
        col = self.collection
        rows = [(p, ind) for p in projects for ind in p.indicators]
        uids = [row_uid(p, ind) for p, ind in rows]
        present: set[str] = set()
        for i in range(0, len(uids), _BATCH):
            present.update(col.get(ids=uids[i:i + _BATCH], include=[])["ids"])
        # A re-imported file (same name, other bytes) replaces its old rows.
        removed = 0
        keep = set(uids)
        for file in sorted({p.source_file for p in projects if p.source_file}):
            stale = [u for u in col.get(where={"file": file}, include=[])["ids"] if u not in keep]
            for i in range(0, len(stale), _BATCH):
                col.delete(ids=stale[i:i + _BATCH])
            removed += len(stale)
        new = [(u, p, ind) for u, (p, ind) in zip(uids, rows) if u not in present]
        new = list({u: (u, p, ind) for u, p, ind in new}.values())  # one file read twice in a batch
        texts = [embed_text(ind) for _, _, ind in new]
        vectors, reused = self._vectors_for(texts)
        for i in range(0, len(new), _BATCH):
            chunk = new[i:i + _BATCH]
            col.add(ids=[u for u, _, _ in chunk], embeddings=[vectors[t] for t in texts[i:i + _BATCH]],
                    documents=texts[i:i + _BATCH], metadatas=[self._meta(p, ind, t) for (_, p, ind), t in zip(chunk, texts[i:i + _BATCH])])
        return {"rows": len(rows), "added": len(new), "embedded": len(set(texts)) - reused, "reused": reused, "removed": removed}

    def add_read(self, read) -> dict:
        return self.add_projects(read.projects)

    def _vectors_for(self, texts: Sequence[str]) -> tuple[dict[str, np.ndarray], int]:
        """text → vector, reusing vectors already stored for the same text; and how many were reused."""
        unique = list(dict.fromkeys(texts))
        out: dict = {}
        hashes = {text_hash(t): t for t in unique}
        hlist = list(hashes)
        for i in range(0, len(hlist), _BATCH):
            got = self.collection.get(where={"text_hash": {"$in": hlist[i:i + _BATCH]}}, include=["embeddings", "metadatas"])
            for emb, meta in zip(got["embeddings"], got["metadatas"]):
                t = hashes.get(meta.get("text_hash"))
                if t is not None and t not in out:
                    out[t] = np.asarray(emb, dtype=np.float32)
        model = self.ef.model_id
        for t in unique:  # this process embedded it already (another index, a test, the app's rerun)
            if t not in out and (model, t) in _MEMO:
                out[t] = _MEMO[(model, t)]
        reused = len(out)
        todo = [t for t in unique if t not in out]
        for i in range(0, len(todo), _EMBED_BATCH):
            batch = todo[i:i + _EMBED_BATCH]
            for t, v in zip(batch, self.ef(batch)):
                out[t] = np.asarray(v, dtype=np.float32)
                if len(_MEMO) < _MEMO_MAX:
                    _MEMO[(model, t)] = out[t]
        return out, reused

    @staticmethod
    def _meta(p: Project, ind: Indicator, text: str) -> dict:
        clip = lambda t: (t or "")[:_META_CHARS]  # noqa: E731 — the source file keeps the full text
        return {"file": p.source_file, "file_hash": p.source_hash, "project_id": p.id, "project": clip(p.title),
                "unit": clip(p.unit), "level1": clip(ind.level1), "level2": clip(ind.level2), "level3": clip(ind.level3),
                "description": clip(ind.description), "value": clip(ind.value), "row_id": ind.id, "text_hash": text_hash(text)}

    # ---- reading ------------------------------------------------------------

    def similar(self, text: str, k: int = 10, unit: str | None = None) -> list[Neighbour]:
        """Rows nearest to free text (an indicator name, or name + description)."""
        q = normalise_numbers(text.strip())
        vec = self.ef.embed_query([q])[0]
        where = {"unit": unit} if unit else None
        res = self._retry_after_loss(self.collection.query, query_embeddings=[vec], n_results=max(1, k), where=where,
                                     include=["metadatas", "distances"])
        return [_neighbour(u, m, d) for u, m, d in zip(res["ids"][0], res["metadatas"][0], res["distances"][0])]

    def neighbours_for_rows(self, rows: Sequence[tuple[Project, Indicator]], k: int = 10,
                            file_hashes: Iterable[str] | None = None) -> dict[str, list[Neighbour]]:
        """For each (project, row) — already indexed — its k nearest other rows,
        optionally only among rows of the given files (the batch under review).
        Keyed by row_uid. Batched ANN queries: never all pairs."""
        return self._retry_after_loss(self._neighbours_for_rows, rows, k, file_hashes)

    def _neighbours_for_rows(self, rows, k, file_hashes):
        known = {row_uid(p, ind): (p, ind) for p, ind in rows}
        uids = list(known)
        vecs: dict[str, np.ndarray] = {}
        for i in range(0, len(uids), _BATCH):
            got = self.collection.get(ids=uids[i:i + _BATCH], include=["embeddings"])
            vecs.update({u: np.asarray(e, dtype=np.float32) for u, e in zip(got["ids"], got["embeddings"])})
        total = self.collection.count()
        hashes = sorted(set(file_hashes)) if file_hashes is not None else None
        where = None
        if hashes:  # other files share the collection: stay inside the batch's files
            where = {"file_hash": hashes[0]} if len(hashes) == 1 else {"file_hash": {"$in": hashes}}
        n = max(1, min(k + 1, total))
        have = [u for u in uids if u in vecs]
        raw: dict[str, list[tuple[str, float]]] = {}
        for i in range(0, len(have), _BATCH):
            chunk = have[i:i + _BATCH]
            # distances only: fetching metadata for every hit costs more than the search itself
            res = self.collection.query(query_embeddings=[vecs[u] for u in chunk], n_results=n, where=where,
                                        include=["distances"])
            for u, ids, dists in zip(chunk, res["ids"], res["distances"]):
                raw[u] = [(j, d) for j, d in zip(ids, dists) if j != u][:k]
        metas = {u: self._meta(p, ind, embed_text(ind)) for u, (p, ind) in known.items()}
        missing = list({j for hits in raw.values() for j, _ in hits if j not in metas})
        for i in range(0, len(missing), _BATCH):
            got = self.collection.get(ids=missing[i:i + _BATCH], include=["metadatas"])
            metas.update(zip(got["ids"], got["metadatas"]))
        return {u: [_neighbour(j, metas.get(j) or {}, d) for j, d in hits] for u, hits in raw.items()}


def index_projects(projects: Iterable[Project], index: Index | None = None) -> tuple[Index, dict]:
    idx = index or Index()
    return idx, idx.add_projects(projects)
