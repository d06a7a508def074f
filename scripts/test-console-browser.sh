#!/usr/bin/env bash
# The web console's browser test: selenium drives Debian's headless chromium through the
# console of `modelrt serve`, in front of the llama.cpp server. Run under
# scripts/with-llama-server.sh, which sets MODELRT_E2E_BASE_URL and MODELRT_E2E_MODEL:
#
#   scripts/with-llama-server.sh --chat-only scripts/test-console-browser.sh
#
# Screenshots of each page go to target/console-screenshots/ (kept by CI as artifacts).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

: "${MODELRT_E2E_BASE_URL:?run this under scripts/with-llama-server.sh}"
for tool in chromium chromedriver; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "error: $tool not found: run scripts/setup-system.sh" >&2
    exit 1
  }
done

VENV="$("$ROOT/scripts/gateway-python-env.sh")"
cargo build --quiet -p modelrt-cli --bin modelrt
export MODELRT_GATEWAY_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/modelrt"
export MODELRT_CHROMIUM="$(command -v chromium)"
export MODELRT_CHROMEDRIVER="$(command -v chromedriver)"
export MODELRT_CONSOLE_SCREENSHOTS="$ROOT/target/console-screenshots"
rm -rf "$MODELRT_CONSOLE_SCREENSHOTS"
exec "$VENV/bin/python" "$ROOT/gateway/tests/browser/test_console.py"
