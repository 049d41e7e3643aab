#!/usr/bin/env bash
# The benchmark of hydra-logout-ui beside its floor (Ory Hydra's admin API) and
# Ory's reference app (npm hydra-login-consent-logout, pinned in
# bench/reference/package-lock.json). See BENCHMARKS.md. Loopback only.
#
#   ./bench/run.sh             the benchmark (~11–12 min once the machine is quiet)
#   ./bench/run.sh --profile   instead: a perf profile of the prompt at concurrency 1
#                              (~1 min; target/bench/profile.md; needs perf)
#
# Starts its own Hydra (scripts/hydra.sh instance "bench", public :4484, admin
# :4485, fresh SQLite), two replicas of the app (release binary, copied to
# target/bench/bin/, on 127.0.0.1:3040 and :3042, /metrics on :3044 and :3045)
# and two of the reference (npm ci
# in bench/reference when needed; NODE_ENV=production, HYDRA_ADMIN_URL, PORT;
# 127.0.0.1:3041 and :3043), runs bench/bench.mjs (wrk for the load), prints the
# tables and writes target/bench/results.md (+ results.json, logs in
# target/bench/logs/), then stops all of them.
#
# Environment (all optional):
#   BENCH_SECONDS=10            measured seconds per GET run (floor, prompt)
#   BENCH_WARMUP_SECONDS=2      unmeasured warm-up before each GET run
#   BENCH_CONCURRENCY=1,16,64   connection counts of the floor/app/reference runs
#   BENCH_SCALE=1,4,16,64,128,256  connection counts of "how cost grows" (app, reference)
#   BENCH_REPLICA_CONCURRENCY=64,256  the same load over two replicas of each
#   BENCH_C1_REPEATS=3          floor/app/reference groups at concurrency 1 (median kept)
#   BENCH_DECISIONS=600         fresh challenges accepted per server and concurrency
#                               (each needs ~35–45 ms of sequential preparation)
#   BENCH_DECISION_CONCURRENCY=1,16,64
#   BENCH_NOISE_MAX=10          % of the machine other processes may use during a
#                               group of runs before it is repeated
#   BENCH_RETRIES=1             extra attempts of a noisy group (the quietest is kept)
#   BENCH_BREAKDOWN_SECONDS=5   /health/alive and the 400 page at c=1 (0: skip)
#   BENCH_QUIET_WAIT=600        seconds to wait for a quiet machine first (0: don't)
#   BENCH_QUIET_CPU=25          "quiet": machine CPU busy % below this (over 3 s) and
#                               no cargo/rustc/go build/Playwright process running
#   BENCH_BUDGET_SECONDS=720    time for bench.mjs, including its waits for other
#                               processes and the repeats (planned work: ~620 s)
#   BENCH_APP_ENV="K=V …"       extra environment for the app replicas (experiments:
#                               TOKIO_WORKER_THREADS=1, RUST_LOG=info, LD_PRELOAD=…)
#   BENCH_BUILD=1               rebuild the release first (else only when missing)
set -euo pipefail

MODE=bench
case "${1:-}" in
  "") ;;
  --profile) MODE=profile ;;
  *) echo "usage: $0 [--profile]" >&2; exit 2 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="$ROOT/target/bench"
mkdir -p "$OUT/bin" "$OUT/logs"

export HYDRA_INSTANCE=bench HYDRA_PUBLIC_PORT=4484 HYDRA_ADMIN_PORT=4485
APP_ADDR=127.0.0.1:3040
APP_URL="http://$APP_ADDR"
APP2_ADDR=127.0.0.1:3042
REF_PORT=3041
REF2_PORT=3043
REF_DIR="$ROOT/bench/reference"
REF_APP="$REF_DIR/node_modules/hydra-login-consent-logout/lib/app.js"
ADMIN_URL="http://127.0.0.1:$HYDRA_ADMIN_PORT"
PUBLIC_URL="http://127.0.0.1:$HYDRA_PUBLIC_PORT"
QUIET_WAIT="${BENCH_QUIET_WAIT:-600}"
QUIET_CPU="${BENCH_QUIET_CPU:-25}"

log() { echo "bench/run.sh: $*" >&2; }

