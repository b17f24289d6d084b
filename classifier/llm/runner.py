"""The openai backend: one call per project (table), identical rows judged
once, answers validated, one repair, then rule fallback; model rewrites marked
and re-checked, revised once. Everything cached; stats go to Review.run."""
from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass, field

from ..models import Finding, Indicator, Project
from ..redact import scrubber_for
from ..rules import row_key
from ..values import normalize
from .answer import AnswerError, Judgement, Revision, RewriteOut, json_schema, parse_judgement, parse_revision, revision_schema
from .cache import ResponseCache, cache_key
from .client import CallFailed, ChatClient, Stats
from ..embeddings import embedder_model_id
from .fewshot import PickCache, Retriever, labelled_examples, picks_key
from .merge import llm_finding, merge_row
from .prompt import PromptSpec, batch_data, quote, render, render_text, row_data
from .rewrites import to_rewrite
from .settings import DEFAULT_BASE_URL, LLMSettings

log = logging.getLogger("classifier.llm")
REVISE_CHUNK = 30  # rewrites per revision request
MAX_ECHO = 6000  # characters of a bad answer sent back with the repair request


class ConfigError(ValueError):
    """The backend cannot run as configured (message is for the user)."""


class CacheMiss(ConfigError):
    """Cache-only run: a request has no cached answer. Never a silent fallback."""


MAX_NAMED = 8  # tables (or rows) named in a cache-miss message


@dataclass
class Batch:
    project: Project
    judge: list[Indicator]  # rows the model answers for
    context: list[Indicator]  # rows of this table judged in another batch
    messages: list[dict] = field(default_factory=list)
    key: str = ""
    answer: Judgement | None = None


@dataclass
class Outcome:
    """What the backend decided, for pipeline.review to put into the Review."""

    findings: list[Finding]
    rewrites: dict  # row id → Rewrite (model rewrites only; templates fill the rest)
    row_source: dict[str, str]
    run: dict


def dedupe_key(ind: Indicator) -> str:
    return "|".join((normalize(ind.level1), normalize(ind.level2), row_key(ind)))


def plan(projects: list[Project]) -> tuple[list[Batch], dict[str, str]]:
    """Batches (one per project with something new to judge) and, for every
    row, the id of the row whose answer it takes (itself, or its first twin)."""
    owner_of_key: dict[str, str] = {}
    owner: dict[str, str] = {}
    batches = []
    for p in projects:
        judge, context = [], []
        for ind in p.indicators:
            k = dedupe_key(ind)
            if k in owner_of_key:
                owner[ind.id] = owner_of_key[k]
                context.append(ind)
            else:
                owner_of_key[k] = owner[ind.id] = ind.id
                judge.append(ind)
        if judge:
            batches.append(Batch(p, judge, context))
    return batches, owner


def _evidence(findings: list[Finding]) -> dict[str, list[dict]]:
    ev: dict[str, list[dict]] = {}
    for f in findings:
        key = f.row_id or f"project:{f.project_id}"
        ev.setdefault(key, []).append({"label": f.code, "rule": f.rule, "evidence": f.evidence})
    return ev


