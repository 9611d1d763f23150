// Copyright 2026 the @aio/tasks authors. MIT license.
/**
 * Python asyncio's tasks, task groups and every way to wait for them, for TypeScript, with
 * cancellation carried by the web-standard `AbortSignal`.
 *
 * - {@linkcode createTask} starts a {@linkcode Task}: awaitable, cancellable, inspectable.
 * - {@linkcode shield} protects work from cancellation; {@linkcode sleep} waits.
 * - Errors: {@linkcode CancelledError}, {@linkcode TimeoutError},
 *   {@linkcode InvalidStateError}, {@linkcode ExceptionGroup}.
 *
 * @example A task, awaited and cancelled
 * ```ts
 * import { CancelledError, createTask, sleep } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const answer = createTask(async () => 42);
 * const forever = createTask((signal) => sleep(Infinity, { signal }));
 * assert.equal(await answer, 42);
 * forever.cancel();
 * await assert.rejects(forever, CancelledError);
 * ```
 *
 * @module
 */
export * from "./errors.ts";
export * from "./group.ts";
export * from "./task.ts";
export * from "./timeout.ts";
export * from "./wait.ts";
