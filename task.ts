// Copyright 2026 the @aio/tasks authors. MIT license.
/**
 * Tasks: asyncio's `Task`, `create_task()` and `shield()` on `AbortSignal`.
 *
 * A {@linkcode Task} runs a *task function* `(signal) => value | promise`, can be cancelled
 * through its signal, can be asked for its state and outcome without awaiting, and is awaitable
 * like a promise. {@linkcode createTask} starts one; {@linkcode shield} protects work from
 * cancellation.
 *
 * @example Starting, awaiting and cancelling tasks
 * ```ts
 * import { createTask, sleep } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const quick = createTask(async () => "done", { name: "quick" });
 * const slow = createTask((signal) => sleep(60_000, { signal }));
 * assert.equal(await quick, "done");
 * slow.cancel();
 * await slow.catch(() => {});
 * assert.equal(slow.cancelled(), true);
 * ```
 *
 * @module
 */
import { isTask, Task, tasks } from "./_task.ts";
import { aborted, checkSignal, reasonOf } from "./_check.ts";
import { toCancelled } from "./_cancellation.ts";
import { checkAwaitableOnce, checkOptions, followOnly, futureOf, unwatch } from "./_thenables.ts";
import { type Link, offAbort, onAbort } from "./_link.ts";
import { tracking, trackShield } from "./_tracking.ts";

export { Task };

/**
 * A task function: what a task runs. It receives the task's `AbortSignal` and should pass it
 * to whatever it awaits, so that cancelling the task reaches that work.
 *
 * Every task function is called with its task's signal, however it is declared: a wrapper
 * `(...args) => f(...args)` or a default parameter `(signal = fallback) => …` receives it too.
 *
 * @typeParam T The value the task fulfils with.
 */
export type TaskFn<T> = (signal: AbortSignal) => T | PromiseLike<T>;

/**
 * Anything the waiting functions accept: a task, a promise (or other thenable), or a task
 * function, which they start as a task.
 *
 * @typeParam T The value it fulfils with.
 */
export type Awaitable<T> = Task<T> | PromiseLike<T> | TaskFn<T>;

/** Options for {@linkcode createTask}. */
export interface TaskOptions {
  /**
   * The task's name, for messages and debugging.
   *
   * @default {`Task-<n>`, from one counter shared by all unnamed tasks}
   */
  name?: string | undefined;
  /**
   * A parent signal: when it aborts, the task is cancelled. Its `CancelledError` is the
   * parent's reason if that is one, otherwise a new one whose `cause` is the parent's reason.
   * Already aborted: the task is cancelled and its function never called.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

/** Options for {@linkcode shield}. */
export interface ShieldOptions {
  /**
   * A signal that cancels the returned task (never the shielded work) when it aborts.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

/**
 * Starts a task: asyncio's `create_task()`.
 *
 * Returns at once. The function is called with the task's signal in a microtask, after the
 * synchronous code that created the task, so tasks created together start in creation order;
 * a task cancelled before then never calls its function. To tie the task's lifetime to other
 * work, pass that work's signal as `options.signal`, or create the task in a task group.
 *
 * @typeParam T The value the task fulfils with.
 * @param fn The task function, called with the task's signal.
 * @param options The task's name and parent signal.
 * @returns The task.
 * @throws {TypeError} If `fn` is not a function or `options.signal` is not an `AbortSignal`.
 *
 * @example Running two tasks concurrently
 * ```ts
 * import { createTask, sleep } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const order: string[] = [];
 * const a = createTask(async (signal) => { await sleep(2, { signal }); order.push("a"); });
 * const b = createTask(() => { order.push("b"); });
 * await a;
 * await b;
 * assert.deepEqual(order, ["b", "a"]);
 * ```
 *
 * @example Linking a task to a parent signal
 * ```ts
 * import { CancelledError, createTask, sleep } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const parent = new AbortController();
 * const task = createTask((signal) => sleep(60_000, { signal }), { signal: parent.signal });
 * parent.abort(new Error("user left"));
 * const error = await task.catch((e) => e);
 * assert.ok(error instanceof CancelledError);
 * assert.equal((error.cause as Error).message, "user left");
 * ```
 */
export function createTask<T>(fn: TaskFn<T>, options?: TaskOptions): Task<T> {
  return new Task(fn, options);
}

/**
 * Protects work from cancellation: asyncio's `shield()`.
 *
 * Returns a new task that follows `aw` (a task function is started as its own, unlinked task).
 * Cancelling the returned task, or aborting `options.signal`, cancels the returned task at once
 * and leaves the shielded work running; the shielded work failing or being cancelled settles
 * the returned task the same way. Once the returned task is cancelled, the shielded task's
 * failure counts as retrieved. Use it for cleanup that must finish even when the surrounding
 * work is cancelled.
 *
 * @typeParam T The value `aw` fulfils with.
 * @param aw A task, a promise, or a task function.
 * @param options A signal that cancels the returned task.
 * @returns A task that follows `aw` but can be cancelled on its own.
 * @throws {TypeError} If `aw` is not a task, promise or function, or `options.signal` is not an
 *   `AbortSignal`.
 *
 * @example Saving state even when cancelled
 * ```ts
 * import { createTask, shield, sleep } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * let saved = false;
 * const save = createTask(async () => { await sleep(1); saved = true; });
 * const outer = shield(save);
 * outer.cancel();
 * await outer.catch(() => {});
 * assert.equal(outer.cancelled(), true);
 * await save;
 * assert.equal(saved, true);
 * ```
 */
export function shield<T>(aw: Awaitable<T>, options?: ShieldOptions): Task<T> {
  const follow = checkAwaitableOnce("shield", "aw", "awaitables", aw);
  const signal = checkOptions([aw], [follow], () => {
    const signal = options?.signal;
    checkSignal("shield", signal);
    return signal;
  });
  if (signal !== undefined && aborted(signal)) {
    // The work is not followed, but its failure must not go unhandled.
    if (isTask(aw)) tasks.retrieve(aw);
    else if (follow !== undefined) followOnly(aw as object, follow);
    const outer = tasks.future<T>(noop);
    tasks.endCancelled(outer, toCancelled(reasonOf(signal)));
    return outer;
  }
  let link: Link | undefined;
  // `watched` and `observation` are set below, before anyone can cancel `outer`.
  const outer = tasks.future<T>((task, reason) => {
    if (link !== undefined) offAbort(link);
    if (watched === inner) tasks.unobserve(watched, observation);
    else unwatch(inner, watched, observation);
    tasks.endCancelled(task, reason);
  });
  const inner = typeof aw === "function" && !isTask(aw) ? createTask(aw) : aw;
  // A promise is watched through its future: cancelling `outer` leaves nothing on it.
  const watched = isTask(inner) ? inner : futureOf(inner, follow!);
  if (watched === inner) tasks.retrieve(watched);
  const observation = tasks.observe(watched, (done) => {
    if (link !== undefined) offAbort(link);
    if (done === inner) tasks.adopt(outer, done);
    // A rejection settles `outer` as any task's error does: cancelled for a `CancelledError`.
    else if (tasks.state(done) === "fulfilled") tasks.fulfil(outer, tasks.outcome(done) as T);
    else tasks.reject(outer, tasks.outcome(done));
  });
  if (signal !== undefined && !outer.done()) {
    link = onAbort(signal, (reason) => tasks.requestCancel(outer, toCancelled(reason)));
  }
  if (tracking && !outer.done()) trackShield(outer, inner, signal);
  return outer;
}

function noop(): void {}
