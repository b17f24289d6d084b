"""A real HTTP server on 127.0.0.1 speaking the OpenAI chat-completions
protocol, scripted per test, counting every request. Used by tests/test_llm.py
and bench/bench_llm.py.

    with ScriptedLLM() as srv:
        srv.enqueue(Reply(status=429), Reply(body="not json"))  # then the default
        ... base_url=srv.url ...
        srv.requests  # every request body received

Without a script step, a request gets `default_answer`: a valid answer that
repeats the rule evidence as findings with the offline rewrite (or, when that
needs a human, the seed's gold rewrite of the row)."""
from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from functools import lru_cache
from pathlib import Path
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

from classifier.models import Finding, Indicator, Project, Rewrite
from classifier.rewrite import suggest_rewrite

FENCE = re.compile(r"```json\s*(.*?)```", re.S)


@dataclass
class Reply:
    status: int = 200
    body: object = None  # dict → JSON content of the message; str → raw content; None → default answer
    delay: float = 0.0
    headers: dict = field(default_factory=dict)
    raw_http: str | None = None  # replaces the whole HTTP body (error payloads)


def request_data(body: dict) -> dict:
    """The JSON data document of the first user message (rows to answer)."""
    for m in body.get("messages", []):
        if m.get("role") != "user":
            continue
        for block in FENCE.findall(m.get("content") or ""):
            obj = json.loads(block)
            if isinstance(obj, dict) and "rows" in obj:
                return obj
    raise ValueError("no data block in request")


@lru_cache(maxsize=1)
def _gold_rewrites() -> dict:
    path = Path(__file__).resolve().parent.parent / "eval" / "labelled.jsonl"
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {(d["level3"], d["description"], d["value"]): d["rewrite"] for d in rows if d.get("rewrite")}


def _rewrite(row: dict, project: dict, labels: list[str]) -> dict:
    """The offline rewrite when it passes the meaning check; else the seed's gold
    rewrite of the same row (what a good model would write), so the scripted
    model's answers need no revision unless a test scripts one."""
    ind = Indicator(row["id"], row["level1"], row["level2"], row["level3"], row["description"], row["value"])
    budget = re.match(r"[\d.]+", project.get("budget") or "")
    p = Project(id="P", title=project.get("title", ""), budget=float(budget.group()) if budget else None, goal=project.get("goal", ""))
    rw = suggest_rewrite(ind, p, [Finding(l, "warn", "R4", "") for l in labels])
    gold = _gold_rewrites().get((row["level3"], row["description"], row["value"]))
    if rw.status != "ok" and gold:
        rw = Rewrite.from_dict({"rationale": "", **gold})
    d = {k: getattr(rw, k) for k in ("level1", "level2", "level3", "description", "value", "rationale")}
    d["value"] = d["value"].replace("（建议值）", "")  # the backend must put the mark back itself
    return d


def default_answer(body: dict) -> dict:
    data = request_data(body)
    rows = []
    for row in data["rows"]:
        if "remaining" in row:  # a revision request: offer the rewrite again
            rows.append({"id": row["id"], "rewrite": row["rewrite"]})
            continue
        labels = sorted({f["label"] for f in row.get("rule_findings", [])})
        findings = [{"label": l, "rule": "R4", "evidence": "测试服务器：确认规则证据"} for l in labels]
        rows.append({"id": row["id"], "findings": findings,
                     "rewrite": _rewrite(row, data.get("project", {}), labels) if labels else None})
    return {"rows": rows}


def completion(content: str, body: dict) -> dict:
    prompt_chars = sum(len(m.get("content") or "") for m in body.get("messages", []))
    # Rough token counts (≈1.5 characters per token for mixed Chinese/JSON), for cost arithmetic only.
    pt, ct = int(prompt_chars / 1.5), int(len(content) / 1.5)
    return {"id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()), "model": body.get("model", "test"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": pt, "completion_tokens": ct, "total_tokens": pt + ct}}


class ScriptedLLM:
    def __init__(self, default: Callable[[dict], dict] = default_answer):
        self.default = default
        self.script: deque = deque()
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        self._lock = threading.Lock()
        srv = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with srv._lock:
                    srv.requests.append(body)
                    srv.headers.append(dict(self.headers))
                    step = srv.script.popleft() if srv.script else Reply()
                if callable(step):
                    step = step(body)
                if step.delay:
                    time.sleep(step.delay)
                if step.raw_http is not None or step.status != 200:
                    payload = step.raw_http if step.raw_http is not None else json.dumps(
                        {"error": {"message": f"scripted {step.status}", "type": "test", "code": step.status}})
                else:
                    content = step.body if isinstance(step.body, str) else json.dumps(
                        step.body if step.body is not None else srv.default(body), ensure_ascii=False)
                    payload = json.dumps(completion(content, body), ensure_ascii=False)
                data = payload.encode("utf-8")
                try:
                    self.send_response(step.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for k, v in step.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out and hung up: that is the point of a slow step

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def enqueue(self, *steps) -> "ScriptedLLM":
        with self._lock:
            self.script.extend(steps)
        return self

    @property
    def count(self) -> int:
        return len(self.requests)

    def __enter__(self) -> "ScriptedLLM":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
