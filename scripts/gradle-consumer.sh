#!/usr/bin/env bash
# A Gradle (Groovy DSL) application outside the reactor uses the artifacts `./mvnw -B verify`
# installed into integration-tests/target/it-repo, by their coordinates only, on the class path,
# and makes one call against the simulator. Gradle comes from Debian (4.4.1, the only one the
# project's machines can install; it runs on Java 17 but has no Kotlin DSL); as root the script
# installs it when missing, otherwise it says it skipped.
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
cp -r integration-tests/src/gradle/consumer-classpath "$work/project"
cd "$work/project"
out=$(gradle --offline -q --no-daemon -g "$work/gradle-home" \
  -PllmRepo="$repo" -PllmVersion="$version" run 2>&1) || { echo "$out" >&2; exit 1; }
if ! grep -q "GRADLE CONSUMER OK" <<< "$out"; then
  echo "$out" >&2
  echo "== the Gradle consumer did not report success" >&2
  exit 1
fi
echo "== Gradle consumer (llmclient $version by coordinates, Gradle $(gradle --version 2>/dev/null | sed -n 's/^Gradle //p')): ok"
