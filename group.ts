// Copyright 2026 the @aio/tasks authors. MIT license.
/**
 * Structured concurrency: {@linkcode taskGroup}, asyncio's `TaskGroup`, with `cancel()` and a
 * concurrency `limit`.
 *
 * A task group owns the tasks made with its {@linkcode TaskGroup.createTask}: it waits for all
 * of them, cancels the others as soon as one fails, and reports every failure together in an
 * `ExceptionGroup`. No task outlives the group and no failure goes unseen, which makes it the
 * first thing to reach for when work fans out.
 *
 * @example Fetching in parallel, at most two at a time
 * ```ts
 * import { sleep, taskGroup } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const lengths = await taskGroup(async (tg) => {
 *   const tasks = ["a", "bb", "ccc"].map((word) =>
 *     tg.createTask(async (signal) => {
 *       await sleep(1, { signal }); // stands for fetch(url, { signal })
 *       return word.length;
 *     })
 *   );
 *   return tasks;
 * }, { limit: 2 });
 * // When the group has settled, every task it made is done.
 * assert.deepEqual(lengths.map((task) => task.result()), [1, 2, 3]);
 * ```
 *
 * @module
 */
import { CancelledError, ExceptionGroup, InvalidStateError } from "./errors.ts";
import { type Observer, type Task, tasks } from "./_task.ts";
import type { TaskFn } from "./task.ts";
import {
  aborted,
  checkFunction,
  checkLimit,
  checkMessage,
  checkSignal,
  reasonOf,
} from "./_check.ts";
import { isCancellation, toCancelled } from "./_cancellation.ts";
import { follow } from "./_follow.ts";
import { type Link, offAbort, onAbort } from "./_link.ts";
import { type SlotKeys, Slots } from "./_slots.ts";
import { raisedInGroup, showAs } from "./_inspect.ts";
import { trackChild, trackGroup, tracking, untrack } from "./_tracking.ts";

/** Options for {@linkcode taskGroup}. */
export interface TaskGroupOptions {
  /**
   * A parent signal. When it aborts, the group shuts down (its signal aborts and its tasks are
   * cancelled) and, once every task is done, rejects with the signal's reason — unless a task
   * or the body failed, as errors win over cancellation. Already aborted: the call rejects at
   * once with the reason and the body is never called.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
  /**
   * The group's name, for messages and debugging.
   *
   * @default {`TaskGroup-<n>`, from one counter shared by all unnamed groups}
   */
  name?: string | undefined;
  /**
   * How many of the group's tasks may run at once: a positive integer, or `Infinity` for no
   * limit. Further tasks wait, pending and not started, in creation order, and start as
   * running tasks finish.
   *
   * @default {Infinity}
   */
  limit?: number | undefined;
}

/** Options for {@linkcode TaskGroup.createTask}. */
export interface GroupTaskOptions {
  /**
   * The task's name, for messages and debugging.
   *
   * @default {`Task-<n>`, from the counter shared by all unnamed tasks}
   */
  name?: string | undefined;
}

/**
 * The handle a {@linkcode taskGroup} body receives: asyncio's `TaskGroup` object.
 *
 * @example Starting tasks from the body and from other tasks
 * ```ts
 * import { taskGroup, type TaskGroup } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const seen: string[] = [];
 * await taskGroup((tg: TaskGroup) => {
 *   tg.createTask(() => {
 *     seen.push("parent");
 *     tg.createTask(() => { seen.push("child"); });
 *   });
 * }, { name: "tree" });
 * assert.deepEqual(seen, ["parent", "child"]);
 * ```
 */
