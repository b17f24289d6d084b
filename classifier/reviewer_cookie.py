"""The reviewer's name, kept in a cookie of this browser when no sign-in is
configured: a new tab or a visit without the query string still knows it.

Streamlit reads cookies (`st.context.cookies`, sent with the page's websocket)
but has no call to write one, so the app writes it with a one-line script
(`st.html(..., unsafe_allow_javascript=True)`). The name is data typed by a
user: it goes into the script only as a JSON string literal with `<`, `>`, `&`
escaped, so it can never close the script or become code. Pure: no Streamlit."""
from __future__ import annotations

import json
import re
import urllib.parse

COOKIE = "indicator_qa_reviewer"
MAX_AGE = 400 * 24 * 3600  # the longest a browser keeps a cookie (Chrome caps at 400 days)
MAX_CHARS = 64
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean(name: str | None) -> str:
    """A name as it may be kept: no control characters, trimmed, at most 64 characters."""
    return _CONTROL.sub("", str(name or "")).strip()[:MAX_CHARS]


def read(cookies) -> str:
    """The name this browser gave, from a cookie mapping ('' when none).
    The script stores it percent-encoded (cookies are ASCII)."""
    try:
        raw = cookies.get(COOKIE)
    except Exception:  # no browser context (a bare script run)
        return ""
    # Only a string is a cookie (streamlit.testing hands scripts a mock in its place).
    return clean(urllib.parse.unquote(raw)) if isinstance(raw, str) else ""


def _literal(value: str) -> str:
    return json.dumps(value, ensure_ascii=True).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def set_script(name: str) -> str:
    """A <script> that keeps `name` in this browser's cookie for the whole site."""
    return ("<script>document.cookie = " + _literal(COOKIE + "=") + " + encodeURIComponent(" + _literal(clean(name))
            + f") + \"; path=/; max-age={MAX_AGE}; samesite=lax\";</script>")


def clear_script() -> str:
    """A <script> that forgets the name (更换审核人)."""
    return "<script>document.cookie = " + _literal(COOKIE + "=; path=/; max-age=0; samesite=lax") + ";</script>"
