"""Chroma index of every indicator row: similar-row search, and the stored
vectors behind copy-paste clusters (classifier/clusters.py).

Storage: a persistent Chroma directory (default <data dir>/index, or
INDICATOR_QA_INDEX_DIR), or a shared Chroma server when INDICATOR_QA_CHROMA_HOST
(and INDICATOR_QA_CHROMA_PORT) are set — see README "Sharing one index".

Rows are keyed by a content hash of (file hash, row id, row text), so indexing
the same file again embeds nothing; a re-imported file (same name, new content)
replaces its old rows; a row whose embedded text is already stored under another
id reuses that vector instead of calling the model.

chromadb is imported only when the index is opened: `batch_vectors` answers a
batch whose rows are all indexed and whose vectors are all stored from
classifier/vectors.py alone (a warm review of an unchanged file)."""
from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np

from .config import data_dir
from .embeddings import EMBEDDER_CLASSES, embed_text, get_embedder, normalise_numbers
from .models import Indicator, Project
from .vectors import RowManifest, VectorCache, collection_id, text_hash

log = logging.getLogger(__name__)

COLLECTION = "indicators"
SCHEMA = 1  # bump when ids or metadata change meaning: a mismatch rebuilds the collection
_BATCH = 1000  # rows per add/query/get call; well below Chroma's max batch size
_QUERY_RESULTS = 8000  # query embeddings × n_results per query call (see Index.nearest_rows)
_WHERE_FILES = 500  # file hashes per `$in` filter
_META_CHARS = 2000  # per metadata field; a pasted document stays in the source file, not the index
_MEMO_MAX = 20000  # texts whose vectors a process keeps (≈ 40 MB at 512 d) across Index instances
_MEMO: dict[tuple[str, str], np.ndarray] = {}
_EMBED_BATCH = 256  # texts per embedding call, sorted by length (USE pads a batch to its longest text)


def index_dir() -> Path:
    env = os.environ.get("INDICATOR_QA_INDEX_DIR")
    return Path(env) if env else data_dir() / "index"


MARKER_FILE = ".indicator-qa-index"  # written into every directory this project creates an index in
# What a local index directory holds when Chroma and this project made it: the
# SQLite file (with its journals), one UUID-named folder per HNSW segment, the
# row manifest (classifier/vectors.py) and the marker. Nothing else is ever deleted.
_CHROMA_FILE = re.compile(r"^chroma\.sqlite3(-wal|-shm|-journal)?$")
_SEGMENT_DIR = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class IndexRefused(RuntimeError):
    """The index directory is damaged and holds files the index did not create:
    nothing was deleted, the review goes on without the index (message says so)."""


def _owned_entry(entry: Path) -> bool:
    from .vectors import MANIFEST_FILE

    name = entry.name
    if entry.is_symlink():
        return False
    if entry.is_file():
        return bool(_CHROMA_FILE.match(name)) or name in (MANIFEST_FILE, MARKER_FILE) or \
            name.startswith(MANIFEST_FILE + "-")
    if entry.is_dir() and _SEGMENT_DIR.match(name):
        # an HNSW segment folder holds only Chroma's flat files, never sub-folders
        return all(c.is_file() and not c.is_symlink() for c in entry.iterdir())
    return False


def foreign_entries(path: Path) -> list[str]:
    """Names in an index directory that neither Chroma nor this project created."""
    if not path.is_dir():
        return []
    return sorted(e.name for e in path.iterdir() if not _owned_entry(e))


def _ours(path: Path) -> bool:
    """True when this project created the index in `path`: the marker is there,
    or it is the default location inside the data dir (always ours)."""
    return (path / MARKER_FILE).is_file() or (not os.environ.get("INDICATOR_QA_INDEX_DIR")
                                               and path.resolve() == (data_dir() / "index").resolve())


