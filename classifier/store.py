"""The one SQLite store of reviewers' decisions.

An append-only log: every accept / edit / reject / undo is a new row, so nothing
a reviewer did is ever overwritten. A row's state is the last of its decisions
that has not been undone. Each (file hash, row id) has a version = the number
of decisions on it; a save names the version the reviewer saw, and a stale one
raises `Conflict` naming who saved first (optimistic locking — two reviewers on
one row never silently overwrite each other).

Schema changes are a plain list of migration functions recorded in the
`_migrations` table (the simonw/llm habit). WAL + synchronous=FULL + one
transaction per save: a killed process loses at most the save in flight.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

from . import config
from .models import LABELS
from .names import ACTION as ACTION_ZH

ACTIONS = ("accept", "edit", "reject", "undo")
# Why a rewrite was rejected. The code decides what the decision teaches the
# labelled set (see `labelled_row`); the free-text reason is kept beside it.
REJECT_REASONS = {
    "not_a_problem": "不是问题：该行没有毛病，标签不成立",
    "bad_rewrite": "问题成立，但建议的改写不妥",
    "other": "其他（见说明）",
}
FILENAME = "decisions.sqlite"


class StoreError(Exception):
    """The store cannot do what was asked (damaged, read-only, full disk…);
    str() is the message for the reviewer: file, cause, and that nothing was saved."""


_SQLITE_CAUSE = {
    "SQLITE_FULL": "磁盘已满",
    "SQLITE_READONLY": "文件或目录只读",
    "SQLITE_CORRUPT": "文件已损坏",
    "SQLITE_NOTADB": "不是 SQLite 数据库（文件已损坏）",
    "SQLITE_IOERR": "磁盘读写错误",
    "SQLITE_CANTOPEN": "无法打开文件",
    "SQLITE_BUSY": "被其他程序占用（锁定超时）",
    "SQLITE_LOCKED": "被其他程序占用",
    "SQLITE_PERM": "没有访问权限",
}


def sqlite_cause(e: BaseException) -> str:
    """A short Chinese cause for a SQLite or OS error, with the original text."""
    name = getattr(e, "sqlite_errorname", "") or ""
    base = next((zh for code, zh in _SQLITE_CAUSE.items() if name == code or name.startswith(code + "_")), "")
    if not base and isinstance(e, OSError):
        from .outputs import os_error_zh

        base = os_error_zh(e)
    text = str(e) or type(e).__name__
    return f"{base}：{text}" if base else text


class Conflict(Exception):
    """Someone saved on this row after the version the reviewer saw."""

    def __init__(self, row_id: str, expected: int, actual: int, by: str, at: str, action: str):
        self.row_id, self.expected, self.actual, self.by, self.at, self.action = row_id, expected, actual, by, at, action
        from .names import beijing, name

        super().__init__(
            f"行 {row_id} 已被 {by} 于 {beijing(at)}（北京时间）先保存（{name('action', action)}，版本 {actual}，"
            f"你看到的是版本 {expected}）；你的操作未保存，请查看对方的决定后再试。")


@dataclass
class Decision:
    id: int
    file_hash: str
    row_id: str
    version: int  # 1, 2, … per (file_hash, row_id)
    action: str
    reviewer: str
    at: str  # ISO 8601, UTC
    before: dict  # the row as the reviewer saw it (LABELS.md fields + findings)
    after: dict | None  # the rewrite accepted / as edited; None for reject and undo
    labels: list[str] | None  # labels the reviewer kept; None = not known (reject "other")
    reason: str = ""
    prompt_version: str = ""
    undoes: int | None = None  # for action "undo": the decision id it reverts
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


# ---- migrations: append only, never edit an applied one ---------------------

def _m001_decisions(db: sqlite3.Connection) -> None:
    db.execute("""
        CREATE TABLE decisions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            file_hash TEXT NOT NULL,
            row_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('accept', 'edit', 'reject', 'undo')),
            reviewer TEXT NOT NULL,
            at TEXT NOT NULL,
            before_json TEXT NOT NULL,
            after_json TEXT,
            labels_json TEXT,
            reason TEXT NOT NULL DEFAULT '',
            prompt_version TEXT NOT NULL DEFAULT '',
            undoes INTEGER REFERENCES decisions(id),
            UNIQUE (file_hash, row_id, version)
        )""")
    db.execute("CREATE INDEX decisions_reviewer ON decisions (file_hash, reviewer, id)")


def _m002_extra(db: sqlite3.Connection) -> None:
    # Room for what later UIs record (time spent, client) without a new migration each time.
    db.execute("ALTER TABLE decisions ADD COLUMN extra_json TEXT NOT NULL DEFAULT '{}'")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_m001_decisions, _m002_extra]


def migrate(db: sqlite3.Connection) -> list[str]:
    """Apply the migrations not yet recorded; returns the names applied."""
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    applied = []
    for fn in MIGRATIONS:
        name = fn.__name__.lstrip("_")
        # Two processes may open a new store at once: take the write lock first,
        # then look again, so each migration runs exactly once.
        db.execute("BEGIN IMMEDIATE")
        try:
            if db.execute("SELECT 1 FROM _migrations WHERE name = ?", (name,)).fetchone():
                db.execute("COMMIT")
                continue
            fn(db)
            db.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", (name, _now()))
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def default_path() -> Path:
    return config.data_dir() / FILENAME


def _row_to_decision(r: sqlite3.Row) -> Decision:
    return Decision(
        id=r["id"], file_hash=r["file_hash"], row_id=r["row_id"], version=r["version"], action=r["action"],
        reviewer=r["reviewer"], at=r["at"], before=json.loads(r["before_json"]),
        after=json.loads(r["after_json"]) if r["after_json"] else None,
        labels=json.loads(r["labels_json"]) if r["labels_json"] is not None else None,
        reason=r["reason"], prompt_version=r["prompt_version"], undoes=r["undoes"],
        extra=json.loads(r["extra_json"] or "{}"),
    )


class Store:
    """Decisions on disk. One handle may be used from several threads (Streamlit
    reruns); writes are serialised by a lock and by SQLite's own write lock.

    Opening never raises. A file that fails `PRAGMA quick_check`, is read-only
    or cannot be opened for writing is opened read-only instead: `problem` says
    why (file and cause, in Chinese), the reviewer can still read and export
    what is saved, and every save raises StoreError without touching the file."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else default_path()
        self.problem = ""  # why this store is read-only; "" when decisions can be saved
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = self._open_writable()
        except (sqlite3.Error, OSError) as e:
            self.db = self._open_readonly(e)

    @property
    def readonly(self) -> bool:
        return bool(self.problem)

    def _connect(self, target: str, uri: bool = False) -> sqlite3.Connection:
        # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so the version
        # check and the insert happen under one write lock.
        db = sqlite3.connect(target, timeout=30, isolation_level=None, check_same_thread=False, uri=uri)
        db.row_factory = sqlite3.Row
        return db

    def _open_writable(self) -> sqlite3.Connection:
        db = self._connect(str(self.path))
        try:
            check = [r[0] for r in db.execute("PRAGMA quick_check").fetchall()]
            if check != ["ok"]:  # never write into a damaged database
                raise sqlite3.DatabaseError("quick_check：" + "；".join(map(str, check[:3])))
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            with self._lock:
                migrate(db)
        except BaseException:
            db.close()
            raise
        return db

    def _open_readonly(self, why: BaseException) -> sqlite3.Connection:
        """Read what can be read; `problem` names the file and the cause."""
        damaged = isinstance(why, sqlite3.DatabaseError) and not isinstance(why, sqlite3.OperationalError) or \
            "quick_check" in str(why)
        if damaged:
            what = f"已损坏（{sqlite_cause(why)}）"
        else:
            what = f"无法写入（{sqlite_cause(why)}）"
        self.problem = (f"审核决定库 {self.path} {what}：现在只能查看和导出已保存的决定，新的决定不会保存。"
                        + ("请先备份该文件，再交管理员修复或换一个 INDICATOR_QA_HOME。" if damaged else
                           "请检查磁盘空间与文件权限，或换一个 INDICATOR_QA_HOME。"))
        if self.path.is_file():
            uri = self.path.resolve().as_uri()
            # immutable=1 as a last resort: reads a file in a read-only folder, where SQLite cannot make its -shm
            for query in ("?mode=ro", "?mode=ro&immutable=1"):
                try:
                    db = self._connect(uri + query, uri=True)
                    db.execute("SELECT COUNT(*) FROM decisions").fetchone()
                    return db
                except sqlite3.Error:
                    try:
                        db.close()
                    except Exception:
                        pass
        # Nothing readable: an empty in-memory store, so the pages still work and say why.
        db = self._connect(":memory:")
        with self._lock:
            migrate(db)
        return db

    def close(self) -> None:
        self.db.close()

    def _read(self, sql: str, args: list | tuple = ()) -> list[sqlite3.Row]:
        """Rows of a query; on a damaged file, the rows that can still be read."""
        with self._lock:
            try:
                return self.db.execute(sql, args).fetchall()
            except sqlite3.DatabaseError as e:
                if not self.problem:
                    self.problem = (f"审核决定库 {self.path} 读取时发现损坏（{sqlite_cause(e)}）：现在只能查看和导出"
                                    "还能读出的决定，新的决定不会保存。请先备份该文件。")
                return self._salvage(sql, args)

    def _salvage(self, sql: str, args) -> list[sqlite3.Row]:
        """Row by row, skipping what cannot be read (a damaged page costs its rows, not the store)."""
        try:
            top = self.db.execute("SELECT MAX(id) FROM decisions").fetchone()[0] or 0
        except sqlite3.Error:
            return []
        out = []
        for i in range(1, int(top) + 1):
            try:
                out.extend(self.db.execute(f"SELECT * FROM ({sql}) WHERE id = ?", [*args, i]).fetchall())
            except sqlite3.Error:
                continue
        return out

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- reading --------------------------------------------------------------

    def history(self, file_hash: str | None = None, row_id: str | None = None) -> list[Decision]:
        sql, args = "SELECT * FROM decisions WHERE 1=1", []
        if file_hash is not None:
            sql, args = sql + " AND file_hash = ?", args + [file_hash]
        if row_id is not None:
            sql, args = sql + " AND row_id = ?", args + [row_id]
        out = []
        for r in self._read(sql, args):
            try:
                out.append(_row_to_decision(r))
            except (ValueError, TypeError, KeyError):  # a damaged JSON cell costs that decision only
                continue
        return sorted(out, key=lambda d: d.id)

    def version(self, file_hash: str, row_id: str) -> int:
        return max((d.version for d in self.history(file_hash, row_id)), default=0)

    def versions(self, file_hash: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for d in self.history(file_hash):
            out[d.row_id] = max(out.get(d.row_id, 0), d.version)
        return out

    def current(self, file_hash: str, row_id: str) -> Decision | None:
        return current_of(self.history(file_hash, row_id))

    def current_all(self, file_hash: str | None = None) -> dict[tuple[str, str], Decision]:
        """(file hash, row id) → the row's standing decision (undone ones dropped)."""
        by_row: dict[tuple[str, str], list[Decision]] = {}
        for d in self.history(file_hash):
            by_row.setdefault((d.file_hash, d.row_id), []).append(d)
        out = {}
        for key, ds in by_row.items():
            cur = current_of(ds)
            if cur:
                out[key] = cur
        return out

    def decisions_for(self, file_hash: str) -> dict[str, Decision]:
        """Row id → standing decision, for one file."""
        return {rid: d for (_, rid), d in self.current_all(file_hash).items()}

    # ---- writing --------------------------------------------------------------

    def save(self, file_hash: str, row_id: str, action: str, reviewer: str, before: dict, *,
             expected_version: int, after: dict | None = None, labels: Iterable[str] | None = None,
             reason: str = "", prompt_version: str = "", extra: dict | None = None) -> Decision:
        """Record one decision, committed before this returns. `expected_version`
        is the row version the reviewer saw; if anybody saved since, `Conflict`."""
        if action not in ("accept", "edit", "reject"):
            raise ValueError(f"未知操作 {action!r}，应为 accept / edit / reject（撤销请用 undo_last）")
        if not reviewer or not reviewer.strip():
            raise ValueError("请先填写审核人姓名")
        if labels is not None:
            labels = set(labels)
            unknown = labels - set(LABELS)
            if unknown:
                raise ValueError(f"未知标签：{', '.join(sorted(unknown))}")
            labels = [l for l in LABELS if l in labels]
        if action in ("accept", "edit") and not after:
            raise ValueError("接受或修改时必须给出改写内容")
        return self._insert(file_hash, row_id, action, reviewer.strip(), before, after, labels, reason,
                            prompt_version, None, expected_version, extra or {})

    def undo_last(self, file_hash: str, reviewer: str) -> Decision | None:
        """Revert this reviewer's last standing decision in the file. Returns the
        undo record, None when there is nothing to undo; `Conflict` when someone
        else has decided on that row since."""
        reviewer = (reviewer or "").strip()
        with self._lock:
            hist = self.history(file_hash)
            undone = {d.undoes for d in hist if d.action == "undo"}
            mine = [d for d in hist if d.reviewer == reviewer and d.action != "undo" and d.id not in undone]
            if not mine:
                return None
            target = mine[-1]
            if target.extra.get("batch"):  # the last action was a group decision: undo the group
                done = self.undo_batch(file_hash, target.extra["batch"], reviewer)
                return done[-1] if done else None
            # Only somebody else's save since the target is a conflict: this reviewer's own
            # later records on the row (an edit already undone, its undo) are not.
            later = [d for d in hist if d.row_id == target.row_id and d.version > target.version]
            others = [d for d in later if d.reviewer != reviewer]
            if others:
                o = others[-1]
                raise Conflict(target.row_id, target.version, later[-1].version, o.reviewer, o.at, o.action)
            return self._insert(file_hash, target.row_id, "undo", reviewer, target.before, None, None,
                                f"撤销 #{target.id}（{ACTION_ZH.get(target.action, target.action)}）", target.prompt_version,
                                target.id, later[-1].version if later else target.version, {})

    def _insert(self, file_hash, row_id, action, reviewer, before, after, labels, reason, prompt_version,
                undoes, expected_version, extra) -> Decision:
        return self._save_all([(file_hash, row_id, action, reviewer, before, after, labels, reason, prompt_version,
                                undoes, expected_version, extra)])[0]

    def _save_all(self, items: list[tuple]) -> list[Decision]:
        """Save one or more decision records (one transaction), or say in Chinese
        why nothing was saved."""
        if self.problem:
            raise StoreError(f"决定未保存：{self.problem}")
        try:
            return self._transaction(items)
        except sqlite3.Error as e:
            if isinstance(e, sqlite3.DatabaseError) and getattr(e, "sqlite_errorname", "").startswith(
                    ("SQLITE_CORRUPT", "SQLITE_NOTADB")):
                self.problem = (f"审核决定库 {self.path} 保存时发现损坏（{sqlite_cause(e)}）：现在只能查看和导出已保存的决定，"
                                "新的决定不会保存。请先备份该文件。")
            raise StoreError(f"决定未保存：无法写入审核决定库 {self.path}（{sqlite_cause(e)}）。"
                             "此前保存的决定不受影响；请检查磁盘空间与文件权限后再试。") from None

    def _transaction(self, items: list[tuple]) -> list[Decision]:
        """Insert every item in one transaction: all are saved, or none (the
        first stale version raises `Conflict` and rolls back the rest)."""
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                ids = []
                for (file_hash, row_id, action, reviewer, before, after, labels, reason, prompt_version, undoes,
                     expected_version, extra) in items:
                    last = self.db.execute(
                        "SELECT * FROM decisions WHERE file_hash = ? AND row_id = ? ORDER BY version DESC LIMIT 1",
                        (file_hash, row_id)).fetchone()
                    actual = last["version"] if last else 0
                    if actual != expected_version:
                        raise Conflict(row_id, expected_version, actual, last["reviewer"], last["at"], last["action"])
                    cur = self.db.execute(
                        "INSERT INTO decisions (file_hash, row_id, version, action, reviewer, at, before_json, after_json,"
                        " labels_json, reason, prompt_version, undoes, extra_json) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (file_hash, row_id, actual + 1, action, reviewer, _now(),
                         json.dumps(before, ensure_ascii=False),
                         json.dumps(after, ensure_ascii=False) if after is not None else None,
                         json.dumps(list(labels), ensure_ascii=False) if labels is not None else None,
                         reason or "", prompt_version or "", undoes, json.dumps(extra, ensure_ascii=False)))
                    ids.append(cur.lastrowid)
                self.db.execute("COMMIT")
            except BaseException:
                # A failed COMMIT (full disk) has already rolled back: a second ROLLBACK
                # would hide the real cause behind "no transaction is active".
                if self.db.in_transaction:
                    try:
                        self.db.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass
                raise
            rows = [self.db.execute("SELECT * FROM decisions WHERE id = ?", (i,)).fetchone() for i in ids]
        return [_row_to_decision(r) for r in rows]

    # ---- groups of rows -------------------------------------------------------

    def save_group(self, file_hash: str, action: str, reviewer: str, items: list[dict], *, group: str,
                   reason: str = "") -> list[Decision]:
        """One decision on several rows at once (a group of the queue), logged
        as one decision per row sharing `extra.batch`, in one transaction: all
        rows are saved or, on a conflict, none. Each item: row_id, before,
        expected_version, and after / labels / prompt_version as for `save`."""
        if action not in ("accept", "reject"):
            raise ValueError(f"批量操作只能是接受或驳回，不能是 {action}")
        if not reviewer or not reviewer.strip():
            raise ValueError("请先填写审核人姓名")
        if not items:
            raise ValueError("没有选中的行")
        batch = f"{group}@{_now()}"
        rows = []
        for it in items:
            labels = it.get("labels")
            if labels is not None:
                unknown = set(labels) - set(LABELS)
                if unknown:
                    raise ValueError(f"未知标签：{', '.join(sorted(unknown))}")
                labels = [l for l in LABELS if l in set(labels)]
            if action == "accept" and not it.get("after"):
                raise ValueError(f"行 {it['row_id']} 没有可接受的改写")
            rows.append((file_hash, it["row_id"], action, reviewer.strip(), it["before"], it.get("after"), labels, reason,
                         it.get("prompt_version", ""), None, it["expected_version"],
                         {"group": group, "batch": batch, "rows": len(items)}))
        return self._save_all(rows)

    def undo_row(self, file_hash: str, row_id: str, reviewer: str, expected_version: int) -> Decision | None:
        """Revert the standing decision of one row (also one row of a group
        decision). None when the row has no standing decision."""
        reviewer = (reviewer or "").strip()
        if not reviewer:
            raise ValueError("请先填写审核人姓名")
        with self._lock:
            target = current_of(self.history(file_hash, row_id))
            if target is None:
                return None
            return self._insert(file_hash, row_id, "undo", reviewer, target.before, None, None,
                                f"撤销 #{target.id}（{ACTION_ZH.get(target.action, target.action)}）", target.prompt_version,
                                target.id, expected_version, {})

    def undo_batch(self, file_hash: str, batch: str, reviewer: str) -> list[Decision]:
        """Revert the row decisions of one group decision that still stand, in one
        transaction. A row someone decided since keeps that later decision."""
        reviewer = (reviewer or "").strip()
        with self._lock:
            hist = self.history(file_hash)
            by_row: dict[str, list[Decision]] = {}
            for d in hist:
                by_row.setdefault(d.row_id, []).append(d)
            items = []
            for rid, ds in by_row.items():
                cur = current_of(ds)
                if cur is None or cur.extra.get("batch") != batch:
                    continue
                items.append((file_hash, rid, "undo", reviewer, cur.before, None, None,
                              f"撤销 #{cur.id}（{ACTION_ZH.get(cur.action, cur.action)}，批量）", cur.prompt_version, cur.id,
                              ds[-1].version, {"batch": batch}))
            return self._save_all(items) if items else []

    # ---- export ---------------------------------------------------------------

    def export_jsonl(self, out, file_hash: str | None = None) -> int:
        """Write the labelled rows (LABELS.md JSONL) to a path or text stream."""
        rows = decisions_as_labelled(self, file_hash=file_hash)
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        if hasattr(out, "write"):
            out.write(text)
        else:
            Path(out).write_text(text, encoding="utf-8")
        return len(rows)


