"""The real app in a real browser: `streamlit run app.py` on 127.0.0.1 and
headless Chromium (from the OS packages) driven over the DevTools protocol.

`--dump-dom --virtual-time-budget` returns before Streamlit's websocket has
delivered the page, so the test polls the rendered text through CDP instead."""
import base64
import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from helpers import free_port  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or (
    "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
SEED_TEXT = "社会服务对象满意度"  # T001's satisfaction row in the seed

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium; .ci/run does it)"),
]


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


@contextlib.contextmanager
def serve_app(folder: Path, env: dict | None = None, snapshot: Path | None = None):
    """`streamlit run app.py` on a free loopback port with its own data dir (seeded with the
    session's indicator-library snapshot, so the app does not re-embed it); yields the base URL."""
    if snapshot is not None:
        (folder / "home").mkdir(parents=True, exist_ok=True)
        shutil.copy(snapshot, folder / "home" / snapshot.name)
    port = free_port()
    env = {**os.environ, "INDICATOR_QA_HOME": str(folder / "home"), "PYTHONPATH": str(ROOT), **(env or {})}
    log = open(folder / "streamlit.log", "w")
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


@contextlib.contextmanager
def chromium(folder: Path):
    """Headless Chromium with a fresh profile; yields a CDP handle on its first page."""
    profile = folder / "chromium-profile"
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
            cdp = CDP(ws)
            cdp.port = port
            yield cdp
    finally:
        _stop(proc)


# The fixtures `streamlit_app` and `browser` (one server and one Chromium for both
# browser modules, each test starting without cookies) are in conftest.py.


def _load(browser, url: str, wanted: list[str], name: str, artifacts: Path, timeout: float = 150) -> str:
    """Open url, wait until every wanted text is on the page, save a screenshot."""
    browser.call("Page.navigate", url=url)
    deadline = time.time() + timeout
    text = ""
    while time.time() < deadline:
        text = browser.text()
        if all(w in text for w in wanted) or "Traceback" in text:
            break
        time.sleep(0.2)
    _painted(browser)  # the last deltas painted before the screenshot
    shot = browser.call("Page.captureScreenshot", format="png")
    (artifacts / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))
    (artifacts / f"{name}.txt").write_text(text, encoding="utf-8")
    return text


def test_app_renders_seed_rows_in_chromium(streamlit_app, browser, artifacts, seed_read, seed_review):
    from classifier import appmodel as am

    top = am.sort_rows(am.queue_rows(seed_review))[0]["id"]  # the first row of the triage order
    first = next(i for p in seed_read.projects for i in p.indicators if i.id == top)
    browser.call("Page.enable")
    # ?example=1 opens the bundled example; the review page shows the first row of the queue.
    text = _load(browser, f"{streamlit_app}/?example=1", [first.description, "问题与依据"], "browser_review_page", artifacts)
    assert "Traceback" not in text
    for expected in ("审核", "项目", "相似与重复", "报告", "评估", "设置", "问题与依据", first.id, first.level3,
                     first.description):
        assert expected in text, expected
    # The 项目 page lists the first table, satisfaction row included.
    text = _load(browser, f"{streamlit_app}/project?example=1", [SEED_TEXT], "browser_project_page", artifacts)
    assert SEED_TEXT in text, text[-2000:]
    assert seed_read.projects[0].title in text


# ---- the reviewer's day (issue 17, item 8) ----------------------------------------

def _js(browser, expr: str):
    r = browser.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
    if "exceptionDetails" in r:
        raise RuntimeError(r["exceptionDetails"])
    return r["result"].get("value")


def _go(browser, url: str | None = None) -> None:
    """Navigate (or reload) and wait until the new document is there, so that a
    wait for text never reads the page being left."""
    _js(browser, "window.__leaving = true")
    if url is None:
        browser.call("Page.reload")
    else:
        browser.call("Page.navigate", url=url)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            if not _js(browser, "window.__leaving === true"):
                return
        except RuntimeError:  # the context was destroyed mid-navigation
            pass
        time.sleep(0.2)
    raise AssertionError(f"page did not load: {url}")


