# shellcheck shell=bash
# Process control for the test services, written once (sourced, not run).
#
# A service is one background process with a pid file and a log file that answers a readiness
# check. The caller sets these variables, defines `svc_is_ready` (exit 0 when the service
# answers), then uses the functions below:
#   SVC_LABEL          prefix of log lines, e.g. "hydra.sh[expiry]"
#   SVC_PID_FILE       the process id of a running instance
#   SVC_LOG_FILE       where its output goes
#   SVC_OWNS           how to tell our process from another that reused the pid:
#                      "exe:/path/to/binary" or "cmdline:text in its command line"
#   SVC_READY_TIMEOUT  seconds to wait for readiness (default 60)
#   SVC_STOP_TIMEOUT   seconds between TERM and KILL (default 10)
#
#   svc_already_running  exit 0 when our instance runs and is ready, 1 when none runs, 2 when
#                      it runs but is not ready in time
#   svc_ports_free     exit 0 when every port in SVC_PORTS (space-separated) is free
#   svc_start CMD...   refuse busy ports, start CMD in its own session (it outlives the calling
#                      shell's process group), wait until ready; a process that exits or is not
#                      ready in time fails with its last log lines
#   svc_stop           TERM, bounded wait, then KILL; removes the pid file
#   svc_status [WHERE] prints "running (pid N) WHERE" or "not running"; exit 0 when running and ready
#   svc_terminate PID [SECONDS]   TERM, wait up to SECONDS (default 10), then KILL: for processes
#                      a script started itself (`cmd &`)
#   svc_wait_http URL [SECONDS] [PID]   until URL answers 2xx, or PID exits, or time runs out
#   svc_go_build SRC_DIR BIN WHAT      `go build` BIN from SRC_DIR when missing or stale (one
#                      build at a time)
#   svc_answers URL... exit 0 when every URL answers 2xx (a readiness check)
#   svc_port_in_use PORT

svc_log() { echo "${SVC_LABEL:-service}: $*" >&2; }

svc_port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Prints the pid if the pid file names a live process of ours.
svc_running_pid() {
  [[ -f "$SVC_PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$SVC_PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  case "$SVC_OWNS" in
    exe:*)
      local exe
      exe="$(readlink "/proc/$pid/exe" 2>/dev/null || true)"
      [[ "$exe" == "${SVC_OWNS#exe:}" || "$exe" == "${SVC_OWNS#exe:} (deleted)" ]] || return 1
      ;;
    cmdline:*)
      tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "${SVC_OWNS#cmdline:}" || return 1
      ;;
    *) return 1 ;;
  esac
  echo "$pid"
}

svc_wait_ready() {
  local pid="$1" deadline=$((SECONDS + ${SVC_READY_TIMEOUT:-60}))
  while ((SECONDS < deadline)); do
    svc_is_ready && return 0
    if ! kill -0 "$pid" 2>/dev/null; then
      svc_log "exited during startup; last log lines ($SVC_LOG_FILE):"
      tail -n 40 "$SVC_LOG_FILE" >&2 || true
      rm -f "$SVC_PID_FILE"
      return 1
    fi
    sleep 0.2
  done
  svc_log "not ready after ${SVC_READY_TIMEOUT:-60}s; last log lines ($SVC_LOG_FILE):"
  tail -n 40 "$SVC_LOG_FILE" >&2 || true
  return 1
}

# Exit 0 when our instance runs and is ready (after waiting for it).
svc_already_running() {
  local pid
  pid="$(svc_running_pid)" || return 1
  svc_wait_ready "$pid" || return 2
  svc_log "already running (pid $pid)"
}

# Exit 0 when every port in SVC_PORTS (space-separated) is free.
svc_ports_free() {
  local p
  for p in ${SVC_PORTS:-}; do
    if svc_port_in_use "$p"; then
      svc_log "port $p on 127.0.0.1 is already in use by another process (not $SVC_PID_FILE)"
      return 1
    fi
  done
}

# svc_start CMD...
svc_start() {
  local pid
  rm -f "$SVC_PID_FILE"
  svc_ports_free || return 1
  mkdir -p "$(dirname "$SVC_PID_FILE")" "$(dirname "$SVC_LOG_FILE")"
  # The wrapper shell writes its own pid and then execs CMD, so the pid is CMD's.
  # shellcheck disable=SC2016 # $$ and $1 belong to the wrapper shell
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$SVC_PID_FILE" "$@" \
    </dev/null >>"$SVC_LOG_FILE" 2>&1 &
  for _ in $(seq 1 40); do
    [[ -s "$SVC_PID_FILE" ]] && break
    sleep 0.05
  done
  pid="$(cat "$SVC_PID_FILE" 2>/dev/null || true)"
  if [[ ! "$pid" =~ ^[0-9]+$ ]]; then
    svc_log "could not determine the pid"
    return 1
  fi
  svc_wait_ready "$pid"
}

# svc_terminate PID [SECONDS]: TERM, wait, KILL. Quiet when PID is already gone.
svc_terminate() {
  local pid="$1" deadline=$((SECONDS + ${2:-10}))
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    svc_log "pid $pid still running after ${2:-10}s, sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
  fi
}

svc_stop() {
  local pid
  if ! pid="$(svc_running_pid)"; then
    rm -f "$SVC_PID_FILE"
    svc_log "not running"
    return 0
  fi
  svc_terminate "$pid" "${SVC_STOP_TIMEOUT:-10}"
  rm -f "$SVC_PID_FILE"
  svc_log "stopped (pid $pid)"
}

# svc_status [WHERE]: WHERE ends the "running" line (e.g. "on http://…").
svc_status() {
  local pid
  if pid="$(svc_running_pid)" && svc_is_ready; then
    echo "running (pid $pid)${1:+ $1}"
    return 0
  fi
  echo "not running"
  return 1
}

# svc_answers URL...: exit 0 when every URL answers 2xx within 2 s.
svc_answers() {
  local url
  for url; do
    curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null || return 1
  done
}

# svc_wait_http URL [SECONDS] [PID]: curl -k, so that TLS proxies with test certificates count.
svc_wait_http() {
  local url="$1" deadline=$((SECONDS + ${2:-10})) pid="${3:-}"
  while ((SECONDS < deadline)); do
    curl -fsS -k -o /dev/null --max-time 1 "$url" 2>/dev/null && return 0
    [[ -z "$pid" ]] || kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# svc_go_build SRC_DIR BIN WHAT: builds when BIN is missing or older than go.mod, go.sum, main.go.
svc_go_build() {
  local src="$1" bin="$2" what="$3" stale=0 f
  mkdir -p "$(dirname "$bin")"
  # Serialize concurrent builds (e.g. two instances started in parallel).
  exec 9>"$(dirname "$bin")/.build.lock"
  flock 9
  [[ -x "$bin" ]] || stale=1
  for f in go.mod go.sum main.go; do
    [[ "$src/$f" -nt "$bin" ]] && stale=1
  done
  if ((stale == 0)); then
    exec 9>&-
    return 0
  fi
  svc_log "building $bin ($what; takes several minutes on a cold cache)"
  local tmp="$bin.tmp.$$" start=$SECONDS
  if ! (cd "$src" && CGO_ENABLED=1 go build -tags sqlite,sqlite_omit_load_extension -o "$tmp" .); then
    rm -f "$tmp"
    exec 9>&-
    svc_log "build failed"
    return 1
  fi
  mv -f "$tmp" "$bin"
  exec 9>&-
  svc_log "built in $((SECONDS - start)) s"
}
