#!/usr/bin/env bash
# Installs everything the tests need on a fresh machine, then runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
python3.11 -m pip install -q -e ".[test]"
# The browser tests need Chromium from the OS packages (no browser downloads here).
if ! command -v chromium >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
      || echo "warning: could not install chromium; browser tests will be skipped" >&2
  fi
fi
python3.11 -m pytest -q "$@"
