#!/usr/bin/env bash
# How many instructions rustc spends checking the generated code (BENCHMARKS.md, "Build
# pipeline"): `cargo check -p modelrt` with MODELRT_PROVIDERS_DIR at a synthetic tree, then at
# an empty one, with rustc run under valgrind's callgrind for the `modelrt` crate only. Unlike
# CPU time, the count does not move with the load of a shared machine, so two emitter versions
# compare on a small tree in one run each.
# Usage: benches/codegen-instructions.sh   (PROVIDERS=40, MODELS=25; CARGO_TARGET_DIR to reuse
#                                           a build; needs valgrind)
set -euo pipefail
cd "$(dirname "$0")/.."

PROVIDERS=${PROVIDERS:-40}
MODELS=${MODELS:-25}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/modelrt-codegen-instructions.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target/bench-codegen}
command -v valgrind >/dev/null || { echo "valgrind is needed (Debian package valgrind)" >&2; exit 1; }

# Runs rustc under callgrind when it compiles the modelrt crate, and plainly otherwise.
cat >"$WORK/rustc-wrapper" <<EOF
#!/usr/bin/env bash
if [[ " \$* " == *" --crate-name modelrt "* ]]; then
    exec valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.out" "\$@" 2>>"$WORK/valgrind.log"
fi
exec "\$@"
EOF
chmod +x "$WORK/rustc-wrapper"

# Millions of instructions of one check of the modelrt crate against tree $1.
instructions() {
    rm -f "$WORK/callgrind.out"
    touch src/lib.rs
    MODELRT_PROVIDERS_DIR=$1 RUSTC_WRAPPER=$WORK/rustc-wrapper cargo check -q -p modelrt
    awk '/^summary:/ { printf "%.1f", $2 / 1e6 }' "$WORK/callgrind.out"
}

cargo bench -q -p modelrt-codegen --bench pipeline -- synth "$WORK/tree" "$PROVIDERS" "$MODELS"
mkdir -p "$WORK/empty"
instructions "$WORK/empty" >/dev/null # dependencies, once
synthetic=$(instructions "$WORK/tree")
empty=$(instructions "$WORK/empty")
echo "rustc checking modelrt: synthetic tree ($PROVIDERS x $MODELS) ${synthetic} M instructions," \
    "empty tree ${empty} M; the generated code: $(awk -v s="$synthetic" -v e="$empty" 'BEGIN { printf "%.1f", s - e }') M"
