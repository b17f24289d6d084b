"""The one data model every part of indicator-qa speaks: ingest, rules, index,
LLM, store, report and UI all pass these types around."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum


class Label(str, Enum):
    """Row labels of LABELS.md v1 — the only names used anywhere."""

    vague_description = "vague_description"
    unmeasurable_value = "unmeasurable_value"
    unit_mismatch = "unit_mismatch"
    implausible_value = "implausible_value"
    wrong_category = "wrong_category"
    copy_paste = "copy_paste"


class ProjectCode(str, Enum):
    """Project-level findings of LABELS.md (not labels of a row)."""

    missing_dimension = "missing_dimension"
    cost_over_budget = "cost_over_budget"
    duplicate_names = "duplicate_names"
    no_description_column = "no_description_column"  # the template has no 绩效指标描述 column: a note, not a fault of the rows


LABELS: tuple[str, ...] = tuple(l.value for l in Label)
# The project-level faults (scored by the eval, counted in summaries, features of
# the learned model). no_description_column is a note about the template, kept
# apart so that adding notes never changes the model's feature columns.
NOTE_CODES: tuple[str, ...] = (ProjectCode.no_description_column.value,)
PROJECT_CODES: tuple[str, ...] = tuple(c.value for c in ProjectCode if c.value not in NOTE_CODES)
LABELS_ZH = {
    "vague_description": "描述空泛",
    "unmeasurable_value": "指标值不可衡量",
    "unit_mismatch": "单位或口径不符",
    "implausible_value": "数值不合理",
    "wrong_category": "归类错误",
    "copy_paste": "照搬套用",
    "missing_dimension": "缺少维度",
    "cost_over_budget": "成本超预算",
    "duplicate_names": "指标名称重复",
    "no_description_column": "模板无描述列",
}
# Display names of what the rewrite machinery adds (issue 14), beside LABELS_ZH:
# the kinds of indicator (classifier/kinds.py), a rewrite's status and source,
# and where a library entry came from. CLI, app and reports all read these.
KIND_ZH = {
    "count": "数量", "rate": "比率", "satisfaction": "满意度", "duration": "时长", "deadline": "截止时间",
    "money": "金额", "unit_cost": "单位成本/标准", "grade": "等级", "document_state": "文件或状态",
}
# The mark on every number a rewrite proposes that the published row did not give
# (LABELS.md, "Rewrites"): one spelling for the composer, its fallbacks and the checks.
PROPOSAL = "（建议值）"
# The value (and the description's first words) of a rewrite that proposes removing a row which measures nothing
# (round 12): an answer the reviewer signs, not a row still to be labelled (rules.check_row, meaning.check_deletion).
DELETION = "建议删除本行"


def is_deletion(row) -> bool:
    """A rewrite (or a row) that proposes removing the row: its value and the start of its description say so."""
    return (row.value or "").strip() == DELETION and (row.description or "").startswith(DELETION)


REWRITE_STATUS_ZH = {"ok": "已通过自检", "needs_human": "需人工确认"}
REWRITE_SOURCE_ZH = {"template": "类型模板", "library": "指标库参照", "llm": "模型", "gold": "标注", "reviewer": "审核人"}
ORIGIN_ZH = {"gold": "标注集改写", "reviewer": "审核人采纳", "table": "已审核表中的合格指标"}
SEVERITIES = ("block", "warn", "suggest")
# Where a finding came from. rules_fallback marks rows whose LLM answer failed.
SOURCES = ("rule", "index", "llm", "model", "rules_fallback")


@dataclass
class Indicator:
    id: str  # stable within its file: T<table>-<row>, e.g. T001-04
    level1: str
    level2: str
    level3: str
    description: str
    value: str
    row: int = 0  # source row: 1-based row in the table, or the sheet/CSV line
    # operator/number/unit as published, and each yearly target under its column name ({"第一年度": "0.5"})
    value_parts: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)  # weight/score and other kept columns
    # Gold annotations carried by a labelled file. Never read by predictors.
    gold_labels: list[str] | None = None
    gold_rewrite: dict | None = None
    gold_note: str = ""

    def text(self) -> str:
        return f"{self.level3} | {self.description} | {self.value}"


@dataclass
class Project:
    id: str  # T001 …, unique within its file
    title: str
    unit: str = ""  # unit as printed: code + name, e.g. 340101天津市机关事务管理局财务管理处
    unit_code: str = ""
    unit_name: str = ""
    budget: float | None = None  # 预算数, 万元
    fiscal_funds: float | None = None  # 其中：财政资金
    other_funds: float | None = None
    purpose: str = ""  # 资金用途
    goal: str = ""  # 绩效目标
    money_unit: str = ""  # the unit a bare amount of this table is in ("单位：元" above it); '' = as written
    source_file: str = ""
    source_hash: str = ""  # sha256 of the file's bytes
    table_index: int = 0  # 0-based table index in the source file
    indicators: list[Indicator] = field(default_factory=list)
    gold_findings: list[str] | None = None
    # The source's own columns, so exports can give the table back as published:
    # header texts in order (empty when unknown, e.g. a labelled JSONL), and each
    # column's key (see layout.column_keys) → the field its cells came from:
    # level1 | level2 | level3 | description | value (a joined value column) |
    # operator | number | unit (a value split over columns) | project | unit_name
    # (the agency column, printed as `unit`) | budget | fiscal_funds | other_funds |
    # goal | purpose | year (a yearly target column: Indicator.value_parts[key]) |
    # extra (kept in Indicator.extra under the same key).
    layout: list[str] = field(default_factory=list)
    field_of: dict[str, str] = field(default_factory=dict)
    # Where a labelled table came from (labelled JSONL only): source_url, region,
    # province, admin_level, year, table_kind. Evaluation groups rows by province
    # so that a held-out province never shares a template with training rows.
    meta: dict[str, str] = field(default_factory=dict)


@dataclass
class Problem:
    """Something found while reading: names file, table and row where known."""

    file: str
    message: str
    table: int | None = None  # 1-based table / sheet number
    row: int | None = None
    fatal: bool = False  # the whole file could not be read
    # "warn": part of the review could not be done (the near-duplicate search
    # failed, so copy_paste labels are incomplete); `--fail-on warn` exits non-zero
    # on it. "" = for information.
    severity: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.table is not None:
            where += f", 表{self.table}"
        if self.row is not None:
            where += f", 行{self.row}"
        return f"{where}: {self.message}"


@dataclass
class ReadResult:
    projects: list[Project] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Finding:
    """One judgement about a row (row_id set) or a project (row_id None)."""

    code: str  # a Label or ProjectCode value
    severity: str  # block | warn | suggest
    rule: str  # R1…R9 of RULES.md
    evidence: str
    source: str = "rule"  # rule | index | llm | model | rules_fallback
    confidence: float = 1.0
    project_id: str = ""
    row_id: str | None = None
    related: list[str] = field(default_factory=list)  # e.g. other members of a copy-paste cluster (at most 20)
    related_total: int = 0  # how many others there are in all, when `related` lists only some
    cluster: str = ""  # the copy-paste cluster (clusters.Cluster.id, or rules' exact group) the row belongs to
    prompt_version: str = ""  # name@hash of the prompt that produced an LLM finding

    def to_dict(self) -> dict:
        # Flat fields: a shallow copy is asdict's result, without its deep-copy walk (~1,000 calls a review).
        return dict(vars(self), related=list(self.related))

    @classmethod
    def from_dict(cls, d: dict) -> "Finding":
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


@dataclass
class Rewrite:
    level1: str
    level2: str
    level3: str
    description: str
    value: str
    rationale: str
    status: str = "ok"  # ok | needs_human
    source: str = "template"  # template | llm | gold | reviewer
    remaining: list[str] = field(default_factory=list)  # labels the checker still finds
    reasons: list[str] = field(default_factory=list)  # why the meaning check wants a human (Chinese); empty when ok
    kind: str = ""  # the indicator kind written (classifier/kinds.py)
    # The library entry this rewrite was adapted from: project, unit, level3,
    # description, value, origin (gold | reviewer | table), score (cosine). None: composed.
    reference: dict | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    def reference_text(self) -> str:
        """"改写参照：某项目 三级指标（相似度0.93，标注集改写）", or "" for a composed rewrite."""
        r = self.reference
        if not r:
            return ""
        return (f"改写参照：{r.get('project') or '未知项目'} {r.get('level3', '')}"
                f"（相似度{float(r.get('score') or 0):.2f}，{ORIGIN_ZH.get(r.get('origin', ''), r.get('origin', ''))}）")

    @classmethod
    def from_dict(cls, d: dict) -> "Rewrite":
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


@dataclass
class Proposal:
    """A complete indicator row proposed for a table that lacks a dimension
    (missing_dimension), taken from the library's nearest projects. A proposal,
    never a finding: the reviewer decides whether the table gets it."""

    project_id: str
    dimension: str  # the missing dimension as the finding names it, e.g. 满意度指标
    level1: str
    level2: str
    level3: str
    description: str
    value: str
    reference: dict = field(default_factory=dict)  # as Rewrite.reference

    def to_dict(self) -> dict:
        return asdict(self)
