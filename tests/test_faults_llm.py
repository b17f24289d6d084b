"""Issue 15, the model endpoint's faults (items 10, 12, 14 and the 401 of 16),
each against a real loopback server: a per-request total deadline and an
answer-size cap; the key and URL credentials scrubbed from everything written
or shown; a damaged response cache moved aside and rebuilt; a refused key said
on stderr in Chinese."""
from __future__ import annotations

import copy
import json
import socket
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from llm_server import Reply, ScriptedLLM, completion, default_answer  # noqa: E402

from classifier.cli import main  # noqa: E402
from classifier.llm import from_env  # noqa: E402
from classifier.models import ReadResult  # noqa: E402
from classifier.pipeline import review  # noqa: E402

SECRET = "sk-live-ECHOLEAK-0a1b2c3d4e5f"
URL_PASS = "hunter2-URLPASS"
QUERY_KEY = "qk-QUERYLEAK-77"


def _read(seed_read, n=2) -> ReadResult:
    return ReadResult(projects=copy.deepcopy(seed_read.projects[:n]))


def _small_seed(seed_path, tmp_path) -> Path:
    """The first two tables of the seed in its own text format."""
    src = seed_path.read_text(encoding="utf-8")
    cut = src.index("\n", src.index("项目名称", src.index("项目名称", src.index("项目名称") + 1) + 1) - 40)
    small = tmp_path / "small.txt"
    small.write_text(src[:cut], encoding="utf-8")
    return small


def _invoke(*args):
    res = CliRunner().invoke(main, list(args))
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in res.stderr
    return res


# ---- 10. a total deadline per request, and a cap on the answer ---------------------------

