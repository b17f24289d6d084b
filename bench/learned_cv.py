"""Unit-held-out evaluation of the learned labeller vs rules alone; prints a
Markdown table (the one in eval/README.md, "Learned offline labeller").

    python bench/learned_cv.py [--embedder hashing|auto] [--neighbour-labels] [labelled.jsonl ...]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from classifier import learn  # noqa: E402
from classifier.features import HASHING_EMBEDDER  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*")
    ap.add_argument("--embedder", choices=["hashing", "auto"], default="hashing")
    ap.add_argument("--neighbour-labels", action="store_true", help="add the nearest labelled rows' votes (learn.py)")
    a = ap.parse_args()
    files = a.files or [learn.default_labels_path()]
    started = time.perf_counter()
    batches, _ = learn.load_batches(files)
    fm, Y, _ = learn.featurise(batches, HASHING_EMBEDDER if a.embedder == "hashing" else None)
    ev = learn.grouped_evaluation(fm, Y, neighbours=a.neighbour_labels)
    print(f"{ev['n_rows']} rows, {ev['n_units']} units, GroupKFold({ev['folds']}) over Project.unit, "
          f"thresholds and merge modes chosen by inner grouped CV; embedder {fm.embedder}; "
          f"neighbour labels {'on' if ev['neighbours'] else 'off'}; "
          f"{time.perf_counter() - started:.1f} s\n")
    print("| label | support | rules F1 (P / R) | rules + model F1 (P / R) | Δ F1 |")
    print("|---|---:|---:|---:|---:|")
    for label, s in ev["per_label"].items():
        r, m = s["rules"], s["model"]
        print(f"| {label} | {s['support']} | {r['f1']:.3f} ({r['precision']:.2f} / {r['recall']:.2f}) | "
              f"{m['f1']:.3f} ({m['precision']:.2f} / {m['recall']:.2f}) | {m['f1'] - r['f1']:+.3f} |")
    mf = ev["macro_f1"]
    print(f"| **macro-F1** | | **{mf['rules']:.3f}** | **{mf['model']:.3f}** | {mf['model'] - mf['rules']:+.3f} |")


if __name__ == "__main__":
    main()
