#!/usr/bin/env bash
# Operational tests ("Reliability and operations"): Hydra faults behind a fault
# proxy, Hydra stopped mid-flow, two replicas behind a load balancer, graceful
# shutdown, and a load of complete RP-initiated logouts. See testenv/ops/run.mjs.
#
#   scripts/ops-test.sh              everything; last line "ops: N passed, N failed"
#
# Starts (and stops again, also on failure or Ctrl-C), on 127.0.0.1 only:
#   - its own Hydra instance "ops" through scripts/hydra.sh: public :4474, admin :4475
#     (never the shared :4444/:4445 one: a case stops and restarts Hydra), with
#     urls.logout → the balancer;
#   - PostgreSQL for that Hydra (Debian's package, run as the postgres user from
#     target/ops/pgdata on :4476), because Hydra on SQLite stalls and fails under
#     parallel writes (see testenv/ops/README.md); OPS_HYDRA_DB=sqlite uses
#     scripts/hydra.sh's SQLite instead;
#   - through testenv/ops/run.mjs: app instances :3010 (admin API through the fault
#     proxy :4465), :3011 (direct), :3012 (short-lived), the balancer :3020.
#
# Environment (all optional):
#   OPS_LOAD_FLOWS (200), OPS_LOAD_CONCURRENCY (20), OPS_LOAD_TIMEOUT_S (600),
#   OPS_CASES (comma-separated names or prefixes), OPS_HYDRA_DB (postgres|sqlite),
#   OPS_HYDRA_PUBLIC_PORT (4474), OPS_HYDRA_ADMIN_PORT (4475), OPS_PG_PORT (4476),
#   OPS_PG_MAX_CONNS (Hydra's connection pool on PostgreSQL, 100),
#   OPS_BUILD=1 (run `cargo leptos build --release` first; default: only when missing).
#   The full run from the issue: OPS_LOAD_FLOWS=1000 OPS_LOAD_CONCURRENCY=50 scripts/ops-test.sh
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"

STATE="$ROOT/target/ops"
LOGS="$STATE/logs"
PGDATA="$STATE/pgdata"
HYDRA_BIN="$ROOT/target/hydra-bin/hydra"

export HYDRA_INSTANCE=ops
export HYDRA_PUBLIC_PORT="${OPS_HYDRA_PUBLIC_PORT:-4474}"
export HYDRA_ADMIN_PORT="${OPS_HYDRA_ADMIN_PORT:-4475}"
PG_PORT="${OPS_PG_PORT:-4476}"
DB_KIND="${OPS_HYDRA_DB:-postgres}"
export URLS_LOGOUT=http://127.0.0.1:3020/logout
export URLS_POST_LOGOUT_REDIRECT=http://127.0.0.1:3020/logged-out
export URLS_ERROR=http://127.0.0.1:3020/error
export OPS_HYDRA_PUBLIC_URL="http://127.0.0.1:$HYDRA_PUBLIC_PORT"
export OPS_HYDRA_ADMIN_URL="http://127.0.0.1:$HYDRA_ADMIN_PORT"
export OPS_HYDRA_LOG="$ROOT/target/testenv/hydra-ops.log"
export OPS_APP_BIN="$STATE/bin/hydra-logout-ui"
export OPS_RESULTS="$STATE/results.json"
APP_PORTS=(3010 3011 3012 3015 3016 3017 3020 4465)

# shellcheck source=scripts/lib/service.sh
. "$ROOT/scripts/lib/service.sh"
SVC_LABEL=ops-test
log() { svc_log "$@"; }

pg_bin() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [[ -n "$d" && -x "$d/pg_ctl" ]] && echo "$d"
}

as_postgres() { runuser -u postgres -- "$@"; }

pg_psql() { PGOPTIONS="-c client_min_messages=warning" "$(pg_bin)/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }

pg_start() {
  local bin
  if ! bin="$(pg_bin)"; then
    log "PostgreSQL not found; installing Debian's postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq postgresql >/dev/null || return 1
    bin="$(pg_bin)" || return 1
  fi
  mkdir -p "$PGDATA"
  chown postgres: "$PGDATA"
  chmod 700 "$PGDATA"
  if [[ ! -f "$PGDATA/PG_VERSION" ]]; then
    as_postgres "$bin/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --no-sync >"$LOGS/initdb.log" 2>&1 || {
      log "initdb failed, see $LOGS/initdb.log"
      return 1
    }
  fi
  touch "$LOGS/postgres.log"
  chown postgres: "$LOGS/postgres.log"
  # A leftover server of an interrupted run: stop it first.
  as_postgres "$bin/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1 && as_postgres "$bin/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1
  # A throwaway test database: durability off (fsync, synchronous_commit) for speed.
  as_postgres "$bin/pg_ctl" -D "$PGDATA" -l "$LOGS/postgres.log" -w -t 30 \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PGDATA -c max_connections=250 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || {
    log "PostgreSQL did not start, see $LOGS/postgres.log"
    tail -n 20 "$LOGS/postgres.log" >&2
    return 1
  }
  PG_STARTED=1
}

pg_stop() {
  local bin
  bin="$(pg_bin)" || return 0
  [[ -f "$PGDATA/postmaster.pid" ]] || return 0
  as_postgres "$bin/pg_ctl" -D "$PGDATA" -m fast -w -t 20 stop >/dev/null 2>&1 || true
}

# A fresh, migrated database for Hydra: what scripts/hydra.sh does for SQLite on
# every start. Run before each start (the "hydra-stopped" case restarts Hydra).
reset_db() {
  [[ "$DB_KIND" == postgres ]] || return 0
  pg_psql -c "DROP DATABASE IF EXISTS hydra WITH (FORCE)" -c "CREATE DATABASE hydra" || return 1
  "$HYDRA_BIN" migrate sql up -e --yes >>"$OPS_HYDRA_LOG" 2>&1 || {
    log "hydra migrate failed, see $OPS_HYDRA_LOG"
    return 1
  }
}

