"""Bigger corpora built from the seed, for timing growth with rows.

Copy k of the seed keeps every table's shape but perturbs what differs between
real agencies: numbers (targets, budgets), names (project titles, districts)
and units (the agency, and count units such as 个/项/件). Copy 0 is the seed
itself. About a third of the rows keep their text unchanged, as stock rows do
in real budgets, so the copy-paste search sees large groups of identical rows.

    python bench/corpus.py 10 /tmp/seed_x10.csv      # 7,430 rows
"""
from __future__ import annotations

import copy
import csv
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from classifier.models import Project  # noqa: E402

DISTRICTS = ("和平区", "河东区", "河西区", "南开区", "河北区", "红桥区", "东丽区", "西青区", "津南区", "北辰区",
             "武清区", "宝坻区", "滨海新区", "宁河区", "静海区", "蓟州区")
# Count units a reviewer reads as the same kind: swapping among them keeps a row plausible.
COUNT_UNITS = ("个", "项", "件", "次", "场", "家", "所")
NUM_RE = re.compile(r"\d+(?:\.\d+)?")
COLUMNS = ("项目名称", "主管部门", "预算数", "绩效目标", "一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值")


def _scale_number(m: re.Match, factor: float, after: str) -> str:
    text = m.group(0)
    x = float(text)
    if after.startswith("%"):
        # Rates stay rates: move within 80–100 rather than scale past 100%.
        y = min(100.0, max(80.0, x + round((factor - 1) * 5)))
    elif 1900 <= x <= 2100 and "." not in text:
        return text  # a year
    else:
        y = x * factor
    return f"{y:.2f}".rstrip("0").rstrip(".") if "." in text else str(max(1, round(y)))


def perturb_text(text: str, factor: float, rng: random.Random) -> str:
    """Numbers scaled by `factor` (rates kept ≤100%, years kept); a count unit
    right after a number swapped for another count unit now and then."""
    out, last = [], 0
    for m in NUM_RE.finditer(text):
        after = text[m.end():m.end() + 1]
        out.append(text[last:m.start()])
        out.append(_scale_number(m, factor, after))
        last = m.end()
    out.append(text[last:])
    new = "".join(out)
    if rng.random() < 0.3:
        new = re.sub(r"(?<=\d)(" + "|".join(COUNT_UNITS) + r")", lambda _: rng.choice(COUNT_UNITS), new, count=1)
    return new


def perturb_project(p: Project, k: int, rng: random.Random) -> Project:
    """Copy k (≥1) of a seed project: new agency, title and numbers."""
    q = copy.deepcopy(p)
    district = DISTRICTS[(k - 1) % len(DISTRICTS)]
    batch = (k - 1) // len(DISTRICTS) + 1
    q.title = f"{district}{p.title}（第{batch}批）" if batch > 1 else f"{district}{p.title}"
    code = f"{int(p.unit_code or 340000) + 1000 * k}"
    q.unit_code, q.unit_name = code, f"{district}{p.unit_name or p.unit}"
    q.unit = q.unit_code + q.unit_name
    factor = rng.choice((0.5, 0.8, 1.2, 1.5, 2.0, 3.0))
    if q.budget is not None:
        q.budget = round(p.budget * factor, 2)
    for ind in q.indicators:
        if rng.random() < 0.35:
            continue  # a stock row, copied as is
        ind.value = perturb_text(ind.value, factor, rng)
        if rng.random() < 0.5:
            ind.description = perturb_text(ind.description, factor, rng)
        if rng.random() < 0.3 and ind.description and district not in ind.description:
            ind.description = f"{district}{ind.description}"
    return q


def build(projects: list[Project], times: int, seed: int = 0) -> list[Project]:
    """`times` copies of the seed projects (the first one unchanged)."""
    rng = random.Random(seed)
    out = [copy.deepcopy(p) for p in projects]
    for k in range(1, times):
        out.extend(perturb_project(p, k, rng) for p in projects)
    return out


def write_csv(projects: list[Project], path: str | Path) -> int:
    """One row per indicator, project columns repeated (the CSV reader's layout)."""
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for p in projects:
            budget = "" if p.budget is None else f"{p.budget:g}"
            for ind in p.indicators:
                w.writerow((p.title, p.unit, budget, p.goal, ind.level1, ind.level2, ind.level3, ind.description, ind.value))
                n += 1
    return n


def build_file(times: int, path: str | Path, seed: int = 0) -> int:
    from classifier.config import example_path
    from classifier.ingest import read_path

    return write_csv(build(read_path(example_path()).projects, times, seed), path)


if __name__ == "__main__":
    times, dest = int(sys.argv[1]), sys.argv[2]
    print(f"{build_file(times, dest)} rows → {dest}")
