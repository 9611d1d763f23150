// Copyright 2026 the @aio/tasks authors. MIT license.
/**
 * Time: asyncio's timeouts on `AbortSignal`.
 *
 * - {@linkcode timeout} and {@linkcode timeoutAt} run a body under a deadline (asyncio's
 *   `timeout()` and `timeout_at()`): the body gets a {@linkcode Timeout} scope whose `signal`
 *   aborts when the deadline passes, and a body ended by that abort makes the call reject with
 *   a `TimeoutError`. The deadline can be read and moved while the body runs.
 * - {@linkcode waitFor} waits for one task, promise or task function with a time limit
 *   (asyncio's `wait_for()`): on timeout it cancels the task and waits until it has finished.
 * - {@linkcode sleep} waits (asyncio's `sleep()`).
 *
 * Times are milliseconds and deadlines are on the `performance.now()` clock. `null`,
 * `undefined` and `Infinity` mean "no limit", a negative time (or a deadline in the past) means
 * "already due", `NaN` or a non-number is an error thrown at the call, and delays above 2^31−1
 * ms (about 24.8 days, where `setTimeout` overflows) work. When a call settles, no timer and no
 * listener on its `options.signal` is left behind.
 *
 * Cancellation is cooperative and level-triggered: a scope's signal stays aborted once its
 * deadline has passed, and a body that ignores it keeps running until it finishes on its own.
 *
 * @example Giving up on slow work
 * ```ts
 * import { sleep, timeout, TimeoutError } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const slow = timeout(1, async (scope) => {
 *   await sleep(60_000, { signal: scope.signal });
 *   return "finished";
 * });
 * await assert.rejects(slow, TimeoutError);
 * assert.equal(await timeout(60_000, () => "quick"), "quick");
 * ```
 *
 * @example Waiting for a task with a time limit
 * ```ts
 * import { createTask, sleep, waitFor, TimeoutError } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const task = createTask((signal) => sleep(60_000, { signal }));
 * await assert.rejects(waitFor(task, 1), TimeoutError);
 * assert.equal(task.cancelled(), true);
 * ```
 *
 * @module
 */
import { CancelledError, InvalidStateError, TimeoutError } from "./errors.ts";
import { isTask, Task } from "./_task.ts";
import type { Awaitable } from "./task.ts";
import { aborted, checkFunction, checkSignal, checkTime, reasonOf } from "./_check.ts";
import { checkAwaitableOnce, checkOptions } from "./_thenables.ts";
import { isCancellation } from "./_cancellation.ts";
import { follow } from "./_follow.ts";
import { type Link, offAbort, onAbort } from "./_link.ts";
import { Timer } from "./_timer.ts";
import { notWaiting, timedOut, waitForPromise, waitForTask } from "./_wait_for.ts";
import { showAs } from "./_inspect.ts";
import { tracking, trackScope, untrack } from "./_tracking.ts";

/** Options for {@linkcode sleep}. */
export interface SleepOptions {
  /**
   * Ends the sleep early: when it aborts, the timer is cleared and the promise rejects with the
   * signal's reason.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

/** Options for {@linkcode timeout} and {@linkcode timeoutAt}. */
export interface TimeoutOptions {
  /**
   * A parent signal. When it aborts, the scope's signal aborts with the same reason (that is
   * not a timeout: the cancellation passes through unchanged). Already aborted at the call: the
   * call rejects at once with its reason and the body is never called.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

/** Options for {@linkcode waitFor}. */
export interface WaitForOptions {
  /**
   * A signal that ends the wait early: when it aborts, the task is cancelled, and once it has
   * finished the promise rejects with the signal's reason (a plain promise is not waited for).
   * Already aborted at the call: the promise rejects at once with its reason, a task function
   * is never started and a task is left alone.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
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
  if (signal !== undefined && aborted(signal)) return Promise.reject(reasonOf(signal));
  return new Promise((resolve, reject) => {
    let link: Link | undefined;
    const timer = new Timer(() => {
      if (link !== undefined) offAbort(link);
      resolve();
    });
    if (delay !== Infinity) timer.schedule(performance.now() + delay);
    if (signal !== undefined) {
      link = onAbort(signal, (reason) => {
        timer.clear();
        reject(reason);
      });
    }
  });
}

// Set in Timeout's static block: runs a body in a new scope.
let enter: <T>(
  deadline: number,
  body: (scope: Timeout) => T | PromiseLike<T>,
  parent: AbortSignal | undefined,
) => Promise<T>;

/**
 * The scope a {@linkcode timeout} or {@linkcode timeoutAt} body runs in: asyncio's `Timeout`
 * context manager.
 *
 * Its {@linkcode Timeout.signal} aborts with a `CancelledError` when the deadline passes, or
 * with the parent's reason when the call's `options.signal` aborts; the body passes it to what
 * it awaits. {@linkcode Timeout.when} reads the deadline, {@linkcode Timeout.reschedule} moves
 * it while the body runs, and {@linkcode Timeout.expired} tells whether this scope's own
 * deadline has fired. Scopes are made by `timeout()` and `timeoutAt()` only.
 *
 * @example Reading and moving the deadline
 * ```ts
 * import { timeout } from "@aio/tasks/timeout";
 * import assert from "node:assert/strict";
 *
 * await timeout(60_000, (scope) => {
 *   assert.ok(scope.when()! > performance.now());
 *   scope.reschedule(null);
 *   assert.equal(scope.when(), null);
 *   assert.equal(scope.expired(), false);
 *   assert.equal(scope.signal.aborted, false);
 * });
 * ```
 */
export class Timeout {
  static {
    enter = (deadline, body, parent) => new Timeout(parent).#run(deadline, body);
  }

