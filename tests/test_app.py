"""Every page of the reviewers' app through streamlit.testing.v1.AppTest, on the seed."""
import http.server
import json
import threading
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from classifier import appmodel as am
from classifier.models import LABELS_ZH
from classifier.pipeline import review
from classifier.store import Store, default_path

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 120


@pytest.fixture(scope="module")
def seed_review(seed_read):
    return review(seed_read)


def new_app(reviewer: str | None = "张三") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.sidebar.button(key="open_example").click().run()
    if reviewer:
        at.sidebar.text_input(key="_reviewer").input(reviewer).run()
    assert not at.exception, at.exception
    return at


def texts(at) -> str:
    parts = [e.value for kind in ("markdown", "caption", "success", "warning", "info", "error", "title", "subheader")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def cursor(at) -> str:
    return at.selectbox(key="cursor").value


def queue_ids(at) -> list[str]:
    """Row ids in the 当前行 box (its options are shown as 'id  name  [status]')."""
    return [o.split()[0] for o in at.selectbox(key="cursor").options]


def digest(seed_path) -> str:
    import hashlib
    return hashlib.sha256(seed_path.read_bytes()).hexdigest()


def test_review_page_opens_example_and_filters(seed_review):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert "请在左侧上传指标表" in at.info[0].value
    at = new_app()
    queue = am.queue_rows(seed_review)
    assert at.metric[0].value == f"0 / {len(queue)}"
    first = queue[0]
    assert cursor(at) == first["id"]
    shown = texts(at)
    assert first["level3"] in shown and "问题与依据" in shown
    assert LABELS_ZH[first["labels"][0]] in shown
    # Side-by-side diff of original vs rewrite, with the changed text marked.
    assert "<ins" in shown and "原文" in shown and "建议改写" in shown
    assert "其他项目中最相似的 3 行" in shown
    # Filter by label: the queue is exactly the rows carrying it.
    at.multiselect(key="f_labels").select("copy_paste").run()
    want = [r["id"] for r in queue if "copy_paste" in r["labels"]]
    assert queue_ids(at) == want
    # Filter by unit too, and sort by uncertainty.
    unit = seed_review.projects[0].unit
    at.multiselect(key="f_labels").unselect("copy_paste").run()
    at.multiselect(key="f_units").select(unit).run()
    at.radio(key="f_sort").set_value("uncertainty").run()
    opts = queue_ids(at)
    rows = {r["id"]: r for r in queue}
    assert opts and all(rows[i]["unit"] == unit for i in opts)
    confs = [rows[i]["min_confidence"] for i in opts]
    assert confs == sorted(confs)
    assert not at.exception


def test_accept_edit_reject_undo_then_restart_keeps_decisions(seed_review, seed_path):
    at = new_app()
    queue = am.queue_rows(seed_review)
    r1 = cursor(at)
    at.button(key=f"accept_{r1}").click().run()
    assert "已保存" in at.success[0].value
    r2 = cursor(at)
    assert r2 != r1  # moved on to the next pending row
    # Inside a form, the typed values are sent with the submit click (one run).
    at.text_input(key=f"edit_{r2}_value").input("≥97%")
    next(b for b in at.button if b.label == "保存修改并接受").click().run()
    assert "已保存" in at.success[0].value
    r3 = cursor(at)
    at.selectbox(key=f"reject_{r3}_code").set_value("not_a_problem")
    at.text_input(key=f"reject_{r3}_note").input("本项目确有此数")
    next(b for b in at.button if b.label == "驳回").click().run()
    assert at.metric[0].value == f"3 / {len(queue)}"
    # Undo the last action (the rejection).
    at.button(key="undo").click().run()
    assert "已撤销" in at.success[0].value and r3 in at.success[0].value
    assert at.metric[0].value == f"2 / {len(queue)}"
    assert cursor(at) == r3

    with Store(default_path()) as s:
        got = s.decisions_for(digest(seed_path))
    assert set(got) == {r1, r2}
    assert got[r1].action == "accept" and got[r1].after == seed_review.rewrites[r1].to_dict()
    assert got[r2].action == "edit" and got[r2].after["value"] == "≥97%" and got[r2].reviewer == "张三"
    assert got[r2].before["id"] == r2 and got[r2].prompt_version

    # Restart: a new app session on the same store sees the decisions.
    at2 = new_app(reviewer=None)
    assert at2.metric[0].value == f"2 / {len(queue)}"
    at2.selectbox(key="f_status").set_value("decided").run()
    assert queue_ids(at2) == sorted([r1, r2], key=lambda i: [q["id"] for q in queue].index(i))
    at2.selectbox(key="f_status").set_value("edit").run()
    assert queue_ids(at2) == [r2]
    assert "修改后接受" in texts(at2) or "已修改" in texts(at2)
    # Without a reviewer name nothing is saved.
    at2.button(key=f"accept_{r2}").click().run()
    assert "审核人" in at2.warning[0].value


def test_conflict_on_concurrent_save_is_a_warning(seed_path):
    at = new_app()
    rid = cursor(at)
    # Another reviewer saves this row after this session displayed it.
    with Store(default_path()) as other:
        other.save(digest(seed_path), rid, "reject", "李四", {"id": rid}, expected_version=0, labels=[], reason="不是问题")
    at.button(key=f"accept_{rid}").click().run()
    assert at.warning and "李四" in at.warning[0].value and "冲突" in at.warning[0].value
    with Store(default_path()) as s:
        cur = s.current(digest(seed_path), rid)
    assert cur.reviewer == "李四" and cur.action == "reject"  # not overwritten


def test_upload_bad_and_good_files():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.sidebar.file_uploader(key="uploader").set_value(("坏文件.docx", b"this is not a zip", "application/octet-stream")).run()
    assert at.error and "坏文件.docx" in at.error[0].value
    assert any("不是有效的 Office Open XML" in m.value for m in at.markdown)
    csv = ("项目名称,一级指标,二级指标,三级指标,绩效指标描述,指标值\n"
           "办公设备购置,产出指标,数量指标,设备采购数量,设备采购数量,效果明显\n"
           "办公设备购置,满意度指标,服务对象满意度指标,使用人员满意度,使用人员满意度,≥90%\n").encode("utf-8")
    at.sidebar.file_uploader(key="uploader").set_value(("设备.csv", csv, "text/csv")).run()
    assert not at.error, [e.value for e in at.error]
    assert "设备采购数量" in texts(at)


def test_project_and_similar_pages(seed_review):
    at = new_app()
    at.switch_page("pages/project.py").run()
    assert not at.exception
    p = seed_review.projects[0]
    df = at.table[0].value
    assert len(df) == len(p.indicators) and list(df["三级指标"]) == [i.level3 for i in p.indicators]
    flagged = [i.id for i in p.indicators if seed_review.labels(i.id)]
    assert list(df[df["问题"] != ""]["id"]) == flagged
    at.selectbox(key="project_pick").set_value(seed_review.projects[1].id).run()
    assert len(at.table[0].value) == len(seed_review.projects[1].indicators)

    at.switch_page("pages/similar.py").run()
    clusters = am.copy_paste_clusters(seed_review)
    assert len(at.expander) == min(len(clusters), 50)
    at.text_input(key="similar_query").input("受益群众满意度").run()
    hits = at.dataframe[0].value
    assert len(hits) == 10 and hits["指标"].str.contains("满意").sum() >= 8
    assert not at.exception


def test_report_page(seed_review):
    at = new_app()
    at.switch_page("pages/report.py").run()
    assert not at.exception
    s = seed_review.summary()
    assert at.metric[2].value == str(s["rows"])
    labels = [b.label for b in at.get("download_button")]
    assert any("xlsx" in l for l in labels) and any("JSONL" in l for l in labels) and any("JSON" == l.split()[-1] for l in labels)


def _result(f1s: dict, rows: list[dict], name: str) -> dict:
    return {"prompt_version": name, "backend": "offline", "metrics": {"macro_f1": sum(f1s.values()) / 6},
            "per_label": {l: {"support": 10, "precision": v, "recall": v, "f1": v} for l, v in f1s.items()},
            "rows": rows}


def test_evaluate_page(tmp_path, monkeypatch):
    empty = tmp_path / "none"
    monkeypatch.setenv("INDICATOR_QA_EVAL_RESULTS", str(empty))
    at = new_app()
    at.switch_page("pages/evaluate.py").run()
    assert "还没有评估结果" in at.info[0].value

    res = tmp_path / "results"
    res.mkdir()
    from classifier.models import LABELS
    a = _result({l: 0.5 for l in LABELS}, [{"id": "T001-01", "gold": ["vague_description"], "pred": []},
                                            {"id": "T001-02", "gold": [], "pred": []}], "v1@aaaa")
    b = _result({l: 0.75 for l in LABELS}, [{"id": "T001-01", "gold": ["vague_description"], "pred": ["vague_description"]},
                                             {"id": "T001-02", "gold": [], "pred": ["copy_paste"]}], "v2@bbbb")
    (res / "2026-01-01-v1-offline.json").write_text(json.dumps(a), encoding="utf-8")
    (res / "2026-01-02-v2-offline.json").write_text(json.dumps(b), encoding="utf-8")
    (res / "broken.json").write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("INDICATOR_QA_EVAL_RESULTS", str(res))
    at.run()
    assert not at.exception
    assert any("broken.json" in w.value for w in at.warning)
    table = at.dataframe[0].value
    assert list(table["f1"]) == [0.75] * 6  # newest result first
    dis = at.dataframe[1].value
    assert list(dis["id"]) == ["T001-02"] and dis["误报"][0] == "copy_paste"
    cmp = at.dataframe[2].value
    assert all(abs(d - 0.25) < 1e-9 for d in cmp["Δf1"])
    changed = at.dataframe[3].value
    assert dict(zip(changed["id"], changed["结果"])) == {"T001-01": "修复", "T001-02": "变坏"}


LABELLED = Path(__file__).resolve().parent.parent / "eval" / "labelled.jsonl"


def _labelled_sample(tmp_path, n: int = 60) -> tuple[Path, list[dict]]:
    """The first n rows of the real labelled set, one row marked unlabelled, and a broken line."""
    lines = LABELLED.read_text(encoding="utf-8").splitlines()[:n]
    rows = [json.loads(line) for line in lines]
    rows[5]["labels"] = None
    path = tmp_path / "labelled.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n{broken\n", encoding="utf-8")
    return path, rows


