"""Streamlit glue shared by the pages: the open file, the cached review, the
decision store and the action callbacks. Pages only lay out what this module
and `appmodel` return; all rules live in the library."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from . import appmodel, config
from .redact import redact_url, scrubber_for
from .ingest import SUPPORTED, read_bytes
from .store import FILENAME, REJECT_REASONS, Conflict, Store, StoreError

UPLOAD_TYPES = ["docx", "xlsx", "csv", "txt", "jsonl", "pdf"]
SECRET_KEYS = ("INDICATOR_QA_API_KEY", "OPENAI_API_KEY", "INDICATOR_QA_BASE_URL", "INDICATOR_QA_MODEL")


@dataclass
class OpenFile:
    name: str
    digest: str
    data: bytes


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
        st.error(problem)


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


def reviewer() -> str:
    return (setting("reviewer") or "").strip()


def backend() -> str:
    return setting("backend")


def prompt_name() -> str:
    return setting("prompt")


# ---- opening a file -------------------------------------------------------------

def open_example() -> None:
    path = config.example_path()
    data = path.read_bytes()
    st.session_state["open_file"] = OpenFile(path.name, hashlib.sha256(data).hexdigest(), data)
    st.session_state.pop("cursor", None)


def _on_upload() -> None:
    up = st.session_state.get("uploader")
    if up is None:
        return
    data = up.getvalue()
    st.session_state["open_file"] = OpenFile(up.name, hashlib.sha256(data).hexdigest(), data)
    st.session_state.pop("cursor", None)


def sidebar() -> None:
    """Reviewer name and the file being reviewed. Every page draws it (drawn
    once in app.py before st.navigation, AppTest loses it after the first run)."""
    with st.sidebar:
        st.text_input("审核人", key=seed_widget("reviewer"), on_change=keep, args=("reviewer",),
                      placeholder="填写姓名后才能保存决定")
        st.file_uploader(f"打开指标表（{' '.join('.' + t for t in UPLOAD_TYPES)}，≤{st.get_option('server.maxUploadSize')} MB）",
                         type=UPLOAD_TYPES, key="uploader", on_change=_on_upload)
        st.button("打开示例：天津市2022年项目支出绩效目标表", on_click=open_example, key="open_example")
        f = st.session_state.get("open_file")
        if f:
            st.caption(f"当前文件：{f.name}（{len(f.data) / 1024:.0f} KB，sha256 {f.digest[:12]}…）")
        st.caption(f"审核方式：{backend()}")
    if st.query_params.get("example") and "open_file" not in st.session_state:
        open_example()
    store_banner()


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
        st.info("请在左侧上传指标表，或打开示例文件。")
        st.stop()
    with st.status(f"正在审核 {f.name} …", expanded=False) as status:
        bar = st.progress(0, text="读取文件、规则检查、相似行索引、学习模型、生成改写…")
        try:
            problems, rv = cached_review(f.digest, f.name, backend(), prompt_name(), f.data)
        except Exception as exc:  # e.g. endpoint unreachable: say so, don't show a traceback
            status.update(label="审核失败", state="error")
            st.error(f"审核失败：{type(exc).__name__}: {exc}。可在“设置”页改用 offline 方式。")
            st.stop()
        bar.progress(100, text="完成")
        if rv is None:
            status.update(label=f"{f.name} 无法读取", state="error")
        else:
            s = rv.summary()
            status.update(label=f"{f.name}：{s['tables']} 张表，{s['rows']} 行，{s['flagged_rows']} 行有问题", state="complete")
    if problems:
        with st.expander(f"读取时发现 {len(problems)} 个问题", expanded=rv is None):
            for pr in problems:
                st.markdown(f"- {appmodel.md_escape(str(pr))}")
    if rv is None:
        st.error(f"文件 {f.name} 无法读取，请检查上面列出的问题。支持的格式：{'、'.join(SUPPORTED)}")
        st.stop()
    return f, rv


# ---- decisions -----------------------------------------------------------------

def flash(kind: str, text: str) -> None:
    st.session_state["flash"] = (kind, text)


def show_flash() -> None:
    kind, text = st.session_state.pop("flash", (None, None))
    if kind:
        getattr(st, kind)(text)


def decide(action: str, file_hash: str, row: dict, seen_version: int, prompt_version: str, next_id: str | None) -> None:
    """Button callback: save one decision now; a conflict becomes a warning."""
    who = reviewer()
    if not who:
        flash("warning", "请先在左侧填写审核人姓名，决定未保存。")
        return
    rid = row["id"]
    before = appmodel.before_of(row)
    labels, after, reason = list(row["labels"]), None, ""
    if action == "accept":
        after = row["rewrite"]
    elif action == "edit":
        after = dict(row["rewrite"] or {f: row.get(f, "") for f in appmodel.FIELDS})
        for fld in appmodel.FIELDS:
            after[fld] = st.session_state.get(f"edit_{rid}_{fld}", after.get(fld, ""))
        after["source"] = "reviewer"
        labels = list(st.session_state.get(f"edit_{rid}_labels", labels))
        reason = st.session_state.get(f"edit_{rid}_note", "")
        if not labels:  # nothing wrong after all: the row stays as written
            after = {**{f: row.get(f, "") for f in appmodel.FIELDS}, "rationale": "审核人认为原文无问题", "source": "reviewer"}
    elif action == "reject":
        code = st.session_state.get(f"reject_{rid}_code", "not_a_problem")
        note = st.session_state.get(f"reject_{rid}_note", "")
        reason = REJECT_REASONS[code] + (f"；{note}" if note else "")
        labels = {"not_a_problem": [], "bad_rewrite": labels}.get(code)
    try:
        store().save(file_hash, rid, action, who, before, expected_version=seen_version, after=after, labels=labels,
                     reason=reason, prompt_version=prompt_version)
    except Conflict as exc:
        flash("warning", f"冲突：{exc}")
        return
    except StoreError as exc:  # damaged / read-only store, full disk: named, nothing half-saved
        flash("error", str(exc))
        return
    except ValueError as exc:
        flash("warning", str(exc))
        return
    flash("success", f"已保存：{rid} {appmodel.STATUSES.get(action, action)}")
    if next_id:
        st.session_state["cursor"] = next_id


def undo(file_hash: str) -> None:
    who = reviewer()
    if not who:
        flash("warning", "请先填写审核人姓名。")
        return
    try:
        d = store().undo_last(file_hash, who)
    except Conflict as exc:
        flash("warning", f"无法撤销：{exc}")
        return
    except StoreError as exc:
        flash("error", f"无法撤销：{exc}")
        return
    if d is None:
        flash("info", f"{who} 在此文件中没有可撤销的决定。")
    else:
        flash("success", f"已撤销 {d.row_id} 的上一步操作（{d.reason}）")
        st.session_state["cursor"] = d.row_id


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
