"""The workbook: a summary sheet (same figures as the JSON summary, with a native
bar chart), rankings and clusters, then one sheet per unit in the table's own
column layout (the source's header texts in its order, a split value still
split; see classifier.layout) plus the review's columns.

Two rules hold for every cell: text that starts with = + - @ is stored as text
(never a formula), and the file is deterministic — fixed document timestamps and
fixed zip entry times, so the same review gives the same bytes."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from ..layout import column_fields, effective, has_field, row_cells, sheet_columns
from ..models import LABELS, LABELS_ZH, PROJECT_CODES, SEVERITIES
from ..pipeline import Review
from .figures import SEVERITY_ZH, copy_paste_clusters, project_ranking, rewrite_text, unit_ranking, worst_severity

FIXED_TIME = datetime(2000, 1, 1)  # document properties: no wall clock in the file
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FORMULA_START = ("=", "+", "-", "@")
BASE_COLUMNS = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值")
REVIEW_COLUMNS = ("问题标签", "严重程度", "依据", "建议改写", "改写说明")
LAYOUT_WIDTHS = {"project": 28, "unit_name": 28, "项目名称": 28, "level3": 22, "description": 36, "value": 16, "goal": 36,
                 "purpose": 36}
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
SEVERITY_FILLS = {"block": "F4CCCC", "warn": "FCE5CD", "suggest": "FFF2CC"}
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")

SUMMARY_FIGURES = (("files", "文件"), ("tables", "绩效目标表"), ("units", "单位"), ("rows", "指标行"),
                   ("flagged_rows", "有问题的行"), ("flagged_share", "问题行占比"), ("rewrites", "建议改写"),
                   ("rewrites_needing_human", "改写需人工确认"), ("problems", "读取问题"))


def put(ws, row: int, col: int, value):
    """Write one cell; strings are cleaned and, if they look like formulas, kept as text."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"  # openpyxl turned "=…" into a formula; undo that
        cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    return cell


def sheet_title(name: str, taken: set[str]) -> str:
    """Excel's rules: no []:*?/\\, ≤31 chars, not blank, no edge apostrophes, unique ignoring case."""
    base = _BAD_SHEET_CHARS.sub("_", ILLEGAL_CHARACTERS_RE.sub("", name)).strip().strip("'") or "未注明单位"
    if base.lower() == "history":
        base += "_"
    title, k = base[:31], 1
    while title.lower() in taken:
        k += 1
        suffix = f"~{k}"
        title = base[: 31 - len(suffix)] + suffix
    taken.add(title.lower())
    return title


def _header(ws, row: int, names) -> None:
    for c, name in enumerate(names, start=1):
        cell = put(ws, row, c, name)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL


def _widths(ws, widths: dict[int, float]) -> None:
    for col, w in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = w


def _summary_sheet(wb: Workbook, rv: Review, comparison: dict | None) -> None:
    ws = wb.active
    ws.title = "汇总"
    s = rv.summary()
    put(ws, 1, 1, "绩效目标表指标质量报告").font = Font(bold=True, size=14)
    put(ws, 2, 1, "文件：" + "、".join(sorted({p.source_file for p in rv.projects})))
    _header(ws, 4, ("项目", "键", "数值"))
    r = 5
    for key, label in SUMMARY_FIGURES:
        put(ws, r, 1, label), put(ws, r, 2, key)
        cell = put(ws, r, 3, s[key])
        if key == "flagged_share":
            cell.number_format = "0.00%"
        r += 1
    r += 1
    _header(ws, r, ("问题标签", "键", "行数"))
    label_first = r + 1
    for l in LABELS:
        r += 1
        put(ws, r, 1, LABELS_ZH[l]), put(ws, r, 2, f"by_label.{l}"), put(ws, r, 3, s["by_label"][l])
    label_last = r
    r += 2
    _header(ws, r, ("严重程度", "键", "发现数"))
    for k in SEVERITIES:
        r += 1
        put(ws, r, 1, SEVERITY_ZH[k]), put(ws, r, 2, f"by_severity.{k}"), put(ws, r, 3, s["by_severity"][k])
    r += 2
    _header(ws, r, ("表级问题", "键", "表数"))
    for c in PROJECT_CODES:
        r += 1
        put(ws, r, 1, LABELS_ZH[c]), put(ws, r, 2, f"project_findings.{c}"), put(ws, r, 3, s["project_findings"][c])
    r += 2
    _header(ws, r, ("单位（按问题行占比从高到低）", "表数", "行数", "有问题的行", "问题行占比", "阻断", "警告", "建议"))
    for u in unit_ranking(rv):
        r += 1
        for c, v in enumerate((u["name"], u["tables"], u["rows"], u["flagged"], u["share"], u["block"], u["warn"], u["suggest"]), 1):
            put(ws, r, c, v)
        ws.cell(row=r, column=5).number_format = "0.0%"
    if comparison is not None:
        r += 2
        _header(ws, r, ("与上次审核相比", "键", "数值"))
        for key, label in (("fixed", "已修正的行"), ("newly_flagged", "新出现问题的行"), ("removed", "已删除的问题行"),
                           ("improved_units", "改善的单位")):
            r += 1
            put(ws, r, 1, label), put(ws, r, 2, f"compare.{key}"), put(ws, r, 3, len(comparison[key]))
    chart = BarChart()
    chart.type = "bar"
    chart.title = "按问题标签（行数）"
    chart.y_axis.title = "行数"
    chart.legend = None
    chart.add_data(Reference(ws, min_col=3, min_row=label_first - 1, max_row=label_last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=label_first, max_row=label_last))
    chart.width, chart.height = 18, 9
    ws.add_chart(chart, "E4")
    _widths(ws, {1: 40, 2: 28, 3: 12, 4: 12, 5: 12})


