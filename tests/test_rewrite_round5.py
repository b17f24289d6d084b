"""Issue 14, round 5: what round 4's judges rejected (eval/judged/round4.jsonl and round4_blind.jsonl,
judgements J9–J12), each from the real row a judgement names — seed rows from eval/labelled.jsonl,
regional rows from eval/regions/<id>.jsonl — reviewed offline by the pipeline (composer alone).
1. Every rewrite judged wrong that the meaning check had passed as `ok` (29): fixed in the composer, or
   now `needs_human` with a Chinese reason.
2. Slogans left unchanged (judged still vague): a measurable indicator of the same outcome, by topic,
   with its target marked （建议值）, the row's level kept and the rules silent.
Each test asserts behaviour, never a whole rewritten text."""

import re

import pytest

from classifier.compose import PROPOSAL
from classifier.kinds import kind_of
from classifier.models import Indicator
from classifier.values import parse_value
from helpers import judged_rewrite, numbers_kept_by

ROUND4 = ("eval/judged/round4.jsonl", "eval/judged/round4_blind.jsonl")


def rewrite(judged_id: str):
    return judged_rewrite(judged_id, *ROUND4, round_name="round 4")


def _target(rw) -> float | None:
    return parse_value(rw.value.replace(PROPOSAL, "")).number


# ---- 1. the wrong-but-ok of round 4, fixed in the composer ------------------------------------

@pytest.mark.parametrize("jid", ["labelled:T005-04", "labelled:T006-07", "labelled:T070-05", "labelled:T074-04",
                                 "labelled:T097-04"])
def test_a_rule_or_a_need_under_cost_becomes_the_projects_total_cost(jid):
    """按照实际发生额结算, 严格规范经费支出, 总体成本, 不超额使用, 年度资金需求: "X的实际支出金额" was judged
    residue — the indicator is the project's total cost, capped by the table's own budget or number."""
    p, ind, rw = rewrite(jid)
    assert rw.level3 == "项目总成本" and "的实际支出金额" in rw.description
    assert not re.search(r"(结算|严格规范经费|总体|不超额使用|资金需求)的实际支出金额", rw.description), rw.description
    assert rw.value.startswith("≤") and "万元" in rw.value
    assert numbers_kept_by(ind, rw)
    assert rw.status == "ok", rw.reasons


def test_the_tables_budget_is_no_proposal():
    """T097-04 年度资金需求 | 不超过456.2 (budget 456.20万元): the unit is the table's, not a （建议值）."""
    p, ind, rw = rewrite("labelled:T097-04")
    assert p.budget == pytest.approx(456.2)
    assert "456.2万元" in rw.value and PROPOSAL not in rw.value


def test_a_completion_date_does_not_repeat_the_done_word():
    """T038-05 活动举办办成时间: not "活动举办办成全部完成的日期"."""
    p, ind, rw = rewrite("labelled:T038-05")
    assert "办成全部完成" not in rw.description and "全部完成的日期" in rw.description


def test_a_service_life_is_a_quality():
    """T068-05 设备及器材使用年限 | ≥2年 (flagged under 效益): 产出/质量, not 数量."""
    p, ind, rw = rewrite("labelled:T068-05")
    assert (rw.level1, rw.level2) == ("产出指标", "质量指标")
    assert "2年" in rw.value


def test_a_product_quality_rate_leaves_the_effect_levels():
    """RB04-13 食品安全指标达标率 | 100% under 生态效益: the grain's quality, 产出/质量, not 社会效益."""
    p, ind, rw = rewrite("RB04:RB04-13")
    assert rw.level1 == "产出指标" and rw.level2.startswith("质量")
    assert rw.value == "100%" and rw.status == "ok", rw.reasons


def test_a_coverage_of_places_counts_the_places():
    """RD11-06 社区婴幼儿照护服务机构覆盖率: communities that have one / all communities."""
    p, ind, rw = rewrite("RD11:RD11-06")
    assert "的社区数/社区总数" in rw.description
    assert "已覆盖的社区婴幼儿照护服务机构数" not in rw.description


