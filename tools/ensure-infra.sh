#!/usr/bin/env bash
# Resolves the jars of the local infrastructure (infra/*/pom.xml) from Maven Central into
# infra/<server>/target/jars: the tests and `npm run start:services` start the servers from them.
# One line per server; each is skipped while its jars are there and newer than its pom.
set -euo pipefail
cd "$(dirname "$0")/.."

resolve() {
  local dir
  dir="$(dirname "$1")/target/jars"
  [ "$dir/.resolved" -nt "$1" ] && return 0
  rm -rf "$dir"
  # Maven 3.8 writes colour resets even with style.color=never: left out (pipefail keeps its status).
  mvn -q -B -Dstyle.color=never -f "$1" dependency:copy-dependencies -DoutputDirectory=target/jars \
    2>&1 | sed 's/\x1b\[[0-9;]*m//g'
  touch "$dir/.resolved"
}

resolve infra/kafka/pom.xml
resolve infra/mongo/pom.xml
