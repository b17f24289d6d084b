"""Template rewrites for the offline backend, and the self-check every rewrite
(template or model) goes through before a reviewer sees it.

Numbers the original gave are kept; numbers we add are marked （建议值） so a
target is never invented as fact."""
from __future__ import annotations

import re

from .models import Finding, Indicator, Project, Rewrite
from .rules import INPUT_RE, check_row, is_rate_name, is_satisfaction
from .values import normalize, parse_value

PROPOSAL = "（建议值）"


def _year(project: Project) -> str:
    m = re.search(r"(20\d\d)\s*年", project.title + project.goal)
    return m.group(1) if m else "本"


def _fmt(n: float) -> str:
    return f"{n:g}"


def _category(ind: Indicator, codes: set[str]) -> tuple[str, str]:
    l1, l2, name = ind.level1, ind.level2, ind.level3
    if "wrong_category" not in codes:
        return l1, l2
    pv = parse_value(ind.value)
    if re.search(r"(满意度|满意率|满意程度|好评率)$", name):
        return "满意度指标", "服务对象满意度指标"
    if INPUT_RE.search(name):
        return "产出指标", "成本指标"
    if re.search(r"(时间|时限|期限|时效)$", name):
        return "产出指标", "时效指标"
    if pv.unit_class == "money":
        return "产出指标", "成本指标"
    if l1.startswith("满意度") or l1.startswith("效益") or "效益" in l2 or l2.startswith("可持续"):
        if l2.startswith("生态"):
            return l1, "社会效益指标"
        return "产出指标", "质量指标" if is_rate_name(name) else "数量指标"
    if l2.startswith("数量"):
        return l1, "质量指标"
    return l1, l2


def _description(ind: Indicator, project: Project, l2: str, codes: set[str]) -> str:
    name = ind.level3 or "该指标"
    if not codes & {"vague_description", "copy_paste", "unmeasurable_value"}:
        return ind.description
    scope = project.title or "本项目"
    if is_satisfaction(ind) or l2.startswith("服务对象满意"):
        return f"对{scope}的服务对象开展问卷调查，计算公式：满意及基本满意份数/有效问卷份数×100%，数据来源为调查问卷"
    if is_rate_name(name):
        core = re.sub(r"(率|比例|比重|占比)$", "", name)
        return f"{scope}中{core}的实际数/应{core}总数，计算公式：实际数/应完成数×100%，数据来源为项目台账"
    if l2.startswith("时效"):
        return f"{scope}各项任务全部完成并通过验收的时间，以项目进度记录和验收材料为准"
    if l2.startswith("成本"):
        return f"{scope}{name}的实际支出金额，数据来源为财务决算"
    if l2.startswith("数量"):
        return f"{scope}年度内{name}的实际完成数量，以工作台账和验收记录为准"
    if l2.startswith("质量"):
        return f"{scope}{name}，以验收记录或第三方评估结论为准"
    return f"{scope}{name}，以年度工作总结和第三方评估结论为依据，按好/较好/一般/较差/差五级评定"


