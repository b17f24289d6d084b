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
import json
import logging
import random
import time
from dataclasses import dataclass, field

from ..redact import redact_url, scrubber_for
from .settings import LLMSettings

log = logging.getLogger("classifier.llm")
FORMATS = ("json_schema", "json_object", "none")


class CallFailed(RuntimeError):
    """Every attempt failed (network, timeout, 429/5xx after retries, other 4xx)."""


class DeadlineExceeded(Exception):
    """One request took longer than `timeout` in total (a server trickling bytes
    resets the SDK's per-read timeout forever; this bound does not reset)."""


class AnswerTooLarge(Exception):
    """The response body passed `max_answer_bytes`: read no further."""


@dataclass
class Breaker:
    """Consecutive connection failures of one run (shared by its clients)."""

    limit: int = 3  # 0: never open
    failures: int = 0
    skipped: int = 0  # calls not sent because the breaker was open
    message: str = ""  # set once, when it opens
    refused: bool = False  # 401/403: open for the rest of the run, whatever answers later

    @property
    def open(self) -> bool:
        return self.refused or (self.limit > 0 and self.failures >= self.limit)


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
        # Made on the first real request: the openai SDK costs seconds to import,
        # and a rerun answered wholly from the cache never needs it.
        self._client = None
        self._stale: list = []  # clients whose pool a cut-off request may have left half-read
        self.scrub = scrubber_for(settings)  # the key and URL credentials never leave in an answer or message

    def _new_client(self):
        import openai

        s = self.settings
        return openai.AsyncOpenAI(base_url=s.base_url, api_key=s.key(), timeout=s.timeout, max_retries=0)

    async def close(self) -> None:
        for c in [*self._stale, self._client]:
            if c is None:
                continue
            try:
                await c.close()
            except Exception:  # noqa: BLE001 — closing a pool whose request was cut off
                pass

    def _connection_failed(self, e: Exception) -> bool:
        """Count a failure to reach the endpoint; True when that opens the breaker.
        429/5xx reset the count (a server answered); timeouts leave it as it is."""
        import openai

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
            b.message = (f"模型端点 {redact_url(self.settings.base_url)} 连续 {b.failures} 次无法连接（{type(e).__name__}），"
                         "本次运行不再调用，其余表直接按规则处理（rules_fallback）")
            log.info("%s", b.message)  # the user hears it as a Problem of the review
        return True

    async def _backoff(self, delay: float) -> None:
        """Sleep before a retry, cut short when the breaker opens meanwhile."""
        end = time.monotonic() + delay
        while not self.breaker.open and (left := end - time.monotonic()) > 0:
            await asyncio.sleep(min(left, 0.05))

    def _refused_key(self, e: "openai.APIStatusError") -> str:
        """401/403: the key (or the account) is refused, which no retry mends. Open
        the breaker with the server's reason in Chinese, so the user reads why on
        stderr, and every other table falls back at once."""
        b = self.breaker
        reason = self.scrub.text(_error_reason(e))[:300]
        if not b.message:
            what = "拒绝了 API key（HTTP 401）" if e.status_code == 401 else "拒绝访问（HTTP 403）"
            b.message = (f"模型端点 {redact_url(self.settings.base_url)} {what}：{reason or '未说明原因'}。"
                         "请检查 INDICATOR_QA_API_KEY（或 OPENAI_API_KEY）与模型名；本次运行不再调用，其余表直接按规则处理（rules_fallback）")
            log.info("%s", b.message)
        b.refused = True  # "never stop" (limit 0) is for flaky networks, not for a refused key
        return b.message

    async def _create(self, kwargs: dict) -> dict:
        """One HTTP request, read as a stream so that the body is capped at
        `max_answer_bytes`; the caller bounds the whole of it by `timeout`."""
        cap = self.settings.max_answer_bytes
        if self._client is None:
            self._client = self._new_client()
        async with self._client.chat.completions.with_streaming_response.create(**kwargs) as raw:
            length = raw.headers.get("content-length")
            if cap and length and length.isdigit() and int(length) > cap:
                raise AnswerTooLarge(int(length))
            size, chunks = 0, []
            async for chunk in raw.iter_bytes():
                size += len(chunk)
                if cap and size > cap:
                    raise AnswerTooLarge(size)
                chunks.append(chunk)
        return json.loads(b"".join(chunks).decode("utf-8"))

    def _response_format(self, schema: dict, name: str) -> dict | None:
        if self.format == "json_schema":
            return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}}
        if self.format == "json_object":
            return {"type": "json_object"}
        return None

    async def complete(self, messages: list[dict], params: dict, schema: dict, name: str = "answer") -> str:
        import openai  # here, not at module level: see __init__

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
                    try:
                        resp = await asyncio.wait_for(self._create(kwargs), timeout=s.timeout)
                    except asyncio.TimeoutError:
                        # The cut-off response may still sit in a pooled connection: later
                        # requests (this retry, other tables) get a fresh pool.
                        self._stale.append(self._client)
                        self._client = self._new_client()
                        raise DeadlineExceeded() from None
                except AnswerTooLarge as e:
                    self.breaker.failures = 0  # a server answered, too much
                    raise CallFailed(f"回答超过 {s.max_answer_bytes} 字节上限（已读 {e.args[0]} 字节），不再读取") from None
                except openai.BadRequestError as e:
                    self.breaker.failures = 0  # a server answered
                    # Server does not know this response_format: step down once per level, not counted as a retry.
                    if rf and self.format != "none":
                        nxt = FORMATS[FORMATS.index(self.format) + 1]
                        log.info("endpoint rejected response_format=%s (%s); using %s", self.format, e.status_code, nxt)
                        self.format = nxt
                        continue
                    raise CallFailed(f"请求被拒绝（HTTP {e.status_code}）") from None
                except (openai.AuthenticationError, openai.PermissionDeniedError) as e:
                    raise CallFailed(self._refused_key(e)) from None
                except (openai.RateLimitError, openai.InternalServerError, openai.APITimeoutError,
                        openai.APIConnectionError, DeadlineExceeded) as e:
                    if not isinstance(e, DeadlineExceeded) and self._connection_failed(e):
                        raise CallFailed(self.breaker.message) from None
                    status = getattr(e, "status_code", None) or (
                        f"超过 {s.timeout:g} 秒总时限" if isinstance(e, DeadlineExceeded) else type(e).__name__)
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
                usage = resp.get("usage") if isinstance(resp, dict) else None
                if isinstance(usage, dict):
                    self.stats.prompt_tokens += _int(usage.get("prompt_tokens"))
                    self.stats.completion_tokens += _int(usage.get("completion_tokens"))
                choices = resp.get("choices") if isinstance(resp, dict) else None
                if not choices or not isinstance(choices, list) or not isinstance(choices[0], dict):
                    if isinstance(resp, dict) and "choices" in resp:
                        return ""  # an empty completion: validation asks for a repair
                    raise CallFailed("无法解析的响应（不是 chat completion）")
                message = choices[0].get("message") or {}
                content = message.get("content") if isinstance(message, dict) else None
                # An endpoint that echoes the Authorization header must not get the key into results or the cache.
                return self.scrub.text(content if isinstance(content, str) else "")


def _int(x) -> int:
    return x if isinstance(x, int) and not isinstance(x, bool) and x >= 0 else 0


def _error_reason(e: "openai.APIStatusError") -> str:
    """The server's own words for an error status (its JSON error message, else its body)."""
    body = getattr(e, "body", None)
    if isinstance(body, dict):
        err = body.get("error", body)
        msg = err.get("message") if isinstance(err, dict) else err
        if msg:
            return str(msg)
    return str(getattr(e, "message", "") or "")


def _retry_after(e: Exception) -> float | None:
    resp = getattr(e, "response", None)
    if resp is None:
        return None
    try:
        return float(resp.headers.get("retry-after"))
    except (TypeError, ValueError):
        return None