class Backend:
    def __init__(self, spec: PromptSpec, settings: LLMSettings, *, few_shot: int | None = None, cache: ResponseCache | None = None,
                 cache_only: bool = False):
        self.spec = spec
        self.settings = settings
        self.k = spec.few_shot.k if few_shot is None else few_shot
        self.pool = labelled_examples(spec.few_shot.source) if self.k > 0 and spec.few_shot.source else ()
        self.retriever: Retriever | None = None  # built on the first batch whose examples are not stored
        self.picks = PickCache()
        self.cached_picks = 0  # batches whose examples came from the pick cache
        self.cache_only = cache_only  # answers only from the cache: no client, no network; a miss raises CacheMiss
        self.cache = cache or ResponseCache(readonly=cache_only)
        self.params = dict(spec.params)
        self.stats = Stats()

    # ---- one model exchange: cache → call → validate → one repair ----------
    async def _ask(self, client: ChatClient, messages: list[dict], key: str, kind: str, ids: list[str]):
        parse, schema = (parse_judgement, json_schema()) if kind == "judge" else (parse_revision, revision_schema())
        hit = self.cache.get(key)
        if hit is not None:
            self.stats.cache_hits += 1
            return (Judgement if kind == "judge" else Revision).model_validate(hit)
        if client is None:  # cache-only: checked before asking, so only a cache changed under us lands here
            raise CacheMiss(f"--cache-only：缓存 {self.cache.path} 里没有 {ids[0] if ids else ''}… 的答案")
        convo = list(messages)
        for attempt in (0, 1):
            try:
                text = await client.complete(convo, self.params, schema, name=kind)
            except CallFailed as e:
                self.stats.errors.append(f"{kind} {ids[0] if ids else ''}…: {e}")
                return None
            try:
                answer = parse(text, ids)
            except AnswerError as e:
                log.info("invalid %s answer for %s…: %s", kind, ids[0] if ids else "", e)
                if attempt == 0:
                    self.stats.repairs += 1
                    convo = convo + [{"role": "assistant", "content": (text or "")[:MAX_ECHO]},
                                     {"role": "user", "content": render_text(self.spec, "repair", error=str(e))}]
                    continue
                self.stats.errors.append(f"{kind} {ids[0] if ids else ''}…: {e}")
                return None
            self.cache.put(key, answer.model_dump(), prompt_version=self.spec.version, model=self.settings.model, kind=kind,
                           raw=text)
            return answer
        return None

    def _key(self, messages: list[dict], kind: str) -> str:
        params = dict(self.params, kind=kind, schema=self.spec.output_schema)
        return cache_key(self.spec.version, self.settings.model, params, messages)

    def _examples(self, batch: Batch) -> list[dict]:
        """The batch's few-shot examples: the embedding retrieval's earlier choice
        for the same pool, embedder, k and rows when stored (no chromadb, no
        model), else retrieved now and stored (tf-idf fallbacks are not stored)."""
        if self.k <= 0 or not batch.judge:
            return []
        key = picks_key(self.pool, embedder_model_id(), self.k, batch.judge)
        hit = self.picks.get(key)
        if hit is not None:
            self.cached_picks += 1
            return hit
        if self.retriever is None:
            self.retriever = Retriever(self.pool)
        examples = self.retriever.nearest(batch.judge, self.k)
        if self.retriever.source == f"embeddings:{embedder_model_id()}" and not self.cache_only:  # a gate writes nothing
            self.picks.put(key, examples)
        return examples

    def prepare(self, batch: Batch, evidence: dict[str, list[dict]]) -> None:
        examples = self._examples(batch) if self.pool else []
        batch.messages = render(self.spec, batch_data(batch.project, batch.judge, batch.context, evidence), examples)
        batch.key = self._key(batch.messages, "judge")

    def _require_cached(self, keyed: list[tuple[str, list[str]]], what: str) -> None:
        """Cache-only: every request must have its answer stored; else one error naming the tables."""
        missing = [names for key, names in keyed if self.cache.get(key) is None]
        if not missing:
            return
        named = list(dict.fromkeys(n for names in missing for n in names))
        more = f" 等共 {len(named)} 项" if len(named) > MAX_NAMED else ""
        held = "；".join(f"{v} / {m}（{n} 条）" for v, m, n in self.cache.contents()) or "无"
        raise CacheMiss(
            f"--cache-only：缓存 {self.cache.path} 里没有{what}的答案：{'、'.join(named[:MAX_NAMED])}{more}"
            f"（{len(missing)}/{len(keyed)} 个请求未命中；本次为 {self.spec.version} / {self.settings.model}，缓存里有：{held}）。"
            "提示词、模型、参数、规则证据或少样本示例一变，请求就不同；请对端点重新运行 indicator-qa eval --backend openai 并提交缓存。")

    async def _judge_all(self, batches: list[Batch], progress) -> None:
        if self.cache_only:
            self._require_cached([(b.key, [f"{b.project.id}（{b.project.title}）"]) for b in batches], "表")
        client = None if self.cache_only else ChatClient(self.settings, self.stats)
        total = sum(len(b.judge) + len(b.context) for b in batches)
        done = 0

        async def one(b: Batch):
            nonlocal done
            b.answer = await self._ask(client, b.messages, b.key, "judge", [i.id for i in b.judge])
            done += len(b.judge) + len(b.context)
            if progress:
                progress(done, total, "LLM")

        try:
            await asyncio.gather(*(one(b) for b in batches))
        finally:
            if client is not None:
                await client.close()

    async def _revise_all(self, chunks: list[list[dict]]) -> dict[str, RewriteOut]:
        requests = []
        for rows in chunks:
            messages = [{"role": "system", "content": render_text(self.spec, "system")},
                        {"role": "user", "content": render_text(self.spec, "revise", data=quote({"rows": rows}))}]
            requests.append((rows, messages, self._key(messages, "revise")))
        if self.cache_only:
            self._require_cached([(key, [f"{r['id']}（{r['project']}）" for r in rows]) for rows, _, key in requests], "改写复核请求中的行")
        client = None if self.cache_only else ChatClient(self.settings, self.stats)
        out: dict[str, RewriteOut] = {}

        async def one(rows: list[dict], messages: list[dict], key: str):
            self.stats.revisions += 1
            ans = await self._ask(client, messages, key, "revise", [r["id"] for r in rows])
            if ans:
                out.update({r.id: r.rewrite for r in ans.rows})

        try:
            await asyncio.gather(*(one(*r) for r in requests))
        finally:
            if client is not None:
                await client.close()
        return out

    # ---- the whole run -----------------------------------------------------
    def run(self, projects: list[Project], rule_findings: list[Finding], progress=None) -> Outcome:
        started = time.perf_counter()
        batches, owner = plan(projects)
        evidence = _evidence(rule_findings)
        for b in batches:
            self.prepare(b, evidence)
        _run_async(self._judge_all(batches, progress))

        answers = {}  # owner row id → RowOut
        failed_rows: set[str] = set()
        for b in batches:
            if b.answer is None:
                self.stats.failed_batches += 1
                failed_rows.update(i.id for i in b.judge)
            else:
                answers.update({r.id: r for r in b.answer.rows})

        by_row: dict[str, list[Finding]] = {}
        project_level = []
        for f in rule_findings:
            (by_row.setdefault(f.row_id, []) if f.row_id else project_level).append(f)
        findings, rewrites, source = list(project_level), {}, {}
        row_codes: dict[str, set[str]] = {}  # labels of each rewritten row: what its rewrite may change
        for p in projects:
            for ind in p.indicators:
                rules = by_row.get(ind.id, [])
                row = answers.get(owner[ind.id])
                if row is None:  # its batch (or its twin's) failed: rules only, marked
                    findings += rules
                    source[ind.id] = "rules_fallback"
                    continue
                ev_suffix = "" if owner[ind.id] == ind.id else f"（与{owner[ind.id]}相同，沿用其判断）"
                model = [llm_finding(f.label, f.rule, f.evidence + ev_suffix, p.id, ind.id, self.spec.version) for f in row.findings]
                merged = merge_row(rules, model)
                findings += merged
                source[ind.id] = "llm"
                if row.rewrite is not None and model:
                    row_codes[ind.id] = {f.code for f in merged}
                    rewrites[ind.id] = to_rewrite(row.rewrite, ind, p, row_codes[ind.id])

        self._revise(projects, owner, answers, rewrites, row_codes)
        seconds = round(time.perf_counter() - started, 3)
        s = self.stats
        judged_rows = sum(len(b.judge) for b in batches)
        run = {
            "backend": "openai", "prompt_version": self.spec.version, "output_schema": self.spec.output_schema,
            "model": self.settings.model, "endpoint": self.settings.public(), "params": self.params, "few_shot_k": self.k if self.pool else 0,
            "few_shot_retrieval": self.retriever.source if self.retriever else
            (f"embeddings:{embedder_model_id()}" if self.cached_picks else None),
            "few_shot_note": self.retriever.note if self.retriever else "",
            "few_shot_cached": self.cached_picks,
            "cache_only": self.cache_only, "cache_file": str(self.cache.path),
            "batches": len(batches), "rows_sent": judged_rows, "rows_reused": sum(1 for r, o in owner.items() if r != o),
            "calls": s.calls, "cache_hits": s.cache_hits, "retries": s.retries, "repairs": s.repairs, "revisions": s.revisions,
            "fallback_batches": s.failed_batches, "fallback_rows": sum(1 for v in source.values() if v == "rules_fallback"),
            "prompt_tokens": s.prompt_tokens, "completion_tokens": s.completion_tokens,
            "prompt_tokens_per_row": round(s.prompt_tokens / judged_rows, 1) if judged_rows and s.calls else 0.0,
            "seconds": seconds, "cost": self.settings.cost(s.prompt_tokens, s.completion_tokens), "errors": s.errors[:50],
            "endpoint_down": s.breaker.message,  # the circuit breaker opened: the rest fell back without a call
            "cache_notice": self.cache.notice,  # the cache file was damaged and rebuilt, or could not be used
        }
        # Answers are scrubbed as they arrive (client.py); this catches what our own messages may quote.
        return Outcome(findings, rewrites, source, scrubber_for(self.settings).obj(run))

    def _revise(self, projects, owner, answers, rewrites, codes) -> None:
        """Model rewrites the checker still flags go back once, REVISE_CHUNK rows
        per request across tables (each row carries its project), so revisions
        add a call or two per run, not one per table."""
        inds = {i.id: (p, i) for p in projects for i in p.indicators}
        rows = []
        for rid, rw in rewrites.items():
            if rw.status == "ok" or owner[rid] != rid:
                continue
            p, ind = inds[rid]
            rows.append(row_data(ind) | {
                "project": p.title, "budget": f"{p.budget:g}万元" if p.budget is not None else "",
                "rewrite": {k: getattr(rw, k) for k in ("level1", "level2", "level3", "description", "value", "rationale")},
                "remaining": rw.remaining})
        if not rows:
            return
        chunks = [rows[i:i + REVISE_CHUNK] for i in range(0, len(rows), REVISE_CHUNK)]
        revised = _run_async(self._revise_all(chunks))
        for rid in list(rewrites):
            new = revised.get(owner[rid])
            if new is not None and rewrites[rid].status != "ok":
                p, ind = inds[rid]
                rewrites[rid] = to_rewrite(new, ind, p, codes.get(rid))  # still failing → stays needs_human


def _run_async(coro):
    """asyncio.run, also from inside a running loop (notebooks, some app servers)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box = {}
    t = threading.Thread(target=lambda: box.update(r=asyncio.run(coro)))
    t.start()
    t.join()
    return box["r"]


def check_settings(settings: LLMSettings) -> None:
    if settings.base_url.rstrip("/") == DEFAULT_BASE_URL and not settings.api_key.get_secret_value():
        raise ConfigError("openai 后端需要 API key：设置 INDICATOR_QA_API_KEY（或 OPENAI_API_KEY），"
                          "或用 INDICATOR_QA_BASE_URL 指向本地服务（见 README）。")
