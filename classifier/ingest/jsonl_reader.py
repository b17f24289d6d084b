"""Reader for labelled rows in the JSONL format of LABELS.md.

Lines are grouped into projects by (project, unit) in order of first
appearance, and keep the ids written in the file so labels, findings and
reports can be matched back to them. The gold annotations (labels, rewrite,
note) go only into Indicator.gold_* — predictors never read those fields."""
from __future__ import annotations

import json
import re

from ..models import LABELS, Indicator, Problem, Project, ReadResult
from .common import read_money, split_unit
from .tabular import unit_parts

ID_RE = re.compile(r"^(T\d+)-\d+$")
TEXT_KEYS = ("project", "unit", "level1", "level2", "level3", "description", "value", "note")


def _s(v) -> str:
    return "" if v is None else str(v).strip()


def read_jsonl(text: str, name: str) -> ReadResult:
    result = ReadResult()
    groups: dict[tuple[str, str], Project] = {}
    used_ids: set[str] = set()
    seen_rows: set[str] = set()
    for lineno, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except json.JSONDecodeError as exc:
            result.problems.append(Problem(name, f"第{lineno}行不是有效的 JSON（{exc.msg}，第{exc.colno}列），已跳过", table=1, row=lineno))
            continue
        except RecursionError:  # [[[[…]]]] thousands deep: this line only, never the whole file
            result.problems.append(Problem(name, f"第{lineno}行的 JSON 嵌套过深（{len(line):,} 个字符），已跳过", table=1, row=lineno))
            continue
        if not isinstance(d, dict):
            result.problems.append(Problem(name, f"第{lineno}行不是 JSON 对象，已跳过", table=1, row=lineno))
            continue
        f = {k: _s(d.get(k)) for k in TEXT_KEYS}
        if not (f["level3"] or f["description"] or f["value"]):
            result.problems.append(Problem(name, "该行没有 level3/description/value，已跳过", table=1, row=lineno))
            continue
        key = (f["project"], f["unit"])
        rid = _s(d.get("id"))
        if key not in groups:
            m = ID_RE.match(rid)
            pid = m.group(1) if m and m.group(1) not in used_ids else ""
            k = len(groups) + 1
            while not pid or pid in used_ids:  # a fresh id that no other group uses
                pid, k = f"T{k:03d}", k + 1
            used_ids.add(pid)
            code, uname = unit_parts(f["unit"])
            budget, why = read_money(_s(d.get("budget")))
            if why:
                result.problems.append(Problem(name, why, table=1, row=lineno))
            groups[key] = Project(id=pid, title=f["project"], unit=f["unit"], unit_code=code, unit_name=uname,
                                  budget=budget, table_index=len(groups))
        p = groups[key]
        if not rid or rid in seen_rows:
            if rid:
                result.problems.append(Problem(name, f"id“{rid}”重复，已改用新 id", table=1, row=lineno))
            rid = f"{p.id}-{len(p.indicators) + 1:02d}"
            while rid in seen_rows:
                rid += "b"
        seen_rows.add(rid)
        labels = d.get("labels")
        if labels is not None and not (isinstance(labels, list) and all(isinstance(x, str) for x in labels)):
            result.problems.append(Problem(name, "labels 应为字符串列表，已按未标注处理", table=1, row=lineno))
            labels = None
        bad = [x for x in labels or [] if x not in LABELS]
        if bad:
            result.problems.append(Problem(name, f"未知的标签：{'、'.join(bad)}", table=1, row=lineno))
        rewrite = d.get("rewrite")
        p.indicators.append(Indicator(
            id=rid, level1=f["level1"], level2=f["level2"], level3=f["level3"], description=f["description"],
            value=f["value"], row=lineno, value_parts=split_unit(f["value"]),
            gold_labels=list(labels) if labels is not None else None,
            gold_rewrite=rewrite if isinstance(rewrite, dict) else None, gold_note=f["note"],
        ))
    result.projects = list(groups.values())
    return result
