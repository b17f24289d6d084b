"""View-model functions of the app and the reviewed-table export, on the seed."""
import io
from collections import Counter

import pytest
from openpyxl import load_workbook

from classifier import appmodel as am
from classifier.export import describe_changes, write_xlsx
from classifier.ingest import read_bytes
from classifier.pipeline import review
from classifier.store import Store


@pytest.fixture
def rv(seed_review):
    return seed_review


def test_diff_html_marks_changes_and_escapes():
    a, b = am.diff_html("<b>项目支出</b>", "<b>项目支出</b>，计算公式：A/B×100%")
    assert "<b>" not in a and "&lt;b&gt;项目支出&lt;/b&gt;" in a
    assert "<ins" in b and "计算公式" in b and "<del" not in a
    a, b = am.diff_html("≥90", "≥90%")
    assert a == "≥90" and b.endswith('%</ins>')
    html = am.side_by_side_html({"level3": "x<script>", "description": "d", "value": "v"}, None)
    assert "<script>" not in html and "x&lt;script&gt;" in html


def test_queue_filter_sort_and_counters(rv):
    rows = am.queue_rows(rv)
    assert len(rows) == sum(1 for _, i in rv.rows() if rv.row_findings(i.id))
    cp = am.filter_rows(rows, {}, labels=["copy_paste"])
    assert cp and all("copy_paste" in r["labels"] for r in cp)
    assert len(cp) == rv.summary()["by_label"]["copy_paste"]
    block = am.filter_rows(rows, {}, severities=["block"])
    assert all("block" in r["severities"] for r in block)
    unc = am.sort_rows(rows, "uncertainty")
    assert [r["uncertainty"] for r in unc] == sorted(r["uncertainty"] for r in rows)

    class D:  # a stand-in standing decision
        def __init__(self, action):
            self.action = action

    decisions = {rows[0]["id"]: D("accept"), rows[1]["id"]: D("reject")}
    assert am.counters(rows, decisions) == {"total": len(rows), "done": 2, "remaining": len(rows) - 2,
                                            "accept": 1, "edit": 0, "reject": 1}
    assert [r["id"] for r in am.filter_rows(rows, decisions, status="reject")] == [rows[1]["id"]]
    assert len(am.filter_rows(rows, decisions, status="pending")) == len(rows) - 2
    assert am.next_pending(rows, decisions) == rows[2]["id"]
    assert am.next_pending(rows, decisions, after=rows[-1]["id"]) == rows[2]["id"]  # wraps round


def test_copy_paste_clusters_cover_cited_rows(rv):
    clusters = am.copy_paste_clusters(rv)
    sizes = [c["size"] for c in clusters]
    assert sizes and sizes == sorted(sizes, reverse=True)  # largest first
    cited = {f.row_id for f in rv.findings if f.code == "copy_paste" and f.related}
    members = {r["id"] for c in clusters for r in c["rows"]}
    assert cited <= members
    assert all(c["size"] >= 2 and c["projects"] >= 1 for c in clusters)


def test_similar_fallback_finds_satisfaction_rows(rv):
    hits = am.similar_fallback("受益群众满意度", am.all_rows(rv), k=5)
    assert len(hits) == 5 and all("满意" in h["text"] for h in hits)
    own = am.similar_fallback("社会服务对象满意度", am.all_rows(rv), k=3, exclude_project="T001")
    assert all(h["project_id"] != "T001" for h in own)


def test_report_series_add_up(rv):
    s = rv.summary()
    assert sum(r["行数"] for r in am.labels_per_unit(rv)) == sum(s["by_label"].values())
    assert sum(r["问题数"] for r in am.severity_mix(rv)) == len(rv.findings)
    share = am.flagged_share_per_project(rv)
    assert len(share) == s["tables"] and sum(r["有问题行数"] for r in share) == s["flagged_rows"]


def test_judged_rewrite_scores_sort_after_label_evaluations(tmp_path):
    """eval/results holds round*-judged.json too (another kind): the 评估 page must open on a label result."""
    import json
    (tmp_path / "2026-01-01-offline.json").write_text(json.dumps({"kind": "indicator-qa/eval-result", "metrics": {}}), encoding="utf-8")
    (tmp_path / "round9-judged.json").write_text(json.dumps({"kind": "indicator-qa/judged-scores", "scores": {}}), encoding="utf-8")
    res = am.load_eval_results(tmp_path)
    assert [r["_file"] for r in res] == ["2026-01-01-offline.json", "round9-judged.json"]
    assert am.is_label_result(res[0]) and not am.is_label_result(res[1])


def test_eval_results_that_are_not_eval_output_are_named_not_shown(tmp_path):
    (tmp_path / "a.json").write_text('{"per_label": {"copy_paste": {"f1": 0.667}}}', encoding="utf-8")
    (tmp_path / "b.json").write_text("[1, 2]", encoding="utf-8")
    res = am.load_eval_results(tmp_path)
    # Newest name first among label evaluations; unreadable files and other kinds after them.
    assert [r["_file"] for r in res] == ["a.json", "b.json"] and "_error" in res[1]
    missing = am.missing_figures(res[1])
    assert "宏平均 F1" in missing and any(m.startswith("照搬套用") for m in missing)


