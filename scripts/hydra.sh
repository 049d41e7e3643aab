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

log() { echo "hydra.sh[$INSTANCE]: $*" >&2; }

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
  # Serialize concurrent builds (e.g. two instances started in parallel).
  exec 9>"$BIN_DIR/.build.lock"
  flock 9
  if ! needs_build; then
    exec 9>&-
    return 0
  fi
  log "building $BIN (Hydra v2.3.0; takes several minutes on a cold cache)"
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

# Prints the pid if the pid file names a live Hydra process of ours.
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Guard against pid reuse: the process must be our binary.
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
      log "Hydra exited during startup; last log lines ($LOG_FILE):"
      tail -n 40 "$LOG_FILE" >&2 || true
      rm -f "$PID_FILE"
      return 1
    fi
    sleep 0.25
  done
  log "Hydra not ready after ${READY_TIMEOUT}s; last log lines ($LOG_FILE):"
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

  # New session so the server outlives the calling shell's process group; the
  # wrapper shell writes its own pid and then execs Hydra, so the pid is Hydra's.
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$PID_FILE" \
    "$BIN" serve all --dev --sqa-opt-out -c "$CONFIG" \
    </dev/null >>"$LOG_FILE" 2>&1 &

  local i
  for i in $(seq 1 40); do
    [[ -s "$PID_FILE" ]] && break
    sleep 0.05
  done
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  if [[ ! "$pid" =~ ^[0-9]+$ ]]; then
    log "could not determine Hydra's pid"
    return 1
  fi
  if ! wait_ready "$pid"; then
    return 1
  fi
  # Hydra generates its signing keys (RSA) lazily, inside the first request that
  # needs them, holding a database transaction for seconds; concurrent requests
  # then hit "database is locked". Generate them now, before any test runs.
  if ! curl -fsS -o /dev/null --max-time 60 "$PUBLIC_URL/.well-known/jwks.json"; then
    log "could not fetch $PUBLIC_URL/.well-known/jwks.json to warm up signing keys"
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
