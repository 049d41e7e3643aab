#!/usr/bin/env bash
# Installs what building and testing need, skipping whatever is already there.
# Safe to run repeatedly; the first run on a fresh machine takes ~15 minutes
# (cargo-leptos compiles from source). Versions: see README "Toolchain".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"

CARGO_LEPTOS_VERSION=0.3.11
log() { echo "setup: $*" >&2; }

# Debian's Chromium for Playwright (browser downloads do not work here).
if [[ ! -x /usr/lib/chromium/chromium && ! -x /usr/bin/chromium ]]; then
  log "installing chromium (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
# A Japanese font, so Chromium can render (and screenshot) the Japanese pages.
if ! dpkg -s fonts-ipafont-gothic >/dev/null 2>&1; then
  log "installing fonts-ipafont-gothic (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq fonts-ipafont-gothic >/dev/null
fi
# podman (+ runc: crun refuses this machine's hybrid cgroups) for the container-image replicas of
# scripts/deploy-test.sh; optional: without it those replicas run from the binary.
if ! command -v podman >/dev/null || ! command -v runc >/dev/null; then
  log "installing podman and runc (apt)"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq podman runc >/dev/null; } || log "podman not installed; the image will not be exercised"
fi
command -v curl >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get update -qq; apt-get install -y -qq curl >/dev/null; }

# Rust: the browser target and the linters.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
rustup component list --installed | grep -q '^clippy' || rustup component add clippy
rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt

# cargo-leptos, without its self-downloading of tools (no internet here).
if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  log "installing cargo-leptos $CARGO_LEPTOS_VERSION (compiles from source, ~13 min on 2 cores)"
  # --ignore-rust-version: its lock pins a crate that asks for a newer rustc than needed.
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --ignore-rust-version \
    --features no_downloads
fi

# cargo-deny for the dependency policy (deny.toml).
CARGO_DENY_VERSION=0.20.2
if ! cargo deny --version 2>/dev/null | grep -q "$CARGO_DENY_VERSION"; then
  log "installing cargo-deny $CARGO_DENY_VERSION (~5 min)"
  cargo install cargo-deny --version "$CARGO_DENY_VERSION" --locked
fi

# wasm-bindgen-cli must equal the wasm-bindgen crate in Cargo.lock exactly.
WBG_VERSION="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)"
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WBG_VERSION\$"; then
  log "installing wasm-bindgen-cli $WBG_VERSION"
  # Not --locked: its lock pins a webpki-roots version the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$WBG_VERSION" --force
fi

# npm: Tailwind + binaryen (wasm-opt) at the root, Playwright + axe in end2end/.
for dir in . end2end; do
  if [[ ! -d "$dir/node_modules" || "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]]; then
    log "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

# Ory Hydra, built from the Go module proxy.
"$ROOT/scripts/hydra.sh" build
# Ory Kratos, likewise (identity lookup and identity-session tests; ~4 min cold).
"$ROOT/scripts/kratos.sh" build
