"""报告: charts of the batch and downloads."""
import json

import altair as alt
import streamlit as st

from classifier import appmodel as am
from classifier import ui
from classifier.export import write_xlsx
from classifier.store import decisions_as_labelled

ui.sidebar()
st.title("报告")
f, rv = ui.current_review()
s = rv.summary()
m1, m2, m3, m4 = st.columns(4)
m1.metric("表", s["tables"])
m2.metric("单位", s["units"])
m3.metric("指标行", s["rows"])
m4.metric("有问题的行", f"{s['flagged_rows']}（{s['flagged_share']:.0%}）")

st.subheader("各单位的问题标签")
ui.chart(alt.Chart(alt.Data(values=am.labels_per_unit(rv))).mark_bar().encode(
    y=alt.Y("单位:N", sort="-x", title=None), x=alt.X("sum(行数):Q", title="行数", axis=alt.Axis(tickMinStep=1, format="d")), color=alt.Color("标签:N"),
    tooltip=["单位:N", "标签:N", "行数:Q"]), "各单位的问题标签")
c1, c2 = st.columns(2)
with c1:
    st.subheader("严重程度")
    mix = am.severity_mix(rv)
    ui.chart(alt.Chart(alt.Data(values=mix)).mark_bar().encode(
        x=alt.X("严重程度:N", sort=[m["严重程度"] for m in mix], title=None),  # block → warn → suggest, not A–Z
        y=alt.Y("问题数:Q", axis=alt.Axis(tickMinStep=1, format="d")), tooltip=["严重程度:N", "问题数:Q"]), "严重程度")
with c2:
    st.subheader("最大的照搬套用簇")
    sizes = am.cluster_sizes(am.copy_paste_clusters(rv))
    if sizes:
        ui.chart(alt.Chart(alt.Data(values=sizes)).mark_bar().encode(
            y=alt.Y("簇:N", sort="-x", title=None), x=alt.X("行数:Q", axis=alt.Axis(tickMinStep=1, format="d")),
            tooltip=["簇:N", "行数:Q", "项目数:Q", "单位数:Q"]), "最大的照搬套用簇")
    else:
        st.caption("没有照搬套用簇。")
st.subheader("各项目有问题行的占比")
share = am.flagged_share_per_project(rv)
ui.chart(alt.Chart(alt.Data(values=share)).mark_bar().encode(
    x=alt.X("项目:N", sort="-y", axis=alt.Axis(labels=False, title="项目（按占比排序）")),
    y=alt.Y("有问题占比:Q", axis=alt.Axis(format="%")), color="单位:N",
    tooltip=["项目:N", "单位:N", "行数:Q", "有问题行数:Q", alt.Tooltip("有问题占比:Q", format=".0%")]), "各项目有问题行的占比")

st.subheader("下载")
decisions = ui.store().decisions_for(f.digest)
stem = f.name.rsplit(".", 1)[0]
d1, d2, d3 = st.columns(3)
# Files are built when clicked (a callable), not on every rerun of the page.
d1.download_button("审核结果 JSON", lambda: json.dumps(rv.to_json(), ensure_ascii=False, indent=1).encode("utf-8"),
                   file_name=f"{stem}-review.json", mime="application/json", key="dl_json")
d2.download_button("审核后的指标表 .xlsx（含已接受的改写）", lambda: write_xlsx(rv, decisions), file_name=f"{stem}-reviewed.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="dl_xlsx")
labelled = decisions_as_labelled(ui.store(), f.digest)
d3.download_button(f"审核决定 JSONL（{len(labelled)} 行标注数据）",
                   "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in labelled).encode("utf-8"), file_name=f"{stem}-decisions.jsonl",
                   mime="application/jsonl", key="dl_jsonl")
try:  # the batch report of the report issue, when it is installed
    from classifier.report import render_html, render_xlsx
except ImportError:
    render_html = render_xlsx = None
if render_html:
    r1, r2 = st.columns(2)
    r1.download_button("批量质量报告 HTML", lambda: render_html(rv).encode("utf-8"), file_name=f"{stem}-report.html",
                       mime="text/html", key="dl_report_html")
    r2.download_button("批量质量报告 .xlsx", lambda: render_xlsx(rv), file_name=f"{stem}-report.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="dl_report_xlsx")
