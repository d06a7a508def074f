#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster and a redis-server on free loopback
# ports (Debian's packages; scripts/setup-system.sh installs them), and always stops both
# and deletes their data afterwards (also on failure or Ctrl-C).
#
#   scripts/with-services.sh COMMAND [ARGS...]
#
# The command sees:
#   MODELRT_TEST_DATABASE_URL   postgres://modelrt@127.0.0.1:PORT/modelrt
#   MODELRT_TEST_REDIS_URL      redis://127.0.0.1:PORT
# The exit status is the command's. PostgreSQL refuses to run as root: as root, the cluster
# runs as the `postgres` user the Debian package creates.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi

# Debian keeps the server binaries out of PATH, under /usr/lib/postgresql/<version>/bin.
# (A PATH entry may be a lone symlink: resolve it to that directory.)
initdb_path="$(command -v initdb 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)"
pg_bin="$(dirname "$(readlink -f "${initdb_path:-/nonexistent}")")"
if [ ! -x "$pg_bin/initdb" ] || ! command -v redis-server >/dev/null 2>&1; then
  echo "error: PostgreSQL (initdb) or redis-server missing; run scripts/setup-system.sh" >&2
  exit 1
fi

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

work="$(mktemp -d "${TMPDIR:-/tmp}/modelrt-services.XXXXXX")"
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$work"
  as_owner=(runuser -u postgres --)
fi

stop_all() {
  if [ -f "$work/pg/postmaster.pid" ]; then
    "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [ -f "$work/redis.pid" ]; then
    kill "$(cat "$work/redis.pid")" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pg_port="$(free_port)"
"${as_owner[@]}" "$pg_bin/initdb" -D "$work/pg" -U modelrt --auth=trust -E UTF8 >"$work/initdb.log" 2>&1 \
  || { cat "$work/initdb.log" >&2; exit 1; }
"${as_owner[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/postgres.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $work -c fsync=off" start >/dev/null \
  || { cat "$work/postgres.log" >&2; exit 1; }
"${as_owner[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U modelrt modelrt

redis_port="$(free_port)"
redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
  --daemonize yes --pidfile "$work/redis.pid" --logfile "$work/redis.log" --dir "$work"
for _ in $(seq 50); do
  redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
  sleep 0.1
done

export MODELRT_TEST_DATABASE_URL="postgres://modelrt@127.0.0.1:$pg_port/modelrt"
export MODELRT_TEST_REDIS_URL="redis://127.0.0.1:$redis_port"
echo "==> PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port" >&2

status=0
"$@" || status=$?
exit "$status"
