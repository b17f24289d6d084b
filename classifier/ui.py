"""Streamlit glue shared by the pages: the open file, the cached review, the
decision store and the action callbacks. Pages only lay out what this module
and `appmodel` return; all rules live in the library."""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from . import appmodel, config, localise, names, openpath, reviewer_cookie
# Imported here, once, before any page runs: pages import these lazily from script
# threads, and two sessions importing classifier.report at the same moment (a page
# still finishing while the next one starts) hit Python's import-lock deadlock
# detection (_DeadlockError on classifier.report.figures) — a traceback for a reviewer.
from . import pipeline, report  # noqa: E402,F401  isort: skip
from .redact import redact_url, scrubber_for
from .ingest import SUPPORTED, read_bytes
from .store import FILENAME, REJECT_REASONS, Conflict, Store, StoreError

UPLOAD_TYPES = ["docx", "xlsx", "csv", "txt", "jsonl", "pdf"]
# Settings the app also takes from Streamlit secrets (the environment wins).
SECRET_KEYS = ("INDICATOR_QA_API_KEY", "OPENAI_API_KEY", "INDICATOR_QA_BASE_URL", "INDICATOR_QA_MODEL", "INDICATOR_QA_OPEN_ROOT")


@dataclass
class OpenFile:
    name: str
    digest: str
    data: bytes
    path: str = ""  # opened by ?path=: its path under the open root


# ---- settings & store ----------------------------------------------------------

def apply_secrets() -> None:
    """Endpoint settings from .streamlit/secrets.toml, when the environment has
    none (the environment wins). Values are never shown or logged."""
    try:
        secrets = {k: st.secrets[k] for k in SECRET_KEYS if k in st.secrets}
    except Exception:  # no secrets file: nothing to apply
        return
    for k, v in secrets.items():
        if v and not os.environ.get(k):
            os.environ[k] = str(v)


def store() -> Store:
    """One store handle per session and path (INDICATOR_QA_HOME may differ per test).
    Never raises: a store that cannot be written opens read-only with `problem` set."""
    try:
        path = str(config.data_dir() / FILENAME)
    except config.DataDirError:  # HOME is a file or cannot be made: the store says so as its problem
        path = str(Path(os.environ.get("INDICATOR_QA_HOME", "")) / FILENAME)
    key = f"_store::{path}"
    if key not in st.session_state:
        st.session_state[key] = Store(path)
    return st.session_state[key]


def store_banner() -> None:
    """The store's problem (damaged, read-only, full disk), on every page until it is fixed."""
    problem = store().problem
    if problem:
        st.error(appmodel.md_escape(problem))


# Widget state is dropped when a page that does not draw the widget runs, so
# each setting lives under a permanent key and its widget (key "_" + name) is
# re-seeded from it on every page.
DEFAULTS = {"reviewer": "", "backend": "offline", "prompt": "v1"}


def setting(name: str) -> str:
    return st.session_state.get(name, DEFAULTS[name])


def seed_widget(name: str) -> str:
    st.session_state["_" + name] = setting(name)
    return "_" + name


def keep(name: str) -> None:
    """on_change of a setting widget: copy its value to the permanent key."""
    st.session_state[name] = st.session_state["_" + name]


def auth_configured() -> bool:
    """[auth] in Streamlit secrets: sign-in through st.login (OIDC)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file
        return False


def reviewer() -> str:
    """Who is deciding: the signed-in user when [auth] is configured, else the
    name this browser gave (kept in a cookie and in the query string, so a new
    tab, a reload or a visit without the query string keeps it)."""
    if auth_configured():
        if not _logged_in():
            return ""
        return str(st.user.get("name") or st.user.get("email") or "").strip()
    return (setting("reviewer") or "").strip()


def _logged_in() -> bool:
    # .get, not .is_logged_in: st.user has no such key until the auth flow has run once
    return bool(st.user.get("is_logged_in", False))


def set_reviewer() -> None:
    """on_change of the name box: remember the name in this session, the query
    string and this browser's cookie (written by the next run, see _cookie_writer)."""
    st.session_state["reviewer"] = reviewer_cookie.clean(st.session_state.get("_reviewer"))
    name = reviewer()
    if name:
        st.query_params["reviewer"] = name
        st.session_state["_cookie_write"] = reviewer_cookie.set_script(name)
    else:
        st.query_params.pop("reviewer", None)


