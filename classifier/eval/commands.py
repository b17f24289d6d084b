"""`indicator-qa eval` and `indicator-qa agree` (registered on the main group
in classifier/cli.py). Thin: parse options, call the library, print."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..config import project_root
from .agreement import agreement
from .compare import compare
from .judged import JudgedError, is_judged_file, load_judged, render_judged, score_judged
from .harness import DEFAULT_OUT, DEFAULT_SET, EvalError, find_result, is_result_file, load_result, rescore, row_text, run_eval
from .render import error_lists, markdown_table, render_agreement, render_compare
from ..outputs import terminal_safe

EXIT_UNREADABLE = 2
BASELINE = project_root() / "eval" / "baseline.json"
DEFAULT_TOLERANCE = 0.02


def _default_set() -> Path:
    return DEFAULT_SET if DEFAULT_SET.exists() else project_root() / DEFAULT_SET


def _fail(msg: str) -> None:
    click.echo(terminal_safe(f"错误：{msg}"), err=True)
    sys.exit(EXIT_UNREADABLE)


def update_baseline(result: dict, path: Path = BASELINE) -> dict:
    """Record this run's scores as the committed baseline of its backend,
    keeping the tolerance and other backends' entries."""
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except json.JSONDecodeError:
        data = {}
    data.setdefault("tolerance", DEFAULT_TOLERANCE)
    data.setdefault("note", "Regression gate (tests/test_eval.py): macro-F1 must stay ≥ baseline − tolerance. "
                            "Update deliberately with `indicator-qa eval --write-baseline` when the backend improves.")
    ls = result["metrics"]["labels"]
    data[result["backend"]] = {
        "macro_f1": ls["macro_f1"], "micro_f1": ls["micro"]["f1"], "exact_match": ls["exact_match"],
        "f1": {k: v["f1"] for k, v in ls["labels"].items()},
        "prompt": (result.get("prompt") or {}).get("version"), "model": result.get("model"),
        "data": {"path": result["data"]["path"], "sha256": result["data"]["sha256"]},
        "commit": result["code"].get("commit"), "dirty": result["code"].get("dirty"), "created": result["created"],
        "row_sources": result.get("row_sources"),
    }
    if result["backend"] != "offline":  # what the cache-only gate needs to replay this run exactly
        cache = (result.get("settings") or {}).get("cache")
        if cache:
            try:
                cache = Path(cache).resolve().relative_to(project_root()).as_posix()
            except ValueError:
                pass  # outside the repository: the gate cannot use it (the CLI says so)
        data[result["backend"]].update({
            "cache": cache, "few_shot_k": result["run"].get("few_shot_k"),
            "few_shot_retrieval": result["run"].get("few_shot_retrieval"),
            "fallback_rows": result["run"].get("fallback_rows"),
        })
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return data


@click.command("eval")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--backend", type=click.Choice(["offline", "openai"]), default="offline", show_default=True)
@click.option("--prompt", default=None, help="Prompt version for the openai backend (a name in prompts/ or a .yaml path).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=str(DEFAULT_OUT), show_default=True,
              help="Directory for <date>-<prompt>-<backend>.json and .md.")
@click.option("--projects", "projects_path", type=click.Path(dir_okay=False), default=None,
              help="Project-level gold findings (default: <FILE stem>_projects.jsonl next to FILE).")
@click.option("--compare", "compare_refs", nargs=2, default=None, metavar="A B",
              help="Compare two result files (or two prompt versions already run) instead of running.")
@click.option("--show", default=5, show_default=True, help="FP/FN rows per label (or changed rows) to print.")
@click.option("--no-write", is_flag=True, help="Print only; write no result files.")
@click.option("--write-baseline", is_flag=True, help="Also record this run's macro-F1 in eval/baseline.json (deliberate update of the gate).")
@click.option("--cache", "cache", type=click.Path(dir_okay=False), default=None,
              help="Response cache file for the openai backend (default: the data dir's llm_cache.sqlite; "
                   "with --cache-only: eval/llm_cache/<prompt>.sqlite).")
