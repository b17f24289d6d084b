"""Deterministic checks: one small pure function per rule of RULES.md.

Each row check takes (indicator, project) and returns findings; checks that
need the whole batch (duplicates across projects) take the list of projects.
Checks aim at high precision: judgement calls are left to the model."""
from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from typing import Callable, Iterable

from dataclasses import replace

from .identity import ProjectGroups
from .levels import NAME_UNIT as NAME_UNIT_RE
from .levels import clean_name, infer_level2, is_cost, levels, name_unit
from .models import Finding, Indicator, Project, is_deletion
from .units import TASK_DOC_VALUE
from .sanity import usable_budget
from .values import GRADE_WORDS, ParsedValue, nfkc, normalize, parse_value

# Severity per code: block = must be fixed before approval; warn = likely wrong; suggest = improve.
SEVERITY = {
    "unmeasurable_value": "block",
    "implausible_value": "warn",
    "unit_mismatch": "warn",
    "wrong_category": "warn",
    "vague_description": "suggest",
    "copy_paste": "suggest",
    "missing_dimension": "warn",
    "cost_over_budget": "block",
    "duplicate_names": "block",
    "no_description_column": "suggest",
}

GENERIC_DESCRIPTIONS = {
    normalize(x) for x in (
        "项目支出", "项目经费", "项目资金", "百分比", "见附件", "详见附件", "无", "-", "—", "/", "数量", "质量", "时效",
        "成本", "效益", "满意度", "定性", "定量", "指标", "其他", "略", "同上", "完成", "按要求", "按时完成", "正常",
    )
}
# Fund handling is an input, not an achievement (R3).
INPUT_RE = re.compile(r"(预算|资金|经费)(执行|到位|使用|支付|拨付|保障|完成)(到位)?(率|次数)|预算执行|(预算|资金|经费|支出)执行率|资金.{0,4}合规|合规.{0,4}资金|"
                      r"(费用|资金|经费)(支付|拨付|使用)率|不超预算|预算控制")
ENV_WORDS = ("节能", "能耗", "环境", "生态", "绿化", "绿色", "低碳", "碳", "排放", "污染", "垃圾", "节水", "水质", "空气",
             "噪声", "植被", "森林", "湿地", "减排", "环保", "资源节约", "用水", "用电", "电耗")
# Names of things that should go down: "≥" on them points the wrong way.
NEGATIVE_NAME = re.compile(r"(投诉|差错|事故|安全事件|失误|出错|故障|违规|违纪|缺陷|返工|超支|流失|不合格|失败|空置)(发生)?(率|次数|数|件数|起数)$")
GENERIC_DESC_RE = re.compile(r"^(反映|体现)?(工作|项目|任务)?(质量|数量|时效|成本|效益|完成|开展)?(情况|程度|水平|成效)$")
UNIT_START = "个次人家项场期万元天年月日小时%本册篇部套台处所名条份种批辆栋平方米户间座张件组门支km公里吨亩"
RATEISH = ("率", "比例", "比重", "占比", "覆盖", "度", "完成", "达标", "合格", "到位", "知晓", "参与", "使用", "增长", "提高",
           "分级", "处置", "办结", "受理", "建档", "入库",
           "提升", "下降", "降低", "减少", "节约", "准确", "及时", "正确", "成功", "通过", "满意", "百分", "比",
           "化", "合规", "验收", "落实", "保障率")
OUTPUT_UNITS = "个条本篇次场期项部套台件册份"
OUTPUT_IN_BENEFIT = re.compile(r"(正常运行率|运行率|使用年限|使用寿命|合格率|验收|采购|完成率|执行覆盖率)")
RATE_NAME = re.compile(r"(率|比例|比重|占比|覆盖面)$")
# A bare number: no unit, no date ("100", "≥60", "=8").
BARE_NUMBER = re.compile(r"^\s*[≥≤><=＞＜＝]*\s*\d+(\.\d+)?\s*$")
# Names that say what is counted, so a bare number is a count of it (出差人数 8, 办结案件数 70).
COUNT_NAME = re.compile(r"(数|量|人次|人|次|个|项|家|户|名|所|台|套|辆|件|份|篇|场|期|亩|吨|株|座|处|条|本|册|部|批|位|种|品种|学时|课时)$")
# "召开…会议 | 2", "开展…活动 | 1", "每千人托位 | 4.5": the name says what the number counts.
EVENT_NAME = re.compile(r"^(召开|开展|组织|举办|举行|每|人均|户均)")
MONEY_NAME = re.compile(r"(金额|资金|经费|费用|费|成本|补助|补贴|投资|款)$")
# Fund management (an input, R3) written as a rate, share or state of the money itself:
# wrong under 数量/质量/效益 (LABELS.md: fund compliance, payment or arrival rates).
FUND_HANDLING = re.compile(r"(资金|经费|专款|费用|支出)(.{0,8})(兑付|拨付|到位|使用|合规|纳入|审批|保障|专用|应发尽发|足额|安排)"
                           r"|专款专用|专户管理|政府采购率|(利息|补贴|补助)(费用)?保障率")
# Paying out a subsidy is the output of a subsidy project: tolerated under 质量 (the reference
# labels keep 慰问资金发放率 under 质量), wrong as a 效益 (a payout is not its effect).
PAYOUT = re.compile(r"(补助|补贴|奖补|救助|慰问|奖励)(资金|金|经费)?(发放|兑付)(完成)?率$")


