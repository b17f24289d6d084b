"""Thin command line over the library: `indicator-qa review|...`."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .ingest import read_paths
from .models import LABELS_ZH
from .pipeline import Review, review

EXIT_FINDINGS = 1
EXIT_UNREADABLE = 2


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


def _emit(text: str, out: str | None) -> None:
    if out:
        Path(out).write_text(text, encoding="utf-8")
        click.echo(f"已写入 {out}", err=True)
    else:
        click.echo(text, nl=False)


def render_table(rv: Review) -> str:
    lines = []
    for p in rv.projects:
        pf = rv.project_findings(p.id)
        flagged = [ind for ind in p.indicators if rv.labels(ind.id)]
        budget = f"{p.budget:g}万元" if p.budget is not None else "预算未知"
        lines.append(f"■ {p.id} {p.title}  [{p.unit}] {budget}  {len(flagged)}/{len(p.indicators)} 行有问题")
        for f in pf:
            lines.append(f"  ◆ {LABELS_ZH.get(f.code, f.code)}（{f.rule}，{f.severity}）：{f.evidence}")
        for ind in flagged:
            labels = "、".join(LABELS_ZH[l] for l in rv.labels(ind.id))
            lines.append(f"  - {ind.id} {ind.level2}｜{ind.level3}｜{ind.description}｜{ind.value}")
            lines.append(f"      问题：{labels}")
            for f in rv.row_findings(ind.id):
                lines.append(f"        · {f.rule} {f.evidence}")
            rw = rv.rewrites.get(ind.id)
            if rw:
                mark = "" if rw.status == "ok" else "（需人工确认）"
                lines.append(f"      建议：{rw.level2}｜{rw.level3}｜{rw.description}｜{rw.value}{mark}")
        lines.append("")
    s = rv.summary()
    lines.append(f"共 {s['tables']} 张表、{s['units']} 个单位、{s['rows']} 行指标；{s['flagged_rows']} 行有问题（{s['flagged_share']:.0%}）")
    lines.append("按标签：" + "，".join(f"{LABELS_ZH[k]} {v}" for k, v in s["by_label"].items()))
    return "\n".join(lines) + "\n"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """indicator-qa: 项目支出绩效目标表 indicator review.

    \b
    Examples:
      indicator-qa review examples/tianjin_2022_project_targets.txt
      indicator-qa review tables/ --format jsonl --out review.jsonl
      indicator-qa review a.docx b.xlsx --format json --fail-on block
    """


@main.command("review")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl"]), default="table", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
@click.option("--backend", type=click.Choice(["offline", "openai"]), default="offline", show_default=True,
              help="offline: rules, index and learned model, no network. openai: any OpenAI-compatible endpoint (see README).")
@click.option("--fail-on", type=click.Choice(["block", "warn"]), default=None, help="Exit 1 when a finding of this severity (or worse) exists.")
def review_cmd(paths, fmt, out, backend, fail_on):
    """Review indicator tables (.docx .xlsx .csv .txt .jsonl, or directories).

    \b
    Examples:
      indicator-qa review examples/tianjin_2022_project_targets.txt --format jsonl
      indicator-qa review 2022/ --format json --out review.json --fail-on block
    """
    read = read_paths(list(paths))
    for pr in read.problems:
        click.echo(f"注意：{pr}", err=True)
    if not read.projects:
        click.echo("错误：没有可读取的指标表。", err=True)
        sys.exit(EXIT_UNREADABLE)
    rows = sum(len(p.indicators) for p in read.projects)
    bar = _Bar(enabled=rows > 200 and sys.stderr.isatty() or rows > 5000)
    try:
        rv = review(read, backend, progress=bar)
    finally:
        bar.close()
    if fmt == "jsonl":
        text = "".join(json.dumps(rv.row_dict(p, ind), ensure_ascii=False) + "\n" for p, ind in rv.rows())
    elif fmt == "json":
        text = json.dumps(rv.to_json(), ensure_ascii=False, indent=1) + "\n"
    else:
        text = render_table(rv)
    _emit(text, out)
    s = rv.summary()
    click.echo(f"{s['tables']} 张表，{s['rows']} 行，{s['flagged_rows']} 行有问题；问题 {len(read.problems)} 条。", err=True)
    if fail_on:
        levels = {"block": ("block",), "warn": ("block", "warn")}[fail_on]
        if any(f.severity in levels for f in rv.findings):
            sys.exit(EXIT_FINDINGS)


if __name__ == "__main__":
    main()
