"""Issue 14, round 9: the wrong rewrites round 8's judges found that the self-check passed.

Round 8 was judged by two new judges (eval/judged/round8_blind.jsonl: 69 fresh seed rows; round8_on7blind.jsonl: round 7's
blind 100 again). Eight wrong rewrites were `ok`: T050-08, T050-11, T055-03, T063-03, T063-10, T070-06 (blind) and
T021-01, T052-08 (on7blind). Each test re-creates the rewrite from the real seed row (eval/labelled.jsonl) as the offline
review writes it now (composer alone, tests/helpers.py) and asserts the fault is gone: the rewrite is fixed, or it goes
to a human with a Chinese reason. Rows the judges accepted next to them are tested to stay as they were."""

import re

import pytest

from classifier.compose import PROPOSAL
from classifier.kinds import kind_of
from classifier.values import parse_value
from helpers import judged_rewrite, numbers_kept_by, probe_of

BLIND = ("eval/judged/round8_blind.jsonl",)
ON7 = ("eval/judged/round8_on7blind.jsonl",)


def blind(rid: str):
    return judged_rewrite(f"labelled:{rid}", *BLIND, round_name="round 8")


def on7(rid: str):
    return judged_rewrite(f"labelled:{rid}", *ON7, round_name="round 8")


def _needs_human_for(rw, words: str):
    assert rw.status == "needs_human", (rw.level3, rw.description, rw.value)
    assert any(words in r for r in rw.reasons), rw.reasons
    assert all(re.search(r"[\u4e00-\u9fff]", r) for r in rw.reasons)  # reasons a Chinese reviewer reads


# ---- 1. names glued into templates ---------------------------------------------------------------

def test_a_deadline_says_complete_once():
    """T050-08 版权博览会完成展览时限: "版权博览会完成展览全部完成的日期" → "版权博览会展览全部完成的日期"."""
    p, ind, rw = blind("T050-08")
    assert rw.description.count("完成") == 1, rw.description
    assert rw.description.startswith("版权博览会展览全部完成的日期")
    assert rw.value == ind.value and rw.level2 == ind.level2  # nothing flagged there, nothing changed
    assert numbers_kept_by(ind, rw) and rw.status == "ok", rw.reasons


@pytest.mark.parametrize("rid", ["T049-03", "T053-03", "T067-04"])
def test_a_bare_completion_time_names_the_projects_work(rid):
    """完成时间/完成时限 | 2022年底前: round 8's judges called "项目各项工作全部完成的日期" still vague (no work named)."""
    p, ind, rw = blind(rid)
    # Round 10 adds the work the table's own 数量 rows list ("各项工作（本表数量指标所列…）全部完成的日期").
    assert re.match(f"“{re.escape(p.title)}”项目各项工作(（本表数量指标所列[^）]+）)?全部完成的日期", rw.description), rw.description
    assert rw.value == ind.value and rw.status == "ok", rw.reasons


def test_a_spending_amount_is_not_the_spending_of_spending():
    """T067-08 支出金额 | ≤160万元: never "支出的实际支出金额"; the implausible value still goes to a human."""
    p, ind, rw = on7("T067-08")
    assert "支出的实际支出金额" not in rw.description
    assert rw.description.startswith(f"“{p.title}”项目的实际支出金额"), rw.description
    assert rw.value == ind.value and numbers_kept_by(ind, rw)
    _needs_human_for(rw, "不合理")


def test_a_fund_amount_keeps_its_object():
    """T046-04 资金支出总额 (accepted by both judges as "资金的实际支出金额"): only a bare 支出 goes."""
    p, ind, rw = on7("T046-04")
    assert rw.description.startswith("资金的实际支出金额"), rw.description


def test_a_count_value_keeps_no_adverb_after_its_unit():
    """T050-11 "≥16个区广泛" is not a value: the check names it."""
    p, ind, rw = blind("T050-11")
    assert numbers_kept_by(ind, rw)
    if rw.status == "ok":
        assert not re.search(r"广泛$", rw.value), rw.value
    else:
        _needs_human_for(rw, "残留了原文的词语")


