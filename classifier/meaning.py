"""The meaning check every rewrite goes through (library, composer and model
alike) before a reviewer sees it. A rewrite that passes the rules can still be
wrong: it can drop a number, turn a response time into a deadline, flip a
minimum standard into a cap, or leak template residue. Each check below
returns the reasons, in Chinese, that a reviewer reads next to a
`needs_human` rewrite; a rewrite with any reason is never `ok`.

Pure functions over (rewrite, original row, project)."""
from __future__ import annotations

import re
import unicodedata

from .compose import PROPOSAL, RESIDUE_RE
from .kinds import DOWN, EQUAL, OPERATOR_DIRECTION, UNIT_CLASSES, UP, expected_direction, grades_defined, kind_of
from .models import KIND_ZH, LABELS_ZH, Indicator, Project, Rewrite
from .rules import check_row
from .values import parse_value

NUM_RE = re.compile(r"\d+(?:\.\d+)?")
DIRECTION_ZH = {UP: "越高越好（≥）", DOWN: "越低越好（≤）", EQUAL: "等于"}
# Phrases of the old templates that must never reach a reviewer unless the row earns them.
GRADE_BOILERPLATE = re.compile(r"好/较好/一般/较差/差|五级评定|较好及以上")


def _nums(text: str) -> set[str]:
    out = set()
    for n in NUM_RE.findall(unicodedata.normalize("NFKC", text or "")):
        try:
            out.add(f"{float(n):g}")
        except ValueError:
            out.add(n)
    return out


def _known(ind: Indicator, project: Project) -> set[str]:
    budget = f"{project.budget:g}" if project.budget is not None else ""
    return _nums(" ".join((ind.level3, ind.description, ind.value, project.title, project.goal, budget)))


def _probe(rw: Rewrite, ind: Indicator) -> Indicator:
    return Indicator(ind.id, rw.level1, rw.level2, rw.level3, rw.description, rw.value.replace(PROPOSAL, ""), ind.row)


def check_numbers(rw: Rewrite, ind: Indicator, project: Project) -> list[str]:
    """Every number of the original row stays; every number added to the value
    is either a fact of the table (its year, its budget, a month's last day of a
    date it gave) or marked （建议值）."""
    out = []
    original = _nums(" ".join((ind.level3, ind.description, ind.value)))
    have = _nums(" ".join((rw.level3, rw.description, rw.value)))
    # A share written as a fraction is the same number as a percentage: "0.95" → "95%", "1" → "100%".
    as_pct = {s: f"{float(s) * 100:g}" for s in _nums(ind.value) if float(s) <= 1}
    have |= {s for s, pct in as_pct.items() if pct in _nums(rw.value)}
    lost = sorted(original - have, key=lambda s: float(s))
    if lost:
        out.append(f"改写丢失了原表的数字：{'、'.join(lost)}")
    if PROPOSAL not in rw.value:
        known = _known(ind, project) | set(as_pct.values())
        if parse_value(ind.value).is_date or re.search(r"年底|年末|全年|月底|月末", ind.value):
            known |= {"12", "28", "30", "31"}
        added = sorted(_nums(rw.value) - known, key=lambda s: float(s))
        if added:
            out.append(f"指标值新增数字{'、'.join(added)}未标注“（建议值）”")
    return out


def check_kind(rw: Rewrite, ind: Indicator, codes: set[str] | None) -> list[str]:
    """The kind is kept unless the category or the unit was what was wrong;
    and the value's unit fits the rewrite's kind."""
    out = []
    probe = _probe(rw, ind)
    new = kind_of(probe)
    old = kind_of(ind)
    may_change = codes is None or bool(codes & {"wrong_category", "unit_mismatch", "unmeasurable_value"})
    if new != old and not may_change:
        out.append(f"指标类型由“{KIND_ZH[old]}”变成了“{KIND_ZH[new]}”")
    if old == "duration" and new == "deadline":
        out.append("响应时长被改成了截止日期，应保持为时长（如“≤1天”）")
    pv = parse_value(probe.value)
    money = new in ("money", "unit_cost") and bool(re.search(r"\d\s*(万|亿|千)?元|\d\s*万(?![\u4e00-\u9fff])", unicodedata.normalize("NFKC", probe.value)))
    if (pv.number is not None or pv.is_date) and pv.unit_class not in UNIT_CLASSES[new] and not (new == "deadline" and pv.is_date) and not money:
        out.append(f"指标值“{rw.value}”的单位与指标类型“{KIND_ZH[new]}”不符")
    if new == "grade" and not grades_defined(rw.description):
        out.append("指标值是等级，但描述没有说明等级如何评定")
    return out


