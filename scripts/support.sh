#!/usr/bin/env bash
# Start and stop the test-only support server (testenv/support/server.mjs):
# login/consent auto-acceptor and sample relying parties for Ory Hydra.
#
#   scripts/support.sh start|stop|status
#
# Environment (all optional):
#   SUPPORT_INSTANCE       instance name; pid/log files are per instance
#                          (default "default": target/testenv/support.{pid,log},
#                          otherwise target/testenv/support-<name>.{pid,log})
#   SUPPORT_PORT           port on 127.0.0.1 (default 5555)
#   HYDRA_PUBLIC_URL       default http://127.0.0.1:4444
#   HYDRA_ADMIN_URL        default http://127.0.0.1:4445
#   SUPPORT_READY_TIMEOUT  seconds to wait for readiness (default 20)
#
# Example, acceptor for a second Hydra (see scripts/hydra.sh):
#   SUPPORT_INSTANCE=expiry SUPPORT_PORT=5565 HYDRA_PUBLIC_URL=http://127.0.0.1:4454 \
#     HYDRA_ADMIN_URL=http://127.0.0.1:4455 scripts/support.sh start
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVER="$ROOT/testenv/support/server.mjs"
STATE_DIR="$ROOT/target/testenv"

INSTANCE="${SUPPORT_INSTANCE:-default}"
if [[ ! "$INSTANCE" =~ ^[A-Za-z0-9_-]+$ ]]; then
  echo "support.sh: invalid SUPPORT_INSTANCE '$INSTANCE'" >&2
  exit 2
fi
if [[ "$INSTANCE" == default ]]; then
  NAME=support
else
  NAME="support-$INSTANCE"
fi
PID_FILE="$STATE_DIR/$NAME.pid"
LOG_FILE="$STATE_DIR/$NAME.log"
PORT="${SUPPORT_PORT:-5555}"
READY_TIMEOUT="${SUPPORT_READY_TIMEOUT:-20}"
URL="http://127.0.0.1:$PORT"

log() { echo "support.sh[$INSTANCE]: $*" >&2; }

# Prints the pid if the pid file names a live node process running our server.
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$SERVER" || return 1
  echo "$pid"
}

is_ready() {
  curl -fsS -o /dev/null --max-time 2 "$URL/support/health" 2>/dev/null
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
      log "server exited during startup; last log lines ($LOG_FILE):"
      tail -n 40 "$LOG_FILE" >&2 || true
      rm -f "$PID_FILE"
      return 1
    fi
    sleep 0.1
  done
  log "server not ready after ${READY_TIMEOUT}s; last log lines ($LOG_FILE):"
  tail -n 40 "$LOG_FILE" >&2 || true
  return 1
}

cmd_start() {
  local pid
  if pid="$(running_pid)"; then
    if wait_ready "$pid"; then
      log "already running (pid $pid) on $URL"
      return 0
    fi
    return 1
  fi
  rm -f "$PID_FILE"
  if port_in_use "$PORT"; then
    log "port $PORT on 127.0.0.1 is already in use by another process (not $PID_FILE)"
    return 1
  fi
  mkdir -p "$STATE_DIR"
  echo "=== $(date -u +%Y-%m-%dT%H:%M:%SZ) starting support server '$INSTANCE' on $URL" >>"$LOG_FILE"
  PORT="$PORT" setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$PID_FILE" \
    node "$SERVER" </dev/null >>"$LOG_FILE" 2>&1 &
  local i
  for i in $(seq 1 40); do
    [[ -s "$PID_FILE" ]] && break
    sleep 0.05
  done
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  if [[ ! "$pid" =~ ^[0-9]+$ ]]; then
    log "could not determine the server's pid"
    return 1
  fi
  wait_ready "$pid" || return 1
  log "ready (pid $pid) on $URL, log $LOG_FILE"
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 5))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "still running after 5s, sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
  fi
  rm -f "$PID_FILE"
  log "stopped (pid $pid)"
}

cmd_status() {
  local pid
  if pid="$(running_pid)" && is_ready; then
    echo "running (pid $pid) on $URL"
    return 0
  fi
  echo "not running"
  return 1
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