export interface TaskGroup {
  /** The group's name: `options.name`, or `TaskGroup-<n>`. */
  readonly name: string;
  /**
   * Aborts with a `CancelledError` when the group shuts down: a task failed, the body failed or
   * was cancelled, `options.signal` aborted, or {@linkcode TaskGroup.cancel} was called. The
   * body passes it to what it awaits. It does not abort when the group ends normally.
   */
  readonly signal: AbortSignal;
  /**
   * Starts a task owned by the group: asyncio's `TaskGroup.create_task()`.
   *
   * The task starts like any task (its function is called in a microtask, in creation order),
   * or waits for a free slot when the group's `limit` is reached. Its failure shuts the group
   * down and is reported in the group's `ExceptionGroup`; its cancellation is not an error.
   * Awaiting it is optional: the group waits for it anyway.
   *
   * @typeParam T The value the task fulfils with.
   * @param fn The task function, called with the task's own signal.
   * @param options The task's name.
   * @returns The task.
   * @throws {TypeError} If `fn` is not a function.
   * @throws {InvalidStateError} If the group is shutting down or has finished; `fn` is then
   *   never called.
   *
   * @example Reading the tasks' results after the group
   * ```ts
   * import { taskGroup } from "@aio/tasks";
   * import assert from "node:assert/strict";
   *
   * let a, b;
   * await taskGroup((tg) => {
   *   a = tg.createTask(async () => 1, { name: "a" });
   *   b = tg.createTask(async () => 2, { name: "b" });
   * });
   * assert.equal(a!.result() + b!.result(), 3);
   * assert.equal(a!.name, "a");
   * ```
   */
  createTask<T>(fn: TaskFn<T>, options?: GroupTaskOptions): Task<T>;
  /**
   * Ends the group early on purpose: asyncio 3.15's `TaskGroup.cancel()`.
   *
   * Shuts the group down: `signal` aborts with `new CancelledError(message)`, every unfinished
   * task is cancelled (waiting tasks never run), and the group, once all tasks are done,
   * resolves with the body's value (or `undefined` if the body ended with the cancellation)
   * instead of rejecting — unless a task failed. Does nothing if the group is already shutting
   * down or has finished.
   *
   * @param message The message of the `CancelledError`.
   *
   * @example The first answer wins
   * ```ts
   * import { sleep, taskGroup } from "@aio/tasks";
   * import assert from "node:assert/strict";
   *
   * let winner = "";
   * await taskGroup((tg) => {
   *   for (const [name, ms] of [["slow", 60_000], ["fast", 1]] as const) {
   *     tg.createTask(async (signal) => {
   *       await sleep(ms, { signal });
   *       winner = name;
   *       tg.cancel();
   *     });
   *   }
   * });
   * assert.equal(winner, "fast");
   * ```
   */
  cancel(message?: string): void;
}

/** Where a group is: open for tasks, shutting down (no new task), finished (settled). */
type Phase = "open" | "shutting down" | "finished";
/**
 * How the body ended: still running; fulfilled; stopped by the group's own shutdown (not an
 * error); failed (an error to record); cancelled from elsewhere (passed on unless errors win).
 */
type BodyOutcome = "running" | "fulfilled" | "stopped" | "failed" | "cancelled";

let counter = 0;

const keys: SlotKeys<Task<unknown>> = { get: tasks.ownerKey, set: tasks.setOwnerKey };

class Group implements TaskGroup {
  // `TaskGroup { name: "crawl", state: "open", running: 2, waiting: 1 }` in console.log.
  static {
    showAs(this.prototype, "TaskGroup", (group) => ({
      name: group.name,
      state: group.#phase,
      running: group.#slots.running,
      waiting: group.#slots.waiting,
    }));
  }

  readonly name: string;
  #phase: Phase = "open";
  #slots: Slots<Task<unknown>>;
  #errors: unknown[] = [];
  // The errors recorded, to record each once: a task that awaited a failed sibling and let
  // its error through (in asyncio it would have been cancelled there) adds nothing.
  #recorded: Set<unknown> | undefined = undefined;
  // The name of the task that raised each of #errors, for the ExceptionGroup's display.
  #raisedBy: string[] = [];
  #controller: AbortController | undefined = undefined;
  #reason: DOMException | undefined = undefined;
  #link: Link | undefined = undefined;
  #parentAborted = false;
  #parentReason: unknown = undefined;
  #body: BodyOutcome = "running";
  #bodyResult: unknown = undefined;
  #resolve: (value: unknown) => void;
  #reject: (error: unknown) => void;
  // One owner function for every task of the group: no closure per task.
  #owner: Observer = (task) => this.#onDone(task);

