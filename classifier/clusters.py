"""Copy-paste clusters: rows whose name + description + value are identical or
near-identical across projects (or repeated inside one table).

Two kinds of edges, then connected components (union-find):
- exact: hashing on name + description + value with numbers and punctuation set
  aside (a superset of `rules.row_key` equality);
- near: each distinct text's nearest other texts of the batch (at most k) with
  cosine similarity ≥ NEAR_THRESHOLD on name + description, verified by
  `near_duplicates` (values agree, characters coincide). Vectors come from the
  index (stored, or embedded once). Up to EXACT_LIMIT distinct texts the search
  is exact, as blocked matrix products (2 cores: 8,700 texts — the 74,300-row
  100× corpus — take ≈ 1.6 s, and the review needs no chromadb at all); above
  it, the index's HNSW nearest-neighbour queries give the candidates, so time
  grows with rows × log rows, never with all pairs.

A cluster is evidence, not yet the label: `copy_paste_findings` applies LABELS.md
(stock rows with a real description are left alone)."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Iterable, Mapping

import numpy as np

from .embeddings import NUMBER_RE, embed_text
from .identity import ProjectGroups
from .models import Finding, Indicator, Problem, Project
from .rules import SEVERITY, check_description, row_key
from .values import parse_value

# Cosine similarity (USE v3, name + description with numbers normalised) at or
# above which two distinct texts are near-duplicate candidates; `near_duplicates`
# then checks values and characters. Chosen on the seed
# (examples/tianjin_2022_project_targets.txt, 743 rows, k=10 neighbours per text)
# by sweeping the threshold (bench/bench_index.py --sweep prints the table):
# - joined synonyms/copies sit at 0.916–0.976: 满足办公需要/需求 0.976,
#   服务对象满意率/满意度 0.956, 慰问对象满意度/满意率 0.954, 受益人员/受益人群满意度
#   0.935, 领导班子…/市委领导班子… 0.916 — a threshold of 0.95 loses the last two;
# - below 0.85 one-character swaps that name another population pass the
#   character check and must be stopped here: 观众满意度/群众满意度 0.828,
#   参展企业满意度/参评企业满意度 0.791;
# - nothing the character check accepts lies in 0.85–0.916 on the seed, so 0.85
#   keeps a margin on both sides (0.85 and 0.90 give identical clusters here).
NEAR_THRESHOLD = 0.85
# Other texts checked per distinct text, nearest first (only those ≥ NEAR_THRESHOLD):
# at most 4 reach the threshold for any text of the seed, 11 in the 10× corpus.
NEIGHBOURS = 20
# Distinct texts up to which the exact blocked search is used; larger batches go
# through the index's ANN queries. Set by cost on this 2-core machine: the exact
# search takes 1.6 s at 8,700 texts, 6.8 s at 20,000 and 22 s at 30,000, while
# the ANN path first writes every row into Chroma (≈ 1 ms a row, metadata
# included) — 300 s for the 74,300-row corpus whose 8,700 texts crossed the old
# limit of 8,000. Beyond 30,000 texts the quadratic search would overtake it.
EXACT_LIMIT = 30000
# A table is "one template shared with other projects" (LABELS.md boundary case)
# when at least this share of its rows sit in clusters that reach other projects.
TEMPLATE_SHARE = 0.6
# Character overlap (edit ratio of name + description, numbers and punctuation
# removed) a cross-project candidate must also reach: one swapped character in a
# short name (慰问对象满意度/满意率) is 0.857; 受益人员满意度/机关人员满意度 is 0.71.
LEXICAL_RATIO = 0.8
LONG_RATIO = 0.9  # long texts may differ by an inserted word when this close
LONG_TEXT = 20  # characters (plain name + description) from which a text counts as long
_VALUE_TEXT_RATIO = 0.75  # two text values (no number) agree when this similar
# Other members a copy_paste finding lists in `related` (the count and the cluster
# id say the rest): lists of every member made output grow with size².
RELATED_MAX = 20


@dataclass
class Member:
    project: Project
    indicator: Indicator

    @property
    def ref(self) -> str:
        return f"{self.project.id}/{self.indicator.id}"

    @property
    def table_key(self) -> tuple[str, str]:
        return (self.project.source_hash or self.project.source_file, self.project.id)

    @cached_property
    def text(self) -> str:
        """What the index embeds for this row."""
        return embed_text(self.indicator)

    @cached_property
    def plain(self) -> str:
        """`text` in comparison form (numbers → 0, no punctuation)."""
        return _plain(self.text)


@dataclass
class Cluster:
    rows: list[Member]
    exact: bool  # every member has the same row_key
    min_similarity: float = 1.0  # weakest near-duplicate edge that joined it
    projects: list[str] = field(default_factory=list)  # project ids, first-seen order
    units: list[str] = field(default_factory=list)

    @cached_property
    def by_project(self) -> ProjectGroups:
        """The members grouped by project once (identity.py: one project's tables
        of different years are not "another project")."""
        return ProjectGroups(m.project for m in self.rows)

    def __post_init__(self) -> None:
        if not self.projects:
            self.projects = list(dict.fromkeys(m.project.id for m in self.rows))
        if not self.units:
            self.units = list(dict.fromkeys(m.project.unit for m in self.rows))

    @property
    def size(self) -> int:
        return len(self.rows)

    @cached_property
    def id(self) -> str:
        """Stable id of the cluster, from its first member (clusters are disjoint):
        the same batch gives the same ids in the CLI, the app and the report."""
        first = self.rows[0]
        return "C-" + hashlib.sha1(f"{first.table_key[0]}\x1f{first.ref}".encode("utf-8")).hexdigest()[:10]

    def how(self) -> str:
        """How alike the members are, in words for the evidence."""
        if self.exact:
            return "逐字相同"
        if self.min_similarity >= 0.9999:
            return "仅数字或标点不同"
        return f"仅个别字词、数字或标点不同（语义相似度≥{self.min_similarity:.2f}）"

    def to_dict(self) -> dict:
        return {"id": self.id, "size": self.size, "exact": self.exact, "how": self.how(), "min_similarity": round(self.min_similarity, 4),
                "projects": self.projects, "units": self.units,
                "rows": [{"ref": m.ref, "project": m.project.title, "unit": m.project.unit, "level3": m.indicator.level3,
                          "description": m.indicator.description, "value": m.indicator.value} for m in self.rows]}


# ---- value comparison (values are compared apart from the embedding) -------

@lru_cache(maxsize=65536)
def _plain(text: str) -> str:
    """Comparison form: NFKC, every number → 0, punctuation and spaces dropped."""
    t = NUMBER_RE.sub("0", unicodedata.normalize("NFKC", text or ""))
    return re.sub(r"[\s\W_]+", "", t)


def values_agree(a: str, b: str) -> bool:
    """Equal once numbers, width and punctuation are set aside, or the same kind
    of quantity (≥90% / 100%; ≤60万元 / 不超过600万), or near-equal wording
    (2022年内 / 2022年内完成; but 11月底前完成 / ≤1年 are different deadlines)."""
    pa, pb = _plain(a), _plain(b)
    if pa == pb:
        return True
    va, vb = parse_value(a), parse_value(b)
    if va.number is not None and vb.number is not None and not (va.is_date or vb.is_date):
        return va.unit_class == vb.unit_class and va.unit_class != "none"
    if not (pa and pb):
        return False
    short, long_ = sorted((pa, pb), key=len)
    return edit_ratio(pa, pb, _VALUE_TEXT_RATIO) >= _VALUE_TEXT_RATIO or (short in long_ and len(long_) - len(short) <= 2)


@lru_cache(maxsize=1 << 17)
def edit_ratio(a: str, b: str, min_ratio: float = 0.0) -> float:
    """1 − Levenshtein distance / longer length. (difflib's ratio is misled by
    repeats: 满足办公需要满足办公需要 vs 满足办公需求满足办公需要 scores 0.5 there.)
    Exact when it is ≥ min_ratio; below that, some value < min_ratio (callers
    only compare with min_ratio). Memoised: a big batch asks about the same
    pairs of texts again and again (one stock row in 2,000 tables)."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    longer = max(len(a), len(b))
    # Upper bound from shared characters (distance ≥ longer − |common multiset|):
    # most candidate pairs fail it and skip the table.
    common = sum((Counter(a) & Counter(b)).values())
    if common / longer < min_ratio:
        return common / longer
    # Only distances up to `band` matter (more is below min_ratio): the dynamic
    # programme is computed in that diagonal band (Ukkonen), O(len × band) instead
    # of O(len²) for a 300-character description.
    band = int((1.0 - min_ratio) * longer + 1e-9) if min_ratio > 0 else longer
    if abs(len(a) - len(b)) > band:
        return 1.0 - (abs(len(a) - len(b))) / longer
    big = longer + 1
    prev = [j if j <= band else big for j in range(len(b) + 1)]
    for i, ca in enumerate(a, 1):
        lo, hi = max(1, i - band), min(len(b), i + band)
        cur = [big] * (len(b) + 1)
        cur[0] = i if i <= band else big
        best = cur[0]
        for j in range(lo, hi + 1):
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != b[j - 1]))
            cur[j] = v
            if v < best:
                best = v
        if best > band:  # every path is already past the band
            return 1.0 - (band + 1) / longer
        prev = cur
    return 1.0 - min(prev[-1], big) / longer


