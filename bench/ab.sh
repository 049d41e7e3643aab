#!/usr/bin/env bash
# A/B of app binaries on load-insensitive figures: CPU time per prompt from
# /proc/<pid>/stat over many sequential prompts, or (BENCH_AB_MODE=callgrind)
# user-space instructions per prompt under valgrind. For deciding what to keep
# while the machine is busy; the figures of record come from bench/run.sh.
#
#   BENCH_AB_BINS="base=target/ab/base new=target/release/hydra-logout-ui" ./bench/ab.sh
#
# Starts the bench Hydra (instance "bench", :4484/:4485, fresh SQLite), runs
# bench/ab.mjs (each binary in turn on 127.0.0.1:3040; settings in its header),
# stops Hydra. Output and the saved prompts are in target/ab/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export HYDRA_INSTANCE=bench HYDRA_PUBLIC_PORT=4484 HYDRA_ADMIN_PORT=4485
export BENCH_HYDRA_ADMIN_URL=http://127.0.0.1:4485 BENCH_HYDRA_PUBLIC_URL=http://127.0.0.1:4484
trap 'scripts/hydra.sh stop >/dev/null 2>&1 || true' EXIT
scripts/hydra.sh stop >/dev/null 2>&1 || true
URLS_LOGOUT=http://127.0.0.1:3040/logout URLS_POST_LOGOUT_REDIRECT=http://127.0.0.1:3040/logged-out \
  URLS_ERROR=http://127.0.0.1:3040/error scripts/hydra.sh start
node bench/ab.mjs
