#!/usr/bin/env bash
# Runs every gate and the whole test suite, and ends with the line "N passed, N failed".
# Usage: npm test   (after npm ci)
set -uo pipefail
cd "$(dirname "$0")/.."
export RUST_BACKTRACE=0 NO_COLOR=1
PATH="$PWD/node_modules/.bin:$PATH"

passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# A gate is one check that passes or fails as a whole.
gate() {
  local name=$1
  shift
  printf '%-28s' "$name"
  if "$@" >"$log" 2>&1; then
    echo "ok"
    passed=$((passed + 1))
  else
    echo "FAILED"
    sed 's/^/    /' "$log" | tail -n 60
    failed=$((failed + 1))
  fi
}

# A suite runs many tests; its own summary line gives the counts.
deno_suite() {
  local name=$1
  shift
  echo "== $name"
  "$@" 2>&1 | tee "$log" | grep -E '^(ok|FAILED) \||=>|error:|^\S.* \.\.\. FAILED' || true
  local line p f
  line=$(grep -E '^(ok|FAILED) \| [0-9]+ passed' "$log" | tail -n 1)
  if [ -z "$line" ]; then
    echo "   no summary line: counting the suite as one failure"
    tail -n 40 "$log"
    failed=$((failed + 1))
    return
  fi
  p=$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line")
  f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$f" != 0 ]; then sed -n '/^ERRORS/,$p' "$log" | head -n 200; fi
}

gate "deno fmt --check" deno fmt --check
gate "deno lint" deno lint
gate "deno check (with docs)" deno task check
gate "deno doc --lint" deno task doc:lint
gate "deno publish --dry-run" deno publish --dry-run --allow-dirty
deno_suite "Deno tests (with doc examples)" deno task test

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
