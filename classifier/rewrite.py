"""Offline rewrites, and the check every rewrite (library, composer or model)
goes through before a reviewer sees it.

A flagged row is rewritten from the indicator library first (the nearest good
indicator of the same kind and level, adapted to this row: classifier/library.py),
else by the typed composer (classifier/compose.py). Either way the result runs
through the meaning check (classifier/meaning.py): numbers kept, kind, unit and
direction fitting, no residue, the rules silent — or `needs_human` with the
reasons. Numbers the original gave are kept; numbers we add are marked （建议值）."""
from __future__ import annotations

from .compose import PROPOSAL, compose
from .levels import in_table_style
from .meaning import meaning_check, original_text, stated_numbers
from .models import Finding, Indicator, Project, Rewrite

__all__ = ["PROPOSAL", "template_rewrite", "suggest_rewrite", "recheck", "numbers_kept", "original_text", "rationale_for"]


def rationale_for(ind: Indicator, fields: dict, reference: dict | None = None) -> str:
    changed = []
    if (fields["level1"], fields["level2"]) != (ind.level1, ind.level2):
        changed.append(f"移至{fields['level1']}/{fields['level2']}")
    if fields["level3"] != ind.level3:
        changed.append(f"指标名称改为“{fields['level3']}”")
    if fields["description"] != ind.description:
        # A reviewer's answer in the description (themes.not_an_indicator, compose.reviewer_note) is not a formula.
        changed.append("描述写明审核意见" if fields.get("advice") else "描述写明口径、计算方法和数据来源")
    if fields["value"] != ind.value:
        changed.append(f"指标值改为“{fields['value']}”" + ("，其中建议值需审核人确认" if PROPOSAL in fields["value"] else ""))
    if fields.get("note"):
        changed.append(fields["note"])
    if reference and "改写参照" not in (fields.get("note") or ""):
        changed.append(f"参照指标库中“{reference.get('project', '')}”的“{reference.get('level3', '')}”")
    return "；".join(changed) + "。" if changed else "保留原表述。"


def template_rewrite(ind: Indicator, project: Project, findings: list[Finding]) -> Rewrite | None:
    """The typed composer's rewrite of a flagged row (unchecked; see suggest_rewrite)."""
    codes = {f.code for f in findings}
    if not codes:
        return None
    fields = compose(ind, project, codes)
    return Rewrite(fields["level1"], fields["level2"], fields["level3"], fields["description"], fields["value"],
                   rationale_for(ind, fields), source="template", kind=fields["kind"])


def suggest_rewrite(ind: Indicator, project: Project, findings: list[Finding], library=None) -> Rewrite | None:
    """Library first, then the composer; the chosen rewrite meaning-checked.

    `library`: a classifier.library.LibraryView (entries and vectors, already
    held out as the caller needs), or None for the composer alone."""
    codes = {f.code for f in findings}
    if not codes:
        return None
    if library is not None:
        from .library import adapt

        # No library slogan entry (round 3's slogan_entry): its nearest "measurable" entries were other
        # projects' indicators (安可设备耗材保障率 for 设备正常运转) — 9 of 12 judged wrong, none accepted.
        hit = library.nearest_for(ind, project, codes)
        if hit is not None:
            fields = adapt(hit, ind, project, codes, library.generic_terms())
            if fields is not None:
                fields["level1"], fields["level2"] = in_table_style(fields["level1"], fields["level2"], ind, project)
                rw = Rewrite(fields["level1"], fields["level2"], fields["level3"], fields["description"], fields["value"],
                             rationale_for(ind, fields, fields["reference"]), source="library", kind=fields["kind"],
                             reference=fields["reference"])
                rw = meaning_check(rw, ind, project, codes)
                if rw.status == "ok":
                    return rw
                # An adaptation that does not survive the meaning check is worse than a composed row: try that.
    rw = template_rewrite(ind, project, findings)
    return meaning_check(rw, ind, project, codes) if rw else None


def recheck(rewrite: Rewrite, ind: Indicator, project: Project, codes: set[str] | None = None) -> Rewrite:
    """The meaning check (classifier/meaning.py) on any rewrite: `remaining` =
    labels the rules still find, `reasons` = every failure in Chinese,
    `status` = needs_human when there is any reason."""
    return meaning_check(rewrite, ind, project, codes)


def numbers_kept(original: str, rewritten: str) -> bool:
    """Every number of the original value/description appears in the rewrite
    (240.00 = 240; a share written as a fraction, 0.95 or 1, = 95% or 100%)."""
    have = stated_numbers(rewritten)
    return all(n in have or (float(n) <= 1 and f"{float(n) * 100:g}" in have) for n in stated_numbers(original))