def test_triage_order_groups_and_counters(rv):
    rows = am.queue_rows(rv)
    triage = am.sort_rows(rows)
    ranks = [am.SEVERITY_RANK[r["severities"][0]] for r in triage]
    assert ranks == sorted(ranks)
    scores = rv.run["model_scores"]
    assert all(r["uncertainty"] == scores[r["id"]]["uncertainty"] for r in rows if r["id"] in scores)
    groups = am.groups(rows, rv)
    by_id = {r["id"]: r for r in rows}
    clusters = {c["rows"][0]["id"]: c for c in am.copy_paste_clusters(rv)}
    for g in groups:
        assert len(g["rows"]) >= 2
        if g["kind"] == "table":  # one table, one label, one rule
            assert len({by_id[i]["project_id"] for i in g["rows"]}) == 1
            assert all(any(f["code"] == g["label"] and f["rule"] == g["rule"] for f in by_id[i]["findings"]) for i in g["rows"])
        else:  # one copy-paste cluster: its rows labelled copy_paste
            c = clusters[g["id"].split(":", 1)[1]]
            assert set(g["rows"]) == {m["id"] for m in c["rows"] if m["flagged"] and m["id"] in by_id}
    assert any(g["kind"] == "cluster" for g in groups) and any(g["kind"] == "table" for g in groups)

    class D:
        def __init__(self, action):
            self.action, self.extra = action, {}

    g = groups[0]
    decided = {rid: D("accept") for rid in g["rows"]}
    c0, c1 = am.group_counters(groups, {}), am.group_counters(groups, decided)
    assert c0["groups_left"] == len(groups) and c1["groups_left"] <= len(groups) - 1
    assert c1["rows_left"] == len({rid for gg in groups for rid in gg["rows"]} - set(g["rows"]))


def test_proposals_are_confirmed_per_number(rv):
    from classifier.rewrite import PROPOSAL

    marked = [rw.to_dict() for rw in rv.rewrites.values() if PROPOSAL in rw.value]
    assert marked
    for rw in marked:
        props = am.proposals(rw)
        assert props and all(p["field"] == "value" for p in props)
        answers = [("7" if p["number"] else "通过验收") for p in props]
        after = am.confirm_proposals(rw, answers)
        assert PROPOSAL not in after["value"]
        if any(p["number"] for p in props):
            assert "7" in after["value"]
        with pytest.raises(ValueError):
            am.confirm_proposals(rw, ["很多"] * len(props) if any(p["number"] for p in props) else [""])


def test_history_rows_are_chinese_in_beijing_time(tmp_path, rv):
    rows = am.queue_rows(rv)
    r = next(r for r in rows if r["rewrite"])
    with Store(tmp_path / "d.sqlite") as s:
        d = s.save("h", r["id"], "edit", "张三", am.before_of(r), expected_version=0,
                   after={**r["rewrite"], "value": "≥3次"}, labels=r["labels"], reason="按实际")
        s.undo_last("h", "张三")
        hist = am.history_rows(s.history("h", r["id"]))
    assert [h["操作"] for h in hist] == ["修改后接受", "撤销"]
    assert "≥3次" in hist[0]["改动"] and hist[0]["说明"] == "按实际"
    from datetime import datetime, timedelta
    utc = datetime.fromisoformat(d.at)
    assert hist[0]["时间（北京时间）"] == (utc + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S")


def test_reviewed_xlsx_applies_accepted_rewrites_and_defuses_formulas(tmp_path):
    csv = ("项目名称,一级指标,二级指标,三级指标,绩效指标描述,指标值,分值\n"
           "设备购置,产出指标,数量指标,=HYPERLINK(\"http://x\"),-,效果明显,10\n"
           "设备购置,产出指标,时效指标,资金支出及时率,项目支出,2022年1月-12月,10\n"
           "设备购置,满意度指标,服务对象满意度指标,使用人员满意度,使用人员满意度,≥90%,10\n").encode("utf-8")
    read = read_bytes(csv, "设备.csv")
    rv2 = review(read)
    rows = {r["id"]: r for r in am.queue_rows(rv2)}
    first, second = list(rv2.rows())[0][1], list(rv2.rows())[1][1]
    assert second.id in rows
    with Store(tmp_path / "d.sqlite") as s:
        h = read.projects[0].source_hash
        rw = rows[second.id]["rewrite"]
        s.save(h, second.id, "accept", "张三", am.before_of(rows[second.id]), expected_version=0, after=rw,
               labels=rows[second.id]["labels"])
        s.save(h, first.id, "reject", "张三", am.before_of(rows[first.id]), expected_version=0, labels=[], reason="+不是问题")
        decisions = s.decisions_for(h)
    data = write_xlsx(rv2, decisions, tmp_path / "out.xlsx")
    assert (tmp_path / "out.xlsx").read_bytes() == data
    ws = load_workbook(io.BytesIO(data)).active
    header = [c.value for c in ws[1]]
    # The source's own columns in its order, then the row id and the review's columns.
    assert header == ["项目名称", "一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "分值", "编号",
                      "修改内容", "审核结论", "问题标签", "审核人", "审核说明"]
    body = [dict(zip(header, [c.value for c in row])) for row in ws.iter_rows(min_row=2)]
    assert len(body) == 3
    # The formula-looking name stays text, never a formula.
    cell = ws.cell(row=2, column=header.index("三级指标") + 1)
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"
    assert ws.cell(row=2, column=header.index("审核说明") + 1).data_type == "s"
    from classifier.names import ACTION
    assert body[0]["审核结论"] == ACTION["reject"] and body[0]["修改内容"] in ("", None)
    # The accepted rewrite replaced the original text, and the change is described.
    assert body[1]["绩效指标描述"] == rw["description"] and body[1]["指标值"] == rw["value"]
    assert body[1]["修改内容"] == describe_changes({"description": "项目支出", "value": "2022年1月-12月", "level1": "产出指标",
                                                  "level2": "时效指标", "level3": "资金支出及时率"}, rw)
    assert "项目支出" in body[1]["修改内容"] and body[1]["分值"] == "10"
    assert body[2]["审核结论"] in ("未审核",)
    assert Counter(r["审核人"] or "" for r in body)["张三"] == 2
