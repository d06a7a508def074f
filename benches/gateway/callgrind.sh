#!/usr/bin/env bash
# Instructions per chat request through `modelrt serve` (BENCHMARKS.md, "Gateway"), counted by
# callgrind: repeatable on a shared, noisy machine where timings are not. For humans.
#
#   benches/gateway/callgrind.sh [MODELRT_BINARY] [plain|stream]
#
# Starts the mock upstream with no latency and the given `modelrt` (default: the release
# build) under valgrind, zero-config; sends 200 requests to warm up, zeroes the counters,
# sends 500 more (oha, 2 connections) and prints the whole process's instructions per
# request. The profile stays in the directory printed, for callgrind_annotate.
set -euo pipefail
cd "$(dirname "$0")/../.."

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
MODELRT=${1:-$CARGO_TARGET_DIR/release/modelrt}
MODE=${2:-plain}
REQUESTS=500
MOCK_PORT=${MOCK_PORT:-18190}
MODELRT_PORT=${MODELRT_PORT:-18191}
OHA=${XDG_CACHE_HOME:-$HOME/.cache}/modelrt/oha/bin/oha
RESULTS=$(mktemp -d "${TMPDIR:-/tmp}/modelrt-gateway-callgrind.XXXXXX")
command -v valgrind >/dev/null || { echo "valgrind is needed" >&2; exit 1; }
[ -x "$OHA" ] || { echo "oha is needed: run benches/gateway/run.sh once" >&2; exit 1; }

PIDS=()
trap 'for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
"$CARGO_TARGET_DIR/release/modelrt-mock-upstream" --listen "127.0.0.1:$MOCK_PORT" \
    --latency-ms 0 2>"$RESULTS/mock.log" &
PIDS+=($!)
mkdir -p "$RESULTS/config"
env -u MODELRT_GATEWAY_KEY XDG_CONFIG_HOME="$RESULTS/config" \
    MODELRT_OPENAI_API_COMPATIBLE_ENDPOINT_URL="http://127.0.0.1:$MOCK_PORT/v1" \
    valgrind --tool=callgrind --callgrind-out-file="$RESULTS/callgrind.out" \
    "$MODELRT" serve --listen "127.0.0.1:$MODELRT_PORT" 2>"$RESULTS/modelrt.log" &
VALGRIND_PID=$!
PIDS+=($VALGRIND_PID)
for _ in $(seq 600); do
    (exec 3<>"/dev/tcp/127.0.0.1/$MODELRT_PORT") 2>/dev/null && break
    sleep 0.1
done

stream=''
[ "$MODE" = stream ] && stream=', "stream": true, "stream_options": {"include_usage": true}'
body=$(printf '{"model": "openai_api_compatible/bench", "messages": [{"role": "user", "content": "Say hello."}], "max_tokens": 64%s}' "$stream")
send() {
    "$OHA" -n "$1" -c 2 --no-tui --output-format json -m POST -H 'content-type: application/json' \
        -d "$body" "http://127.0.0.1:$MODELRT_PORT/v1/chat/completions" >"$RESULTS/oha-$1.json"
}
send 200
callgrind_control --zero "$VALGRIND_PID" >/dev/null 2>&1
send "$REQUESTS"
callgrind_control --dump "$VALGRIND_PID" >/dev/null 2>&1
sleep 1
answered=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["statusCodeDistribution"].get("200", 0))' "$RESULTS/oha-$REQUESTS.json")
if [ "$answered" != "$REQUESTS" ]; then
    echo "only $answered of $REQUESTS requests answered 200 (logs in $RESULTS)" >&2
    exit 1
fi
# The dump after zeroing is the file numbered .1 (the one at exit holds the shutdown).
profile="$RESULTS/callgrind.out.1"
total=$(awk '/^(summary|totals):/ { print $2; exit }' "$profile")
echo "$MODE: $((total / REQUESTS)) instructions per request ($REQUESTS requests; $profile)"
