"""Issue 14, round 12 (r12a): slogans and percent slogans — a measure, or a reasoned deletion, never a note or a
placeholder. Rounds 10–11's judges called every note beside a kept slogan ("建议改写：…请单位…改为可计量的指标") and every
placeholder ("…分子、分母需审核人补充") still vague, every measure repeated in one table a duplicate, and accepted every
reasoned deletion (T056-05, RD12-11). Each test re-creates the rewrite from the real row (seed via eval/labelled.jsonl,
regional rows via eval/regions) and asserts properties; constructed rows in other provinces' styles (levels written
"社会效益值", "社会效益指标（10分）", no levels at all) show the rules are not the seed's phrases."""

import re

import pytest

from classifier.levels import RESIDUE_RE
from classifier.meaning import meaning_check
from classifier.models import DELETION, PROPOSAL, Finding, Indicator, Project, Rewrite
from classifier.rate_terms import UNNAMED_NOTE
from classifier.rewrite import suggest_rewrite
from classifier.rules import check_row
from classifier.themes import level_key, deletion_sound, is_measured
from helpers import deleted, judged_rewrite, numbers_kept_by, unseen_row, signed_deletion

JUDGED = ("eval/judged/round7.jsonl", "eval/judged/round7_blind.jsonl", "eval/judged/round7_newtables.jsonl",
          "eval/judged/round8_on7blind.jsonl", "eval/judged/round8_blind.jsonl", "eval/judged/round10.jsonl",
          "eval/judged/round11.jsonl")


def _rewrite(rid):
    return judged_rewrite(rid, *JUDGED, round_name="round 12")


def _project(title, rows, pid="X01"):
    inds = [Indicator(f"{pid}-{i + 1:02d}", l1, l2, l3, d, v, i + 1) for i, (l1, l2, l3, d, v) in enumerate(rows)]
    return Project(pid, title, indicators=inds), inds


def _review(ind, p):
    codes = {f.code for f in check_row(ind, p)} or {"unmeasurable_value"}
    return suggest_rewrite(ind, p, [Finding(c, "warn", "", "round 12", row_id=ind.id) for c in sorted(codes)])


def _sound_deletion(p, ind, rw):
    """A deletion a reviewer signs: the row as published, its words and numbers quoted, and a reason — a measured
    row of the table it names, or what the unit must add to keep the level."""
    assert deleted(rw), (rw.level3, rw.description, rw.value)
    assert rw.level3 == RESIDUE_RE.sub("", ind.level3).strip()  # the reviewer finds the row by its name
    assert (rw.level1, rw.level2) == (ind.level1, ind.level2)  # the level was not flagged: kept
    assert "建议改写" not in rw.description and UNNAMED_NOTE not in rw.description
    assert numbers_kept_by(ind, rw)  # a published number is quoted in the reason
    if (ind.value or "").strip() and ind.value.strip() != ind.level3.strip():
        assert ind.value.strip() in rw.description
    named = re.findall(r"已有“(.+?)（([^（）]*)）”", rw.description)
    for name, value in named:  # every sibling named is a row of the table that measures, as published
        sib = next(r for r in p.indicators if RESIDUE_RE.sub("", r.level3).strip() == name and r.value.strip() == value)
        assert sib is not ind and is_measured(sib, p), name
    key = level_key(ind.level2) or level_key(ind.level1)
    if not named or "没有其他可考核的行" in rw.description:
        assert f"由单位补充本项目可计量的{key}指标" in rw.description if key else "由单位补充" in rw.description
    assert deletion_sound(rw.description, p, ind) == signed_deletion(rw), rw.reasons


# ---- 1. slogans answered with a note: a theme measure or a reasoned deletion ------------------------------

NOTED = ["labelled:T013-05", "labelled:T050-07", "labelled:T053-05", "labelled:T059-02", "labelled:T061-05",
         "labelled:T063-10", "labelled:T065-02", "RB01:RB01-08", "RD01:RD01-02", "RG03:RG03-05", "RG03:RG03-06",
         "RG03:RG03-07", "RG03:RG03-08"]


