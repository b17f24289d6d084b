"""Evaluation harness: metric functions on hand-computed cases, compare and
agreement on crafted files, the saved result, and the regression gate."""
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from classifier.cli import main
from classifier.eval import (agreement, cohen_kappa, compare, label_errors, label_scores, load_result, rescore,
                             rewrite_quality, run_eval, score, write_result)
from classifier.models import LABELS

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT / "eval" / "labelled.jsonl"
BASELINE = ROOT / "eval" / "baseline.json"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


# ------------------------------------------------------------ metric functions

GOLD = {"r1": ["vague_description"], "r2": ["vague_description", "unit_mismatch"], "r3": [], "r4": ["unit_mismatch"]}
PRED = {"r1": ["vague_description"], "r2": ["vague_description"], "r3": ["vague_description"], "r4": ["copy_paste"]}


def test_label_scores_hand_computed():
    s = label_scores(GOLD, PRED)
    v = s["labels"]["vague_description"]  # tp 2 (r1 r2), fp 1 (r3), fn 0
    assert (v["support"], v["predicted"], v["tp"], v["fp"], v["fn"]) == (2, 3, 2, 1, 0)
    assert v["precision"] == pytest.approx(2 / 3, abs=1e-4) and v["recall"] == 1.0 and v["f1"] == pytest.approx(0.8)
    u = s["labels"]["unit_mismatch"]  # never predicted: precision undefined, recall 0
    assert (u["tp"], u["fn"], u["precision"], u["recall"], u["f1"]) == (0, 2, None, 0.0, 0.0)
    c = s["labels"]["copy_paste"]  # no support, one false positive: F1 0, recall undefined
    assert (c["support"], c["fp"], c["precision"], c["recall"], c["f1"]) == (0, 1, 0.0, None, 0.0)
    i = s["labels"]["implausible_value"]  # no support, never predicted: nothing to score
    assert (i["support"], i["precision"], i["recall"], i["f1"]) == (0, None, None, None)
    # macro over the labels with a defined F1: (0.8 + 0 + 0) / 3
    assert s["macro_f1"] == pytest.approx(0.2667, abs=1e-4)
    # micro: tp 2, fp 2 (r3 vague, r4 copy), fn 2 (r2 unit, r4 unit)
    assert s["micro"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert s["exact_match"] == 0.25  # only r1
    assert s["rows"] == 4


def test_missing_prediction_counts_as_no_label_and_perfect_is_one():
    s = label_scores({"a": ["copy_paste"], "b": []}, {})
    assert s["labels"]["copy_paste"]["fn"] == 1 and s["exact_match"] == 0.5
    perfect = label_scores(GOLD, GOLD)
    assert perfect["macro_f1"] == 1.0 and perfect["micro"]["f1"] == 1.0 and perfect["exact_match"] == 1.0


def test_label_errors_list_rows_with_text():
    e = label_errors(GOLD, PRED, {"r3": "时效指标｜x｜y｜z"})
    assert e["vague_description"] == {"fp": [{"id": "r3", "text": "时效指标｜x｜y｜z"}], "fn": []}
    assert [x["id"] for x in e["unit_mismatch"]["fn"]] == ["r2", "r4"]
    assert [x["id"] for x in e["copy_paste"]["fp"]] == ["r4"]


def test_rewrite_quality_shares():
    rows = [
        {"flagged": True, "rewrite": True, "checker_ok": True, "numbers_kept": True, "proposal": True},
        {"flagged": True, "rewrite": True, "checker_ok": False, "numbers_kept": True, "proposal": False},
        {"flagged": True, "rewrite": False},
        {"flagged": False, "rewrite": True, "checker_ok": False},  # unflagged rows do not count
    ]
    q = rewrite_quality(rows)
    assert q == {"flagged_rows": 3, "rewrites": 2, "coverage": 0.6667, "checker_ok": 0.5, "numbers_kept": 1.0, "proposal": 0.5}
    assert rewrite_quality([])["checker_ok"] is None


# ------------------------------------------------------------ agreement

def test_cohen_kappa_known_value():
    # 50 items: both yes 20, A only 5, B only 10, both no 15 → po .7, pe .5, κ .4
    a = [True] * 20 + [True] * 5 + [False] * 10 + [False] * 15
    b = [True] * 20 + [False] * 5 + [True] * 10 + [False] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert cohen_kappa([True, False], [True, False]) == 1.0
    assert cohen_kappa([False] * 4, [False] * 4) is None  # constant raters: undefined


def _jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _row(i, labels, **kw):
    return {"id": f"T001-{i:02d}", "project": "测试项目", "unit": "000001测试单位", "budget": "10", "level1": "产出指标",
            "level2": "数量指标", "level3": f"指标{i}", "description": f"描述{i}", "value": f"{i}个", "labels": labels,
            "rewrite": None, "note": ""} | kw


def test_agree_command_on_crafted_pair(tmp_path):
    n = 50
    va = [True] * 25 + [False] * 25
    vb = [True] * 20 + [False] * 5 + [True] * 10 + [False] * 15
    a = _jsonl(tmp_path / "a.jsonl", [_row(i + 1, ["vague_description"] * va[i] + ["copy_paste"]) for i in range(n)])
    b = _jsonl(tmp_path / "b.jsonl", [_row(i + 1, ["vague_description"] * vb[i] + ["copy_paste"]) for i in range(n)]
               + [_row(99, [])])  # only in B: not scored
    res = run("agree", a, b, "--json")
    assert res.exit_code == 0, res.output
    ag = json.loads(res.stdout)
    assert ag["common"] == 50 and ag["only_b"] == 1
    assert ag["labels"]["vague_description"]["kappa"] == pytest.approx(0.4)
    assert ag["labels"]["vague_description"]["agreement"] == 0.7
    assert ag["labels"]["copy_paste"]["kappa"] is None and ag["labels"]["copy_paste"]["agreement"] == 1.0
    assert len(ag["disagreements"]) == 15 and ag["disagreements"][0]["text"].startswith("数量指标｜指标")
    text = run("agree", a, b).stdout
    assert "0.400" in text and "不一致的行（15）" in text


def test_agree_reports_unreadable_file(tmp_path):
    res = run("agree", tmp_path / "missing.jsonl", LABELLED)
    assert res.exit_code == 2 and "missing.jsonl" in res.output


# ------------------------------------------------------------ compare

def _result(preds: dict, run_: dict, prompt: str) -> dict:
    gold = {"r1": ["vague_description"], "r2": ["unit_mismatch"], "r3": [], "r4": ["copy_paste"]}
    rows = [{"id": k, "text": f"行{k}", "gold": g, "pred": preds[k], "rewrite": None} for k, g in gold.items()]
    return {"kind": "indicator-qa/eval-result", "format": 1, "created": "2025-01-01T00:00:00", "backend": "openai",
            "prompt": {"name": prompt, "version": f"{prompt}@0000"}, "model": "m", "data": {"sha256": "x"},
            "run": run_, "rows": rows, "projects": [], "metrics": score(rows, [], run_)}


def test_compare_two_crafted_result_files(tmp_path):
    a = _result({"r1": ["vague_description"], "r2": [], "r3": ["copy_paste"], "r4": ["copy_paste"]},
                {"calls": 10, "prompt_tokens": 1000, "completion_tokens": 200, "seconds": 5.0, "cost": 0.01}, "v1")
    b = _result({"r1": ["vague_description"], "r2": ["unit_mismatch"], "r3": [], "r4": []},
                {"calls": 12, "cache_hits": 3, "prompt_tokens": 1500, "completion_tokens": 300, "seconds": 4.0, "cost": 0.02}, "v2")
    c = compare(a, b)
    assert [r["id"] for r in c["rows"]["fixed"]] == ["r2", "r3"]
    assert [r["id"] for r in c["rows"]["broken"]] == ["r4"] and c["rows"]["broken"][0]["broken"] == ["copy_paste"]
    assert c["labels"]["unit_mismatch"]["f1"] == {"a": 0.0, "b": 1.0, "delta": 1.0}
    assert c["labels"]["copy_paste"]["f1"]["a"] == pytest.approx(0.6667, abs=1e-4) and c["labels"]["copy_paste"]["f1"]["b"] == 0.0
    assert c["cost"]["calls"]["delta"] == 2 and c["cost"]["tokens"] == {"a": 1200, "b": 1800, "delta": 600}
    assert c["cost"]["cache_hits"]["delta"] == 3 and not c["warnings"]
    (tmp_path / "a.json").write_text(json.dumps(a, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps(b, ensure_ascii=False), encoding="utf-8")
    res = run("eval", "--compare", tmp_path / "a.json", tmp_path / "b.json")
    assert res.exit_code == 0, res.output
    assert "2 fixed, 1 broken" in res.stdout and "r4" in res.stdout
    by_prompt = run("eval", "--compare", "v1", "v2", "--out", tmp_path)  # prompt versions found in --out
    assert by_prompt.exit_code == 0 and by_prompt.stdout == res.stdout
    missing = run("eval", "--compare", "v1", "v9", "--out", tmp_path)
    assert missing.exit_code == 2 and "v9" in missing.output


def test_compare_warns_when_gold_differs():
    a = _result({k: [] for k in ("r1", "r2", "r3", "r4")}, {}, "v1")
    b = _result({k: [] for k in ("r1", "r2", "r3", "r4")}, {}, "v2")
    b["rows"][0]["gold"] = []
    assert compare(a, b)["warnings"]


# ------------------------------------------------------------ harness

def test_predictions_never_see_gold(tmp_path):
    """Same rows, opposite gold: identical predictions, different scores."""
    rows = [json.loads(l) for l in LABELLED.read_text(encoding="utf-8").splitlines()[:40]]
    flipped = [r | {"labels": [l for l in LABELS if l not in r["labels"]], "rewrite": None, "note": "x"} for r in rows]
    ra = run_eval(_jsonl(tmp_path / "a.jsonl", rows), "offline", write=False).result
    rb = run_eval(_jsonl(tmp_path / "b.jsonl", flipped), "offline", write=False).result
    assert [r["pred"] for r in ra["rows"]] == [r["pred"] for r in rb["rows"]]
    assert [r["rewrite"] for r in ra["rows"]] == [r["rewrite"] for r in rb["rows"]]
    assert ra["metrics"]["labels"]["macro_f1"] > rb["metrics"]["labels"]["macro_f1"]


def test_eval_command_writes_self_describing_result_and_rescores(tmp_path, seed_eval):
    res = seed_eval.proc  # `indicator-qa eval --out DIR --show 2`, run once per session (conftest)
    path = seed_eval.json_path
    assert path.name.endswith("-noprompt-offline.json")
    assert path.with_suffix(".md").read_text(encoding="utf-8").count("\n| ") >= 7
    r = load_result(path)
    assert r["backend"] == "offline" and r["data"]["labelled_rows"] == 743 and len(r["projects"]) == 100
    assert {"commit", "dirty", "packages"} <= set(r["code"]) and r["code"]["packages"]["python"]
    assert "macro-F1" in res.stdout and "漏报 FN" in res.stdout
    row = {x["id"]: x for x in r["rows"]}["T001-05"]
    assert row["gold"] == ["vague_description", "unit_mismatch"] and row["text"].startswith("成本指标｜项目成本")
    pj = r["metrics"]["projects"]
    assert pj["rows"] == 100 and pj["labels"]["missing_dimension"]["support"] == 12
    assert 0 <= r["metrics"]["rewrites"]["checker_ok"] <= 1
    # a second result the same day does not overwrite the first (the writer the command uses)
    first, _ = write_result(r, tmp_path)
    second, _ = write_result(r, tmp_path)
    assert first != second and len(list(tmp_path.glob("*.json"))) == 2
    assert load_result(first)["created"] == load_result(second)["created"] == r["created"]
    # re-scoring needs only the saved rows
    tampered = dict(r, metrics={})
    assert rescore(tampered)["metrics"] == r["metrics"]
    again = run("eval", path, "--show", "2")  # a result file as FILE: re-scored, nothing run, nothing written
    assert again.exit_code == 0 and again.stdout == res.stdout
    assert sorted(p.name for p in path.parent.glob("*.json")) == [path.name]
    # The seed's scores are in-sample, said once, in the evaluation block the CLI prints from.
    assert r["evaluation"]["in_sample"] and "in_sample" not in r and "样本内" in res.stdout
    # A result saved before that block (eval/results/2026-11-26-*.json): re-scoring adds the same block.
    older = {k: v for k, v in r.items() if k != "evaluation"}
    assert rescore(older)["evaluation"] == r["evaluation"]
    old_path = tmp_path / "older" / "old.json"
    old_path.parent.mkdir()
    old_path.write_text(json.dumps(older, ensure_ascii=False), encoding="utf-8")
    assert "样本内" in run("eval", old_path, "--show", "0").stdout


def test_eval_command_bad_input_names_file(tmp_path):
    res = run("eval", tmp_path / "nope.jsonl", "--out", tmp_path)
    assert res.exit_code == 2 and "nope.jsonl" in res.output
    unlabelled = _jsonl(tmp_path / "u.jsonl", [{k: v for k, v in _row(1, []).items() if k != "labels"}])
    res = run("eval", unlabelled, "--out", tmp_path)
    assert res.exit_code == 2 and "labels" in res.output


# ------------------------------------------------------------ regression gate

def test_offline_macro_f1_does_not_fall_below_baseline(seed_eval):
    """The gate: update eval/baseline.json deliberately (`indicator-qa eval
    --write-baseline`) when the offline backend improves. Scored on the session's
    `indicator-qa eval` run of eval/labelled.jsonl with the offline backend."""
    base = json.loads(BASELINE.read_text(encoding="utf-8"))
    floor = base["offline"]["macro_f1"] - base["tolerance"]
    result = seed_eval.result()
    assert result["backend"] == "offline" and Path(result["data"]["path"]).name == LABELLED.name
    m = result["metrics"]["labels"]
    per_label = {k: (v["f1"], base["offline"]["f1"].get(k)) for k, v in m["labels"].items()}
    assert m["macro_f1"] >= floor, f"offline macro-F1 {m['macro_f1']} < baseline {base['offline']['macro_f1']} − {base['tolerance']}; per label (now, baseline): {per_label}"


def test_openai_eval_without_endpoint_says_rows_fell_back_and_never_writes_the_key(tmp_path, monkeypatch):
    """Port 9 on loopback refuses connections: every batch falls back to rules,
    the result says so, and the API key appears nowhere in what is written."""
    monkeypatch.setenv("INDICATOR_QA_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("INDICATOR_QA_API_KEY", "sk-test-SECRET-never-written")
    monkeypatch.setenv("INDICATOR_QA_MAX_RETRIES", "0")
    monkeypatch.setenv("INDICATOR_QA_TIMEOUT", "5")
    rows = [json.loads(l) for l in LABELLED.read_text(encoding="utf-8").splitlines()[:17]]
    res = run("eval", _jsonl(tmp_path / "s.jsonl", rows), "--backend", "openai", "--prompt", "v1", "--out", tmp_path / "out")
    assert res.exit_code == 0, res.output
    [path] = (tmp_path / "out").glob("*-v1-openai.json")
    text = path.read_text(encoding="utf-8") + path.with_suffix(".md").read_text(encoding="utf-8") + res.output
    assert "SECRET" not in text
    r = load_result(path)
    assert r["prompt"]["version"].startswith("v1@") and r["row_sources"].get("rules_fallback") == 17
    assert "fell back to rules" in res.stdout


# ------------------------------------------------------------ LLM gate, from the response cache

GATE_SKIP = ("no real model has been run here; run `indicator-qa eval --backend openai` against an endpoint "
             "and commit the cache + baseline")


def llm_gate(base: dict, monkeypatch, labelled: Path = LABELLED):
    """Replay the baseline's openai run from the cache file it names: no network
    (the endpoint is a closed port), a miss is an error. Returns (result, floor),
    or None when there is no openai entry or its cache file is absent."""
    from classifier.llm import load_prompt

    entry = base.get("openai")
    cache = ROOT / entry["cache"] if entry and entry.get("cache") else None
    if cache is None or not cache.is_file():
        return None
    name = entry["prompt"].split("@")[0]
    now = load_prompt(name).version
    assert now == entry["prompt"], (f"prompt {name} is now {now}, but the committed cache and baseline were made with "
                                    f"{entry['prompt']}: run `indicator-qa eval --backend openai --prompt {name} --cache "
                                    f"{entry['cache']} --write-baseline` against an endpoint and commit both")
    monkeypatch.setenv("INDICATOR_QA_MODEL", entry["model"])
    retrieval = entry.get("few_shot_retrieval") or ""
    if retrieval.startswith("embeddings:"):  # the examples are part of every request: same embedder, same requests
        monkeypatch.setenv("INDICATOR_QA_EMBEDDER", retrieval.split(":", 1)[1].split("/")[0])
    monkeypatch.setenv("INDICATOR_QA_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens there
    result = run_eval(labelled, "openai", name, cache=cache, cache_only=True, write=False).result
    assert result["run"]["calls"] == 0
    return result, entry["macro_f1"] - base["tolerance"]


def test_openai_macro_f1_from_cache_does_not_fall_below_baseline(monkeypatch):
    """The LLM gate: runs from the committed response cache (no endpoint needed),
    once someone has run a real model and committed eval/llm_cache/<prompt>.sqlite
    with its baseline entry (eval/README.md, "Regression gate")."""
    gate = llm_gate(json.loads(BASELINE.read_text(encoding="utf-8")), monkeypatch)
    if gate is None:
        pytest.skip(GATE_SKIP)
    result, floor = gate
    m = result["metrics"]["labels"]
    assert m["macro_f1"] >= floor, f"openai macro-F1 {m['macro_f1']} < {floor} (baseline − tolerance)"


def test_cache_only_replays_the_cache_with_the_server_stopped(tmp_path, monkeypatch):
    """Mechanism only (the scripted server's answers say nothing about quality):
    a run against the loopback server fills a cache; with the server stopped,
    --cache-only gives the same labels with zero requests, the gate helper
    passes on it, and a changed row is an error naming its table."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from llm_server import ScriptedLLM

    from classifier.eval.commands import update_baseline

    rows = [json.loads(l) for l in LABELLED.read_text(encoding="utf-8").splitlines()[:17]]
    f = _jsonl(tmp_path / "s.jsonl", rows)
    cache = tmp_path / "llm_cache" / "v1.sqlite"
    cache.parent.mkdir()
    monkeypatch.setenv("INDICATOR_QA_MODEL", "scripted-model")
    monkeypatch.setenv("INDICATOR_QA_API_KEY", "sk-test")
    with ScriptedLLM() as srv:
        monkeypatch.setenv("INDICATOR_QA_BASE_URL", srv.url)
        first = run_eval(f, "openai", "v1", cache=cache, write=False).result
        asked = srv.count
    assert asked >= 3 and first["row_sources"] == {"llm": 17} and first["run"]["calls"] == asked
    assert first["run"]["few_shot_k"] == 3 and first["run"]["few_shot_retrieval"].startswith("embeddings:")
    stored = cache.read_bytes()

    # server stopped, endpoint a closed port, no key, no model set: the model comes from the cache
    monkeypatch.setenv("INDICATOR_QA_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("INDICATOR_QA_API_KEY")
    monkeypatch.delenv("INDICATOR_QA_MODEL")
    res = run("eval", f, "--backend", "openai", "--prompt", "v1", "--cache-only", "--cache", cache, "--out", tmp_path / "out")
    assert res.exit_code == 0, res.output
    [path] = (tmp_path / "out").glob("*-v1-openai.json")
    again = load_result(path)
    assert srv.count == asked
    assert again["run"]["calls"] == 0 and again["run"]["cache_hits"] == asked and again["run"]["cache_only"] is True
    assert again["model"] == "scripted-model" and again["settings"]["cache_only"] is True
    assert [(r["id"], r["pred"]) for r in again["rows"]] == [(r["id"], r["pred"]) for r in first["rows"]]
    assert again["metrics"]["labels"] == first["metrics"]["labels"]
    assert cache.read_bytes() == stored  # opened read-only

    # the gate helper on this cache: it replays and finds the recorded macro-F1
    base = update_baseline(first, tmp_path / "baseline.json")
    gate = llm_gate(base, monkeypatch, labelled=f)
    assert gate is not None and gate[0]["metrics"]["labels"]["macro_f1"] == base["openai"]["macro_f1"]

    # a row the cache has not seen: an error naming its table, not a fallback to rules
    changed = [dict(r) for r in rows]
    changed[10]["description"] = "本行在缓存建立之后改过"
    table = changed[10]["id"].split("-")[0]
    res = run("eval", _jsonl(tmp_path / "c.jsonl", changed), "--backend", "openai", "--prompt", "v1", "--cache-only",
              "--cache", cache, "--out", tmp_path / "out2")
    assert res.exit_code == 2 and f"{table}（" in res.output and "T001（" not in res.output
    assert "scripted-model" in res.output and not (tmp_path / "out2").exists()
    # a cache file that is not there, and --cache-only without the openai backend
    res = run("eval", f, "--backend", "openai", "--cache-only", "--cache", tmp_path / "nope.sqlite")
    assert res.exit_code == 2 and "nope.sqlite" in res.output
    res = run("eval", f, "--cache-only")
    assert res.exit_code == 2 and "openai" in res.output
