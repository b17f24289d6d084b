"""Chinese for the few strings Streamlit's browser code writes itself (no
config option or widget parameter reaches them): toolbar tooltips, the skip
link, the uploader's instructions, ARIA labels, the running indicator.

What config and widget parameters can do is done there (`client.toolbarMode =
"minimal"` removes the app menu, placeholders are set on every select box,
charts are drawn without Vega's English ARIA text). For the rest, one small
script watches the page and replaces whole known English strings — in text
nodes and in title / aria-label / placeholder attributes — by their Chinese.
It matches strings, not page structure, so a Streamlit update that moves an
element keeps it translated, and a new string shows up in the browser test
(tests/test_browser_chinese.py) instead of silently. Text the app draws from
data (Markdown, tables, the data grid) is never touched. Pure: no Streamlit."""
from __future__ import annotations

import json

# Exact strings of Streamlit's frontend (1.67) → what a reviewer reads.
EXACT = {
    "Skip to main content": "跳到正文",
    "Sidebar": "侧边栏",
    "Collapse sidebar": "收起侧边栏",
    "Expand sidebar": "展开侧边栏",
    "Open sidebar": "展开侧边栏",
    "Close sidebar": "收起侧边栏",
    "App pages": "页面导航",
    "View more": "显示更多",
    "View less": "收起",
    "Main menu": "菜单",
    "Link to heading": "本节链接",
    "progress": "进度",
    "file upload": "上传文件",
    "Upload": "选择文件",
    "Browse files": "选择文件",
    "Drag and drop file here": "把文件拖到这里",
    "Drag and drop files here": "把文件拖到这里",
    "Remove file": "移除文件",
    "Delete": "删除",
    "Clear": "清除",
    "Clear all": "全部清除",
    "Clear value": "清除",
    "Open": "展开",
    "Close": "关闭",
    "Selected values": "已选",
    "Choose an option": "请选择",
    "Choose options": "请选择",
    "No results": "没有匹配的选项",
    "No options to select": "没有可选的选项",
    "Press Enter to apply": "按回车键确认",
    "Press Enter to submit form": "按回车键提交",
    "Press ⌘+Enter to apply": "按 ⌘+回车键确认",
    "Press Ctrl+Enter to apply": "按 Ctrl+回车键确认",
    "Running...": "正在运行…",
    "Running…": "正在运行…",
    "Stop": "停止",
    "Connecting": "正在连接",
    "Show/hide columns": "显示或隐藏列",
    "Download as CSV": "下载为 CSV",
    "Search": "搜索",
    "Fullscreen": "全屏",
    "Close fullscreen": "退出全屏",
    "Exit fullscreen": "退出全屏",
    "Show data": "查看数据",
    "Download as PNG": "下载为 PNG",
    "Download as SVG": "下载为 SVG",
    "Copy Vega-Lite spec": "复制图表定义",
    "Vega visualization": "图表",
    "visualization": "图表",
    "Add row": "添加行",
    "Delete row(s)": "删除行",
    "Type to search": "输入以搜索",
    "Copy to clipboard": "复制",
    "Add files": "添加文件",
    "add icon": "添加",
    "Dismiss": "关闭",
    "Select all": "全选",
    "Press Enter to submit form": "按回车键提交",
    "Press Ctrl+Enter to submit form": "按 Ctrl+回车键提交",
    "Press ⌘+Enter to submit form": "按 ⌘+回车键提交",
    "Copied to clipboard": "已复制",
    "Increment": "增加",
    "Decrement": "减少",
}
# "Remove 描述空泛", "Help for 待处理的组", "Limit 20MB per file • DOCX, XLSX": a fixed English part around our text.
PATTERNS = [
    (r"^Remove (.+)$", "移除 $1"),
    (r"^Help for (.+)$", "$1 的说明"),
    (r"^Limit (\S+) per file(.*)$", "单个文件不超过 $1$2"),
    (r"^(\S+) per file$", "单个文件不超过 $1"),
    (r"^Limit$", "上限"),
    (r"^(\w+) mark container$", "图形组"),
    (r"^(\d+) files? selected$", "已选 $1 个文件"),
    (r"^(\d+) options? available\.?$", "共 $1 个选项。"),
    (r"^Cancel upload of (.+)$", "取消上传 $1"),
    (r"^Delete (.+)$", "删除 $1"),
    (r"^Showing page (\d+) of (\d+)$", "第 $1 页，共 $2 页"),
]
# Where the app shows data as it was published: never rewritten.
DATA = '[data-testid="stMarkdownContainer"], [data-testid="stTable"], [data-testid="stCode"], code, pre, textarea, input'
ATTRIBUTES = ("title", "aria-label", "placeholder", "aria-roledescription")
# Streamlit's own Markdown inside the data selectors above: the uploader's button label and
# the tooltips ("Download as CSV"; the app's own help texts there are Chinese already).
CHROME = '[data-testid="stFileUploaderDropzone"], [data-testid="stTooltipContent"]'


def script() -> str:
    """The <script> that keeps the page's Streamlit strings Chinese (installed once per page)."""
    config = json.dumps({"exact": EXACT, "patterns": PATTERNS, "data": DATA, "chrome": CHROME, "attrs": list(ATTRIBUTES)},
                        ensure_ascii=True).replace("<", "\\u003c")
    return """<script>(() => {
  if (window.__iqaLocalised) return; window.__iqaLocalised = true;
  const cfg = %s;
  const rules = cfg.patterns.map(([re, to]) => [new RegExp(re), to]);
  const zh = s => {
    const t = s.trim(); if (!t) return null;
    if (Object.prototype.hasOwnProperty.call(cfg.exact, t)) return s.replace(t, cfg.exact[t]);
    for (const [re, to] of rules) if (re.test(t)) return s.replace(t, t.replace(re, to));
    return null;
  };
  const text = n => { const el = n.parentElement;
    if (!el || (el.closest(cfg.data) && !el.closest(cfg.chrome))) return;
    const v = zh(n.nodeValue || ''); if (v !== null && v !== n.nodeValue) n.nodeValue = v; };
  const attrs = el => { for (const a of cfg.attrs) { const old = el.getAttribute(a);
    if (old) { const v = zh(old); if (v !== null && v !== old) el.setAttribute(a, v); } } };
  const walk = root => {
    if (root.nodeType === 3) { text(root); return; }
    if (root.nodeType !== 1) return;
    attrs(root);
    for (const el of root.querySelectorAll(cfg.attrs.map(a => '[' + a + ']').join(', '))) attrs(el);
    const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT); while (w.nextNode()) text(w.currentNode);
  };
  new MutationObserver(ms => { for (const m of ms) {
    if (m.type === 'characterData') text(m.target);
    else if (m.type === 'attributes') attrs(m.target);
    else for (const n of m.addedNodes) walk(n);
  } }).observe(document.documentElement, {subtree: true, childList: true, characterData: true,
                                          attributes: true, attributeFilter: cfg.attrs});
  walk(document.body);
})();</script>""" % config