  // `Timeout { state: "active", when: 1234.5, remaining: 80 }` in console.log and inspect.
  static {
    showAs(this.prototype, "Timeout", (scope) => {
      const when = scope.when();
      const state = scope.#expired ? "expired" : scope.#finished ? "finished" : "active";
      const shown: Record<string, unknown> = { state, when };
      if (state === "active" && when !== null) {
        shown.remaining = Math.max(0, Math.round(when - performance.now()));
      }
      return shown;
    });
  }

  #controller = new AbortController();
  #timer: Timer = new Timer(() => this.#expire(), true);
  #deadline = Infinity;
  #parent: AbortSignal | undefined;
  #link: Link | undefined = undefined;
  #expired = false;
  #finished = false;

  private constructor(parent: AbortSignal | undefined) {
    this.#parent = parent;
  }

  /**
   * The scope's signal: aborts with a `CancelledError` when this scope's deadline passes, or
   * with the parent's reason when the call's `options.signal` aborts. It never aborts after the
   * call has settled.
   */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** `"Timeout"`, for `Object.prototype.toString`. */
  get [Symbol.toStringTag](): string {
    return "Timeout";
  }

  /**
   * The deadline: asyncio's `Timeout.when()`.
   *
   * @returns The deadline on the `performance.now()` clock, or `null` when there is none.
   *
   * @example Reading the deadline
   * ```ts
   * import { timeoutAt } from "@aio/tasks/timeout";
   * import assert from "node:assert/strict";
   *
   * const deadline = performance.now() + 60_000;
   * await timeoutAt(deadline, (scope) => assert.equal(scope.when(), deadline));
   * await timeoutAt(null, (scope) => assert.equal(scope.when(), null));
   * ```
   */
  when(): number | null {
    return this.#deadline === Infinity ? null : this.#deadline;
  }

  /**
   * Moves the deadline: asyncio's `Timeout.reschedule()`.
   *
   * A later deadline gives the body more time, `null` (or `undefined`, or `Infinity`) removes
   * the deadline, and a deadline that is already due (at or before `performance.now()`) expires
   * the scope at once, before `reschedule()` returns. Once the parent signal has aborted, the
   * new deadline is recorded but never fires: the scope is already cancelled.
   *
   * @param deadline The new deadline on the `performance.now()` clock, or `null` for none.
   * @throws {TypeError} If `deadline` is not a number, `null` or `undefined`.
   * @throws {RangeError} If `deadline` is `NaN`.
   * @throws {InvalidStateError} If the scope has expired or its call has settled.
   *
   * @example Extending the deadline
   * ```ts
   * import { sleep, timeout } from "@aio/tasks/timeout";
   * import assert from "node:assert/strict";
   *
   * const value = await timeout(50, async (scope) => {
   *   scope.reschedule(performance.now() + 60_000);
   *   await sleep(5, { signal: scope.signal });
   *   return "in time";
   * });
   * assert.equal(value, "in time");
   * ```
   *
   * @example Expiring the scope now
   * ```ts
   * import { InvalidStateError, timeout } from "@aio/tasks";
   * import assert from "node:assert/strict";
   *
   * await timeout(null, (scope) => {
   *   scope.reschedule(-1);
   *   assert.equal(scope.expired(), true);
   *   assert.equal(scope.signal.aborted, true);
   *   assert.throws(() => scope.reschedule(null), InvalidStateError);
   * });
   * ```
   */
  reschedule(deadline: number | null | undefined): void {
    const next = checkTime("reschedule timeout", "deadline", deadline);
    if (this.#expired || this.#finished) {
      throw new InvalidStateError(
        `Cannot reschedule timeout: the scope has already ${
          this.#expired ? "expired" : "finished"
        }`,
      );
    }
    this.#schedule(next);
  }

