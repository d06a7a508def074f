#!/usr/bin/env bash
# Makes sure the system tools the quickstart and the tests need are present, installing the
# missing ones on Debian/Ubuntu (with sudo when not root): a C/C++ toolchain to build
# llama.cpp (cmake and ninja come from pip), Python with venv support, CA certificates,
# and PostgreSQL and Redis for the gateway's shared-storage tests (scripts/with-services.sh).
# Does nothing when everything is there. Rust itself is a prerequisite (rustup).
set -euo pipefail

missing=()
command -v cc >/dev/null 2>&1 || missing+=(build-essential)
command -v c++ >/dev/null 2>&1 || missing+=(build-essential)
command -v make >/dev/null 2>&1 || missing+=(build-essential)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
[ -f /etc/ssl/certs/ca-certificates.crt ] || missing+=(ca-certificates)
# The web console's browser test (scripts/test-console-browser.sh) drives Debian's chromium.
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
# Debian keeps PostgreSQL's server binaries under /usr/lib/postgresql/<version>/bin.
command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)

if ! command -v cargo >/dev/null 2>&1; then
  echo "error: cargo not found; install a Rust toolchain (1.88 or newer, with rustfmt and clippy) with rustup" >&2
  exit 1
fi

# rust-toolchain.toml pins the compiler the ui expectations were blessed with. Where rustup has
# that release only as `stable`, it is linked under the pinned name, so that rustup does not
# try to download it.
pinned=$(sed -n 's/^channel = "\(.*\)"$/\1/p' "$(dirname "${BASH_SOURCE[0]}")/../rust-toolchain.toml")
if [ -n "$pinned" ] && command -v rustup >/dev/null 2>&1 \
  && ! rustup toolchain list 2>/dev/null | grep -q "^$pinned"; then
  stable_rustc=$(rustup which --toolchain stable rustc 2>/dev/null || true)
  if [ -n "$stable_rustc" ] && "$stable_rustc" --version | grep -q "^rustc $pinned "; then
    echo "==> linking the installed stable toolchain (rustc $pinned) as $pinned" >&2
    rustup toolchain link "$pinned" "$(dirname "$(dirname "$stable_rustc")")"
  fi
fi

[ "${#missing[@]}" -eq 0 ] && exit 0

mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: missing system packages (Debian names): ${missing[*]}; install them with your package manager" >&2
  exit 1
fi
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "error: missing ${missing[*]}; run as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  as_root=(sudo)
fi
echo "==> installing Debian packages: ${missing[*]}" >&2
"${as_root[@]}" apt-get update -q >&2
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
