#!/usr/bin/env bash
# Gateway benchmark (BENCHMARKS.md, "Gateway"; issue 14, section 4). For humans: CI never
# runs it. Everything listens on 127.0.0.1; every process it starts is stopped on exit.
#
#   1. builds `modelrt` and the mock upstream (release); installs the load generator oha
#      (cargo install, pinned) and LiteLLM's proxy (pip, pinned) under ~/.cache/modelrt when
#      missing;
#   2. starts the fixed-latency mock OpenAI upstream, `modelrt serve` (zero-config: the
#      `openai_api_compatible` provider pointed at the mock through its environment
#      variable) and the LiteLLM proxy (one model on the same mock);
#   3. for each of plain and streamed chat completions and each rate of $RATES, runs the same
#      fixed-rate load (oha -q RATE -z DURATION) straight to the mock, then through modelrt,
#      then through LiteLLM, back to back; overhead per percentile = through the gateway
#      minus straight to the mock at the same rate (calibrated subtraction);
#   4. steps plain requests through $STEP_RATES ($STEP_DURATION each) for the mock itself
#      and each gateway until a rate is not sustained (any error, under 95 % of the asked
#      rate achieved, or p99 over $MAX_P99_MS);
#   5. prints a Markdown table: overheads, CPU of the gateway process tree during each run,
#      peak RSS over the whole benchmark, highest sustained rate; the load average too, as
#      the machine may be shared.
#
# Usage: benches/gateway/run.sh   (DURATION=10s per point, RATES="500 1000",
#   STEP_DURATION=5s, STEP_RATES="50 100 250 500 1000 2000 4000 8000", MAX_P99_MS=1000,
#   LATENCY_MS=50 to first byte, CHUNKS=20 per stream; CARGO_TARGET_DIR to reuse a build;
#   raw oha JSON and the servers' logs stay in the directory printed at the end)
set -euo pipefail
cd "$(dirname "$0")/../.."

OHA_VERSION=1.16.0
LITELLM_VERSION=1.108.0
DURATION=${DURATION:-10s}
STEP_DURATION=${STEP_DURATION:-5s}
RATES=${RATES:-"500 1000"}
STEP_RATES=${STEP_RATES:-"50 100 250 500 1000 2000 4000 8000"}
LATENCY_MS=${LATENCY_MS:-50}
CHUNKS=${CHUNKS:-20}
MAX_P99_MS=${MAX_P99_MS:-1000}
MOCK_PORT=${MOCK_PORT:-18090}
MODELRT_PORT=${MODELRT_PORT:-18091}
LITELLM_PORT=${LITELLM_PORT:-18092}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/modelrt
OHA=$CACHE/oha/bin/oha
LITELLM_VENV=$CACHE/litellm-$LITELLM_VERSION
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
RESULTS=$(mktemp -d "${TMPDIR:-/tmp}/modelrt-gateway-bench.XXXXXX")

PIDS=()
stop_all() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap stop_all EXIT

echo "== build and tools" >&2
cargo build --quiet --release -p modelrt-cli -p modelrt-mock-upstream --bins
if [ ! -x "$OHA" ] || ! "$OHA" --version | grep -q " $OHA_VERSION"; then
    cargo install --quiet --locked oha --version "$OHA_VERSION" --root "$CACHE/oha"
fi
if [ ! -x "$LITELLM_VENV/bin/litellm" ]; then
    python3 -m venv "$LITELLM_VENV"
    "$LITELLM_VENV/bin/pip" install --quiet "litellm[proxy]==$LITELLM_VERSION"
fi

# Waits until something listens on port $1 (up to 60 s: LiteLLM starts slowly).
wait_for_port() {
    for _ in $(seq 600); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "nothing listens on 127.0.0.1:$1 after 60 s (logs in $RESULTS)" >&2
    exit 1
}

echo "== start the mock, modelrt serve and LiteLLM" >&2
"$CARGO_TARGET_DIR/release/modelrt-mock-upstream" --listen "127.0.0.1:$MOCK_PORT" \
    --latency-ms "$LATENCY_MS" --chunks "$CHUNKS" 2>"$RESULTS/mock.log" &
PIDS+=($!)
MOCK_PID=$!

# An empty config home: no credentials file of the user's is read.
mkdir -p "$RESULTS/config"
env -u MODELRT_GATEWAY_KEY XDG_CONFIG_HOME="$RESULTS/config" \
    MODELRT_OPENAI_API_COMPATIBLE_ENDPOINT_URL="http://127.0.0.1:$MOCK_PORT/v1" \
    "$CARGO_TARGET_DIR/release/modelrt" serve --listen "127.0.0.1:$MODELRT_PORT" \
    2>"$RESULTS/modelrt.log" &
PIDS+=($!)
MODELRT_PID=$!

cat >"$RESULTS/litellm.yaml" <<EOF
model_list:
  - model_name: bench
    litellm_params:
      model: openai/bench
      api_base: http://127.0.0.1:$MOCK_PORT/v1
      api_key: mock-key
