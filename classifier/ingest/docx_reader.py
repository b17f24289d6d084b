"""Reader for .docx files whose Word tables are 绩效目标表.

One project per indicator table. Project fields sit in the rows above the
indicator header (项目名称 | X, 预算数 | 240 …) or in a table of their own just
before the indicator table. Cells are read from the XML (w:tc) rather than
python-docx's grid view, so a cell spanning columns counts once while two
neighbouring cells with the same text (名称 = 描述) both stay."""
from __future__ import annotations

import io
import re

from ..layout import column_keys, layout_of
from ..models import Problem, Project, ReadResult
from .tabular import FIELD_OF, apply_field, is_header, kv_fields, make_indicator, map_header, norm

UNIT_CELL_RE = re.compile(r"^\d{6,}\D")

Cell = tuple[int, int, str]  # (first grid column, columns spanned, text)


def _rows(table) -> list[list[Cell]]:
    from docx.table import _Cell

    out: list[list[Cell]] = []
    above: dict[int, str] = {}
    for tr in table._tbl.tr_lst:
        col = tr.grid_before
        cells: list[Cell] = []
        for tc in tr.tc_lst:
            span = tc.grid_span
            # A vertically merged continuation cell is empty in the XML; it shows
            # the text of the cell above, as Word does.
            text = above.get(col, "") if tc.vMerge == "continue" else _Cell(tc, table).text.strip()
            cells.append((col, span, text))
            col += span
        above = {c: t for c, _, t in cells}
        out.append(cells)
    return out


def _fields(rows: list[list[Cell]], p: Project) -> bool:
    """Fill project fields from label/value rows; True when any was found."""
    found = False
    for cells in rows:
        texts = [t for _, _, t in cells]
        pairs = kv_fields(texts)
        for f, text in pairs:
            apply_field(p, f, text)
        found = found or bool(pairs)
        others = [t for t in texts[1:] if t and norm(t) != "预算规模及资金用途"]
        if texts and norm(texts[0]) == "预算规模及资金用途" and not pairs and len(others) == 1:
            apply_field(p, "purpose", others[0])  # the seed's unlabelled 资金用途 line
        for t in texts:
            if UNIT_CELL_RE.match(t) and not pairs:
                apply_field(p, "org", t)
                found = True
    return found


def _align(cells: list[Cell], header: list[Cell]) -> tuple[list[str], int]:
    """Data cells placed under the header column covering their first grid
    column; also returns the grid width the row covers."""
    out = [""] * len(header)
    for start, _, text in cells:
        for k, (hs, hspan, _) in enumerate(header):
            if hs <= start < hs + hspan:
                out[k] = out[k] + text if out[k] != text else text
                break
    return out, max((s + n for s, n, _ in cells), default=0)


def _indicators(p: Project, rows: list[list[Cell]], hi: int, file: str, tno: int, problems: list[Problem]) -> None:
    header = rows[hi]
    headers = [t for _, _, t in header]
    cols = map_header(headers)
    split = bool({"operator", "unit"} & set(cols.values()))
    p.layout, p.field_of = layout_of(headers, cols, split)
    keys = column_keys(headers)
    unknown = [h for c, h in enumerate(headers) if c not in cols and h and h not in headers[:c] and FIELD_OF.get(norm(h)) is None]
    if unknown:
        problems.append(Problem(file, f"未识别的列：{'、'.join(unknown)}，已原样保留在 extra 中", table=tno, row=hi + 1))
    width = max(s + n for s, n, _ in header)
    level1 = level2 = ""
    for r in range(hi + 1, len(rows)):
        texts, covered = _align(rows[r], header)
        if not any(texts):
            continue
        if covered < width:
            problems.append(Problem(file, f"该行缺少单元格（覆盖{covered}列，表头{width}列），缺失的单元格按空白处理", table=tno, row=r + 1))
        fields = {f: texts[c] for c, f in cols.items()}
        extra = {}
        for c, text in enumerate(texts):
            if c not in cols and (headers[c] or text):
                extra[keys[c]] = text
        level1 = fields["level1"] = fields.get("level1") or level1
        level2 = fields["level2"] = fields.get("level2") or level2
        if not any(fields.get(f) for f in ("level3", "description", "value")):
            continue  # a section row holding only 一级/二级
        if not fields.get("level3"):
            problems.append(Problem(file, "该行缺少三级指标名称", table=tno, row=r + 1))
        p.indicators.append(make_indicator(p.id, len(p.indicators) + 1, r + 1, fields, extra, split))


def read_docx(data: bytes, name: str) -> ReadResult:
    import docx
    from docx.table import Table

    result = ReadResult()
    try:
        doc = docx.Document(io.BytesIO(data))
    except Exception as exc:
        result.problems.append(Problem(name, f"无法打开 Word 文件（可能已损坏、不完整或不是 .docx）：{exc}", fatal=True))
        return result
    paragraphs: list[str] = []  # text since the last table: the next table's title
    pending: Project | None = None  # fields from a table that had no indicators
    tno = 0
    for block in doc.iter_inner_content():
        if not isinstance(block, Table):
            if block.text.strip():
                paragraphs.append(block.text.strip())
            continue
        tno += 1
        heading = next((t for t in reversed(paragraphs) if t.endswith("绩效目标表")), paragraphs[-1] if paragraphs else "")
        paragraphs = []
        try:
            rows = _rows(block)
            hi = next((i for i, cells in enumerate(rows) if is_header([t for _, _, t in cells])), None)
            p = Project(id=f"T{len(result.projects) + 1:03d}", title="", table_index=tno - 1)
            has_fields = _fields(rows[: hi if hi is not None else len(rows)], p)
            if hi is None:
                if not has_fields:
                    result.problems.append(Problem(name, "表格中没有找到指标表头（一级指标/二级指标/三级指标/指标值），该表未读取", table=tno))
                    continue
                if pending is not None:
                    result.problems.append(Problem(name, f"项目“{pending.title}”的信息表之后没有指标表", table=tno - 1))
                p.title = p.title or heading
                pending = p
                continue
            if pending is not None and not p.title:
                # The project's fields came in the table before this one.
                for attr in ("title", "unit", "unit_code", "unit_name", "budget", "fiscal_funds", "other_funds", "purpose", "goal"):
                    if getattr(p, attr) in ("", None):
                        setattr(p, attr, getattr(pending, attr))
            pending = None
            p.title = p.title or heading or f"表{tno}"
            _indicators(p, rows, hi, name, tno, result.problems)
            if p.indicators:
                result.projects.append(p)
            else:
                result.problems.append(Problem(name, "指标表头之下没有指标行", table=tno))
        except Exception as exc:  # one broken table must not lose the rest of the file
            result.problems.append(Problem(name, f"表格无法读取：{type(exc).__name__}: {exc}", table=tno))
    if pending is not None:
        result.problems.append(Problem(name, f"项目“{pending.title}”的信息表之后没有指标表", table=tno))
    if tno == 0:
        result.problems.append(Problem(name, "Word 文件中没有表格", fatal=True))
    return result