def change_reviewer() -> None:
    """更换审核人: forget the name here, in the query string and in the cookie."""
    st.session_state["reviewer"] = ""
    st.query_params.pop("reviewer", None)
    st.session_state["_cookie_write"] = reviewer_cookie.clear_script()


def browser_cookies():
    """The cookies this browser sent when the session began (empty outside a browser)."""
    try:
        return st.context.cookies
    except Exception:  # a bare script run has no browser context
        return {}


def _cookie_writer() -> None:
    """Write (or clear) the name's cookie once, in the run after it changed.
    Streamlit can read cookies but not set them: a one-line script does, with
    the name as an escaped string literal (reviewer_cookie.set_script)."""
    body = st.session_state.pop("_cookie_write", None)
    if body:
        st.html(body, unsafe_allow_javascript=True)


def backend() -> str:
    return setting("backend")


def prompt_name() -> str:
    return setting("prompt")


# ---- opening a file -------------------------------------------------------------
# The open file is named in the query string (?example=1, ?file=<sha256> or
# ?path=<path under INDICATOR_QA_OPEN_ROOT>), and an uploaded file's bytes are
# kept under <data dir>/uploads/<sha256>, so a reload or a restart reopens it
# without a new upload.

def _uploads() -> Path:
    return config.data_dir() / "uploads"


def _open(name: str, data: bytes, digest: str | None = None) -> None:
    st.session_state["open_file"] = OpenFile(name, digest or hashlib.sha256(data).hexdigest(), data)
    st.session_state.pop("cursor", None)


def open_example() -> None:
    path = config.example_path()
    _open(path.name, path.read_bytes())
    st.query_params.pop("file", None)
    st.query_params.pop("path", None)
    st.query_params["example"] = "1"


def open_path(asked: str) -> bool:
    """Open a file on the server by its path, only under INDICATOR_QA_OPEN_ROOT
    (off when unset). A refusal is said in Chinese, naming the path; False then."""
    try:
        base = openpath.root()
        path = openpath.resolve(asked, base)
        data = path.read_bytes()
    except openpath.OpenPathError as exc:
        flash("warning", str(exc))
        return False
    except OSError as exc:
        flash("warning", f"链接中的文件 {asked} 无法读取（{exc.strerror or exc}）。")
        return False
    _open(path.name, data)
    st.session_state["open_file"].path = openpath.relative(path, base)
    st.query_params.pop("file", None)
    st.query_params.pop("example", None)
    st.query_params["path"] = st.session_state["open_file"].path
    return True


def _on_path() -> None:
    asked = (st.session_state.get("open_path_box") or "").strip()
    if asked and open_path(asked):
        st.query_params.pop("row", None)


def _on_example() -> None:
    st.query_params.pop("row", None)  # a row of the file that was open before
    open_example()


def remember_upload(name: str, data: bytes) -> str:
    """Keep an uploaded file's bytes and name on the server; returns its sha256."""
    digest = hashlib.sha256(data).hexdigest()
    folder = _uploads()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / digest
    if not path.exists():
        tmp = folder / f".{digest}.tmp"
        tmp.write_bytes(data)
        tmp.replace(path)
    (folder / f"{digest}.name").write_text(name, encoding="utf-8")
    return digest


def recall_upload(digest: str) -> tuple[str, bytes] | None:
    """(name, bytes) of a remembered upload, None if it is not (or no longer) here."""
    if not re.fullmatch(r"[0-9a-f]{64}", digest or ""):
        return None  # a query string is user input: never a path
    path = _uploads() / digest
    try:
        data = path.read_bytes()
        name = (_uploads() / f"{digest}.name").read_text(encoding="utf-8").strip() or digest[:12]
    except OSError:
        return None
    return (name, data) if hashlib.sha256(data).hexdigest() == digest else None


