"""The indicator library: every good indicator the project knows, like the
共性指标库 provinces publish and like a translation memory (issue 14).

Entries come from
- the gold rewrites (and the ok rows) of the labelled sets: eval/labelled.jsonl
  and eval/regions/*.jsonl when present (origin `gold`);
- the rewrites reviewers accepted or edited, from the decision store (`reviewer`);
- the rows of reviewed tables that carry no label (`table`).
Each entry carries its parsed form (classifier/kinds.py: kind, direction, unit)
and the project, unit, province and level it came from.

Storage: a Chroma collection `library`, in <data dir>/library or on the Chroma
server of INDICATOR_QA_CHROMA_HOST (classifier/index.py's client), embedded with
the configured embedder (INDICATOR_QA_EMBEDDER). What is embedded is the
indicator's name with numbers normalised: a flagged row's description is the
part that is wrong, its name is what it means to measure.

Retrieval for rewrites is exact cosine over the entries' vectors (a library has
thousands of entries, not millions), filtered by kind and level and by the
caller's hold-out — deterministic, and for a local library answered from a
snapshot (<data dir>/library_snapshot.npz) without chromadb, so a warm review
stays as fast as before. The snapshot is a cache: delete it at will."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from .compose import PROPOSAL, scope_of, category, clean_name, name_for, value_for
from .config import data_dir, project_root
from .embeddings import normalise_numbers
from .kinds import expected_direction, form_of, kind_of
from .models import Indicator, Project
from .values import parse_value

log = logging.getLogger(__name__)

COLLECTION = "library"
SCHEMA = 1  # bump when ids, texts or metadata change meaning: a mismatch rebuilds the collection
SNAPSHOT = "library_snapshot.npz"
GENERIC_PROJECTS = 6  # a bigram in the descriptions of this many projects is common wording
MIN_SCORE = 0.86  # cosine of names below which an entry is not "close" and the composer writes the rewrite
_BATCH = 500
PROVINCES = ("北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建", "江西",
             "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海",
             "宁夏", "新疆", "香港", "澳门", "台湾")


@dataclass
class Entry:
    id: str
    level1: str
    level2: str
    level3: str
    description: str
    value: str
    kind: str
    direction: str
    unit: str  # the value's unit (计量单位), not the agency
    project: str = ""
    agency: str = ""  # 单位 of the project, as printed
    province: str = ""
    region: str = ""
    origin: str = "gold"  # gold | reviewer | table
    source: str = ""  # the labelled file, "decisions", or the reviewed file
    row_id: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    def meta(self) -> dict:
        return {k: (v or "")[:2000] if isinstance(v, str) else v for k, v in asdict(self).items() if k != "id"} | {"schema": SCHEMA}


def province_of(*texts: str) -> str:
    for t in texts:
        for p in PROVINCES:
            if t and p in t:
                return p
    return ""


def library_text(name: str) -> str:
    """What is embedded for an entry and for a query: the cleaned name, numbers normalised."""
    return normalise_numbers(clean_name(name)[:100]) or "（空）"


def _entry_id(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def make_entry(fields: dict, *, project: str, agency: str, origin: str, source: str, row_id: str,
               province: str = "", region: str = "") -> Entry:
    ind = Indicator(row_id, str(fields.get("level1") or ""), str(fields.get("level2") or ""), str(fields.get("level3") or ""),
                    str(fields.get("description") or ""), str(fields.get("value") or ""))
    probe = Indicator(ind.id, ind.level1, ind.level2, ind.level3, ind.description, ind.value.replace(PROPOSAL, ""))
    f = form_of(probe)
    return Entry(id=_entry_id(origin, source, row_id, project, ind.level3, ind.description, ind.value),
                 level1=ind.level1, level2=ind.level2, level3=ind.level3, description=ind.description, value=ind.value,
                 kind=f.kind, direction=f.direction, unit=f.unit, project=project, agency=agency,
                 province=province or province_of(agency, project), region=region, origin=origin, source=source, row_id=row_id)


# ---------------------------------------------------------------- sources


def labelled_files(root: Path | None = None) -> list[Path]:
    root = root or project_root()
    files = [root / "eval" / "labelled.jsonl"] + sorted((root / "eval" / "regions").glob("*.jsonl"))
    return [f for f in files if f.exists()]


def entries_from_labelled(path: Path) -> list[Entry]:
    """Gold rewrites of flagged rows and the ok rows themselves."""
    out = []
    rel = path.name if path.parent.name == "eval" else f"{path.parent.name}/{path.name}"
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        try:
            d = json.loads(line)
        except json.JSONDecodeError:
            continue
        if not isinstance(d, dict) or not isinstance(d.get("labels"), list):
            continue
        fields = d.get("rewrite") if d["labels"] else d
        if not isinstance(fields, dict) or not fields.get("level3"):
            continue
        out.append(make_entry(fields, project=str(d.get("project") or ""), agency=str(d.get("unit") or ""), origin="gold",
                              source=rel, row_id=str(d.get("id") or ""), province=str(d.get("province") or ""),
                              region=str(d.get("region") or "")))
    return out


def entries_from_decisions(path: Path | None = None) -> list[Entry]:
    """Rewrites reviewers accepted or edited (the store's labelled rows with a rewrite)."""
    path = path or data_dir() / "decisions.sqlite"
    if not Path(path).exists():  # never create a store just to read it
        return []
    from .store import decisions_as_labelled

    out = []
    for d in decisions_as_labelled(path):
        if d.get("rewrite") and d.get("action") in ("accept", "edit"):
            out.append(make_entry(d["rewrite"], project=d.get("project", ""), agency=d.get("unit", ""), origin="reviewer",
                                  source="decisions", row_id=f"{d.get('file_hash', '')[:12]}/{d['id']}"))
    return out


def entries_from_review(review) -> list[Entry]:
    """Rows of a reviewed table that carry no label: indicators the checks found nothing wrong with."""
    out = []
    for p, ind in review.rows():
        if review.labels(ind.id) or not ind.level3.strip():
            continue
        fields = {k: getattr(ind, k) for k in ("level1", "level2", "level3", "description", "value")}
        out.append(make_entry(fields, project=p.title, agency=p.unit, origin="table", source=p.source_file,
                              row_id=f"{(p.source_hash or '')[:12]}/{ind.id}"))
    return out


def known_entries(review=None) -> list[Entry]:
    entries = [e for f in labelled_files() for e in entries_from_labelled(f)] + entries_from_decisions()
    if review is not None:
        entries += entries_from_review(review)
    return list({e.id: e for e in entries}.values())


# ---------------------------------------------------------------- vectors


def _vectors(embedder, texts: list[str]) -> dict[str, np.ndarray]:
    """text → unit vector: the process memo, the data dir's vector cache and
    the vectors shipped with the package first (classifier/vectors.py), the
    embedder only for the rest."""
    from .index import _MEMO, _MEMO_MAX
    from .vectors import VectorCache, shipped_vectors

    model = embedder.model_id
    unique = list(dict.fromkeys(texts))
    out = {t: _MEMO[(model, t)] for t in unique if (model, t) in _MEMO}
    cache = VectorCache(model)
    out.update(cache.get(t for t in unique if t not in out))
    out.update(shipped_vectors(model, [t for t in unique if t not in out]))
    todo = [t for t in unique if t not in out]
    new = {}
    for i in range(0, len(todo), 64):
        chunk = todo[i:i + 64]
        for t, v in zip(chunk, embedder(chunk)):
            v = np.asarray(v, dtype=np.float32)
            new[t] = out[t] = _MEMO.setdefault((model, t), v) if len(_MEMO) < _MEMO_MAX else v  # first vector wins
    if new:
        cache.put(new)
    return out


def query_names(rows: Iterable[tuple[Indicator, Project, set[str]]]) -> list[str]:
    """The names flagged rows look the library up by (their rewrite's name)."""
    names = []
    for ind, p, codes in rows:
        l1, l2 = category(ind, codes)
        names.append(name_for(ind, p, l1, l2, codes))
    return names


def embed_queries(rows: Iterable[tuple[Indicator, Project, set[str]]], embedder=None) -> int:
    """Embed, ahead of time, the library queries of rows flagged so far (the
    rules' codes): a cold review does it while the batch is embedded in the
    background (classifier/pipeline.py), two forward passes on two cores. Only a
    cache: rows whose codes change later are embedded when they are looked up.
    Returns how many texts were asked for."""
    from .embeddings import get_embedder

    from .index import prefetching

    busy = prefetching()  # a text the batch's prefetch embeds is left to it: one vector per text and process
    texts = [t for t in (library_text(n) for n in query_names(rows)) if t not in busy]
    if texts:
        _vectors(embedder or get_embedder(), texts)
    return len(texts)


def _unit_rows(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    if m.ndim != 2 or not len(m):
        return m.reshape(0, m.shape[-1] if m.ndim == 2 else 0)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return m / norms


# ---------------------------------------------------------------- the view used for rewrites


@dataclass
class Hit:
    entry: Entry
    score: float


# A hold-out: True for an entry a row must not see (its own unit's gold, its province…).
HoldOut = Callable[[Entry, Indicator, Project], bool]


@dataclass
class LibraryView:
    """The entries and their vectors in memory, for nearest-entry lookups."""

    entries: list[Entry]
    matrix: np.ndarray  # unit vectors, one row per entry
    embedder: object = None
    hold_out: HoldOut | None = None
    min_score: float = MIN_SCORE
    _queries: dict = field(default_factory=dict)
    _generic: set | None = None
    # (kind, level2 prefix) → the entries that filter keeps (positions, their rows of
    # `matrix`), and (query text, kind, level2 prefix, k) → hits: a batch of 74,000
    # rows asks a few thousand distinct questions, each answered once.
    _subsets: dict = field(default_factory=dict)
    _answers: dict = field(default_factory=dict)

    def generic_terms(self) -> set[str]:
        """Character bigrams that descriptions of many projects share (计算, 公式,
        数据, 来源, 问卷 …): the wording of the trade, not any project's facts."""
        if self._generic is None:
            seen: dict[str, set[str]] = {}
            for e in self.entries:
                for b in bigrams(e.description):
                    seen.setdefault(b, set()).add(e.project)
            self._generic = {b for b, ps in seen.items() if len(ps) >= GENERIC_PROJECTS}
        return self._generic

    def __len__(self) -> int:
        return len(self.entries)

    def with_hold_out(self, hold_out: HoldOut | None) -> "LibraryView":
        return LibraryView(self.entries, self.matrix, self.embedder, hold_out, self.min_score, self._queries, self._generic,
                           self._subsets)

    def prepare(self, names: Iterable[str]) -> None:
        """Embed the query names of a batch at once (one model call, not one per row)."""
        texts = [library_text(n) for n in names]
        todo = [t for t in dict.fromkeys(texts) if t not in self._queries]
        if todo and self.embedder is not None:
            for t, v in _vectors(self.embedder, todo).items():
                n = float(np.linalg.norm(v))
                self._queries[t] = v / n if n else v

    def prepare_rows(self, rows: Iterable[tuple[Indicator, Project, set[str]]]) -> None:
        self.prepare(query_names(rows))

    def _query(self, name: str) -> np.ndarray | None:
        t = library_text(name)
        if t not in self._queries:
            self.prepare([name])
        return self._queries.get(t)

    def _subset(self, kind: str | None, level2: str | None) -> tuple[np.ndarray, np.ndarray]:
        key = (kind or "", (level2 or "")[:2])
        if key not in self._subsets:
            pos = np.asarray([j for j, e in enumerate(self.entries)
                              if not (kind and e.kind != kind or level2 and e.level2[:2] != level2[:2])], dtype=np.int64)
            self._subsets[key] = (pos, self.matrix[pos])
        return self._subsets[key]

    def nearest(self, name: str, kind: str | None = None, level2: str | None = None, k: int = 1,
                keep: Callable[[Entry], bool] | None = None) -> list[Hit]:
        if not self.entries:
            return []
        q = self._query(name)
        if q is None:
            return []
        if keep is None:
            # Only the entries of this kind and level, scored once per distinct question;
            # the stable order keeps ties resolving to the first entry, as a full scan does.
            key = (library_text(name), kind or "", (level2 or "")[:2], k)
            if key not in self._answers:
                pos, sub = self._subset(kind, level2)
                sims = sub @ q
                top = np.argsort(-sims, kind="stable")[:k]
                self._answers[key] = [Hit(self.entries[int(pos[j])], round(float(sims[j]), 4)) for j in top]
            return list(self._answers[key])
        sims = self.matrix @ q
        order = np.argsort(-sims, kind="stable")
        out = []
        for j in order:
            e = self.entries[int(j)]
            if kind and e.kind != kind or level2 and e.level2[:2] != level2[:2] or keep and not keep(e):
                continue
            out.append(Hit(e, round(float(sims[j]), 4)))
            if len(out) == k:
                break
        return out

    def nearest_for(self, ind: Indicator, project: Project, codes: set[str]) -> Hit | None:
        """The closest entry of the same kind and level as this row's rewrite
        would have, outside the hold-out, when it is close enough."""
        l1, l2 = category(ind, codes)
        name = name_for(ind, project, l1, l2, codes)
        kind = kind_of(Indicator(ind.id, l1, l2, name, ind.description, ind.value))
        keep = (lambda e: not self.hold_out(e, ind, project)) if self.hold_out else None
        hits = self.nearest(name, kind, l2, 1, keep)
        if hits and hits[0].score >= self.min_score:
            return hits[0]
        return None


def bigrams(text: str) -> set[str]:
    runs = re.findall(r"[\u4e00-\u9fff]+", text or "")
    return {r[i:i + 2] for r in runs for i in range(len(r) - 1)}


def foreign_terms(desc: str, ind: Indicator, project: Project, generic: set[str]) -> set[str]:
    """Bigrams of an adapted description that neither this row, its table nor
    the trade's common wording explain: another project's facts."""
    own = bigrams(" ".join((ind.level3, ind.description, ind.value, project.title, project.goal, project.purpose)))
    return bigrams(desc) - own - generic


def adapt(hit: Hit, ind: Indicator, project: Project, codes: set[str], generic: set[str] | None = None) -> dict | None:
    """The entry rewritten for this row: its subject (name, project), its
    numbers, its unit. None when the entry cannot be made this row's without
    carrying over another project's facts (its numbers or its own subject)."""
    e = hit.entry
    l1, l2 = category(ind, codes)
    name = name_for(ind, project, l1, l2, codes)
    desc = e.description
    if e.project and e.project in desc:
        desc = desc.replace(e.project, scope_of(project))
    if e.level3 and e.level3 in desc and e.level3 != name:
        desc = desc.replace(e.level3, name)
    if re.search(r"\d", re.sub(r"×100%|100%", "", desc)):
        return None  # the entry's numbers are the facts of its own project
    core = re.sub(r"(率|比例|比重|占比|数量|个数|次数|人数|满意度|时间|时效|金额|成本|费用)$", "", name)
    if core and core not in desc and name not in desc:
        return None  # the description is about the entry's subject, not this row's
    same_project = bool(e.project) and e.project == project.title and e.agency == project.unit  # its facts are this table's
    if generic is not None and not same_project and foreign_terms(desc, ind, project, generic):
        return None  # it would tell this unit about another project's contracts, sites or services
    kind = e.kind
    value = ind.value
    probe = Indicator(ind.id, l1, l2, name, desc, ind.value)
    value_flagged = bool(codes & {"unmeasurable_value", "unit_mismatch", "implausible_value", "wrong_category"})
    pv = parse_value(ind.value)
    if value_flagged or not pv.operator:
        value, standard = value_for(kind, name, probe, project, codes)
        if standard:
            return None  # the row's number needs the composer's wording to survive
        if value == ind.value and value_flagged:
            base = e.value.replace(PROPOSAL, "")
            value = base + (PROPOSAL if re.search(r"\d", base) else "")
    # The entry's direction for this kind, when the value has none yet.
    if not parse_value(value.replace(PROPOSAL, "")).operator and expected_direction(name, kind) == "" and kind in ("count", "rate"):
        return None
    ref = {"project": e.project, "unit": e.agency, "level3": e.level3, "description": e.description, "value": e.value,
           "origin": e.origin, "score": hit.score, "entry_id": e.id, "province": e.province}
    return {"level1": l1, "level2": l2, "level3": name, "description": desc, "value": value, "kind": kind, "reference": ref}


# ---------------------------------------------------------------- the collection


def library_dir() -> Path:
    return data_dir() / "library"


def is_local() -> bool:
    from .index import local_index_dir

    return local_index_dir() is not None


class Library:
    """The Chroma collection. Opening it imports chromadb; see `open_view` for the fast path."""

    def __init__(self, embedder=None, path: str | Path | None = None, *, catch_up: bool = True):
        from .embeddings import get_embedder
        from .index import _client, chroma_embedding_function

        self.ef = embedder or get_embedder()
        self.path = Path(path) if path else (library_dir() if is_local() else None)
        default = not path and is_local()
        self.client = _client(self.path)
        self.messages: list[str] = []
        want = {"embedder": self.ef.model_id, "schema": SCHEMA}
        ef = chroma_embedding_function(self.ef)
        try:
            col = self.client.get_collection(COLLECTION, embedding_function=ef)
            have = col.metadata or {}
            if (have.get("embedder"), have.get("schema")) != (want["embedder"], want["schema"]):
                self.messages.append(f"指标库由 {have.get('embedder')} 建立，当前为 {want['embedder']}，已重建。")
                self.client.delete_collection(COLLECTION)
                raise LookupError
        except Exception:
            try:
                col = self.client.create_collection(COLLECTION, metadata=want | {"hnsw:space": "cosine"}, embedding_function=ef)
            except Exception:  # created meanwhile by another process, or a conflicting embedding-function config
                col = self.client.get_or_create_collection(COLLECTION, embedding_function=ef)
        self.col = col
        if default and catch_up:
            self._catch_up()

    def _catch_up(self) -> None:
        """A local collection takes in what reviews added to the snapshot since it
        was last opened (see `open_view`), with the snapshot's vectors."""
        snap = _read_snapshot(self.ef.model_id)
        if snap is not None:
            self.sync(snap[0], vectors={library_text(e.level3): v for e, v in zip(*snap)})

    def count(self) -> int:
        return self.col.count()

    def sync(self, entries: list[Entry], vectors: dict[str, np.ndarray] | None = None) -> dict:
        """Add what is missing; drop gold and reviewer entries whose source no
        longer has them (an undone decision, an edited labelled file). Table
        rows accumulate: every reviewed table adds its good rows."""
        ids = [e.id for e in entries]
        present: set[str] = set()
        for i in range(0, len(ids), _BATCH):
            present.update(self.col.get(ids=ids[i:i + _BATCH], include=[])["ids"])
        want = set(ids)
        removed = 0
        for origin, sources in (("gold", {e.source for e in entries if e.origin == "gold"}), ("reviewer", {"decisions"})):
            for src in sorted(sources):
                stale = [u for u in self.col.get(where={"$and": [{"origin": origin}, {"source": src}]}, include=[])["ids"] if u not in want]
                for i in range(0, len(stale), _BATCH):
                    self.col.delete(ids=stale[i:i + _BATCH])
                removed += len(stale)
        new = [e for e in entries if e.id not in present]
        if new:
            texts = [library_text(e.level3) for e in new]
            given = vectors or {}
            vecs = given | _vectors(self.ef, [t for t in texts if t not in given])
            for i in range(0, len(new), _BATCH):
                chunk = new[i:i + _BATCH]
                self.col.add(ids=[e.id for e in chunk], embeddings=[vecs[t] for t in texts[i:i + _BATCH]],
                             documents=texts[i:i + _BATCH], metadatas=[e.meta() for e in chunk])
        return {"entries": len(entries), "added": len(new), "removed": removed, "total": self.count()}

    def all(self) -> tuple[list[Entry], np.ndarray]:
        got = self.col.get(include=["embeddings", "metadatas"])
        entries, vecs = [], []
        for uid, meta, emb in zip(got["ids"], got["metadatas"], got["embeddings"]):
            entries.append(Entry(id=uid, **{k: (meta or {}).get(k, "") for k in Entry.__dataclass_fields__ if k != "id"}))
            vecs.append(np.asarray(emb, dtype=np.float32))
        order = sorted(range(len(entries)), key=lambda i: entries[i].id)  # stable order: ties resolve the same way every run
        entries = [entries[i] for i in order]
        matrix = _unit_rows(np.stack([vecs[i] for i in order])) if vecs else np.zeros((0, int(getattr(self.ef, "dim", 1) or 1)), np.float32)
        return entries, matrix

    def search(self, text: str, k: int = 10, kind: str | None = None, level2: str | None = None, origin: str | None = None) -> list[Hit]:
        """Chroma's nearest-neighbour query, filtered on the entries' parsed form."""
        conds = [{"kind": kind}] if kind else []
        conds += [{"level2": level2}] if level2 else []
        conds += [{"origin": origin}] if origin else []
        where = conds[0] if len(conds) == 1 else ({"$and": conds} if conds else None)
        n = self.count()
        if not n:
            return []
        vec = _vectors(self.ef, [library_text(text)])[library_text(text)]
        res = self.col.query(query_embeddings=[vec], n_results=min(k, n), where=where, include=["metadatas", "distances"])
        return [Hit(Entry(id=u, **{f: (m or {}).get(f, "") for f in Entry.__dataclass_fields__ if f != "id"}), round(1 - float(d), 4))
                for u, m, d in zip(res["ids"][0], res["metadatas"][0], res["distances"][0])]


# ---------------------------------------------------------------- snapshot (local library only)


def _snapshot_path() -> Path:
    return data_dir() / SNAPSHOT


def _read_snapshot(model_id: str, with_gold: bool = False):
    """(entries, vectors) of the local snapshot, or None; `with_gold` adds the
    labelled files' signature it was written with (see `_gold_signature`)."""
    path = _snapshot_path()
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            if meta.get("model") != model_id or meta.get("schema") != SCHEMA:
                return None
            out = [Entry(**d) for d in meta["entries"]], np.asarray(z["vectors"], dtype=np.float32)
            return (*out, meta.get("gold")) if with_gold else out
    except Exception as e:  # a cache: unreadable means absent
        log.info("library snapshot unreadable (%s); rebuilding", e)
        return None


def _gold_signature(files: list[Path]) -> dict[str, list[int]]:
    """Each labelled file's size and modification time: while they are those the
    snapshot was written with, its gold entries are the files' (parsing ~60 files
    costs a fifth of a warm review)."""
    out = {}
    for f in files:
        st = f.stat()
        out[str(f)] = [st.st_size, st.st_mtime_ns]
    return out


def _write_snapshot(model_id: str, entries: list[Entry], matrix: np.ndarray, gold: dict | None = None) -> None:
    path = _snapshot_path()
    tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")  # two reviews at once never share a half-written file
    try:
        meta = json.dumps({"model": model_id, "schema": SCHEMA, "entries": [e.to_dict() for e in entries], "gold": gold},
                          ensure_ascii=False)
        np.savez(tmp, vectors=matrix.astype(np.float32), meta=np.array(meta))
        tmp.replace(path)
    except OSError as e:
        log.warning("could not write the library snapshot (%s)", e)


def _stale(have: list[Entry], wanted: list[Entry]) -> set[str]:
    """Ids in `have` that `wanted` drops: gold entries of a labelled file that no
    longer has them, reviewer entries of an undone decision. Table rows accumulate."""
    want = {e.id for e in wanted}
    sources = {e.source for e in wanted if e.origin == "gold"} | {"decisions"}
    return {e.id for e in have if e.origin in ("gold", "reviewer") and e.source in sources and e.id not in want}


def merge_entries(have: list[Entry], wanted: list[Entry]) -> list[Entry]:
    """What the library holds after syncing `have` with its sources `wanted` (the
    same rule as `Library.sync`), sorted by id as `Library.all` returns them."""
    stale = _stale(have, wanted)
    merged = {e.id: e for e in have if e.id not in stale} | {e.id: e for e in wanted}
    return [merged[k] for k in sorted(merged)]


def open_view(review=None, embedder=None, messages: list[str] | None = None) -> LibraryView:
    """The library as a LibraryView, synced with its sources (and with the
    good rows of `review`).

    A local library lives in its snapshot (the data dir's library_snapshot.npz:
    entries and vectors); a review reads and extends that without chromadb, and
    the Chroma collection catches up from it when it is opened (`Library`: the
    `library` command, the Chroma server path). Writing ~1,300 entries into
    Chroma on every first review was a third of a cold start. Without a snapshot
    (a data dir from before it, or a deleted one) the local collection is read,
    so no accumulated table row is lost; through a Chroma server the collection
    is always the library."""
    from .embeddings import get_embedder

    ef = embedder or get_embedder()
    if is_local():
        files = labelled_files()
        gold_sig = _gold_signature(files)
        snap = _read_snapshot(ef.model_id, with_gold=True)
        if snap is not None and snap[2] == gold_sig:  # the labelled files are as the snapshot took them
            gold = [e for e in snap[0] if e.origin == "gold"]
            wanted = list({e.id: e for e in gold + entries_from_decisions()
                           + (entries_from_review(review) if review is not None else [])}.values())
        else:
            wanted = known_entries(review)
        taken = snap is not None and snap[2] == gold_sig
        snap = snap[:2] if snap is not None else None
        if snap is None and (library_dir() / "chroma.sqlite3").exists():
            snap = _from_collection(ef, messages)
        have, matrix = snap if snap is not None else ([], np.zeros((0, int(getattr(ef, "dim", 1) or 1)), np.float32))
        entries = merge_entries(have, wanted)
        if [e.id for e in entries] == [e.id for e in have]:
            if not taken and snap is not None:  # same entries, files touched: remember their signature
                _write_snapshot(ef.model_id, have, matrix, gold_sig)
            return LibraryView(have, matrix, ef)
        rows = {e.id: k for k, e in enumerate(have)}
        texts = {e.id: library_text(e.level3) for e in entries if e.id not in rows}
        vecs = _vectors(ef, list(texts.values()))
        new = _unit_rows(np.stack([matrix[rows[e.id]] if e.id in rows else vecs[texts[e.id]] for e in entries])) \
            if entries else matrix[:0]
        _write_snapshot(ef.model_id, entries, new, gold_sig)
        return LibraryView(entries, new, ef)
    wanted = known_entries(review)
    lib = Library(ef)
    lib.sync(wanted)
    if messages is not None:
        messages.extend(lib.messages)
    entries, matrix = lib.all()
    return LibraryView(entries, matrix, ef)


def _from_collection(ef, messages: list[str] | None) -> tuple[list[Entry], np.ndarray] | None:
    try:
        lib = Library(ef, catch_up=False)
    except Exception as e:  # unreadable: the library starts again from its sources
        log.info("local library collection unreadable (%s)", e)
        return None
    if messages is not None:
        messages.extend(lib.messages)
    return lib.all()


# Hold-outs for evaluation: a row never sees entries of its own unit / project / province.
def hold_out_unit(e: Entry, ind: Indicator, p: Project) -> bool:
    return bool(e.agency) and e.agency == p.unit


def hold_out_project(e: Entry, ind: Indicator, p: Project) -> bool:
    return (bool(e.project) and e.project == p.title) or hold_out_unit(e, ind, p)


def hold_out_province(e: Entry, ind: Indicator, p: Project) -> bool:
    prov = province_of(p.unit, p.title)
    return (bool(prov) and e.province == prov) or hold_out_project(e, ind, p)
