// Copyright 2026 the @aio/tasks authors. MIT license.
/**
 * The ways to wait for many awaitables: asyncio's {@linkcode gather}, {@linkcode wait} and
 * {@linkcode asCompleted}.
 *
 * - {@linkcode gather} runs everything and gives the results in input order, as a cancellable
 *   task typed as a tuple: `Promise.all` with cancellation (and `Promise.allSettled` with
 *   `returnExceptions`).
 * - {@linkcode wait} waits until all, the first, or the first failing member is done and tells
 *   which are done and which are still pending, never cancelling anything.
 * - {@linkcode asCompleted} hands out the members as they complete, like a `Promise.race` that
 *   goes on until everything is done.
 *
 * Members are tasks, promises (or any thenable) and, except for `wait`, task functions, which
 * are started as tasks.
 *
 * @example The three ways to wait
 * ```ts
 * import { asCompleted, createTask, FIRST_COMPLETED, gather, sleep, wait } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * // gather: every result, in input order.
 * const [n, s] = await gather([() => 1, Promise.resolve("a")]);
 * assert.deepEqual([n, s], [1, "a"]);
 *
 * // wait: which are done, which are pending.
 * const fast = createTask(() => "fast");
 * const slow = createTask((signal) => sleep(60_000, { signal }));
 * const [done, pending] = await wait([fast, slow], { returnWhen: FIRST_COMPLETED });
 * assert.deepEqual([...done], [fast]);
 * assert.deepEqual([...pending], [slow]);
 * slow.cancel();
 *
 * // asCompleted: members in completion order.
 * const order: string[] = [];
 * const later = createTask(async () => { await sleep(2); return "later"; });
 * const now = createTask(() => "now");
 * for await (const task of asCompleted([later, now])) order.push(task.result());
 * assert.deepEqual(order, ["now", "later"]);
 * await slow.catch(() => {});
 * ```
 *
 * @module
 */
import type { Awaitable, Task } from "./task.ts";
import { aborted, checkLimit, checkSignal, checkTime, reasonOf, refused, show } from "./_check.ts";
import { checkMembers, checkOptions, followOnly } from "./_thenables.ts";
import { startGather } from "./_gather.ts";
import { Waiter, waitForAll } from "./_waiter.ts";
import { Completions } from "./_completions.ts";

/** {@linkcode wait} returns when every member is done (the default). */
export const ALL_COMPLETED = "ALL_COMPLETED";
/** {@linkcode wait} returns when any member is done. */
export const FIRST_COMPLETED = "FIRST_COMPLETED";
/**
 * {@linkcode wait} returns when any member fails (a cancellation is not a failure), or else
 * when every member is done.
 */
export const FIRST_EXCEPTION = "FIRST_EXCEPTION";

/** When {@linkcode wait} returns: {@linkcode ALL_COMPLETED}, {@linkcode FIRST_COMPLETED} or {@linkcode FIRST_EXCEPTION}. */
export type ReturnWhen = typeof ALL_COMPLETED | typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION;

function checkReturnWhen(value: unknown): ReturnWhen {
  if (value === undefined) return ALL_COMPLETED;
  if (value === ALL_COMPLETED || value === FIRST_COMPLETED || value === FIRST_EXCEPTION) {
    return value;
  }
  throw refused(
    new TypeError(
      `Cannot wait as 'returnWhen' must be "ALL_COMPLETED", "FIRST_COMPLETED" or "FIRST_EXCEPTION": current value is ${
        show(value)
      }`,
    ),
    value,
  );
}

/**
 * The value an awaitable fulfils with: a task's or a promise's value, or what a task function
 * returns, awaited.
 *
 * @typeParam A A task, a promise or a task function.
 */
export type AwaitableValue<A> = A extends (signal: AbortSignal) => infer R ? Awaited<R>
  : Awaited<A>;

/**
 * The result of {@linkcode gather}: the values of the members, in input order. A tuple of
 * members gives a tuple of values, an array an array.
 *
 * @typeParam A The members.
 */
export type GatherResults<A extends readonly unknown[]> = {
  -readonly [K in keyof A]: AwaitableValue<A[K]>;
};

