"""Batch quality reports over a Review: HTML, XLSX and a comparison with an
earlier run. Everything is computed from one pipeline.Review."""
from __future__ import annotations

from pathlib import Path

from ..outputs import atomic_write
from ..pipeline import Review
from .compare import BaselineError, compare, load_baseline
from .html import render_html
from .xlsx import render_xlsx

FORMATS = {".html": "html", ".htm": "html", ".xlsx": "xlsx"}

__all__ = ["BaselineError", "FORMATS", "compare", "load_baseline", "render_html", "render_xlsx", "write_report"]


def write_report(rv: Review, out: str | Path, *, comparison: dict | None = None, generated_at: str | None = None) -> Path:
    """Write one report; the format follows the file's extension."""
    out = Path(out)
    kind = FORMATS.get(out.suffix.lower())
    if kind == "html":
        data: str | bytes = render_html(rv, comparison=comparison, generated_at=generated_at)
    elif kind == "xlsx":
        data = render_xlsx(rv, comparison=comparison)
    else:
        raise ValueError(f"{out}: 不支持的报告格式 {out.suffix or '（无扩展名）'}，请使用 .html 或 .xlsx")
    # Temporary file + rename: a full disk never leaves half a report over the last good one.
    return atomic_write(out, data)
