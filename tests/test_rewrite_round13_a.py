"""Issue 14, round 13 (r13a): fund rates, money under 成本, invented years.

Round 12's judges (the latest verdicts): a fund rate moved to 成本 and left in % is never signable (RB05-05, RD14-04,
RE06-02, RE10-03 wrong, RE08-04, RD01-05); a year the table does not show is an invented fact (RD13-01, RE08-05,
RE14-01/03); a total under 成本 is a cap (RF03-01), a money row keeps a money name (RD03-01), a department-wide table is
本部门 (RE01-05, RE06-04), a cap never comes from a partial row (RE06-04 wrong), a rationale names the row's real level
(RE14-01). Each test re-creates the rewrite from the real row as the offline review writes it and asserts properties,
plus rows built here in other provinces' styles to show each rule is general."""

import re

import pytest

from classifier.compose import PROPOSAL, table_year
from classifier.meaning import meaning_check
from classifier.models import Indicator, Rewrite
from classifier.rules import check_row
from classifier.values import parse_value
from helpers import deleted, formula_parts, latest_rewrite, numbers_kept_by, probe_of, unseen_row

def rewrite(jid: str):
    return latest_rewrite(jid, "round 12")


def built(level2: str, level3: str, description: str, value: str, codes: set[str], **kw):
    return unseen_row(level2, level3, description, value, codes, round_name="round 13", **kw)


def is_cost(level2: str) -> bool:
    return "成本" in (level2 or "")


def percent(value: str) -> bool:
    return parse_value(value.replace(PROPOSAL, "")).unit_class == "percent"


# ---- 1. money paid / arrived / distributed: 时效, meaning and numbers kept ----------------------------------------

@pytest.mark.parametrize("jid", ["RB05:RB05-05", "RD14:RD14-04", "RE06:RE06-02", "RE10:RE10-03"])
def test_a_fund_pace_rate_is_a_timeliness_rate_not_a_percentage_under_cost(jid):
    p, ind, rw = rewrite(jid)
    assert rw.level2 == "时效指标" and percent(rw.value), (rw.level2, rw.value)
    assert parse_value(rw.value).number == min(parse_value(ind.value).number, 100) and numbers_kept_by(ind, rw)
    assert re.search(r"及时|按时", rw.level3), rw.level3
    for word in ("足额", "到位"):  # 足额 stays 足额, 到位 stays 到位
        if word in ind.level3 or word == "足额" and "应发尽发" in ind.level3:
            assert word in rw.level3 and word in rw.description, (rw.level3, rw.description)
    assert not re.search(r"(资金|经费)足额(资金|经费)", rw.level3 + rw.description)  # no glued money noun
    assert not check_row(probe_of(ind, rw), p) and rw.status == "ok", rw.reasons


def test_a_published_formula_stays_the_formula():
    p, ind, rw = rewrite("RB05:RB05-05")
    assert ind.description.strip() in rw.description and rw.level2 == "时效指标"
    p, ind, rw = built("质量指标", "专项资金到位率", "实际到位的专项资金/年度下达的专项资金", "≥95%", {"wrong_category"},
                       title="2024年农村饮水安全维修养护", budget=40)
    assert rw.level2 == "时效指标" and "实际到位的专项资金/年度下达的专项资金" in rw.description and rw.value == "≥95%"


@pytest.mark.parametrize("level2, name, value", [("质量指标", "补助资金足额拨付率", "100%"),
                                                ("社会效益指标", "慰问金应发尽发率", "=100%")])
def test_paid_in_full_in_other_tables_keeps_in_full(level2, name, value):
    p, ind, rw = built(level2, name, "", value, {"wrong_category"}, title="2024年困难群众救助", budget=120,
                       level1="效益指标" if "效益" in level2 else "产出指标")
    assert rw.level2 == "时效指标" and "足额" in rw.level3 and "足额" in rw.description and rw.value == "100%"
    num, den = formula_parts(rw)
    assert "足额" in num and den.endswith("总额") and rw.status == "ok", rw.reasons


def test_paid_in_full_published_under_cost_moves_to_timeliness():
    """cost_rows.spending_timeliness: 足额 and a published formula no longer keep a rate under 成本 in %."""
    p, ind, rw = built("成本指标", "项目资金足额拨付率", "", "100%", {"unit_mismatch"}, title="2023年河道保洁", budget=30)
    assert rw.level2 == "时效指标" and rw.level3 == "项目资金按时足额拨付率" and "足额拨付" in rw.description
    p, ind, rw = built("成本指标", "补助资金到位率", "实际到位补助资金/应到位补助资金", "≥90%", {"unit_mismatch"},
                       title="2023年河道保洁", budget=30)
    assert rw.level2 == "时效指标" and "实际到位补助资金/应到位补助资金" in rw.description and rw.value == "≥90%"


# ---- 2. procedure rates: not money's pace, not a cost — the fund-rule deletion -----------------------------------

@pytest.mark.parametrize("jid", ["RD01:RD01-05", "RE08:RE08-04"])
def test_a_procedure_rate_is_deleted_with_its_value_quoted(jid):
    p, ind, rw = rewrite(jid)
    assert deleted(rw) and rw.level2 == ind.level2 and f"“{ind.value.strip()}”" in rw.description
    assert "管理要求" in rw.description and rw.status == "needs_human"