/**
 * The result of {@linkcode gather} with `returnExceptions`: in each place, the member's value
 * or what the member threw (a `CancelledError` for a cancelled member).
 *
 * JavaScript can throw any value, and a thrown value comes back as it is, so each element is
 * `AwaitableValue<A[K]> | unknown`, which TypeScript reads as `unknown`: the tuple keeps its
 * length, and each place is narrowed before use. `x instanceof Error` picks out failures
 * (members that throw something else are yours to know), a check of the value's type picks out
 * values, and a member task's own `result()` is typed.
 *
 * @typeParam A The members.
 *
 * @example Narrowing each place
 * ```ts
 * import { gather } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const [count, name] = await gather([
 *   () => 42,
 *   (): string => { throw new RangeError("no name"); },
 * ], { returnExceptions: true });
 * assert.ok(typeof count === "number" && count + 1 === 43);
 * assert.ok(name instanceof RangeError);
 * ```
 */
export type GatherResultsWithExceptions<A extends readonly unknown[]> = {
  -readonly [
    // `| unknown` says what each place holds; TypeScript reduces it to `unknown`.
    K in keyof A
  ]: AwaitableValue<A[K]> | unknown;
};

/**
 * What {@linkcode asCompleted} hands out for a member: the task it started for a task function,
 * the member itself otherwise.
 *
 * @typeParam A A task, a promise or a task function.
 */
export type AsCompletedMember<A> = A extends (signal: AbortSignal) => infer R ? Task<Awaited<R>>
  : A;

/** Options for {@linkcode gather}. */
export interface GatherOptions {
  /**
   * Put each failing member's error (or `CancelledError`) in its place among the results
   * instead of failing the gather: `Promise.allSettled` rather than `Promise.all`.
   *
   * @default {false}
   */
  returnExceptions?: boolean | undefined;
  /**
   * A parent signal: when it aborts, the gather is cancelled (every unfinished member with it).
   * Already aborted: the gather is cancelled at once and no task function is called.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
  /**
   * At most this many *function* members run at once (beyond asyncio, like `taskGroup`'s
   * `limit`): they start in input order as slots free up. Tasks and promises given as members
   * are already running and take no slot. Function members not started yet when the gather
   * fails or is cancelled never run. A positive integer, or `Infinity`.
   *
   * @default {Infinity}
   */
  limit?: number | undefined;
}

