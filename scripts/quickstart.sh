#!/usr/bin/env bash
# A real streamed chat completion through modelrt, with no API key: starts llama.cpp's
# OpenAI-compatible server on loopback (installing it on first use), runs
# examples/chat.rs against it with the openai_api_compatible provider, stops the server.
#
#   scripts/quickstart.sh [PROMPT] [extra args for examples/chat.rs]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Fresh machine: install what is missing (nothing happens when all is there).
scripts/setup-system.sh

prompt="${1:-Why is the sky blue?}"
[ "$#" -gt 0 ] && shift

# Build first so the server is not left waiting through a long compile.
cargo build --quiet --example chat

# Single quotes: the variables are expanded by the inner shell, once the server is up.
# shellcheck disable=SC2016
exec scripts/with-llama-server.sh --chat-only bash -c '
  exec cargo run --quiet --example chat -- \
    --provider openai_api_compatible \
    --model "$MODELRT_E2E_MODEL" \
    --cred endpoint_url="$MODELRT_E2E_BASE_URL" \
    --max-tokens 200 \
    "$@"' quickstart "$prompt" "$@"
