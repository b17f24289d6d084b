"""Reader for a PDF's text layer pasted into a .txt (or extracted from a PDF
without ruled tables): cells separated by blanks, the header anywhere after a
title block, several projects one after another.

A line with fewer cells than the header is missing its merged 一级/二级 cells
(printed once for the rows they span), so its cells are placed from the right;
a line with more cells has blanks inside one cell, which are joined into the
description (or the name when there is none)."""
from __future__ import annotations

import re

from ..models import ReadResult
from .limits import Limits
from .tabular import FIELD_OF, is_header, map_header, norm, read_grid

_TITLE = re.compile(r"绩效目标(申报)?表\s*$")


def _cells(line: str) -> list[str]:
    line = line.strip()
    if "\t" in line or re.search(r"\s{2,}", line):
        return [c.strip() for c in re.split(r"\t|\s{2,}", line) if c.strip()]
    return line.split()


def _header_line(line: str) -> bool:
    cells = _cells(line)
    return len(cells) >= 2 and is_header(cells)


def looks_pasted(text: str) -> bool:
    return any(_header_line(line) for line in text.splitlines())


def _place(cells: list[str], header: list[str], fields: dict[int, str]) -> list[str]:
    n = len(header)
    if len(cells) == n:
        return cells
    if len(cells) < n:
        return [""] * (n - len(cells)) + cells
    # Too many: a cell had blanks in it. Join the surplus into the description (else the name).
    target = next((c for c, f in fields.items() if f == "description"), next((c for c, f in fields.items() if f == "level3"), 0))
    surplus = len(cells) - n
    return cells[:target] + [" ".join(cells[target:target + surplus + 1])] + cells[target + surplus + 1:]


def read_pasted_text(text: str, name: str, limits: Limits | None = None) -> ReadResult:
    limits = limits or Limits()
    result = ReadResult()
    lines = text.splitlines()
    segments: list[list[tuple[int, list[str]]]] = [[]]
    header: list[str] | None = None
    fields: dict[int, str] = {}
    data_started = False
    for k, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        cells = _cells(line)
        starts_project = _TITLE.search(line.strip()) or (cells and FIELD_OF.get(norm(cells[0].split("：")[0])) == "project")
        if data_started and starts_project:  # the next project's title block
            segments.append([])
            header, data_started = None, False
        if header is None and _header_line(line):
            header = cells
            fields = map_header(header)
            segments[-1].append((k, cells))
            continue
        if header is None:
            segments[-1].append((k, cells))  # title block: 项目名称 X, 预算数 240 …
            continue
        if len(cells) == 1 and data_started and not cells[0].endswith("指标"):
            # A cell that wrapped onto its own line: it continues the row above.
            prev = segments[-1][-1][1]
            target = next((c for c, f in fields.items() if f == "description"), len(prev) - 1)
            prev[target] = prev[target] + cells[0]
            continue
        segments[-1].append((k, _place(cells, header, fields)))
        data_started = True
    for t, rows in enumerate(s for s in segments if s):
        result.projects += read_grid(rows, name, t + 1, t, name.rsplit("/", 1)[-1], len(result.projects) + 1,
                                     result.problems, limits=limits, ragged=True)
    return result
