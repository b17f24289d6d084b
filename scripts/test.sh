#!/usr/bin/env bash
# Installs everything the tests need on a fresh machine, then runs them.
# Python: a virtualenv in ./.venv (created with python3.11, or $PYTHON), unless one is
# already active. System packages: Chromium and CJK fonts from apt, only when missing
# and only when we may use apt (root); otherwise the browser tests are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${VIRTUAL_ENV:-}" ]; then
  PY="$VIRTUAL_ENV/bin/python"
else
  if [ ! -x .venv/bin/python ]; then
    "${PYTHON:-python3.11}" -m venv .venv
  fi
  PY=.venv/bin/python
fi
# Installed once per pyproject.toml: the editable install picks up code changes by itself, and
# pip's no-op resolve of every dependency still costs ~25 s a run. --no-compile: the
# interpreter byte-compiles what the tests import, not every file of every dependency.
STAMP="$(dirname "$PY")/../.indicator-qa-installed"
WANT="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
  "$PY" -m pip install -q --no-compile --disable-pip-version-check -e ".[test]" 2> >(grep -v "^WARNING: Location" >&2)
  echo "$WANT" > "$STAMP"
fi
# The browser tests need Chromium from the OS packages (no browser downloads here).
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
      || echo "warning: could not install chromium; browser tests will be skipped" >&2
  else
    echo "warning: chromium not found and not root: browser tests will be skipped (install the chromium package)" >&2
  fi
fi
# The venv's bin first, so `indicator-qa` and `chroma` started by tests are this checkout's.
export PATH="$(cd "$(dirname "$PY")" && pwd):$PATH"
# --durations: every run (CI included) ends with its slowest tests, so the time can be kept in check.
"$PY" -m pytest -q --durations=25 "$@"
