"""Faults: nothing done is lost, every row ends with a result.

Covered elsewhere, not repeated here:
- store, SIGKILL in the middle of a batch of saves → tests/test_store.py::test_sigkill_mid_batch_loses_no_committed_decision
- store, two handles on one row → tests/test_store.py::test_concurrent_save_conflict_names_first_saver
- index, corrupted chroma.sqlite3 → tests/test_index.py::test_corrupted_index_dir_is_rebuilt
- index, Index() raising → tests/test_index.py::test_review_survives_a_broken_index
- model endpoint: 429 then success, 500s, a slow reply past the timeout, invalid and truncated
  JSON, answers for unknown ids → tests/test_llm.py
Added here: two writer *processes* racing on the same rows; the index directory
deleted or corrupted under the CLI and under an open Index (and `report` saying so as
`review` does); the endpoint refusing connections (and the circuit breaker that stops
calling it), a 429 storm, timeouts on every call, a body that is not a chat completion,
and a mixed storm over the seed.
"""
from __future__ import annotations

import copy
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from helpers import write_projects_csv  # noqa: E402
from llm_server import Reply, ScriptedLLM, default_answer  # noqa: E402

from classifier.cli import main  # noqa: E402
from classifier.llm import from_env  # noqa: E402
from classifier.models import ReadResult  # noqa: E402
from classifier.pipeline import review  # noqa: E402
from classifier.rules import check_all  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


# ---- store: two processes, one row -------------------------------------------------

RACER = textwrap.dedent("""
    import json, sys
    from classifier.store import Conflict, Store
    s = Store(sys.argv[1])
    me = sys.argv[2]
    ok = conflicts = 0
    for n in range(int(sys.argv[3])):
        rid = f"T001-{n % 3 + 1:02d}"  # three rows, both writers on all of them
        seen = s.version("h", rid)  # what this reviewer's screen shows
        try:
            s.save("h", rid, "reject", me, {"id": rid}, expected_version=seen, labels=[], reason=f"{me}-{n}")
            ok += 1
        except Conflict:
            conflicts += 1
    print(json.dumps({"ok": ok, "conflicts": conflicts}))
""")


