#!/usr/bin/env bash
# cargo test with a summary of its own: runs `cargo test ARGS...` and prints, last,
# "LABEL: N passed, N failed" (the sum over every test binary's "test result:" line).
# Exits with cargo's status.
#
#   scripts/cargo-test.sh unit --features ssr --lib
#   scripts/cargo-test.sh integration --features ssr --test integration -- --test-threads=1
set -uo pipefail
label="${1:?usage: $0 LABEL [cargo test arguments]}"
shift
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
cargo test "$@" 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
p=$(grep -Eo 'test result: [A-Za-z]+\. [0-9]+ passed' "$out" | awk '{s+=$4} END{print s+0}')
f=$(grep -Eo '; [0-9]+ failed' "$out" | awk '{s+=$2} END{print s+0}')
((rc != 0 && f == 0)) && f=1
echo "$label: $p passed, $f failed"
exit "$rc"
