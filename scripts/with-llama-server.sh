#!/usr/bin/env bash
# Runs a command with llama.cpp's OpenAI-compatible server running on loopback, and
# always stops the server afterwards (also on failure or Ctrl-C).
#
#   scripts/with-llama-server.sh [--chat-only] COMMAND [ARGS...]
#
# The command sees:
#   MODELRT_E2E_BASE_URL     chat instance, e.g. http://127.0.0.1:PORT/v1
#   MODELRT_E2E_MODEL        model name the server answers to
#   MODELRT_E2E_LLAMA_LOG    log file of the chat instance
#   MODELRT_E2E_EMBED_URL    instance started with --embedding true (unless --chat-only)
#   MODELRT_E2E_LLAMA_PYTHON, MODELRT_E2E_GGUF
#                            to start a dedicated instance (a test that kills its server)
# The exit status is the command's.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/llama-server.sh
. "$ROOT/scripts/lib/llama-server.sh"

chat_only=false
if [ "${1:-}" = "--chat-only" ]; then
  chat_only=true
  shift
fi
if [ "$#" -eq 0 ]; then
  echo "usage: $0 [--chat-only] COMMAND [ARGS...]" >&2
  exit 2
fi

LLAMA_VENV="$("$ROOT/scripts/llama-server-env.sh")"
trap llama_stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

llama_start chat
export MODELRT_E2E_BASE_URL="$LLAMA_URL/v1"
export MODELRT_E2E_LLAMA_LOG="$LLAMA_LOG"
export MODELRT_E2E_MODEL="$LLAMA_MODEL_ALIAS"
export MODELRT_E2E_LLAMA_PYTHON="$LLAMA_VENV/bin/python"
MODELRT_E2E_GGUF="$(llama_gguf "$LLAMA_VENV")"
export MODELRT_E2E_GGUF

if [ "$chat_only" = false ]; then
  llama_start embed --embedding true
  export MODELRT_E2E_EMBED_URL="$LLAMA_URL/v1"
fi

status=0
"$@" || status=$?
exit "$status"
