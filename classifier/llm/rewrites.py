"""Model rewrites made safe before a reviewer sees them: every number the
original did not give is marked （建议值）, then the meaning check runs
(classifier/meaning.py: numbers, kind, unit, direction, residue, rules).

"The original" is the row (name, description, value) and its table's header
(title, 预算数, 绩效目标): a year from the title or the budget total is a fact of
the table, not an invention."""
from __future__ import annotations

import re
import unicodedata

from ..models import Indicator, Project, Rewrite
from ..rewrite import PROPOSAL, recheck
from .answer import RewriteOut

NUM_RE = re.compile(r"\d+(?:\.\d+)?")


def _numbers(text: str) -> set[str]:
    out = set()
    for n in NUM_RE.findall(unicodedata.normalize("NFKC", text)):
        out.add(n)
        try:
            out.add(f"{float(n):g}")  # 240.00 in the header = 240 in the rewrite
        except ValueError:
            pass
    return out


def known_numbers(ind: Indicator, project: Project) -> set[str]:
    budget = f"{project.budget:g}" if project.budget is not None else ""
    return _numbers(" ".join((ind.level3, ind.description, ind.value, project.title, project.goal, budget)))


def mark_proposals(value: str, ind: Indicator, project: Project) -> str:
    """Append （建议值） when the value carries a number the original lacks."""
    if PROPOSAL in value:
        return value
    known = known_numbers(ind, project)
    new = [n for n in NUM_RE.findall(unicodedata.normalize("NFKC", value)) if n not in known and f"{float(n):g}" not in known]
    return f"{value}{PROPOSAL}" if new else value


def to_rewrite(out: RewriteOut, ind: Indicator, project: Project, codes: set[str] | None = None) -> Rewrite:
    """`codes`: the row's merged labels, so the meaning check knows what the
    model was allowed to change (kind, direction); None = unknown."""
    value = mark_proposals(out.value, ind, project)
    rw = Rewrite(out.level1, out.level2, out.level3, out.description, value, out.rationale.strip() or "模型改写。", source="llm")
    return recheck(rw, ind, project, codes)
