"""评估: prompt-evaluation results from eval/results/ (INDICATOR_QA_EVAL_RESULTS overrides)."""
import os
from pathlib import Path

import streamlit as st

from classifier import appmodel as am
from classifier import ui
from classifier.config import project_root

ui.sidebar()
st.title("评估")
folder = Path(os.environ.get("INDICATOR_QA_EVAL_RESULTS") or project_root() / "eval" / "results")
results = am.load_eval_results(folder)
bad = [r for r in results if "_error" in r]
for r in bad:
    st.warning(f"{r['_file']} 无法读取：{r['_error']}")
results = [r for r in results if "_error" not in r]
if not results:
    st.info(f"还没有评估结果：{folder} 下没有 *.json。运行 `indicator-qa eval` 后在这里查看。")
    st.stop()

names = [am.result_name(r) for r in results]
pick = st.selectbox("评估结果", range(len(results)), format_func=names.__getitem__, key="eval_pick")
res = results[pick]
summ = am.summary_metrics(res)
cols = st.columns(max(len(summ), 1))
for c, (k, v) in zip(cols, summ.items()):
    c.metric(k, f"{v:.3f}" if isinstance(v, (int, float)) else v)
table = am.per_label_table(res)
st.dataframe(table, hide_index=True, width="stretch")
chart = [{"标签": r["标签"], "指标": k, "值": r[k]} for r in table for k in ("precision", "recall", "f1")
         if isinstance(r[k], (int, float))]
if chart:
    import altair as alt

    st.altair_chart(alt.Chart(alt.Data(values=chart)).mark_bar().encode(
        x=alt.X("标签:N", title=None), xOffset="指标:N", y=alt.Y("值:Q", scale=alt.Scale(domain=[0, 1])),
        color="指标:N", tooltip=["标签:N", "指标:N", "值:Q"]), width="stretch")

st.subheader("判断不一致的行")
dis = am.disagreeing_rows(res)
if dis:
    st.dataframe(dis, hide_index=True, width="stretch")
else:
    st.caption("该结果没有列出不一致的行。")

if len(results) >= 2:
    st.subheader("比较两个版本")
    a = st.selectbox("A（基线）", range(len(results)), index=1, format_func=names.__getitem__, key="eval_a")
    b = st.selectbox("B（新版本）", range(len(results)), index=0, format_func=names.__getitem__, key="eval_b")
    st.dataframe(am.compare_results(results[a], results[b]), hide_index=True, width="stretch")
    changed = am.changed_rows(results[a], results[b])
    if changed:
        st.markdown(f"**标签变化的行**：{len(changed)}")
        st.dataframe(changed, hide_index=True, width="stretch")
