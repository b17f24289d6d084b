"""Helpers several test files share (conftest.py holds the fixtures). Importable as
`helpers` because pytest puts tests/ on sys.path (no tests/__init__.py)."""
from __future__ import annotations

import csv
import socket
from pathlib import Path

from click.testing import CliRunner

from classifier.cli import main

PROJECT_CSV_HEADER = ("项目名称", "主管部门", "预算数", "一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值")


def free_port() -> int:
    """A loopback port nothing listens on now (the OS picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_projects_csv(path: Path, projects) -> int:
    """Projects (from a reader) as one CSV row per indicator, project columns repeated,
    as an office's export; returns the number of rows written."""
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(PROJECT_CSV_HEADER)
        for p in projects:
            for ind in p.indicators:
                w.writerow((p.title, p.unit, "" if p.budget is None else f"{p.budget:g}", ind.level1, ind.level2,
                            ind.level3, ind.description, ind.value))
                n += 1
    return n


def review_cli(*args: str):
    """`indicator-qa review ARGS` in process; fails the test on any traceback."""
    result = CliRunner().invoke(main, ["review", *args])
    # A traceback is any exception other than the deliberate sys.exit.
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"exception escaped the CLI: {result.exception!r}") from result.exception
    assert "Traceback" not in result.output + result.stderr
    return result
