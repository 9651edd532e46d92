#!/usr/bin/env bash
# Builds the container-test images locally, FROM scratch, from Debian packages and the host's
# Node.js: nothing is pulled from any registry.
#
#   scripts/build-images.sh [nginx|squid|prism|redis|all]...  (default: all)
#   scripts/build-images.sh --if-engine ...                 (exit 0 quietly when no engine answers)
#
# Each image is tagged llmclient-test/NAME:HASH, where HASH is a SHA-256 over every input (this
# script, container-tests/images/NAME/, the Debian package versions, the node binary, the Prism
# version and the specs), and then llmclient-test/NAME:local, the tag the tests run. When an
# image with the same HASH exists, the build is skipped, so a warm run costs a few seconds.
#
# A root filesystem is assembled per image: `apt-get download` + `dpkg -x` of the server's
# packages (and their direct library dependencies) into a staging folder, then only the server
# binaries, the shared libraries `ldd` resolves for them, the loader and a minimal /etc.
# Downloads are cached in $LLM_IMAGE_CACHE (default ~/.cache/llmclient/images).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
IMAGES="$ROOT/container-tests/images"
CACHE="${LLM_IMAGE_CACHE:-$HOME/.cache/llmclient/images}"
PRISM_PACKAGE="@stainless-api/prism-cli@5.16.1"
PREFIX="llmclient-test"

log() { printf '[build-images] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

if_engine=false
targets=()
for arg in "$@"; do
  case "$arg" in
    --if-engine) if_engine=true ;;
    all) targets+=(nginx squid prism redis) ;;
    nginx | squid | prism | redis) targets+=("$arg") ;;
    *) die "unknown argument '$arg'; usage: $0 [--if-engine] [nginx|squid|prism|redis|all]..." ;;
  esac
done
[ "${#targets[@]}" -gt 0 ] || targets=(nginx squid prism redis)

if ! docker info >/dev/null 2>&1; then
  if $if_engine; then
    log "no Docker engine answers; not building (start one with: sudo scripts/docker-engine.sh start)"
    exit 0
  fi
  die "no Docker engine answers; start one with: sudo scripts/docker-engine.sh start"
fi

# Package lists per image: the servers' own packages; their direct lib* dependencies are added.
nginx_packages=(nginx)
squid_packages=(squid squid-common squid-langpack)
# redis-server holds only links and config; the binary is redis-tools' /usr/bin/redis-check-rdb.
redis_packages=(redis-server redis-tools)

apt_ready=false
ensure_apt_lists() {
  if ! $apt_ready; then
    if ! apt-cache show --no-all-versions nginx >/dev/null 2>&1; then
      log "apt has no package lists yet; running apt-get update"
      apt-get update -q >/dev/null || die "apt-get update failed; run it as root once and retry"
    fi
    apt_ready=true
  fi
}

candidate() { # the version apt would download
  apt-cache policy "$1" | awk '/Candidate:/ { print $2; exit }'
}

installed() { # the host's installed version of a package, or nothing
  dpkg-query -W -f='${db:Status-Status} ${Version}\n' "$1" 2>/dev/null | awk '$1 == "installed" { print $2 }' || true
}

# Prints name=version for each package to download: the servers' packages, and those of their
# direct library dependencies that the host lacks. Libraries the host has (libc, OpenSSL, ...) are
# taken from the host, so the loader and libc always match; they are hashed as name@version.
with_lib_deps() {
  local p
  {
    for p in "$@"; do
      echo "$p"
      apt-cache depends --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces \
        --no-enhances "$p" | awk '/^  (Pre)?Depends: lib/ { print $2 }' | grep -v '[<>]' || true
    done
  } | sort -u | while read -r p; do
    local v
    v="$(installed "$p")"
    if [ -n "$v" ] && [[ "$p" == lib* ]]; then
      echo "$p@$v"
      continue
    fi
    v="$(candidate "$p")"
    [ -n "$v" ] && [ "$v" != "(none)" ] || die "apt knows no package '$p'; run apt-get update"
    echo "$p=$v"
  done
}

hash_inputs() { # stdin: extra lines; args: files and folders
  {
    sha256sum "$ROOT/scripts/build-images.sh"
    find "$@" -type f -print0 | sort -z | xargs -0 sha256sum
    cat
  } | sed "s#$ROOT/##" | sha256sum | cut -c1-16
}

exists() { docker image inspect "$1" >/dev/null 2>&1; }

