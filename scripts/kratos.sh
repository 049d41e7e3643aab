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

# shellcheck source=scripts/lib/service.sh
. "$ROOT/scripts/lib/service.sh"
SVC_LABEL="kratos.sh"
SVC_PID_FILE="$PID_FILE"
SVC_LOG_FILE="$LOG_FILE"
SVC_OWNS="exe:$BIN"
SVC_READY_TIMEOUT="$READY_TIMEOUT"
SVC_PORTS="$PUBLIC_PORT $ADMIN_PORT"
log() { svc_log "$@"; }

svc_is_ready() { svc_answers "$PUBLIC_URL/health/ready" "$ADMIN_URL/health/ready"; }

cmd_build() { svc_go_build "$SRC_DIR" "$BIN" "Kratos v1.3.1"; }

cmd_start() {
  local rc=0
  svc_already_running || rc=$?
  case $rc in 0) return 0 ;; 2) return 1 ;; esac
  cmd_build
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
  svc_start "$BIN" serve --dev --sqa-opt-out -c "$config" || return 1
  log "ready (pid $(cat "$PID_FILE")) on $PUBLIC_URL / $ADMIN_URL, log $LOG_FILE"
}

case "${1:-}" in
  build) cmd_build ;;
  start) cmd_start ;;
  stop) svc_stop ;;
  status) svc_status "on $PUBLIC_URL / $ADMIN_URL" ;;
  *)
    echo "usage: $0 build|start|stop|status" >&2
    exit 2
    ;;
esac
