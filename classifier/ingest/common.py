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


def join_value(operator: str, number: str, unit: str) -> str:
    """'≥' + '95' + '%' → '≥95%' — values split into columns, joined as published."""
    op = (operator or "").strip()
    # Templates write the operator as words or ASCII; publish it as the symbol.
    op = {"大于等于": "≥", ">=": "≥", "小于等于": "≤", "<=": "≤", "等于": "＝", "=": "＝",
          "大于": "＞", ">": "＞", "小于": "＜", "<": "＜", "定性": ""}.get(op, op)
    num = (number or "").strip()
    unit = (unit or "").strip()
    if num and unit and num.endswith(unit):
        unit = ""
    return f"{op}{num}{unit}"
