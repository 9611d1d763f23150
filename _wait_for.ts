// Copyright 2026 the @aio/tasks authors. MIT license.
// The engines of waitFor(): one for tasks, which can be cancelled and are waited for until
// they finish, and one for promises, which cannot and are left behind on timeout or abort. A
// promise is watched through its future (`_thenables.ts`), so a call that ends early leaves
// nothing on it.
import { CancelledError, TimeoutError } from "./errors.ts";
import { isTask, type Task, tasks } from "./_task.ts";
import { toCancelled } from "./_cancellation.ts";
import { type Follow, followOnly, futureOf, unwatch } from "./_thenables.ts";
import { type Link, offAbort, onAbort } from "./_link.ts";
import { Timer } from "./_timer.ts";
import { tracking, trackWaitFor } from "./_tracking.ts";
import { reasonOf } from "./_check.ts";

/**
 * Rejects with `error` without waiting for `aw` (a function is never called), after making
 * sure that a promise's failure does not go unhandled (`follow` says how it is followed).
 */
export function notWaiting(
  aw: unknown,
  follow: Follow | undefined,
  error: unknown,
): Promise<never> {
  if (isTask(aw)) tasks.retrieve(aw);
  else if (follow !== undefined) followOnly(aw as object, follow);
  return Promise.reject(error);
}

/** Waits for a task: on timeout or abort it is cancelled, then waited for. */
export function waitForTask<T>(
  task: Task<T>,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<T> {
  if (tracking && !task.done()) trackWaitFor(task, ms, signal);
  return new Promise<T>((resolve, reject) => {
    let link: Link | undefined;
    let expired = false;
    let aborted = false;
    const timer = new Timer(() => {
      expired = true;
      tasks.requestCancel(task, cancelledBy(ms));
    });
    const observer = () => {
      timer.clear();
      if (link !== undefined) offAbort(link);
      if (aborted) return reject(reasonOf(signal!));
      tasks.retrieve(task);
      const outcome = tasks.outcome(task);
      const state = tasks.state(task);
      if (state === "fulfilled") resolve(outcome as T);
      else if (state === "cancelled" && expired) reject(timedOut(ms, outcome));
      else reject(outcome);
    };
    // Linked first: cancelling the task at once (below) runs its abort listeners, which may
    // abort `signal`.
    if (signal !== undefined && !task.done()) {
      link = onAbort(signal, (reason) => {
        link = undefined;
        aborted = true;
        timer.clear();
        tasks.requestCancel(task, toCancelled(reason));
      });
    }
    if (!task.done()) {
      if (ms <= 0) {
        expired = true;
        tasks.requestCancel(task, cancelledBy(ms));
      } else if (ms !== Infinity) timer.schedule(performance.now() + ms);
    }
    tasks.observe(task, observer);
  });
}

// A promise cannot be cancelled: after a timeout or an abort, settling it changes nothing.
export function waitForPromise<T>(
  promise: PromiseLike<T>,
  follow: Follow,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<T> {
  const future = futureOf(promise, follow);
  return new Promise<T>((resolve, reject) => {
    const settle = () => {
      if (tasks.state(future) === "fulfilled") resolve(tasks.outcome(future) as T);
      else reject(tasks.outcome(future));
    };
    if (future.done()) return settle();
    let link: Link | undefined;
    const end = () => {
      timer.clear();
      if (link !== undefined) offAbort(link);
      link = undefined;
      unwatch(promise, future, observation);
    };
    const timer = new Timer(() => {
      end();
      reject(timedOut(ms));
    });
    // Pending, so the observer is told later, never inside `observe()`.
    const observation = tasks.observe(future, () => {
      end();
      settle();
    });
    if (ms !== Infinity) timer.schedule(performance.now() + ms);
    // Last: a signal that following the promise aborted calls back at once, and clears the timer.
    if (signal !== undefined) {
      link = onAbort(signal, (reason) => {
        link = undefined;
        end();
        reject(reason);
      });
    }
  });
}

/** The error of a waitFor() that ran out of time. */
export function timedOut(ms: number, cause?: unknown): TimeoutError {
  const message = `Timed out waiting: the timeout of ${ms} ms passed`;
  return cause === undefined ? new TimeoutError(message) : new TimeoutError(message, { cause });
}

function cancelledBy(ms: number): CancelledError {
  return new CancelledError(`Cancelled by waitFor: the timeout of ${ms} ms passed`);
}
