"""Held-out evaluation: how the offline backend does on tables it has not seen.

Two schemes, each one self-describing result (the format of `harness.run_eval`,
plus an `evaluation` block and per-subset scores):

- ``transfer`` — the learned labeller is trained on the seed only (eval/labelled.jsonl,
  one city's 2022 tables) and scored on the regional set (eval/regions/*.jsonl). This is
  the figure a reviewer in another province would see from a model built on the seed.
- ``province`` — leave one province out over seed + regions: for each province, the
  labeller is trained on every other province's rows (its merge modes and thresholds
  chosen by inner province-held-out CV) and scored on that province's tables.

Why provinces and not units: all units of one city fill in one template, so a
unit-held-out split still tests on the template it learned from. The rules are the
same in every fold (they are code); the figures say how well they transfer only as far
as the rules were not tuned on the held-out rows — the regional rows motivating a rule
change are named in that rule's test.

Each labelled file is reviewed as its own batch (copy_paste is judged within a file, as
LABELS.md says), with the whole offline pipeline: rules, index, learned labeller, rewrites.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from collections import defaultdict
from pathlib import Path

from .. import learn
from ..config import project_root
from ..features import HASHING_EMBEDDER
from ..ingest import read_path
from ..pipeline import review
from .harness import (DEFAULT_OUT, DEFAULT_SET, FORMAT, KIND, EvalError, EvalRun, _count, _sha256, code_state, labelled_rows,
                      package_versions, score, take_gold, write_result)

REGIONS_DIR = Path("eval") / "regions"
SCHEMES = ("transfer", "province")


def default_regions() -> list[Path]:
    d = project_root() / REGIONS_DIR
    return sorted(d.glob("*.jsonl"))


def _resolve(path: str | Path) -> Path:
    p = Path(path)
    return p if p.exists() or p.is_absolute() else project_root() / p


def _read_labelled(paths: list[Path]) -> list[tuple[Path, object]]:
    out = []
    for path in paths:
        if not path.exists():
            raise EvalError(f"找不到标注文件 {path}")
        read = read_path(path)
        if not read.projects:
            raise EvalError("；".join(str(pr) for pr in read.problems) or f"{path}: 没有可读取的指标行")
        out.append((path, read))
    return out


def _train_model(batches: list[learn.Batch], scheme: str, out: Path) -> dict:
    """Fit the learned labeller on `batches` and save it to `out` (CV groups: `scheme`)."""
    try:
        fm, Y, sigs = learn.featurise(batches, HASHING_EMBEDDER)
        model = learn.fit(fm, Y, neighbours=True, groups=learn.row_groups(batches, scheme), scheme=scheme)
    except ValueError as e:  # too few units/provinces to cross-validate: say which training files
        raise EvalError(f"无法训练留出模型（{'、'.join(sorted({Path(b.name).name for b in batches}))}）：{e}") from None
    model["data_hash"] = learn.data_hash(sigs)
    model["sources"] = sorted({b.name for b in batches})
    learn.save_model(model, out)
    return model


def _batches(files: list[tuple[Path, object]], keep=lambda p: True) -> list[learn.Batch]:
    """Training batches (gold labels left on the indicators) of the projects `keep` accepts."""
    out = []
    for path, read in files:
        projects = [p for p in read.projects if keep(p)]
        if projects:
            out.append(learn.Batch(str(path), projects))
    return out


def _review_rows(path: Path, model_path: Path, province: str, progress=None) -> tuple[list[dict], dict, list[str]]:
    """Review one labelled file (a fresh read: training never saw these objects) with a
    given model; returns its result rows, the run record and reader problems."""
    read = read_path(path)
    gold = take_gold(read.projects)
    # Rewrites by the composer alone: the indicator library holds the gold rewrites of every
    # labelled set, the held-out rows' own among them (labels do not depend on it).
    rv = review(read, "offline", model_path=str(model_path), library=False, progress=progress)
    rows = labelled_rows(rv, gold)
    for r in rows:
        r["file"] = path.name
        r["province"] = (r.get("meta") or {}).get("province") or province
    return rows, rv.run, [str(pr) for pr in rv.problems]


def _sum_runs(runs: list[dict]) -> dict:
    total = {"backend": "offline", "seconds": 0.0, "calls": 0, "cache_hits": 0, "prompt_tokens": 0, "completion_tokens": 0, "cost": 0.0}
    for r in runs:
        for k in ("seconds", "calls", "cache_hits", "prompt_tokens", "completion_tokens", "cost"):
            total[k] += r.get(k) or 0
    total["seconds"] = round(total["seconds"], 3)
    return total


def _subset_scores(rows: list[dict], run: dict, key) -> dict:
    groups = defaultdict(list)
    for r in rows:
        groups[key(r)].append(r)
    return {g: score(rs, [], run) for g, rs in sorted(groups.items())}


def run_heldout(scheme: str, seed: list[str | Path] | None = None, regions: list[str | Path] | None = None, *,
                out_dir: str | Path | None = DEFAULT_OUT, write: bool = True, progress=None) -> EvalRun:
    """Score the offline backend with the seed (transfer) or each province (province)
    held out from the learned labeller. See the module doc."""
    if scheme not in SCHEMES:
        raise EvalError(f"未知的留出方案“{scheme}”（可选：{'、'.join(SCHEMES)}）")
    seed_paths = [_resolve(p) for p in (seed or [DEFAULT_SET])]
    region_paths = [_resolve(p) for p in regions] if regions else default_regions()
    if not region_paths:
        raise EvalError(f"没有地区标注集（{REGIONS_DIR}/*.jsonl）")
    seed_files, region_files = _read_labelled(seed_paths), _read_labelled(region_paths)
    seed_names = {p.name for p, _ in seed_files}
    rows: list[dict] = []
    runs: list[dict] = []
    problems: list[str] = []
    folds: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="iqa-heldout-") as tmp:
        if scheme == "transfer":
            model_path = Path(tmp) / "seed-only.joblib"
            model = _train_model(_batches(seed_files), "unit", model_path)
            for path, _ in region_files:
                r, run, pr = _review_rows(path, model_path, "", progress)
                rows += r
                runs.append(run)
                problems += pr
            folds.append({"train": sorted(seed_names), "test": [p.name for p, _ in region_files], "train_rows": model["n_rows"],
                          "cv": model["cv"]["scheme"], "modes": model["modes"]})
        else:
            everything = seed_files + region_files
            provinces = sorted({learn.province_of(p) for _, read in everything for p in read.projects})
            if len(provinces) < 2:
                raise EvalError("留出省份至少需要两个省份的标注行")
            for k, prov in enumerate(provinces, start=1):
                model_path = Path(tmp) / f"fold{k}.joblib"
                train = _batches(everything, lambda p, prov=prov: learn.province_of(p) != prov)
                n_train_prov = len({learn.province_of(p) for b in train for p in b.projects})
                model = _train_model(train, "province" if n_train_prov > 1 else "unit", model_path)
                test = [path for path, read in everything if any(learn.province_of(p) == prov for p in read.projects)]
                before = len(rows)
                for path in test:
                    r, run, pr = _review_rows(path, model_path, prov, progress)
                    # A file spanning provinces is scored only on this fold's province.
                    rows += [x for x in r if x["province"] == prov or (x["province"] not in provinces)]
                    runs.append(run)
                    problems += pr
                folds.append({"held_out": prov, "test_rows": len(rows) - before, "train_rows": model["n_rows"],
                              "cv": model["cv"]["scheme"], "modes": model["modes"]})
    run = _sum_runs(runs)
    for r in rows:
        r["subset"] = "seed" if r["file"] in seed_names else "regions"
    result = {
        "kind": KIND, "format": FORMAT,
        "created": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "evaluation": {
            "scheme": scheme, "in_sample": False,
            "note": ("learned labeller trained on the seed only, scored on the regional set" if scheme == "transfer" else
                     "leave one province out over seed + regions; each fold's labeller chose its merge modes by inner "
                     "province-held-out CV"),
            "folds": folds,
        },
        "data": {"path": _describe(seed_files, region_files, scheme),
                 "files": [{"path": str(p), "sha256": _sha256(p)} for p, _ in seed_files + region_files],
                 "sha256": _sha256_many(p for p, _ in seed_files + region_files),
                 "rows": len(rows), "labelled_rows": sum(1 for r in rows if r["gold"] is not None), "projects": 0,
                 "problems": sorted(set(problems))},
        "backend": "offline", "prompt": {"name": None, "version": None}, "model": None,
        "settings": {"scheme": scheme},
        "code": code_state() | {"packages": package_versions()},
        "run": run,
        "row_sources": _count(r["source"] for r in rows),
        "rows": rows, "projects": [],
    }
    result["metrics"] = score(rows, [], run)
    result["subsets"] = {k: v for k, v in _subset_scores(rows, run, lambda r: r["subset"]).items()}
    result["per_province"] = {k: {"rows": v["labels"]["rows"], "macro_f1": v["labels"]["macro_f1"]}
                              for k, v in _subset_scores(rows, run, lambda r: r["province"]).items()}
    out = EvalRun(result)
    if write and out_dir is not None:
        out.json_path, out.md_path = write_result(result, Path(out_dir))
    return out


def _describe(seed_files, region_files, scheme) -> str:
    dirs = sorted({str(p.parent) for p, _ in region_files})
    regions = f"{'、'.join(dirs)} 下 {len(region_files)} 个地区文件"
    seed = "、".join(str(p) for p, _ in seed_files)
    return regions if scheme == "transfer" else f"{seed} + {regions}"


def _sha256_many(paths) -> str:
    import hashlib

    h = hashlib.sha256()
    for p in paths:
        h.update(_sha256(Path(p)).encode())
    return h.hexdigest()


def headline_scores(result: dict) -> dict:
    """macro-F1 and per-label F1 of a held-out result: all rows, and each subset."""
    def pick(m):
        ls = m["labels"]
        return {"macro_f1": ls["macro_f1"], "rows": ls["rows"], "f1": {k: v["f1"] for k, v in ls["labels"].items()}}

    out = {"all": pick(result["metrics"])}
    for k, m in (result.get("subsets") or {}).items():
        out[k] = pick(m)
    return out


