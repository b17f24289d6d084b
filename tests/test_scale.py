"""A province's year in one run (issue 18): the >8,000-text near-duplicate path
(ANN queries through the index) on a generated corpus agrees with the exact path,
every neighbour query stays inside the backend's limits, and a failed search is
a problem that fails `--fail-on warn` instead of passing as "no duplicates"."""
from __future__ import annotations

import copy
import random
import json

import pytest
from click.testing import CliRunner

from classifier import clusters as cl
from classifier.cli import main
from classifier.embeddings import _Counting, embed_text
from classifier.features import _hashing_encode
from classifier.index import _QUERY_RESULTS, Index
from classifier.pipeline import review
from helpers import write_projects_csv

DISTRICTS = ("和平区", "河东区", "河西区", "南开区", "河北区", "红桥区", "东丽区", "西青区", "津南区", "北辰区",
             "武清区", "宝坻区", "滨海新区", "宁河区", "静海区", "蓟州区")


class GramEmbedding(_Counting):
    """256-d char 1–3-gram hashing (the learned labeller's weight-free embedder):
    a real embedder of the product, small enough that an index of 11,000 rows
    builds in seconds on a loaded 2-core machine."""

    dim = 256
    model_id = "test/char-gram-hash-256"

    def __call__(self, input):
        self._count(len(input))
        return list(_hashing_encode(list(input)))

    @staticmethod
    def name() -> str:
        return "indicator_qa_test_grams"


def generated_corpus(seed_projects, copies: int) -> list:
    """`copies` renamed copies of the seed: each copy's agency and descriptions
    carry its district, so almost every text is distinct (> EXACT_LIMIT of them),
    while most rows stay near-duplicates of their twins in other copies."""
    rng = random.Random(18)
    out = []
    for k in range(copies):
        district = DISTRICTS[k % len(DISTRICTS)] + ("" if k < len(DISTRICTS) else f"第{k // len(DISTRICTS) + 1}片区")
        for p in seed_projects:
            q = copy.deepcopy(p)
            q.id = f"C{k:02d}.{p.id}"
            q.title, q.unit = f"{district}{p.title}", f"{district}{p.unit}"
            q.source_file, q.source_hash = f"gen_{k:02d}.csv", f"{k:064x}"
            for ind in q.indicators:
                ind.id = f"C{k:02d}.{ind.id}"
                if ind.description and rng.random() < 0.9:
                    ind.description = f"{district}{ind.description}"
            out.append(q)
    return out


@pytest.fixture(scope="module")
def big(seed_read, tmp_path_factory):
    projects = generated_corpus(seed_read.projects, 15)
    idx = Index(path=tmp_path_factory.mktemp("ann_index"), embedder=GramEmbedding())
    idx.add_projects(projects)
    return projects, idx


def test_over_8000_texts_take_the_ann_path_in_bounded_queries_with_the_exact_clusters(big, monkeypatch):
    projects, idx = big
    distinct = len({embed_text(ind) for p in projects for ind in p.indicators})
    # The default limit (30,000, set by cost) would need an index of ~40,000 rows here:
    # the path is taken from 8,000 texts, its old limit, so 11,000 rows drive it.
    monkeypatch.setattr(cl, "EXACT_LIMIT", 8000)
    assert distinct > cl.EXACT_LIMIT

    calls: list[tuple[int, int]] = []
    real_query = idx.collection.query

    def query(*args, **kwargs):
        calls.append((len(kwargs["query_embeddings"]), kwargs["n_results"]))
        return real_query(*args, **kwargs)

    monkeypatch.setattr(idx.collection, "query", query)
    ann = cl.find_clusters(projects, idx)
    monkeypatch.undo()
    assert calls, "the ANN path was not taken"
    queries = sum(q for q, _ in calls)
    assert queries >= distinct // 2  # one query per distinct plain text
    assert all(q * n <= _QUERY_RESULTS for q, n in calls)  # never near SQLite's 32,766 variables
    assert len(calls) > 1

    # The exact path over the same stored vectors (no index: blocked matrix products).
    vectors = idx.vectors([embed_text(ind) for p in projects for ind in p.indicators])
    exact = cl.find_clusters(projects, vectors=vectors)
    of = lambda cs: {m.ref: frozenset(x.ref for x in c.rows) for c in cs for m in c.rows}  # noqa: E731
    ann_of, exact_of = of(ann), of(exact)
    refs = [f"{p.id}/{ind.id}" for p in projects for ind in p.indicators]
    sample = random.Random(7).sample(refs, 500)
    agree = sum(ann_of.get(r, frozenset()) == exact_of.get(r, frozenset()) for r in sample)
    assert agree >= 0.98 * len(sample), f"ANN and exact clusters agree on {agree}/{len(sample)} sampled rows"
    # the corpus really has cross-copy clusters to find, and both paths find them
    spanning = [r for r in sample if len({x.split(".")[0] for x in exact_of.get(r, ())}) >= 5]
    assert len(spanning) >= 100
    assert sum(ann_of.get(r) == exact_of.get(r) for r in spanning) >= 0.98 * len(spanning)


