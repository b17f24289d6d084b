"""Thin command line over the library: `indicator-qa review|...`."""
from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

import click

from .config import DataDirError, data_dir
from .ingest import read_paths
from .models import LABELS_ZH, REWRITE_STATUS_ZH, ReadResult
from .names import name
from .outputs import OutputError, atomic_write, os_error_zh, terminal_safe
from .pipeline import Review, review

EXIT_FINDINGS = 1
EXIT_UNREADABLE = 2
EXIT_IO = 3  # an output (--out, stdout) or the data directory could not be written; nothing half-written is left

EXIT_CODES_HELP = """\b
Exit codes:
  0  done
  1  --fail-on matched a finding
  2  nothing could be read, or a setting is wrong
  3  an output (--out, stdout) or the data directory could not be written;
     the previous file is kept as it was"""


def say(text: str) -> None:
    """One line for the user on stderr; control characters in names or cells are shown escaped."""
    click.echo(terminal_safe(text), err=True)


class _Bar:
    """tqdm on stderr, only for long inputs (a short file should print nothing extra)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.bar = None

    def __call__(self, done: int, total: int, what: str) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        if self.bar is None:
            self.bar = tqdm(total=total, desc=what, unit="行", file=sys.stderr, leave=False)
        self.bar.set_description(what)
        self.bar.n = done
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _say_problems(problems) -> None:
    """One `注意：` line on stderr per Problem (file, table and row where known)."""
    for pr in problems:
        say(f"注意：{pr}")


def _read_or_exit(paths, include_hidden_sheets: bool = False):
    """Read every path, say what could not be read; exit 2 when nothing could.
    Long reads (many files, big sheets) show a bar on a terminal."""
    from tqdm import tqdm

    from .ingest.limits import from_env

    limits = from_env(include_hidden_sheets=include_hidden_sheets or None)
    with tqdm(desc="读取", unit="步", file=sys.stderr, disable=None, leave=False) as bar:
        def progress(done: int, total: int, what: str) -> None:
            bar.set_description(what)
            if total:
                bar.total = total
            bar.n = done
            bar.refresh()

        read = read_paths(list(paths), limits=limits, progress=progress)
    _say_problems(read.problems)
    if not read.projects:
        say("错误：没有可读取的指标表。")
        sys.exit(EXIT_UNREADABLE)
    return read


def _say_review_problems(rv: Review, read) -> None:
    """What the review itself found (index rebuilt or unavailable, model refused,
    endpoint down), after what reading found, which was said before the review."""
    _say_problems(rv.problems[len(read.problems):])


def _emit(text, out: str | None) -> None:
    """To --out all at once (temporary file + rename), else to stdout; exit
    EXIT_IO with the path and the cause when it cannot be written. `text`: a
    string or an iterable of chunks (written as they come)."""
    if out:
        try:
            atomic_write(out, text)
        except OutputError as exc:
            say(f"错误：{exc.strerror}")
            sys.exit(EXIT_IO)
        say(f"已写入 {out}")
        return
    try:
        for chunk in [text] if isinstance(text, str) else text:
            click.echo(chunk, nl=False)
        sys.stdout.flush()
    except OSError as exc:  # stdout on a full disk or a closed pipe
        say(f"错误：无法写入标准输出：{os_error_zh(exc)}")
        sys.exit(EXIT_IO)


def render_table(rv: Review) -> str:
    lines = []
    for p in rv.projects:
        pf = rv.project_findings(p.id)
        flagged = [ind for ind in p.indicators if rv.labels(ind.id)]
        budget = f"{p.budget:g}万元" if p.budget is not None else "预算未知"
        lines.append(f"■ {p.id} {p.title}  [{p.unit}] {budget}  {len(flagged)}/{len(p.indicators)} 行有问题")
        for f in pf:
            lines.append(f"  ◆ {LABELS_ZH.get(f.code, f.code)}（{f.rule}，{name('severity', f.severity)}）：{f.evidence}")
        for ind in flagged:
            labels = "、".join(LABELS_ZH[l] for l in rv.labels(ind.id))
            lines.append(f"  - {ind.id} {ind.level2}｜{ind.level3}｜{ind.description}｜{ind.value}")
            lines.append(f"      问题：{labels}")
            for f in rv.row_findings(ind.id):
                lines.append(f"        · {f.rule} {f.evidence}")
            rw = rv.rewrites.get(ind.id)
            if rw:
                mark = "" if rw.status == "ok" else f"（{REWRITE_STATUS_ZH['needs_human']}：{'；'.join(rw.reasons[:3])}）"
                lines.append(f"      建议：{rw.level2}｜{rw.level3}｜{rw.description}｜{rw.value}{mark}")
                if rw.reference:
                    lines.append(f"      {rw.reference_text()}")
        for x in rv.proposals.get(p.id, []):
            lines.append(f"  + 建议补充（{x.dimension}）：{x.level2}｜{x.level3}｜{x.description}｜{x.value}")
        lines.append("")
    s = rv.summary()
    lines.append(f"共 {s['tables']} 张表、{s['units']} 个单位、{s['rows']} 行指标；{s['flagged_rows']} 行有问题（{s['flagged_share']:.0%}）")
    lines.append("按标签：" + "，".join(f"{LABELS_ZH[k]} {v}" for k, v in s["by_label"].items()))
    return "\n".join(terminal_safe(line) for line in lines) + "\n"


def summary_line(rv: Review) -> str:
    """The closing line on stderr: what was reviewed, what is flagged, and whether
    anything could not be read or run (said apart from the flagged rows)."""
    s = rv.summary()
    n = len(rv.problems)
    notes = "读取和审核中没有遇到问题" if not n else f"另有 {n} 条读取或审核提示（见上面的“注意”）"
    return f"{s['tables']} 张表，{s['rows']} 行指标，其中 {s['flagged_rows']} 行被标出问题（{s['flagged_share']:.0%}）；{notes}。"


class _Main(click.Group):
    """Every command keeps its caches and decisions in the data directory: a bad
    INDICATOR_QA_HOME is said once, here, before any command runs (help needs none).

    Commands defined in other modules are imported only when named (click's
    lazily loaded subcommands): `review` does not pay for the eval harness, the
    trainer or the library commands at start-up."""

    LAZY = {"eval": "classifier.eval.commands:eval_cmd", "agree": "classifier.eval.commands:agree_cmd",
            "similar": "classifier.index_cli:similar_cmd", "clusters": "classifier.index_cli:clusters_cmd",
            "train": "classifier.learn_cli:train_cmd", "library": "classifier.library_cli:library_cmd",
            "judge-set": "classifier.library_cli:judge_set_cmd",
            "judge-task": "classifier.library_cli:judge_task_cmd", "judge-merge": "classifier.library_cli:judge_merge_cmd"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.LAZY})

    def get_command(self, ctx: click.Context, cmd_name: str):
        if cmd_name in self.LAZY and cmd_name not in self.commands:
            import importlib

            module, attr = self.LAZY[cmd_name].split(":")
            self.add_command(getattr(importlib.import_module(module), attr), cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context):
        rest = [*getattr(ctx, "_protected_args", []), *ctx.args]
        if rest and not {"-h", "--help"} & set(rest):
            try:
                data_dir()
            except DataDirError as exc:
                say(f"错误：{exc}")
                sys.exit(EXIT_IO)
        return super().invoke(ctx)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES_HELP)
def main() -> None:
    """indicator-qa: 项目支出绩效目标表 indicator review.

    \b
    Examples:
      indicator-qa review examples/tianjin_2022_project_targets.txt
      indicator-qa review tables/ --format jsonl --out review.jsonl
      indicator-qa review a.docx b.xlsx --format json --fail-on block
    """


@main.command("review", epilog=EXIT_CODES_HELP)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl"]), default="table", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
@click.option("--backend", type=click.Choice(["offline", "openai"]), default="offline", show_default=True,
              help="offline: rules, index and learned model, no network. openai: any OpenAI-compatible endpoint (see README).")
@click.option("--fail-on", type=click.Choice(["block", "warn"]), default=None, help="Exit 1 when a finding of this severity (or worse) exists, or (warn) part of the review could not be done.")
@click.option("--prompt", "prompt", default=None, metavar="VERSION", help="openai backend: prompt file prompts/VERSION.yaml (default v1).")
@click.option("--include-hidden-sheets", is_flag=True, default=False,
              help="Also review hidden/veryHidden Excel sheets (skipped by default: drafts, dropdown lists).")
@click.option("--no-library", is_flag=True, help="Write rewrites with the typed composer alone (no indicator library lookup or sync).")
def review_cmd(paths, fmt, out, backend, fail_on, prompt, include_hidden_sheets, no_library):
    """Review indicator tables (.docx .xlsx .csv .txt .jsonl, or directories).

    \b
    Examples:
      indicator-qa review examples/tianjin_2022_project_targets.txt --format jsonl
      indicator-qa review 2022/ --format json --out review.json --fail-on block
      indicator-qa review 2022/ --no-library
    """
    read = _read_or_exit(paths, include_hidden_sheets)
    rows = sum(len(p.indicators) for p in read.projects)
    bar = _Bar(enabled=rows > 200 and sys.stderr.isatty() or rows > 5000)
    try:
        options = {"prompt": prompt} if backend == "openai" else {}
        rv = review(read, backend, progress=bar, library=not no_library, **options)
    except ValueError as e:  # openai backend misconfigured (missing key, unknown prompt, bad env value)
        if backend != "openai":
            raise
        say(f"错误：{e}")
        sys.exit(EXIT_UNREADABLE)
    finally:
        bar.close()
    _say_review_problems(rv, read)
    # json and jsonl are written as they are made, a table or a row at a time.
    if fmt == "jsonl":
        text = (json.dumps(rv.jsonl_record(p, ind), ensure_ascii=False) + "\n" for p, ind in rv.rows())
    elif fmt == "json":
        text = itertools.chain(rv.json_chunks(), ["\n"])
    else:
        text = render_table(rv)
    _emit(text, out)
    say(summary_line(rv))
    if backend == "openai":
        r = rv.run
        say(f"模型 {r.get('model')}，提示词 {r.get('prompt_version')}：调用 {r['calls']} 次，缓存命中 {r['cache_hits']} 次，"
            f"tokens {r['prompt_tokens']}+{r['completion_tokens']}，{r['seconds']} 秒，估算费用 {r['cost']}；"
            f"回退到规则 {r.get('fallback_rows', 0)} 行。")
    if rv.fails(fail_on):
        sys.exit(EXIT_FINDINGS)


@main.command("report", epilog=EXIT_CODES_HELP)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--out", "outs", multiple=True, required=True, type=click.Path(dir_okay=False),
              help="report.html and/or report.xlsx; repeat --out for both.")
@click.option("--baseline", type=click.Path(dir_okay=False),
              help="JSON of an earlier `review --format json`: adds rows fixed, rows newly flagged, units improved.")
@click.option("--backend", type=click.Choice(["offline", "openai"]), default="offline", show_default=True)
@click.option("--fail-on", type=click.Choice(["block", "warn"]), default=None, help="Exit 1 when a finding of this severity (or worse) exists, or (warn) part of the review could not be done.")
@click.option("--include-hidden-sheets", is_flag=True, default=False, help="Also report hidden/veryHidden Excel sheets.")
def report_cmd(paths, outs, baseline, backend, fail_on, include_hidden_sheets):
    """Batch quality report (HTML and/or XLSX) over every table given, or over
    several `review --format json` results (sharded reviews) merged into one.

    \b
    Examples:
      indicator-qa report 2022/ --out report.html --out report.xlsx
      indicator-qa report shard1.json shard2.json --out report.html
      indicator-qa report 2023/ --out report.html --baseline review2022.json
    """
    from tqdm import tqdm

    from .report import FORMATS, BaselineError, compare, load_baseline, write_report

    for out in outs:
        if Path(out).suffix.lower() not in FORMATS:
            raise click.BadParameter(f"{out}: 报告只支持 .html 或 .xlsx", param_hint="--out")
    previous = None
    if baseline:
        try:
            previous = load_baseline(baseline)
        except BaselineError as exc:
            say(f"错误：{exc}")
            sys.exit(EXIT_UNREADABLE)
    from .shards import ShardError, is_review_json, merge_reviews

    shards = [p for p in paths if is_review_json(p)]
    if shards and len(shards) != len(paths):
        say("错误：请只给表格文件，或只给 `review --format json` 的审核结果，不要混用。")
        sys.exit(EXIT_UNREADABLE)
    if shards:  # reviews sharded over processes: merged, not re-judged
        try:
            merged = merge_reviews(shards)
        except ShardError as exc:
            say(f"错误：{exc}")
            sys.exit(EXIT_UNREADABLE)
        read = ReadResult(projects=merged.projects, problems=list(merged.problems))
    else:
        read = _read_or_exit(paths, include_hidden_sheets)
    rows = sum(len(p.indicators) for p in read.projects)
    # disable=None: a bar on a terminal, silence in logs and pipes.
    with tqdm(total=rows + len(outs), desc="审核", unit="步", file=sys.stderr, disable=None, leave=False) as bar:
        def progress(done: int, total: int, what: str) -> None:
            bar.set_description(what)
            bar.n = min(done, rows)
            bar.refresh()

        rv = merged if shards else review(read, backend, progress=progress)
        bar.n = rows
        comparison = compare(rv, previous) if previous is not None else None
        for out in outs:
            bar.set_description(terminal_safe(f"写入 {Path(out).name}"))
            try:
                write_report(rv, out, comparison=comparison)
            except OutputError as exc:  # atomic: the previous report is still there
                _say_review_problems(rv, read)
                say(f"错误：{exc.strerror}")
                sys.exit(EXIT_IO)
            except OSError as exc:
                _say_review_problems(rv, read)
                say(f"错误：无法写入 {out}：{os_error_zh(exc)}")
                sys.exit(EXIT_IO)
            bar.update(1)
    _say_review_problems(rv, read)
    for out in outs:
        say(f"已写入 {out}")
    say(summary_line(rv))
    if comparison is not None:
        say(f"与基线相比：{len(comparison['fixed'])} 行已修正，{len(comparison['newly_flagged'])} 行新出现问题，"
            f"{len(comparison['improved_units'])} 个单位改善。")
    if rv.fails(fail_on):
        sys.exit(EXIT_FINDINGS)


if __name__ == "__main__":
    main()
