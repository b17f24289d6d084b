"""Reader faults of issue 15 (items 3, 5–8 and the reader items of 16): files
built here from the seed's rows (机关大院绿化经费, 93.00万元), each shaped like
what an office really sends."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from classifier.ingest import read_bytes, read_path, read_paths
from classifier.ingest.common import cn_integer, read_money
from classifier.ingest.limits import from_env
from classifier.pipeline import review
from classifier.values import parse_value

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bad_inputs.build import (CSV_HEADER, HEADER, ROWS, TITLE, UNIT, _csv_bytes, _csv_rows, _docx_bytes,  # noqa: E402
                              _xlsx_bytes, good_docx, hidden_sheets_xlsx)
from helpers import review_cli as _cli  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _rows(read) -> list[tuple[str, ...]]:
    return [(i.level1, i.level2, i.level3, i.description, i.value) for p in read.projects for i in p.indicators]


def _titled_table(parent):
    """A 5-column table in a document or a cell: the 项目名称 row, the header, the seed rows."""
    t = parent.add_table(rows=2 + len(ROWS), cols=5)
    t.cell(0, 0).text = "项目名称"
    t.cell(0, 1).merge(t.cell(0, 4)).text = TITLE
    for c, h in enumerate(HEADER):
        t.cell(1, c).text = h
    for r, cells in enumerate(ROWS):
        for c, text in enumerate(cells):
            t.cell(2 + r, c).text = text
    return t


# ---- 3. money units ------------------------------------------------------------------

@pytest.mark.parametrize("text, wan", [
    ("240.00", 240.0), ("1,200万元", 1200.0), ("1.2亿元", 12000.0), ("12,345,000元", 1234.5), ("12,345,000.00元", 1234.5),
    ("壹佰万元", 100.0), ("人民币壹佰贰拾万元整", 120.0), ("一百五十万元", 150.0), ("5000千元", 500.0), ("¥930,000", 93.0),
    ("２４０万元", 240.0), ("93万", 93.0),
])
def test_money_units_read_in_wan(text, wan):
    assert read_money(text) == (pytest.approx(wan), "")


def test_unreadable_money_is_reported_not_guessed():
    value, why = read_money("待定")
    assert value is None and "待定" in why and "无法读取" in why
    assert cn_integer("壹亿贰仟万") == 120_000_000


def _money_xlsx(budget, unit_note: str | None = None, header_budget: str = "预算数") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([f"{TITLE}绩效目标表"])
    if unit_note:
        ws.append([unit_note])
    ws.append(["项目名称", "主管部门", header_budget, *HEADER])
    for r in ROWS:
        ws.append([TITLE, UNIT, budget, *r])
    return _xlsx_bytes(wb)


def test_table_unit_yuan_applies_to_bare_budget_numbers():
    read = read_bytes(_money_xlsx("930000", "单位：元"), "元.xlsx")
    assert read.projects[0].budget == pytest.approx(93.0)
    read = read_bytes(_money_xlsx("930000", header_budget="预算数（元）"), "列元.xlsx")
    assert read.projects[0].budget == pytest.approx(93.0)


def test_table_unit_yuan_applies_to_bare_cost_values():
    """Under "单位：元", a cost row's bare "≤930000" is money (93万元): no unit
    mismatch, and within the 930000元 budget."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["单位：元"])
    ws.append(["项目名称", "预算数", *HEADER])
    ws.append([TITLE, "930000", "产出指标", "成本指标", "绿化养护成本", "绿化园林费全年支出", "≤930000"])
    ws.append([TITLE, "930000", "产出指标", "成本指标", "设备更新成本", "更新绿化设备支出", "≤950000"])
    rv = review(read_bytes(_xlsx_bytes(wb), "元.xlsx"), use_index=False, use_model=False)
    first, second = rv.projects[0].indicators
    assert rv.projects[0].budget == pytest.approx(93.0) and rv.projects[0].money_unit == "元"
    assert "unit_mismatch" not in rv.labels(first.id)
    assert "implausible_value" in rv.labels(second.id)  # 95万元 alone is more than the 93万元 budget
    assert any(f.code == "cost_over_budget" for f in rv.project_findings(rv.projects[0].id))