if [[ "${1:-}" == __reset-db ]]; then
  reset_db
  exit $?
fi

# Kills app instances a previous, interrupted run may have left (pid files of ours only).
kill_leftover_apps() {
  local f pid exe
  for f in "$STATE"/pids/app-*.pid; do
    [[ -f "$f" ]] || continue
    pid="$(cat "$f" 2>/dev/null || true)"
    if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
      exe="$(readlink "/proc/$pid/exe" 2>/dev/null || true)"
      if [[ "$exe" == "$OPS_APP_BIN" || "$exe" == "$OPS_APP_BIN (deleted)" ]]; then
        log "stopping leftover app instance $pid ($f)"
        svc_terminate "$pid"
      fi
    fi
    rm -f "$f"
  done
}


NODE_PID=""
PG_STARTED=0
SUMMARY=""
T0=$SECONDS
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local t=$SECONDS
  [[ -z "$NODE_PID" ]] || svc_terminate "$NODE_PID" 15
  kill_leftover_apps
  "$ROOT/scripts/hydra.sh" stop >/dev/null 2>&1 || true
  ((PG_STARTED)) && pg_stop
  local busy=()
  for p in "${APP_PORTS[@]}" "$HYDRA_PUBLIC_PORT" "$HYDRA_ADMIN_PORT" "$PG_PORT"; do
    svc_port_in_use "$p" && busy+=("$p")
  done
  ((${#busy[@]})) && log "WARNING: still listening after cleanup: ${busy[*]}"
  echo "ops-test: teardown $((SECONDS - t)) s, total $((SECONDS - T0)) s"
  if [[ -z "$SUMMARY" ]]; then
    SUMMARY="ops: 0 passed, 1 failed"
    ((rc == 0)) && rc=1
  fi
  echo "$SUMMARY"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$LOGS" "$STATE/bin" "$STATE/pids"
command -v node >/dev/null || { log "node not found"; exit 1; }
if (($(node -p 'process.versions.node.split(".")[0]') < 20)); then
  log "Node 20 or newer needed"
  exit 1
fi

# The release build (what ships), as `cargo leptos build --release` (or the
# test command's `cargo leptos end-to-end --release`) leaves it: built here only
# when missing or when OPS_BUILD=1. Copied, so that a concurrent rebuild cannot
# swap the binary under the running instances.
APP="$ROOT/target/release/hydra-logout-ui"
if [[ ! -x "$APP" || ! -d "$ROOT/target/site/pkg" || "${OPS_BUILD:-0}" == 1 ]]; then
  log "building the release (cargo leptos build --release)"
  cargo leptos build --release >"$LOGS/build.log" 2>&1 || {
    log "build failed, see $LOGS/build.log"
    grep -E '^(error|warning: unused)' "$LOGS/build.log" | head -n 20 >&2
    exit 1
  }
elif newer="$(find src style public Cargo.toml Cargo.lock Leptos.toml -newer "$APP" -print -quit 2>/dev/null)" && [[ -n "$newer" ]]; then
  log "NOTE: $APP is older than $newer; testing that build (OPS_BUILD=1 rebuilds)"
fi
cp -f "$APP" "$OPS_APP_BIN.tmp" && mv -f "$OPS_APP_BIN.tmp" "$OPS_APP_BIN"

kill_leftover_apps
"$ROOT/scripts/hydra.sh" stop >/dev/null 2>&1 || true
busy=()
for p in "${APP_PORTS[@]}" "$HYDRA_PUBLIC_PORT" "$HYDRA_ADMIN_PORT"; do
  svc_port_in_use "$p" && busy+=("$p")
done
if ((${#busy[@]})); then
  log "ports in use by something else: ${busy[*]}"
  ss -ltnp 2>/dev/null | grep -E ":($(IFS='|'; echo "${busy[*]}")) " >&2 || true
  exit 1
fi

T_SETUP=$SECONDS
"$ROOT/scripts/hydra.sh" build || exit 1
case "$DB_KIND" in
  postgres)
    pg_start || exit 1
    export DSN="postgres://postgres@127.0.0.1:$PG_PORT/hydra?sslmode=disable&max_conns=${OPS_PG_MAX_CONNS:-100}&max_idle_conns=${OPS_PG_MAX_CONNS:-100}"
    export OPS_HYDRA_PRESTART="\"$ROOT/scripts/ops-test.sh\" __reset-db"
    reset_db || exit 1
    ;;
  sqlite)
    unset DSN OPS_HYDRA_PRESTART
    ;;
  *)
    log "OPS_HYDRA_DB must be postgres or sqlite"
    exit 2
    ;;
esac
"$ROOT/scripts/hydra.sh" start || exit 1
log "setup $((SECONDS - T_SETUP)) s (Hydra on $DB_KIND)"

T_RUN=$SECONDS
node "$ROOT/testenv/ops/run.mjs" > >(tee "$LOGS/run.log") 2>&1 &
NODE_PID=$!
wait "$NODE_PID"
rc=$?
NODE_PID=""
sleep 0.2 # let tee flush
log "checks $((SECONDS - T_RUN)) s"
SUMMARY="$(grep -E '^ops: [0-9]+ passed, [0-9]+ failed$' "$LOGS/run.log" | tail -1)"
if [[ -z "$SUMMARY" ]]; then
  SUMMARY="ops: 0 passed, 1 failed"
  rc=1
fi
exit "$rc"
