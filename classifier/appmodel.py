"""View-model of the reviewers' app: pure functions from a Review, the stored
decisions and the reviewer's filters to what the pages show. No Streamlit
here, so every rule of the UI is testable without a browser."""
from __future__ import annotations

import difflib
import html
import json
import math
import re
from collections import Counter
from pathlib import Path

from .eval.insample import in_sample, in_sample_note, with_evaluation
from .export import FIELDS, FIELD_ZH
from .models import LABELS, LABELS_ZH, SEVERITIES

from .names import STATUS as STATUSES, SEVERITY as SEVERITY_ZH, beijing, name, names  # the one display-name table
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}


# ---- the queue --------------------------------------------------------------

def queue_rows(review) -> list[dict]:
    """Flagged rows of a review, each a row_dict plus what the queue filters and
    sorts on: worst severity and lowest finding confidence."""
    out = []
    for order, (p, ind) in enumerate(review.rows()):
        fs = review.row_findings(ind.id)
        if not fs:
            continue
        d = review.row_dict(p, ind)
        d["order"] = order
        d["severities"] = sorted({f.severity for f in fs}, key=lambda s: SEVERITY_RANK.get(s, 9))
        d["min_confidence"] = min(f.confidence for f in fs)
        # How unsure the learned model is (min |p − threshold|); without a model, the lowest confidence.
        u = (review.run or {}).get("model_scores", {}).get(ind.id, {}).get("uncertainty")
        d["uncertainty"] = u if u is not None else d["min_confidence"]
        out.append(d)
    return out


def status_of(row_id: str, decisions: dict) -> str:
    d = decisions.get(row_id)
    return d.action if d else "pending"


def filter_rows(rows: list[dict], decisions: dict, *, labels=(), severities=(), units=(), projects=(),
                status: str = "all") -> list[dict]:
    """Rows matching every non-empty filter (a list filter matches any of its values)."""
    labels, severities, units, projects = set(labels), set(severities), set(units), set(projects)
    out = []
    for r in rows:
        if labels and not labels & set(r["labels"]):
            continue
        if severities and not severities & set(r["severities"]):
            continue
        if units and r["unit"] not in units:
            continue
        if projects and r["project_id"] not in projects:
            continue
        st = status_of(r["id"], decisions)
        if status == "pending" and st != "pending" or status == "decided" and st == "pending":
            continue
        if status in ("accept", "edit", "reject") and st != status:
            continue
        out.append(r)
    return out


SORTS = {"triage": "先严重、再最不确定", "uncertainty": "最不确定优先", "order": "按文件顺序"}


def sort_rows(rows: list[dict], by: str = "triage") -> list[dict]:
    """`triage` (the default): block before warn before suggest, then the rows
    the model is least sure of; `uncertainty`: least sure first; `order`: as in
    the file. Ties keep file order."""
    if by == "triage":
        return sorted(rows, key=lambda r: (SEVERITY_RANK.get(r["severities"][0], 9), r["uncertainty"], r["order"]))
    if by == "uncertainty":
        return sorted(rows, key=lambda r: (r["uncertainty"], r["order"]))
    if by == "min_confidence":
        return sorted(rows, key=lambda r: (r["min_confidence"], r["order"]))
    if by == "severity":
        return sorted(rows, key=lambda r: (SEVERITY_RANK.get(r["severities"][0], 9), r["order"]))
    return sorted(rows, key=lambda r: r["order"])


def counters(rows: list[dict], decisions: dict) -> dict:
    """Done / remaining over the given (flagged) rows."""
    done = sum(1 for r in rows if r["id"] in decisions)
    by_action = Counter(decisions[r["id"]].action for r in rows if r["id"] in decisions)
    return {"total": len(rows), "done": done, "remaining": len(rows) - done,
            "accept": by_action.get("accept", 0), "edit": by_action.get("edit", 0), "reject": by_action.get("reject", 0)}


def next_pending(rows: list[dict], decisions: dict, after: str | None = None) -> str | None:
    """The next undecided row after `after` (wrapping round), else None."""
    ids = [r["id"] for r in rows]
    start = ids.index(after) + 1 if after in ids else 0
    for rid in ids[start:] + ids[:start]:
        if rid not in decisions:
            return rid
    return None


# ---- groups: rows sharing one problem pattern, decided together ----------------

