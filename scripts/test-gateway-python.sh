#!/usr/bin/env bash
# The gateway's client tests: the official `openai` Python package drives `modelrt serve`
# in front of the llama.cpp servers. Run under scripts/with-llama-server.sh, which sets
# MODELRT_E2E_BASE_URL, MODELRT_E2E_EMBED_URL and MODELRT_E2E_MODEL:
#
#   scripts/with-llama-server.sh scripts/test-gateway-python.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

: "${MODELRT_E2E_BASE_URL:?run this under scripts/with-llama-server.sh}"
: "${MODELRT_E2E_EMBED_URL:?run this under scripts/with-llama-server.sh (without --chat-only)}"

VENV="$("$ROOT/scripts/gateway-python-env.sh")"
cargo build --quiet -p modelrt-cli --bin modelrt
export MODELRT_GATEWAY_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/modelrt"
exec "$VENV/bin/python" "$ROOT/gateway/tests/python/test_openai_client.py"
