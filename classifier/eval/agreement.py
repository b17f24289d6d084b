"""Agreement between two labellings of the same rows: per-label Cohen's kappa
and percent agreement, over the ids both files share."""
from __future__ import annotations

from typing import Iterable, Mapping

from ..models import LABELS


def cohen_kappa(a: list[bool], b: list[bool]) -> float | None:
    """Cohen's kappa for two binary judgements of the same items. None when
    chance agreement is 1 (both raters gave one constant answer): kappa is
    undefined there, percent agreement says what there is to say."""
    n = len(a)
    if n != len(b):
        raise ValueError("两组判断的条数不同")
    if n == 0:
        return None
    po = sum(x == y for x, y in zip(a, b)) / n
    pa, pb = sum(a) / n, sum(b) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    if pe >= 1:
        return None
    return round((po - pe) / (1 - pe), 4)


def agreement(a: Mapping[str, Iterable[str]], b: Mapping[str, Iterable[str]], labels: Iterable[str] = LABELS,
              text: Mapping[str, str] | None = None) -> dict:
    labels = list(labels)
    common = [rid for rid in a if rid in b]
    sa = {rid: set(a[rid]) for rid in common}
    sb = {rid: set(b[rid]) for rid in common}
    per = {}
    for label in labels:
        xa = [label in sa[rid] for rid in common]
        xb = [label in sb[rid] for rid in common]
        same = sum(x == y for x, y in zip(xa, xb))
        per[label] = {"kappa": cohen_kappa(xa, xb), "agreement": round(same / len(common), 4) if common else None,
                      "a_positive": sum(xa), "b_positive": sum(xb), "both": sum(x and y for x, y in zip(xa, xb))}
    kappas = [v["kappa"] for v in per.values() if v["kappa"] is not None]
    known = set(labels)
    disagree = [{"id": rid, "text": (text or {}).get(rid, ""), "a": sorted(sa[rid] & known, key=labels.index),
                 "b": sorted(sb[rid] & known, key=labels.index)}
                for rid in common if sa[rid] & known != sb[rid] & known]
    return {
        "common": len(common), "only_a": len(a) - len(common), "only_b": sum(1 for rid in b if rid not in a),
        "labels": per, "mean_kappa": round(sum(kappas) / len(kappas), 4) if kappas else None,
        "exact_agreement": round(1 - len(disagree) / len(common), 4) if common else None,
        "disagreements": disagree,
    }
