"""Reviews sharded over processes or machines, merged into one Review: the
JSON of `indicator-qa review --format json` from each shard (by unit or file)
→ one Review that `indicator-qa report` renders as if it were one run.

Ids are per file (T001-04) or per batch (F2.T001-04), so two shards may both
hold a T001: with several shards every project and row id (and every
reference to one in findings) gets the shard's prefix S<k>. (S1.T001-04).
Nothing is re-judged: labels, findings and rewrites are the shards' own.
Copy-paste clusters were computed within each shard's files (README
"Scale-out")."""
from __future__ import annotations

import json
from pathlib import Path

from .models import Finding, Indicator, Problem, Project, Rewrite
from .pipeline import Review

_PROJECT_FIELDS = ("title", "unit", "unit_code", "unit_name", "budget", "fiscal_funds", "goal", "table_index")
_SUMMED = ("calls", "cache_hits", "prompt_tokens", "completion_tokens", "cost", "seconds")


class ShardError(ValueError):
    """A review JSON that cannot be merged; the message names the file and why."""


def is_review_json(path: str | Path) -> bool:
    """A `review --format json` output rather than a table (tables are never .json)."""
    return Path(path).suffix.lower() == ".json"


def _load(path: Path) -> dict:
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise ShardError(f"{path}: 无法打开审核结果：{exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ShardError(f"{path}: 不是有效的 JSON（{exc}）；请使用 `indicator-qa review --format json` 的输出") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("projects"), list):
        raise ShardError(f"{path}: 不是 `indicator-qa review --format json` 的输出（缺少 projects 列表）")
    return doc


def _rename(ref: str, prefix: str) -> str:
    """'T008/T008-02' → 'S2.T008/S2.T008-02'; 'T008-02' → 'S2.T008-02'."""
    return "/".join(prefix + part for part in ref.split("/"))


def _finding(d: dict, prefix: str, where: str) -> Finding:
    try:
        f = Finding.from_dict(d)
    except TypeError as exc:
        raise ShardError(f"{where}: 问题记录缺少字段（{exc}）") from None
    f.project_id = prefix + f.project_id
    f.row_id = prefix + f.row_id if f.row_id else f.row_id
    f.related = [_rename(r, prefix) for r in f.related]
    if f.cluster:
        f.cluster = prefix + f.cluster
    return f


def merge_reviews(paths: list[str | Path]) -> Review:
    """One Review from several review JSONs, in the order given."""
    paths = [Path(p) for p in paths]
    projects: list[Project] = []
    findings: list[Finding] = []
    rewrites: dict[str, Rewrite] = {}
    row_source: dict[str, str] = {}
    problems: list[Problem] = []
    runs: list[dict] = []
    for k, path in enumerate(paths, start=1):
        doc = _load(path)
        prefix = f"S{k}." if len(paths) > 1 else ""
        for n, pd in enumerate(doc["projects"], start=1):
            where = f"{path}, 表{n}"
            if not isinstance(pd, dict) or not isinstance(pd.get("indicators"), list) or "id" not in pd:
                raise ShardError(f"{where}: 项目记录缺少 id 或 indicators")
            p = Project(id=prefix + str(pd["id"]), source_file=str(pd.get("file") or ""),
                        source_hash=str(pd.get("file_hash") or ""),
                        **{f: pd[f] for f in _PROJECT_FIELDS if pd.get(f) is not None})
            findings += [_finding(fd, prefix, where) for fd in pd.get("findings") or []]
            for r in pd["indicators"]:
                try:
                    ind = Indicator(id=prefix + str(r["id"]), level1=r["level1"], level2=r["level2"], level3=r["level3"],
                                    description=r["description"], value=r["value"],
                                    value_parts=r.get("value_parts") or {}, extra=r.get("extra") or {})
                except (KeyError, TypeError) as exc:
                    raise ShardError(f"{where}: 指标行缺少字段 {exc}") from None
                p.indicators.append(ind)
                findings += [_finding(fd, prefix, where) for fd in r.get("findings") or []]
                if r.get("rewrite"):
                    rewrites[ind.id] = Rewrite.from_dict(r["rewrite"])
                row_source[ind.id] = str(r.get("source") or "rules")
            projects.append(p)
        for pr in doc.get("problems") or []:
            if isinstance(pr, dict):
                problems.append(Problem(**{f: pr[f] for f in Problem.__dataclass_fields__ if f in pr}))
        runs.append(doc.get("run") or {})
    rv = Review(projects=projects, findings=findings, rewrites=rewrites, row_source=row_source, problems=problems)
    rv.run = {"backend": "+".join(dict.fromkeys(str(r.get("backend", "?")) for r in runs)), "shards": len(paths),
              **{key: round(sum(float(r.get(key) or 0) for r in runs), 4) for key in _SUMMED}}
    return rv