def _on_upload() -> None:
    up = st.session_state.get("uploader")
    if up is None:
        return
    data = up.getvalue()
    try:
        digest = remember_upload(up.name, data)
    except OSError as exc:  # the file is still reviewed; only a reload will not find it
        flash("warning", f"无法在服务器上保存 {up.name} 的副本（{exc.strerror or exc}），刷新页面后需要重新上传。")
        digest = hashlib.sha256(data).hexdigest()
    else:
        st.query_params.pop("example", None)
        st.query_params.pop("path", None)
        st.query_params["file"] = digest
    st.query_params.pop("row", None)
    _open(up.name, data, digest)


def _restore_from_query() -> None:
    """After a reload or in a new tab: the reviewer's name (the query string's,
    else this browser's cookie, read once per session so 更换审核人 sticks) and
    the file the query string names."""
    q = st.query_params
    if not auth_configured() and not setting("reviewer"):
        name = reviewer_cookie.clean(q.get("reviewer"))
        if not name and not st.session_state.get("_cookie_read"):
            name = reviewer_cookie.read(browser_cookies())
        if name:
            st.session_state["reviewer"] = name
    st.session_state["_cookie_read"] = True
    if "open_file" in st.session_state:
        return
    if q.get("file"):
        got = recall_upload(q["file"])
        if got:
            _open(got[0], got[1], q["file"])
        else:
            flash("warning", "链接中的文件已不在服务器上，请重新上传。")
            q.pop("file", None)
    elif q.get("path"):
        if not open_path(q["path"]):
            q.pop("path", None)
    elif q.get("example"):
        open_example()


def _identity_box() -> None:
    if auth_configured():
        if _logged_in():
            st.markdown(f"审核人：**{appmodel.md_escape(reviewer())}**")
            st.button("退出登录", on_click=st.logout, key="logout")
        else:
            st.button("登录后才能保存决定", on_click=st.login, key="login", type="primary")
        return
    who = reviewer()
    if who:
        st.markdown(f"审核人：**{appmodel.md_escape(who)}**")
        st.button("更换审核人", on_click=change_reviewer, key="change_reviewer")
    else:
        st.text_input("审核人", key=seed_widget("reviewer"), on_change=set_reviewer,
                      placeholder="填写姓名后才能保存决定（本浏览器只需填一次）")


def sidebar() -> None:
    """Reviewer and the file being reviewed. Every page draws it (drawn once in
    app.py before st.navigation, AppTest loses it after the first run)."""
    _restore_from_query()
    with st.sidebar:
        _identity_box()
        st.file_uploader(f"打开指标表（{' '.join('.' + t for t in UPLOAD_TYPES)}，≤{st.get_option('server.maxUploadSize')} MB）",
                         type=UPLOAD_TYPES, key="uploader", on_change=_on_upload)
        st.button("打开示例：天津市2022年项目支出绩效目标表", on_click=_on_example, key="open_example")
        base = openpath.root()
        if base is not None:
            st.text_input("打开服务器上的文件", key="open_path_box", on_change=_on_path,
                          placeholder=f"{base} 下的路径", help=f"只能打开 {base} 之内的文件（{openpath.ENV}）")
        f = st.session_state.get("open_file")
        if f:
            where = f"，{appmodel.md_escape(f.path)}" if f.path else ""
            st.caption(f"当前文件：{appmodel.md_escape(f.name)}（{len(f.data) / 1024:.0f} KB{where}，sha256 {f.digest[:12]}…）")
        st.caption(f"审核方式：{names.name('backend', backend())}")
        _cookie_writer()
        _localise_widgets()
    store_banner()