def _busy(browser) -> bool:
    """The script is running, or its elements are still placeholders. The app menu is off
    (toolbarMode "minimal"), and with it the Running…/Stop widget: the app's own state
    attribute and Streamlit's skeletons say it instead."""
    return bool(_js(browser, "(() => { const app = document.querySelector('[data-testid=\"stApp\"]');"
                             " return !app || app.dataset.testScriptState === 'running'"
                             " || !!document.querySelector('[data-testid=\"stSkeleton\"], "
                             "[data-testid=\"stStatusWidgetRunningIcon\"], [data-testid=\"stStatusWidgetRunningManIcon\"]'); })()"))


def _painted(browser, settle: float = 0.3) -> None:
    """Wait until the page has painted what it has: two animation frames after the script
    stopped running (a condition, not a fixed pause; at most a second per frame, as a tab
    in the background draws none)."""
    deadline = time.time() + 10
    while _busy(browser) and time.time() < deadline:
        time.sleep(0.1)
    time.sleep(settle)  # deltas still in flight on the websocket
    _frames(browser)


def _frames(browser) -> None:
    """Two animation frames: every DOM change made before this (and the mutation observers
    it woke) has been rendered. At most a second, as a tab in the background draws none."""
    _js(browser, "Promise.race([new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))),"
                 " new Promise(r => setTimeout(r, 1000))])")


def _wait(browser, wanted, timeout: float = 120, absent=()) -> str:
    deadline = time.time() + timeout
    text = ""
    while time.time() < deadline:
        text = browser.text()
        assert "Traceback" not in text, text[-3000:]
        if all(w in text for w in wanted) and not any(a in text for a in absent) and not _busy(browser):
            time.sleep(0.3)  # the last deltas of the run
            if not _busy(browser):
                return browser.text()
        time.sleep(0.2)
    raise AssertionError(f"not on the page: {wanted} (absent {absent})\n{text[-3000:]}")


def _shot(browser, artifacts: Path, name: str) -> None:
    _painted(browser, settle=0.2)
    shot = browser.call("Page.captureScreenshot", format="png")
    (artifacts / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))
    (artifacts / f"{name}.txt").write_text(browser.text(), encoding="utf-8")


def _click(browser, text: str, selector: str = "button", starts: bool = False, contains: bool = False) -> None:
    """Click the element whose visible text is `text` (the first one)."""
    test = "t.includes(want)" if contains else "t.startsWith(want)" if starts else "t === want"
    ok = _js(browser, f"""(() => {{ const want = {json.dumps(text)};
        const el = [...document.querySelectorAll({json.dumps(selector)})].find(e => {{ const t = e.innerText.trim(); return {test}; }});
        if (!el) return false; el.scrollIntoView({{block: 'center'}}); el.click(); return true; }})()""")
    assert ok, f"no {selector} {text!r} on the page"


def _mouse(browser, element_js: str) -> None:
    """A real mouse click (pressed + released) in the middle of an element."""
    rect = _js(browser, f"""(() => {{ const el = {element_js}; el.scrollIntoView({{block: 'center'}});
        const r = el.getBoundingClientRect(); return [r.left + Math.min(12, r.width / 2), r.top + r.height / 2]; }})()""")
    for kind in ("mousePressed", "mouseReleased"):
        browser.call("Input.dispatchMouseEvent", type=kind, x=rect[0], y=rect[1], button="left", clickCount=1)
    time.sleep(0.2)


def _type(browser, label: str, value: str, tag: str = "input") -> None:
    """Type into the text box labelled `label` as a user would (React sees the input events)."""
    proto = "HTMLTextAreaElement" if tag == "textarea" else "HTMLInputElement"
    sel = json.dumps(f'{tag}[aria-label="{label}"]')
    deadline = time.time() + 20  # an expander draws its content a moment after it opens
    while time.time() < deadline and not _js(browser, f"!!document.querySelector({sel})"):
        time.sleep(0.3)
    ok = _js(browser, f"""(() => {{ const el = document.querySelector({sel});
        if (!el) return false; el.scrollIntoView({{block: 'center'}}); el.focus();
        Object.getOwnPropertyDescriptor({proto}.prototype, 'value').set.call(el, {json.dumps(value)});
        el.dispatchEvent(new Event('input', {{bubbles: true}})); return true; }})()""")
    assert ok, f"no {tag} labelled {label!r}: {browser.text()[-1500:]}"
    browser.call("Input.dispatchKeyEvent", type="keyDown", key="Tab", code="Tab", windowsVirtualKeyCode=9)
    browser.call("Input.dispatchKeyEvent", type="keyUp", key="Tab", code="Tab", windowsVirtualKeyCode=9)


