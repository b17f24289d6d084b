"""Helpers several test files share (conftest.py holds the fixtures). Importable as
`helpers` because pytest puts tests/ on sys.path (no tests/__init__.py)."""
from __future__ import annotations

import csv
import json
import socket
from functools import lru_cache
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


# ---- judged rewrites (tests/test_rewrite_round*.py) ------------------------------------------
# Each round's tests re-create the rewrite a judgement names, from the real row, as the offline
# review writes it now (composer alone: no index, no library, so the row's own gold never leaks).

_ROOT = Path(__file__).resolve().parent.parent


def judged_file_of(judged_id: str) -> str:
    """The labelled file a judge-set id ("labelled:T001-03", "RA01:RA01-07") comes from."""
    stem = judged_id.split(":", 1)[0]
    if stem == "labelled":
        return "eval/labelled.jsonl"
    # Tables collected for a blind round only (round 5: RH01, RI01) live apart from the regional sets.
    return f"eval/regions/{stem}.jsonl" if (_ROOT / f"eval/regions/{stem}.jsonl").exists() else f"eval/blind/regions/{stem}.jsonl"


@lru_cache(maxsize=None)
def reviewed_offline(file: str):
    from classifier.ingest import read_path
    from classifier.pipeline import review
    return review(read_path(_ROOT / file), use_index=False, library=False)


@lru_cache(maxsize=None)
def judged_labels(*judged_files: str) -> dict[str, list[str]]:
    """id → the labels a judged round answered, over these judge-set files."""
    out = {}
    for f in judged_files:
        for line in (_ROOT / f).read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                out[r["id"]] = r["labels"]
    return out


def judged_rewrite(judged_id: str, *judged_files: str, round_name: str = "judged"):
    """(project, row, rewrite) of a judged row as the offline review writes it; a row the
    labellers no longer flag is rewritten for the labels the judged round answered, by the
    same suggest_rewrite the review calls."""
    from classifier.models import Finding
    from classifier.rewrite import suggest_rewrite
    rv = reviewed_offline(judged_file_of(judged_id))
    rid = judged_id.split(":", 1)[1]
    p, ind = next((p, i) for p, i in rv.rows() if i.id == rid)
    if rid in rv.rewrites:
        return p, ind, rv.rewrites[rid]
    findings = [Finding(code, "warn", "", round_name, row_id=rid) for code in judged_labels(*judged_files)[judged_id]]
    return p, ind, suggest_rewrite(ind, p, findings)


# The judged files that hold every seed and regional row at its latest judged rewrite before round 12, latest first.
LATEST_JUDGED = ("eval/judged/round11.jsonl", "eval/judged/round10.jsonl", "eval/judged/round8_blind.jsonl",
                 "eval/judged/round8_on7blind.jsonl", "eval/judged/round7.jsonl")


def latest_rewrite(jid: str, round_name: str):
    """judged_rewrite over LATEST_JUDGED; a bare seed id ("T004-04") means the labelled set's row."""
    return judged_rewrite(jid if ":" in jid else f"labelled:{jid}", *LATEST_JUDGED, round_name=round_name)


def numbers_kept_by(ind, rw) -> bool:
    """Every number of the published row is still in the rewrite's name, description, value or rationale (the
    rationale is part of every rewrite, LABELS.md; round 11 moved the notes to the reviewer there)."""
    from classifier.meaning import rewrite_text
    from classifier.rewrite import numbers_kept, original_text
    return numbers_kept(original_text(ind), rewrite_text(rw))


def probe_of(ind, rw):
    """The rewrite as a row the rules can read (its proposal mark off the value)."""
    from classifier.compose import PROPOSAL
    from classifier.models import Indicator
    return Indicator(ind.id, rw.level1, rw.level2, rw.level3, rw.description, rw.value.replace(PROPOSAL, ""))


def formula_parts(rw) -> tuple[str, str]:
    """(numerator, denominator) of a rewrite's "计算公式：…/…×100%"."""
    import re
    m = re.search(r"计算公式：([^/×]+)/([^×]+)×100%", rw.description)
    assert m, rw.description
    return m.group(1), m.group(2)


def unseen_row(level2: str, level3: str, description: str, value: str, codes: set[str], *, title="", budget=None,
               level1="产出指标", siblings=(), round_name="constructed"):
    """A row of a table nobody here has seen (another province's style), rewritten as the review does: the composer
    alone, then the meaning check. Returns (project, row, rewrite)."""
    from classifier.models import Finding, Indicator, Project
    from classifier.rewrite import suggest_rewrite

    p = Project("X001", title, budget=budget)
    ind = Indicator("X001-01", level1, level2, level3, description, value)
    p.indicators = [ind, *siblings]
    rw = suggest_rewrite(ind, p, [Finding(c, "warn", "", round_name, row_id=ind.id) for c in sorted(codes)])
    return p, ind, rw


def deleted(rw) -> bool:
    """The rewrite proposes the row's deletion (round 12: the answer for a row that measures nothing, in the value and
    the description)."""
    return rw.value == "建议删除本行" and rw.description.startswith("建议删除本行")


LAST_BENEFIT = "删除后本表没有可考核的效益指标"


def signed_deletion(rw) -> bool:
    """A deletion the self-check passes, or one held back only because it would leave the table with no measured 效益
    row (meaning.check_deletion, round 12d: RB02-02)."""
    return rw.status == "ok" or bool(rw.reasons) and all(LAST_BENEFIT in r for r in rw.reasons)
