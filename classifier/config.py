"""Settings from the environment (never from code): data directory, model
endpoint, index server. Secrets are read here and nowhere else."""
from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """Where the index, caches and the decision store live.
    INDICATOR_QA_HOME overrides the user's data dir (tests point it at a tmp dir)."""
    env = os.environ.get("INDICATOR_QA_HOME")
    if env:
        path = Path(env)
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir("indicator-qa"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def project_root() -> Path:
    return Path(__file__).resolve().parent.parent


def example_path() -> Path:
    return project_root() / "examples" / "tianjin_2022_project_targets.txt"


# A real province's export is one 30–100 MB file; the cap only keeps a stray
# disk image or video out, and is a setting (0 = no cap), never a fixed limit.
DEFAULT_MAX_FILE_MB = 1024


def max_file_bytes() -> int:
    """INDICATOR_QA_MAX_FILE_MB (default 1024; 0 or negative = no cap), in bytes.
    An unreadable value falls back to the default rather than refusing every file."""
    raw = os.environ.get("INDICATOR_QA_MAX_FILE_MB", "").strip()
    try:
        mb = float(raw) if raw else DEFAULT_MAX_FILE_MB
    except ValueError:
        mb = DEFAULT_MAX_FILE_MB
    return int(mb * 1024 * 1024) if mb > 0 else 0