def _ranking_sheet(wb: Workbook, rv: Review) -> None:
    ws = wb.create_sheet("项目排名")
    names = ("排名", "编号", "项目名称", "单位", "预算数（万元）", "行数", "有问题的行", "问题行占比", "阻断", "警告", "建议", "表级问题")
    _header(ws, 1, names)
    for k, p in enumerate(project_ranking(rv), start=1):
        values = (k, p["id"], p["name"], p["unit"], p["budget"], p["rows"], p["flagged"], p["share"], p["block"], p["warn"],
                  p["suggest"], "、".join(LABELS_ZH.get(c, c) for c in p["project_findings"]))
        for c, v in enumerate(values, start=1):
            put(ws, k + 1, c, v)
        ws.cell(row=k + 1, column=8).number_format = "0.0%"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(names))}{max(ws.max_row, 2)}"
    ws.freeze_panes = "A2"
    _widths(ws, {3: 40, 4: 36})


def _cluster_sheet(wb: Workbook, rv: Review) -> None:
    clusters = copy_paste_clusters(rv)
    if not clusters:
        return
    ws = wb.create_sheet("照搬聚类")
    _header(ws, 1, ("聚类", "行数", "项目数", "单位数", "指标内容", "行编号", "项目", "单位", "判为照搬套用"))
    r = 1
    for k, c in enumerate(clusters, start=1):
        for p, ind in c.members:
            r += 1
            for col, v in enumerate((k, len(c.members), len(c.projects), len(c.units), ind.text(), ind.id, f"{p.id} {p.title}", p.unit,
                                     "✱" if ind.id in c.flagged else ""), 1):
                put(ws, r, col, v)
    ws.auto_filter.ref = f"A1:I{r}"
    ws.freeze_panes = "A2"
    _widths(ws, {5: 60, 7: 40, 8: 36})


def _compare_sheet(wb: Workbook, comparison: dict) -> None:
    ws = wb.create_sheet("变化")
    _header(ws, 1, ("变化", "编号", "单位", "项目", "三级指标", "绩效指标描述", "指标值", "标签"))
    r = 1
    for kind, zh, key in (("fixed", "已修正", "labels_before"), ("newly_flagged", "新出现问题", "labels_after"),
                          ("removed", "已删除", "labels_before")):
        for row in comparison[kind]:
            r += 1
            values = (zh, row["id"], row["unit"], row["project"], row["level3"], row["description"], row["value"],
                      "、".join(LABELS_ZH.get(l, l) for l in row[key]))
            for c, v in enumerate(values, start=1):
                put(ws, r, c, v)
    ws.auto_filter.ref = f"A1:H{max(r, 2)}"
    ws.freeze_panes = "A2"


