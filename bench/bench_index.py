"""Index build speed and memory: the seed cold and warm, and a 10x corpus.

    python bench/bench_index.py              # all phases, each in a fresh process
    python bench/bench_index.py --sweep      # copy_paste vs NEAR_THRESHOLD on the seed

Cold = new process, empty index directory: model load + embedding + Chroma writes.
Warm = new process, same directory, same file: nothing to embed (ids exist).
10x  = the seed's 100 tables copied 10 times as 10 files, each copy's descriptions
       made distinct so every text really is embedded (7,430 rows).
Each phase runs in its own process so peak RSS is that phase's own.
Targets (issue 4): seed cold ≤ 8 s, warm ≤ 1 s on 2 cores."""
from __future__ import annotations

import argparse
import copy
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SUFFIXES = ["", "，按季度统计", "，以台账为准", "，由项目单位核定", "，年末考核", "，按月汇总", "，以验收报告为准",
            "，数据来自业务系统", "，由财务部门核对", "，按合同约定"]


def _corpus(times: int):
    from classifier.config import example_path
    from classifier.ingest import read_path

    read = read_path(example_path())
    if times == 1:
        return read.projects
    out = []
    for i in range(times):
        for p in read.projects:
            q = copy.deepcopy(p)
            q.source_file, q.source_hash = f"copy{i}.txt", f"{p.source_hash[:56]}{i:08d}"
            for ind in q.indicators:
                ind.description = ind.description + SUFFIXES[i % len(SUFFIXES)]
            out.append(q)
    return out


def phase(name: str, path: str) -> dict:
    """One measurement, in this process."""
    from classifier.clusters import find_clusters
    from classifier.index import Index

    times = 10 if name == "10x" else 1
    projects = _corpus(times)
    rows = sum(len(p.indicators) for p in projects)
    t0, c0 = time.perf_counter(), time.process_time()
    idx = Index(path=path)
    stats = idx.add_projects(projects)
    t1, c1 = time.perf_counter(), time.process_time()
    clusters = find_clusters(projects, idx)
    t2 = time.perf_counter()
    # cpu_seconds: what the build cost this process; on a shared, loaded machine
    # the wall time can be several times larger than on 2 free cores.
    return {"phase": name, "rows": rows, "index_seconds": round(t1 - t0, 2), "cpu_seconds": round(c1 - c0, 2),
            "rows_per_s": round(rows / (t1 - t0), 1), "clusters_seconds": round(t2 - t1, 2), "clusters": len(clusters),
            "embedded": stats["embedded"], "embedder": idx.ef.model_id, "load_avg": round(os.getloadavg()[0], 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def run_all() -> list[dict]:
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, INDICATOR_QA_HOME=tmp)
        for name, d in (("seed-cold", "seed"), ("seed-warm", "seed"), ("10x", "big")):
            res = subprocess.run([sys.executable, __file__, "--phase", name, "--dir", str(Path(tmp) / d)],
                                 capture_output=True, text=True, env=env, check=True)
            out.append(json.loads(res.stdout.strip().splitlines()[-1]))
            print(json.dumps(out[-1], ensure_ascii=False), flush=True)
    return out


def sweep() -> None:
    """copy_paste on the seed at several thresholds: clusters, rows, and P/R against
    /work/shared/reference_labels.jsonl when present (150 labelled seed rows)."""
    from classifier.clusters import copy_paste_findings, find_clusters
    from classifier.index import Index

    projects = _corpus(1)
    ref_path = Path(os.environ.get("INDICATOR_QA_REFERENCE", "/work/shared/reference_labels.jsonl"))
    ref = {}
    if ref_path.exists():
        for line in ref_path.read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            ref[d["id"]] = "copy_paste" in d["labels"]
    with tempfile.TemporaryDirectory() as tmp:
        idx = Index(path=tmp)
        for th in (0.6, 0.7, 0.8, 0.85, 0.9, 0.95):
            clusters = find_clusters(projects, idx, threshold=th)
            pred = {f.row_id for f in copy_paste_findings(clusters, projects)}
            line = f"threshold {th:.2f}: {len(clusters)} clusters, {sum(c.size for c in clusters)} rows, {len(pred)} flagged"
            if ref:
                tp = sum(1 for i, y in ref.items() if y and i in pred)
                fp = sum(1 for i, y in ref.items() if not y and i in pred)
                pos = sum(ref.values())
                line += f"; on {len(ref)} labelled rows P={tp / max(1, tp + fp):.3f} R={tp / max(1, pos):.3f}"
            print(line)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--phase", choices=["seed-cold", "seed-warm", "10x"])
    ap.add_argument("--dir")
    ap.add_argument("--sweep", action="store_true")
    a = ap.parse_args()
    if a.sweep:
        sweep()
    elif a.phase:
        print(json.dumps(phase(a.phase, a.dir), ensure_ascii=False))
    else:
        print(f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.2f}")
        run_all()
