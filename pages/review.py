"""审核: the queue of flagged rows, worst first, one row at a time or a group
of rows sharing one problem at once. Layout only: every rule is in appmodel/ui."""
import streamlit as st

from classifier import appmodel as am
from classifier import ui
from classifier.models import LABELS, LABELS_ZH, SEVERITIES
from classifier.names import name
from classifier.store import REJECT_REASONS

esc = am.md_escape

ui.sidebar()
st.title("审核")
f, rv = ui.current_review()
ui.show_flash()
store = ui.store()
decisions = store.decisions_for(f.digest)
rows = am.queue_rows(rv)
groups = am.groups(rows, rv)

count = am.counters(rows, decisions)
gcount = am.group_counters(groups, decisions)
m1, m2, m3, m4, m5 = st.columns(5)
m1.metric("已审核", f"{count['done']} / {count['total']}")
m2.metric("待审核", count["remaining"])
m3.metric("待处理的组", f"{gcount['groups_left']} / {gcount['groups']}", help=f"组内还有 {gcount['rows_left']} 行待审核")
m4.metric("接受 / 修改", f"{count['accept']} / {count['edit']}")
m5.metric("驳回", count["reject"])
st.button("撤销我的上一步（批量决定整组撤销）", on_click=ui.undo, args=(f.digest,), key="undo")
ui.show_flash("undo")

# Fixed tab names: a name that changes after a decision would send the reviewer back to the first tab.
one, many = st.tabs(["逐行审核", "按组审核"])