def groups(rows: list[dict], review) -> list[dict]:
    """Groups of ≥ 2 flagged rows that share one problem pattern: one table's rows
    with the same label and rule, or one copy-paste cluster (copy_paste findings
    are grouped by their cluster, not by table). A row may be in several groups.
    Worst severity first, then the largest."""
    by_id = {r["id"]: r for r in rows}
    out: dict[str, dict] = {}
    for c in copy_paste_clusters(review):
        ids = [m["id"] for m in c["rows"] if m["flagged"] and m["id"] in by_id]
        if len(ids) >= 2:
            gid = f"cluster:{c['rows'][0]['id']}"
            out[gid] = {"id": gid, "kind": "cluster", "label": "copy_paste", "rule": "R7", "rows": ids,
                        "title": f"照搬套用簇 #{c['n']}：{c['text'][:30]}（{c['projects']} 个项目）"}
    for r in rows:
        for f in r["findings"]:
            if f["code"] == "copy_paste" or f["code"] not in LABELS:
                continue
            gid = f"table:{r['project_id']}:{f['code']}:{f['rule']}"
            g = out.setdefault(gid, {"id": gid, "kind": "table", "label": f["code"], "rule": f["rule"], "rows": [],
                                     "title": f"{r['project_id']} {r['project']}：{LABELS_ZH[f['code']]}（{f['rule']}）"})
            if r["id"] not in g["rows"]:
                g["rows"].append(r["id"])
    found = [g for g in out.values() if len(g["rows"]) >= 2]
    for g in found:
        sev = [f["severity"] for rid in g["rows"] for f in by_id[rid]["findings"] if f["code"] == g["label"]]
        g["severity"] = min(sev, key=lambda s: SEVERITY_RANK.get(s, 9)) if sev else "suggest"
    found.sort(key=lambda g: (SEVERITY_RANK.get(g["severity"], 9), -len(g["rows"]), g["id"]))
    return found


def group_counters(groups_: list[dict], decisions: dict) -> dict:
    """Groups with a row still to decide, and those rows."""
    pending = [g for g in groups_ if any(rid not in decisions for rid in g["rows"])]
    rows_left = {rid for g in pending for rid in g["rows"] if rid not in decisions}
    return {"groups": len(groups_), "groups_left": len(pending), "rows_left": len(rows_left)}


def group_accept_block(row: dict) -> str:
    """Why a row cannot be accepted along with its group ('' when it can): it has
    no rewrite, the rewrite needs a human, or it proposes numbers to confirm."""
    rw = row.get("rewrite")
    if not rw:
        return "没有建议改写"
    if rw.get("status") != "ok":
        return "改写需人工确认，请逐行修改"
    if proposals(rw):
        return "含（建议值），请逐行确认数值"
    return ""


def group_preview(group: dict, rows: list[dict], decisions: dict) -> list[dict]:
    """Every row of a group with its original and suggested text, its status and
    whether it can be accepted with the group (the page adds a tick per row)."""
    by_id = {r["id"]: r for r in rows}
    from .export import describe_changes

    out = []
    for rid in group["rows"]:
        r = by_id[rid]
        block = group_accept_block(r)
        out.append({"id": rid, "三级指标": r["level3"], "原文": f"{r['description']}｜{r['value']}",
                    "建议改写": describe_changes(r, r["rewrite"]) if r["rewrite"] else "",
                    "状态": STATUSES[status_of(rid, decisions)], "可批量接受": not block, "说明": block,
                    "pending": rid not in decisions})
    return out


# ---- proposed numbers （建议值） ----------------------------------------------------

_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def proposals(rewrite: dict | None) -> list[dict]:
    """What a rewrite proposes that the original did not give (marked （建议值）):
    one entry per number of each marked field, or the whole text when the
    field has no number (通过验收（建议值）). The reviewer confirms each."""
    from .rewrite import PROPOSAL

    out = []
    for f in FIELDS:
        text = str((rewrite or {}).get(f) or "")
        if PROPOSAL not in text:
            continue
        plain = text.replace(PROPOSAL, "")
        nums = list(_NUMBER.finditer(plain))
        if not nums:
            out.append({"field": f, "index": 0, "number": None, "proposed": plain, "text": plain})
        for i, m in enumerate(nums):
            out.append({"field": f, "index": i, "number": m.group(), "proposed": m.group(), "text": plain})
    return out