def _unit_sheets(wb: Workbook, rv: Review, taken: set[str]) -> None:
    by_unit: dict[str, list] = {}
    for p in rv.projects:
        by_unit.setdefault(p.unit, []).append(p)
    for unit in sorted(by_unit):
        projects = by_unit[unit]
        name = next((p.unit_name for p in projects if p.unit_name), "") or unit
        ws = wb.create_sheet(sheet_title(name, taken))
        if any(p.layout for p in projects):
            names, rows, widths, freeze = _layout_table(projects)
        else:
            names, rows, widths, freeze = _fixed_table(projects)
        _header(ws, 1, names)
        sev_col = get_column_letter(names.index("严重程度") + 1)
        r = 1
        for p, ind, cells in rows:
            r += 1
            fs = rv.row_findings(ind.id)
            rw = rv.rewrites.get(ind.id)
            evidence = "\n".join(f"{f.rule} {LABELS_ZH.get(f.code, f.code)}：{f.evidence}" for f in fs)
            rationale = (rw.rationale + ("（需人工确认）" if rw.status != "ok" else "")) if rw else ""
            values = tuple(cells) + ("、".join(LABELS_ZH[l] for l in rv.labels(ind.id)), worst_severity(fs), evidence,
                                     rewrite_text(rv, ind), rationale)
            for c, v in enumerate(values, start=1):
                put(ws, r, c, v).alignment = Alignment(wrap_text=True, vertical="top")
        last = get_column_letter(len(names))
        ws.auto_filter.ref = f"A1:{last}{max(r, 2)}"
        ws.freeze_panes = freeze
        for sev, colour in SEVERITY_FILLS.items():
            ws.conditional_formatting.add(f"A2:{last}{max(r, 2)}", FormulaRule(
                formula=[f'${sev_col}2="{sev}"'], fill=PatternFill("solid", fgColor=colour, bgColor=colour)))
        n = len(names)
        _widths(ws, {**widths, n - 2: 50, n - 1: 50, n: 30})


def _layout_table(projects) -> tuple[tuple, list, dict[int, float], str]:
    """The units' tables in their own columns (Project.layout), then the row's id
    (and project, when the source had no such column), then the review's columns."""
    columns = sheet_columns(projects)
    field_of = {id(p): effective(p)[1] for p in projects}  # by object: ids may repeat across files
    ident = ("编号",) + (() if has_field(projects, "project") else ("项目名称",))
    names = tuple(c.header for c in columns) + ident + REVIEW_COLUMNS
    rows = [(p, ind, row_cells(p, ind, columns, field_of=field_of[id(p)]) + [{"编号": ind.id, "项目名称": p.title}[k] for k in ident])
            for p in projects for ind in p.indicators]
    kinds = column_fields(projects, columns) + list(ident)
    widths = {c: LAYOUT_WIDTHS[k] for c, k in enumerate(kinds, start=1) if k in LAYOUT_WIDTHS}
    return names, rows, widths, "A2"


def _fixed_table(projects) -> tuple[tuple, list, dict[int, float], str]:
    """The fixed columns, for sources whose own layout is unknown (a labelled JSONL)."""
    extra: list[str] = []
    for p in projects:
        for ind in p.indicators:
            extra += [k for k in ind.extra if k not in extra]
    names = ("项目编号", "项目名称", "编号") + BASE_COLUMNS + tuple(extra) + REVIEW_COLUMNS
    rows = [(p, ind, [p.id, p.title, ind.id, ind.level1, ind.level2, ind.level3, ind.description, ind.value]
             + [ind.extra.get(k, "") for k in extra]) for p in projects for ind in p.indicators]
    return names, rows, {2: 28, 6: 22, 7: 36, 8: 16}, "D2"


def build_workbook(rv: Review, *, comparison: dict | None = None) -> Workbook:
    wb = Workbook()
    _summary_sheet(wb, rv, comparison)
    _ranking_sheet(wb, rv)
    _cluster_sheet(wb, rv)
    if comparison is not None:
        _compare_sheet(wb, comparison)
    _unit_sheets(wb, rv, {ws.title.lower() for ws in wb.worksheets})
    wb.properties.creator = "indicator-qa"
    wb.properties.title = "绩效目标表指标质量报告"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    return wb


def workbook_bytes(wb: Workbook) -> bytes:
    """Save without openpyxl's save_workbook (it stamps `modified` with now), then
    re-pack the zip with fixed entry times so equal workbooks give equal bytes."""
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def render_xlsx(rv: Review, *, comparison: dict | None = None) -> bytes:
    return workbook_bytes(build_workbook(rv, comparison=comparison))