def test_a_units_operation_secured_is_not_a_beneficiary_coverage():
    """RE06-05 保证单位正常运转 | 应保尽保%: the unit's work, not "保障对象" it does not have."""
    p, ind, rw = rewrite("RE06:RE06-05")
    assert "保障对象" not in rw.description and "经费保障不足" in rw.level3
    assert rw.level3.endswith("失误次数") and "失误" in rw.description  # one word in name and description (RB03-07)


# ---- 1. the wrong-but-ok of round 4, now sent to a human ---------------------------------------

@pytest.mark.parametrize("jid,reason", [
    ("labelled:T006-06", "不是日期"),            # 项目完成时间 | 每两个月印发一期
    ("labelled:T076-06", "不是能计数"),          # 基地建设取得实效 | 8个
    ("labelled:T077-03", "数字或日期"),          # 2022年全年 | 1年
    ("labelled:T094-07", "是否达成"),            # 环境卫生 | 全年有效保障物业办公环境
    ("labelled:T095-03", "更具体"),              # 服务接待周期 | 保障…重要会议正常接待
    ("labelled:T096-03", "更具体"),              # 响应速度 | 发现立即响应，每日上班前检查
    ("labelled:T097-03", "单个项目"),            # 项目按期完成率 | 不超过工期完成
    # RD14-05, RD15-06, RE08-07 (机制健全性, 助学制度): round 13 writes the state a document proves, not the date —
    # signed under 可持续影响 (tests/test_rewrite_round13_b.py); the date of issue still goes to a human there.
    ("labelled:T009-01", "编制"),                # 部门人数 | 6人 → ≥6人
    ("labelled:T010-01", "编制"),
    ("labelled:T007-05", "照搬"),                # 保障机关正常运转, copied: other projects' boilerplate word for word
    # T009-05 (信访信息系统运维费): now its own system's outage count — tests/test_rewrite_round6.py
    ("labelled:T010-05", "照搬"),
    ("labelled:T011-05", "照搬"),
])
def test_a_wrong_rewrite_the_check_let_through_now_goes_to_a_human(jid, reason):
    p, ind, rw = rewrite(jid)
    assert rw.status == "needs_human"
    assert any(reason in r for r in rw.reasons), rw.reasons


def test_the_output_row_of_a_slogan_is_not_a_benefits_awareness_rate():
    """T056-08 主题活动、宣传工作质量 (产出/质量): no 宣传对象知晓率 — an outcome under 质量 was judged wrong."""
    p, ind, rw = rewrite("labelled:T056-08")
    assert "知晓率" not in rw.level3
    # Round 10: an output's quality measure (classifier/themes.py, "quality" measures only), never an outcome.
    assert rw.status == "needs_human" or not re.search(r"知晓|报道|参与|增长率", rw.level3), rw.level3


def test_accepted_generic_rows_of_copied_tables_stay_ok():
    """The copy check is narrow: T098-02 设备完好率 and T038-07 被投诉率 were accepted by both judges."""
    for jid in ("labelled:T098-02", "labelled:T038-07"):
        p, ind, rw = rewrite(jid)
        assert rw.status == "ok", (jid, rw.reasons)


# ---- 2. slogans left unchanged: a measurable indicator of the same outcome ---------------------