def _text_ratio(pa: str, pb: str) -> tuple[float, bool]:
    """Edit ratio of two plain texts, and whether they have the same length (the
    difference is a swapped word, not an added qualifier)."""
    return edit_ratio(pa, pb, LEXICAL_RATIO), len(pa) == len(pb)


def near_duplicates(a: "Member", b: "Member") -> bool:
    """Verify an ANN candidate pair (already ≥ NEAR_THRESHOLD): values agree, and
    - in one table: the texts are equal once numbers and punctuation are set aside
      (驻场工程师数量/非驻场工程师数量 are 0.93 similar and are two rows, not one);
    - across tables: the characters largely coincide. Long texts may differ by an
      inserted word (领导班子…/市委领导班子…); short ones only by a swapped
      character — a synonym (满意度/满意率, 需要/需求, ratio 0.86) joins, an added
      qualifier (举办活动场次/举办赛事活动场次, 使用人满意度/使用人员满意度, also
      0.86) does not, nor a different population (受益人员满意度/机关人员满意度, 0.71)."""
    if not values_agree(a.indicator.value, b.indicator.value):
        return False
    if a.table_key == b.table_key:
        return a.plain == b.plain
    ratio, swaps_only = _text_ratio(a.plain, b.plain)
    short = min(len(a.plain), len(b.plain))
    return (ratio >= LONG_RATIO and short >= LONG_TEXT) or (ratio >= LEXICAL_RATIO and swaps_only)


