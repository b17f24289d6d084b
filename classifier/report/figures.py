"""Figures every report shows, computed once from a Review (pure functions).

The headline numbers are Review.summary() itself, so an HTML or XLSX report
always equals the JSON summary of the same review; this module only adds
rankings, copy-paste clusters and the per-unit grouping of flagged rows."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..models import SEVERITIES, Finding, Indicator, Project
from ..pipeline import Review

SEVERITY_ZH = {"block": "阻断", "warn": "警告", "suggest": "建议"}


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
    """Rows that copy_paste findings tie together (via Finding.related)."""

    members: list[tuple[Project, Indicator]] = field(default_factory=list)

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
    """Connected components over copy_paste findings, their `related` rows and
    their cluster ids.

    `related` entries name rows as "T008/T008-02" (project/row) or just the row
    id; unknown names are ignored rather than guessed."""
    rows = {ind.id: (p, ind) for p, ind in rv.rows()}
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def resolve(entry: str) -> str | None:
        for cand in (entry, entry.rsplit("/", 1)[-1]):
            if cand in rows:
                return cand
        return None

    heads: dict[str, str] = {}  # cluster id → its first flagged row: `related` lists only some members
    for f in rv.findings:
        if f.code != "copy_paste" or not f.row_id or f.row_id not in rows:
            continue
        find(f.row_id)
        if f.cluster:
            parent[find(f.row_id)] = find(heads.setdefault(f.cluster, f.row_id))
        for entry in f.related:
            other = resolve(entry)
            if other:
                parent[find(other)] = find(f.row_id)
    groups: dict[str, list[str]] = defaultdict(list)
    order = {rid: k for k, rid in enumerate(rows)}
    for rid in parent:
        groups[find(rid)].append(rid)
    clusters = [Cluster([rows[r] for r in sorted(ids, key=order.__getitem__)]) for ids in groups.values() if len(ids) > 1]
    clusters.sort(key=lambda c: (-len(c.projects), -len(c.members), order[c.members[0][1].id]))
    return clusters


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
