"""One parser for indicator values: operator, number(s), unit, dates, states.

Full- and half-width symbols are accepted; the original text is never changed,
only read."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

OPERATORS = {
    "≥": "≥", ">=": "≥", "＞=": "≥", "大于等于": "≥", "不低于": "≥", "不少于": "≥", "至少": "≥", "以上": "≥",
    "≤": "≤", "<=": "≤", "＜=": "≤", "小于等于": "≤", "不高于": "≤", "不超过": "≤", "不多于": "≤", "以内": "≤", "以下": "≤", "控制在": "≤",
    "＞": "＞", ">": "＞", "大于": "＞", "高于": "＞",
    "＜": "＜", "<": "＜", "小于": "＜", "低于": "＜",
    "＝": "＝", "=": "＝", "等于": "＝",
}
_PREFIX_OPS = sorted((k for k in OPERATORS if k not in ("以上", "以内", "以下")), key=len, reverse=True)
_SUFFIX_OPS = ("以上", "以内", "以下")

PERCENT_UNITS = ("%", "％", "百分比", "百分点")
MONEY_UNITS = ("亿元", "万元", "千元", "元")
TIME_UNITS = ("个工作日", "工作日", "小时", "天", "日", "周", "个月", "月", "年", "季度", "分钟")
# A date or a period: 2022年11月30日前, 11月底前, 12月31日, 2022年1月-12月, 年底前, 全年, 第四季度
DATE_RE = re.compile(
    r"(\d{4}\s*年)?\s*\d{1,2}\s*月(\s*\d{1,2}\s*日)?|\d{4}\s*年(底|末|内|度)?|\d{4}\s*(底|末)前?|年底|年末|年内|全年|上半年|下半年|季度|"
    r"(19|20)\d{2}[-./]\d{1,2}([-./]\d{1,2})?"  # a year first: 3225.35平米 and 1128.8万元 are not dates
)
# Binary states a document can prove (LABELS.md: measurable).
STATE_WORDS = ("通过验收", "验收合格", "合格", "达标", "是", "否", "已完成", "按时完成", "全部完成", "完成", "按期", "按时",
               "无", "零", "符合", "通过", "准确", "合规")
# "及时" alone is not a state: it says nothing about which date or period counts as on time.
# Words that make a value uncheckable (LABELS.md unmeasurable_value examples and kin).
VAGUE_WORDS = ("明显", "显著", "良好", "较高", "较好", "基本", "持续", "不断", "有效", "进一步", "稳步", "逐步", "大幅",
               "提升", "提高", "改善", "增强", "加强", "促进", "推动", "确保", "保障", "充分", "积极", "普遍", "优化",
               "满意", "好评", "稳定", "顺利", "较大", "一定", "高效", "规范", "完善", "维护", "落实", "取得", "实现", "力争")
GRADE_WORDS = ("好", "较好", "一般", "较差", "差", "优", "良", "中", "优秀", "良好", "合格", "不合格")

NUM_RE = re.compile(r"\d+(?:\.\d+)?")
CN_DIGITS = "零一二三四五六七八九十百千万两"


@dataclass
class ParsedValue:
    raw: str
    operator: str = ""  # ≥ ≤ ＞ ＜ ＝ or ""
    number: float | None = None
    number2: float | None = None  # upper bound of a range "90%-95%"
    number_text: str = ""
    unit: str = ""  # text right after the number, e.g. %, 个, 万元, 家, 人次
    unit_class: str = ""  # percent | money | time | count | ratio | none
    is_date: bool = False  # a date or a period
    is_state: bool = False  # a verifiable binary state
    vague: list[str] = field(default_factory=list)  # vague words present
    has_digit: bool = False
    chinese_number: bool = False  # 一次, 两个 …
    bad_date: str = ""  # a date that cannot exist ("2022年13月", "2月30日"): not accepted as a date

    @property
    def measurable(self) -> bool:
        return self.number is not None or self.is_date or self.is_state or self.chinese_number


def nfkc(text: str) -> str:
    """Full-width to half-width and compatibility forms folded ("＞" → ">", "１" → "1"): for reading and comparing
    a cell; what is shown stays as published."""
    return unicodedata.normalize("NFKC", text or "")


# Both functions below are pure and called for the same few texts many times per
# review (rules, features, clusters, rewrite checks): cached. A ParsedValue is
# therefore shared between callers — read it, never modify it.
@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """For comparison only: NFKC, no whitespace or punctuation, lower case."""
    t = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"[\s\W_]+", "", t).lower()


def unit_class(unit: str) -> str:
    u = (unit or "").strip()
    if not u:
        return "none"
    if u.startswith(PERCENT_UNITS):
        return "percent"
    if any(u.startswith(m) for m in MONEY_UNITS) or u in ("万", "亿"):
        return "money"
    if any(u.startswith(t) for t in TIME_UNITS):
        return "time"
    return "count"


@lru_cache(maxsize=65536)
def parse_value(value: str) -> ParsedValue:
    raw = value or ""
    t = unicodedata.normalize("NFKC", raw).strip()
    t = t.replace("％", "%")
    pv = ParsedValue(raw=raw)
    pv.has_digit = bool(re.search(r"\d", t))
    for op in _PREFIX_OPS:
        if t.startswith(op):
            pv.operator = OPERATORS[op]
            break
    if not pv.operator:
        for op in _PREFIX_OPS:
            if len(op) > 1 and op in t and not op.isascii():
                pv.operator = OPERATORS[op]
                break
    if not pv.operator:
        for op in _SUFFIX_OPS:
            if op in t:
                pv.operator = OPERATORS[op]
                break
    if not pv.operator:
        m = re.search(r"[≥≤><=]", t)
        if m:
            pv.operator = OPERATORS.get(m.group(0), "")
    pv.bad_date = impossible_date(t)
    pv.is_date = bool(DATE_RE.search(t)) and not re.fullmatch(r"[≥≤><=]*\s*\d+(\.\d+)?\s*年", t) and not pv.bad_date
    nums = list(NUM_RE.finditer(t))
    if nums and not (pv.is_date and _date_only(t)):
        m = nums[0]
        pv.number = float(m.group(0))
        pv.number_text = m.group(0)
        rest = t[m.end():]
        rng = re.match(r"\s*%?\s*[-~～至到]\s*(\d+(?:\.\d+)?)", rest)
        if rng:
            pv.number2 = float(rng.group(1))
            rest = rest[rng.end():]
            if "%" in t[m.end():m.end() + 2]:
                rest = "%" + rest
        if re.match(r"\s*\(\s*%\s*\)", rest):  # "≥90.00(%)", "（%）": the percent sign in brackets
            rest = "%" + rest[rest.index(")") + 1:]
        um = re.match(r"\s*([%]|百分比|百分点|[^\d\s，,。；;、（）()≥≤><=/]{1,4}(?:/[^\d\s，,。；;、（）()/]{1,3})*)", rest)
        if um:
            pv.unit = um.group(1).strip()
            for suf in _SUFFIX_OPS + ("（建议值）",):
                if pv.unit.endswith(suf):
                    pv.unit = pv.unit[: -len(suf)]
        pv.unit_class = unit_class(pv.unit)
    elif nums:
        pv.number = float(nums[0].group(0))
        pv.number_text = nums[0].group(0)
        pv.unit_class = "time"
    else:
        pv.unit_class = "none"
    if pv.number is None and re.search(rf"[{CN_DIGITS}]+\s*(个|次|项|场|期|批|家|人|所|台|套|部|篇|座|处|份|个?工作日|天|日|周|个月|年|小时)", t):
        pv.chinese_number = True
    stripped = re.sub(r"[\s。.，,]", "", t)
    pv.is_state = stripped in STATE_WORDS or any(
        w in t for w in ("通过验收", "验收合格", "按《", "按照《", "符合《", "达到《")) or stripped in ("是", "否", "无", "0")
    # Checkable without a number: a budget ceiling, a frequency, compliance with a named standard.
    if re.search(r"不超(过)?(年度)?预算|预算(范围)?(内|中)|^(每|按)(日|天|周|月|季|季度|年|个工作日)", t):
        pv.is_state = True
    pv.vague = [w for w in VAGUE_WORDS if w in t]
    return pv


_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_YMD = re.compile(r"(?:(?P<y>\d{4})\s*年\s*)?(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*日)?|(?<!\d)(?P<y2>(?:19|20)\d{2})[-/](?P<m2>\d{1,2})(?:[-/](?P<d2>\d{1,2}))?(?!\d)")


def impossible_date(t: str) -> str:
    """The first date in t that cannot exist (month 13, 2月30日, day 0), or ''."""
    for m in _YMD.finditer(t):
        month = int(m.group("m") or m.group("m2"))
        day = m.group("d") or m.group("d2")
        if not 1 <= month <= 12 or (day is not None and not 1 <= int(day) <= _DAYS[month - 1]):
            return m.group(0).strip()
    return ""


def _date_only(t: str) -> bool:
    """True when every number in t belongs to a date/period expression."""
    rest = DATE_RE.sub("", t)
    return not re.search(r"\d", rest)
