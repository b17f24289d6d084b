"""Readers for one-row-per-indicator tables: .xlsx (every sheet) and .csv text.

Also holds the header vocabulary and the row → Indicator mapping that the
.docx reader reuses, so every table format names its columns the same way."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from pathlib import Path

from ..models import Indicator, Problem, Project, ReadResult
from ..layout import column_keys, layout_of
from ..values import parse_value
from .common import join_value, operator_symbol, parse_money, split_unit

# Normalised header text → field. Exact matches only: fuzzy matching would turn
# 年度目标值 (a value) into 年度目标 (the project goal).
_SYNONYMS = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "level3": ("三级指标", "指标名称", "三级指标名称", "绩效指标名称", "具体指标"),
    "description": ("绩效指标描述", "指标解释", "指标内容", "指标说明", "指标描述", "指标定义"),
    "value": ("指标值", "目标值", "年度指标值", "绩效指标值", "数值", "指标目标值", "年度目标值", "全年指标值"),
    "operator": ("指标性质", "运算符", "符号", "指标方向", "比较符"),
    "unit": ("计量单位", "度量单位", "指标单位"),
    "weight": ("分值", "权重", "指标分值", "指标权重"),
    "project": ("项目名称",),
    "org": ("主管部门", "单位", "单位名称", "预算单位", "实施单位", "项目单位", "部门名称", "主管部门及代码"),
    "budget": ("预算数", "资金总额", "年度资金总额", "项目金额", "预算金额", "年度预算数"),
    "fiscal": ("其中：财政资金", "其中财政资金", "财政资金", "财政拨款"),
    "other": ("其他资金",),
    "goal": ("绩效目标", "年度绩效目标", "年度目标", "总体目标"),
    "purpose": ("资金用途",),
}
FIELD_OF = {s: f for f, syns in _SYNONYMS.items() for s in syns}
ROW_FIELDS = ("level1", "level2", "level3", "description", "value", "operator", "unit")
HEADER_SCAN_ROWS = 20
UNIT_RE = re.compile(r"^(\d{4,})\s*(.*)$", re.S)


def norm(text: str) -> str:
    """Header text as compared: no blanks, no (万元)-style notes, no */：marks."""
    t = re.sub(r"\s+", "", text or "")
    t = re.sub(r"[（(][^）)]*[）)]", "", t)
    return t.strip("*＊:：")


def map_header(headers: list[str]) -> dict[int, str]:
    """Column index → field for the recognised columns. '单位' right after the
    value (or operator) column is the measuring unit, elsewhere the agency."""
    out: dict[int, str] = {}
    for c, h in enumerate(headers):
        f = FIELD_OF.get(norm(h))
        if f == "org" and norm(h) == "单位" and out.get(c - 1) in ("value", "operator"):
            f = "unit"
        if f == "weight" or f in out.values():
            continue  # scores, and a second column for one field, are kept as extra
        if f:
            out[c] = f
    return out


def is_header(headers: list[str]) -> bool:
    fields = set(map_header(headers).values())
    return len(fields) >= 3 and bool(fields & {"level3", "value"})


def unit_parts(unit: str) -> tuple[str, str]:
    m = UNIT_RE.match(unit.strip())
    return (m.group(1), m.group(2).strip()) if m else ("", unit.strip())


def apply_field(p: Project, field: str, text: str) -> None:
    """Set one project field from its printed text (first value wins)."""
    text = text.strip()
    if not text:
        return
    if field == "project" and not p.title:
        p.title = text
    elif field == "org" and not p.unit:
        p.unit = text
        p.unit_code, p.unit_name = unit_parts(text)
    elif field in ("budget", "fiscal", "other"):
        attr = {"budget": "budget", "fiscal": "fiscal_funds", "other": "other_funds"}[field]
        if getattr(p, attr) is None:
            setattr(p, attr, parse_money(text))
    elif field in ("goal", "purpose") and not getattr(p, field):
        setattr(p, field, text)


def kv_fields(cells: list[str]) -> list[tuple[str, str]]:
    """Label/value pairs of a header row: 项目名称 | X | 主管部门 | Y, or '项目名称：X'."""
    out = []
    labels = [FIELD_OF.get(norm(c)) for c in cells]
    for k, c in enumerate(cells):
        f = labels[k]
        if f in ("project", "org", "budget", "fiscal", "other", "goal", "purpose"):
            nxt = next((cells[j] for j in range(k + 1, len(cells)) if cells[j].strip()), "")
            nk = cells.index(nxt, k + 1) if nxt else -1
            if nxt and not labels[nk]:
                out.append((f, nxt))
        elif f is None and "：" in c:
            head, _, tail = c.partition("：")
            f = FIELD_OF.get(norm(head))
            if f in ("project", "org", "budget", "goal") and tail.strip() and norm(tail) not in ("万元", "元"):
                out.append((f, tail.strip()))
    return out


def make_indicator(pid: str, n: int, row: int, fields: dict[str, str], extra: dict[str, str], split: bool) -> Indicator:
    """One Indicator from mapped cells; `split` when the value is spread over
    operator/number/unit columns, which are joined as published."""
    num = fields.get("value", "")
    if split:
        op, unit = fields.get("operator", ""), fields.get("unit", "")
        sym = operator_symbol(op)
        # A number cell that already says its operator (≥95, 95以上) is not given a second one.
        if sym and (num.startswith(sym) or parse_value(num).operator):
            sym = ""
        value = join_value(sym, num, unit)
        parts = {k: v for k, v in (("operator", op), ("number", num), ("unit", unit)) if v}
    else:
        value, parts = num, split_unit(num)
    return Indicator(
        id=f"{pid}-{n:02d}", level1=fields.get("level1", ""), level2=fields.get("level2", ""),
        level3=fields.get("level3", ""), description=fields.get("description", ""), value=value,
        row=row, value_parts=parts, extra=extra,
    )


def _cell_text(cell) -> str:
    v = cell.value
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, (int, float)):
        # A number formatted as % in Excel is stored as 0.95; show it as printed.
        if "%" in (cell.number_format or ""):
            return f"{v * 100:.10g}%"
        return f"{v:.10g}"
    if isinstance(v, (datetime, date)):
        return v.strftime("%Y-%m-%d")
    return str(v).strip()


def read_grid(rows: list[tuple[int, list[str]]], file: str, table_no: int, table_index: int,
              default_title: str, start_k: int, problems: list[Problem]) -> list[Project]:
    """Projects from one sheet/CSV: find the header, map columns, group rows by
    项目名称 + 单位, carry merged (empty) level and project cells down."""
    hi = next((i for i, (_, cells) in enumerate(rows[:HEADER_SCAN_ROWS]) if is_header(cells)), None)
    if hi is None:
        problems.append(Problem(file, f"前{HEADER_SCAN_ROWS}行中没有找到表头（至少需要三个列名，如 一级指标/三级指标/指标值），该表未读取", table=table_no))
        return []
    headers = [h.strip() for h in rows[hi][1]]
    cols = map_header(headers)
    width = max(c for c, h in enumerate(headers) if h) + 1
    split = bool({"operator", "unit"} & set(cols.values()))
    layout, field_of = layout_of(headers, cols, split)
    keys = column_keys(headers)
    unknown = [h for c, h in enumerate(headers) if c not in cols and h and FIELD_OF.get(norm(h)) is None]
    if unknown:
        problems.append(Problem(file, f"未识别的列：{'、'.join(unknown)}，已原样保留在 extra 中", table=table_no, row=rows[hi][0]))
    # Rows above the header may carry the project fields (项目名称 | X …) and a title.
    top = Project(id="", title="")
    for _, cells in rows[:hi]:
        for f, text in kv_fields(cells):
            apply_field(top, f, text)
        texts = [c for c in cells if c.strip()]
        if len(texts) == 1 and texts[0].endswith("绩效目标表"):
            default_title = texts[0]
    groups: dict[tuple[str, str], Project] = {}
    key: tuple[str, str] | None = None
    level1 = level2 = ""
    for rownum, cells in rows[hi + 1:]:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < width:
            problems.append(Problem(file, f"该行只有{len(cells)}个单元格（表头有{len(headers)}列），缺失的单元格按空白处理", table=table_no, row=rownum))
        cells = cells + [""] * (len(headers) - len(cells))
        fields = {f: cells[c].strip() for c, f in cols.items()}
        extra = {}
        for c, text in enumerate(cells):
            if c not in cols and (c < len(headers) and headers[c] or text.strip()):
                extra[keys[c] if c < len(keys) else f"列{c + 1}"] = text.strip()
        name = fields.get("project", "")
        if name or key is None:
            org = fields.get("org", "") or (key[1] if key and key[0] == name else top.unit)
            new_key = (name or top.title or default_title, org)
            if new_key != key:
                level1 = level2 = ""
            key = new_key
        if key not in groups:
            k = start_k + len(groups)
            groups[key] = Project(id=f"T{k:03d}", title="", table_index=table_index, layout=list(layout),
                                  field_of=dict(field_of))
            p = groups[key]
            apply_field(p, "project", key[0])
            apply_field(p, "org", key[1])
            p.budget, p.fiscal_funds, p.other_funds = top.budget, top.fiscal_funds, top.other_funds
            p.goal, p.purpose = top.goal, top.purpose
        p = groups[key]
        for f in ("budget", "fiscal", "other", "goal", "purpose"):
            apply_field(p, f, fields.get(f, ""))
        level1 = fields["level1"] = fields.get("level1") or level1
        level2 = fields["level2"] = fields.get("level2") or level2
        if not any(fields.get(f) for f in ("level3", "description", "value")):
            continue  # a section row (一级/二级 only) or a total line
        if not fields.get("level3"):
            problems.append(Problem(file, "该行缺少三级指标名称", table=table_no, row=rownum))
        p.indicators.append(make_indicator(p.id, len(p.indicators) + 1, rownum, fields, extra, split))
    kept = [p for p in groups.values() if p.indicators]
    for j, p in enumerate(kept):  # ids without gaps left by groups that had no rows
        p.id = f"T{start_k + j:03d}"
        for n, ind in enumerate(p.indicators, start=1):
            ind.id = f"{p.id}-{n:02d}"
    return kept


def read_xlsx(data: bytes, name: str) -> ReadResult:
    from openpyxl import load_workbook

    result = ReadResult()
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)  # cached values of formulas
    except Exception as exc:
        result.problems.append(Problem(name, f"无法打开 Excel 文件：{exc}", fatal=True))
        return result
    _report_uncached_formulas(data, wb, name, result.problems)
    for s, ws in enumerate(wb.worksheets):
        try:
            # Vertically merged cells (一级指标, 项目名称) hold text only at the top;
            # repeat it down the first column so each row reads whole.
            filled: dict[tuple[int, int], str] = {}
            for rng in ws.merged_cells.ranges:
                text = _cell_text(ws.cell(rng.min_row, rng.min_col))
                for r in range(rng.min_row + 1, rng.max_row + 1):
                    filled[(r, rng.min_col)] = text
            rows = []
            for r, row in enumerate(ws.iter_rows(), start=1):
                rows.append((r, [filled.get((r, c), _cell_text(cell)) for c, cell in enumerate(row, start=1)]))
            result.projects += read_grid(rows, name, s + 1, s, ws.title, len(result.projects) + 1, result.problems)
        except Exception as exc:  # one broken sheet must not lose the others
            result.problems.append(Problem(name, f"工作表“{ws.title}”无法读取：{exc}", table=s + 1))
    return result


def _report_uncached_formulas(data: bytes, wb, name: str, problems: list[Problem], limit: int = 5) -> None:
    """A formula saved without its result (files written by programs, never
    opened in Excel) reads as blank: say which cells, rather than judge a blank."""
    import zipfile

    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if not any(b"<f" in zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/")):
                return  # no formulas at all: skip the second load
        wf = load_workbook(io.BytesIO(data), data_only=False)
    except Exception:
        return  # the data-only load worked; this check is a courtesy
    for s, (ws, wsf) in enumerate(zip(wb.worksheets, wf.worksheets)):
        found = [c for row in wsf.iter_rows() for c in row
                 if isinstance(c.value, str) and c.value.startswith("=") and ws[c.coordinate].value is None]
        for c in found[:limit]:
            problems.append(Problem(name, f"单元格 {c.coordinate} 是公式 {c.value[:60]}，文件中没有保存计算结果，按空白读取；"
                                          "请在 Excel 中打开并保存后再导入", table=s + 1, row=c.row))
        if len(found) > limit:
            problems.append(Problem(name, f"另有 {len(found) - limit} 个公式单元格没有计算结果", table=s + 1))


def read_csv_text(text: str, name: str) -> ReadResult:
    result = ReadResult()
    text = text.lstrip("\ufeff")
    head = text[:4000]
    delim = "\t" if head.count("\t") > head.count(",") else ","
    rows = []
    reader = csv.reader(io.StringIO(text), delimiter=delim)
    line = 1
    try:
        for cells in reader:
            rows.append((line, [c.strip() for c in cells]))
            line = reader.line_num + 1  # a quoted cell may span lines
    except csv.Error as exc:
        result.problems.append(Problem(name, f"CSV 格式错误，其后内容未读取：{exc}", table=1, row=line))
    result.projects = read_grid(rows, name, 1, 0, Path(name).stem, 1, result.problems)
    return result
