"""The review command end to end on the seed, via click's CliRunner."""
import json

import pytest
from click.testing import CliRunner

from classifier.cli import main
from classifier.models import LABELS

ROW_KEYS = {"id", "file", "project", "unit", "budget", "level1", "level2", "level3", "description", "value",
            "labels", "findings", "rewrite"}


def run(*args):
    return CliRunner().invoke(main, list(args))


# Each full review of the seed costs seconds: the module runs the command three times
# (jsonl, json, the seed between two unreadable files) and the tests read those runs.

@pytest.fixture(scope="module")
def jsonl_run(seed_path, shared_home):
    with shared_home("cli-jsonl"):
        return run("review", str(seed_path), "--format", "jsonl", "--fail-on", "block")


@pytest.fixture(scope="module")
def json_run(seed_path, shared_home, tmp_path_factory):
    out = tmp_path_factory.mktemp("cli-json") / "r.json"
    with shared_home("cli-json-home"):
        res = run("review", str(seed_path), "--format", "json", "--out", str(out))
    return res, json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def beside_bad_run(seed_path, shared_home, tmp_path_factory):
    d = tmp_path_factory.mktemp("cli-bad")
    (d / "empty.csv").write_bytes(b"")
    (d / "坏.xlsx").write_bytes(b"not a workbook")
    with shared_home("cli-bad-home"):
        return run("review", str(d / "empty.csv"), str(seed_path), str(d / "坏.xlsx"), "--format", "jsonl")


def test_review_jsonl_prints_every_seed_row(jsonl_run):
    res = jsonl_run
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    rows = [json.loads(l) for l in res.stdout.splitlines()]
    assert len(rows) == 743
    assert all(ROW_KEYS <= set(r) for r in rows)
    assert all(set(r["labels"]) <= set(LABELS) for r in rows)
    t1 = {r["id"]: r for r in rows}["T001-08"]
    assert "unit_mismatch" in t1["labels"] and t1["rewrite"]["value"] == "≥90%"
    assert all((r["rewrite"] is None) == (not r["labels"]) for r in rows)


def test_review_json_has_projects_and_summary(json_run):
    res, data = json_run
    assert res.exit_code == 0
    assert len(data["projects"]) == 100
    assert data["summary"]["rows"] == 743 and data["summary"]["units"] == 19
    flagged = sum(1 for p in data["projects"] for i in p["indicators"] if i["labels"])
    assert data["summary"]["flagged_rows"] == flagged
    t14 = next(p for p in data["projects"] if p["id"] == "T014")
    assert any(f["code"] == "missing_dimension" for f in t14["findings"])


def test_review_table_is_readable(seed_path):
    res = run("review", str(seed_path))
    assert res.exit_code == 0
    assert "■ T001 2022年天津市公共机构节能工作专项资金" in res.stdout
    assert "共 100 张表、19 个单位、743 行指标" in res.stdout


def test_fail_on_block_exits_1(jsonl_run):
    assert jsonl_run.exit_code == 1


def test_unreadable_input_exits_2_with_message(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"this is not a workbook")
    res = run("review", str(bad))
    assert res.exit_code == 2
    assert "bad.xlsx" in res.stderr and "Traceback" not in res.output + res.stderr


def test_bad_file_beside_good_one_still_reviews_the_good(beside_bad_run):
    res = beside_bad_run
    assert res.exit_code == 0
    assert len(res.stdout.splitlines()) == 743
    assert "empty.csv" in res.stderr and "坏.xlsx" in res.stderr and "Traceback" not in res.output + res.stderr


def test_summary_line_names_flagged_rows_and_reading_notes_apart(json_run, beside_bad_run):
    """Issue 17: "654 行有问题；问题 0 条" read as "0 problems"."""
    res, data = json_run
    s = data["summary"]
    line = res.stderr.strip().splitlines()[-1]
    assert f"其中 {s['flagged_rows']} 行被标出问题" in line
    assert "问题 0 条" not in line
    assert ("没有遇到问题" in line) == (s["problems"] == 0)
    # Files that cannot be read beside the seed: the note counts them, the flagged rows stay apart.
    line = beside_bad_run.stderr.strip().splitlines()[-1]
    assert f"其中 {s['flagged_rows']} 行被标出问题" in line and "条读取或审核提示" in line


def test_help_texts_cite_files_that_exist():
    """Every repository path an example in --help names is there (issue 17: eval --help cited a missing result)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for cmd in ("review", "report", "eval", "clusters", "similar", "train", "agree"):
        res = run(cmd, "--help")
        assert res.exit_code == 0, cmd
        for path in re.findall(r"(?:examples|eval)/[\w./-]+\.(?:jsonl|json|txt|sqlite)\b", res.output):
            if "<" in path or path.startswith(("eval/llm_cache/", "eval/judged/")):
                continue  # a pattern, or a file another command writes (cache, judged set)
            assert (root / path).exists(), f"{cmd} --help cites {path}"


def test_json_is_written_a_table_at_a_time_with_the_same_text(seed_read, tmp_path):
    """`review --format json` streams Review.json_chunks (one table at a time, so a
    province's batch never holds the whole document twice): the text is exactly
    json.dumps of to_json, for the seed, a table with an unparseable budget (null,
    not NaN) and an empty batch."""
    import copy
    import math

    from classifier.models import ReadResult
    from classifier.pipeline import review

    projects = copy.deepcopy(seed_read.projects[:3])
    projects[1].budget = math.inf  # json_ready: written as null
    for rv in (review(ReadResult(projects=projects), use_model=False), review(ReadResult(projects=[]))):
        text = "".join(rv.json_chunks(indent=1))
        assert text == json.dumps(rv.to_json(), ensure_ascii=False, indent=1)
        json.loads(text)
        compact = "".join(rv.json_chunks())  # the CLI's: one table per line, the same document
        assert json.loads(compact) == rv.to_json() and "NaN" not in compact and "Infinity" not in compact
        tables = [json.loads(line.rstrip(",")) for line in compact.splitlines()[1:1 + len(rv.projects)]]
        assert [t["id"] for t in tables] == [p.id for p in rv.projects]
    out = tmp_path / "r.json"
    r = CliRunner().invoke(main, ["review", str(seed_read.projects[0].source_file), "--format", "json", "--out", str(out)])
    assert r.exit_code == 0, r.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert sum(len(p["indicators"]) for p in doc["projects"]) == doc["summary"]["rows"] == 743