PROPOSED = [
    # (row, words the proposal's name must have) — topics from seed and regional rows round 4 left unchanged.
    # Round 5's judges rejected T003-05's kind (环境卫生检查达标率 under 效益), RB02-02 and RF01-08 (a duplicate):
    # those are in tests/test_rewrite_round6.py now.
    ("labelled:T001-06", "能耗"),          # 推动全市公共机构实现节能降碳效益 | 取得节能降碳效果 (the brief's example)
    ("labelled:T004-05", "公务用车"),      # 对公务用车有效监管 | 公车规范使用，合理调配
    ("labelled:T005-02", "房屋完好"),      # 房屋质量 | 房屋质量
    ("labelled:T077-02", "设备完好"),      # 保障维护质量 | 保障维护质量
    ("labelled:T058-07", "知晓率"),        # 推动全市理论宣讲工作走深、走实 | 持续推动
    ("labelled:T067-11", "人次"),          # 推动全民阅读深入开展… | 氛围有效提升
    ("RE13:RE13-05", "种植户"),            # 带动村集体及种植户增收致富 | 增加
    ("RE13:RE13-07", "绿色种植"),          # 培训人员绿色种植意识 | 提高
    ("RF06:RF06-04", "养老"),              # 老年人日益增加的养老服务需求 | 有所提升
    ("RE03:RE03-09", "食品安全事故"),      # 食品安全整体状况 | 高中低
    ("RD04:RD04-06", "办学条件"),          # 效果显著 | 改善学校的办学条件
]


@pytest.mark.parametrize("jid,words", PROPOSED)
def test_a_slogan_becomes_a_measurable_indicator_of_its_topic(jid, words):
    p, ind, rw = rewrite(jid)
    assert words in rw.level3, rw.level3
    assert PROPOSAL in rw.value and parse_value(rw.value.replace(PROPOSAL, "")).measurable  # every invented number marked
    assert rw.level2 == ind.level2 or rw.level2.startswith(ind.level2[:2])  # the level is kept: a 社会效益 row stays one
    assert "考核事项" not in rw.description and "认可度" not in rw.level3 + rw.description
    kind = kind_of(Indicator(ind.id, rw.level1, rw.level2, rw.level3, rw.description, rw.value.replace(PROPOSAL, "")))
    if kind == "rate":
        assert re.search(r"计算公式：[^/]+/[^/]+×100%", rw.description), rw.description
    # (RD04-06 is a one-school project: its share of schools goes to a human since round 12 — test_rewrite_round12_a.py)
    assert rw.status == "ok" or jid == "RD04:RD04-06" and any("一所机构" in r for r in rw.reasons), rw.reasons


def test_the_proposed_direction_fits():
    """Incidents go down (＝0次), energy intensity is a fall rate that must be positive, income grows."""
    p, ind, rw = rewrite("labelled:T004-05")
    assert _target(rw) == 0 and "＝0" in rw.value
    p, ind, rw = rewrite("labelled:T001-06")
    assert "下降率" in rw.level3 and rw.value.startswith("≥") and _target(rw) > 0
    assert "上年单位建筑面积能耗－本年单位建筑面积能耗" in rw.description
    p, ind, rw = rewrite("RE13:RE13-05")
    assert rw.value.startswith("≥") and _target(rw) > 0  # not "＞0%" (judged too easy)


def test_a_safety_slogan_names_its_scope():
    """RD03-05 保障校园环境安全 | 良好: 校园安全责任事故次数 (judges: "应限定为校园")."""
    p, ind, rw = rewrite("RD03:RD03-05")
    assert rw.level3.startswith("校园") and "事故" in rw.level3


def test_a_slogan_percentage_is_kept_as_the_target():
    """T018-07 …保护纸质档案的政治安全… | 100%: 档案完好率 100%, the 100 kept (round 4 dropped it)."""
    p, ind, rw = rewrite("labelled:T018-07")
    assert "档案" in rw.level3 and rw.value.startswith("100%") and numbers_kept_by(ind, rw)
    assert rw.status == "ok", rw.reasons


def test_an_awareness_rate_names_the_topic():
    """RE04-09 / T058-07: not the bare "宣传对象知晓率 … 相关内容" both judges called too broad."""
    p, ind, rw = rewrite("labelled:T058-07")
    assert "理论" in rw.level3 and "相关内容" not in rw.description


# ---- 3. names that are only a date, an amount or a level label ---------------------------------