def confirm_proposals(rewrite: dict, answers: list[str]) -> dict:
    """The rewrite with each proposed number (or text) replaced by the reviewer's
    answer, in `proposals` order, and the （建议值） marker gone: what is saved
    and exported for a confirmed row. ValueError names an answer that is not a
    number where a number was proposed."""
    from .rewrite import PROPOSAL

    props = proposals(rewrite)
    if len(answers) != len(props):
        raise ValueError(f"需要确认 {len(props)} 个建议值，收到 {len(answers)} 个")
    out = dict(rewrite)
    for f in FIELDS:
        mine = [(p, a.strip()) for p, a in zip(props, answers) if p["field"] == f]
        if not mine:
            continue
        plain = mine[0][0]["text"]
        if mine[0][0]["number"] is None:
            if not mine[0][1]:
                raise ValueError(f"{FIELD_ZH[f]}：请填写确认后的内容")
            out[f] = mine[0][1]
            continue
        for p, a in mine:
            if not _NUMBER.fullmatch(a):
                raise ValueError(f"{FIELD_ZH[f]}：建议值“{p['proposed']}”应改为一个数字，“{a}”不是数字")
        pieces, last = [], 0
        for m, (_, a) in zip(_NUMBER.finditer(plain), mine):
            pieces += [plain[last:m.start()], a]
            last = m.end()
        out[f] = "".join(pieces) + plain[last:]
        assert PROPOSAL not in out[f]
    why = str(out.get("rationale") or "").replace("，其中建议值需审核人确认", "").replace(PROPOSAL, "")
    out["rationale"] = (why + "（建议值已由审核人确认）").strip()
    return out


# ---- what a row looks like after its decision ------------------------------------

def shown_rewrite(row: dict, decision) -> tuple[dict | None, str]:
    """The text to show beside the original: the decision's own (accepted or
    edited) when there is one, else the suggestion; and its column title."""
    if decision is not None and decision.action in ("accept", "edit") and decision.after:
        return decision.after, f"已保存（{name('action', decision.action)}）"
    return row.get("rewrite"), "建议改写"


def history_rows(history) -> list[dict]:
    """A row's decision log as the page shows it: Chinese action, Beijing time,
    the change the decision made and its reason."""
    from .export import describe_changes

    out = []
    for d in history:
        change = describe_changes(d.before or {}, d.after) if d.after else ""
        if d.action == "reject":
            change = "未采用建议改写"
        elif d.action == "undo":
            change = f"撤销第 {d.undoes} 号决定" if d.undoes else "撤销"
        out.append({"版本": d.version, "操作": name("action", d.action) + ("（批量）" if d.extra.get("batch") else ""),
                    "审核人": d.reviewer, "时间（北京时间）": beijing(d.at), "改动": change,
                    "保留的问题": names("label", d.labels) if d.labels is not None else "", "说明": d.reason})
    return out


def decision_summary(decision) -> str:
    """One line naming the standing decision: what, who, when (Beijing time), why."""
    if decision is None:
        return ""
    text = f"当前决定：{name('status', decision.action)}（{decision.reviewer}，{beijing(decision.at)} 北京时间）"
    return text + (f"；说明：{decision.reason}" if decision.reason else "")


def before_of(row: dict) -> dict:
    """What the store keeps as 'before': the row's LABELS.md fields and the findings shown."""
    keys = ("id", "file", "project_id", "project", "unit", "budget", *FIELDS, "labels", "findings", "rewrite", "source")
    return {k: row.get(k) for k in keys}


# ':' and '@' too: "http\://" and "a\@b" are not turned into links by GFM autolinks.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:@&=])")


def md_escape(text: str) -> str:
    """Indicator text shown through st.markdown is data: no markup, no HTML."""
    return _MD_SPECIAL.sub(r"\\\1", str(text or ""))


def code_escape(text: str) -> str:
    """Text for inside `…` code spans: no backtick can close the span."""
    return str(text or "").replace("`", "ˋ")


# ---- diff --------------------------------------------------------------------

def diff_html(old: str, new: str) -> tuple[str, str]:
    """Character diff of original vs rewrite as two HTML fragments: removed text
    in <del>, added text in <ins>. Every piece of text is escaped (it is data)."""
    old, new = old or "", new or ""
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    a, b = [], []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        # ':' as an entity too: no "http://" left for a Markdown autolinker to pick up
        x, y = (html.escape(t).replace(":", "&#58;") for t in (old[i1:i2], new[j1:j2]))
        if op == "equal":
            a.append(x)
            b.append(y)
            continue
        if x:
            a.append(f'<del style="background:#fdd;text-decoration:line-through">{x}</del>')
        if y:
            b.append(f'<ins style="background:#dfd;text-decoration:none">{y}</ins>')
    return "".join(a), "".join(b)