def _localise_widgets() -> None:
    """Streamlit's browser code writes some English of its own (toolbar tooltips,
    the uploader's instructions, "Press Enter to apply", the skip link, ARIA
    labels): one small script, installed once per page, puts them in Chinese
    (classifier/localise.py says what and why)."""
    st.html(localise.script(), unsafe_allow_javascript=True)


def chart(spec, description: str) -> None:
    """An Altair chart as every page draws it: full width, and without Vega's
    generated English ARIA text ("X-axis titled … for a linear scale"); the
    chart's Chinese title is what a screen reader says instead."""
    st.altair_chart(spec.properties(description=description).configure(aria=False), width="stretch")


@st.cache_data(show_spinner=False, max_entries=8)
def cached_review(digest: str, name: str, backend: str, prompt: str, _data: bytes):
    """Read + review, cached on the file's hash, backend and prompt: reruns are
    instant. No progress callback: st.cache_data cannot replay updates of an
    element created outside it, so the caller shows a running st.status."""
    from .pipeline import review

    read = read_bytes(_data, name)
    if not read.projects:
        return read.problems, None
    options = {"prompt": prompt} if backend == "openai" else {}
    return read.problems, review(read, backend, **options)


def current_review():
    """(open file, review) with a progress indicator on the first run; shows
    the reader's problems. Stops the page when nothing is open or readable."""
    f: OpenFile | None = st.session_state.get("open_file")
    if f is None:
        show_flash()  # why a link's file did not open (a refused path, a forgotten upload)
        st.info("请在左侧上传指标表，或打开示例文件。")
        st.stop()
    shown = appmodel.md_escape(f.name)
    with st.status(f"正在审核 {shown} …", expanded=False) as status:
        bar = st.progress(0, text="读取文件、规则检查、相似行索引、学习模型、生成改写…")
        try:
            problems, rv = cached_review(f.digest, f.name, backend(), prompt_name(), f.data)
        except Exception as exc:  # e.g. endpoint unreachable: say so, don't show a traceback
            status.update(label="审核失败", state="error")
            st.error(f"审核失败：{appmodel.md_escape(str(exc))}。可在“设置”页改用离线方式。")
            st.stop()
        bar.progress(100, text="完成")
        if rv is None:
            status.update(label=f"{shown} 无法读取", state="error")
        else:
            s = rv.summary()
            status.update(label=f"{shown}：{s['tables']} 张表，{s['rows']} 行，{s['flagged_rows']} 行有问题", state="complete")
    if problems:
        with st.expander(f"读取时发现 {len(problems)} 个问题", expanded=rv is None):
            for pr in problems:
                st.markdown(f"- {appmodel.md_escape(str(pr))}")
    if rv is None:
        st.error(f"文件 {shown} 无法读取，请检查上面列出的问题。支持的格式：{'、'.join(SUPPORTED)}")
        st.stop()
    return f, rv


# ---- decisions -----------------------------------------------------------------

def flash(kind: str, text: str, where: str = "top") -> None:
    """A message for the next run, shown where `show_flash(where)` is drawn:
    a decision's answer sits next to its button, not at the top of the page."""
    st.session_state[f"flash::{where}"] = (kind, text)


def show_flash(where: str = "top") -> None:
    kind, text = st.session_state.pop(f"flash::{where}", (None, None))
    if kind:
        getattr(st, kind)(appmodel.md_escape(text))


def _who(where: str) -> str:
    who = reviewer()
    if not who:
        hint = "请先登录" if auth_configured() else "请先在左侧填写审核人姓名"
        flash("warning", f"{hint}，决定未保存。", where)
    return who


def _save(action: str, file_hash: str, row: dict, seen_version: int, prompt_version: str, next_id: str | None,
          after: dict | None, labels, reason: str) -> None:
    rid = row["id"]
    try:
        store().save(file_hash, rid, action, reviewer(), appmodel.before_of(row), expected_version=seen_version,
                     after=after, labels=labels, reason=reason, prompt_version=prompt_version)
    except Conflict as exc:
        flash("warning", f"冲突：{exc}", "actions")
        return
    except StoreError as exc:  # damaged / read-only store, full disk: named, nothing half-saved
        flash("error", str(exc), "actions")
        return
    except ValueError as exc:
        flash("warning", str(exc), "actions")
        return
    flash("success", f"已保存：{rid} {names.name('action', action)}", "actions")
    if next_id:
        st.session_state["cursor"] = next_id


