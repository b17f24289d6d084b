"""The decision store: versions, conflicts, undo, labelled export, crash safety."""
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from classifier.ingest import read_bytes
from classifier.store import Conflict, Store, decisions_as_labelled, default_path

ROOT = Path(__file__).resolve().parent.parent
BEFORE = {"id": "T001-01", "project": "节能专项", "unit": "340101某单位", "budget": 240.0, "level1": "产出指标",
          "level2": "时效指标", "level3": "资金支出及时率", "description": "项目支出", "value": "2022年1月-12月",
          "labels": ["vague_description", "unmeasurable_value"]}
AFTER = {"level1": "产出指标", "level2": "时效指标", "level3": "资金支出及时率",
         "description": "按计划时间节点支付的资金/应支付资金×100%", "value": "≥95%（建议值）", "rationale": "写明公式"}


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "d.sqlite")
    yield s
    s.close()


def test_default_path_is_under_data_dir(tmp_path):
    assert default_path() == tmp_path / "home" / "decisions.sqlite"
    with Store() as s:
        assert s.path.exists()


def test_migrations_recorded_once_and_wal(tmp_path):
    path = tmp_path / "d.sqlite"
    Store(path).close()
    db = sqlite3.connect(path)
    names = [r[0] for r in db.execute("SELECT name FROM _migrations ORDER BY name")]
    assert names == ["m001_decisions", "m002_extra"]
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()
    Store(path).close()  # reopening applies nothing twice
    db = sqlite3.connect(path)
    assert db.execute("SELECT COUNT(*) FROM _migrations").fetchone()[0] == 2
    db.close()


def test_save_versions_and_current(store):
    d1 = store.save("h", "T001-01", "accept", "张三", BEFORE, expected_version=0, after=AFTER, labels=BEFORE["labels"],
                    prompt_version="v1@abc")
    assert (d1.version, d1.action, d1.reviewer, d1.prompt_version) == (1, "accept", "张三", "v1@abc")
    assert d1.before["description"] == "项目支出" and d1.after["value"] == "≥95%（建议值）"
    assert store.version("h", "T001-01") == 1 and store.version("h", "T001-02") == 0
    d2 = store.save("h", "T001-01", "reject", "张三", BEFORE, expected_version=1, labels=[], reason="不是问题")
    assert store.current("h", "T001-01").id == d2.id
    assert store.versions("h") == {"T001-01": 2}
    assert len(store.history("h", "T001-01")) == 2  # nothing overwritten: the log keeps both
    assert store.decisions_for("other") == {}


def test_bad_input_is_refused_with_a_message(store):
    with pytest.raises(ValueError, match="审核人"):
        store.save("h", "r", "accept", " ", BEFORE, expected_version=0, after=AFTER)
    with pytest.raises(ValueError, match="未知标签"):
        store.save("h", "r", "accept", "a", BEFORE, expected_version=0, after=AFTER, labels=["nonsense"])
    with pytest.raises(ValueError, match="改写"):
        store.save("h", "r", "accept", "a", BEFORE, expected_version=0)
    assert store.history() == []


def test_concurrent_save_conflict_names_first_saver(tmp_path):
    path = tmp_path / "d.sqlite"
    a, b = Store(path), Store(path)
    seen_a, seen_b = a.version("h", "T001-01"), b.version("h", "T001-01")  # both see version 0
    a.save("h", "T001-01", "accept", "张三", BEFORE, expected_version=seen_a, after=AFTER, labels=BEFORE["labels"])
    with pytest.raises(Conflict) as err:
        b.save("h", "T001-01", "reject", "李四", BEFORE, expected_version=seen_b, labels=[])
    assert err.value.by == "张三" and err.value.actual == 1 and err.value.expected == 0
    assert "张三" in str(err.value)
    cur = b.current("h", "T001-01")
    assert cur.reviewer == "张三" and cur.action == "accept"  # the first save stands
    assert len(b.history("h")) == 1
    a.close()
    b.close()


