#!/usr/bin/env bash
# Release check (run by .ci/run after the tests): builds what a release publishes, without
# signing, and checks every shipped jar. Shipped = every artifact the BOM lists; anything else in
# the reactor must not be deployed (maven.deploy.skip in its POM).
#
# Checks per shipped jar module: <a>-<v>.jar, <a>-<v>-sources.jar and <a>-<v>-javadoc.jar exist;
# the jar has META-INF/LICENSE and META-INF/NOTICE; its manifest names an Automatic-Module-Name
# that `jar --describe-module` accepts. Also: the parent POM carries the metadata Maven Central
# requires.
#
#   scripts/release-check.sh            # build (offline, no tests) and check
#   scripts/release-check.sh --no-build # check what target/ already holds
set -euo pipefail
cd "$(dirname "$0")/.."

bom=llmclient-bom/pom.xml
shipped=$(sed -n 's:.*<artifactId>\(.*\)</artifactId>.*:\1:p' "$bom" \
  | grep -v -e '^llmclient-bom$' -e '^spotless-maven-plugin$')
version=$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' "$bom")

if [ "${1:-}" != "--no-build" ]; then
  modules="llmclient-bom,$(echo "$shipped" | paste -sd, -)"
  # The tests already ran; compiling is incremental, so this mostly packages and runs javadoc.
  ./mvnw -B -o -q -Prelease-check -DskipTests verify -pl "$modules"
fi

failures=0
fail() {
  echo "release-check: $*" >&2
  failures=$((failures + 1))
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for a in $shipped; do
  dir=$a
  [ -f "$dir/pom.xml" ] || { fail "$a is in the BOM but no module $dir/ exists"; continue; }
  for suffix in "" -sources -javadoc; do
    f="$dir/target/$a-$version$suffix.jar"
    [ -s "$f" ] || fail "$f is missing (run with -Prelease-check)"
  done
  jar_file="$dir/target/$a-$version.jar"
  [ -s "$jar_file" ] || continue
  entries=$(jar tf "$jar_file")
  for e in META-INF/LICENSE META-INF/NOTICE; do
    grep -qx "$e" <<<"$entries" || fail "$jar_file has no $e"
  done
  rm -rf "${work:?}"/*
  (cd "$work" && jar xf "$OLDPWD/$jar_file" META-INF/MANIFEST.MF)
  name=$(sed -n 's/^Automatic-Module-Name: *\([^[:space:]]*\).*/\1/p' "$work/META-INF/MANIFEST.MF")
  if [ -z "$name" ]; then
    fail "$jar_file has no Automatic-Module-Name in its manifest"
  elif [[ "$name" != dev.llmclient.* ]]; then
    fail "$jar_file: Automatic-Module-Name $name is not under dev.llmclient"
  elif ! jar --describe-module --file "$jar_file" 2>&1 | grep -q "^$name@"; then
    fail "$jar_file: the JDK does not accept the module name $name"
  else
    echo "release-check: $a ok (module $name)"
  fi
done

# Every other jar module of the reactor is kept out of a release.
for pom in */pom.xml; do
  dir=${pom%/pom.xml}
  grep -qx "$dir" <<<"$shipped" && continue
  [ "$dir" = llmclient-bom ] && continue
  grep -q '<maven.deploy.skip>true</maven.deploy.skip>' "$pom" \
    || fail "$dir is not in the BOM but its POM does not set maven.deploy.skip"
done

for tag in '<url>' '<licenses>' '<developers>' '<scm ' '<description>' \
  '<project.build.outputTimestamp>'; do
  grep -q "$tag" pom.xml || fail "pom.xml has no $tag (Maven Central requires it)"
done
[ -s LICENSE ] && [ -s NOTICE ] || fail "LICENSE or NOTICE is missing at the root"

if [ "$failures" -ne 0 ]; then
  echo "release-check: $failures problem(s)" >&2
  exit 1
fi
echo "release-check: $(wc -w <<<"$shipped") shipped jars have sources, javadoc, LICENSE, NOTICE and a module name"