@pytest.mark.parametrize("rid", NOTED)
def test_a_slogan_no_measure_fits_is_deleted_with_its_reason_not_noted(rid):
    p, ind, rw = _rewrite(rid)
    assert not rw.description.startswith("建议改写") and "请单位按本项目" not in rw.description
    _sound_deletion(p, ind, rw)


@pytest.mark.parametrize("rid", ["RG03:RG03-06", "labelled:T013-05"])
def test_no_outputs_quality_is_the_answer_under_benefit(rid):
    """The judges suggested 机房/域名解析服务可用率, yet called 设施正常使用率/设备完好率 under 效益 outputs (RB02-02, RB04-14):
    never an output's quality there — the deletion says what the unit must add."""
    p, ind, rw = _rewrite(rid)
    assert not re.search(r"可用率|完好率|正常使用率|故障", rw.level3)
    assert "由单位补充本项目可计量的社会效益指标" in rw.description


def test_a_level_whose_other_rows_are_slogans_names_the_first_level_sibling():
    """T063-10 (社会效益, 五个一批 talents): no other 社会效益 row measures; a 效益 row does, and it is named as of the 一级."""
    p, ind, rw = _rewrite("labelled:T063-10")
    assert "本表社会效益指标没有其他可考核的行，效益指标已有“" in rw.description


# ---- 2. percent slogans: the % kept in a measure, else quoted in the deletion ----------------------------

@pytest.mark.parametrize("rid", ["RF07:RF07-05", "RF07:RF07-07", "RE02:RE02-08", "RA03:RA03-06", "RG02:RG02-11"])
def test_a_percent_slogan_gets_no_placeholder(rid):
    p, ind, rw = _rewrite(rid)
    assert UNNAMED_NOTE not in rw.description and "需审核人补充" not in rw.description
    assert numbers_kept_by(ind, rw)
    if deleted(rw):
        _sound_deletion(p, ind, rw)
    else:  # a theme measure: its formula, the published target or a marked proposal
        assert rw.description.startswith("计算公式：") and rw.level3.endswith("率")
        assert PROPOSAL in rw.value or re.search(r"\d", ind.value)


def test_a_percentage_of_a_slogan_is_never_a_deletions_sibling():
    """RF07: every 效益 row is a slogan with "100%" ("激发为民办事的热情 | 100%"): none is named as measuring the level."""
    p, ind, rw = _rewrite("RF07:RF07-05")
    assert "已有“" not in rw.description and "由单位补充本项目可计量的经济效益指标" in rw.description
    assert not any(is_measured(r, p) for r in p.indicators if r.level1.startswith("效益"))


def test_a_surveyed_perception_stays_a_survey_in_its_level():
    """RG03-09 提升群众安全感 | ≥90% (满意度): moved to 质量 it was judged kind_changed; it is a survey measure where it
    stands, the verb of the aim dropped, the published 90% kept."""
    p, ind, rw = _rewrite("RG03:RG03-09")
    assert (rw.level1, rw.level2) == (ind.level1, ind.level2)
    assert "安全感" in rw.level3 and not rw.level3.startswith("提升")
    assert "调查" in rw.description and "/" in rw.description and rw.value == "≥90%"
    assert rw.status == "ok", rw.reasons


# ---- 3. one measure twice in one table ------------------------------------------------------------------

@pytest.mark.parametrize("ids", [("labelled:T052-09", "labelled:T052-08"), ("labelled:T055-09", "labelled:T055-10"),
                                 ("RB01:RB01-06", "RB01:RB01-07"), ("RE13:RE13-06", "RE13:RE13-08"),
                                 ("RF01:RF01-07", "RF01:RF01-08", "RF01:RF01-10")])
def test_no_measure_twice_in_a_table(ids):
    got = [_rewrite(rid) for rid in ids]
    measures = [rw.level3 for _, _, rw in got if not deleted(rw)]
    assert len(measures) == len(set(measures)), measures
    for p, ind, rw in got:
        if deleted(rw) and "同表重复" in rw.description:
            # the deletion names the row whose rewrite has the measure
            taker = re.search(r"已由本表“(.+?)”一行", rw.description).group(1)
            assert any(RESIDUE_RE.sub("", r.level3).strip() == taker for r in p.indicators if r is not ind)
            assert any(m in rw.description for m in measures)


