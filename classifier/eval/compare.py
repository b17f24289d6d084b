"""Compare two eval results (A = before, B = after): per-label deltas, the rows
whose labels changed (fixed vs broken), cost deltas. Pure: dicts in, dict out."""
from __future__ import annotations

from ..models import LABELS
from .metrics import COST_KEYS


def _delta(a, b):
    if a is None or b is None:
        return None
    return round(b - a, 4)


def _pair(a, b) -> dict:
    return {"a": a, "b": b, "delta": _delta(a, b)}


def row_changes(rows_a: list[dict], rows_b: list[dict], labels=LABELS) -> dict:
    """Rows (common ids, gold taken from B) whose predicted labels differ.
    A label is *fixed* when B gets it right and A did not, *broken* when the
    reverse; a row is fixed/broken/mixed by what happened to its labels."""
    by_a = {r["id"]: r for r in rows_a}
    out = {"fixed": [], "broken": [], "mixed": [], "changed_neutral": []}
    for rb in rows_b:
        ra = by_a.get(rb["id"])
        if ra is None or rb.get("gold") is None:
            continue
        pa, pb, gold = set(ra["pred"]), set(rb["pred"]), set(rb["gold"])
        if pa == pb:
            continue
        fixed = [l for l in labels if (l in pa) != (l in gold) and (l in pb) == (l in gold)]
        broken = [l for l in labels if (l in pa) == (l in gold) and (l in pb) != (l in gold)]
        item = {"id": rb["id"], "text": rb.get("text", ""), "gold": rb["gold"], "a": ra["pred"], "b": rb["pred"],
                "fixed": fixed, "broken": broken}
        kind = "mixed" if fixed and broken else "fixed" if fixed else "broken" if broken else "changed_neutral"
        out[kind].append(item)
    return out


def compare(a: dict, b: dict) -> dict:
    ma, mb = a["metrics"], b["metrics"]
    la, lb = ma["labels"], mb["labels"]
    labels = {}
    for label in LABELS:
        x, y = la["labels"].get(label, {}), lb["labels"].get(label, {})
        labels[label] = {k: _pair(x.get(k), y.get(k)) for k in ("support", "precision", "recall", "f1", "fp", "fn")}
    warnings = []
    gold_a = {r["id"]: sorted(r["gold"]) for r in a["rows"] if r.get("gold") is not None}
    gold_b = {r["id"]: sorted(r["gold"]) for r in b["rows"] if r.get("gold") is not None}
    if gold_a != gold_b:
        diff = sum(1 for k in set(gold_a) | set(gold_b) if gold_a.get(k) != gold_b.get(k))
        warnings.append(f"两次结果的标注集不同（{diff} 行的 gold 标签或 id 不一致），差值里混有标注变化")
    if a.get("data", {}).get("sha256") != b.get("data", {}).get("sha256"):
        warnings.append("两次结果读取的标注文件内容不同（sha256 不一致）")
    pa, pb = ma.get("projects") or {}, mb.get("projects") or {}
    return {
        "a": describe(a), "b": describe(b), "warnings": warnings,
        "labels": labels,
        "macro_f1": _pair(la.get("macro_f1"), lb.get("macro_f1")),
        "micro_f1": _pair(la["micro"]["f1"], lb["micro"]["f1"]),
        "exact_match": _pair(la.get("exact_match"), lb.get("exact_match")),
        "projects": {k: _pair((pa.get("micro") or {}).get(k), (pb.get("micro") or {}).get(k)) for k in ("precision", "recall", "f1")},
        "rewrites": {k: _pair(ma["rewrites"].get(k), mb["rewrites"].get(k)) for k in ("coverage", "checker_ok", "numbers_kept", "proposal")},
        "cost": {k: _pair(ma["cost"].get(k, 0), mb["cost"].get(k, 0)) for k in COST_KEYS},
        "rows": row_changes(a["rows"], b["rows"]),
    }


def describe(result: dict) -> str:
    p = result.get("prompt") or {}
    return f"{result.get('created', '')[:19]} {result.get('backend')} {p.get('version') or p.get('name') or '-'} {result.get('model') or ''}".strip()
