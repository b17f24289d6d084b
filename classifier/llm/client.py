"""One async chat-completions call with bounded concurrency, a timeout, retries
with exponential backoff on 429/5xx/timeouts, and response_format downgrade
(json_schema → json_object → plain) for servers that reject it with a 400.

A circuit breaker stops calling an endpoint nobody answers: after
`max_connect_failures` connection failures in a row (refused, unreachable,
DNS — not timeouts, 429 or 5xx, which prove a server is there) every further
call of the run fails at once, so the remaining tables fall back to the rules
in milliseconds instead of each waiting out its retries."""
from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass, field

import openai

from .settings import LLMSettings

log = logging.getLogger("classifier.llm")
FORMATS = ("json_schema", "json_object", "none")


class CallFailed(RuntimeError):
    """Every attempt failed (network, timeout, 429/5xx after retries, other 4xx)."""


@dataclass
class Breaker:
    """Consecutive connection failures of one run (shared by its clients)."""

    limit: int = 3  # 0: never open
    failures: int = 0
    skipped: int = 0  # calls not sent because the breaker was open
    message: str = ""  # set once, when it opens

    @property
    def open(self) -> bool:
        return self.limit > 0 and self.failures >= self.limit


@dataclass
class Stats:
    calls: int = 0  # HTTP requests sent, retries included
    cache_hits: int = 0
    retries: int = 0
    repairs: int = 0
    revisions: int = 0
    failed_batches: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    errors: list[str] = field(default_factory=list)
    breaker: Breaker = field(default_factory=Breaker)


class ChatClient:
    def __init__(self, settings: LLMSettings, stats: Stats):
        self.settings = settings
        self.stats = stats
        self.format = settings.response_format
        self.breaker = stats.breaker
        self.breaker.limit = settings.max_connect_failures
        self._sem = asyncio.Semaphore(settings.concurrency)
        # Our own retry loop (max_retries=0 in the SDK) so every attempt is counted and logged.
        self._client = openai.AsyncOpenAI(base_url=settings.base_url, api_key=settings.key(),
                                          timeout=settings.timeout, max_retries=0)

    async def close(self) -> None:
        await self._client.close()

    def _connection_failed(self, e: Exception) -> bool:
        """Count a failure to reach the endpoint; True when that opens the breaker.
        429/5xx reset the count (a server answered); timeouts leave it as it is."""
        b = self.breaker
        if isinstance(e, openai.APIStatusError):
            b.failures = 0
            return False
        if isinstance(e, openai.APITimeoutError):
            return False
        b.failures += 1
        if not b.open:
            return False
        if not b.message:
            b.message = (f"模型端点 {self.settings.base_url} 连续 {b.failures} 次无法连接（{type(e).__name__}），"
                         "本次运行不再调用，其余表直接按规则处理（rules_fallback）")
            log.info("%s", b.message)  # the user hears it as a Problem of the review
        return True

    async def _backoff(self, delay: float) -> None:
        """Sleep before a retry, cut short when the breaker opens meanwhile."""
        end = time.monotonic() + delay
        while not self.breaker.open and (left := end - time.monotonic()) > 0:
            await asyncio.sleep(min(left, 0.05))

    def _response_format(self, schema: dict, name: str) -> dict | None:
        if self.format == "json_schema":
            return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}}
        if self.format == "json_object":
            return {"type": "json_object"}
        return None

    async def complete(self, messages: list[dict], params: dict, schema: dict, name: str = "answer") -> str:
        s = self.settings
        attempt = 0
        async with self._sem:
            while True:
                if self.breaker.open:
                    self.breaker.skipped += 1
                    raise CallFailed(self.breaker.message)
                kwargs = dict(model=s.model, messages=messages, **params)
                rf = self._response_format(schema, name)
                if rf:
                    kwargs["response_format"] = rf
                self.stats.calls += 1
                try:
                    resp = await self._client.chat.completions.create(**kwargs)
                except openai.BadRequestError as e:
                    self.breaker.failures = 0  # a server answered
                    # Server does not know this response_format: step down once per level, not counted as a retry.
                    if rf and self.format != "none":
                        nxt = FORMATS[FORMATS.index(self.format) + 1]
                        log.info("endpoint rejected response_format=%s (%s); using %s", self.format, e.status_code, nxt)
                        self.format = nxt
                        continue
                    raise CallFailed(f"请求被拒绝（HTTP {e.status_code}）") from None
                except (openai.RateLimitError, openai.InternalServerError, openai.APITimeoutError,
                        openai.APIConnectionError) as e:
                    if self._connection_failed(e):
                        raise CallFailed(self.breaker.message) from None
                    status = getattr(e, "status_code", None) or type(e).__name__
                    if attempt >= s.max_retries:
                        raise CallFailed(f"{status}，已重试 {attempt} 次") from None
                    delay = s.backoff * (2 ** attempt) * (1 + random.random() / 4)
                    retry_after = _retry_after(e)
                    if retry_after is not None:
                        delay = max(delay, min(retry_after, 60.0))
                    attempt += 1
                    self.stats.retries += 1
                    log.info("model call failed (%s); retry %d/%d in %.2fs", status, attempt, s.max_retries, delay)
                    await self._backoff(delay)
                    continue
                except openai.APIStatusError as e:
                    self.breaker.failures = 0
                    raise CallFailed(f"HTTP {e.status_code}") from None
                except Exception as e:  # noqa: BLE001
                    # A 200 whose body is no chat completion (proxy error page, cut envelope): not a
                    # transient signal like 429/5xx, so no retry — the table falls back to the rules.
                    raise CallFailed(f"无法解析的响应（{type(e).__name__}）") from None
                self.breaker.failures = 0
                usage = getattr(resp, "usage", None)
                if usage:
                    self.stats.prompt_tokens += usage.prompt_tokens or 0
                    self.stats.completion_tokens += usage.completion_tokens or 0
                choices = getattr(resp, "choices", None)
                if not choices:
                    return ""  # validation asks for a repair
                return choices[0].message.content or ""


def _retry_after(e: Exception) -> float | None:
    resp = getattr(e, "response", None)
    if resp is None:
        return None
    try:
        return float(resp.headers.get("retry-after"))
    except (TypeError, ValueError):
        return None
