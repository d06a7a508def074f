#!/usr/bin/env bash
# Every check CI runs: formatting, clippy (warnings are errors) and the whole test
# suite, with llama.cpp's server running for the end-to-end tests and PostgreSQL and Redis
# for the gateway's shared-storage tests. Each step runs even
# if an earlier one failed, so one report shows all problems; the exit status is
# non-zero if any step failed.
#
#   scripts/test.sh [extra args for cargo test]
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1

failed=()
step() {
  local name="$1"
  shift
  echo "==> $name: $*" >&2
  local started=$SECONDS
  if ! "$@"; then
    failed+=("$name")
    echo "==> $name FAILED after $((SECONDS - started)) s" >&2
    return 1
  fi
  echo "==> $name passed in $((SECONDS - started)) s" >&2
}

# Fresh machine: install what is missing (nothing happens when all is there).
scripts/setup-system.sh || exit 1

step fmt cargo fmt --all --check
step clippy cargo clippy --workspace --all-targets -- -D warnings
# Compile the tests before starting the servers, so they only run while tests do.
if step build cargo test --workspace --no-run "$@"; then
  # --no-fail-fast: every test binary runs and prints its summary, even after a failure.
  # PostgreSQL and Redis for the gateway's two-instance tests (they fail, not skip, under CI).
  step test scripts/with-services.sh scripts/with-llama-server.sh \
    cargo test --workspace --no-fail-fast "$@"
fi
# The `otel` feature (OpenTelemetry traces over OTLP) is off by default: lint it, and run its
# test against a local OTLP receiver.
step clippy-otel cargo clippy -p modelrt-gateway -p modelrt-cli --all-targets --features otel -- -D warnings
step otel cargo test -p modelrt-gateway --features otel --test otel
# The official `openai` Python package against `modelrt serve` and the same llama servers.
step gateway-clients scripts/with-llama-server.sh scripts/test-gateway-python.sh
# The web console in headless chromium, screenshots in target/console-screenshots/.
step console-browser scripts/with-llama-server.sh --chat-only scripts/test-console-browser.sh

if [ "${#failed[@]}" -ne 0 ]; then
  echo "==> failed steps: ${failed[*]}" >&2
  exit 1
fi
echo "==> all checks passed" >&2
