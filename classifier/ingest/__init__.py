"""Readers: every format returns a ReadResult (projects + problems), never raises
on bad input. `read_path` picks the reader from the file's content and name."""
from __future__ import annotations

import io
import re
from pathlib import Path

from ..models import Problem, ReadResult
from .common import sha256_bytes

from .limits import Limits, from_env

# Kept for callers that imported it: the default file-size limit in bytes.
# The limit itself is a setting (INDICATOR_QA_MAX_FILE_MB), never a fixed cap.
MAX_BYTES = Limits().max_file_bytes


# C0 control characters other than tab/newline: never part of a table, and an
# escape sequence in a cell would reach the reviewer's terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _decode_text(data: bytes, name: str = "") -> tuple[str | None, list[Problem]]:
    """Text of a file in UTF-16 (with BOM), UTF-8 or GBK. A UTF-8 file with a
    few lines in GBK (a cell pasted from another file) is read line by line, and
    the lines that were not UTF-8 are named."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text" export is UTF-16 with a BOM
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            return None, []
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    wide = sum(1 for line in lines if any(b >= 0x80 for b in line))
    bad: list[int] = []
    out: list[str] = []
    for k, line in enumerate(lines, start=1):
        try:
            out.append(line.decode("utf-8-sig" if k == 1 else "utf-8"))
        except UnicodeDecodeError:
            bad.append(k)
            try:
                out.append(line.decode("gb18030"))
            except UnicodeDecodeError:
                out.append(line.decode("utf-8", errors="replace"))
    if bad and len(bad) * 2 < wide:  # mostly UTF-8: keep it, name the odd lines
        shown = "、".join(map(str, bad[:10])) + ("…" if len(bad) > 10 else "")
        return "\n".join(out), [Problem(name, f"第{shown}行不是 UTF-8 编码（文件其余部分是），已按 GBK 读取，请核对这些行的文字",
                                        table=1, row=bad[0])]
    try:
        return data.decode("gb18030"), []
    except UnicodeDecodeError:
        return None, []


# What a file is, from its first bytes and (for zips) the parts it holds.
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Office 97-2003 (.doc/.xls), also .wps/.et of WPS


def _zip_kind(data: bytes) -> str:
    """'xlsx', 'docx', 'ods', 'odt' or '' for a zip of something else."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "mimetype" in names:
                mime = zf.read("mimetype")[:100]
                if b"opendocument.spreadsheet" in mime:
                    return "ods"
                if b"opendocument.text" in mime:
                    return "odt"
    except Exception:
        return ""
    if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
        return "xlsx"
    if "word/document.xml" in names or any(n.startswith("word/") for n in names):
        return "docx"
    return ""


def read_bytes(data: bytes, name: str, max_bytes: int | None = None, *, limits: Limits | None = None,
               progress=None) -> ReadResult:
    """Read one file's bytes; `name` is used for the format and in messages.
    `limits` (default: from the environment) bound what is read; `max_bytes`
    overrides its file-size limit."""
    limits = limits or from_env()
    cap = max_bytes if max_bytes is not None else limits.max_file_bytes
    if len(data) > cap:
        return ReadResult(problems=[Problem(name, _too_big(len(data), cap, limits), fatal=True)])
    if not data.strip():
        return ReadResult(problems=[Problem(name, "文件为空", fatal=True)])
    suffix = Path(name).suffix.lower()
    try:
        result = _dispatch(data, name, suffix, limits, progress)
    except Exception as exc:  # a reader bug must become a message, not a traceback
        from .tabular import plain_error

        result = ReadResult(problems=[Problem(name, f"读取失败：{plain_error(exc)}", fatal=True)])
    digest = sha256_bytes(data)
    for p in result.projects:
        p.source_file = name
        p.source_hash = digest
    if not result.projects and not any(pr.fatal for pr in result.problems):
        result.problems.append(Problem(name, "没有读到任何指标行", fatal=True))
    return result


def _too_big(size: int, cap: int, limits: Limits) -> str:
    return (f"文件大小 {size / 1024 / 1024:,.1f} MB 超过上限 {cap / 1024 / 1024:,.0f} MB（设置 {limits.setting('max_file_mb')}），未读取")


