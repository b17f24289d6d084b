"""Indicator library and rewrite speed on the seed: each phase in a fresh process.

    python bench/bench_library.py

cold     = empty data dir: embed the library (labelled set + the seed's clean rows), write
           the Chroma collection and the snapshot, rewrite every flagged row
warm     = same data dir: the snapshot answers (no chromadb import, no model load)
composer = rewrites without the library (review(read, library=False)'s rewrite step)
Prints seconds per phase, rewrites, library hits, and peak RSS."""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PHASE = r"""
import json, resource, sys, time
sys.path.insert(0, ROOT)
from classifier.config import example_path
from classifier.ingest import read_path
from classifier.pipeline import Review, add_rewrites, open_library
from classifier.rules import check_all
read = read_path(example_path())
rv = Review(projects=read.projects, findings=check_all(read.projects))
t = time.perf_counter()
view = open_library(rv) if MODE != "composer" else None
opened = time.perf_counter() - t
t = time.perf_counter()
add_rewrites(rv, library=view)
wrote = time.perf_counter() - t
print(json.dumps({"open_s": round(opened, 2), "rewrite_s": round(wrote, 2), "entries": len(view) if view else 0,
                  "rewrites": len(rv.rewrites), "library_hits": sum(1 for r in rv.rewrites.values() if r.source == "library"),
                  "needs_human": sum(1 for r in rv.rewrites.values() if r.status != "ok"),
                  "chromadb_imported": "chromadb" in sys.modules,
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""


def phase(mode: str, home: str) -> dict:
    code = f"ROOT = {str(ROOT)!r}\nMODE = {mode!r}\n" + PHASE
    env = dict(os.environ, INDICATOR_QA_HOME=home)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        for mode in ("cold", "warm", "composer"):
            t = time.perf_counter()
            r = phase(mode, home)
            r["process_s"] = round(time.perf_counter() - t, 2)
            print(f"{mode:9s}", json.dumps(r, ensure_ascii=False))


if __name__ == "__main__":
    main()
