#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests: its own data directory, on 127.0.0.1 and a free port,
# unix sockets inside DIR, run as the `postgres` user when started by root (as tests are).
# Never the system's cluster. Needs Debian's postgresql package (setup-host.sh --for-tests).
#
#   usage: bash scripts/test-postgres.sh start DIR   # prints the admin URL (postgres://postgres@127.0.0.1:PORT/postgres)
#          bash scripts/test-postgres.sh stop DIR    # stops the cluster and removes DIR
#
# DIR must not exist yet, or be empty. Durability is off (fsync, synchronous_commit): a crash of
# the machine loses the test data, which is thrown away anyway. Authentication is `trust` for
# loopback and the socket, so tests need no password. Log: DIR/server.log.
# Env: HEARTH_PG_BIN  the directory holding initdb and pg_ctl (default: the newest /usr/lib/postgresql/*/bin)
set -euo pipefail

die() {
  printf 'test-postgres: error: %s\n' "$*" >&2
  exit 2
}

bin="${HEARTH_PG_BIN:-}"
if [[ -z "$bin" ]]; then
  bin="$(compgen -G '/usr/lib/postgresql/*/bin' | sort -V | tail -n 1 || true)"
fi
[[ -x "$bin/initdb" && -x "$bin/pg_ctl" ]] ||
  die "no initdb/pg_ctl in ${bin:-/usr/lib/postgresql/*/bin}; install Debian's postgresql (bash scripts/setup-host.sh --for-tests) or set HEARTH_PG_BIN"

# PostgreSQL refuses to run as root: then it runs as the postgres user.
as_pg() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

cmd="${1:-}"
dir="${2:-}"
[[ -n "$dir" ]] || die "usage: test-postgres.sh start|stop DIR"
case "$cmd" in
start)
  if [[ -e "$dir" && -n "$(ls -A "$dir")" ]]; then die "$dir is not empty"; fi
  mkdir -p "$dir"
  [[ "$(id -u)" != 0 ]] || chown postgres: "$dir"
  # A start that fails leaves nothing behind.
  fail() {
    local why="$1"
    as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    die "$why"
  }
  as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 ||
    fail "initdb failed: $(tail -n 5 "$dir/initdb.log")"
  # A free port from the kernel; another process may take it before postgres binds, so retry.
  for _ in 1 2 3 4 5; do
    port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
    if as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o \
      "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
      start >/dev/null; then
      printf 'postgres://postgres@127.0.0.1:%s/postgres\n' "$port"
      exit 0
    fi
  done
  fail "the cluster in $dir did not start: $(tail -n 5 "$dir/server.log")"
  ;;
stop)
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*) die "unknown command '$cmd'; usage: test-postgres.sh start|stop DIR" ;;
esac
