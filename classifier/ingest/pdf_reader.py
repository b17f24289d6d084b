"""Reader for text-layer PDFs of 绩效目标表 (pdfplumber).

Ruled tables are read page by page; a table that goes on over the next page,
with its header repeated or not, is joined into one before reading. A PDF with
text but no ruled table is read as pasted text; a PDF without a text layer (a
scan) is named as such: OCR is not built in."""
from __future__ import annotations

import io
import re

from ..models import Problem, ReadResult
from .limits import Limits
from .tabular import clean_cell, find_header, is_repeated_header, kv_fields, plain_error, read_grid


PROJECT_LINE = re.compile(r"^\s*项目名称\s*[：:]\s*(?P<name>\S.*?)\s*$")


def _continues(prev: list[list[str]], rows: list[list[str]]) -> bool:
    """True when `rows` (the first table of a page) goes on with `prev` (the
    last table of the page before): it repeats prev's header, or has no header
    and no project fields of its own and as many columns."""
    hi = find_header(prev)
    if hi is None or not rows:
        return False
    if is_repeated_header(rows[0], prev[hi]):
        return True
    own_header = find_header(rows) is not None
    own_fields = any(kv_fields(r) for r in rows[:3])
    return not own_header and not own_fields and len(rows[0]) == len(prev[hi])


def read_pdf(data: bytes, name: str, limits: Limits | None = None) -> ReadResult:
    import pdfplumber

    limits = limits or Limits()
    result = ReadResult()
    tables: list[list[list[str]]] = []
    text_pages: list[str] = []
    chars = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                chars += len(page.chars)
                found = page.extract_tables()
                # "项目名称：X" printed above a table, outside its rules, names the project of the tables after it.
                named = [m.group("name") for m in map(PROJECT_LINE.match, (page.extract_text() or "").splitlines()) if m] if found else []
                for k, table in enumerate(found):
                    rows = [[clean_cell(c or "") for c in row] for row in table]
                    rows = [r for r in rows if any(r)]
                    if k == 0 and tables and _continues(tables[-1], rows):
                        tables[-1].extend(rows)
                        continue
                    if named and not any(f == "project" for r in rows[:5] for f, _ in kv_fields(r)):
                        rows.insert(0, ["项目名称", named[min(k, len(named) - 1)]])
                    tables.append(rows)
                if not found:
                    text_pages.append(page.extract_text() or "")
                page.flush_cache()  # pdfplumber keeps every page's objects otherwise
    except Exception as exc:
        result.problems.append(Problem(name, f"无法打开 PDF 文件（可能已损坏或加密）：{plain_error(exc)}", fatal=True))
        return result
    if chars == 0:
        result.problems.append(Problem(name, "PDF 没有文字层（可能是扫描件或图片），无法读取表格；请提供可复制文字的 PDF，"
                                             "或原始的 Word/Excel 文件", fatal=True))
        return result
    start = 1
    held: list[list[str]] = []  # a table of project fields only: it belongs to the indicator table after it
    for t, rows in enumerate(tables, start=1):
        if find_header(rows) is None and any(kv_fields(r) for r in rows) and t < len(tables):
            held += rows
            continue
        rows, held = held + rows, []
        numbered = [(r, cells) for r, cells in enumerate(rows, start=1)]
        projects = read_grid(numbered, name, t, t - 1, name.rsplit("/", 1)[-1], start, result.problems, limits=limits, ragged=True)
        result.projects += projects
        start += len(projects)
    if not tables and any(t.strip() for t in text_pages):
        from .pasted import read_pasted_text

        return read_pasted_text("\n".join(text_pages), name, limits)
    return result
