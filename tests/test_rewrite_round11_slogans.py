"""Issue 14, round 11 (slogans and theme measures): round 10's judges called the reviewer's note beside a slogan kept as
published still vague every time, and slogans with a bare percentage ("为民众办好事,办实事 | 100%") that got "计算公式的分子、
分母需审核人补充" the same; they also called four measures that passed as ok wrong (an output's quality under 效益, a
team's turnover for an appraisal's incentive, a duplicate of a sibling row with a contradicting target) and asked for
theme measures that name the project's own object. Each test re-creates the rewrite from the real row (seed via
eval/labelled.jsonl, regional rows via eval/regions) and asserts properties; constructed rows in other provinces' style
show the rules are not the seed's phrases."""

import re

import pytest

from classifier.compose import PROPOSAL, compose
from classifier.meaning import check_round11
from classifier.models import Finding, Indicator, Project, Rewrite
from classifier.rewrite import suggest_rewrite
from classifier.rules import check_row
from helpers import judged_rewrite, numbers_kept_by, probe_of, signed_deletion

R10 = ("eval/judged/round10.jsonl",)
BENEFIT_ONLY_QUALITY = re.compile(r"故障次数|因失察被否决或纠正的人数|可用率|完好率")


def _rewrite(ind, p):
    codes = {f.code for f in check_row(ind, p)} or {"unmeasurable_value"}
    return suggest_rewrite(ind, p, [Finding(c, "warn", "", "round 11", row_id=ind.id) for c in codes])


def _project(title, rows, pid="X01"):
    inds = [Indicator(f"{pid}-{i + 1:02d}", l1, l2, l3, d, v, i + 1) for i, (l1, l2, l3, d, v) in enumerate(rows)]
    return Project(pid, title, indicators=inds), inds


# (judged id, a word the measure must say, the published percentage the value must keep)
PERCENT_SLOGANS = [
    ("RE02:RE02-02", "教学设施", "100%"),       # 教学条件改善、办学水平提高 | =100% (a primary school's 公用经费), 质量
    ("RE03:RE03-05", "食品安全", "100%"),       # 食安委成员单位食品安全工作齐抓共管 | 100%, 质量
    ("RD03:RD03-06", "校园安全", "≥95%"),       # 建设平安校园,满足教师和学生生活、学习的需要 | ≥95%, 可持续影响
    ("RF07:RF07-02", "足额发放", "100%"),       # 为民众办好事,办实事 | 100% of 党支部书记补贴, 质量: the payout's quality
]


@pytest.mark.parametrize("rid,word,pct", PERCENT_SLOGANS, ids=[s[0] for s in PERCENT_SLOGANS])
def test_a_slogan_with_a_bare_percentage_gets_a_share_that_keeps_it(rid, word, pct):
    p, ind, rw = judged_rewrite(rid, *R10, round_name="round 10")
    assert rw.status == "ok", (rw.level3, rw.description, rw.reasons)
    assert word in rw.level3 and rw.level3.endswith("率")
    assert rw.description.startswith("计算公式：") and "/" in rw.description and "数据来源" in rw.description
    assert "需审核人补充" not in rw.description
    assert rw.value == pct and PROPOSAL not in rw.value  # the published target, not a proposal
    assert numbers_kept_by(ind, rw)
    assert rw.level2 == ind.level2  # the level is not moved


def test_a_slogan_no_measure_fits_is_deleted_where_its_level_is_measured_already():
    """T056-05 达到测评体系要求 | 100% (质量): no object to count; the table's other 质量 rows have numbers, so the
    reviewer's answer is to remove the row, in the value and the description, the published number quoted."""
    p, ind, rw = judged_rewrite("labelled:T056-05", *R10, round_name="round 10")
    assert rw.value == "建议删除本行"
    assert rw.description.startswith("建议删除本行") and "100%" in rw.description
    sibling = re.search(r"已有“(.+?)（", rw.description).group(1)
    assert any(r.level3 == sibling and r.level2 == ind.level2 and re.search(r"\d", r.value) for r in p.indicators)
    assert "需审核人补充" not in rw.description and "建议改写" not in rw.description
    assert rw.status == "ok", rw.reasons  # round 12: a deletion naming a measured sibling is an answer (accepted)
    assert numbers_kept_by(ind, rw)


def test_a_row_that_does_not_apply_is_deleted_not_kept_as_不涉及():
    """RD12-11 该指标不适用本项目 | 不涉及: the judge accepted the deletion but not the value left as "不涉及"."""
    p, ind, rw = judged_rewrite("RD12:RD12-11", *R10, round_name="round 10")
    assert rw.value == "建议删除本行" and rw.description.startswith("建议删除本行")
    assert signed_deletion(rw), rw.reasons  # round 12: it says what the unit must add (accepted)


