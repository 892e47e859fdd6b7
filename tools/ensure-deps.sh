#!/usr/bin/env bash
# Installs the locked dependencies when node_modules is missing or older than the lockfile.
# better-sqlite3 is a native addon: where no prebuilt binary can be downloaded, node-gyp builds it
# against the local Node headers, which npm_config_nodedir points at.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${npm_config_nodedir:-}" ]; then
  prefix="$(dirname "$(dirname "$(command -v node)")")"
  if [ -f "$prefix/include/node/node.h" ]; then export npm_config_nodedir="$prefix"; fi
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
