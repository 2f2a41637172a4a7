#!/usr/bin/env bash
# Run the compiled tests, tier by tier, with node's test runner.
#
#   usage: bash scripts/run-tests.sh [unit|integration|e2e|browser]...   (default: all four)
#
# Files: packages/*/dist/test/<tier>/**/*.test.js (build them with `npm run build`).
# unit runs with node's default concurrency; integration, e2e and browser (Chromium
# driving the dashboard; screenshots in test-results/screenshots/) run one file at
# a time. Every tier runs even when an earlier one failed; the exit status is
# non-zero when any tier failed. Output: node's spec reporter per tier, then
# the totals over all tiers in node's TAP summary form (# tests N, # pass N, ...).
# The integration tier runs twice: on SQLite, then on PostgreSQL (a throwaway
# cluster from scripts/test-postgres.sh, one database per test server); the
# store's own contract suites (integration/store) loop over both dialects
# themselves, and the coordination adapters' suites (integration/coordination)
# make their own PostgreSQL databases: both run in the SQLite pass only.
# Env: TEST_FILTER     only files whose path contains this substring
#      TEST_TIMEOUT    per-test timeout in ms (default 600000)
#      TEST_DATABASES  the integration tier's passes (default "sqlite postgres")
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$ROOT"

TIMEOUT="${TEST_TIMEOUT:-600000}"
FILTER="${TEST_FILTER:-}"
read -r -a DATABASES <<<"${TEST_DATABASES:-sqlite postgres}"

say() { printf 'run-tests: %s\n' "$*" >&2; }
die() {
  printf 'run-tests: error: %s\n' "$*" >&2
  exit 2
}

tiers=("$@")
((${#tiers[@]} > 0)) || tiers=(unit integration e2e browser)
for t in "${tiers[@]}"; do
  case "$t" in
  unit | integration | e2e | browser) ;;
  *) die "unknown tier '$t'; tiers are: unit integration e2e browser" ;;
  esac
done

for d in "${DATABASES[@]}"; do
  case "$d" in
  sqlite | postgres) ;;
  *) die "unknown database '$d' in TEST_DATABASES; use sqlite, postgres or both" ;;
  esac
done

command -v node >/dev/null 2>&1 || die "node is not on PATH; install Node.js >= 20"

TMP="$(mktemp -d /tmp/hearth-run-tests.XXXXXX)"
PG_DIR="/tmp/hearth-run-tests-pg.$$"
cleanup() {
  if [[ -d "$PG_DIR" ]]; then bash scripts/test-postgres.sh stop "$PG_DIR"; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

# The integration tier once per database; every other tier once.
runs=()
for tier in "${tiers[@]}"; do
  if [[ "$tier" == integration ]]; then
    for d in "${DATABASES[@]}"; do runs+=("integration:$d"); done
  else
    runs+=("$tier:")
  fi
done

keys=(tests suites pass fail cancelled skipped todo)
declare -A total=()
for k in "${keys[@]}"; do total[$k]=0; done
total_ms=0
failed=()

for run in "${runs[@]}"; do
  tier="${run%%:*}"
  database="${run#*:}"
  label="$tier${database:+ on $database}"
  files=()
  shopt -s nullglob
  for dir in packages/*/dist/test/"$tier"; do
    while IFS= read -r -d '' f; do
      if [[ -n "$FILTER" && "$f" != *"$FILTER"* ]]; then continue; fi
      if [[ "$database" == postgres && ("$f" == */integration/store/* || "$f" == */integration/coordination/*) ]]; then continue; fi
      files+=("$f")
    done < <(find "$dir" -type f -name '*.test.js' -print0 | LC_ALL=C sort -z)
  done
  shopt -u nullglob
  if ((${#files[@]} == 0)); then
    # shellcheck disable=SC2016 # the quotes are literal, $FILTER expands
    say "no $label tests${FILTER:+ matching '$FILTER'}"
    continue
  fi
  vars=(HEARTH_TEST_DATABASE="${database:-sqlite}")
  if [[ "$database" == postgres ]]; then
    if [[ ! -d "$PG_DIR" ]]; then
      pg_url="$(bash scripts/test-postgres.sh start "$PG_DIR")" || die "cannot start PostgreSQL for the tests"
    fi
    vars+=(HEARTH_TEST_POSTGRES_URL="$pg_url")
  fi

  args=(--test --test-reporter=spec --test-reporter-destination=stdout
    --test-reporter=tap --test-reporter-destination="$TMP/$tier-$database.tap"
    --test-timeout="$TIMEOUT")
  if [[ "$tier" != unit ]]; then
    args+=(--test-concurrency=1)
  fi
  say "$label: ${#files[@]} file(s)"
  start=$SECONDS
  rc=0
  env "${vars[@]}" node "${args[@]}" "${files[@]}" || rc=$?
  if ((rc != 0)); then
    failed+=("$label")
    say "$label: FAILED (node exited $rc) after $((SECONDS - start))s"
  else
    say "$label: ok in $((SECONDS - start))s"
  fi

  # Add this tier's summary (the unindented "# key N" lines after the last plan line).
  tier_fail=0
  if [[ -s "$TMP/$tier-$database.tap" ]]; then
    while read -r key value; do
      [[ "$key" == fail ]] && tier_fail="$value"
      if [[ "$key" == duration_ms ]]; then
        total_ms=$(awk -v a="$total_ms" -v b="$value" 'BEGIN { printf "%.3f", a + b }')
      elif [[ -n "${total[$key]+x}" && "$value" =~ ^[0-9]+$ ]]; then
        total[$key]=$((total[$key] + value))
      fi
    done < <(awk '/^1\.\.[0-9]+/ { delete s; next }
      /^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) [0-9.]+$/ { s[$2] = $3 }
      END { for (k in s) print k, s[k] }' "$TMP/$tier-$database.tap")
  fi
  # A tier whose run failed without reporting a failed test (node crashed or
  # was killed before its summary) still counts as a failure in the totals.
  if ((rc != 0 && tier_fail == 0)); then
    total[fail]=$((total[fail] + 1))
  fi
done

if ((${#failed[@]} > 0)); then
  say "failed tier(s): ${failed[*]}"
fi
echo
for k in "${keys[@]}"; do
  echo "# $k ${total[$k]}"
done
echo "# duration_ms $total_ms"

((${#failed[@]} == 0)) || exit 1
