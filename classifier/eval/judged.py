"""Rewrites judged as a reviewer would (issue 14, item 5): the set to judge,
and the scores of a judged set.

The set: every flagged row of the labelled files given (the seed and the
regional sets eval/regions/*.jsonl), reviewed offline with the indicator
library held out so that no row can retrieve its own gold rewrite — the
row's unit for the seed (one province), the row's province for regional rows.
Each line: id, file, province, original row, labels, the rewrite (with its
status, meaning-check reasons and library reference) and two empty
judgements {annotator, verdict: accept|minor|wrong, pattern, reason}.

The scores (pure functions of the judged file): accept / minor / wrong rates
(a row's verdict is the stricter of its judgements), numbers kept, the share
the meaning check sent to needs_human, `wrong` rewrites the check let through
as ok (each one a bug), and counts per failure pattern — per backend."""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

from ..models import Project
from ..names import name
from ..meaning import rewrite_text
from ..rewrite import numbers_kept, original_text

VERDICTS = ("accept", "minor", "wrong")
STRICTNESS = {v: i for i, v in enumerate(VERDICTS)}
# Failure patterns a judge may name (free text is allowed too; these keep counts comparable across rounds).
PATTERNS = ("drops_number", "wrong_direction", "kind_changed", "still_vague", "ungrammatical", "residue",
            "undefined_grade", "invented_fact", "wrong_unit", "meaning_changed", "other")
KIND = "indicator-qa/judge-set"


class JudgedError(ValueError):
    """A judged file that cannot be scored; the message names file and line."""


def is_judged_file(path: str | Path) -> bool:
    path = Path(path)
    if path.suffix != ".jsonl" or not path.is_file():
        return False
    with path.open(encoding="utf-8-sig", errors="replace") as fh:
        for line in fh:
            if line.strip():
                try:
                    d = json.loads(line)
                except json.JSONDecodeError:
                    return False
                return isinstance(d, dict) and "judgements" in d
    return False


# ---------------------------------------------------------------- producing the set


def _hold_out_for(project: Project, regional: bool):
    from ..library import hold_out_province, hold_out_unit

    return hold_out_province if regional else hold_out_unit


def judge_rows(paths: list[Path], backend: str = "offline", same_as: list[dict] | None = None) -> tuple[list[dict], list[str]]:
    """Rows to judge from labelled files, and the reading problems (Chinese).

    `same_as`: the rows of an earlier round (load_judged). Then exactly its ids are
    written, in its order, so a change is judged on the same items: a row the
    labellers no longer flag is rewritten for the labels that round answered
    (`labels_from: "previous"`), a row that cannot be found is named in the problems."""
    from ..ingest import read_path
    from ..library import LibraryView, open_view, province_of
    from ..pipeline import review
    from .harness import take_gold

    base: LibraryView = open_view()
    wanted = {r["id"]: list(r.get("labels") or []) for r in same_as or [] if r.get("id")}
    out, problems = [], []
    for path in paths:
        read = read_path(path)
        problems += [str(pr) for pr in read.problems]
        if not read.projects:
            continue
        gold = take_gold(read.projects)
        regional = path.parent.name == "regions"
        # One hold-out per file kind: a seed row never sees its own unit, a regional row never its own province.
        view = base.with_hold_out(_hold_out_for(read.projects[0], regional))
        rv = review(read, backend, use_index=False, library=view)
        meta = _row_meta(path)
        for p, ind in rv.rows():
            rw = rv.rewrites.get(ind.id)
            jid = f"{path.stem}:{ind.id}"
            labels_from = None
            if rw is None and jid in wanted:
                rw = _rewrite_for(ind, p, wanted[jid], rv, view, backend)
                labels_from = "previous"
            if rw is None:
                continue
            m = meta.get(ind.id, {})
            out.append({
                "kind": KIND, "id": f"{path.stem}:{ind.id}", "file": str(path), "backend": backend,
                "hold_out": "province" if regional else "unit",
                "province": m.get("province") or province_of(p.unit, p.title), "region": m.get("region") or "", "project": p.title, "unit": p.unit,
                "original": {k: getattr(ind, k) for k in ("level1", "level2", "level3", "description", "value")},
                "labels": wanted[jid] if labels_from else rv.labels(ind.id), "gold_labels": gold.get(ind.id, {}).get("labels"),
                "rewrite": rw.to_dict(),
                "numbers_kept": numbers_kept(original_text(ind),
                                             rewrite_text(rw)),
                "judgements": [{"annotator": "", "verdict": "", "pattern": "", "reason": ""} for _ in range(2)],
            } | ({"labels_from": labels_from} if labels_from else {}))
    if same_as is not None:
        by_id = {r["id"]: r for r in out}
        lost = [jid for jid in wanted if jid not in by_id]
        problems += [f"上一轮的 {jid} 在标注文件中找不到，未写入" for jid in lost]
        out = [by_id[r["id"]] for r in same_as if r.get("id") in by_id]
    return out, problems