def _f(code: str, rule: str, evidence: str, ind: Indicator, project: Project, confidence: float = 0.9) -> Finding:
    return Finding(code=code, severity=SEVERITY[code], rule=rule, evidence=evidence, source="rule",
                   confidence=confidence, project_id=project.id, row_id=ind.id)


def _strip_wrapping(text: str) -> str:
    """'反映项目完成时间情况。' → '项目完成时间' (the wrapping budget systems add)."""
    t = normalize(text)
    t = re.sub(r"^(该指标)?(主要)?(反映|体现|考核|考察|衡量|用于反映)", "", t)
    t = re.sub(r"(的?情况|的?程度|的?水平|完成情况)$", "", t)
    return t


def is_slogan_percent(ind: Indicator, pv: ParsedValue) -> bool:
    """A percentage attached to something that is not a rate ("维护社会稳定 ≥95%"): a number of nothing."""
    l1, l2 = levels(ind.level1, ind.level2)
    where = l1.startswith("效益") or "效益" in l2 or l2.startswith(("可持续", "质量"))
    name = ind.level3
    if not name.strip() or name.startswith("是否"):
        return False  # no name to judge; "是否…100%" is the share for which it holds
    clause = bool(re.search(r"[、，,；;]", name)) and not RATE_NAME.search(name)  # "教学条件改善、办学水平提高"
    rateish = any(w in name for w in RATEISH) and not clause
    return where and pv.number is not None and pv.unit_class == "percent" and not rateish \
        and not SPECIFIC_DESC.search(ind.description)


def is_satisfaction(ind: Indicator) -> bool:
    return "满意" in ind.level3 or levels(ind.level1, ind.level2)[1] == "满意度指标"


def is_rate_name(name: str) -> bool:
    n = re.sub(r"[（(].*?[)）]", "", name).strip()
    return bool(RATE_NAME.search(n))


def _is_cost_row(ind: Indicator) -> bool:
    return is_cost(ind.level1, ind.level2)  # 成本 under 产出, or a first-level 成本指标 (财预〔2021〕101号)


def _grade_only(pv: ParsedValue) -> bool:
    t = re.sub(r"[\s。.，,、/]", "", pv.raw)
    if 2 <= len(t) <= 6 and re.fullmatch(r"[优良中差低高好较一般合格]+", t):
        return True  # "高中低", "优良中低差": the grade options, not a target
    return t in GRADE_WORDS or t in ("满意", "比较满意", "基本满意", "非常满意", "较满意", "较高", "高", "很高", "满意度高")


# ---- vague_description (R4) -------------------------------------------------

def has_description_column(project: Project) -> bool:
    """False only when the source's own layout is known and has no 绩效指标描述
    column (a template the unit could not fill in); JSONL and seed text have one."""
    return not project.layout or "description" in project.field_of.values()


def check_description(ind: Indicator, project: Project) -> list[Finding]:
    if not has_description_column(project):
        return []  # one project-level no_description_column note instead (check_description_column)
    d = ind.description.strip()
    if not normalize(d):
        return [_f("vague_description", "R4", "绩效指标描述为空", ind, project, 0.97)]
    if normalize(d) in GENERIC_DESCRIPTIONS:
        return [_f("vague_description", "R4", f"描述“{d}”是通用词，未说明衡量什么、如何计算", ind, project, 0.95)]
    if GENERIC_DESC_RE.match(normalize(d)):
        return [_f("vague_description", "R4", f"描述“{d}”是套话，未说明衡量什么、如何计算", ind, project, 0.9)]
    dn, nn = _strip_wrapping(d), _strip_wrapping(ind.level3)
    wrapped = bool(WRAPPED_DESC.match(normalize(d)))  # "反映补助学生人数" for 补助学生数量: the name, wrapped
    if dn == nn or (_core(dn) == _core(nn) and (wrapped or not COUNT_SUFFIX.search(dn))):
        return [_f("vague_description", "R4", f"描述与指标名称相同（“{ind.level3}”），未写明口径、计算方法或数据来源", ind, project, 0.93)]
    if normalize(d) == normalize(ind.value):
        return [_f("vague_description", "R4", "描述照抄了指标值，未说明衡量什么、如何计算", ind, project, 0.9)]
    if VALUE_ONLY_DESC.match(d):
        return [_f("vague_description", "R4", f"描述“{d}”只是一个目标值，未说明衡量什么、如何计算", ind, project, 0.85)]
    specific = bool(SPECIFIC_DESC.search(re.sub(r"^该指标", "", d.strip())))  # "该指标主要考察…" is not a definition (指)
    if not specific and TEMPLATE_DEFINITION.match(d.strip()):
        return [_f("vague_description", "R4", f"描述“{_clip(d)}”是模板里对该类指标的通用定义，不是本项目的口径", ind, project, 0.8)]
    # A description that is a fragment of the name, or the name plus a word or two, adds nothing.
    if dn and (dn in nn or (nn in dn and len(dn) - len(nn) <= 2)) and not specific:
        return [_f("vague_description", "R4", f"描述“{d}”只是指标名称“{ind.level3}”的改写", ind, project, 0.85)]
    if not specific and REFLECT_DESC.match(normalize(d)):
        return [_f("vague_description", "R4", f"描述“{d}”是“反映……情况”式套话，未说明口径", ind, project, 0.8)]
    if not specific and SLOGAN_DESC.match(d.strip()) and len(dn) <= 40:
        return [_f("vague_description", "R4", f"描述“{d}”是口号，未说明衡量什么、如何计算", ind, project, 0.7)]
    return []


