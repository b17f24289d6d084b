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


class ResponseCache:
    def __init__(self, path: Path | str | None = None, readonly: bool = False):
        self.path = Path(path) if path else data_dir() / "llm_cache.sqlite"
        self.readonly = readonly
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
            self._db = sqlite3.connect(self.path, check_same_thread=False)
            self._migrate()

    def _migrate(self) -> None:
        db = self._db
        db.execute("CREATE TABLE IF NOT EXISTS _migrations (n INTEGER PRIMARY KEY)")
        done = {n for (n,) in db.execute("SELECT n FROM _migrations")}
        for n, sql in enumerate(MIGRATIONS):
            if n not in done:
                db.execute(sql)
                db.execute("INSERT INTO _migrations VALUES (?)", (n,))
        db.commit()

    def get(self, key: str) -> dict | None:
        with self._lock:
            row = self._db.execute("SELECT answer FROM responses WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def contents(self) -> list[tuple[str, str, int]]:
        """(prompt version, model, answers) held — for messages about a miss."""
        with self._lock:
            return [tuple(r) for r in self._db.execute(
                "SELECT prompt_version, model, COUNT(*) FROM responses GROUP BY 1, 2 ORDER BY 1, 2")]

    def put(self, key: str, answer: dict, *, prompt_version: str, model: str, kind: str, raw: str = "",
            prompt_tokens: int = 0, completion_tokens: int = 0) -> None:
        if self.readonly:
            raise CacheFileError(f"响应缓存 {self.path} 以只读方式打开，不能写入")
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO responses VALUES (?,?,?,?,?,?,?,?,?)",
                             (key, prompt_version, model, kind, json.dumps(answer, ensure_ascii=False), raw,
                              prompt_tokens, completion_tokens, time.time()))
            self._db.commit()

    def close(self) -> None:
        self._db.close()
