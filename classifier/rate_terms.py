"""What a rate counts: the numerator and denominator of a rate read off its name (issue 14).

A rate's name says its formula: "按期完成率" counts what was done on time over what was planned, "网站点击量增长率"
compares this period with the last, "A占B比例" is A over B, an activity's "覆盖率" counts the units it reached —
never the activity itself. The success condition goes in the numerator, never in the denominator. Where nothing
in the row names what is counted, the description says so (UNNAMED_NOTE) instead of a formula with nothing in it,
and the meaning check sends the row to a human. Pure functions of published text; the composer
(classifier/compose.py) writes the descriptions around them."""
from __future__ import annotations

import re

from .kinds import is_down_name
from .models import Indicator, Project
from .propose import MONEY_OBJECT


def rate_parts(name: str, standard: str = "") -> tuple[str, str]:
    """(numerator, denominator) of a rate named `name`: the success condition
    goes in the numerator, never in the denominator (issue 14)."""
    core = re.sub(r"(率|比例|比重|占比|覆盖面)$", "", re.sub(r"[（(].*?[)）]", "", name)).strip().rstrip("的之")
    when = f"（{standard}）" if standard else ""
    adjectives = (
        ("按期完成", "按期{w}完成的{o}数", "计划完成的{o}总数"), ("按时完成", "按时{w}完成的{o}数", "计划完成的{o}总数"),
        ("及时完成", "按时{w}完成的{o}数", "计划完成的{o}总数"), ("按期", "按期{w}完成的{o}数", "{o}总数"),
        ("及时维护", "按时{w}完成维护的{o}数", "需维护的{o}总数"), ("及时处理", "按时{w}处理的{o}数", "应处理的{o}总数"),
        ("验收合格", "验收合格的{o}数", "验收的{o}总数"), ("合格", "合格的{o}数", "{o}总数"), ("达标", "达标的{o}数", "{o}总数"),
        ("及时", "按时{w}完成的{o}数", "{o}总数"), ("按时", "按时{w}完成的{o}数", "{o}总数"),
        ("合规", "合规的{o}数", "{o}总数"), ("准确", "准确的{o}数", "{o}总数"), ("正确", "正确的{o}数", "{o}总数"),
        ("完好", "完好的{o}数", "{o}总数"), ("正常运行", "正常运行的{o}数", "{o}总数"), ("成功", "成功的{o}数", "{o}总数"),
        ("通过", "通过的{o}数", "{o}总数"), ("完成", "已完成的{o}数", "计划完成的{o}总数"), ("覆盖", "已覆盖的{o}数", "应覆盖的{o}总数"),
        ("知晓", "知晓{o}的受访人数", "受访总人数"), ("参与", "实际参与{o}的人数", "应参与{o}的人数"),
        ("使用", "已使用的{o}数", "{o}总数"), ("到位", "已到位的{o}数", "应到位的{o}总数"), ("落实", "已落实的{o}数", "应落实的{o}总数"),
        ("整改", "已整改的{o}数", "应整改的{o}总数"), ("办结", "已办结的{o}数", "受理的{o}总数"), ("回复", "已回复的{o}数", "应回复的{o}总数"),
        ("处理", "已处理的{o}数", "应处理的{o}总数"), ("响应", "按时{w}响应的{o}数", "{o}总数"), ("执行", "已执行的{o}数", "计划执行的{o}总数"),
        ("入学", "实际入学的{o}数", "应入学的{o}总数"), ("就业", "实现就业的{o}数", "{o}总数"), ("出勤", "实际出勤的{o}数", "应出勤的{o}总数"),
    )
    def tidy(t: str) -> str:  # "工作人数数" → "工作人数"; "工作人数总数" → "工作人数总计"
        return re.sub(r"(数|量|次)总数", r"\1总计", re.sub(r"(数|量|次)数", r"\1", t))

    built = rate_by_structure(core)
    if built:
        return built
    q = QUANTITIES_RATE.match(core)
    if q:  # "5000吨稻谷、500吨成品粮储备到位": tonnes stored over tonnes planned, not "…储备数" (RB04-01)
        amounts, unit, noun, verb = q.group(1).rstrip("、和及的"), q.group(2), q.group(3), q.group(4)
        return f"实际{verb}的{noun}量（{unit}）", f"计划{noun}量（{amounts}）"

    for adj, num, den in adjectives:
        if core.endswith(adj) or core.startswith(adj):
            obj = (core[: -len(adj)] if core.endswith(adj) else core[len(adj):]).strip("的之") or "考核事项"
            return tidy(num.format(o=obj, w=when)), tidy(den.format(o=obj))
    if is_down_name(name):
        m = re.search(r"(投诉|差错|事故|失误|出错|故障|违规|违纪|缺陷|返工|超支|流失|不合格|失败|空置|逾期|退回|损坏|丢失)", core)
        if m:  # "家庭负担率" names no event to count: the generic form below, which the meaning check sends to a human
            event = m.group(1)
            obj = core.replace(event, "").strip("的之发生被") or "服务事项"
            return f"发生{event}的{obj}数", f"{obj}总数"
    # No lexicon entry says what this rate counts: no filler "X的实际数/X的应达数" (round 2,
    # residue 61) — the formula names the gap and the meaning check sends the row to a human.
    return f"符合“{core}”要求的考核事项数{when}", "考核事项总数"