def clear_index_dir(path: Path) -> None:
    """Delete what the index created in `path`, and only that. Raises IndexRefused
    (deleting nothing) when the folder is not ours or holds anything else."""
    path = Path(path)
    if not path.exists():
        return
    foreign = foreign_entries(path)
    if foreign or not _ours(path):
        shown = "、".join(foreign[:5]) + (f" 等 {len(foreign)} 项" if len(foreign) > 5 else "")
        why = f"其中还有不属于索引的文件（{shown}）" if foreign else f"该目录不是 indicator-qa 建立的（没有 {MARKER_FILE}）"
        raise IndexRefused(f"索引目录 {path} 无法使用，且{why}：为保护这些文件，没有删除任何东西。"
                           "请把 INDICATOR_QA_INDEX_DIR 指向一个空目录或新目录")
    for e in path.iterdir():
        if e.name == MARKER_FILE:
            continue
        if e.is_dir():
            shutil.rmtree(e)
        else:
            e.unlink(missing_ok=True)


def _claim(path: Path) -> None:
    """Mark `path` as an index directory of this project, so a later rebuild may
    clear it. Only an empty (or new) folder is claimed; a folder with other
    files is refused before Chroma writes anything into it."""
    path.mkdir(parents=True, exist_ok=True)
    if (path / MARKER_FILE).is_file():
        return
    if (path / "chroma.sqlite3").exists():
        return  # an index made before markers existed: used as it is, adopted when it opens as ours
    foreign = foreign_entries(path)
    if foreign:
        shown = "、".join(foreign[:5]) + (f" 等 {len(foreign)} 项" if len(foreign) > 5 else "")
        raise IndexRefused(f"索引目录 {path} 里已有其他文件（{shown}），不在其中建立索引。"
                           "请把 INDICATOR_QA_INDEX_DIR 指向一个空目录或新目录")
    if not any(path.iterdir()) or _ours(path):
        (path / MARKER_FILE).write_text("indicator-qa embeddings index: files here may be rebuilt\n", encoding="utf-8")


def local_index_dir() -> Path | None:
    """The index directory, or None when a Chroma server holds the index."""
    return None if os.environ.get("INDICATOR_QA_CHROMA_HOST") else index_dir()


def row_uid(p: Project, ind: Indicator) -> str:
    """Chroma id: content hash of (file hash, row id, row text)."""
    text = "\x1f".join((p.source_hash or p.source_file, ind.id, ind.level1, ind.level2, ind.level3, ind.description, ind.value))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


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


_ADAPTERS: dict[type, type] = {}


def chroma_embedding_function(embedder):
    """One of our embedders (classifier/embeddings.py) as a registered Chroma
    EmbeddingFunction: pass this, not the embedder, as a collection's
    `embedding_function`. Every adapter is registered under its embedder's
    `name()` (indicator_qa_usem3, …) first, so collections built with any of
    them open as before."""
    wait_for_chromadb()
    from chromadb.api.types import Documents, EmbeddingFunction
    from chromadb.utils.embedding_functions import register_embedding_function

    def adapter(cls: type) -> type:
        ef_name = cls.name() if hasattr(cls, "name") else f"indicator_qa_{cls.__name__.lower()}"

        class ChromaAdapter(EmbeddingFunction[Documents]):
            def __init__(self, inner):
                self.inner = inner

            def __call__(self, input: Documents):
                return self.inner(input)

            def embed_query(self, input: Documents):
                return self.inner.embed_query(input) if hasattr(self.inner, "embed_query") else self.inner(input)

            @staticmethod
            def name() -> str:
                return ef_name

            def default_space(self):
                return "cosine"

            def get_config(self) -> dict:
                return self.inner.get_config() if hasattr(self.inner, "get_config") else {}

            @staticmethod
            def build_from_config(config: dict):
                return ChromaAdapter(cls.build_from_config(config) if hasattr(cls, "build_from_config") else cls())

        ChromaAdapter.__name__ = ChromaAdapter.__qualname__ = f"Chroma{cls.__name__}"
        return register_embedding_function(ChromaAdapter)

    for cls in (*EMBEDDER_CLASSES, type(embedder)):
        if cls not in _ADAPTERS:
            _ADAPTERS[cls] = adapter(cls)
    return _ADAPTERS[type(embedder)](embedder)


