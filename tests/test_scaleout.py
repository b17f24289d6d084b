"""The scale-out path of the README, each piece on loopback at small size: a
Chroma server holding the indicator index and the labelled library, an
OpenAI-compatible embeddings server (INDICATOR_QA_EMBEDDER=openai), reviews
sharded by unit in parallel processes, merged by `indicator-qa report` over
their JSONs into one report."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from embed_server import EmbeddingServer  # noqa: E402
from helpers import write_projects_csv  # noqa: E402

pytestmark = pytest.mark.chroma_server


def test_sharded_reviews_on_a_chroma_server_and_an_embeddings_server_merge_into_one_report(
        chroma_server, seed_read, tmp_path):
    client, port = chroma_server
    units = sorted({p.unit for p in seed_read.projects})
    half = set(units[: len(units) // 2])
    shards = [tmp_path / "units_a.csv", tmp_path / "units_b.csv"]
    rows = [write_projects_csv(shards[0], [p for p in seed_read.projects if p.unit in half]),
            write_projects_csv(shards[1], [p for p in seed_read.projects if p.unit not in half])]
    assert all(rows) and sum(rows) == 743
    with EmbeddingServer() as emb:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("INDICATOR_QA_", "OPENAI_"))}
        base.update(INDICATOR_QA_CHROMA_HOST="127.0.0.1", INDICATOR_QA_CHROMA_PORT=str(port),
                    INDICATOR_QA_EMBEDDER="openai", INDICATOR_QA_EMBED_BASE_URL=emb.url,
                    INDICATOR_QA_EMBED_MODEL="test-embed")
        procs = []
        for k, shard in enumerate(shards):  # two reviewers' machines: own data dirs, one server
            env = dict(base, INDICATOR_QA_HOME=str(tmp_path / f"home{k}"))
            procs.append(subprocess.Popen(["indicator-qa", "review", str(shard), "--format", "json", "--out",
                                           str(shard.with_suffix(".json")), "--fail-on", "warn"],
                                          env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        results = [(p.wait(timeout=600), p.stderr.read()) for p in procs]
        for p in procs:
            p.stdout.close()
            p.stderr.close()
        assert emb.texts > 0 and all(r["model"] == "test-embed" for r in emb.requests)
    docs = [json.loads(s.with_suffix(".json").read_text(encoding="utf-8")) for s in shards]
    for (rc, err), doc in zip(results, docs):
        assert rc in (0, 1), err  # 1: the seed has warn findings (--fail-on warn)
        assert not [p for p in doc["problems"] if p.get("severity")], err  # the search was not degraded
    assert client.get_collection("indicators").count() == 743  # both shards' rows in the shared index

    reports = [tmp_path / "all.html", tmp_path / "all.xlsx"]
    out = subprocess.run(["indicator-qa", "report", *[str(s.with_suffix(".json")) for s in shards],
                          "--out", str(reports[0]), "--out", str(reports[1])], env=base | {"INDICATOR_QA_HOME": str(tmp_path / "h")},
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    tables = sum(d["summary"]["tables"] for d in docs)
    flagged = sum(d["summary"]["flagged_rows"] for d in docs)
    assert f"{tables} 张表，743 行指标，其中 {flagged} 行被标出问题" in out.stderr
    html = reports[0].read_text(encoding="utf-8")
    for d in docs:  # a project of each shard, and no project twice under clashing ids
        assert d["projects"][0]["title"] in html
    import openpyxl

    wb = openpyxl.load_workbook(reports[1], read_only=True)
    assert len(wb.sheetnames) > 2
    wb.close()


def test_the_labelled_library_lives_on_the_chroma_server(chroma_server, monkeypatch):
    from classifier.llm import fewshot

    client, port = chroma_server
    with EmbeddingServer() as emb:
        monkeypatch.setenv("INDICATOR_QA_CHROMA_HOST", "127.0.0.1")
        monkeypatch.setenv("INDICATOR_QA_CHROMA_PORT", str(port))
        monkeypatch.setenv("INDICATOR_QA_EMBEDDER", "openai")
        monkeypatch.setenv("INDICATOR_QA_EMBED_BASE_URL", emb.url)
        pool = fewshot.labelled_examples("eval/labelled.jsonl")
        if not pool:
            pytest.skip("no labelled pool")
        r = fewshot.EmbeddingRetriever(pool)
        assert r.built and client.get_collection("fewshot").count() == len(pool)
        sat = fewshot._indicator(next(d for d in pool if d.get("level1") == "满意度指标"))
        ex = r.nearest([sat], 3)
        assert len(ex) == 3 and all(e["level1"] == "满意度指标" for e in ex)
        monkeypatch.setattr(fewshot, "_MEMO", {})
        asked = emb.texts
        again = fewshot.EmbeddingRetriever(pool)  # another machine: the library is already on the server
        assert not again.built and emb.texts == asked
