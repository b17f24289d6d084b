"""Issue 16: the layouts real tables come in — flat, merged, per-year, PDF —
read and checked, keeping what was published. Every file is built here, shaped
like the public 申报书/任务书 and district 申报表 the issue describes; names
and numbers are invented (no real person's data)."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from classifier.cli import main
from classifier.ingest import read_bytes
from classifier.pipeline import review

PROJECT = "新型复合材料无损检测方法研究"
FLAT_HEADER = ["一级指标", "二级指标", "指标名称", "指标值", "第一年度", "第二年度"]
FLAT_ROWS = [
    ["产出指标", "数量指标", "发表论文", "3篇", "0.5篇", "2.5篇"],
    ["", "", "申请发明专利", "2项", "1项", "2项"],
    ["", "质量指标", "检测准确率", "≥90.00(%)", "≥85(%)", "≥90(%)"],
    ["效益指标", "社会效益指标", "培养研究生", "2人", "1人", "1人"],
]
SATISFACTION = "服务对象满意度：优>=85%"


def _docx_bytes(d) -> bytes:
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _renwushu(second_project: str | None = None) -> bytes:
    """A 任务书: cover with 项目名称, numbered sections (one a table of people),
    the flat 绩效指标 table with yearly columns and a full-width 满意度 row."""
    d = docx.Document()
    d.add_paragraph("省科技计划项目任务书")
    d.add_paragraph(f"项目名称：{PROJECT}")
    d.add_paragraph("六、参加人员及分工")
    people = d.add_table(rows=2, cols=3)
    for c, t in enumerate(("姓名", "工作单位", "分工")):
        people.cell(0, c).text = t
    for c, t in enumerate(("甲某", "某研究所", "方法设计")):
        people.cell(1, c).text = t
    d.add_paragraph("七、绩效目标")
    t = d.add_table(rows=2 + len(FLAT_ROWS), cols=len(FLAT_HEADER))
    for c, h in enumerate(FLAT_HEADER):
        t.cell(0, c).text = h
    for r, cells in enumerate(FLAT_ROWS, start=1):
        for c, text in enumerate(cells):
            t.cell(r, c).text = text
    last = 1 + len(FLAT_ROWS)
    t.cell(last, 0).text = "满意度指标"
    t.cell(last, 1).merge(t.cell(last, len(FLAT_HEADER) - 1)).text = SATISFACTION
    if second_project:
        d.add_paragraph(f"项目名称：{second_project}")
        t2 = d.add_table(rows=3, cols=2)
        for r, cells in enumerate((["指标名称", "指标值"], ["举办培训班", "≥4期"], ["培训满意度", "≥90%"])):
            for c, text in enumerate(cells):
                t2.cell(r, c).text = text
    return _docx_bytes(d)


def _labels(rv, ind) -> list[str]:
    return rv.labels(ind.id)


# ---- 1–4: flat, merged, per-year, published text (.docx) -----------------------------

def test_renwushu_docx_reads_every_row_and_names_the_project():
    read = read_bytes(_renwushu(), "任务书.docx")
    assert [p.title for p in read.projects] == [PROJECT]  # not "六、参加人员及分工" nor "七、绩效目标"
    inds = read.projects[0].indicators
    assert [i.level3 for i in inds] == ["发表论文", "申请发明专利", "检测准确率", "培养研究生", "服务对象满意度"]
    sat = inds[-1]
    assert (sat.level1, sat.level2, sat.value) == ("满意度指标", "", "优>=85%")  # ">=" as published
    assert inds[0].value_parts["第一年度"] == "0.5篇" and inds[0].value_parts["第二年度"] == "2.5篇"
    assert inds[1].level1 == "产出指标" and inds[1].level2 == "数量指标"  # merged cells carried down
    assert inds[2].value == "≥90.00(%)"  # trailing zeros and the bracketed % kept


def test_renwushu_review_checks_years_and_not_absent_descriptions():
    rv = review(read_bytes(_renwushu(), "任务书.docx"), use_index=False)
    p = rv.projects[0]
    papers, patents, accuracy, students, sat = p.indicators
    assert "implausible_value" in _labels(rv, papers)
    ev = " ".join(f.evidence for f in rv.row_findings(papers.id))
    assert "0.5篇" in ev and "第一年度" in ev
    assert "implausible_value" in _labels(rv, patents)  # 1项 + 2项 exceed the total 2项
    assert any("第二年度" in f.evidence and "超过" in f.evidence for f in rv.row_findings(patents.id))
    assert "unit_mismatch" not in _labels(rv, accuracy)  # "(%)" is a percent
    assert "implausible_value" not in _labels(rv, students)  # 1人 + 1人 = 2人
    pf = rv.project_findings(p.id)
    assert not any(f.code == "missing_dimension" and "满意度" in f.evidence for f in pf)
    # No 绩效指标描述 column: one note for the table, no vague_description on its rows.
    assert [f.code for f in pf].count("no_description_column") == 1
    assert not any("vague_description" in _labels(rv, i) for i in p.indicators)


def test_several_projects_in_one_document_stay_apart():
    read = read_bytes(_renwushu(second_project="基层科普培训"), "两个.docx")
    assert [p.title for p in read.projects] == [PROJECT, "基层科普培训"]
    assert [i.level3 for i in read.projects[1].indicators] == ["举办培训班", "培训满意度"]


def test_unplaceable_full_width_row_is_reported():
    d = docx.Document()
    d.add_paragraph(f"项目名称：{PROJECT}")
    t = d.add_table(rows=3, cols=4)
    for c, h in enumerate(["一级指标", "二级指标", "指标名称", "指标值"]):
        t.cell(0, c).text = h
    for c, v in enumerate(["产出指标", "数量指标", "发表论文", "3篇"]):
        t.cell(1, c).text = v
    t.cell(2, 0).merge(t.cell(2, 3)).text = "注：以上指标由项目单位自评"
    read = read_bytes(_docx_bytes(d), "注.docx")
    assert len(read.projects[0].indicators) == 1
    said = [p for p in read.problems if "无法归入" in p.message]
    assert said and said[0].table == 1 and said[0].row == 3 and said[0].file == "注.docx"


# ---- flat tables in .xlsx / .csv; published values; line breaks ----------------------

def _flat_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([f"项目名称：{PROJECT}"])
    ws.append(["指标名称", "指标值", "第一年度", "第二年度", "第三年度"])
    ws.append(["发表论文", "6篇", 2, 2, 2])
    ws.append(["成果转化收入", 28.4, 10, 8.4, 10])
    ws["B4"].number_format = "0.00"  # shown as 28.40
    ws.append(["生态环境\n成本指标", "≤10万元", "", "", ""])
    ws.append(["满意度指标：服务对象满意度≥90%"])
    ws.merge_cells("A6:E6")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_flat_xlsx_without_levels_keeps_published_numbers():
    read = read_bytes(_flat_xlsx(), "flat.xlsx")
    p = read.projects[0]
    assert p.title == PROJECT
    inds = p.indicators
    assert [i.level3 for i in inds][:3] == ["发表论文", "成果转化收入", "生态环境\n成本指标"]
    assert inds[1].value == "28.40"  # as Excel shows it, not 28.4
    assert inds[0].value_parts == {"number": "6", "unit": "篇", "第一年度": "2", "第二年度": "2", "第三年度": "2"}
    sat = inds[3]  # "满意度指标：服务对象满意度≥90%" merged over the flat table: level, name and value
    assert (sat.level1, sat.level3, sat.value) == ("满意度指标", "服务对象满意度", "≥90%")


def test_yearly_sum_short_of_the_total_is_implausible():
    read = read_bytes(_flat_xlsx(), "flat.xlsx")
    read.projects[0].indicators[0].value_parts["第三年度"] = "1"  # 2 + 2 + 1 < 6篇
    rv = review(read, use_index=False, use_model=False)
    ind = rv.projects[0].indicators[0]
    assert "implausible_value" in rv.labels(ind.id)
    assert any("达不到" in f.evidence and "第三年度" in f.evidence for f in rv.row_findings(ind.id))


def test_split_operator_cells_keep_the_symbol_as_typed():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "一级指标", "二级指标", "三级指标", "绩效指标描述", "运算符", "指标值", "计量单位"])
    ws.append([PROJECT, "产出指标", "质量指标", "检测准确率", "准确检测样品数/样品总数×100%", ">=", 95, "%"])
    ws.append([PROJECT, "产出指标", "数量指标", "检测样品", "完成检测的样品数量", "=", 300, "个"])
    buf = io.BytesIO()
    wb.save(buf)
    inds = read_bytes(buf.getvalue(), "split.xlsx").projects[0].indicators
    assert [i.value for i in inds] == [">=95%", "=300个"]
    rv = review(read_bytes(buf.getvalue(), "split.xlsx"), use_index=False, use_model=False)
    assert "unit_mismatch" not in rv.labels(rv.projects[0].indicators[0].id)  # compared normalised


def test_line_breaks_are_the_same_in_every_reader():
    header = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值"]
    row = ["产出指标", "生态环境\r\n成本指标 ", "绿化费用", "绿化养护 \r\n 费用", "≤93万元"]
    buf = io.StringIO()
    csv.writer(buf).writerows([header, row])
    got_csv = read_bytes(buf.getvalue().encode(), "lb.csv").projects[0].indicators[0]
    wb = openpyxl.Workbook()
    wb.active.append(header)
    wb.active.append([c.replace("\r\n", "\n") for c in row])
    xbuf = io.BytesIO()
    wb.save(xbuf)
    got_xlsx = read_bytes(xbuf.getvalue(), "lb.xlsx").projects[0].indicators[0]
    d = docx.Document()
    t = d.add_table(rows=2, cols=5)
    for r, cells in enumerate((header, row)):
        for c, text in enumerate(cells):
            t.cell(r, c).text = text.replace("\r\n", "\n")
    got_docx = read_bytes(_docx_bytes(d), "lb.docx").projects[0].indicators[0]
    want = ("生态环境\n成本指标", "绿化养护\n费用")
    for got in (got_csv, got_xlsx, got_docx):
        assert (got.level2, got.description) == want


# ---- 5. PDF and pasted PDF text -------------------------------------------------------

def _pdf(story_rows: list[list[str]], title_lines: list[str], repeat_header: bool = True, pages_of_rows: int = 0) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))  # built into reportlab: no font file
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=10)
    buf = io.BytesIO()
    t = Table(story_rows, repeatRows=1 if repeat_header else 0)
    t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "STSong-Light", 9), ("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    SimpleDocTemplate(buf, pagesize=A4).build([*(Paragraph(x, style) for x in title_lines), t])
    return buf.getvalue()


SHENBAO_HEADER = ["一级指标", "二级指标", "三级指标", "指标值"]


def _shenbao_rows(n: int) -> list[list[str]]:
    rows = [SHENBAO_HEADER]
    for k in range(n):
        rows.append(["产出指标" if k == 0 else "", "数量指标" if k == 0 else "", f"社区服务点建设{k + 1}", f"≥{k + 1}个"])
    rows.append(["满意度指标", "服务对象满意度指标", "居民满意度", "≥90.00(%)"])
    return rows


def test_ruled_pdf_table_over_pages_with_repeated_header():
    data = _pdf(_shenbao_rows(70), ["2026年项目支出绩效目标申报表", "项目名称：社区服务提升工程"])
    read = read_bytes(data, "申报表.pdf")
    assert [p.title for p in read.projects] == ["社区服务提升工程"]
    inds = read.projects[0].indicators
    assert len(inds) == 71  # the repeated header on page 2 is not a row
    assert inds[50].level1 == "产出指标" and inds[50].value == "≥51个"
    assert inds[-1].value == "≥90.00(%)"


def test_pdf_table_continuing_without_a_repeated_header():
    read = read_bytes(_pdf(_shenbao_rows(70), ["项目名称：社区服务提升工程"], repeat_header=False), "续表.pdf")
    assert len(read.projects) == 1 and len(read.projects[0].indicators) == 71


def test_scanned_pdf_gets_a_clear_message():
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.rect(50, 50, 400, 600, fill=1)  # an image-like page: no text layer
    c.showPage()
    c.save()
    read = read_bytes(buf.getvalue(), "扫描件.pdf")
    assert not read.projects and read.problems[0].fatal
    assert "文字层" in read.problems[0].message and "扫描" in read.problems[0].message


def test_pasted_pdf_text_with_the_header_far_down(tmp_path):
    lines = ["2026年项目支出绩效目标申报表", "填报单位：某区民政局, 2026年3月", "项目名称  社区服务提升工程", "预算数  120"]
    lines += [f"（{k}）说明文字第{k}条，不是表格。" for k in range(1, 26)]
    lines += ["一级指标  二级指标  三级指标  指标值",
              "产出指标  数量指标  社区服务点建设  ≥12个",
              "时效指标  完成时间  2026年11月底前",
              "满意度指标  服务对象满意度指标  居民满意度  ≥90%"]
    path = tmp_path / "粘贴.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = CliRunner().invoke(main, ["review", str(path), "--format", "jsonl"])
    rows = [json.loads(x) for x in result.stdout.splitlines()]
    assert result.exit_code == 0, result.stderr
    assert [(r["level1"], r["level2"], r["level3"], r["value"]) for r in rows] == [
        ("产出指标", "数量指标", "社区服务点建设", "≥12个"), ("产出指标", "时效指标", "完成时间", "2026年11月底前"),
        ("满意度指标", "服务对象满意度指标", "居民满意度", "≥90%")]
    assert rows[0]["project"] == "社区服务提升工程" and rows[0]["budget"] == 120


# ---- 6. jsonl carries project-level findings ------------------------------------------

def test_jsonl_rows_carry_their_tables_project_findings(tmp_path):
    path = tmp_path / "任务书.docx"
    path.write_bytes(_renwushu())
    out = CliRunner().invoke(main, ["review", str(path), "--format", "jsonl"])
    js = CliRunner().invoke(main, ["review", str(path), "--format", "json"])
    rows = [json.loads(x) for x in out.stdout.splitlines()]
    want = json.loads(js.stdout)["projects"][0]["findings"]
    assert want and all(r["project_findings"] == want for r in rows)
    assert "no_description_column" in {f["code"] for f in want}


def test_blank_description_in_an_existing_column_is_still_flagged():
    header = ["项目名称", "一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值"]
    buf = io.StringIO()
    csv.writer(buf).writerows([header, [PROJECT, "产出指标", "数量指标", "发表论文", "", "3篇"]])
    rv = review(read_bytes(buf.getvalue().encode(), "blank.csv"), use_index=False, use_model=False)
    assert "vague_description" in rv.labels(rv.projects[0].indicators[0].id)
    assert not any(f.code == "no_description_column" for f in rv.findings)
