#!/usr/bin/env bash
# Build, start and stop a real Ory Kratos v1.3.1 for tests (identity lookup and
# the identity-session part of "sign out everywhere").
#
#   scripts/kratos.sh build    build target/kratos-bin/kratos if missing or stale
#   scripts/kratos.sh start    build if needed, start in the background, wait until ready
#   scripts/kratos.sh stop     stop it (TERM, bounded wait, then KILL)
#   scripts/kratos.sh status   exit 0 if running and ready
#
# Environment (all optional):
#   KRATOS_PUBLIC_PORT    public port (default 4433)
#   KRATOS_ADMIN_PORT     admin port  (default 4434)
#   KRATOS_READY_TIMEOUT  seconds to wait for readiness (default 60)
#   Any of Kratos' own config variables (LOG_LEVEL, ...) is passed through.
#
# Configuration: testenv/kratos.yml (copied to target/testenv/kratos.yml with the
# checkout's path filled in), identity schema testenv/kratos-identity.schema.json
# (traits `email` and `name`), in-memory SQLite (each start is an empty database).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC_DIR="$ROOT/testenv/kratos"
BIN_DIR="$ROOT/target/kratos-bin"
BIN="$BIN_DIR/kratos"
CONFIG="$ROOT/testenv/kratos.yml"
STATE_DIR="$ROOT/target/testenv"
PID_FILE="$STATE_DIR/kratos.pid"
LOG_FILE="$STATE_DIR/kratos.log"
PUBLIC_PORT="${KRATOS_PUBLIC_PORT:-4433}"
ADMIN_PORT="${KRATOS_ADMIN_PORT:-4434}"
READY_TIMEOUT="${KRATOS_READY_TIMEOUT:-60}"
PUBLIC_URL="http://127.0.0.1:$PUBLIC_PORT"
ADMIN_URL="http://127.0.0.1:$ADMIN_PORT"

log() { echo "kratos.sh: $*" >&2; }

needs_build() {
  [[ -x "$BIN" ]] || return 0
  local f
  for f in go.mod go.sum main.go; do
    [[ "$SRC_DIR/$f" -nt "$BIN" ]] && return 0
  done
  return 1
}

cmd_build() {
  mkdir -p "$BIN_DIR"
  exec 9>"$BIN_DIR/.build.lock"
  flock 9
  if ! needs_build; then
    exec 9>&-
    return 0
  fi
  log "building $BIN (Kratos v1.3.1; takes several minutes on a cold cache)"
  local tmp="$BIN.tmp.$$"
  local start=$SECONDS
  if ! (cd "$SRC_DIR" && CGO_ENABLED=1 go build -tags sqlite,sqlite_omit_load_extension -o "$tmp" .); then
    rm -f "$tmp"
    exec 9>&-
    log "build failed"
    return 1
  fi
  mv -f "$tmp" "$BIN"
  exec 9>&-
  log "built in $((SECONDS - start)) s"
}

# Prints the pid if the pid file names a live Kratos process of ours.
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  local exe
  exe="$(readlink "/proc/$pid/exe" 2>/dev/null || true)"
  [[ "$exe" == "$BIN" || "$exe" == "$BIN (deleted)" ]] || return 1
  echo "$pid"
}

is_ready() {
  curl -fsS -o /dev/null --max-time 2 "$PUBLIC_URL/health/ready" 2>/dev/null &&
    curl -fsS -o /dev/null --max-time 2 "$ADMIN_URL/health/ready" 2>/dev/null
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_ready() {
  local pid="$1" deadline=$((SECONDS + READY_TIMEOUT))
  while ((SECONDS < deadline)); do
    if is_ready; then
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      log "Kratos exited during startup; last log lines ($LOG_FILE):"
      tail -n 40 "$LOG_FILE" >&2 || true
      rm -f "$PID_FILE"
      return 1
    fi
    sleep 0.25
  done
  log "Kratos not ready after ${READY_TIMEOUT}s; last log lines ($LOG_FILE):"
  tail -n 40 "$LOG_FILE" >&2 || true
  return 1
}

cmd_start() {
  local pid
  if pid="$(running_pid)"; then
    if wait_ready "$pid"; then
      log "already running (pid $pid) on $PUBLIC_URL / $ADMIN_URL"
      return 0
    fi
    return 1
  fi
  rm -f "$PID_FILE"
  cmd_build
  local p
  for p in "$PUBLIC_PORT" "$ADMIN_PORT"; do
    if port_in_use "$p"; then
      log "port $p on 127.0.0.1 is already in use by another process (not $PID_FILE)"
      return 1
    fi
  done
  mkdir -p "$STATE_DIR"

  export SERVE_PUBLIC_HOST="${SERVE_PUBLIC_HOST:-127.0.0.1}"
  export SERVE_ADMIN_HOST="${SERVE_ADMIN_HOST:-127.0.0.1}"
  export SERVE_PUBLIC_PORT="$PUBLIC_PORT"
  export SERVE_ADMIN_PORT="$ADMIN_PORT"
  export SERVE_PUBLIC_BASE_URL="${SERVE_PUBLIC_BASE_URL:-$PUBLIC_URL/}"
  export SERVE_ADMIN_BASE_URL="${SERVE_ADMIN_BASE_URL:-$ADMIN_URL/}"
  # The identity schema is loaded by absolute file:// URL: fill in this checkout.
  local config="$STATE_DIR/kratos.yml"
  sed "s|@ROOT@|$ROOT|g" "$CONFIG" >"$config"

  {
    echo "=== $(date -u +%Y-%m-%dT%H:%M:%SZ) starting Kratos on $PUBLIC_URL / $ADMIN_URL"
  } >>"$LOG_FILE"

  # With `dsn: memory` Kratos migrates its fresh database itself on start.
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$PID_FILE" \
    "$BIN" serve --dev --sqa-opt-out -c "$config" \
    </dev/null >>"$LOG_FILE" 2>&1 &

  local i
  for i in $(seq 1 40); do
    [[ -s "$PID_FILE" ]] && break
    sleep 0.05
  done
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  if [[ ! "$pid" =~ ^[0-9]+$ ]]; then
    log "could not determine Kratos' pid"
    return 1
  fi
  if ! wait_ready "$pid"; then
    return 1
  fi
  log "ready (pid $pid) on $PUBLIC_URL / $ADMIN_URL, log $LOG_FILE"
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 10))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "still running after 10s, sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
  fi
  rm -f "$PID_FILE"
  log "stopped (pid $pid)"
}

cmd_status() {
  local pid
  if pid="$(running_pid)" && is_ready; then
    echo "running (pid $pid) on $PUBLIC_URL / $ADMIN_URL"
    return 0
  fi
  echo "not running"
  return 1
}

case "${1:-}" in
  build) cmd_build ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 build|start|stop|status" >&2
    exit 2
    ;;
esac