# How a rate's name is built says what its formula is (round 10: the judges called every "符合“X”要求的考核事项数"
# residue — T028-11 网站点击量增长率, T046-02 安可设备耗材保障率): a growth rate compares this period with the last, an
# "A占B比例" is A over B, a 保障率 of things (not money) is the requests met over the requests made.
BAD_PART = re.compile(r"^(过时|过期|超期|逾期|失效|破损|损坏|闲置|不合格|不达标|不规范)(.{2,})$")
# A value that states its own rate with its subject and its direction ("过时宣传标语口号控制在5%以下", T070-04 under the
# name "及时对主题宣传标语内容进行撤换"): that share is the indicator, with that direction — not some other 及时率.
OWN_RATE = re.compile(r"^\s*([\u4e00-\u9fff]{2,16}?)(控制在|不超过|不高于|低于|不低于|不少于|达到)\s*(\d+(?:\.\d+)?)\s*[%％]\s*(以下|以内|以上)?\s*$")
QUANTITIES_RATE = re.compile(r"^((?:\d+(?:\.\d+)?\s*(吨|万吨|公斤|亩|万亩|公里|平方米|立方米)[\u4e00-\u9fff]{1,6}[、和及]?)+)"
                             r"的?([\u4e00-\u9fff]{2})(到位|完成|落实|入库|达标)$")  # the work: two characters (储备, 造林, 硬化)
GROWTH = re.compile(r"^(?:年度|本年度?|全年)?(.{2,}?)(增长|增幅|下降|降低|减少)$")
MEASURE_NOUN = re.compile(r"(收入|支出|金额|额|量|数|人次|面积|产值|票房|费用|资金|经费|成本|投资)$")
SHARE_OF = re.compile(r"^(.{2,}?)占(.{2,}?)(的)?$")


def rate_by_structure(core: str) -> tuple[str, str] | None:
    """(numerator, denominator) read off the rate's own structure, or None."""
    core = core.strip("的之")
    g = GROWTH.match(core)
    if g and not re.search(r"[，,、；;]", core):
        x = g.group(1).strip("的之")
        if g.group(2) in ("增长", "增幅"):
            return f"（本期{x}－上期{x}）", f"上期{x}"
        return f"（上期{x}－本期{x}）", f"上期{x}"
    s = SHARE_OF.match(core)
    if s and not re.search(r"[，,、；;]", core):
        part, whole = s.group(1).strip("的之"), re.sub(r"(之比|比)$", "", s.group(2)).strip("的之")
        money = bool(MONEY_OBJECT.search(part + whole))
        # "国产影片票房收入占总票房收入比": both are amounts already — no "收入数", no "总票房收入总数"
        whole = whole if re.search(r"总(数|额|量|计)$", whole) or MEASURE_NOUN.search(whole) and "总" in whole \
            else whole + ("总额" if money else "总数")
        part = part if MEASURE_NOUN.search(part) else part + ("金额" if money else "数")
        return part, whole
    bad = BAD_PART.match(core)
    if bad:  # "过时宣传标语口号(占比)": the outdated ones over all of them (T070-04)
        return f"{core}数", f"{bad.group(2)}总数"
    if core.endswith("保障") and len(core) > 3 and not MONEY_OBJECT.search(core):
        obj = core[:-2].strip("的之")
        return f"按需保障到位的{obj}数", f"申领（提出需求）的{obj}总数"  # not "考核事项" (T046-02)
    return None


