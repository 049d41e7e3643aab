#!/usr/bin/env bash
# Build, start and stop a real Ory Hydra v2.3.0 for tests and the demo.
#
#   scripts/hydra.sh build    build target/hydra-bin/hydra if missing or stale
#   scripts/hydra.sh start    build if needed, start in the background, wait until ready
#   scripts/hydra.sh stop     stop it (TERM, bounded wait, then KILL)
#   scripts/hydra.sh status   exit 0 if running and ready
#
# Environment (all optional):
#   HYDRA_INSTANCE       instance name; pid/log files are per instance
#                        (default "default": target/testenv/hydra.{pid,log},
#                        otherwise target/testenv/hydra-<name>.{pid,log})
#   HYDRA_PUBLIC_PORT    public port (default 4444)
#   HYDRA_ADMIN_PORT     admin port  (default 4445)
#   HYDRA_SUPPORT_URL    base URL of the login/consent acceptor; sets URLS_LOGIN and
#                        URLS_CONSENT unless those are set (default: hydra.yml's 5555)
#   HYDRA_READY_TIMEOUT  seconds to wait for readiness (default 60)
#   Any of Hydra's own config variables (URLS_LOGOUT, URLS_ERROR,
#   TTL_LOGIN_CONSENT_REQUEST, LOG_LEVEL, ...) is passed through unchanged.
#   URLS_SELF_ISSUER / URLS_SELF_PUBLIC default to http://127.0.0.1:<public port>.
#
# Example, a second Hydra with short-lived logout requests:
#   HYDRA_INSTANCE=expiry HYDRA_PUBLIC_PORT=4454 HYDRA_ADMIN_PORT=4455 \
#     TTL_LOGIN_CONSENT_REQUEST=5s scripts/hydra.sh start
#   HYDRA_INSTANCE=expiry HYDRA_PUBLIC_PORT=4454 HYDRA_ADMIN_PORT=4455 scripts/hydra.sh stop
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC_DIR="$ROOT/testenv/hydra"
BIN_DIR="$ROOT/target/hydra-bin"
BIN="$BIN_DIR/hydra"
CONFIG="$ROOT/testenv/hydra.yml"
STATE_DIR="$ROOT/target/testenv"

INSTANCE="${HYDRA_INSTANCE:-default}"
if [[ ! "$INSTANCE" =~ ^[A-Za-z0-9_-]+$ ]]; then
  echo "hydra.sh: invalid HYDRA_INSTANCE '$INSTANCE'" >&2
  exit 2
fi
if [[ "$INSTANCE" == default ]]; then
  NAME=hydra
else
  NAME="hydra-$INSTANCE"
fi
PID_FILE="$STATE_DIR/$NAME.pid"
LOG_FILE="$STATE_DIR/$NAME.log"
PUBLIC_PORT="${HYDRA_PUBLIC_PORT:-4444}"
ADMIN_PORT="${HYDRA_ADMIN_PORT:-4445}"
READY_TIMEOUT="${HYDRA_READY_TIMEOUT:-60}"
PUBLIC_URL="http://127.0.0.1:$PUBLIC_PORT"
ADMIN_URL="http://127.0.0.1:$ADMIN_PORT"

# shellcheck source=scripts/lib/service.sh
. "$ROOT/scripts/lib/service.sh"
SVC_LABEL="hydra.sh[$INSTANCE]"
SVC_PID_FILE="$PID_FILE"
SVC_LOG_FILE="$LOG_FILE"
SVC_OWNS="exe:$BIN"
SVC_READY_TIMEOUT="$READY_TIMEOUT"
SVC_PORTS="$PUBLIC_PORT $ADMIN_PORT"
log() { svc_log "$@"; }

svc_is_ready() { svc_answers "$PUBLIC_URL/health/ready" "$ADMIN_URL/health/ready"; }

cmd_build() { svc_go_build "$SRC_DIR" "$BIN" "Hydra v2.3.0"; }

cmd_start() {
  local rc=0
  svc_already_running || rc=$?
  case $rc in 0) return 0 ;; 2) return 1 ;; esac
  cmd_build
  svc_ports_free || return 1
  mkdir -p "$STATE_DIR"

  export SERVE_PUBLIC_HOST="${SERVE_PUBLIC_HOST:-127.0.0.1}"
  export SERVE_ADMIN_HOST="${SERVE_ADMIN_HOST:-127.0.0.1}"
  export SERVE_PUBLIC_PORT="$PUBLIC_PORT"
  export SERVE_ADMIN_PORT="$ADMIN_PORT"
  export URLS_SELF_ISSUER="${URLS_SELF_ISSUER:-$PUBLIC_URL}"
  export URLS_SELF_PUBLIC="${URLS_SELF_PUBLIC:-$URLS_SELF_ISSUER}"
  if [[ -n "${HYDRA_SUPPORT_URL:-}" ]]; then
    export URLS_LOGIN="${URLS_LOGIN:-${HYDRA_SUPPORT_URL%/}/login}"
    export URLS_CONSENT="${URLS_CONSENT:-${HYDRA_SUPPORT_URL%/}/consent}"
  fi

  # A fresh file-backed SQLite per start instead of `dsn: memory`: the in-memory
  # database uses SQLite's shared cache, whose table locks fail concurrent
  # writes ("database table is locked") as soon as tests run in parallel. WAL
  # with a busy timeout serializes them instead. DSN from the caller wins.
  if [[ -z "${DSN:-}" ]]; then
    local db="$STATE_DIR/$NAME.sqlite"
    rm -f "$db" "$db-wal" "$db-shm"
    export DSN="sqlite://$db?_fk=true&_journal_mode=WAL&_busy_timeout=10000&_txlock=immediate"
    if ! "$BIN" migrate sql up -e --yes >>"$LOG_FILE" 2>&1; then
      log "database migration failed; see $LOG_FILE"
      return 1
    fi
  fi

  {
    echo "=== $(date -u +%Y-%m-%dT%H:%M:%SZ) starting Hydra instance '$INSTANCE' on $PUBLIC_URL / $ADMIN_URL"
    env | grep -E '^(SERVE|URLS|TTL|LOG|DSN|OAUTH2|STRATEGIES|OIDC)_' | sort || true
  } >>"$LOG_FILE"

  svc_start "$BIN" serve all --dev --sqa-opt-out -c "$CONFIG" || return 1
  # Hydra generates its signing keys (RSA) lazily, inside the first request that
  # needs them, holding a database transaction for seconds; concurrent requests
  # then hit "database is locked". Generate them now, before any test runs.
  if ! curl -fsS -o /dev/null --max-time 60 "$PUBLIC_URL/.well-known/jwks.json"; then
    log "could not fetch $PUBLIC_URL/.well-known/jwks.json to warm up signing keys"
    return 1
  fi
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
