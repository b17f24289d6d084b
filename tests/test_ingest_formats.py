"""Readers for .docx / .xlsx / .csv / .jsonl, built here from real rows of the
2022 Tianjin tables (examples/tianjin_2022_project_targets.txt)."""
from __future__ import annotations

import json
from dataclasses import asdict

import docx
import openpyxl
import pytest

from classifier.ingest import read_path
from classifier.models import LABELS

UNIT = "340101天津市机关事务管理局财务管理处"
HEADER = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值"]
GREEN = [  # 机关大院绿化经费, 93.00万元
    ["产出指标", "时效指标", "绿化清洁时效", "每日清运院内垃圾，维护绿植", "每日完成"],
    ["", "成本指标", "不超过预算金额", "绿化园林费不超预算", "≤93万元"],
    ["", "数量指标", "绿化草皮面积", "绿化养护草皮面积", "40686平方米"],
    ["效益指标", "可持续影响指标", "保持环境优美", "保持大院绿化环境优美", "保持大院绿化环境优美"],
    ["满意度指标", "服务对象满意度指标", "使用人员满意度", "机关大院工作人员满意", "≥95%"],
]
FIRE = [  # 机关大院及大礼堂消防安防设备维修维护, 580.00万元
    ["产出指标", "时效指标", "故障响应时效", "消防安防设备故障响应时效", "1天响应"],
    ["", "成本指标", "大礼堂消防更新", "礼堂更新消防报警设备", "≤142万"],
    ["", "成本指标", "机关大院消防安防维护", "机关大院消防安防设施设备维护保养", "≤316万"],
    ["满意度指标", "服务对象满意度指标", "使用人员满意度", "机关大院工作人员满意", "100%"],
]
ENERGY = [  # 2022年天津市公共机构节能工作专项资金, 240.00万元
    ["产出指标", "数量指标", "审计数量", "审计公共机构的数量", "≥30家"],
    ["", "时效指标", "项目完成时间", "项目完成时间", "11月底前完成"],
    ["满意度指标", "服务对象满意度指标", "社会服务对象满意度", "社会服务对象满意度", "≥90"],
]


def _rows(p):
    return [(i.level1, i.level2, i.level3, i.description, i.value) for i in p.indicators]


def _filled(rows):
    """Expected rows: empty 一级/二级 carried down from the row above."""
    out, l1, l2 = [], "", ""
    for r in rows:
        l1, l2 = r[0] or l1, r[1] or l2
        out.append((l1, l2, *r[2:]))
    return out


def _add_indicator_table(d, title, budget, rows, merge_levels=True):
    """A table laid out as in the published document: unit and project rows
    spanning columns, then the header, then indicator rows whose 一级/二级
    cells are merged vertically in Word."""
    head = [[UNIT], ["项目名称", title], ["预算数", budget, "其中：财政资金", budget], ["绩效目标", f"完成{title}各项任务"]]
    t = d.add_table(rows=len(head) + 1 + len(rows), cols=5)
    for r, cells in enumerate(head):
        if len(cells) == 1:
            t.cell(r, 0).merge(t.cell(r, 4)).text = cells[0]
        elif len(cells) == 2:
            t.cell(r, 0).text = cells[0]
            t.cell(r, 1).merge(t.cell(r, 4)).text = cells[1]
        else:
            for c, text in enumerate(cells):
                t.cell(r, c).text = text
    for c, h in enumerate(HEADER):
        t.cell(len(head), c).text = h
    base = len(head) + 1
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            t.cell(base + r, c).text = text
    if merge_levels:  # merge each empty 一级/二级 cell with the one above, as Word does
        for col in (0, 1):
            top = 0
            for r in range(1, len(rows) + 1):
                if r == len(rows) or rows[r][col]:
                    if r - top > 1:
                        t.cell(base + top, col).merge(t.cell(base + r - 1, col))
                    top = r
    return t


