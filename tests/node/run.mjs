// Copyright 2026 the @aio/tasks authors. MIT license.
// Runs the compiled Deno.test suite (dist-tests/, from tests/node/build.mjs) under node:test,
// with the node:test files of this folder.
// Usage: node tests/node/run.mjs [version] [test files…]   (version "" is this Node)
//   without a version: the Node that runs this script; with one (e.g. 22.23.3): that release,
//   fetched once by npx from the npm package node-<platform>-<arch>.
// Prints the spec reporter's output, then "node vX.Y.Z: N passed | N failed | N ignored",
// counting top-level tests (steps are part of their test, as in `deno test`).
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const [version = "", ...chosen] = process.argv.slice(2);

function nodeBinary(version) {
  if (version === "") return process.execPath;
  const pkg = `node-${process.platform}-${process.arch}@${version}`;
  return execFileSync("npx", ["--yes", "-p", pkg, "-c", "command -v node"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
}

const testDir = join(root, "dist-tests", "tests");
// The compiled Deno.test files, then the node:test files of this folder (*.spec.mjs), which
// import the npm build themselves.
const files = chosen.length > 0 ? chosen : [
  ...readdirSync(testDir).filter((file) => file.endsWith("_test.js")).sort().map((file) =>
    relative(process.cwd(), join(testDir, file))
  ),
  ...readdirSync(here).filter((file) => file.endsWith(".spec.mjs")).sort().map((file) =>
    relative(process.cwd(), join(here, file))
  ),
];
const node = nodeBinary(version);
const tmp = mkdtempSync(join(tmpdir(), "aio-tasks-node-"));
const tap = join(tmp, "report.tap");
const args = [
  "--expose-gc",
  "--import",
  pathToFileURL(join(here, "setup.mjs")).href,
  "--test",
  "--test-timeout=300000",
  "--test-reporter=spec",
  "--test-reporter-destination=stdout",
  "--test-reporter=tap",
  `--test-reporter-destination=${tap}`,
  ...files,
];
const child = spawn(node, args, { stdio: "inherit" });
const code = await new Promise((resolve) => child.on("close", (code) => resolve(code ?? 1)));
const nodeVersion = execFileSync(node, ["--version"], { encoding: "utf8" }).trim();

let passed = 0, failed = 0, ignored = 0;
let report = "";
try {
  report = readFileSync(tap, "utf8");
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
for (const line of report.split("\n")) {
  const match = /^(not )?ok \d+ - .*?(?: # (SKIP|TODO)\b.*)?$/.exec(line);
  if (match === null) continue;
  if (match[1]) failed++;
  else if (match[2]) ignored++;
  else passed++;
}
if (code !== 0 && failed === 0) failed = 1;
console.log(`node ${nodeVersion}: ${passed} passed | ${failed} failed | ${ignored} ignored`);
process.exit(failed > 0 ? 1 : 0);
