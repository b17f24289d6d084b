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

from .export import FIELDS, FIELD_ZH
from .models import LABELS, LABELS_ZH, SEVERITIES

STATUSES = {"all": "全部", "pending": "待审核", "decided": "已审核", "accept": "已接受", "edit": "已修改",
            "reject": "已驳回"}
SEVERITY_ZH = {"block": "严重", "warn": "警告", "suggest": "建议"}
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


def sort_rows(rows: list[dict], by: str = "order") -> list[dict]:
    """`order`: as in the file; `uncertainty`: lowest finding confidence first
    (where a reviewer's eye helps most), then file order."""
    if by == "uncertainty":
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


def before_of(row: dict) -> dict:
    """What the store keeps as 'before': the row's LABELS.md fields and the findings shown."""
    keys = ("id", "file", "project_id", "project", "unit", "budget", *FIELDS, "labels", "findings", "rewrite", "source")
    return {k: row.get(k) for k in keys}


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def md_escape(text: str) -> str:
    """Indicator text shown through st.markdown is data: no markup, no HTML."""
    return _MD_SPECIAL.sub(r"\\\1", str(text or ""))


# ---- diff --------------------------------------------------------------------

def diff_html(old: str, new: str) -> tuple[str, str]:
    """Character diff of original vs rewrite as two HTML fragments: removed text
    in <del>, added text in <ins>. Every piece of text is escaped (it is data)."""
    old, new = old or "", new or ""
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    a, b = [], []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        x, y = html.escape(old[i1:i2]), html.escape(new[j1:j2])
        if op == "equal":
            a.append(x)
            b.append(y)
            continue
        if x:
            a.append(f'<del style="background:#fdd;text-decoration:line-through">{x}</del>')
        if y:
            b.append(f'<ins style="background:#dfd;text-decoration:none">{y}</ins>')
    return "".join(a), "".join(b)


def side_by_side_html(before: dict, after: dict | None) -> str:
    """A two-column table, one line per field, changes highlighted."""
    after = after or {}
    lines = ['<table style="width:100%;border-collapse:collapse">',
             '<tr><th style="width:14%"></th><th style="width:43%;text-align:left">原文</th>'
             '<th style="text-align:left">建议改写</th></tr>']
    for f in FIELDS:
        old, new = str(before.get(f, "") or ""), str(after.get(f, before.get(f, "")) or "")
        a, b = diff_html(old, new)
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
    """The report's copy-paste clusters (one definition, report.figures) as rows
    for the page tables; largest first."""
    from .report.figures import copy_paste_clusters as clusters

    out = []
    for c in clusters(review):
        rows = [{"id": ind.id, "project_id": p.id, "project": p.title, "unit": p.unit, "text": ind.text()}
                for p, ind in c.members]
        out.append({"size": len(rows), "projects": len(c.projects), "units": len(c.units), "text": c.text, "rows": rows})
    out.sort(key=lambda c: (-c["size"], -c["units"]))  # stable: keeps the report's order among equals
    return out


# ---- report charts ------------------------------------------------------------

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
    """One project's rows with their labels, findings and decision, for the 项目 page."""
    out = []
    for p in review.projects:
        if p.id != project_id:
            continue
        for ind in p.indicators:
            d = decisions.get(ind.id)
            fs = review.row_findings(ind.id)
            out.append({"id": ind.id, "一级指标": ind.level1, "二级指标": ind.level2, "三级指标": ind.level3,
                        "绩效指标描述": ind.description, "指标值": ind.value,
                        "问题": "、".join(LABELS_ZH[l] for l in review.labels(ind.id)),
                        "依据": "；".join(f"{f.rule} {f.evidence}" for f in fs),
                        "审核": STATUSES.get(d.action, d.action) if d else ("待审核" if fs else "")})
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
            d["_file"] = path.name
        except (OSError, ValueError) as exc:
            d = {"_file": path.name, "_error": str(exc)}
        out.append(d)
    return out


def _metrics_block(result: dict) -> dict:
    for key in ("per_label", "labels", "metrics"):
        block = result.get(key)
        if isinstance(block, dict):
            inner = block.get("per_label") if isinstance(block.get("per_label"), dict) else block
            if any(l in inner for l in LABELS):
                return inner
    return {}