def decide(action: str, file_hash: str, row: dict, seen_version: int, prompt_version: str, next_id: str | None) -> None:
    """Button callback: save one decision now. A refusal (no identity, a rewrite
    that needs a human or holds （建议值）) or a conflict is said next to the button."""
    from .rewrite import PROPOSAL

    if not _who("actions"):
        return
    rid = row["id"]
    rw = row["rewrite"]
    labels, after, reason = list(row["labels"]), None, ""
    if action == "accept":
        if not rw:
            flash("warning", "该行没有建议改写，不能接受；请修改后接受或驳回。", "actions")
            return
        if rw.get("status") != "ok":
            flash("warning", "该改写需人工确认，不能直接接受：请在“修改后接受”中改好后保存。", "actions")
            return
        if appmodel.proposals(rw):
            flash("warning", "改写中有（建议值），请逐个确认数值后再接受。", "actions")
            return
        after = rw
    elif action == "confirm":  # accept after confirming each proposed number
        if not rw or rw.get("status") != "ok":
            flash("warning", "该改写需人工确认，不能直接接受：请在“修改后接受”中改好后保存。", "actions")
            return
        props = appmodel.proposals(rw)
        unchecked = [str(k + 1) for k in range(len(props)) if not st.session_state.get(f"propok_{rid}_{k}")]
        if unchecked:
            flash("warning", f"请逐个确认建议值：第 {'、'.join(unchecked)} 个尚未勾选“已核实”，决定未保存。", "actions")
            return
        answers = [str(st.session_state.get(f"prop_{rid}_{k}", p["proposed"])) for k, p in enumerate(props)]
        try:
            after = appmodel.confirm_proposals(rw, answers)
        except ValueError as exc:
            flash("warning", f"{exc}，决定未保存。", "actions")
            return
        action, reason = "accept", "建议值已逐个确认：" + "、".join(answers)
    elif action == "edit":
        after = dict(rw or {f: row.get(f, "") for f in appmodel.FIELDS})
        for fld in appmodel.FIELDS:
            after[fld] = st.session_state.get(f"edit_{rid}_{seen_version}_{fld}", after.get(fld, ""))
        after["source"] = "reviewer"
        after["status"] = "ok"
        labels = list(st.session_state.get(f"edit_{rid}_{seen_version}_labels", labels))
        reason = st.session_state.get(f"edit_{rid}_{seen_version}_note", "")
        if not labels:  # nothing wrong after all: the row stays as written
            after = {**{f: row.get(f, "") for f in appmodel.FIELDS}, "rationale": "审核人认为原文无问题", "source": "reviewer"}
        elif any(PROPOSAL in str(after.get(f, "")) for f in appmodel.FIELDS):
            flash("warning", "修改后的内容仍有（建议值）：请换成确认后的数值再保存，决定未保存。", "actions")
            return
    elif action == "reject":
        code = st.session_state.get(f"reject_{rid}_code", "not_a_problem")
        note = st.session_state.get(f"reject_{rid}_note", "")
        reason = REJECT_REASONS[code] + (f"；{note}" if note else "")
        labels = {"not_a_problem": [], "bad_rewrite": labels}.get(code)
    _save(action, file_hash, row, seen_version, prompt_version, next_id, after, labels, reason)


