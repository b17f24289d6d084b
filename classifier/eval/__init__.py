"""Evaluation: labelled rows + a backend + pure scorers → one self-describing
result that can be re-scored and compared."""
from .agreement import agreement, cohen_kappa
from .compare import compare, row_changes
from .harness import (EvalError, EvalRun, find_result, is_result_file, load_result, rescore, run_eval, score,
                      write_result)
from .metrics import cost_summary, label_errors, label_scores, prf, rewrite_quality

__all__ = [
    "agreement", "cohen_kappa", "compare", "row_changes", "EvalError", "EvalRun", "find_result", "is_result_file",
    "load_result", "rescore", "run_eval", "score", "write_result", "cost_summary", "label_errors", "label_scores",
    "prf", "rewrite_quality",
]