def result_name(result: dict) -> str:
    prompt = result.get("prompt_version") or result.get("prompt") or (result.get("run") or {}).get("prompt_version") or ""
    backend = result.get("backend") or (result.get("run") or {}).get("backend") or ""
    if isinstance(prompt, dict):
        prompt = prompt.get("id") or prompt.get("version") or prompt.get("name") or ""
    parts = [p for p in (str(prompt), str(backend)) if p]
    return f"{result.get('_file', '')}（{' · '.join(parts)}）" if parts else result.get("_file", "")


def per_label_table(result: dict) -> list[dict]:
    """label, support, precision, recall, f1 — one row per label of LABELS.md."""
    block = _metrics_block(result)
    out = []
    for l in LABELS:
        m = block.get(l) or {}
        g = lambda *ks: next((m[k] for k in ks if k in m and m[k] is not None), None)
        out.append({"label": l, "标签": LABELS_ZH[l], "support": g("support", "n"), "precision": g("precision", "p"),
                    "recall": g("recall", "r"), "f1": g("f1", "F1")})
    return out


def summary_metrics(result: dict) -> dict:
    src = result.get("summary") if isinstance(result.get("summary"), dict) else result
    metrics = src.get("metrics") if isinstance(src.get("metrics"), dict) else src
    return {k: metrics.get(k) for k in ("micro_f1", "macro_f1", "exact_match") if metrics.get(k) is not None}


def compare_results(a: dict, b: dict) -> list[dict]:
    """Per-label deltas B − A of precision, recall and F1."""
    ta = {r["label"]: r for r in per_label_table(a)}
    out = []
    for rb in per_label_table(b):
        ra = ta[rb["label"]]
        row = {"标签": rb["标签"]}
        for k in ("precision", "recall", "f1"):
            row[f"{k} A"], row[f"{k} B"] = ra[k], rb[k]
            row[f"Δ{k}"] = round(rb[k] - ra[k], 4) if isinstance(ra[k], (int, float)) and isinstance(rb[k], (int, float)) else None
        out.append(row)
    return out


def _row_labels(result: dict) -> dict[str, tuple[set, set, str]]:
    """row id → (gold labels, predicted labels, text) where the result lists rows."""
    rows = result.get("rows") or result.get("samples") or []
    out = {}
    for r in rows if isinstance(rows, list) else []:
        if not isinstance(r, dict) or "id" not in r:
            continue
        gold = r.get("gold") if isinstance(r.get("gold"), list) else r.get("gold_labels") or r.get("target") or []
        pred = r.get("pred") if isinstance(r.get("pred"), list) else r.get("predicted") or r.get("labels") or []
        text = r.get("text") or " | ".join(str(r.get(k, "")) for k in ("level3", "description", "value") if r.get(k))
        out[str(r["id"])] = (set(gold), set(pred), text)
    return out


def disagreeing_rows(result: dict) -> list[dict]:
    """Rows where prediction and gold differ: from per-row records if the result
    has them, else from its per-label false positive / negative lists."""
    out = []
    for rid, (gold, pred, text) in sorted(_row_labels(result).items()):
        if gold != pred:
            out.append({"id": rid, "文本": text, "参考标签": "、".join(sorted(gold)), "预测标签": "、".join(sorted(pred)),
                        "误报": "、".join(sorted(pred - gold)), "漏报": "、".join(sorted(gold - pred))})
    if out:
        return out
    errs: dict[str, dict] = {}
    for source in (result, result.get("errors") or {}):
        for kind, zh in (("false_positives", "误报"), ("false_negatives", "漏报")):
            block = source.get(kind) if isinstance(source, dict) else None
            if not isinstance(block, dict):
                continue
            for label, items in block.items():
                for it in items or []:
                    rid = str(it.get("id", "")) if isinstance(it, dict) else str(it)
                    text = it.get("text", "") if isinstance(it, dict) else ""
                    e = errs.setdefault(rid, {"id": rid, "文本": text, "误报": [], "漏报": []})
                    e[zh].append(label)
                    e["文本"] = e["文本"] or text
    return [{**e, "误报": "、".join(e["误报"]), "漏报": "、".join(e["漏报"])} for _, e in sorted(errs.items())]


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
        out.append({"id": rid, "文本": text, "参考": "、".join(sorted(ga)), "A": "、".join(sorted(pa)),
                    "B": "、".join(sorted(pb)), "结果": verdict})
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