def sample_rows(rows: list[dict], n: int, seed: int, exclude: set[str] | None = None) -> list[dict]:
    """A fresh set to judge: `n` of `rows` whose ids are not in `exclude` (the ids
    earlier rounds judged), stratified over units — the units in a shuffled
    order, one row of each in turn, each unit's rows shuffled too — so no single
    table dominates. `random.Random(seed)` makes the draw repeatable; the result
    is in the rows' own order (file, then row)."""
    import random

    rng = random.Random(seed)
    pool: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        if r["id"] not in (exclude or set()):
            pool[r.get("unit") or r.get("project") or ""].append(i)
    units = sorted(pool)
    rng.shuffle(units)
    for u in units:
        rng.shuffle(pool[u])
    picked: list[int] = []
    while len(picked) < n and any(pool[u] for u in units):
        for u in units:
            if pool[u] and len(picked) < n:
                picked.append(pool[u].pop())
    return [rows[i] for i in sorted(picked)]


def _rewrite_for(ind, p, labels: list[str], rv, view, backend: str):
    """The rewrite of a row for labels an earlier round answered (the labellers now differ)."""
    from ..models import Finding
    from ..rewrite import suggest_rewrite

    if backend != "offline" or not labels:
        return None
    findings = [Finding(code, "warn", "", "上一轮判定的标签", row_id=ind.id) for code in labels]
    return suggest_rewrite(ind, p, findings, library=view)


def _row_meta(path: Path) -> dict[str, dict]:
    meta = {}
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        try:
            d = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(d, dict) and d.get("id"):
            meta[str(d["id"])] = {"province": d.get("province"), "region": d.get("region")}
    return meta


# ---------------------------------------------------------------- scoring


def load_judged(path: str | Path) -> list[dict]:
    path = Path(path)
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except json.JSONDecodeError as e:
            raise JudgedError(f"{path} 第{n}行不是有效的 JSON（{e.msg}）") from None
        if not isinstance(d, dict) or not isinstance(d.get("judgements"), list):
            raise JudgedError(f"{path} 第{n}行缺少 judgements 列表")
        for j in d["judgements"]:
            v = (j or {}).get("verdict", "")
            if v and v not in VERDICTS:
                raise JudgedError(f"{path} 第{n}行（{d.get('id', '')}）的判断“{v}”不是 accept / minor / wrong 之一")
        rows.append(d)
    return rows


def verdict_of(row: dict) -> str | None:
    """The stricter of the row's judgements; None when nobody judged it yet."""
    vs = [j.get("verdict") for j in row.get("judgements") or [] if j and j.get("verdict") in VERDICTS]
    return max(vs, key=STRICTNESS.get) if vs else None


def _ratio(n: int, d: int) -> float | None:
    return round(n / d, 4) if d else None