def test_a_slogans_verb_is_not_a_topic_anyone_knows():
    """T070-06 深化宣传普及，营造浓厚氛围 → "深化相关知识知晓率": a verb cut off as the topic."""
    p, ind, rw = blind("T070-06")
    if rw.status == "ok":
        assert not rw.level3.startswith("深化"), rw.level3
    else:
        _needs_human_for(rw, "动词")


def test_a_coverage_rate_counts_what_is_covered():
    """T021-01 暗访督查覆盖率: "已覆盖的暗访督查数/应覆盖的暗访督查总数" does not say what is covered."""
    p, ind, rw = on7("T021-01")
    assert numbers_kept_by(ind, rw)
    if rw.status == "ok":
        assert "已覆盖的暗访督查数" not in rw.description
    else:
        _needs_human_for(rw, "覆盖的对象")


# ---- 2. the same new indicator twice in one table ------------------------------------------------

def test_a_lasting_effect_row_does_not_repeat_the_social_effect_rows_measure():
    """T052-08 (可持续影响) and T052-09 (社会效益) both got 参训人员培训后考核达标率. The judges called T052-08 wrong and
    accepted T052-09: the 可持续影响 row yields, the other keeps it. Round 12: the yielding row is deleted, naming the
    row that has the measure (sent to a human with the repeat, it was still judged wrong)."""
    p, ind8, rw8 = on7("T052-08")
    _, ind9, rw9 = blind("T052-09")
    assert rw8.value == "建议删除本行" and rw9.level3 in rw8.description and "同表重复" in rw8.description
    assert rw9.status == "ok" and not any("同表重复" in r for r in rw9.reasons), rw9.reasons
    assert rw9.value.endswith(PROPOSAL)


def test_the_same_stock_measure_on_two_rows_is_held_on_one():
    """T055-09 (社会效益, accepted/minor) and T055-10 (可持续影响, judged a repeat) both got 检查发现问题整改率."""
    _, _, rw9 = blind("T055-09")
    _, _, rw10 = on7("T055-10")
    assert rw9.level3 == "检查发现问题整改率"  # round 12: T055-10 is deleted, naming T055-09's measure
    assert rw10.value == "建议删除本行" and rw9.level3 in rw10.description and "同表重复" in rw10.description
    assert not any("同表重复" in r for r in rw9.reasons), rw9.reasons


def test_two_surveys_of_different_people_are_not_one_indicator():
    """T052-10 培训人员满意度 / T052-11 入选和结项人才满意度 share the survey formula, not the respondents."""
    from helpers import reviewed_offline
    rv = reviewed_offline("eval/labelled.jsonl")
    rws = [rv.rewrites[r] for r in ("T052-10", "T052-11") if r in rv.rewrites]
    assert rws
    assert all(not any("同表重复" in r for r in rw.reasons) for rw in rws), [rw.reasons for rw in rws]


def test_a_new_name_another_row_publishes_is_a_repeat():
    """Original rows included: a rewrite renamed to what another row of the table publishes is that row again."""
    from classifier.models import Finding, Indicator, Project
    from classifier.rewrite import suggest_rewrite
    _, ind9, rw9 = blind("T052-09")
    p = Project(id="Z91", title="干部人才教育培训评审工作经费", budget=20.0)
    published = Indicator("Z91-01", "效益指标", "社会效益指标", rw9.level3, rw9.description, "≥90%")
    row = Indicator("Z91-02", ind9.level1, ind9.level2, ind9.level3, ind9.description, ind9.value)
    p.indicators = [published, row]
    rw = suggest_rewrite(row, p, [Finding(c, "warn", "", "test", row_id="Z91-02") for c in ("vague_description", "unmeasurable_value")])
    # Round 12: not the published name again but the row's deletion, naming the row that publishes it.
    assert rw.level3 != rw9.level3 and rw.value == "建议删除本行" and f"“{rw9.level3}”" in rw.description


