"""SQLite response cache: config.data_dir()/llm_cache.sqlite.

Key = sha256 of prompt version, model, the parameters that change output
(temperature, max_tokens, response schema) and the rendered messages — not
timeouts or retries. Only validated answers are stored, so a rerun after a
failure asks again, while a rerun after success makes zero calls.

`readonly=True` (cache-only runs, the regression gate) opens an existing file
read-only: a missing file is an error, nothing is created or written."""
from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from pathlib import Path

from ..config import data_dir

MIGRATIONS = [
    """CREATE TABLE IF NOT EXISTS responses (
        key TEXT PRIMARY KEY, prompt_version TEXT, model TEXT, kind TEXT,
        answer TEXT NOT NULL, raw TEXT, prompt_tokens INTEGER, completion_tokens INTEGER, created REAL)""",
]


def cache_key(prompt_version: str, model: str, params: dict, messages: list[dict]) -> str:
    blob = json.dumps({"prompt": prompt_version, "model": model, "params": params, "messages": messages},
                      ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class CacheFileError(ValueError):
    """A read-only cache that is missing or not a response cache (message names the file)."""


def _move_aside(path: Path) -> Path:
    """Rename a damaged database (and its journals) to <name>.damaged-<UTC time>: kept for a look, out of the way."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while aside.exists():
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
        n += 1
    for suffix in ("-wal", "-shm", "-journal"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            extra.replace(aside.with_name(aside.name + suffix))
    if path.exists():
        path.replace(aside)
    return aside


class ResponseCache:
    def __init__(self, path: Path | str | None = None, readonly: bool = False):
        self.path = Path(path) if path else data_dir() / "llm_cache.sqlite"
        self.readonly = readonly
        self.notice = ""  # what the user must hear about the cache file (moved aside, in memory only)
        self._lock = threading.Lock()
        if readonly:
            if not self.path.is_file():
                raise CacheFileError(f"找不到响应缓存文件 {self.path}")
            uri = self.path.resolve().as_uri() + "?mode=ro"
            self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
            try:
                self._db.execute("SELECT key, answer FROM responses LIMIT 1").fetchall()
            except sqlite3.DatabaseError as e:
                self._db.close()
                raise CacheFileError(f"{self.path} 不是 indicator-qa 的响应缓存（{e}）") from None
        else:
            self._db = self._open_writable()

    def _open_writable(self) -> sqlite3.Connection:
        """The cache file, checked (PRAGMA quick_check). A damaged one is moved
        aside and a fresh one started, said in `notice`; when no file can be
        written at all, an in-memory cache serves this run (also said)."""
        try:
            return self._connect_checked(self.path)
        except (sqlite3.Error, OSError) as e:
            cause = f"{type(e).__name__}: {e}"
        try:
            aside = _move_aside(self.path)
            db = self._connect_checked(self.path)
            self.notice = (f"LLM 响应缓存 {self.path} 已损坏（{cause}），已移到 {aside.name} 并重建；"
                           "此前缓存的回答需要重新请求")
            return db
        except (sqlite3.Error, OSError) as e:
            self.notice = (f"LLM 响应缓存 {self.path} 无法使用（{cause}；{type(e).__name__}: {e}），"
                           "本次运行只在内存中缓存回答")
            self.path = Path(":memory:")
            db = sqlite3.connect(":memory:", check_same_thread=False)
            self._db = db
            self._migrate()
            return db

    def _connect_checked(self, path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, check_same_thread=False)
        try:
            rows = db.execute("PRAGMA quick_check").fetchall()
            if rows != [("ok",)]:
                raise sqlite3.DatabaseError("; ".join(str(r[0]) for r in rows[:3]))
            self._db = db
            self._migrate()
        except BaseException:
            db.close()
            raise
        return db

    def _migrate(self) -> None:
        db = self._db
        db.execute("CREATE TABLE IF NOT EXISTS _migrations (n INTEGER PRIMARY KEY)")
        done = {n for (n,) in db.execute("SELECT n FROM _migrations")}
        for n, sql in enumerate(MIGRATIONS):
            if n not in done:
                db.execute(sql)
                db.execute("INSERT INTO _migrations VALUES (?)", (n,))
        db.commit()

    def _failed(self, what: str, e: Exception) -> None:
        """The file broke during the run: a cache miss / an unsaved answer, said once."""
        if not self.notice:
            self.notice = f"LLM 响应缓存 {self.path} {what}失败（{type(e).__name__}: {e}），本次运行未能缓存的回答下次会重新请求"

    def get(self, key: str) -> dict | None:
        try:
            with self._lock:
                row = self._db.execute("SELECT answer FROM responses WHERE key = ?", (key,)).fetchone()
            return json.loads(row[0]) if row else None
        except (sqlite3.Error, ValueError) as e:
            if self.readonly:
                raise CacheFileError(f"响应缓存 {self.path} 无法读取（{e}）") from None
            self._failed("读取", e)
            return None

    def contents(self) -> list[tuple[str, str, int]]:
        """(prompt version, model, answers) held — for messages about a miss."""
        with self._lock:
            return [tuple(r) for r in self._db.execute(
                "SELECT prompt_version, model, COUNT(*) FROM responses GROUP BY 1, 2 ORDER BY 1, 2")]

    def put(self, key: str, answer: dict, *, prompt_version: str, model: str, kind: str, raw: str = "",
            prompt_tokens: int = 0, completion_tokens: int = 0) -> None:
        if self.readonly:
            raise CacheFileError(f"响应缓存 {self.path} 以只读方式打开，不能写入")
        try:
            with self._lock:
                self._db.execute("INSERT OR REPLACE INTO responses VALUES (?,?,?,?,?,?,?,?,?)",
                                 (key, prompt_version, model, kind, json.dumps(answer, ensure_ascii=False), raw,
                                  prompt_tokens, completion_tokens, time.time()))
                self._db.commit()
        except sqlite3.Error as e:  # a full disk: the answer is used now, asked again next time
            try:
                self._db.rollback()
            except sqlite3.Error:
                pass
            self._failed("写入", e)

    def close(self) -> None:
        self._db.close()
