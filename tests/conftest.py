import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from classifier.config import example_path
from helpers import free_port

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def _library_snapshot(tmp_path_factory) -> Path | None:
    """The indicator library's local snapshot (classifier/library.py), built once per
    session: embedding its ~1,300 labelled entries takes tens of seconds, and every test
    starts from an empty data dir. It is a cache the library checks for freshness, so a
    test whose library differs rebuilds it as a user's would."""
    home = tmp_path_factory.mktemp("library-home")
    old = os.environ.get("INDICATOR_QA_HOME")
    os.environ["INDICATOR_QA_HOME"] = str(home)
    try:
        from classifier.library import SNAPSHOT, open_view

        open_view()
        snap = home / SNAPSHOT
        return snap if snap.exists() else None
    except Exception:  # no library here (e.g. its embedder is missing): tests build their own
        return None
    finally:
        if old is None:
            os.environ.pop("INDICATOR_QA_HOME", None)
        else:
            os.environ["INDICATOR_QA_HOME"] = old


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch, _library_snapshot):
    """Tests never touch the user's real data dir, nor a real model endpoint."""
    home = tmp_path / "home"
    monkeypatch.setenv("INDICATOR_QA_HOME", str(home))
    for key in ("OPENAI_API_KEY", "INDICATOR_QA_API_KEY", "INDICATOR_QA_BASE_URL", "OPENAI_BASE_URL"):
        monkeypatch.delenv(key, raising=False)
    if _library_snapshot is not None:
        home.mkdir(parents=True, exist_ok=True)
        shutil.copy(_library_snapshot, home / _library_snapshot.name)


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


@pytest.fixture
def chroma_server(tmp_path):
    """A real `chroma run` on loopback for the test: yields (client, port); stopped after."""
    chroma = shutil.which("chroma")
    if chroma is None:
        pytest.skip("the chroma CLI is not installed")
    import chromadb

    port = free_port()
    log = open(tmp_path / "chroma.log", "wb")
    proc = subprocess.Popen([chroma, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            try:  # the client connects on construction
                client = chromadb.HttpClient(host="127.0.0.1", port=port)
                client.heartbeat()
                break
            except Exception:
                if proc.poll() is not None:
                    pytest.fail("chroma run exited: " + (tmp_path / "chroma.log").read_text(errors="replace"))
                time.sleep(0.2)
        else:
            pytest.fail("chroma server did not start")
        yield client, port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
