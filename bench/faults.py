"""Fault suite runner: every fault case of issue 15, and every file of the
bad-input suite (tests/bad_inputs/build.py), each in its own process with an
empty data directory; prints per case the expected and the observed outcome,
seconds and peak RSS, and exits 1 when any case misses.

    python bench/faults.py                 # all cases
    python bench/faults.py --only llm      # cases whose name contains "llm"
    python bench/faults.py --list          # names and expected outcomes

Adding a case: write `def name(work: Path) -> tuple[bool, str]` below, decorated
with `@case("what must happen")`; it gets an empty folder (`work`, with the data
dir at work/home) and returns (as expected?, what it observed). A new reader
case goes into tests/bad_inputs/build.py and shows up here by itself.
Peak RSS is the case process's, its children included (os.wait4)."""
from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

CASES: dict[str, tuple[str, Callable[[Path], tuple[bool, str]]]] = {}


def case(expected: str):
    def register(fn):
        CASES[fn.__name__] = (expected, fn)
        return fn
    return register


# ---- helpers --------------------------------------------------------------------------

def _cli(*args: str, env: dict | None = None):
    """The CLI in this process (so its memory is this case's)."""
    from click.testing import CliRunner

    from classifier.cli import main

    res = CliRunner().invoke(main, list(args), env=env)
    crashed = res.exception is not None and not isinstance(res.exception, SystemExit)
    return res.exit_code, res.stdout, res.stderr + ("Traceback" if crashed else "")


def _cli_process(args: list[str], fsize: int | None = None) -> subprocess.CompletedProcess:
    def cap():
        if fsize:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.run([sys.executable, "-m", "classifier.cli", *args], capture_output=True, text=True,
                          preexec_fn=cap, cwd=ROOT, timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT)})


def _seed():
    from classifier.config import example_path
    from classifier.ingest import read_path

    return read_path(example_path())


def _small_csv(work: Path, n: int = 12) -> Path:
    path = work / "seed12.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["项目名称", "主管部门", "预算数", "一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值"])
        for p in _seed().projects[:n]:
            for i in p.indicators:
                w.writerow([p.title, p.unit, p.budget, i.level1, i.level2, i.level3, i.description, i.value])
    return path


def _small_seed_txt(work: Path) -> Path:
    from classifier.config import example_path

    src = example_path().read_text(encoding="utf-8")
    cut = src.index("\n", src.index("项目名称", src.index("项目名称", src.index("项目名称") + 1) + 1) - 40)
    out = work / "small.txt"
    out.write_text(src[:cut], encoding="utf-8")
    return out


def _no_traceback(err: str) -> bool:
    return "Traceback" not in err


# ---- 1. index folder with user files ----------------------------------------------------

@case("rc 0; the user's files kept byte for byte; stderr: 没有删除")
def index_user_folder(work: Path):
    folder = work / "docs"
    folder.mkdir()
    (folder / "说明.docx").write_bytes(b"user data" * 100)
    (folder / "chroma.sqlite3").write_bytes(os.urandom(65536))
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    os.environ["INDICATOR_QA_INDEX_DIR"] = str(folder)
    rc, out, err = _cli("review", str(_small_csv(work)), "--format", "jsonl")
    kept = {p.name: p.read_bytes() for p in folder.iterdir()} == before
    return rc == 0 and kept and "没有删除" in err and _no_traceback(err), f"rc {rc}; files kept: {kept}; {len(out.splitlines())} rows"


# ---- 2. one bad value ---------------------------------------------------------------------

