// Copyright 2026 the @aio/tasks authors. MIT license.
/**
 * Checks for the tests of programs built on @aio/tasks. {@linkcode assertNoLeakedTasks} fails a
 * test whose code leaves a task, task group, gather, shield, `waitFor()` or timeout scope
 * pending, and shows what is left as a tree. Deno's sanitizers find leaked timers; this finds
 * leaked work, under `Deno.test`, `node:test`, `bun test` or any other runner.
 *
 * This module is not re-exported from `@aio/tasks`: import it from `@aio/tasks/testing`.
 *
 * @example A test that cleans up after itself
 * ```ts
 * import { assertNoLeakedTasks } from "@aio/tasks/testing";
 * import { sleep, taskGroup } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * await assertNoLeakedTasks(async () => {
 *   const value = await taskGroup(async (tg) => {
 *     const task = tg.createTask((signal) => sleep(1, { signal }).then(() => 42));
 *     return await task;
 *   });
 *   assert.equal(value, 42);
 * });
 * ```
 *
 * @module
 */
import { beginCheck, endCheck, nextSeq } from "./_tracking.ts";
import { capture, format } from "./_task_tree.ts";
import { checkFunction } from "./_check.ts";
import type { TaskTree } from "./introspect.ts";

// The platform's own setTimeout, read when this module is loaded: a test that installs fake
// timers later must not keep the check from waiting its timer turn.
const platformSetTimeout = globalThis.setTimeout;

/**
 * Runs `fn`, then fails if anything it started is still pending: a leak check for tests.
 *
 * Turns task tracking on while it runs (see `enableTaskTracking()` in `@aio/tasks/introspect`;
 * the previous state comes back afterwards, and checks may nest or run at the same time), calls
 * `fn` and awaits what it returns. Then it waits one timer turn (a `setTimeout(0)` of the
 * platform's own timers, also when a test installed fake ones), so that work ending as `fn`
 * ends — a task cancelled in its last line, a group settling on the microtasks after its body —
 * is not counted. Then every task, task group, gather, shield, `waitFor()` call and timeout
 * scope made since the call and still pending has leaked: the promise rejects with an `Error`
 * whose message says how many and shows them as a tree (see `formatTaskTree()`), names
 * included. Otherwise it resolves.
 *
 * What counts is what was made while the check ran, by `fn` or by anything else running at the
 * same time; promises, timers and other work the library does not make are not seen (Deno's
 * sanitizers see timers). Nothing is cancelled: a test that fails the check still has to stop
 * what it left running. If `fn` throws or rejects, that error comes out as it is and nothing is
 * checked.
 *
 * @param fn The code under test, sync or async.
 * @returns A promise that resolves once `fn` has settled, if nothing it started is pending.
 * @throws {TypeError} If `fn` is not a function.
 * @throws {Error} (as a rejection) If something `fn` started is still pending.
 *
 * @example A leak is reported with its name
 * ```ts
 * import { assertNoLeakedTasks } from "@aio/tasks/testing";
 * import { createTask, sleep, type Task } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * let forgotten: Task<void> | undefined;
 * const error = await assertNoLeakedTasks(() => {
 *   forgotten = createTask((signal) => sleep(60_000, { signal }), { name: "forgotten" });
 * }).catch((e) => e);
 * assert.match(error.message, /^Expected no pending tasks after the function: 1 still pending/);
 * assert.match(error.message, /\ntask "forgotten" running \d+ ms$/);
 * forgotten?.cancel();
 * await forgotten?.catch(() => {});
 * ```
 *
 * @example Work that ends as the function returns is not a leak
 * ```ts
 * import { assertNoLeakedTasks } from "@aio/tasks/testing";
 * import { createTask, sleep } from "@aio/tasks";
 *
 * await assertNoLeakedTasks(() => {
 *   const task = createTask((signal) => sleep(60_000, { signal }));
 *   task.cancel(); // it settles cancelled on the next microtasks
 * });
 * ```
 */
export function assertNoLeakedTasks(fn: () => unknown): Promise<void> {
  checkFunction("check for leaked tasks", "fn", fn);
  return check(fn);
}

async function check(fn: () => unknown): Promise<void> {
  beginCheck();
  try {
    const since = nextSeq();
    await fn();
    await new Promise((resolve) => platformSetTimeout(resolve, 0));
    const tree = capture(since);
    if (tree.roots.length > 0) {
      throw new Error(
        `Expected no pending tasks after the function: ${count(tree)} still pending\n${
          format(tree, 20)
        }`,
      );
    }
  } finally {
    endCheck();
  }
}

function count(tree: TaskTree): number {
  let n = 0;
  const stack = [...tree.roots];
  while (stack.length > 0) {
    n++;
    for (const child of stack.pop()!.children) stack.push(child);
  }
  return n;
}
