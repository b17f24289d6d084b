"""Small helpers shared by the readers."""
from __future__ import annotations

import hashlib
import re
import unicodedata

# A number as printed in a money cell: thousands separators allowed (12,345,000).
_MONEY_RE = re.compile(r"(?P<num>-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?)\s*(?P<unit>亿元|亿|万元|万|千元|元)?")
_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "貳": 2, "两": 2, "三": 3, "叁": 3, "參": 3, "四": 4, "肆": 4,
             "五": 5, "伍": 5, "六": 6, "陆": 6, "陸": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
_CN_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
_CN_MONEY_RE = re.compile(f"(?P<num>[{''.join(_CN_DIGIT) + ''.join(_CN_SMALL) + ''.join(_CN_BIG)}]+)\\s*(?P<unit>元|圆)")
_IN_WAN = {"亿元": 10_000.0, "亿": 10_000.0, "万元": 1.0, "万": 1.0, "千元": 0.1, "元": 0.0001}
MONEY_UNIT_RE = re.compile(r"(?:金额|资金|预算)?单位\s*[:：]\s*(?P<unit>亿元|万元|千元|元)")


def cn_integer(text: str) -> int | None:
    """'壹佰贰拾万' → 1200000, '十二' → 12; None when it is not a numeral."""
    total = section = num = 0
    seen = False
    for ch in text:
        if ch in _CN_DIGIT:
            num, seen = _CN_DIGIT[ch], True
        elif ch in _CN_SMALL:
            section += (num or 1) * _CN_SMALL[ch]
            num, seen = 0, True
        elif ch in _CN_BIG:
            if _CN_BIG[ch] == 100_000_000:
                total = (total + section + num) * 100_000_000
            else:
                total += (section + num) * 10_000
            section = num = 0
        else:
            return None
    return total + section + num if seen else None


def read_money(text: str, default_unit: str = "万元") -> tuple[float | None, str]:
    """A money cell in 万元 (the unit budgets are kept in), and why not when it
    cannot be read. '1.2亿元' → 12000; '12,345,000元' → 1234.5; '壹佰万元' → 100;
    a bare '240.00' is in `default_unit` (the table's "单位：元", else 万元)."""
    t = unicodedata.normalize("NFKC", text or "").strip()
    if not t or t in ("-", "—", "/", "无"):
        return None, ""
    t = re.sub(r"(?<=\d) (?=\d{3}(?!\d))", ",", t)  # 12 345 000
    m = _MONEY_RE.search(t)
    if m:
        unit = m.group("unit") or ("元" if re.search(r"[¥￥]", t[:m.start()]) else default_unit)
        return round(float(m.group("num").replace(",", "")) * _IN_WAN[unit], 6), ""
    m = _CN_MONEY_RE.search(t)
    if m:
        n = cn_integer(m.group("num"))
        if n is not None:
            return round(n * _IN_WAN["元"], 6), ""
    return None, f"金额“{text.strip()[:40]}”无法读取（应为数字加 元/万元/亿元，或大写金额），按未知处理"


def parse_money(text: str, default_unit: str = "万元") -> float | None:
    """'240.00' → 240.0; '1,200万元' → 1200.0; '1.2亿元' → 12000.0; '' → None (万元)."""
    return read_money(text, default_unit)[0]


def money_unit_of(texts) -> str:
    """The table-wide money unit a title block states ("单位：元"), or ''."""
    for t in texts:
        m = MONEY_UNIT_RE.search(unicodedata.normalize("NFKC", t or ""))
        if m:
            return m.group("unit")
    return ""


def label_money_unit(label: str) -> str:
    """'预算数（元）' → '元': the unit a column or field label names, or ''."""
    m = re.search(r"[（(]\s*(亿元|万元|千元|元)\s*[)）]", label or "")
    return m.group(1) if m else ""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def split_unit(value: str) -> dict[str, str]:
    """The parts of a published value: operator, number, unit (empty when absent)."""
    from ..values import parse_value

    pv = parse_value(value)
    return {k: v for k, v in (("operator", pv.operator), ("number", pv.number_text), ("unit", pv.unit)) if v}


# How templates fill the operator column, as the symbol a joined value publishes.
# Central templates' 指标性质 names a direction instead: 正向 (more is better)
# reads as a floor ≥, 反向 (less is better) as a ceiling ≤; 定量/定性 only name
# the kind of indicator and add no operator. The word itself stays in value_parts.
OPERATOR_WORDS = {
    "大于等于": "≥", ">=": "≥", "≧": "≥", "小于等于": "≤", "<=": "≤", "≦": "≤", "等于": "＝", "=": "＝",
    "大于": "＞", ">": "＞", "小于": "＜", "<": "＜",
    "正向": "≥", "正向指标": "≥", "增量": "≥", "反向": "≤", "反向指标": "≤", "减量": "≤", "定量": "", "定性": "",
}
_SYMBOLS = ("≥", "≤", "＞", "＜", "＝")


def operator_symbol(operator: str) -> str:
    """The symbol an operator cell stands for ('正向指标' → '≥', '不低于' → '≥');
    '' for a kind (定量/定性) or text that is not an operator."""
    from ..values import OPERATORS

    op = (operator or "").strip()
    if op in OPERATOR_WORDS:
        return OPERATOR_WORDS[op]
    return op if op in _SYMBOLS else OPERATORS.get(op, "")


def join_value(operator: str, number: str, unit: str) -> str:
    """'≥' + '95' + '%' → '≥95%', '>=' + '95' + '%' → '>=95%', '反向指标' + '500' +
    '元/人' → '≤500元/人' — values split into columns, joined as published: a
    symbol is kept as typed (half or full width), a word becomes its symbol."""
    op = (operator or "").strip()
    if not re.fullmatch(r"[<>=≥≤≧≦＞＜＝]{1,2}", op):
        op = OPERATOR_WORDS.get(op, op)
    num = (number or "").strip()
    unit = (unit or "").strip()
    if num and unit and num.endswith(unit):
        unit = ""
    return f"{op}{num}{unit}"