# ---- one row at a time ----------------------------------------------------------
with one:
    c1, c2, c3 = st.columns(3)
    labels = c1.multiselect("问题标签", LABELS, format_func=LABELS_ZH.get, key="f_labels", placeholder="全部标签",
                            on_change=ui.jump_to_top)
    severities = c2.multiselect("严重程度", SEVERITIES, format_func=am.SEVERITY_ZH.get, key="f_sev", placeholder="全部",
                                on_change=ui.jump_to_top)
    status = c3.selectbox("审核状态", list(am.STATUSES), format_func=am.STATUSES.get, key="f_status", on_change=ui.jump_to_top,
                       placeholder="请选择")
    c4, c5, c6 = st.columns(3)
    units = c4.multiselect("单位", sorted({r["unit"] for r in rows}), key="f_units", placeholder="全部单位",
                           on_change=ui.jump_to_top)
    titles = {p.id: p.title for p in rv.projects}
    projects = c5.multiselect("项目", list(titles), key="f_projects", format_func=lambda pid: f"{pid} {titles[pid]}",
                              placeholder="全部项目", on_change=ui.jump_to_top)
    order = c6.radio("排序", list(am.SORTS), format_func=am.SORTS.get, horizontal=True, key="f_sort",
                     on_change=ui.jump_to_top)
    queue = am.sort_rows(am.filter_rows(rows, decisions, labels=labels, severities=severities, units=units,
                                        projects=projects, status=status), order)
    st.progress(count["done"] / count["total"] if count["total"] else 1.0, text=f"筛选后 {len(queue)} 行")

    if not queue:
        st.info("没有符合筛选条件的行。")
    else:
        ids = [r["id"] for r in queue]
        by_id = {r["id"]: r for r in queue}
        asked = st.query_params.get("row")  # a link to one row, or a reload: reopen it
        if not st.session_state.get("_row_restored") and asked in by_id:  # once per session
            st.session_state["cursor"] = asked
        st.session_state["_row_restored"] = True
        if st.session_state.get("cursor") not in by_id:
            st.session_state["cursor"] = am.next_pending(queue, decisions) or ids[0]
        # Option texts stay fixed (a text that changes after a save is not redrawn by the
        # browser's select box): the status is said beside it.
        c_row, c_status = st.columns([4, 1])
        rid = c_row.selectbox("当前行", ids, key="cursor", format_func=lambda i: f"{i}  {by_id[i]['level3']}", placeholder="请选择")
        c_status.metric("本行状态", am.STATUSES[am.status_of(rid, decisions)])
        st.query_params["row"] = rid
        row = by_id[rid]
        version = store.version(f.digest, rid)
        dec = decisions.get(rid)
        pv = am.prompt_version_of(rv, rid)
        rw = row["rewrite"]
        shown, shown_title = am.shown_rewrite(row, dec)

        st.subheader(esc(f"{row['id']} · {row['level3']}"))
        budget = f"{row['budget']:g} 万元" if isinstance(row["budget"], (int, float)) else "预算未知"
        st.caption(esc(f"{row['project']} · {row['unit']} · {budget} · 建议来自 {am.suggestion_origin(rv, rid)}"))
        if dec:
            st.info(esc(am.decision_summary(dec)))

        left, right = st.columns([3, 2])
        with left:
            st.markdown(am.side_by_side_html(row, shown, after_title=shown_title), unsafe_allow_html=True)
            if rw:
                st.caption(am.rewrite_note(rw) + esc(am.rewrite_facts(rw)))
                if rw.get("status") != "ok":
                    st.error("**这条改写需要人工确认，不能直接接受。** " + esc(am.needs_human_reason(rw))
                             + "  请在下方“修改后接受”中改好后保存，或驳回。")
            # （建议值） to confirm one by one — a rewrite that needs a human goes through the edit form instead
            props = am.proposals(rw) if rw and rw.get("status") == "ok" else []
            st.markdown("**问题与依据**")
            for fd in row["findings"]:
                st.markdown(f"- **{LABELS_ZH.get(fd['code'], esc(fd['code']))}**（{am.SEVERITY_ZH.get(fd['severity'], esc(fd['severity']))} · "
                            f"{esc(fd['rule'])} · {name('source', fd['source'])} · 置信度 {fd['confidence']:.2f}）：{esc(fd['evidence'])}")
        with right:
            st.markdown("**其他项目中最相似的 3 行**")
            hits, how = ui.similar(rv, f"{row['level3']} {row['description']}", k=3, exclude_project=row["project_id"])
            for h in hits:
                score = f"{h['score']:.2f}" if isinstance(h.get("score"), (int, float)) else ""
                st.markdown(f"- {esc(h['text'])}  \n  <small>{esc(h['project'])} · {esc(h['unit'])} · {score}</small>",
                            unsafe_allow_html=True)
            if not hits:
                st.caption("没有相似的行。")
            st.caption("检索方式：" + {"index": "向量索引", "ngram": "逐字比对（索引不可用）"}[how])

        # ---- actions ----
        nxt = am.next_pending(queue, {**decisions, rid: True}, after=rid)
        needs_human = bool(rw) and rw.get("status") != "ok"
        a1, a2 = st.columns(2)
        with a1:
            if props:
                with st.form(f"confirm_form_{rid}"):
                    st.markdown("**确认建议值**：改写中的下列数值是建议的，原表没有给出，请逐个核实或修改。")
                    for k, pr in enumerate(props):
                        c_in, c_ok = st.columns([3, 1])
                        label = f"{am.FIELD_ZH[pr['field']]}：{pr['text']}" + (f" 中的第 {pr['index'] + 1} 个数" if pr["number"] else "")
                        c_in.text_input(esc(label), value=pr["proposed"], key=f"prop_{rid}_{k}")
                        c_ok.checkbox("已核实", key=f"propok_{rid}_{k}")
                    st.form_submit_button("确认数值并接受", type="primary",
                                          on_click=ui.decide, args=("confirm", f.digest, row, version, pv, nxt))
            else:
                st.button("接受建议", type="secondary" if needs_human else "primary", key=f"accept_{rid}",
                          disabled=not rw or needs_human, on_click=ui.decide, args=("accept", f.digest, row, version, pv, nxt),
                          help="需人工确认的改写不能直接接受" if needs_human else None)
            if dec:
                st.button("撤销本行的决定", key=f"undo_row_{rid}", on_click=ui.undo_row, args=(f.digest, rid, version))
        with a2.form(f"reject_form_{rid}"):
            st.selectbox("驳回理由", list(REJECT_REASONS), format_func=REJECT_REASONS.get, key=f"reject_{rid}_code", placeholder="请选择")
            st.text_input("说明（可选）", key=f"reject_{rid}_note", placeholder="例如：本项目确有此数")
            st.form_submit_button("驳回", on_click=ui.decide, args=("reject", f.digest, row, version, pv, nxt))
        ui.show_flash("actions")
        with st.expander("修改后接受", expanded=needs_human):
            with st.form(f"edit_form_{rid}_{version}"):
                base = shown or row
                for fld in am.FIELDS:
                    widget = st.text_area if fld in ("description", "value") else st.text_input
                    widget(am.FIELD_ZH[fld], value=base.get(fld, ""), key=f"edit_{rid}_{version}_{fld}")
                kept = dec.labels if dec and dec.labels is not None else row["labels"]
                st.multiselect("保留的问题标签（全部去掉 = 该行没有问题）", LABELS, default=kept, format_func=LABELS_ZH.get,
                               key=f"edit_{rid}_{version}_labels", placeholder="没有问题")
                st.text_input("修改说明（可选）", key=f"edit_{rid}_{version}_note", placeholder="为什么这样改")
                st.form_submit_button("保存修改并接受", on_click=ui.decide, args=("edit", f.digest, row, version, pv, nxt))

        with st.expander("本行的决定历史", expanded=bool(dec)):
            hist = am.history_rows(store.history(f.digest, rid))
            if hist:
                st.dataframe(hist, hide_index=True, width="stretch")
            else:
                st.caption("尚无决定。")

