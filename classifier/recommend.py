"""Indicator recommendation for tables that lack a dimension (missing_dimension):
complete rows for the missing 满意度 / 效益 / 产出 dimension, taken from the
library's nearest projects and marked as proposals (every number （建议值）).

"Nearest project": the library's projects ranked by how close their indicator
names are to this table's (mean of each of this table's names' best cosine
among the project's entries) — two tables that measure the same things are
similar projects, whatever their titles say."""
from __future__ import annotations

import re
from collections import defaultdict

import numpy as np

from .compose import PROPOSAL, scope_of, clean_name, description_for
from .models import Indicator, Project, Proposal

PER_DIMENSION = 2  # rows proposed per missing dimension
DIMENSIONS = (  # (name in the finding, test on an entry's level1/level2)
    ("满意度指标", lambda l1, l2: l1.startswith("满意度") or "满意度" in l2),
    ("效益指标", lambda l1, l2: l1.startswith("效益") or "效益" in l2 or l2.startswith("可持续")),
    ("产出指标", lambda l1, l2: l1.startswith("产出") and l2[:2] in ("数量", "质量", "时效", "成本")),
)


def missing_dimensions(project: Project) -> list[str]:
    """The dimensions a table lacks, as rules.check_dimensions names them."""
    inds = project.indicators
    if not inds:
        return []
    return [name for name, test in DIMENSIONS if not any(test(i.level1, i.level2) for i in inds)]


def _as_proposal_value(value: str) -> str:
    """Another project's number is never this project's fact: a proposal."""
    v = value.replace(PROPOSAL, "")
    return v + PROPOSAL if re.search(r"\d", v) else v


def _adapt_description(desc: str, entry_project: str, project: Project) -> str:
    if entry_project and entry_project in desc:
        desc = desc.replace(entry_project, scope_of(project))
    return desc


def _fallback(dimension: str, project: Project) -> list[Proposal]:
    """Without a library only the satisfaction row can be written without inventing content."""
    if dimension != "满意度指标":
        return []
    ind = Indicator("", "满意度指标", "服务对象满意度指标", "服务对象满意度", "", "")
    return [Proposal(project.id, dimension, "满意度指标", "服务对象满意度指标", "服务对象满意度",
                     description_for("satisfaction", "服务对象满意度", ind, project), f"≥90%{PROPOSAL}", {})]


def recommend(project: Project, view) -> list[Proposal]:
    """Proposed rows for every dimension the table lacks."""
    missing = missing_dimensions(project)
    if not missing:
        return []
    if view is None or not len(view):
        return [x for d in missing for x in _fallback(d, project)]
    names = [clean_name(i.level3, project) for i in project.indicators if i.level3.strip()]
    view.prepare(names)
    from .library import library_text

    q = [view._queries.get(library_text(n)) for n in names]
    q = np.stack([v for v in q if v is not None]) if any(v is not None for v in q) else None
    own = (project.title, project.unit)
    groups: dict[str, list[int]] = defaultdict(list)
    for j, e in enumerate(view.entries):
        if (e.project, e.agency) != own and e.project:
            groups[e.project].append(j)
    if q is None or not groups:
        return [x for d in missing for x in _fallback(d, project)]
    best = (q @ view.matrix.T)  # rows of this table × entries
    ranked = sorted(groups, key=lambda g: (-float(np.mean(best[:, groups[g]].max(axis=1))), g))
    score = {g: round(float(np.mean(best[:, groups[g]].max(axis=1))), 4) for g in ranked[:50]}
    from .library import foreign_terms

    generic = view.generic_terms()
    probe = Indicator("", "", "", "", "", "")
    out: list[Proposal] = []
    for dimension in missing:
        test = dict(DIMENSIONS)[dimension]
        taken: set[str] = set()
        for g in ranked[:50]:
            for j in groups[g]:
                e = view.entries[j]
                if not test(e.level1, e.level2) or e.level3 in taken:
                    continue
                desc = _adapt_description(e.description, e.project, project)
                if not desc.strip():
                    continue  # a row of a template without descriptions: nothing to say how it is measured
                if foreign_terms(e.level3 + " " + desc, probe, project, generic):
                    continue  # another project's services or sites: not a row this table could adopt
                taken.add(e.level3)
                ref = {"project": e.project, "unit": e.agency, "level3": e.level3, "description": e.description,
                       "value": e.value, "origin": e.origin, "score": score[g], "entry_id": e.id, "province": e.province}
                out.append(Proposal(project.id, dimension, e.level1, e.level2, e.level3, desc, _as_proposal_value(e.value), ref))
                if len(taken) >= PER_DIMENSION:
                    break
            if len(taken) >= PER_DIMENSION:
                break
        if not taken:
            out.extend(_fallback(dimension, project))
    return out


def add_proposals(review, view) -> None:
    """Proposals for every table with a missing_dimension finding."""
    for p in review.projects:
        if any(f.code == "missing_dimension" for f in review.project_findings(p.id)):
            try:
                review.proposals[p.id] = recommend(p, view)
            except Exception as e:  # a proposal is a convenience: never lose the review over it
                from .models import Problem

                review.problems.append(Problem(p.source_file, f"无法为{p.id}推荐指标（{type(e).__name__}: {e}）", table=p.table_index + 1))