COUNT_SUFFIX = re.compile(r"(人数|数量|个数|次数)$")
# What makes a description more than a restatement: a formula, a source, a standard, a scope in numbers.
SPECIFIC_DESC = re.compile(r"计算|公式|/|×|÷|数据来源|来源于|依据|按照《|《|标准为|包括|含|指|以.{1,12}为准|\d")
REFLECT_DESC = re.compile(r"^(该指标)?(主要)?(反映|体现|考核|考察|衡量).{0,16}(情况|程度|成本|水平|质量|效果)$")
# A description that is only a target value ("100%", "90%(计划标准)", "2019年12月(计划标准)").
VALUE_ONLY_DESC = re.compile(r"^[≥≤><=＞＜＝]*\s*(\d+(\.\d+)?\s*(%|％|个|次|人|项|家|万元|元)?|\d{4}\s*年(\s*\d{1,2}\s*月)?(底|前|内)?)\s*([（(][^()（）]{0,8}[)）])?$")
SLOGAN_DESC = re.compile(r"^(提升|提高|促进|推动|加强|助力|营造|扩大|深化|满足|改善|保障|保持|保护|维护|优化|增强|完善|为.{1,12}提供)")
WRAPPED_DESC = re.compile(r"^(该指标)?(主要)?(反映|体现|考核|考察|衡量)")
# The 财预〔2021〕101号 template's own definitions of a level, left in the description cell.
TEMPLATE_DEFINITION = re.compile(r"^(该指标)?(主要)?(反映|体现)(实施相关项目|项目实施|实施项目)(所产生|所带来|产生|带来|对)")


def _core(text: str) -> str:
    return re.sub(r"(率|数量|个数|次数|人数)$", "", _strip_wrapping(text))


# ---- unmeasurable_value (R6) ------------------------------------------------

def check_measurable(ind: Indicator, project: Project) -> list[Finding]:
    pv = parse_value(ind.value)
    v = ind.value.strip()
    if not normalize(v):
        return [_f("unmeasurable_value", "R6", "指标值为空", ind, project, 0.97)]
    if any(w in ind.description for w in ("等级", "评分", "评定", "五级", "分为")) and any(g in v for g in GRADE_WORDS):
        return []  # R6: a grade is checkable when the description says how it is assigned
    if _grade_only(pv):
        return [_f("unmeasurable_value", "R6", f"指标值“{v}”是等级词，描述未说明如何评定", ind, project, 0.9)]
    if re.search(r"达到|符合|满足", v) and "《" in ind.description + v:
        return []  # compliance with a named standard is a document-provable state
    if pv.is_state:
        return []
    if pv.is_date:
        return []
    if TASK_DOC_VALUE.match(nfkc(v)):
        return []  # "≥（按任务下达文件填写）万亩": checked against the document that sets the task (units.task_count)
    if normalize(v) == normalize(ind.level3) or (normalize(v) and normalize(v) == normalize(ind.description) and not pv.measurable):
        return [_f("unmeasurable_value", "R6", f"指标值“{v}”只是重复了指标名称或描述，没有可核验的目标", ind, project, 0.95)]
    if is_slogan_percent(ind, pv):
        return [_f("unmeasurable_value", "R6", f"“{v}”附在不可计量的“{ind.level3}”上，无所指，无法核验", ind, project, 0.7)]
    if not pv.measurable:
        why = f"含“{'、'.join(pv.vague[:3])}”等无法核验的词" if pv.vague else "没有数字、日期、期限或可证明的状态"
        return [_f("unmeasurable_value", "R6", f"指标值“{_clip(v)}”{why}，年底无法判断是否完成", ind, project, 0.9 if pv.vague else 0.8)]
    return []


# ---- unit_mismatch (R2) -----------------------------------------------------

