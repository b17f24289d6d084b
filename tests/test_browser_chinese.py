"""No English a reviewer can see (issue 17, "Finished in Chinese"), in a real
browser: every page of the app in headless Chromium, with the hover toolbars,
tooltips, open drop-downs, text-box hints, the uploader with a file in it and the
running indicator. Every text node and every title / aria-label / placeholder /
aria-roledescription attribute is collected while the pages run, and any Latin
word outside a short allowlist fails the test, naming the string and where it is.

Words that come from the data itself (the seed table, file names, hashes, the
configured endpoint shown as code) are not UI text and are left out explicitly.

Collected once the app has run for the first time: before that, for the moment
between the page's load and the first script run, Streamlit's frontend shows its
own English (the skip link, the sidebar's labels, the page names taken from the
pages/ file names) and nothing the app sends can reach it yet."""
import re
import time

import pytest

from classifier.config import example_path

from test_browser import CHROMIUM, _click, _frames, _go, _js, _shot, _wait

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium; .ci/run does it)"),
]

# Latin words a Chinese reviewer's tool may show: formats, units, product and key names.
ALLOWED = {
    "docx", "xlsx", "csv", "txt", "jsonl", "pdf", "json", "html", "toml", "png", "svg",  # file formats
    "kb", "mb", "gb",  # units
    "excel", "word", "openai", "api", "streamlit", "sha", "ctrl", "indicator", "qa", "f1",  # names
}
# Where a string is data or configuration shown verbatim, not the app's wording.
VERBATIM = re.compile(r"@(stCode|stTable)|^code@|^pre@")
# Collected in the page: text nodes (icon glyphs drawn by a loaded icon font are pictures, not
# text) and the attributes a screen reader or a hover shows.
COLLECT = r"""(() => {
  const out = [];
  if (!window.__iqaLocalised) return out;  // before the app's first run (see test docstring)
  const iconFont = f => /Material Symbols|Material Icons/i.test(f);
  const loaded = f => { try { return document.fonts.check('16px "' + f.split(',')[0].replace(/["']/g, '').trim() + '"'); }
                        catch (e) { return false; } };
  const where = el => { const t = el.closest('[data-testid]'); return el.tagName.toLowerCase() + (t ? '@' + t.dataset.testid : ''); };
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (w.nextNode()) {
    const n = w.currentNode, t = (n.nodeValue || '').trim(), el = n.parentElement;
    if (!t || !el || el.closest('script, style, noscript, template')) continue;
    if (el.checkVisibility && !el.checkVisibility({visibilityProperty: true})) continue;
    const ff = getComputedStyle(el).fontFamily;
    if (iconFont(ff) && loaded(ff)) continue;
    // An icon slot whose font is still loading (a busy machine) shows its ligature name for a
    // moment: recorded apart, and the test asserts the font does load (else the name stays).
    if (iconFont(ff) && el.closest('[data-testid="stIconMaterial"], [data-testid^="stExpanderIcon"]')) {
      out.push(['icon', t, where(el)]); continue;
    }
    out.push(['text', t, where(el)]);
  }
  for (const a of ['title', 'aria-label', 'placeholder', 'aria-roledescription'])
    for (const el of document.querySelectorAll('[' + a + ']')) {
      const v = (el.getAttribute(a) || '').trim(); if (v) out.push([a, v, where(el)]);
    }
  out.push(['title', document.title, 'document']);
  return out;
})()"""


def _data_words() -> set[str]:
    """Latin words of the seed table itself (units such as 10KV in a project name): data, shown as published."""
    return {w.lower() for w in re.findall(r"[A-Za-z]{2,}", example_path().read_text(encoding="utf-8"))}


DATA_WORDS = _data_words()
FILE_NAME = re.compile(r"[\w.\-@/]+\.(txt|docx|xlsx|csv|jsonl|json|pdf|html|md|toml|yaml)\b", re.I)
HEX = re.compile(r"\b[0-9a-f]{8,}\b")
URL = re.compile(r"https?://\S+")
ENV_NAME = re.compile(r"\b[A-Z][A-Z0-9]*(_[A-Z0-9]+)+\b")  # INDICATOR_QA_API_KEY: a setting's name