def check_direction(rw: Rewrite, ind: Indicator, codes: set[str] | None) -> list[str]:
    """Cost, complaint and error rates go down; outputs and minimum standards go
    up; a direction the row published is kept unless it was flagged."""
    out = []
    probe = _probe(rw, ind)
    kind = kind_of(probe)
    pv = parse_value(probe.value)
    have = OPERATOR_DIRECTION.get(pv.operator, "")
    want = expected_direction(probe.level3, kind, probe.value, probe.level2)
    if have in (UP, DOWN) and want in (UP, DOWN) and have != want and not (pv.number == 0 and have == DOWN):
        out.append(f"“{rw.level3}”应{DIRECTION_ZH[want]}，改写却写成“{rw.value}”")
    opv = parse_value(ind.value)
    before = OPERATOR_DIRECTION.get(opv.operator, "")
    flagged = codes is None or bool(codes & {"implausible_value", "wrong_category", "unit_mismatch", "unmeasurable_value"})
    fitted = opv.unit_class in UNIT_CLASSES[kind_of(ind)]  # "设备维护及时率 ≤48小时": the ≤ was never the rate's
    if before in (UP, DOWN) and have in (UP, DOWN) and before != have and not flagged and fitted and kind_of(ind) == kind:
        out.append(f"原表方向“{parse_value(ind.value).operator}”未被判为问题，改写却改成了“{pv.operator}”")
    return out


def check_residue(rw: Rewrite, ind: Indicator, project: Project) -> list[str]:
    """No template residue, glued names or boilerplate the row did not earn."""
    out = []
    for field, text in (("指标名称", rw.level3), ("描述", rw.description)):
        if RESIDUE_RE.search(text or ""):
            out.append(f"{field}残留模板符号或编号：“{text[:30]}”")
        if PROPOSAL in (text or ""):
            out.append(f"{field}里出现了“（建议值）”，建议值只应标在指标值上")
    title = (project.title or "").strip()
    if title and rw.level3.startswith(title) and len(rw.level3) > len(title):
        out.append("指标名称前粘连了项目名称")
    if title and title not in rw.level3 and (f"{title}{rw.level3}" in (rw.description or "")
                                             or re.search(re.escape(title) + r"(?![”」』）)\s，,。、的中项])", rw.description or "")):
        out.append("描述中项目名称与后文粘连，读不通")
    if GRADE_BOILERPLATE.search(rw.description + rw.value) and not grades_defined(ind.description):
        out.append("使用了未定义的五级等级套话")
    if "验收" in rw.value + rw.description and "验收" not in ind.level3 + ind.description + ind.value + rw.level3:
        out.append("写了“验收”，但该指标并无验收环节")
    if not (rw.description or "").strip():
        out.append("描述为空")
    return out


def check_rules(rw: Rewrite, ind: Indicator, project: Project) -> tuple[list[str], list[str]]:
    """(labels the rules still find, their reasons)."""
    found = check_row(_probe(rw, ind), project)
    codes = sorted({f.code for f in found})
    return codes, [f"规则仍判为“{LABELS_ZH[f.code]}”：{f.evidence}" for f in found]


def meaning_check(rw: Rewrite, ind: Indicator, project: Project, codes: set[str] | None = None) -> Rewrite:
    """Run every check; set `remaining` (labels the rules still find),
    `reasons` (all failures, Chinese) and `status` (needs_human on any reason).
    `codes`: the labels the original row was flagged with (None: unknown, as for
    a model rewrite judged outside a review — the kind and direction may then change)."""
    remaining, rule_reasons = check_rules(rw, ind, project)
    reasons = (check_numbers(rw, ind, project) + check_kind(rw, ind, codes) + check_direction(rw, ind, codes)
               + check_residue(rw, ind, project) + rule_reasons)
    rw.remaining = remaining
    rw.reasons = list(dict.fromkeys(reasons))
    rw.status = "needs_human" if rw.reasons else "ok"
    return rw
