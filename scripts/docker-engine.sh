#!/usr/bin/env bash
# Starts, stops or reports a local Docker engine for the container tests.
#
#   sudo scripts/docker-engine.sh start    # install docker.io if missing, start dockerd, wait
#   sudo scripts/docker-engine.sh stop     # stop the dockerd this script started
#   scripts/docker-engine.sh status        # exit 0 when an engine answers
#
# The engine runs without a bridge or iptables rules (containers use host networking) and with
# the vfs storage driver, which works inside containers and unprivileged sandboxes. Nothing is
# ever pulled: scripts/build-images.sh builds every image FROM scratch from Debian packages.
# If an engine already answers on the socket, `start` reuses it and `stop` leaves it alone.
set -euo pipefail

SOCKET="${LLM_DOCKER_SOCKET:-/var/run/docker.sock}"
STATE_DIR="${LLM_DOCKER_STATE_DIR:-/var/lib/llmclient-docker}"
PID_FILE="$STATE_DIR/dockerd.pid"
LOG_FILE="$STATE_DIR/dockerd.log"
WAIT_SECONDS="${LLM_DOCKER_WAIT_SECONDS:-60}"

log() { printf '[docker-engine] %s\n' "$*" >&2; }

answers() { docker -H "unix://$SOCKET" info >/dev/null 2>&1; }

need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    log "this needs root: run 'sudo $0 $1'"
    exit 1
  fi
}

install_engine() {
  if command -v dockerd >/dev/null 2>&1 && command -v docker >/dev/null 2>&1; then
    return
  fi
  log "dockerd not found; installing the Debian package docker.io"
  export DEBIAN_FRONTEND=noninteractive
  mkdir -p "$STATE_DIR"
  if ! { apt-get update -q && apt-get install -y -q --no-install-recommends docker.io; } \
    >"$STATE_DIR/apt.log" 2>&1; then
    tail -n 30 "$STATE_DIR/apt.log" >&2
    log "installing docker.io failed (full output: $STATE_DIR/apt.log)"
    exit 1
  fi
}

start() {
  if command -v docker >/dev/null 2>&1 && answers; then
    log "an engine already answers on $SOCKET; reusing it"
    return
  fi
  need_root start
  install_engine
  mkdir -p "$STATE_DIR"
  log "starting dockerd (log: $LOG_FILE)"
  # setsid: the engine must outlive the shell that started it, but not be tied to its signals.
  setsid dockerd \
    --host="unix://$SOCKET" \
    --bridge=none \
    --iptables=false \
    --ip6tables=false \
    --storage-driver=vfs \
    --data-root="$STATE_DIR/data" \
    --exec-root="$STATE_DIR/exec" \
    --pidfile="$PID_FILE" \
    >"$LOG_FILE" 2>&1 </dev/null &
  local waited=0
  until answers; do
    if [ "$waited" -ge "$WAIT_SECONDS" ]; then
      log "dockerd did not answer within ${WAIT_SECONDS}s; last lines of $LOG_FILE:"
      tail -n 20 "$LOG_FILE" >&2 || true
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  log "engine ready on $SOCKET after ${waited}s"
}

stop() {
  need_root stop
  if [ ! -f "$PID_FILE" ]; then
    log "no dockerd started by this script; nothing to stop"
    return
  fi
  local pid
  pid="$(cat "$PID_FILE")"
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping dockerd (pid $pid)"
    kill -TERM "$pid"
    for _ in $(seq 1 30); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "dockerd did not stop in 30s; killing it"
      kill -KILL "$pid" || true
    fi
  fi
  rm -f "$PID_FILE"
}

status() {
  if answers; then
    docker -H "unix://$SOCKET" version --format 'engine {{.Server.Version}} (API {{.Server.APIVersion}}) on '"$SOCKET"
  else
    echo "no Docker engine answers on $SOCKET; start one with: sudo $0 start" >&2
    exit 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
