"""The openai backend: prompted labels and rewrites from any OpenAI-compatible
endpoint. `run_llm(projects, rule_findings, prompt=..., progress=...)` is the
one entry point; pipeline.review calls it for backend "openai"."""
from __future__ import annotations

from .prompt import DEFAULT_PROMPT, PromptError, load_prompt
from .runner import Backend, ConfigError, Outcome, check_settings
from .settings import LLMSettings, from_env

__all__ = ["run_llm", "load_prompt", "from_env", "LLMSettings", "Outcome", "PromptError", "ConfigError", "DEFAULT_PROMPT"]


def run_llm(projects, rule_findings, *, prompt: str | None = None, settings: LLMSettings | None = None,
            few_shot: int | None = None, progress=None, cache=None) -> Outcome:
    spec = load_prompt(prompt or DEFAULT_PROMPT)
    settings = settings or from_env()
    check_settings(settings)
    return Backend(spec, settings, few_shot=few_shot, cache=cache).run(projects, rule_findings, progress)
