"""Endpoint settings for the openai backend, read from the environment only.

The API key lives in a `SecretStr`: it is never printed by repr(), never
serialised by `public()`, and only unwrapped when the client is built."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from pydantic import SecretStr

from ..redact import redact_url

DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_MODEL = "gpt-4o-mini"


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        return float(raw) if raw else default
    except ValueError:
        raise ValueError(f"环境变量 {name}={raw!r} 不是数字") from None


@dataclass(frozen=True)
class LLMSettings:
    base_url: str = DEFAULT_BASE_URL
    model: str = DEFAULT_MODEL
    api_key: SecretStr = field(default=SecretStr(""), repr=False)
    price_prompt: float = 0.0  # currency per 1k prompt tokens
    price_completion: float = 0.0
    timeout: float = 120.0  # seconds per request
    concurrency: int = 4
    max_retries: int = 3  # on 429 / 5xx / timeouts / connection errors
    max_connect_failures: int = 3  # in a row, across tables: then stop calling (0 = never stop)
    backoff: float = 1.0  # first retry delay, doubled each time
    response_format: str = "json_schema"  # json_schema | json_object | none (downgraded automatically on 400)
    max_answer_bytes: int = 4_000_000  # one response body; past it the request fails and the table falls back

    def __repr__(self) -> str:  # the key is shown masked, never in clear
        key = "****" if self.api_key.get_secret_value() else "(none)"
        return (f"LLMSettings(base_url={redact_url(self.base_url)!r}, model={self.model!r}, api_key={key}, timeout={self.timeout}, "
                f"concurrency={self.concurrency}, max_retries={self.max_retries}, response_format={self.response_format!r})")

    __str__ = __repr__

    def key(self) -> str:
        # Local servers (llama.cpp, Ollama, vLLM) accept any key; the client insists on one.
        return self.api_key.get_secret_value() or "not-needed"

    def public(self) -> dict:
        """What may be written into results: everything except the key."""
        return {"base_url": redact_url(self.base_url), "model": self.model, "timeout": self.timeout, "concurrency": self.concurrency,
                "max_retries": self.max_retries, "max_connect_failures": self.max_connect_failures,
                "response_format": self.response_format, "max_answer_bytes": self.max_answer_bytes,
                "price_per_1k_prompt": self.price_prompt, "price_per_1k_completion": self.price_completion}

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return round(prompt_tokens / 1000 * self.price_prompt + completion_tokens / 1000 * self.price_completion, 6)


def from_env(**overrides) -> LLMSettings:
    """INDICATOR_QA_BASE_URL, _MODEL, _API_KEY (falls back to OPENAI_API_KEY),
    _PRICE_PER_1K_PROMPT, _PRICE_PER_1K_COMPLETION, _TIMEOUT, _CONCURRENCY,
    _MAX_RETRIES, _MAX_CONNECT_FAILURES, _RESPONSE_FORMAT, _MAX_ANSWER_BYTES. Keyword overrides win (tests, CLI)."""
    env = os.environ.get
    key = env("INDICATOR_QA_API_KEY") or env("OPENAI_API_KEY") or ""
    values = dict(
        base_url=(env("INDICATOR_QA_BASE_URL") or env("OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip("/"),
        model=env("INDICATOR_QA_MODEL") or DEFAULT_MODEL,
        api_key=SecretStr(key),
        price_prompt=_float("INDICATOR_QA_PRICE_PER_1K_PROMPT", 0.0),
        price_completion=_float("INDICATOR_QA_PRICE_PER_1K_COMPLETION", 0.0),
        timeout=_float("INDICATOR_QA_TIMEOUT", 120.0),
        concurrency=max(1, int(_float("INDICATOR_QA_CONCURRENCY", 4))),
        max_retries=max(0, int(_float("INDICATOR_QA_MAX_RETRIES", 3))),
        max_connect_failures=max(0, int(_float("INDICATOR_QA_MAX_CONNECT_FAILURES", 3))),
        response_format=(env("INDICATOR_QA_RESPONSE_FORMAT") or "json_schema").strip(),
        max_answer_bytes=max(0, int(_float("INDICATOR_QA_MAX_ANSWER_BYTES", 4_000_000))),
    )
    if values["timeout"] <= 0:
        raise ValueError(f"环境变量 INDICATOR_QA_TIMEOUT 应为正数（秒），现为 {values['timeout']:g}")
    if values["response_format"] not in ("json_schema", "json_object", "none"):
        raise ValueError("INDICATOR_QA_RESPONSE_FORMAT 只能是 json_schema、json_object 或 none")
    if "api_key" in overrides and not isinstance(overrides["api_key"], SecretStr):
        overrides["api_key"] = SecretStr(overrides["api_key"] or "")
    values.update({k: v for k, v in overrides.items() if v is not None})
    return LLMSettings(**values)