def test_yi_budget_raises_no_false_cost_over_budget():
    rv = review(read_bytes(_money_xlsx("1.2亿元"), "亿.xlsx"), use_index=False, use_model=False)
    assert rv.projects[0].budget == pytest.approx(12000.0)
    assert not [f for f in rv.findings if f.code == "cost_over_budget"]


def test_unreadable_budget_names_file_table_row():
    read = read_bytes(_money_xlsx("另行下达"), "未定.xlsx")
    assert read.projects[0].budget is None and len(_rows(read)) == len(ROWS)
    msg = [p for p in read.problems if "另行下达" in p.message]
    assert len(msg) == 1 and msg[0].table == 1 and msg[0].row == 3 and msg[0].file == "未定.xlsx"


# ---- 5. hidden sheets ----------------------------------------------------------------

def test_hidden_sheets_skipped_by_default_and_said(tmp_path):
    path = tmp_path / "hidden.xlsx"
    path.write_bytes(hidden_sheets_xlsx())
    read = read_path(path)
    assert [p.title for p in read.projects] == [TITLE]
    said = [p for p in read.problems if "隐藏" in p.message]
    assert {p.table for p in said} == {2, 3} and any("veryHidden" in p.message for p in said)
    result = _cli(str(path), "--format", "jsonl")
    assert len(result.stdout.splitlines()) == len(ROWS) and "草稿" in result.stderr and "--include-hidden-sheets" in result.stderr


def test_hidden_sheets_switch(tmp_path, monkeypatch):
    path = tmp_path / "hidden.xlsx"
    path.write_bytes(hidden_sheets_xlsx())
    result = _cli(str(path), "--format", "jsonl", "--include-hidden-sheets")
    assert len(result.stdout.splitlines()) == 3 * len(ROWS)
    monkeypatch.setenv("INDICATOR_QA_INCLUDE_HIDDEN_SHEETS", "1")
    assert len(read_path(path).projects) == 3


# ---- 6. repeated header rows ---------------------------------------------------------

def test_concatenated_csvs_with_bom_headers_skip_the_repeats():
    one = b"\xef\xbb\xbf" + _csv_bytes(_csv_rows())
    data = one + one + one  # three exports pasted together, each with its BOM and header
    read = read_bytes(data, "concat.csv")
    assert [p.title for p in read.projects] == [TITLE]  # no fake project named 项目名称
    assert len(_rows(read)) == 3 * len(ROWS)
    assert not any(i.level3 == "三级指标" for p in read.projects for i in p.indicators)
    said = [p for p in read.problems if "重复的表头" in p.message]
    assert len(said) == 1 and "2 个" in said[0].message and said[0].row == len(ROWS) + 2


def test_page_break_headers_in_xlsx_and_docx_are_skipped():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(CSV_HEADER)
    for k, r in enumerate(_csv_rows()):
        if k == 3:
            ws.append([" 项目名称", "主管部门", "预算数", "一级指标", "二级指标", "三级\n指标", "绩效指标描述", "指标值"])
        ws.append(r)
    read = read_bytes(_xlsx_bytes(wb), "breaks.xlsx")
    assert _rows(read) == [tuple(r) for r in ROWS]
    d = docx.Document()
    d.add_paragraph(f"{TITLE}绩效目标表")
    t = d.add_table(rows=2 + len(ROWS) + 1, cols=5)
    t.cell(0, 0).text = "项目名称"
    t.cell(0, 1).merge(t.cell(0, 4)).text = TITLE
    rows = [HEADER, *ROWS[:2], HEADER, *ROWS[2:]]
    for r, cells in enumerate(rows, start=1):
        for c, text in enumerate(cells):
            t.cell(r, c).text = text
    read = read_bytes(_docx_bytes(d), "breaks.docx")
    assert _rows(read) == [tuple(r) for r in ROWS]
    assert any("重复的表头" in p.message and p.row == 5 for p in read.problems)


