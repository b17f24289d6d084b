"""Settings from the environment (never from code): data directory, model
endpoint, index server. Secrets are read here and nowhere else."""
from __future__ import annotations

import os
from pathlib import Path


class DataDirError(OSError):
    """The data directory cannot be used; str() names it and says why, in Chinese."""

    def __str__(self) -> str:
        return self.strerror or super().__str__()


def data_dir() -> Path:
    """Where the index, caches and the decision store live.
    INDICATOR_QA_HOME overrides the user's data dir (tests point it at a tmp dir).
    DataDirError when it is a file or cannot be created."""
    env = os.environ.get("INDICATOR_QA_HOME")
    if env:
        path = Path(env)
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir("indicator-qa"))
    src = "INDICATOR_QA_HOME" if env else "数据目录"
    if path.exists() and not path.is_dir():
        raise DataDirError(20, f"{src} {path} 是一个文件，不是目录：请把 INDICATOR_QA_HOME 指向一个目录")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataDirError(exc.errno, f"{src} {path} 无法创建（{exc.strerror or exc}）：请把 INDICATOR_QA_HOME 指向可写的目录") from None
    return path


def project_root() -> Path:
    return Path(__file__).resolve().parent.parent


def example_path() -> Path:
    return project_root() / "examples" / "tianjin_2022_project_targets.txt"

