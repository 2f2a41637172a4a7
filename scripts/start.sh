#!/usr/bin/env bash
# Quick start (`npm start`): prepare the host, build images and code, then run
# the Hearth server in the foreground. Arguments go to `hearth server`.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$ROOT"

say() { printf 'start: %s\n' "$*" >&2; }
die() {
  printf 'start: error: %s\n' "$*" >&2
  exit 1
}

command -v node >/dev/null 2>&1 || die "node is not on PATH; install Node.js >= 20"
command -v npm >/dev/null 2>&1 || die "npm is not on PATH; install npm (comes with Node.js)"

if [[ ! -d node_modules ]] || [[ ! -f node_modules/.package-lock.json ]] ||
  [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "installing dependencies (npm ci)"
  bash scripts/npm-ci.sh || die "npm ci failed (output above)"
fi
bash scripts/setup-host.sh || die "host setup failed (output above)"
# Only the image the server offers; the test images are built by `npm test`.
bash scripts/build-images.sh demo || die "image build failed (output above)"
say "building (tsc -b)"
npm run --silent build || die "TypeScript build failed (output above)"

MAIN="$ROOT/packages/cli/dist/src/main.js"
[[ -f "$MAIN" ]] || die "$MAIN is missing after the build; check packages/cli"
say "starting: hearth server $*"
exec "$ROOT/bin/hearth" server "$@"