def test_neighbour_queries_stay_in_limits_for_many_files_and_many_copies(big, monkeypatch):
    """2,000 files in one filter and 111 results per query once failed with "too
    many SQL variables": the filter and the calls are split, results merged."""
    projects, idx = big
    calls: list[tuple[int, int, int]] = []
    real_query = idx.collection.query

    def query(*args, **kwargs):
        where = kwargs.get("where") or {}
        files = where.get("file_hash", {})
        calls.append((len(kwargs["query_embeddings"]), kwargs["n_results"], len(files["$in"]) if isinstance(files, dict) else 1))
        return real_query(*args, **kwargs)

    monkeypatch.setattr(idx.collection, "query", query)
    texts = [embed_text(ind) for ind in projects[0].indicators[:3]]
    V = [idx.vectors(texts)[t] for t in texts]
    hashes = {p.source_hash for p in projects} | {f"{i:064x}" for i in range(100, 2100)}  # 2,015 files
    got = list(idx.nearest_rows(V, 111, hashes))
    assert len(got) == 3 and all(len(h) == 111 for h in got)
    assert all(q * n <= _QUERY_RESULTS and f <= 500 for q, n, f in calls)
    assert all(h[i][1] <= h[i + 1][1] for h in got for i in range(len(h) - 1))  # merged nearest first
    # the same neighbours as one unfiltered query restricted to the corpus' files
    monkeypatch.undo()
    one = list(idx.nearest_rows(V, 111, {p.source_hash for p in projects}))
    assert [[u for u, _ in h] for h in got] == [[u for u, _ in h] for h in one]


def _clean_table(seed_read):
    """A seed table cut down to its rows without block or warn findings, such that
    the review of it alone has none either (suggestions are fine)."""
    from classifier.models import ReadResult

    serious = lambda fs: any(f.severity in ("block", "warn") for f in fs)  # noqa: E731
    rv = review(seed_read, "offline", use_index=False)
    for p in seed_read.projects:
        q = copy.deepcopy(p)
        q.indicators = [i for i in p.indicators if not serious(rv.row_findings(i.id))]
        if len(q.indicators) < 4:
            continue
        alone = review(ReadResult(projects=[q]), "offline", use_index=False)
        if not serious(alone.findings):
            return q
    pytest.fail("no seed table has a warn-free part")


def test_a_failed_near_duplicate_search_is_a_problem_that_fails_fail_on_warn(seed_read, tmp_path, monkeypatch):
    monkeypatch.setenv("INDICATOR_QA_EMBEDDER", "tfidf")
    path = tmp_path / "clean.csv"
    write_projects_csv(path, [_clean_table(seed_read)])
    runner = CliRunner()
    ok = runner.invoke(main, ["review", str(path), "--format", "json", "--fail-on", "warn"])
    assert ok.exit_code == 0, ok.output

    def broken(self, vectors, n, file_hashes=None):
        raise RuntimeError("too many SQL variables")
        yield  # a generator, as the real one

    monkeypatch.setattr(Index, "nearest_rows", broken)
    monkeypatch.setattr(cl, "EXACT_LIMIT", 0)  # this small table through the ANN path
    bad = runner.invoke(main, ["review", str(path), "--format", "json", "--fail-on", "warn"])
    assert bad.exit_code == 1
    assert "相似行索引不可用" in bad.stderr and "too many SQL variables" in bad.stderr and "clean.csv" in bad.stderr
    assert bad.exception is None or isinstance(bad.exception, SystemExit)
    # without --fail-on the review still succeeds, and the JSON says what was not done
    plain = runner.invoke(main, ["review", str(path), "--format", "json"])
    assert plain.exit_code == 0
    import json

    problems = json.loads(plain.stdout)["problems"]
    assert any(pr["severity"] == "warn" and "相似行索引不可用" in pr["message"] for pr in problems)


