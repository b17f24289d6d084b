"""indicator-qa: review Chinese budget performance target tables (项目支出绩效目标表).

One process-wide setting is made here, before numpy is first imported by any
module of the package: OpenBLAS uses INDICATOR_QA_BLAS_THREADS threads
(default 1) unless the user set OPENBLAS_NUM_THREADS. Every product this
project computes is small (a query against a few thousand library entries,
blocks of a few thousand rows), and on a shared 2-core machine OpenBLAS's
worker threads spin-wait for each other: a 1,264 × 512 matrix-vector product
took 11 ms with the default threads and 0.16 ms with one (load 4). A process
that imported numpy before this package keeps its own setting."""
import os as _os

_os.environ.setdefault("OPENBLAS_NUM_THREADS", _os.environ.get("INDICATOR_QA_BLAS_THREADS") or "1")