# ---- 4. quality rows kept as published --------------------------------------------------------------------

def test_listed_criteria_become_the_share_that_meets_them():
    """T053-02 评审案卷质量 | 真实性、完整性、标准化: the share of case files meeting the three, a proposed 100%."""
    p, ind, rw = _rewrite("labelled:T053-02")
    assert rw.level3 == "评审案卷合格率" and rw.value == f"100%{PROPOSAL}"
    assert all(c in rw.description for c in ("真实性", "完整性", "标准化")) and "评审案卷总数" in rw.description
    assert rw.status == "ok", rw.reasons


@pytest.mark.parametrize("rid", ["labelled:T056-07", "labelled:T027-05", "RD04:RD04-02",
                                 "RE12:RE12-02"])  # T055-04: a qualification, a share since round 12's judging (below)
def test_a_quality_or_benefit_row_with_nothing_listed_is_deleted_not_kept(rid):
    """外部董事任职资质 | 满足相关管理办法任职条件, 公用经费标准 | 符合相关文件要求, 项目持续期 | 基本建立…: nothing named to
    count against — not "保留原表述。" (judged still vague) but the reasoned deletion."""
    p, ind, rw = _rewrite(rid)
    assert (rw.level3, rw.description, rw.value) != (ind.level3, ind.description, ind.value)
    _sound_deletion(p, ind, rw)


def test_a_share_of_unnamed_criteria_goes_to_a_human():
    """The failure mode of the criteria share: "符合相关文件要求的…数" is as vague as the row it replaced."""
    p, inds = _project("初中公用经费", [("产出指标", "数量指标", "保障人数", "", "2370人"),
                                         ("产出指标", "质量指标", "公用经费标准", "", "符合相关文件要求")], "ZJ01")
    forced = Rewrite("产出指标", "质量指标", "公用经费合格率", "计算公式：符合相关文件要求的公用经费数/公用经费总数×100%",
                     f"100%{PROPOSAL}", "", source="template", kind="rate")
    assert meaning_check(forced, inds[1], p, {"unmeasurable_value"}).status == "needs_human"


# ---- 5. a verb is no topic -------------------------------------------------------------------------------

def test_a_slogans_verb_is_not_a_topic_of_awareness():
    """T070-06 深化宣传普及，营造浓厚氛围 got "深化相关知识知晓率" (residue): the topic comes from what the row names."""
    p, ind, rw = _rewrite("labelled:T070-06")
    assert not re.match(r"(深化|加强|推动|营造|围绕)", rw.level3) and "“深化”" not in rw.description
    forced = Rewrite(rw.level1, rw.level2, "深化相关知识知晓率", "计算公式：…/…×100%", f"≥80%{PROPOSAL}", "",
                     source="template", kind="rate")
    assert meaning_check(forced, ind, p, {"unmeasurable_value", "vague_description"}).status == "needs_human"


# ---- 6. the checks read a deletion as an answer, and only a sound one as ok --------------------------------

def test_the_rules_do_not_label_a_row_proposed_for_removal():
    p, inds = _project("X", [("效益指标", "社会效益指标", "服务保障民生", f"{DELETION}：……", DELETION)])
    assert check_row(inds[0], p) == []


def _forced_deletion(description, ind):
    return Rewrite(ind.level1, ind.level2, RESIDUE_RE.sub("", ind.level3).strip(), description, DELETION, "",
                   source="template", kind="text")