RERUN = r"""
import json, sys, time
from classifier.ingest import read_path
from classifier.models import ReadResult
from classifier.pipeline import review
from classifier import embeddings

read = read_path(sys.argv[1])
t = time.perf_counter()
rv = review(ReadResult(projects=read.projects[:3]), sys.argv[2])
print(json.dumps({"calls": rv.run["calls"], "cache_hits": rv.run["cache_hits"], "seconds": time.perf_counter() - t,
                  "chromadb": "chromadb" in sys.modules, "sklearn_text": "sklearn.feature_extraction.text" in sys.modules,
                  "embedded": sum(e.texts for e in embeddings._SHARED.values()),
                  "few_shot": [rv.run.get("few_shot_retrieval"), rv.run.get("few_shot_cached")],
                  "labels": {i.id: rv.labels(i.id) for _, i in rv.rows()}}, ensure_ascii=False))
"""


def _rerun(seed_path, backend: str, env: dict) -> dict:
    import json
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", RERUN, str(seed_path), backend], env=env, capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_cached_llm_rerun_consults_the_cache_before_embedding_anything(seed_path, tmp_path):
    """Issue 18: the cached rerun made 0 calls but reloaded the model and re-embedded
    every table for its few-shot examples before the cache was consulted."""
    import os
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from llm_server import ScriptedLLM

    env = {k: v for k, v in os.environ.items() if not k.startswith(("INDICATOR_QA_", "OPENAI_"))}
    env["INDICATOR_QA_HOME"] = str(tmp_path / "home")
    with ScriptedLLM() as srv:
        env.update(INDICATOR_QA_BASE_URL=srv.url, INDICATOR_QA_MODEL="test-model")
        cold = _rerun(seed_path, "openai", env)
        asked = srv.count
        again = _rerun(seed_path, "openai", env)
        assert srv.count == asked
    assert cold["calls"] > 0 and cold["embedded"] > 0 and cold["few_shot"][0].startswith("embeddings:")
    assert again["calls"] == 0 and again["cache_hits"] >= cold["calls"]
    assert again["embedded"] == 0 and not again["chromadb"]  # examples from the stored picks
    assert again["few_shot"] == [cold["few_shot"][0], 3]  # the three tables' examples came from the stored picks
    assert again["labels"] == cold["labels"]


def test_tfidf_warm_review_imports_no_sklearn_text_module(seed_path, tmp_path):
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("INDICATOR_QA_", "OPENAI_"))}
    env.update(INDICATOR_QA_HOME=str(tmp_path / "home"), INDICATOR_QA_EMBEDDER="tfidf")
    cold = _rerun(seed_path, "offline", env)
    warm = _rerun(seed_path, "offline", env)
    assert cold["embedded"] > 0 and cold["sklearn_text"]
    assert warm["embedded"] == 0 and not warm["sklearn_text"] and not warm["chromadb"]
    assert warm["labels"] == cold["labels"]


def test_copy_paste_findings_list_a_bounded_number_of_members_with_count_and_cluster(seed_read, tmp_path, monkeypatch):
    """Issue 15 item 9: 2,000 files with the same 5 rows gave a 554 MB JSONL, every
    finding listing all 1,999 others. Here 400 tables share 5 rows."""
    from classifier.models import ReadResult
    from classifier.report.figures import copy_paste_clusters
    from classifier.rules import RELATED_MAX

    monkeypatch.setenv("INDICATOR_QA_EMBEDDER", "tfidf")
    template = next(p for p in seed_read.projects if len(p.indicators) >= 5)
    projects = []
    for k in range(400):
        q = copy.deepcopy(template)
        q.id, q.title, q.unit = f"F{k + 1}.T001", f"项目{k + 1}", f"{k + 1:04d}单位"
        q.source_file, q.source_hash = f"f{k + 1}.csv", f"{k + 1:064x}"
        q.indicators = q.indicators[:5]
        for ind in q.indicators:
            ind.id = f"F{k + 1}.{ind.id}"
            ind.description = ""  # a generic (empty) description: every copy is copy_paste
        projects.append(q)
    rv = review(ReadResult(projects=projects), "offline", use_model=False)
    cp = [f for f in rv.findings if f.code == "copy_paste"]
    assert len(cp) == 2000
    assert all(len(f.related) <= RELATED_MAX and f.related_total == 399 and f.cluster for f in cp)
    assert len({f.cluster for f in cp}) == 5  # one cluster per shared row
    # what a row prints stays the same size whatever the number of copies
    sizes = {len(json.dumps(rv.row_dict(p, i), ensure_ascii=False)) for p in projects[:3] + projects[-3:] for i in p.indicators}
    assert max(sizes) < 6000
    # the report still sees the 5 clusters of 400 rows each
    clusters = copy_paste_clusters(rv)
    assert sorted(len(c.members) for c in clusters) == [400] * 5