@contextlib.contextmanager
def _open_tab(browser, url: str):
    """A second browser tab: another reviewer's session on the same app."""
    from websockets.sync.client import connect

    target = browser.call("Target.createTarget", url="about:blank")["targetId"]
    with urllib.request.urlopen(f"http://127.0.0.1:{browser.port}/json/list", timeout=10) as r:
        page = next(t for t in json.load(r) if t["id"] == target)
    try:
        with connect(page["webSocketDebuggerUrl"], max_size=64 * 2**20, open_timeout=20) as ws:
            other = CDP(ws)
            other.call("Page.enable")
            other.call("Page.navigate", url=url)
            yield other
    finally:
        browser.call("Target.closeTarget", targetId=target)
        browser.call("Page.bringToFront")  # a background tab draws no frames: no screenshot


ENGLISH = ("Deploy", "Browse files", "Drag and drop", "Choose options", "Choose an option", "per file", "Upload")


def test_reviewers_day_in_chromium(streamlit_app, browser, artifacts, seed_read, seed_review, tmp_path):
    from openpyxl import load_workbook

    from classifier import appmodel as am
    from classifier.rewrite import PROPOSAL

    rv = seed_review
    queue = am.sort_rows(am.queue_rows(rv))
    by_id = {r["id"]: r for r in queue}
    groups = am.groups(queue, rv)
    group = next(g for g in groups if sum(1 for rid in g["rows"] if not am.group_accept_block(by_id[rid])) >= 3)
    group_ok = [rid for rid in group["rows"] if not am.group_accept_block(by_id[rid])]
    plain = [r["id"] for r in queue if r["rewrite"] and not am.group_accept_block(r) and r["id"] not in group["rows"]]
    confirm = next(r for r in queue if r["rewrite"] and r["rewrite"]["status"] == "ok" and r["id"] not in group["rows"]
                   and any(p["number"] for p in am.proposals(r["rewrite"])))
    edited, rejected, contested = plain[0], plain[1], plain[2]
    browser.call("Page.enable")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.call("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(downloads))

    # Morning: open the example, give a name once.
    _go(browser, f"{streamlit_app}/?example=1")
    text = _wait(browser, ["问题与依据", "审核人"])
    for word in ENGLISH:
        assert word not in text, word
    _type(browser, "审核人", "张三")
    _wait(browser, ["审核人：张三"])
    assert "reviewer=" in _js(browser, "location.search")
    _shot(browser, artifacts, "day_01_named")
    # A reload right away: the name the app put in the address and the open file stay.
    _go(browser)
    text = _wait(browser, ["审核人：张三", "问题与依据"])
    assert not _js(browser, "!!document.querySelector('input[aria-label=\"审核人\"]')")  # not asked again
    # Once per browser: a new tab, a visit without the query string, still knows the name (its cookie).
    with _open_tab(browser, f"{streamlit_app}/") as other:
        text = _wait(other, ["审核人：张三", "请在左侧上传指标表"])
        assert not _js(other, "location.search")
        assert not _js(other, "!!document.querySelector('input[aria-label=\"审核人\"]')")
        # The name can be changed; the next visit knows the new one.
        _click(other, "更换审核人")
        _wait(other, ["审核人"], absent=["审核人：张三"])
        _type(other, "审核人", "王五")
        _wait(other, ["审核人：王五"])
        _shot(other, artifacts, "day_01b_name_from_cookie_changed")
    with _open_tab(browser, f"{streamlit_app}/project") as other:
        _wait(other, ["审核人：王五"])

    # One group accept, every row of the group previewed, each with its tick (the group opened by its link).
    _go(browser, f"{streamlit_app}/?example=1&reviewer=张三&group={urllib.parse.quote(group['id'])}")
    _wait(browser, ["审核人：张三", "问题与依据"])
    _click(browser, "按组审核", '[role="tab"]', starts=True)
    _wait(browser, ["接受勾选行的建议", *group["rows"]])
    _shot(browser, artifacts, "day_02_group_preview")
    _click(browser, "接受勾选行的建议")
    _wait(browser, [f"已保存：{len(group_ok)} 行接受建议"])
    _shot(browser, artifacts, "day_03_group_accepted")

    # One single accept of a rewrite with （建议值）: each number confirmed.
    _go(browser, f"{streamlit_app}/?example=1&reviewer=张三&row={confirm['id']}")
    _wait(browser, ["确认建议值", "确认数值并接受", confirm["id"]])
    n = len(am.proposals(confirm["rewrite"]))
    ticks = "[...document.querySelectorAll('[data-testid=\"stCheckbox\"]')].filter(e => e.innerText.includes('已核实'))"
    assert _js(browser, f"{ticks}.length") == n, browser.text()[-2000:]
    for k in range(n):  # real mouse clicks: the checkbox ignores a synthetic label.click()
        _mouse(browser, f"{ticks}[{k}].querySelector('label')")
    _click(browser, "确认数值并接受")
    _wait(browser, [f"已保存：{confirm['id']} 接受建议"])
    _shot(browser, artifacts, "day_04_confirmed_accept")

    # One edit (multi-line field), one reject, one undo.
    _go(browser, f"{streamlit_app}/?example=1&reviewer=张三&row={edited}")
    _wait(browser, ["修改后接受", edited])
    _click(browser, "修改后接受", "summary", contains=True)  # after the expander's icon
    _wait(browser, ["保存修改并接受"])
    _type(browser, "指标值", "≥97%", tag="textarea")
    _click(browser, "保存修改并接受")
    _wait(browser, [f"已保存：{edited} 修改后接受"])
    _go(browser, f"{streamlit_app}/?example=1&reviewer=张三&row={edited}")
    text = _wait(browser, ["已保存（修改后接受）", "≥97%", "本行的决定历史"])
    _shot(browser, artifacts, "day_05_edit_reopened")
    _go(browser, f"{streamlit_app}/?example=1&reviewer=张三&row={rejected}")
    _wait(browser, ["驳回理由", rejected])
    _click(browser, "驳回")
    _wait(browser, [f"已保存：{rejected} 驳回"])
    _click(browser, "撤销我的上一步（批量决定整组撤销）")
    _wait(browser, [f"已撤销 {rejected}"])
    _shot(browser, artifacts, "day_06_rejected_then_undone")

    # A reload keeps who I am and the open file.
    _go(browser)
    text = _wait(browser, ["审核人：张三", "问题与依据"])
    assert "请在左侧上传指标表" not in text
    _shot(browser, artifacts, "day_07_reloaded")

    # A conflict from a second session: 李四 saves the row this tab has open.
    _go(browser, f"{streamlit_app}/?example=1&reviewer=张三&row={contested}")
    _wait(browser, ["接受建议", contested])
    with _open_tab(browser, f"{streamlit_app}/?example=1&reviewer=李四&row={contested}") as other:
        _wait(other, ["审核人：李四", "接受建议", contested])
        _click(other, "接受建议")
        _wait(other, [f"已保存：{contested} 接受建议"])
        _shot(other, artifacts, "day_08_second_session_saved")
    _click(browser, "接受建议")
    text = _wait(browser, ["冲突", "李四"])
    _shot(browser, artifacts, "day_09_conflict")

    # Evening: download the reviewed table and check what goes back to the units.
    _go(browser, f"{streamlit_app}/report?example=1&reviewer=张三")
    _wait(browser, ["审核后的指标表 .xlsx（含已接受的改写）"])
    _click(browser, "审核后的指标表 .xlsx（含已接受的改写）")
    deadline = time.time() + 60
    while time.time() < deadline and not list(downloads.glob("*.xlsx")):
        time.sleep(0.5)
    files = list(downloads.glob("*.xlsx"))
    assert files, "the reviewed .xlsx was not downloaded"
    _shot(browser, artifacts, "day_10_report_downloaded")
    ws = load_workbook(files[0]).active
    header = [c.value for c in ws[1]]
    rows = {}
    for line in ws.iter_rows(min_row=2, values_only=True):
        r = dict(zip(header, line))
        rows[r["编号"]] = r
    assert all(rows[rid]["审核结论"] == "接受建议" and rows[rid]["审核人"] == "张三" for rid in group_ok)
    assert rows[confirm["id"]]["审核结论"] == "接受建议"
    assert not any(PROPOSAL in str(v or "") for v in rows[confirm["id"]].values())
    assert rows[edited]["审核结论"] == "修改后接受" and "≥97%" in str(rows[edited]["修改内容"])
    assert rows[rejected]["审核结论"] == "未审核"  # the reject was undone
    assert rows[contested]["审核人"] == "李四"  # the second session's save stands
