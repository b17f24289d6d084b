"""The openai backend: prompted labels and rewrites from any OpenAI-compatible
endpoint. `run_llm(projects, rule_findings, prompt=..., progress=...)` is the
one entry point; pipeline.review calls it for backend "openai"."""
from __future__ import annotations

from pathlib import Path

from .cache import CacheFileError, ResponseCache
from .prompt import DEFAULT_PROMPT, PromptError, load_prompt
from .runner import Backend, CacheMiss, ConfigError, Outcome, check_settings
from .settings import LLMSettings, from_env

__all__ = ["run_llm", "load_prompt", "from_env", "LLMSettings", "Outcome", "PromptError", "ConfigError", "CacheMiss",
           "CacheFileError", "ResponseCache", "DEFAULT_PROMPT"]


def run_llm(projects, rule_findings, *, prompt: str | None = None, settings: LLMSettings | None = None,
            few_shot: int | None = None, progress=None, cache=None, cache_only: bool = False) -> Outcome:
    """`cache`: a ResponseCache or a path to one (default <data dir>/llm_cache.sqlite).
    `cache_only`: answer from the cache alone — no client is built, no key is
    needed, and a request without a cached answer raises CacheMiss naming the tables."""
    spec = load_prompt(prompt or DEFAULT_PROMPT)
    settings = settings or from_env()
    if not cache_only:
        check_settings(settings)
    if isinstance(cache, (str, Path)):
        try:
            cache = ResponseCache(cache, readonly=cache_only)
        except CacheFileError as e:
            raise ConfigError(str(e)) from None
    elif cache is None and cache_only:
        try:
            cache = ResponseCache(readonly=True)
        except CacheFileError as e:
            raise ConfigError(str(e)) from None
    return Backend(spec, settings, few_shot=few_shot, cache=cache, cache_only=cache_only).run(projects, rule_findings, progress)