def side_by_side_html(before: dict, after: dict | None, after_title: str = "建议改写") -> str:
    """A two-column table, one line per field, changes highlighted. Line breaks
    become <br>: a blank line would end the HTML block and let the rest be
    read as Markdown."""
    after = after or {}
    lines = ['<table style="width:100%;border-collapse:collapse">',
             '<tr><th style="width:14%"></th><th style="width:43%;text-align:left">原文</th>'
             f'<th style="text-align:left">{html.escape(after_title)}</th></tr>']
    for f in FIELDS:
        old, new = str(before.get(f, "") or ""), str(after.get(f, before.get(f, "")) or "")
        a, b = (x.replace("\r", "").replace("\n", "<br>") for x in diff_html(old, new))
        lines.append(f'<tr style="border-top:1px solid #ddd"><td>{FIELD_ZH[f]}</td><td>{a}</td><td>{b}</td></tr>')
    lines.append("</table>")
    return "".join(lines)


# ---- similar rows --------------------------------------------------------------

def _grams(text: str, n: int = 2) -> Counter:
    t = re.sub(r"[\s\d.,，。;；:：、%％()（）≥≤＞＜><=＝]+", "", text or "")
    return Counter(t[i:i + n] for i in range(max(len(t) - n + 1, 1))) if t else Counter()


def _cos(a: Counter, b: Counter) -> float:
    if not a or not b:
        return 0.0
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    return dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))


def similar_fallback(query: str, rows: list[dict], k: int = 3, exclude_project: str | None = None) -> list[dict]:
    """Character-bigram cosine over the current review's rows (numbers ignored):
    the weight-free stand-in when the embeddings index is missing or fails."""
    q = _grams(query)
    scored = []
    for r in rows:
        if exclude_project and r.get("project_id") == exclude_project:
            continue
        s = _cos(q, _grams(f"{r['level3']} {r['description']}"))
        if s > 0:
            scored.append((s, r))
    scored.sort(key=lambda t: -t[0])
    return [{"id": r["id"], "project": r["project"], "project_id": r.get("project_id", ""), "unit": r["unit"],
             "text": f"{r['level3']} | {r['description']} | {r['value']}", "score": round(s, 3)} for s, r in scored[:k]]


def all_rows(review) -> list[dict]:
    """Every row (flagged or not), as the similar-row search sees them."""
    return [{"id": ind.id, "project_id": p.id, "project": p.title, "unit": p.unit, "level3": ind.level3,
             "description": ind.description, "value": ind.value} for p, ind in review.rows()]


def normalise_similar(hits) -> list[dict]:
    """Whatever shape the index returns (dicts or objects) → the dicts the page shows."""
    out = []
    for h in hits or []:
        g = h.get if isinstance(h, dict) else (lambda k, d=None, h=h: getattr(h, k, d))
        meta = g("metadata") or {}
        mg = meta.get if isinstance(meta, dict) else (lambda k, d=None: d)
        text = g("text") or g("document") or " | ".join(
            str(x) for x in (g("level3") or mg("level3"), g("description") or mg("description"), g("value") or mg("value")) if x)
        dist = g("distance")
        out.append({"id": g("id") or g("row_id") or mg("row_id") or "", "project": g("project") or mg("project") or "",
                    "project_id": g("project_id") or mg("project_id") or "", "unit": g("unit") or mg("unit") or "",
                    "text": text or "", "score": g("score") if g("score") is not None else (
                        round(1 - float(dist), 3) if dist is not None else None)})
    return out


# ---- copy-paste clusters -------------------------------------------------------

def copy_paste_clusters(review) -> list[dict]:
    """The review's copy-paste clusters (one definition: clusters.shown_clusters,
    via report.figures) as rows for the page tables; largest first."""
    from .report.figures import copy_paste_clusters as clusters

    out = []
    for n, c in enumerate(clusters(review), start=1):
        rows = [{"id": ind.id, "project_id": p.id, "project": p.title, "unit": p.unit, "text": ind.text(),
                 "flagged": ind.id in c.flagged} for p, ind in c.members]
        out.append({"n": n, "size": len(rows), "projects": len(c.projects), "units": len(c.units), "text": c.text,
                    "flagged": len(c.flagged), "rows": rows})
    return out


# ---- report charts ------------------------------------------------------------

