"""Few-shot examples: the k labelled rows nearest to a batch, never a row under
evaluation (same id, or the same name+description+value text).

Similarity is character-bigram tf-idf cosine (scikit-learn) over level2/level3/description/value:
it needs no model or network, and is good enough to pick neighbours. (The
embeddings index can replace `_prepared`/`nearest`'s scoring once it exposes
a text-to-text neighbour function; the exclusion rules stay here.)"""
from __future__ import annotations

import json
import logging
from functools import lru_cache
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer

from ..config import project_root
from ..models import Indicator
from ..rules import row_key
from ..values import normalize

log = logging.getLogger("classifier.llm")


def _text(d) -> str:
    g = (lambda k: getattr(d, k, "")) if isinstance(d, Indicator) else d.get
    return " ".join(str(g(k) or "") for k in ("level2", "level3", "description", "value"))


@lru_cache(maxsize=4)
def load_labelled(path: str, mtime: float) -> tuple[dict, ...]:
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except json.JSONDecodeError:
            log.warning("%s 第%d行不是 JSON，跳过", path, n)
            continue
        if isinstance(d, dict) and isinstance(d.get("labels"), list):
            rows.append(d)
    return tuple(rows)


def labelled_examples(source: str) -> tuple[dict, ...]:
    p = Path(source)
    if not p.is_absolute():
        p = project_root() / p
    if not p.exists():
        return ()
    return load_labelled(str(p), p.stat().st_mtime)


def _key(d: dict) -> str:
    return row_key(Indicator(d.get("id", ""), "", "", d.get("level3", ""), d.get("description", ""), d.get("value", "")))


_PREPARED: dict[int, tuple] = {}


def _prepared(pool: tuple[dict, ...]):
    """Vectoriser, matrix and row keys of a loaded pool, built once per pool."""
    hit = _PREPARED.get(id(pool))
    if hit is None or hit[0] is not pool:
        vec = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), preprocessor=normalize, sublinear_tf=True)
        mat = vec.fit_transform([_text(d) for d in pool])
        hit = (pool, vec, mat, [_key(d) for d in pool])
        _PREPARED.clear()
        _PREPARED[id(pool)] = hit
    return hit[1:]


def nearest(batch: list[Indicator], pool: tuple[dict, ...], k: int) -> list[dict]:
    """k examples most similar to any row of the batch; the batch's own rows are excluded."""
    if k <= 0 or not pool or not batch:
        return []
    vec, mat, keys = _prepared(pool)
    sims = (vec.transform([_text(i) for i in batch]) @ mat.T).toarray().max(axis=0)  # rows are L2-normalised: cosine
    ids = {i.id for i in batch}
    own = {row_key(i) for i in batch}
    order = sorted(range(len(pool)), key=lambda n: (-sims[n], str(pool[n].get("id", ""))))
    picked, seen = [], set(own)
    for n in order:
        if pool[n].get("id") in ids or keys[n] in seen:
            continue  # the rows under evaluation (and their exact twins) never serve as examples
        seen.add(keys[n])  # nor does one example twice
        picked.append(pool[n])
        if len(picked) == k:
            break
    return [_example(d) for d in picked]


def _example(d: dict) -> dict:
    # No id: example rows must never be mistaken for rows to answer.
    out = {k: d.get(k, "") for k in ("project", "level1", "level2", "level3", "description", "value")}
    out["labels"] = list(d.get("labels") or [])
    if d.get("rewrite"):
        out["rewrite"] = d["rewrite"]
    if d.get("note"):
        out["note"] = d["note"]
    return out