def test_two_writer_processes_on_the_same_rows_conflict_never_lose(tmp_path):
    """Each save either commits or says Conflict; every committed save is in the
    log with its own version; none overwrote another."""
    path = tmp_path / "d.sqlite"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    n = 150
    procs = [subprocess.Popen([sys.executable, "-c", RACER, str(path), who, str(n)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env) for who in ("张三", "李四")]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert all(r["ok"] + r["conflicts"] == n for r in results)
    from classifier.store import Store

    with Store(path) as s:
        hist = s.history("h")
        assert len(hist) == sum(r["ok"] for r in results)  # every reported success is stored
        for rid in ("T001-01", "T001-02", "T001-03"):
            versions = [d.version for d in hist if d.row_id == rid]
            assert versions == list(range(1, len(versions) + 1))  # no version written twice, none skipped
        by = {who: sum(1 for d in hist if d.reviewer == who) for who in ("张三", "李四")}
        assert by == {"张三": results[0]["ok"], "李四": results[1]["ok"]}


# ---- index: deleted or corrupted under a review ---------------------------------------

@pytest.fixture
def tfidf(monkeypatch):
    """The weight-free embedder: these tests are about the directory, not the vectors."""
    monkeypatch.setenv("INDICATOR_QA_EMBEDDER", "tfidf")


@pytest.fixture
def small_file(tmp_path, seed_read) -> Path:
    """The first 12 seed tables (91 rows, incl. the 信访办 copy-paste tables) as a CSV:
    enough for the index to find clusters, small enough to review quickly."""
    path = tmp_path / "seed12.csv"
    write_projects_csv(path, seed_read.projects[:12])
    return path


def _cli_rows(*args):
    result = CliRunner().invoke(main, ["review", *args, "--format", "jsonl"])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.stderr
    return result, [json.loads(line) for line in result.stdout.splitlines()]


def test_index_dir_deleted_between_runs_is_rebuilt(small_file, tfidf):
    from classifier.index import index_dir

    first, rows1 = _cli_rows(str(small_file))
    assert first.exit_code == 0 and index_dir().exists()
    shutil.rmtree(index_dir())
    second, rows2 = _cli_rows(str(small_file))
    assert second.exit_code == 0 and len(rows2) == len(rows1) > 80
    assert [r["labels"] for r in rows2] == [r["labels"] for r in rows1]  # same findings from the rebuilt index
    assert any(f["source"] == "index" for r in rows2 for f in r["findings"])


@pytest.mark.parametrize("damage", ["garbage_sqlite", "empty_sqlite", "segment_files"])
def test_corrupted_index_dir_under_the_cli(small_file, tfidf, damage):
    from classifier.index import Index, index_dir

    first, rows1 = _cli_rows(str(small_file))
    Index()  # opened (as `similar` or the app would): the review's deferred rows are now in Chroma's files
    d = index_dir()
    if damage == "garbage_sqlite":
        (d / "chroma.sqlite3").write_bytes(os.urandom(64 * 1024))
    elif damage == "empty_sqlite":
        (d / "chroma.sqlite3").write_bytes(b"")
    else:  # the HNSW segment files: vectors gone, metadata still there
        for f in d.rglob("*.bin"):
            f.write_bytes(b"\x00" * 10)
    result, rows = _cli_rows(str(small_file))
    assert result.exit_code == 0, result.stderr
    assert len(rows) == len(rows1) and {r["id"] for r in rows} == {r["id"] for r in rows1}
    # Either the index was rebuilt (and says so) or the review fell back to the rules (and says so).
    if [r["labels"] for r in rows] != [r["labels"] for r in rows1]:
        assert "索引" in result.stderr
    if damage != "segment_files":
        assert "索引" in result.stderr and ("重建" in result.stderr or "不可用" in result.stderr)


def test_report_says_what_the_review_found_as_review_does(small_file, tfidf, tmp_path):
    """A problem found during the review (here: the index rebuilt) is printed by
    `report` exactly as by `review`."""
    from classifier.index import Index, index_dir

    _cli_rows(str(small_file))
    Index()  # builds the index from the rows the review deferred

    def notes(result) -> list[str]:
        return [line for line in result.stderr.splitlines() if line.startswith("注意：")]

    (index_dir() / "chroma.sqlite3").write_bytes(os.urandom(64 * 1024))
    report = CliRunner().invoke(main, ["report", str(small_file), "--out", str(tmp_path / "r.html")])
    assert report.exit_code == 0, report.stderr
    assert notes(report) and all("索引" in n for n in notes(report)) and "重建" in report.stderr
    (index_dir() / "chroma.sqlite3").write_bytes(os.urandom(64 * 1024))
    reviewed, _ = _cli_rows(str(small_file))
    assert notes(reviewed) == notes(report)


def test_index_deleted_while_open_is_rebuilt_with_a_message(tmp_path, seed_read):
    from classifier.embeddings import HashingTfidfEmbedding
    from classifier.index import Index

    path = tmp_path / "idx"
    idx = Index(path=path, embedder=HashingTfidfEmbedding())
    idx.add_projects(seed_read.projects[:3])
    shutil.rmtree(path)
    stats = idx.add_projects(seed_read.projects[:5])
    assert stats["rows"] == sum(len(p.indicators) for p in seed_read.projects[:5])
    assert idx.count() == stats["rows"]
    assert idx.messages and "重建" in idx.messages[-1]


# ---- model endpoint ----------------------------------------------------------------------

def _settings(url, **kw):
    return from_env(base_url=url, model="test-model", timeout=kw.pop("timeout", 5), backoff=0.01,
                    max_retries=kw.pop("max_retries", 1), concurrency=kw.pop("concurrency", 4), **kw)


def _read(seed_read, n):
    return ReadResult(projects=copy.deepcopy(seed_read.projects[:n]))


def assert_every_row_has_a_result(rv, read):
    """Every row out, each marked llm or rules_fallback; fallen-back rows carry
    the rules' labels; every flagged row has a rewrite."""
    ids = [i.id for p in read.projects for i in p.indicators]
    assert [r["id"] for p in rv.to_json()["projects"] for r in p["indicators"]] == ids
    assert set(rv.row_source) == set(ids)
    assert set(rv.row_source.values()) <= {"llm", "rules_fallback"}
    rule_labels: dict[str, set] = {}
    for f in check_all(read.projects):
        if f.row_id:
            rule_labels.setdefault(f.row_id, set()).add(f.code)
    for rid, src in rv.row_source.items():
        if src == "rules_fallback":
            assert set(rv.labels(rid)) == rule_labels.get(rid, set()), rid
        if rv.labels(rid):
            assert rid in rv.rewrites


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens here now: connections are refused
    return port


def test_connection_refused_every_row_falls_back(seed_read):
    read = _read(seed_read, 4)
    rv = review(read, "openai", settings=_settings(f"http://127.0.0.1:{_closed_port()}/v1"), few_shot=0)
    assert_every_row_has_a_result(rv, read)
    assert set(rv.row_source.values()) == {"rules_fallback"}
    assert rv.run["fallback_rows"] == sum(len(p.indicators) for p in read.projects)
    assert any("Connection" in e for e in rv.run["errors"])


def test_connection_refused_through_the_cli(seed_path, monkeypatch):
    monkeypatch.setenv("INDICATOR_QA_BASE_URL", f"http://127.0.0.1:{_closed_port()}/v1")
    monkeypatch.setenv("INDICATOR_QA_MAX_RETRIES", "0")
    result, rows = _cli_rows(str(seed_path), "--backend", "openai")
    assert result.exit_code == 0, result.stderr
    assert len(rows) == 743 and {r["source"] for r in rows} == {"rules_fallback"}
    assert "注意：" in result.stderr and "连续 3 次无法连接" in result.stderr  # the breaker says why, once


def test_dead_endpoint_opens_the_breaker(seed_read):
    """Connection refused on every call: after max_connect_failures in a row the
    remaining tables fall back without a request, instead of each one spending
    its retries (8 tables × 4 attempts with backoff: ~17 s before the breaker)."""
    read = _read(seed_read, 8)
    url = f"http://127.0.0.1:{_closed_port()}/v1"
    rv = review(read, "openai", settings=_settings(url, max_retries=3, concurrency=2, max_connect_failures=3), few_shot=0)
    assert_every_row_has_a_result(rv, read)
    assert set(rv.row_source.values()) == {"rules_fallback"}
    assert rv.run["calls"] <= 3 + 1  # the 3 that opened it, and at most one more already on its way (concurrency 2)
    assert "连续 3 次无法连接" in rv.run["endpoint_down"]
    assert any("连续 3 次无法连接" in p.message for p in rv.problems)
    # With the breaker off every table spends every attempt.
    rv = review(read, "openai", settings=_settings(url, max_retries=1, concurrency=2, max_connect_failures=0), few_shot=0)
    assert rv.run["calls"] == len(read.projects) * 2 and not rv.run["endpoint_down"]


def test_server_errors_do_not_open_the_breaker(seed_read):
    """503s come from a server that is there: they are retried per table, and
    the breaker (which counts only failures to connect) stays shut."""
    read = _read(seed_read, 4)
    with ScriptedLLM() as srv:
        srv.enqueue(*[Reply(status=503)] * 6)
        rv = review(read, "openai", settings=_settings(srv.url, max_retries=2, concurrency=1, max_connect_failures=1),
                    few_shot=0)
        assert not rv.run["endpoint_down"] and "llm" in set(rv.row_source.values())
        assert rv.run["calls"] == srv.count > len(read.projects)


def test_429_storm(seed_read):
    """Every request answered 429 for a while, several tables at once: tables
    whose retries run out fall back, the rest get answers; calls stay bounded."""
    read = _read(seed_read, 8)
    with ScriptedLLM() as srv:
        srv.enqueue(*[Reply(status=429, headers={"Retry-After": "0"})] * 12)
        rv = review(read, "openai", settings=_settings(srv.url, max_retries=1), few_shot=0)
        assert_every_row_has_a_result(rv, read)
        sources = set(rv.row_source.values())
        assert "rules_fallback" in sources  # 12 refusals, 2 tries per table: some tables ran out
        assert srv.count <= 2 * len(read.projects) + rv.run.get("revisions", 0) + rv.run.get("repairs", 0)
        assert rv.run["calls"] == srv.count


def test_timeouts_on_every_call_fall_back_in_bounded_time(seed_read):
    read = _read(seed_read, 3)
    with ScriptedLLM(default=lambda body: default_answer(body)) as srv:
        srv.enqueue(*[Reply(delay=1.5)] * 6)
        rv = review(read, "openai", settings=_settings(srv.url, timeout=0.3, max_retries=1), few_shot=0)
        assert_every_row_has_a_result(rv, read)
        assert set(rv.row_source.values()) == {"rules_fallback"}
        assert rv.run["seconds"] < 10


def test_mixed_storm_over_the_seed(seed_read):
    """A bad day at the endpoint, over the whole seed: 429s, 500s, timeouts,
    prose, truncated JSON, answers for other ids — interleaved at random."""
    rng = random.Random(3)

    def wrong_ids(body):
        ans = default_answer(body)
        for r in ans["rows"]:
            r["id"] = r["id"] + "X"
        return Reply(body=ans)

    def truncated(body):
        return Reply(body=json.dumps(default_answer(body), ensure_ascii=False)[:-7])

    faults = [Reply(status=429), Reply(status=500), Reply(status=503), Reply(delay=1.0), Reply(body="好的，以下是结果："),
              truncated, wrong_ids, Reply(status=200, body={"rows": "none"}), Reply(body="")]
    read = _read(seed_read, 100)
    with ScriptedLLM() as srv:
        script = []
        for _ in range(160):  # about one fault per call early on, then the default (valid) answer
            script.append(rng.choice(faults) if rng.random() < 0.6 else Reply())
        srv.enqueue(*script)
        rv = review(read, "openai", settings=_settings(srv.url, timeout=0.5, max_retries=1, concurrency=4), few_shot=0)
        assert_every_row_has_a_result(rv, read)
        sources = set(rv.row_source.values())
        assert sources == {"llm", "rules_fallback"}
        assert rv.run["fallback_rows"] == sum(1 for s in rv.row_source.values() if s == "rules_fallback")
        # Rows that fell back are marked as such in what a reviewer sees.
        out = rv.to_json()
        marked = {r["id"] for p in out["projects"] for r in p["indicators"] if r["source"] == "rules_fallback"}
        assert marked == {rid for rid, s in rv.row_source.items() if s == "rules_fallback"}


def test_malformed_http_envelope_falls_back(seed_read):
    """A proxy or a broken server answering 200 with a body that is not a chat
    completion at all: that table falls back, the others are answered."""
    read = _read(seed_read, 3)
    with ScriptedLLM() as srv:
        srv.enqueue(Reply(raw_http="{\"choices\": ["), Reply(raw_http="<html>502 Bad Gateway</html>"))
        rv = review(read, "openai", settings=_settings(srv.url, max_retries=1), few_shot=0)
        assert_every_row_has_a_result(rv, read)
        assert "rules_fallback" in set(rv.row_source.values())