/** Options for {@linkcode wait}. */
export interface WaitOptions {
  /**
   * Return after this many milliseconds with whatever is done. `null`, `undefined` and
   * `Infinity` mean no limit; `0` or less returns after one timer turn.
   *
   * @default {undefined}
   */
  timeout?: number | null | undefined;
  /**
   * When to return: {@linkcode ALL_COMPLETED}, {@linkcode FIRST_COMPLETED} or
   * {@linkcode FIRST_EXCEPTION}.
   *
   * @default {"ALL_COMPLETED"}
   */
  returnWhen?: ReturnWhen | undefined;
  /**
   * Stops waiting when it aborts: the wait rejects with the signal's reason. Nothing is
   * cancelled.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

/** Options for {@linkcode asCompleted}. */
export interface AsCompletedOptions {
  /**
   * After this many milliseconds (counted from the call), the next step rejects with
   * `TimeoutError`. `null`, `undefined` and `Infinity` mean no limit; `0` or less expires after
   * one timer turn.
   *
   * @default {undefined}
   */
  timeout?: number | null | undefined;
  /**
   * When it aborts, the next step rejects with the signal's reason. Nothing is cancelled.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

/**
 * The iterator behind `for await (const t of asCompleted(aws))`: each step gives the next
 * member to complete, the member itself.
 *
 * @typeParam M The members, with tasks in place of task functions.
 */
export interface AsCompletedIterator<M> {
  /**
   * The next member to complete.
   *
   * @returns A promise for the next member, or for `done` once every member was handed out;
   *   it rejects with `TimeoutError` or the abort reason once the time is up or the signal
   *   aborted.
   */
  next(): Promise<IteratorResult<M, undefined>>;
  /**
   * Stops listening to the members (and cancels nothing); the iteration is then done.
   *
   * @returns A promise for `done`.
   */
  return(): Promise<IteratorResult<M, undefined>>;
}

/**
 * What {@linkcode asCompleted} returns: iterate it with `for await` to get the members in
 * completion order, or with `for` to get one promise per member.
 *
 * It is the union of two identical {@linkcode AsCompletedForm}s on purpose. TypeScript types
 * the variable of a `for await` loop over a single type as the member itself the first time it
 * sees that type, and as the member's awaited *value* every later time (it caches the loop's
 * types and awaits them on reuse); for a union it reuses what it found the first time. So
 * `for await (const t of asCompleted(tasks))` types `t` as the task, in every loop, as it is
 * at run time.
 *
 * @typeParam M What `for await` yields: the members, with tasks in place of task functions.
 * @typeParam T The members' values.
 */
export type AsCompletedIterable<M, T> = AsCompletedForm<M, T, 0> | AsCompletedForm<M, T, 1>;

/**
 * One of the two identical halves of {@linkcode AsCompletedIterable}.
 *
 * @typeParam M What `for await` yields: the members, with tasks in place of task functions.
 * @typeParam T The members' values.
 * @typeParam Copy Tells the two halves apart.
 */
export interface AsCompletedForm<M, T, Copy extends 0 | 1> {
  /**
   * Yields each member once, when it completes, in completion order. Breaking out of the loop
   * stops listening (and cancels nothing).
   *
   * @returns An iterator over the members in completion order.
   */
  [Symbol.asyncIterator](): AsCompletedIterator<M>;
  /**
   * Yields one promise per member: the i-th settles like the i-th member to complete.
   *
   * @returns An iterator over promises.
   */
  [Symbol.iterator](): Iterator<Promise<T>, undefined>;
}

/**
 * Runs awaitables concurrently and fulfils with their results in input order: asyncio's
 * `gather()`, `Promise.all` with cancellation.
 *
 * Task functions run as tasks made for them would: in input order, where tasks created at the
 * call would start (in a microtask, after the tasks created before), each with a signal of its
 * own; no `Task` object is made for them, since nobody but the gather could reach it. Tasks are
 * used as they are; promises and other thenables are followed (they cannot be cancelled). The
 * same object given twice gives its result twice; a task function given twice runs once, like a
 * coroutine object given twice to asyncio. Empty input fulfils with `[]`.
 *
 * The result is a {@linkcode Task}, typed as a tuple mirroring the input:
 * `gather([() => 1, Promise.resolve("a")])` is a `Task<[number, string]>`; an array of
 * awaitables gives an array.
 *
 * - **A member fails** (without `returnExceptions`): the gather fails with that error at once
 *   and the other members **keep running**, as in asyncio; their later failures count as
 *   retrieved. A member cancelled by someone else makes the gather reject with that
 *   `CancelledError`. To cancel the others on failure, use a task group instead.
 * - **`returnExceptions: true`**: errors and `CancelledError`s take their member's place in the
 *   results (`Promise.allSettled` without the wrapping) and the gather always fulfils, unless
 *   it is itself cancelled.
 * - **The gather is cancelled** (`cancel()`, or `options.signal` aborts): every unfinished task
 *   member is cancelled, and the signal of every function still running aborts, with the
 *   gather's `CancelledError`; functions not started yet never run; the gather waits until
 *   those tasks and functions are done, then ends cancelled, also with `returnExceptions`. Promise members cannot be
 *   cancelled and are not waited for. Once the gather is done, `cancel()` returns `false` and
 *   touches nothing. With `options.signal` already aborted, the gather is cancelled at once, no
 *   function is called, and task members are left as they are (they were running before the
 *   call; the gather never took them on).
 *
 * The gather owns its members' failures: a task member that fails is not reported as an
 * unretrieved failure.
 *
 * @typeParam A The members, as a tuple or an array.
 * @param aws The members: tasks, promises and task functions.
 * @param options `returnExceptions` and a parent signal.
 * @returns A task that fulfils with the results in input order.
 * @throws {TypeError} If `aws` is not iterable, a member is not a task, a promise or a function,
 *   or `options.signal` is not an `AbortSignal`.
 *
 * @example Results in input order, typed as a tuple
 * ```ts
 * import { createTask, gather, sleep } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const slow = async () => { await sleep(2); return "slow"; };
 * const task = createTask(() => 42);
 * const [a, b, c] = await gather([slow, task, Promise.resolve(true)]);
 * assert.deepEqual([a, b, c], ["slow", 42, true]);
 * ```
 *
 * @example Collecting failures with `returnExceptions`
 * ```ts
 * import { gather } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const results = await gather([
 *   () => "ok",
 *   () => { throw new RangeError("bad"); },
 * ], { returnExceptions: true });
 * assert.equal(results[0], "ok");
 * assert.ok(results[1] instanceof RangeError);
 * ```
 *
 * @example Cancelling a gather cancels its members
 * ```ts
 * import { CancelledError, createTask, gather, sleep } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const member = createTask((signal) => sleep(60_000, { signal }));
 * const all = gather([member, (signal) => sleep(60_000, { signal })]);
 * all.cancel();
 * await assert.rejects(all, CancelledError);
 * assert.equal(member.cancelled(), true);
 * ```
 */
export function gather<A extends readonly Awaitable<unknown>[] | []>(
  aws: A,
  options?: GatherOptions & { returnExceptions?: false | undefined },
): Task<GatherResults<A>>;
/**
 * Runs awaitables concurrently and fulfils with their results or errors in input order.
 *
 * @typeParam A The members, as a tuple or an array.
 * @param aws The members: tasks, promises and task functions.
 * @param options `returnExceptions` and a parent signal.
 * @returns A task that fulfils with the results or errors in input order.
 */
export function gather<A extends readonly Awaitable<unknown>[] | []>(
  aws: A,
  options: GatherOptions,
): Task<GatherResultsWithExceptions<A>>;
/**
 * Runs the awaitables of any iterable concurrently and fulfils with their results in order.
 *
 * @typeParam A The members' type (a union for members of different kinds).
 * @param aws The members: tasks, promises and task functions.
 * @param options `returnExceptions` and a parent signal.
 * @returns A task that fulfils with the results in order.
 */
export function gather<A extends Awaitable<unknown>>(
  aws: Iterable<A>,
  options?: GatherOptions & { returnExceptions?: false | undefined },
): Task<AwaitableValue<A>[]>;
/**
 * Runs the awaitables of any iterable concurrently and fulfils with their results or errors
 * in order.
 *
 * @typeParam A The members' type (a union for members of different kinds).
 * @param aws The members: tasks, promises and task functions.
 * @param options `returnExceptions` and a parent signal.
 * @returns A task that fulfils with the results or errors in order.
 */
export function gather<A extends Awaitable<unknown>>(
  aws: Iterable<A>,
  options: GatherOptions,
): Task<unknown[]>;
/**
 * Runs the awaitables of any iterable concurrently and fulfils with their results in order.
 *
 * @typeParam T The members' values.
 * @param aws The members: tasks, promises and task functions.
 * @param options `returnExceptions` and a parent signal.
 * @returns A task that fulfils with the results in order.
 */
export function gather<T>(
  aws: Iterable<Awaitable<T>>,
  options?: GatherOptions & { returnExceptions?: false | undefined },
): Task<T[]>;
/**
 * Runs the awaitables of any iterable concurrently and fulfils with their results or errors
 * in order.
 *
 * @typeParam T The members' values.
 * @param aws The members: tasks, promises and task functions.
 * @param options `returnExceptions` and a parent signal.
 * @returns A task that fulfils with the results or errors in order.
 */
export function gather<T>(
  aws: Iterable<Awaitable<T>>,
  options: GatherOptions,
): Task<unknown[]>;
export function gather(
  aws: Iterable<Awaitable<unknown>>,
  options?: GatherOptions,
): Task<unknown[]> {
  const { list, follows } = checkMembers("gather", aws, "awaitables");
  const { signal, limit, returnExceptions } = checkOptions(list, follows, () => {
    const signal = options?.signal;
    checkSignal("gather", signal);
    const limit = checkLimit("gather", options?.limit);
    return { signal, limit, returnExceptions: Boolean(options?.returnExceptions) };
  });
  return startGather(list, follows, returnExceptions, signal, limit);
}

/**
 * Waits for tasks and promises until a condition holds, and tells which are done and which are
 * still pending: asyncio's `wait()`.
 *
 * Resolves `[done, pending]`: two `Set`s holding the very objects passed in (duplicates
 * collapse), each in input order. `done` holds every member done when it resolves, including
 * those that completed in the same instant as the one that met the condition (their settling
 * already under way), as in asyncio. When it resolves depends on `options.returnWhen`:
 * - {@linkcode ALL_COMPLETED} (the default): when every member is done, like
 *   `Promise.allSettled`;
 * - {@linkcode FIRST_COMPLETED}: when any member is done, like `Promise.race`;
 * - {@linkcode FIRST_EXCEPTION}: when any member fails, else when every member is done. A
 *   cancelled task is not a failure, and neither is a promise that rejects with an error named
 *   `"AbortError"` (such as a `CancelledError`).
 *
 * **`wait` never cancels a member and never throws a member's error**: read each outcome with
 * `await`, `result()` or `exception()`.
 * - **Timeout**: after `options.timeout` ms it resolves with whatever is done by then; it does
 *   not reject with `TimeoutError`. `null`, `undefined` and `Infinity` mean no limit; `0` or a
 *   negative timeout returns after one timer turn (promises that have settled by then are done).
 * - **Abort**: when `options.signal` aborts, it rejects with the signal's reason; already
 *   aborted, it rejects at once.
 *
 * When it settles it leaves no callback on a pending member and no timer behind, so a loop of
 * `wait(pending, { returnWhen: FIRST_COMPLETED })` does not pile up callbacks: calls that can
 * end before a promise member settles (a timeout, a signal, `FIRST_COMPLETED`,
 * `FIRST_EXCEPTION`) follow it through one shared handler, however many of them wait for it,
 * and leave it in O(1). A plain `wait(aws)`, which ends only once every member is done, follows
 * each promise itself, as `Promise.allSettled` would. Each call reads a thenable's `then` at
 * most once.
 *
 * @typeParam M The members' type.
 * @param aws The members: tasks and promises, not task functions.
 * @param options `timeout`, `returnWhen` and a signal.
 * @returns A promise for `[done, pending]`.
 * @throws {TypeError} If `aws` is not iterable or empty, a member is a task function (wrap it
 *   with `createTask()`) or not awaitable, `returnWhen` is unknown, `timeout` is not a number, or
 *   `options.signal` is not an `AbortSignal`.
 * @throws {RangeError} If `timeout` is `NaN`.
 *
 * @example Taking tasks as they finish
 * ```ts
 * import { createTask, FIRST_COMPLETED, sleep, wait } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * let pending = new Set([
 *   createTask(async () => { await sleep(2); return 2; }),
 *   createTask(() => 1),
 * ]);
 * const seen: number[] = [];
 * while (pending.size > 0) {
 *   let done;
 *   [done, pending] = await wait(pending, { returnWhen: FIRST_COMPLETED });
 *   for (const task of done) seen.push(task.result());
 * }
 * assert.deepEqual(seen, [1, 2]);
 * ```
 *
 * @example A timeout returns early and cancels nothing
 * ```ts
 * import { createTask, sleep, wait } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const slow = createTask((signal) => sleep(60_000, { signal }));
 * const [done, pending] = await wait([slow], { timeout: 1 });
 * assert.equal(done.size, 0);
 * assert.ok(pending.has(slow));
 * assert.equal(slow.done(), false);
 * slow.cancel();
 * await slow.catch(() => {});
 * ```
 */
export function wait<M extends Task<unknown> | PromiseLike<unknown>>(
  aws: Iterable<M>,
  options?: WaitOptions,
): Promise<[done: Set<M>, pending: Set<M>]> {
  const { list, follows } = checkMembers("wait", aws, "tasks");
  if (list.length === 0) {
    throw new TypeError(`Cannot wait as 'aws' must not be empty: current value is ${show(aws)}`);
  }
  const { timeout, returnWhen, signal } = checkOptions(list, follows, () => {
    const timeout = checkTime("wait", "timeout", options?.timeout);
    const returnWhen = checkReturnWhen(options?.returnWhen);
    const signal = options?.signal;
    checkSignal("wait", signal);
    return { timeout, returnWhen, signal };
  });
  if (signal !== undefined && aborted(signal)) {
    // Nothing is waited for, but no promise member's failure may go unhandled.
    if (follows !== undefined) {
      for (let i = 0; i < list.length; i++) {
        if (follows[i] !== undefined) followOnly(list[i] as object, follows[i]!);
      }
    }
    return Promise.reject(reasonOf(signal));
  }
  if (returnWhen === ALL_COMPLETED && timeout === Infinity && signal === undefined) {
    return new Promise((resolve) => waitForAll(list as M[], follows, resolve));
  }
  return new Promise((resolve, reject) => {
    new Waiter<M>(list as M[], follows, returnWhen, resolve, reject).start(timeout, signal);
  });
}

/**
 * Hands out awaitables as they complete: asyncio's `as_completed()`, a `Promise.race` that goes
 * on until every member is done.
 *
 * Task functions are started as tasks at the call, even if nobody iterates; duplicates collapse;
 * an empty input yields nothing.
 * - **`for await (const t of asCompleted(aws))`** yields the completed members themselves (the
 *   original tasks and promises, or the tasks started for task functions) in completion order.
 *   Iterating does not throw a member's failure: `await t` or `t.result()` does.
 * - **`for (const p of asCompleted(aws))`** yields one promise per member; the i-th settles like
 *   the i-th member to complete (asyncio's classic form). Each promise is made when the loop
 *   asks for it and never counts as an unhandled rejection, so `[...asCompleted(aws)]` is safe.
 *
 * Nothing is ever cancelled:
 * - **Timeout**: `options.timeout` ms after the call, the next step rejects with
 *   `TimeoutError` (after the members that completed in time have been handed out), and so do
 *   the unsettled promises of the plain form. `null`, `undefined` and `Infinity` mean no limit;
 *   `0` or a negative timeout expires after one timer turn.
 * - **Abort**: when `options.signal` aborts, the next step rejects the same way with the
 *   signal's reason; already aborted, the first step rejects and no function is called.
 * - **Breaking out** of the loop stops listening to the members and clears the timer.
 *
 * Total cost is linear in the number of members.
 *
 * @typeParam A The members' type.
 * @param aws The members: tasks, promises and task functions.
 * @param options `timeout` and a signal.
 * @returns An iterable for `for await` (the members) and for `for` (promises).
 * @throws {TypeError} If `aws` is not iterable, a member is not a task, a promise or a function,
 *   `timeout` is not a number, or `options.signal` is not an `AbortSignal`.
 * @throws {RangeError} If `timeout` is `NaN`.
 *
 * @example The members in completion order
 * ```ts
 * import { asCompleted, createTask, sleep } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const slow = createTask(async () => { await sleep(2); return "slow"; });
 * const names: string[] = [];
 * for await (const task of asCompleted([slow, () => "quick"])) {
 *   names.push(await task);
 * }
 * assert.deepEqual(names, ["quick", "slow"]);
 * ```
 *
 * @example One promise per member, asyncio's classic form
 * ```ts
 * import { asCompleted, sleep } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const values: number[] = [];
 * for (const next of asCompleted([sleep(2).then(() => 2), Promise.resolve(1)])) {
 *   values.push(await next);
 * }
 * assert.deepEqual(values, [1, 2]);
 * ```
 *
 * @example A timeout ends the loop and cancels nothing
 * ```ts
 * import { asCompleted, createTask, sleep, TimeoutError } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const slow = createTask((signal) => sleep(60_000, { signal }));
 * await assert.rejects(async () => {
 *   for await (const _ of asCompleted([slow], { timeout: 1 })) assert.fail("not reached");
 * }, TimeoutError);
 * assert.equal(slow.done(), false);
 * slow.cancel();
 * await slow.catch(() => {});
 * ```
 */
export function asCompleted<A extends Awaitable<unknown>>(
  aws: Iterable<A>,
  options?: AsCompletedOptions,
): AsCompletedIterable<AsCompletedMember<A>, AwaitableValue<A>> {
  const action = "iterate in completion order";
  const { list, follows } = checkMembers(action, aws, "awaitables");
  const { timeout, signal } = checkOptions(list, follows, () => {
    const timeout = checkTime(action, "timeout", options?.timeout);
    const signal = options?.signal;
    checkSignal(action, signal);
    return { timeout, signal };
  });
  return new Completions(list, follows, timeout, signal) as AsCompletedIterable<
    AsCompletedMember<A>,
    AwaitableValue<A>
  >;
}
