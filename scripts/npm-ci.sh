#!/usr/bin/env bash
# `npm ci` as the quick start and the test command run it. Native add-ons (argon2, better-sqlite3)
# compile from source when their prebuilt binary does not load on this machine, and node-gyp then
# needs node's headers: without internet it cannot download them, so when npm has no `nodedir` of
# its own and the installed node's headers are there (Debian's nodejs has them in /usr/include/node),
# it is pointed at them.
set -euo pipefail
if [[ -z "${npm_config_nodedir:-}" && -f /usr/include/node/node_api.h &&
  "$(npm config get nodedir 2>/dev/null)" =~ ^(undefined|null|)$ ]]; then
  export npm_config_nodedir=/usr
fi
exec npm ci --no-audit --no-fund --loglevel=error