def test_deletion_needs_a_measured_row_of_the_same_level():
    """A constructed county table (四川 style): a 社会效益 slogan and no number under 社会效益 — round 12: still deleted,
    but saying what the unit must add to keep the level (RD12-11's form, accepted), no sibling claimed; with a measured
    社会效益 row beside it, the slogan is deleted naming that row."""
    rows = [("产出指标", "数量指标", "慰问困难群众户数", "", "≥120户"),
            ("效益指标", "社会效益指标", "为群众办实事解难题", "", "100%")]
    p, inds = _project("2024年春节走访慰问经费", rows, "SC01")
    alone = compose(inds[1], p, {"unmeasurable_value", "vague_description"})
    assert alone["value"] == "建议删除本行" and "100%" in alone["description"]
    assert "由单位补充本项目可计量的社会效益指标" in alone["description"] and "已有“慰问" not in alone["description"]
    rows.append(("效益指标", "社会效益指标", "困难群众慰问覆盖率", "慰问户数/建档困难户数×100%", "100%"))
    p, inds = _project("2024年春节走访慰问经费", rows, "SC01")
    found = compose(inds[1], p, {"unmeasurable_value", "vague_description"})
    assert found["value"] == "建议删除本行" and "困难群众慰问覆盖率" in found["description"] and "100%" in found["description"]


@pytest.mark.parametrize("rid", ["RG03:RG03-06", "labelled:T013-05"])
def test_an_outputs_quality_is_never_the_answer_under_benefit(rid):
    """RG03-06 服务保障民生 and T013-05 中文域名…稳定登录 under 社会效益 got "造成业务中断的系统故障次数": judged
    wrong_category (an output's quality) in round 10. Never proposed there, and never passed as ok there."""
    p, ind, rw = judged_rewrite(rid, *R10, round_name="round 10")
    assert not BENEFIT_ONLY_QUALITY.search(rw.level3)


def test_cadre_vetting_errors_are_not_a_sustained_effect():
    """T027-05 市委领导班子工作实绩… | 反映换届成果 (可持续影响): "考察人选因失察被否决或纠正的人数" measures the vetting
    work (kind_changed): not proposed; the meaning check reads it as an output's quality under 效益."""
    p, ind, rw = judged_rewrite("labelled:T027-05", *R10, round_name="round 10")
    assert "失察" not in rw.level3
    forced = Rewrite(ind.level1, ind.level2, "考察人选因失察被否决或纠正的人数", "统计期内…", f"＝0人{PROPOSAL}", "",
                     source="template", kind="count")
    from classifier.meaning import meaning_check
    assert meaning_check(forced, ind, p, {"unmeasurable_value"}).status == "needs_human"


def test_team_turnover_only_where_the_budget_pays_the_team():
    """T053-05 评审激励作用 of 高级政工师评审费: an appraisal's incentive is not staff turnover (round 10: meaning_changed).
    A 护林员 subsidy (any province) does pay the team: its motivation slogan keeps the turnover measure."""
    p, ind, rw = judged_rewrite("labelled:T053-05", *R10, round_name="round 10")
    assert "队伍稳定率" not in rw.level3
    forced = Rewrite(ind.level1, ind.level2, "思政人员队伍稳定率", "计算公式：…", f"≥95%{PROPOSAL}", "", source="template",
                     kind="rate")
    assert check_round11(forced, ind, p)
    rows = [("产出指标", "数量指标", "聘用生态护林员人数", "", "≥45人"),
            ("效益指标", "可持续影响指标", "调动护林员工作积极性", "", "明显提高")]
    q, inds = _project("生态护林员补助资金", rows, "GZ01")
    got = _rewrite(inds[1], q)
    assert got.level3 == "护林员队伍稳定率" and got.status == "ok", (got.level3, got.reasons)
    assert not check_round11(got, inds[1], q)


def test_a_sibling_that_measures_the_same_test_makes_a_duplicate():
    """T056-11 提升市民素质和城市文明水平 got "文明创建测评指标达标率 ≥90%" beside the sibling "达到测评体系要求 | 100%"
    (round 10: duplicate, contradicting target): another measure of the theme, and the check catches the class."""
    p, ind, rw = judged_rewrite("labelled:T056-11", *R10, round_name="round 10")
    assert "测评" not in rw.level3 and rw.status == "ok", (rw.level3, rw.reasons)
    forced = Rewrite(ind.level1, ind.level2, "文明创建测评指标达标率", "计算公式：…", f"≥90%{PROPOSAL}", "", source="template",
                     kind="rate")
    assert check_round11(forced, ind, p)


