#!/usr/bin/env bash
# The product's main job, locally: a real Ory Hydra, this logout UI (release
# build) and a sample relying party, all on 127.0.0.1. Prints the URL to open;
# Ctrl-C stops everything.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
# shellcheck source=scripts/lib/service.sh
. "$ROOT/scripts/lib/service.sh"
SVC_LABEL=demo

"$ROOT/scripts/setup.sh"
echo "demo: building the release (first time: a few minutes)"
cargo leptos build --release

APP_PID=""
cleanup() {
  [[ -z "$APP_PID" ]] || svc_terminate "$APP_PID"
  "$ROOT/scripts/support.sh" stop >/dev/null 2>&1 || true
  "$ROOT/scripts/hydra.sh" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$ROOT/scripts/hydra.sh" start
"$ROOT/scripts/support.sh" start

if curl -fsS -o /dev/null --max-time 2 http://127.0.0.1:3000/health/alive 2>/dev/null; then
  echo "demo: something already answers on 127.0.0.1:3000; stop it first" >&2
  exit 1
fi
export HYDRA_ADMIN_URL=http://127.0.0.1:4445
export HYDRA_PUBLIC_URL=http://127.0.0.1:4444
export HOME_URL=http://127.0.0.1:5555/
export LEPTOS_SITE_ADDR=127.0.0.1:3000
mkdir -p target/testenv
target/release/hydra-logout-ui >target/testenv/app.log 2>&1 &
APP_PID=$!
if ! svc_wait_http http://127.0.0.1:3000/health/alive 10 "$APP_PID"; then
  echo "demo: the app did not come up; see target/testenv/app.log" >&2
  tail -20 target/testenv/app.log >&2
  exit 1
fi

cat <<MSG

  Ory Hydra, hydra-logout-ui and a sample relying party are running.

  Open  http://127.0.0.1:5555/rp/demo/

  1. "Sign in" logs you in through Hydra (as alice; login and consent are auto-accepted).
     Sign in to http://127.0.0.1:5555/rp/shop-fc/ too: one Hydra session, two apps.
  2. "Sign out" in one app starts an RP-initiated logout: Hydra sends you to this
     app's prompt at http://127.0.0.1:3000/logout. Choose "Sign out everywhere"
     (both apps are signed out) or "Sign out of Sample App Demo only" (the other
     app stays signed in; open it to see).
  3. For a logout you start yourself, while signed in (sign in again after
     "everywhere"): http://127.0.0.1:4444/oauth2/sessions/logout ("Sign out" or "Cancel").

  Logs: target/testenv/{app,hydra,support}.log    Press Ctrl-C to stop.

MSG
wait "$APP_PID"
