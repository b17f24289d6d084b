"""The indicator library (issue 14): built from the labelled set, the decision
store and the clean rows of reviewed tables; library-first rewrites with their
reference; hold-outs; proposals for missing dimensions; the CLI; a Chroma server;
the judged-rewrites set and its scores."""
import json
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from classifier.cli import main
from classifier.library import (MIN_SCORE, Library, entries_from_labelled, hold_out_unit, known_entries, labelled_files,
                                open_view)
from classifier.models import KIND_ZH
from classifier.pipeline import review

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT / "eval" / "labelled.jsonl"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _gold():
    return [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_entries_from_the_labelled_set_carry_their_parsed_form():
    gold = _gold()
    entries = entries_from_labelled(LABELLED)
    # every gold rewrite and every ok row of the set, once
    assert len(entries) == sum(1 for d in gold if d["labels"] and d["rewrite"]) + sum(1 for d in gold if not d["labels"])
    assert {e.kind for e in entries} <= set(KIND_ZH) and all(e.origin == "gold" for e in entries)
    by = {e.row_id: e for e in entries}
    rate = by["T004-03"]  # gold: 设备维护及时率 | 计算公式… | ≥95%（建议值）
    assert (rate.kind, rate.direction, rate.unit) == ("rate", "up", "%")
    assert rate.project.startswith("市公务车北斗定位") and rate.agency.startswith("340101") and rate.province == "天津市"
    cost = by["T004-04"]  # gold: ≤236万元
    assert (cost.kind, cost.direction, cost.unit) == ("money", "down", "万元")
    assert by["T002-01"].kind == "duration" and by["T002-01"].direction == "down"


def test_library_grows_as_reviewers_decide(seed_read):
    from classifier.store import Store

    view = open_view()
    base = len(view)
    assert base >= len(entries_from_labelled(LABELLED))
    p = seed_read.projects[0]
    ind = p.indicators[4]
    before = {"project": p.title, "unit": p.unit, "budget": p.budget, **{k: getattr(ind, k) for k in
                                                                        ("level1", "level2", "level3", "description", "value")}}
    edited = {"level1": "产出指标", "level2": "成本指标", "level3": "节能审计服务支出",
              "description": "公共机构能源审计服务合同的实际支出金额，数据来源为财务决算", "value": "≤240万元", "rationale": "审核人修改"}
    with Store() as st:
        st.save(p.source_hash, ind.id, "edit", "张三", before, expected_version=0, after=edited, labels=["vague_description"])
    view2 = open_view()
    mine = [e for e in view2.entries if e.origin == "reviewer"]
    assert [e.level3 for e in mine] == ["节能审计服务支出"] and mine[0].kind == "money"
    assert len(view2) == len(view) + 1
    with Store() as st:
        st.undo_last(p.source_hash, "张三")
    assert not [e for e in open_view().entries if e.origin == "reviewer"]


def test_reviewed_tables_add_their_clean_rows(seed_read):
    rv = review(seed_read)
    clean = [ind for _, ind in rv.rows() if not rv.labels(ind.id)]
    entries, _ = Library().all()
    table = [e for e in entries if e.origin == "table"]
    assert clean and len(table) == len(clean)
    assert {e.level3 for e in table} == {ind.level3 for ind in clean}


def test_library_first_rewrites_say_where_they_come_from(seed_read):
    rv = review(seed_read)
    lib = [(ind, rv.rewrites[ind.id]) for _, ind in rv.rows() if ind.id in rv.rewrites and rv.rewrites[ind.id].source == "library"]
    assert lib, "no seed row took a library entry"
    for ind, rw in lib:
        assert rw.reference["score"] >= MIN_SCORE and rw.status == "ok"
        assert rw.reference_text().startswith("改写参照：") and "相似度" in rw.reference_text()
    # the CLI's table shows the reference line; --no-library leaves it to the composer
    out = run("review", seed_read.projects[0].source_file)
    assert "改写参照：" in out.output
    plain = run("review", seed_read.projects[0].source_file, "--no-library", "--format", "json")
    data = json.loads(plain.stdout)
    assert all(r["rewrite"]["source"] == "template" for pj in data["projects"] for r in pj["indicators"] if r["rewrite"])


def test_hold_out_unit_never_shows_a_row_its_own_units_entries(seed_read):
    view = open_view().with_hold_out(hold_out_unit)
    rv = review(seed_read, library=view)
    units = {ind.id: p.unit for p, ind in rv.rows()}
    for rid, rw in rv.rewrites.items():
        if rw.reference:
            assert rw.reference["unit"] != units[rid]
    # the raw lookup too: no hit of a row's own unit
    p = seed_read.projects[3]
    for ind in p.indicators:
        hit = view.nearest_for(ind, p, {"vague_description"})
        assert hit is None or hit.entry.agency != p.unit


def test_missing_dimension_tables_get_proposals(seed_read, tmp_path):
    rv = review(seed_read)
    missing = [p for p in rv.projects if any(f.code == "missing_dimension" for f in rv.project_findings(p.id))]
    assert missing
    for p in missing:
        props = rv.proposals.get(p.id)
        assert props, p.id
        for x in props:
            assert x.level3 and x.description and x.value
            if any(ch.isdigit() for ch in x.value):
                assert x.value.endswith("（建议值）")
            assert x.reference.get("project") != p.title
    data = rv.to_json()
    assert any(pj["proposals"] for pj in data["projects"])
    out = tmp_path / "r.html"
    assert run("report", seed_read.projects[0].source_file, "--out", out).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert 'class="proposal"' in html and "建议补充的维度" in html


def test_library_cli_lists_and_searches():
    built = run("library", "build")
    assert built.exit_code == 0 and "指标库共" in built.output
    found = run("library", "search", "设备维护及时率", "--k", "3", "--format", "json")
    hits = json.loads(found.stdout)
    assert hits[0]["level3"] == "设备维护及时率" and hits[0]["score"] > 0.99
    rates = run("library", "list", "--kind", "rate", "--limit", "500", "--format", "json")
    listed = json.loads(rates.stdout)
    assert listed and all(e["kind"] == "rate" for e in listed)
    gold_rates = [e for f in labelled_files() for e in entries_from_labelled(f) if e.kind == "rate"]
    assert len(listed) == min(500, len(gold_rates))


def test_library_through_a_chroma_server(tmp_path, monkeypatch, chroma_server):
    client, port = chroma_server
    monkeypatch.setenv("INDICATOR_QA_CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("INDICATOR_QA_CHROMA_PORT", str(port))
    view = open_view()
    assert client.get_collection("library").count() == len(view) == len(known_entries())
    assert Library().sync(known_entries())["added"] == 0  # a second client sees the same library
    hits = Library().search("设备维护及时率", k=2)
    assert hits[0].entry.level3 == "设备维护及时率"


# ---- the judged set ---------------------------------------------------------------

def test_judge_set_and_its_scores(tmp_path):
    out = tmp_path / "judge.jsonl"
    res = run("judge-set", "--out", out)
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 200 and labelled_files()
    # Seed rows hold their unit out of the library, regional rows their province.
    assert all(r["hold_out"] == ("unit" if r["file"].endswith("labelled.jsonl") else "province")
               and len(r["judgements"]) == 2 and not r["judgements"][0]["verdict"] for r in rows)
    # No seed row may have taken its own unit's entry.
    assert all(not r["rewrite"]["reference"] or r["rewrite"]["reference"]["unit"] != r["unit"] for r in rows)
    # Judge them as a (mechanical) reviewer would: ok rewrites accepted, others wrong — then score.
    for i, r in enumerate(rows):
        v = "accept" if r["rewrite"]["status"] == "ok" else "wrong"
        if i % 10 == 0 and v == "accept":
            v = "wrong"  # a wrong rewrite the check let through: must be listed
        r["judgements"] = [{"annotator": "A", "verdict": v, "pattern": "drops_number" if v == "wrong" else "", "reason": ""},
                           {"annotator": "B", "verdict": "minor" if v == "accept" else v, "pattern": "", "reason": "测试"}]
    judged = tmp_path / "judged.jsonl"
    judged.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    res = run("eval", judged, "--out", tmp_path / "results")
    assert res.exit_code == 0, res.output
    scores = json.loads((tmp_path / "results" / "judged-judged.json").read_text(encoding="utf-8"))["scores"]["offline"]
    wrong = sum(1 for r in rows if r["judgements"][0]["verdict"] == "wrong")
    assert scores["judged"] == len(rows)
    assert scores["wrong"] == round(wrong / len(rows), 4) and scores["accept"] == 0  # the stricter judgement counts
    assert scores["needs_human"] == round(sum(1 for r in rows if r["rewrite"]["status"] != "ok") / len(rows), 4)
    assert scores["numbers_kept"] == round(sum(1 for r in rows if r["numbers_kept"]) / len(rows), 4)
    assert sorted(scores["wrong_but_ok"]) == sorted(r["id"] for i, r in enumerate(rows)
                                                    if r["rewrite"]["status"] == "ok" and i % 10 == 0)
    assert scores["patterns"]["drops_number"] == wrong
    assert "直接采纳" in res.output and "错误却自检通过" in res.output
    # Split by the self-check: what it passed is what a reviewer would sign.
    ok_rows = [i for i, r in enumerate(rows) if r["rewrite"]["status"] == "ok"]
    by = scores["by_status"]
    assert by["ok"]["judged"] == len(ok_rows) and by["needs_human"]["judged"] == len(rows) - len(ok_rows)
    assert by["ok"]["wrong"] == round(sum(1 for i in ok_rows if i % 10 == 0) / len(ok_rows), 4)
    assert by["needs_human"]["wrong"] == 1.0
    # Every code is shown by its Chinese name (the one display table), none in English.
    table = res.output.split("已写入")[0]
    assert "需人工确认" in table and "丢失原表数字" in table and "离线" in table
    assert not re.search(r"\b(offline|all|ok|needs_human|drops_number)\b", table), table


def test_judged_file_with_a_bad_verdict_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "x", "judgements": [{"verdict": "maybe"}]}) + "\n", encoding="utf-8")
    res = run("eval", bad)
    assert res.exit_code == 2 and "第1行" in res.output and "maybe" in res.output


