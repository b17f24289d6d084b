"""The learned offline labeller: per-label logistic regressions over the row
features of `classifier.features`, merged with the rules.

Training (`train`): labelled rows (LABELS.md JSONL: eval/labelled.jsonl, more
files, and optionally reviewers' decisions from the store) are read per batch
(one file, or one reviewed file of the store), featurised in that batch — the
copy-paste counts are "within the file", as LABELS.md asks — and stacked. For
each label a standardised L2 logistic regression (fixed C, lbfgs: deterministic)
is fitted. Its probabilities are what the loss calibrates; we do not re-calibrate
on ~50 positives, which would only add noise.

Grouped cross-validation (GroupKFold over `Project.unit`: a unit's rows are
never both in training and in test) gives out-of-fold probabilities, from which
each label gets
- a threshold that maximises out-of-fold F1, and
- a merge mode, the one with the best out-of-fold F1:
  * ``rules``  — the rules decide this label alone; the model adds nothing;
  * ``union``  — a rule finding stands; the model adds rows the rules missed
    (p ≥ threshold) as findings with source ``model``;
  * ``model``  — the model decides: a rule finding is kept only when p ≥
    threshold (its confidence becomes p); rows with p ≥ threshold and no rule
    finding get a ``model`` finding.
Project-level findings (missing_dimension, cost_over_budget, duplicate_names)
always come from the rules. Every merged row records the probabilities, and
its uncertainty = min over labels of |p − threshold| (small = unsure), so the
review queue can put the rows the model is least sure of first
(`row_uncertainty`).

The model file holds plain numbers only (scaler means/scales, coefficients,
thresholds, modes), not pickled estimators, so it loads with any scikit-learn
version. It records the training-data hash, feature version, embedder and the
cross-validated scores (model-merge vs rules-only per label). A file from
another feature version or embedder is refused (`ModelRefused`) and the
offline backend falls back to rules with a Problem saying why.

Neighbour labels (`train(neighbours=True)`, the default; `indicator-qa train
--no-neighbour-labels` leaves them out; CV numbers in eval/README.md): each row also gets the
similarity-weighted labels of its nearest labelled rows (features.neighbour_features).
The pool is always training rows only: in every (inner or outer) CV fold the
held-out units' rows are left out of it, and a training row never sees itself or
its twins (same name+description). The model file then stores the pool — float16
vectors, 64-bit twin keys, 0/1 labels — and prediction votes over it.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable

import numpy as np

from . import config
from .features import (FEATURE_VERSION, HASHING_EMBEDDER, NEIGHBOUR_COLUMNS, NEIGHBOUR_K, NEIGHBOUR_MIN_SIM, EmbedderUnavailable,
                       FeatureMatrix, build_features, get_embedder, n_dense, neighbour_features, neighbour_inputs)
from .models import LABELS, Finding, Problem, Project, ReadResult
from .rules import SEVERITY

MODEL_FORMAT = 1
MODEL_FILENAME = "model.joblib"
C = 0.05  # strong L2: ~750 rows, ~110 features; chosen in grouped CV (0.03–0.1 score alike)
N_SPLITS = 5
THRESHOLDS = tuple(round(float(x), 2) for x in np.arange(0.10, 0.91, 0.05))
MODES = ("rules", "union", "model")
SEED = 0
# The model takes over a label from the rules only for a clear out-of-fold gain:
# smaller gains on ~50 positives are noise, and the rules carry to other regions.
MIN_GAIN = 0.01


class ModelRefused(RuntimeError):
    """A model file that cannot be used here (other feature version, embedder, format)."""


# ---- data --------------------------------------------------------------------

@dataclass
class Batch:
    """Rows featurised together (one file), with their gold labels."""
    name: str
    projects: list[Project]


def shipped_model_path() -> Path:
    return Path(__file__).resolve().parent / "data" / MODEL_FILENAME


def user_model_path() -> Path:
    return config.data_dir() / MODEL_FILENAME


def default_labels_path() -> Path:
    return config.project_root() / "eval" / "labelled.jsonl"


def _row_sig(p: Project, ind) -> tuple:
    return (p.title, p.unit, ind.level3, ind.description, ind.value)


def load_batches(label_files: Iterable[str | Path] = (), decisions: list[dict] | None = None) -> tuple[list[Batch], list[str]]:
    """Labelled files and decision rows as batches. Rows without gold labels are
    dropped; a decision overrides a file row with the same project/unit/text.
    Returns (batches, messages)."""
    from .ingest import read_path
    from .ingest.jsonl_reader import read_jsonl

    batches, notes = [], []
    for f in label_files:
        rr: ReadResult = read_path(f)
        notes += [str(pr) for pr in rr.problems]
        batches.append(Batch(str(f), rr.projects))
    if decisions:
        by_file: dict[str, list[dict]] = {}
        for d in decisions:
            by_file.setdefault(str(d.get("file_hash", "")), []).append(d)
        for fh, rows in sorted(by_file.items()):
            text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
            rr = read_jsonl(text, f"decisions:{fh[:12] or 'store'}")
            notes += [str(pr) for pr in rr.problems]
            batches.append(Batch(f"decisions:{fh[:12]}", rr.projects))
        decided = {_row_sig(p, i) for b in batches if b.name.startswith("decisions:") for p in b.projects for i in p.indicators}
        for b in batches:
            if b.name.startswith("decisions:"):
                continue
            for p in b.projects:
                for ind in p.indicators:
                    if _row_sig(p, ind) in decided:
                        ind.gold_labels = None  # the reviewer's later decision replaces it
    return batches, notes


def featurise(batches: list[Batch], embedder_name: str | None = None) -> tuple[FeatureMatrix, np.ndarray, list[str]]:
    """Stack the feature matrices of labelled rows. Returns (features, Y, row signatures)."""
    emb = get_embedder(embedder_name)
    parts, ys, sigs = [], [], []
    for b in batches:
        if not b.projects:
            continue
        fm = build_features(b.projects, emb)
        fm.nbr_vecs, fm.nbr_keys = neighbour_inputs(b.projects, emb)
        rows = [(p, i) for p in b.projects for i in p.indicators]
        keep = [k for k, (_, i) in enumerate(rows) if i.gold_labels is not None]
        parts.append((fm, keep))
        ys += [[l in rows[k][1].gold_labels for l in LABELS] for k in keep]
        sigs += [json.dumps([b.name, rows[k][1].id, *_row_sig(*rows[k]), sorted(rows[k][1].gold_labels)], ensure_ascii=False) for k in keep]
    if not parts:
        raise ValueError("没有带标签的训练行")
    first = parts[0][0]
    fm = FeatureMatrix(
        X=np.vstack([f.X[k] for f, k in parts]), row_ids=[f.row_ids[i] for f, k in parts for i in k],
        project_ids=[f.project_ids[i] for f, k in parts for i in k], units=[f.units[i] for f, k in parts for i in k],
        names=first.names, embedder=first.embedder, rule_labels=[f.rule_labels[i] for f, k in parts for i in k],
        nbr_vecs=np.vstack([f.nbr_vecs[k] for f, k in parts]), nbr_keys=np.concatenate([f.nbr_keys[k] for f, k in parts]))
    return fm, np.asarray(ys, dtype=bool).reshape(-1, len(LABELS)), sigs


def province_of(p: Project) -> str:
    """The CV group of a labelled table when provinces are held out: its
    province (Project.meta, from the labelled JSONL), else its unit."""
    return p.meta.get("province") or f"单位:{p.unit}"


def row_groups(batches: list[Batch], by: str = "unit") -> list[str]:
    """One CV group per labelled row, in `featurise` order. `by`: unit | province."""
    key = province_of if by == "province" else (lambda p: p.unit)
    return [key(p) for b in batches if b.projects for p in b.projects for i in p.indicators if i.gold_labels is not None]


def group_scheme(batches: list[Batch]) -> str:
    """Provinces are held out as soon as the data spans two: units of one city
    share one template, so unit-held-out CV flatters a model that learned it."""
    provinces = {province_of(p) for b in batches for p in b.projects}
    return "province" if len(provinces) > 1 else "unit"


def data_hash(sigs: list[str]) -> str:
    return hashlib.sha256("\n".join(sigs).encode("utf-8")).hexdigest()


# ---- fitting -----------------------------------------------------------------

def _fit_one(X: np.ndarray, y: np.ndarray) -> dict:
    """Standardise + logistic regression, returned as plain arrays."""
    from sklearn.linear_model import LogisticRegression

    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    if y.all() or not y.any():  # one class only: a constant probability
        return {"mean": mean, "scale": scale, "coef": np.zeros(X.shape[1]), "intercept": 10.0 if y.all() else -10.0}
    lr = LogisticRegression(C=C, max_iter=5000, random_state=SEED)
    lr.fit((X - mean) / scale, y)
    return {"mean": mean, "scale": scale, "coef": lr.coef_[0].astype(np.float64), "intercept": float(lr.intercept_[0])}


def _proba(m: dict, X: np.ndarray) -> np.ndarray:
    z = ((X - m["mean"]) / m["scale"]) @ m["coef"] + m["intercept"]
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


def _f1(y: np.ndarray, pred: np.ndarray) -> float:
    tp = float(np.sum(y & pred))
    denom = float(np.sum(y) + np.sum(pred))
    return 2 * tp / denom if denom else 1.0


def merged_prediction(mode: str, p: np.ndarray, threshold: float, rule: np.ndarray) -> np.ndarray:
    if mode == "rules":
        return rule.copy()
    m = p >= threshold
    return (m | rule) if mode == "union" else m


def fold_design(fm: FeatureMatrix, Y: np.ndarray, tr: np.ndarray, te: np.ndarray,
                neighbours: bool) -> tuple[np.ndarray, np.ndarray]:
    """Design matrices of a fold's training rows `tr` and test rows `te`. With
    neighbours, the neighbour pool is the rows `tr` only (never a row of `te`),
    and a training row never votes for itself or its twins."""
    X = fm.X[:, :n_dense(fm)].astype(np.float64)
    if not neighbours:
        return X[tr], X[te]
    V, K = fm.nbr_vecs, fm.nbr_keys
    ntr = neighbour_features(V[tr], K[tr], V[tr], K[tr], Y[tr])
    nte = neighbour_features(V[te], K[te], V[tr], K[tr], Y[tr])
    return np.hstack([X[tr], ntr]), np.hstack([X[te], nte])


def _cv_proba(fm: FeatureMatrix, Y: np.ndarray, neighbours: bool = False, n_splits: int = N_SPLITS,
              groups: list[str] | None = None) -> np.ndarray:
    """Out-of-fold probabilities, whole groups (units, or provinces) held out."""
    from sklearn.model_selection import GroupKFold

    groups = fm.units if groups is None else groups
    k = min(n_splits, len(set(groups)))
    if k < 2:
        raise ValueError("交叉验证至少需要两个单位（或省份）的标注行")
    P = np.zeros(Y.shape)
    for tr, te in GroupKFold(n_splits=k).split(fm.X, groups=groups):
        Xtr, Xte = fold_design(fm, Y, tr, te, neighbours)
        for j in range(Y.shape[1]):
            P[te, j] = _proba(_fit_one(Xtr, Y[tr, j]), Xte)
    return P


def _choose(P: np.ndarray, Y: np.ndarray, R: np.ndarray) -> tuple[dict, dict, dict]:
    """Per label: (mode, threshold) with the best out-of-fold F1; the rules keep a label unless beaten by MIN_GAIN."""
    modes, thresholds, scores = {}, {}, {}
    for j, label in enumerate(LABELS):
        best = ("rules", 0.5, _f1(Y[:, j], R[:, j]))
        for mode in ("union", "model"):
            for th in THRESHOLDS:
                s = _f1(Y[:, j], merged_prediction(mode, P[:, j], th, R[:, j]))
                if s > best[2] + (MIN_GAIN if best[0] == "rules" else 1e-9):
                    best = (mode, th, s)
        # Threshold still matters for "rules" mode: it drives the uncertainty score.
        th_model = max(THRESHOLDS, key=lambda t: (_f1(Y[:, j], P[:, j] >= t), -abs(t - 0.5)))
        modes[label], thresholds[label] = best[0], (best[1] if best[0] != "rules" else th_model)
        scores[label] = {"merged": round(best[2], 4), "model_only": round(_f1(Y[:, j], P[:, j] >= th_model), 4),
                         "rules_only": round(_f1(Y[:, j], R[:, j]), 4)}
    return modes, thresholds, scores


def fit(fm: FeatureMatrix, Y: np.ndarray, neighbours: bool = False, groups: list[str] | None = None,
        scheme: str = "unit") -> dict:
    """Train on a feature matrix: CV for thresholds and modes, then a final fit on all rows.
    `groups` are the CV groups (default: units); `scheme` names them in the model file."""
    nd = n_dense(fm)
    every = np.arange(len(Y))
    X = fold_design(fm, Y, every, every[:0], neighbours)[0]
    R = np.array([[l in s for l in LABELS] for s in fm.rule_labels], dtype=bool).reshape(-1, len(LABELS))
    groups = fm.units if groups is None else groups
    P = _cv_proba(fm, Y, neighbours, groups=groups)
    modes, thresholds, scores = _choose(P, Y, R)
    macro = {k: round(float(np.mean([scores[l][k] for l in LABELS])), 4) for k in ("merged", "model_only", "rules_only")}
    return {
        "format": MODEL_FORMAT, "feature_version": FEATURE_VERSION, "embedder": fm.embedder,
        "columns": fm.names[:nd] + (NEIGHBOUR_COLUMNS if neighbours else []), "C": C,
        "neighbour_labels": bool(neighbours),
        # The pool prediction votes over: numbers only (float16 vectors, int64 twin keys, uint8 labels).
        "neighbours": {"k": NEIGHBOUR_K, "min_sim": NEIGHBOUR_MIN_SIM, "vectors": fm.nbr_vecs.astype(np.float16),
                       "keys": np.asarray(fm.nbr_keys, np.int64), "labels": Y.astype(np.uint8)} if neighbours else None,
        "classifiers": {l: _fit_one(X, Y[:, j]) for j, l in enumerate(LABELS)},
        "modes": modes, "thresholds": thresholds,
        "cv": {"scheme": f"GroupKFold({min(N_SPLITS, len(set(groups)))}) over "
                         + ("province (Project.meta)" if scheme == "province" else "Project.unit"),
               "group_by": scheme, "per_label": scores,
               "macro_f1": macro},
        "n_rows": int(len(Y)), "n_units": len(set(fm.units)), "positives": {l: int(Y[:, j].sum()) for j, l in enumerate(LABELS)},
    }


def train(label_files: Iterable[str | Path] | None = None, include_decisions: bool = False, out: str | Path | None = None,
          embedder_name: str | None = HASHING_EMBEDDER, store_path: str | Path | None = None,
          neighbours: bool = True, group_by: str = "auto") -> tuple[dict, Path, list[str]]:
    """Train and save. Returns (model, path, messages). Raises ValueError with a clear message.
    `group_by`: unit | province | auto (provinces when the labelled rows span two or more)."""
    files = list(label_files or [default_labels_path()])
    missing = [str(f) for f in files if not Path(f).exists()]
    if missing:
        raise ValueError(f"找不到标注文件：{'、'.join(missing)}")
    decisions = None
    notes: list[str] = []
    if include_decisions:
        decisions, store_problem = load_decisions(store_path)
        if store_problem:  # damaged or unreadable store: what could be read is used, and the user is told
            notes.append(store_problem)
        notes.append(f"审核决定：{len(decisions)} 行")
    batches, read_notes = load_batches(files, decisions)
    fm, Y, sigs = featurise(batches, embedder_name)
    scheme = group_scheme(batches) if group_by == "auto" else group_by
    model = fit(fm, Y, neighbours, groups=row_groups(batches, scheme), scheme=scheme)
    model["data_hash"] = data_hash(sigs)
    model["sources"] = [Path(f).name for f in files] + (["decisions"] if include_decisions else [])
    model["n_decisions"] = len(decisions or [])
    path = Path(out) if out else user_model_path()
    save_model(model, path)
    return model, path, notes + read_notes


def load_decisions(store_path: str | Path | None = None) -> tuple[list[dict], str]:
    """The store's decisions as labelled rows, and what is wrong with the store
    ("" when nothing): a damaged store gives the rows that can still be read."""
    try:
        from .store import Store, decisions_as_labelled
    except ImportError as exc:
        raise ValueError(f"无法读取审核决定：classifier.store 不可用（{exc}）") from exc
    if store_path is not None and not Path(store_path).is_file():
        raise ValueError(f"找不到审核决定库：{store_path}")
    with Store(store_path) as st:
        rows = decisions_as_labelled(st)
        return rows, st.problem


# ---- model files -------------------------------------------------------------

def save_model(model: dict, path: str | Path) -> None:
    import joblib

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    joblib.dump(model, tmp, compress=3)
    tmp.replace(path)  # never leave a half-written model where the backend looks


def load_model(path: str | Path) -> dict:
    """Load and check a model file; ModelRefused says why it cannot be used."""
    import joblib

    path = Path(path)
    try:
        model = joblib.load(path)
    except Exception as exc:
        raise ModelRefused(f"模型文件 {path} 无法读取：{type(exc).__name__}: {exc}") from exc
    if not isinstance(model, dict) or model.get("format") != MODEL_FORMAT:
        raise ModelRefused(f"模型文件 {path} 格式不符（需要格式 {MODEL_FORMAT}），请重新运行 indicator-qa train")
    if model.get("feature_version") != FEATURE_VERSION:
        raise ModelRefused(f"模型文件 {path} 的特征版本为 {model.get('feature_version')}，当前为 {FEATURE_VERSION}；"
                           "已改用规则，请重新运行 indicator-qa train")
    try:
        get_embedder(model.get("embedder"))
    except EmbedderUnavailable as exc:
        raise ModelRefused(f"模型文件 {path}：{exc}；已改用规则") from exc
    return model


def default_model_path() -> Path | None:
    """The user's trained model if there is one, else the shipped default."""
    for p in (user_model_path(), shipped_model_path()):
        if p.exists():
            return p
    return None


