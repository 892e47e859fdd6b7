#!/usr/bin/env bash
# Installs the locked dependencies when node_modules is missing or was installed from another
# lockfile (its SHA-256 is kept beside them; without it, node_modules older than the lockfile).
# better-sqlite3 is a native addon: where no prebuilt binary can be downloaded, node-gyp builds it
# against the local Node headers, which npm_config_nodedir points at.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${npm_config_nodedir:-}" ]; then
  prefix="$(dirname "$(dirname "$(command -v node)")")"
  if [ -f "$prefix/include/node/node.h" ]; then export npm_config_nodedir="$prefix"; fi
fi
lock="$(sha256sum package-lock.json | cut -d' ' -f1)"
marker=node_modules/.installed-lock-sha256
if [ ! -d node_modules ]; then
  stale=yes
elif [ -f "$marker" ]; then
  [ "$(cat "$marker")" = "$lock" ] && stale=no || stale=yes
else
  [ package-lock.json -nt node_modules/.package-lock.json ] && stale=yes || stale=no
fi
if [ "$stale" = yes ]; then
  if [ -L node_modules ]; then
    echo "node_modules links to $(readlink -f node_modules), installed from another lockfile: not replacing it (npm ci would empty it); install there, or remove the link" >&2
    exit 1
  fi
  echo "Installing the locked dependencies (npm ci; about 2 minutes the first time)..."
  npm ci --no-audit --no-fund
fi
echo "$lock" > "$marker"
