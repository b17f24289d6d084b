"""One self-contained HTML report: inline CSS and SVG, no script, no network.

Every piece of indicator text goes through `esc` — the tables are data, and a
row holding `<script>` must show as text. The only part that changes between
two runs on the same input is the generated-at line."""
from __future__ import annotations

import html
import re
from datetime import datetime

from ..models import LABELS, LABELS_ZH, ORIGIN_ZH, PROJECT_CODES, SEVERITIES, Finding
from ..names import BEIJING, name
from ..pipeline import Review
from .figures import SEVERITY_ZH, copy_paste_clusters, flagged_by_unit, project_ranking, unit_ranking

CJK_FONTS = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'
LABEL_COLORS = dict(zip(LABELS, ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#b07aa1")))
SEVERITY_COLORS = {"block": "#c0392b", "warn": "#e67e22", "suggest": "#d4ac0d"}
OK_COLOR, FLAG_COLOR = "#9bbf85", "#d9534f"
MAX_CLUSTERS = 15
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def esc(value) -> str:
    """HTML-escape anything shown (quotes too, so it is safe in attributes)."""
    return html.escape(_CONTROL.sub("", "" if value is None else str(value)), quote=True)


def pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# ---- charts -------------------------------------------------------------------

def _svg_open(chart_id: str, title: str, width: int, height: int) -> list[str]:
    """An inline SVG's opening tag, accessible title and visible title."""
    return [f'<svg xmlns="http://www.w3.org/2000/svg" id="{esc(chart_id)}" class="chart" role="img" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
            f"<title>{esc(title)}</title>",
            f'<text x="0" y="16" class="chart-title">{esc(title)}</text>']


def bar_chart(chart_id: str, title: str, items: list[tuple[str, int, str]], *, label_width: int = 150,
              bar_width: int = 320, row_height: int = 26) -> str:
    """Horizontal bars: items are (label, value, colour)."""
    top = max((v for _, v, _ in items), default=0) or 1
    height = row_height * len(items) + 34
    width = label_width + bar_width + 70
    parts = _svg_open(chart_id, title, width, height)
    for k, (label, value, colour) in enumerate(items):
        y = 28 + k * row_height
        w = round(bar_width * value / top, 1)
        parts.append(f'<text x="{label_width - 6}" y="{y + 16}" text-anchor="end">{esc(_clip(label, 14))}<title>{esc(label)}</title></text>')
        parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{w}" height="{row_height - 8}" fill="{colour}"/>')
        parts.append(f'<text x="{label_width + w + 5}" y="{y + 16}">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def stacked_chart(chart_id: str, title: str, items: list[tuple[str, int, int]], *, label_width: int = 230,
                  bar_width: int = 300, row_height: int = 22) -> str:
    """Horizontal stacked bars of (label, flagged, total) — red part is the flagged share."""
    top = max((t for _, _, t in items), default=0) or 1
    height = row_height * len(items) + 52
    width = label_width + bar_width + 110
    parts = _svg_open(chart_id, title, width, height) + [
        f'<rect x="{label_width}" y="24" width="12" height="12" fill="{FLAG_COLOR}"/>'
        f'<text x="{label_width + 16}" y="34">有问题的行</text>'
        f'<rect x="{label_width + 110}" y="24" width="12" height="12" fill="{OK_COLOR}"/>'
        f'<text x="{label_width + 126}" y="34">未发现问题</text>']
    for k, (label, flagged, total) in enumerate(items):
        y = 44 + k * row_height
        wf = round(bar_width * flagged / top, 1)
        wt = round(bar_width * total / top, 1)
        parts.append(f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end">{esc(_clip(label, 18))}<title>{esc(label)}</title></text>')
        parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{wt}" height="{row_height - 7}" fill="{OK_COLOR}"/>')
        parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{wf}" height="{row_height - 7}" fill="{FLAG_COLOR}"/>')
        share = flagged / total if total else 0.0
        parts.append(f'<text x="{label_width + wt + 5}" y="{y + 15}">{flagged}/{total}（{pct(share)}）</text>')
    parts.append("</svg>")
    return "".join(parts)


# ---- sections -----------------------------------------------------------------

CSS = f"""
body {{ font-family: {CJK_FONTS}; margin: 0 auto; max-width: 1240px; padding: 16px 24px; color: #222; line-height: 1.5; }}
h1 {{ font-size: 26px; margin-bottom: 4px; }} h2 {{ border-bottom: 2px solid #4e79a7; padding-bottom: 4px; margin-top: 36px; }}
h3 {{ margin: 22px 0 6px; font-size: 17px; }}
.meta {{ color: #666; font-size: 13px; margin: 2px 0; }}
nav a {{ margin-right: 14px; }}
.cards {{ display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }}
.card {{ border: 1px solid #ddd; border-radius: 6px; padding: 8px 14px; min-width: 110px; background: #fafafa; }}
.card .n {{ font-size: 22px; font-weight: bold; }} .card .k {{ font-size: 12px; color: #666; }}
.charts {{ display: flex; flex-wrap: wrap; gap: 18px; }}
svg.chart {{ font-family: {CJK_FONTS}; font-size: 12px; background: #fff; border: 1px solid #eee; }}
svg .chart-title {{ font-size: 14px; font-weight: bold; }}
table {{ border-collapse: collapse; width: 100%; font-size: 13px; margin: 6px 0 12px; }}
th, td {{ border: 1px solid #ddd; padding: 4px 6px; vertical-align: top; text-align: left; }}
th {{ background: #f0f3f7; }} td.num {{ text-align: right; white-space: nowrap; }}
.tag {{ display: inline-block; border-radius: 3px; padding: 0 5px; margin: 1px 2px 1px 0; color: #fff; font-size: 12px; white-space: nowrap; }}
.sev {{ display: inline-block; border-radius: 3px; padding: 0 4px; font-size: 11px; color: #fff; }}
.sev-block {{ background: {SEVERITY_COLORS['block']}; }} .sev-warn {{ background: {SEVERITY_COLORS['warn']}; }} .sev-suggest {{ background: {SEVERITY_COLORS['suggest']}; }}
ul.ev {{ margin: 0; padding-left: 16px; }} .rw {{ color: #1a5e20; }} .why {{ color: #666; font-size: 12px; }}
.human {{ color: #b03a2e; font-weight: bold; }} .pf {{ color: #8a3b12; }}
.status-improved {{ color: #1a7f37; }} .status-worse {{ color: #b03a2e; }}
@media print {{ nav {{ display: none; }} h2 {{ page-break-before: always; }} }}
"""


def _tags(labels: list[str]) -> str:
    return "".join(f'<span class="tag" style="background:{LABEL_COLORS.get(l, "#888")}" title="{esc(l)}">{esc(LABELS_ZH.get(l, l))}</span>'
                   for l in labels)


def _sev(severity: str) -> str:
    return f'<span class="sev sev-{esc(severity)}">{esc(SEVERITY_ZH.get(severity, severity))}</span>'


def _finding_li(f: Finding) -> str:
    what = LABELS_ZH.get(f.code, f.code)
    return f"<li>{_sev(f.severity)} <b>{esc(f.rule)}</b> {esc(what)}：{esc(f.evidence)} <span class=\"why\">（{esc(name('source', f.source))}）</span></li>"


def _figure(key: str, label: str, value, shown: str | None = None) -> str:
    return (f'<div class="card"><div class="n" data-key="{esc(key)}" data-value="{esc(value)}">{esc(shown if shown is not None else value)}</div>'
            f'<div class="k">{esc(label)}</div></div>')


def overview(rv: Review, s: dict) -> str:
    cards = [_figure("files", "文件", s["files"]), _figure("tables", "绩效目标表", s["tables"]),
             _figure("units", "单位", s["units"]), _figure("rows", "指标行", s["rows"]),
             _figure("flagged_rows", "有问题的行", s["flagged_rows"]),
             _figure("flagged_share", "问题行占比", s["flagged_share"], pct(s["flagged_share"])),
             _figure("rewrites", "建议改写", s["rewrites"]),
             _figure("rewrites_needing_human", "改写需人工确认", s["rewrites_needing_human"]),
             _figure("problems", "读取问题", s["problems"])]
    charts = [
        stacked_chart("chart-overview", "问题行占比", [("全部指标行", s["flagged_rows"], s["rows"])]),
        bar_chart("chart-labels", "按问题标签（行数）", [(LABELS_ZH[l], s["by_label"][l], LABEL_COLORS[l]) for l in LABELS]),
        bar_chart("chart-severity", "按严重程度（发现数）", [(SEVERITY_ZH[k], s["by_severity"][k], SEVERITY_COLORS[k]) for k in SEVERITIES]),
        bar_chart("chart-project-findings", "表级问题（张表）", [(LABELS_ZH[c], s["project_findings"][c], "#8c6d31") for c in PROJECT_CODES]),
        stacked_chart("chart-units", "按单位", [(u, v["flagged"], v["rows"]) for u, v in s["by_unit"].items()]),
    ]
    label_rows = "".join(f'<tr><td>{esc(LABELS_ZH[l])}</td><td>{esc(l)}</td><td class="num" data-key="by_label.{esc(l)}" data-value="{v}">{v}</td></tr>'
                         for l, v in s["by_label"].items())
    sev_rows = "".join(f'<tr><td>{esc(SEVERITY_ZH[k])}</td><td>{esc(k)}</td><td class="num" data-key="by_severity.{esc(k)}" data-value="{v}">{v}</td></tr>'
                       for k, v in s["by_severity"].items())
    pf_rows = "".join(f'<tr><td>{esc(LABELS_ZH[c])}</td><td>{esc(c)}</td><td class="num" data-key="project_findings.{esc(c)}" data-value="{v}">{v}</td></tr>'
                      for c, v in s["project_findings"].items())
    return (f'<section id="overview"><h2>总览</h2><div class="cards">{"".join(cards)}</div>'
            f'<div class="charts">{"".join(charts)}</div>'
            '<table style="width:auto"><tr><th>问题标签</th><th>代码</th><th>行数</th></tr>' + label_rows +
            '<tr><th>严重程度</th><th>代码</th><th>发现数</th></tr>' + sev_rows +
            '<tr><th>表级问题</th><th>代码</th><th>表数</th></tr>' + pf_rows + "</table></section>")


def rankings(rv: Review) -> str:
    unit_rows = []
    for k, u in enumerate(unit_ranking(rv), start=1):
        key = esc(u["name"])
        unit_rows.append(f'<tr><td class="num">{k}</td><td>{key}</td><td class="num" data-key="by_unit.{key}.tables" data-value="{u["tables"]}">{u["tables"]}</td>'
                         f'<td class="num" data-key="by_unit.{key}.rows" data-value="{u["rows"]}">{u["rows"]}</td>'
                         f'<td class="num" data-key="by_unit.{key}.flagged" data-value="{u["flagged"]}">{u["flagged"]}</td>'
                         f'<td class="num">{pct(u["share"])}</td><td class="num">{u["block"]}</td><td class="num">{u["warn"]}</td><td class="num">{u["suggest"]}</td></tr>')
    proj_rows = []
    for k, p in enumerate(project_ranking(rv), start=1):
        budget = f"{p['budget']:g}" if p["budget"] is not None else "—"
        pf = "、".join(LABELS_ZH.get(c, c) for c in p["project_findings"])
        proj_rows.append(f'<tr><td class="num">{k}</td><td>{esc(p["id"])}</td><td>{esc(p["name"])}</td><td>{esc(p["unit"])}</td>'
                         f'<td class="num">{esc(budget)}</td><td class="num">{p["flagged"]}/{p["rows"]}</td><td class="num">{pct(p["share"])}</td>'
                         f'<td class="num">{p["block"]}</td><td class="num">{p["warn"]}</td><td class="num">{p["suggest"]}</td><td class="pf">{esc(pf)}</td></tr>')
    head = "<th>阻断</th><th>警告</th><th>建议</th>"
    return ('<section id="ranking"><h2>质量排名</h2><p class="meta">按问题行占比从高到低排列（最需要修改的在前）；占比相同时阻断级问题多者在前。</p>'
            f'<h3>单位</h3><table><tr><th>#</th><th>单位</th><th>表数</th><th>行数</th><th>有问题的行</th><th>问题行占比</th>{head}</tr>{"".join(unit_rows)}</table>'
            f'<h3>项目</h3><table><tr><th>#</th><th>编号</th><th>项目名称</th><th>单位</th><th>预算数（万元）</th><th>有问题/行数</th><th>问题行占比</th>{head}<th>表级问题</th></tr>{"".join(proj_rows)}</table></section>')


def clusters_section(rv: Review) -> str:
    clusters = copy_paste_clusters(rv)
    if not clusters:
        return '<section id="clusters"><h2>照搬套用聚类</h2><p>本批次未发现照搬套用的指标。</p></section>'
    items = []
    for k, c in enumerate(clusters[:MAX_CLUSTERS], start=1):
        projects = "".join(
            f"<li>{esc(p.id)} {esc(p.title)} <span class=\"why\">[{esc(p.unit)}] 行 "
            f"{esc('、'.join(ind.id + ('✱' if ind.id in c.flagged else '') for q, ind in c.members if q is p))}</span></li>" for p in c.projects)
        items.append(f'<div class="cluster"><h3>聚类 {k}：{len(c.members)} 行，{len(c.projects)} 个项目，{len(c.units)} 个单位</h3>'
                     f'<p>{esc(c.text)}</p><ul>{projects}</ul></div>')
    more = f"<p class=\"meta\">另有 {len(clusters) - MAX_CLUSTERS} 个较小的聚类未列出。</p>" if len(clusters) > MAX_CLUSTERS else ""
    return f'<section id="clusters"><h2>照搬套用聚类</h2><p class="meta">共 {len(clusters)} 个聚类、{sum(len(c.members) for c in clusters)} 行，按行数从多到少排列；✱ 为判为照搬套用的行（共 {sum(len(c.flagged) for c in clusters)} 行）。</p>{"".join(items)}{more}</section>'


def details(rv: Review) -> str:
    out = ['<section id="details"><h2>逐单位、逐项目问题清单</h2>']
    for k, (unit, projects) in enumerate(flagged_by_unit(rv).items(), start=1):
        out.append(f'<section class="unit" id="unit-{k}"><h2>{esc(unit or "（未注明单位）")}</h2>')
        for p, flagged in projects:
            budget = f"，预算 {p.budget:g} 万元" if p.budget is not None else ""
            out.append(f'<h3 id="p-{esc(p.id)}">{esc(p.id)} {esc(p.title)}</h3>'
                       f'<p class="meta">{len(flagged)}/{len(p.indicators)} 行有问题{esc(budget)}；来源 {esc(p.source_file)}</p>')
            pf = rv.project_findings(p.id)
            if pf:
                out.append('<ul class="ev pf">' + "".join(_finding_li(f) for f in pf) + "</ul>")
            proposals = rv.proposals.get(p.id, [])
            if proposals:
                out.append('<table class="proposals"><tr><th>建议补充的维度</th><th>一级/二级指标</th><th>三级指标</th><th>绩效指标描述</th>'
                           "<th>指标值</th><th>参照</th></tr>" + "".join(
                               f'<tr class="proposal"><td>{esc(x.dimension)}（建议）</td><td>{esc(x.level1)}<br>{esc(x.level2)}</td>'
                               f"<td>{esc(x.level3)}</td><td>{esc(x.description)}</td><td>{esc(x.value)}</td>"
                               f"<td>{esc(proposal_reference(x))}</td></tr>" for x in proposals) + "</table>")
            if not flagged:
                continue
            out.append("<table><tr><th>编号</th><th>一级/二级指标</th><th>三级指标</th><th>绩效指标描述</th><th>指标值</th>"
                       "<th>问题</th><th>依据</th><th>建议改写</th></tr>")
            for ind in flagged:
                rw = rv.rewrites.get(ind.id)
                if rw:
                    human = (f' <span class="human">（需人工确认：{esc("；".join(rw.reasons[:3]))}）</span>'
                             if rw.status != "ok" else "")
                    ref = f'<div class="ref">{esc(rw.reference_text())}</div>' if rw.reference else ""
                    rw_html = (f'<div class="rw">{esc(rw.level2)}｜{esc(rw.level3)}｜{esc(rw.description)}｜{esc(rw.value)}{human}</div>'
                               f'<div class="why">{esc(rw.rationale)}</div>{ref}')
                else:
                    rw_html = ""
                out.append(f'<tr class="row" id="r-{esc(ind.id)}"><td>{esc(ind.id)}</td><td>{esc(ind.level1)}<br>{esc(ind.level2)}</td>'
                           f"<td>{esc(ind.level3)}</td><td>{esc(ind.description)}</td><td>{esc(ind.value)}</td>"
                           f"<td>{_tags(rv.labels(ind.id))}</td>"
                           f'<td><ul class="ev">{"".join(_finding_li(f) for f in rv.row_findings(ind.id))}</ul></td><td>{rw_html}</td></tr>')
            out.append("</table>")
        out.append("</section>")
    out.append("</section>")
    return "".join(out)


def proposal_reference(x) -> str:
    """Where a proposed row came from, as the rewrite's 改写参照 line says it."""
    r = x.reference or {}
    if not r:
        return "类型模板（无相近项目）"
    return f"{r.get('project', '')} {r.get('level3', '')}（相似度{float(r.get('score') or 0):.2f}，{ORIGIN_ZH.get(r.get('origin', ''), '')}）"


def comparison_section(cmp: dict) -> str:
    b, a = cmp["before"], cmp["after"]
    status_zh = {"improved": "改善", "worse": "变差", "same": "持平", "new": "新增", "gone": "本次无"}
    units = "".join(
        f'<tr><td>{esc(u["unit"])}</td><td class="num">{u["before_flagged"]}/{u["before_rows"]}（{pct(u["before_share"])}）</td>'
        f'<td class="num">{u["after_flagged"]}/{u["after_rows"]}（{pct(u["after_share"])}）</td>'
        f'<td class="status-{esc(u["status"])}" data-status="{esc(u["status"])}">{status_zh[u["status"]]}</td></tr>' for u in cmp["units"])

    def rows(items: list[dict], labels_key: str) -> str:
        if not items:
            return "<p>无。</p>"
        body = "".join(f'<tr><td>{esc(r["id"])}</td><td>{esc(r["unit"])}</td><td>{esc(r["project"])}</td><td>{esc(r["level3"])}</td>'
                       f'<td>{esc(r["description"])}</td><td>{esc(r["value"])}</td><td>{_tags(r[labels_key])}</td></tr>' for r in items)
        return ("<table><tr><th>编号</th><th>单位</th><th>项目</th><th>三级指标</th><th>绩效指标描述</th><th>指标值</th><th>标签</th></tr>"
                + body + "</table>")

    return ('<section id="compare"><h2>与上次审核相比</h2><div class="cards">'
            + _figure("compare.fixed", "已修正的行", len(cmp["fixed"]))
            + _figure("compare.newly_flagged", "新出现问题的行", len(cmp["newly_flagged"]))
            + _figure("compare.removed", "已删除的问题行", len(cmp["removed"]))
            + _figure("compare.improved_units", "改善的单位", len(cmp["improved_units"]))
            + f'</div><p>问题行：{b["flagged_rows"]}/{b["rows"]}（{pct(b["flagged_share"])}）→ {a["flagged_rows"]}/{a["rows"]}（{pct(a["flagged_share"])}）</p>'
            f'<h3>单位</h3><table><tr><th>单位</th><th>上次</th><th>本次</th><th>变化</th></tr>{units}</table>'
            f'<h3>已修正的行（上次有问题、本次无问题）</h3>{rows(cmp["fixed"], "labels_before")}'
            f'<h3>新出现问题的行</h3>{rows(cmp["newly_flagged"], "labels_after")}</section>')


def problems_section(rv: Review) -> str:
    if not rv.problems:
        return ""
    items = "".join(f"<li>{esc(pr)}</li>" for pr in rv.problems)
    return f'<section id="problems"><h2>读取问题</h2><ul>{items}</ul></section>'


def render_html(rv: Review, *, comparison: dict | None = None, generated_at: str | None = None,
                title: str = "绩效目标表指标质量报告") -> str:
    s = rv.summary()
    when = generated_at or datetime.now(BEIJING).strftime("%Y-%m-%d %H:%M（北京时间）")
    files = sorted({p.source_file for p in rv.projects})
    nav = ['<a href="#overview">总览</a>', '<a href="#ranking">质量排名</a>', '<a href="#clusters">照搬套用聚类</a>']
    if comparison is not None:
        nav.append('<a href="#compare">与上次相比</a>')
    nav.append('<a href="#details">问题清单</a>')
    backend = rv.run.get("backend", "")
    return ("<!DOCTYPE html>\n"
            f'<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
            f"<h1>{esc(title)}</h1>"
            f'<p class="meta">生成时间：<span id="generated-at">{esc(when)}</span>；审核方式：{esc(backend)}；文件：{esc("、".join(files))}</p>'
            f'<nav>{"".join(nav)}</nav>'
            + overview(rv, s) + rankings(rv) + clusters_section(rv)
            + (comparison_section(comparison) if comparison is not None else "")
            + problems_section(rv) + details(rv) + "</body></html>\n")
