"""Notes to the reviewer that the composer used to write inside a rewrite's description.

Round 10's judges read "（原表指标值为“100%”，即支出控制在该金额以内）", "目标取原表描述所列计划标准“90%”，原表指标值栏为“1”",
"…超出预算的需审核人核定金额" and "需审核人按上期决算数填写金额" inside 绩效指标描述 as residue (RD03-03, RF07-04, RE14-04,
T067-08, T018-02): a description says what is measured and how; how the rewrite was made, and what the reviewer must
still decide, is the rewrite's 改写说明 (its `rationale`, LABELS.md "Rewrites"). split_notes moves those clauses out of
the description; the composer hands them to the rationale (rewrite.rationale_for reads fields["note"]) and the meaning
check reads the rationale as part of the rewrite (meaning.rewrite_text), so a row that needs the reviewer's decision
still goes to a human and a published number the conversion superseded still counts as kept.

Pure functions over Chinese text; the text is kept as written, only cut at clause boundaries."""
from __future__ import annotations

import re

# A bracketed aside that speaks of the published table ("（原表指标值为“1”）", "（原表填报“37个”）"): quoted text may hold
# its own brackets ("≥90%(百分比)"), so a quotation is read whole.
_ASIDE = re.compile(r"[（(]\s*原表(?:[^（）()“”]|“[^”]*”)*[)）]")
# The same said as a clause between commas: "…×100%，原表填报“实施…37个。”，数据来源为…".
_CLAUSE = re.compile(r"[，,]\s*原表(?:填报|指标值(?:栏)?为|数值为)“[^”]*”(?=[，,。；;]|$)")
# A clause (between "；") that addresses the reviewer or reports what the published cells held.
_NOTE_SEGMENT = re.compile(r"审核人(?!员)|^\s*(?:目标取原表|原表(?:指标值|数值|填报)|成本指标应以金额表述)")


def split_notes(description: str) -> tuple[str, list[str]]:
    """(the description as an indicator definition, the notes to the reviewer it held).

    A description that is nothing but a note (rate_terms.UNNAMED_NOTE: "原表未写明“X”按什么对象统计，…需审核人补充") is
    left whole: cutting it would leave an empty cell, and the row goes to a human either way."""
    text = description or ""
    notes: list[str] = []

    def take(m: re.Match) -> str:
        notes.append(m.group(0).strip("，,（）() "))
        return ""

    text = _ASIDE.sub(take, text)
    text = _CLAUSE.sub(take, text)
    kept = []
    for seg in re.split(r"[；;]", text):
        (notes.append(seg.strip()) if _NOTE_SEGMENT.search(seg) else kept.append(seg))
    clean = "；".join(s for s in kept if s.strip()).strip("，,；; ")
    if not re.search(r"[\u4e00-\u9fff]{4}", clean):
        return description or "", []
    return clean, [n for n in notes if n]


def with_notes(fields: dict, published: str = "") -> dict:
    """The composed fields with any reviewer note moved from the description to fields["note"] (rationale).
    A reviewer's answer written as the description (fields["advice"]: themes / compose.reviewer_note) is the
    rewrite itself, not a note inside one, and stays; so does the `published` description kept as it was
    (a unit's own "审核…" wording is content, never ours to move)."""
    if fields.get("advice") or fields.get("description", "") == (published or None):
        return fields
    clean, notes = split_notes(fields.get("description", ""))
    if not notes:
        return fields
    note = "；".join(([fields["note"]] if fields.get("note") else []) + notes)
    return fields | {"description": clean, "note": note}