# ---- clustering ---------------------------------------------------------------

class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def nearest_texts(vectors: np.ndarray, queries: list[int], groups: list[int], threshold: float,
                  k: int) -> list[list[tuple[int, float]]]:
    """For each query row of `vectors` (one row per distinct text), up to k rows of
    another group (another plain text) with cosine similarity ≥ threshold,
    nearest first, as (row, similarity). Exact: blocked matrix products of about
    16 MB each, so memory stays flat however many texts there are."""
    V = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(V, axis=1, keepdims=True)
    V = V / np.where(norms == 0, 1, norms)
    group = np.asarray(groups)
    out: list[list[tuple[int, float]]] = []
    block = max(1, (1 << 22) // max(1, len(V)))
    for start in range(0, len(queries), block):
        qs = queries[start:start + block]
        S = V[qs] @ V.T
        for r, q in enumerate(qs):
            hits = np.flatnonzero(S[r] >= threshold)
            hits = hits[group[hits] != group[q]]
            hits = hits[np.argsort(-S[r, hits], kind="stable")][:k]
            out.append([(int(j), float(S[r, j])) for j in hits])
    return out


def _ann_texts(index, members: list["Member"], row_of: dict[str, int], V: np.ndarray, queries: list[int],
               groups: list[int], threshold: float, k: int, copies: int,
               file_hashes: set[str]) -> list[list[tuple[int, float]]]:
    """Like `nearest_texts`, with candidates from the index's ANN queries (chunked
    and bounded by `Index.nearest_rows`). Rows that share a text would fill the k
    slots with copies of one another: ask for more."""
    from .index import row_uid

    text_of_uid = {row_uid(m.project, m.indicator): row_of[m.text] for m in members}
    n = k + min(copies - 1, 90) + 1
    # An index holding exactly this batch (a fresh or dedicated one) needs no file
    # filter: Chroma resolves a filter in SQLite on every call, for every row it matches.
    if index.count() == len(text_of_uid):
        file_hashes = set()
    out: list[list[tuple[int, float]]] = []
    for q, hits in zip(queries, index.nearest_rows([V[q] for q in queries], n, file_hashes)):
        seen: dict[int, float] = {}
        for uid, dist in hits:
            j = text_of_uid.get(uid)
            if j is not None and groups[j] != groups[q] and 1.0 - dist >= threshold:
                seen.setdefault(j, 1.0 - dist)
        out.append(sorted(seen.items(), key=lambda js: -js[1])[:k])
    if len(out) != len(queries):  # a backend that silently answered fewer queries must not pass as "no duplicates"
        raise RuntimeError(f"近邻查询只返回了 {len(out)}/{len(queries)} 个结果")
    return out


def find_clusters(projects: Iterable[Project], index=None, threshold: float = NEAR_THRESHOLD,
                  k: int = NEIGHBOURS, *, vectors: Mapping[str, np.ndarray] | None = None) -> list[Cluster]:
    """Clusters of ≥ 2 rows, largest first. Near-duplicates need vectors: given
    (`embed_text` → vector, as `index.batch_vectors` returns), or from `index`
    (the batch is indexed incrementally first); with neither, only exact repeats
    (modulo numbers and punctuation) are found. Each distinct text's nearest
    texts within the batch are the only candidate pairs checked."""
    projects = list(projects)
    members = [Member(p, ind) for p in projects for ind in p.indicators]
    uf = _UnionFind(len(members))
    # Exact hashing: same row_key, or same text and value once numbers and
    # punctuation are set aside (控制成本|项目支出|98万元 vs …|100万元).
    buckets: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, m in enumerate(members):
        buckets[(m.plain, _plain(m.indicator.value))].append(i)
    for idx in buckets.values():
        for i in idx[1:]:
            uf.union(idx[0], i)
    # Same text, values of the same kind (≥90% / 100%): compare one row per bucket.
    by_text: dict[str, list[int]] = defaultdict(list)
    for (text, _), idx in buckets.items():
        by_text[text].append(idx[0])
    for reps in by_text.values():
        for a in range(len(reps)):
            for b in range(a + 1, len(reps)):  # distinct values of one text: a handful
                if near_duplicates(members[reps[a]], members[reps[b]]):
                    uf.union(reps[a], reps[b])
    weakest: dict[int, float] = {}
    if vectors is None and index is not None and members:
        index.add_projects(projects)
        vectors = index.vectors([m.text for m in members])
    distinct = len({m.text for m in members})
    if vectors is not None and members:
        texts = list(dict.fromkeys(m.text for m in members))  # one vector per distinct embedded text
        row_of = {t: j for j, t in enumerate(texts)}
        plain_of = [_plain(t) for t in texts]
        plain_id = {t: n for n, t in enumerate(dict.fromkeys(plain_of))}
        first = {text: reps[0] for text, reps in by_text.items()}  # one query per plain text
        V = np.stack([vectors[t] for t in texts])
        queries = [row_of[members[i].text] for i in first.values()]
        groups = [plain_id[t] for t in plain_of]
        if distinct > EXACT_LIMIT and index is not None:
            copies = max(Counter(m.text for m in members).values())
            hits = _ann_texts(index, members, row_of, V, queries, groups, threshold, k, copies,
                              {p.source_hash for p in projects if p.source_hash})
        else:
            hits = nearest_texts(V, queries, groups, threshold, k)
        checked: set[tuple[str, str]] = set()
        for (ta, i), near in zip(first.items(), hits):
            for j, sim in near:
                tb = plain_of[j]
                if (min(ta, tb), max(ta, tb)) in checked:
                    continue
                checked.add((min(ta, tb), max(ta, tb)))
                for a in by_text[ta]:
                    for b in by_text[tb]:
                        if near_duplicates(members[a], members[b]):
                            uf.union(a, b)
                            r = uf.find(a)
                            weakest[r] = min(weakest.get(r, 1.0), sim)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(members)):
        groups[uf.find(i)].append(i)
    edge_min: dict[int, float] = {}
    for r, s in weakest.items():
        edge_min[uf.find(r)] = min(edge_min.get(uf.find(r), 1.0), s)
    out = []
    for root, idx in groups.items():
        if len(idx) < 2:
            continue
        rows = [members[i] for i in idx]
        exact = len({row_key(m.indicator) for m in rows}) == 1
        out.append(Cluster(rows=rows, exact=exact, min_similarity=1.0 if exact else edge_min.get(root, 1.0)))
    out.sort(key=lambda c: (-c.size, -len(c.projects), c.rows[0].ref))
    return out