# ---- prediction and merge ----------------------------------------------------

def predict(model: dict, projects: list[Project], findings: list[Finding] | None = None) -> tuple[FeatureMatrix, np.ndarray]:
    # Rule features as in training: rule findings only (not index or LLM ones).
    rule_findings = None if findings is None else [f for f in findings if f.source == "rule"]
    emb = get_embedder(model["embedder"])
    fm = build_features(projects, emb, rule_findings, raw_embeddings=False)
    nd = n_dense(fm)
    nb = model.get("neighbours")
    if fm.names[:nd] + (NEIGHBOUR_COLUMNS if nb else []) != list(model["columns"]):
        raise ModelRefused("模型的特征列与当前特征不一致；请重新运行 indicator-qa train")
    X = fm.X[:, :nd].astype(np.float64)
    if nb:
        V, K = neighbour_inputs(projects, emb)
        X = np.hstack([X, _pool_votes(nb, V, K)])
    P = np.column_stack([_proba(model["classifiers"][l], X) for l in LABELS]) if len(X) else np.zeros((0, len(LABELS)))
    return fm, P


def _pool_votes(nb: dict, V: np.ndarray, K: np.ndarray) -> np.ndarray:
    """Neighbour block of rows (V, K) against a model's stored training pool."""
    return neighbour_features(V, K, np.asarray(nb["vectors"], np.float32), nb["keys"], nb["labels"],
                              k=int(nb["k"]), min_sim=float(nb["min_sim"]))


