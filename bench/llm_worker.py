"""Model calls, tokens and seconds for bench/run.py, as one JSON line: the seed
through `indicator-qa review --backend openai` against the scripted loopback
server (tests/llm_server.py), cold (empty data dir) then again (cached), each a
process of its own as a user's rerun is; then the offline review of the same
file twice (the warm one is what a cached LLM rerun is compared with: ≤ 2×).

    python bench/llm_worker.py SEED_FILE EMPTY_DATA_DIR
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def _cli(args: list[str], env: dict) -> tuple[float, dict]:
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "classifier.cli", "review", *args, "--format", "json"], env=env,
                         capture_output=True, text=True, cwd=ROOT)
    secs = time.perf_counter() - t
    if out.returncode != 0:
        raise SystemExit(f"review {' '.join(args)} failed:\n{out.stderr[-2000:]}")
    return secs, json.loads(out.stdout)


def main(seed: str, home: str) -> None:
    from llm_server import ScriptedLLM

    env = {k: v for k, v in os.environ.items() if not k.startswith(("INDICATOR_QA_", "OPENAI_"))}
    env["INDICATOR_QA_HOME"] = home
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    out = {}
    with ScriptedLLM() as srv:
        llm_env = dict(env, INDICATOR_QA_BASE_URL=srv.url, INDICATOR_QA_MODEL="bench")
        for name in ("cold", "cached"):
            before = srv.count
            secs, doc = _cli([seed, "--backend", "openai"], llm_env)
            r = doc["run"]
            rows = doc["summary"]["rows"]
            per = 100 / rows
            calls = srv.count - before  # counted by the server, not by us
            out[name] = {
                "rows": rows, "tables": doc["summary"]["tables"], "calls": calls, "calls_per_100": calls * per,
                "cache_hits": r.get("cache_hits", 0), "prompt_tokens_per_100": r.get("prompt_tokens", 0) * per,
                "completion_tokens_per_100": r.get("completion_tokens", 0) * per, "seconds": secs,
                "seconds_per_100": secs * per, "few_shot_cached": r.get("few_shot_cached", 0),
                "fallback_rows": sum(1 for p in doc["projects"] for i in p["indicators"] if i["source"] == "rules_fallback"),
                "reported_calls": r.get("calls"),
            }
    _cli([seed], env)  # the offline index of the file, built once
    out["offline_warm_s"] = _cli([seed], env)[0]
    out["note"] = ("Tokens are the test server's estimate (≈ characters / 1.5) of what we send and receive; seconds are "
                   "whole CLI processes (start-up included) against an instant local server, not model latency.")
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