@pytest.mark.parametrize("jid", ["labelled:T081-03", "labelled:T082-03", "labelled:T045-04"])
def test_a_date_for_a_name_becomes_the_projects_completion_date(jid):
    """12月底前完成 | 12月底前完成, 时效指标 | 2022年底前: both judges — "没说是哪项工作". The project is named,
    and a month-end becomes its day in the table's year."""
    p, ind, rw = rewrite(jid)
    assert rw.level3 == "项目完成时间" and f"“{p.title}”项目" in rw.description
    assert re.search(r"(20\d\d年|本年度?)(12月31日|底)前", rw.value), rw.value  # (round 13: 本年度 where no year is shown)
    assert rw.status == "ok", rw.reasons


def test_a_bare_year_is_not_turned_into_a_duration():
    """RF06-02 2020年 | 2020年: never "项目完成时间 … 实际持续时长 ≤2020年". Round 10: the year's last day
    ("2020年12月31日前", the judges: "应写完成日期"), or a human."""
    p, ind, rw = rewrite("RF06:RF06-02")
    assert "持续时长" not in rw.description
    assert rw.status == "needs_human" or rw.level3 == "项目完成时间" and rw.value == "2020年12月31日前"


@pytest.mark.parametrize("jid", ["labelled:T086-01", "RF06:RF06-03"])
def test_an_amount_for_a_name_becomes_the_projects_total_cost(jid):
    """成本指标 | 100万, 100万 | 100万: "成本指标的实际支出金额" was judged residue."""
    p, ind, rw = rewrite(jid)
    assert rw.level3 == "项目总成本" and "100万元" in rw.value and rw.value.startswith("≤")
    assert numbers_kept_by(ind, rw) and rw.status == "ok", rw.reasons


def test_a_service_quality_slogan_becomes_an_error_rate_that_goes_down():
    """T095-02 会场服务质量 | 保障…重要会议正常接待 (产出/质量): a service error rate, ≤ as a proposal."""
    p, ind, rw = rewrite("labelled:T095-02")
    assert "差错率" in rw.level3 and rw.value.startswith("≤") and PROPOSAL in rw.value
    assert rw.level2 == ind.level2 and rw.status == "ok", rw.reasons



@pytest.mark.parametrize("jid", ["RF01:RF01-03", "RE10:RE10-03"])
def test_a_misplaced_fund_rate_goes_to_cost_not_quality(jid):
    """经费支出合规率, 资金足额拨付率 flagged wrong_category: round 4 moved them to 质量 and both judges said "仍属归类
    错误"; under 成本 they called the percentage a minor fault. The percentage is kept and, since the rules still want
    an amount under 成本, a human decides. (Rates of money paid or received on schedule — 预算资金拨款率, 补贴发放率 —
    go to 时效 since round 10: tests/test_rewrite_round10.py.)"""
    p, ind, rw = rewrite(jid)
    if rw.level2.startswith("时效"):
        # round 13 (r13a, changed deliberately): money paid in full is paid on time and in full, under 时效 — under 成本 in %
        # it was judged wrong (RE10-03)
        assert "足额" in rw.level3 and numbers_kept_by(ind, rw) and rw.status == "ok", rw.reasons
        return
    if rw.value == "建议删除本行":
        # round 12 (r12c): a fund rule in % is no cost — its deletion, at the published levels, quoting the number
        assert (rw.level1, rw.level2) == (ind.level1, ind.level2) and ind.value.strip() in rw.description
    else:
        assert rw.level2.startswith("成本") and numbers_kept_by(ind, rw)
    assert rw.status == "needs_human" and rw.reasons


# ---- 4. the lexicon, topic by topic, on rows built here ----------------------------------------
# Slogans as budget tables of many provinces write them under 效益 (none from a judged or held-out row): each
# becomes its topic's measurable indicator, and that proposal passes the meaning check and the rules (a name
# the rules read as an output under 效益 — 合格率, 运行率, 完成率, a bare count — would not).