def merge(model: dict, projects: list[Project], findings: list[Finding],
          predicted: tuple[FeatureMatrix, np.ndarray] | None = None) -> tuple[list[Finding], dict[str, dict], dict]:
    """Rule findings + model probabilities → merged findings (see module doc).
    Returns (findings, {row id: {"p": {label: p}, "uncertainty": u}}, skipped):
    `skipped` maps (project id, row id) → why the model could not judge that row
    (its rule findings stand unchanged; every other row is judged as usual).
    `predicted`: what `predict` gave for these projects and their rule findings."""
    fm, P = predicted or predict(model, projects, findings)
    skipped = {(fm.project_ids[k], fm.row_ids[k]): why for k, why in fm.bad.items()}
    pos = {(pid, rid): k for k, (pid, rid) in enumerate(zip(fm.project_ids, fm.row_ids)) if k not in fm.bad}
    modes, ths = model["modes"], model["thresholds"]
    out: list[Finding] = []
    have: set[tuple[str, str, str]] = set()
    for f in findings:
        k = pos.get((f.project_id, f.row_id)) if f.row_id else None
        if k is None or f.code not in modes or modes[f.code] == "rules":
            out.append(f)
            have.add((f.project_id, f.row_id or "", f.code))
            continue
        p = float(P[k, LABELS.index(f.code)])
        if modes[f.code] == "model" and p < ths[f.code]:
            continue  # the model overrules this rule finding
        if p >= ths[f.code]:
            f = replace(f, confidence=round(p, 4))  # rule and model agree: show the model's probability
        out.append(f)
        have.add((f.project_id, f.row_id or "", f.code))
    scores: dict[str, dict] = {}
    for k, (pid, rid) in enumerate(zip(fm.project_ids, fm.row_ids)):
        if k in fm.bad:
            continue
        ps = {l: round(float(P[k, j]), 4) for j, l in enumerate(LABELS)}
        scores[rid] = {"p": ps, "uncertainty": round(min(abs(ps[l] - ths[l]) for l in LABELS), 4)}
        for j, l in enumerate(LABELS):
            if modes[l] == "rules" or ps[l] < ths[l] or (pid, rid, l) in have:
                continue
            out.append(Finding(code=l, severity=SEVERITY[l], rule=MODEL_RULE.get(l, ""), source="model",
                               confidence=ps[l], project_id=pid, row_id=rid,
                               evidence=f"学习模型判断（概率 {ps[l]:.2f}，阈值 {ths[l]:.2f}）：与已标注的同类问题行相似，请人工核实"))
    return out, scores, skipped


