#!/usr/bin/env bash
# Deployment tests: the release build as operators run it, in a real browser (Playwright, JS and
# no-JS projects), against real Ory Hydra — see end2end/deploy.config.ts and end2end/deploy/.
#
#   prefix  behind a reverse proxy that mounts the app under /auth/ and strips the prefix
#           (http://127.0.0.1:3052/auth/… → two replicas: GETs to :3050, POSTs to :3059, so the
#           prompt and the decision are served by different replicas); Hydra's urls.logout =
#           …:3052/auth/logout. The replicas run from the container image when
#           scripts/image-build.sh can build and run it here (podman, no registry), else from the
#           release binary; the summary says which.
#   tls     behind a TLS-terminating proxy (https://127.0.0.1:8443 → app :3051 on plain http),
#           with a self-signed certificate made here by openssl that the test browser trusts
#           through --ignore-certificate-errors-spki-list (its public-key hash), so the page is a
#           secure context and the __Host- cookie path runs as in production
#
# Starts (and stops again, also on failure), on 127.0.0.1 only, ports 3050–3059 and 8443:
#   Hydra "deploy-prefix" :3053/:3054 + support server :3055; Hydra "deploy-tls" :3056/:3057 +
#   support server :3058; app instances :3050 + :3059 (prefix) and :3051 (tls); proxies :3052
#   and :8443.
# Uses target/release/hydra-logout-ui and target/site (built when missing, or with DEPLOY_BUILD=1;
# DEPLOY_APP_BIN uses another binary, DEPLOY_IMAGE=0 skips the image, DEPLOY_PLAYWRIGHT_ARGS adds
# Playwright arguments).
# Last line: "deploy: N passed, N failed".
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1
export PATH="$HOME/.cargo/bin:$PATH"

STATE="$ROOT/target/deploy-test"
LOGS="$STATE/logs"
mkdir -p "$LOGS" "$STATE/pids"
# shellcheck source=scripts/lib/service.sh
. "$ROOT/scripts/lib/service.sh"
SVC_LABEL=deploy-test
log() { svc_log "$@"; }

PIDS=()
CONTAINERS=()
SUMMARY=""
HYDRAS=("deploy-prefix 3053 3054" "deploy-tls 3056 3057")
SUPPORTS=("deploy-prefix 3055" "deploy-tls 3058")
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local pid c
  for c in "${CONTAINERS[@]}"; do "$ROOT/scripts/image-build.sh" stop "$c" || true; done
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do svc_terminate "$pid" 5; done
  local h name pub adm
  for h in "${SUPPORTS[@]}"; do
    read -r name pub <<<"$h"
    SUPPORT_INSTANCE="$name" SUPPORT_PORT="$pub" "$ROOT/scripts/support.sh" stop >/dev/null 2>&1 || true
  done
  for h in "${HYDRAS[@]}"; do
    read -r name pub adm <<<"$h"
    HYDRA_INSTANCE="$name" HYDRA_PUBLIC_PORT="$pub" HYDRA_ADMIN_PORT="$adm" "$ROOT/scripts/hydra.sh" stop >/dev/null 2>&1 || true
  done
  [[ -n "$SUMMARY" ]] || { SUMMARY="deploy: 0 passed, 1 failed"; ((rc == 0)) && rc=1; }
  echo "$SUMMARY"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

APP="${DEPLOY_APP_BIN:-$ROOT/target/release/hydra-logout-ui}"
if [[ -z "${DEPLOY_APP_BIN:-}" && ( ! -x "$APP" || ! -d "$ROOT/target/site/pkg" || "${DEPLOY_BUILD:-0}" == 1 ) ]]; then
  log "building the release (cargo leptos build --release)"
  cargo leptos build --release >"$LOGS/build.log" 2>&1 || { log "build failed, see $LOGS/build.log"; exit 1; }
fi
# A copy, so that a concurrent rebuild cannot swap the binary under the running instances.
cp -f "$APP" "$STATE/hydra-logout-ui"

