"""Review = read projects → rule findings → (index, model, LLM) → merged labels
→ rewrites that check themselves. One Review object feeds CLI, app and reports."""
from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from .models import LABELS, PROJECT_CODES, Finding, Indicator, Problem, Project, Proposal, ReadResult, Rewrite
from .outputs import json_ready
from .rewrite import suggest_rewrite
from .rules import check_all, drop_vague_without_column, has_description_column
from .sanity import amount_problems

Progress = Callable[[int, int, str], None]  # (done, total, what)


@dataclass
class Review:
    projects: list[Project]
    findings: list[Finding] = field(default_factory=list)
    rewrites: dict[str, Rewrite] = field(default_factory=dict)  # row id → rewrite
    row_source: dict[str, str] = field(default_factory=dict)  # row id → rules | llm | model | rules_fallback
    problems: list[Problem] = field(default_factory=list)
    run: dict = field(default_factory=dict)  # backend, prompt version, calls, tokens, seconds, cost
    # Copy-paste clusters (clusters.Cluster) the review found; None = not computed
    # (clusters.shown_clusters then finds the exact repeats).
    clusters: list | None = None
    # project id → complete rows proposed for a missing dimension (classifier/recommend.py)
    proposals: dict[str, list[Proposal]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._index()

    def _index(self) -> None:
        self._by_row: dict[str, list[Finding]] = defaultdict(list)
        self._by_project: dict[str, list[Finding]] = defaultdict(list)
        for f in self.findings:
            if f.row_id:
                self._by_row[f.row_id].append(f)
            else:
                self._by_project[f.project_id].append(f)

    def set_findings(self, findings: list[Finding]) -> None:
        self.findings = findings
        self._index()

    def row_findings(self, row_id: str) -> list[Finding]:
        return self._by_row.get(row_id, [])

    def project_findings(self, project_id: str) -> list[Finding]:
        return self._by_project.get(project_id, [])

    def labels(self, row_id: str) -> list[str]:
        have = {f.code for f in self._by_row.get(row_id, [])}
        return [l for l in LABELS if l in have]

    def rows(self) -> Iterable[tuple[Project, Indicator]]:
        for p in self.projects:
            for ind in p.indicators:
                yield p, ind

    def row_dict(self, p: Project, ind: Indicator) -> dict:
        rw = self.rewrites.get(ind.id)
        d = {
            "id": ind.id, "file": p.source_file, "project_id": p.id, "project": p.title, "unit": p.unit,
            "budget": p.budget, "level1": ind.level1, "level2": ind.level2, "level3": ind.level3,
            "description": ind.description, "value": ind.value, "labels": self.labels(ind.id),
            "findings": [f.to_dict() for f in self.row_findings(ind.id)],
            "rewrite": rw.to_dict() if rw else None, "source": self.row_source.get(ind.id, "rules"),
        }
        if ind.value_parts:
            d["value_parts"] = ind.value_parts
        if ind.extra:
            d["extra"] = ind.extra
        return json_ready(d)  # an infinite budget or score is null, never the non-JSON `Infinity`

    def jsonl_record(self, p: Project, ind: Indicator) -> dict:
        """One line of `--format jsonl`: the row (row_dict) plus its table's
        project-level findings (missing_dimension, cost_over_budget, …) in
        `project_findings`, repeated on every row of that table, so a pipeline
        reading only jsonl sees everything `json` shows per project."""
        return dict(self.row_dict(p, ind), project_findings=[f.to_dict() for f in self.project_findings(p.id)])

    def summary(self) -> dict:
        rows = list(self.rows())
        flagged = [ind for _, ind in rows if self.labels(ind.id)]
        by_label = Counter(l for _, ind in rows for l in self.labels(ind.id))
        by_severity = Counter(f.severity for f in self.findings)
        by_unit: dict[str, dict] = {}
        for p, ind in rows:
            u = by_unit.setdefault(p.unit, {"tables": set(), "rows": 0, "flagged": 0})
            u["tables"].add(p.id)
            u["rows"] += 1
            u["flagged"] += bool(self.labels(ind.id))
        project_codes = Counter(f.code for f in self.findings if not f.row_id)
        return {
            "files": len({p.source_file for p in self.projects}),
            "tables": len(self.projects),
            "units": len({p.unit for p in self.projects}),
            "rows": len(rows),
            "flagged_rows": len(flagged),
            "flagged_share": round(len(flagged) / len(rows), 4) if rows else 0.0,
            "by_label": {l: by_label.get(l, 0) for l in LABELS},
            "by_severity": {s: by_severity.get(s, 0) for s in ("block", "warn", "suggest")},
            "project_findings": {c: project_codes.get(c, 0) for c in PROJECT_CODES},
            "by_unit": {u: {"tables": len(v["tables"]), "rows": v["rows"], "flagged": v["flagged"]} for u, v in sorted(by_unit.items())},
            "rewrites": len(self.rewrites),
            "rewrites_needing_human": sum(1 for r in self.rewrites.values() if r.status != "ok"),
            "problems": len(self.problems),
        }

    def fails(self, fail_on: str | None) -> bool:
        """`--fail-on`: a finding of that severity or worse, or a problem saying part
        of the review was not done (an incomplete review must not pass as clean)."""
        if not fail_on:
            return False
        levels = {"block": ("block",), "warn": ("block", "warn")}[fail_on]
        return any(f.severity in levels for f in self.findings) or any(pr.severity in levels for pr in self.problems)

    def project_json(self, p: Project) -> dict:
        d = json_ready({
            "id": p.id, "title": p.title, "unit": p.unit, "unit_code": p.unit_code, "unit_name": p.unit_name,
            "budget": p.budget, "fiscal_funds": p.fiscal_funds, "goal": p.goal, "file": p.source_file,
            "file_hash": p.source_hash, "table_index": p.table_index,
            "findings": [f.to_dict() for f in self.project_findings(p.id)],
            "proposals": [x.to_dict() for x in self.proposals.get(p.id, [])],
        })
        d["indicators"] = [self.row_dict(p, ind) for ind in p.indicators]  # row_dict is json_ready already
        return d

    def _tail_json(self) -> dict:
        return json_ready({"summary": self.summary(), "problems": [vars(pr) | {"text": str(pr)} for pr in self.problems],
                           "run": self.run})

    def to_json(self) -> dict:
        return {"projects": [self.project_json(p) for p in self.projects], **self._tail_json()}

    def json_chunks(self, indent: int | None = None) -> Iterator[str]:
        """The text of json.dumps(self.to_json(), ensure_ascii=False, indent=indent),
        one table at a time: a province's batch (74,300 rows) never holds the
        whole document, as dicts and as one string, on top of the review.
        indent=None (the CLI's): compact, one table per line — json's C encoder,
        about 10× faster than the pure-Python one any indent needs."""
        if indent is None:
            yield '{"projects": ['
            for k, p in enumerate(self.projects):
                yield ("," if k else "") + "\n" + json.dumps(self.project_json(p), ensure_ascii=False)
            yield "\n]" if self.projects else "]"
            for key, value in self._tail_json().items():
                yield ",\n" + json.dumps(key) + ": " + json.dumps(value, ensure_ascii=False)
            yield "}"
            return
        pad = " " * indent

        def dump(obj, depth: int) -> str:  # JSON strings hold no raw newline: re-indenting is safe
            return json.dumps(obj, ensure_ascii=False, indent=indent).replace("\n", "\n" + pad * depth)

        yield "{\n" + pad + '"projects": ['
        for k, p in enumerate(self.projects):
            yield ("," if k else "") + "\n" + pad * 2 + dump(self.project_json(p), 2)
        yield ("\n" + pad + "]" if self.projects else "]")
        for key, value in self._tail_json().items():
            yield ",\n" + pad + json.dumps(key) + ": " + dump(value, 1)
        yield "\n}"


class _Stages:
    """Seconds since the previous stage ended, recorded under each stage's name."""

    def __init__(self, into: dict):
        self.into = into
        self.last = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.into[name] = round(now - self.last, 3)
        self.last = now


def add_rewrites(review: Review, only_missing: bool = True, library=None) -> None:
    """A rewrite for every flagged row without one: from the indicator library
    (`library`, a classifier.library.LibraryView) when an entry is close, else
    from the typed composer; each meaning-checked (classifier/rewrite.py)."""
    todo = [(p, ind, review.row_findings(ind.id)) for p, ind in review.rows()
            if review.row_findings(ind.id) and not (only_missing and ind.id in review.rewrites)]
    if library is not None and todo:
        library.prepare_rows((ind, p, {f.code for f in fs}) for p, ind, fs in todo)
    for p, ind, fs in todo:
        rw = suggest_rewrite(ind, p, fs, library)
        if rw:
            review.rewrites[ind.id] = rw


def open_library(rv: Review):
    """The indicator library for this review (its good rows join it), or None
    with a Problem saying why the composer alone writes the rewrites."""
    from .library import open_view

    messages: list[str] = []
    try:
        view = open_view(rv, messages=messages)
    except Exception as e:  # a server that is down, a directory we may not write: rewrites still come
        rv.problems.append(Problem("library", f"指标库无法打开（{type(e).__name__}: {e}），改写改由类型模板生成"))
        return None
    rv.problems.extend(Problem("library", m) for m in messages)
    return view


def review(read: ReadResult, backend: str = "offline", *, progress: Progress | None = None, use_index: bool = True,
           use_model: bool = True, library=True, model_path: str | None = None, **options) -> Review:
    """Review every readable row. `backend`: offline (rules + index + learned
    model + library/composer rewrites, no network) or openai (an OpenAI-compatible
    endpoint). `library`: True opens the indicator library (classifier/library.py),
    False writes rewrites by the composer alone, or a LibraryView to use as given
    (the eval harness passes one with its hold-out). `model_path`: the learned
    labeller to use (default: the user's, else the shipped one) — held-out
    evaluation passes each fold's model."""
    started = time.perf_counter()
    rv = Review(projects=read.projects, problems=list(read.problems))
    # Each stage adds what it did (model, model_scores, LLM calls and tokens), and
    # its seconds to run["stages"] (bench/run.py prints them).
    rv.run = {"backend": backend, "seconds": 0.0, "calls": 0, "cache_hits": 0, "prompt_tokens": 0,
              "completion_tokens": 0, "cost": 0.0, "stages": {}}
    clock = _Stages(rv.run["stages"])
    rv.problems.extend(amount_problems(read.projects))  # bad amounts: said once per table, treated as unknown
    stored = None
    if backend == "offline" and use_index and read.projects:
        from .index import prefetch_running, stored_vectors

        try:  # a cold run: the embedder loads (and chromadb imports) in the background while the rules run
            stored = stored_vectors(read.projects)
        except Exception:  # review_copy_paste opens the index itself and reports what fails
            stored = None
        clock("stored_vectors")
    findings = check_all(read.projects)
    clock("rules")
    early = None
    if backend == "offline" and use_model and read.projects:
        from .learn import predict_early

        # the labeller reads rule findings only: on a cold run it runs while the batch is embedded
        early = predict_early(read.projects, findings, model_path)
    if backend == "offline" and library is True and stored is not None and prefetch_running():
        from .library import embed_queries

        # meanwhile, on this thread, the library queries of the rows the rules flagged (see embed_queries)
        by_row: dict[str, set[str]] = {}
        for f in findings:
            if f.row_id:
                by_row.setdefault(f.row_id, set()).add(f.code)
        try:
            embed_queries((ind, p, by_row[ind.id]) for p in read.projects for ind in p.indicators if ind.id in by_row)
        except Exception:  # noqa: BLE001 — a cache only: the lookups embed what they need
            pass
    if backend == "offline" and use_index and read.projects:  # near-duplicate copy_paste from the embeddings index
        from .clusters import review_copy_paste

        rv.clusters = []
        extra, index_problems = review_copy_paste(read.projects, findings, stored=stored, clusters_out=rv.clusters)
        findings = findings + extra
        rv.problems.extend(index_problems)
        clock("copy_paste")
    rv.set_findings(findings)
    rv.row_source = {ind.id: "rules" for _, ind in rv.rows()}
    if progress:
        progress(len(rv.row_source), len(rv.row_source), "rules")
    if backend == "offline" and use_model and read.projects:  # learned labeller merged with rules (classifier/learn.py)
        from .learn import apply_model

        rv.problems.extend(apply_model(rv, model_path, early))
        clock("model")
    if backend == "openai":  # options: prompt, settings, few_shot (see classifier.llm.run_llm)
        from .llm import run_llm

        out = run_llm(read.projects, findings, progress=progress, **options)
        rv.set_findings(out.findings)
        rv.rewrites, rv.row_source = dict(out.rewrites), out.row_source
        rv.run.update({k: v for k, v in out.run.items() if k != "seconds"})
        where = read.projects[0].source_file if read.projects else ""
        for key in ("cache_notice", "endpoint_down"):
            if out.run.get(key):
                rv.problems.append(Problem(where, out.run[key]))
        clock("llm")
    if any(not has_description_column(p) for p in rv.projects):
        rv.set_findings(drop_vague_without_column(rv.projects, rv.findings))
    view = open_library(rv) if library is True else (library or None)
    add_rewrites(rv, library=view)
    if read.projects:
        from .recommend import add_proposals

        add_proposals(rv, view)
    clock("rewrites")
    rv.run["seconds"] = round(time.perf_counter() - started, 3)
    return rv
