"""The reviewed table as .xlsx: the source's own columns — its header texts in
its order (Project.layout), project columns where it had them, a value split
over 指标性质/目标值/计量单位 still split — with the rewrites reviewers accepted
applied to the right cells, then columns naming the row and saying what
changed, the decision and who made it. A source whose layout is unknown (a
labelled JSONL) gets the fixed layout: 单位, 项目名称, 预算数, 一级…三级指标,
绩效指标描述, 指标值, plus every extra column it had.

Every text cell is written as text: a cell beginning with = + - @ would
otherwise be a formula in Excel (CSV/formula injection)."""
from __future__ import annotations

import io
from pathlib import Path

from .models import LABELS_ZH
from .names import ACTION as ACTION_ZH

FIELDS = ("level1", "level2", "level3", "description", "value")
FIELD_ZH = {"level1": "一级指标", "level2": "二级指标", "level3": "三级指标", "description": "绩效指标描述", "value": "指标值"}
FORMULA_START = ("=", "+", "-", "@")


def changes(before: dict, after: dict | None) -> list[tuple[str, str, str]]:
    """(field, old, new) for every indicator field the rewrite changes."""
    if not after:
        return []
    return [(f, str(before.get(f, "") or ""), str(after.get(f, "") or "")) for f in FIELDS
            if str(after.get(f, "") or "") != str(before.get(f, "") or "")]


def describe_changes(before: dict, after: dict | None) -> str:
    return "；".join(f"{FIELD_ZH[f]}：「{old}」→「{new}」" for f, old, new in changes(before, after))


DECISION_COLUMNS = ("修改内容", "审核结论", "问题标签", "审核人", "审核说明")
# Column widths by what a column holds (a layout field or an added column).
WIDTHS = {"project": 30, "unit_name": 30, "单位": 30, "项目名称": 30, "level3": 24, "description": 40, "value": 18,
          "修改内容": 40, "审核说明": 30}


def _after(d) -> dict | None:
    return d.after if d and d.action in ("accept", "edit") else None


def _decision_cells(review, ind, d, before: dict, after: dict | None) -> list:
    labels = d.labels if d and d.labels is not None else review.labels(ind.id)
    return [describe_changes(before, after), ACTION_ZH.get(d.action, d.action) if d else "未审核",
            "、".join(LABELS_ZH.get(l, l) for l in labels), d.reviewer if d else "", d.reason if d else ""]


def reviewed_table(review, decisions: dict) -> tuple[list[str], list[list], list[str]]:
    """Header, rows and what each column holds (a Project.field_of field or the
    added column's name), in the source's layout when it is known."""
    from .layout import column_fields, effective, has_field, row_cells, sheet_columns

    if not any(p.layout for p in review.projects):
        header, rows = _fixed_rows(review, decisions)
        kinds = ["unit_name", "project", "budget", *FIELDS] + ["extra"] * (len(header) - 13) + list(DECISION_COLUMNS)
        return header, rows, kinds
    columns = sheet_columns(review.projects)
    field_of = {id(p): effective(p)[1] for p in review.projects}  # by object: ids may repeat across files
    # Rows from many tables in one sheet need naming; the source said who and which project above its table.
    ident = ["编号"] + [name for name, f, attr in (("单位", "unit_name", "unit"), ("项目名称", "project", "title"))
                      if not has_field(review.projects, f) and any(getattr(p, attr) for p in review.projects)]
    header = [c.header for c in columns] + ident + list(DECISION_COLUMNS)
    kinds = column_fields(review.projects, columns) + ident + list(DECISION_COLUMNS)
    rows = []
    for p, ind in review.rows():
        before = {f: getattr(ind, f) for f in FIELDS}
        d = decisions.get(ind.id)
        after = _after(d)
        named = {"编号": ind.id, "单位": p.unit, "项目名称": p.title}
        rows.append(row_cells(p, ind, columns, after, field_of[id(p)]) + [named[k] for k in ident]
                    + _decision_cells(review, ind, d, before, after))
    return header, rows, kinds


def reviewed_rows(review, decisions: dict) -> tuple[list[str], list[list]]:
    """Header and rows of the reviewed table. `decisions`: row id → store.Decision
    (standing decisions only). Accepted / edited rewrites replace the original text."""
    header, rows, _ = reviewed_table(review, decisions)
    return header, rows


def _fixed_rows(review, decisions: dict) -> tuple[list[str], list[list]]:
    """The fixed layout, for sources whose own is unknown."""
    extra_cols: list[str] = []
    for _, ind in review.rows():
        for k in ind.extra:
            if k not in extra_cols:
                extra_cols.append(k)
    header = ["单位", "项目名称", "预算数（万元）", *(FIELD_ZH[f] for f in FIELDS), *extra_cols, *DECISION_COLUMNS]
    rows = []
    for p, ind in review.rows():
        before = {f: getattr(ind, f) for f in FIELDS}
        d = decisions.get(ind.id)
        after = _after(d)
        shown = {f: (after or {}).get(f, before[f]) for f in FIELDS} if after else before
        rows.append([p.unit, p.title, p.budget, *(shown[f] for f in FIELDS), *(ind.extra.get(k, "") for k in extra_cols),
                     *_decision_cells(review, ind, d, before, after)])
    return header, rows


def write_xlsx(review, decisions: dict, out: str | Path | io.BytesIO | None = None) -> bytes:
    """Write the reviewed table; returns the bytes (also written to `out` if given)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    header, rows, kinds = reviewed_table(review, decisions)
    wb = Workbook()
    ws = wb.active
    ws.title = "审核后指标表"
    for r, values in enumerate([header] + rows, start=1):  # the source's header texts are data too
        for c, v in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                cell.value = v
            else:
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", "" if v is None else str(v))
                # openpyxl turns "=…" into a formula; force a plain string cell.
                cell.data_type = "s"
                if cell.value.startswith(FORMULA_START):
                    cell.quotePrefix = True
                if r > 1:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    for c in ws[1]:
        c.font = Font(bold=True)
    for c, kind in enumerate(kinds, start=1):
        if kind in WIDTHS:
            ws.column_dimensions[get_column_letter(c)].width = WIDTHS[kind]
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    if isinstance(out, io.BytesIO):
        out.write(data)
    elif out:
        Path(out).write_bytes(data)
    return data
