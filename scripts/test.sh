#!/usr/bin/env bash
# Runs every check: formatting, clippy (server and browser builds), unit tests,
# integration tests against a real Ory Hydra, and the Playwright suite (JS and
# no-JS browsers) against the release build, and the OpenID logout conformance
# suite (docs/CONFORMANCE.md). Prints "N passed, N failed" last.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1
export PATH="$HOME/.cargo/bin:$PATH"

"$ROOT/scripts/setup.sh" || { echo "setup failed"; exit 1; }

LOGS="$ROOT/target/test-logs"
mkdir -p "$LOGS"
passed=0 failed=0 broken=()

EXPIRY_HYDRA=(env HYDRA_INSTANCE=expiry HYDRA_PUBLIC_PORT=4454 HYDRA_ADMIN_PORT=4455)
KRATOS_HYDRA=(env HYDRA_INSTANCE=kratos HYDRA_PUBLIC_PORT=4494 HYDRA_ADMIN_PORT=4495)
cleanup() {
  "$ROOT/scripts/support.sh" stop >/dev/null 2>&1 || true
  "$ROOT/scripts/hydra.sh" stop >/dev/null 2>&1 || true
  "${EXPIRY_HYDRA[@]}" "$ROOT/scripts/hydra.sh" stop >/dev/null 2>&1 || true
  # The conformance runner stops its own Hydras; these catch an interrupted run.
  HYDRA_INSTANCE=conformance HYDRA_PUBLIC_PORT=4500 HYDRA_ADMIN_PORT=4501 "$ROOT/scripts/hydra.sh" stop >/dev/null 2>&1 || true
  HYDRA_INSTANCE=conformance-ttl HYDRA_PUBLIC_PORT=4502 HYDRA_ADMIN_PORT=4503 "$ROOT/scripts/hydra.sh" stop >/dev/null 2>&1 || true
  "${KRATOS_HYDRA[@]}" "$ROOT/scripts/hydra.sh" stop >/dev/null 2>&1 || true
  "$ROOT/scripts/kratos.sh" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

# step NAME CMD...: runs CMD, logs to target/test-logs/NAME.log, records failure.
step() {
  local name="$1"; shift
  local start=$SECONDS
  echo "==> $name: $*"
  if "$@" 2>&1 | tee "$LOGS/$name.log"; then
    echo "<== $name ok ($((SECONDS - start)) s)"
  else
    echo "<== $name FAILED ($((SECONDS - start)) s), log: $LOGS/$name.log"
    broken+=("$name")
  fi
}

# collect NAME [LABEL]: adds the counts of the last "LABEL: N passed, N failed" line (LABEL
# defaults to NAME), which every runner
# prints itself (scripts/cargo-test.sh, the Playwright summary reporter, the conformance and ops
# runners, deploy-test.sh), from the step's log; a step that ran without one is broken.
collect() {
  local name="$1" label="${2:-$1}" line p f
  if line=$(grep -E "^$label: [0-9]+ passed, [0-9]+ failed" "$LOGS/$name.log" | tail -1); then
    read -r p f < <(sed -E 's/^[^:]+: ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/' <<<"$line")
    passed=$((passed + p)); failed=$((failed + f))
  elif [[ " ${broken[*]} " != *" $name "* ]]; then
    broken+=("$name-no-summary")
  fi
}

step fmt cargo fmt --all -- --check
step deny cargo deny check licenses bans sources
step deploy-lint "$ROOT/scripts/lint-deploy.sh"
step clippy-ssr cargo clippy --features ssr --all-targets -- -D warnings
step clippy-hydrate cargo clippy --lib --features hydrate --target wasm32-unknown-unknown -- -D warnings

step unit "$ROOT/scripts/cargo-test.sh" unit --features ssr --lib

export HYDRA_ADMIN_URL=http://127.0.0.1:4445 HYDRA_PUBLIC_URL=http://127.0.0.1:4444
step hydra "$ROOT/scripts/hydra.sh" start
step support "$ROOT/scripts/support.sh" start
# A second Hydra whose requests expire after 2 s, for the expiry tests.
export HYDRA_EXPIRY_ADMIN_URL=http://127.0.0.1:4455 HYDRA_EXPIRY_PUBLIC_URL=http://127.0.0.1:4454
step hydra-expiry "${EXPIRY_HYDRA[@]}" TTL_LOGIN_CONSENT_REQUEST=2s "$ROOT/scripts/hydra.sh" start
# Ory Kratos (identities with `email` and `name`), and a third Hydra that ends
# the Kratos session when a logout completes (urls.identity_provider.url).
export KRATOS_ADMIN_URL=http://127.0.0.1:4434 KRATOS_PUBLIC_URL=http://127.0.0.1:4433
step kratos "$ROOT/scripts/kratos.sh" start
export HYDRA_KRATOS_ADMIN_URL=http://127.0.0.1:4495 HYDRA_KRATOS_PUBLIC_URL=http://127.0.0.1:4494
step hydra-kratos "${KRATOS_HYDRA[@]}" URLS_IDENTITY_PROVIDER_URL="$KRATOS_ADMIN_URL" \
  "$ROOT/scripts/hydra.sh" start

# Serially: Hydra on SQLite deadlocks under parallel writes (see testenv/README.md).
step integration "$ROOT/scripts/cargo-test.sh" integration --features ssr --test integration -- --test-threads=1

# Builds the release (what ships), serves it on 127.0.0.1:3000, runs Playwright.
# KRATOS_ADMIN_URL (exported above) turns on the identity lookup there too.
export HOME_URL=http://127.0.0.1:5555/
export SKIP_LOGOUT_CONSENT_CLIENTS=rp-allowlisted-js,rp-allowlisted-nojs
# A canary API key, present while building and serving: it must appear in no
# built asset (check-bundle) — self-hosted Hydra ignores the bearer header.
export ORY_API_KEY=canary-e2e-api-key-0123456789
step e2e cargo leptos end-to-end --release
step bundle "$ROOT/scripts/check-bundle.sh"

# Deployment: the release behind a prefix-stripping proxy and behind a TLS-terminating proxy,
# in Chromium (JS and no-JS), each with its own Hydra (ports 3050–3059, 8443).
step deploy "$ROOT/scripts/deploy-test.sh"

# OpenID logout conformance (RP-Initiated, Front-Channel, Back-Channel Logout 1.0):
# its own two Hydras (4500-4503), the release build on 3080/3082, an openid-client
# relying party on 3081; writes docs/CONFORMANCE.md (end2end/conformance/run.mjs).
step conformance node "$ROOT/end2end/conformance/run.mjs"

# Operations: Hydra faults through a proxy, Hydra stopped and restarted, two
# replicas behind a balancer, graceful shutdown, and a load of complete flows
# (its own Hydra on PostgreSQL; the release binary built above).
step ops "$ROOT/scripts/ops-test.sh"

collect unit
collect integration
collect e2e playwright
collect deploy
collect conformance
collect ops

echo
if ((${#broken[@]})); then
  echo "failed steps: ${broken[*]}"
  ((failed == 0)) && failed=1
fi
echo "$passed passed, $failed failed"
((${#broken[@]} == 0 && failed == 0))
