"""Issue 15, faults that lose or delete user data (items 1, 2, 4, 13 and the
smaller faults of 16 about the data dir and JSON): each test fails on the main
branch before the fix and passes after.

Storage faults of the decision store are in test_faults_store.py, the model
endpoint's in test_faults_llm.py."""
from __future__ import annotations

import csv
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from classifier.cli import main

EXIT_IO = 3  # the exit code for an output that could not be written (README, --help)
from classifier.ingest import read_path
from classifier.pipeline import review

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def tfidf(monkeypatch):
    """The weight-free embedder: these tests are about files and values, not vectors."""
    monkeypatch.setenv("INDICATOR_QA_EMBEDDER", "tfidf")


def _write_csv(path: Path, projects, budget_of=None) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["项目名称", "主管部门", "预算数", "一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值"])
        for p in projects:
            budget = budget_of(p) if budget_of else p.budget
            for i in p.indicators:
                w.writerow([p.title, p.unit, budget, i.level1, i.level2, i.level3, i.description, i.value])
    return path


@pytest.fixture
def small_file(tmp_path, seed_read) -> Path:
    """The first 12 seed tables as a CSV (91 rows, with copy-paste tables)."""
    return _write_csv(tmp_path / "seed12.csv", seed_read.projects[:12])


def _jsonl(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def _invoke(*args, env=None):
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.stderr
    return result


# ---- 1. the index never deletes what it did not create ---------------------------------

def test_damaged_index_in_a_folder_with_user_files_deletes_nothing(small_file, tfidf, tmp_path, monkeypatch):
    """INDICATOR_QA_INDEX_DIR at a folder holding the user's files and a chroma.sqlite3
    that cannot be opened: the review goes on without the index, says so, and every
    file in the folder is still there, byte for byte."""
    folder = tmp_path / "我的文件"
    folder.mkdir()
    keep = {"2022年预算说明.docx": os.urandom(5000), "notes.txt": "不要删除".encode(), "chroma.sqlite3": os.urandom(64 * 1024)}
    for name, data in keep.items():
        (folder / name).write_bytes(data)
    (folder / "sub").mkdir()
    (folder / "sub" / "a.xlsx").write_bytes(b"PK..")
    monkeypatch.setenv("INDICATOR_QA_INDEX_DIR", str(folder))
    result = _invoke("review", str(small_file), "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    assert {n: (folder / n).read_bytes() for n in keep} == keep
    assert (folder / "sub" / "a.xlsx").read_bytes() == b"PK.."
    assert sorted(p.name for p in folder.iterdir()) == sorted([*keep, "sub"])
    assert str(folder) in result.stderr and "没有删除" in result.stderr
    rows = _jsonl(result)
    assert len(rows) == sum(1 for _ in csv.reader(open(small_file, encoding="utf-8"))) - 1


def test_index_folder_is_marked_and_a_rebuild_clears_only_index_files(small_file, tfidf, tmp_path, monkeypatch):
    from classifier.index import MARKER_FILE

    folder = tmp_path / "idx"
    monkeypatch.setenv("INDICATOR_QA_INDEX_DIR", str(folder))
    first = _invoke("review", str(small_file), "--format", "jsonl")
    assert first.exit_code == 0 and (folder / MARKER_FILE).is_file()
    # Damaged while nothing else is there: rebuilt (and said), marker kept.
    (folder / "chroma.sqlite3").write_bytes(os.urandom(64 * 1024))
    second = _invoke("review", str(small_file), "--format", "jsonl")
    assert second.exit_code == 0 and "重建" in second.stderr and (folder / MARKER_FILE).is_file()
    assert [r["labels"] for r in _jsonl(second)] == [r["labels"] for r in _jsonl(first)]
    # A file of the user's put there since: a damaged index is refused, the file kept.
    (folder / "备忘.txt").write_text("用户的文件", encoding="utf-8")
    (folder / "chroma.sqlite3").write_bytes(os.urandom(64 * 1024))
    third = _invoke("review", str(small_file), "--format", "jsonl")
    assert third.exit_code == 0 and (folder / "备忘.txt").read_text(encoding="utf-8") == "用户的文件"
    assert "备忘.txt" in third.stderr and "没有删除" in third.stderr
    assert len(_jsonl(third)) == len(_jsonl(first))


def test_index_is_not_created_among_user_files(small_file, tfidf, tmp_path, monkeypatch):
    folder = tmp_path / "文档"
    folder.mkdir()
    (folder / "a.docx").write_bytes(b"x")
    monkeypatch.setenv("INDICATOR_QA_INDEX_DIR", str(folder))
    result = _invoke("review", str(small_file), "--format", "jsonl")
    assert result.exit_code == 0 and "a.docx" in result.stderr
    assert [p.name for p in folder.iterdir()] == ["a.docx"]  # Chroma wrote nothing there


# ---- 2. one bad value affects only its own table ---------------------------------------

def _seed_with_budget(tmp_path, seed_path, budget: str) -> Path:
    text = seed_path.read_text(encoding="utf-8")
    marker = "\t预算数\n\t240.00\n"
    assert marker in text
    out = tmp_path / "tianjin_bad_budget.txt"
    out.write_text(text.replace(marker, f"\t预算数\n\t{budget}\n", 1), encoding="utf-8")
    return out


HUGE = "9" * 400  # read as a float: inf


@pytest.mark.parametrize("budget", ["-240", HUGE], ids=["negative", "infinite"])
def test_one_bad_budget_changes_no_other_tables_labels(tmp_path, seed_path, seed_read, budget):
    """Table 1's 预算数 made negative (or infinite): the learned model still runs for
    the whole batch, every row of the 99 other tables keeps its labels, and the bad
    value is reported with its file and table."""
    bad = read_path(_seed_with_budget(tmp_path, seed_path, budget))
    first = bad.projects[0]
    assert first.budget is not None and not (0 <= first.budget < float("inf"))  # the reader kept the bad value
    good_rv = review(read_path(seed_path), use_index=False)
    bad_rv = review(bad, use_index=False)
    assert "model" in bad_rv.run and "model_scores" in bad_rv.run  # never switched off for the run
    assert not [p for p in bad_rv.problems if p.file == "model"]
    good = {(p.id, i.id): good_rv.labels(i.id) for p, i in good_rv.rows()}
    changed = [(pid, rid) for p, i in bad_rv.rows() for pid, rid in [(p.id, i.id)]
               if pid != first.id and bad_rv.labels(rid) != good[(pid, rid)]]
    assert changed == []
    named = [p for p in bad_rv.problems if p.table == first.table_index + 1 and "预算数" in p.message]
    assert named and named[0].file == first.source_file and first.id in named[0].message
    # the bad budget is not compared against: no false cost_over_budget block from it
    assert not [f for f in bad_rv.project_findings(first.id) if f.code == "cost_over_budget"]


def test_a_row_whose_features_fail_costs_only_that_row(seed_read, monkeypatch):
    """Any other value the features cannot compute (here: one row's value parser
    raising) leaves the model's judgement of every other row as it was, and the
    row is named with its table and row."""
    import copy

    from classifier import features

    projects = copy.deepcopy(seed_read.projects[:20])
    victim = projects[3].indicators[2]
    victim.value = "≥95%\u2063故障"
    real = features.value_features

    def flaky(ind, p):
        if "\u2063故障" in ind.value:
            raise OverflowError("math range error")
        return real(ind, p)

    from classifier.models import ReadResult

    base = review(ReadResult(projects=copy.deepcopy(projects)), use_index=False)
    monkeypatch.setattr(features, "value_features", flaky)
    rv = review(ReadResult(projects=projects), use_index=False)
    assert rv.run["model"]["rows_skipped"] == 1
    assert [rid for rid in rv.run["model_scores"]] == [i.id for p in projects for i in p.indicators if i is not victim]
    for p, i in rv.rows():
        if i is not victim:
            assert rv.labels(i.id) == base.labels(i.id), i.id
    pr = [p for p in rv.problems if victim.id in p.message]
    assert pr and pr[0].table == projects[3].table_index + 1 and pr[0].row == victim.row


# ---- 4. atomic outputs, a distinct exit code for I/O failure ---------------------------

def _limited(cmd: list[str], limit: int, env: dict) -> subprocess.CompletedProcess:
    """Run with the file-size limit at `limit` bytes: every write past it fails
    with EFBIG, as on a full disk (Python ignores SIGXFSZ)."""
    def cap():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(cmd, capture_output=True, text=True, env=env, preexec_fn=cap, timeout=300, cwd=ROOT)


@pytest.mark.parametrize("kind", ["review", "report"])
def test_full_disk_keeps_the_previous_output_and_exits_3(small_file, tmp_path, kind):
    env = {**os.environ, "INDICATOR_QA_EMBEDDER": "tfidf", "PYTHONPATH": str(ROOT)}
    exe = [sys.executable, "-m", "classifier.cli"]
    out = tmp_path / ("review.json" if kind == "review" else "report.html")
    args = ["review", str(small_file), "--format", "json", "--out", str(out)] if kind == "review" else \
        ["report", str(small_file), "--out", str(out)]
    good = subprocess.run(exe + args, capture_output=True, text=True, env=env, timeout=300, cwd=ROOT)
    assert good.returncode == 0, good.stderr
    before = out.read_bytes()
    assert len(before) > 20000
    # The caches are warm: a second run writes nothing but the output, which is cut at half its size.
    bad = _limited(exe + args, len(before) // 2, env)
    assert bad.returncode == EXIT_IO, bad.stderr
    assert "Traceback" not in bad.stderr and str(out) in bad.stderr and "原文件保持不变" in bad.stderr
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []  # no temporary file left


@pytest.mark.parametrize("kind", ["review", "report"])
def test_out_into_a_missing_directory_names_it(small_file, tmp_path, tfidf, kind):
    missing = tmp_path / "没有这个目录"
    out = missing / ("r.json" if kind == "review" else "r.xlsx")
    args = ["review", str(small_file), "--format", "json", "--out", str(out)] if kind == "review" else \
        ["report", str(small_file), "--out", str(out)]
    result = _invoke(*args)
    assert result.exit_code == EXIT_IO
    assert str(missing) in result.stderr and "不存在" in result.stderr
    assert not missing.exists()


def test_exit_codes_are_in_help_and_readme():
    for cmd in ([], ["review"], ["report"]):
        text = " ".join(CliRunner().invoke(main, [*cmd, "--help"]).output.split())
        assert "Exit codes:" in text and "3 an output" in text and "previous file is kept" in text, cmd
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "退出码" in readme and "`3`" in readme


def test_atomic_write_replaces_all_at_once(tmp_path):
    from classifier.outputs import OutputError, atomic_write

    target = tmp_path / "a.json"
    target.write_text("old", encoding="utf-8")
    os.chmod(target, 0o640)
    atomic_write(target, "新内容")
    assert target.read_text(encoding="utf-8") == "新内容" and (target.stat().st_mode & 0o777) == 0o640
    with pytest.raises(OutputError) as e:
        atomic_write(tmp_path, "x")
    assert str(tmp_path) in e.value.strerror


# ---- 13. control characters in file names never reach the terminal ---------------------

def test_control_characters_in_file_names_are_escaped_on_stderr(tmp_path, tfidf):
    name = "表\x1b[31m红\x1b[0m\r注意：伪造的一行\n.csv"
    evil = tmp_path / name
    evil.write_bytes(b"\xff\xfe\x00garbage that is no table\x00" * 10)  # unreadable: its name is printed
    good = _write_csv(tmp_path / "ok\x07\x1b]0;title\x07.csv", read_path(
        ROOT / "examples" / "tianjin_2022_project_targets.txt").projects[:2])
    out = tmp_path / "out\x1b[2J.json"
    result = _invoke("review", str(evil), str(good), "--format", "json", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.is_file()
    for stream in (result.stderr, result.stdout):
        assert "\x1b" not in stream and "\r" not in stream and "\x07" not in stream
    assert "\\x1b[31m" in result.stderr  # shown, escaped, so the user can still tell which file
    assert all(not line.startswith("注意：伪造") for line in result.stderr.splitlines())
    table = _invoke("review", str(good))  # the table format prints cell text to stdout
    assert "\x1b" not in table.stdout and "\x07" not in table.stdout


# ---- 16. data dir that is a file; Infinity in JSON --------------------------------------

def test_home_pointing_at_a_file_is_a_clear_error(small_file, tmp_path, monkeypatch):
    home = tmp_path / "home-is-a-file"
    home.write_text("x")
    monkeypatch.setenv("INDICATOR_QA_HOME", str(home))
    for args in (["review", str(small_file)], ["train", "--include-decisions"], ["similar", "满意度"]):
        result = _invoke(*args)
        assert result.exit_code == EXIT_IO, (args, result.stderr)
        assert str(home) in result.stderr and "不是目录" in result.stderr
    assert home.read_text() == "x"


def test_json_output_never_has_infinity_or_nan(tmp_path, seed_path, tfidf):
    path = _seed_with_budget(tmp_path, seed_path, HUGE)
    for fmt in ("json", "jsonl"):
        result = _invoke("review", str(path), "--format", fmt)
        assert result.exit_code == 0, result.stderr
        text = result.stdout
        assert "Infinity" not in text and "NaN" not in text
        docs = [json.loads(text)] if fmt == "json" else [json.loads(l) for l in text.splitlines()]

        def strict(s):  # a parser that refuses the non-JSON constants
            return json.loads(s, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))

        strict(text) if fmt == "json" else [strict(l) for l in text.splitlines()]
        budgets = [d["projects"][0]["budget"] for d in docs] if fmt == "json" else [docs[0]["budget"]]
        assert budgets == [None]
