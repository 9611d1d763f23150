// Copyright 2026 the @aio/tasks authors. MIT license.
// Runs the smoke scenarios under `bun test` (Bun from npm, node_modules/.bin/bun) and ends with
// the line "bun X.Y.Z: N passed | N failed". Usage: node tests/smoke/bun.mjs
import { execFileSync, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bun = join(root, "node_modules", ".bin", "bun");
const version = execFileSync(bun, ["--version"], { encoding: "utf8" }).trim();
const { status, stdout, stderr } = spawnSync(bun, ["test", "./tests/smoke/"], {
  cwd: root,
  encoding: "utf8",
});
const output = stdout + stderr;
process.stdout.write(output);
const count = (word) => Number(new RegExp(`^\\s*(\\d+) ${word}$`, "m").exec(output)?.[1] ?? 0);
const passed = count("pass");
const failed = Math.max(count("fail"), status === 0 ? 0 : 1);
console.log(`bun ${version}: ${passed} passed | ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