# What a rate whose counted objects nobody can name from the row says instead of a formula with nothing in it
# ("符合“X”要求的考核事项数/考核事项总数" was residue every round): the gap, said honestly; the meaning check
# (meaning.UNNAMED_FORMULA) sends it to a human.
UNNAMED_NOTE = "计算公式的分子、分母需审核人补充"


def unnamed_rate_description(core: str, standard: str = "") -> str:
    std = f"，原表标准为{standard}" if standard else ""
    return f"原表未写明“{core}”按什么对象统计{std}，{UNNAMED_NOTE}"


# A coverage rate of an activity ("暗访督查覆盖率", "安全检查覆盖率"): what is covered are the units the activity
# reaches, never the activity itself ("已覆盖的暗访督查数", T021-01, judged wrong; meaning.ACTIVITY_COVERED).
ACTIVITY_COVERAGE = re.compile(r"^(.{0,10}?)(暗访督查|暗访|督查|督导|检查|巡查|抽查|巡察|核查|监管|监测|检测|宣传|培训|走访|指导)(工作)?覆盖(率|面)$")
# The units a row, its project or its description names as the ones reached (in the order a reviewer reads them).
REACHED_UNITS = re.compile(r"(基层党组织|党组织|学校|幼儿园|医疗机构|医院|社区|行政村|村|乡镇|街道|企业|经营主体|经营户|商户|门店|场所|"
                           r"单位|机构|站点|家庭|农户|户)")


# Coverage whose name says the units ("…编纂的县(市、区)的覆盖率", RE14-04) or the units and what they adopt
# ("政府办基层医疗卫生机构实施国家基本药物制度覆盖率", RG04-01: "已覆盖的…实施国家基本药物制度数" was judged ungrammatical).
_UNITS = r"(?:县|市|区|乡镇|街道|村|行政村|社区|学校|单位|机构|企业|医院|卫生院|卫生室|站点)"
UNITS_LAST = re.compile(rf"^(.{{2,}}?)的([\u4e00-\u9fff]{{0,6}}?{_UNITS}(?:[（(][^()（）]*[)）])?)的?覆盖(?:率|面)$")
UNITS_ADOPT = re.compile(rf"^(.{{2,}}?{_UNITS})(实施|开展|建立|推行|落实|执行|使用|接入|开通|配备)(.{{2,}}?)(?:的)?覆盖(?:率|面)$")


def units_coverage(name: str, standard: str = "") -> str:
    std = f"，原表填报“{standard}”" if standard else ""
    m = UNITS_LAST.match(name)
    if m:
        act, units = m.group(1).strip("的之"), m.group(2)
        return f"计算公式：已开展{act}的{units}数/应开展{act}的{units}总数×100%{std}，数据来源为工作台账"
    m = UNITS_ADOPT.match(name)
    if m:
        units, verb, what = m.group(1), m.group(2), m.group(3).strip("的之")
        return f"计算公式：已{verb}{what}的{units}数/{units}总数×100%{std}，数据来源为工作台账"
    return ""


def activity_coverage(name: str, ind: Indicator, project: Project, standard: str = "") -> str:
    """The formula of an activity's coverage rate: the units reached over the units to be reached, named from the
    row, its description or its project ("党建" work reaches 党组织); "" when the name is no such rate; the honest
    gap (needs_human) when nothing names the units."""
    by_units = units_coverage(name, standard)
    if by_units:
        return by_units
    m = ACTIVITY_COVERAGE.match(re.sub(r"[（(].*?[)）]", "", name).strip())
    if not m:
        return ""
    act = m.group(1).strip("的之") + m.group(2)  # "选人用人检查覆盖率": the 选人用人 inspections, not any inspection
    text = f"{m.group(1)} {ind.description} {ind.value} {project.title} {project.goal}"
    unit = REACHED_UNITS.search(text)
    obj = unit.group(1) if unit else ("基层党组织" if "党建" in text else "")
    if not obj:
        return unnamed_rate_description(f"{act}覆盖", standard)
    when = f"（{standard}）" if standard else ""
    return f"计算公式：已开展{act}{when}的{obj}数/应开展{act}的{obj}总数×100%，数据来源为{m.group(2)}工作台账"