def english(items) -> list[tuple[str, str, str]]:
    bad = []
    for kind, value, where in items:
        if kind == "icon" or VERBATIM.search(where):
            continue
        rest = ENV_NAME.sub(" ", URL.sub(" ", HEX.sub(" ", FILE_NAME.sub(" ", value))))
        words = {w.lower() for w in re.findall(r"[A-Za-z]{2,}", rest)}
        if words - ALLOWED - DATA_WORDS:
            bad.append((kind, value[:120], where))
    return bad


ICON_FONT_LOADED = ("[...document.querySelectorAll('[data-testid=\"stIconMaterial\"]')].every(el => "
                    "document.fonts.check('16px \"' + getComputedStyle(el).fontFamily.split(',')[0].replace(/[\"']/g, '').trim() + '\"'))")
TOOLTIP = "!!document.querySelector('[data-testid=\"stTooltipContent\"]')"


class Seen:
    """Everything collected on the pages, polled while they run (so "Running…" is caught too)."""

    def __init__(self, browser):
        self.browser, self.items = browser, {}

    def collect(self, step: str) -> None:
        for kind, value, where in _js(self.browser, COLLECT):
            self.items.setdefault((kind, value, where), step)

    def wait(self, wanted, timeout: float = 120, absent=()) -> str:
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.collect("loading")
            text = self.browser.text()
            if all(w in text for w in wanted) and not any(a in text for a in absent):
                break
            time.sleep(0.3)
        text = _wait(self.browser, wanted, timeout=max(5.0, deadline - time.time()), absent=absent)
        self.collect("loaded")
        return text

    def _move(self, js_element: str) -> bool:
        rect = _js(self.browser, f"""(() => {{ const el = {js_element}; if (!el) return null;
            el.scrollIntoView({{block: 'center'}}); const r = el.getBoundingClientRect();
            return [r.left + r.width / 2, r.top + Math.min(r.height / 2, 20)]; }})()""")
        if rect:
            self.browser.call("Input.dispatchMouseEvent", type="mouseMoved", x=rect[0], y=rect[1])
        return bool(rect)

    def hover(self, selector: str, step: str, limit: int = 4) -> int:
        """Move the mouse over each element (a data grid, a chart, a help icon) and collect;
        then over each button of the toolbar that opens, and collect once its tooltip is
        open (it opens after a delay). Returns how many tooltips were seen."""
        tips = 0
        n = _js(self.browser, f"document.querySelectorAll({selector!r}).length") or 0
        for k in range(min(n, limit)):
            el = f"document.querySelectorAll({selector!r})[{k}]"
            self._move(el)
            time.sleep(0.3)
            self.collect(step)
            buttons = (f"[...({el}).closest('[data-testid=\"stElementContainer\"]')"
                       f".querySelectorAll('[data-testid=\"stElementToolbar\"] button')]")
            for b in range(_js(self.browser, f"{buttons}.length") or 0):
                self._move(f"{buttons}[{b}]")
                deadline = time.time() + 2
                while time.time() < deadline and not _js(self.browser, TOOLTIP):
                    time.sleep(0.1)
                _frames(self.browser)  # the translation is one observer callback behind the tooltip
                tips += bool(_js(self.browser, TOOLTIP))
                self.collect(step + " toolbar")
                self._move(el)  # back over the element: the toolbar stays open
        return tips


def _present(browser, selector: str, timeout: float = 20) -> None:
    deadline = time.time() + timeout
    while not _js(browser, f"!!document.querySelector({selector!r})"):
        assert time.time() < deadline, f"no {selector} on the page"
        time.sleep(0.2)


