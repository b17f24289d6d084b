"""Calls, tokens and seconds of the openai backend per 100 seed rows, cold and
cached, against the local scripted OpenAI-compatible server of the tests
(tests/llm_server.py), which counts every request it receives.

    python bench/bench_llm.py [--rows 100] [--few-shot K]

Targets (issue 5): ≤ 14 calls per 100 rows cold (one per table), 0 cached.
Token counts come from the test server (≈ characters / 1.5): they show the
prompt's size, not a real tokenizer's exact count. Seconds measure our side
(rendering, validation, HTTP) with an instant server, not model latency."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100, help="first tables of the seed until this many rows")
    ap.add_argument("--few-shot", type=int, default=None, help="override the prompt's k (default: the prompt file's)")
    args = ap.parse_args()
    os.environ["INDICATOR_QA_HOME"] = tempfile.mkdtemp(prefix="bench-llm-")  # empty cache: a real cold start

    import openai  # noqa: F401  (import cost, ~2 s, is not the backend's per-run cost)
    from llm_server import ScriptedLLM

    from classifier.config import example_path
    from classifier.ingest import read_path
    from classifier.llm import from_env
    from classifier.models import ReadResult
    from classifier.pipeline import review

    seed = read_path(example_path())
    projects, n = [], 0
    for p in seed.projects:
        if n >= args.rows:
            break
        projects.append(p)
        n += len(p.indicators)

    def run(srv, read, cold: bool):
        if cold:  # a fresh, empty cache
            os.environ["INDICATOR_QA_HOME"] = tempfile.mkdtemp(prefix="bench-llm-")
        before = srv.count
        t = time.perf_counter()
        rv = review(read, "openai", settings=from_env(base_url=srv.url, model="bench"), few_shot=args.few_shot)
        return rv, srv.count - before, time.perf_counter() - t

    print(f"prompt few-shot k = {args.few_shot if args.few_shot is not None else 'prompt default'}")
    with ScriptedLLM() as srv:
        for label, read in ((f"first {len(projects)} tables", ReadResult(projects=projects)), ("whole seed", seed)):
            rows = sum(len(p.indicators) for p in read.projects)
            rv, calls, secs = run(srv, read, cold=True)
            r = rv.run
            per = 100 / rows
            print(f"\n{label}: {len(read.projects)} tables, {rows} rows "
                  f"({r['rows_sent']} sent, {r['rows_reused']} identical rows reused), prompt {r['prompt_version']}")
            print(f"  cold   : server requests {calls} ({calls * per:.1f} per 100 rows; "
                  f"{r['batches']} table batches, {r['revisions']} revision batches, {r['repairs']} repairs), "
                  f"prompt tokens {r['prompt_tokens']} ({r['prompt_tokens'] * per:.0f} per 100 rows, "
                  f"{r['prompt_tokens_per_row']} per sent row), completion tokens {r['completion_tokens']}, {secs:.2f} s")
            rv2, calls2, secs2 = run(srv, read, cold=False)
            print(f"  cached : server requests {calls2}, cache hits {rv2.run['cache_hits']}, {secs2:.2f} s")
            flagged = [i for _, i in rv.rows() if rv.labels(i.id)]
            ok = sum(1 for i in flagged if i.id in rv.rewrites and rv.rewrites[i.id].status == "ok")
            print(f"  rewrites passing the checker: {ok}/{len(flagged)} flagged rows")

    off = review(seed)
    flagged = [i for _, i in off.rows() if off.labels(i.id)]
    ok = sum(1 for i in flagged if i.id in off.rewrites and off.rewrites[i.id].status == "ok")
    print(f"\noffline template rewrites passing the checker (whole seed): {ok}/{len(flagged)} = {ok / len(flagged):.1%}")


if __name__ == "__main__":
    main()
