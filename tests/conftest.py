import os
from pathlib import Path

import pytest

from classifier.config import example_path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Tests never touch the user's real data dir, nor a real model endpoint."""
    monkeypatch.setenv("INDICATOR_QA_HOME", str(tmp_path / "home"))
    for key in ("OPENAI_API_KEY", "INDICATOR_QA_API_KEY", "INDICATOR_QA_BASE_URL", "OPENAI_BASE_URL"):
        monkeypatch.delenv(key, raising=False)


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return example_path()


@pytest.fixture(scope="session")
def seed_read(seed_path):
    from classifier.ingest import read_path

    return read_path(seed_path)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
