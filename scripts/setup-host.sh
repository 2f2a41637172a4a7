#!/usr/bin/env bash
# Prepare this host for Hearth: a Docker engine that answers, plus the tools
# scripts/build-images.sh needs (debootstrap, docker-init).
#
#   usage: bash scripts/setup-host.sh [--for-tests]
#
# --for-tests (scripts/test.sh) also installs what only the tests drive: rsync
# and tmux for the SSH e2e, Chromium for the browser tier, PostgreSQL for the
# integration tier's second pass (scripts/test-postgres.sh runs its own
# throwaway cluster; the package's own cluster is not used). `npm start` leaves
# them out, so a first start installs only what the server needs.
#
# - Installs docker.io (+ debootstrap, tini) from the machine's Debian mirror
#   when they are missing. Needs root for that.
# - Starts `dockerd --bridge=none --iptables=false` in the background when no
#   engine answers on /var/run/docker.sock (log: $HEARTH_DOCKERD_LOG).
# - If DOCKER_HOST is set and answers, nothing is started.
#
# Idempotent: on a ready host it does nothing and prints nothing.
set -euo pipefail

FOR_TESTS=0
case "${1:-}" in
'') ;;
--for-tests) FOR_TESTS=1 ;;
*)
  printf 'setup-host: error: unknown argument %s; usage: setup-host.sh [--for-tests]\n' "$1" >&2
  exit 2
  ;;
esac

DOCKERD_LOG="${HEARTH_DOCKERD_LOG:-/tmp/hearth-dockerd.log}"
DOCKERD_WAIT="${HEARTH_DOCKERD_WAIT:-60}"

say() { printf 'setup-host: %s\n' "$*" >&2; }
die() {
  printf 'setup-host: error: %s\n' "$*" >&2
  exit 1
}

# Prefer Debian's client (/usr/bin/docker, from docker.io) over any other one on PATH.
docker_cli() {
  if [[ -x /usr/bin/docker ]]; then
    printf '%s\n' /usr/bin/docker
  else
    command -v docker || true
  fi
}

engine_answers() {
  local cli
  cli="$(docker_cli)"
  if [[ -n "$cli" ]]; then
    timeout 10 "$cli" version --format '{{.Server.Version}}' >/dev/null 2>&1
  elif command -v curl >/dev/null 2>&1 && [[ -z "${DOCKER_HOST:-}" ]]; then
    curl -fsS --max-time 5 --unix-socket /var/run/docker.sock http://localhost/_ping >/dev/null 2>&1
  else
    return 1
  fi
}

# ---- packages ---------------------------------------------------------------
need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
[[ -x /usr/bin/docker-init ]] || need+=(tini)
[[ -x /usr/bin/docker ]] || command -v docker >/dev/null 2>&1 || need+=(docker.io)
# git for dotfiles, the OpenSSH client for `hearth config-ssh`, curl for scripts.
command -v git >/dev/null 2>&1 || need+=(git)
command -v ssh >/dev/null 2>&1 || need+=(openssh-client)
command -v curl >/dev/null 2>&1 || need+=(curl)
if ((FOR_TESTS)); then
  # rsync and tmux for the SSH e2e; Chromium for the browser tier (dashboard, apps) via playwright-core.
  command -v rsync >/dev/null 2>&1 || need+=(rsync)
  command -v tmux >/dev/null 2>&1 || need+=(tmux)
  [[ -x /usr/bin/chromium ]] || need+=(chromium)
  # The store's contract tests and the integration tier on PostgreSQL (initdb, pg_ctl).
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)
fi

if ((${#need[@]} > 0)); then
  # de-duplicate
  mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
  if [[ "$(id -u)" != 0 ]]; then
    die "missing ${need[*]}; run as root, or: sudo apt-get install -y ${need[*]}"
  fi
  command -v apt-get >/dev/null 2>&1 || die "missing ${need[*]} and no apt-get: install them by hand"
  say "installing ${need[*]} (apt-get)"
  # Keep package maintainer scripts from starting services (dockerd with a
  # default bridge/iptables setup would not work here); we start it below.
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
    die "apt-get install ${need[*]} failed (full log: $apt_log); check /etc/apt/sources.list.d and retry"
  fi
  rm -f "$apt_log"
  cleanup_policy
  trap - EXIT
  command -v dockerd >/dev/null 2>&1 || die "dockerd still missing after installing docker.io"
fi

# ---- engine -----------------------------------------------------------------
if [[ -n "${DOCKER_HOST:-}" ]]; then
  engine_answers && exit 0
  die "DOCKER_HOST=$DOCKER_HOST does not answer; start that engine, or unset DOCKER_HOST to let this script start a local dockerd"
fi

engine_answers && exit 0

# A dockerd may already be starting (pid file points at a live process): wait for it.
dockerd_pid=""
if [[ -s /var/run/docker.pid ]]; then
  p="$(cat /var/run/docker.pid 2>/dev/null || true)"
  if [[ "$p" =~ ^[0-9]+$ ]] && kill -0 "$p" 2>/dev/null &&
    [[ "$(cat "/proc/$p/comm" 2>/dev/null || true)" == dockerd ]]; then
    dockerd_pid="$p"
    say "dockerd (pid $p) is running but not answering yet; waiting"
  fi
fi

if [[ -z "$dockerd_pid" ]]; then
  [[ "$(id -u)" == 0 ]] || die "no Docker engine answers and starting dockerd needs root; run: sudo bash scripts/setup-host.sh"
  say "starting dockerd --bridge=none --iptables=false (log: $DOCKERD_LOG)"
  mkdir -p "$(dirname "$DOCKERD_LOG")"
  # setsid + nohup: the daemon must outlive this script and its process group.
  setsid nohup dockerd --bridge=none --iptables=false >>"$DOCKERD_LOG" 2>&1 </dev/null &
  dockerd_pid=$!
  disown "$dockerd_pid" 2>/dev/null || true
fi

deadline=$((SECONDS + DOCKERD_WAIT))
until engine_answers; do
  if ! kill -0 "$dockerd_pid" 2>/dev/null; then
    tail -n 30 "$DOCKERD_LOG" >&2 || true
    die "dockerd exited during startup (log above, full log: $DOCKERD_LOG)"
  fi
  if ((SECONDS >= deadline)); then
    tail -n 30 "$DOCKERD_LOG" >&2 || true
    die "dockerd (pid $dockerd_pid) did not answer within ${DOCKERD_WAIT}s (log above, full log: $DOCKERD_LOG)"
  fi
  sleep 0.5
done
say "dockerd is up (pid $dockerd_pid)"