def test_a_deletion_passes_only_with_a_sound_reason():
    rows = [("产出指标", "数量指标", "走访慰问困难户数", "", "≥120户"),
            ("效益指标", "社会效益值", "温暖送到群众心坎上", "", "成效明显"),
            ("效益指标", "社会效益值", "群众生活困难问题解决率", "已解决问题数/反映问题总数×100%", "≥90%"),
            ("效益指标", "社会效益值", "传递党和政府温暖", "", "100%"),
            ("满意度指标", "服务对象满意度", "慰问对象满意度", "", "≥95%")]
    p, inds = _project("2024年困难群众走访慰问经费", rows, "SX01")
    ind = inds[1]
    no_reason = _forced_deletion("建议删除本行：“温暖送到群众心坎上”是口号式表述", ind)
    assert meaning_check(no_reason, ind, p, {"unmeasurable_value"}).status == "needs_human"
    a_slogan_named = _forced_deletion("建议删除本行：…；本表社会效益指标已有“传递党和政府温暖（100%）”可考核", ind)
    assert meaning_check(a_slogan_named, ind, p, {"unmeasurable_value"}).status == "needs_human"
    measured_named = _forced_deletion("建议删除本行：…；本表社会效益指标已有“群众生活困难问题解决率（≥90%）”可考核", ind)
    assert meaning_check(measured_named, ind, p, {"unmeasurable_value"}).status == "ok"
    # a row the rules found checkable is not deleted, nor is a satisfaction row
    assert meaning_check(measured_named, ind, p, {"vague_description"}).status == "needs_human"
    sat = inds[4]
    assert meaning_check(_forced_deletion("建议删除本行：…；如需保留满意度维度，由单位补充本项目可计量的满意度指标", sat),
                         sat, p, {"unmeasurable_value"}).status == "needs_human"


# ---- 7. other provinces' templates ------------------------------------------------------------------------

def test_a_scored_level_name_finds_its_measured_sibling():
    """贵州-style levels "社会效益指标（10分）" / "社会效益指标(10分)": one level however written; the slogan is deleted naming
    the measured row of that level, the published 二级 kept."""
    rows = [("产出指标（50分）", "数量指标（20分）", "培训农民人次", "", "≥600人次"),
            ("效益指标（30分）", "社会效益指标（10分）", "助力乡村振兴", "", "成效显著"),
            ("效益指标（30分）", "社会效益指标(10分)", "参训农民技能证书获取率", "获证人数/参训人数×100%", "≥60%")]
    p, inds = _project("2024年高素质农民培育项目", rows, "GZ02")
    rw = _review(inds[1], p)
    if deleted(rw):
        assert "已有“参训农民技能证书获取率（≥60%）”" in rw.description and rw.level2 == "社会效益指标（10分）"
        assert rw.status == "ok", rw.reasons
    else:  # a theme measure that is not the sibling's
        assert rw.level3 != "参训农民技能证书获取率" and rw.description.startswith("计算公式：")


def test_a_level_written_with_值_and_no_measured_row_says_what_to_add():
    """河南-style "效益值 | 可持续影响值": the lone slogan's deletion says what the unit adds, in the level's own words."""
    rows = [("产出值", "数量值", "改造校舍面积", "", "≥1200平方米"),
            ("效益值", "可持续影响值", "发挥长期效益", "", "长期")]
    p, inds = _project("某县第三小学校舍维修改造项目", rows, "HA01")
    rw = _review(inds[1], p)
    _sound_deletion(p, inds[1], rw)
    assert "如需保留可持续影响维度，由单位补充本项目可计量的可持续影响指标" in rw.description


def test_a_table_without_levels_names_a_measured_row():
    """湖北-style table with no 一级/二级 cells: "宣传覆盖面 | 扩大" and "影响力 | 持续提升" answered as measures or
    reasoned deletions that name a measured row of the table — never a percentage of nothing."""
    rows = [("", "", "制作宣传专题片", "", "2部"), ("", "", "发放宣传册", "", "5000册"),
            ("", "", "社会影响力", "", "持续提升")]
    p, inds = _project("某市禁毒宣传工作经费", rows, "HB09")
    rw = _review(inds[2], p)
    assert UNNAMED_NOTE not in rw.description and "建议改写" not in rw.description
    if deleted(rw):
        assert re.search(r"本表已有“(制作宣传专题片（2部）|发放宣传册（5000册）)”", rw.description)