def check_unit(ind: Indicator, project: Project) -> list[Finding]:
    pv = parse_value(ind.value)
    v = ind.value.strip()
    out: list[Finding] = []
    l2 = levels(ind.level1, ind.level2)[1]
    if is_satisfaction(ind) and "满意度" in (ind.level2 + ind.level3 + ind.level1) and not NEGATIVE_NAME.search(ind.level3):
        if pv.number is not None and pv.unit_class != "percent":
            out.append(_f("unit_mismatch", "R2", f"满意度应为调查得出的百分比，指标值“{v}”不是百分比", ind, project, 0.92))
        elif pv.number is None and not _grade_only(pv) and normalize(v):
            out.append(_f("unit_mismatch", "R2", f"满意度的值“{_clip(v)}”不是百分比", ind, project, 0.85))
    elif l2.startswith("时效"):
        if pv.number is not None and pv.unit_class == "count" and not pv.is_date and "/" not in pv.unit:
            out.append(_f("unit_mismatch", "R2", f"时效指标应为日期或期限，指标值“{v}”是数量", ind, project, 0.9))
        elif not pv.measurable and not pv.is_date and normalize(v):
            out.append(_f("unit_mismatch", "R2", f"时效指标应为日期或期限，指标值“{_clip(v)}”不是", ind, project, 0.85))
    elif _is_cost_row(ind):
        if pv.unit_class != "money" and not re.search(r"\d+(\.\d+)?\s*万", v) and money_in_wan(pv, project) is None:
            out.append(_f("unit_mismatch", "R2", f"成本指标应以金额（元/万元）表示，指标值“{_clip(v)}”没有金额单位", ind, project, 0.88))
    if not out and is_rate_name(ind.level3) and not is_satisfaction(ind) and not l2.startswith("时效"):
        if pv.is_date and pv.unit_class != "percent":
            out.append(_f("unit_mismatch", "R2", f"“{ind.level3}”是比率，指标值却是日期或时段“{v}”", ind, project, 0.85))
        elif pv.number is None and not pv.is_state and normalize(v):
            out.append(_f("unit_mismatch", "R2", f"“{ind.level3}”是比率，指标值“{_clip(v)}”不是百分比", ind, project, 0.8))
    if not out and is_slogan_percent(ind, pv):
        out.append(_f("unit_mismatch", "R2", f"“{ind.level3}”不是比率，“{v}”是无所指的百分比", ind, project, 0.7))
    if not out and is_rate_name(ind.level3) and not is_satisfaction(ind) and pv.number is not None and not pv.is_date:
        if pv.unit_class == "count":
            out.append(_f("unit_mismatch", "R2", f"“{ind.level3}”是比率，指标值“{v}”却是数量", ind, project, 0.85))
        elif pv.unit_class == "none" and pv.number <= 1 and "." in pv.number_text:
            out.append(_f("unit_mismatch", "R2", f"比率写成小数“{v}”，应写百分比", ind, project, 0.8))
        elif pv.unit_class == "none" and BARE_NUMBER.match(v) and pv.number != 0:  # 0 needs no unit
            out.append(_f("unit_mismatch", "R2", f"“{ind.level3}”是比率，指标值“{v}”没有“%”", ind, project, 0.8))
        elif pv.unit_class == "time" and l2.startswith("时效"):
            out.append(_f("unit_mismatch", "R2", f"“{ind.level3}”是比率，指标值“{v}”却是期限", ind, project, 0.8))
    if not out and l2.startswith("时效") and not is_rate_name(ind.level3) and not re.search(r"按期|按时|及时|准时|如期", ind.level3) \
            and pv.number is not None and not pv.is_date \
            and (pv.unit_class == "percent" or BARE_NUMBER.match(v) or (pv.unit_class == "count" and pv.number >= 1000)):
        out.append(_f("unit_mismatch", "R2", f"时效指标应为日期或期限，指标值“{v}”不是", ind, project, 0.8))
    if not out and not is_rate_name(ind.level3) and BARE_NUMBER.match(v) and l2 in ("数量指标", "") \
            and not levels(ind.level1, ind.level2)[0] in ("效益指标", "满意度指标"):
        if MONEY_NAME.search(ind.level3):
            out.append(_f("unit_mismatch", "R2", f"“{ind.level3}”是金额，指标值“{v}”没有货币单位", ind, project, 0.8))
        elif not COUNT_NAME.search(ind.level3) and not EVENT_NAME.match(ind.level3):
            out.append(_f("unit_mismatch", "R2", f"数量指标“{ind.level3}”的值“{v}”没有计量单位，不知数的是什么", ind, project, 0.7))
    if not out and MONEY_NAME.search(ind.level3) and pv.unit_class == "count" and not l2.startswith("满意"):
        out.append(_f("unit_mismatch", "R2", f"“{ind.level3}”是金额，指标值“{v}”却是个数", ind, project, 0.8))
    if not out and re.search(r"(万元|元|个|人|次)\s*[%％]\s*$", v):
        out.append(_f("unit_mismatch", "R2", f"指标值“{v}”混用两种单位", ind, project, 0.85))
    if not out and re.search(r"[%％]", v) and pv.number is None:
        out.append(_f("unit_mismatch", "R2", f"指标值“{_clip(v)}”是文字加百分号，没有数字", ind, project, 0.85))
    mixed = re.match(r"^[≥≤><=＞＜＝]?\s*\d+(\.\d+)?(?P<rest>[\u4e00-\u9fff]{4,})", v)
    if not out and mixed and mixed.group("rest")[0] not in UNIT_START:
        out.append(_f("unit_mismatch", "R2", f"指标值“{_clip(v)}”把数字和说明混在一起，没有单位", ind, project, 0.85))
    return out


# ---- implausible_value (R5, R7) --------------------------------------------

def check_plausible(ind: Indicator, project: Project) -> list[Finding]:
    pv = parse_value(ind.value)
    v = ind.value.strip()
    if pv.bad_date:
        return [_f("implausible_value", "R7", f"日期“{pv.bad_date}”不存在（月份应为1–12，日期不超过当月天数）", ind, project, 0.95)]
    if pv.number is None or pv.is_date:
        return []
    name = ind.level3
    negative = bool(NEGATIVE_NAME.search(re.sub(r"[（(].*?[)）]", "", name).strip()))
    if pv.unit_class == "percent" and (is_rate_name(name) or is_satisfaction(ind)):
        if pv.number > 100 and not (pv.number == 100):
            return [_f("implausible_value", "R7", f"比率不能超过100%，指标值“{v}”", ind, project, 0.92)]
    if pv.operator in ("＞", "≥") and pv.number == 0:
        return [_f("implausible_value", "R7", f"指标值“{v}”不需任何努力即可达成", ind, project, 0.9)]
    if negative and pv.unit_class == "percent" and pv.operator in ("≤", "＜") and pv.number >= 100:
        return [_f("implausible_value", "R7", f"“{name}”≤100%必然成立", ind, project, 0.9)]
    if negative and pv.operator in ("≥", "＞"):
        return [_f("implausible_value", "R5", f"“{name}”越低越好，却写成“{v}”", ind, project, 0.9)]
    if _is_cost_row(ind) and pv.unit_class == "money" and "/" in pv.unit and pv.number == 0:
        return [_f("implausible_value", "R7", f"单位成本“{v}”为零：本表列有支出，单位成本不可能为零", ind, project, 0.8)]
    if _is_cost_row(ind) and pv.unit_class == "money" and pv.operator in ("≥", "＞"):
        return [_f("implausible_value", "R5", f"成本越低越好，应写“≤”，实际为“{v}”", ind, project, 0.9)]
    if levels(ind.level1, ind.level2)[1] == "数量指标" and pv.operator in ("≤", "＜") and (
            pv.unit_class == "count" or (pv.unit_class == "none" and COUNT_NAME.search(name))) and not NEGATIVE_NAME.search(name):
        return [_f("implausible_value", "R5", f"产出数量写成上限“{v}”，目标是做得更少", ind, project, 0.85)]
    wan = money_in_wan(pv, project) if _is_cost_row(ind) else money_in_wan(pv)
    if _is_cost_row(ind) and wan is not None and usable_budget(project) and wan > project.budget * 1.0001:
        return [_f("implausible_value", "R7", f"单项成本{wan:g}万元超过项目预算{project.budget:g}万元", ind, project, 0.85)]
    return []


