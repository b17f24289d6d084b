"""The real app in a real browser: `streamlit run app.py` on 127.0.0.1 and
headless Chromium (from the OS packages) driven over the DevTools protocol.

`--dump-dom --virtual-time-budget` returns before Streamlit's websocket has
delivered the page, so the test polls the rendered text through CDP instead."""
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or (
    "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
SEED_TEXT = "社会服务对象满意度"  # T001's satisfaction row in the seed

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium; .ci/run does it)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, timeout: float, proc: subprocess.Popen) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(url)


class CDP:
    """The few DevTools calls the test needs, over one websocket."""

    def __init__(self, ws):
        self.ws = ws  # a websockets.sync connection (websockets ships with streamlit)
        self.n = 0

    def call(self, method: str, **params) -> dict:
        self.n += 1
        self.ws.send(json.dumps({"id": self.n, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv(timeout=60))
            if msg.get("id") == self.n:
                if "error" in msg:
                    raise RuntimeError(msg["error"])
                return msg["result"]

    def text(self) -> str:
        r = self.call("Runtime.evaluate", expression="document.body ? document.body.innerText : ''", returnByValue=True)
        return r["result"].get("value") or ""


@pytest.fixture
def streamlit_app(tmp_path):
    port = _free_port()
    env = {**os.environ, "INDICATOR_QA_HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT)}
    log = open(tmp_path / "streamlit.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                             "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_http(f"http://127.0.0.1:{port}/_stcore/health", 60, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(proc)
        log.close()


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def browser(tmp_path):
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    proc = subprocess.Popen([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                             "--disable-background-networking", "--disable-component-update", "--disable-sync",
                             f"--user-data-dir={profile}", "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
                             "--window-size=1400,1800", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.time() + 30
        while not port_file.exists() or not port_file.read_text().strip():
            if time.time() > deadline or proc.poll() is not None:
                pytest.fail("Chromium did not open its DevTools port")
            time.sleep(0.2)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            page = next(t for t in json.load(r) if t["type"] == "page")
        from websockets.sync.client import connect

        with connect(page["webSocketDebuggerUrl"], max_size=64 * 2**20, open_timeout=20) as ws:
            yield CDP(ws)
    finally:
        _stop(proc)


def _load(browser, url: str, wanted: list[str], name: str, artifacts: Path, timeout: float = 150) -> str:
    """Open url, wait until every wanted text is on the page, save a screenshot."""
    browser.call("Page.navigate", url=url)
    deadline = time.time() + timeout
    text = ""
    while time.time() < deadline:
        text = browser.text()
        if all(w in text for w in wanted) or "Traceback" in text:
            break
        time.sleep(0.5)
    time.sleep(1.0)  # let the last deltas paint before the screenshot
    shot = browser.call("Page.captureScreenshot", format="png")
    (artifacts / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))
    (artifacts / f"{name}.txt").write_text(text, encoding="utf-8")
    return text


def test_app_renders_seed_rows_in_chromium(streamlit_app, browser, artifacts, seed_read):
    from classifier.rules import check_all

    flagged = {f.row_id for f in check_all(seed_read.projects) if f.row_id}
    first = next(i for p in seed_read.projects for i in p.indicators if i.id in flagged)
    browser.call("Page.enable")
    # ?example=1 opens the bundled example; the review page shows the first flagged row.
    text = _load(browser, f"{streamlit_app}/?example=1", [first.description, "问题与依据"], "browser_review_page", artifacts)
    assert "Traceback" not in text
    for expected in ("审核", "项目", "相似与重复", "报告", "评估", "设置", "问题与依据", first.id, first.level3,
                     first.description):
        assert expected in text, expected
    # The 项目 page lists the first table, satisfaction row included.
    text = _load(browser, f"{streamlit_app}/project?example=1", [SEED_TEXT], "browser_project_page", artifacts)
    assert SEED_TEXT in text, text[-2000:]
    assert seed_read.projects[0].title in text
