#!/usr/bin/env bash
# The checks that follow `./mvnw -B verify` in the README's "every test" command (and so in
# .ci/run): the core and OpenAI provider tests again on the oldest Jackson we support, the core
# tests on Java 25, and the release check. Each reuses what verify compiled.
set -euo pipefail
cd "$(dirname "$0")/.."

# The oldest Jackson we support (README "Supported versions"): the core and both providers'
# tests again, compiled as above, run with jackson 2.15 on the class path (about two minutes).
# (The Azure provider's extra run without azure-identity is not repeated here.)
./mvnw -B -Pjackson-oldest -pl llm-core,provider-openai,provider-azure -am test \
  -Dtest='dev/llmclient/core/**/*,dev/llmclient/openai/**/*,dev/llmclient/azure/**/*,!dev/llmclient/azure/WithoutAzureIdentityTest' \
  -DskipWithoutAzureIdentity=true -Dsurefire.failIfNoSpecifiedTests=false

# Java 25: the core tests again, the same classes, on the Temurin 25 JVM (about 35 s).
jdk25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
if [ -x "$jdk25" ]; then
  ./mvnw -B -pl llm-core -am test -Djvm="$jdk25" \
    -Dtest='dev/llmclient/core/**/*' -Dsurefire.failIfNoSpecifiedTests=false
else
  echo "== no Temurin 25 at $jdk25: the Java 25 run of the core tests is skipped" >&2
fi

# What a release publishes, built without signing and checked jar by jar (offline, no tests).
scripts/release-check.sh

# Gradle (Groovy DSL) consumers of the artifacts verify installed, by coordinates only (Debian's
# gradle 4.4.1, installed by the script when missing and run as root), on the class path and on
# the module path (about a minute).
scripts/gradle-consumer.sh