# Things that come in whole numbers: a target of 0.5篇 cannot be met as written.
DISCRETE_UNITS = ("篇", "个", "项", "次", "场", "期", "人", "名", "家", "台", "套", "件", "部", "本", "册", "所", "座", "处", "户",
                  "份", "条", "辆", "栋", "间", "张", "支", "批", "门", "种", "人次", "家次", "项次", "场次")


def yearly_targets(ind: Indicator) -> dict[str, str]:
    """The row's per-year target cells (value_parts keys that are year columns)."""
    from .ingest.tabular import YEAR_RE, norm

    return {k: v for k, v in ind.value_parts.items() if YEAR_RE.match(norm(k)) and v.strip()}


def _fraction_of_discrete(pv: ParsedValue) -> bool:
    return pv.number is not None and pv.number != int(pv.number) and pv.unit in DISCRETE_UNITS


def check_yearly(ind: Indicator, project: Project) -> list[Finding]:
    """Multi-year tables: yearly targets that do not add up to the total (or
    exceed it), and fractional counts of discrete things ("0.5篇")."""
    years = yearly_targets(ind)
    if not years:
        return []
    total = parse_value(ind.value)
    frac = [f"{k} {v}" for k, v in years.items() if _fraction_of_discrete(_unit_from(parse_value(v), total))]
    if _fraction_of_discrete(total):
        frac.insert(0, f"总目标 {ind.value}")
    if frac:
        return [_f("implausible_value", "R7", f"可数的事物不能是小数：{'、'.join(frac)}", ind, project, 0.9)]
    if total.number is None or total.unit_class not in ("count", "money") or total.is_date:
        return []
    parsed = {k: _unit_from(parse_value(v), total) for k, v in years.items()}
    if any(p.number is None or p.unit != total.unit for p in parsed.values()):
        return []  # not all yearly cells are amounts of the same thing: nothing to add up
    s = sum(p.number for p in parsed.values())
    shown = "、".join(f"{k} {v}" for k, v in years.items())
    if s > total.number * 1.0001:
        return [_f("implausible_value", "R7", f"各年度目标合计{s:g}{total.unit}，超过总目标“{ind.value}”（{shown}）", ind, project, 0.9)]
    if s < total.number * 0.9999 and total.operator not in ("≤", "＜"):
        return [_f("implausible_value", "R7", f"各年度目标合计{s:g}{total.unit}，达不到总目标“{ind.value}”（{shown}）", ind, project, 0.8)]
    return []


def _unit_from(pv: ParsedValue, total: ParsedValue) -> ParsedValue:
    """A yearly cell written as a bare number ("0.5") is in the total's unit."""
    if pv.number is not None and not pv.unit and total.unit:
        from dataclasses import replace

        return replace(pv, unit=total.unit, unit_class=total.unit_class)
    return pv


def money_in_wan(pv: ParsedValue, project: Project | None = None) -> float | None:
    """A money value in 万元 (the budget's unit); None when the value is not money.
    A bare number is money in the table's stated unit ("单位：元") when it has one."""
    if pv.number is None:
        return None
    u = pv.unit or (project.money_unit if project is not None and not pv.unit_class == "percent" else "")
    if u.startswith("亿"):
        return pv.number * 10000
    if u.startswith("万"):
        return pv.number
    if u.startswith("千元"):
        return pv.number / 10
    if u.startswith("元"):
        return pv.number / 10000
    return None


# ---- wrong_category (R2, R3) ------------------------------------------------

