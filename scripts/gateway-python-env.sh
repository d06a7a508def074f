#!/usr/bin/env bash
# Installs the Python packages of the gateway's client and browser tests (gateway/tests/python/
# requirements.txt: the official `openai` package, selenium) from PyPI into a virtual environment
# cached outside the checkout, then prints the venv path. A venv installed from the same
# requirements is reused.
#
# Environment: MODELRT_GATEWAY_VENV (venv path), PYTHON (interpreter, default python3).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REQUIREMENTS="$ROOT/gateway/tests/python/requirements.txt"
VENV="${MODELRT_GATEWAY_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/modelrt/gateway-venv}"
PYTHON="${PYTHON:-python3}"
STAMP="$VENV/.modelrt-requirements-$(sha256sum "$REQUIREMENTS" | cut -c1-16)"

if [ -f "$STAMP" ] && [ -x "$VENV/bin/python" ]; then
  echo "$VENV"
  exit 0
fi

mkdir -p "$(dirname "$VENV")"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$VENV.lock"
  flock 9
  if [ -f "$STAMP" ] && [ -x "$VENV/bin/python" ]; then
    echo "$VENV"
    exit 0
  fi
fi

echo "installing the gateway test clients into $VENV" >&2
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV" >&2
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS" >&2
touch "$STAMP"
echo "$VENV"