def test_undo_last(store):
    assert store.undo_last("h", "张三") is None
    store.save("h", "T001-01", "accept", "张三", BEFORE, expected_version=0, after=AFTER, labels=BEFORE["labels"])
    store.save("h", "T001-02", "reject", "张三", BEFORE, expected_version=0, labels=[])
    u = store.undo_last("h", "张三")
    assert u.action == "undo" and u.row_id == "T001-02"
    assert store.current("h", "T001-02") is None and store.current("h", "T001-01") is not None
    u2 = store.undo_last("h", "张三")
    assert u2.row_id == "T001-01" and store.decisions_for("h") == {}
    assert store.undo_last("h", "张三") is None
    assert [d.action for d in store.history("h")] == ["accept", "reject", "undo", "undo"]


def test_undo_after_someone_else_decided_is_a_conflict(store):
    store.save("h", "r", "accept", "张三", BEFORE, expected_version=0, after=AFTER, labels=[])
    store.save("h", "r", "reject", "李四", BEFORE, expected_version=1, labels=[])
    with pytest.raises(Conflict) as err:
        store.undo_last("h", "张三")
    assert err.value.by == "李四"
    assert store.current("h", "r").reviewer == "李四"


def test_decisions_as_labelled_follow_labels_format(store):
    store.save("h", "T001-01", "accept", "张三", BEFORE, expected_version=0, after=AFTER, labels=BEFORE["labels"])
    edited = dict(AFTER, value="≥98%")
    b2 = dict(BEFORE, id="T001-02")
    store.save("h", "T001-02", "edit", "张三", b2, expected_version=0, after=edited, labels=["vague_description"])
    store.save("h", "T001-03", "reject", "张三", dict(BEFORE, id="T001-03"), expected_version=0, labels=[],
               reason="不是问题")
    store.save("h", "T001-04", "reject", "张三", dict(BEFORE, id="T001-04"), expected_version=0,
               labels=BEFORE["labels"], reason="改写不妥")
    store.save("h", "T001-05", "reject", "张三", dict(BEFORE, id="T001-05"), expected_version=0, labels=None,
               reason="其他")
    rows = {r["id"]: r for r in decisions_as_labelled(store)}
    assert set(rows) == {"T001-01", "T001-02", "T001-03", "T001-04"}  # "other" says nothing about labels
    assert rows["T001-01"]["labels"] == ["vague_description", "unmeasurable_value"]
    assert rows["T001-01"]["rewrite"]["value"] == "≥95%（建议值）"
    assert rows["T001-02"]["labels"] == ["vague_description"] and rows["T001-02"]["rewrite"]["value"] == "≥98%"
    assert rows["T001-03"]["labels"] == [] and rows["T001-03"]["rewrite"] is None
    assert rows["T001-04"]["labels"] == BEFORE["labels"] and rows["T001-04"]["rewrite"] is None
    assert rows["T001-01"]["budget"] == "240.00" and rows["T001-01"]["description"] == "项目支出"
    # The export is a labelled file our own reader accepts, gold labels intact.
    out = Path(store.path).with_suffix(".jsonl")
    assert store.export_jsonl(out) == 4
    read = read_bytes(out.read_bytes(), "decisions.jsonl")
    gold = {i.id: i.gold_labels for p in read.projects for i in p.indicators}
    assert gold["T001-03"] == [] and gold["T001-02"] == ["vague_description"]
    assert not [p for p in read.problems if p.fatal]


WRITER = textwrap.dedent("""
    import sys
    from classifier.store import Store
    s = Store(sys.argv[1])
    before = {"id": "x", "level3": "名称", "description": "描述", "value": "≥1次"}
    for n in range(100000):
        rid = f"T{n // 20:03d}-{n % 20:02d}"
        d = s.save("h", rid, "reject", "机器人", before, expected_version=0, labels=[], reason=str(n))
        print(rid, d.id, flush=True)  # printed only after the commit returned
""")