  /**
   * Whether this scope's own deadline has fired: asyncio's `Timeout.expired()`.
   *
   * A scope cancelled by its parent signal has not expired.
   *
   * @returns `true` once the deadline has passed and aborted the scope's signal.
   *
   * @example Telling a timeout from a value
   * ```ts
   * import { sleep, timeout, type Timeout } from "@aio/tasks/timeout";
   * import assert from "node:assert/strict";
   *
   * let scope: Timeout | undefined;
   * const value = await timeout(1, async (s) => {
   *   scope = s;
   *   // Swallowing the cancellation makes the body's value win.
   *   return await sleep(60_000, { signal: s.signal }).then(() => "slept", () => "woken");
   * });
   * assert.equal(value, "woken");
   * assert.equal(scope?.expired(), true);
   * ```
   */
  expired(): boolean {
    return this.#expired;
  }

  #schedule(deadline: number): void {
    this.#deadline = deadline;
    // Over, or its parent aborted (its own listener on the parent may not have run yet, when an
    // earlier listener reschedules): a deadline recorded then never fires.
    const parent = this.#parent;
    if (aborted(this.#controller.signal) || (parent !== undefined && aborted(parent))) return;
    // Asked before the timer is set: setting the runtime timer can take a while (Deno's first
    // setTimeout in a process takes milliseconds), and a deadline it passes meanwhile is not due
    // at once but at its timer's turn.
    const due = deadline <= performance.now();
    this.#timer.schedule(deadline);
    // Due already: expires now, after any scope due before it (an outer one with the same
    // deadline included), so that only the outermost expired scope reports the timeout.
    if (due) this.#timer.fireIfDue();
  }

  #expire(): void {
    this.#expired = true;
    this.#timer.clear();
    this.#unlink();
    this.#controller.abort(
      new CancelledError("Cancelled by timeout: the deadline of the timeout scope passed"),
    );
  }

  #unlink(): void {
    if (this.#link !== undefined) {
      offAbort(this.#link);
      this.#link = undefined;
    }
  }

  #run<T>(deadline: number, body: (scope: Timeout) => T | PromiseLike<T>): Promise<T> {
    const parent = this.#parent;
    if (tracking) trackScope(this, parent);
    if (parent !== undefined) {
      this.#link = onAbort(parent, (reason) => {
        this.#link = undefined;
        this.#timer.clear();
        this.#controller.abort(reason);
      });
    }
    this.#schedule(deadline);
    return new Promise<T>((resolve, reject) => {
      let result: T | PromiseLike<T>;
      try {
        result = body(this);
      } catch (error) {
        this.#finish();
        return reject(this.#translate(error));
      }
      follow(result, (value) => {
        this.#finish();
        resolve(value as T);
      }, (error) => {
        this.#finish();
        reject(this.#translate(error));
      });
    });
  }

  #finish(): void {
    if (tracking) untrack(this);
    this.#finished = true;
    this.#timer.clear();
    this.#unlink();
  }

  // A cancellation caused by this scope's own deadline becomes a TimeoutError. Once the parent
  // has aborted, a cancellation is the parent's: the call rejects with the parent's reason (as
  // any call given a signal does, SPEC §1), so an outer scope can report its own timeout.
  #translate(error: unknown): unknown {
    if (!this.#expired) return error;
    // Expired, so the signal is aborted and its reason is this scope's CancelledError.
    if (!isCancellation(error)) return error;
    const parent = this.#parent;
    if (parent !== undefined && aborted(parent)) return reasonOf(parent);
    return new TimeoutError("Timed out: the deadline of the timeout scope passed", {
      cause: error,
    });
  }
}

