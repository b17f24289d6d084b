"""A province's year in one run (issue 18): the >8,000-text near-duplicate path
(ANN queries through the index) on a generated corpus agrees with the exact path,
every neighbour query stays inside the backend's limits, and a failed search is
a problem that fails `--fail-on warn` instead of passing as "no duplicates"."""
from __future__ import annotations

import copy
import csv
import random

import pytest
from click.testing import CliRunner

from classifier import clusters as cl
from classifier.cli import main
from classifier.embeddings import _Counting, embed_text
from classifier.features import _hashing_encode
from classifier.index import _QUERY_RESULTS, Index
from classifier.pipeline import review

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
    assert distinct > cl.EXACT_LIMIT  # the default limit: no monkeypatching of the path choice

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
    """A seed table on which the rules, the index and the model find nothing."""
    rv = review(seed_read, "offline", use_index=False)
    for p in seed_read.projects:
        if not rv.project_findings(p.id) and not any(rv.row_findings(i.id) for i in p.indicators) and len(p.indicators) >= 5:
            return p
    pytest.skip("no clean table in the seed")


def _write_csv(path, projects) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(("项目名称", "主管部门", "预算数", "一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值"))
        for p in projects:
            for ind in p.indicators:
                w.writerow((p.title, p.unit, "" if p.budget is None else f"{p.budget:g}", ind.level1, ind.level2,
                            ind.level3, ind.description, ind.value))


def test_a_failed_near_duplicate_search_is_a_problem_that_fails_fail_on_warn(seed_read, tmp_path, monkeypatch):
    monkeypatch.setenv("INDICATOR_QA_EMBEDDER", "tfidf")
    path = tmp_path / "clean.csv"
    _write_csv(path, [_clean_table(seed_read)])
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
