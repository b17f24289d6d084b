"""`indicator-qa library` (build, list, search the indicator library) and
`indicator-qa judge-set`, `judge-task`, `judge-merge` (the rewrites a reviewer judges). Thin: options in,
library calls, Chinese out."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .models import KIND_ZH, ORIGIN_ZH
from .outputs import OutputError, atomic_write, terminal_safe

EXIT_UNREADABLE = 2


def _fail(msg: str) -> None:
    click.echo(f"错误：{msg}", err=True)
    sys.exit(EXIT_UNREADABLE)


def _open():
    from .library import Library

    try:
        lib = Library()
    except Exception as e:  # a server that is down, a directory we may not write
        _fail(f"无法打开指标库（{type(e).__name__}: {e}）")
    for m in lib.messages:
        click.echo(f"注意：{m}", err=True)
    return lib


def _line(e, score: float | None = None) -> str:
    head = f"{score:.3f}  " if score is not None else ""
    where = f"[{e.agency}] {e.project}" if e.agency or e.project else ""
    # Indicator text is data: control characters from a pasted cell are shown escaped, never sent to the terminal.
    return terminal_safe(f"{head}{KIND_ZH.get(e.kind, e.kind)}｜{e.level2}｜{e.level3}｜{e.description}｜{e.value}"
                         f"  （{ORIGIN_ZH.get(e.origin, e.origin)}；{where}）")


@click.group("library")
def library_cmd() -> None:
    """The indicator library: good indicators from the labelled sets, reviewers'
    accepted rewrites and the clean rows of reviewed tables.

    \b
    Examples:
      indicator-qa library build
      indicator-qa library build examples/tianjin_2022_project_targets.txt
      indicator-qa library list --kind rate --limit 20
      indicator-qa library search "设备维护及时率" --kind rate
    """


@library_cmd.command("build")
@click.argument("paths", nargs=-1, type=click.Path())
def build_cmd(paths):
    """Sync the library with its sources; PATHS are reviewed (offline) and their clean rows added."""
    from .library import known_entries

    lib = _open()
    entries = known_entries()
    if paths:
        from .ingest import read_paths
        from .library import entries_from_review
        from .pipeline import review

        read = read_paths(list(paths))
        for pr in read.problems:
            click.echo(f"注意：{pr}", err=True)
        if read.projects:
            entries += entries_from_review(review(read, "offline", library=False))
    stats = lib.sync(list({e.id: e for e in entries}.values()))
    click.echo(f"指标库共 {stats['total']} 条（本次来源 {stats['entries']} 条，新增 {stats['added']}，移除 {stats['removed']}）。")


@library_cmd.command("list")
@click.option("--kind", type=click.Choice(list(KIND_ZH)), default=None, help="Only entries of this indicator kind.")
@click.option("--origin", type=click.Choice(list(ORIGIN_ZH)), default=None, help="gold | reviewer | table")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def list_cmd(kind, origin, limit, fmt):
    """List library entries (sorted by kind, level and name)."""
    lib = _open()
    entries, _ = lib.all()
    rows = sorted((e for e in entries if (not kind or e.kind == kind) and (not origin or e.origin == origin)),
                  key=lambda e: (e.kind, e.level2, e.level3, e.id))
    if fmt == "json":
        click.echo(json.dumps([e.to_dict() for e in rows[:limit]], ensure_ascii=False, indent=1))
    else:
        for e in rows[:limit]:
            click.echo(_line(e))
    click.echo(f"共 {len(rows)} 条" + (f"，显示前 {limit} 条" if len(rows) > limit else "") + "。", err=True)


@library_cmd.command("search")
@click.argument("text")
@click.option("--kind", type=click.Choice(list(KIND_ZH)), default=None)
@click.option("--level2", default=None, help="二级指标, e.g. 质量指标")
@click.option("--origin", type=click.Choice(list(ORIGIN_ZH)), default=None)
@click.option("--k", default=10, show_default=True, type=click.IntRange(1, 200))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def search_cmd(text, kind, level2, origin, k, fmt):
    """Entries whose names are nearest to TEXT (an indicator name)."""
    lib = _open()
    if lib.count() == 0:
        _fail("指标库为空：先运行 indicator-qa library build")
    hits = lib.search(text, k=k, kind=kind, level2=level2, origin=origin)
    if fmt == "json":
        click.echo(json.dumps([h.entry.to_dict() | {"score": h.score} for h in hits], ensure_ascii=False, indent=1))
        return
    for h in hits:
        click.echo(_line(h.entry, h.score))


@click.command("judge-set")
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="JSONL to write (one rewrite to judge per line).")
@click.option("--backend", type=click.Choice(["offline", "openai"]), default="offline", show_default=True)
@click.option("--same-as", "same_as", type=click.Path(exists=True, dir_okay=False), default=None,
              help="一轮已判的 JSONL：只写它的那些行，顺序相同，便于逐条复判。")
@click.option("--sample", "sample", type=click.IntRange(1, None), default=None,
              help="只抽取 N 条（按单位分层，见 --seed、--exclude），用于从未判过的新一组。")
@click.option("--seed", "seed", type=int, default=3, show_default=True, help="抽样的随机种子（固定种子可复现）。")
@click.option("--exclude", "exclude", type=click.Path(exists=True, dir_okay=False), multiple=True,
              help="已判过的 JSONL（可多次给出）：其中的行不进入抽样。")
def judge_set_cmd(paths, out, backend, same_as, sample, seed, exclude):
    """The rewrites to judge: every flagged row of the labelled files (default:
    eval/labelled.jsonl and eval/regions/*.jsonl), rewritten with the library
    held out (seed: the row's unit; regional rows: the row's province), with two
    empty judgements each. Judge them, then score with `indicator-qa eval FILE`.

    \b
    Examples:
      indicator-qa judge-set --out eval/judged/round1.jsonl
      indicator-qa judge-set eval/regions/hunan.jsonl --out /tmp/hunan_to_judge.jsonl
      indicator-qa judge-set --same-as eval/judged/round1.jsonl --out eval/judged/round2_to_judge.jsonl
      indicator-qa judge-set eval/labelled.jsonl --sample 100 --seed 3 --exclude eval/judged/round2.jsonl --out eval/judged/round3_fresh_to_judge.jsonl
    """
    from .eval.judged import judge_rows
    from .library import labelled_files

    files = [Path(p) for p in paths] or labelled_files()
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        _fail(f"找不到标注文件：{'、'.join(missing)}")
    from .eval.judged import JudgedError, load_judged

    previous = None
    if same_as:
        try:
            previous = load_judged(same_as)
        except JudgedError as e:
            _fail(str(e))
    if sample and same_as:
        _fail("--sample 与 --same-as 不能同时使用：一个抽新行，一个复判旧行")
    excluded: set[str] = set()
    for f in exclude:
        try:
            excluded |= {r["id"] for r in load_judged(f) if r.get("id")}
        except JudgedError as e:
            _fail(str(e))
    rows, problems = judge_rows(files, backend, same_as=previous)
    if sample:
        from .eval.judged import sample_rows

        rows = sample_rows(rows, sample, seed, excluded)
        if len(rows) < sample:
            click.echo(f"注意：除去已判过的行，只有 {len(rows)} 条可抽（要求 {sample} 条）", err=True)
    for pr in problems:
        click.echo(f"注意：{pr}", err=True)
    try:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        atomic_write(out, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    except OSError as e:  # OutputError says which file and why, in Chinese
        _fail(str(e) if isinstance(e, OutputError) else f"无法写入 {out}：{e.strerror or e}")
    need = sum(1 for r in rows if r["rewrite"]["status"] != "ok")
    click.echo(f"已写入 {out}：{len(rows)} 条改写待判（{len(files)} 个文件，其中 {need} 条自检为需人工确认）。", err=True)


@click.command("judge-task")
@click.argument("judge_set", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Markdown to write (the judges' task).")
def judge_task_cmd(judge_set, out):
    """The text two independent judges work from, for a set written by `judge-set`:
    every rewrite beside its original, grouped by project, without the self-check's
    status or reasons. Each judge answers in a JSONL of {id, verdict, pattern, reason};
    `indicator-qa judge-merge` puts the answers into the set.

    \b
    Example:
      indicator-qa judge-task eval/judged/round10_to_judge.jsonl --out /tmp/round10_task.md
    """
    from .eval.judged import JudgedError, judge_task, load_judged

    try:
        rows = load_judged(judge_set)
    except JudgedError as e:
        _fail(str(e))
    try:
        atomic_write(out, judge_task(rows))
    except OSError as e:
        _fail(str(e) if isinstance(e, OutputError) else f"无法写入 {out}：{e.strerror or e}")
    click.echo(f"已写入 {out}：{len(rows)} 条改写的评审任务。", err=True)


@click.command("judge-merge")
@click.argument("judge_set", type=click.Path(exists=True, dir_okay=False))
@click.option("--judge", "judges", multiple=True, required=True, metavar="NAME=FILE",
              help="一位评审人的答案（JSONL，每行 id、verdict、pattern、reason），可多次给出。")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="JSONL to write (the judged set).")
def judge_merge_cmd(judge_set, judges, out):
    """Put the judges' answers into a set written by `judge-set`, one judgement per
    judge, and write the judged set for `indicator-qa eval`. An answer for an id not
    in the set, an unknown verdict or a row a judge left out is named; nothing is
    written then.

    \b
    Example:
      indicator-qa judge-merge eval/judged/round10_to_judge.jsonl --judge judge_23=/tmp/j23.jsonl \\
        --judge judge_24=/tmp/j24.jsonl --out eval/judged/round10.jsonl
    """
    from .eval.judged import JudgedError, load_judged, merge_judgements

    try:
        rows = load_judged(judge_set)
    except JudgedError as e:
        _fail(str(e))
    answers: dict[str, list[dict]] = {}
    for spec in judges:
        who, sep, path = spec.partition("=")
        if not sep or not who or not path:
            _fail(f"--judge 应写成 评审人=文件，而不是“{spec}”")
        given = []
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except OSError as e:
            _fail(f"无法读取 {path}：{e.strerror or e}")
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
            except json.JSONDecodeError as e:
                _fail(f"{path} 第{n}行不是有效的 JSON（{e.msg}）")
            if not isinstance(d, dict):
                _fail(f"{path} 第{n}行不是一个对象")
            given.append(d)
        answers[who] = given
    merged, problems = merge_judgements(rows, answers)
    if problems:
        for pr in problems[:50]:
            click.echo(f"错误：{pr}", err=True)
        _fail(f"{len(problems)} 处答案与本组不符，未写入 {out}")
    try:
        atomic_write(out, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in merged))
    except OSError as e:
        _fail(str(e) if isinstance(e, OutputError) else f"无法写入 {out}：{e.strerror or e}")
    click.echo(f"已写入 {out}：{len(merged)} 条，{len(answers)} 位评审人。用 indicator-qa eval {out} 计分。", err=True)