def decide_group(action: str, file_hash: str, group: dict, rows: list[dict], versions: dict, prompt_version: str) -> None:
    """Group callback: one decision on the ticked rows of a group, one log entry
    per row (so each can be undone alone, and the labelled set sees each)."""
    gid = group["id"]
    where = f"group:{gid}"
    if not _who(where):
        return
    by_id = {r["id"]: r for r in rows}
    chosen = [rid for rid in group["rows"] if st.session_state.get(f"grp_{gid}_{rid}")]
    if not chosen:
        flash("warning", "没有勾选任何行，决定未保存。", where)
        return
    reason, skipped = "", []
    if action == "accept":
        skipped = [rid for rid in chosen if appmodel.group_accept_block(by_id[rid])]
        chosen = [rid for rid in chosen if rid not in skipped]
        if not chosen:
            flash("warning", "勾选的行都不能成组接受（需人工确认或含建议值），请逐行处理。", where)
            return
    else:
        code = st.session_state.get(f"grp_{gid}_reason", "not_a_problem")
        note = st.session_state.get(f"grp_{gid}_note", "")
        reason = REJECT_REASONS[code] + (f"；{note}" if note else "")
    items = []
    for rid in chosen:
        r = by_id[rid]
        labels = list(r["labels"])
        if action == "reject":
            labels = {"not_a_problem": [], "bad_rewrite": labels}.get(code)
        items.append({"row_id": rid, "before": appmodel.before_of(r), "expected_version": versions.get(rid, 0),
                      "after": r["rewrite"] if action == "accept" else None, "labels": labels,
                      "prompt_version": prompt_version})
    try:
        store().save_group(file_hash, action, reviewer(), items, group=gid, reason=reason)
    except Conflict as exc:
        flash("warning", f"冲突，本组未保存任何一行：{exc}", where)
        return
    except StoreError as exc:  # damaged / read-only store, full disk: named, nothing half-saved
        flash("error", str(exc), where)
        return
    except ValueError as exc:
        flash("warning", str(exc), where)
        return
    note = f"；{len(skipped)} 行需逐行处理，未包含：{'、'.join(skipped)}" if skipped else ""
    flash("success", f"已保存：{len(chosen)} 行{names.name('action', action)}{note}", where)


def _undo(call, refused: str, where: str) -> tuple[bool, object]:
    """(True, what call() returned), or (False, None) with the refusal flashed at `where`:
    another reviewer's newer decision is a warning, a store fault an error."""
    try:
        return True, call()
    except Conflict as exc:
        flash("warning", f"{refused}：{exc}", where)
    except StoreError as exc:
        flash("error", f"{refused}：{exc}", where)
    return False, None


def undo(file_hash: str) -> None:
    """Undo my last action: one row, or the whole group if it was a group decision."""
    who = _who("undo")
    if not who:
        return
    done, d = _undo(lambda: store().undo_last(file_hash, who), "无法撤销", "undo")
    if not done:
        return
    if d is None:
        flash("info", f"{who} 在此文件中没有可撤销的决定。", "undo")
    else:
        flash("success", f"已撤销 {d.row_id} 的上一步操作（{d.reason}）", "undo")
        st.session_state["cursor"] = d.row_id


def undo_row(file_hash: str, row_id: str, seen_version: int) -> None:
    if not _who("actions"):
        return
    done, d = _undo(lambda: store().undo_row(file_hash, row_id, reviewer(), seen_version), "无法撤销", "actions")
    if not done:
        return
    flash("success" if d else "info", f"已撤销 {row_id} 的决定（{d.reason}）" if d else f"{row_id} 没有可撤销的决定。", "actions")


def undo_group(file_hash: str, gid: str, batch: str) -> None:
    where = f"group:{gid}"
    if not _who(where):
        return
    ok, done = _undo(lambda: store().undo_batch(file_hash, batch, reviewer()), "无法撤销，本组未撤销任何一行", where)
    if ok:
        flash("success", f"已撤销本组的批量决定：{len(done)} 行", where)


def jump_to_top() -> None:
    """on_change of the sort or a filter: start at the top of the new order."""
    st.session_state.pop("cursor", None)


# ---- similar rows ----------------------------------------------------------------

