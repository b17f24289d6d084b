"""The reviewed table as .xlsx: the published column layout (单位, 项目名称,
预算数, 一级…三级指标, 绩效指标描述, 指标值, plus every extra column the source
had), with the rewrites reviewers accepted applied, and columns saying what
changed, the decision and who made it.

Every text cell is written as text: a cell beginning with = + - @ would
otherwise be a formula in Excel (CSV/formula injection)."""
from __future__ import annotations

import io
from pathlib import Path

from .models import LABELS_ZH

FIELDS = ("level1", "level2", "level3", "description", "value")
FIELD_ZH = {"level1": "一级指标", "level2": "二级指标", "level3": "三级指标", "description": "绩效指标描述", "value": "指标值"}
ACTION_ZH = {"accept": "已接受建议", "edit": "修改后接受", "reject": "驳回建议", "undo": "已撤销"}
FORMULA_START = ("=", "+", "-", "@")


def changes(before: dict, after: dict | None) -> list[tuple[str, str, str]]:
    """(field, old, new) for every indicator field the rewrite changes."""
    if not after:
        return []
    return [(f, str(before.get(f, "") or ""), str(after.get(f, "") or "")) for f in FIELDS
            if str(after.get(f, "") or "") != str(before.get(f, "") or "")]


def describe_changes(before: dict, after: dict | None) -> str:
    return "；".join(f"{FIELD_ZH[f]}：「{old}」→「{new}」" for f, old, new in changes(before, after))


def reviewed_rows(review, decisions: dict) -> tuple[list[str], list[list]]:
    """Header and rows of the reviewed table. `decisions`: row id → store.Decision
    (standing decisions only). Accepted / edited rewrites replace the original text."""
    extra_cols: list[str] = []
    for _, ind in review.rows():
        for k in ind.extra:
            if k not in extra_cols:
                extra_cols.append(k)
    header = ["单位", "项目名称", "预算数（万元）", *(FIELD_ZH[f] for f in FIELDS), *extra_cols,
              "修改内容", "审核结论", "问题标签", "审核人", "审核说明"]
    rows = []
    for p, ind in review.rows():
        before = {f: getattr(ind, f) for f in FIELDS}
        d = decisions.get(ind.id)
        after = d.after if d and d.action in ("accept", "edit") else None
        shown = {f: (after or {}).get(f, before[f]) for f in FIELDS} if after else before
        labels = d.labels if d and d.labels is not None else review.labels(ind.id)
        rows.append([
            p.unit, p.title, p.budget, *(shown[f] for f in FIELDS), *(ind.extra.get(k, "") for k in extra_cols),
            describe_changes(before, after), ACTION_ZH.get(d.action, d.action) if d else "未审核",
            "、".join(LABELS_ZH.get(l, l) for l in labels), d.reviewer if d else "", d.reason if d else "",
        ])
    return header, rows


def write_xlsx(review, decisions: dict, out: str | Path | io.BytesIO | None = None) -> bytes:
    """Write the reviewed table; returns the bytes (also written to `out` if given)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    header, rows = reviewed_rows(review, decisions)
    wb = Workbook()
    ws = wb.active
    ws.title = "审核后指标表"
    ws.append(header)
    for c in ws[1]:
        c.font = Font(bold=True)
    for r, values in enumerate(rows, start=2):
        for c, v in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                cell.value = v
            else:
                cell.value = "" if v is None else str(v)
                # openpyxl turns "=…" into a formula; force a plain string cell.
                cell.data_type = "s"
                if cell.value.startswith(FORMULA_START):
                    cell.quotePrefix = True
                if r > 1 and c > 3:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = {"A": 30, "B": 30, "C": 10, "F": 24, "G": 40, "H": 18}
    for col, w in widths.items():
        ws.column_dimensions[col].width = w
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    if isinstance(out, io.BytesIO):
        out.write(data)
    elif out:
        Path(out).write_bytes(data)
    return data
