"""Merge rule findings with the model's labels, row by row.

Policy (also in README, "Merge policy"):

| label | winner | why |
|---|---|---|
| `unmeasurable_value` | union | the rule fires only when the value has no number, date or state — a fact, not a judgement |
| `unit_mismatch` | union | unit/form checks are string facts (满意度 "8个", 成本 without 元) |
| `implausible_value` | union | >100%, ">0", "≥" on a cost, sums over budget are arithmetic |
| `copy_paste` | union | the rule sees the whole file; the model sees one table |
| `vague_description` | model | whether a description says what is measured is a judgement; the rule finding is evidence the model may overrule |
| `wrong_category` | model | the same: the rule's category heuristics are evidence |

"union": a row keeps the rule finding and gains the model's. "model": the
rule finding is kept only if the model gave the label too. Project-level
findings (missing_dimension, cost_over_budget, duplicate_names) are rules only.
Rows whose batch fell back (no valid answer) keep every rule finding."""
from __future__ import annotations

from ..models import Finding, Label
from ..rules import SEVERITY

UNION = "union"
MODEL = "model"
POLICY: dict[str, str] = {
    Label.unmeasurable_value.value: UNION,
    Label.unit_mismatch.value: UNION,
    Label.implausible_value.value: UNION,
    Label.copy_paste.value: UNION,
    Label.vague_description.value: MODEL,
    Label.wrong_category.value: MODEL,
}
assert set(POLICY) == {l.value for l in Label}
DEFAULT_RULE = {"vague_description": "R4", "unmeasurable_value": "R6", "unit_mismatch": "R2",
                "implausible_value": "R5", "wrong_category": "R3", "copy_paste": "R7"}


def llm_finding(label: str, rule: str, evidence: str, project_id: str, row_id: str, prompt_version: str) -> Finding:
    return Finding(code=label, severity=SEVERITY[label], rule=rule or DEFAULT_RULE[label], evidence=evidence or "模型判断",
                   source="llm", confidence=0.7, project_id=project_id, row_id=row_id, prompt_version=prompt_version)


def merge_row(rule_findings: list[Finding], model_findings: list[Finding]) -> list[Finding]:
    """Final findings of one row judged by the model."""
    model_labels = {f.code for f in model_findings}
    kept = [f for f in rule_findings if POLICY.get(f.code, UNION) == UNION or f.code in model_labels]
    return kept + model_findings