# ------------------------------------------------------------------ tools
if ! command -v wrk >/dev/null; then
  log "installing wrk (Debian package)"
  SUDO=""
  [[ "$(id -u)" == 0 ]] || SUDO=sudo
  $SUDO apt-get install -y --no-install-recommends wrk >/dev/null ||
    { $SUDO apt-get update >/dev/null && $SUDO apt-get install -y --no-install-recommends wrk >/dev/null; }
fi
if [[ "$MODE" == profile ]] && ! command -v perf >/dev/null; then
  log "installing perf (Debian package linux-perf)"
  SUDO=""
  [[ "$(id -u)" == 0 ]] || SUDO=sudo
  $SUDO apt-get install -y --no-install-recommends linux-perf >/dev/null
fi
command -v node >/dev/null || { log "needs Node.js >= 20"; exit 1; }
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' ||
  { log "needs Node.js >= 20 (have $(node -v))"; exit 1; }

# ------------------------------------------------------------------ the reference
# Ory's reference app at the version of bench/reference/package-lock.json.
ref_version() { node -p 'require(process.argv[1]).version' "$REF_DIR/node_modules/hydra-login-consent-logout/package.json" 2>/dev/null || true; }
REF_PINNED="$(node -p 'require(process.argv[1]).packages["node_modules/hydra-login-consent-logout"].version' "$REF_DIR/package-lock.json")"
if [[ "$(ref_version)" != "$REF_PINNED" ]]; then
  log "installing the reference app (npm ci in bench/reference: hydra-login-consent-logout $REF_PINNED)"
  npm ci --prefix "$REF_DIR" --no-audit --no-fund --loglevel=error >/dev/null
fi

# ------------------------------------------------------------------ the app
need_build=0
[[ "${BENCH_BUILD:-0}" == 1 || ! -x target/release/hydra-logout-ui ]] && need_build=1
[[ ! -f target/site/pkg/hydra-logout-ui.wasm ]] && cargo leptos --version >/dev/null 2>&1 && need_build=1
if [[ "$need_build" == 1 ]]; then
  log "building the release (cargo leptos build --release)"
  cargo leptos build --release
fi
# Only the page-weight table needs the built site (CSS, JS, WASM).
BENCH_SITE=1
if [[ ! -f target/site/pkg/hydra-logout-ui.wasm ]]; then
  log "no target/site (cargo-leptos missing?): the page-weight table is skipped"
  BENCH_SITE=0
  mkdir -p target/site
fi
export BENCH_SITE