def _dispatch(data: bytes, name: str, suffix: str, limits: Limits, progress) -> ReadResult:
    def refuse(message: str) -> ReadResult:
        return ReadResult(problems=[Problem(name, message, fatal=True)])

    if data[:4] == b"PK\x03\x04":
        kind = _zip_kind(data)
        if kind == "xlsx" or (not kind and suffix in (".xlsx", ".xlsm")):
            from .tabular import read_xlsx

            if suffix not in (".xlsx", ".xlsm", ""):
                res = read_xlsx(data, name, limits, progress)
                res.problems.insert(0, Problem(name, f"扩展名为 {suffix}，内容其实是 Excel .xlsx 文件，已按 .xlsx 读取"))
                return res
            return read_xlsx(data, name, limits, progress)
        if kind == "docx" or (not kind and suffix == ".docx"):
            from .docx_reader import read_docx

            res = read_docx(data, name, limits)
            if suffix not in (".docx", ".docm", ""):
                res.problems.insert(0, Problem(name, f"扩展名为 {suffix}，内容其实是 Word .docx 文件，已按 .docx 读取"))
            return res
        if kind in ("ods", "odt"):
            what = "OpenDocument 表格（.ods）" if kind == "ods" else "OpenDocument 文本（.odt）"
            target = ".xlsx" if kind == "ods" else ".docx"
            return refuse(f"这是 {what} 文件，暂不支持；请在 WPS/Office/LibreOffice 中另存为 {target} 后再导入")
        return refuse("这是一个 zip 压缩包，但其中没有 Word（.docx）或 Excel（.xlsx）内容；请解压后导入其中的表格文件")
    if data[:8] == _OLE:
        what = {".xls": "旧版 Excel 97-2003（.xls）", ".doc": "旧版 Word 97-2003（.doc）", ".wps": "WPS 文字（.wps）",
                ".et": "WPS 表格（.et）"}.get(suffix, "旧版 Office 97-2003（.doc/.xls）")
        target = ".xlsx" if suffix in (".xls", ".et") else ".docx"
        return refuse(f"这是 {what} 文件，暂不支持；请另存为 {target}（Excel/Word 新格式）后再导入")
    if data[:5] == b"%PDF-":
        from .pdf_reader import read_pdf

        return read_pdf(data, name, limits)
    if suffix in (".docx", ".xlsx", ".xlsm", ".ods"):
        return refuse(f"扩展名为 {suffix}，但内容不是有效的 Office Open XML（zip）文件，可能已损坏或是其他格式另存")
    if suffix in (".doc", ".xls", ".wps", ".et"):
        return refuse(f"扩展名为 {suffix}，但内容不是 Office/WPS 文件，可能已损坏或是其他格式另存")
    if suffix == ".pdf":
        return refuse("扩展名为 .pdf，但内容不是 PDF 文件（文件头不是 %PDF-），可能已损坏或是其他格式另存")
    text, problems = _decode_text(data, name)
    # Binary = many control characters, not one stray NUL inside a cell.
    if text is None or len(_CONTROL.findall(text[:4000])) > max(8, len(text[:4000]) // 50):
        return refuse("无法识别的二进制内容：不是 UTF-8/GBK 文本，也不是 .docx/.xlsx/.pdf")
    controls = len(_CONTROL.findall(text))
    text = _CONTROL.sub("", text) if controls else text
    result = read_text(text, name, suffix, limits)
    result.problems[:0] = problems
    if controls:
        result.problems.append(Problem(name, f"已删除 {controls} 个控制字符（如 NUL、ESC），其余内容照常读取"))
    return result


def read_text(text: str, name: str, suffix: str = "", limits: Limits | None = None) -> ReadResult:
    stripped = text.lstrip("\ufeff").lstrip()
    if suffix == ".jsonl" or (stripped.startswith("{") and '"level3"' in stripped[:5000]):
        from .jsonl_reader import read_jsonl
        return read_jsonl(text, name)
    if "绩效目标表" in text and "\t一级指标" in text:
        from .seedtext import read_seed_text
        return read_seed_text(text, name)
    from .pasted import looks_pasted, read_pasted_text

    if suffix in (".csv", ".tsv") or suffix == "" or "," in text[:2000] or _tab_header(text):
        from .tabular import read_csv_text
        result = read_csv_text(text, name, limits)
        if result.projects or suffix in (".csv", ".tsv") or not looks_pasted(text):
            return result
        return read_pasted_text(text, name, limits)  # a pasted text that merely has a comma near the top

    if looks_pasted(text):  # a PDF's text layer pasted into a .txt: header anywhere, cells split by blanks
        return read_pasted_text(text, name, limits)
    from .seedtext import read_seed_text
    return read_seed_text(text, name)


def _tab_header(text: str) -> bool:
    """A tab-separated table (Excel's text exports) with its header anywhere."""
    from .tabular import is_header

    return any("\t" in line and is_header(line.split("\t")) for line in text.splitlines())


def _is_regular(path: Path) -> str:
    """Why `path` cannot be read as a file ('' when it can): a FIFO, a device
    (/dev/zero) or a socket would hang or never end."""
    import stat

    mode = path.stat().st_mode
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISDIR(mode):
        return "是目录，不是文件"
    kind = "命名管道（FIFO）" if stat.S_ISFIFO(mode) else "设备文件" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "套接字或特殊文件"
    return f"是{kind}，不是普通文件，未读取"


def read_path(path: str | Path, max_bytes: int | None = None, *, limits: Limits | None = None, progress=None) -> ReadResult:
    path = Path(path)
    name = str(path)
    limits = limits or from_env()
    cap = max_bytes if max_bytes is not None else limits.max_file_bytes
    try:
        why = _is_regular(path)
        if why:
            return ReadResult(problems=[Problem(name, why, fatal=True)])
        size = path.stat().st_size
        if size > cap:
            return ReadResult(problems=[Problem(name, _too_big(size, cap, limits), fatal=True)])
        with open(path, "rb") as fh:
            data = fh.read(cap + 1)  # a file still growing is bounded too
        if len(data) > cap:
            return ReadResult(problems=[Problem(name, _too_big(len(data), cap, limits), fatal=True)])
    except OSError as exc:
        return ReadResult(problems=[Problem(name, f"无法打开文件：{exc.strerror or exc}", fatal=True)])
    return read_bytes(data, name, cap, limits=limits, progress=progress)


def read_paths(paths: list[str | Path], *, limits: Limits | None = None, progress=None) -> ReadResult:
    """Read many files (directories are walked); project ids stay unique per file.
    Files a directory holds that are not tables are named with the reason;
    `progress(done, total, what)` is called per file (and per 10,000 rows of a sheet)."""
    out = ReadResult()
    limits = limits or from_env()
    out.problems.extend(Problem("设置", text) for text in limits.problems)
    files, skipped = expand_paths_with_reasons(paths)
    out.problems.extend(skipped)
    for k, path in enumerate(files, start=1):
        if progress:
            progress(k - 1, len(files), f"读取 {Path(path).name}")
        r = read_path(path, limits=limits, progress=progress)
        if len(files) > 1:
            # Ids are per file (T001-04); a batch of files needs them unique: F2.T001-04.
            for p in r.projects:
                p.id = f"F{k}.{p.id}"
                for ind in p.indicators:
                    ind.id = f"F{k}.{ind.id}"
        out.projects.extend(r.projects)
        out.problems.extend(r.problems)
    return out


SUPPORTED = (".docx", ".xlsx", ".xlsm", ".csv", ".tsv", ".txt", ".jsonl", ".pdf")
# Office formats a directory of tables often also holds: each is opened and
# named with what it really is (an old .xls, an .xlsx renamed .xls …).
SNIFFED = (".xls", ".doc", ".ods", ".odt", ".wps", ".et")
# Formats that are never tables to us, named with what to do.
UNSUPPORTED = {".rtf": "RTF 格式，请另存为 .docx", ".numbers": "Numbers 表格，请导出为 .xlsx", ".pages": "Pages 文稿，请导出为 .docx"}


def expand_paths_with_reasons(paths: list[str | Path]) -> tuple[list[Path], list[Problem]]:
    """The files to read, and a Problem for each file of a directory that is
    skipped (with why) and for a directory with no table in it."""
    out: list[Path] = []
    problems: list[Problem] = []
    for p in map(Path, paths):
        if not p.is_dir():
            out.append(p)
            continue
        found = [q for q in sorted(p.rglob("*")) if q.is_file()]
        tables = [q for q in found if q.suffix.lower() in SUPPORTED + SNIFFED and not q.name.startswith("~$")]
        for q in found:
            if q.suffix.lower() in UNSUPPORTED:
                problems.append(Problem(str(q), f"已跳过：{UNSUPPORTED[q.suffix.lower()]}后再导入"))
            elif q.name.startswith("~$"):
                problems.append(Problem(str(q), "已跳过：Office 打开文件时留下的临时锁文件"))
        others = [q for q in found if q not in tables and q.suffix.lower() not in UNSUPPORTED and not q.name.startswith("~$")]
        if others:
            shown = "、".join(q.name for q in others[:5]) + ("等" if len(others) > 5 else "")
            problems.append(Problem(str(p), f"已跳过 {len(others)} 个不是表格格式的文件（{shown}）；支持 {' '.join(SUPPORTED)}"))
        if not tables:
            problems.append(Problem(str(p), "目录中没有可读取的表格文件" + ("（目录为空）" if not found else ""), fatal=True))
        out.extend(tables)
    return out, problems


def expand_paths(paths: list[str | Path]) -> list[Path]:
    return expand_paths_with_reasons(paths)[0]
