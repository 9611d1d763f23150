// Copyright 2026 the @aio/tasks authors. MIT license.
// The private side of Task, filled in by task.ts, for the modules that build on tasks (groups,
// combinators). Nothing here is exported from the package.
import { CancelledError } from "./errors.ts";
import type { Task, TaskFn } from "./task.ts";

/** Task states. `NEW` has not started; `done()` is true from `FULFILLED` on. */
export const NEW = 0, RUNNING = 1, FULFILLED = 2, FAILED = 3, CANCELLED = 4;

/** Called synchronously when a task settles: internal, unlike public done callbacks. */
// deno-lint-ignore no-explicit-any
export type Observer = (task: Task<any>) => void;

/** What the owner of a future does when someone cancels it. */
// deno-lint-ignore no-explicit-any
export type OnCancel = (task: Task<any>, reason: DOMException) => void;

export interface Internals {
  /** A task owned by someone (its failure counts as retrieved); it starts only on `start()`. */
  child<T>(fn: TaskFn<T>, name: string | undefined, observer: Observer): Task<T>;
  /** Queues a task made by `child()` to start, after earlier queued tasks. */
  start(task: Task<unknown>): void;
  /** A task with no function, settled by its owner; `onCancel` runs on its first cancel. */
  future<T>(onCancel: OnCancel): Task<T>;
  /** Settles a pending future with a value. */
  fulfil<T>(task: Task<T>, value: T): void;
  /** Settles a pending future with an error (a `CancelledError` makes it cancelled). */
  fail(task: Task<unknown>, error: unknown): void;
  /** Settles a pending future as cancelled with the given error. */
  cancelled(task: Task<unknown>, error: unknown): void;
  /** Settles a pending `target` the way `source` (done) settled. */
  adopt(target: Task<unknown>, source: Task<unknown>): void;
  /** Adds an observer; if the task is done already it is called at once. */
  observe(task: Task<unknown>, observer: Observer): void;
  /** Removes one registration of an observer. */
  unobserve(task: Task<unknown>, observer: Observer): void;
  /** Marks a task's failure as retrieved: it will not be reported. */
  retrieve(task: Task<unknown>): void;
  /** Requests cancellation with a given reason; `false` if the task is done. */
  cancelWith(task: Task<unknown>, reason: DOMException): boolean;
  /** The task's state, one of the constants above. */
  state(task: Task<unknown>): number;
  /** The value, error or `CancelledError` of a done task. */
  outcome(task: Task<unknown>): unknown;
  /**
   * A number kept on the task for the owner that made it with `child()` (a task group keeps
   * the task's index in its list of live tasks there, to drop it in O(1) without a Set); `-1`
   * until set. Only that owner may set it.
   */
  slot(task: Task<unknown>): number;
  /** Sets the number `slot()` returns. */
  setSlot(task: Task<unknown>, slot: number): void;
  /** The `CancelledError` a task linked to a signal aborted with `reason` is cancelled with. */
  toCancelled(reason: unknown): DOMException;
}

/** Filled in when task.ts is evaluated; import task.ts before using it. */
export const internals = {} as Internals;

/** Whether a value can be awaited as a promise: an object or function with a `then` method. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === "object" || typeof value === "function") &&
    typeof (value as PromiseLike<unknown>).then === "function";
}

/** Whether an error is a cancellation: a `CancelledError` or any error named `"AbortError"`. */
export function isCancellation(error: unknown): boolean {
  return error instanceof CancelledError ||
    (error as { name?: unknown } | null | undefined)?.name === "AbortError";
}