@case("learned model on for the run; 0 rows of other tables change labels; the table named")
def bad_budget(work: Path):
    from classifier.config import example_path
    from classifier.ingest import read_path
    from classifier.pipeline import review

    text = example_path().read_text(encoding="utf-8").replace("\t预算数\n\t240.00\n", "\t预算数\n\t-240\n", 1)
    bad_file = work / "bad.txt"
    bad_file.write_text(text, encoding="utf-8")
    good, bad = review(_seed(), use_index=False), review(read_path(bad_file), use_index=False)
    first = bad.projects[0].id
    g = {i.id: good.labels(i.id) for _, i in good.rows()}
    changed = sum(1 for p, i in bad.rows() if p.id != first and bad.labels(i.id) != g[i.id])
    named = [str(p) for p in bad.problems if p.table == 1 and "预算数" in p.message]
    on = "model_scores" in bad.run
    return on and changed == 0 and bool(named), f"model on: {on}; other rows changed: {changed}; named: {bool(named)}"


# ---- 4. outputs -------------------------------------------------------------------------

@case("rc 3; previous output byte for byte; stderr names the path")
def full_disk_review_out(work: Path):
    src, out = _small_csv(work), work / "review.json"
    args = ["review", str(src), "--format", "json", "--out", str(out)]
    first = _cli_process(args)
    before = out.read_bytes() if out.exists() else b""
    res = _cli_process(args, fsize=max(1, len(before) // 2))
    kept = out.read_bytes() == before
    ok = first.returncode == 0 and res.returncode == 3 and kept and str(out) in res.stderr and _no_traceback(res.stderr)
    return ok, f"rc {res.returncode}; previous kept: {kept}"


@case("rc 3; previous report byte for byte")
def full_disk_report_out(work: Path):
    src, out = _small_csv(work), work / "report.html"
    args = ["report", str(src), "--out", str(out)]
    _cli_process(args)
    before = out.read_bytes() if out.exists() else b""
    res = _cli_process(args, fsize=max(1, len(before) // 2))
    kept = out.read_bytes() == before
    return res.returncode == 3 and kept and _no_traceback(res.stderr), f"rc {res.returncode}; previous kept: {kept}"


@case("rc 3; stderr names the missing directory")
def out_missing_dir(work: Path):
    rc, _, err = _cli("review", str(_small_csv(work, 2)), "--format", "json", "--out", str(work / "nope" / "r.json"))
    return rc == 3 and str(work / "nope") in err and _no_traceback(err), f"rc {rc}; {err.strip().splitlines()[-1][:80]}"


# ---- 10, 12, 14, 16: the model endpoint -----------------------------------------------------

@case("each request cut at INDICATOR_QA_TIMEOUT=2 in total; rows fall back to the rules")
def llm_trickle(work: Path):
    from test_faults_llm import RawServer

    from classifier.llm import from_env
    from classifier.models import ReadResult
    from classifier.pipeline import review

    read = ReadResult(projects=_seed().projects[:2])
    with RawServer("trickle", limit=40) as srv:
        settings = from_env(base_url=srv.url, model="m", timeout=2, max_retries=1, backoff=0.01)
        t = time.perf_counter()
        rv = review(read, "openai", settings=settings, few_shot=0)
        took = time.perf_counter() - t
    ok = took < 15 and set(rv.row_source.values()) == {"rules_fallback"}
    return ok, f"{took:.1f} s for {rv.run['calls']} requests; sources {sorted(set(rv.row_source.values()))}"


@case("a body past max_answer_bytes is not read on; one request; rules fallback")
def llm_flood(work: Path):
    from test_faults_llm import RawServer

    from classifier.llm import from_env
    from classifier.models import ReadResult
    from classifier.pipeline import review

    with RawServer("flood", limit=30) as srv:
        settings = from_env(base_url=srv.url, model="m", timeout=20, max_retries=2, max_answer_bytes=2_000_000)
        rv = review(ReadResult(projects=_seed().projects[:1]), "openai", settings=settings, few_shot=0)
    ok = srv.requests == 1 and any("上限" in e for e in rv.run["errors"])
    return ok, f"{srv.requests} request(s), server sent {srv.sent // 1024} KB"


@case("the echoed key and URL credentials in no output, cache or stderr")
def llm_echo_key(work: Path):
    from test_faults_llm import QUERY_KEY, SECRET, _echo_server

    from classifier.config import data_dir

    with _echo_server(SECRET, QUERY_KEY) as srv:
        host = srv.url.split("//", 1)[1]
        os.environ.update(INDICATOR_QA_BASE_URL=f"http://{host}?api-key={QUERY_KEY}", INDICATOR_QA_API_KEY=SECRET)
        out = work / "r.json"
        rc, _, err = _cli("review", str(_small_seed_txt(work)), "--backend", "openai", "--format", "json", "--out", str(out))
        rc2, _, err2 = _cli("report", str(_small_seed_txt(work)), "--backend", "openai", "--out", str(work / "r.html"))
    texts = [out.read_text(encoding="utf-8"), (work / "r.html").read_text(encoding="utf-8"), err, err2,
             (data_dir() / "llm_cache.sqlite").read_bytes().decode("utf-8", "replace")]
    leaks = sum(t.count(SECRET) + t.count(QUERY_KEY) for t in texts)
    return rc == rc2 == 0 and leaks == 0, f"rc {rc}/{rc2}; secrets found: {leaks}"


@case("moved aside to llm_cache.sqlite.damaged-*, rebuilt, said on stderr; rc 0")
def llm_cache_damaged(work: Path):
    from llm_server import ScriptedLLM

    from classifier.config import data_dir

    (data_dir() / "llm_cache.sqlite").write_bytes(os.urandom(40960))
    with ScriptedLLM() as srv:
        os.environ["INDICATOR_QA_BASE_URL"] = srv.url
        rc, _, err = _cli("review", str(_small_seed_txt(work)), "--backend", "openai", "--format", "json")
    aside = [p.name for p in data_dir().iterdir() if ".damaged-" in p.name]
    return rc == 0 and aside and "损坏" in err and _no_traceback(err), f"rc {rc}; aside: {aside}"


@case("one request, then every table falls back; stderr: the 401's reason in Chinese")
def llm_401(work: Path):
    from llm_server import Reply, ScriptedLLM

    with ScriptedLLM() as srv:
        srv.enqueue(*[Reply(status=401, raw_http=json.dumps({"error": {"message": "Incorrect API key provided"}}))] * 20)
        os.environ.update(INDICATOR_QA_BASE_URL=srv.url, INDICATOR_QA_CONCURRENCY="1")
        rc, _, err = _cli("review", str(_small_seed_txt(work)), "--backend", "openai", "--format", "jsonl")
        n = srv.count
    said = any("401" in l and "Incorrect API key" in l for l in err.splitlines())
    return rc == 0 and n == 1 and said, f"rc {rc}; requests {n}; reason on stderr: {said}"


# ---- 13, 16: names, data dir, JSON ---------------------------------------------------------

@case("no ESC/CR/BEL on stderr or stdout; the name shown escaped")
def control_chars_in_names(work: Path):
    evil = work / "表\x1b[31m红\x1b[0m\r注意：伪造\n.csv"
    evil.write_bytes(b"\xff\xfe\x00garbage\x00" * 10)
    rc, out, err = _cli("review", str(evil), str(_small_csv(work, 2)), "--format", "json")
    clean = not any(c in out + err for c in "\x1b\r\x07")
    return rc == 0 and clean and "\\x1b" in err, f"rc {rc}; clean: {clean}"


@case("rc 3; stderr: INDICATOR_QA_HOME … 不是目录")
def home_is_a_file(work: Path):
    home = work / "file"
    home.write_text("x")
    rc, _, err = _cli("review", str(_small_csv(work, 2)), env={"INDICATOR_QA_HOME": str(home)})
    return rc == 3 and "不是目录" in err and _no_traceback(err), f"rc {rc}; {err.strip()[:70]}"


@case("strict JSON: the infinite budget is null")
def infinity_in_json(work: Path):
    from classifier.config import example_path

    bad = work / "inf.txt"
    bad.write_text(example_path().read_text(encoding="utf-8").replace("\t预算数\n\t240.00\n", "\t预算数\n\t" + "9" * 400 + "\n", 1),
                   encoding="utf-8")
    rc, out, _ = _cli("review", str(bad), "--format", "json")
    try:
        doc = json.loads(out, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
        budget = doc["projects"][0]["budget"]
    except ValueError as e:
        return False, f"not JSON: {e}"
    return rc == 0 and budget is None, f"rc {rc}; budget {budget!r}"


# ---- 15, 16: the decision store --------------------------------------------------------------

@case("opens read-only with a message naming the file; saves refused; file unchanged")
def store_damaged(work: Path):
    from classifier.store import Store, StoreError

    path = work / "decisions.sqlite"
    path.write_bytes(os.urandom(32768))
    before = path.read_bytes()
    with Store(path) as s:
        try:
            s.save("h", "T001-01", "reject", "张三", {"id": "T001-01"}, expected_version=0, labels=[])
            refused = False
        except StoreError:
            refused = True
        problem = s.problem
    return refused and str(path) in problem and path.read_bytes() == before, f"refused: {refused}; {problem[:60]}"


@case("full disk at save: StoreError naming file and cause, never 'no transaction is active'; saved ones kept")
def store_full_disk(work: Path):
    path = work / "decisions.sqlite"
    code = ("import json,sys\nfrom classifier.store import Store, StoreError\ns=Store(sys.argv[1]);n=0;e=''\n"
            "for k in range(100000):\n try:\n  s.save('h',f'R{k}','reject','张三',{'d':'长'*2000},expected_version=0,labels=[]);n+=1\n"
            " except StoreError as x:\n  e=str(x);break\nprint(json.dumps({'n':n,'e':e},ensure_ascii=False))")
    from classifier.store import Store

    Store(path).close()

    def cap():
        resource.setrlimit(resource.RLIMIT_FSIZE, (400_000, 400_000))

    res = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, preexec_fn=cap,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    got = json.loads(res.stdout or '{"n": 0, "e": ""}')
    with Store(path) as s:
        kept = len(s.history("h"))
    ok = got["e"] and "no transaction" not in got["e"] and str(path) in got["e"] and kept == got["n"]
    return bool(ok), f"saved {got['n']}, kept {kept}; {got['e'][:50]}"


@case("second undo on one row: no conflict with oneself")
def undo_twice(work: Path):
    from classifier.store import Conflict, Store

    with Store(work / "d.sqlite") as s:
        s.save("h", "r", "accept", "张三", {}, expected_version=0, after={"v": 1}, labels=[])
        s.save("h", "r", "edit", "张三", {}, expected_version=1, after={"v": 2}, labels=[])
        try:
            s.undo_last("h", "张三")
            second = s.undo_last("h", "张三")
            return second is not None and s.current("h", "r") is None, "both undone"
        except Conflict as e:
            return False, f"Conflict: {e}"


@case("train --include-decisions on a damaged store: rc 0, the store named, no traceback")
def train_damaged_store(work: Path):
    store = work / "decisions.sqlite"
    store.write_bytes(os.urandom(16384))
    rc, _, err = _cli("train", "--include-decisions", "--store", str(store), "--out", str(work / "m.joblib"),
                      "--no-neighbour-labels")
    return rc == 0 and str(store) in err and _no_traceback(err), f"rc {rc}"


@case("a garbage vector cache is rebuilt once; the next run prints nothing about it")
def vector_cache_damaged(work: Path):
    from classifier.config import data_dir

    src = _small_csv(work, 4)
    _cli_process(["review", str(src), "--format", "jsonl"])
    (data_dir() / "vectors.sqlite3").write_bytes(os.urandom(8192))
    _cli_process(["review", str(src), "--format", "jsonl"])
    third = _cli_process(["review", str(src), "--format", "jsonl"])
    quiet = "vector" not in third.stderr and "损坏" not in third.stderr
    return third.returncode == 0 and quiet, f"rc {third.returncode}; quiet on the third run: {quiet}"


# ---- reader cases: every file of the bad-input suite ------------------------------------------

def _reader_cases(suite: Path) -> None:
    """One case per file of tests/bad_inputs/build.py, built once into `suite`
    (cases.json keeps what each must give, so the case processes need not rebuild)."""
    index = suite / "cases.json"
    if not index.is_file():
        from bad_inputs.build import build

        cases = [{"name": c.name, "rows": c.rows, "says": list(c.says)} for c in build(suite)]
        index.write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
    for c in json.loads(index.read_text(encoding="utf-8")):
        name, rows, says = c["name"], c["rows"], c["says"]
        want = "all readable rows" if rows < 0 else f"{rows} rows"

        def run(work: Path, name=name, rows=rows, says=says):
            from classifier.ingest import read_path

            path = suite / name
            rc, out, err = _cli("review", str(path), "--format", "jsonl")
            n = len([line for line in out.splitlines() if line.strip()])
            expect = rows if rows >= 0 else sum(len(p.indicators) for p in read_path(path).projects)
            missing = [w for w in says if w not in err]
            ok = rc == (0 if expect else 2) and n == expect and not missing and _no_traceback(err)
            return ok, f"rc {rc}; {n} rows" + (f"; message lacks {missing}" if missing else "")

        CASES[f"reader_{name}"] = (f"{want}, exit {0 if rows else 2}" + (f", says {'/'.join(says)}" if says else ""), run)


# ---- the runner -------------------------------------------------------------------------------

def _run_one(name: str, work: Path) -> None:
    """In the child: run one case and print its JSON line."""
    os.environ["INDICATOR_QA_HOME"] = str(work / "home")
    os.environ.setdefault("INDICATOR_QA_EMBEDDER", "tfidf")
    for k in ("INDICATOR_QA_API_KEY", "OPENAI_API_KEY", "INDICATOR_QA_BASE_URL", "INDICATOR_QA_INDEX_DIR"):
        os.environ.pop(k, None)
    _, fn = CASES[name]
    try:
        ok, observed = fn(work)
    except Exception as e:  # noqa: BLE001 — a case that crashes is a failed case, with its reason
        ok, observed = False, f"crashed: {type(e).__name__}: {e}"
    print(json.dumps({"ok": bool(ok), "observed": observed}, ensure_ascii=False))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="", help="run only cases whose name contains this")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--run", help=argparse.SUPPRESS)
    ap.add_argument("--work", help=argparse.SUPPRESS)
    ap.add_argument("--suite", help=argparse.SUPPRESS)
    args = ap.parse_args()
    suite = Path(args.suite) if args.suite else Path(tempfile.mkdtemp(prefix="fault-suite-"))
    if not args.run or args.run.startswith("reader_"):
        _reader_cases(suite)
    if args.run:
        _run_one(args.run, Path(args.work))
        return 0
    names = [n for n in CASES if args.only in n]
    if args.list:
        for n in names:
            print(f"{n:<34} {CASES[n][0]}")
        shutil.rmtree(suite, ignore_errors=True)
        return 0
    print(f"{'case':<34} {'ok':<4} {'s':>6} {'RSS MB':>7}  expected → observed")
    missed = 0
    for n in names:
        work = Path(tempfile.mkdtemp(prefix=f"fault-{n[:20]}-"))
        t = time.perf_counter()
        p = subprocess.Popen([sys.executable, __file__, "--run", n, "--work", str(work), "--suite", str(suite)], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
        out = p.stdout.read()
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)  # reaped here, by wait4, for its rusage
        took = time.perf_counter() - t
        try:
            res = json.loads(out.strip().splitlines()[-1])
        except (ValueError, IndexError):
            res = {"ok": False, "observed": f"no result (exit status {status})"}
        missed += not res["ok"]
        rss = usage.ru_maxrss / 1024  # KiB on Linux
        print(f"{n:<34} {'✓' if res['ok'] else '✗':<4} {took:>6.1f} {rss:>7.0f}  {CASES[n][0]} → {res['observed']}", flush=True)
        shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(suite, ignore_errors=True)
    print(f"{len(names) - missed}/{len(names)} cases as expected")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