def check_category(ind: Indicator, project: Project) -> list[Finding]:
    text = ind.level3 + " " + ind.description
    l1, l2 = levels(ind.level1, ind.level2)  # canonical names for the checks; messages print the published ones
    where = ind.level2 or ind.level1
    is_benefit = l1.startswith("效益") or "效益" in l2 or l2.startswith("可持续")
    fund_state = re.search(r"(率|性|情况|度|专用|管理)$", ind.level3) and "满意" not in ind.level3
    m = INPUT_RE.search(ind.level3) or (FUND_HANDLING.search(ind.level3) if fund_state else None) \
        or (PAYOUT.search(ind.level3) if is_benefit else None) or re.search(r"不超(过)?(年度)?预算", ind.value)
    if m:
        if l2.startswith(("成本", "时效")):
            return []
        return [_f("wrong_category", "R3", f"“{m.group(0)}”衡量资金管理（投入），不是{where}的产出或效果", ind, project, 0.9)]
    sat_name = re.search(r"(满意度|满意率|满意程度|好评率)$", ind.level3) or "满意程度" in ind.description and ind.level3.endswith("率")
    if sat_name and not l1.startswith("满意度") and l2 != "满意度指标":
        return [_f("wrong_category", "R2", f"满意度指标放在了“{ind.level1}/{ind.level2}”下", ind, project, 0.88)]
    if l1.startswith("满意度") and not any(w in text for w in ("满意", "认可", "评价", "好评", "认同", "支持率", "投诉")):
        return [_f("wrong_category", "R2", f"“{ind.level3}”不是满意度，却放在满意度指标下", ind, project, 0.8)]
    if re.search(r"不适用|不涉及", ind.level3 + ind.value):
        return []  # "本项目不适用此指标 | 无": nothing is measured, so nothing is misplaced (unmeasurable_value says so)
    if l2.startswith("生态") and not any(w in text for w in ENV_WORDS):
        return [_f("wrong_category", "R2", "生态效益指标没有任何环境内容", ind, project, 0.85)]
    pv = parse_value(ind.value)
    is_benefit = l1.startswith("效益") or "效益" in l2 or l2.startswith("可持续")
    if is_benefit and OUTPUT_IN_BENEFIT.search(ind.level3):
        return [_f("wrong_category", "R2", f"“{ind.level3}”衡量的是产出，不是{where}", ind, project, 0.75)]
    if is_benefit and pv.unit_class == "count" and pv.unit[:1] in "次场期篇份" and re.search(r"开展|举办|召开|组织|印发|督促|培训|宣讲", ind.level3):
        return [_f("wrong_category", "R2", f"“{ind.level3} {ind.value}”是活动次数（产出），放在{where}下", ind, project, 0.7)]
    if re.search(r"投诉(发生)?率$", ind.level3) and not l1.startswith("满意度"):
        return [_f("wrong_category", "R2", f"投诉率是满意度的反向指标，不属于{where}", ind, project, 0.8)]
    if is_benefit and pv.unit_class == "count" and pv.unit[:1] in OUTPUT_UNITS and not re.search(r"受益|覆盖|带动|增加|增长|提高|减少|下降", ind.level3) \
            and not NEGATIVE_NAME.search(ind.level3):
        return [_f("wrong_category", "R2", f"“{ind.level3} {ind.value}”是产出数量，不是{where}", ind, project, 0.7)]
    if l2.startswith("数量") and is_rate_name(ind.level3) and pv.unit_class == "percent":
        return [_f("wrong_category", "R2", f"“{ind.level3}”是比率（质量或时效），放在数量指标下", ind, project, 0.8)]
    if l2.startswith("质量") and pv.unit_class == "count" and pv.unit[:1] in OUTPUT_UNITS + "人家户所名" and not is_rate_name(ind.level3):
        return [_f("wrong_category", "R2", f"“{ind.level3} {ind.value}”是数量，不是质量标准或比率", ind, project, 0.7)]
    if l2.startswith(("数量", "质量")) and re.search(r"(时间|时限|期限|时效)$", ind.level3):
        return [_f("wrong_category", "R2", f"“{ind.level3}”是时效要求，放在{where}下", ind, project, 0.8)]
    if l2.startswith("数量") and pv.unit_class == "money":
        return [_f("wrong_category", "R2", f"“{ind.value}”是金额，应属成本指标而非数量指标", ind, project, 0.75)]
    return []


ROW_CHECKS: tuple[Callable[[Indicator, Project], list[Finding]], ...] = (
    check_description, check_measurable, check_unit, check_plausible, check_category,
)


def check_view(ind: Indicator) -> Indicator:
    """The row as the checks read it (findings still point at the row's id):
    - the name without numbering and template residue ("指标1:", "(≥**%)");
    - a unit published in the name moved to a bare-number value ("满意度(%) | 90" → "90%");
    - a row published without 一级/二级 cells gets a second level from its name when
      the name is unambiguous (满意度, 成本, 时间…), and is marked so category checks skip it."""
    name = clean_name(ind.level3)
    value = ind.value
    unit = name_unit(name)
    if unit:
        if re.fullmatch(r"\s*[≥≤><=＞＜＝]*\s*\d+(\.\d+)?\s*", value or ""):
            value = value.strip() + unit
        name = NAME_UNIT_RE.sub("", name).strip()
    l2 = ind.level2
    if not ind.level1.strip() and not ind.level2.strip():
        l2 = infer_level2(name)
    if (name, value, l2) == (ind.level3, ind.value, ind.level2):
        return ind
    return replace(ind, level3=name, value=value, level2=l2)


def levels_published(ind: Indicator) -> bool:
    return bool(ind.level1.strip() or ind.level2.strip())


def check_row(ind: Indicator, project: Project) -> list[Finding]:
    if is_deletion(ind):
        return []  # a row the review proposes to remove (themes.deletion_answer) is an answer, not an indicator to label
    view = check_view(ind)
    out: list[Finding] = []
    for check in ROW_CHECKS:
        if check is check_category and not levels_published(ind):
            continue  # no 一级/二级 published: nothing to say the row is in the wrong place
        out.extend(check(view, project))
    if ind.value_parts and not any(f.code == "implausible_value" for f in out):
        out.extend(check_yearly(ind, project))
    return out


# ---- copy_paste: exact repeats (R7) ----------------------------------------

RELATED_MAX = 20  # other members a copy_paste finding lists (related_total counts them all)


def row_key(ind: Indicator) -> str:
    """Identity for copy-paste: name + description + value, normalised, numbers kept."""
    return "|".join((normalize(ind.level3), normalize(ind.description), normalize(ind.value)))


