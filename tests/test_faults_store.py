"""Issue 15, storage faults (item 15 and the store's part of 16): a damaged,
read-only or full decision store, or a full disk at save time, gives a Chinese
message naming the file and the cause — never a traceback, never a write into a
database that fails `PRAGMA quick_check` — and the reviewer can still read and
export what is saved. Damaged caches (vectors, the index's row list) are
rebuilt once, not warned about on every run."""
from __future__ import annotations

import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from classifier.cli import main
from classifier.store import Conflict, Store, StoreError
from helpers import write_projects_csv

ROOT = Path(__file__).resolve().parent.parent
H = "f" * 64  # a file hash


def _fill(path: Path, n: int = 60) -> None:
    with Store(path) as s:
        for k in range(n):
            rid = f"T{k // 8 + 1:03d}-{k % 8 + 1:02d}"
            s.save(H, rid, "reject", "张三", {"id": rid, "level3": "满意度" * 30, "description": "说明" * 200},
                   expected_version=0, labels=[], reason=f"第{k}条")


def _checkpoint(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def test_garbage_store_opens_read_only_and_says_why(tmp_path):
    path = tmp_path / "decisions.sqlite"
    path.write_bytes(os.urandom(32 * 1024))
    before = path.read_bytes()
    with Store(path) as s:
        assert s.readonly and str(path) in s.problem and "损坏" in s.problem
        assert s.history() == [] and s.decisions_for(H) == {} and s.version(H, "T001-01") == 0
        with pytest.raises(StoreError) as e:
            s.save(H, "T001-01", "reject", "张三", {"id": "T001-01"}, expected_version=0, labels=[])
        assert str(path) in str(e.value) and "未保存" in str(e.value)
        assert s.undo_last(H, "张三") is None
    assert path.read_bytes() == before  # never written


def test_store_failing_quick_check_is_never_written_and_still_exports(tmp_path):
    path = tmp_path / "decisions.sqlite"
    _fill(path)
    _checkpoint(path)
    with Store(path) as s:
        saved = {d.row_id for d in s.history()}
    # Damage one leaf page of the decisions table in the middle of the file (a bad sector, a torn copy).
    data = bytearray(path.read_bytes())
    page = 4096
    leaves = [k for k in range(1, len(data) // page) if data[k * page] == 13]
    assert len(leaves) > 10
    k = leaves[len(leaves) // 2]
    data[k * page: k * page + 12] = b"\xff" * 12
    path.write_bytes(bytes(data))
    damaged = path.read_bytes()
    with Store(path) as s:
        assert s.readonly and "损坏" in s.problem and str(path) in s.problem
        readable = s.history()
        assert readable and {d.row_id for d in readable} <= saved
        out = tmp_path / "export.jsonl"
        n = s.export_jsonl(out)  # the reviewer can still export what is saved
        assert n == len(s.current_all()) and n > 0
        assert all(json.loads(line)["labels"] == [] for line in out.read_text(encoding="utf-8").splitlines())
        with pytest.raises(StoreError):
            s.save(H, "T099-01", "reject", "张三", {"id": "T099-01"}, expected_version=0, labels=[])
    assert path.read_bytes() == damaged
    assert not Path(str(path) + "-wal").exists() or Path(str(path) + "-wal").stat().st_size == 0


def _run_py(code: str, *args: str, fsize: int | None = None) -> subprocess.CompletedProcess:
    def pre():
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True, text=True,
                          env=env, preexec_fn=pre, timeout=120, cwd="/")


READ_ONLY_PROBE = """
    import json, os, sys
    from classifier.store import Store, StoreError
    import classifier.outputs, sqlite3  # everything imported before dropping to an unprivileged user
    if sys.argv[2] != "-":
        os.setgid(int(sys.argv[2]))
        os.setuid(int(sys.argv[2]))
    s = Store(sys.argv[1])
    out = {"problem": s.problem, "rows": len(s.history()), "error": ""}
    try:
        s.save("%s", "T001-01", "reject", "王五", {"id": "T001-01"}, expected_version=s.version("%s", "T001-01"), labels=[])
    except StoreError as e:
        out["error"] = str(e)
    print(json.dumps(out, ensure_ascii=False))
""" % (H, H)


def test_read_only_store_is_readable_and_refuses_saves_with_a_message():
    """A store the reviewer may read but not write (another user's file, a
    read-only folder). As root, permissions do not bind, so the probe drops to
    nobody once its imports are done."""
    folder = Path(tempfile.mkdtemp(prefix="ro-store-"))
    try:
        path = folder / "decisions.sqlite"
        _fill(path, 10)
        _checkpoint(path)
        for p in (folder, path):
            os.chmod(p, 0o555 if p.is_dir() else 0o444)
        res = _run_py(READ_ONLY_PROBE, str(path), "65534" if os.geteuid() == 0 else "-")
        assert res.returncode == 0, res.stderr
        got = json.loads(res.stdout)
        assert got["rows"] == 10
        assert str(path) in got["problem"] and "无法写入" in got["problem"]
        assert str(path) in got["error"] and "未保存" in got["error"]
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(folder, ignore_errors=True)


FULL_DISK = """
    import json, sys
    from classifier.store import Store, StoreError
    s = Store(sys.argv[1])
    saved, error = [], ""
    for k in range(100000):
        rid = f"R{k:05d}"
        try:
            s.save("%s", rid, "reject", "张三", {"id": rid, "description": "长" * 2000}, expected_version=0, labels=[])
            saved.append(rid)
        except StoreError as e:
            error = str(e)
            break
    print(json.dumps({"saved": saved, "error": error}, ensure_ascii=False))
""" % H


def test_full_disk_at_save_names_file_and_cause_and_loses_no_saved_decision(tmp_path):
    path = tmp_path / "decisions.sqlite"
    Store(path).close()
    res = _run_py(FULL_DISK, str(path), fsize=400_000)
    assert res.returncode == 0, res.stderr
    got = json.loads(res.stdout)
    assert got["saved"] and got["error"], got
    assert "no transaction is active" not in got["error"]
    assert str(path) in got["error"] and "未保存" in got["error"]
    assert any(w in got["error"] for w in ("磁盘已满", "磁盘读写错误", "文件超过"))
    with Store(path) as s:  # every decision reported as saved is there
        assert not s.readonly
        assert sorted(d.row_id for d in s.history(H)) == got["saved"]


# ---- 16: a second undo on one row -------------------------------------------------------

def test_second_undo_on_one_row_is_no_conflict_with_oneself(tmp_path):
    with Store(tmp_path / "d.sqlite") as s:
        rid = "T001-05"
        s.save(H, rid, "accept", "张三", {"id": rid}, expected_version=0, after={"value": "≤240万元"}, labels=["unit_mismatch"])
        s.save(H, rid, "edit", "张三", {"id": rid}, expected_version=1, after={"value": "≤200万元"}, labels=["unit_mismatch"])
        first = s.undo_last(H, "张三")
        assert first.undoes == 2 and s.current(H, rid).version == 1
        second = s.undo_last(H, "张三")  # was: Conflict "已被 张三 … 先保存"
        assert second is not None and second.undoes == 1
        assert s.current(H, rid) is None
        assert s.undo_last(H, "张三") is None
        # Somebody else's save in between is still a conflict, naming them.
        s.save(H, "T001-06", "accept", "张三", {"id": "T001-06"}, expected_version=0, after={"value": "x"}, labels=[])
        s.save(H, "T001-06", "reject", "李四", {"id": "T001-06"}, expected_version=1, labels=[])
        with pytest.raises(Conflict) as e:
            s.undo_last(H, "张三")
        assert e.value.by == "李四"


# ---- 16: train --include-decisions on a damaged store -----------------------------------

def test_train_with_decisions_from_a_damaged_store_says_so(tmp_path):
    store = tmp_path / "decisions.sqlite"
    store.write_bytes(os.urandom(16 * 1024))
    out = tmp_path / "model.joblib"
    res = CliRunner().invoke(main, ["train", "--include-decisions", "--store", str(store), "--out", str(out),
                                    "--no-neighbour-labels"])
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in res.stderr
    assert res.exit_code == 0, res.stderr
    assert str(store) in res.stderr and "损坏" in res.stderr and "审核决定：0 行" in res.stderr
    assert out.is_file()


# ---- the app: a damaged store is said on the page, saves fail with the message ----------

def test_app_with_a_damaged_store_shows_the_problem_and_saves_nothing():
    from streamlit.testing.v1 import AppTest

    from classifier.store import default_path

    path = default_path()
    path.write_bytes(os.urandom(32 * 1024))
    before = path.read_bytes()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.sidebar.button(key="open_example").click().run()
    at.sidebar.text_input(key="_reviewer").input("张三").run()
    assert not at.exception, at.exception
    shown = lambda e: e.value.replace("\\", "")  # messages are Markdown-escaped on the page
    assert any(str(path) in shown(e) and "只能查看" in shown(e) for e in at.error)
    # Any decision (驳回 is there for every row; 接受 depends on the rewrite) is refused with the message.
    next(b for b in at.button if b.label == "驳回").click().run()
    assert not at.exception, at.exception
    assert any("未保存" in shown(e) and str(path) in shown(e) for e in at.error)
    assert path.read_bytes() == before


# ---- damaged caches: rebuilt once, not warned about on every run ------------------------

def test_damaged_vector_cache_and_row_list_are_rebuilt_once(tmp_path, seed_read):
    from classifier.config import data_dir
    from classifier.vectors import MANIFEST_FILE, VECTORS_FILE

    src = tmp_path / "t.csv"
    write_projects_csv(src, seed_read.projects[:6])
    env = {**os.environ, "INDICATOR_QA_EMBEDDER": "tfidf", "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "classifier.cli", "review", str(src), "--format", "jsonl"]

    def run():
        r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300, cwd=ROOT)
        assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
        return r

    first = run()
    vectors, manifest = data_dir() / VECTORS_FILE, data_dir() / "index" / MANIFEST_FILE
    assert vectors.is_file() and manifest.is_file()
    vectors.write_bytes(os.urandom(8192))
    manifest.write_bytes(os.urandom(8192))
    second = run()
    third = run()
    assert third.stdout == second.stdout == first.stdout
    assert "vector cache" not in third.stderr and "manifest" not in third.stderr and "损坏" not in third.stderr
    for f in (vectors, manifest):  # real databases again, with rows
        db = sqlite3.connect(f)
        assert db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        db.close()
    db = sqlite3.connect(vectors)
    assert db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0] > 0
    db.close()