def test_labelled_set_view_model(tmp_path):
    path, raw = _labelled_sample(tmp_path)
    rows, problems = am.load_labelled(path)
    assert [r["id"] for r in rows] == [r["id"] for r in raw]
    assert len(problems) == 1 and "JSON" in problems[0]
    counts = {c["key"]: c["行数"] for c in am.labelled_counts(rows)}
    from classifier.models import LABELS
    for l in LABELS:
        assert counts[l] == sum(1 for r in raw if l in (r["labels"] or [])), l
    assert counts[am.NO_LABEL] == sum(1 for r in raw if r["labels"] == [])
    assert counts[am.UNLABELLED] == 1
    vague = am.filter_labelled(rows, labels=["vague_description"])
    assert vague and all("vague_description" in r["labels"] for r in vague)
    clean_or_none = am.filter_labelled(rows, labels=[am.NO_LABEL, am.UNLABELLED])
    assert {r["id"] for r in clean_or_none} == {r["id"] for r in raw if not r["labels"]}
    assert all(r["rewrite"] for r in am.filter_labelled(rows, with_rewrite=True))
    one = raw[2]
    assert [r["id"] for r in am.filter_labelled(rows, text=one["id"])] == [one["id"]]
    table = am.labelled_table([r for r in rows if r["id"] == one["id"]])[0]
    assert table["说明"] == one["note"] and table["标签"] == "、".join(LABELS_ZH[l] for l in one["labels"])
    # The gold rewrite is shown as the changes it makes, with its rationale.
    assert one["rewrite"] and f"「{one['rewrite']['level3']}」" in table["参考改写"]
    assert table["改写理由"] == one["rewrite"]["rationale"]