# ---- 7. one bad cell or line never loses the rest ------------------------------------

def test_150000_character_csv_cell_keeps_the_rows_after_it():
    rows = _csv_rows()
    rows[1][6] = "很长的说明" * 30_000  # 150,000 characters, past csv's default field limit
    read = read_bytes(_csv_bytes(rows), "long.csv")
    got = _rows(read)
    assert len(got) == len(ROWS) and got[4] == tuple(ROWS[4])
    assert len(got[1][3]) == 150_000


def test_cell_past_the_cell_limit_is_cut_named_and_the_rest_read(monkeypatch):
    monkeypatch.setenv("INDICATOR_QA_MAX_CELL_CHARS", "1000")
    rows = _csv_rows()
    rows[1][6] = "长" * 5000
    read = read_bytes(_csv_bytes(rows), "cut.csv")
    assert len(_rows(read)) == len(ROWS) and len(_rows(read)[1][3]) == 1000
    said = [p for p in read.problems if "5,000" in p.message]
    assert said and said[0].row == 3 and said[0].table == 1 and "INDICATOR_QA_MAX_CELL_CHARS" in said[0].message


def test_deeply_nested_jsonl_line_loses_only_itself():
    lines = [json.dumps({"id": f"T001-0{k + 1}", "project": TITLE, "unit": UNIT,
                         **dict(zip(("level1", "level2", "level3", "description", "value"), r))}, ensure_ascii=False)
             for k, r in enumerate(ROWS)]
    lines.insert(2, '{"level3": ' + "[" * 100_000 + "]" * 100_000 + "}")
    read = read_bytes("\n".join(lines).encode(), "nested.jsonl")
    assert _rows(read) == [tuple(r) for r in ROWS]
    assert any(p.row == 3 and "嵌套" in p.message for p in read.problems)


def test_one_gbk_cell_in_a_utf8_csv():
    text = _csv_bytes(_csv_rows()).decode("utf-8")
    lines = text.splitlines(keepends=True)
    data = b"".join(line.encode("gbk") if k == 3 else line.encode("utf-8") for k, line in enumerate(lines))
    read = read_bytes(data, "mixed.csv")
    assert _rows(read) == [tuple(r) for r in ROWS]  # the GBK line reads right too
    said = [p for p in read.problems if "GBK" in p.message]
    assert len(said) == 1 and said[0].row == 4


def test_20_million_character_docx_cell_keeps_the_file():
    d = docx.Document()
    d.add_paragraph(f"{TITLE}绩效目标表")
    t = _titled_table(d)
    t.cell(3, 3).text = "x" * 20_000_000  # past lxml's 10 MB text-node limit
    read = read_bytes(_docx_bytes(d), "huge_cell.docx")
    got = _rows(read)
    assert len(got) == len(ROWS) and got[0] == tuple(ROWS[0]) and got[4] == tuple(ROWS[4])
    assert len(got[1][3]) == from_env().max_cell_chars
    assert any(p.row == 4 and p.table == 1 and "20,000,000" in p.message for p in read.problems)


def test_carriage_return_only_csv():
    data = _csv_bytes(_csv_rows()).replace(b"\r\n", b"\n").replace(b"\n", b"\r")
    read = read_bytes(data, "mac.csv")
    assert _rows(read) == [tuple(r) for r in ROWS]


# ---- 8. bounded reads ----------------------------------------------------------------