@click.option("--cache-only", is_flag=True,
              help="openai backend from the cache alone: no network, no key; a request not in the cache is an error naming its table.")
@click.option("--holdout", type=click.Choice(["transfer", "province"]), default=None,
              help="Held-out scores of the offline backend: transfer = labeller trained on the seed only, scored on the "
                   "regional set; province = leave one province out over seed + regions.")
@click.option("--seed", "seed_files", multiple=True, type=click.Path(dir_okay=False),
              help="With --holdout: the seed labelled file(s) (default eval/labelled.jsonl).")
@click.option("--regions", "region_files", multiple=True, type=click.Path(dir_okay=False),
              help="With --holdout: regional labelled files (default eval/regions/*.jsonl).")
def eval_cmd(file, backend, prompt, out_dir, projects_path, compare_refs, show, no_write, write_baseline, cache, cache_only,
             holdout, seed_files, region_files):
    """Score the pipeline against a labelled file (LABELS.md JSONL format).

    FILE defaults to eval/labelled.jsonl. A saved result file (.json) as FILE
    is re-scored without running anything. A judged rewrite set (from
    `indicator-qa judge-set`, judgements filled in) as FILE prints the accept,
    wrong and numbers-kept rates, the share sent to needs_human and the
    failure patterns, per backend.

    \b
    Examples:
      indicator-qa eval
      indicator-qa eval --backend openai --prompt v2
      indicator-qa eval --backend openai --cache eval/llm_cache/v1.sqlite --write-baseline
      indicator-qa eval --backend openai --cache-only
      indicator-qa eval my_region_labelled.jsonl --out /tmp/results
      indicator-qa eval eval/results/2026-11-26-noprompt-offline.json
      indicator-qa eval --compare eval/results/2026-11-26-noprompt-offline.json eval/results/2026-11-26-noprompt-offline-3.json
      indicator-qa eval --compare v1 v2
      indicator-qa eval --holdout transfer
      indicator-qa eval --holdout province --write-baseline
      indicator-qa eval eval/judged/round1.jsonl
    """
    if holdout:
        _heldout(holdout, list(seed_files), list(region_files), backend, out_dir, show, no_write, write_baseline)
        return
    try:
        if compare_refs:
            results_dir = Path(out_dir)
            a, b = (load_result(find_result(ref, results_dir)) for ref in compare_refs)
            click.echo(render_compare(compare(rescore(a), rescore(b)), show=max(show, 0) or 20), nl=False)
            return
        path = Path(file) if file else _default_set()
        if is_judged_file(path):  # rewrites judged by reviewers: acceptance rates, not labels
            try:
                scores = score_judged(load_judged(path))
            except JudgedError as e:
                _fail(str(e))
            click.echo(render_judged(scores), nl=False)
            if not no_write:
                out = Path(out_dir) / f"{path.stem}-judged.json"
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(json.dumps({"kind": "indicator-qa/judged-scores", "file": str(path), "scores": scores},
                                          ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
                click.echo(f"已写入 {out}", err=True)
            return
        if is_result_file(path):
            result = rescore(load_result(path))
            click.echo(markdown_table(result) + "\n" + error_lists(result, show), nl=False)
            return
        run = run_eval(path, backend, prompt, projects_path=projects_path, out_dir=out_dir, write=not no_write,
                       cache=cache, cache_only=cache_only)
    except EvalError as e:
        _fail(str(e))
    result = run.result
    for pr in result["data"]["problems"]:
        click.echo(terminal_safe(f"注意：{pr}"), err=True)
    click.echo(markdown_table(result) + "\n" + error_lists(result, show), nl=False)
    if run.json_path:
        click.echo(terminal_safe(f"已写入 {run.json_path} 和 {run.md_path}"), err=True)
    if write_baseline:
        data = update_baseline(result)
        click.echo(f"已更新基线 {BASELINE}（{backend} macro-F1 {result['metrics']['labels']['macro_f1']}）", err=True)
        gate_cache = data[backend].get("cache") if backend != "offline" else None
        if backend != "offline" and (not gate_cache or Path(gate_cache).is_absolute()):
            click.echo("注意：缓存不在仓库里，测试门无法从缓存重放；请用 --cache eval/llm_cache/<prompt>.sqlite 重新运行并提交该文件。",
                       err=True)
        if backend != "offline" and (result["run"].get("fallback_rows") or result["run"].get("errors")):
            click.echo("注意：本次有失败的请求（失败的答案不入缓存），--cache-only 重放会报未命中；请重跑到没有失败再提交。", err=True)



def _heldout(scheme, seed_files, region_files, backend, out_dir, show, no_write, write_baseline) -> None:
    from .holdout import run_heldout

    if backend != "offline":
        _fail("--holdout 只用于离线后端（LLM 不训练，没有可留出的东西；它的分数见 --backend openai）")
    click.echo("留出评估：每一折重新训练学习模型并复审留出的表，需要几分钟……", err=True)
    try:
        run = run_heldout(scheme, seed_files or None, region_files or None, out_dir=out_dir, write=not no_write)
    except EvalError as e:
        _fail(str(e))
    result = run.result
    for pr in result["data"]["problems"]:
        click.echo(f"注意：{pr}", err=True)
    click.echo(markdown_table(result) + "\n" + error_lists(result, show), nl=False)
    if run.json_path:
        click.echo(f"已写入 {run.json_path} 和 {run.md_path}", err=True)
    if write_baseline:
        update_heldout_baseline(result)
        click.echo(f"已更新基线 {BASELINE}（offline_heldout_{scheme}）", err=True)


def update_heldout_baseline(result: dict, path: Path = BASELINE) -> dict:
    """Record a held-out run's macro-F1 (all rows and each subset) as the gate
    `offline_heldout_<scheme>`; the gate checks the regional subset."""
    from .holdout import headline_scores

    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except json.JSONDecodeError:
        data = {}
    data.setdefault("tolerance", DEFAULT_TOLERANCE)
    scheme = result["evaluation"]["scheme"]
    data[f"offline_heldout_{scheme}"] = {
        **headline_scores(result), "data": {"sha256": result["data"]["sha256"], "files": len(result["data"]["files"])},
        "commit": result["code"].get("commit"), "dirty": result["code"].get("dirty"), "created": result["created"],
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return data


@click.command("agree")
@click.argument("a", type=click.Path(dir_okay=False))
@click.argument("b", type=click.Path(dir_okay=False))
@click.option("--show", default=20, show_default=True, help="Disagreeing rows to print.")
@click.option("--json", "as_json", is_flag=True, help="Print the full agreement as JSON.")
def agree_cmd(a, b, show, as_json):
    """Per-label Cohen's kappa and percent agreement between two labellings
    (LABELS.md JSONL), over the row ids both files share.

    \b
    Examples:
      indicator-qa agree eval/labelled.jsonl ../shared/reference_labels.jsonl
      indicator-qa agree mine.jsonl theirs.jsonl --show 50
    """
    from ..ingest import read_path

    labels, texts = [], {}
    for path in (a, b):
        read = read_path(path)
        if not read.projects:
            _fail("；".join(str(p) for p in read.problems) or f"{path}: 没有可读取的行")
        for pr in read.problems:
            click.echo(terminal_safe(f"注意：{pr}"), err=True)
        got = {}
        for p in read.projects:
            for ind in p.indicators:
                if ind.gold_labels is not None:
                    got[ind.id] = ind.gold_labels
                    texts.setdefault(ind.id, row_text(ind))
        if not got:
            _fail(f"{path}: 没有任何带 labels 的行")
        labels.append(got)
    ag = agreement(labels[0], labels[1], text=texts)
    if as_json:
        click.echo(json.dumps(ag, ensure_ascii=False, indent=1))
    else:
        click.echo(render_agreement(ag, a, b, show=show), nl=False)
