#!/usr/bin/env bash
# End-to-end check of the test environment against a real Hydra, with curl only
# (the logout UI on :3000 is not needed: the script accepts the logout request
# through the admin API where the UI would).
#
#   testenv/smoke.sh
#
# Starts Hydra and the support server if they are not running, and stops only
# what it started.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SUPPORT=http://127.0.0.1:5555
PUBLIC=http://127.0.0.1:4444
ADMIN=http://127.0.0.1:4445
APP=http://127.0.0.1:3000

started=()
TMP="$(mktemp -d)"
cleanup() {
  local s
  for s in "${started[@]}"; do "$ROOT/scripts/$s.sh" stop || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

if ! "$ROOT/scripts/hydra.sh" status >/dev/null; then
  "$ROOT/scripts/hydra.sh" start
  started+=(hydra)
fi
if ! "$ROOT/scripts/support.sh" status >/dev/null; then
  "$ROOT/scripts/support.sh" start
  started+=(support)
fi

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok - $*"; }
# curl with the browser's cookie jar, no redirects followed
browser() { curl -sS --max-time 10 -c "$JAR" -b "$JAR" "$@"; }
location() { browser -o /dev/null -w '%{redirect_url}' "$1"; }

sign_in() {
  local rp="$1" url
  url="$(browser -L -o /dev/null -w '%{url_effective}' "$SUPPORT/rp/$rp/start")"
  [[ "$url" == "$SUPPORT/rp/$rp/" ]] || fail "sign-in to $rp ended at $url"
  local sid
  sid="$(browser "$SUPPORT/rp/$rp/events" | jq -r '.session.sid // empty')"
  [[ -n "$sid" ]] || fail "no session with sid at $rp after sign-in"
  ok "signed in to $rp (sid $sid)"
  echo "$sid" >"$TMP/sid"
}

wait_backchannel() {
  local rp="$1" sid="$2" i n
  for i in $(seq 1 50); do
    n="$(curl -sS "$SUPPORT/rp/$rp/events" | jq --arg sid "$sid" \
      '[.backchannel[] | select(.claims.sid == $sid and .verification.ok)] | length')"
    ((n > 0)) && { ok "verified back-channel logout token for sid $sid reached $rp"; return 0; }
    sleep 0.2
  done
  fail "no verified back-channel logout token for sid $sid at $rp within 10 s"
}

# Runs one RP-initiated logout from $1; $2 is an optional second RP with a
# front-channel logout URI that was signed in in the same browser.
scenario() {
  local rp="$1" fc="${2:-}"
  JAR="$TMP/jar-$rp"
  : >"$JAR"
  sign_in "$rp"
  local sid
  sid="$(cat "$TMP/sid")"
  if [[ -n "$fc" ]]; then
    sign_in "$fc"
    [[ "$(cat "$TMP/sid")" == "$sid" ]] || fail "second RP got a different sid"
    [[ "$(curl -sS "$SUPPORT/support/logins" | jq -r '.logins[-1].skip')" == true ]] ||
      fail "second sign-in was not skipped by Hydra"
    ok "second sign-in reused Hydra's session (skip=true)"
  fi

  local l1 l2 challenge
  l1="$(location "$SUPPORT/rp/$rp/logout")"
  [[ "$l1" == "$PUBLIC/oauth2/sessions/logout?id_token_hint="* ]] || fail "RP logout went to ${l1%%\?*}"
  l2="$(location "$l1")"
  [[ "$l2" =~ ^$APP/logout\?logout_challenge=([^&]+)$ ]] || fail "Hydra redirected to $l2, not the logout UI"
  challenge="${BASH_REMATCH[1]}"
  ok "Hydra sent the browser to $APP/logout?logout_challenge=…"

  local req
  req="$(curl -sS "$ADMIN/admin/oauth2/auth/requests/logout?logout_challenge=$challenge")"
  jq -e --arg sid "$sid" --arg cid "rp-$rp" \
    '.rp_initiated == true and .sid == $sid and .subject == "alice" and .client.client_id == $cid' \
    <<<"$req" >/dev/null || fail "unexpected logout request"
  ok "logout request: rp_initiated, sid, subject and client match"

  local redirect_to
  redirect_to="$(curl -sS -X PUT "$ADMIN/admin/oauth2/auth/requests/logout/accept?logout_challenge=$challenge" | jq -r .redirect_to)"
  [[ "$redirect_to" == "$PUBLIC/oauth2/sessions/logout?logout_verifier="* ]] || fail "accept answered redirect_to=$redirect_to"

  local final
  if [[ -z "$fc" ]]; then
    final="$(location "$redirect_to")"
  else
    # Hydra answers with its own page of iframes; load them as a browser would.
    local page src
    page="$(browser "$redirect_to")"
    src="$(grep -o '<iframe src="[^"]*"' <<<"$page" | head -n1 | sed 's/^<iframe src="//; s/"$//; s/&amp;/\&/g')"
    [[ "$src" == "$SUPPORT/rp/$fc/frontchannel?iss="* ]] || fail "no front-channel iframe for $fc"
    browser -o /dev/null "$src"
    curl -sS "$SUPPORT/rp/$fc/events" | jq -e --arg sid "$sid" --arg iss "$PUBLIC" \
      '[.frontchannel[] | select(.sid == $sid and .iss == $iss)] | length > 0' >/dev/null ||
      fail "front-channel logout not recorded"
    ok "front-channel logout iframe loaded for $fc"
    final="$(grep -o 'var redir = "[^"]*"' <<<"$page" | sed 's/^var redir = "//; s/"$//')"
  fi
  [[ "$final" =~ ^$SUPPORT/rp/$rp/logged-out\?state=([^&]+)$ ]] || fail "final redirect was $final"
  ok "final redirect to the RP's post_logout_redirect_uri with state"

  wait_backchannel "$rp" "$sid"
  [[ -z "$fc" ]] || wait_backchannel "$fc" "$sid"

  local html
  html="$(browser "$final")"
  grep -q '<h1>Signed out of Sample App ' <<<"$html" || fail "logged-out page without heading"
  grep -q '<span id="state-check" class="note">issued</span>' <<<"$html" || fail "state not the one issued"
  ok "logged-out page shows the issued state"

  local code
  code="$(curl -sS -o /dev/null -w '%{http_code}' "$ADMIN/admin/oauth2/auth/requests/logout?logout_challenge=$challenge")"
  [[ "$code" == 410 ]] || fail "get after completion answered $code, expected 410"
  ok "get logout request after completion answers 410"
}

run="$(date +%s)-$$"
scenario "smoke-$run"
scenario "smoke2-$run" "smoke2-$run-fc"
echo "PASS"
