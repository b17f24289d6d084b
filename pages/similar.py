"""相似与重复: similar-row search and copy-paste clusters."""
import streamlit as st

from classifier import appmodel as am
from classifier import ui

ui.sidebar()
st.title("相似与重复")
f, rv = ui.current_review()
query = st.text_input("查找相似的指标（名称或描述）", key="similar_query", placeholder="例如：受益群众满意度")
k = st.slider("显示条数", 3, 30, 10, key="similar_k")
if query.strip():
    hits, how = ui.similar(rv, query.strip(), k=k)
    st.caption("检索方式：" + {"index": "向量索引", "ngram": "逐字比对（索引不可用）"}[how])
    if hits:
        st.dataframe([{"相似度": h["score"], "行": h["id"], "指标": h["text"], "项目": h["project"], "单位": h["unit"]}
                      for h in hits], hide_index=True, width="stretch")
    else:
        st.info("没有找到相似的行。")

st.header("照搬套用簇")
clusters = am.copy_paste_clusters(rv)
st.caption(f"共 {len(clusters)} 个簇，涉及 {sum(c['size'] for c in clusters)} 行，其中 ✱ {sum(c['flagged'] for c in clusters)} 行"
           "判为照搬套用；按行数从大到小。与命令行工具列出的照搬套用簇、批量报告是同一份结果。")
for c in clusters[:50]:
    with st.expander(am.md_escape(f"#{c['n']} {c['text'][:40]} —— {c['size']} 行 / {c['projects']} 个项目 / {c['units']} 个单位")):
        st.dataframe([{"": "✱" if r["flagged"] else "", "行": r["id"], "项目": r["project"], "单位": r["unit"], "指标": r["text"]}
                      for r in c["rows"]], hide_index=True, width="stretch")

st.divider()
if ui.index_handle() is None:
    st.caption("向量索引尚未建立，相似行检索改用逐字比对。建立索引后检索更准（本文件首次建立约需半分钟）。")
if st.button("为当前文件建立/更新向量索引", key="build_index"):
    with st.spinner("正在建立索引…"):
        try:
            stats = ui.build_index(rv)
        except Exception as exc:  # an index that cannot be built must not break the page
            st.error(am.md_escape(f"建立索引失败：{exc}"))
        else:
            st.success(am.index_stats_text(stats))