# ---- from clusters to copy_paste findings (LABELS.md) ---------------------------

def _template_tables(clusters: list[Cluster], projects: list[Project]) -> set[tuple[str, str]]:
    """Tables most of whose rows are shared with other projects: one template."""
    shared: dict[tuple[str, str], set[str]] = defaultdict(set)
    for c in clusters:
        tables = {m.table_key for m in c.rows}
        if len(tables) < 2:
            continue
        for i, m in enumerate(c.rows):
            if c.by_project.elsewhere(i):
                shared[m.table_key].add(m.indicator.id)
    out = set()
    for p in projects:
        key = (p.source_hash or p.source_file, p.id)
        if p.indicators and len(shared.get(key, ())) / len(p.indicators) >= TEMPLATE_SHARE and len(p.indicators) >= 3:
            out.add(key)
    return out


def generic_description(ind: Indicator, p: Project) -> bool:
    """Nothing in the description is about this project: the rules call it vague,
    or it is the name with a word swapped (满足办公需求 / 满足办公需要)."""
    if check_description(ind, p):
        return True
    d, n = _plain(ind.description), _plain(ind.level3)
    return bool(d and n) and edit_ratio(d, n, LEXICAL_RATIO) >= LEXICAL_RATIO


def copy_paste_findings(clusters: list[Cluster], projects: Iterable[Project]) -> list[Finding]:
    """`copy_paste` per LABELS.md for members of clusters:
    - a row that repeats another row of its own table;
    - a row repeated in another project when its description is generic (stock
      rows such as 服务对象满意度 ≥90% with a real description are not flagged), or
      when its whole table is a template shared with other projects.
    Each finding cites at most RELATED_MAX other members in `related`, with the
    cluster's id and how many others there are (a stock row of 2,000 tables must
    not list 1,999 refs on each of them). Per cluster, the members are grouped by
    table once, so a cluster costs time in proportion to its size."""
    projects = list(projects)
    templates = _template_tables(clusters, projects)
    out: list[Finding] = []
    for c in clusters:
        by_table: dict[tuple[str, str], list[Member]] = defaultdict(list)
        for m in c.rows:
            by_table[m.table_key].append(m)
        values = {id(m): parse_value(m.indicator.value) for m in c.rows}
        numbers = Counter(v.number for v in values.values() if v.number is not None)
        table_numbers = {t: Counter(values[id(o)].number for o in ms if values[id(o)].number is not None)
                         for t, ms in by_table.items()}
        how = c.how()
        groups = c.by_project  # the same project's table of another year is not "another project"
        for i, m in enumerate(c.rows):
            number = _fact_number(values[id(m)])
            key = m.table_key
            # Rows of one table whose names differ in a number are different indicators
            # (孕产妇7天访视数 / 孕产妇42天访视数), however alike the rest is.
            same_table = [o for o in by_table[key] if o is not m and _name_numbers(o) == _name_numbers(m)]
            n_elsewhere = groups.elsewhere(i)
            weak = generic_description(m.indicator, m.project)
            templated = key in templates
            # A differing count or area is a fact of this project (物业管理面积 3225.35平米):
            # only a shared template or a repeat inside the table makes it copy-paste.
            fact = n_elsewhere and number is not None and numbers[number] == table_numbers[key][number]
            if not (same_table or (n_elsewhere and (templated or (weak and not fact)))):
                continue
            parts = []
            if same_table:
                parts.append(f"与本表{'、'.join(o.indicator.id for o in same_table[:5])}重复")
            if n_elsewhere:
                first = [c.rows[k].ref for k in groups.other_projects(i, 5)]
                # a table is one project of one unit: every other unit of the cluster is elsewhere
                units = len(c.units) - (m.project.unit in c.units)
                where = f"{len(by_table) - 1}个其他项目" + (f"（含{units}个其他单位）" if units else "（同一单位）")
                why = "本表整体套用同一模板" if templated and not weak else "描述为通用表述"
                parts.append(f"在{where}中{how}：{'、'.join(first)}；{why}")
            conf = 0.85 if c.exact else 0.7
            related = [o.ref for o in same_table[:RELATED_MAX]]
            related += [c.rows[k].ref for k in groups.other_projects(i, RELATED_MAX - len(related))]
            out.append(Finding(code="copy_paste", severity=SEVERITY["copy_paste"], rule="R7", evidence="；".join(parts),
                               source="index", confidence=conf, project_id=m.project.id, row_id=m.indicator.id,
                               related=related, related_total=c.size - 1, cluster=c.id))
    return out


