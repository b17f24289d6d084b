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
