"""The source's own column layout (issues 8.5 / 9.3): readers record header
texts and what each column holds; the reviewed-table export and the report's
unit sheets give the table back in those columns, a value split over
指标性质/目标值/计量单位 still split — also after a reviewer's rewrite."""
from __future__ import annotations

import io

import docx
import openpyxl
import pytest

from classifier import appmodel as am
from classifier.export import write_xlsx
from classifier.ingest import read_bytes, read_path
from classifier.ingest.common import join_value
from classifier.layout import split_value
from classifier.pipeline import Review, review
from classifier.report import render_xlsx
from classifier.store import Store

SPLIT_HEADER = ["项目名称", "一级指标", "二级指标", "三级指标", "指标解释", "指标性质", "目标值", "计量单位", "分值"]
SPLIT_ROWS = [  # as a central template publishes them: merged (blank) cells below the first
    ["机关大院绿化经费", "产出指标", "数量指标", "绿化草皮面积", "绿化养护草皮面积", "正向指标", 40686, "平方米", 20],
    [None, None, "质量指标", "绿植成活率", "养护绿植成活的比例", "≥", 95, "%", 10],
    [None, None, "成本指标", "人均绿化成本", "按服务人数计的绿化成本", "反向指标", 500, "元/人", 10],
    [None, "效益指标", "可持续影响指标", "保持环境优美", "保持大院绿化环境优美", "定性", "明显提升", None, 10],
    [None, "满意度指标", "服务对象满意度指标", "使用人员满意度", "=HYPERLINK(\"http://x\")", "定量", 95, "%", 10],
]


def _split_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "绿化"
    ws.append(SPLIT_HEADER)
    for r, row in enumerate(SPLIT_ROWS, start=2):
        for c, v in enumerate(row, start=1):
            ws.cell(row=r, column=c, value=v).data_type = "s" if isinstance(v, str) else "n"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet(data: bytes, name: str | None = None) -> tuple[list, list[dict], openpyxl.worksheet.worksheet.Worksheet]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[name] if name else wb.active
    header = [c.value for c in ws[1]]
    body = [dict(zip(header, [c.value if c.value is not None else "" for c in row])) for row in ws.iter_rows(min_row=2)]
    return header, body, ws


def _decide(read, rv, edits: dict[str, dict], tmp_path) -> dict:
    """Save an 'edit' decision per row id (after = the row's fields updated), as the app does."""
    rows = {r["id"]: r for r in (rv.row_dict(p, i) for p, i in rv.rows())}
    with Store(tmp_path / "d.sqlite") as s:
        h = read.projects[0].source_hash
        for rid, change in edits.items():
            row = rows[rid]
            after = {k: row[k] for k in ("level1", "level2", "level3", "description", "value")} | change
            s.save(h, rid, "edit", "张三", am.before_of(row), expected_version=0, after=after, labels=[])
        return s.decisions_for(h)


# ---- reading ---------------------------------------------------------------------

def test_readers_record_header_texts_and_fields():
    read = read_bytes(_split_xlsx(), "绿化.xlsx")
    (p,) = read.projects
    assert p.layout == SPLIT_HEADER
    assert p.field_of == {"项目名称": "project", "一级指标": "level1", "二级指标": "level2", "三级指标": "level3",
                          "指标解释": "description", "指标性质": "operator", "目标值": "number", "计量单位": "unit",
                          "分值": "extra"}
    area, rate, cost, nice, sat = p.indicators
    # 指标性质 words of central templates: 正向 reads ≥, 反向 ≤, 定性/定量 add nothing; the word stays.
    assert (area.value, area.value_parts["operator"]) == ("≥40686平方米", "正向指标")
    assert rate.value == "≥95%"
    assert (cost.value, cost.value_parts) == ("≤500元/人", {"operator": "反向指标", "number": "500", "unit": "元/人"})
    assert nice.value == "明显提升" and sat.value == "95%"


def test_join_value_reads_direction_words():
    assert join_value("反向指标", "500元/人", "") == "≤500元/人"
    assert join_value("反向", "500", "元/人") == "≤500元/人"
    assert join_value("减量", "3", "次") == "≤3次"
    assert join_value("正向指标", "95", "%") == "≥95%"
    assert join_value("正向", "95", "%") == join_value("增量", "95", "%") == "≥95%"
    assert join_value("定量", "40686", "平方米") == "40686平方米"
    assert join_value("定性", "按时完成", "") == "按时完成"
    assert join_value("大于等于", "90", "%") == "≥90%"  # the words it knew before still work