# ---- a group at once --------------------------------------------------------------
with many:
    if not groups:
        st.info("没有可以成组处理的行（同一张表中同一标签和规则的行，或同一个照搬套用簇）。")
    else:
        st.caption(f"共 {gcount['groups']} 组，{gcount['groups_left']} 组还有待审核的行（{gcount['rows_left']} 行）。"
                   "一组是同一张表中标签和规则相同的行，或一个照搬套用簇；每行单独记录，可逐行撤销。")
        gby = {g["id"]: g for g in groups}
        left_of = {g["id"]: sum(1 for r in g["rows"] if r not in decisions) for g in groups}
        asked = st.query_params.get("group")  # a link to one group
        if not st.session_state.get("_group_restored") and asked in gby:  # once per session
            st.session_state["group_pick"] = asked
        st.session_state["_group_restored"] = True
        c_group, c_left = st.columns([4, 1])
        gid = c_group.selectbox("问题组", list(gby), key="group_pick", placeholder="请选择", format_func=lambda g: (
            f"{gby[g]['title']} — {am.SEVERITY_ZH[gby[g]['severity']]}，{len(gby[g]['rows'])} 行"))
        g = gby[gid]
        c_left.metric("本组待审核", f"{left_of[gid]} / {len(g['rows'])}")
        preview = am.group_preview(g, rows, decisions)
        versions = store.versions(f.digest)
        st.markdown(f"**{esc(g['title'])}**：勾选要一起处理的行（取消勾选即不包含该行）。")
        with st.container(height=420):
            for item in preview:
                c_tick, c_text = st.columns([1, 8])
                c_tick.checkbox(esc(item["id"]), value=item["pending"] and item["可批量接受"], key=f"grp_{gid}_{item['id']}")
                c_text.markdown(f"{esc(item['三级指标'])}：{esc(item['原文'])}  \n"
                                f"<small>建议：{esc(item['建议改写'] or '无')} · {item['状态']}"
                                + (f" · **{esc(item['说明'])}**" if item["说明"] else "") + "</small>",
                                unsafe_allow_html=True)
        pv = am.prompt_version_of(rv)
        b1, b2 = st.columns(2)
        b1.button("接受勾选行的建议", type="primary", key=f"grp_accept_{gid}",
                  on_click=ui.decide_group, args=("accept", f.digest, g, rows, versions, pv))
        with b2.form(f"grp_reject_form_{gid}"):
            st.selectbox("驳回理由", list(REJECT_REASONS), format_func=REJECT_REASONS.get, key=f"grp_{gid}_reason", placeholder="请选择")
            st.text_input("说明（可选）", key=f"grp_{gid}_note", placeholder="对勾选的每一行都适用")
            st.form_submit_button("驳回勾选的行", on_click=ui.decide_group, args=("reject", f.digest, g, rows, versions, pv))
        ui.show_flash(f"group:{gid}")
        for batch in am.group_batches(g, decisions):
            st.button(f"撤销本组的批量决定（{batch['rows']} 行，{batch['who']}，{batch['when']}）", key=f"grp_undo_{batch['id']}",
                      on_click=ui.undo_group, args=(f.digest, gid, batch["id"]))