# The rule of RULES.md each label's model finding cites.
MODEL_RULE = {"vague_description": "R4", "unmeasurable_value": "R6", "unit_mismatch": "R2", "implausible_value": "R7",
              "wrong_category": "R2", "copy_paste": "R7"}


@dataclass
class EarlyPrediction:
    """The model's probabilities, computed from the rule findings alone before
    the index's copy_paste findings exist (the model reads only rule findings, and
    its embedder is weight-free): a cold review computes them while the batch is
    still being embedded in the background."""

    path: Path
    model: dict
    predicted: tuple[FeatureMatrix, np.ndarray]


def predict_early(projects: list[Project], rule_findings: list[Finding],
                  model_path: str | Path | None = None) -> EarlyPrediction | None:
    """None when there is no model or it fails: `apply_model` then runs as
    before and reports why."""
    path = Path(model_path) if model_path else default_model_path()
    if path is None:
        return None
    try:
        model = load_model(path)
        if model["embedder"] != HASHING_EMBEDDER:  # a model on the review's own embedder waits for its vectors
            return None
        return EarlyPrediction(path, model, predict(model, projects, rule_findings))
    except Exception:  # noqa: BLE001 — apply_model repeats the call and says what failed
        return None


def apply_model(review, model_path: str | Path | None = None, early: EarlyPrediction | None = None) -> list[Problem]:
    """Merge the learned model into a Review in place (offline backend).
    Returns what the user must hear: nothing on success; a Problem naming file,
    table and row for each row the model could not judge (rules alone for that
    row); or one Problem saying why the rules alone stand for the whole run.
    `early`: `predict_early` for this review's projects and rule findings."""
    where = "model"  # a whole-run problem is the model's (its message names the model file), not one table's
    path = Path(model_path) if model_path else default_model_path()
    if path is None:
        return [Problem(where, "没有可用的学习模型（运行 indicator-qa train 生成），仅使用规则")]
    try:
        if early is not None and early.path == path:
            model, predicted = early.model, early.predicted
        else:
            model, predicted = load_model(path), None
        merged, scores, skipped = merge(model, review.projects, list(review.findings), predicted)
    except ModelRefused as exc:
        return [Problem(where, str(exc))]
    except Exception as exc:  # the model must never break a review: rules stand
        return [Problem(where, f"学习模型运行失败（{type(exc).__name__}: {exc}），仅使用规则")]
    problems = []
    for p in review.projects:
        for ind in p.indicators:
            why = skipped.get((p.id, ind.id))
            if why is not None:
                problems.append(Problem(p.source_file, f"{ind.id}：该行数值无法用于学习模型（{why}），此行仅按规则审核",
                                        table=p.table_index + 1, row=ind.row or None))
    review.set_findings(merged)
    for rid in scores:
        if any(f.source == "model" for f in review.row_findings(rid)):
            review.row_source[rid] = "model"
    review.run["model"] = {"path": str(path), "feature_version": model["feature_version"], "embedder": model["embedder"],
                           "data_hash": model["data_hash"], "modes": model["modes"], "thresholds": model["thresholds"],
                           # the labelled files it was trained on: an eval on one of them is in-sample
                           "sources": list(model.get("sources") or [])}
    review.run["model_scores"] = scores
    if skipped:
        review.run["model"]["rows_skipped"] = len(skipped)
    return problems