EOF
# The bundled cost map: nothing is downloaded while it runs. LiteLLM refuses to start without
# a master key; every target gets it in the same header, so requests are alike.
MASTER_KEY=sk-bench-master
LITELLM_MASTER_KEY=$MASTER_KEY LITELLM_LOCAL_MODEL_COST_MAP=True LITELLM_LOG=ERROR \
    "$LITELLM_VENV/bin/litellm" --config "$RESULTS/litellm.yaml" --host 127.0.0.1 \
    --port "$LITELLM_PORT" --num_workers 1 >"$RESULTS/litellm.log" 2>&1 &
PIDS+=($!)
LITELLM_PID=$!

wait_for_port "$MOCK_PORT"
wait_for_port "$MODELRT_PORT"
wait_for_port "$LITELLM_PORT"

# Target name -> chat completions URL, model, and the process tree to watch.
url() { case $1 in direct) echo "http://127.0.0.1:$MOCK_PORT" ;; modelrt) echo "http://127.0.0.1:$MODELRT_PORT" ;; litellm) echo "http://127.0.0.1:$LITELLM_PORT" ;; esac; }
model() { case $1 in modelrt) echo "openai_api_compatible/bench" ;; *) echo "bench" ;; esac; }
pid_of() { case $1 in direct) echo "$MOCK_PID" ;; modelrt) echo "$MODELRT_PID" ;; litellm) echo "$LITELLM_PID" ;; esac; }

# A process and all its descendants.
tree() {
    echo "$1"
    for child in $(pgrep -P "$1" || true); do tree "$child"; done
}
# CPU seconds (user + system) used so far by the tree of $1.
cpu_seconds() {
    local ticks=0
    for pid in $(tree "$1"); do
        # Fields 14 and 15 (utime, stime), counted after the `(comm)` field.
        ticks=$((ticks + $(sed 's/^.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }')))
    done
    awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}
# Peak resident memory of the tree of $1 so far, in KiB (the sum of each process's peak).
peak_rss_kib() {
    local kib=0
    for pid in $(tree "$1"); do
        kib=$((kib + $(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")))
    done
    echo "$kib"
}

# body MODE MODEL: the request body, plain or streamed (with usage).
body() {
    local stream=''
    [ "$1" = stream ] && stream=', "stream": true, "stream_options": {"include_usage": true}'
    printf '{"model": "%s", "messages": [{"role": "user", "content": "Say hello."}], "max_tokens": 64%s}' "$2" "$stream"
}

# load TARGET MODE RATE: one fixed-rate oha run; writes TARGET-MODE-RATE.json and .cpu.
load() {
    local target=$1 mode=$2 rate=$3 name="$1-$2-$3" before after connections
    # Enough connections for a 200 ms answer at this rate, so the load stays open-loop.
    connections=$((rate / 5 > 50 ? rate / 5 : 50))
    before=$(cpu_seconds "$(pid_of "$target")")
    "$OHA" --no-tui --output-format json -q "$rate" -z "$DURATION" -w --latency-correction -t 30s \
        -c "$connections" -m POST -H 'content-type: application/json' \
        -H "authorization: Bearer $MASTER_KEY" \
        -d "$(body "$mode" "$(model "$target")")" "$(url "$target")/v1/chat/completions" \
        >"$RESULTS/$name.json"
    after=$(cpu_seconds "$(pid_of "$target")")
    awk -v b="$before" -v a="$after" 'BEGIN { printf "%.2f\n", a - b }' >"$RESULTS/$name.cpu"
}

echo "== warm up" >&2
for target in direct modelrt litellm; do
    for mode in plain stream; do
        DURATION=2s load "$target" "$mode" 50
        rm "$RESULTS/$target-$mode-50".*
    done
done

echo "== fixed rates: $RATES RPS, $DURATION each" >&2
for mode in plain stream; do
    for rate in $RATES; do
        for target in direct modelrt litellm; do
            echo "   $mode $rate RPS $target" >&2
            load "$target" "$mode" "$rate"
        done
    done
done

echo "== highest sustained rate (plain): $STEP_RATES RPS, $STEP_DURATION each" >&2
for target in direct modelrt litellm; do
    for rate in $STEP_RATES; do
        echo "   $target $rate RPS" >&2
        DURATION=$STEP_DURATION load "$target" step "$rate" 2>/dev/null || true
        python3 benches/gateway/summarize.py sustained "$RESULTS/$target-step-$rate.json" \
            "$rate" "$MAX_P99_MS" || break
    done
done

for target in direct modelrt litellm; do
    peak_rss_kib "$(pid_of "$target")" >"$RESULTS/$target.rss"
done
uptime >"$RESULTS/uptime"
{
    echo "oha $("$OHA" --version | awk '{ print $2 }'), LiteLLM $LITELLM_VERSION"
    echo "$(nproc) cores, $(awk '/model name/ { sub(/^[^:]*: /, ""); print; exit }' /proc/cpuinfo)"
} >"$RESULTS/versions"

python3 benches/gateway/summarize.py report "$RESULTS" "$RATES" "$STEP_RATES" "$MAX_P99_MS" "$DURATION" \
    "$LATENCY_MS" "$CHUNKS"
echo "raw results: $RESULTS" >&2