def test_docx_merged_levels_and_several_tables(tmp_path):
    d = docx.Document()
    d.add_paragraph("机关大院绿化经费绩效目标表")
    _add_indicator_table(d, "机关大院绿化经费", "93.00", GREEN)
    d.add_paragraph("机关大院及大礼堂消防安防设备维修维护绩效目标表")
    t = _add_indicator_table(d, "机关大院及大礼堂消防安防设备维修维护", "580.00", FIRE)
    d.save(tmp_path / "targets.docx")
    assert t.cell(7, 1).text == "成本指标"  # the fixture really merged 二级 cells

    r = read_path(tmp_path / "targets.docx")
    assert r.problems == []
    green, fire = r.projects
    assert (green.id, fire.id) == ("T001", "T002")
    assert green.title == "机关大院绿化经费" and green.unit == UNIT and green.unit_code == "340101"
    assert green.budget == 93.0 and green.fiscal_funds == 93.0 and fire.budget == 580.0
    assert green.goal == "完成机关大院绿化经费各项任务"
    assert _rows(green) == _filled(GREEN) and _rows(fire) == _filled(FIRE)
    assert [i.id for i in fire.indicators] == ["T002-01", "T002-02", "T002-03", "T002-04"]
    assert fire.indicators[0].row == 6  # table row: 4 project rows, the header, then this
    assert fire.table_index == 1
    assert green.indicators[1].value_parts == {"operator": "≤", "number": "93", "unit": "万元"}


def test_docx_same_text_in_neighbouring_cells_is_kept(tmp_path):
    d = docx.Document()
    d.add_paragraph("2022年天津市公共机构节能工作专项资金绩效目标表")
    _add_indicator_table(d, "2022年天津市公共机构节能工作专项资金", "240.00", ENERGY)
    d.save(tmp_path / "energy.docx")
    (p,) = read_path(tmp_path / "energy.docx").projects
    # 三级指标 and 绩效指标描述 both read 项目完成时间: two cells, not one spanning cell.
    assert _rows(p)[1] == ("产出指标", "时效指标", "项目完成时间", "项目完成时间", "11月底前完成")


def test_docx_project_table_then_indicator_table(tmp_path):
    d = docx.Document()
    d.add_paragraph("机关大院绿化经费绩效目标表")
    info = d.add_table(rows=3, cols=4)
    for r, cells in enumerate([["项目名称", "机关大院绿化经费", "主管部门", UNIT],
                               ["资金总额", "93.00", "其中：财政资金", "93.00"],
                               ["年度绩效目标", "保持机关大院环境整洁", "", ""]]):
        for c, text in enumerate(cells):
            info.cell(r, c).text = text
    info.cell(2, 1).merge(info.cell(2, 3))
    d.add_paragraph("绩效指标")
    t = d.add_table(rows=1 + len(GREEN), cols=5)
    for r, cells in enumerate([HEADER] + GREEN):
        for c, text in enumerate(cells):
            t.cell(r, c).text = text
    d.save(tmp_path / "two_tables.docx")

    r = read_path(tmp_path / "two_tables.docx")
    assert r.problems == []
    (p,) = r.projects
    assert (p.id, p.title, p.unit, p.budget, p.fiscal_funds) == ("T001", "机关大院绿化经费", UNIT, 93.0, 93.0)
    assert p.goal == "保持机关大院环境整洁" and p.table_index == 1
    assert _rows(p) == _filled(GREEN)


def test_docx_bad_tables_give_problems_and_keep_other_rows(tmp_path):
    d = docx.Document()
    d.add_paragraph("说明")
    loose = d.add_table(rows=2, cols=3)
    loose.cell(0, 0).text, loose.cell(1, 0).text = "附件1", "另见附表"
    d.add_paragraph("机关大院绿化经费绩效目标表")
    t = _add_indicator_table(d, "机关大院绿化经费", "93.00", GREEN, merge_levels=False)
    tr = t.rows[7]._tr  # 数量指标 row loses its last cell (指标值)
    tr.remove(tr.tc_lst[-1])
    d.save(tmp_path / "bad.docx")

    r = read_path(tmp_path / "bad.docx")
    (p,) = r.projects
    assert len(p.indicators) == len(GREEN)
    assert p.indicators[2].level3 == "绿化草皮面积" and p.indicators[2].value == ""
    assert p.indicators[3].value == "保持大院绿化环境优美"
    where = {(pr.table, pr.row) for pr in r.problems}
    assert (1, None) in where  # the table without a header
    assert (2, 8) in where  # the row with a missing cell
    assert all(pr.file.endswith("bad.docx") and not pr.fatal for pr in r.problems)


XLSX_HEADER = ["项目名称", "单位名称", "预算数（万元）", "一级指标", "二级指标", "三级指标", "指标解释",
               "指标性质", "指标值", "度量单位", "分值", "备注"]