def _index_location() -> str:
    host = os.environ.get("INDICATOR_QA_CHROMA_HOST")
    if host:
        return f"http://{host}:{os.environ.get('INDICATOR_QA_CHROMA_PORT') or 8000}"
    return os.environ.get("INDICATOR_QA_INDEX_DIR") or str(config.data_dir() / "index")


@st.cache_resource(show_spinner=False, max_entries=4)
def _open_index(location: str):
    from .index import Index  # imports chromadb: only when an index exists

    return Index()


def index_handle():
    """The embeddings index when one has been built here (or a server is set),
    else None — opening it must not start a 20-second embedding run."""
    loc = _index_location()
    if not loc.startswith("http") and not Path(loc).exists():
        return None
    try:
        return _open_index(loc)
    except Exception:
        return None


def build_index(rv) -> dict:
    """Index this review's rows (the 相似与重复 page's button)."""
    from .index import Index

    loc = _index_location()
    idx = _open_index(loc) if (loc.startswith("http") or Path(loc).exists()) else Index()
    return idx.add_projects(rv.projects)


def similar(rv, query: str, k: int = 3, exclude_project: str | None = None) -> tuple[list[dict], str]:
    """Nearest rows from other projects: the embeddings index when it is built
    and answers, else a character n-gram search over this review's rows."""
    # "Other projects" means another project title or unit, whatever file it was indexed from.
    own = next(((p.title, p.unit) for p in rv.projects if p.id == exclude_project), None)
    try:
        idx = index_handle()
        if idx is not None and idx.count():
            hits = [h.to_dict() for h in idx.similar(query, k=k * 4 + 5) if (h.project, h.unit) != own]
            hits = [h for h in am_normalise(hits) if h["text"]]
            if hits:
                return hits[:k], "index"
    except Exception:  # an index error must not break the review page: fall back
        pass
    return appmodel.similar_fallback(query, _all_rows(rv), k=k, exclude_project=exclude_project), "ngram"


def am_normalise(hits: list[dict]) -> list[dict]:
    out = appmodel.normalise_similar(hits)
    for o, h in zip(out, hits):
        o["file_hash"] = h.get("file_hash", "")
    return out


def _all_rows(rv) -> list[dict]:
    digest = rv.projects[0].source_hash if rv.projects else ""
    key = f"_all_rows::{digest}"
    if key not in st.session_state:
        st.session_state[key] = appmodel.all_rows(rv)
    return st.session_state[key]


# ---- settings page ---------------------------------------------------------------

def prompt_id(name: str) -> str:
    """The prompt's version id as llm.prompt defines it: name@sha256(file)[:8].
    Computed from the file here so the page needn't import langchain."""
    path = config.project_root() / "prompts" / f"{name}.yaml"
    try:
        return f"{name}@{hashlib.sha256(path.read_bytes()).hexdigest()[:8]}"
    except OSError as exc:
        return f"{name}（无法读取：{exc.strerror or exc}）"


def endpoint_settings() -> dict:
    """What the page may show about the endpoint: never the key itself."""
    from .llm.settings import from_env

    s = from_env()
    return {"base_url": redact_url(s.base_url), "model": s.model, "has_key": bool(s.api_key.get_secret_value())}


def check_endpoint(timeout: float = 10.0) -> tuple[bool, str]:
    """List the models of the configured OpenAI-compatible base URL."""
    from openai import OpenAI

    from .llm.settings import from_env

    s = from_env()
    scrub, shown = scrubber_for(s), redact_url(s.base_url)
    try:
        client = OpenAI(base_url=s.base_url, api_key=s.key(), timeout=timeout, max_retries=0)
        models = [m.id for m in client.models.list()]
    except Exception as exc:
        return False, scrub.text(f"无法连接 {shown}：{type(exc).__name__}: {exc}")
    listed = "、".join(models[:20]) + ("…" if len(models) > 20 else "")
    mark = "" if s.model in models else f"；注意：配置的模型 {s.model} 不在列表中"
    return True, scrub.text(f"接口可用：{shown} 提供 {len(models)} 个模型：{listed}{mark}")
