"""Readers: every format returns a ReadResult (projects + problems), never raises
on bad input. `read_path` picks the reader from the file's content and name."""
from __future__ import annotations

import re
from pathlib import Path

from ..models import Problem, ReadResult
from .common import sha256_bytes

from ..config import max_file_bytes


# C0 control characters other than tab/newline: never part of a table, and an
# escape sequence in a cell would reach the reviewer's terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _decode_text(data: bytes) -> str | None:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text" export is UTF-16 with a BOM
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return None


def _too_big(name: str, size: int, max_bytes: int) -> ReadResult:
    return ReadResult(problems=[Problem(name, f"文件大小 {size / 1048576:.1f} MB 超过上限 {max_bytes / 1048576:.0f} MB，未读取"
                                              "（上限由 INDICATOR_QA_MAX_FILE_MB 设置，0 表示不限）", fatal=True)])


def read_bytes(data: bytes, name: str, max_bytes: int | None = None) -> ReadResult:
    """Read one file's bytes; `name` is used for the format and in messages.
    max_bytes: None = the INDICATOR_QA_MAX_FILE_MB setting, 0 = no cap."""
    max_bytes = max_file_bytes() if max_bytes is None else max_bytes
    if max_bytes and len(data) > max_bytes:
        return _too_big(name, len(data), max_bytes)
    if not data.strip():
        return ReadResult(problems=[Problem(name, "文件为空", fatal=True)])
    suffix = Path(name).suffix.lower()
    try:
        if data[:4] == b"PK\x03\x04":
            if suffix == ".xlsx" or suffix == ".xlsm":
                from .tabular import read_xlsx
                result = read_xlsx(data, name)
            else:
                from .docx_reader import read_docx
                result = read_docx(data, name)
        elif suffix in (".docx", ".xlsx", ".xlsm", ".doc", ".xls"):
            result = ReadResult(problems=[Problem(name, f"扩展名为 {suffix}，但内容不是有效的 Office Open XML（zip）文件，可能已损坏或是其他格式另存", fatal=True)])
        else:
            text = _decode_text(data)
            # Binary = many control characters, not one stray NUL inside a cell.
            if text is None or len(_CONTROL.findall(text[:4000])) > max(8, len(text[:4000]) // 50):
                return ReadResult(problems=[Problem(name, "无法识别的二进制内容：不是 UTF-8/GBK 文本，也不是 .docx/.xlsx", fatal=True)])
            controls = len(_CONTROL.findall(text))
            text = _CONTROL.sub("", text) if controls else text
            result = read_text(text, name, suffix)
            if controls:
                result.problems.append(Problem(name, f"已删除 {controls} 个控制字符（如 NUL、ESC），其余内容照常读取"))
    except Exception as exc:  # a reader bug must become a message, not a traceback
        result = ReadResult(problems=[Problem(name, f"读取失败：{type(exc).__name__}: {exc}", fatal=True)])
    digest = sha256_bytes(data)
    for p in result.projects:
        p.source_file = name
        p.source_hash = digest
    if not result.projects and not any(pr.fatal for pr in result.problems):
        result.problems.append(Problem(name, "没有读到任何指标行", fatal=True))
    return result


def read_text(text: str, name: str, suffix: str = "") -> ReadResult:
    stripped = text.lstrip("\ufeff").lstrip()
    if suffix == ".jsonl" or (stripped.startswith("{") and '"level3"' in stripped[:5000]):
        from .jsonl_reader import read_jsonl
        return read_jsonl(text, name)
    if "绩效目标表" in text and "\t一级指标" in text:
        from .seedtext import read_seed_text
        return read_seed_text(text, name)
    if suffix in (".csv", ".tsv") or suffix == "" or "," in text[:2000] or _tab_header(text):
        from .tabular import read_csv_text
        return read_csv_text(text, name)
    from .seedtext import read_seed_text
    return read_seed_text(text, name)


def _tab_header(text: str) -> bool:
    """A tab-separated table (Excel's text exports) with its header near the top."""
    from .tabular import HEADER_SCAN_ROWS, is_header

    return any(is_header(line.split("\t")) for line in text.splitlines()[:HEADER_SCAN_ROWS])


def read_path(path: str | Path, max_bytes: int | None = None) -> ReadResult:
    path = Path(path)
    name = str(path)
    max_bytes = max_file_bytes() if max_bytes is None else max_bytes
    try:
        size = path.stat().st_size
        if max_bytes and size > max_bytes:
            return _too_big(name, size, max_bytes)
        data = path.read_bytes()
    except OSError as exc:
        return ReadResult(problems=[Problem(name, f"无法打开文件：{exc.strerror or exc}", fatal=True)])
    return read_bytes(data, name, max_bytes)


def read_paths(paths: list[str | Path]) -> ReadResult:
    """Read many files (directories are walked); project ids stay unique per file."""
    out = ReadResult()
    files = expand_paths(paths)
    for k, path in enumerate(files, start=1):
        r = read_path(path)
        if len(files) > 1:
            # Ids are per file (T001-04); a batch of files needs them unique: F2.T001-04.
            for p in r.projects:
                p.id = f"F{k}.{p.id}"
                for ind in p.indicators:
                    ind.id = f"F{k}.{ind.id}"
        out.projects.extend(r.projects)
        out.problems.extend(r.problems)
    return out


SUPPORTED = (".docx", ".xlsx", ".xlsm", ".csv", ".tsv", ".txt", ".jsonl")


def expand_paths(paths: list[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in SUPPORTED))
        else:
            out.append(p)
    return out