def test_first_library_build_reads_the_shipped_vectors_instead_of_embedding():
    """classifier/data/library_vectors.npz (scripts/build_library_vectors.py) holds
    the default embedder's vectors of every gold text: a first review embeds none
    of them, and each equals what the embedder gives for that text."""
    import numpy as np

    from classifier.config import data_dir
    from classifier.embeddings import get_embedder
    from classifier.library import SNAPSHOT, library_text
    from classifier.vectors import SHIPPED_FILE, shipped_vectors

    ef = get_embedder()
    texts = sorted({library_text(e.level3) for f in labelled_files() for e in entries_from_labelled(f)})
    shipped = shipped_vectors(ef.model_id, texts)
    assert SHIPPED_FILE.exists() and len(shipped) == len(texts), "rebuild it: python scripts/build_library_vectors.py"
    sample = texts[:: max(1, len(texts) // 40)]
    for t, v in zip(sample, ef(sample)):
        assert np.allclose(shipped[t], v, atol=1e-5), t
    assert shipped_vectors("another/model", texts) == {}  # another embedder's space: embedded as before

    (data_dir() / SNAPSHOT).unlink(missing_ok=True)  # the session's snapshot: this is a first build
    assert not (data_dir() / "vectors.sqlite3").exists()
    before = ef.texts
    view = open_view()
    assert len(view) >= len(texts) and ef.texts == before


def test_a_review_reads_the_labelled_files_only_when_they_changed(tmp_path, monkeypatch):
    """The snapshot remembers the labelled files' size and time: while they are
    unchanged, open_view takes their gold entries from it instead of parsing
    every file; an edited file is parsed again and its entries replaced."""
    import shutil

    from classifier import library as lib
    from classifier.config import data_dir

    (data_dir() / lib.SNAPSHOT).unlink(missing_ok=True)  # this test's own labelled files, not the session's
    (tmp_path / "eval" / "regions").mkdir(parents=True)
    src = labelled_files()[:3]  # eval/labelled.jsonl and two regional files
    files = [Path(shutil.copy(f, tmp_path / "eval" / (f.name if f.parent.name == "eval" else f"regions/{f.name}")))
             for f in src]
    monkeypatch.setattr(lib, "labelled_files", lambda root=None: files)
    parsed = []
    real = lib.entries_from_labelled
    monkeypatch.setattr(lib, "entries_from_labelled", lambda p: parsed.append(p) or real(p))
    first = open_view()
    assert parsed and {e.source for e in first.entries if e.origin == "gold"} == \
        {"labelled.jsonl", f"regions/{src[1].name}", f"regions/{src[2].name}"}
    parsed.clear()
    again = open_view()
    assert not parsed and [e.id for e in again.entries] == [e.id for e in first.entries]
    # one gold row's rewrite changes: that file is parsed again and the library follows it
    lines = files[0].read_text(encoding="utf-8").splitlines()
    k = next(i for i, line in enumerate(lines) if json.loads(line).get("labels") and json.loads(line).get("rewrite"))
    row = json.loads(lines[k])
    row["rewrite"]["level3"] = "改写后的指标名称（测试）"
    lines[k] = json.dumps(row, ensure_ascii=False)
    files[0].write_text("\n".join(lines) + "\n", encoding="utf-8")
    edited = open_view()
    assert parsed
    assert "改写后的指标名称（测试）" in {e.level3 for e in edited.entries}


def test_judge_task_hides_the_self_check_and_judge_merge_fills_the_set(tmp_path):
    """The judges' task shows every rewrite beside its original, grouped by project, and
    never what the self-check said; the judges' answers merge into a set `eval` scores,
    and answers that do not fit the set are refused with nothing written."""
    regional = sorted((ROOT / "eval" / "regions").glob("*.jsonl"))[:3]
    todo = tmp_path / "to_judge.jsonl"
    assert run("judge-set", *regional, "--out", todo).exit_code == 0
    rows = [json.loads(line) for line in todo.read_text(encoding="utf-8").splitlines()]
    assert rows and any(r["rewrite"]["reasons"] for r in rows)
    task = tmp_path / "task.md"
    res = run("judge-task", todo, "--out", task)
    assert res.exit_code == 0, res.output
    text = task.read_text(encoding="utf-8")
    for r in rows:
        assert f"### {r['id']}" in text and r["project"] in text
        assert r["rewrite"]["value"].replace("|", "｜") in text
        for reason in r["rewrite"]["reasons"]:
            assert reason not in text  # the self-check's reasons would steer the judges
    assert "需人工确认" not in text and "needs_human" not in text
    answers = {}
    for who, verdict in (("judge_a", "accept"), ("judge_b", "wrong")):
        f = tmp_path / f"{who}.jsonl"
        f.write_text("".join(json.dumps({"id": r["id"], "verdict": verdict, "pattern": "still_vague" if verdict == "wrong" else "",
                                         "reason": "测试"}, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        answers[who] = f
    judged = tmp_path / "judged.jsonl"
    res = run("judge-merge", todo, "--judge", f"judge_a={answers['judge_a']}", "--judge", f"judge_b={answers['judge_b']}",
              "--out", judged)
    assert res.exit_code == 0, res.output
    merged = [json.loads(line) for line in judged.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in merged] == [r["id"] for r in rows]
    assert all([j["annotator"] for j in r["judgements"]] == ["judge_a", "judge_b"] for r in merged)
    assert all(m["rewrite"] == r["rewrite"] for m, r in zip(merged, rows))
    res = run("eval", judged, "--out", tmp_path / "results")
    assert res.exit_code == 0, res.output
    scores = json.loads((tmp_path / "results" / "judged-judged.json").read_text(encoding="utf-8"))["scores"]["offline"]
    assert scores["wrong"] == 1.0 and scores["judges_agree"] == 0.0 and scores["patterns"] == {"still_vague": len(rows)}
    # A judge who left a row out, or judged an id the set lacks: named, and nothing is written.
    short = tmp_path / "short.jsonl"
    lines = answers["judge_a"].read_text(encoding="utf-8").splitlines()
    short.write_text("\n".join(lines[1:] + [json.dumps({"id": "RZ99:RZ99-01", "verdict": "accept"})]) + "\n", encoding="utf-8")
    out = tmp_path / "never.jsonl"
    res = run("judge-merge", todo, "--judge", f"judge_a={short}", "--out", out)
    assert res.exit_code == 2 and rows[0]["id"] in res.output and "RZ99:RZ99-01" in res.output and not out.exists()
    res = run("judge-merge", todo, "--judge", str(short), "--out", out)
    assert res.exit_code == 2 and "评审人=文件" in res.output