def test_other_provinces_criteria_and_state_rates():
    """An archives office's "档案整理质量 | 完整性、准确性、规范性" (质量) is the share of files meeting them; a "稳定率 |
    100" under 社会效益值 (the template's bare number, no "%") names no object: the theme of a township's stability
    budget (disputes settled) keeping the 100 as 100%, else its deletion quoting the 100."""
    p, inds = _project("2024年档案数字化加工项目", [
        ("产出指标", "数量指标", "数字化加工档案卷数", "", "≥3000卷"),
        ("产出指标", "质量指标", "档案整理质量", "", "完整性、准确性、规范性")], "SD01")
    rw = _review(inds[1], p)
    assert rw.level3 == "档案整理合格率" and all(c in rw.description for c in ("完整性", "准确性", "规范性"))
    assert rw.value.endswith(PROPOSAL) and rw.status == "ok", rw.reasons
    p, inds = _project("某镇综治维稳工作经费", [
        ("产出指标", "数量指标", "排查矛盾纠纷次数", "", "≥12次"),
        ("效益指标", "社会效益值", "稳定率", "", "100")], "JS01")
    rw = _review(inds[1], p)
    assert UNNAMED_NOTE not in rw.description and numbers_kept_by(inds[1], rw)
    if deleted(rw):
        _sound_deletion(p, inds[1], rw)
    else:
        assert rw.value == "100%" and rw.description.startswith("计算公式：") and rw.status == "ok", rw.reasons


def test_a_perception_in_another_provinces_satisfaction_level():
    """"增强群众获得感 | ≥85%" under "满意度指标(10分)": a survey of how people feel, the level and the 85% kept."""
    p, inds = _project("某区老旧小区改造项目", [
        ("产出指标", "数量指标", "改造小区个数", "", "≥6个"),
        ("满意度指标(10分)", "服务对象满意度指标", "增强群众获得感", "", "≥85%")], "SC09")
    rw = _review(inds[1], p)
    assert rw.level1 == "满意度指标(10分)" and "获得感" in rw.level3 and not rw.level3.startswith("增强")
    assert rw.value == "≥85%" and "调查" in rw.description


# ---- after round 12's judging: the two wrong rewrites the self-check had passed --------------------------------------

def rewrite(jid: str):
    return judged_rewrite(jid, "eval/judged/round12.jsonl", round_name="round 12")


def built(level2, level3, description, value, codes, **kw):
    return unseen_row(level2, level3, description, value, codes, round_name="round 12", **kw)


def test_a_qualification_with_its_conditions_is_a_share_not_a_slogan_to_delete():
    """T055-04 外部董事任职资质 | 满足相关管理办法任职条件: round 12 deleted it as a slogan, judged meaning_changed (a
    qualification checkable against the rules). It is the share of the people who meet the conditions; conditions
    only "相关…" go to a human to be named. Other templates' qualifications too."""
    p, ind, rw = rewrite("labelled:T055-04")
    assert rw.value != DELETION and rw.level3.startswith("外部董事") and rw.level3.endswith("资格符合率")
    assert "外部董事人数/外部董事总人数×100%" in rw.description and "相关管理办法任职条件" in rw.description
    assert rw.status == "needs_human"
    p, ind, rw = built("质量指标（10分）", "驻村工作队员任职资格", "", "满足选派管理规定的任职条件",
                       {"unmeasurable_value"}, level1="产出指标", title="驻村帮扶工作经费")
    assert rw.level3 == "驻村工作队员任职资格符合率" and "驻村工作队员人数/驻村工作队员总人数×100%" in rw.description, rw


def test_two_awareness_rates_in_one_table_are_one_survey_asked_twice():
    """T070-07 社会宣传常态化 → 宣传内容知晓率 beside T070-06's topic 知晓率 (round 12: judged a duplicate, passed as ok)."""
    p, ind, rw = rewrite("labelled:T070-07")
    if rw.level3.endswith("知晓率"):
        assert rw.status == "needs_human" and any("知晓率" in r and "重复" in r for r in rw.reasons), rw.reasons


