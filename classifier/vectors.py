"""What a second review of the same file needs from the index, kept where it
can be read without chromadb (≈ 1 s to import, ≈ 0.4 s to open) or the
embedding model (≈ 2.5 s to load):

- `VectorCache` (config.data_dir()/vectors.sqlite3): text → vector per embedder.
  A vector is a pure function of (embedder model id, text), so the cache is
  never stale, only incomplete; classifier/index.py writes every vector it
  embeds or reads from Chroma.
- `RowManifest` (inside the local index directory, so it goes when the index
  goes): which row ids this project added to which Chroma collection, under
  which file name. When every row of a batch is listed for the collection now
  in chroma.sqlite3, indexing the batch again would be a no-op and is skipped.

Neither holds review results: labels are computed afresh on every run.
Both are caches: any error reading them means "not there" and the caller
takes the slow path (open the index, embed); any error writing them is
logged and ignored."""
from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from pathlib import Path
from typing import Iterable

import numpy as np

from .config import data_dir

log = logging.getLogger(__name__)

VECTORS_FILE = "vectors.sqlite3"
MANIFEST_FILE = "indicator_qa_rows.sqlite3"
_CHUNK = 500  # parameters per IN (...) query; below SQLite's limit


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def _chunks(items: list, n: int = _CHUNK):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _is_damage(e: BaseException) -> bool:
    """A damaged file (not a database, malformed), as opposed to a busy or full one."""
    name = getattr(e, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or (
        isinstance(e, sqlite3.DatabaseError) and not isinstance(e, sqlite3.OperationalError))


def discard_damaged(path: Path, e: BaseException) -> None:
    """Delete a damaged cache file (and its journals): it is rebuilt on the next
    write, so the user hears about it once, not on every run."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            Path(str(path) + suffix).unlink(missing_ok=True)
        except OSError:
            return
    log.warning("缓存文件 %s 已损坏（%s），已删除并将重建", path, e)


def _connect(path: Path, schema: str) -> sqlite3.Connection:
    try:
        db = sqlite3.connect(path, timeout=10)
        db.executescript(schema)
    except sqlite3.Error as e:
        if not _is_damage(e):
            raise
        discard_damaged(path, e)
        db = sqlite3.connect(path, timeout=10)
        db.executescript(schema)
    return db


def _write(path: Path, schema: str, what: str, write) -> None:
    """write(db) in one transaction. A cache is never worth failing a review for: a
    damaged file is discarded (rebuilt next time), a busy or full one just skipped."""
    try:
        db = _connect(path, schema)
        try:
            with db:
                write(db)
        finally:
            db.close()
    except sqlite3.Error as e:
        if _is_damage(e):
            discard_damaged(path, e)
        else:
            log.info("%s %s not written (%s)", what, path, e)  # busy or full: just a slower next run


class VectorCache:
    """Stored vectors of one embedder (`model_id` names model and size)."""

    SCHEMA = """CREATE TABLE IF NOT EXISTS vectors (
        model TEXT NOT NULL, text_hash TEXT NOT NULL, vec BLOB NOT NULL,
        PRIMARY KEY (model, text_hash)) WITHOUT ROWID;"""

    def __init__(self, model_id: str, path: str | Path | None = None):
        self.model_id = model_id
        self.path = Path(path) if path else data_dir() / VECTORS_FILE

    def get(self, texts: Iterable[str]) -> dict[str, np.ndarray]:
        """The stored vectors among `texts` (missing ones are simply absent)."""
        hashes: dict[str, str] = {}
        for t in texts:
            hashes.setdefault(text_hash(t), t)
        if not hashes or not self.path.exists():
            return {}
        out: dict[str, np.ndarray] = {}
        try:
            db = _connect(self.path, self.SCHEMA)
            try:
                for chunk in _chunks(list(hashes)):
                    q = f"SELECT text_hash, vec FROM vectors WHERE model = ? AND text_hash IN ({','.join('?' * len(chunk))})"
                    for h, blob in db.execute(q, [self.model_id, *chunk]):
                        out[hashes[h]] = np.frombuffer(blob, dtype=np.float32)
            finally:
                db.close()
        except sqlite3.Error as e:
            if _is_damage(e):
                discard_damaged(self.path, e)
            log.info("vector cache %s unreadable (%s); embedding instead", self.path, e)
            return {}
        return out

    def put(self, vectors: dict[str, np.ndarray]) -> None:
        if not vectors:
            return
        rows = [(self.model_id, text_hash(t), np.asarray(v, dtype=np.float32).tobytes()) for t, v in vectors.items()]
        _write(self.path, self.SCHEMA, "vector cache",
               lambda db: db.executemany("INSERT OR IGNORE INTO vectors VALUES (?, ?, ?)", rows))


def collection_id(index_path: Path, name: str) -> str | None:
    """The id of collection `name` in a local Chroma directory, read-only, or
    None when the file is missing, not a database, or not laid out as expected
    (the caller then opens the index with chromadb, which repairs or rebuilds)."""
    db_file = Path(index_path) / "chroma.sqlite3"
    if not db_file.is_file():
        return None
    try:
        db = sqlite3.connect(f"{db_file.as_uri()}?mode=ro", uri=True, timeout=2)
        try:
            row = db.execute("SELECT id FROM collections WHERE name = ?", (name,)).fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None


class RowManifest:
    """Row ids added to a local Chroma collection, as `Index.add_projects` left
    them (a row keeps the file name it was first added under, as in Chroma).

    It also holds the rows a review deferred (`defer`): a local review records
    its rows here, with their texts and metadata (their vectors are in the
    vector cache), and the collection takes them in the next time it is opened
    (`Index` → `pending` / `flushed`). Collection "" stands for the collection
    a fresh index directory does not have yet."""

    SCHEMA = """CREATE TABLE IF NOT EXISTS rows (
        collection TEXT NOT NULL, model TEXT NOT NULL, uid TEXT NOT NULL, file TEXT NOT NULL,
        PRIMARY KEY (collection, model, uid)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS rows_file ON rows (collection, model, file);
        CREATE TABLE IF NOT EXISTS pending (
        uid TEXT PRIMARY KEY, file TEXT NOT NULL, text TEXT NOT NULL, meta TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS pending_files (file TEXT PRIMARY KEY, uids TEXT NOT NULL) WITHOUT ROWID;"""

    def __init__(self, index_path: str | Path):
        self.path = Path(index_path) / MANIFEST_FILE

    def covers(self, collection: str, model: str, uids: set[str], files: set[str]) -> bool:
        """True when every uid is listed and no other row of these files is:
        adding the batch to the index again would add and remove nothing."""
        if not self.path.exists() or not uids:
            return False
        try:
            db = _connect(self.path, self.SCHEMA)
            try:
                found = 0
                for chunk in _chunks(sorted(uids)):
                    q = f"SELECT COUNT(*) FROM rows WHERE collection = ? AND model = ? AND uid IN ({','.join('?' * len(chunk))})"
                    found += db.execute(q, [collection, model, *chunk]).fetchone()[0]
                if found != len(uids):
                    return False
                for chunk in _chunks(sorted(files)):
                    q = f"SELECT uid FROM rows WHERE collection = ? AND model = ? AND file IN ({','.join('?' * len(chunk))})"
                    if any(u not in uids for (u,) in db.execute(q, [collection, model, *chunk])):
                        return False  # a stale row of a re-imported file would be removed
            finally:
                db.close()
        except sqlite3.Error as e:
            if _is_damage(e):
                discard_damaged(self.path, e)
            return False
        return True

    def record(self, collection: str, model: str, rows: dict[str, str], removed: Iterable[str] = ()) -> None:
        """After a successful add: `rows` uid → file now in the collection, `removed` uids deleted from it."""
        def write(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM rows WHERE collection != ? OR model != ?", (collection, model))  # rebuilt since
            for chunk in _chunks(list(removed)):
                db.execute(f"DELETE FROM rows WHERE collection = ? AND uid IN ({','.join('?' * len(chunk))})",
                           [collection, *chunk])
            db.executemany("INSERT OR IGNORE INTO rows VALUES (?, ?, ?, ?)",
                           [(collection, model, u, f) for u, f in rows.items()])

        _write(self.path, self.SCHEMA, "index manifest", write)

    def lists(self, collection: str, model: str) -> bool:
        """Does the manifest list rows of `model` in `collection` (the collection
        was built with that embedder, as far as this manifest knows)?"""
        if not self.path.exists():
            return False
        db = _connect(self.path, self.SCHEMA)
        try:
            return db.execute("SELECT 1 FROM rows WHERE collection = ? AND model = ? LIMIT 1", (collection, model)).fetchone() is not None
        finally:
            db.close()

    def uids_of_files(self, collection: str, model: str, files: set[str]) -> set[str]:
        """Rows listed for these files (what a re-imported file's new rows replace)."""
        if not self.path.exists() or not files:
            return set()
        db = _connect(self.path, self.SCHEMA)
        try:
            out: set[str] = set()
            for chunk in _chunks(sorted(files)):
                q = f"SELECT uid FROM rows WHERE collection = ? AND model = ? AND file IN ({','.join('?' * len(chunk))})"
                out.update(u for (u,) in db.execute(q, [collection, model, *chunk]))
            return out
        finally:
            db.close()

    def defer(self, collection: str, model: str, rows: dict[str, tuple[str, str, dict]],
              batch: dict[str, list[str]], removed: set[str]) -> None:
        """Record a batch as indexed, its rows to be written when the collection
        opens: `rows` uid → (file, text, metadata) of rows the collection lacks,
        `batch` file → every uid of that file now, `removed` uids it replaces.
        One transaction; unlike the caches, a failure raises (the caller then
        writes the batch into the collection at once)."""
        db = _connect(self.path, self.SCHEMA)
        try:
            with db:
                db.execute("DELETE FROM rows WHERE collection != ? OR model != ?", (collection, model))
                for chunk in _chunks(sorted(removed)):
                    marks = ",".join("?" * len(chunk))
                    db.execute(f"DELETE FROM rows WHERE collection = ? AND uid IN ({marks})", [collection, *chunk])
                    db.execute(f"DELETE FROM pending WHERE uid IN ({marks})", chunk)
                db.executemany("INSERT OR REPLACE INTO pending VALUES (?, ?, ?, ?)",
                               [(u, f, t, json.dumps(m, ensure_ascii=False)) for u, (f, t, m) in rows.items()])
                db.executemany("INSERT OR REPLACE INTO pending_files VALUES (?, ?)",
                               [(f, json.dumps(sorted(us))) for f, us in batch.items()])
                db.executemany("INSERT OR IGNORE INTO rows VALUES (?, ?, ?, ?)",
                               [(collection, model, u, f) for f, us in batch.items() for u in us])
        finally:
            db.close()

    def pending(self) -> tuple[dict[str, tuple[str, str, dict]], dict[str, list[str]]]:
        """The deferred rows (uid → file, text, metadata) and files (file → its uids)."""
        if not self.path.exists():
            return {}, {}
        db = _connect(self.path, self.SCHEMA)
        try:
            rows = {u: (f, t, json.loads(m)) for u, f, t, m in db.execute("SELECT uid, file, text, meta FROM pending")}
            files = {f: json.loads(us) for f, us in db.execute("SELECT file, uids FROM pending_files")}
            return rows, files
        finally:
            db.close()

    def flushed(self, collection: str, model: str, rows: dict[str, tuple[str, str, dict]],
                files: dict[str, list[str]], removed: Iterable[str]) -> None:
        """The collection `collection` now holds what `pending` returned: list its
        rows under it, and drop exactly those pending entries (another review may
        have deferred more meanwhile)."""
        def write(db: sqlite3.Connection) -> None:
            db.execute("UPDATE OR REPLACE rows SET collection = ? WHERE collection = '' AND model = ?", (collection, model))
            db.execute("DELETE FROM rows WHERE collection != ? OR model != ?", (collection, model))
            for chunk in _chunks(list(removed)):
                db.execute(f"DELETE FROM rows WHERE collection = ? AND uid IN ({','.join('?' * len(chunk))})",
                           [collection, *chunk])
            db.executemany("INSERT OR IGNORE INTO rows VALUES (?, ?, ?, ?)",
                           [(collection, model, u, f) for u, (f, _, _) in rows.items()])
            for chunk in _chunks(list(rows)):
                db.execute(f"DELETE FROM pending WHERE uid IN ({','.join('?' * len(chunk))})", chunk)
            db.executemany("DELETE FROM pending_files WHERE file = ? AND uids = ?",
                           [(f, json.dumps(sorted(us))) for f, us in files.items()])

        _write(self.path, self.SCHEMA, "index manifest", write)


# ---- vectors shipped with the package ------------------------------------------
# classifier/data/library_vectors.npz holds the vectors of the indicator
# library's gold texts (every labelled set's names, classifier/library.py),
# computed when the package is built by scripts/build_library_vectors.py — never
# downloaded. A first review would otherwise embed ~1,100 texts before its first
# rewrite. Keyed like VectorCache (model id + text hash): a vector is a pure
# function of both, so an edited labelled set makes the file incomplete, never wrong.

SHIPPED_FILE = Path(__file__).resolve().parent / "data" / "library_vectors.npz"
_SHIPPED: dict[str, dict[str, np.ndarray]] = {}


def shipped_vectors(model_id: str, texts: Iterable[str], path: Path | None = None) -> dict[str, np.ndarray]:
    """The shipped vectors among `texts` for this embedder (none for another one)."""
    path = Path(path) if path else SHIPPED_FILE
    key = f"{path}\x1f{model_id}"
    if key not in _SHIPPED:
        _SHIPPED[key] = {}
        try:
            with np.load(path, allow_pickle=False) as z:
                if str(z["model"]) == model_id:
                    vecs = np.asarray(z["vectors"], dtype=np.float32)
                    _SHIPPED[key] = {str(h): vecs[i] for i, h in enumerate(z["hashes"])}
        except (OSError, KeyError, ValueError) as e:  # absent or unreadable: embed instead
            log.info("shipped vectors %s not used (%s)", path, e)
    table = _SHIPPED[key]
    if not table:
        return {}
    out = {}
    for t in texts:
        v = table.get(text_hash(t))
        if v is not None:
            out[t] = v
    return out


def write_shipped(path: Path, model_id: str, vectors: dict[str, np.ndarray]) -> None:
    """Used by scripts/build_library_vectors.py."""
    texts = sorted(vectors)
    np.savez_compressed(path, model=np.array(model_id), hashes=np.array([text_hash(t) for t in texts]),
                        vectors=np.stack([np.asarray(vectors[t], dtype=np.float32) for t in texts]))
    _SHIPPED.clear()