def _xlsx_rows(title, budget, rows):
    out = []
    for k, (l1, l2, l3, desc, op, num, unit, score) in enumerate(rows):
        out.append([title if k == 0 else None, UNIT if k == 0 else None, budget if k == 0 else None,
                    l1 or None, l2 or None, l3, desc, op, num, unit, score, "核实" if k == 0 else None])
    return out


def test_xlsx_two_sheets_header_below_title_split_values(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "节能"
    ws.append(["2022年项目支出绩效目标表"])
    ws.append(["单位：万元"])
    ws.append(XLSX_HEADER)
    for row in _xlsx_rows("2022年天津市公共机构节能工作专项资金", 240, [
        ("产出指标", "数量指标", "审计数量", "审计公共机构的数量", "≥", 30, "家", 10),
        ("", "质量指标", "卫星定位设备合格率", "卫星定位设备合格率", "≥", 95, "%", 10),
        ("满意度指标", "服务对象满意度指标", "社会服务对象满意度", "社会服务对象满意度", "大于等于", 90, "%", 10),
    ]) + _xlsx_rows("机关大院绿化经费", "93.00", [
        ("产出指标", "数量指标", "绿化草皮面积", "绿化养护草皮面积", "定量", 40686, "平方米", 20),
    ]):
        ws.append(row)
    ws2 = wb.create_sheet("消防")
    ws2.append([])
    ws2.append(XLSX_HEADER)
    for row in _xlsx_rows("机关大院及大礼堂消防安防设备维修维护", 580, [
        ("产出指标", "成本指标", "大礼堂消防更新", "礼堂更新消防报警设备", "≤", 142, "万元", 15),
    ]):
        ws2.append(row)
    wb.save(tmp_path / "targets.xlsx")

    r = read_path(tmp_path / "targets.xlsx")
    energy, green, fire = r.projects
    assert [p.id for p in r.projects] == ["T001", "T002", "T003"]
    assert [p.table_index for p in r.projects] == [0, 0, 1]
    assert (energy.title, energy.unit, energy.budget) == ("2022年天津市公共机构节能工作专项资金", UNIT, 240.0)
    assert green.budget == 93.0 and fire.budget == 580.0
    rate = energy.indicators[1]
    assert (rate.id, rate.row, rate.level1, rate.level2) == ("T001-02", 5, "产出指标", "质量指标")
    assert rate.value == "≥95%"
    assert rate.value_parts == {"operator": "≥", "number": "95", "unit": "%"}
    assert rate.extra["分值"] == "10"
    assert energy.indicators[0].extra == {"分值": "10", "备注": "核实"}
    assert energy.indicators[2].value == "≥90%"
    assert green.indicators[0].value == "40686平方米"  # 定量 is a kind, not an operator
    assert green.indicators[0].value_parts["operator"] == "定量"
    assert fire.indicators[0].value == "≤142万元" and fire.indicators[0].row == 3
    # 备注 is unknown: reported once per sheet, kept in extra.
    assert {(pr.table, pr.row) for pr in r.problems} == {(1, 3), (2, 2)}
    assert all("备注" in pr.message for pr in r.problems)


CSV_TEXT = (
    "项目名称,主管部门,资金总额,年度绩效目标,一级指标,二级指标,三级指标,指标内容,目标值\n"
    f"机关大院绿化经费,{UNIT},93.00,\"1.通过完成机关大院绿化项目，达到机关大院绿化达标，环境优美。\n2.保持机关大院环境整洁\","
    "产出指标,时效指标,绿化清洁时效,每日清运院内垃圾，维护绿植,每日完成\n"
    ",,,,,成本指标,不超过预算金额,绿化园林费不超预算,≤93万元\n"
    ",,,,满意度指标,服务对象满意度指标,使用人员满意度,机关大院工作人员满意,≥95%\n"
    f"市公务车北斗定位服务系统及市公务车信息化管理系统技术服务费,{UNIT},236.00,,"
    "产出指标,数量指标,卫星定位设备安装数量,卫星定位设备安装数量,≥7409辆\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_encodings_give_the_same_projects(tmp_path, encoding):
    path = tmp_path / f"targets_{encoding}.csv"
    path.write_bytes(CSV_TEXT.encode(encoding))
    r = read_path(path)
    assert r.problems == []
    got = [{k: v for k, v in asdict(p).items() if k not in ("source_file", "source_hash")} for p in r.projects]
    ref_path = tmp_path / "ref.csv"
    ref_path.write_bytes(CSV_TEXT.encode("utf-8"))
    ref = [{k: v for k, v in asdict(p).items() if k not in ("source_file", "source_hash")} for p in read_path(ref_path).projects]
    assert got == ref
    green, car = r.projects
    assert (green.id, green.budget, car.id, car.budget) == ("T001", 93.0, "T002", 236.0)
    assert green.goal.endswith("2.保持机关大院环境整洁")
    assert [(i.id, i.row, i.level1, i.level2) for i in green.indicators] == [
        ("T001-01", 2, "产出指标", "时效指标"), ("T001-02", 4, "产出指标", "成本指标"),
        ("T001-03", 5, "满意度指标", "服务对象满意度指标")]
    assert car.indicators[0].value == "≥7409辆"


def test_csv_missing_cells_and_missing_header(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("三级指标,绩效指标描述,指标值,分值\n审计数量,审计公共机构的数量\n审计质量,审计验收符合相关规范,≥95%,10\n",
                   encoding="utf-8")
    r = read_path(bad)
    (p,) = r.projects
    assert [(i.level3, i.value, i.row) for i in p.indicators] == [("审计数量", "", 2), ("审计质量", "≥95%", 3)]
    assert p.indicators[1].extra == {"分值": "10"}
    assert [(pr.table, pr.row) for pr in r.problems] == [(1, 2)]
    assert str(bad) in str(r.problems[0])

    none = tmp_path / "none.csv"
    none.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    r = read_path(none)
    assert r.projects == [] and r.problems[0].table == 1 and any(pr.fatal for pr in r.problems)


def test_xlsx_sheet_without_header_keeps_other_sheet(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["说明", "本表为示例"])
    ws = wb.create_sheet("指标")
    ws.append(HEADER)
    ws.append(ENERGY[0])
    wb.save(tmp_path / "mixed.xlsx")
    r = read_path(tmp_path / "mixed.xlsx")
    (p,) = r.projects
    assert p.title == "指标" and p.table_index == 1 and _rows(p) == [tuple(ENERGY[0])]
    assert [(pr.table, pr.row, pr.fatal) for pr in r.problems] == [(1, None, False)]


def _label_lines(n=6):
    with open("/work/shared/reference_labels.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line, _ in zip(f, range(n))]


def test_jsonl_round_trip_keeps_ids_and_gold_apart(tmp_path):
    lines = _label_lines()
    path = tmp_path / "labelled.jsonl"
    path.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in lines) + "\n", encoding="utf-8")
    r = read_path(path)
    assert r.problems == []
    rows = [i for p in r.projects for i in p.indicators]
    assert [i.id for i in rows] == [d["id"] for d in lines]
    by_id = {i.id: i for i in rows}
    for d in lines:
        i = by_id[d["id"]]
        assert (i.level1, i.level2, i.level3, i.description, i.value) == (
            d["level1"], d["level2"], d["level3"], d["description"], d["value"])
        assert i.gold_labels == d["labels"] and i.gold_rewrite == d["rewrite"] and i.gold_note == d["note"]
        # Nothing a predictor reads may carry the answer.
        visible = {k: v for k, v in asdict(i).items() if not k.startswith("gold_")}
        assert not any(lab in json.dumps(visible, ensure_ascii=False) for lab in LABELS)
        assert i.extra == {}
    keys = [(p.title, p.unit) for p in r.projects]
    assert keys == list(dict.fromkeys((d["project"], d["unit"]) for d in lines))
    p = r.projects[0]
    assert p.id == lines[0]["id"].rsplit("-", 1)[0] and p.budget == float(lines[0]["budget"])
    assert all(q.gold_findings is None for q in r.projects)


def test_jsonl_malformed_line_is_reported_and_skipped(tmp_path):
    a, b = _label_lines(2)
    path = tmp_path / "broken.jsonl"
    path.write_text(json.dumps(a, ensure_ascii=False) + "\n{\"id\": \"T001-09\", \"level3\": \n"
                    + json.dumps(b, ensure_ascii=False) + "\n", encoding="utf-8")
    r = read_path(path)
    assert [i.id for p in r.projects for i in p.indicators] == [a["id"], b["id"]]
    assert [i.row for p in r.projects for i in p.indicators] == [1, 3]
    ((pr),) = r.problems
    assert (pr.table, pr.row, pr.fatal) == (1, 2, False) and pr.file == str(path)
