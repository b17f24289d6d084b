"""Scores as pure functions over plain mappings: id → set of labels.

Conventions (stated once, used everywhere):
- precision is None when nothing was predicted for a label, recall is None
  when the label has no support; F1 is None only when both are empty (there is
  nothing to score), and 0.0 when a label with no support was predicted
  (every prediction is a false positive).
- macro-F1 is the mean of the per-label F1 values that are not None, so a
  label absent from both gold and predictions neither helps nor hurts.
- rows missing from `pred` count as predicted "no label".
"""
from __future__ import annotations

from typing import Iterable, Mapping

from ..models import LABELS

Labels = Mapping[str, Iterable[str]]


def _ratio(num: float, den: float) -> float | None:
    return round(num / den, 4) if den else None


def counts(gold: Labels, pred: Labels, label: str) -> dict:
    """True/false positives and negatives for one label over the gold ids."""
    tp = fp = fn = 0
    for rid, g in gold.items():
        in_gold = label in set(g)
        in_pred = label in set(pred.get(rid, ()))
        tp += in_gold and in_pred
        fp += in_pred and not in_gold
        fn += in_gold and not in_pred
    return {"support": tp + fn, "predicted": tp + fp, "tp": tp, "fp": fp, "fn": fn}


def prf(tp: int, fp: int, fn: int) -> dict:
    precision = _ratio(tp, tp + fp)
    recall = _ratio(tp, tp + fn)
    f1 = _ratio(2 * tp, 2 * tp + fp + fn)  # 0.0 when tp == 0 but something was predicted or missed
    return {"precision": precision, "recall": recall, "f1": f1}


def label_scores(gold: Labels, pred: Labels, labels: Iterable[str] = LABELS) -> dict:
    """Per-label support/precision/recall/F1, micro and macro F1, exact-match rate."""
    labels = list(labels)
    per = {}
    for label in labels:
        c = counts(gold, pred, label)
        per[label] = c | prf(c["tp"], c["fp"], c["fn"])
    tp, fp, fn = (sum(per[l][k] for l in labels) for k in ("tp", "fp", "fn"))
    f1s = [per[l]["f1"] for l in labels if per[l]["f1"] is not None]
    precisions = [per[l]["precision"] for l in labels if per[l]["precision"] is not None]
    recalls = [per[l]["recall"] for l in labels if per[l]["recall"] is not None]
    known = set(labels)
    exact = sum(1 for rid, g in gold.items() if set(g) & known == set(pred.get(rid, ())) & known)
    return {
        "rows": len(gold),
        "labels": per,
        "micro": prf(tp, fp, fn),
        "macro_f1": round(sum(f1s) / len(f1s), 4) if f1s else None,
        "macro_precision": round(sum(precisions) / len(precisions), 4) if precisions else None,
        "macro_recall": round(sum(recalls) / len(recalls), 4) if recalls else None,
        "exact_match": _ratio(exact, len(gold)),
    }


def label_errors(gold: Labels, pred: Labels, text: Mapping[str, str], labels: Iterable[str] = LABELS) -> dict:
    """Per label, the false-positive and false-negative rows with their text."""
    out = {}
    for label in labels:
        fps, fns = [], []
        for rid, g in gold.items():
            in_gold, in_pred = label in set(g), label in set(pred.get(rid, ()))
            if in_pred != in_gold:
                (fps if in_pred else fns).append({"id": rid, "text": text.get(rid, "")})
        out[label] = {"fp": fps, "fn": fns}
    return out


def rewrite_quality(rows: Iterable[Mapping]) -> dict:
    """Over rows predicted as flagged: how many got a rewrite, and of those the
    share passing the checker, keeping every original number, and carrying a
    （建议值） proposal. Row keys: flagged, rewrite (bool), checker_ok,
    numbers_kept, proposal."""
    flagged = written = ok = kept = proposal = 0
    for r in rows:
        if not r.get("flagged"):
            continue
        flagged += 1
        if not r.get("rewrite"):
            continue
        written += 1
        ok += bool(r.get("checker_ok"))
        kept += bool(r.get("numbers_kept"))
        proposal += bool(r.get("proposal"))
    return {
        "flagged_rows": flagged, "rewrites": written, "coverage": _ratio(written, flagged),
        "checker_ok": _ratio(ok, written), "numbers_kept": _ratio(kept, written), "proposal": _ratio(proposal, written),
    }


COST_KEYS = ("calls", "cache_hits", "prompt_tokens", "completion_tokens", "tokens", "seconds", "cost")


def cost_summary(run: Mapping) -> dict:
    """The cost part of Review.run, with total tokens; missing numbers are 0."""
    out = {k: run.get(k) or 0 for k in COST_KEYS if k != "tokens"}
    out["tokens"] = (run.get("prompt_tokens") or 0) + (run.get("completion_tokens") or 0)
    return {k: out[k] for k in COST_KEYS}
