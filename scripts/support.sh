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

# shellcheck source=scripts/lib/service.sh
. "$ROOT/scripts/lib/service.sh"
SVC_LABEL="support.sh[$INSTANCE]"
SVC_PID_FILE="$PID_FILE"
SVC_LOG_FILE="$LOG_FILE"
SVC_OWNS="cmdline:$SERVER"
SVC_READY_TIMEOUT="$READY_TIMEOUT"
SVC_STOP_TIMEOUT=5
SVC_PORTS="$PORT"

svc_is_ready() { svc_answers "$URL/support/health"; }

cmd_start() {
  local rc=0
  svc_already_running || rc=$?
  case $rc in 0) return 0 ;; 2) return 1 ;; esac
  mkdir -p "$STATE_DIR"
  echo "=== $(date -u +%Y-%m-%dT%H:%M:%SZ) starting support server '$INSTANCE' on $URL" >>"$LOG_FILE"
  PORT="$PORT" svc_start node "$SERVER" || return 1
  svc_log "ready (pid $(cat "$PID_FILE")) on $URL, log $LOG_FILE"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) svc_stop ;;
  status) svc_status "on $URL" ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
