"""Build classifier/data/library_vectors.npz: the default embedder's vectors of
the indicator library's gold texts (classifier/library.py), so a first review
reads them instead of embedding ~1,100 names. Run when the labelled sets
(eval/labelled.jsonl, eval/regions/*.jsonl) or the default embedder change:

    python scripts/build_library_vectors.py

A stale file costs speed only: texts it lacks are embedded at run time."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifier.embeddings import DEFAULT_EMBEDDER, get_embedder  # noqa: E402
from classifier.library import entries_from_labelled, labelled_files, library_text  # noqa: E402
from classifier.vectors import SHIPPED_FILE, write_shipped  # noqa: E402


def main() -> None:
    ef = get_embedder(DEFAULT_EMBEDDER, shared=False)
    texts = sorted({library_text(e.level3) for f in labelled_files() for e in entries_from_labelled(f)})
    vectors = {}
    for i in range(0, len(texts), 256):
        chunk = texts[i:i + 256]
        vectors.update(zip(chunk, ef(chunk)))
    write_shipped(SHIPPED_FILE, ef.model_id, vectors)
    print(f"{len(vectors)} vectors of {ef.model_id} written to {SHIPPED_FILE} ({SHIPPED_FILE.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