@pytest.mark.parametrize("value, op_col, unit_col, old, want", [
    ("≥98%", True, True, "正向指标", {"operator": "正向指标", "number": "98", "unit": "%"}),  # the word stands for ≥
    ("≤450元/人", True, True, "反向指标", {"operator": "反向指标", "number": "450", "unit": "元/人"}),
    ("≥90%", True, True, "定性", {"operator": "≥", "number": "90", "unit": "%"}),
    ("不低于90%", True, True, "", {"operator": "≥", "number": "90", "unit": "%"}),
    ("≥90%", False, True, "", {"operator": "", "number": "≥90", "unit": "%"}),  # no operator column
    ("≥90%", True, False, "≥", {"operator": "≥", "number": "90%", "unit": ""}),  # no unit column
    ("90%-95%", True, True, "正向指标", {"operator": "", "number": "90%-95%", "unit": ""}),  # a range stays whole
    ("2022年12月底前完成", True, True, "定性", {"operator": "定性", "number": "2022年12月底前完成", "unit": ""}),
])
def test_split_value_joins_back(value, op_col, unit_col, old, want):
    got = split_value(value, operator_column=op_col, unit_column=unit_col, old_operator=old)
    assert got == want
    joined = join_value(got["operator"], got["number"], got["unit"])
    assert joined.replace("不低于", "≥") == value.replace("不低于", "≥")


# ---- the reviewed table ----------------------------------------------------------

def test_export_keeps_split_layout_and_splits_accepted_rewrites(tmp_path):
    data = _split_xlsx()
    read = read_bytes(data, "绿化.xlsx")
    rv = review(read)
    ids = [i.id for _, i in rv.rows()]
    decisions = _decide(read, rv, {ids[0]: {"value": "≥41000平方米"}, ids[3]: {"value": "≥90%", "level3": "环境优良率"},
                                   ids[2]: {"description": "绿化养护费用/服务人数"}}, tmp_path)
    header, body, ws = _sheet(write_xlsx(rv, decisions))
    assert header[:len(SPLIT_HEADER)] == SPLIT_HEADER
    assert header[len(SPLIT_HEADER):] == ["编号", "修改内容", "审核结论", "问题标签", "审核人", "审核说明"]
    area, rate, cost, nice, sat = body
    # Unchanged rows carry the source's cells, merged cells filled down.
    assert [rate[h] for h in SPLIT_HEADER] == ["机关大院绿化经费", "产出指标", "质量指标", "绿植成活率", "养护绿植成活的比例",
                                               "≥", "95", "%", "10"]
    assert (sat["指标性质"], sat["目标值"], sat["计量单位"]) == ("定量", "95", "%")
    # Rewritten values land split: the template's own word kept where it means the same operator.
    assert (area["指标性质"], area["目标值"], area["计量单位"]) == ("正向指标", "41000", "平方米")
    assert (nice["指标性质"], nice["目标值"], nice["计量单位"], nice["三级指标"]) == ("≥", "90", "%", "环境优良率")
    assert (cost["指标解释"], cost["目标值"], cost["计量单位"]) == ("绿化养护费用/服务人数", "500", "元/人")
    assert "「明显提升」→「≥90%」" in nice["修改内容"] and nice["审核结论"] == "修改后接受"
    assert [r["编号"] for r in body] == ids
    # The formula-looking description stays text.
    cell = ws.cell(row=6, column=SPLIT_HEADER.index("指标解释") + 1)
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"

    # Read back, the exported table gives the reviewed rows (the added columns become extra).
    again = read_bytes(write_xlsx(rv, decisions), "reviewed.xlsx")
    rows = [i for p in again.projects for i in p.indicators]
    assert [r.value for r in rows] == ["≥41000平方米", "≥95%", "≤500元/人", "≥90%", "95%"]
    assert rows[3].value_parts == {"operator": "≥", "number": "90", "unit": "%"}
    assert again.projects[0].layout[:len(SPLIT_HEADER)] == SPLIT_HEADER