def score_judged(rows: list[dict]) -> dict:
    """Scores per backend (and `all`)."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        groups[r.get("backend") or "offline"].append(r)
        groups["all"].append(r)
    out = {}
    for backend, rs in sorted(groups.items()):
        judged = [r for r in rs if verdict_of(r)]
        verdicts = Counter(verdict_of(r) for r in judged)
        patterns = Counter(j.get("pattern") or j.get("reason") or "未注明" for r in judged for j in r["judgements"]
                           if j and j.get("verdict") == "wrong")
        status = Counter((r.get("rewrite") or {}).get("status", "ok") for r in rs)
        missed = [r["id"] for r in judged if verdict_of(r) == "wrong" and (r.get("rewrite") or {}).get("status") == "ok"]
        # What a reviewer signs is what the self-check passed: its precision is the
        # product's promise; the needs_human share is what is left to a person.
        by_status = {}
        for st in ("ok", "needs_human"):
            js = [r for r in judged if (r.get("rewrite") or {}).get("status", "ok") == st]
            vs = Counter(verdict_of(r) for r in js)
            by_status[st] = {"judged": len(js), **{v: _ratio(vs[v], len(js)) for v in VERDICTS}}
        both = [r for r in judged if sum(1 for j in r["judgements"] if j and j.get("verdict") in VERDICTS) >= 2]
        agree = sum(1 for r in both if len({j["verdict"] for j in r["judgements"] if j and j.get("verdict")}) == 1)
        out[backend] = {
            "rows": len(rs), "judged": len(judged),
            "accept": _ratio(verdicts["accept"], len(judged)), "minor": _ratio(verdicts["minor"], len(judged)),
            "wrong": _ratio(verdicts["wrong"], len(judged)),
            "numbers_kept": _ratio(sum(1 for r in rs if r.get("numbers_kept")), len(rs)),
            "needs_human": _ratio(status["needs_human"], len(rs)),
            "wrong_but_ok": missed, "patterns": dict(patterns.most_common()), "by_status": by_status,
            "double_judged": len(both), "judges_agree": _ratio(agree, len(both)),
        }
    return out


def render_judged(scores: dict) -> str:
    """Markdown tables of the judged scores, every code by its Chinese name (names.py)."""
    pct = lambda x: "—" if x is None else f"{x:.1%}"  # noqa: E731
    lines = ["| 方式 | 行数 | 已判 | 直接采纳 | 小改 | 错误 | 数字保留 | 转人工 | 错误却自检通过 | 两人一致 |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for b, s in scores.items():
        lines.append(f"| {name('backend', b)} | {s['rows']} | {s['judged']} | {pct(s['accept'])} | {pct(s['minor'])} | "
                     f"{pct(s['wrong'])} | {pct(s['numbers_kept'])} | {pct(s['needs_human'])} | {len(s['wrong_but_ok'])} | "
                     f"{pct(s['judges_agree'])} |")
    lines += ["", "| 方式 | 自检结论 | 已判 | 直接采纳 | 小改 | 错误 |", "|---|---|---:|---:|---:|---:|"]
    for b, s in scores.items():
        for st, g in (s.get("by_status") or {}).items():
            lines.append(f"| {name('backend', b)} | {name('rewrite_status', st)} | {g['judged']} | {pct(g['accept'])} | "
                         f"{pct(g['minor'])} | {pct(g['wrong'])} |")
    for b, s in scores.items():
        if s["patterns"]:
            lines.append(f"\n{name('backend', b)} 错误类型：" + "，".join(f"{name('pattern', k)} {v}" for k, v in s["patterns"].items()))
        if s["wrong_but_ok"]:
            lines.append(f"{name('backend', b)} 判为错误但自检通过（须修复）：" + "、".join(s["wrong_but_ok"][:50]))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the judges' task and their answers

_FIELDS = (("level1", "一级指标"), ("level2", "二级指标"), ("level3", "三级指标"), ("description", "绩效指标描述"),
           ("value", "指标值"))
TASK_HEAD = """# 改写评审任务