# A self-signed certificate for 127.0.0.1, fresh per run, and its SPKI hash for Chromium.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
  -keyout "$STATE/tls-key.pem" -out "$STATE/tls-cert.pem" >"$LOGS/openssl.log" 2>&1 || {
  log "openssl failed, see $LOGS/openssl.log"; exit 1; }
DEPLOY_TLS_SPKI="$(openssl x509 -in "$STATE/tls-cert.pem" -pubkey -noout \
  | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)"
export DEPLOY_TLS_SPKI

start_hydra() { # name public admin logout-base support-port
  HYDRA_INSTANCE="$1" HYDRA_PUBLIC_PORT="$2" HYDRA_ADMIN_PORT="$3" \
    HYDRA_SUPPORT_URL="http://127.0.0.1:$5" \
    URLS_LOGOUT="$4/logout" URLS_POST_LOGOUT_REDIRECT="$4/logged-out" URLS_ERROR="$4/error" \
    "$ROOT/scripts/hydra.sh" start || return 1
  SUPPORT_INSTANCE="$1" SUPPORT_PORT="$5" HYDRA_PUBLIC_URL="http://127.0.0.1:$2" \
    HYDRA_ADMIN_URL="http://127.0.0.1:$3" "$ROOT/scripts/support.sh" start || return 1
}

# Hydra's matching configuration: urls.logout is this app's public URL + /logout (README,
# "Deployment").
start_hydra deploy-prefix 3053 3054 http://127.0.0.1:3052/auth 3055 || exit 1
start_hydra deploy-tls 3056 3057 https://127.0.0.1:8443 3058 || exit 1

# The replicas of the prefix deployment come from the container image when possible.
IMAGE_NOTE="replicas from the release binary"
if [[ "${DEPLOY_IMAGE:-1}" == 1 ]]; then
  "$ROOT/scripts/image-build.sh" >"$LOGS/image-build.log" 2>&1
  case $? in
    0) USE_IMAGE=1; IMAGE_NOTE="replicas from the container image ($(tail -n 1 "$LOGS/image-build.log"))" ;;
    3) USE_IMAGE=0; IMAGE_NOTE="replicas from the release binary: $(tail -n 1 "$LOGS/image-build.log")" ;;
    *) log "the image did not build, see $LOGS/image-build.log"; tail -n 10 "$LOGS/image-build.log" >&2; exit 1 ;;
  esac
else
  USE_IMAGE=0
fi
log "$IMAGE_NOTE"

start_app() { # how(bin|image) name port hydra-public hydra-admin extra-env...
  local how="$1" name="$2" port="$3" pub="$4" adm="$5"
  shift 5
  local common=(LEPTOS_SITE_ADDR="127.0.0.1:$port"
    HYDRA_ADMIN_URL="http://127.0.0.1:$adm" HYDRA_PUBLIC_URL="http://127.0.0.1:$pub"
    LOGOUT_UI_SECRET=deploy-test-only-secret-0123456789abcdef
    BRAND_PRIMARY_COLOR="#1e3a8a" RUST_LOG=info "$@")
  if [[ "$how" == image ]]; then
    "$ROOT/scripts/image-build.sh" run "$name" "$port" LOG_FORMAT=pretty "${common[@]}" || return 1
    CONTAINERS+=("$name")
  else
    env -i PATH="$PATH" HOME="$HOME" LEPTOS_SITE_ROOT="$ROOT/target/site" "${common[@]}" \
      "$STATE/hydra-logout-ui" >"$LOGS/app-$name.log" 2>&1 &
    PIDS+=($!)
    echo $! >"$STATE/pids/app-$name.pid"
  fi
  svc_wait_http "http://127.0.0.1:$port/health/alive" 10 && return 0
  log "app $name did not come up, see $LOGS/app-$name.log"
  tail -n 20 "$LOGS/app-$name.log" >&2
  return 1
}
start_proxy() { # name args...
  local name="$1"
  shift
  node "$ROOT/testenv/deploy/proxy.mjs" "$@" >"$LOGS/proxy-$name.log" 2>&1 &
  PIDS+=($!)
}

