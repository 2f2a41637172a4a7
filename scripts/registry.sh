#!/usr/bin/env bash
# Start a throwaway image registry (Debian's docker-registry) on 127.0.0.1:PORT.
#
#   usage: bash scripts/registry.sh [PORT]      (default 5000)
#
# Runs in the background with a fresh temporary storage directory and config,
# waits until http://127.0.0.1:PORT/v2/ answers, then prints the registry's PID
# (only that) on stdout. Stop it with `kill PID`; its temporary directory is
# removed once it has exited. The engine pushes to and pulls from
# localhost:PORT/... without TLS (loopback registries are insecure-allowed).
# Env: HEARTH_REGISTRY_WAIT (seconds, default 30).
set -euo pipefail

PORT="${1:-5000}"
WAIT="${HEARTH_REGISTRY_WAIT:-30}"

say() { printf 'registry: %s\n' "$*" >&2; }
die() {
  printf 'registry: error: %s\n' "$*" >&2
  exit 1
}

if ! [[ "$PORT" =~ ^[0-9]+$ ]] || ((PORT < 1 || PORT > 65535)); then
  die "bad port '$PORT'; usage: registry.sh [PORT]"
fi

need=()
command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)
command -v curl >/dev/null 2>&1 || need+=(curl)
if ((${#need[@]} > 0)); then
  [[ "$(id -u)" == 0 ]] || die "missing ${need[*]}; run as root, or: sudo apt-get install -y ${need[*]}"
  say "installing ${need[*]} (apt-get)"
  # Keep the package from starting its own registry service on :5000.
  policy_rc=/usr/sbin/policy-rc.d
  own_policy=0
  if [[ ! -e "$policy_rc" ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy_rc"
    chmod 755 "$policy_rc"
    own_policy=1
  fi
  cleanup_policy() { if ((own_policy)); then rm -f "$policy_rc"; fi; }
  trap cleanup_policy EXIT
  apt_log="$(mktemp /tmp/hearth-apt.XXXXXX)"
  if ! apt-get update >"$apt_log" 2>&1 ||
    ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" >>"$apt_log" 2>&1; then
    tail -n 30 "$apt_log" >&2
    die "apt-get install ${need[*]} failed (full log: $apt_log)"
  fi
  rm -f "$apt_log"
  cleanup_policy
  trap - EXIT
fi

URL="http://127.0.0.1:$PORT/v2/"
if curl -s -o /dev/null --max-time 2 "$URL"; then
  die "something already answers on 127.0.0.1:$PORT; stop it or pass another port"
fi

DIR="$(mktemp -d /tmp/hearth-registry.XXXXXX)"
mkdir -p "$DIR/storage"
cat >"$DIR/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $DIR/storage
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: 127.0.0.1:$PORT
  headers:
    X-Content-Type-Options: [nosniff]
EOF

# setsid: outlive this script and its process group.
setsid docker-registry serve "$DIR/config.yml" >"$DIR/registry.log" 2>&1 </dev/null &
PID=$!
disown "$PID" 2>/dev/null || true

deadline=$((SECONDS + WAIT))
until curl -s -o /dev/null --max-time 2 "$URL"; do
  if ! kill -0 "$PID" 2>/dev/null; then
    tail -n 20 "$DIR/registry.log" >&2 || true
    rm -rf "$DIR"
    die "docker-registry exited during startup (log above)"
  fi
  if ((SECONDS >= deadline)); then
    tail -n 20 "$DIR/registry.log" >&2 || true
    kill "$PID" 2>/dev/null || true
    die "docker-registry did not answer on $URL within ${WAIT}s (log: $DIR/registry.log)"
  fi
  sleep 0.2
done

# Remove the storage directory once the registry has gone (also when it is a
# zombie nobody reaps).
# shellcheck disable=SC2016 # expanded by the inner bash
setsid bash -c '
  pid=$1 dir=$2
  while [[ -e /proc/$pid ]] && [[ "$(awk "{print \$3}" /proc/$pid/stat 2>/dev/null)" != Z ]]; do sleep 1; done
  rm -rf "$dir"
' hearth-registry-reaper "$PID" "$DIR" >/dev/null 2>&1 </dev/null &
disown $! 2>/dev/null || true

say "listening on 127.0.0.1:$PORT (pid $PID, storage $DIR/storage, log $DIR/registry.log)"
printf '%s\n' "$PID"
