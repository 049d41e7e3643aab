#!/usr/bin/env bash
# Builds the container image's runtime stage with Debian's podman, without any registry:
#
#   scripts/image-build.sh            → image localhost/hydra-logout-ui:test (exit 0), or exit 3
#                                       with the reason when podman cannot build or run here
#
# No registry is reachable from the build machines, so the Dockerfile's base images cannot be
# pulled. This script stands in for them with images assembled locally, in a private podman
# store under target/image/ (never the machine's own):
#   - gcr.io/distroless/cc-debian12:nonroot ← FROM scratch + the host's glibc/libgcc files that
#     the release binary links (what distroless/cc provides; Debian 12's glibc on both);
#   - the builder stage ← FROM scratch + /out/hydra-logout-ui and /out/site from the host's
#     `cargo leptos build --release` (the same commands the builder stage runs).
# The runtime stage itself is taken verbatim from the Dockerfile (FROM … AS runtime to the end)
# and built with --pull=never, so its WORKDIR, COPY (through .dockerignore), ENV, USER, EXPOSE
# and ENTRYPOINT are what is exercised. Not exercised: the builder stage's toolchain install
# (rust/node images, cargo-leptos, npm ci) — see deploy/README.md.
#
# Also:  scripts/image-build.sh run NAME PORT [ENV=VALUE…]   start a replica (host network,
#        read-only root filesystem, uid 10001);  scripts/image-build.sh stop NAME
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1
STATE="$ROOT/target/image"
IMAGE=localhost/hydra-logout-ui:test
mkdir -p "$STATE"
log() { echo "image-build: $*" >&2; }

command -v podman >/dev/null || { log "podman is not installed"; exit 3; }
RUNTIME=()
command -v runc >/dev/null && RUNTIME=(--runtime runc)
# vfs: no overlay/fuse inside this machine's container; cgroupfs + file events: no systemd.
PODMAN=(podman --root "$STATE/storage" --runroot "$STATE/run" --storage-driver vfs
  --cgroup-manager cgroupfs --events-backend file "${RUNTIME[@]}")

case "${1:-build}" in
  run)
    name="$2" port="$3"
    shift 3
    envs=()
    for kv in "$@"; do envs+=(-e "$kv"); done
    # The soft and hard limits this machine already has: crun/runc may not raise them here.
    exec "${PODMAN[@]}" run -d --rm --name "hlu-$name" --network host --read-only \
      --ulimit "nofile=$(ulimit -n):$(ulimit -Hn)" --ulimit nproc=4096:4096 \
      -e "LEPTOS_SITE_ADDR=127.0.0.1:$port" "${envs[@]}" "$IMAGE" >/dev/null
    ;;
  stop)
    "${PODMAN[@]}" stop -t 12 "hlu-$2" >/dev/null 2>&1
    "${PODMAN[@]}" rm -f "hlu-$2" >/dev/null 2>&1
    exit 0
    ;;
  logs)
    exec "${PODMAN[@]}" logs "hlu-$2"
    ;;
  build) ;;
  *) log "usage: $0 [build | run NAME PORT [ENV=VALUE…] | stop NAME | logs NAME]"; exit 2 ;;
esac

BIN="${IMAGE_APP_BIN:-$ROOT/target/release/hydra-logout-ui}"
SITE="${IMAGE_SITE_DIR:-$ROOT/target/site}"
[[ -x "$BIN" && -d "$SITE/pkg" ]] || { log "no release build (cargo leptos build --release)"; exit 1; }

# 1. The distroless/cc stand-in: exactly the shared objects the binary loads.
base="$STATE/base"
rm -rf "$base" && mkdir -p "$base/rootfs/tmp"
while read -r lib; do
  install -D -m 0755 "$(readlink -f "$lib")" "$base/rootfs$lib"
done < <(ldd "$BIN" | grep -o '/[^ ]*' | sort -u)
chmod 1777 "$base/rootfs/tmp"
printf 'FROM scratch\nCOPY rootfs/ /\n' >"$base/Containerfile"
"${PODMAN[@]}" build --pull=never -q -t gcr.io/distroless/cc-debian12:nonroot -f "$base/Containerfile" "$base" >"$STATE/base.log" 2>&1 || {
  log "cannot build even a FROM scratch image with podman here:"; tail -n 5 "$STATE/base.log" >&2; exit 3; }

# 2. The builder stage's output.
out="$STATE/builder"
rm -rf "$out" && mkdir -p "$out/out"
cp "$BIN" "$out/out/hydra-logout-ui" && cp -r "$SITE" "$out/out/site"
printf 'FROM scratch\nCOPY out/ /out/\n' >"$out/Containerfile"
"${PODMAN[@]}" build --pull=never -q -t localhost/builder:latest -f "$out/Containerfile" "$out" >"$STATE/builder.log" 2>&1 || {
  log "builder stand-in failed:"; tail -n 5 "$STATE/builder.log" >&2; exit 3; }

# 3. The Dockerfile's runtime stage, verbatim, in the real build context (.dockerignore applies).
sed -n '/^FROM .* AS runtime$/,$p' Dockerfile >"$STATE/Containerfile.runtime"
grep -q '^FROM gcr.io/distroless/cc-debian12:nonroot AS runtime$' "$STATE/Containerfile.runtime" || {
  log "the Dockerfile's runtime stage changed its base; update this script"; exit 1; }
"${PODMAN[@]}" build --pull=never -q -t "$IMAGE" -f "$STATE/Containerfile.runtime" "$ROOT" >"$STATE/runtime.log" 2>&1 || {
  log "the runtime stage did not build:"; tail -n 10 "$STATE/runtime.log" >&2; exit 1; }

# 4. Does a container run here at all (namespaces, cgroups, rlimits)?
if ! out="$("${PODMAN[@]}" run --rm --network host --read-only \
  --ulimit "nofile=$(ulimit -n):$(ulimit -Hn)" --ulimit nproc=4096:4096 \
  -e HYDRA_ADMIN_URL=http://127.0.0.1:1 -e HYDRA_PUBLIC_URL=http://127.0.0.1:1 \
  "$IMAGE" --check-config 2>&1)"; then
  log "the image built but no container runs here: $out"
  exit 3
fi
grep -q "configuration is valid" <<<"$out" || { log "unexpected --check-config output: $out"; exit 1; }
size="$("${PODMAN[@]}" image inspect --format '{{.Size}}' "$IMAGE" 2>/dev/null || echo '?')"
log "built $IMAGE from the Dockerfile's runtime stage ($size bytes)"
