"""Keeping the configured secrets out of everything written or shown.

The API key and any credentials inside a base URL (`https://user:pass@host/v1`,
`…/v1?api-key=…`) are settings, never data: an endpoint that echoes the
Authorization header into its answer, or an error text quoting the URL, must
not carry them into the review JSON, the reports, the LLM cache, `run.endpoint`
or stderr. `redact_url` is the URL as it may be shown; `Scrubber` replaces
every known secret in any text (or nested JSON-like value) with `****`."""
from __future__ import annotations

import base64
import re
from typing import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "****"
# Query parameters that carry a credential (api-key, api_key, key, token, sig, …).
_SECRET_PARAM = re.compile(r"(key|token|secret|passw|pwd|sig|auth|credential)", re.I)
_MIN_SECRET = 4  # shorter strings are not scrubbed: they would mangle ordinary text


def _split(url: str):
    try:
        return urlsplit(url or "")
    except ValueError:
        return None


def url_secrets(url: str) -> list[str]:
    """The credential parts of a URL: user, password, user:pass, secret query values."""
    parts = _split(url)
    if parts is None:
        return []
    out = []
    if parts.password:
        pair = f"{parts.username or ''}:{parts.password}"
        # httpx sends user:pass@ as a Basic Authorization header: an echo carries it base64-encoded
        out += [pair, parts.password, base64.b64encode(pair.encode("utf-8")).decode("ascii")]
    if parts.username and parts.password is not None:
        out.append(parts.username)
    for k, v in parse_qsl(parts.query, keep_blank_values=True):
        if v and _SECRET_PARAM.search(k):
            out.append(v)
    return out


def redact_url(url: str) -> str:
    """`url` with user:pass@ and credential query values masked (host and path kept)."""
    parts = _split(url)
    if parts is None:
        return MASK
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{MASK}@{netloc.rsplit('@', 1)[1]}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, MASK if v and _SECRET_PARAM.search(k) else v) for k, v in pairs], safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


class Scrubber:
    """Replaces each secret (longest first) wherever it appears."""

    def __init__(self, secrets: Iterable[str] = ()):
        found = {s for s in secrets if s and len(s) >= _MIN_SECRET}
        self.secrets = sorted(found, key=len, reverse=True)
        self._re = re.compile("|".join(re.escape(s) for s in self.secrets)) if self.secrets else None

    def __bool__(self) -> bool:
        return self._re is not None

    def text(self, value: str) -> str:
        if self._re is None or not value:
            return value
        return self._re.sub(MASK, value)

    def obj(self, value):
        """The same structure with every string scrubbed (dict keys included)."""
        if self._re is None:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.obj(k): self.obj(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.obj(v) for v in value]
        return value


def scrubber_for(settings) -> Scrubber:
    """The secrets of one LLMSettings: its key and its URL's credentials."""
    key = settings.api_key.get_secret_value() if getattr(settings, "api_key", None) is not None else ""
    return Scrubber([key, *url_secrets(getattr(settings, "base_url", ""))])
