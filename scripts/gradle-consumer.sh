#!/usr/bin/env bash
# Gradle (Groovy DSL) applications outside the reactor use the artifacts `./mvnw -B verify`
# installed into integration-tests/target/it-repo, by their coordinates only: one on the class
# path makes a call against the simulator, one on the module path selects the provider. Gradle
# comes from Debian (4.4.1, the only one the project's machines can install; it runs on Java 17
# but has no Kotlin DSL); as root the script installs it when missing, otherwise it says it
# skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

repo="$PWD/integration-tests/target/it-repo"
if [ ! -d "$repo/dev/llmclient" ]; then
  echo "== $repo holds no llmclient artifacts: run ./mvnw -B verify first" >&2
  exit 1
fi
if ! command -v gradle > /dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
    echo "== installing Debian's gradle for the Gradle consumer check" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q gradle > /dev/null \
      || { apt-get update -q > /dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q gradle > /dev/null; }
  else
    echo "== no gradle and not root: the Gradle consumer check is skipped" >&2
    exit 0
  fi
fi

version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' pom.xml | head -1)
work="$PWD/integration-tests/target/gradle-consumer"
rm -rf "$work"
mkdir -p "$work"

# consumer-classpath: one call against the simulator; consumer-modulepath: a named module that
# requires llmclient's modules and selects the provider found on the module path.
run() { # project, task, expected line
  cp -r "integration-tests/src/gradle/$1" "$work/$1"
  local out
  out=$(cd "$work/$1" && gradle --offline -q --no-daemon -g "$work/gradle-home" \
    -PllmRepo="$repo" -PllmVersion="$version" "$2" 2>&1) || { echo "$out" >&2; exit 1; }
  if ! grep -qF "$3" <<< "$out"; then
    echo "$out" >&2
    echo "== the Gradle consumer $1 did not print: $3" >&2
    exit 1
  fi
}
run consumer-classpath run "GRADLE CONSUMER OK"
run consumer-modulepath runOnModulePath "selected provider: openai (module dev.llmclient.core)"
echo "== Gradle consumers on the class path and the module path (llmclient $version by coordinates, Gradle $(gradle --version 2>/dev/null | sed -n 's/^Gradle //p')): ok"