  constructor(
    name: string | undefined,
    limit: number,
    signal: AbortSignal | undefined,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
  ) {
    this.name = name === undefined ? `TaskGroup-${++counter}` : String(name);
    this.#slots = new Slots(limit, keys);
    this.#resolve = resolve;
    this.#reject = reject;
    if (signal !== undefined) {
      this.#link = onAbort(signal, (reason) => {
        this.#link = undefined;
        this.#parentAborted = true;
        this.#parentReason = reason;
        this.#shutDown(toCancelled(reason));
      });
    }
    if (tracking) trackGroup(this, signal, limit);
  }

  // Made on first use: most groups never hand out their signal.
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#reason !== undefined) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  get [Symbol.toStringTag](): string {
    return "TaskGroup";
  }

  createTask<T>(fn: TaskFn<T>, options?: GroupTaskOptions): Task<T> {
    checkFunction("create task", "fn", fn);
    // Read before the group's phase is asked: a name getter or `toString` may shut it down.
    const given = options?.name;
    const name = given === undefined ? undefined : String(given);
    if (this.#phase !== "open") {
      const state = this.#phase === "shutting down" ? "is shutting down" : "has finished";
      throw new InvalidStateError(
        `Cannot create task in task group ${JSON.stringify(this.name)}: the group ${state}`,
      );
    }
    const task = tasks.owned(fn, name, this.#owner);
    if (tracking) trackChild(task, this);
    // Queued, never called here: this may run inside another task's settlement.
    if (this.#slots.add(task)) tasks.start(task);
    return task;
  }

  cancel(message?: string): void {
    this.#shutDown(new CancelledError(checkMessage("cancel task group", message)));
  }

  start(body: (tg: TaskGroup) => unknown): void {
    const mark = tasks.startMark();
    let result: unknown;
    try {
      result = body(this);
    } catch (error) {
      return this.#bodyRejected(error);
    }
    follow(result, (value) => this.#bodyFulfilled(value), (error) => this.#bodyRejected(error));
    // A body that failed before its first `await` returned a rejected promise: its rejection
    // must reach the group before the tasks it created start, as a throw would. Tasks queued
    // before the body began start when they were due.
    if (this.#body === "running") tasks.postponeStarts(mark);
  }

  #bodyFulfilled(value: unknown): void {
    if (this.#body !== "running") return;
    this.#body = "fulfilled";
    this.#bodyResult = value;
    this.#settleIfDone();
  }

  // A cancellation while the group is shutting down is the body obeying the shutdown; so is
  // an error the group already recorded, let through by a body that awaited the failed task
  // (in asyncio that body would have seen a CancelledError). A cancellation while the group
  // is open came from elsewhere (an awaited task someone cancelled, another signal): like
  // asyncio's CancelledError leaving a TaskGroup's block, it shuts the group down and is
  // passed on once the tasks are done, unless errors win.
  #bodyRejected(error: unknown): void {
    if (this.#body !== "running") return;
    if (this.#phase !== "open" && this.#causedByShutdown(error)) {
      this.#body = "stopped";
    } else if (isCancellation(error)) {
      this.#body = "cancelled";
      this.#bodyResult = error;
      this.#shutDown(toCancelled(error));
    } else {
      this.#body = "failed";
      this.#bodyResult = error;
      // Recorded once: a task failing later with the same error (both awaited one failure) is
      // not recorded again.
      (this.#recorded ??= new Set()).add(error);
      this.#shutDown(
        new CancelledError(
          `Task group ${JSON.stringify(this.name)} is shutting down: its body failed`,
          { cause: error },
        ),
      );
    }
    this.#settleIfDone();
  }

  #causedByShutdown(error: unknown): boolean {
    return isCancellation(error) || error === this.#reason || this.#recorded?.has(error) === true ||
      (this.#parentAborted && error === this.#parentReason);
  }

  #onDone(task: Task<unknown>): void {
    const slots = this.#slots;
    if (slots.remove(task) && tasks.state(task) === "failed" && this.#record(task)) {
      const error = tasks.outcome(task);
      this.#raisedBy.push(task.name);
      this.#shutDown(
        new CancelledError(
          `Task group ${JSON.stringify(this.name)} is shutting down: task ${
            JSON.stringify(task.name)
          } failed`,
          { cause: error },
        ),
      );
    }
    if (this.#phase === "open") {
      const next = slots.promote();
      if (next !== undefined) tasks.start(next);
    }
    this.#settleIfDone();
  }

  // Records a failed task's error unless it was recorded already; says whether it was new.
  #record(task: Task<unknown>): boolean {
    const error = tasks.outcome(task);
    const recorded = this.#recorded ??= new Set();
    if (recorded.size === recorded.add(error).size) return false;
    this.#errors.push(error);
    return true;
  }

  #shutDown(reason: DOMException): void {
    if (this.#phase !== "open") return;
    this.#phase = "shutting down";
    this.#reason = reason;
    // Waiting tasks first, so that the slots running tasks free start nothing. A waiting task
    // settles cancelled at once; its function never runs. The tasks are told before the body
    // (through `tg.signal`), as asyncio cancels a group's tasks before its parent task.
    for (const task of this.#slots.items()) tasks.requestCancel(task, reason);
    this.#controller?.abort(reason);
    this.#settleIfDone();
  }

  #settleIfDone(): void {
    const slots = this.#slots;
    if (
      this.#phase === "finished" || this.#body === "running" || slots.running > 0 ||
      slots.waiting > 0
    ) return;
    this.#phase = "finished";
    if (tracking) untrack(this);
    if (this.#link !== undefined) {
      offAbort(this.#link);
      this.#link = undefined;
    }
    const errors = this.#errors;
    this.#errors = [];
    this.#recorded = undefined;
    const raisedBy: (string | null)[] = this.#raisedBy;
    this.#raisedBy = [];
    if (this.#body === "failed") {
      errors.push(this.#bodyResult);
      raisedBy.push(null);
    }
    if (errors.length > 0) {
      this.#reject(
        raisedInGroup(
          ExceptionGroup,
          "unhandled errors in a TaskGroup",
          errors,
          this.name,
          raisedBy,
        ),
      );
    } else if (this.#parentAborted) this.#reject(this.#parentReason);
    else if (this.#body === "cancelled") this.#reject(this.#bodyResult);
    else this.#resolve(this.#body === "fulfilled" ? this.#bodyResult : undefined);
    this.#bodyResult = undefined;
    this.#parentReason = undefined;
  }
}

/**
 * Runs `body` with a task group and waits for every task it makes: asyncio's
 * `async with TaskGroup() as tg:`, the structured way to run work concurrently.
 *
 * `body(tg)` is called at once (synchronously). It starts tasks with `tg.createTask()` and
 * passes `tg.signal` to what it awaits itself. After the body settles, the group waits for
 * **every** task, including tasks that running tasks add later; it never abandons one, so a
 * task that ignores its signal keeps the group pending until it finishes.
 *
 * - **A task fails** (anything but a cancellation): its error is recorded, in completion
 *   order, and the group shuts down — `tg.signal` aborts with a `CancelledError`, every
 *   unfinished task is cancelled (tasks not yet started never run).
 * - **A task is cancelled** by someone: not an error; nothing else happens.
 * - **The body fails**: its error is recorded **last** and the group shuts down. A body that
 *   rejects with a cancellation (a `CancelledError`, an error named `"AbortError"`, or the
 *   reason of `tg.signal` or `options.signal`) *while the group is shutting down* is obeying
 *   the shutdown: that is not an error. A cancellation while the group is still open came from
 *   elsewhere: the group shuts down and, once its tasks are done, rejects with that
 *   cancellation (unless errors were recorded).
 * - **`options.signal` aborts**: the group shuts down and, once every task is done, rejects
 *   with the signal's reason, also after `tg.cancel()`. Already aborted: rejects at once and
 *   the body is never called.
 * - **`tg.cancel()`**: the group shuts down and ends without error.
 * - **An error is recorded once**: a body or a task that awaited a failed task and lets that
 *   very error through (`return Promise.all(tasks)`, `await failed`) adds nothing — in asyncio
 *   it would have been cancelled there.
 * - **Errors win over cancellation**: with any error recorded the group rejects with
 *   `new ExceptionGroup("unhandled errors in a TaskGroup", errors)` — always a group, even for
 *   one error; a nested group's `ExceptionGroup` stays one element. Otherwise it resolves with
 *   the body's value (`undefined` if the body ended with the shutdown's cancellation).
 * - **`limit`**: at most `limit` tasks run at once; the others wait, pending, and start in
 *   creation order as running tasks finish. On shutdown, waiting tasks are cancelled without
 *   running. `Infinity` means no limit; `0`, negative, fractional and `NaN` limits are errors.
 * - A body that creates no task settles the group as soon as it settles itself.
 * - Finished tasks leave the group at once, so a long-lived group holds only its live tasks.
 *   When the group settles, no listener it added to `options.signal` remains.
 *
 * Compared with promises: `Promise.all` rejects at the first failure and leaves the other work
 * running unseen; `Promise.allSettled` waits for everything but cancels nothing. A task group
 * does what both mean to do: wait for all, stop the rest at the first failure, report every
 * failure.
 *
 * `await using` is deliberately not offered: `[Symbol.asyncDispose]` cannot see the block's own
 * error, so it could not cancel the tasks when the block throws.
 *
 * @typeParam T The value the body fulfils with.
 * @param body Called at once with the group; its value is the group's value.
 * @param options A parent signal, a name, and how many tasks may run at once.
 * @returns A promise for the body's value, once every task is done.
 * @throws {TypeError} If `body` is not a function or `options.signal` is not an `AbortSignal`.
 * @throws {RangeError} If `options.limit` is not a positive integer or `Infinity`.
 *
 * @example A failure cancels the other tasks and is reported in an ExceptionGroup
 * ```ts
 * import { ExceptionGroup, sleep, taskGroup, type Task } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * let slow: Task<void> | undefined;
 * const error = await taskGroup((tg) => {
 *   slow = tg.createTask((signal) => sleep(60_000, { signal }));
 *   tg.createTask(() => { throw new RangeError("bad input"); });
 * }).catch((e) => e);
 * assert.ok(error instanceof ExceptionGroup);
 * assert.equal(error.message, "unhandled errors in a TaskGroup");
 * assert.ok(error.errors[0] instanceof RangeError);
 * assert.equal(slow!.cancelled(), true);
 * ```
 *
 * @example Handling one kind of failure, as with `except*`
 * ```ts
 * import { ExceptionGroup, taskGroup } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * try {
 *   await taskGroup((tg) => {
 *     tg.createTask(() => { throw new TypeError("bad shape"); });
 *   });
 * } catch (error) {
 *   if (!(error instanceof ExceptionGroup)) throw error;
 *   const [typeErrors, rest] = error.split(TypeError);
 *   if (rest) throw rest;
 *   assert.equal(typeErrors?.errors.length, 1);
 * }
 * ```
 *
 * @example Stopping with the caller's signal
 * ```ts
 * import { sleep, taskGroup } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const controller = new AbortController();
 * const group = taskGroup((tg) => {
 *   tg.createTask((signal) => sleep(60_000, { signal }));
 * }, { signal: controller.signal });
 * controller.abort(new Error("user left"));
 * await assert.rejects(group, { message: "user left" });
 * ```
 */
export function taskGroup<T>(
  body: (tg: TaskGroup) => T | PromiseLike<T>,
  options?: TaskGroupOptions,
): Promise<T> {
  checkFunction("create task group", "body", body);
  const signal = options?.signal;
  checkSignal("create task group", signal);
  const limit = checkLimit("create task group", options?.limit);
  // Read before the signal is asked: reading it may run code that aborts the signal. A name that
  // throws rejects the group's promise, unless the signal has aborted (SPEC §6: at once, with
  // its reason).
  let name: string | undefined;
  let badName: { error: unknown } | undefined;
  try {
    const given = options?.name;
    name = given === undefined ? undefined : String(given);
  } catch (error) {
    badName = { error };
  }
  if (signal !== undefined && aborted(signal)) return Promise.reject(reasonOf(signal));
  if (badName !== undefined) return Promise.reject(badName.error);
  return new Promise<T>((resolve, reject) => {
    new Group(name, limit, signal, resolve as (value: unknown) => void, reject).start(body);
  });
}