def test_evaluate_page_shows_labelled_set(tmp_path, monkeypatch):
    path, raw = _labelled_sample(tmp_path)
    monkeypatch.setenv("INDICATOR_QA_EVAL_RESULTS", str(tmp_path / "none"))
    monkeypatch.setenv("INDICATOR_QA_LABELLED", str(path))
    at = new_app()
    at.switch_page("pages/evaluate.py").run()
    assert not at.exception, at.exception
    assert "还没有评估结果" in at.tabs[0].info[0].value  # no results yet: the labelled set still shows
    tab = at.tabs[1]
    counts = tab.dataframe[0].value
    got = dict(zip(counts["标签"], counts["行数"]))
    assert got["描述空泛"] == sum(1 for r in raw if "vague_description" in (r["labels"] or []))
    assert got["未标注"] == 1 and got["无问题"] == sum(1 for r in raw if r["labels"] == [])
    assert list(tab.dataframe[1].value["id"]) == [r["id"] for r in raw]
    assert any("JSON" in m.value for m in tab.markdown)  # the broken line is reported

    at.multiselect(key="labelled_labels").select("copy_paste").run()
    ids = list(at.tabs[1].dataframe[1].value["id"])
    assert ids and ids == [r["id"] for r in raw if "copy_paste" in (r["labels"] or [])]
    assert f"**{len(ids)}** / {len(raw)} 行" in [m.value for m in at.tabs[1].markdown]
    at.checkbox(key="labelled_rewrite").check().run()
    table = at.tabs[1].dataframe[1].value
    assert list(table["id"]) == [r["id"] for r in raw if "copy_paste" in (r["labels"] or []) and r["rewrite"]]
    assert all(table["参考改写"]) and all("照搬套用" in t for t in table["标签"])