# ---- 3. a down-going count is not an output ------------------------------------------------------

def test_a_fault_count_is_not_moved_into_output_counts():
    """T055-03 系统故障次数 ≤3次 under 质量: moved to 数量 it caps an output. Kept under 质量, or a human decides."""
    p, ind, rw = blind("T055-03")
    assert rw.value == ind.value and numbers_kept_by(ind, rw)
    if rw.status == "ok" or rw.level2 != ind.level2:
        assert rw.level2 == ind.level2 == "质量指标"  # round 12 (r12b): a fault count is a quality, it is never moved
    assert rw.level2 == ind.level2 == "质量指标", rw.level2


# ---- 4. published criteria are kept --------------------------------------------------------------

def test_a_description_stating_criteria_is_kept():
    """T063-03 能力层次获提升的人才数量 (only wrong_category): its five criteria stay, no generic ledger line."""
    p, ind, rw = blind("T063-03")
    assert rw.description == ind.description
    assert "以工作台账统计为准" not in rw.description
    assert rw.value == ind.value == "≥30人" and kind_of(probe_of(ind, rw)) == "count"
    assert numbers_kept_by(ind, rw) and rw.status == "ok", rw.reasons


def test_a_rates_description_still_gets_its_formula():
    """T017-07 政策知晓率 (description 宣传党的路线、方针、政策知晓率。, accepted with the survey formula): criteria keeping is
    for counts; a rate is still written with its formula."""
    p, ind, rw = on7("T017-07")
    assert "计算公式：" in rw.description and rw.status == "ok", rw.reasons


# ---- 5. a stock proposal must fit the project's subject -------------------------------------------

def test_a_talents_academic_influence_is_not_media_reach():
    """T063-10 (a talent programme: 提升人选的能力水平、学术影响力…) got 市级及以上主流媒体报道数量增长率."""
    p, ind, rw = blind("T063-10")
    assert "媒体报道" not in rw.level3 + rw.description
    if rw.value == "建议删除本行":  # round 12: the row's reasoned deletion (its own test: test_rewrite_round12_a.py)
        assert rw.description.startswith("建议删除本行")
    elif rw.status == "ok":
        assert rw.value.endswith(PROPOSAL)
    else:
        assert rw.reasons


def test_a_film_projects_influence_still_gets_media_reach():
    """T062-07 助推天津影视影响力和竞争力的效果 (accepted/minor): the media measure stays for a project's own influence."""
    p, ind, rw = blind("T062-07")
    assert "媒体报道" in rw.level3 and rw.status == "ok", rw.reasons


# ---- 6. service hours and timeliness -------------------------------------------------------------

def test_service_hours_are_never_a_completion_date_that_passes():
    """T047-03 5*8 / 7*24 service hours: never an `ok` "服务全部完成的日期"."""
    p, ind, rw = on7("T047-03")
    assert numbers_kept_by(ind, rw)
    assert rw.status == "needs_human" or "全部完成的日期" not in rw.description, rw.description


def test_a_timely_replacement_is_never_capped_as_ok():
    """T070-04 及时对主题宣传标语内容进行撤换 | 过时…控制在5%以下: a timeliness rate goes up; never ok with a cap.
    Round 10: the value states its own rate (the share of outdated slogans, ≤5%), which is then the indicator."""
    p, ind, rw = on7("T070-04")
    assert numbers_kept_by(ind, rw)
    if rw.status == "ok" and rw.level3.startswith("过时"):
        assert rw.level3.endswith("占比") and rw.value == "≤5%", (rw.level3, rw.value)
    elif rw.status == "ok":
        pv = parse_value(rw.value.replace(PROPOSAL, ""))
        assert pv.operator in ("≥", ">", "＞", "") and "以下" not in rw.value
    else:
        assert rw.reasons