/**
 * Runs `body` with a time limit of `delay` milliseconds: asyncio's `timeout()`, like
 * `Promise.race` against a timer, but it cancels the work instead of abandoning it.
 *
 * `body(scope)` is called at once (before `timeout()` returns) with a {@linkcode Timeout}
 * scope, and the body passes `scope.signal` to what it awaits. When the deadline passes,
 * `scope.signal` aborts with a `CancelledError`; when `options.signal` aborts, `scope.signal`
 * aborts with its reason. The body's outcome settles the call, so a body that ignores the
 * signal keeps the call pending until it finishes:
 * - the body returns or resolves `v` → `v`, even after the deadline passed (it chose to
 *   finish);
 * - it throws or rejects with a cancellation (a `CancelledError`, or an error named
 *   `"AbortError"` or the signal's reason while `scope.signal` is aborted) after this scope's
 *   own deadline fired, and `options.signal` has not aborted → `TimeoutError` whose `cause` is
 *   that cancellation;
 * - anything else passes through unchanged: a foreign error stays itself, and an outer scope's
 *   or the parent's cancellation stays a cancellation. So with nested scopes only the scope
 *   whose own deadline fired reports `TimeoutError`; equal deadlines fire outermost first. A
 *   cancellation once `options.signal` has aborted rejects with its reason, also when this
 *   scope's deadline fired before.
 *
 * A body that throws synchronously makes the promise reject; it does not throw from
 * `timeout()`. `delay` `0` or negative aborts `scope.signal` before the body is called;
 * `null`, `undefined` and `Infinity` set no deadline (one can still be set with
 * `scope.reschedule()`). Delays above 2^31−1 ms work. When the call settles, its timer is
 * cleared and its listener on `options.signal` removed; nothing else is cancelled.
 *
 * To move on after a timeout instead of failing (Trio's `move_on_after`), catch the
 * `TimeoutError`. Unlike asyncio, where the cancellation is delivered once, `scope.signal`
 * stays aborted after the deadline, so cleanup inside the body that must still await uses a
 * fresh signal or `shield()`.
 *
 * @typeParam T The value the body fulfils with.
 * @param delay The time limit in milliseconds, or `null` for none.
 * @param body The work, called with the scope.
 * @param options A parent signal.
 * @returns A promise for the body's value.
 * @throws {TypeError} If `delay` is not a number, `null` or `undefined`, `body` is not a
 *   function, or `options.signal` is not an `AbortSignal`.
 * @throws {RangeError} If `delay` is `NaN`.
 *
 * @example A time limit on a task's work
 * ```ts
 * import { createTask, sleep, timeout, TimeoutError } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const task = createTask((signal) =>
 *   timeout(1, (scope) => sleep(60_000, { signal: scope.signal }), { signal })
 * );
 * const error = await task.catch((e) => e);
 * assert.ok(error instanceof TimeoutError);
 * assert.equal((error.cause as Error).name, "AbortError");
 * ```
 *
 * @example Moving on after a timeout
 * ```ts
 * import { sleep, timeout, TimeoutError } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const result = await timeout(1, async (scope) => {
 *   await sleep(60_000, { signal: scope.signal });
 *   return "fresh";
 * }).catch((error) => {
 *   if (error instanceof TimeoutError) return "stale";
 *   throw error;
 * });
 * assert.equal(result, "stale");
 * ```
 */
export function timeout<T>(
  delay: number | null | undefined,
  body: (scope: Timeout) => T | PromiseLike<T>,
  options?: TimeoutOptions,
): Promise<T> {
  checkFunction("start timeout", "body", body);
  const ms = checkTime("start timeout", "delay", delay);
  return start(performance.now() + ms, body, options);
}

/**
 * Runs `body` with a deadline on the `performance.now()` clock: asyncio's `timeout_at()`, like
 * `Promise.race` against a timer that ends at a given moment, but it cancels the work instead of
 * abandoning it.
 *
 * The same as {@linkcode timeout} with an absolute deadline instead of a delay: a deadline at
 * or before `performance.now()` aborts `scope.signal` before the body is called, and `null`,
 * `undefined` and `Infinity` set none. See `timeout()` for how the body's outcome settles the
 * call.
 *
 * @typeParam T The value the body fulfils with.
 * @param deadline The deadline on the `performance.now()` clock, or `null` for none.
 * @param body The work, called with the scope.
 * @param options A parent signal.
 * @returns A promise for the body's value.
 * @throws {TypeError} If `deadline` is not a number, `null` or `undefined`, `body` is not a
 *   function, or `options.signal` is not an `AbortSignal`.
 * @throws {RangeError} If `deadline` is `NaN`.
 *
 * @example Sharing one deadline between steps
 * ```ts
 * import { sleep, timeoutAt } from "@aio/tasks/timeout";
 * import assert from "node:assert/strict";
 *
 * const deadline = performance.now() + 60_000;
 * const first = await timeoutAt(deadline, (scope) => sleep(1, { signal: scope.signal }));
 * const second = await timeoutAt(deadline, (scope) => scope.when());
 * assert.equal(first, undefined);
 * assert.equal(second, deadline);
 * ```
 */
