"""Project amounts a reader accepted but no check can compare against: a
negative, zero-less-than or infinite 预算数 / 财政资金 / 其他资金. Such a value is
kept as published (it is the table's own text) but treated as unknown by the
rules and the learned model, and reported once per table with its place, so
one bad cell affects only its own table."""
from __future__ import annotations

import math

from .models import Problem, Project

_MONEY_FIELDS = {"budget": "预算数", "fiscal_funds": "财政资金", "other_funds": "其他资金"}


def usable_amount(value) -> float | None:
    """The amount when it can be compared (a finite number ≥ 0), else None."""
    if value is None or isinstance(value, bool):
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) and x >= 0 else None


def usable_budget(p: Project) -> float | None:
    return usable_amount(p.budget)


def amount_problems(projects: list[Project]) -> list[Problem]:
    """One Problem per unusable amount, naming file and table."""
    out = []
    for p in projects:
        for attr, zh in _MONEY_FIELDS.items():
            v = getattr(p, attr, None)
            if v is not None and usable_amount(v) is None:
                shown = f"{v:g}" if isinstance(v, float) else str(v)
                out.append(Problem(p.source_file, f"{p.id}（{p.title}）的{zh}“{shown}万元”不是有效金额（应为不小于 0 的数），"
                                                  f"本表不与{zh}比较，学习模型按{zh}未知处理", table=p.table_index + 1))
    return out