def index_stats_text(stats: dict) -> str:
    """What building the index did, in words (never the dict itself)."""
    g = lambda k: int(stats.get(k) or 0) if isinstance(stats, dict) else 0
    return (f"索引已更新：共 {g('rows')} 行；新增 {g('added')} 行（新计算向量 {g('embedded')} 行，复用 {g('reused')} 行），"
            f"移除 {g('removed')} 行。")


def labels_per_unit(review) -> list[dict]:
    """Long form (unit, label, rows) for a stacked bar chart."""
    c = Counter()
    for p, ind in review.rows():
        for l in review.labels(ind.id):
            c[(p.unit_name or p.unit, LABELS_ZH[l])] += 1
    return [{"单位": u, "标签": l, "行数": n} for (u, l), n in sorted(c.items())]


def severity_mix(review) -> list[dict]:
    c = Counter(f.severity for f in review.findings)
    return [{"严重程度": SEVERITY_ZH.get(s, s), "问题数": c.get(s, 0)} for s in SEVERITIES]


def flagged_share_per_project(review) -> list[dict]:
    out = []
    for p in review.projects:
        n = len(p.indicators)
        flagged = sum(1 for ind in p.indicators if review.labels(ind.id))
        out.append({"项目": f"{p.id} {p.title}", "单位": p.unit_name or p.unit, "行数": n, "有问题行数": flagged,
                    "有问题占比": round(flagged / n, 4) if n else 0.0})
    return sorted(out, key=lambda r: (-r["有问题占比"], r["项目"]))


def cluster_sizes(clusters: list[dict], top: int = 15) -> list[dict]:
    return [{"簇": f"#{k + 1} {c['text'][:30]}", "行数": c["size"], "项目数": c["projects"], "单位数": c["units"]}
            for k, c in enumerate(clusters[:top])]


def project_table(review, project_id: str, decisions: dict) -> list[dict]:
    """One project's rows for the 项目 page as reviewed: an accepted or edited row
    shows the saved text and the labels the reviewer kept (a rejection as not a
    problem shows none), with what changed; undecided rows the machine's labels."""
    from .export import describe_changes

    out = []
    for p in review.projects:
        if p.id != project_id:
            continue
        for ind in p.indicators:
            d = decisions.get(ind.id)
            fs = review.row_findings(ind.id)
            before = {f: getattr(ind, f) for f in FIELDS}
            after = d.after if d and d.action in ("accept", "edit") and d.after else None
            shown = {f: after.get(f, before[f]) for f in FIELDS} if after else before
            labels = d.labels if d and d.labels is not None else review.labels(ind.id)
            out.append({"编号": ind.id, **{FIELD_ZH[f]: shown[f] for f in FIELDS},
                        "问题": "、".join(LABELS_ZH[l] for l in labels),
                        "依据": "；".join(f"{f.rule} {f.evidence}" for f in fs),
                        "审核": STATUSES.get(d.action, d.action) if d else ("待审核" if fs else ""),
                        "修改内容": describe_changes(before, after) if after else ""})
    return out


# ---- evaluation results -------------------------------------------------------

def load_eval_results(folder: str | Path) -> list[dict]:
    """Every readable eval/results/*.json, newest name first; unreadable files
    come back as {'_error': …} so the page can list them."""
    folder = Path(folder)
    out = []
    for path in sorted(folder.glob("*.json"), reverse=True) if folder.is_dir() else []:
        try:
            d = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(d, dict):
                raise ValueError("不是 JSON 对象")
            d = with_evaluation(d)  # a result saved before the evaluation block gets it as `eval` re-scoring adds it
            d["_file"] = path.name
        except (OSError, ValueError) as exc:
            d = {"_file": path.name, "_error": str(exc)}
        out.append(d)
    # Other result kinds share the folder (round*-judged.json: judged rewrites, "kind":
    # "indicator-qa/judged-scores"); they sort after the label evaluations, so the page
    # does not open on a file it cannot show as P/R/F1.
    return sorted(out, key=lambda d: not is_label_result(d))


def is_label_result(result: dict) -> bool:
    """A label evaluation of `indicator-qa eval` (not a judged-rewrite score file)."""
    return "_error" not in result and str(result.get("kind", "indicator-qa/eval-result")) == "indicator-qa/eval-result"


def is_judged_result(result: dict) -> bool:
    """A judged-rewrite score file of `indicator-qa eval <judged.jsonl>`."""
    return "_error" not in result and result.get("kind") == "indicator-qa/judged-scores"