# Round 5's judges: an output's quality under 效益 (环境卫生检查达标率, 设备完好率, 建成设施正常使用率) is misplaced
# (tests/test_rewrite_round6.py); a network's effect is the outages it avoids, not its availability rate.
TOPIC_SLOGANS = [
    ("推进公共机构节能降耗", "能耗"), ("生活垃圾得到有效处理", "垃圾"), ("改善区域空气质量", "空气"),
    ("保障群众饮水安全，水质达标", "水质"), ("完成植树造林，林木成活", "成活率"),
    ("规范公务用车管理", "公务用车"), ("困难群众应救尽救", "救助"),
    ("保障政务网络平台安全稳定运行", "网上办理率"),  # round 11: no outage count under 效益 (round 10, RG03-06) ("确保档案实体安全完整", "档案完好率"),
    ("会务服务保障有力", "服务差错率"), ("加强禁毒宣传，提高群众禁毒意识", "知晓率"),
    ("全市食品安全形势持续稳定向好", "食品安全事故"), ("保障校园安全", "校园安全责任事故"),
    ("保障单位正常运转", "经费保障不足"), ("满足办公需要", "影响正常办公"), ("家庭经济困难学生不因贫失学", "辍学"),
    ("改善农村学校办学条件", "办学条件"), ("带动农村劳动力就业", "就业率"), ("带动脱贫户增收", "脱贫户人均收入增长率"),
    ("提高农民种植技术水平", "技术应用率"), ("提升参训干部业务能力和培训质量", "考核达标率"), ("满足老年人养老服务需求", "床位使用率"),
    ("改善群众出行交通条件", "道路优良路率"), ("提升防汛排涝能力", "水利工程设施完好率"),
    ("强化市场监管执法", "整改率"), ("丰富群众文体活动，推动全民健身", "参与人次增长率"), ("有效控制水土流失", "水土流失治理度"),
    ("减少污染物排放", "达标排放率"), ("促进粮食增产", "单产增长率"), ("提高适龄儿童疫苗接种水平", "接种率"),
    ("提升居民健康水平", "健康管理率"), ("提升应急救援能力", "突发事件"), ("及时化解矛盾纠纷", "调解成功率"),
    ("推动信访问题及时就地解决", "信访事项按期办结率"), ("深化普法宣传教育", "法律知识知晓率"), ("吸引人才留在本地", "人才留用率"),
    ("提升城市知名度和影响力", "媒体报道"), ("提升政务服务效率", "按时办结率"),
]


@pytest.mark.parametrize("slogan,words", TOPIC_SLOGANS)
def test_every_topic_becomes_a_measurable_indicator_the_checks_accept(slogan, words):
    from classifier.models import Finding, Project
    from classifier.rewrite import suggest_rewrite
    p = Project(id="Z01", title="某县2024年专项工作经费", budget=80.0)
    ind = Indicator("Z01-01", "效益指标", "社会效益指标", slogan, "", "有所提升")
    rw = suggest_rewrite(ind, p, [Finding("unmeasurable_value", "warn", "", "test", row_id="Z01-01")])
    assert words in rw.level3, rw.level3
    assert (rw.level1, rw.level2) == ("效益指标", "社会效益指标")  # the level kept
    assert PROPOSAL in rw.value  # the row gave no number: every number is a proposal
    assert "考核事项" not in rw.description and "认可度" not in rw.level3 + rw.description
    if kind_of(Indicator("Z01-01", rw.level1, rw.level2, rw.level3, rw.description, rw.value.replace(PROPOSAL, ""))) == "rate":
        assert re.search(r"计算公式：[^/]+/[^/]+×100%", rw.description), rw.description
    assert rw.status == "ok", rw.reasons


def test_an_outcome_entry_does_not_replace_an_output_row():
    """A 产出/质量 row with a slogan value keeps away from outcome entries (知晓率, 收入…): T056-08 was judged wrong."""
    from classifier.models import Finding, Project
    from classifier.rewrite import suggest_rewrite
    p = Project(id="Z02", title="某县2024年宣传经费", budget=20.0)
    ind = Indicator("Z02-01", "产出指标", "质量指标", "宣传工作质量", "", "加强禁毒宣传，群众知晓")
    rw = suggest_rewrite(ind, p, [Finding("unmeasurable_value", "warn", "", "test", row_id="Z02-01")])
    assert "知晓率" not in rw.level3
