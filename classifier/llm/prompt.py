"""Versioned prompt files (prompts/<name>.yaml) rendered with langchain-core.

A prompt's id is `<name>@<sha256(file)[:8]>`: editing the file makes a new
version, so cached answers and results always say which text produced them.
Indicator text only ever enters the prompt inside a JSON document (quoted
data), never spliced into the instructions."""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import yaml
from langchain_core.messages import convert_to_openai_messages
from langchain_core.prompts import ChatPromptTemplate, PromptTemplate
from pydantic import BaseModel, Field, ValidationError

from ..config import project_root
from ..models import Indicator, Project

PROMPTS_DIR = project_root() / "prompts"
DEFAULT_PROMPT = "v1"


class FewShot(BaseModel):
    k: int = 0
    source: str = ""


class PromptSpec(BaseModel):
    name: str
    output_schema: str
    notes: str = ""
    few_shot: FewShot = Field(default_factory=FewShot)
    params: dict = Field(default_factory=dict)
    system: str
    human: str
    examples: str = ""
    revise: str
    repair: str
    version: str = ""  # name@hash, filled by load_prompt

    def chat(self) -> ChatPromptTemplate:
        return ChatPromptTemplate.from_messages([("system", self.system), ("human", self.human)])


class PromptError(ValueError):
    pass


def prompt_path(name_or_path: str) -> Path:
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") and p.exists():
        return p
    return PROMPTS_DIR / f"{name_or_path}.yaml"


@lru_cache(maxsize=16)
def _load(path: str, digest: str) -> PromptSpec:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    try:
        spec = PromptSpec(**data)
    except (TypeError, ValidationError) as e:
        raise PromptError(f"提示词文件 {path} 格式不对：{e}") from None
    spec.version = f"{spec.name}@{digest[:8]}"
    # Fail on load, not mid-run, when a template names a variable we never pass.
    for field_, allowed in (("human", {"examples", "data"}), ("examples", {"examples_json"}), ("revise", {"data"}), ("repair", {"error"})):
        text = getattr(spec, field_)
        if text:
            extra = set(PromptTemplate.from_template(text).input_variables) - allowed
            if extra:
                raise PromptError(f"提示词文件 {path} 的 {field_} 用了未知变量：{', '.join(sorted(extra))}")
    spec.chat()  # parses the system template too
    return spec


def load_prompt(name: str = DEFAULT_PROMPT) -> PromptSpec:
    path = prompt_path(name)
    if not path.exists():
        have = ", ".join(sorted(p.stem for p in PROMPTS_DIR.glob("*.yaml")))
        raise PromptError(f"找不到提示词 {name!r}（{path}）；可用：{have}")
    raw = path.read_bytes()
    return _load(str(path), hashlib.sha256(raw).hexdigest())


def quote(obj) -> str:
    """JSON for a fenced block. Backticks are escaped (still valid JSON) so a row
    cannot close the ```json fence and talk to the model as instructions."""
    def compact(v) -> str:
        return json.dumps(v, ensure_ascii=False, separators=(",", ":"))

    if isinstance(obj, dict):  # one key per line, one list item (row) per line: readable and few tokens
        parts = []
        for k, v in obj.items():
            if isinstance(v, list) and v:
                parts.append(f"{compact(k)}:[\n" + ",\n".join(compact(e) for e in v) + "\n]")
            else:
                parts.append(f"{compact(k)}:{compact(v)}")
        text = "{\n" + ",\n".join(parts) + "\n}"
    else:
        text = "[\n" + ",\n".join(compact(e) for e in obj) + "\n]" if isinstance(obj, list) else compact(obj)
    return text.replace("`", "\\u0060")


def row_data(ind: Indicator) -> dict:
    return {"id": ind.id, "level1": ind.level1, "level2": ind.level2, "level3": ind.level3,
            "description": ind.description, "value": ind.value}


def batch_data(project: Project, judge: list[Indicator], context: list[Indicator], evidence: dict[str, list[dict]]) -> dict:
    """The JSON document of one call: project header, rows to judge (with rule
    evidence), and rows of this table already judged elsewhere (context only)."""
    budget = f"{project.budget:g}万元" if project.budget is not None else ""
    rows = []
    for ind in judge:
        d = row_data(ind)
        d["rule_findings"] = evidence.get(ind.id, [])
        rows.append(d)
    head = {"title": project.title, "unit": project.unit, "budget": budget, "goal": project.goal}
    if evidence.get(f"project:{project.id}"):  # missing_dimension, cost_over_budget, duplicate_names
        head["rule_findings"] = evidence[f"project:{project.id}"]
    data = {"project": head, "rows": rows}
    if context:
        data["context_rows"] = [row_data(i) for i in context]
    return data


def render(spec: PromptSpec, data: dict, examples: list[dict] | None = None) -> list[dict]:
    """OpenAI chat messages for one batch."""
    ex = ""
    if examples and spec.examples:
        ex = PromptTemplate.from_template(spec.examples).format(examples_json=quote(examples)) + "\n"
    msgs = spec.chat().format_messages(examples=ex, data=quote(data))
    return convert_to_openai_messages(msgs)


def render_text(spec: PromptSpec, template: str, **values) -> str:
    return PromptTemplate.from_template(getattr(spec, template)).format(**values)