def judged_round_name(file: str) -> str:
    """round5_blind-judged.json → 第5轮（盲测）: the files' names as eval/README.md
    gives them, said in Chinese; any other name is shown as it is."""
    stem = file.removesuffix("-judged.json")
    m = re.fullmatch(r"round(\d+)(_blind)?", stem)
    return f"第{m.group(1)}轮" + ("（盲测）" if m.group(2) else "") if m else stem


def judged_rounds(results: list[dict]) -> list[dict]:
    """The 评估 page's rewrite table: one row per judged file and backend, in
    round order (round2 before round10), so an engineer reads a rewrite change's
    effect down the column. Figures are fractions (the page formats them)."""
    def order(r: dict):
        return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", r.get("_file", ""))]

    rows = []
    for r in sorted((r for r in results if is_judged_result(r)), key=order):
        for backend, s in (r.get("scores") or {}).items():
            if backend == "all" and len(r["scores"]) == 2:
                continue  # one backend: "all" repeats it
            ok = (s.get("by_status") or {}).get("ok") or {}
            rows.append({"评审轮次": judged_round_name(r["_file"]), "方式": name("backend", backend),
                         "已判": s.get("judged"), "直接采纳": s.get("accept"), "小改": s.get("minor"), "错误": s.get("wrong"),
                         "数字保留": s.get("numbers_kept"), "转人工": s.get("needs_human"),
                         "自检通过的采纳": ok.get("accept"), "自检通过的错误": ok.get("wrong"),
                         "错误却自检通过": len(s.get("wrong_but_ok") or [])})
    return rows


def _label_scores(result: dict) -> dict:
    """Per-label scores where `indicator-qa eval` writes them:
    result["metrics"]["labels"]["labels"][label] (support, predicted, precision,
    recall, f1, fp, fn)."""
    block = ((result.get("metrics") or {}).get("labels") or {})
    return block.get("labels") if isinstance(block.get("labels"), dict) else {}


def in_sample_warning(result: dict) -> str | None:
    """The 评估 page's notice for in-sample scores (None when held out or untouched)."""
    note = in_sample_note(result)
    if note is None:
        return None
    return (f"样本内分数：{md_escape(note)}，分数偏高，不代表新地区的表格。"
            "留出评估见 `indicator-qa eval --holdout province` / `--holdout transfer`（见 `eval/README.md`）。")


def result_name(result: dict) -> str:
    prompt = (result.get("prompt") or {}).get("version") if isinstance(result.get("prompt"), dict) else result.get("prompt")
    parts = [str(x) for x in (prompt, name("backend", result.get("backend")), "样本内" if in_sample(result) else "") if x]
    return f"{result.get('_file', '')}（{' · '.join(parts)}）" if parts else result.get("_file", "")


SCORE_COLUMNS = {"support": "样本数", "predicted": "预测数", "precision": "精确率", "recall": "召回率", "f1": "F1",
                 "fp": "误报", "fn": "漏报"}


def per_label_table(result: dict) -> list[dict]:
    """One row per label of LABELS.md: 标签 and the SCORE_COLUMNS figures."""
    scores = _label_scores(result)
    return [{"key": l, "标签": LABELS_ZH[l], **{zh: (scores.get(l) or {}).get(k) for k, zh in SCORE_COLUMNS.items()}}
            for l in LABELS]


def summary_metrics(result: dict) -> dict:
    """The headline figures: macro-F1 (宏平均), micro-F1 (微平均), exact match."""
    block = ((result.get("metrics") or {}).get("labels") or {})
    micro = block.get("micro") if isinstance(block.get("micro"), dict) else {}
    return {"宏平均 F1": block.get("macro_f1"), "微平均 F1": micro.get("f1"), "完全一致": block.get("exact_match")}


def missing_figures(result: dict) -> list[str]:
    """Figures the page would have to show as empty: a result the page cannot
    read is named, never rendered as None."""
    out = [k for k, v in summary_metrics(result).items() if not isinstance(v, (int, float))]
    for r in per_label_table(result):
        out += [f"{r['标签']} {k}" for k in ("精确率", "召回率", "F1", "样本数") if not isinstance(r[k], (int, float))]
    return out


def compare_results(a: dict, b: dict) -> list[dict]:
    """Per-label deltas B − A of precision, recall and F1."""
    ta = {r["key"]: r for r in per_label_table(a)}
    out = []
    for rb in per_label_table(b):
        ra = ta[rb["key"]]
        row = {"标签": rb["标签"]}
        for k in ("精确率", "召回率", "F1"):
            row[f"{k} A"], row[f"{k} B"] = ra[k], rb[k]
            row[f"{k} 变化"] = round(rb[k] - ra[k], 4) if isinstance(ra[k], (int, float)) and isinstance(rb[k], (int, float)) else None
        out.append(row)
    return out


