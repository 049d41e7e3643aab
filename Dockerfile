# syntax=docker/dockerfile:1
#
# hydra-logout-ui container image.
#
#   docker build -t hydra-logout-ui .            (BuildKit; the default builder of current Docker)
#
# Stages:
#   node     Node.js for the npm build tools (Tailwind, wasm-opt from npm binaryen).
#   tools    Rust + wasm32 target + cargo-leptos + wasm-bindgen-cli. Depends on no project
#            file, so the ~13 min cargo-leptos compile is cached until a version below changes.
#   builder  `npm ci` + `cargo leptos build --release`.
#   runtime  distroless: the binary, the built site and Leptos.toml; nothing else.
#
# Versions (keep in step with README "Toolchain" and scripts/setup.sh; scripts/lint-deploy.sh
# checks the wasm-bindgen and cargo-leptos pins against Cargo.lock and scripts/setup.sh):
ARG RUST_VERSION=1.95
ARG NODE_VERSION=20
ARG CARGO_LEPTOS_VERSION=0.3.11
# Must equal the wasm-bindgen crate in Cargo.lock (the builder stage fails early otherwise).
ARG WASM_BINDGEN_VERSION=0.2.130

FROM node:${NODE_VERSION}-bookworm-slim AS node

FROM rust:${RUST_VERSION}-bookworm AS tools
ARG CARGO_LEPTOS_VERSION
ARG WASM_BINDGEN_VERSION
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN rustup target add wasm32-unknown-unknown
# --ignore-rust-version: cargo-leptos' lock pins a crate that asks for a newer rustc than it needs.
# no_downloads: cargo-leptos must not fetch tools itself; it finds them on PATH / node_modules/.bin.
RUN --mount=type=cache,id=hydra-logout-ui-cargo-registry,target=/usr/local/cargo/registry,sharing=locked \
    cargo install cargo-leptos --version "${CARGO_LEPTOS_VERSION}" \
      --locked --ignore-rust-version --features no_downloads
# Without --locked on purpose: wasm-bindgen-cli's lock pins a webpki-roots release the index lacks.
# A separate layer on purpose: a wasm-bindgen bump must not recompile cargo-leptos (~13 min).
# hadolint ignore=DL3059
RUN --mount=type=cache,id=hydra-logout-ui-cargo-registry,target=/usr/local/cargo/registry,sharing=locked \
    cargo install wasm-bindgen-cli --version "${WASM_BINDGEN_VERSION}"
# Node from the official image (Debian bookworm only packages Node 18). Node runs Tailwind's CLI
# and npm binaryen's wasm-opt during the build. Never Debian's binaryen: it breaks the bundle.
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
    && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
    && node --version && npm --version

FROM tools AS builder
ARG WASM_BINDGEN_VERSION
WORKDIR /src
# npm build tools first: this layer is reused until package(-lock).json change.
COPY package.json package-lock.json ./
RUN --mount=type=cache,id=hydra-logout-ui-npm,target=/root/.npm,sharing=locked \
    npm ci --no-audit --no-fund
COPY Cargo.toml Cargo.lock Leptos.toml build.rs ./
RUN locked="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)" \
    && if [ "${locked}" != "${WASM_BINDGEN_VERSION}" ]; then \
         echo "Cargo.lock has wasm-bindgen ${locked}; build with --build-arg WASM_BINDGEN_VERSION=${locked}" >&2; \
         exit 1; \
       fi
# tests/ only because Cargo.toml declares the integration test target; nothing in it is built.
# locales/: the Fluent catalogues are compiled into the binary (fluent_templates::static_loader!).
# scripts/lint-deploy.sh fails when a compile-time input of the crate is missing here.
COPY src src
COPY locales locales
COPY tests tests
COPY style style
COPY public public
# target/ is a cache mount (fast rebuilds), so the outputs are copied out of it in the same step;
# target/site is emptied first so no stale asset from an earlier build reaches the image.
# `cargo fetch --locked` first: fails if Cargo.lock is out of date instead of silently updating it.
RUN --mount=type=cache,id=hydra-logout-ui-cargo-registry,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,id=hydra-logout-ui-target,target=/src/target,sharing=locked \
    cargo fetch --locked \
    && rm -rf target/site \
    && cargo leptos build --release \
    && mkdir -p /out \
    && cp target/release/hydra-logout-ui /out/hydra-logout-ui \
    && cp -r target/site /out/site

# Runtime: gcr.io/distroless/cc-debian12 = glibc + libgcc (all the binary links: ldd shows libc,
# libm, libgcc_s) with no shell, no package manager and no curl. ~25 MB base instead of ~75 MB for
# debian:bookworm-slim (+ curl). TLS to Hydra/Ory Network uses rustls with the webpki-roots crate
# (reqwest feature rustls-tls), so no system CA bundle is read; the base's CA bundle is unused.
#
# No HEALTHCHECK: there is nothing in the image to run one with (no curl/wget, and the binary has
# no probe mode). Kubernetes ignores Docker HEALTHCHECK anyway and uses the httpGet probes on
# /health/alive and /health/ready in deploy/kubernetes/deployment.yaml; with plain Docker or
# Compose, probe http://<container>:8080/health/alive from outside.
#
# The `nonroot` tag is pinned to a tag, not a digest: pin `@sha256:…` for reproducible releases.
FROM gcr.io/distroless/cc-debian12:nonroot AS runtime
WORKDIR /app
# Owned by root and not writable by the app user: the process needs no writable path at all
# (readOnlyRootFilesystem in Kubernetes).
COPY --from=builder /out/hydra-logout-ui /app/hydra-logout-ui
COPY --from=builder /out/site /app/site
COPY Leptos.toml /app/Leptos.toml
ENV LEPTOS_CONFIG=/app/Leptos.toml \
    LEPTOS_SITE_ADDR=0.0.0.0:8080 \
    LEPTOS_SITE_ROOT=/app/site \
    LOG_FORMAT=json \
    RUST_LOG=info
# A fixed numeric uid/gid (no passwd entry needed) so Kubernetes' runAsNonRoot can verify it.
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["/app/hydra-logout-ui"]
