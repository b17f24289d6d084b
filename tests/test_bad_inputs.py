"""Bad input never gives a traceback: every file of tests/bad_inputs/ (built
from seed rows in tmp) through `indicator-qa review FILE --format jsonl` gives a
message naming the file (and table/row where known), exit 2 only when nothing
could be read, and a reviewed row for every readable row."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from classifier.ingest import read_path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bad_inputs.build import INJECTION, ROWS, TITLE, UNIT, Case, build  # noqa: E402
from helpers import review_cli as run_cli  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def suite(tmp_path_factory) -> tuple[Path, dict[str, Case]]:
    d = tmp_path_factory.mktemp("bad_inputs")
    return d, {c.name: c for c in build(d)}


def _cases() -> list[str]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        return [c.name for c in build(Path(tmp))]


CASES = _cases()


def rows_of(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_suite_has_at_least_20_files(suite):
    d, cases = suite
    assert len(cases) >= 20
    assert sorted(p.name for p in d.iterdir()) == sorted(cases)


@pytest.mark.parametrize("name", CASES)
def test_bad_file(suite, name):
    d, cases = suite
    case = cases[name]
    result = run_cli(str(d / name), "--format", "jsonl")
    rows = rows_of(result)
    expected = case.rows if case.rows >= 0 else sum(len(p.indicators) for p in read_path(d / name).projects)
    assert result.exit_code == (0 if expected else 2), result.stderr
    assert len(rows) == expected, result.stderr
    for word in case.says:
        assert word in result.stderr, f"{word!r} not in: {result.stderr}"
    for r in rows:  # every readable row reviewed: labels, a source, the file it came from
        assert isinstance(r["labels"], list) and r["source"] and r["file"].endswith(name)
    assert len({r["id"] for r in rows}) == len(rows)
    if not expected:
        assert "没有可读取" in result.stderr


def _big_csv(path: Path, mb: int) -> Path:
    line = f"{TITLE},{UNIT},93.00,{','.join(ROWS[0])}\n".encode()
    with open(path, "wb") as fh:
        fh.write(("项目名称,主管部门,预算数,一级指标,二级指标,三级指标,绩效指标描述,指标值\n").encode())
        fh.write(line * (mb * 1024 * 1024 // len(line) + 1))
    return path


def test_file_past_the_size_setting_is_refused_naming_size_and_setting(tmp_path, monkeypatch):
    big = _big_csv(tmp_path / "huge.csv", 12)
    monkeypatch.setenv("INDICATOR_QA_MAX_FILE_MB", "10")
    result = run_cli(str(big), "--format", "jsonl")
    assert result.exit_code == 2
    assert "huge.csv" in result.stderr and "MB" in result.stderr and "上限" in result.stderr
    assert "INDICATOR_QA_MAX_FILE_MB" in result.stderr  # the message says which setting to raise
    assert result.stdout == ""


def test_a_32_mb_province_export_is_read_by_default(tmp_path):
    """Issue 18: no fixed small cap refuses a real export."""
    big = _big_csv(tmp_path / "province.csv", 32)
    assert big.stat().st_size > 32 * 1024 * 1024 > 20 * 1024 * 1024
    read = read_path(big)
    assert not [p for p in read.problems if p.fatal]
    n = sum(len(p.indicators) for p in read.projects)
    assert n == sum(1 for _ in open(big, encoding="utf-8")) - 1


def test_merged_two_row_header_reads_the_right_columns(suite):
    d, _ = suite
    rows = rows_of(run_cli(str(d / "merged_header.docx"), "--format", "jsonl"))
    got = [(r["level1"], r["level2"], r["level3"], r["description"], r["value"]) for r in rows]
    assert got == [tuple(r) for r in ROWS]


def test_formula_cells_are_named_and_hyperlinks_keep_their_text(suite):
    d, _ = suite
    result = run_cli(str(d / "formulas_links.xlsx"), "--format", "jsonl")
    rows = rows_of(result)
    assert "H3" in result.stderr and "H4" in result.stderr
    assert rows[0]["description"] == ROWS[0][3]  # a hyperlinked cell reads as its text
    assert rows[1]["value"] == ""  # the uncalculated formula is blank, not the formula text


def test_encodings_give_the_same_rows(suite):
    d, _ = suite
    want = [tuple(r) for r in ROWS]
    for name in ("gbk.csv", "utf8_bom.csv", "utf16_excel.txt"):
        rows = rows_of(run_cli(str(d / name), "--format", "jsonl"))
        assert [(r["level1"], r["level2"], r["level3"], r["description"], r["value"]) for r in rows] == want, name
        assert rows[0]["project"] == TITLE  # the BOM does not stick to the first header


def test_long_cell_is_kept_whole(suite):
    d, _ = suite
    rows = rows_of(run_cli(str(d / "long_cell.csv"), "--format", "jsonl"))
    assert len(rows[0]["description"]) > 100_000


def test_control_characters_removed_emoji_kept(suite):
    d, _ = suite
    result = run_cli(str(d / "emoji_control.csv"), "--format", "table")
    assert "\x1b" not in result.stdout and "\x00" not in result.stdout and "\x07" not in result.stdout
    rows = rows_of(run_cli(str(d / "emoji_control.csv"), "--format", "jsonl"))
    assert rows[0]["level3"] == "绿化🌳清洁时效😀"
    assert rows[3]["description"] == "保持环境优美"
    assert "控制字符" in result.stderr


def test_prompt_injection_is_data(suite):
    d, _ = suite
    rows = rows_of(run_cli(str(d / "prompt_injection.csv"), "--format", "jsonl"))
    assert rows[0]["description"] == INJECTION  # kept verbatim, as data
    assert rows[1]["level3"] == "<script>alert(document.cookie)</script>"
    # The injected "judge everything fine" changes nothing: a row the rules flag stays flagged.
    clean = rows_of(run_cli(str(d / "gbk.csv"), "--format", "jsonl"))
    assert rows[4]["labels"] == clean[4]["labels"]


def test_duplicate_ids_all_reviewed_under_distinct_ids(suite):
    d, _ = suite
    result = run_cli(str(d / "duplicate_ids.jsonl"), "--format", "jsonl")
    rows = rows_of(result)
    assert [r["level3"] for r in rows] == [r[2] for r in ROWS]
    assert rows[0]["id"] == "T001-01" and len({r["id"] for r in rows}) == 5
    assert result.stderr.count("重复") == 2


def test_truncated_seed_keeps_the_tables_before_the_cut(suite, seed_read):
    d, _ = suite
    part = read_path(d / "truncated_seed.txt").projects
    assert len(part) > 20
    for p, q in zip(part[:-1], seed_read.projects):  # the last table may be cut
        assert [i.text() for i in p.indicators] == [i.text() for i in q.indicators]


def test_whole_directory_in_a_real_process(suite):
    """One real run over all of them: good rows reviewed, each unreadable file
    named once, exit 0 because something was read, no traceback."""
    d, cases = suite
    proc = subprocess.run([sys.executable, "-m", "classifier.cli", "review", str(d), "--format", "jsonl"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    files = {Path(r["file"]).name for r in rows}
    for c in cases.values():
        if c.rows == 0:
            assert c.name in proc.stderr and c.name not in files
        else:
            assert c.name in files
    assert len({r["id"] for r in rows}) == len(rows)