def _row_labels(result: dict) -> dict[str, tuple[set, set, str]]:
    """row id → (gold labels, predicted labels, text) from the result's `rows`
    (unlabelled rows, gold null, are left out: they have no right answer)."""
    out = {}
    for r in result.get("rows") or []:
        if not isinstance(r, dict) or "id" not in r or not isinstance(r.get("gold"), list):
            continue
        out[str(r["id"])] = (set(r["gold"]), set(r.get("pred") or []), str(r.get("text") or ""))
    return out


def _zh(labels) -> str:
    return names("label", [l for l in LABELS if l in labels])


def disagreeing_rows(result: dict) -> list[dict]:
    """Rows where prediction and gold differ."""
    out = []
    for rid, (gold, pred, text) in sorted(_row_labels(result).items()):
        if gold != pred:
            out.append({"编号": rid, "文本": text, "参考标签": _zh(gold), "预测标签": _zh(pred),
                        "误报": _zh(pred - gold), "漏报": _zh(gold - pred)})
    return out


def changed_rows(a: dict, b: dict) -> list[dict]:
    """Rows whose predicted labels differ between two results: fixed or broken."""
    ra, rb = _row_labels(a), _row_labels(b)
    out = []
    for rid in sorted(set(ra) & set(rb)):
        ga, pa, text = ra[rid]
        _, pb, _ = rb[rid]
        if pa == pb:
            continue
        verdict = "修复" if pb == ga else ("变坏" if pa == ga else "变化")
        out.append({"编号": rid, "文本": text, "参考": _zh(ga), "A": _zh(pa), "B": _zh(pb), "结果": verdict})
    return out


# ---- the labelled set ------------------------------------------------------------

NO_LABEL = "__none__"  # filter value: rows labelled as having no problem
UNLABELLED = "__unlabelled__"  # filter value: rows without labels (labels null)


def load_labelled(path: str | Path) -> tuple[list[dict], list[str]]:
    """The labelled set (eval/labelled.jsonl) as rows for the 评估 page, read by
    the JSONL reader the eval uses; also its problems as text (bad lines, unknown
    labels). A missing file gives no rows and one problem."""
    from .ingest import read_path

    path = Path(path)
    if not path.is_file():
        return [], [f"{path}: 没有标注集文件"]
    read = read_path(path)
    rows = []
    for p in read.projects:
        for ind in p.indicators:
            rw = ind.gold_rewrite
            rows.append({"id": ind.id, "project": p.title, "unit": p.unit, "level1": ind.level1, "level2": ind.level2,
                         "level3": ind.level3, "description": ind.description, "value": ind.value,
                         "labels": ind.gold_labels, "note": ind.gold_note, "rewrite": rw})
    return rows, [str(pr) for pr in read.problems]


def labelled_counts(rows: list[dict]) -> list[dict]:
    """Rows per label of LABELS.md (a row counts once under each of its labels),
    then rows labelled clean and rows not labelled at all."""
    c = Counter(l for r in rows for l in (r["labels"] or []))
    n = len(rows)
    out = [{"key": l, "标签": LABELS_ZH[l], "行数": c.get(l, 0)} for l in LABELS]
    out.append({"key": NO_LABEL, "标签": "无问题", "行数": sum(1 for r in rows if r["labels"] == [])})
    out.append({"key": UNLABELLED, "标签": "未标注", "行数": sum(1 for r in rows if r["labels"] is None)})
    for r in out:
        r["占比"] = round(r["行数"] / n, 4) if n else 0.0
    return out


def filter_labelled(rows: list[dict], *, labels=(), text: str = "", with_rewrite: bool = False) -> list[dict]:
    """Rows having any of `labels` (NO_LABEL / UNLABELLED select clean / unlabelled
    rows), whose id, project or indicator text contains `text`, and — when
    `with_rewrite` — that carry a gold rewrite."""
    want = set(labels)
    needle = (text or "").strip()
    out = []
    for r in rows:
        have = set(r["labels"] or ())
        if r["labels"] == []:
            have.add(NO_LABEL)
        if r["labels"] is None:
            have.add(UNLABELLED)
        if want and not want & have:
            continue
        if with_rewrite and not r["rewrite"]:
            continue
        if needle and not any(needle in str(r[k] or "") for k in ("id", "project", "unit", *FIELDS, "note")):
            continue
        out.append(r)
    return out