def _name_numbers(m: Member) -> list[str]:
    return re.findall(r"\d+(?:\.\d+)?", m.indicator.level3)


def _fact_number(pv) -> float | None:
    """A parsed value as a quantity of its project (a count, an area — not a
    percentage, money or a date), else None. `copy_paste_findings` calls it a
    fact of the project when no member of another table has the same number."""
    if pv.number is None or pv.is_date or pv.unit_class in ("percent", "money", "time"):
        return None
    return pv.number


def index_copy_paste(projects: Iterable[Project], index=None) -> tuple[list[Cluster], list[Finding]]:
    """Clusters and copy_paste findings for one batch, building the index if needed."""
    from .index import Index

    projects = list(projects)
    idx = index if index is not None else Index()
    clusters = find_clusters(projects, idx)
    return clusters, copy_paste_findings(clusters, projects)


def review_copy_paste(projects: list[Project], rule_findings: list[Finding], index=None,
                      stored: dict[str, np.ndarray] | None = None, *,
                      clusters_out: list | None = None) -> tuple[list[Finding], list[Problem]]:
    """Index copy_paste findings for a review, minus rows the rules already flagged
    copy_paste. `stored`: what `index.stored_vectors` found before the rules ran.
    Never raises: if the index cannot be built or queried the review goes on
    with the rules' findings and a warn Problem says why. The clusters found
    are appended to `clusters_out` (the review keeps them: every view of
    clusters shows these, see `shown_clusters`); without the index, the exact
    repeats."""
    from .index import Index, batch_vectors

    have = {(f.project_id, f.row_id) for f in rule_findings if f.code == "copy_paste" and f.row_id}
    where = projects[0].source_file if projects else ""
    notes: list[str] = []
    try:
        if index is not None:
            notes = index.messages
            clusters, found = index_copy_paste(projects, index)
        else:
            # chromadb and the model only when a vector or a row is missing (index.batch_vectors)
            large = len({m for p in projects for m in map(embed_text, p.indicators)}) > EXACT_LIMIT
            # a batch clustered in memory needs nothing from the index now: its rows are written when it opens
            vectors = batch_vectors(projects, messages=notes, stored=stored, defer=not large)
            ann = None
            if large:
                ann = Index()  # a large batch (indexed above): candidates from the index's ANN queries
                notes += ann.messages
            clusters = find_clusters(projects, ann, vectors=vectors)
            found = copy_paste_findings(clusters, projects)
    except Exception as e:  # an unusable index must not cost the reviewer the rules' findings
        msg = f"相似行索引不可用，照搬套用仅按逐字重复检查，结果不完整（{type(e).__name__}: {e}）"
        if clusters_out is not None:
            clusters_out.extend(find_clusters(projects))
        return [], [Problem(file=where, message=m) for m in notes] + [Problem(file=where, message=msg, severity="warn")]
    if clusters_out is not None:
        clusters_out.extend(clusters)
    return [f for f in found if (f.project_id, f.row_id) not in have], [Problem(file=where, message=m) for m in notes]


