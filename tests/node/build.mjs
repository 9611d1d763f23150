// Copyright 2026 the @aio/tasks authors. MIT license.
// Compiles the Deno.test suite for Node into dist-tests/ (tsconfig.tests.json), then puts the npm
// build's files (dist/*.js, from npm/build.mjs) in place of the library files tsc wrote there, so
// the tests run against exactly what is published. Usage: node tests/node/build.mjs
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const dist = join(root, "dist");
const out = join(root, "dist-tests");

if (!existsSync(join(dist, "package.json"))) {
  console.error(
    "Cannot build the tests for Node: dist/ is missing, run 'node npm/build.mjs' first",
  );
  process.exit(1);
}
// Built aside and moved into place at the end, so that a run reading dist-tests/ meanwhile
// (tests started from another shell) never sees it half written.
const aside = join(root, "node_modules", ".cache", "aio-tasks", `dist-tests-${process.pid}`);
rmSync(aside, { recursive: true, force: true });
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const config = join(root, "tsconfig.tests.json");
const { status } = spawnSync(process.execPath, [tsc, "-p", config, "--outDir", aside], {
  stdio: "inherit",
});
// tsc writes the JavaScript even when it reports type errors: the suite can still run, but the
// build counts as failed.
if (!existsSync(join(aside, "tests"))) {
  console.error("Cannot build the tests for Node: tsc wrote nothing");
  process.exit(1);
}
let replaced = 0;
for (const file of readdirSync(dist)) {
  if (file.endsWith(".js")) {
    copyFileSync(join(dist, file), join(aside, file));
    replaced++;
  }
}
rmSync(out, { recursive: true, force: true });
renameSync(aside, out);
const tests = readdirSync(join(out, "tests")).filter((file) => file.endsWith("_test.js"));
console.log(
  `Built ${tests.length} test files in dist-tests/ against ${replaced} files of the npm build`,
);
process.exit(status === 0 ? 0 : 1);
