#!/usr/bin/env bash
# The project's test command (`npm test`, and CI through .ci/run).
#
#   usage: bash scripts/test.sh [unit|integration|e2e|browser]...   (default: all tiers)
#
# Steps: npm ci (when node_modules is missing or older than package-lock.json),
# host setup (Docker engine, Chromium), offline image build, TypeScript and
# dashboard build, lint, tests.
# Runnable from any directory. Each step prints its time to stderr.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$ROOT"

say() { printf 'test: %s\n' "$*" >&2; }

now_ms() { date +%s%3N; }

# step NAME COMMAND...: run it, then print its time (and on failure a clear line).
step() {
  local name="$1" t0 rc=0 dt
  shift
  t0="$(now_ms)"
  "$@" || rc=$?
  dt=$(($(now_ms) - t0))
  if ((rc != 0)); then
    say "$name FAILED (exit $rc) after $(secs "$dt")s; fix the error above and rerun: bash scripts/test.sh"
  else
    say "$name: $(secs "$dt")s"
  fi
  return "$rc"
}

secs() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }

needs_npm_ci() {
  [[ ! -d node_modules ]] || [[ ! -f node_modules/.package-lock.json ]] ||
    [[ package-lock.json -nt node_modules/.package-lock.json ]]
}

command -v node >/dev/null 2>&1 || { say "node is not on PATH; install Node.js >= 20"; exit 1; }
command -v npm >/dev/null 2>&1 || { say "npm is not on PATH; install npm (comes with Node.js)"; exit 1; }

total0="$(now_ms)"
if needs_npm_ci; then
  step "npm ci" bash scripts/npm-ci.sh || exit
fi
step "setup-host" bash scripts/setup-host.sh --for-tests || exit
step "build-images" bash scripts/build-images.sh || exit
step "build (tsc -b)" npm run --silent build || exit
step "lint (biome)" npx --no-install biome check . || exit
say "preparation took $(secs $(($(now_ms) - total0)))s; running tests"
# exec: the test runner's summary (# tests N, # pass N, # fail N) stays the last
# output, and its exit status is ours. Its duration_ms line times this step.
exec bash scripts/run-tests.sh "$@"