# (judged id, what the measure must name: the project's own object from its row or title, and what it must not be)
SCOPED = [
    ("labelled:T057-06", "实体书店", "相关报道"),          # 媒体对实体书店报道增加
    ("RF01:RF01-08", "网球公开赛", "相关报道"),            # 打造金安国际网球公开赛等系列品牌赛事…知名度
    ("labelled:T072-06", "登记申请", "投诉举报"),          # 权利人的权益 of 作品著作权登记工作经费
    ("labelled:T079-02", "鑫银大厦", "^物业"),             # 满足办公需求 of 鑫银大厦租金和物业费项目
    ("labelled:T051-11", "普法", "行政复议"),              # 法治化水平 of a publicity department's 法治建设 budget
    ("labelled:T060-05", "文化旅游带", "^旅游综合"),       # 服务经济发展 of a 文化旅游带 project's bond interest: whose income
]


@pytest.mark.parametrize("rid,own,not_this", SCOPED, ids=[s[0] for s in SCOPED])
def test_a_theme_measure_names_the_projects_own_object(rid, own, not_this):
    p, ind, rw = judged_rewrite(rid, *R10, round_name="round 10")
    assert own in rw.level3 + rw.description, (rw.level3, rw.description)
    assert not re.search(not_this, rw.level3 + "|" + rw.description)
    assert rw.status == "ok" and rw.value.endswith(PROPOSAL)
    assert not check_row(probe_of(ind, rw), p)


def test_two_training_rows_take_two_measures():
    """T006-03/04 (做好法治宣传培训, 组织标准化学习培训, both 质量 slogans): the second got only a note; the judge named
    the measure ("本可改为培训场次或参训率")."""
    p, ind, rw = judged_rewrite("labelled:T006-04", *R10, round_name="round 10")
    assert "参训" in rw.level3 and rw.status == "ok"
    assert "建议改写" not in rw.description


def test_other_provinces_food_school_and_green_office_rows():
    """Constructed rows in other provinces' styles: a county market regulator's 质量 slogan with a percentage, a middle
    school's teaching-conditions slogan, and an office's 生态效益 slogan — each gets a measure of its own theme."""
    p, inds = _project("2023年食品安全监管专项经费", [
        ("产出指标", "数量指标", "食品抽检批次", "", "≥800批次"),
        ("产出指标", "质量指标", "全县食品安全形势持续稳定向好", "", "≥98%")], "HN01")
    got = _rewrite(inds[1], p)
    assert got.level3 == "食品安全监督抽检合格率" and got.value == "≥98%" and got.status == "ok", (got.level3, got.reasons)
    p, inds = _project("某县第二中学学校运转经费", [
        ("产出指标", "数量指标", "保障在校学生人数", "", "1200人"),
        ("产出指标", "质量指标", "改善办学条件，提升教学质量", "", "≥90%")], "GS01")
    got = _rewrite(inds[1], p)
    assert "教学设施设备完好率" in got.level3 and "第二中学" in got.level3 and got.value == "≥90%", got.level3
    p, inds = _project("机关办公楼运行维护经费", [
        ("产出指标", "数量指标", "维护办公楼面积", "", "12000平方米"),
        ("效益指标", "生态效益指标", "节能降耗，建设绿色机关", "", "成效明显")], "JX01")
    got = _rewrite(inds[1], p)
    assert "能耗" in got.level3 and got.value.endswith(PROPOSAL) and got.status == "ok", (got.level3, got.reasons)


def test_a_subsidys_quality_slogan_is_the_payout_at_standard():
    """A 云南-style allowance table: "让退役军人感受党和政府温暖 | 100%" under 质量 of a 补助 budget — the payout's quality,
    keeping the 100%, the name not glued to the title, the formula naming whose payout."""
    p, inds = _project("2024年重点优抚对象生活补助", [
        ("产出指标", "数量指标", "补助对象人数", "", "≥350人"),
        ("产出指标", "质量指标", "让退役军人感受党和政府温暖", "", "100%")], "YN01")
    got = _rewrite(inds[1], p)
    assert got.level3 == "补助按标准足额发放率" and got.value == "100%" and got.status == "ok", (got.level3, got.reasons)
    assert "重点优抚对象生活补助" in got.description
