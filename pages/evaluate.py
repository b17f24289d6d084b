"""评估: prompt-evaluation results from eval/results/ (INDICATOR_QA_EVAL_RESULTS
overrides) and the labelled set they are scored on, eval/labelled.jsonl
(INDICATOR_QA_LABELLED overrides)."""
import os
from pathlib import Path

import streamlit as st

from classifier import appmodel as am
from classifier import ui
from classifier.config import project_root
from classifier.models import LABELS, LABELS_ZH


@st.cache_data(show_spinner=False, max_entries=4)
def labelled(path: str, mtime: float):
    """Read once per version of the file (mtime in the key), not on every rerun."""
    return am.load_labelled(path)


def show_results(folder: Path) -> None:
    results = am.load_eval_results(folder)
    for r in results:
        if "_error" in r:
            st.warning(am.md_escape(f"{r['_file']} 无法读取：{r['_error']}"))
    results = [r for r in results if "_error" not in r]
    if not results:
        st.info(am.md_escape(f"还没有评估结果：{folder} 下没有 *.json。") + "运行 `indicator-qa eval` 后在这里查看。")
        return
    names = [am.result_name(r) for r in results]
    pick = st.selectbox("评估结果", range(len(results)), format_func=names.__getitem__, key="eval_pick", placeholder="请选择")
    res = results[pick]
    missing = am.missing_figures(res)
    if missing:  # never show an empty cell as if it were a score
        st.error(am.md_escape(f"{res['_file']} 不是 indicator-qa eval 的结果，或缺少数值：{'、'.join(missing[:8])}"))
        return
    warning = am.in_sample_warning(res)
    if warning:
        st.warning(warning)
    summ = am.summary_metrics(res)
    cols = st.columns(len(summ))
    for c, (k, v) in zip(cols, summ.items()):
        c.metric(k, f"{v:.3f}")
    table = am.per_label_table(res)
    st.dataframe([{k: v for k, v in r.items() if k != "key"} for r in table], hide_index=True, width="stretch")
    chart = [{"标签": r["标签"], "指标": k, "值": r[k]} for r in table for k in ("精确率", "召回率", "F1")]
    import altair as alt

    ui.chart(alt.Chart(alt.Data(values=chart)).mark_bar().encode(
        x=alt.X("标签:N", title=None, sort=[r["标签"] for r in table]), xOffset="指标:N",
        y=alt.Y("值:Q", scale=alt.Scale(domain=[0, 1])), color="指标:N", tooltip=["标签:N", "指标:N", "值:Q"]), "各标签的精确率、召回率与 F1")

    st.subheader("判断不一致的行")
    dis = am.disagreeing_rows(res)
    if dis:
        st.dataframe(dis, hide_index=True, width="stretch")
    else:
        st.caption("该结果没有判断不一致的行。")

    if len(results) >= 2:
        st.subheader("比较两个版本")
        a = st.selectbox("A（基线）", range(len(results)), index=1, format_func=names.__getitem__, key="eval_a", placeholder="请选择")
        b = st.selectbox("B（新版本）", range(len(results)), index=0, format_func=names.__getitem__, key="eval_b", placeholder="请选择")
        bad = [results[i]["_file"] for i in (a, b) if am.missing_figures(results[i])]
        if bad:
            st.error(am.md_escape(f"无法比较：{'、'.join(bad)} 缺少数值"))
            return
        st.dataframe(am.compare_results(results[a], results[b]), hide_index=True, width="stretch")
        changed = am.changed_rows(results[a], results[b])
        if changed:
            st.markdown(f"**标签变化的行**：{len(changed)}")
            st.dataframe(changed, hide_index=True, width="stretch")


def show_judged(folder: Path) -> None:
    rows = am.judged_rounds(am.load_eval_results(folder))
    if not rows:
        st.info("还没有改写评审结果：用 `indicator-qa judge-set` 生成待判改写，两位评审判完后运行 `indicator-qa eval 文件`。")
        return
    st.caption("每轮改写由两位独立评审按审核人标准判定（取较严的结论）；“自检通过”的改写是审核人可直接签发的部分。")
    pct = {k: st.column_config.NumberColumn(format="percent") for k in rows[0] if k not in ("评审轮次", "方式", "已判", "错误却自检通过")}
    st.dataframe(rows, hide_index=True, width="stretch", column_config=pct)


def show_labelled(path: Path) -> None:
    rows, problems = labelled(str(path), path.stat().st_mtime if path.is_file() else 0.0)
    if problems:
        with st.expander(f"读取标注集时发现 {len(problems)} 个问题", expanded=not rows):
            for pr in problems:
                st.markdown(f"- {am.md_escape(pr)}")
    if not rows:
        st.info(am.md_escape(f"没有可显示的标注行：{path}"))
        return
    counts = am.labelled_counts(rows)
    st.caption(am.md_escape(f"{path}：{len(rows)} 行，{sum(1 for r in rows if r['rewrite'])} 行带参考改写"))
    st.dataframe([{k: r[k] for k in ("标签", "行数", "占比")} for r in counts], hide_index=True, width="stretch",
                 column_config={"占比": st.column_config.NumberColumn(format="percent")})
    zh = {**{l: LABELS_ZH[l] for l in LABELS}, am.NO_LABEL: "无问题", am.UNLABELLED: "未标注"}
    f1, f2, f3 = st.columns([3, 2, 1])
    pick = f1.multiselect("标签", list(zh), format_func=zh.get, key="labelled_labels", placeholder="全部标签")
    text = f2.text_input("包含文字", key="labelled_text", placeholder="编号、项目或指标内容")
    with_rewrite = f3.checkbox("只看带改写的行", key="labelled_rewrite")
    shown = am.filter_labelled(rows, labels=pick, text=text, with_rewrite=with_rewrite)
    st.markdown(f"**{len(shown)}** / {len(rows)} 行")
    st.dataframe(am.labelled_table(shown), hide_index=True, width="stretch")


ui.sidebar()
st.title("评估")
results_dir = Path(os.environ.get("INDICATOR_QA_EVAL_RESULTS") or project_root() / "eval" / "results")
results_tab, judged_tab, labelled_tab = st.tabs(["评估结果", "改写评审", "标注集"])
with results_tab:
    show_results(results_dir)
with judged_tab:
    show_judged(results_dir)
with labelled_tab:
    show_labelled(Path(os.environ.get("INDICATOR_QA_LABELLED") or project_root() / "eval" / "labelled.jsonl"))