你是一名严格的财政局预算绩效审核人。下面每一条是某个项目支出绩效目标表中被标出问题的一行（“原表”），
以及一条建议改写（“改写”）。请判断：这条改写能否以你的名义直接退回给预算单位？
判断依据只有 LABELS.md（六个标签与“Rewrites”一节）和你作为审核人的判断。

- `accept`：可原样发出；
- `minor`：需要小的修改（措辞、口径补一句）才能发出；
- `wrong`：不能发出——改变原意、丢失原表数字、方向错误、仍然空泛不可衡量、语句不通、模板残留或名称粘连、
  使用了未定义的等级、虚构事实、单位不符、与同表其他行重复等。

`wrong` 与 `minor` 请给出 pattern（取其一：{patterns}），每条都写一句中文理由。
标为“（建议值）”的数字是给审核人的建议，不算虚构事实；但与本项目无关的指标算改变原意。
同一项目的各条放在一起：改写之间、改写与原表其他行之间不应重复。

答案写成 JSONL，每条一行：{{"id": "…", "verdict": "accept|minor|wrong", "pattern": "…", "reason": "…"}}
"""


def judge_task(rows: list[dict]) -> str:
    """The text two judges work from: each row's project, original, labels and rewrite
    (five fields and rationale), grouped by project in the set's order. What the
    self-check said (status, reasons, what remains flagged) is left out, so the
    judges' verdicts are theirs alone. Indicator text is quoted as data."""
    from ..names import names as zh_names

    out = [TASK_HEAD.format(patterns="、".join(PATTERNS))]
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        groups[(r.get("file") or "", r.get("unit") or "", r.get("project") or "")].append(r)
    for (_, unit, project), rs in groups.items():
        region = rs[0].get("region") or rs[0].get("province") or ""
        out.append(f"\n## 项目：{project}\n单位：{unit}　地区：{region}\n")
        for r in rs:
            o, w = r.get("original") or {}, r.get("rewrite") or {}
            out.append(f"### {r['id']}\n被标出的问题：{zh_names('label', r.get('labels') or []) or '（无）'}\n")
            out.append("| | " + " | ".join(zh for _, zh in _FIELDS) + " |\n|---|" + "---|" * len(_FIELDS))
            for who, d in (("原表", o), ("改写", w)):
                cells = [str(d.get(k) or "").replace("|", "｜").replace("\n", " ") for k, _ in _FIELDS]
                out.append(f"| {who} | " + " | ".join(cells) + " |")
            out.append(f"\n改写说明：{w.get('rationale') or ''}\n")
    return "\n".join(out) + "\n"


def merge_judgements(rows: list[dict], answers: dict[str, list[dict]]) -> tuple[list[dict], list[str]]:
    """The set with each judge's answers in its judgements (one per annotator, in the
    order given), and the problems (Chinese): an answer for an id not in the set, a
    verdict not in VERDICTS, a row a judge left out. Rows are copied, never changed."""
    problems: list[str] = []
    by_judge: dict[str, dict[str, dict]] = {}
    ids = {r["id"] for r in rows}
    for judge, given in answers.items():
        seen: dict[str, dict] = {}
        for a in given:
            jid, verdict = a.get("id"), a.get("verdict")
            if jid not in ids:
                problems.append(f"{judge} 判了不在本组中的 {jid}")
            elif verdict not in VERDICTS:
                problems.append(f"{judge} 对 {jid} 的判断“{verdict}”不是 accept / minor / wrong 之一")
            else:
                seen[jid] = a
        problems += [f"{judge} 没有判 {r['id']}" for r in rows if r["id"] not in seen]
        by_judge[judge] = seen
    merged = []
    for r in rows:
        js = [{"annotator": judge, "verdict": a["verdict"], "pattern": a.get("pattern") or "",
               "reason": a.get("reason") or ""}
              for judge, seen in by_judge.items() if (a := seen.get(r["id"]))]
        merged.append({**r, "judgements": js or r.get("judgements") or []})
    return merged, problems
