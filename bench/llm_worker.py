"""Model calls, tokens and seconds per 100 rows for bench/run.py, as one JSON
line: the whole seed through the openai backend against the scripted loopback
server (tests/llm_server.py), cold (empty cache) then again (cached).
bench/bench_llm.py prints the same with more detail for a human.

    python bench/llm_worker.py SEED_FILE EMPTY_DATA_DIR
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def main(seed: str, home: str) -> None:
    os.environ["INDICATOR_QA_HOME"] = home  # before any import reads it
    import openai  # noqa: F401  (import cost is not per-run cost)
    from llm_server import ScriptedLLM

    from classifier.ingest import read_path
    from classifier.llm import from_env
    from classifier.pipeline import review

    read = read_path(seed)
    rows = sum(len(p.indicators) for p in read.projects)
    out = {}
    with ScriptedLLM() as srv:
        for name in ("cold", "cached"):
            before = srv.count
            t = time.perf_counter()
            rv = review(read, "openai", settings=from_env(base_url=srv.url, model="bench"))
            secs = time.perf_counter() - t
            r, per = rv.run, 100 / rows
            calls = srv.count - before  # counted by the server, not by us
            out[name] = {
                "rows": rows, "tables": len(read.projects), "calls": calls, "calls_per_100": calls * per,
                "cache_hits": r.get("cache_hits", 0), "prompt_tokens_per_100": r.get("prompt_tokens", 0) * per,
                "completion_tokens_per_100": r.get("completion_tokens", 0) * per, "seconds_per_100": secs * per,
                "fallback_rows": sum(1 for s in rv.row_source.values() if s == "rules_fallback"),
                "reported_calls": r.get("calls"),
            }
    out["note"] = ("Tokens are the test server's estimate (≈ characters / 1.5) of what we send and receive; seconds are our "
                   "side only (prompt rendering, validation, HTTP) against an instant local server, not model latency.")
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
