"""Each rule on positive and negative examples taken from the seed."""
import pytest

from classifier.models import Indicator, Project
from classifier.rules import (
    check_all, check_category, check_cost_total, check_description, check_dimensions, check_duplicate_names,
    check_exact_duplicates, check_measurable, check_plausible, check_unit,
)


@pytest.fixture(scope="module")
def rows(seed_read):
    return {i.id: (p, i) for p in seed_read.projects for i in p.indicators}


def codes(check, rows, rid):
    p, i = rows[rid]
    return {f.code for f in check(i, p)}


@pytest.mark.parametrize("check,rid,expected", [
    # vague_description (R4): name copied into the description / generic phrase
    (check_description, "T001-04", True),   # 项目完成时间 | 项目完成时间
    (check_description, "T007-02", True),   # 资金使用合规率 | 项目支出
    (check_description, "T001-01", False),  # 项目数量 | 签订合同数量
    (check_description, "T001-02", False),  # 审计数量 | 审计公共机构的数量
    # unmeasurable_value (R6)
    (check_measurable, "T001-06", True),    # 取得节能降碳效果
    (check_measurable, "T001-07", True),    # 公共机构人员节能低碳意识普遍提高
    (check_measurable, "T001-02", False),   # ≥30家
    (check_measurable, "T001-04", False),   # 11月底前完成
    (check_measurable, "T001-05", False),   # 不超预算: checkable against the budget (unit_mismatch instead)
    # unit_mismatch (R2)
    (check_unit, "T001-08", True),          # satisfaction ≥90 without %
    (check_unit, "T001-05", True),          # cost 不超预算 without money unit
    (check_unit, "T015-03", True),          # >0.95反映参与人员情况
    (check_unit, "T001-02", False),         # ≥30家
    (check_unit, "T002-01", False),
    # implausible_value (R5/R7)
    (check_plausible, "T036-01", True),     # 慰问人次 ≤288人次: an output count capped
    (check_plausible, "T023-02", True),     # cost ≥2000元/人/月 points the wrong way
    (check_plausible, "T069-05", True),     # one cost line ≤739.78万元 > budget 240万元
    (check_plausible, "T001-02", False),
    (check_plausible, "T001-08", False),
    # wrong_category (R3/R2)
    (check_category, "T007-02", True),     # 资金使用合规率 under 质量: an input
    (check_category, "T021-05", True),     # 生态效益 with no environmental content
    (check_category, "T019-01", True),     # 好评率 (satisfaction) under 质量
    (check_category, "T001-01", False),
    (check_category, "T001-08", False),
])
def test_row_rule(check, rid, expected, rows):
    found = codes(check, rows, rid)
    assert bool(found) is expected, (rid, found)


def test_findings_cite_rules_and_severity(seed_read):
    fs = check_all(seed_read.projects)
    assert fs
    for f in fs:
        assert f.rule in {f"R{n}" for n in range(1, 10)}
        assert f.severity in ("block", "warn", "suggest")
        assert f.source == "rule" and 0 < f.confidence <= 1
        assert f.evidence


def test_exact_duplicates_span_projects_of_the_xinfang_template(seed_read):
    fs = [f for f in check_exact_duplicates(seed_read.projects) if f.row_id == "T007-02"]
    assert fs, "资金使用合规率 | 项目支出 | 100% is pasted into the 信访 unit's tables"
    assert len(fs[0].related) >= 4
    # A stock satisfaction row with a real description is not copy-paste.
    p = Project("P1", "甲", unit="u1")
    q = Project("P2", "乙", unit="u2")
    row = dict(level1="满意度指标", level2="服务对象满意度指标", level3="服务对象满意度",
               description="对服务对象抽样问卷，满意份数/有效问卷×100%", value="≥90%")
    p.indicators = [Indicator("P1-01", **row)]
    q.indicators = [Indicator("P2-01", **row)]
    assert check_exact_duplicates([p, q]) == []
    p.indicators[0].description = q.indicators[0].description = "服务对象满意度"
    assert len(check_exact_duplicates([p, q])) == 2


def test_project_level_findings(seed_read):
    by_id = {p.id: p for p in seed_read.projects}
    assert check_dimensions(by_id["T014"]) and "满意度" in check_dimensions(by_id["T014"])[0].evidence
    assert check_dimensions(by_id["T001"]) == []
    assert check_duplicate_names(by_id["T085"]) and check_duplicate_names(by_id["T001"]) == []
    over = check_cost_total(by_id["T078"])  # 45 + 12.5 + 2.5 = 60万元 > 57万元
    assert over and over[0].rule == "R9"
    assert check_cost_total(by_id["T002"]) == []  # exactly the budget is fine


def test_rules_are_pure(seed_read):
    before = [(i.id, i.value) for p in seed_read.projects for i in p.indicators]
    a = [f.to_dict() for f in check_all(seed_read.projects)]
    b = [f.to_dict() for f in check_all(seed_read.projects)]
    assert a == b
    assert before == [(i.id, i.value) for p in seed_read.projects for i in p.indicators]


def _row(level2, name, value, desc="按台账统计，数据来源为项目验收记录", level1="产出指标"):
    return Indicator("X-01", level1, level2, name, desc, value)


@pytest.mark.parametrize("ind,expected", [
    (_row("质量指标", "验收合格率", "≥105%"), "比率不能超过100%"),
    (_row("质量指标", "验收合格率", "≥100%"), None),             # tolerated: means exactly 100%
    (_row("数量指标", "培训人次", ">0人次"), "不需任何努力"),
    (_row("质量指标", "群众投诉率", "≥5%"), "越低越好"),
    (_row("质量指标", "群众投诉率", "≤100%"), "必然成立"),
    (_row("质量指标", "群众投诉率", "≤5%"), None),
    (_row("数量指标", "活动开展次数", "≤5次"), "做得更少"),      # LABELS.md's own example
    (_row("数量指标", "活动开展次数", "≥5次"), None),
])
def test_plausibility_branches(ind, expected):
    found = check_plausible(ind, Project("X", "测试项目", budget=100.0))
    if expected is None:
        assert found == []
    else:
        assert found and expected in found[0].evidence, found


def test_timeliness_as_count_and_cost_direction(rows):
    assert codes(check_unit, rows, "T076-03") == {"unit_mismatch"}  # 按时建设 | 8个 under 时效
    assert codes(check_unit, rows, "T001-04") == set()              # 11月底前完成
    assert codes(check_plausible, rows, "T033-02") == {"implausible_value"}  # 调研经费 ≥8万元
