#!/usr/bin/env bash
# Build-pipeline benchmark (BENCHMARKS.md, "Build pipeline"): a synthetic tree of
# 200 providers x 25 models, then
#   1. load + validate + generate, median of $RUNS runs, and peak memory;
#   2. `cargo check -p modelrt` with MODELRT_PROVIDERS_DIR at that tree vs. an empty tree,
#      alternating, median of $RUNS each (each switch reruns the build script and rechecks
#      the crate; dependencies are built once beforehand);
#   3. the build script alone on that tree (it runs inside every check of 2.);
#   4. `cargo check` after touching one model file, and after changing one.
# Wall times depend on machine load (printed); CPU times (user+sys of cargo and rustc) less so.
# Usage: benches/codegen.sh   (RUNS=5 pipeline runs, CHECK_RUNS=3, REBUILD_RUNS=2,
#                              PROVIDERS=200, MODELS=25; CARGO_TARGET_DIR to reuse a build)
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-5}
CHECK_RUNS=${CHECK_RUNS:-3}
REBUILD_RUNS=${REBUILD_RUNS:-2}
PROVIDERS=${PROVIDERS:-200}
MODELS=${MODELS:-25}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/modelrt-codegen-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
TREE=$WORK/synthetic
EMPTY=$WORK/empty
mkdir -p "$EMPTY"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target/bench-codegen}

median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# Prints "wall cpu" seconds of one `cargo check -p modelrt` against tree $1.
check() {
    local times=$WORK/time
    MODELRT_PROVIDERS_DIR=$1 /usr/bin/time -o "$times" -f '%e %U %S' cargo check -q -p modelrt 2>/dev/null ||
        { echo "cargo check failed for $1" >&2; exit 1; }
    awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' "$times"
}
# Median of column $1 of the "wall cpu" lines on stdin.
column_median() { awk -v c="$1" '{ print $c }' | median; }

echo "== machine"
echo "$(nproc) cores, $(awk '/model name/ { sub(/^[^:]*: /, ""); print; exit }' /proc/cpuinfo)," \
    "$(awk '/MemTotal/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo); $(rustc --version)"

echo "== synthetic tree"
cargo bench -q -p modelrt-codegen --bench pipeline -- synth "$TREE" "$PROVIDERS" "$MODELS"

echo "== load + validate + generate (release, in process)"
cargo bench -q -p modelrt-codegen --bench pipeline -- measure "$TREE" "$RUNS"

echo "== cargo check -p modelrt (dev profile, which compiles modelrt non-incrementally), synthetic vs. empty tree"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
check "$EMPTY" >/dev/null # dependencies, once
synthetic=$WORK/synthetic.times
empty=$WORK/empty.times
for _ in $(seq "$CHECK_RUNS"); do
    check "$TREE" >>"$synthetic"
    check "$EMPTY" >>"$empty"
done
echo "synthetic (wall cpu): $(paste -sd, "$synthetic")"
echo "empty     (wall cpu): $(paste -sd, "$empty")"
sw=$(column_median 1 <"$synthetic"); sc=$(column_median 2 <"$synthetic")
ew=$(column_median 1 <"$empty"); ec=$(column_median 2 <"$empty")
echo "median wall: synthetic $sw s, empty $ew s, ratio $(awk -v a="$sw" -v b="$ew" 'BEGIN { printf "%.1f", a / b }')"
echo "median cpu:  synthetic $sc s, empty $ec s, ratio $(awk -v a="$sc" -v b="$ec" 'BEGIN { printf "%.1f", a / b }')"

echo "== build script alone, as cargo check runs it (dev profile), synthetic tree"
# The newest build-script binary of the modelrt package is the one the checks above used.
script=$(ls -t "$CARGO_TARGET_DIR"/debug/build/modelrt-*/build-script-build | head -1)
mkdir -p "$WORK/out"
for _ in $(seq "$CHECK_RUNS"); do
    CARGO_MANIFEST_DIR=$PWD OUT_DIR=$WORK/out MODELRT_PROVIDERS_DIR=$TREE \
        /usr/bin/time -o "$WORK/time" -f '%e %U %S' "$script" >/dev/null
    awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' "$WORK/time" >>"$WORK/script.times"
done
bw=$(column_median 1 <"$WORK/script.times"); bc=$(column_median 2 <"$WORK/script.times")
echo "build script (wall cpu): $(paste -sd, "$WORK/script.times") -> median wall $bw s, cpu $bc s"
echo "== the generated code checks in (synthetic - empty - build script)"
echo "wall $(awk -v s="$sw" -v e="$ew" -v b="$bw" 'BEGIN { printf "%.2f", s - e - b }') s," \
    "cpu $(awk -v s="$sc" -v e="$ec" -v b="$bc" 'BEGIN { printf "%.2f", s - e - b }') s"

echo "== rebuild after one model file changes (synthetic tree)"
check "$TREE" >/dev/null
model=$(find "$TREE" -path '*/llm/*' -name '*-chat-00.yaml' | sort | head -1)
touched=$WORK/touched.times
edited=$WORK/edited.times
for i in $(seq "$REBUILD_RUNS"); do
    touch "$model"
    check "$TREE" >>"$touched"
    sed -i "s/^  input: .*/  input: '0.$((10 + i))'/" "$model"
    check "$TREE" >>"$edited"
done
echo "touch only, content unchanged (wall cpu): $(paste -sd, "$touched") -> median wall $(column_median 1 <"$touched") s"
echo "price changed                 (wall cpu): $(paste -sd, "$edited") -> median wall $(column_median 1 <"$edited") s"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
