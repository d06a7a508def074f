#!/usr/bin/env bash
# Build-pipeline benchmark (BENCHMARKS.md, "Build pipeline"): a synthetic tree of
# 200 providers x 25 models, then
#   1. load + validate + generate, median of $RUNS runs, and peak memory;
#   2. `cargo check -p modelrt` with MODELRT_PROVIDERS_DIR at that tree vs. an empty tree,
#      alternating, median of $RUNS each (each switch reruns the build script and rechecks
#      the crate; dependencies are built once beforehand);
#   3. `cargo check` after touching one model file, and after changing one.
# Usage: benches/codegen.sh            (RUNS=5, PROVIDERS=200, MODELS=25 by default)
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-5}
PROVIDERS=${PROVIDERS:-200}
MODELS=${MODELS:-25}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/modelrt-codegen-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
TREE=$WORK/synthetic
EMPTY=$WORK/empty
mkdir -p "$EMPTY"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target/bench-codegen}

now() { date +%s.%N; }
elapsed() { awk -v end="$(now)" -v start="$1" 'BEGIN { printf "%.2f\n", end - start }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
check() {
    local start
    start=$(now)
    MODELRT_PROVIDERS_DIR=$1 cargo check -q -p modelrt 2>/dev/null
    elapsed "$start"
}

echo "== machine"
echo "$(nproc) cores, $(awk '/model name/ { sub(/^[^:]*: /, ""); print; exit }' /proc/cpuinfo)," \
    "$(awk '/MemTotal/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo); $(rustc --version)"

echo "== synthetic tree"
cargo bench -q -p modelrt-codegen --bench pipeline -- synth "$TREE" "$PROVIDERS" "$MODELS"

echo "== load + validate + generate (release, in process)"
cargo bench -q -p modelrt-codegen --bench pipeline -- measure "$TREE" "$RUNS"

echo "== cargo check -p modelrt (debug), synthetic vs. empty tree"
check "$EMPTY" >/dev/null # dependencies, once
synthetic=()
empty=()
for _ in $(seq "$RUNS"); do
    synthetic+=("$(check "$TREE")")
    empty+=("$(check "$EMPTY")")
done
s=$(printf '%s\n' "${synthetic[@]}" | median)
e=$(printf '%s\n' "${empty[@]}" | median)
echo "synthetic runs: ${synthetic[*]}"
echo "empty runs:     ${empty[*]}"
echo "median synthetic: $s s, median empty: $e s, ratio: $(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.1f", s / e }')"
size=$(find "$CARGO_TARGET_DIR"/debug/build -name modelrt_generated.rs -newer "$TREE" -printf '%s\n' | sort -n | tail -1)
echo "generated file: ${size:-?} bytes"

echo "== rebuild after one model file changes (synthetic tree)"
check "$TREE" >/dev/null
model=$(find "$TREE" -path '*/llm/*' -name '*-chat-00.yaml' | sort | head -1)
touched=()
edited=()
for i in $(seq "$RUNS"); do
    touch "$model"
    touched+=("$(check "$TREE")")
    sed -i "s/^  input: .*/  input: '0.$((10 + i))'/" "$model"
    edited+=("$(check "$TREE")")
done
echo "touch only (content unchanged): ${touched[*]} -> median $(printf '%s\n' "${touched[@]}" | median) s"
echo "price changed:                  ${edited[*]} -> median $(printf '%s\n' "${edited[@]}" | median) s"
