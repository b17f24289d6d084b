"""Parse and validate a model's answer: only the six labels, only the ids that
were sent (each exactly once), a rewrite with every field for a flagged row.
Anything else raises `AnswerError` with a message fit to send back as a repair."""
from __future__ import annotations

import json
import re
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ..models import LABELS

LabelName = Literal["vague_description", "unmeasurable_value", "unit_mismatch", "implausible_value", "wrong_category", "copy_paste"]
assert set(LabelName.__args__) == set(LABELS)  # one source of truth: models.Label
RULE_RE = re.compile(r"^R[1-9]$")
THINK_RE = re.compile(r"<think>.*?(</think>|$)", re.S | re.I)


class AnswerError(ValueError):
    pass


class RewriteOut(BaseModel):
    model_config = ConfigDict(extra="ignore")
    level1: str
    level2: str
    level3: str
    description: str
    value: str
    rationale: str

    @field_validator("level1", "level2", "level3", "description", "value")
    @classmethod
    def _not_empty(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("改写字段不能为空")
        return v.strip()


class FindingOut(BaseModel):
    model_config = ConfigDict(extra="ignore")
    label: LabelName
    rule: str = ""
    evidence: str = ""


class RowOut(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str
    findings: list[FindingOut] = []
    rewrite: Optional[RewriteOut] = None

    def labels(self) -> list[str]:
        have = {f.label for f in self.findings}
        return [l for l in LABELS if l in have]


class Judgement(BaseModel):
    model_config = ConfigDict(extra="ignore")
    rows: list[RowOut]


class RevisionRow(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str
    rewrite: RewriteOut


class Revision(BaseModel):
    model_config = ConfigDict(extra="ignore")
    rows: list[RevisionRow]


def json_schema() -> dict:
    """Strict JSON schema for response_format (OpenAI structured outputs, llama.cpp grammar)."""
    rewrite = {"type": "object", "additionalProperties": False,
               "properties": {k: {"type": "string"} for k in ("level1", "level2", "level3", "description", "value", "rationale")},
               "required": ["level1", "level2", "level3", "description", "value", "rationale"]}
    finding = {"type": "object", "additionalProperties": False,
               "properties": {"label": {"type": "string", "enum": list(LABELS)}, "rule": {"type": "string"},
                              "evidence": {"type": "string"}},
               "required": ["label", "rule", "evidence"]}
    row = {"type": "object", "additionalProperties": False,
           "properties": {"id": {"type": "string"}, "findings": {"type": "array", "items": finding},
                          "rewrite": {"anyOf": [rewrite, {"type": "null"}]}},
           "required": ["id", "findings", "rewrite"]}
    return {"type": "object", "additionalProperties": False, "properties": {"rows": {"type": "array", "items": row}},
            "required": ["rows"]}


def revision_schema() -> dict:
    rewrite = json_schema()["properties"]["rows"]["items"]["properties"]["rewrite"]["anyOf"][0]
    row = {"type": "object", "additionalProperties": False, "properties": {"id": {"type": "string"}, "rewrite": rewrite},
           "required": ["id", "rewrite"]}
    return {"type": "object", "additionalProperties": False, "properties": {"rows": {"type": "array", "items": row}},
            "required": ["rows"]}


def extract_json(text: str) -> dict:
    """The JSON object in a completion: <think> blocks and ``` fences removed."""
    if text is None:
        raise AnswerError("回答为空")
    t = THINK_RE.sub("", text).strip()
    m = re.search(r"```(?:json)?\s*(.*?)```", t, re.S)
    if m:
        t = m.group(1).strip()
    start = t.find("{")
    if start < 0:
        raise AnswerError("回答中没有 JSON 对象")
    try:
        obj, _ = json.JSONDecoder().raw_decode(t[start:])
    except json.JSONDecodeError as e:
        raise AnswerError(f"JSON 无法解析（可能被截断）：{e}") from None
    if not isinstance(obj, dict):
        raise AnswerError("回答不是 JSON 对象")
    return obj


def _ids_check(got: list[str], sent: list[str]) -> None:
    sent_set = set(sent)
    unknown = [i for i in got if i not in sent_set]
    dupes = sorted({i for i in got if got.count(i) > 1})
    missing = [i for i in sent if i not in set(got)]
    problems = []
    if unknown:
        problems.append(f"出现了数据中没有的 id：{', '.join(unknown[:10])}")
    if dupes:
        problems.append(f"id 重复：{', '.join(dupes[:10])}")
    if missing:
        problems.append(f"缺少 id：{', '.join(missing[:10])}")
    if problems:
        raise AnswerError("；".join(problems))


def _pydantic_message(e: ValidationError) -> str:
    parts = []
    for err in e.errors()[:8]:
        loc = ".".join(str(x) for x in err["loc"])
        parts.append(f"{loc}: {err['msg']}" + (f"（收到 {err['input']!r}）" if isinstance(err.get("input"), (str, int)) else ""))
    return "格式不符：" + "；".join(parts)


def _validated(model, text: str, sent_ids: list[str]):
    """The answer's JSON as `model`, its rows exactly the ids sent; else AnswerError."""
    try:
        out = model.model_validate(extract_json(text))
    except ValidationError as e:
        raise AnswerError(_pydantic_message(e)) from None
    _ids_check([r.id for r in out.rows], sent_ids)
    return out


def parse_judgement(text: str, sent_ids: list[str]) -> Judgement:
    j = _validated(Judgement, text, sent_ids)
    no_rewrite = [r.id for r in j.rows if r.findings and r.rewrite is None]
    if no_rewrite:
        raise AnswerError(f"有标签的行必须给出 rewrite：{', '.join(no_rewrite[:10])}")
    for r in j.rows:
        for f in r.findings:
            if not RULE_RE.match(f.rule or ""):
                f.rule = ""  # filled from the label's default rule; not worth a repair
    return j


def parse_revision(text: str, sent_ids: list[str]) -> Revision:
    return _validated(Revision, text, sent_ids)