# The prefix deployment: PUBLIC_URL names the prefix; nothing is derived from X-Forwarded-*.
how=bin
((USE_IMAGE)) && how=image
start_app "$how" prefix-a 3050 3053 3054 PUBLIC_URL=http://127.0.0.1:3052/auth/ METRICS_ADDR=off || exit 1
start_app "$how" prefix-b 3059 3053 3054 PUBLIC_URL=http://127.0.0.1:3052/auth/ METRICS_ADDR=off || exit 1
# The TLS deployment: PUBLIC_URL is https, the app itself plain http; HSTS from configuration.
start_app bin tls 3051 3056 3057 PUBLIC_URL=https://127.0.0.1:8443/ HSTS_MAX_AGE=600 METRICS_ADDR=off || exit 1
start_proxy prefix prefix 3052 /auth 3050,3059
start_proxy tls tls 8443 3051 "$STATE/tls-cert.pem" "$STATE/tls-key.pem"
for url in http://127.0.0.1:3052/auth/health/alive https://127.0.0.1:8443/health/alive; do
  svc_wait_http "$url" 5 || { log "proxy for $url did not come up"; exit 1; }
done

# Checks outside the browser: the loop warning, and no /metrics on the public port.
pre_passed=0 pre_failed=0
pre() { # name command...
  local name="$1"; shift
  if "$@"; then echo "  ok   $name"; pre_passed=$((pre_passed + 1)); else echo "  FAIL $name"; pre_failed=$((pre_failed + 1)); fi
}
loop_warned() {
  env -i PATH="$PATH" LEPTOS_SITE_ROOT="$ROOT/target/site" HYDRA_ADMIN_URL=http://127.0.0.1:3054 \
    HYDRA_PUBLIC_URL=http://127.0.0.1:3053 PUBLIC_URL=http://127.0.0.1:3052/auth/ \
    HOME_URL=http://127.0.0.1:3052/auth/logout SUPPORT_URL=http://127.0.0.1:3053/oauth2/sessions/logout \
    "$STATE/hydra-logout-ui" --check-config >"$LOGS/check-config.log" 2>&1 &&
    grep -q 'HOME_URL (http://127.0.0.1:3052/auth/logout) leads back into the logout flow' "$LOGS/check-config.log" &&
    grep -q 'SUPPORT_URL (http://127.0.0.1:3053/oauth2/sessions/logout) leads back into the logout flow' "$LOGS/check-config.log" &&
    ! grep -q 'leads back' "$LOGS/app-tls.log"
}
metrics_private() {
  [[ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:3051/metrics)" == 404 ]] &&
    [[ "$(curl -sk -o /dev/null -w '%{http_code}' https://127.0.0.1:8443/metrics)" == 404 ]] &&
    [[ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:3052/auth/metrics)" == 404 ]]
}
pre "start-up warns about HOME_URL pointing into the logout flow" loop_warned
pre "/metrics: 404 on the public port" metrics_private

cd "$ROOT/end2end" || exit 1
# shellcheck disable=SC2086 # DEPLOY_PLAYWRIGHT_ARGS: extra words on purpose (e.g. --project nojs)
npx playwright test -c deploy.config.ts ${DEPLOY_PLAYWRIGHT_ARGS:-} 2>&1 | tee "$LOGS/playwright.log"
rc=${PIPESTATUS[0]}
cd "$ROOT" || exit 1
line="$(grep -E '^playwright: [0-9]+ passed, [0-9]+ failed' "$LOGS/playwright.log" | tail -1)"
p=$(sed -E 's/^playwright: ([0-9]+) passed.*/\1/' <<<"$line")
f=$(sed -E 's/^playwright: [0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$line")
[[ -n "$line" ]] || { p=0; f=1; }
((rc != 0 && f == 0)) && f=1
for c in "${CONTAINERS[@]}"; do "$ROOT/scripts/image-build.sh" logs "$c" >"$LOGS/app-$c.log" 2>&1 || true; done
log "$IMAGE_NOTE"
SUMMARY="deploy: $((p + pre_passed)) passed, $((f + pre_failed)) failed"
((f + pre_failed == 0))
