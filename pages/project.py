"""项目: one project's table with its findings inline."""
import streamlit as st

from classifier import appmodel as am
from classifier import ui
from classifier.models import LABELS_ZH

ui.sidebar()
st.title("项目")
f, rv = ui.current_review()
decisions = ui.store().decisions_for(f.digest)
titles = {p.id: p for p in rv.projects}
pid = st.selectbox("项目", list(titles), key="project_pick", placeholder="请选择",
                   format_func=lambda i: f"{i} {titles[i].title}（{titles[i].unit_name or titles[i].unit}）")
p = titles[pid]
budget = f"{p.budget:g} 万元" if p.budget is not None else "未知"
st.subheader(am.md_escape(p.title))
st.caption(am.md_escape(f"{p.unit} · 预算数 {budget} · {p.source_file} 表{p.table_index + 1}"))
if p.goal:
    st.markdown("**绩效目标**：" + am.md_escape(p.goal))
pf = rv.project_findings(p.id)
for fd in pf:
    st.warning(am.md_escape(f"{LABELS_ZH.get(fd.code, fd.code)}（{fd.rule}）：{fd.evidence}"))
proposed = am.proposal_rows(rv, p.id)
if proposed:
    st.markdown("**建议补充的指标**（取自指标库中相近项目，数字均为建议值，需审核人确认）")
    st.table(proposed)
table = am.project_table(rv, p.id, decisions)
# A static table: one project has a screenful of rows, and long Chinese text wraps.
st.table(table)
flagged = sum(1 for r in table if r["问题"])
st.caption(f"{len(table)} 行，{flagged} 行有问题（已按审核决定显示：接受或修改的行显示保存的文字和保留的标签）；"
           "在“审核”页按项目筛选即可逐行处理。")
