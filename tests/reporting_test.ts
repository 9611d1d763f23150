// Copyright 2026 the @aio/tasks authors. MIT license.
// A failure nobody retrieved is reported (SPEC §2): when its task is collected, also when the task
// is reachable from its own error; at the latest when the program ends; and the report never
// throws, whatever the error's getters do. The first case runs here with forced collections
// (`--v8-flags=--expose-gc` on Deno, `--expose-gc` on Node); the others run a short program in a
// child process of the same runtime, against the same build of the library the tests use.
// What a done callback throws is reported at once (SPEC §3), and no value thrown keeps a later
// report from reaching an `error` listener (SPEC §2).
import assert from "node:assert/strict";
import { createTask, type Task } from "../mod.ts";
import { report } from "../_report.ts";
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

// ---------------------------------------------------------------------------------------------
// What a done callback throws (SPEC §3), through report(): `reportError` where it exists.

const viaEvent = typeof (globalThis as { reportError?: unknown }).reportError === "function";

/** Source text of an expression that builds a value Deno's `reportError` cannot take as is. */
const unreportable: [string, string, string][] = [
  [
    "a revoked proxy",
    `(() => { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return proxy; })()`,
    "a revoked proxy",
  ],
  [
    "a revoked proxy of a function",
    `(() => { const { proxy, revoke } = Proxy.revocable(() => {}, {}); revoke(); return proxy; })()`,
    "a revoked proxy",
  ],
  [
    "a proxy whose getPrototypeOf trap throws",
    `new Proxy(new Error("hidden"), { getPrototypeOf() { throw new Error("trap"); } })`,
    "an object that cannot be inspected",
  ],
  [
    "an object whose prototype is a revoked proxy",
    `(() => { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return Object.create(proxy); })()`,
    "an object that cannot be inspected",
  ],
  [
    "a proxy with an endless prototype chain",
    `(() => { const endless = () => new Proxy({}, { getPrototypeOf: endless }); return endless(); })()`,
    "an object",
  ],
];

const REPORTED_AS = "Cannot report the thrown value as its prototype chain cannot be read";

for (const [what, make, shown] of unreportable) {
  Deno.test(`Task.addDoneCallback() reports ${what} thrown by a callback, and a later callback's error still reaches an error listener`, async () => {
    const run = await runProgram(`
import { createTask } from ${JSON.stringify(library)};
globalThis.addEventListener?.("error", (event) => {
  event.preventDefault();
  let text;
  try {
    text = \`\${event.error.name}: \${event.error.message}\`;
  } catch {
    text = "a value that cannot be read";
  }
  console.log(\`listener: \${text}\`);
});
const turn = () => new Promise((resolve) => setTimeout(resolve, 10));
const first = createTask(() => 1);
first.addDoneCallback(() => { throw ${make}; });
await first;
await turn();
const later = createTask(() => 2);
later.addDoneCallback(() => { throw new Error("later"); });
await later;
await turn();
console.log("survived");
`);
    assert.equal(run.code, 0, describeRun(run));
    if (viaEvent) {
      assert.deepEqual(run.stdout.trim().split("\n"), [
        `listener: TypeError: ${REPORTED_AS}: current value is ${shown}`,
        "listener: Error: later",
        "survived",
      ], describeRun(run));
    } else {
      assert.equal(run.stdout.trim(), "survived", describeRun(run));
      assert.match(run.stderr, /Error: later/, describeRun(run));
    }
  });
}

Deno.test("Task.addDoneCallback() reports a revoked proxy thrown by a callback as what ends a program without an error listener", async () => {
  const run = await runProgram(`
import { createTask } from ${JSON.stringify(library)};
const { proxy, revoke } = Proxy.revocable({}, {});
revoke();
const task = createTask(() => 1);
task.addDoneCallback(() => { throw proxy; });
await task;
await new Promise((resolve) => setTimeout(resolve, 10));
console.log("survived");
`);
  if (viaEvent) {
    assert.equal(run.code, 1, describeRun(run));
    assert.equal(run.stdout, "", describeRun(run));
    assert.ok(
      run.stderr.includes(`TypeError: ${REPORTED_AS}: current value is a revoked proxy`),
      describeRun(run),
    );
  } else {
    assert.equal(run.code, 0, describeRun(run));
    assert.equal(run.stdout.trim(), "survived", describeRun(run));
    assert.match(run.stderr, /<Revoked Proxy>/, describeRun(run));
  }
});

/** Replaces `globalThis.reportError` and `console.error` by recorders until disposed. */
function stubReporters(reportError: (error: unknown) => void): {
  reported: unknown[];
  logged: unknown[][];
  [Symbol.dispose](): void;
} {
  const target = globalThis as { reportError?: (error: unknown) => void };
  const original = Object.getOwnPropertyDescriptor(target, "reportError");
  const originalConsoleError = console.error;
  const reported: unknown[] = [];
  const logged: unknown[][] = [];
  target.reportError = (error) => {
    reported.push(error);
    reportError(error);
  };
  console.error = (...args: unknown[]) => {
    logged.push(args);
  };
  return {
    reported,
    logged,
    [Symbol.dispose]() {
      console.error = originalConsoleError;
      if (original !== undefined) Object.defineProperty(target, "reportError", original);
      else delete target.reportError;
    },
  };
}

Deno.test("report() hands reportError a TypeError naming a revoked proxy, never the proxy", () => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  using stub = stubReporters(() => {});
  report(proxy);
  assert.equal(stub.reported.length, 1);
  const [reported] = stub.reported;
  assert.ok(reported instanceof TypeError);
  assert.equal(reported.message, `${REPORTED_AS}: current value is a revoked proxy`);
  assert.equal(reported.cause, undefined);
  assert.deepEqual(stub.logged, []);
});

Deno.test("report() hands reportError any value whose prototype chain can be read, as is", () => {
  const error = new Error("plain");
  const proxied = new Proxy(new Error("proxied"), {});
  const values = [error, proxied, null, undefined, 0, "text", Symbol("s"), Object.create(null)];
  using stub = stubReporters(() => {});
  for (const value of values) report(value);
  assert.deepEqual(stub.reported, values);
  assert.deepEqual(stub.logged, []);
});

Deno.test("report() logs through console.error, once, what reportError throws on", () => {
  const error = new Error("refused");
  using stub = stubReporters(() => {
    throw new Error("reportError failed");
  });
  report(error);
  assert.deepEqual(stub.reported, [error]);
  assert.deepEqual(stub.logged, [["Uncaught error", error]]);
});