# ---- the clusters every view shows ------------------------------------------------

def flagged_members(review, cluster: Cluster) -> list[bool]:
    """Per member: does the review label it copy_paste (the ✱ of every view)?"""
    return ["copy_paste" in review.labels(m.indicator.id) for m in cluster.rows]


def shown_clusters(review, include_unflagged: bool = False) -> list[Cluster]:
    """The one list of copy-paste clusters the `clusters` command, the app and
    both reports show: the clusters the review itself found (`Review.clusters`),
    keeping those with a member the review labels copy_paste (all of them with
    `include_unflagged`: near-identical rows judged acceptable, e.g. stock
    satisfaction rows with a real description), largest first."""
    clusters = review.clusters
    if clusters is None:  # a Review built without the offline copy-paste step: exact repeats
        clusters = review.clusters = find_clusters(review.projects)
    return [c for c in clusters if include_unflagged or any(flagged_members(review, c))]


def unclustered_copy_paste(review) -> list[str]:
    """Row ids labelled copy_paste that no shown cluster holds (a learned-model
    judgement without a near-identical row in this batch)."""
    inside = {m.indicator.id for c in shown_clusters(review) for m in c.rows}
    return [ind.id for _, ind in review.rows() if "copy_paste" in review.labels(ind.id) and ind.id not in inside]