def check_exact_duplicates(projects: Iterable[Project]) -> list[Finding]:
    """Rows repeated verbatim in another project (or twice in one table).

    A stock row shared by many projects is flagged only when its description
    is generic or empty (LABELS.md: 服务对象满意度 ≥90% with a real description is fine)."""
    groups: dict[str, list[tuple[Project, Indicator]]] = defaultdict(list)
    projects = list(projects)
    for p in projects:
        for ind in p.indicators:
            groups[row_key(ind)].append((p, ind))
    out: list[Finding] = []
    for key, members in groups.items():
        if len(members) < 2:
            continue
        pids = {(p.source_hash, p.id) for p, _ in members}
        units = {p.unit for p, _ in members}
        per_table = Counter(id(p) for p, _ in members)
        # Only the first members are cited (a stock row of 2,000 tables must not
        # list 1,999 refs on each): every finding names the group's head rows.
        head = [f"{q.id}/{j.id}" for q, j in members[:RELATED_MAX + 1]]
        # The same project's table of another year repeats its rows legitimately (identity.py).
        by_project = ProjectGroups(p for p, _ in members)
        group = "R-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
        for i, (p, ind) in enumerate(members):
            if per_table[id(p)] < 2 and not by_project.elsewhere(i):
                continue
            others = [ref for k, ref in enumerate(head) if by_project.related(i, k)][:RELATED_MAX]
            same_table = per_table[id(p)] > 1
            desc_weak = bool(check_description(ind, p))
            if not (same_table or desc_weak):
                continue
            where = "同一表中重复出现" if same_table and len(pids) == 1 else f"在{len(pids)}个项目（{len(units)}个单位）中逐字相同"
            f = _f("copy_paste", "R7", f"名称、描述和指标值{where}：{'、'.join(others[:5])}", ind, p, 0.85)
            f.related, f.related_total, f.cluster = others, len(members) - 1, group
            out.append(f)
    return out


def check_table_repeats(project: Project) -> list[Finding]:
    """Rows of one table that repeat each other under another description or word
    order: the same name and value ("0 | 0.00%" three times with the three cost
    definitions), or the same characters reordered ("教学条件改善、办学水平提高" /
    "教学质量提高、办学条件改善") with the same value."""
    groups: dict[tuple[str, str], list[Indicator]] = defaultdict(list)
    for ind in project.indicators:
        name, value = normalize(clean_name(ind.level3)), normalize(ind.value)
        if not name or not value:
            continue
        key = name if len(name) < 6 else "".join(sorted(name))
        groups[(key, value)].append(ind)
    # Long names with the same value that share nearly all their characters: the same
    # phrases reordered or with one word swapped ("教学条件改善、办学水平提高" /
    # "教学质量提高、办学条件改善").
    long = [i for i in project.indicators if len(normalize(clean_name(i.level3))) >= 10 and normalize(i.value)
            and re.search(r"[、，,；;]", i.level3)]  # lists of phrases; one-phrase slogans differ by their subject (平安/法治天津)
    for a_i, a in enumerate(long):
        for b in long[a_i + 1:]:
            if normalize(a.value) != normalize(b.value) or row_key(a) == row_key(b):
                continue
            na, nb = normalize(clean_name(a.level3)), normalize(clean_name(b.level3))
            common = sum((Counter(na) & Counter(nb)).values())
            if na != nb and common / max(len(na), len(nb)) >= 0.8:
                groups[("~" + min(na, nb), normalize(a.value))] = list({id(x): x for x in
                                                                      groups.get(("~" + min(na, nb), normalize(a.value)), []) + [a, b]}.values())
    out = []
    for members in groups.values():
        if len(members) < 2 or len({row_key(i) for i in members}) < len(members):
            continue  # exact repeats are check_exact_duplicates' findings
        for ind in members:
            others = [o.id for o in members if o is not ind]
            f = _f("copy_paste", "R7", f"与本表{'、'.join(others[:5])}的名称与指标值相同（仅描述或词序不同）", ind, project, 0.75)
            f.related = others
            out.append(f)
    return out


# ---- project-level findings (R1, R8, R9) ------------------------------------

def check_dimensions(project: Project) -> list[Finding]:
    inds = project.indicators
    lv = [levels(i.level1, i.level2) for i in inds]  # "产出指标(50分)", "实施效果指标", a first-level 成本指标 …
    missing = []
    if not any(l1 == "满意度指标" or l2 == "满意度指标" for l1, l2 in lv):
        missing.append("满意度指标")
    if not any(l1 == "效益指标" or "效益" in l2 or l2 == "可持续影响指标" for l1, l2 in lv):
        missing.append("效益指标")
    if not any(l1 in ("产出指标", "成本指标") and l2 in ("数量指标", "质量指标", "时效指标", "成本指标") for l1, l2 in lv):
        missing.append("产出指标（数量/质量/时效/成本）")
    if not missing or not inds:
        return []
    return [Finding("missing_dimension", SEVERITY["missing_dimension"], "R1", "缺少" + "、".join(missing), "rule", 0.95, project.id)]


def check_duplicate_names(project: Project) -> list[Finding]:
    seen: dict[str, list[str]] = defaultdict(list)
    for i in project.indicators:
        if normalize(i.level3):
            seen[normalize(i.level3)].append(i.id)
    out = []
    for ids in seen.values():
        if len(ids) > 1:
            name = next(i.level3 for i in project.indicators if i.id == ids[0])
            out.append(Finding("duplicate_names", SEVERITY["duplicate_names"], "R8", f"三级指标“{name}”在本表出现{len(ids)}次：{'、'.join(ids)}",
                               "rule", 0.97, project.id, related=ids))
    return out


