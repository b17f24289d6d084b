"""审核: work through the flagged rows one at a time."""
import streamlit as st

from classifier import appmodel as am
from classifier import ui
from classifier.models import LABELS, LABELS_ZH, SEVERITIES
from classifier.store import REJECT_REASONS

ui.sidebar()
st.title("审核")
f, rv = ui.current_review()
ui.show_flash()
store = ui.store()
decisions = store.decisions_for(f.digest)
rows = am.queue_rows(rv)

# ---- filters ----
c1, c2, c3 = st.columns(3)
labels = c1.multiselect("问题标签", LABELS, format_func=lambda l: LABELS_ZH[l], key="f_labels")
severities = c2.multiselect("严重程度", SEVERITIES, format_func=lambda s: am.SEVERITY_ZH[s], key="f_sev")
status = c3.selectbox("审核状态", list(am.STATUSES), format_func=am.STATUSES.get, key="f_status")
c4, c5, c6 = st.columns(3)
units = c4.multiselect("单位", sorted({r["unit"] for r in rows}), key="f_units")
projects = c5.multiselect("项目", [p.id for p in rv.projects], key="f_projects",
                          format_func=lambda pid: f"{pid} {next(p.title for p in rv.projects if p.id == pid)}")
order = c6.radio("排序", ["order", "uncertainty", "severity"], horizontal=True, key="f_sort",
                 format_func={"order": "按文件顺序", "uncertainty": "最不确定优先", "severity": "最严重优先"}.get)
queue = am.sort_rows(am.filter_rows(rows, decisions, labels=labels, severities=severities, units=units,
                                    projects=projects, status=status), order)

count = am.counters(rows, decisions)
m1, m2, m3, m4 = st.columns(4)
m1.metric("已审核", f"{count['done']} / {count['total']}")
m2.metric("待审核", count["remaining"])
m3.metric("接受 / 修改", f"{count['accept']} / {count['edit']}")
m4.metric("驳回", count["reject"])
st.progress(count["done"] / count["total"] if count["total"] else 1.0, text=f"筛选后 {len(queue)} 行")
st.button("撤销我的上一步", on_click=ui.undo, args=(f.digest,), key="undo")

if not queue:
    st.info("没有符合筛选条件的行。")
    st.stop()

ids = [r["id"] for r in queue]
by_id = {r["id"]: r for r in queue}
if st.session_state.get("cursor") not in by_id:
    st.session_state["cursor"] = am.next_pending(queue, decisions) or ids[0]
rid = st.selectbox("当前行", ids, key="cursor", format_func=lambda i: (
    f"{i}  {by_id[i]['level3']}  [{am.STATUSES[am.status_of(i, decisions)]}]"))
row = by_id[rid]
version = store.version(f.digest, rid)
dec = decisions.get(rid)
pv = am.prompt_version_of(rv, rid)

st.subheader(f"{row['id']} · {row['level3']}")
budget = f"{row['budget']:g} 万元" if isinstance(row["budget"], (int, float)) else "预算未知"
st.caption(f"{row['project']} · {row['unit']} · {budget} · 建议来自 {pv}")
if dec:
    st.info(f"当前决定：{am.STATUSES[dec.action]}（{dec.reviewer}，{dec.at[:19].replace('T', ' ')} UTC）"
            + (f"；说明：{dec.reason}" if dec.reason else ""))

left, right = st.columns([3, 2])
with left:
    st.markdown(am.side_by_side_html(row, row["rewrite"]), unsafe_allow_html=True)
    if row["rewrite"]:
        st.caption(am.rewrite_note(row["rewrite"]))
    st.markdown("**问题与依据**")
    for fd in row["findings"]:
        st.markdown(f"- **{LABELS_ZH.get(fd['code'], fd['code'])}**（{am.SEVERITY_ZH.get(fd['severity'], fd['severity'])} · "
                    f"{fd['rule']} · {fd['source']} · 置信度 {fd['confidence']:.2f}）：{am.md_escape(fd['evidence'])}")
with right:
    st.markdown("**其他项目中最相似的 3 行**")
    hits, how = ui.similar(rv, f"{row['level3']} {row['description']}", k=3, exclude_project=row["project_id"])
    for h in hits:
        score = f"{h['score']:.2f}" if isinstance(h.get("score"), (int, float)) else ""
        st.markdown(f"- {am.md_escape(h['text'])}  \n  <small>{am.md_escape(h['project'])} · {am.md_escape(h['unit'])} · {score}</small>",
                    unsafe_allow_html=True)
    if not hits:
        st.caption("没有相似的行。")
    st.caption("检索方式：" + {"index": "向量索引", "ngram": "字符 n-gram（索引不可用）"}[how])

# ---- actions ----
nxt = am.next_pending(queue, {**decisions, rid: True}, after=rid)
a1, a2 = st.columns(2)
a1.button("接受建议", type="primary", key=f"accept_{rid}", disabled=not row["rewrite"],
          on_click=ui.decide, args=("accept", f.digest, row, version, pv, nxt))
with a2.form(f"reject_form_{rid}"):
    st.selectbox("驳回理由", list(REJECT_REASONS), format_func=REJECT_REASONS.get, key=f"reject_{rid}_code")
    st.text_input("说明（可选）", key=f"reject_{rid}_note")
    st.form_submit_button("驳回", on_click=ui.decide, args=("reject", f.digest, row, version, pv, nxt))
with st.expander("修改后接受", expanded=False):
    with st.form(f"edit_form_{rid}"):
        base = row["rewrite"] or row
        for fld in am.FIELDS:
            st.text_input(am.FIELD_ZH[fld], value=base.get(fld, ""), key=f"edit_{rid}_{fld}")
        st.multiselect("保留的问题标签（全部去掉 = 该行没有问题）", LABELS, default=row["labels"],
                       format_func=lambda l: LABELS_ZH[l], key=f"edit_{rid}_labels")
        st.text_input("修改说明（可选）", key=f"edit_{rid}_note")
        st.form_submit_button("保存修改并接受", on_click=ui.decide, args=("edit", f.digest, row, version, pv, nxt))

with st.expander("本行的决定历史"):
    hist = store.history(f.digest, rid)
    if hist:
        st.dataframe([{"版本": d.version, "操作": d.action, "审核人": d.reviewer, "时间": d.at, "说明": d.reason}
                      for d in hist], hide_index=True)
    else:
        st.caption("尚无决定。")