def test_a_share_over_institutions_in_one_institutions_budget_goes_to_a_human():
    """RD04-06 (银川市第六中学's 初中公用经费 → 学校办学条件达标率 over "项目覆盖的学校总数"): round 10's panel called it wrong, a
    share of one school is 0 or 100%; it passed the self-check until round 12. A hospital's own budget likewise."""
    p, ind, rw = judged_rewrite("RD04:RD04-06", "eval/judged/round12.jsonl", "eval/judged/round11.jsonl", round_name="round 12")
    if "学校总数" in rw.description:
        assert rw.status == "needs_human" and any("一所机构" in r for r in rw.reasons), rw.reasons
    q = Project("X010", "医疗设备购置", unit_name="某县人民医院")
    row = Indicator("X010-01", "效益指标", "社会效益指标", "医疗服务能力", "", "明显提升")
    q.indicators = [row]
    share = Rewrite("效益指标", "社会效益指标", "医院服务能力达标率",
                    "计算公式：达到服务能力标准的医院数/项目覆盖的医院总数×100%，数据来源为卫生健康部门统计", "≥90%（建议值）", "")
    assert any("一所机构" in r for r in meaning_check(share, row, q, {"unmeasurable_value"}).reasons)
    q.unit_name = "某县卫生健康局"
    assert not any("一所机构" in r for r in meaning_check(share, row, q, {"unmeasurable_value"}).reasons)


def test_a_moved_row_is_named_for_what_it_measures_where_it_goes():
    """Round 12's minor verdicts: budget execution moved to 时效 keeps the name 预算执行率 (RD13-01), an awareness rate moved
    out of 满意度 is an effect, not an output's quality (RE08-08)."""
    p, ind, rw = judged_rewrite("RD13:RD13-01", "eval/judged/round12.jsonl", "eval/judged/round11.jsonl", round_name="round 12")
    assert rw.level2.startswith("时效") and rw.level3.endswith("支出及时率") and rw.value == ind.value
    p, ind, rw = judged_rewrite("RE08:RE08-08", "eval/judged/round12.jsonl", "eval/judged/round11.jsonl", round_name="round 12")
    assert (rw.level1, rw.level2) == ("效益指标", "社会效益指标") and rw.level3 == ind.level3
    p, ind, rw = built("服务对象满意度", "惠民政策知晓率", "", "≥85%", {"wrong_category"}, level1="满意度指标",
                       title="城乡低保资金")
    assert (rw.level1, rw.level2) == ("效益指标", "社会效益指标"), (rw.level1, rw.level2)
    p, ind, rw = built("数量指标", "专项资金执行率", "", "100%", {"wrong_category"}, title="乡镇污水管网维护", budget=50)
    if rw.level2.startswith("时效"):
        assert rw.level3.endswith("支出及时率") and "执行率" not in rw.level3, rw.level3


def test_deleting_the_tables_last_measured_benefit_row_goes_to_a_human():
    """RB02-02 (项目区农村基础设施条件 | 持续改善, the only 效益 row: 实施效果指标 | 产出指标 is an output): its deletion was
    passed as ok and judged wrong in round 12d ("删除后项目缺少可衡量的效益维度"). A deletion that leaves a 效益 row
    measured elsewhere in the table still passes."""
    p, ind, rw = judged_rewrite("RB02:RB02-02", "eval/judged/round12d.jsonl", round_name="round 12d")
    if rw.value == DELETION:
        assert rw.status == "needs_human" and any("没有可考核的效益指标" in r for r in rw.reasons), rw.reasons
    measured = Indicator("X001-02", "效益指标", "社会效益指标", "受益农户户数", "", "≥120户")
    p, ind, rw = built("社会效益指标", "助力乡村振兴", "", "成效显著", {"unmeasurable_value"}, level1="效益指标",
                       title="农村供水管网改造", siblings=(measured,))
    if rw.value == DELETION:
        assert not any("没有可考核的效益指标" in r for r in rw.reasons), rw.reasons
    p, ind, rw = built("社会效益指标", "助力乡村振兴", "", "成效显著", {"unmeasurable_value"}, level1="效益指标",
                       title="农村供水管网改造")
    if rw.value == DELETION:
        assert rw.status == "needs_human", rw.reasons
