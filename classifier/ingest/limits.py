"""How much a reader may take in: settings from the environment, never fixed caps.

A real province export is tens of MB, so nothing here refuses a file for its
size alone at a small number; the limits exist so that a hostile or broken
upload (a zip bomb, a sheet whose extent claims a million rows, /dev/zero)
stops with a message naming the setting to raise, instead of taking the server's
memory. Every limit is a setting (README, 配置)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

ENV = {
    "max_file_mb": "INDICATOR_QA_MAX_FILE_MB",
    "max_unzipped_mb": "INDICATOR_QA_MAX_UNZIPPED_MB",
    "max_docx_xml_mb": "INDICATOR_QA_MAX_DOCX_XML_MB",
    "max_rows": "INDICATOR_QA_MAX_ROWS",
    "max_cells": "INDICATOR_QA_MAX_CELLS",
    "max_cell_chars": "INDICATOR_QA_MAX_CELL_CHARS",
    "include_hidden_sheets": "INDICATOR_QA_INCLUDE_HIDDEN_SHEETS",
}


@dataclass
class Limits:
    max_file_mb: float = 1024  # bytes of one input file
    max_unzipped_mb: float = 2048  # uncompressed parts of one .xlsx (read streaming)
    # A .docx is parsed whole into a tree (python-docx), ~20 bytes of memory per
    # byte of XML: the bound that keeps a zip of empty paragraphs from taking GBs.
    max_docx_xml_mb: float = 100
    max_rows: int = 2_000_000  # non-empty rows of one sheet / CSV / table
    max_cells: int = 50_000_000  # cells of one sheet, as stored (not its claimed extent)
    max_cell_chars: int = 1_000_000  # one cell; a longer one is cut, named, and the rest read
    include_hidden_sheets: bool = False  # hidden/veryHidden sheets are drafts and dropdown lists
    problems: list[str] = field(default_factory=list)  # unreadable settings, said once per read

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    def setting(self, name: str) -> str:
        return ENV[name]


def _number(env: dict, name: str, default, cast, problems: list[str]):
    raw = env.get(ENV[name])
    if raw in (None, ""):
        return default
    try:
        value = cast(raw)
        if value <= 0:
            raise ValueError
        return value
    except ValueError:
        problems.append(f"设置 {ENV[name]}={raw!r} 不是正数，已使用默认值 {default}")
        return default


def from_env(env: dict | None = None, **overrides) -> Limits:
    """Limits from the environment; keyword overrides (e.g. a CLI switch) win."""
    env = os.environ if env is None else env
    d = Limits()
    problems: list[str] = []
    values = {
        "max_file_mb": _number(env, "max_file_mb", d.max_file_mb, float, problems),
        "max_unzipped_mb": _number(env, "max_unzipped_mb", d.max_unzipped_mb, float, problems),
        "max_docx_xml_mb": _number(env, "max_docx_xml_mb", d.max_docx_xml_mb, float, problems),
        "max_rows": _number(env, "max_rows", d.max_rows, int, problems),
        "max_cells": _number(env, "max_cells", d.max_cells, int, problems),
        "max_cell_chars": _number(env, "max_cell_chars", d.max_cell_chars, int, problems),
        "include_hidden_sheets": (env.get(ENV["include_hidden_sheets"]) or "").strip().lower() in ("1", "true", "yes", "on"),
    }
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Limits(**values, problems=problems)
