#!/usr/bin/env bash
# Checks the built site (target/site, from `cargo leptos build --release`):
#  - no server-only code in the browser bundle: names of server-only crates and
#    configuration keys must not occur in the WASM or JS (panic locations and type
#    names would carry them if any were compiled in);
#  - no secret in any built asset: the API key canary exported while building.
# Prints what it checked; exits non-zero on any finding.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SITE="$ROOT/target/site"
PKG="$SITE/pkg"
shopt -s nullglob
wasm=("$PKG"/*.wasm)
js=("$PKG"/*.js)
if ((${#wasm[@]} == 0 || ${#js[@]} == 0)); then
  echo "check-bundle: no built bundle in $PKG (run cargo leptos build --release first)" >&2
  exit 1
fi

fail=0
for needle in reqwest tokio hyper secrecy chacha20poly1305 tower_http axum HYDRA_ADMIN_URL ORY_API_KEY LOGOUT_UI_SECRET logout_challenge= KRATOS_ADMIN_URL admin/identities; do
  for f in "${wasm[@]}" "${js[@]}"; do
    if grep -a -q -- "$needle" "$f"; then
      echo "check-bundle: '$needle' found in $(basename "$f"): server-only code reached the browser bundle" >&2
      fail=1
    fi
  done
done
if [[ -n "${ORY_API_KEY:-}" ]] && grep -r -a -l -F -- "$ORY_API_KEY" "$SITE" >/dev/null; then
  echo "check-bundle: the API key canary occurs in a built asset" >&2
  fail=1
fi
for f in "${wasm[@]}" "${js[@]}" "$PKG"/*.css; do
  printf 'check-bundle: %-28s %8d bytes, gzip %7d\n' "$(basename "$f")" "$(wc -c <"$f")" "$(gzip -9c "$f" | wc -c)"
done
if ((fail)); then exit 1; fi
echo "check-bundle: ok (no server-only code or secrets in the browser bundle)"