def check_cost_total(project: Project) -> list[Finding]:
    if not usable_budget(project):  # unknown, or a bad value reported by sanity.amount_problems
        return []
    items = []
    for i in project.indicators:
        if not is_cost(i.level1, i.level2):
            continue
        pv = parse_value(i.value)
        wan = money_in_wan(pv, project)
        if wan is not None and "/" not in pv.unit and pv.number2 is None:
            items.append((i, wan))
    # A table may list the items and their total ("年度预算总成本 3万元" beside 1 + 2 + 0):
    # the total row is not one more item.
    if len(items) > 2:
        big = max(items, key=lambda x: x[1])
        if abs(big[1] - sum(w for i, w in items if i is not big[0])) < 1e-6 * max(big[1], 1):
            items = [x for x in items if x is not big]
    total = sum(w for _, w in items)
    used = [f"{i.id} {i.value}" for i, _ in items]
    if total > project.budget * 1.0001:
        return [Finding("cost_over_budget", SEVERITY["cost_over_budget"], "R9",
                        f"成本指标合计{total:g}万元，超过预算数{project.budget:g}万元（{'；'.join(used)}）", "rule", 0.9, project.id)]
    return []


def check_description_column(project: Project) -> list[Finding]:
    """LABELS.md: a template with no description column gets one note, not a
    vague_description on every row."""
    if has_description_column(project) or not project.indicators:
        return []
    cols = "、".join(h for h in project.layout if h) or "（无表头）"
    return [Finding("no_description_column", SEVERITY["no_description_column"], "R4",
                    f"本表模板没有“绩效指标描述”列（列为：{cols}），各行无法写明口径、计算方法和数据来源；"
                    "未对各行标注描述空泛，建议改用含描述列的模板", "rule", 0.95, project.id)]


PROJECT_CHECKS = (check_dimensions, check_duplicate_names, check_cost_total, check_description_column)


def drop_vague_without_column(projects: list[Project], findings: list[Finding]) -> list[Finding]:
    """Whatever judged the rows (rules, learned model, LLM), a table with no
    description column has no vague_description rows: its note says it once."""
    rows = {ind.id for p in projects if not has_description_column(p) for ind in p.indicators}
    if not rows:
        return findings
    return [f for f in findings if not (f.code == "vague_description" and f.row_id in rows)]


def check_project(project: Project) -> list[Finding]:
    out: list[Finding] = []
    for check in PROJECT_CHECKS:
        out.extend(check(project))
    return out


def cost_rows_over_budget(project: Project) -> list[Finding]:
    """LABELS.md: cost items that add up to more than the budget make each of them implausible."""
    if not check_cost_total(project):
        return []
    out = []
    for ind in project.indicators:
        pv = parse_value(ind.value)
        if is_cost(ind.level1, ind.level2) and money_in_wan(pv, project) is not None and "/" not in pv.unit:
            out.append(_f("implausible_value", "R9", f"本表成本指标合计超过预算数{project.budget:g}万元，“{ind.value}”与预算矛盾", ind, project, 0.8))
    return out


PEOPLE_UNITS = ("人", "名", "生", "户")


def unit_cost_over_budget(project: Project) -> list[Finding]:
    """LABELS.md: values that imply more money than the budget (人数 × 标准 > 预算数) are
    implausible. A per-head standard ("780元/生/年", "2000元/人/月") times the table's largest
    count of people, even for a single period, already exceeds the budget."""
    if not usable_budget(project):
        return []
    heads = []
    for i in project.indicators:
        pv = parse_value(i.value)
        if pv.number and pv.unit_class == "count" and pv.unit.startswith(PEOPLE_UNITS) and "/" not in pv.unit:
            heads.append((pv.number, i))
    if not heads:
        return []
    n, who = max(heads, key=lambda x: x[0])
    out = []
    for ind in project.indicators:
        pv = parse_value(ind.value)
        if not (is_cost(ind.level1, ind.level2) and pv.unit_class == "money" and "/" in pv.unit and pv.number):
            continue
        per = pv.unit.split("/", 1)[1]
        if not per.startswith(PEOPLE_UNITS):
            continue
        wan = _per_head_wan(pv)
        if wan is not None and wan * n > project.budget * 1.0001:
            out.append(_f("implausible_value", "R9", f"标准“{ind.value}”×{who.id}“{who.value}”≈{wan * n:g}万元，超过预算数{project.budget:g}万元",
                          ind, project, 0.75))
    return out


def _per_head_wan(pv: ParsedValue) -> float | None:
    u = pv.unit.split("/", 1)[0]
    for unit, k in (("亿元", 10000.0), ("万元", 1.0), ("千元", 0.1), ("元", 0.0001)):
        if u.startswith(unit):
            return pv.number * k
    return None


def check_all(projects: list[Project]) -> list[Finding]:
    """Every rule finding for a batch: rows, exact duplicates, project level."""
    out: list[Finding] = []
    for p in projects:
        out.extend(check_project(p))
        over = {f.row_id: f for f in cost_rows_over_budget(p) + unit_cost_over_budget(p)}
        for ind in p.indicators:
            row = check_row(ind, p)
            if ind.id in over and not any(f.code == "implausible_value" for f in row):
                row.append(over[ind.id])
            out.extend(row)
    out.extend(check_exact_duplicates(projects))
    for p in projects:
        out.extend(check_table_repeats(p))
    return out


def _clip(text: str, n: int = 40) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= n else text[:n] + "…"