def test_a_procedure_rate_in_another_table():
    money = Indicator("X001-02", "产出指标", "成本指标", "设备购置成本", "", "≤60万元")
    p, ind, rw = built("质量指标", "政府采购率", "", "≥80%", {"wrong_category"}, title="2024年执法装备购置", budget=60,
                       siblings=(money,))
    assert deleted(rw) and "“设备购置成本（≤60万元）”" in rw.description and "“≥80%”" in rw.description


# ---- 3. the meaning check: a % under 成本 is never ok --------------------------------------------------------------

@pytest.mark.parametrize("jid", ["RB05:RB05-05", "RD01:RD01-05"])
def test_a_percentage_under_cost_is_never_passed(jid):
    p, ind, rw = rewrite(jid)
    forced = Rewrite(level1="产出指标", level2="成本指标", level3=ind.level3, description="计算公式：甲/乙×100%，数据来源为财务记录",
                     value=ind.value, rationale="", source="template")
    checked = meaning_check(forced, ind, p, {"wrong_category"})
    assert checked.status == "needs_human" and any("应为金额" in r for r in checked.reasons)


# ---- 4. years: only where the table shows one ------------------------------------------------------------------

@pytest.mark.parametrize("jid", ["RD13:RD13-01", "RE08:RE08-05", "RE14:RE14-01", "RE14:RE14-03"])
def test_no_year_the_table_does_not_show(jid):
    p, ind, rw = rewrite(jid)
    shown = set(re.findall(r"20\d\d", f"{p.title} {p.goal} {ind.level3} {ind.description} {ind.value}"))
    written = set(re.findall(r"(20\d\d)年", f"{rw.level3} {rw.description} {rw.value}"))
    assert written <= shown, (written, rw.description)
    assert "本年度12月31日" in rw.description and rw.level2 == "时效指标", rw.description


def test_a_year_the_table_shows_is_kept():
    p, ind, rw = rewrite("T081-03")  # "2022年市欧美同学会系列主题活动 | 12月底前完成": the title shows 2022
    assert rw.value.startswith("2022年12月31日"), rw.value
    p, ind, rw = rewrite("RE14:RE14-06")  # "项目完成时间 | 2019年12月(计划标准)": the row itself shows 2019
    assert rw.value.startswith("2019年12月31日") and table_year(p, ind) == "2019" and table_year(p) == ""
    p, ind, rw = rewrite("RE01:RE01-05")  # "2021年林业局部门整体支出"
    assert "2021年12月31日" in rw.description


def test_a_source_year_in_the_metadata_is_not_the_tables():
    p, ind, rw = rewrite("RE08:RE08-05")
    assert p.meta.get("year") == "2022" and "2022" not in rw.description + rw.value


# ---- 5. money under 成本 ----------------------------------------------------------------------------------------

def test_a_total_under_cost_is_a_cap_and_a_standard_stays():
    p, ind, rw = rewrite("RF03:RF03-01")
    assert is_cost(rw.level2) and rw.value == "≤72890元" and rw.status == "ok", (rw.value, rw.reasons)
    p, ind, rw = built("数量指标", "宣传培训经费", "", "＝5万元", {"wrong_category"}, title="2024年禁毒宣传", budget=5)
    assert is_cost(rw.level2) and rw.value == "≤5万元"
    p, ind, rw = rewrite("RE01:RE01-06")  # "造林补助 | 每亩300": a per-unit standard stays "＝"
    assert rw.value.startswith("＝300元/亩"), rw.value


def test_a_money_row_moved_to_cost_has_a_money_name():
    p, ind, rw = rewrite("RD03:RD03-01")
    assert is_cost(rw.level2) and not rw.level3.startswith("完成") and re.search(r"成本|支出", rw.level3)
    assert not rw.description.startswith("完成") and rw.value == "≤800万元" and rw.status == "ok", rw.reasons
    p, ind, rw = built("数量指标", "完成老旧小区改造项目", "", "300万元", {"wrong_category"}, title="老旧小区改造", budget=300)
    assert rw.level3 == "项目总成本" and rw.value == "≤300万元" and "“老旧小区改造”项目" in rw.description


@pytest.mark.parametrize("jid", ["RE01:RE01-05", "RE06:RE06-04", "RE14:RE14-06"])
def test_a_department_wide_table_is_the_department_not_a_project(jid):
    p, ind, rw = rewrite(jid)
    assert f"“{p.title}”" not in rw.description and "本部门" in rw.description, rw.description


def test_no_cap_from_a_partial_row():
    p, ind, rw = rewrite("RE06:RE06-04")
    assert "28.8" not in rw.value + rw.description and not percent(rw.value) and "“100%”" in rw.rationale
    assert rw.status == "needs_human" and rw.reasons
    part = Indicator("X001-02", "产出指标", "成本指标", "培训支出安排金额", "", "12万元")
    p, ind, rw = built("成本指标", "经济成本指标", "总成本控制情况", "100%", {"unit_mismatch", "vague_description"},
                       title="2024年度整体绩效目标", siblings=(part,))
    assert "12" not in rw.value and not percent(rw.value) and rw.status == "needs_human"


# ---- 6. a rationale argues from the row's real level -------------------------------------------------------------

def test_the_rationale_names_the_published_level():
    p, ind, rw = rewrite("RE14:RE14-01")
    assert "成本指标" not in rw.rationale and "数量" in rw.rationale, rw.rationale
    p, ind, rw = built("成本指标", "资金执行率", "", "100%", {"unit_mismatch"}, title="2023年社区服务经费", budget=12)
    assert "不宜列为成本指标" in rw.rationale
