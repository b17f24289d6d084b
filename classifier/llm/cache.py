"""SQLite response cache: config.data_dir()/llm_cache.sqlite.

Key = sha256 of prompt version, model, the parameters that change output
(temperature, max_tokens, response schema) and the rendered messages — not
timeouts or retries. Only validated answers are stored, so a rerun after a
failure asks again, while a rerun after success makes zero calls."""
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


class ResponseCache:
    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else data_dir() / "llm_cache.sqlite"
        self._lock = threading.Lock()
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

    def put(self, key: str, answer: dict, *, prompt_version: str, model: str, kind: str, raw: str = "",
            prompt_tokens: int = 0, completion_tokens: int = 0) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO responses VALUES (?,?,?,?,?,?,?,?,?)",
                             (key, prompt_version, model, kind, json.dumps(answer, ensure_ascii=False), raw,
                              prompt_tokens, completion_tokens, time.time()))
            self._db.commit()

    def close(self) -> None:
        self._db.close()