def test_sigkill_mid_batch_loses_no_committed_decision(tmp_path):
    path = tmp_path / "d.sqlite"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    committed = []
    deadline = time.time() + 60
    while len(committed) < 150 and time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        committed.append(line.split()[0])
    os.kill(proc.pid, signal.SIGKILL)  # in the middle of the batch
    proc.wait()
    rest = proc.stdout.read().split("\n")
    committed += [l.split()[0] for l in rest if l.strip()]
    assert len(committed) >= 150, "writer did not get going"
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    with Store(path) as s:
        have = set(s.decisions_for("h"))
        assert set(committed) <= have
        assert len(have) - len(committed) <= 1  # at most the save in flight, and only if it committed
        # The store stays usable after the crash.
        s.save("h", committed[0], "reject", "张三", BEFORE, expected_version=1, labels=[])


# ---- group decisions (issue 17): logged per row, undone per row and per group ----

@pytest.fixture(scope="module")
def seed_groups(seed_review):
    from classifier import appmodel as am

    rv = seed_review
    rows = am.queue_rows(rv)
    return rows, am.groups(rows, rv)


def _items(group, rows, versions=None):
    from classifier import appmodel as am

    by_id = {r["id"]: r for r in rows}
    return [{"row_id": rid, "before": am.before_of(by_id[rid]), "expected_version": (versions or {}).get(rid, 0),
             "after": by_id[rid]["rewrite"], "labels": by_id[rid]["labels"]} for rid in group["rows"]]


def test_group_decision_is_one_log_entry_per_row_and_undoes_per_row_and_group(store, seed_groups):
    rows, groups = seed_groups
    g = next(g for g in groups if g["kind"] == "table" and len(g["rows"]) >= 3)
    saved = store.save_group("h", "accept", "张三", _items(g, rows), group=g["id"])
    assert [d.row_id for d in saved] == g["rows"]
    assert len({d.extra["batch"] for d in saved}) == 1 and all(d.extra["group"] == g["id"] for d in saved)
    labelled = {r["id"]: r for r in decisions_as_labelled(store, "h")}
    assert set(labelled) == set(g["rows"])  # the labelled set sees each row of the group
    by_id = {r["id"]: r for r in rows}
    assert all(labelled[rid]["labels"] == by_id[rid]["labels"] for rid in g["rows"])
    # Undo one row of the group: the others stand.
    first = g["rows"][0]
    store.undo_row("h", first, "张三", expected_version=1)
    assert set(store.decisions_for("h")) == set(g["rows"][1:])
    # Undo my last action: the rest of the group, as one.
    store.undo_last("h", "张三")
    assert store.decisions_for("h") == {}
    assert {r["id"] for r in decisions_as_labelled(store, "h")} == set()


def test_group_decision_with_a_stale_row_saves_nothing(store, seed_groups):
    rows, groups = seed_groups
    g = next(g for g in groups if len(g["rows"]) >= 2)
    other = g["rows"][-1]
    store.save("h", other, "reject", "李四", {"id": other}, expected_version=0, labels=[], reason="不是问题")
    with pytest.raises(Conflict) as err:
        store.save_group("h", "accept", "张三", _items(g, rows), group=g["id"])
    assert "李四" in str(err.value) and "北京时间" in str(err.value)
    assert set(store.decisions_for("h")) == {other}  # all or nothing
    # An undo of a whole group refuses when someone decided one of its rows since.
    versions = store.versions("h")
    store.save_group("h", "reject", "张三", [it | {"labels": []} for it in _items(g, rows, versions)], group=g["id"],
                     reason="不是问题")
    batch = store.current("h", g["rows"][0]).extra["batch"]
    store.save("h", g["rows"][0], "accept", "李四", {"id": g["rows"][0]}, expected_version=store.version("h", g["rows"][0]),
               after={"level3": "x", "value": "1"}, labels=[])
    undone = store.undo_batch("h", batch, "张三")
    assert {d.row_id for d in undone} == set(g["rows"][1:])  # rows still standing on the batch
    assert store.current("h", g["rows"][0]).reviewer == "李四"
