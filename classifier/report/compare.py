"""What changed since an earlier review: rows fixed, rows newly flagged, units
that improved. The baseline is the JSON of `indicator-qa review --format json`
(a JSONL of rows is accepted too).

Rows are matched by where they stand, not by id: unit + project title + 一级 +
二级 + 三级 name (+ occurrence), because ids shift when files are re-ordered and
a fixed row usually keeps its name while its description and value change."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from ..models import LABELS
from ..pipeline import Review
from ..values import normalize


class BaselineError(ValueError):
    """The baseline file cannot be used; the message names the file and why."""


def load_baseline(path: str | Path) -> list[dict]:
    """Rows (review row dicts) of an earlier review's JSON or JSONL output."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise BaselineError(f"{path}: 无法打开基线文件：{exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise BaselineError(f"{path}: 基线文件不是 UTF-8 文本") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("projects"), list):
        rows = [r for p in data["projects"] if isinstance(p, dict) for r in p.get("indicators") or []]
    elif data is None:
        rows = []
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise BaselineError(f"{path}: 第{n}行不是有效的 JSON（{exc.msg}）；请使用 `indicator-qa review --format json` 的输出") from None
    else:
        raise BaselineError(f"{path}: 不是 `indicator-qa review --format json` 的输出（缺少 projects 列表）")
    bad = [k for k, r in enumerate(rows, start=1) if not isinstance(r, dict) or "level3" not in r or "labels" not in r]
    if bad:
        raise BaselineError(f"{path}: 第{bad[0]}个指标行缺少 level3 或 labels 字段，无法比较")
    return rows


def _keyed(rows: list[dict]) -> dict[tuple, dict]:
    seen: Counter = Counter()
    out = {}
    for r in rows:
        base = (r.get("unit") or "", normalize(r.get("project") or ""), normalize(r.get("level1") or ""),
                normalize(r.get("level2") or ""), normalize(r.get("level3") or ""))
        out[base + (seen[base],)] = r
        seen[base] += 1
    return out


def _brief(r: dict, **extra) -> dict:
    keep = ("id", "unit", "project", "level1", "level2", "level3", "description", "value")
    return {k: r.get(k, "") for k in keep} | extra


def _figures(rows: list[dict]) -> dict:
    flagged = sum(1 for r in rows if r["labels"])
    by_label = Counter(l for r in rows for l in r["labels"])
    return {"rows": len(rows), "flagged_rows": flagged, "flagged_share": round(flagged / len(rows), 4) if rows else 0.0,
            "by_label": {l: by_label.get(l, 0) for l in LABELS}}


def compare(rv: Review, baseline_rows: list[dict]) -> dict:
    """Pure comparison of the current review with an earlier one's rows."""
    now_rows = [rv.row_dict(p, ind) for p, ind in rv.rows()]
    before, after = _keyed(baseline_rows), _keyed(now_rows)
    fixed, removed, newly = [], [], []
    for key, old in before.items():
        if not old["labels"]:
            continue
        new = after.get(key)
        if new is None:
            removed.append(_brief(old, labels_before=old["labels"]))
        elif not new["labels"]:
            fixed.append(_brief(new, labels_before=old["labels"], before_description=old.get("description", ""),
                                before_value=old.get("value", "")))
    for key, new in after.items():
        old = before.get(key)
        if new["labels"] and (old is None or not old["labels"]):
            newly.append(_brief(new, labels_after=new["labels"], new_row=old is None))
    units = []
    for unit in sorted({r.get("unit") or "" for r in baseline_rows} | {r["unit"] or "" for r in now_rows}):
        b = _figures([r for r in baseline_rows if (r.get("unit") or "") == unit])
        a = _figures([r for r in now_rows if (r["unit"] or "") == unit])
        if not b["rows"]:
            status = "new"
        elif not a["rows"]:
            status = "gone"
        elif a["flagged_share"] < b["flagged_share"]:
            status = "improved"
        elif a["flagged_share"] > b["flagged_share"]:
            status = "worse"
        else:
            status = "same"
        units.append({"unit": unit, "before_rows": b["rows"], "before_flagged": b["flagged_rows"],
                      "before_share": b["flagged_share"], "after_rows": a["rows"], "after_flagged": a["flagged_rows"],
                      "after_share": a["flagged_share"], "status": status})
    return {"before": _figures(baseline_rows), "after": _figures(now_rows), "fixed": fixed, "removed": removed,
            "newly_flagged": newly, "units": units,
            "improved_units": [u["unit"] for u in units if u["status"] == "improved"],
            "worse_units": [u["unit"] for u in units if u["status"] == "worse"]}