def current_of(history: list[Decision]) -> Decision | None:
    """The standing decision of one row: the last one not undone (undo records
    themselves are never a standing decision)."""
    undone = {d.undoes for d in history if d.action == "undo"}
    live = [d for d in history if d.action != "undo" and d.id not in undone]
    return live[-1] if live else None


def _budget_text(budget) -> str:
    if budget is None or budget == "":
        return ""
    return f"{budget:.2f}" if isinstance(budget, (int, float)) else str(budget)


def labelled_row(d: Decision) -> dict | None:
    """One standing decision as a labelled row of LABELS.md, or None when the
    decision does not say what the labels are.

    - accept: the labels of the findings shown, the suggested rewrite as gold.
    - edit: the labels the reviewer kept (unticking a label says it was wrong),
      the edited text as gold; no labels kept means the row is ok (rewrite null).
    - reject "not_a_problem": the row is ok → labels [], rewrite null.
    - reject "bad_rewrite": the labels stand, the rewrite does not → rewrite null.
    - reject "other": labels unknown → left out of the labelled set.
    """
    if d.labels is None:
        return None
    b = d.before
    labels = list(d.labels)
    rewrite = None
    if d.action in ("accept", "edit") and labels and d.after:
        rewrite = {k: d.after.get(k, "") for k in ("level1", "level2", "level3", "description", "value", "rationale")}
    note = {"accept": "审核人接受建议改写", "edit": "审核人修改后接受", "reject": "审核人驳回建议改写"}[d.action]
    if d.reason:
        note += f"：{d.reason}"
    return {
        "id": d.row_id, "project": b.get("project", ""), "unit": b.get("unit", ""), "budget": _budget_text(b.get("budget")),
        "level1": b.get("level1", ""), "level2": b.get("level2", ""), "level3": b.get("level3", ""),
        "description": b.get("description", ""), "value": b.get("value", ""),
        "labels": labels, "rewrite": rewrite, "note": note,
        # Provenance, ignored by readers of the six-label format.
        "file_hash": d.file_hash, "reviewer": d.reviewer, "decided_at": d.at, "action": d.action,
        "prompt_version": d.prompt_version,
    }


def decisions_as_labelled(store: Store | str | Path | None = None, file_hash: str | None = None) -> list[dict]:
    """Reviewed rows as labelled data (LABELS.md JSONL rows), for the evaluation
    set or the few-shot / training pool. Rows whose labels the decision leaves
    open (reject "other") are skipped."""
    own = not isinstance(store, Store)
    st = Store(store) if own else store
    try:
        out = []
        for d in sorted(st.current_all(file_hash).values(), key=lambda d: (d.file_hash, d.row_id)):
            row = labelled_row(d)
            if row:
                out.append(row)
        return out
    finally:
        if own:
            st.close()
