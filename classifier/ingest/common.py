"""Small helpers shared by the readers."""
from __future__ import annotations

import hashlib
import re

_NUM = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?")


def parse_money(text: str) -> float | None:
    """'240.00' → 240.0; '1,200万元' → 1200.0; '' → None."""
    if not text:
        return None
    m = _NUM.search(text.replace("，", ","))
    return float(m.group(0).replace(",", "")) if m else None


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
    """'≥' + '95' + '%' → '≥95%', '反向指标' + '500' + '元/人' → '≤500元/人' —
    values split into columns, joined as published."""
    op = (operator or "").strip()
    op = OPERATOR_WORDS.get(op, op)  # words and ASCII published as the symbol
    num = (number or "").strip()
    unit = (unit or "").strip()
    if num and unit and num.endswith(unit):
        unit = ""
    return f"{op}{num}{unit}"