# ------------------------------------------------------------------ cleanup
STARTED_PIDS=() # the app and reference replicas this script started
HYDRA_STARTED=0
cleanup() {
  local rc=$?
  local pid
  for pid in "${STARTED_PIDS[@]}"; do
    kill -0 "$pid" 2>/dev/null || continue
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
    log "stopped pid $pid"
  done
  rm -f "$OUT/app.pid" "$OUT"/decisions-*.tsv
  [[ "$HYDRA_STARTED" == 1 ]] && { scripts/hydra.sh stop || true; }
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ quiet machine
cpu_busy_pct() { # machine-wide busy % over 3 s
  local a b
  read -r _ a1 a2 a3 a4 a5 a6 a7 a8 _ </proc/stat
  a=$((a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8)); local ai=$((a4 + a5))
  sleep 3
  read -r _ b1 b2 b3 b4 b5 b6 b7 b8 _ </proc/stat
  b=$((b1 + b2 + b3 + b4 + b5 + b6 + b7 + b8)); local bi=$((b4 + b5))
  echo $(((100 * ((b - a) - (bi - ai))) / ((b - a) > 0 ? (b - a) : 1)))
}
busy_procs() { # builds and browser tests that would compete for the 2 cores
  {
    pgrep -f '(^|/)(cargo|rustc|cargo-leptos|cargo-clippy|clippy-driver|rustdoc|wasm-opt|wasm-bindgen|tailwindcss|cc1|cc1plus|ld|go|compile|link)( |$)' || true
    pgrep -f 'playwright|chromium' || true
  } | tr '\n' ' '
}
QUIET_NOTE=""
waited=0
quiet_samples=0
if ((QUIET_WAIT > 0)); then
  while :; do
    procs="$(busy_procs)"
    busy="$(cpu_busy_pct)"
    if [[ -z "${procs// /}" && "$busy" -lt "$QUIET_CPU" ]]; then
      # Two quiet samples in a row (~6 s), not a gap between two test files.
      quiet_samples=$((quiet_samples + 1))
      if ((quiet_samples >= 2)); then
        QUIET_NOTE="quiet after waiting ${waited} s (machine ${busy}% busy over 3 s twice in a row, no build/browser processes)"
        break
      fi
      waited=$((waited + 3))
      continue
    fi
    quiet_samples=0
    if ((waited >= QUIET_WAIT)); then
      QUIET_NOTE="NOT quiet: gave up waiting after ${waited} s (machine ${busy}% busy; busy pids: ${procs:-none}); results are noisier"
      break
    fi
    log "waiting for a quiet machine (${busy}% busy; build/browser pids: ${procs:-none}; load $(cut -d' ' -f1-3 /proc/loadavg))"
    sleep 12
    waited=$((waited + 15))
  done
else
  QUIET_NOTE="not checked (BENCH_QUIET_WAIT=0)"
fi
log "$QUIET_NOTE"

# Private copies (taken once nothing builds), so that a concurrent rebuild cannot
# swap them mid-run.
cp -fp target/release/hydra-logout-ui "$OUT/bin/hydra-logout-ui.tmp"
mv -f "$OUT/bin/hydra-logout-ui.tmp" "$OUT/bin/hydra-logout-ui"
rm -rf "$OUT/site.tmp" && cp -r target/site "$OUT/site.tmp" && rm -rf "$OUT/site" && mv "$OUT/site.tmp" "$OUT/site"
BUILT="$(date -u -r "$OUT/bin/hydra-logout-ui" +%Y-%m-%dT%H:%MZ)"

# ------------------------------------------------------------------ start

T0=$SECONDS
# A fresh database every run (stop first in case an earlier run was interrupted).
scripts/hydra.sh stop >/dev/null 2>&1 || true
HYDRA_STARTED=1
URLS_LOGOUT="$APP_URL/logout" URLS_POST_LOGOUT_REDIRECT="$APP_URL/logged-out" URLS_ERROR="$APP_URL/error" \
  scripts/hydra.sh start
HYDRA_PID="$(cat "$ROOT/target/testenv/hydra-$HYDRA_INSTANCE.pid")"

for port in "${APP_ADDR##*:}" "${APP2_ADDR##*:}" "$REF_PORT" "$REF2_PORT" 3044 3045; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    log "127.0.0.1:$port is already in use"
    exit 1
  fi
done
# BENCH_APP_ENV: extra variables for the app replicas (experiments only).
read -r -a APP_EXTRA_ENV <<<"${BENCH_APP_ENV:-}"
start_app() { # addr metrics-addr log → pid in STARTED_PIDS
  env -i PATH="$PATH" HOME="${HOME:-/root}" METRICS_ADDR="$2" \
    HYDRA_ADMIN_URL="$ADMIN_URL" HYDRA_PUBLIC_URL="$PUBLIC_URL" \
    LOGOUT_UI_SECRET="bench-only-secret-0123456789abcdefghijkl" \
    LEPTOS_SITE_ADDR="$1" LEPTOS_SITE_ROOT="$OUT/site" RUST_LOG=warn "${APP_EXTRA_ENV[@]}" \
    "$OUT/bin/hydra-logout-ui" </dev/null >"$OUT/logs/$3" 2>&1 &
  STARTED_PIDS+=("$!")
}
# The reference with its documented environment (HYDRA_ADMIN_URL, PORT) and
# NODE_ENV=production, as Express apps are deployed (in development Express
# recompiles the pug template on every render). Its morgan access log ("dev"
# format, one line per request) goes to the log file.
start_ref() { # port log → pid in STARTED_PIDS
  env -i PATH="$PATH" HOME="${HOME:-/root}" NODE_ENV=production \
    HYDRA_ADMIN_URL="$ADMIN_URL" PORT="$1" \
    node --require "$REF_DIR/loopback.cjs" "$REF_APP" </dev/null >"$OUT/logs/$2" 2>&1 &
  STARTED_PIDS+=("$!")
}
start_app "$APP_ADDR" 127.0.0.1:3044 app.log
APP_PID="${STARTED_PIDS[-1]}"
echo "$APP_PID" >"$OUT/app.pid"
start_app "$APP2_ADDR" 127.0.0.1:3045 app2.log
APP2_PID="${STARTED_PIDS[-1]}"
start_ref "$REF_PORT" reference.log
REF_PID="${STARTED_PIDS[-1]}"
start_ref "$REF2_PORT" reference2.log
REF2_PID="${STARTED_PIDS[-1]}"
wait_up() { # url pid log
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { log "pid $2 exited; $OUT/logs/$3:"; tail -20 "$OUT/logs/$3" >&2; exit 1; }
    sleep 0.1
  done
  log "$1 did not answer within 10 s"
  exit 1
}
wait_up "$APP_URL/health/alive" "$APP_PID" app.log
wait_up "http://$APP2_ADDR/health/alive" "$APP2_PID" app2.log
# The reference has no health route; its / answers 200.
wait_up "http://127.0.0.1:$REF_PORT/" "$REF_PID" reference.log
wait_up "http://127.0.0.1:$REF2_PORT/" "$REF2_PID" reference2.log
curl -fsS -o /dev/null --max-time 2 "$APP_URL/health/ready" || { log "the app is not ready"; exit 1; }
log "ready: app pids $APP_PID, $APP2_PID on $APP_URL, http://$APP2_ADDR; reference pids $REF_PID, $REF2_PID on :$REF_PORT, :$REF2_PORT"

# ------------------------------------------------------------------ describe the machine
cpuinfo() { grep -m1 -E "^$1\s*:" /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'; }
model="$(cpuinfo 'model name'), family $(cpuinfo 'cpu family') model $(cpuinfo 'model'), $(cpuinfo 'cpu MHz' | cut -d. -f1) MHz"
grep -qw hypervisor /proc/cpuinfo && model="$model, virtual machine"
mem="$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
os="$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")"
hydra_version="$(grep -m1 -oE 'github.com/ory/hydra/v2 v[0-9.]+' testenv/hydra/go.mod | awk '{print $2}')"
git_rev="$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src Cargo.toml Cargo.lock 2>/dev/null || echo '+local changes')"
export BENCH_MACHINE="$(nproc) CPUs ($model), $mem RAM, Linux $(uname -r), $os"
export BENCH_VERSIONS="Ory Hydra $hydra_version ($(go version 2>/dev/null | awk '{print $3}'), SQLite), $(wrk -v 2>&1 | head -1 | awk '{print "wrk", $2}'), $(rustc -V 2>/dev/null | cut -d' ' -f1-2), Node $(node -v), app $git_rev built $BUILT"
export BENCH_QUIET_NOTE="$QUIET_NOTE"
export BENCH_APP_PID="$APP_PID" BENCH_HYDRA_PID="$HYDRA_PID"
export BENCH_APP2_PID="$APP2_PID" BENCH_REF_PID="$REF_PID" BENCH_REF2_PID="$REF2_PID"
export BENCH_APP_URL="$APP_URL" BENCH_HYDRA_ADMIN_URL="$ADMIN_URL" BENCH_HYDRA_PUBLIC_URL="$PUBLIC_URL"
export BENCH_METRICS_URL="http://127.0.0.1:3044" BENCH_APP2_URL="http://$APP2_ADDR" BENCH_REF_URL="http://127.0.0.1:$REF_PORT" BENCH_REF2_URL="http://127.0.0.1:$REF2_PORT"
export BENCH_REF_VERSION="$(ref_version)" BENCH_APP_ENV="RUST_LOG=warn${BENCH_APP_ENV:+ $BENCH_APP_ENV}"

# ------------------------------------------------------------------ run
if [[ "$MODE" == profile ]]; then
  node bench/profile.mjs
else
  node bench/bench.mjs
fi
log "done in $((SECONDS - T0)) s (after ${waited} s of waiting for a quiet machine)"
