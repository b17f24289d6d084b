"""Are a result's scores in-sample? One answer, kept in the result's `evaluation`
block: written by `indicator-qa eval` (as shipped, or a held-out scheme) and, for a
result saved before the block existed, added when it is re-scored. The CLI, the
markdown table and the 评估 page all read it through `in_sample`."""
from __future__ import annotations

from pathlib import Path

from ..config import project_root

SEED_SET = Path("eval") / "labelled.jsonl"  # the default labelled set (harness.DEFAULT_SET); the rules were written from it


def in_sample(result: dict) -> bool:
    return bool((result.get("evaluation") or {}).get("in_sample"))


def in_sample_note(result: dict) -> str | None:
    """Why the scores are in-sample (Chinese, for the page), or None when they are not."""
    if not in_sample(result):
        return None
    return result["evaluation"].get("note") or "所用模型训练时见过这些行"


def with_evaluation(result: dict) -> dict:
    """The result with its `evaluation` block (a copy when one had to be added)."""
    if not isinstance(result.get("data"), dict):  # not a labelled-set result (e.g. judged-rewrite scores)
        return dict(result)
    if isinstance(result.get("evaluation"), dict) and "in_sample" in result["evaluation"]:
        return dict(result)
    path = Path(str((result.get("data") or {}).get("path") or ""))
    if not path.is_absolute() and not path.exists():  # written from the repo root, read from elsewhere
        path = project_root() / path
    out = dict(result)
    out["evaluation"] = as_shipped_evaluation(path, result.get("run") or {})
    out.pop("in_sample", None)  # an older copy of the flag: the block is the one place it lives
    return out


def as_shipped_evaluation(path: Path, run: dict) -> dict:
    """Is this score in-sample? It is when the learned labeller that ran was trained
    on this file (its model records its training files), and for the seed always:
    the rules were written from it."""
    sources: list[str] = []
    replaced = False
    model = run.get("model")
    model_path = model.get("path") if isinstance(model, dict) else None  # the LLM backend's "model" is its name
    if model_path:
        try:
            from ..learn import load_model

            found = load_model(model_path)
        except Exception:  # an unreadable model ran nowhere: nothing was learned from this file
            found = {}
        # An older result re-scored later: the file at that path may be a newer model than the one that ran.
        replaced = bool(found) and bool(model.get("data_hash")) and found.get("data_hash") != model.get("data_hash")
        sources = [] if replaced else list(found.get("sources") or [])
    seed = path.resolve() == (project_root() / SEED_SET).resolve()
    why = []
    if path.name in sources:
        why.append(f"学习模型用 {path.name} 训练过")
    elif replaced:
        why.append("运行时的学习模型已被替换，无法确认它的训练文件")
    if seed:
        why.append("规则是照种子表写的")
    return {"scheme": "as_shipped", "in_sample": path.name in sources or seed, "note": "；".join(why) or "模型与规则都没有用这个文件调过"}