def row_uncertainty(review, row_id: str) -> float | None:
    """How unsure the model is about a row: min over labels of |p − threshold|
    (0 = on the fence). None when no model ran. Sort ascending for the queue."""
    s = review.run.get("model_scores", {}).get(row_id)
    return None if s is None else s["uncertainty"]


# ---- honest evaluation -------------------------------------------------------

def grouped_evaluation(fm: FeatureMatrix, Y: np.ndarray, n_splits: int = N_SPLITS, neighbours: bool = False) -> dict:
    """Nested grouped CV: each outer fold holds out whole units; thresholds and
    modes are chosen by inner grouped CV on the training units only. Returns
    per-label F1 (precision, recall) for merged model and rules alone."""
    from sklearn.model_selection import GroupKFold

    nd = n_dense(fm)
    R = np.array([[l in s for l in LABELS] for s in fm.rule_labels], dtype=bool).reshape(-1, len(LABELS))
    pred = np.zeros(Y.shape, dtype=bool)
    units = np.array(fm.units)
    for tr, te in GroupKFold(n_splits=n_splits).split(fm.X, groups=units):
        sub = FeatureMatrix(X=fm.X[tr], row_ids=[fm.row_ids[i] for i in tr], project_ids=[fm.project_ids[i] for i in tr],
                            units=list(units[tr]), names=fm.names, embedder=fm.embedder,
                            rule_labels=[fm.rule_labels[i] for i in tr], nbr_vecs=fm.nbr_vecs[tr], nbr_keys=fm.nbr_keys[tr])
        m = fit(sub, Y[tr], neighbours)
        X = fm.X[te][:, :nd].astype(np.float64)
        if neighbours:  # as at prediction time: the vote over the fold model's pool (training units only)
            X = np.hstack([X, _pool_votes(m["neighbours"], fm.nbr_vecs[te], fm.nbr_keys[te])])
        for j, l in enumerate(LABELS):
            pred[te, j] = merged_prediction(m["modes"][l], _proba(m["classifiers"][l], X), m["thresholds"][l], R[te, j])
    return {"per_label": {l: {"model": _prf(Y[:, j], pred[:, j]), "rules": _prf(Y[:, j], R[:, j]), "support": int(Y[:, j].sum())}
                          for j, l in enumerate(LABELS)},
            "macro_f1": {"model": round(float(np.mean([_f1(Y[:, j], pred[:, j]) for j in range(len(LABELS))])), 4),
                         "rules": round(float(np.mean([_f1(Y[:, j], R[:, j]) for j in range(len(LABELS))])), 4)},
            "n_rows": int(len(Y)), "n_units": len(set(fm.units)), "folds": n_splits, "neighbours": bool(neighbours)}


def _prf(y: np.ndarray, pred: np.ndarray) -> dict:
    tp = float(np.sum(y & pred))
    return {"f1": round(_f1(y, pred), 4), "precision": round(tp / pred.sum(), 4) if pred.sum() else 0.0,
            "recall": round(tp / y.sum(), 4) if y.sum() else 0.0}
