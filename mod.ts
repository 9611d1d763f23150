// Copyright 2026 the @aio/tasks authors. MIT license.
/**
 * Python asyncio's tasks, task groups and every way to wait for them, for TypeScript, with
 * cancellation carried by the web-standard `AbortSignal`.
 *
 * - {@linkcode taskGroup}: structured concurrency, the first thing to reach for. No task
 *   outlives the group, the first failure cancels the rest, every error comes back in one
 *   {@linkcode ExceptionGroup}; `limit` bounds how many run at once.
 * - {@linkcode createTask} starts a {@linkcode Task}: awaitable, cancellable, inspectable.
 * - Ways to wait: {@linkcode gather} (results in input order), {@linkcode wait} (`[done,
 *   pending]` on all, first completed or first exception), {@linkcode asCompleted} (members as
 *   they complete).
 * - Time: {@linkcode timeout} / {@linkcode timeoutAt} (a reschedulable scope),
 *   {@linkcode waitFor}, {@linkcode sleep}; {@linkcode shield} protects work from cancellation.
 * - Errors: {@linkcode CancelledError}, {@linkcode TimeoutError},
 *   {@linkcode InvalidStateError}, {@linkcode ExceptionGroup}.
 *
 * Cancellation is cooperative: a task function receives its task's `AbortSignal` and passes
 * it on. Times are milliseconds; deadlines are on the `performance.now()` clock.
 *
 * @example A task group with a time limit
 * ```ts
 * import { CancelledError, createTask, sleep, taskGroup, timeout } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const results = await timeout(1_000, (scope) =>
 *   taskGroup(async (tg) => {
 *     const a = tg.createTask(async (signal) => { await sleep(1, { signal }); return "a"; });
 *     const b = tg.createTask(() => "b");
 *     return [await a, await b];
 *   }, { signal: scope.signal, limit: 8 }));
 * assert.deepEqual(results, ["a", "b"]);
 *
 * const forever = createTask((signal) => sleep(Infinity, { signal }));
 * forever.cancel();
 * await assert.rejects(forever, CancelledError);
 * ```
 *
 * @module
 */
export * from "./errors.ts";
export * from "./group.ts";
export * from "./introspect.ts";
export * from "./task.ts";
export * from "./timeout.ts";
export * from "./wait.ts";
