"""Reader for the text export of a .docx of 绩效目标表 (the seed's format).

Each table starts with a title line ending in 绩效目标表; every cell starts with
a tab; rows are separated by blank lines; a line without a leading tab
continues the cell before it, even across a blank line (cells with line
breaks)."""
from __future__ import annotations

import re

from ..layout import DEFAULT_HEADERS, ROW_FIELDS, column_keys
from ..models import Indicator, Problem, Project, ReadResult
from .common import read_money, split_unit

TITLE_RE = re.compile(r"^\s*(?:\[bookmark:[^\]]*\])?\s*(?P<title>.*绩效目标表)\s*$")
HEADER = ("一级指标", "二级指标", "三级指标")


def _blocks(lines: list[str]) -> list[list[str]]:
    """Group lines into rows of cells; continuation lines join the previous cell."""
    blocks: list[list[str]] = []
    current: list[str] | None = None
    for line in lines:
        if line.strip() == "" and not line.startswith("\t"):
            if current is not None:
                blocks.append(current)
                current = None
            continue
        if line.startswith("\t"):
            if current is None:
                current = []
            current.append(line[1:].rstrip("\t"))
        else:
            # A continuation: attach to the last cell seen, even after a blank line.
            target = current if current else (blocks[-1] if blocks else None)
            if target is None:
                continue
            target[-1] = (target[-1] + "\n" + line.rstrip("\t")).strip("\n")
    if current is not None:
        blocks.append(current)
    return blocks


def _looks_like_row_start(cells: list[str]) -> bool:
    return len(cells) >= 3 and (cells[0].endswith("指标") or cells[1].endswith("指标"))


def _merge_split_rows(rows: list[list[str]]) -> list[list[str]]:
    """Rejoin a row whose cells were split by blank lines (a cell that was an
    empty paragraph in Word): keep appending blocks while the row has fewer
    than five cells and the next block does not start a row of its own."""
    out: list[list[str]] = []
    for cells in rows:
        if out and len(out[-1]) < 5 and len(out[-1]) + len(cells) <= 5 and not _looks_like_row_start(cells):
            out[-1] = out[-1] + cells
        else:
            out.append(list(cells))
    return out


def _clean(cell: str) -> str:
    return cell.strip().strip("\t").strip()


def _parse_table(title: str, lines: list[str], tindex: int, file: str, problems: list[Problem]) -> Project:
    blocks = _blocks(lines)
    p = Project(id=f"T{tindex + 1:03d}", title=title, source_file=file, table_index=tindex)
    i = 0
    # Header part: unit line, then label/value pairs until the indicator header row.
    if blocks and blocks[0]:
        p.unit = _clean(blocks[0][0])
        m = re.match(r"^(\d{4,})\s*(.*)$", p.unit)
        p.unit_code, p.unit_name = (m.group(1), m.group(2)) if m else ("", p.unit)
        i = 1
    while i < len(blocks) and not (len(blocks[i]) >= 3 and tuple(_clean(c) for c in blocks[i][:3]) == HEADER):
        cells = [_clean(c) for c in blocks[i]]
        if cells and cells[0] == "项目名称" and len(cells) > 1:
            p.title = "".join(cells[1:]).strip() or p.title
        elif cells and cells[0] == "预算规模及资金用途":
            for k, c in enumerate(cells):
                nxt = cells[k + 1] if k + 1 < len(cells) else ""
                attr = "budget" if c == "预算数" else "fiscal_funds" if c.startswith("其中") and "财政" in c else \
                    "other_funds" if c == "其他资金" else ""
                if attr:
                    value, why = read_money(nxt)
                    setattr(p, attr, value)
                    if why:
                        problems.append(Problem(file, why, table=tindex + 1))
        elif cells and cells[0] == "绩效目标":
            p.goal = "\n".join(c for c in cells[1:] if c)
        elif cells and cells[0] == "" and len(cells) > 1 and not p.purpose:
            p.purpose = "\n".join(c for c in cells[1:] if c)
        i += 1
    if i >= len(blocks):
        problems.append(Problem(file, f"表“{title}”没有找到指标表头（一级指标/二级指标/三级指标）", table=tindex + 1))
        return p
    # The printed header is the table's layout: five cells, one field each.
    printed = [_clean(c) for c in blocks[i]]
    p.layout = printed if len(printed) == len(ROW_FIELDS) else [DEFAULT_HEADERS[f] for f in ROW_FIELDS]
    p.field_of = dict(zip(column_keys(p.layout), ROW_FIELDS))
    i += 1
    level1 = ""
    n = 0
    for cells in _merge_split_rows([[_clean(c) for c in b] for b in blocks[i:]]):
        if not any(cells):
            continue
        n += 1
        if len(cells) < 5:
            problems.append(Problem(file, f"指标行只有{len(cells)}个单元格（应为5个），缺失的单元格按空白处理", table=tindex + 1, row=n))
            cells = cells + [""] * (5 - len(cells))
        elif len(cells) > 5:
            problems.append(Problem(file, f"指标行有{len(cells)}个单元格（应为5个），多余单元格并入指标值", table=tindex + 1, row=n))
            cells = cells[:4] + [" ".join(cells[4:])]
        if cells[0]:
            level1 = cells[0]
        parts = split_unit(cells[4])
        p.indicators.append(
            Indicator(
                id=f"{p.id}-{n:02d}", level1=level1, level2=cells[1], level3=cells[2],
                description=cells[3], value=cells[4], row=n, value_parts=parts,
            )
        )
    return p


def read_seed_text(text: str, file: str) -> ReadResult:
    lines = text.splitlines()
    starts = [k for k, line in enumerate(lines) if not line.startswith("\t") and TITLE_RE.match(line)]
    result = ReadResult()
    if not starts:
        result.problems.append(Problem(file, "没有找到任何“…绩效目标表”标题行，无法按文本导出格式读取", fatal=True))
        return result
    for t, start in enumerate(starts):
        end = starts[t + 1] if t + 1 < len(starts) else len(lines)
        title = TITLE_RE.match(lines[start]).group("title").strip()
        try:
            result.projects.append(_parse_table(title, lines[start + 1:end], t, file, result.problems))
        except Exception as exc:  # one broken table must not lose the rest of the file
            result.problems.append(Problem(file, f"表“{title}”无法读取：{exc}", table=t + 1))
    return result
