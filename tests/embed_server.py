"""A tiny OpenAI-compatible /v1/embeddings server on 127.0.0.1 for tests: the
scale-out path's "embeddings service" (INDICATOR_QA_EMBEDDER=openai). Vectors
are the learned labeller's 256-d char n-gram hashing, so the same text always
gets the same vector; every request is counted. The product ships no server."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from classifier.features import _hashing_encode


class EmbeddingServer:
    def __init__(self):
        self.requests: list[dict] = []
        self.texts = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                outer.requests.append({"path": self.path, "model": body.get("model"), "n": len(body.get("input") or [])})
                if not self.path.rstrip("/").endswith("/embeddings"):
                    self.send_response(404)
                    self.end_headers()
                    return
                texts = body.get("input") or []
                texts = [texts] if isinstance(texts, str) else texts
                outer.texts += len(texts)
                vecs = _hashing_encode(list(texts))
                data = {"object": "list", "model": body.get("model"),
                        "data": [{"object": "embedding", "index": i, "embedding": [float(x) for x in v]} for i, v in enumerate(vecs)],
                        "usage": {"prompt_tokens": sum(map(len, texts)), "total_tokens": sum(map(len, texts))}}
                raw = json.dumps(data).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> "EmbeddingServer":
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
