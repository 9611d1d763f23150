// Copyright 2026 the @aio/tasks authors. MIT license.
// A failure nobody retrieved is reported (SPEC §2): when its task is collected, also when the task
// is reachable from its own error; at the latest when the program ends; and the report never
// throws, whatever the error's getters do. The first case runs here with forced collections
// (`--v8-flags=--expose-gc` on Deno, `--expose-gc` on Node); the others run a short program in a
// child process of the same runtime, against the same build of the library the tests use.
import assert from "node:assert/strict";
import { createTask, type Task } from "../mod.ts";
import { requireGc } from "./_fixtures.ts";
import { turn } from "./_hostile.ts";
import { describeRun, library, runProgram } from "./_process.ts";

const REPORT = "Task exception was never retrieved";

/** Records console.error calls until disposed. */
function spyConsoleError(): { calls: unknown[][]; [Symbol.dispose](): void } {
  const calls: unknown[][] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => {
    calls.push(args);
  };
  return {
    calls,
    [Symbol.dispose]() {
      console.error = original;
    },
  };
}

let unique = 0;
function uniqueName(label: string): string {
  return `${label}-${++unique}-${Math.random().toString(36).slice(2)}`;
}

/** How many reports among `calls` name the task `name`. */
function reportsOf(calls: unknown[][], name: string): number {
  return calls.filter((args) =>
    typeof args[0] === "string" && args[0].includes(REPORT) && args[0].includes(name)
  ).length;
}

/**
 * Collects garbage, a timer turn between collections so that finalization callbacks can run,
 * until `until()` holds or `rounds` collections have passed; then a few more, so that a second
 * report would show.
 */
async function collectUntil(until: () => boolean, rounds = 50): Promise<void> {
  const gc = requireGc();
  for (let round = 0; round < rounds && !until(); round++) {
    await turn(5);
    gc();
    await turn(5);
  }
  for (let extra = 0; extra < 3; extra++) {
    gc();
    await turn(5);
  }
}

Deno.test("Task reports an unretrieved failure when collected, also when its function refers to it through an array", async () => {
  requireGc();
  using spy = spyConsoleError();
  const name = uniqueName("pushed");
  // The error made inside the function keeps the function's closure alive through its stack,
  // and the closure holds `tasks`, which holds the task: the everyday case of SPEC §2.
  (() => {
    const tasks: Task<unknown>[] = [];
    tasks.push(createTask(async () => {
      await null;
      if (tasks.length < 0) return;
      throw new Error("x");
    }, { name }));
  })();
  await collectUntil(() => reportsOf(spy.calls, name) > 0);
  assert.equal(reportsOf(spy.calls, name), 1, "the failure was not reported exactly once");
});

Deno.test("Task reports an unretrieved failure when collected, also when its function refers to the task", async () => {
  requireGc();
  using spy = spyConsoleError();
  const name = uniqueName("self");
  (() => {
    const task: Task<unknown> = createTask(async () => {
      await null;
      throw new Error(`failed in ${task.name}`);
    }, { name });
  })();
  await collectUntil(() => reportsOf(spy.calls, name) > 0);
  assert.equal(reportsOf(spy.calls, name), 1, "the failure was not reported exactly once");
});

// ---------------------------------------------------------------------------------------------
// Short programs in a child process of the runtime running these tests.

/** How many times `text` holds the report for the task `name`. */
function reportCount(text: string, name: string): number {
  return text.split(`${REPORT} (task ${JSON.stringify(name)})`).length - 1;
}

const programEnds: [string, string][] = [
  [
    "a synchronous throw",
    `createTask(() => { throw new Error("lost at exit"); }, { name: "fire-and-forget" });`,
  ],
  [
    "a rejection after an await",
    `createTask(async () => { await null; throw new Error("lost at exit"); }, { name: "fire-and-forget" });`,
  ],
  [
    "an explicit exit (Deno.exit, process.exit)",
    `globalThis.kept = createTask(async () => { await null; throw new Error("lost at exit"); }, { name: "fire-and-forget" });
await new Promise((resolve) => setTimeout(resolve, 20));
if (globalThis.Deno) Deno.exit(0); else process.exit(0);`,
  ],
];

for (const [how, body] of programEnds) {
  Deno.test(`Task reports an unretrieved failure (${how}) at the latest when a short program ends`, async () => {
    const run = await runProgram(
      `import { createTask } from ${JSON.stringify(library)};\n${body}\n`,
    );
    assert.equal(run.code, 0, describeRun(run));
    assert.equal(reportCount(run.stderr, "fire-and-forget"), 1, describeRun(run));
  });
}

// Passes on the current code: pins that reporting at the program's end reports only what
// nobody retrieved.
Deno.test("Task reports nothing at the program's end for a failure retrieved, a cancellation or a success", async () => {
  const run = await runProgram(`
import { createTask } from ${JSON.stringify(library)};
const retrieved = createTask(() => { throw new Error("retrieved"); }, { name: "retrieved" });
retrieved.catch(() => {});
const cancelled = createTask(() => 1, { name: "cancelled" });
cancelled.cancel();
createTask(() => 1, { name: "fulfilled" });
console.log("ended");
`);
  assert.equal(run.code, 0, describeRun(run));
  assert.equal(run.stdout.trim(), "ended");
  assert.equal(run.stderr.includes(REPORT), false, describeRun(run));
});

/** Source text of an expression that builds the hostile failure `kind`. */
const hostileFailures: [string, string][] = [
  [
    "an error whose name getter throws",
    `Object.defineProperty(new Error("hostile"), "name", { get() { throw new Error("name read"); } })`,
  ],
  [
    "an error whose message getter throws",
    `Object.defineProperty(new Error("hostile"), "message", { get() { throw new Error("message read"); } })`,
  ],
  [
    "an error whose stack getter throws",
    `Object.defineProperty(new Error("hostile"), "stack", { get() { throw new Error("stack read"); } })`,
  ],
  [
    "a revoked proxy",
    `(() => { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return proxy; })()`,
  ],
];

for (const [what, make] of hostileFailures) {
  Deno.test(`Task reports, without throwing, an unretrieved failure with ${what}`, async () => {
    const run = await runProgram(`
import { createTask } from ${JSON.stringify(library)};
const make = () => ${make};
(() => { createTask(() => { throw make(); }, { name: "hostile" }); })();
const turn = () => new Promise((resolve) => setTimeout(resolve, 10));
for (let i = 0; i < 10; i++) { await turn(); globalThis.gc(); }
await turn();
console.log("survived");
`);
    assert.equal(run.code, 0, describeRun(run));
    assert.equal(run.stdout.trim(), "survived", describeRun(run));
    assert.equal(reportCount(run.stderr, "hostile"), 1, describeRun(run));
  });
}

Deno.test("Task reports nothing for a failure its error's own getters retrieved while the report was made", async () => {
  const run = await runProgram(`
import { createTask } from ${JSON.stringify(library)};
let task;
const error = new Error("retrieved by its stack getter");
Object.defineProperty(error, "stack", {
  get() {
    task.exception();
    return "Error: retrieved by its stack getter";
  },
});
task = createTask(async () => {
  await null;
  throw error;
}, { name: "retrieved-while-described" });
await new Promise((resolve) => setTimeout(resolve, 10));
console.log(task.exception() === error ? "ended" : "wrong");
`);
  assert.equal(run.code, 0, describeRun(run));
  assert.equal(run.stdout.trim(), "ended", describeRun(run));
  assert.equal(reportCount(run.stderr, "retrieved-while-described"), 0, describeRun(run));
});
