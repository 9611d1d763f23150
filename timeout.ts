// Copyright 2026 the @aio/tasks authors. MIT license.
/**
 * Time: {@linkcode sleep}, asyncio's `sleep()` on `AbortSignal`.
 *
 * Times are milliseconds. `null`, `undefined` and `Infinity` mean "no limit", a negative time
 * means "already due", `NaN` or a non-number is an error, and delays above 2^31−1 ms (about 24.8
 * days, where `setTimeout` overflows) work.
 *
 * @example Sleeping, and being woken by an abort
 * ```ts
 * import { sleep } from "@aio/tasks/timeout";
 * import assert from "node:assert/strict";
 *
 * await sleep(1);
 * const controller = new AbortController();
 * const long = sleep(60_000, { signal: controller.signal });
 * controller.abort(new Error("stop"));
 * await assert.rejects(long, { message: "stop" });
 * ```
 *
 * @module
 */
import { checkSignal, checkTime } from "./_format.ts";
import { type Link, offAbort, onAbort } from "./_link.ts";
import { Timer } from "./_timer.ts";

/** Options for {@linkcode sleep}. */
export interface SleepOptions {
  /**
   * Ends the sleep early: when it aborts, the timer is cleared and the promise rejects with the
   * signal's reason.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/**
 * Resolves after `ms` milliseconds: asyncio's `sleep()`, like a promisified `setTimeout`.
 *
 * Always waits at least one `setTimeout` turn, also for `0` and negative times. `Infinity`,
 * `null` and `undefined` sleep until `options.signal` aborts (without holding a timer, so on
 * their own they do not keep a program alive). Aborting the signal clears the timer and rejects
 * with the signal's reason, at once if it is already aborted. No timer or listener survives the
 * call.
 *
 * @param ms How long to sleep, in milliseconds.
 * @param options A signal that ends the sleep early.
 * @returns A promise that resolves after `ms`.
 * @throws {TypeError} If `ms` is not a number, or `options.signal` is not an `AbortSignal`.
 * @throws {RangeError} If `ms` is `NaN`.
 *
 * @example Sleeping inside a cancellable task
 * ```ts
 * import { createTask, sleep } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const task = createTask((signal) => sleep(60_000, { signal }));
 * task.cancel();
 * await task.catch(() => {});
 * assert.equal(task.cancelled(), true);
 * ```
 */
export function sleep(ms: number | null | undefined, options?: SleepOptions): Promise<void> {
  const delay = checkTime("sleep", "ms", ms);
  const signal = options?.signal;
  checkSignal("sleep", signal);
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    let link: Link | undefined;
    const timer = new Timer(() => {
      if (link !== undefined) offAbort(link);
      resolve();
    });
    if (signal !== undefined) {
      link = onAbort(signal, (reason) => {
        timer.clear();
        reject(reason);
      });
    }
    if (delay !== Infinity) timer.schedule(performance.now() + delay);
  });
}
