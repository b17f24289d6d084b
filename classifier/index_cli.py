"""`indicator-qa similar` and `indicator-qa clusters`: the index from the command line."""
from __future__ import annotations

import json
import sys

import click

from .ingest import read_paths
from .outputs import terminal_safe

EXIT_UNREADABLE = 2


def _open_index():
    from .index import Index

    try:
        idx = Index()
    except Exception as e:  # a server that is down, a directory we may not write
        click.echo(terminal_safe(f"错误：无法打开相似行索引（{type(e).__name__}: {e}）"), err=True)
        sys.exit(EXIT_UNREADABLE)
    for m in idx.messages:
        click.echo(terminal_safe(f"注意：{m}"), err=True)
    return idx


def _read(paths):
    read = read_paths(list(paths))
    for pr in read.problems:
        click.echo(terminal_safe(f"注意：{pr}"), err=True)
    if not read.projects:
        click.echo("错误：没有可读取的指标表。", err=True)
        sys.exit(EXIT_UNREADABLE)
    return read


@click.command("similar")
@click.argument("text")
@click.option("--k", default=10, show_default=True, type=click.IntRange(1, 200), help="How many rows.")
@click.option("--unit", default=None, help="Only rows of this unit (as printed, e.g. 340102天津市人民政府信访办公室).")
@click.option("--path", "paths", multiple=True, type=click.Path(), help="Index this file/directory first (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def similar_cmd(text, k, unit, paths, fmt):
    """Rows of the index nearest to TEXT (name, or name + description).

    \b
    Examples:
      indicator-qa similar "受益群众满意度" --path examples/tianjin_2022_project_targets.txt
      indicator-qa similar "控制成本 项目支出" --k 5 --unit 340102天津市人民政府信访办公室
    """
    idx = _open_index()
    if paths:
        stats = idx.add_read(_read(paths))
        click.echo(terminal_safe(f"已索引 {stats['rows']} 行（新增 {stats['added']}，新嵌入 {stats['embedded']}）。"), err=True)
    if idx.count() == 0:
        click.echo("索引为空：先用 --path 指定要索引的文件。", err=True)
        sys.exit(EXIT_UNREADABLE)
    hits = idx.similar(text, k=k, unit=unit)
    if fmt == "json":
        click.echo(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=1))
        return
    for h in hits:
        click.echo(terminal_safe(f"{h.similarity:.3f}  {h.project_id}/{h.row_id}  [{h.unit}] {h.project}"))
        click.echo(terminal_safe(f"       {h.level2}｜{h.level3}｜{h.description}｜{h.value}"))


@click.command("clusters")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--min-size", default=2, show_default=True, type=click.IntRange(2), help="Smallest cluster to print.")
@click.option("--all", "show_all", is_flag=True, help="Also clusters none of whose rows is labelled copy_paste.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def clusters_cmd(paths, min_size, show_all, fmt):
    """Copy-paste clusters in PATHS, largest first: identical or near-identical
    rows across projects and inside one table.

    \b
    Examples:
      indicator-qa clusters examples/tianjin_2022_project_targets.txt
      indicator-qa clusters 2022/ --min-size 3 --format json
    """
    from .clusters import flagged_members, shown_clusters, unclustered_copy_paste
    from .pipeline import review

    read = _read(paths)
    # The clusters and ✱ marks of the review itself (the same computation the app
    # and the reports show), not a second clustering with its own rules.
    rv = review(read)
    for pr in rv.problems[len(read.problems):]:
        click.echo(terminal_safe(f"注意：{pr}"), err=True)
    shown = shown_clusters(rv, include_unflagged=show_all)
    clusters = [c for c in shown if c.size >= min_size]
    marks = [flagged_members(rv, c) for c in clusters]
    if fmt == "json":
        click.echo(json.dumps([{**c.to_dict(), "copy_paste": [m.ref for m, f in zip(c.rows, fl) if f]}
                               for c, fl in zip(clusters, marks)], ensure_ascii=False, indent=1))
    else:
        for n, (c, fl) in enumerate(zip(clusters, marks), 1):
            click.echo(terminal_safe(f"■ 簇{n}：{c.size} 行，{len(c.projects)} 个项目，{len(c.units)} 个单位，{c.how()}"))
            for m, f in zip(c.rows, fl):
                ind = m.indicator
                click.echo(terminal_safe(f"  {'✱' if f else ' '} {m.ref} [{m.project.unit}] {ind.level3}｜{ind.description}｜{ind.value}"))
        click.echo("")
    flagged = sum(sum(fl) for fl in marks)
    line = f"{len(clusters)} 个簇，{sum(c.size for c in clusters)} 行；✱ 标记的 {flagged} 行判为照搬套用。"
    if not show_all:
        hidden = len(shown_clusters(rv, include_unflagged=True)) - len(shown)
        if hidden:
            line += f"另有 {hidden} 个簇没有行判为照搬套用（近似但各自写明了本项目内容），加 --all 显示。"
    loose = unclustered_copy_paste(rv)
    if loose:
        line += f"另有 {len(loose)} 行由学习模型判为照搬套用，但本批次中没有与之近似的行。"
    click.echo(terminal_safe(line), err=True)
