"""Opening a table by its path on the server (`?path=...`), only under the
configured root (INDICATOR_QA_OPEN_ROOT; off when unset). A query string is
user input: the path is resolved (symlinks, `..`) before it is compared with
the root, so nothing outside the root can be read. Pure apart from reading
the file system; messages are Chinese and name the path."""
from __future__ import annotations

import os
from pathlib import Path

ENV = "INDICATOR_QA_OPEN_ROOT"


class OpenPathError(ValueError):
    """The path cannot be opened; str() says why in Chinese."""


def root() -> Path | None:
    """The configured root, resolved; None when opening by path is off."""
    value = os.environ.get(ENV, "").strip()
    return Path(value).expanduser().resolve() if value else None


def resolve(asked: str, base: Path | None) -> Path:
    """The file `asked` names (relative to the root, or absolute inside it).
    OpenPathError when opening by path is off, or the file is outside the
    root, missing, or not a regular file."""
    shown = str(asked)
    if base is None:
        raise OpenPathError(f"未配置按路径打开（环境变量 {ENV}），链接中的路径 {shown} 未打开；请上传文件。")
    if not asked or "\x00" in asked:
        raise OpenPathError(f"链接中的路径 {shown!r} 无效。")
    candidate = Path(asked).expanduser()
    if not candidate.is_absolute():
        candidate = base / candidate
    try:
        real = candidate.resolve(strict=True)
    except FileNotFoundError:
        raise OpenPathError(f"链接中的文件 {shown} 不存在（在 {base} 下查找）。") from None
    except (OSError, RuntimeError) as exc:  # a symlink loop, a permission error
        raise OpenPathError(f"链接中的文件 {shown} 无法打开（{getattr(exc, 'strerror', None) or exc}）。") from None
    if not real.is_relative_to(base):
        raise OpenPathError(f"链接中的文件 {shown} 不在允许打开的目录 {base} 之内，已拒绝。")
    if not real.is_file():
        raise OpenPathError(f"链接中的路径 {shown} 不是普通文件（目录、设备或管道不能打开）。")
    return real


def relative(path: Path, base: Path) -> str:
    """How the query string names an opened file: relative to the root."""
    return path.resolve().relative_to(base).as_posix()
