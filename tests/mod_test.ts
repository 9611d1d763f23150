// Copyright 2026 the @aio/tasks authors. MIT license.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as mod from "../mod.ts";
import * as errors from "../errors.ts";
import * as group from "../group.ts";
import * as introspect from "../introspect.ts";
import * as task from "../task.ts";
import * as timeout from "../timeout.ts";
import * as wait from "../wait.ts";

// The repository root: the nearest folder above this file that holds deno.json (the tests also
// run compiled, from another folder).
function root(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "deno.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("Cannot find the repository as no deno.json is above");
    dir = parent;
  }
  return dir;
}

const ROOT = root();
const PUBLIC = readdirSync(ROOT)
  .filter((f) => f.endsWith(".ts") && !f.startsWith("_") && f !== "mod.ts" && !f.endsWith(".d.ts"))
  .map((f) => f.slice(0, -3))
  .sort();
// Public modules that mod.ts does not re-export: helpers for tests, imported by their subpath.
const APART = ["testing"];
const denoJson = JSON.parse(readFileSync(join(ROOT, "deno.json"), "utf8"));
const modSource = readFileSync(join(ROOT, "mod.ts"), "utf8");

Deno.test("mod.ts re-exports every public module but the testing helpers", () => {
  assert.deepEqual(PUBLIC, ["errors", "group", "introspect", "task", "testing", "timeout", "wait"]);
  for (const name of PUBLIC) {
    const line = `export * from "./${name}.ts";`;
    if (APART.includes(name)) assert.ok(!modSource.includes(line), `mod.ts has ./${name}.ts`);
    else assert.ok(modSource.includes(line), `mod.ts misses ./${name}.ts`);
  }
});

Deno.test("deno.json exports '.' and one kebab-case subpath per public module", () => {
  const expected: Record<string, string> = { ".": "./mod.ts" };
  for (const name of PUBLIC) expected[`./${name.replaceAll("_", "-")}`] = `./${name}.ts`;
  assert.deepEqual(denoJson.exports, expected);
});

Deno.test("deno.json imports map the package's own names to the local files", () => {
  assert.equal(denoJson.imports["@aio/tasks"], "./mod.ts");
  for (const name of PUBLIC) {
    assert.equal(denoJson.imports[`@aio/tasks/${name.replaceAll("_", "-")}`], `./${name}.ts`);
  }
});

Deno.test("mod.ts exports every symbol of every public module, and nothing else", () => {
  const modules: Record<string, Record<string, unknown>> = {
    errors,
    group,
    introspect,
    task,
    timeout,
    wait,
  };
  assert.deepEqual(Object.keys(modules).sort(), PUBLIC.filter((name) => !APART.includes(name)));
  const all = new Set<string>();
  for (const [name, namespace] of Object.entries(modules)) {
    for (const [symbol, value] of Object.entries(namespace)) {
      assert.equal((mod as Record<string, unknown>)[symbol], value, `${name}.${symbol}`);
      all.add(symbol);
    }
  }
  assert.deepEqual(Object.keys(mod).sort(), [...all].sort());
});

Deno.test("mod.ts exports the whole public API named in the contract", () => {
  for (
    const name of [
      "createTask",
      "Task",
      "shield",
      "gather",
      "wait",
      "asCompleted",
      "ALL_COMPLETED",
      "FIRST_COMPLETED",
      "FIRST_EXCEPTION",
      "waitFor",
      "timeout",
      "timeoutAt",
      "Timeout",
      "sleep",
      "taskGroup",
      "CancelledError",
      "TimeoutError",
      "InvalidStateError",
      "ExceptionGroup",
      "captureTaskTree",
      "formatTaskTree",
    ]
  ) assert.ok(name in mod, `mod.ts does not export ${name}`);
});