def _value(ind: Indicator, project: Project, l1: str, l2: str, codes: set[str]) -> str:
    v = ind.value.strip()
    pv = parse_value(v)
    if not codes & {"unmeasurable_value", "unit_mismatch", "implausible_value"} and "wrong_category" not in codes:
        return v
    n = pv.number
    sat = is_satisfaction(ind) or l2.startswith("服务对象满意")
    if sat or is_rate_name(ind.level3):
        if n is not None and pv.unit_class in ("percent", "none") and not pv.is_date:
            pct = n * 100 if n <= 1 and "." in pv.number_text else n
            if pct > 100:
                return f"100%{PROPOSAL}"
            op = pv.operator or ("＝" if pct == 100 else "≥")
            return f"{op}{_fmt(pct)}%" if pct != 100 else "100%"
        return f"≥{90 if sat else 95}%{PROPOSAL}"
    if l2.startswith("时效"):
        if pv.is_date and "unit_mismatch" not in codes:
            return v
        m = re.search(r"(\d{1,2})\s*月底", v)
        if m:
            return f"{_year(project)}年{m.group(1)}月{_month_end(int(m.group(1)))}日前"
        return f"{_year(project)}年12月31日前{PROPOSAL}"
    if l2.startswith("成本"):
        if n is not None and (pv.unit_class == "money" or re.search(r"\d\s*万", v)):
            unit = "万元" if pv.unit.startswith("万") or re.search(r"\d\s*万", v) else pv.unit
            return f"≤{_fmt(n)}{unit}"
        if project.budget:
            return f"≤{_fmt(project.budget)}万元"
        return f"≤{_fmt(n) if n is not None else '0'}万元{PROPOSAL}"
    if l2.startswith("数量"):
        if n is not None and pv.unit_class == "count" and len(pv.unit) <= 2:
            return f"≥{_fmt(n)}{pv.unit}"
        if n is not None:
            return f"≥{_fmt(n)}{_count_unit(ind.level3 + ind.description + v)}"
        return f"≥1项{PROPOSAL}" if n is None else f"≥{_fmt(n)}项"
    if l2.startswith("质量"):
        if n is not None and pv.unit_class == "percent":
            return f"≥{_fmt(min(n, 100))}%"
        return f"通过验收{PROPOSAL}"
    if n is not None and pv.unit_class not in ("percent",):
        return v
    return f"较好及以上{PROPOSAL}"


def _count_unit(text: str) -> str:
    for word, unit in (("人次", "人次"), ("频次", "次"), ("次", "次"), ("人", "人"), ("场", "场"), ("期", "期"), ("篇", "篇"), ("家", "家")):
        if word in text:
            return unit
    return "项"


def _month_end(m: int) -> int:
    return {2: 28, 4: 30, 6: 30, 9: 30, 11: 30}.get(m, 31)


def template_rewrite(ind: Indicator, project: Project, findings: list[Finding]) -> Rewrite | None:
    codes = {f.code for f in findings}
    if not codes:
        return None
    l1, l2 = _category(ind, codes)
    name = ind.level3
    if l2.startswith("成本") and INPUT_RE.search(name):
        # R3: a fund-handling rate is not a target; what it stands for is a spending ceiling.
        name = "项目实际支出"
    if l1.startswith("满意度") and not re.search(r"满意|好评|认可", name):
        name = f"{name}满意度"
    if l1.startswith("效益") and "unit_mismatch" in codes and parse_value(ind.value).unit_class == "percent" and not is_rate_name(name):
        name = f"{name}达标率"
    draft = Indicator(ind.id, l1, l2, name, ind.description, ind.value, ind.row)
    value = _value(draft, project, l1, l2, codes)
    draft.value = value
    desc = _description(draft, project, l2, codes)
    changed = []
    if (l1, l2) != (ind.level1, ind.level2):
        changed.append(f"移至{l1}/{l2}")
    if desc != ind.description:
        changed.append("描述写明口径、计算方法和数据来源")
    if value != ind.value:
        changed.append(f"指标值改为“{value}”" + ("，其中建议值需审核人确认" if PROPOSAL in value else ""))
    rationale = "；".join(changed) + "。" if changed else "保留原表述。"
    return Rewrite(l1, l2, name, desc, value, rationale, source="template")


def recheck(rewrite: Rewrite, ind: Indicator, project: Project) -> Rewrite:
    """Run a rewrite back through the rule checks; whatever still fires is kept
    in `remaining` and the rewrite is marked needs_human."""
    probe = Indicator(ind.id, rewrite.level1, rewrite.level2, rewrite.level3, rewrite.description,
                      rewrite.value.replace(PROPOSAL, ""), ind.row)
    remaining = sorted({f.code for f in check_row(probe, project)})
    rewrite.remaining = remaining
    rewrite.status = "needs_human" if remaining else "ok"
    return rewrite


def numbers_kept(original: str, rewritten: str) -> bool:
    """Every number of the original value/description appears in the rewrite."""
    nums = set(re.findall(r"\d+(?:\.\d+)?", normalize(original)))
    have = set(re.findall(r"\d+(?:\.\d+)?", normalize(rewritten)))
    return nums <= have