export function timeoutAt<T>(
  deadline: number | null | undefined,
  body: (scope: Timeout) => T | PromiseLike<T>,
  options?: TimeoutOptions,
): Promise<T> {
  checkFunction("start timeout", "body", body);
  const when = checkTime("start timeout", "deadline", deadline);
  return start(when, body, options);
}

function start<T>(
  deadline: number,
  body: (scope: Timeout) => T | PromiseLike<T>,
  options: TimeoutOptions | undefined,
): Promise<T> {
  const signal = options?.signal;
  checkSignal("start timeout", signal);
  if (signal !== undefined && aborted(signal)) return Promise.reject(reasonOf(signal));
  return enter(deadline, body, signal);
}

/**
 * Waits for a task, promise or task function with a time limit: asyncio's `wait_for()`, like
 * `Promise.race` against a timer, except that the loser is cancelled and waited for.
 *
 * A task function is started as a task that `waitFor` owns. When `timeout` milliseconds pass
 * first, the task is cancelled and `waitFor` **waits until it has finished**, then settles by
 * its outcome: cancelled → `TimeoutError` whose `cause` is the task's `CancelledError`;
 * fulfilled anyway → that value; failed → that error. A task that ignores its signal therefore
 * keeps the wait pending until it finishes. Finishing in time, the task's value, error or
 * `CancelledError` (when someone else cancelled it) passes through.
 *
 * A plain promise cannot be cancelled: on timeout the wait rejects with `TimeoutError` at once
 * and the promise is left to settle on its own. Its state cannot be read synchronously, so with
 * `timeout <= 0` a promise always times out.
 *
 * `timeout` `0` or negative is already due: a task that is already done gives its outcome
 * (value, error or `CancelledError`), a pending task is cancelled and waited for, and a task
 * function is never started (the wait rejects with `TimeoutError` at once). `null`,
 * `undefined` and `Infinity` set no limit. Delays above 2^31−1 ms work.
 *
 * Aborting `options.signal` cancels the task, waits until it has finished and rejects with the
 * signal's reason, whatever the task's outcome (a failure of a task that `waitFor` started is
 * then reported as unretrieved, not lost); a plain promise is not waited for. Already aborted
 * at the call: rejects at once, starting and cancelling nothing. When the wait settles, its
 * timer is cleared and its listener on the signal removed.
 *
 * Cancellation flows through signals, not through `await`: cancelling the task that awaits
 * `waitFor()` does not reach the awaited task unless its signal is passed as `options.signal`.
 *
 * @typeParam T The value `aw` fulfils with.
 * @param aw A task, a promise, or a task function.
 * @param timeout The time limit in milliseconds, or `null` for none.
 * @param options A signal that ends the wait early.
 * @returns A promise for the task's value.
 * @throws {TypeError} If `aw` is not a task, promise or function, `timeout` is not a number,
 *   `null` or `undefined`, or `options.signal` is not an `AbortSignal`.
 * @throws {RangeError} If `timeout` is `NaN`.
 *
 * @example Timing out a task function
 * ```ts
 * import { CancelledError, sleep, TimeoutError, waitFor } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const error = await waitFor((signal) => sleep(60_000, { signal }), 1).catch((e) => e);
 * assert.ok(error instanceof TimeoutError);
 * assert.ok(error.cause instanceof CancelledError);
 * assert.equal(await waitFor(async () => "quick", 60_000), "quick");
 * ```
 *
 * @example A task that finishes its work after the timeout
 * ```ts
 * import { createTask, sleep, waitFor } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const task = createTask(async (signal) => {
 *   await sleep(60_000, { signal }).catch(() => {});
 *   return "saved";
 * });
 * assert.equal(await waitFor(task, 1), "saved");
 * ```
 */
export function waitFor<T>(
  aw: Awaitable<T>,
  timeout: number | null | undefined,
  options?: WaitForOptions,
): Promise<T> {
  const follow = checkAwaitableOnce("wait for awaitable", "aw", "awaitables", aw);
  const { ms, signal } = checkOptions([aw], [follow], () => {
    const ms = checkTime("wait for awaitable", "timeout", timeout);
    const signal = options?.signal;
    checkSignal("wait for awaitable", signal);
    return { ms, signal };
  });
  if (signal !== undefined && aborted(signal)) return notWaiting(aw, follow, reasonOf(signal));
  if (isTask(aw)) return waitForTask(aw, ms, signal);
  if (ms <= 0) return notWaiting(aw, follow, timedOut(ms));
  if (typeof aw === "function") return waitForTask(new Task(aw), ms, signal);
  return waitForPromise(aw, follow!, ms, signal);
}
