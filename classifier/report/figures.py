"""Figures every report shows, computed once from a Review (pure functions).

The headline numbers are Review.summary() itself, so an HTML or XLSX report
always equals the JSON summary of the same review; this module only adds
rankings, copy-paste clusters and the per-unit grouping of flagged rows."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..names import SEVERITY as SEVERITY_ZH  # the one display-name table, re-exported for html/xlsx
from ..models import SEVERITIES, Finding, Indicator, Project
from ..pipeline import Review


def worst_severity(findings: list[Finding]) -> str:
    """block < warn < suggest in SEVERITIES order; '' when there is none."""
    have = {f.severity for f in findings}
    return next((s for s in SEVERITIES if s in have), "")


def _severity_counts(findings: list[Finding]) -> dict[str, int]:
    c = Counter(f.severity for f in findings)
    return {s: c.get(s, 0) for s in SEVERITIES}


def _share(flagged: int, rows: int) -> float:
    return round(flagged / rows, 4) if rows else 0.0


def _quality_order(d: dict) -> tuple:
    # Worst first: the people who must fix tables start at the top.
    return (-d["share"], -d["block"], -d["flagged"], d["name"])


def unit_ranking(rv: Review) -> list[dict]:
    by_unit = rv.summary()["by_unit"]
    sev: dict[str, list[Finding]] = defaultdict(list)
    unit_of = {p.id: p.unit for p in rv.projects}
    for f in rv.findings:
        sev[unit_of.get(f.project_id, "")].append(f)
    out = []
    for unit, u in by_unit.items():
        out.append({"name": unit, "tables": u["tables"], "rows": u["rows"], "flagged": u["flagged"],
                    "share": _share(u["flagged"], u["rows"]), **_severity_counts(sev.get(unit, []))})
    out.sort(key=_quality_order)
    return out


def project_ranking(rv: Review) -> list[dict]:
    out = []
    for p in rv.projects:
        flagged = sum(1 for ind in p.indicators if rv.labels(ind.id))
        fs = list(rv.project_findings(p.id)) + [f for ind in p.indicators for f in rv.row_findings(ind.id)]
        out.append({"name": p.title, "id": p.id, "unit": p.unit, "budget": p.budget, "rows": len(p.indicators),
                    "flagged": flagged, "share": _share(flagged, len(p.indicators)), **_severity_counts(fs),
                    "project_findings": [f.code for f in rv.project_findings(p.id)]})
    out.sort(key=_quality_order)
    return out


@dataclass
class Cluster:
    """One copy-paste cluster as the reports show it: its rows, and which of
    them the review labels copy_paste (marked ✱)."""

    members: list[tuple[Project, Indicator]] = field(default_factory=list)
    flagged: set[str] = field(default_factory=set)  # row ids labelled copy_paste

    @property
    def projects(self) -> list[Project]:
        seen: dict[int, Project] = {}
        for p, _ in self.members:
            seen.setdefault(id(p), p)
        return list(seen.values())

    @property
    def units(self) -> list[str]:
        return sorted({p.unit for p in self.projects})

    @property
    def text(self) -> str:
        """The most common row text of the cluster (they are near-identical)."""
        c = Counter(ind.text() for _, ind in self.members)
        return c.most_common(1)[0][0] if c else ""


def copy_paste_clusters(rv: Review) -> list[Cluster]:
    """The review's copy-paste clusters (clusters.shown_clusters: the same list
    the `clusters` command and the app show), largest first."""
    from ..clusters import flagged_members, shown_clusters

    out = []
    for c in shown_clusters(rv):
        marks = flagged_members(rv, c)
        out.append(Cluster([(m.project, m.indicator) for m in c.rows],
                           {m.indicator.id for m, f in zip(c.rows, marks) if f}))
    return out


def flagged_by_unit(rv: Review) -> dict[str, list[tuple[Project, list[Indicator]]]]:
    """unit → [(project, flagged rows)] for projects with any row or project finding, in input order."""
    out: dict[str, list[tuple[Project, list[Indicator]]]] = {}
    for p in sorted(rv.projects, key=lambda p: p.unit):  # stable: input order within a unit
        flagged = [ind for ind in p.indicators if rv.labels(ind.id)]
        if flagged or rv.project_findings(p.id):
            out.setdefault(p.unit, []).append((p, flagged))
    return out


def rewrite_text(rv: Review, ind: Indicator) -> str:
    rw = rv.rewrites.get(ind.id)
    if not rw:
        return ""
    return f"{rw.level3}｜{rw.description}｜{rw.value}"