def _client(path: Path | None = None):
    wait_for_chromadb()
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False, allow_reset=True)
    host = os.environ.get("INDICATOR_QA_CHROMA_HOST")
    if host:
        port = int(os.environ.get("INDICATOR_QA_CHROMA_PORT") or 8000)
        return chromadb.HttpClient(host=host, port=port, settings=settings)
    path = Path(path) if path else index_dir()
    _claim(path)
    return chromadb.PersistentClient(path=str(path), settings=settings)


class Index:
    """One Chroma collection of indicator rows embedded by one embedder.

    `messages` collects what the user should hear about (rebuilds and why)."""

    def __init__(self, path: str | Path | None = None, embedder=None, client=None):
        wait_for_chromadb()
        self.path = Path(path) if path else local_index_dir()
        self.ef = embedder or get_embedder()
        self._chroma_ef = chroma_embedding_function(self.ef)
        self.cache = VectorCache(self.ef.model_id)
        self.messages: list[str] = []
        self.client = client or self._open_client()
        self.collection = self._open_collection()
        self.catch_up()

    def catch_up(self) -> int:
        """Rows local reviews deferred (batch_vectors) come in before anyone reads:
        on opening and before every query, since an index held open (the app's)
        outlives the reviews that defer rows to it."""
        return self._retry_after_loss(self._flush_pending) if self.path is not None else 0

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
        except IndexRefused:
            raise
        except Exception as e:
            if self.path is None:  # a server: nothing of ours to delete
                raise
            from chromadb.api.client import SharedSystemClient

            SharedSystemClient.clear_system_cache()
            clear_index_dir(self.path)  # IndexRefused when the folder holds anything else
            self._say(f"索引目录 {self.path} 无法打开（{type(e).__name__}: {e}），已清空重建。")
            return _client(self.path)

    def _want_meta(self) -> dict:
        return {"embedder": self.ef.model_id, "dim": int(self.ef.dim), "schema": SCHEMA, "hnsw:space": "cosine"}

    def _create(self):
        try:
            return self.client.create_collection(COLLECTION, metadata=self._want_meta(), embedding_function=self._chroma_ef)
        except Exception:  # sharded reviews on one server: another client created it in between
            col = self.client.get_collection(COLLECTION, embedding_function=self._chroma_ef)
            have = col.metadata or {}
            if (have.get("embedder"), have.get("dim")) != (self.ef.model_id, int(self.ef.dim)):
                raise
            return col

    def _open_collection(self):
        want = self._want_meta()
        try:
            col = self.client.get_collection(COLLECTION, embedding_function=self._chroma_ef)
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
        self._adopt()
        return col

    def _adopt(self) -> None:
        """An index of ours from before markers existed (our collection, our
        metadata, nothing else in the folder) gets its marker now."""
        p = self.path
        if p is not None and p.is_dir() and not (p / MARKER_FILE).exists() and not foreign_entries(p):
            try:
                (p / MARKER_FILE).write_text("indicator-qa embeddings index: files here may be rebuilt\n", encoding="utf-8")
            except OSError:
                pass  # a read-only folder: it stays unmarked, and so is never cleared

    def _retry_after_loss(self, fn, *args, **kwargs):
        """Run fn; if the directory vanished or broke under us, rebuild once and retry."""
        if self.path is not None and not (self.path / "chroma.sqlite3").exists():
            self._say(f"索引目录 {self.path} 已被删除，已重建。")
            self.client = self._open_client()
            self.collection = self._open_collection()
        try:
            return fn(*args, **kwargs)
        except Exception as e:
            if self.path is None and _segment_not_ready(e):
                return _retry_segment(fn, *args, **kwargs)
            if self.path is None or self._healthy():  # not the directory's fault: never wipe a good index
                raise
            from chromadb.api.client import SharedSystemClient

            SharedSystemClient.clear_system_cache()
            clear_index_dir(self.path)  # IndexRefused when the folder holds anything else
            self._say(f"索引目录 {self.path} 已损坏或被删除（{type(e).__name__}），已重建。")
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
        self.catch_up()
        return self.collection.count()

    def add_projects(self, projects: Iterable[Project], known: dict[str, np.ndarray] | None = None) -> dict:
        """Index every row; returns counts {rows, added, embedded, reused, removed}.
        `known`: vectors the caller already has for some texts (a prefetch)."""
        return self._retry_after_loss(self._add_projects, list(projects), known)

    def _add_projects(self, projects: list[Project], known: dict[str, np.ndarray] | None = None) -> dict:
        rows = [(p, ind) for p in projects for ind in p.indicators]
        uids = [row_uid(p, ind) for p, ind in rows]
        # A re-imported file (same name, other bytes) replaces its old rows.
        keep = set(uids)
        files = {f: keep for f in sorted({p.source_file for p in projects if p.source_file})}
        by_uid = {u: (p, ind) for u, (p, ind) in zip(uids, rows)}  # one file read twice in a batch

        def entries(missing: list[str]):
            texts = [embed_text(by_uid[u][1]) for u in missing]
            vectors, reused = self._vectors_for(texts, known)
            counts["embedded"], counts["reused"] = len(set(texts)) - reused, reused
            return [(u, t, self._meta(*by_uid[u], t)) for u, t in zip(missing, texts)], vectors

        counts = {"embedded": 0, "reused": 0}
        added, stale = self._replace_rows(list(by_uid), files, entries)
        if self.path is not None:  # a local directory: remember what it now holds (see batch_vectors)
            RowManifest(self.path).record(str(self.collection.id), self.ef.model_id,
                                          {u: p.source_file for u, (p, _) in zip(uids, rows)}, removed=stale)
        return {"rows": len(rows), "added": added, **counts, "removed": len(stale)}

    def _flush_pending(self) -> int:
        """Write what reviews deferred into the collection (RowManifest.defer):
        a re-imported file's old rows out, the missing rows in, with their vectors
        from the vector cache (embedded again only if the cache lost them)."""
        manifest = RowManifest(self.path)
        rows, files = manifest.pending()
        if not rows and not files:
            return 0
        def entries(missing: list[str]):
            vectors, _ = self._vectors_for([rows[u][1] for u in missing])
            return [(u, rows[u][1], rows[u][2]) for u in missing], vectors

        added, stale = self._replace_rows(list(rows), {f: set(k) for f, k in files.items()}, entries)
        manifest.flushed(str(self.collection.id), self.ef.model_id, rows, files, stale)
        return added

    def _replace_rows(self, uids: list[str], files: dict[str, set[str]], entries) -> tuple[int, list[str]]:
        """The one write path of the collection: drop each file's rows not in its
        keep set, then add the uids it lacks. `entries(missing)` gives
        ([(uid, text, metadata)], {text: vector}) for those only, so nothing is
        embedded for rows already there. Returns (rows added, uids dropped)."""
        col = self.collection
        present: set[str] = set()
        for i in range(0, len(uids), _BATCH):
            present.update(col.get(ids=uids[i:i + _BATCH], include=[])["ids"])
        stale_all: list[str] = []
        for file, keep in sorted(files.items()):
            stale = [u for u in col.get(where={"file": file}, include=[])["ids"] if u not in keep]
            for i in range(0, len(stale), _BATCH):
                col.delete(ids=stale[i:i + _BATCH])
            stale_all += stale
        new, vectors = entries([u for u in uids if u not in present])
        for i in range(0, len(new), _BATCH):
            chunk = new[i:i + _BATCH]
            col.add(ids=[u for u, _, _ in chunk], embeddings=[vectors[t] for _, t, _ in chunk],
                    documents=[t for _, t, _ in chunk], metadatas=[m for _, _, m in chunk])
        return len(new), stale_all

    def add_read(self, read) -> dict:
        return self.add_projects(read.projects)

    def vectors(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """text → vector for each text (stored ones reused, the rest embedded)."""
        return self._retry_after_loss(self._vectors_for, texts)[0]

    def _vectors_for(self, texts: Sequence[str], known: dict[str, np.ndarray] | None = None) -> tuple[dict[str, np.ndarray], int]:
        """text → vector, reusing vectors already stored for the same text (`known`,
        this process, the vector cache, the collection); and how many were reused."""
        unique = list(dict.fromkeys(texts))
        model = self.ef.model_id
        known = known or {}
        out: dict = {t: known[t] for t in unique if t in known}
        # this process embedded it already (another index, a test, the app's rerun)
        out.update({t: _MEMO[(model, t)] for t in unique if t not in out and (model, t) in _MEMO})
        out.update(self.cache.get(t for t in unique if t not in out))
        hashes = {text_hash(t): t for t in unique if t not in out}
        hlist = list(hashes)
        from_chroma: dict = {}
        for i in range(0, len(hlist), _BATCH):
            got = self.collection.get(where={"text_hash": {"$in": hlist[i:i + _BATCH]}}, include=["embeddings", "metadatas"])
            for emb, meta in zip(got["embeddings"], got["metadatas"]):
                t = hashes.get(meta.get("text_hash"))
                if t is not None and t not in from_chroma:
                    from_chroma[t] = np.asarray(emb, dtype=np.float32)
        out.update(from_chroma)
        reused = len(out)
        # Texts of similar length in one batch: USE pads a batch to its longest
        # text, so sorted batches can be large without paying for padding.
        todo = sorted((t for t in unique if t not in out), key=len)
        embedded: dict = {}
        for i in range(0, len(todo), _EMBED_BATCH):
            batch = todo[i:i + _EMBED_BATCH]
            for t, v in zip(batch, self.ef(batch)):
                v = np.asarray(v, dtype=np.float32)
                out[t] = embedded[t] = _MEMO.setdefault((model, t), v) if len(_MEMO) < _MEMO_MAX else v
        self.cache.put(from_chroma | embedded)
        return out, reused

    @staticmethod
    def _meta(p: Project, ind: Indicator, text: str) -> dict:
        clip = lambda t: (t or "")[:_META_CHARS]  # noqa: E731 — the source file keeps the full text
        return {"file": p.source_file, "file_hash": p.source_hash, "project_id": p.id, "project": clip(p.title),
                "unit": clip(p.unit), "level1": clip(ind.level1), "level2": clip(ind.level2), "level3": clip(ind.level3),
                "description": clip(ind.description), "value": clip(ind.value), "row_id": ind.id, "text_hash": text_hash(text)}

    # ---- reading ------------------------------------------------------------

    def nearest_rows(self, vectors: Sequence[np.ndarray], n: int,
                     file_hashes: Iterable[str] | None = None) -> Iterator[list[tuple[str, float]]]:
        """Batched ANN queries (HNSW, never all pairs): for each vector, in order,
        its n nearest rows as (row uid, cosine distance), optionally only among
        the given files. A generator: results are consumed chunk by chunk, never
        held for the whole batch.

        Every call stays inside the backend's limits whatever the batch: Chroma
        resolves each call's results in single SQL statements (SQLite allows
        32,766 variables — 1,000 queries × 111 results once failed with "too many
        SQL variables"), so a call asks for at most _QUERY_RESULTS results; a
        file filter names at most _WHERE_FILES files, more files are queried
        group by group and the hits merged, nearest first."""
        hashes = sorted(set(file_hashes or ()))
        groups: list[list[str]] = [hashes[i:i + _WHERE_FILES] for i in range(0, len(hashes), _WHERE_FILES)] or [[]]
        n = max(1, min(n, self.count(), _QUERY_RESULTS))
        per_call = max(1, min(self._max_batch(), _QUERY_RESULTS // n))
        for i in range(0, len(vectors), per_call):
            chunk = [np.asarray(v, dtype=np.float32) for v in vectors[i:i + per_call]]
            merged: list[list[tuple[str, float]]] = [[] for _ in chunk]
            for group in groups:
                where = None
                if group:
                    where = {"file_hash": group[0]} if len(group) == 1 else {"file_hash": {"$in": group}}
                res = self._retry_after_loss(self.collection.query, query_embeddings=chunk, n_results=n,
                                             where=where, include=["distances"])
                for hits, ids, ds in zip(merged, res["ids"], res["distances"]):
                    hits.extend(zip(ids, map(float, ds)))
            for hits in merged:
                yield sorted(hits, key=lambda h: h[1])[:n] if len(groups) > 1 else hits

    def _max_batch(self) -> int:
        """Chroma's own limit on embeddings per call (its SQLite build decides it)."""
        try:
            return min(_BATCH, int(self.client.get_max_batch_size()))
        except Exception:  # an older client or server without the call
            return _BATCH

    def similar(self, text: str, k: int = 10, unit: str | None = None) -> list[Neighbour]:
        """Rows nearest to free text (an indicator name, or name + description)."""
        self.catch_up()
        q = normalise_numbers(text.strip())
        vec = self.ef.embed_query([q])[0]
        where = {"unit": unit} if unit else None
        # The same table may be indexed from several files (a .docx and its text
        # export, or the labelled set): ask for more and keep one hit per row.
        res = self._retry_after_loss(self.collection.query, query_embeddings=[vec],
                                     n_results=max(1, min(3 * k, self.collection.count())),
                                     where=where, include=["metadatas", "distances"])
        out: dict[tuple, Neighbour] = {}
        for u, m, d in zip(res["ids"][0], res["metadatas"][0], res["distances"][0]):
            n = _neighbour(u, m, d)
            out.setdefault((n.unit, n.project, n.level3, n.description, n.value), n)
        return list(out.values())[:k]


def index_projects(projects: Iterable[Project], index: Index | None = None) -> tuple[Index, dict]:
    idx = index or Index()
    return idx, idx.add_projects(projects)


def stored_vectors(projects: Iterable[Project], embedder=None, *, preload: bool = True) -> dict[str, np.ndarray]:
    """The vectors already stored (this process, the vector cache) for the
    batch's distinct texts. When some are missing and `preload`, a background
    thread loads the embedding model and embeds them (`Prefetch`), and another
    imports chromadb, while the caller goes on (reading, rules): a cold review
    no longer waits for them one after the other, and the forward pass (numpy,
    which lets go of the GIL) overlaps the import and the rules on the second
    core. Pass the result to `batch_vectors(stored=...)`, which takes the
    prefetched vectors in."""
    global _PREFETCH
    ef = embedder or get_embedder()
    texts = list(dict.fromkeys(embed_text(ind) for p in projects for ind in p.indicators))
    model = ef.model_id
    vectors = {t: _MEMO[(model, t)] for t in texts if (model, t) in _MEMO}
    vectors.update(VectorCache(model).get(t for t in texts if t not in vectors))
    if preload and len(vectors) < len(texts):
        from .clusters import EXACT_LIMIT

        _PREFETCH = Prefetch(ef, [t for t in texts if t not in vectors])
        global _CHROMA_IMPORT
        # a local index defers a batch clustered in memory (batch_vectors): chromadb is not needed then
        opens_index = local_index_dir() is None or len(texts) > EXACT_LIMIT
        if opens_index and _CHROMA_IMPORT is None and "chromadb" not in sys.modules:
            _CHROMA_IMPORT = threading.Thread(target=_import_chromadb, name="import-chromadb", daemon=True)
            _CHROMA_IMPORT.start()
    return vectors


class Prefetch:
    """The vectors of `texts`, embedded by `embedder` in a background thread and
    written to the vector cache (so the warm run finds them). `take()` helps:
    the caller's thread embeds the batches still waiting alongside the background
    one (numpy lets go of the GIL: two forward passes on two cores), then waits
    and returns them. A failure leaves the texts to the index's own embedding
    path, which reports it where it is handled."""

    CHUNK = 64  # texts per piece of work: small enough for two threads to share the tail

    def __init__(self, embedder, texts: list[str], *, start: bool = True):
        self.embedder, self.model = embedder, embedder.model_id
        # similar lengths per piece (USE pads to the longest); a stable order, never a set's: the
        # pieces decide the float rounding of each vector, which must not change with the hash seed
        todo = sorted(dict.fromkeys(texts), key=len)
        self.pieces = [todo[i:i + self.CHUNK] for i in range(0, len(todo), self.CHUNK)]
        self.next = 0
        self.lock = threading.Lock()
        self.out: dict[str, np.ndarray] = {}
        self.error: Exception | None = None
        self.thread = threading.Thread(target=self._work, name="embed-batch", daemon=True)
        if start:
            self.thread.start()

    def _work(self) -> None:
        while self.error is None:
            with self.lock:
                if self.next >= len(self.pieces):
                    return
                piece = self.pieces[self.next]
                self.next += 1
            try:
                vecs = self.embedder(piece)
            except Exception as e:  # noqa: BLE001 — said by `take`'s caller or the index
                self.error = e
                log.info("background embedding failed (%s); the index embeds what is missing", e)
                return
            for t, v in zip(piece, vecs):
                v = np.asarray(v, dtype=np.float32)
                # first vector of a text wins in this process: another thread may have embedded it in
                # another batch (other float rounding), and the vector cache keeps the first one too
                self.out[t] = _MEMO.setdefault((self.model, t), v) if len(_MEMO) < _MEMO_MAX else v

    @classmethod
    def now(cls, embedder, texts: list[str]) -> dict[str, np.ndarray]:
        """The same, in this thread (errors raise)."""
        pf = cls(embedder, texts, start=False)
        pf._work()
        if pf.error is not None:
            raise pf.error
        VectorCache(pf.model).put(pf.out)
        return pf.out

    def texts(self) -> set[str]:
        """Every text this prefetch embeds (or has embedded)."""
        return {t for piece in self.pieces for t in piece}

    def take(self, model: str) -> dict[str, np.ndarray]:
        if model != self.model:
            return {}
        self._work()  # share what is left, then wait for the piece the background thread holds
        self.thread.join()
        VectorCache(self.model).put(self.out)
        return self.out


_PREFETCH: Prefetch | None = None


def prefetch_running() -> bool:
    """Is `stored_vectors` embedding the batch in the background now?"""
    return _PREFETCH is not None


def prefetching() -> set[str]:
    """The texts the running prefetch embeds: others embedding meanwhile leave them to it."""
    return _PREFETCH.texts() if _PREFETCH is not None else set()


def take_prefetched(model: str) -> dict[str, np.ndarray]:
    """What the last `stored_vectors` prefetched for `model` (once: it is then dropped)."""
    global _PREFETCH
    pf, _PREFETCH = _PREFETCH, None
    return pf.take(model) if pf is not None else {}


_CHROMA_IMPORT: threading.Thread | None = None


def _import_chromadb() -> None:
    try:
        import chromadb  # noqa: F401
    except Exception as e:  # opening the index will say why, where it is handled
        log.info("background import of chromadb failed: %s", e)


def wait_for_chromadb() -> None:
    """Every use of chromadb waits for the background import first: chromadb's
    package imports its parts lazily, and a second thread importing it meanwhile
    sees a partially initialised module (a circular-import error)."""
    t = _CHROMA_IMPORT
    if t is not None and t.is_alive():
        t.join()


def batch_vectors(projects: Iterable[Project], embedder=None, messages: list[str] | None = None,
                  stored: dict[str, np.ndarray] | None = None, defer: bool = False) -> dict[str, np.ndarray]:
    """`embed_text` → vector for every row of the batch, with the batch indexed.
    What the index says (rebuilds and why) is appended to `messages`, also when
    it then fails.

    When the index is a local directory, the manifest lists every row of the
    batch for the collection that directory holds now, and the vector cache has
    every text, neither chromadb nor the embedding model is touched (the warm
    review). With `defer` (a batch whose clusters need no index query), a local
    index records the batch in its manifest and takes the rows in when it is next
    opened: chromadb is not imported at all (a third of a cold review). Otherwise
    the index is opened (an exception if it cannot be) and the batch added, which
    embeds only what no one has embedded before."""
    projects = list(projects)
    ef = embedder or get_embedder()
    rows = [(p, ind) for p in projects for ind in p.indicators]
    texts = list(dict.fromkeys(embed_text(ind) for _, ind in rows))
    vectors = dict(stored) if stored is not None else stored_vectors(projects, ef, preload=False)
    model = ef.model_id
    if stored is not None:
        vectors.update(take_prefetched(model))
    path = local_index_dir()
    if path is not None and len(vectors) == len(texts):
        col = collection_id(path, COLLECTION)
        files = {p.source_file for p in projects if p.source_file}
        if col and RowManifest(path).covers(col, model, {row_uid(p, ind) for p, ind in rows}, files):
            return vectors
    if path is not None and defer:
        done = _defer_batch(path, ef, rows, texts, vectors)
        if done is not None:
            return done
    idx = Index(embedder=ef)
    try:
        idx.add_projects(projects, known=vectors)
        return idx.vectors(texts) if len(vectors) < len(texts) else {t: vectors[t] for t in texts}
    finally:
        if messages is not None:
            messages.extend(idx.messages)


def _defer_batch(path: Path, ef, rows: list[tuple[Project, Indicator]], texts: list[str],
                 vectors: dict[str, np.ndarray]) -> dict[str, np.ndarray] | None:
    """Index the batch by recording it in the local manifest (see batch_vectors);
    None when that cannot be done here (an index directory in a state only
    chromadb can judge, a refused folder, a manifest that cannot be written):
    the caller opens the index as before, which reports what is wrong."""
    fresh = not (path / "chroma.sqlite3").exists()
    col = "" if fresh else collection_id(path, COLLECTION)
    if col is None:
        return None
    try:
        if not fresh and not RowManifest(path).lists(col, ef.model_id):
            return None  # a collection of another embedder (or unknown to the manifest): opening it rebuilds and says so
        if fresh:
            _claim(path)
        missing = [t for t in texts if t not in vectors]
        if missing:
            vectors = vectors | Prefetch.now(ef, missing)
        model = ef.model_id
        manifest = RowManifest(path)
        files = {p.source_file for p, _ in rows if p.source_file}
        batch: dict[str, list[str]] = {}
        entries: dict[str, tuple[str, str, dict]] = {}
        for p, ind in rows:
            u = row_uid(p, ind)
            batch.setdefault(p.source_file, []).append(u)
            t = embed_text(ind)
            entries.setdefault(u, (p.source_file, t, Index._meta(p, ind, t)))
        keep = set(entries)
        removed = {u for u in manifest.uids_of_files(col, model, files) if u not in keep}
        manifest.defer(col, model, entries, batch, removed)
    except Exception as e:  # noqa: BLE001 — the index's own path says what is wrong
        log.info("deferring the batch to the index failed (%s); writing it now", e)
        return None
    return {t: vectors[t] for t in texts}


def _segment_not_ready(e: Exception) -> bool:
    """A Chroma server answers a query on a collection another process is still
    writing (parallel shards on one server) with "Error creating hnsw segment reader:
    Nothing found on disk" until the vector segment is flushed: wait, don't degrade."""
    text = str(e)
    return "Nothing found on disk" in text or "hnsw segment reader" in text


def _retry_segment(fn, *args, **kwargs):
    import time

    last: Exception | None = None
    for delay in (0.5, 1.0, 2.0, 4.0, 8.0):
        time.sleep(delay)
        try:
            return fn(*args, **kwargs)
        except Exception as e:  # noqa: PERF203 — a bounded wait for the server's segment
            if not _segment_not_ready(e):
                raise
            last = e
    raise last