stage_packages() { # $1 staging dir, rest: name=version
  local staging="$1"
  shift
  mkdir -p "$CACHE/debs" "$staging"
  local spec
  for spec in "$@"; do
    [[ "$spec" == *=* ]] || continue # a library the host has
    local name="${spec%%=*}" version="${spec#*=}"
    local deb
    deb="$(ls "$CACHE/debs/${name}_"*.deb 2>/dev/null | grep -F "_${version//:/%3a}_" | head -n1 || true)"
    if [ -z "$deb" ]; then
      (cd "$CACHE/debs" && apt-get download -q "$name=$version" >/dev/null 2>&1) \
        || die "apt-get download $name=$version failed"
      deb="$(ls "$CACHE/debs/${name}_"*.deb | grep -F "_${version//:/%3a}_" | head -n1)"
    fi
    dpkg -x "$deb" "$staging"
  done
}

copy_with_libs() { # $1 staging, $2 rootfs, rest: absolute paths of binaries inside staging or host
  local staging="$1" rootfs="$2"
  shift 2
  local libpath="$staging/lib/x86_64-linux-gnu:$staging/usr/lib/x86_64-linux-gnu"
  local bin
  for bin in "$@"; do
    local src="$staging$bin"
    [ -e "$src" ] || src="$bin"
    [ -e "$src" ] || die "binary $bin is in neither the staged packages nor the host"
    mkdir -p "$rootfs$(dirname "$bin")"
    cp -L "$src" "$rootfs$bin"
    local out
    out="$(LD_LIBRARY_PATH="$libpath" ldd "$src")" || die "ldd $src failed"
    if grep -q 'not found' <<<"$out"; then
      die "libraries of $bin not found: $(grep 'not found' <<<"$out" | tr -s ' \t' ' ')"
    fi
    local lib
    while read -r lib; do
      local name="${lib#"$staging"}"
      # Keep the path the loader looks for; libraries from the staging folder keep theirs.
      mkdir -p "$rootfs$(dirname "$name")"
      [ -e "$rootfs$name" ] || cp -L "$lib" "$rootfs$name"
    done < <(awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }' <<<"$out")
  done
  mkdir -p "$rootfs/lib64"
  [ -e "$rootfs/lib64/ld-linux-x86-64.so.2" ] || cp -L /lib64/ld-linux-x86-64.so.2 "$rootfs/lib64/"
  # glibc looks here first; keep the library folders where Debian has them.
  mkdir -p "$rootfs/etc"
  printf '/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu\n' >"$rootfs/etc/ld.so.conf"
}

minimal_etc() { # $1 rootfs
  local rootfs="$1"
  mkdir -p "$rootfs/etc" "$rootfs/tmp" "$rootfs/run"
  chmod 1777 "$rootfs/tmp"
  cat >"$rootfs/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/nonexistent
proxy:x:13:13:proxy:/bin:/nonexistent
nobody:x:65534:65534:nobody:/nonexistent:/nonexistent
PASSWD
  cat >"$rootfs/etc/group" <<'GROUP'
root:x:0:
proxy:x:13:
nogroup:x:65534:
GROUP
  echo 'passwd: files
group: files
hosts: files dns' >"$rootfs/etc/nsswitch.conf"
}

build() { # $1 name, $2 hash, $3 context
  local name="$1" hash="$2" context="$3"
  log "building $PREFIX/$name:$hash"
  # The classic builder needs no buildx plugin; its output is shown only when the build fails.
  if ! DOCKER_BUILDKIT=0 docker build -t "$PREFIX/$name:$hash" -t "$PREFIX/$name:local" \
    --label "dev.llmclient.inputs=$hash" "$context" >"$context.log" 2>&1; then
    cat "$context.log" >&2
    rm -f "$context.log"
  # Older builds of this image only take disk space (vfs keeps full copies): drop them.
  docker images --format '{{.Repository}}:{{.Tag}}' "$PREFIX/$name" \
    | grep -v -e ":$hash\$" -e ':local$' | xargs -r docker rmi >/dev/null 2>&1 || true
    die "docker build of $name failed"
  fi
  rm -f "$context.log"
  # Older builds of this image only take disk space (vfs keeps full copies): drop them.
  docker images --format '{{.Repository}}:{{.Tag}}' "$PREFIX/$name" \
    | grep -v -e ":$hash\$" -e ':local$' | xargs -r docker rmi >/dev/null 2>&1 || true
}

reuse_or_build() { # $1 name, $2 hash, $3 function that fills the context
  local name="$1" hash="$2" fill="$3"
  if exists "$PREFIX/$name:$hash"; then
    docker tag "$PREFIX/$name:$hash" "$PREFIX/$name:local"
    log "$PREFIX/$name:$hash is up to date"
    return
  fi
  local context
  context="$(mktemp -d)"
  # shellcheck disable=SC2064
  trap "rm -rf '$context'" RETURN
  cp -r "$IMAGES/$name/." "$context/"
  mkdir -p "$context/rootfs"
  "$fill" "$context/rootfs" "$context/staging"
  rm -rf "$context/staging"
  build "$name" "$hash" "$context"
}

fill_nginx() {
  local rootfs="$1" staging="$2"
  stage_packages "$staging" "${NGINX_PKGS[@]}"
  copy_with_libs "$staging" "$rootfs" /usr/sbin/nginx
  minimal_etc "$rootfs"
  mkdir -p "$rootfs/var/log/nginx" "$rootfs/var/lib/nginx" "$rootfs/etc/nginx"
}

fill_squid() {
  local rootfs="$1" staging="$2"
  stage_packages "$staging" "${SQUID_PKGS[@]}"
  copy_with_libs "$staging" "$rootfs" /usr/sbin/squid /usr/lib/squid/basic_ncsa_auth \
    /usr/lib/squid/unlinkd
  minimal_etc "$rootfs"
  mkdir -p "$rootfs/usr/share/squid-langpack" "$rootfs/etc/squid" "$rootfs/var/log/squid" \
    "$rootfs/var/spool/squid" "$rootfs/var/run/squid"
  cp -r "$staging/usr/share/squid-langpack/templates" "$rootfs/usr/share/squid-langpack/"
  mkdir -p "$rootfs/usr/share/squid"
  cp -r "$staging/usr/share/squid/icons" "$rootfs/usr/share/squid/"
  cp "$staging/usr/share/squid/mime.conf" "$rootfs/etc/squid/mime.conf"
  cp "$staging/etc/squid/errorpage.css" "$rootfs/etc/squid/errorpage.css"
  # COPY makes everything root's; squid runs as 'proxy', so its folders are world-writable.
  chmod 1777 "$rootfs/var/log/squid" "$rootfs/var/spool/squid" "$rootfs/var/run/squid"
}

fill_redis() {
  local rootfs="$1" staging="$2"
  stage_packages "$staging" "${REDIS_PKGS[@]}"
  # redis-server is a link to redis-check-rdb: one binary that acts by the name it is run as
  copy_with_libs "$staging" "$rootfs" /usr/bin/redis-check-rdb
  ln -sf redis-check-rdb "$rootfs/usr/bin/redis-server"
  minimal_etc "$rootfs"
  mkdir -p "$rootfs/data"
  chmod 1777 "$rootfs/data"
}

prism_install() { # installs Prism once into the cache with the host's npm
  local dir="$CACHE/prism-${PRISM_PACKAGE##*@}"
  if [ ! -x "$dir/node_modules/.bin/prism" ]; then
    command -v npm >/dev/null || die "npm is missing; install Node.js 18+ and npm (Debian: apt-get install nodejs npm)"
    log "installing $PRISM_PACKAGE with npm into $dir"
    mkdir -p "$dir"
    npm install --no-audit --no-fund --no-save --loglevel=error --prefix "$dir" "$PRISM_PACKAGE" >/dev/null
  fi
  echo "$dir"
}

fill_prism() {
  local rootfs="$1" staging="$2"
  local node
  node="$(command -v node)"
  copy_with_libs "$staging" "$rootfs" "$(readlink -f "$node")"
  if [ "$(readlink -f "$node")" != /usr/bin/node ]; then
    mkdir -p "$rootfs/usr/bin"
    ln -sf "$(readlink -f "$node")" "$rootfs/usr/bin/node"
  fi
  minimal_etc "$rootfs"
  local install
  install="$(prism_install)"
  mkdir -p "$rootfs/opt/prism" "$rootfs/specs"
  cp -r "$install/node_modules" "$rootfs/opt/prism/"
  NODE_PATH="$install/node_modules" node "$ROOT/specs/tools/prism-prep.js" \
    "$ROOT/specs/openai-openapi.yaml" "$rootfs/specs/openai.min.yaml" \
    --only-paths /chat/completions,/embeddings 2>/dev/null
}

for target in "${targets[@]}"; do
  started=$SECONDS
  case "$target" in
    nginx)
      ensure_apt_lists
      mapfile -t NGINX_PKGS < <(with_lib_deps "${nginx_packages[@]}")
      [[ " ${NGINX_PKGS[*]} " == *" nginx="* ]] || die "could not resolve the nginx packages"
      hash="$(printf '%s\n' "${NGINX_PKGS[@]}" | hash_inputs "$IMAGES/nginx")"
      reuse_or_build nginx "$hash" fill_nginx
      ;;
    squid)
      ensure_apt_lists
      mapfile -t SQUID_PKGS < <(with_lib_deps "${squid_packages[@]}")
      [[ " ${SQUID_PKGS[*]} " == *" squid="* ]] || die "could not resolve the squid packages"
      hash="$(printf '%s\n' "${SQUID_PKGS[@]}" | hash_inputs "$IMAGES/squid")"
      reuse_or_build squid "$hash" fill_squid
      ;;
    redis)
      ensure_apt_lists
      mapfile -t REDIS_PKGS < <(with_lib_deps "${redis_packages[@]}")
      [[ " ${REDIS_PKGS[*]} " == *" redis-tools="* ]] || die "could not resolve the redis packages"
      hash="$(printf '%s\n' "${REDIS_PKGS[@]}" | hash_inputs "$IMAGES/redis")"
      reuse_or_build redis "$hash" fill_redis
      ;;
    prism)
      command -v node >/dev/null || die "node is missing; install Node.js 18+ (Debian: apt-get install nodejs npm)"
      hash="$( { echo "$PRISM_PACKAGE"; sha256sum "$(readlink -f "$(command -v node)")" | cut -c1-64; } \
        | hash_inputs "$IMAGES/prism" "$ROOT/specs/tools/prism-prep.js" "$ROOT/specs/openai-openapi.yaml")"
      reuse_or_build prism "$hash" fill_prism
      ;;
  esac
  log "$target ready in $((SECONDS - started))s"
done