class RawServer:
    """Answers every request by hand: `trickle` sends headers then one byte every
    `gap` seconds (for at most `limit` seconds); `flood` sends a chunked body
    without Content-Length until told to stop."""

    def __init__(self, mode: str, gap: float = 0.25, limit: float = 30.0):
        self.mode, self.gap, self.limit = mode, gap, limit
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/v1"
        self.requests = 0
        self.sent = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self):
        self.sock.settimeout(0.1)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn):
        try:
            conn.settimeout(5)
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            length = int(next((l.split(b":")[1] for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")), b"0"))
            while len(body) < length:
                body += conn.recv(65536)
            self.requests += 1
            started = time.monotonic()
            if self.mode == "trickle":
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n")
                while not self.stop.is_set() and time.monotonic() - started < self.limit:
                    conn.sendall(b" ")
                    self.sent += 1
                    time.sleep(self.gap)
            else:  # flood: a chunked body, no Content-Length
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                chunk = b" " * 65536
                while not self.stop.is_set() and time.monotonic() - started < self.limit:
                    conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    self.sent += len(chunk)
        except OSError:
            pass  # the client gave up: that is the point
        finally:
            conn.close()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.sock.close()


def test_trickling_server_is_cut_at_the_timeout_per_request(seed_read):
    """One byte every 0.25 s resets the SDK's read timeout forever; the deadline
    does not: two attempts × 2 s, then the tables fall back to the rules."""
    read = _read(seed_read, 2)
    with RawServer("trickle", limit=40) as srv:
        settings = from_env(base_url=srv.url, model="m", timeout=2, max_retries=1, backoff=0.01, concurrency=2)
        started = time.monotonic()
        rv = review(read, "openai", settings=settings, few_shot=0)
        took = time.monotonic() - started
    # was: each attempt held until the server gave up (40 s here, 93 s in the probe)
    assert took < 15, took
    assert rv.run["calls"] == 4 and srv.requests >= 2 and srv.sent >= 1  # 2 tables × (1 + 1 retry); bytes did trickle
    assert set(rv.row_source.values()) == {"rules_fallback"}
    assert any("总时限" in e for e in rv.run["errors"])


def test_answer_past_the_size_cap_is_not_read_on(seed_read):
    read = _read(seed_read, 1)
    with RawServer("flood", limit=20) as srv:
        settings = from_env(base_url=srv.url, model="m", timeout=15, max_retries=2, backoff=0.01,
                            max_answer_bytes=1_000_000)
        started = time.monotonic()
        rv = review(read, "openai", settings=settings, few_shot=0)
        took = time.monotonic() - started
    assert took < 10, took
    assert srv.requests == 1  # too big is no reason to ask again
    assert set(rv.row_source.values()) == {"rules_fallback"}
    assert any("上限" in e for e in rv.run["errors"])


def test_answer_with_a_large_content_length_is_refused_before_reading(seed_read):
    read = _read(seed_read, 1)
    big = {"rows": [{"id": "x", "findings": [], "rewrite": None, "pad": "长" * 600_000}]}
    with ScriptedLLM() as srv:
        srv.enqueue(Reply(body=big))
        settings = from_env(base_url=srv.url, model="m", timeout=10, max_retries=0, max_answer_bytes=500_000)
        rv = review(read, "openai", settings=settings, few_shot=0)
    assert set(rv.row_source.values()) == {"rules_fallback"} and any("上限" in e for e in rv.run["errors"])


# ---- 12. the key and URL credentials are scrubbed from everything ------------------------

def _echo_server(*literal: str):
    """An endpoint that echoes the request's Authorization header (and every
    header, and any `literal` text) into each finding and rewrite of a valid answer."""
    srv = ScriptedLLM()

    def echo(body: dict) -> dict:
        headers = srv.headers[-1]
        leak = f"{headers.get('Authorization', '')} | {json.dumps(headers, ensure_ascii=False)} | {' '.join(literal)}"
        ans = default_answer(body)
        for row in ans["rows"]:
            for f in row.get("findings", []):
                f["evidence"] += leak
            if row.get("rewrite"):
                row["rewrite"]["rationale"] += leak
        return ans

    srv.default = echo
    return srv


def _all_text_of(path: Path) -> str:
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return path.read_bytes().decode("utf-8", "replace")


def test_echoed_key_and_url_credentials_are_written_nowhere(seed_path, tmp_path, monkeypatch):
    from classifier.config import data_dir

    small = _small_seed(seed_path, tmp_path)
    with _echo_server(SECRET, QUERY_KEY) as srv:
        host = srv.url.split("//", 1)[1]
        monkeypatch.setenv("INDICATOR_QA_BASE_URL", f"http://{host}?api-key={QUERY_KEY}")
        monkeypatch.setenv("INDICATOR_QA_API_KEY", SECRET)
        out = tmp_path / "review.json"
        res = _invoke("review", str(small), "--backend", "openai", "--format", "json", "--out", str(out))
        assert res.exit_code == 0, res.stderr
        assert srv.count >= 1 and any(SECRET in h.get("Authorization", "") for h in srv.headers)  # the key was sent
        rep = _invoke("report", str(small), "--backend", "openai", "--out", str(tmp_path / "r.html"),
                      "--out", str(tmp_path / "r.xlsx"))
        assert rep.exit_code == 0, rep.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert "测试服务器" in out.read_text(encoding="utf-8")  # the model's findings are there …
    assert "****" in out.read_text(encoding="utf-8")  # … with the echoed secrets masked
    assert doc["run"]["endpoint"]["base_url"] == f"http://{host}?api-key=****"
    places = {"review.json": out.read_text(encoding="utf-8"), "report.html": _all_text_of(tmp_path / "r.html"),
              "report.xlsx": _all_text_of(tmp_path / "r.xlsx"),
              "llm_cache.sqlite": (data_dir() / "llm_cache.sqlite").read_bytes().decode("utf-8", "replace"),
              "stderr": res.stderr + rep.stderr, "stdout": res.stdout + rep.stdout}
    for where, text in places.items():
        for secret in (SECRET, QUERY_KEY):
            assert secret not in text, (where, secret)


def test_user_and_password_in_the_url_are_scrubbed_from_an_echo(seed_read):
    """user:pass@ goes out as a Basic Authorization header: echoed, it is scrubbed in its base64 form too."""
    import base64

    with _echo_server(URL_PASS) as srv:
        host = srv.url.split("//", 1)[1]
        settings = from_env(base_url=f"http://reviewer:{URL_PASS}@{host}", model="m", timeout=10, max_retries=0)
        rv = review(_read(seed_read, 1), "openai", settings=settings, few_shot=0)
        sent = srv.headers[0].get("Authorization", "")
    basic = base64.b64encode(f"reviewer:{URL_PASS}".encode()).decode()
    assert sent == f"Basic {basic}"
    blob = json.dumps(rv.to_json(), ensure_ascii=False)
    assert "测试服务器" in blob and basic not in blob and URL_PASS not in blob


def test_url_credentials_never_on_stderr_when_the_endpoint_is_down(seed_path, tmp_path, monkeypatch):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    monkeypatch.setenv("INDICATOR_QA_BASE_URL", f"http://reviewer:{URL_PASS}@127.0.0.1:{port}/v1?api_key={QUERY_KEY}")
    monkeypatch.setenv("INDICATOR_QA_MAX_RETRIES", "0")
    monkeypatch.setenv("INDICATOR_QA_MAX_CONNECT_FAILURES", "1")  # the breaker's message names the endpoint
    res = _invoke("review", str(_small_seed(seed_path, tmp_path)), "--backend", "openai", "--format", "json")
    assert res.exit_code == 0
    assert "无法连接" in res.stderr and f"127.0.0.1:{port}" in res.stderr  # the endpoint is still named …
    for secret in (URL_PASS, QUERY_KEY):
        assert secret not in res.stderr and secret not in res.stdout  # … without its credentials


def test_redact_url_and_scrubber():
    from classifier.redact import Scrubber, redact_url, url_secrets

    assert redact_url("https://u:p4ss@h.example/v1?api-key=abcd&api-version=2024") == \
        "https://****@h.example/v1?api-key=****&api-version=2024"
    assert redact_url("http://127.0.0.1:8000/v1") == "http://127.0.0.1:8000/v1"
    sc = Scrubber([SECRET, *url_secrets(f"http://me:{URL_PASS}@h/v1?token={QUERY_KEY}")])
    assert sc.obj({"a": [f"Bearer {SECRET}", f"{URL_PASS}!"], QUERY_KEY: 1}) == {"a": ["Bearer ****", "****!"], "****": 1}


# ---- 14. a damaged response cache ----------------------------------------------------------

def test_damaged_llm_cache_is_moved_aside_rebuilt_and_said(seed_path, tmp_path, monkeypatch):
    import os

    from classifier.config import data_dir

    cache = data_dir() / "llm_cache.sqlite"
    garbage = os.urandom(40 * 1024)
    cache.write_bytes(garbage)
    small = _small_seed(seed_path, tmp_path)
    with ScriptedLLM() as srv:
        monkeypatch.setenv("INDICATOR_QA_BASE_URL", srv.url)
        first = _invoke("review", str(small), "--backend", "openai", "--format", "json")
        assert first.exit_code == 0, first.stderr
        calls = srv.count
        assert calls >= 1 and json.loads(first.stdout)["run"]["calls"] == calls
        assert "llm_cache.sqlite" in first.stderr and "损坏" in first.stderr and "重建" in first.stderr
        aside = [p for p in data_dir().iterdir() if p.name.startswith("llm_cache.sqlite.damaged-")]
        assert len(aside) == 1 and aside[0].read_bytes() == garbage and aside[0].name in first.stderr
        second = _invoke("review", str(small), "--backend", "openai", "--format", "json")
        assert srv.count == calls  # the rebuilt cache answers the rerun: zero calls
        assert json.loads(second.stdout)["run"]["cache_hits"] >= 1 and "损坏" not in second.stderr


def test_llm_cache_that_cannot_be_written_falls_back_to_memory(seed_read, tmp_path):
    from classifier.llm.cache import ResponseCache

    blocked = tmp_path / "not-a-dir"
    blocked.write_text("x")
    cache = ResponseCache(blocked / "llm_cache.sqlite")
    assert "内存" in cache.notice and str(blocked) in cache.notice
    cache.put("k", {"rows": []}, prompt_version="v", model="m", kind="judge")
    assert cache.get("k") == {"rows": []}


# ---- 16. a 401 says why on stderr, in Chinese ---------------------------------------------

def test_refused_key_is_said_on_stderr_once_and_stops_calling(seed_path, tmp_path, monkeypatch):
    reason = "Incorrect API key provided: sk-li****4e5f. You can find your API key at https://example/keys."
    with ScriptedLLM() as srv:
        srv.enqueue(*[Reply(status=401, raw_http=json.dumps({"error": {"message": reason, "type": "invalid_request_error",
                                                                       "code": "invalid_api_key"}}))] * 20)
        monkeypatch.setenv("INDICATOR_QA_BASE_URL", srv.url)
        monkeypatch.setenv("INDICATOR_QA_API_KEY", SECRET)
        monkeypatch.setenv("INDICATOR_QA_CONCURRENCY", "1")
        res = _invoke("review", str(_small_seed(seed_path, tmp_path)), "--backend", "openai", "--format", "jsonl")
        assert res.exit_code == 0
        assert srv.count == 1  # a refused key is not asked again, table after table
    notes = [l for l in res.stderr.splitlines() if l.startswith("注意：")]
    assert len([l for l in notes if "401" in l]) == 1
    line = next(l for l in notes if "401" in l)
    assert "拒绝" in line and "Incorrect API key provided" in line and "INDICATOR_QA_API_KEY" in line
    assert SECRET not in res.stderr
    assert {json.loads(l)["source"] for l in res.stdout.splitlines()} == {"rules_fallback"}