def test_sheet_extent_is_not_trusted(monkeypatch):
    """One stored cell at XFD1048576: the rows are read from the cells stored,
    and the cell limit counts those, not the extent the sheet claims."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(CSV_HEADER)
    for r in _csv_rows():
        ws.append(r)
    ws["XFD1048576"] = "x"
    monkeypatch.setenv("INDICATOR_QA_MAX_CELLS", "200")
    read = read_bytes(_xlsx_bytes(wb), "extent.xlsx")
    assert _rows(read) == [tuple(r) for r in ROWS]


def test_row_and_cell_limits_stop_with_the_setting_named(monkeypatch):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(CSV_HEADER)
    for r in _csv_rows() * 4:
        ws.append(r)
    data = _xlsx_bytes(wb)
    monkeypatch.setenv("INDICATOR_QA_MAX_ROWS", "6")
    read = read_bytes(data, "rows.xlsx")
    assert len(_rows(read)) == 5 and any("INDICATOR_QA_MAX_ROWS" in p.message for p in read.problems)
    csv_read = read_bytes(_csv_bytes(_csv_rows() * 4), "rows.csv")
    assert len(_rows(csv_read)) == 5 and any("INDICATOR_QA_MAX_ROWS" in p.message for p in csv_read.problems)


def test_zip_of_empty_paragraphs_is_refused_before_parsing(monkeypatch):
    base = good_docx()
    src = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "word/document.xml":
                body = body.replace(b"<w:body>", b"<w:body>" + b"<w:p/>" * 2_000_000)  # 12 MB of nothing
            zf.writestr(info.filename, body)
    data = out.getvalue()
    assert len(data) < 200_000
    monkeypatch.setenv("INDICATOR_QA_MAX_DOCX_XML_MB", "5")
    read = read_bytes(data, "bomb.docx")
    assert not read.projects and read.problems[0].fatal
    assert "INDICATOR_QA_MAX_DOCX_XML_MB" in read.problems[0].message and "MB" in read.problems[0].message
    monkeypatch.setenv("INDICATOR_QA_MAX_UNZIPPED_MB", "1")
    wb = openpyxl.Workbook()
    wb.active.append(CSV_HEADER)
    for k in range(3000):
        wb.active.append([f"{TITLE}{k}", UNIT, "93.00", *ROWS[0]])
    read = read_bytes(_xlsx_bytes(wb), "big.xlsx")
    assert not read.projects and "INDICATOR_QA_MAX_UNZIPPED_MB" in read.problems[0].message


def _read_in_child(path: str) -> subprocess.CompletedProcess:
    """read_path in a child with a memory cap and a deadline: a reader that
    hangs or grows without bound fails this test instead of taking the machine."""
    import resource

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))

    code = "import sys; from classifier.ingest import read_path; r = read_path(sys.argv[1]); print(r.problems[0].fatal, r.problems[0])"
    return subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True, timeout=60,
                          preexec_fn=cap, cwd=ROOT)


def test_fifo_and_dev_zero_are_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    for path, word in ((str(fifo), "管道"), ("/dev/zero", "设备")):
        try:
            proc = _read_in_child(path)
        except subprocess.TimeoutExpired:
            pytest.fail(f"reading {path} hung")
        assert proc.returncode == 0, proc.stderr[-500:]
        assert proc.stdout.startswith("True") and word in proc.stdout and path in proc.stdout


def test_progress_is_reported_per_file(tmp_path):
    for k in range(3):
        (tmp_path / f"t{k}.csv").write_bytes(_csv_bytes(_csv_rows(title=f"{TITLE}{k}")))
    seen = []
    read_paths([tmp_path], progress=lambda done, total, what: seen.append((done, total, what)))
    assert [(d, t) for d, t, _ in seen] == [(0, 3), (1, 3), (2, 3)] and "t2.csv" in seen[-1][2]


def test_bad_setting_is_said_and_the_default_used(monkeypatch, tmp_path):
    monkeypatch.setenv("INDICATOR_QA_MAX_ROWS", "很多")
    (tmp_path / "a.csv").write_bytes(_csv_bytes(_csv_rows()))
    read = read_paths([tmp_path / "a.csv"])
    assert len(_rows(read)) == len(ROWS) and any("INDICATOR_QA_MAX_ROWS" in p.message for p in read.problems)


# ---- 16: reader items ----------------------------------------------------------------

def test_renamed_xlsx_and_old_office_files_get_a_clear_message(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(CSV_HEADER)
    for r in _csv_rows():
        wb.active.append(r)
    renamed = read_bytes(_xlsx_bytes(wb), "导出.xls")
    assert len(_rows(renamed)) == len(ROWS) and "其实是 Excel" in renamed.problems[0].message
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000)
    for name, words in (("旧.xls", (".xls", ".xlsx")), ("旧.doc", (".doc", ".docx")), ("旧.wps", ("WPS", ".docx"))):
        r = read_bytes(ole, name)
        assert not r.projects and r.problems[0].fatal
        assert all(w in r.problems[0].message for w in words), r.problems[0].message
    ods = io.BytesIO()
    with zipfile.ZipFile(ods, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<x/>")
    r = read_bytes(ods.getvalue(), "表.ods")
    assert "OpenDocument" in r.problems[0].message and ".xlsx" in r.problems[0].message
    for r in (renamed, read_bytes(ole, "旧.xls"), r):
        assert all(" at 0x" not in p.message and "<_io" not in p.message for p in r.problems)


def test_directory_review_names_each_skipped_file_and_empty_directory(tmp_path):
    d = tmp_path / "tables"
    d.mkdir()
    (d / "good.csv").write_bytes(_csv_bytes(_csv_rows()))
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000)
    for name in ("a.xls", "b.doc", "d.wps"):
        (d / name).write_bytes(ole)
    ods = io.BytesIO()
    with zipfile.ZipFile(ods, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    (d / "c.ods").write_bytes(ods.getvalue())
    (d / "notes.rtf").write_text("{\\rtf1 x}")
    result = _cli(str(d), "--format", "jsonl")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == len(ROWS)
    for name in ("a.xls", "b.doc", "c.ods", "d.wps", "notes.rtf"):
        line = next((l for l in result.stderr.splitlines() if name in l), "")
        assert line and ("另存为" in line or "导出" in line), (name, result.stderr)
    empty = tmp_path / "empty"
    empty.mkdir()
    result = _cli(str(empty), "--format", "jsonl")
    assert result.exit_code == 2 and str(empty) in result.stderr and "目录" in result.stderr


@pytest.mark.parametrize("value, bad", [("2022年13月", "2022年13月"), ("2月30日前", "2月30日"), ("2022-00-10", "2022-00-10")])
def test_impossible_dates_are_not_dates(value, bad):
    pv = parse_value(value)
    assert not pv.is_date and pv.bad_date == bad
    assert parse_value("2022年12月31日前").is_date and not parse_value("2022年2月29日").bad_date


def test_impossible_date_is_implausible_in_review():
    rows = _csv_rows()
    rows[0][7] = "2022年13月底前完成"
    rv = review(read_bytes(_csv_bytes(rows), "date.csv"), use_index=False, use_model=False)
    ind = rv.projects[0].indicators[0]
    assert "implausible_value" in rv.labels(ind.id)
    assert any("13月" in f.evidence for f in rv.row_findings(ind.id))


def test_zero_width_characters_in_headers_are_tolerated():
    header = ["\u200b项目名称", "主管\u200d部门", "预算数\ufeff", "一级指标\u200b", "二级指标", "三级\u2060指标", "绩效指标描述", "指标值"]
    read = read_bytes(_csv_bytes(_csv_rows(), header=header), "zw.csv")
    assert _rows(read) == [tuple(r) for r in ROWS] and read.projects[0].title == TITLE
    assert any("不可见字符" in p.message for p in read.problems)


def test_tables_nested_in_a_layout_table_are_read():
    d = docx.Document()
    d.add_paragraph(f"{TITLE}绩效目标表")
    layout = d.add_table(rows=2, cols=1)
    layout.cell(0, 0).text = "附表一"
    _titled_table(layout.cell(1, 0))
    read = read_bytes(_docx_bytes(d), "nested.docx")
    assert _rows(read) == [tuple(r) for r in ROWS] and read.projects[0].title == TITLE
    assert not [p for p in read.problems if "没有找到指标表头" in p.message]  # the layout table is not a fault