class _Models(http.server.BaseHTTPRequestHandler):
    seen_auth: list = []

    def do_GET(self):
        _Models.seen_auth.append(self.headers.get("Authorization"))
        body = json.dumps({"object": "list", "data": [{"id": "qwen-test", "object": "model", "created": 0, "owned_by": "me"}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


def test_settings_page_endpoint_check_never_shows_key(monkeypatch):
    server = http.server.HTTPServer(("127.0.0.1", 0), _Models)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = "sk-test-very-secret-123"
    monkeypatch.setenv("INDICATOR_QA_BASE_URL", f"http://127.0.0.1:{server.server_port}/v1")
    monkeypatch.setenv("INDICATOR_QA_MODEL", "qwen-test")
    monkeypatch.setenv("INDICATOR_QA_API_KEY", secret)
    try:
        at = new_app()
        at.switch_page("pages/settings.py").run()
        assert not at.exception
        at.button(key="check_endpoint").click().run()
        assert "qwen-test" in at.success[0].value
        assert _Models.seen_auth[-1] == f"Bearer {secret}"
        page = texts(at) + str(at)
        assert secret not in page and "已设置" in page
        at.radio(key="_backend").set_value("openai").run()
        at.switch_page("pages/evaluate.py").run()  # a page that doesn't start a (networked) review
        assert "openai" in " ".join(c.value for c in at.sidebar.caption)  # the choice survives page changes
        assert at.sidebar.text_input(key="_reviewer").value == "张三"
    finally:
        server.shutdown()
