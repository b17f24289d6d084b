"""Writing results so that a failure loses nothing and a printed name forges nothing.

- `atomic_write`: the bytes go to a temporary file beside the target, are
  flushed to disk, then renamed over it. A full disk, a missing folder or a
  killed process leaves the previous file exactly as it was; `OutputError`
  names the path and the cause in Chinese.
- `terminal_safe`: control characters (ESC sequences, carriage returns,
  newlines inside a name) shown as visible escapes before anything reaches a
  terminal, so a file name cannot recolour the screen or forge a line.
- `json_ready`: NaN and ±Infinity (not JSON) become null, so every JSON we
  write is read by any JSON parser.
"""
from __future__ import annotations

import errno
import math
import os
import re
import tempfile
from pathlib import Path
from typing import Iterable


class OutputError(OSError):
    """An output could not be written; str() is the message for the user."""


_ERRNO_ZH = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出磁盘配额",
    errno.EFBIG: "文件超过允许的大小",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "文件系统只读",
    errno.ENOENT: "目录不存在",
    errno.ENOTDIR: "路径中有一段不是目录",
    errno.EISDIR: "目标是一个目录",
    errno.EIO: "磁盘读写错误",
}


def os_error_zh(exc: OSError) -> str:
    """A short Chinese cause for an OSError (the system's text when unknown)."""
    return _ERRNO_ZH.get(getattr(exc, "errno", None) or -1) or (exc.strerror or str(exc) or type(exc).__name__)


def atomic_write(path: str | Path, data: str | bytes | Iterable[str], encoding: str = "utf-8") -> Path:
    """Replace `path` with `data` all at once, or not at all (OutputError).
    `data` may be an iterable of text chunks (Review.json_chunks): they are
    written as they come, so a large document is never one string in memory."""
    path = Path(path)
    shown = terminal_safe(str(path))
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        what = "不是目录" if folder.exists() else "不存在"
        raise OutputError(errno.ENOENT, f"无法写入 {shown}：目录 {terminal_safe(str(folder))} {what}")
    if path.is_dir():
        raise OutputError(errno.EISDIR, f"无法写入 {shown}：这是一个目录")
    chunks = [data.encode(encoding)] if isinstance(data, str) else [data] if isinstance(data, (bytes, bytearray)) else data
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk.encode(encoding) if isinstance(chunk, str) else chunk)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():  # keep the old file's permissions, not mkstemp's 0600
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise OutputError(exc.errno or errno.EIO, f"无法写入 {shown}：{os_error_zh(exc)}（原文件保持不变）") from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return path


# C0 controls except tab, DEL, C1 controls, and the Unicode line/paragraph
# separators and bidi overrides that can also reorder or forge what is shown.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """`text` with every control character shown as an escape (\\x1b, \\n …)."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))


def json_ready(obj):
    """A copy of `obj` with non-finite floats (NaN, ±Infinity) as None."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: json_ready(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_ready(v) for v in obj]
    return obj
