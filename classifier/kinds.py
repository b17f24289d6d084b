"""What kind of indicator a row is, read from its name, level and value: the
parsed form that the indicator library stores, the typed composer writes from
and the meaning check compares (classifier/library.py, compose.py, meaning.py).

Pure functions over published text; nothing here changes a row."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass

from .models import Indicator
from .rules import NEGATIVE_NAME, is_rate_name
from .values import GRADE_WORDS, parse_value

# The nine kinds of issue 14, in the order they are tried below.
KINDS = ("satisfaction", "unit_cost", "money", "rate", "duration", "deadline", "count", "grade", "document_state")
UP, DOWN, EQUAL = "up", "down", "equal"

# A duration is measured from an event to a response: its names say so.
DURATION_NAME = re.compile(r"响应|时长|用时|时限|周期|办结时间|处理时间|到场|到位时间|反馈时间|答复时间|时效$|速度")
DEADLINE_NAME = re.compile(r"(完成|竣工|验收|支付|拨付|上线|交付|开展|举办|启动|截止|结束|提交|印发)(时间|日期|期限|时限)$|完成时间|时间节点|进度$|按时|及时完成")
# A name for a point in time, and a value that is a year or a date ("2022年", "2022年12月31日前"): a deadline.
TIME_POINT_NAME = re.compile(r"(?<!持续)(?<!用)(?<!办结)(?<!处理)(?<!反馈)(?<!答复)(?<!到位)(时间|日期|时点)$")
YEAR_OR_DATE = re.compile(r"(19|20)\d{2}\s*年|\d{1,2}\s*月\s*\d{1,2}\s*日")
# A qualification or standard ("法律顾问资质"): its value states a requirement, it is not a count.
QUALIFICATION_NAME = re.compile(r"(资质|资格|任职条件|准入条件|从业条件)(要求|条件|标准)?$")
TIME_UNITS = ("分钟", "小时", "个工作日", "工作日", "天", "日", "周", "个月", "月", "年")
# A minimum standard: a subsidy, allowance or pay scale only ever goes up.
MINIMUM_NAME = re.compile(r"(补助|补贴|津贴|救助|慰问金?|报酬|工资|生活费|抚恤金?|助学金|发放)(标准|金额|水平)?$")
# Names of outputs that should fall (complaints, errors, overruns): the rate or count goes down.
DOWN_NAME = re.compile(r"(投诉|差错|事故|失误|出错|故障|违规|违纪|缺陷|返工|超支|超预算|流失|不合格|失败|空置|损失|逾期|退回|损坏|丢失|漏报|误报|负担|营养不良)"
                       r"(发生)?(率|比率|比例|次数|数|件数|起数|金额|额)$|(成本|费用|支出)(增长|增幅)率?$")
# Durations that should be short (a response, a processing time); a training's length is not one of them.
SHORT_DURATION = re.compile(r"响应|办结|处理|审批|审核|维修|维护|到场|反馈|答复|时限|周期|用时|等待")
# Money that should grow (income, profit, savings): every other amount is spending.
UP_MONEY = re.compile(r"收入|利润|产值|收益|增收|销售|节约|节省|税收|营业额|带动|拉动|投资额|贷款|放贷|信贷|授信|融资|担保额|担保金额")  # r12c: money lent goes up (RE10-01)
OPERATOR_DIRECTION = {"≥": UP, "＞": UP, "≤": DOWN, "＜": DOWN, "＝": EQUAL}


@dataclass(frozen=True)
class Form:
    kind: str  # one of KINDS
    direction: str  # up | down | equal | "" (a state or deadline has none to speak of)
    unit: str  # as published, e.g. %, 万元, 元/人/月, 小时, 个
    unit_class: str  # values.unit_class: percent | money | time | count | none
    numbers: tuple[str, ...]  # every number of the value, as written

    def to_dict(self) -> dict:
        return asdict(self) | {"numbers": list(self.numbers)}


def numbers_of(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\d+(?:\.\d+)?", unicodedata.normalize("NFKC", text or "")))


def _clean_name(name: str) -> str:
    return re.sub(r"[（(].*?[)）]", "", name or "").strip()


def grades_defined(description: str) -> bool:
    """R6: a grade is a target only when the description says how it is given."""
    return any(w in (description or "") for w in ("等级", "评分", "评定", "五级", "分为", "分档"))


# The share of things that should not be there ("过时宣传标语口号占比", "闲置设备比例") goes down; a rate of handling
# them ("过期药品处理率") does not, so only a plain share counts.
BAD_SHARE = re.compile(r"^(过时|过期|超期|逾期|失效|破损|损坏|闲置|不合格|不达标|不规范)[\u4e00-\u9fff]{2,}(占比|比例|比重)$")


def is_down_name(name: str) -> bool:
    n = _clean_name(name)
    return bool(NEGATIVE_NAME.search(n) or DOWN_NAME.search(n) or BAD_SHARE.search(n))


FREQUENCY = re.compile(r"\d\s*(期|次|篇|条|份|场|趟|批)\s*/\s*(工作日|天|日|周|月|季度|年)")


# Service hours as days × hours ("5*8", "7×24小时"): how long a service is on call, a duration of its own kind.
SERVICE_WINDOW = re.compile(r"(?<![\d.])[1-7]\s*[×*xX]\s*(?:[1-9]|1\d|2[0-4])(?![\d.])\s*(小时)?")


def kind_of(ind: Indicator) -> str:
    """The indicator's kind, from its name and level first (they say what is
    meant), then from the value (what was written)."""
    name, l2 = _clean_name(ind.level3), ind.level2
    pv = parse_value(ind.value)
    v = unicodedata.normalize("NFKC", ind.value or "")
    if (re.search(r"满意(度|率|程度)|好评率", name) or "满意度" in l2) and "投诉" not in name:
        return "satisfaction"
    money_name = re.search(r"(资金|经费|费用|投资)?金额$|(资金|经费)总额$", name) and pv.unit_class in ("none", "money")  # "工程资金金额 | 43.2"
    # Output value, income, profit are money whatever the level: "新型经营主体实现产值 | 8000" is no count of 个 (round 12, RG05-03)
    money_name = money_name or re.search(r"(产值|收入|利润|销售额|营业额|税收)(总额|额|总量|总值)?$", name) and pv.unit_class == "none" and pv.number is not None
    if pv.unit_class == "money" or money_name or (l2.startswith("成本") and not is_rate_name(name)) or re.search(r"\d\s*万(元)?(?![\u4e00-\u9fff])", v):
        per = "/" in pv.unit or "每" in v or re.search(r"人均|标准|单价|每人|每户|/人", name)
        return "unit_cost" if per else "money"
    if is_rate_name(name) or pv.unit_class == "percent":  # a percentage is a rate, whatever the level
        return "rate"
    if l2.startswith("时效") or DURATION_NAME.search(name) or DEADLINE_NAME.search(name):
        if SERVICE_WINDOW.search(v) and not pv.is_date:
            return "duration"  # "5*8常驻现场服务、7*24远程支持": a service window, never a completion date (T047-03)
        if FREQUENCY.search(v):
            return "count"  # "1期/工作日": how often, a count per period — neither a date nor a length of time (round 7)
        if pv.is_date or DEADLINE_NAME.search(name) and not (pv.unit_class == "time" and pv.number is not None):
            return "deadline"
        if TIME_POINT_NAME.search(name) and YEAR_OR_DATE.search(v):
            return "deadline"  # "出版时间 | 2022年": a point in time, never a length of time (round 7, T048-03)
        if pv.unit_class == "time" or DURATION_NAME.search(name) or re.search(r"\d\s*(×|\*|x)\s*\d+\s*小时", v):
            return "duration"
        return "deadline"
    if QUALIFICATION_NAME.search(name) and len(re.findall(r"[\u4e00-\u9fff]", v)) >= 8:
        return "document_state"  # "法律顾问资质 | …具有5年以上职业经验…的律师": a requirement, never "资质的数量" (round 7, T051-04)
    if pv.unit_class == "count" or pv.chinese_number or l2.startswith("数量") or re.search(r"(数量|个数|次数|人数|人次|户数|场次|面积|里程|长度)$", name):
        return "count"
    if any(g == re.sub(r"[\s。.，,]", "", v) for g in GRADE_WORDS) or re.search(r"(较好|良好|优良|优秀)(及)?以上", v):
        return "grade"
    if pv.is_state or pv.is_date is False and re.search(r"验收|合规|规范|制度|方案|规划|报告|通过|备案|印发|审计", name + v):
        return "document_state"
    if pv.number is not None:
        return "count"
    return "document_state"


def direction_of(ind: Indicator, kind: str | None = None) -> str:
    """The direction as written (the value's operator), else the kind's own."""
    pv = parse_value(ind.value)
    if pv.operator:
        return OPERATOR_DIRECTION.get(pv.operator, "")
    return expected_direction(ind.level3, kind or kind_of(ind), ind.value, ind.level2)


def expected_direction(name: str, kind: str, value: str = "", level2: str = "") -> str:
    """Which way the kind should point (R5): cost, complaints, errors and
    response times go down; outputs, rates, satisfaction, income and minimum
    standards go up; "" where the kind alone does not say (a price cap and an
    award cap are both unit costs)."""
    n = _clean_name(name)
    if kind == "money":
        return UP if UP_MONEY.search(n) and not level2.startswith("成本") else DOWN
    if kind == "unit_cost":
        # A subsidy standard is a minimum; a cost standard under 成本指标 a cap ("≥780元/生/年" was wrong, round 1).
        return UP if MINIMUM_NAME.search(n) else DOWN if level2.startswith("成本") else ""
    if kind == "duration":
        return DOWN if SHORT_DURATION.search(n) else ""
    if kind in ("rate", "count", "satisfaction"):
        return DOWN if is_down_name(name) else UP
    if kind == "deadline":
        return DOWN
    return ""


def form_of(ind: Indicator) -> Form:
    pv = parse_value(ind.value)
    kind = kind_of(ind)
    return Form(kind=kind, direction=direction_of(ind, kind), unit=pv.unit, unit_class=pv.unit_class or "none",
                numbers=numbers_of(ind.value))


# Which unit classes each kind may carry; the meaning check holds rewrites to it.
UNIT_CLASSES = {
    "count": ("count", "none", "time"),  # a service life "≥3年" counts years
    "rate": ("percent",),
    "satisfaction": ("percent",),
    "duration": ("time", "count"),  # "7×24小时" parses as a count unit "×24小时"
    "deadline": ("time", "none", "count"),
    "money": ("money",),
    "unit_cost": ("money",),
    "grade": ("none",),
    "document_state": ("none", "count"),
}