def test_no_english_on_any_page(streamlit_app, browser, artifacts, tmp_path):
    app = streamlit_app
    browser.call("DOM.enable")
    seen = Seen(browser)
    pages = [("", "问题与依据"), ("project", "绩效目标"), ("similar", "照搬套用簇"), ("report", "下载"),
             ("evaluate", "判断不一致的行"), ("settings", "模型服务")]
    tips = 0
    for path, wanted in pages:
        _go(browser, f"{app}/{path}?example=1&reviewer=张三")
        seen.wait([wanted, "审核人：张三"])
        # Hover every table, chart and toolbar button: the toolbars and their tooltips.
        tips += seen.hover('[data-testid="stDataFrame"], [data-testid="stVegaLiteChart"], [data-testid="stTable"]', path)
        tips += seen.hover('[data-testid="stTooltipHoverTarget"]', f"{path}: help tooltips")
        _shot(browser, artifacts, f"chinese_{path or 'review'}")

    # The review page's drop-downs open, a text box being typed in, the edit form's hints.
    _go(browser, f"{app}/?example=1&reviewer=张三")
    seen.wait(["问题与依据"])
    for sel in ('[data-testid="stMultiSelect"] input', '[data-testid="stSelectbox"] input'):
        _present(browser, sel)
        _js(browser, f"(() => {{ const el = document.querySelector({sel!r}); el.scrollIntoView({{block: 'center'}}); el.focus(); el.click(); }})()")
        time.sleep(0.6)
        seen.collect("drop-down open")
        browser.call("Input.insertText", text="zzzz")  # no option matches: the empty-list text
        time.sleep(0.6)
        seen.collect("drop-down, no match")
        browser.call("Input.dispatchKeyEvent", type="keyDown", key="Escape", code="Escape", windowsVirtualKeyCode=27)
    _click(browser, "修改后接受", "summary", contains=True)
    seen.wait(["保存修改并接受"])
    for tag in ("textarea", "input"):
        _present(browser, f'[data-testid="stForm"] {tag}')
        _js(browser, f"""(() => {{ const el = [...document.querySelectorAll('[data-testid="stForm"] {tag}')].pop();
            el.scrollIntoView({{block: 'center'}}); el.focus(); }})()""")
        browser.call("Input.insertText", text="改")
        time.sleep(0.6)
        seen.collect(f"typing in a {tag}")
    _click(browser, "按组审核", '[role="tab"]', starts=True)
    seen.wait(["接受勾选行的建议"])
    _shot(browser, artifacts, "chinese_review_group")

    # The uploader with a file in it (and the page running on it).
    csv = tmp_path / "设备.csv"
    csv.write_text("项目名称,一级指标,二级指标,三级指标,绩效指标描述,指标值\n"
                   "办公设备购置,产出指标,数量指标,设备采购数量,设备采购数量,≥10台\n", encoding="utf-8")
    doc = browser.call("DOM.getDocument", depth=-1)
    node = browser.call("DOM.querySelector", nodeId=doc["root"]["nodeId"], selector='[data-testid="stFileUploaderDropzoneInput"]')
    browser.call("DOM.setFileInputFiles", nodeId=node["nodeId"], files=[str(csv)])
    seen.wait(["设备.csv：1 张表"])
    seen.hover('[data-testid="stFileUploaderFile"] button, [data-testid="stFileUploaderDeleteBtn"] button', "uploaded file")
    _shot(browser, artifacts, "chinese_uploaded")

    # Icon names seen while their font loaded are glyphs once it has: it must load on every page.
    icon_fonts = {w for (k, _, w) in seen.items if k == "icon"}
    if icon_fonts:
        deadline = time.time() + 30
        while not _js(browser, ICON_FONT_LOADED):
            assert time.time() < deadline, "the icon font never loaded: icon names stay visible as English words"
            time.sleep(0.3)
    bad = english((k, v, w) for (k, v, w) in seen.items)
    assert not bad, "English a reviewer can see:\n" + "\n".join(f"{k} {v!r} at {w}" for k, v, w in sorted(set(bad)))
    # The collector did see the parts it checks: the translated toolbars and the uploader.
    values = {v for (_, v, _) in seen.items}
    assert {"全屏", "跳到正文"} <= values, sorted(values)[:50]
    assert tips >= 4, f"only {tips} toolbar tooltips were seen open"