def labelled_table(rows: list[dict]) -> list[dict]:
    """What the page's table shows per labelled row: its text, labels, note and
    the gold rewrite as the changes it makes."""
    from .export import describe_changes

    out = []
    for r in rows:
        rw = r["rewrite"] if isinstance(r["rewrite"], dict) else None
        labels = "未标注" if r["labels"] is None else ("、".join(LABELS_ZH.get(l, l) for l in r["labels"]) or "无问题")
        out.append({"id": r["id"], "项目": r["project"], "三级指标": r["level3"], "绩效指标描述": r["description"],
                    "指标值": r["value"], "标签": labels, "说明": r["note"],
                    "参考改写": describe_changes(r, rw) if rw else "", "改写理由": str((rw or {}).get("rationale") or "")})
    return out


# ---- settings -----------------------------------------------------------------

def prompt_versions(folder: str | Path) -> list[str]:
    """Prompt files in prompts/ (one file per version), by name."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "_")))


def suggestion_origin(review, row_id: str) -> str:
    """Where the row's suggestion came from, in words: the prompt version of an
    LLM run, else the backend and who wrote the rewrite (离线 · 模板改写)."""
    pv = (review.run or {}).get("prompt_version")
    if pv:
        return f"{name('backend', (review.run or {}).get('backend'))} · 提示词 {pv}"
    rw = review.rewrites.get(row_id)
    return f"{name('backend', (review.run or {}).get('backend', 'offline'))} · {name('rewrite_source', rw.source) if rw else '规则'}"


def rewrite_facts(rw: dict) -> str:
    """Who wrote a rewrite and whether it passed its re-check (its reference
    and match score are in `rewrite_note`)."""
    parts = [name("rewrite_source", rw.get("source")), name("rewrite_status", rw.get("status"))]
    return "（" + "，".join(p for p in parts if p) + "）"


def needs_human_reason(rw: dict) -> str:
    """Why a rewrite needs a human: the labels its re-check still finds."""
    if rw.get("reasons"):  # the meaning check's own words
        return "；".join(str(r) for r in rw["reasons"]) + "。"
    left = rw.get("remaining") or []
    if left:
        return "复查后仍有问题：" + names("label", left) + "。"
    return "改写未通过复查。"


def group_batches(group: dict, decisions: dict) -> list[dict]:
    """Group decisions standing on rows of this group, newest first, for the
    "undo this group" buttons."""
    seen: dict[str, dict] = {}
    for rid in group["rows"]:
        d = decisions.get(rid)
        batch = d.extra.get("batch") if d else None
        if batch:
            b = seen.setdefault(batch, {"id": batch, "rows": 0, "who": d.reviewer, "when": beijing(d.at, seconds=False),
                                        "at": d.at})
            b["rows"] += 1
    return sorted(seen.values(), key=lambda b: b["at"], reverse=True)


def prompt_version_of(review, row_id: str | None = None) -> str:
    """What made the suggestion: the run's prompt version, else the rewrite's source."""
    pv = (review.run or {}).get("prompt_version")
    if pv:
        return str(pv)
    rw = review.rewrites.get(row_id) if row_id else None
    return f"{(review.run or {}).get('backend', 'offline')}:{rw.source if rw else 'rules'}"


# ---- proposed rows (missing_dimension) ------------------------------------------

def proposal_rows(review, project_id: str) -> list[dict]:
    """The rows proposed for a table's missing dimension, as the 项目 page shows them."""
    from .report.html import proposal_reference

    return [{"建议补充": f"{x.dimension}（建议）", "一级指标": x.level1, "二级指标": x.level2, "三级指标": x.level3,
             "绩效指标描述": x.description, "指标值": x.value, "参照": proposal_reference(x)}
            for x in review.proposals.get(project_id, [])]


def rewrite_note(rw: dict) -> str:
    """The caption under a suggested rewrite: its rationale, the library entry it
    follows ("改写参照：…（相似度）") and, when the meaning check wants a human, why."""
    from .models import Rewrite

    r = Rewrite.from_dict(rw)
    text = "改写理由：" + md_escape(r.rationale)
    if r.reference:
        text += "  \n" + md_escape(r.reference_text())
    if r.status != "ok":
        why = r.reasons or [LABELS_ZH.get(l, l) for l in r.remaining]
        text += "  \n（需人工确认：" + md_escape("；".join(why)) + "）"
    return text