def test_docx_round_trip(tmp_path):
    header = ["一级指标", "二级指标", "三级指标", "指标内容", "指标方向", "指标值", "度量单位"]
    rows = [["产出指标", "数量指标", "审计数量", "审计公共机构的数量", "≥", "30", "家"],
            ["", "时效指标", "项目完成时间", "项目完成时间", "", "11月底前完成", ""],
            ["满意度指标", "服务对象满意度指标", "社会服务对象满意度", "社会服务对象满意度", "正向", "90", "%"]]
    d = docx.Document()
    d.add_paragraph("2022年天津市公共机构节能工作专项资金绩效目标表")
    t = d.add_table(rows=2 + len(rows), cols=len(header))
    t.cell(0, 0).text = "项目名称"
    t.cell(0, 1).merge(t.cell(0, len(header) - 1)).text = "2022年天津市公共机构节能工作专项资金"
    for r, cells in enumerate([header] + rows, start=1):
        for c, text in enumerate(cells):
            t.cell(r, c).text = text
    d.save(tmp_path / "t.docx")
    read = read_path(tmp_path / "t.docx")
    (p,) = read.projects
    assert p.layout == header
    assert [p.field_of[h] for h in header] == ["level1", "level2", "level3", "description", "operator", "number", "unit"]
    assert [i.value for i in p.indicators] == ["≥30家", "11月底前完成", "≥90%"]

    rv = Review(projects=read.projects)
    out, body, _ = _sheet(write_xlsx(rv, {}))
    assert out[:len(header)] == header and "项目名称" in out[len(header):]
    filled = [rows[0], ["产出指标"] + rows[1][1:], rows[2]]
    assert [[r[h] for h in header] for r in body] == filled
    assert {r["项目名称"] for r in body} == {"2022年天津市公共机构节能工作专项资金"}

    # The report's unit sheet: the same columns first, the review's after.
    rep_header, rep_body, _ = _sheet(render_xlsx(rv), "未注明单位")
    assert rep_header[:len(header)] == header and rep_header[-5:] == ["问题标签", "严重程度", "依据", "建议改写", "改写说明"]
    assert [[r[h] for h in header] for r in rep_body] == filled


def test_seed_round_trip(seed_read):
    """Seed text → reviewed table → our reader: the same 743 rows in the printed header."""
    rv = Review(projects=seed_read.projects)
    data = write_xlsx(rv, {})
    header, body, _ = _sheet(data)
    assert header[:5] == ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值"]
    assert header[5:8] == ["编号", "单位", "项目名称"]
    again = read_bytes(data, "seed-reviewed.xlsx")
    fields = ("level1", "level2", "level3", "description", "value")
    got = [tuple(getattr(i, f) for f in fields) for p in again.projects for i in p.indicators]
    want = [tuple(getattr(i, f) for f in fields) for p in seed_read.projects for i in p.indicators]
    assert len(got) == 743 and got == want
    assert [r["编号"] for r in body] == [i.id for p in seed_read.projects for i in p.indicators]


def test_mixed_layouts_and_unknown_layout_fall_back(tmp_path):
    """A labelled JSONL has no layout: the fixed columns. Files with different
    layouts in one review: the columns of both, each row under its own."""
    jl = tmp_path / "l.jsonl"
    jl.write_text('{"id": "T001-01", "project": "甲", "unit": "100001甲单位", "level1": "产出指标", "level2": "数量指标", '
                  '"level3": "审计数量", "description": "审计数量", "value": "≥30家", "labels": []}\n', encoding="utf-8")
    r = read_path(jl)
    assert r.projects[0].layout == []
    header, _, _ = _sheet(write_xlsx(Review(projects=r.projects), {}))
    assert header[:8] == ["单位", "项目名称", "预算数（万元）", "一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值"]

    split = read_bytes(_split_xlsx(), "绿化.xlsx")
    both = Review(projects=split.projects + r.projects)
    header, body, _ = _sheet(write_xlsx(both, {}))
    assert header[:len(SPLIT_HEADER)] == SPLIT_HEADER
    assert header[len(SPLIT_HEADER):len(SPLIT_HEADER) + 2] == ["绩效指标描述", "指标值"]  # the fixed layout's own columns
    last = body[-1]
    assert (last["三级指标"], last["指标值"], last["目标值"], last["指标解释"]) == ("审计数量", "≥30家", "", "")
    assert body[0]["目标值"] == "40686" and body[0]["指标值"] == ""
