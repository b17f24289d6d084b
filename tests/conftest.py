import contextlib
import dataclasses
import json
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


def pytest_configure(config):
    """A data dir for anything outside a test's own (a module fixture that forgets
    `shared_home`): the user's real one is never written by the tests."""
    import tempfile

    config._indicator_qa_home = tempfile.mkdtemp(prefix="indicator-qa-tests-")
    os.environ["INDICATOR_QA_HOME"] = config._indicator_qa_home


def pytest_unconfigure(config):
    home = getattr(config, "_indicator_qa_home", None)
    if home:
        shutil.rmtree(home, ignore_errors=True)


SECRET_ENV = ("OPENAI_API_KEY", "INDICATOR_QA_API_KEY", "INDICATOR_QA_BASE_URL", "OPENAI_BASE_URL")


@contextlib.contextmanager
def _env_home(home: Path, snapshot: Path | None = None):
    """INDICATOR_QA_HOME=home (and no model endpoint) inside the block, as before after it:
    for session- and module-scoped fixtures, which run before the per-test home is set."""
    saved = {k: os.environ.get(k) for k in ("INDICATOR_QA_HOME", *SECRET_ENV)}
    os.environ["INDICATOR_QA_HOME"] = str(home)
    for key in SECRET_ENV:
        os.environ.pop(key, None)
    if snapshot is not None:
        home.mkdir(parents=True, exist_ok=True)
        shutil.copy(snapshot, home / snapshot.name)
    try:
        yield home
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture(scope="session")
def _library_snapshot(tmp_path_factory) -> Path | None:
    """The indicator library's local snapshot (classifier/library.py), built once per
    session: syncing its ~1,300 labelled entries into Chroma takes seconds (their vectors ship
    in classifier/data/library_vectors.npz), and every test starts from an empty data dir. It is a cache the library checks for freshness, so a
    test whose library differs rebuilds it as a user's would."""
    home = tmp_path_factory.mktemp("library-home")
    with _env_home(home):
        try:
            from classifier.library import SNAPSHOT, open_view

            open_view()
            snap = home / SNAPSHOT
            return snap if snap.exists() else None
        except Exception:  # no library here (e.g. its embedder is missing): tests build their own
            return None


@pytest.fixture(scope="session")
def shared_home(tmp_path_factory, _library_snapshot):
    """shared_home(name): a context manager giving a fresh data dir (with the library
    snapshot) to a fixture broader than one test, e.g. a module's CLI run."""
    def make(name: str):
        return _env_home(tmp_path_factory.mktemp(name), _library_snapshot)
    return make


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch, _library_snapshot):
    """Tests never touch the user's real data dir, nor a real model endpoint."""
    home = tmp_path / "home"
    monkeypatch.setenv("INDICATOR_QA_HOME", str(home))
    for key in SECRET_ENV:
        monkeypatch.delenv(key, raising=False)
    if _library_snapshot is not None:
        home.mkdir(parents=True, exist_ok=True)
        shutil.copy(_library_snapshot, home / _library_snapshot.name)


@pytest.fixture(autouse=True)
def _rewrite_round_home(request, _isolated_home, tmp_path_factory, monkeypatch):
    """A rewrite-round module (test_rewrite_roundN.py) keeps one data dir for all its
    tests: the judged rows are reviewed once per process (helpers.reviewed_offline)."""
    name = request.module.__name__.rsplit(".", 1)[-1]
    if name.startswith("test_rewrite_round"):
        monkeypatch.setenv("INDICATOR_QA_HOME", str(tmp_path_factory.getbasetemp() / f"home_{name.removeprefix('test_rewrite_')}"))


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return example_path()


@pytest.fixture(scope="session")
def seed_read(seed_path):
    from classifier.ingest import read_path

    return read_path(seed_path)


@pytest.fixture(scope="session")
def seed_review(seed_read, shared_home):
    """The seed reviewed once per session with the default settings (index, learned
    labeller), in a data dir of its own. Read it, never change it: many files share it."""
    from classifier.pipeline import review

    with shared_home("seed-review-home"):
        return review(seed_read)


@dataclasses.dataclass(frozen=True)
class EvalOutput:
    proc: subprocess.CompletedProcess
    json_path: Path

    def result(self) -> dict:
        return json.loads(self.json_path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_eval(shared_home, tmp_path_factory) -> EvalOutput:
    """`indicator-qa eval --show 2` on the default labelled set, run once per session as a
    user runs it (the installed command, from the repo root): its printout and the result
    file it wrote. The eval, regression-gate, 评估-page and held-out tests read it instead
    of each re-running the whole seed."""
    exe = shutil.which("indicator-qa")
    assert exe, "indicator-qa is not on PATH (scripts/test.sh puts .venv/bin first)"
    out = tmp_path_factory.mktemp("seed-eval") / "results"
    with shared_home("seed-eval-home"):
        proc = subprocess.run([exe, "eval", "--out", str(out), "--show", "2"], capture_output=True, text=True,
                              timeout=900, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    files = sorted(out.glob("*.json"))
    assert len(files) == 1, files
    return EvalOutput(proc, files[0])


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


# ---- the browser tests (test_browser*.py) -------------------------------------------
# One `streamlit run app.py` and one headless Chromium for the whole session: starting
# each, and the app's first review of the seed, cost tens of seconds on a shared machine.

@pytest.fixture(scope="session")
def streamlit_app(tmp_path_factory, _library_snapshot):
    from test_browser import serve_app

    with serve_app(tmp_path_factory.mktemp("app"), snapshot=_library_snapshot) as url:
        yield url


@pytest.fixture(scope="session")
def _chromium(tmp_path_factory):
    from test_browser import chromium

    with chromium(tmp_path_factory.mktemp("browser")) as cdp:
        yield cdp


@pytest.fixture
def browser(_chromium):
    """The session's Chromium, its cookies cleared: each test starts as a new visitor."""
    _chromium.call("Network.clearBrowserCookies")
    _chromium.call("Page.enable")
    return _chromium
