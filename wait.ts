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
import { TimeoutError } from "./errors.ts";
import { type Awaitable, createTask, Task, type TaskFn } from "./task.ts";
import { checkIterable, checkSignal, checkTime, show } from "./_format.ts";
import { type Link, offAbort, onAbort } from "./_link.ts";
import { Timer } from "./_timer.ts";
import {
  CANCELLED,
  FAILED,
  FULFILLED,
  internals,
  isCancellation,
  isThenable,
  type Observer,
} from "./_internal.ts";

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
 * The result of {@linkcode gather} with `returnExceptions`: each member's value, or the error
 * (a `CancelledError` for a cancelled member) in its place. The error is typed `Error`: a
 * member that throws something that is not an `Error` has that value in its place all the same,
 * so check with `instanceof` for the errors you expect.
 *
 * @typeParam A The members.
 */
export type GatherResultsWithExceptions<A extends readonly unknown[]> = {
  -readonly [K in keyof A]: AwaitableValue<A[K]> | Error;
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
  returnExceptions?: boolean;
  /**
   * A parent signal: when it aborts, the gather is cancelled (every unfinished member with it).
   * Already aborted: the gather is cancelled at once and no task function is called.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/** Options for {@linkcode wait}. */
export interface WaitOptions {
  /**
   * Return after this many milliseconds with whatever is done. `null`, `undefined` and
   * `Infinity` mean no limit; `0` or less returns after one timer turn.
   *
   * @default {undefined}
   */
  timeout?: number | null;
  /**
   * When to return: {@linkcode ALL_COMPLETED}, {@linkcode FIRST_COMPLETED} or
   * {@linkcode FIRST_EXCEPTION}.
   *
   * @default {"ALL_COMPLETED"}
   */
  returnWhen?: ReturnWhen;
  /**
   * Stops waiting when it aborts: the wait rejects with the signal's reason. Nothing is
   * cancelled.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
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
  timeout?: number | null;
  /**
   * When it aborts, the next step rejects with the signal's reason. Nothing is cancelled.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
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

// What gather() needs to know of its members' kinds, learnt in the same pass that checks them.
interface Shape {
  // Every function member declares no parameter.
  parameterless: boolean;
  // Every member is a function.
  onlyFunctions: boolean;
}

// Reads the members once, checking each one before anything starts.
function members(action: string, aws: unknown, functions: boolean, shape?: Shape): unknown[] {
  checkIterable(action, "aws", aws);
  const list: unknown[] = Array.isArray(aws) ? aws.slice() : Array.from(aws);
  for (let i = 0; i < list.length; i++) {
    const member = list[i];
    if (functions && typeof member === "function") {
      if (shape !== undefined && member.length !== 0) shape.parameterless = false;
      continue;
    }
    if (shape !== undefined) shape.onlyFunctions = false;
    if (!isThenable(member)) {
      const what = functions
        ? "a task, a promise or a task function"
        : typeof member === "function"
        ? "a task or a promise (wrap functions with createTask())"
        : "a task or a promise";
      throw new TypeError(
        `Cannot ${action} as 'aws[${i}]' must be ${what}: current value is ${show(member)}`,
      );
    }
  }
  return list;
}

function noop(): void {}

/**
 * Runs awaitables concurrently and fulfils with their results in input order: asyncio's
 * `gather()`, `Promise.all` with cancellation.
 *
 * Task functions are started as tasks, in input order; tasks are used as they are; promises
 * and other thenables are followed (they cannot be cancelled). The same object given twice
 * gives its result twice; a task function given twice runs once, like a coroutine object given
 * twice to asyncio. Empty input fulfils with `[]`.
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
 *   member is cancelled with the gather's `CancelledError`; the gather waits until those tasks
 *   are done, then ends cancelled, also with `returnExceptions`. Promise members cannot be
 *   cancelled and are not waited for. Once the gather is done, `cancel()` returns `false` and
 *   touches nothing. With `options.signal` already aborted, the gather is cancelled at once and
 *   no function is called.
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
  options?: GatherOptions & { returnExceptions?: false },
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
 * @typeParam T The members' values.
 * @param aws The members: tasks, promises and task functions.
 * @param options `returnExceptions` and a parent signal.
 * @returns A task that fulfils with the results in order.
 */
export function gather<T>(
  aws: Iterable<Awaitable<T>>,
  options?: GatherOptions & { returnExceptions?: false },
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
): Task<(T | Error)[]>;
export function gather(
  aws: Iterable<Awaitable<unknown>>,
  options?: GatherOptions,
): Task<unknown[]> {
  const signal = options?.signal;
  checkSignal("gather", signal);
  const shape: Shape = { parameterless: true, onlyFunctions: true };
  const list = members("gather", aws, true, shape);
  const returnExceptions = Boolean(options?.returnExceptions);

  if (signal?.aborted) {
    const cancelled = internals.future<unknown[]>(noop);
    internals.cancelled(cancelled, internals.toCancelled(signal.reason));
    for (const member of list) if (member instanceof Task) internals.retrieve(member);
    return cancelled;
  }

  const n = list.length;
  // Made on first use: when every member is in the batch, its values are the results.
  let results: unknown[] | undefined;
  // Member slots still pending (a duplicate counts once per slot), and task slots among them.
  let remaining = n;
  let unfinished = 0;
  let cancelling: DOMException | undefined;

  // Task functions that declare no parameter can never see a signal, so they need no task of
  // their own: they start together as one batch, at the place in the start queue their tasks
  // would have had, and one Promise.all (allSettled with returnExceptions) follows them. V8
  // follows the elements of a Promise.all for less than half of what a task costs (bench/).
  // The batch counts as one member until all its functions have settled. It is used only when
  // every function member is parameterless, so that no task started here runs in between.
  let batch: (() => unknown)[] | undefined;
  let batchSlots = 0;
  let started: Map<unknown, Task<unknown> | number> | undefined;
  let batchTask: Task<unknown> | undefined;
  let batchPromises: unknown[] | undefined;
  let batchDone = false;

  const gathered = internals.future<unknown[]>((_, reason) => {
    cancelling = reason;
    for (const member of list) {
      if (member instanceof Task && !member.done()) internals.cancelWith(member, reason);
    }
    if (batchTask !== undefined && !batchDone) {
      // Not started yet: it never will. Started: wait until every function has settled.
      if (!batchTask.done()) internals.cancelWith(batchTask, reason);
      else Promise.allSettled(batchPromises!).then(() => batchFinished(undefined));
    }
    if (unfinished === 0) internals.cancelled(gathered, reason);
  });

  const batchFinished = (values: unknown[] | undefined): void => {
    if (batchDone) return;
    batchDone = true;
    remaining--;
    unfinished--;
    if (cancelling !== undefined) {
      if (unfinished === 0) internals.cancelled(gathered, cancelling);
      return;
    }
    if (values === undefined || gathered.done()) return;
    if (returnExceptions) {
      values = (values as PromiseSettledResult<unknown>[]).map((r) =>
        r.status === "fulfilled" ? r.value : r.reason
      );
    }
    if (batch!.length === n) return internals.fulfil(gathered, values);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const member = list[i];
      if (typeof member === "function") {
        (results ??= new Array(n))[i] =
          values[started === undefined ? k++ : started.get(member) as number];
      }
    }
    if (remaining === 0) complete();
  };

  const startBatch = (): void => {
    const fns = batch!;
    const promises = batchPromises = new Array<unknown>(fns.length);
    for (let k = 0; k < fns.length; k++) {
      // Cancelled by one of the functions just called: the rest never start.
      if (cancelling !== undefined) {
        promises.length = k;
        break;
      }
      const fn = fns[k];
      try {
        promises[k] = fn();
      } catch (error) {
        promises[k] = Promise.reject(error);
      }
    }
    (returnExceptions ? Promise.allSettled(promises) : Promise.all(promises)).then(
      batchFinished,
      (error) => {
        if (cancelling === undefined) internals.fail(gathered, error);
      },
    );
    if (cancelling !== undefined) Promise.allSettled(promises).then(() => batchFinished(undefined));
  };

  const complete = (): void => {
    for (let i = 0; i < n; i++) {
      const member = list[i];
      if (member instanceof Task) (results ??= new Array(n))[i] = internals.outcome(member);
    }
    internals.fulfil(gathered, results ?? new Array(n));
  };

  const observer: Observer = (task) => {
    remaining--;
    unfinished--;
    if (cancelling !== undefined) {
      if (unfinished === 0) internals.cancelled(gathered, cancelling);
    } else if (internals.state(task) !== FULFILLED && !returnExceptions) {
      internals.fail(gathered, internals.outcome(task));
    } else if (remaining === 0 && !gathered.done()) complete();
  };

  const settled = (index: number, value: unknown, ok: boolean): void => {
    remaining--;
    if (cancelling !== undefined || gathered.done()) return;
    if (!ok && !returnExceptions) return internals.fail(gathered, value);
    (results ??= new Array(n))[index] = value;
    if (remaining === 0) complete();
  };

  // A task function given twice runs once, like any other member given twice. Looking every
  // function up in a Map would cost a third of the gather, so the Map is made only when the
  // input holds duplicates at all, which one Set over it tells much more cheaply.
  if (n > 1 && new Set(list).size < n) started = new Map();
  const batched = shape.parameterless;
  if (batched && shape.onlyFunctions && started === undefined && n > 0) {
    // The common case, every member a distinct parameterless function: the list is the batch.
    batch = list as (() => unknown)[];
    batchSlots = n;
  } else {
    for (let i = 0; i < n; i++) {
      let member = list[i];
      if (batched && typeof member === "function") {
        batchSlots++;
        if (started?.has(member)) continue;
        started?.set(member, (batch ??= []).length);
        (batch ??= []).push(member as () => unknown);
        continue;
      }
      if (typeof member === "function") {
        const known = started?.get(member) as Task<unknown> | undefined;
        if (known === undefined) {
          const task = internals.child(member as TaskFn<unknown>, undefined, observer);
          started?.set(member, task);
          list[i] = task;
          unfinished++;
          internals.start(task);
          continue;
        }
        list[i] = member = known;
      }
      if (member instanceof Task) {
        unfinished++;
        internals.retrieve(member);
        internals.observe(member, observer);
      } else {
        try {
          (member as PromiseLike<unknown>).then(
            (value) => settled(i, value, true),
            (error) => settled(i, error, false),
          );
        } catch (error) {
          settled(i, error, false);
        }
      }
    }
  }
  if (batch !== undefined) {
    remaining -= batchSlots - 1;
    unfinished++;
    batchTask = internals.child(startBatch, undefined, (task) => {
      if (internals.state(task) === CANCELLED) batchFinished(undefined);
    });
    internals.start(batchTask);
  }
  if (n === 0) complete();

  if (signal !== undefined && !gathered.done()) {
    if (signal.aborted) internals.cancelWith(gathered, internals.toCancelled(signal.reason));
    else {
      const link = onAbort(
        signal,
        (reason) => internals.cancelWith(gathered, internals.toCancelled(reason)),
      );
      internals.observe(gathered, () => offAbort(link));
    }
  }
  return gathered;
}

/**
 * Waits for tasks and promises until a condition holds, and tells which are done and which are
 * still pending: asyncio's `wait()`.
 *
 * Resolves `[done, pending]`: two `Set`s holding the very objects passed in (duplicates
 * collapse), `done` in completion order (members already done at the call first), `pending`
 * in input order. When it resolves depends on `options.returnWhen`:
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
 * When it settles it leaves no callback on a pending task and no timer behind, so a loop of
 * `wait(pending, { returnWhen: FIRST_COMPLETED })` does not pile up callbacks. A promise cannot
 * be unsubscribed: each call's handler stays attached to a pending promise member until it
 * settles, then does nothing.
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
  const list = members("wait", aws, false) as M[];
  if (list.length === 0) {
    throw new TypeError(`Cannot wait as 'aws' must not be empty: current value is ${show(aws)}`);
  }
  const timeout = checkTime("wait", "timeout", options?.timeout);
  const returnWhen = options?.returnWhen ?? ALL_COMPLETED;
  if (
    returnWhen !== ALL_COMPLETED && returnWhen !== FIRST_COMPLETED &&
    returnWhen !== FIRST_EXCEPTION
  ) {
    throw new TypeError(
      `Cannot wait as 'returnWhen' must be "ALL_COMPLETED", "FIRST_COMPLETED" or "FIRST_EXCEPTION": current value is ${
        show(returnWhen)
      }`,
    );
  }
  const signal = options?.signal;
  checkSignal("wait", signal);
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    new Waiter(new Set(list), returnWhen, resolve, reject).start(timeout, signal);
  });
}

// One call of wait(): one observer shared by its task members, one timer, one link.
class Waiter<M> {
  #members: Set<M> | undefined;
  #done: Set<M> | undefined = new Set();
  #returnWhen: ReturnWhen;
  #resolve: (result: [Set<M>, Set<M>]) => void;
  #reject: (reason: unknown) => void;
  #observing = false;
  #timer: Timer | undefined;
  #link: Link | undefined;
  #observer: Observer = (task) => this.#completed(task as M, internals.state(task) === FAILED);

  constructor(
    members: Set<M>,
    returnWhen: ReturnWhen,
    resolve: (result: [Set<M>, Set<M>]) => void,
    reject: (reason: unknown) => void,
  ) {
    this.#members = members;
    this.#returnWhen = returnWhen;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  start(timeout: number, signal: AbortSignal | undefined): void {
    const members = this.#members!;
    const done = this.#done!;
    let failed = false;
    for (const member of members) {
      if (member instanceof Task && member.done()) {
        done.add(member);
        if (internals.state(member) === FAILED) failed = true;
      }
    }
    if (this.#satisfied(failed)) return this.#finish();
    this.#observing = true;
    for (const member of members) {
      if (this.#members === undefined) return;
      if (member instanceof Task) {
        if (!member.done()) internals.observe(member, this.#observer);
        continue;
      }
      try {
        (member as PromiseLike<unknown>).then(
          () => this.#completed(member, false),
          (error) => this.#completed(member, !isCancellation(error)),
        );
      } catch {
        this.#completed(member, true);
      }
    }
    if (this.#members === undefined) return;
    if (timeout !== Infinity) {
      this.#timer = new Timer(() => this.#finish());
      this.#timer.schedule(performance.now() + timeout);
    }
    if (signal !== undefined) {
      this.#link = onAbort(signal, (reason) => {
        this.#release();
        this.#reject(reason);
      });
    }
  }

  #satisfied(failed: boolean): boolean {
    const done = this.#done!.size;
    if (done === this.#members!.size) return true;
    if (this.#returnWhen === FIRST_COMPLETED) return done > 0;
    return this.#returnWhen === FIRST_EXCEPTION && failed;
  }

  #completed(member: M, failed: boolean): void {
    if (this.#members === undefined) return;
    this.#done!.add(member);
    if (this.#satisfied(failed)) this.#finish();
  }

  #finish(): void {
    const done = this.#done!;
    const pending = new Set<M>();
    for (const member of this.#members!) if (!done.has(member)) pending.add(member);
    this.#release();
    this.#resolve([done, pending]);
  }

  // Drops everything this call holds, so that a promise member that stays pending keeps only
  // this small object alive.
  #release(): void {
    const members = this.#members!;
    const done = this.#done!;
    this.#members = undefined;
    this.#done = undefined;
    this.#timer?.clear();
    if (this.#link !== undefined) offAbort(this.#link);
    if (!this.#observing) return;
    for (const member of members) {
      if (member instanceof Task && !done.has(member)) internals.unobserve(member, this.#observer);
    }
  }
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
  const list = members(action, aws, true);
  const timeout = checkTime(action, "timeout", options?.timeout);
  const signal = options?.signal;
  checkSignal(action, signal);
  return new Completions(new Set(list), timeout, signal);
}

interface Reader<M> {
  resolve: (result: IteratorResult<M, undefined>) => void;
  reject: (reason: unknown) => void;
}

interface Resolvers {
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

// One call of asCompleted(): the members in completion order, read by one async cursor and any
// number of plain ones.
class Completions<M, T> implements AsCompletedForm<M, T, 0>, AsCompletedIterator<M> {
  #members: unknown[] = [];
  #completed: unknown[] = [];
  // The async cursor: how many completions it handed out, and the next() calls still waiting.
  #read = 0;
  #readers: Reader<M>[] = [];
  #readerHead = 0;
  #closed = false;
  // The plain form: the promise made for each completion index, the resolvers of those still
  // pending, and how many those are.
  #promises: Promise<T>[] = [];
  #resolvers: (Resolvers | undefined)[] = [];
  #unsettled = 0;
  // Set once the timeout fired or the signal aborted: what the next step rejects with.
  #error: { reason: unknown } | undefined;
  #errorDelivered = false;
  #listening = false;
  // A loop was left: stop listening as soon as no promise handed out waits for a member.
  #releasing = false;
  #timer: Timer | undefined;
  #link: Link | undefined;
  #observer: Observer = (task) => this.#complete(task);

  constructor(inputs: Set<unknown>, timeout: number, signal: AbortSignal | undefined) {
    if (signal?.aborted) {
      this.#members = [...inputs];
      this.#error = { reason: signal.reason };
      return;
    }
    for (const input of inputs) {
      this.#members.push(
        typeof input === "function" ? createTask(input as TaskFn<unknown>) : input,
      );
    }
    if (this.#members.length === 0) return;
    this.#listening = true;
    for (const member of this.#members) {
      if (!this.#listening) break;
      if (member instanceof Task) {
        internals.observe(member, this.#observer);
        continue;
      }
      const complete = () => this.#complete(member);
      try {
        (member as PromiseLike<unknown>).then(complete, complete);
      } catch {
        complete();
      }
    }
    if (!this.#listening) return;
    if (timeout !== Infinity) {
      this.#timer = new Timer(() => {
        const left = this.#members.length - this.#completed.length;
        this.#fail(
          new TimeoutError(
            `Timed out after ${timeout} ms with ${left} of ${this.#members.length} members not completed`,
          ),
        );
      });
      this.#timer.schedule(performance.now() + timeout);
    }
    if (signal !== undefined) this.#link = onAbort(signal, (reason) => this.#fail(reason));
  }

  [Symbol.asyncIterator](): AsCompletedIterator<M> {
    return this;
  }

  next(): Promise<IteratorResult<M, undefined>> {
    if (this.#closed) return Promise.resolve(DONE);
    if (this.#read < this.#completed.length) {
      return Promise.resolve({ value: this.#completed[this.#read++] as M, done: false });
    }
    if (this.#error !== undefined && !this.#errorDelivered) {
      this.#errorDelivered = true;
      return Promise.reject(this.#error.reason);
    }
    if (!this.#listening) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => this.#readers.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<M, undefined>> {
    this.#closed = true;
    for (const reader of this.#takeReaders()) reader.resolve(DONE);
    this.#release();
    return Promise.resolve(DONE);
  }

  [Symbol.iterator](): Iterator<Promise<T>, undefined> {
    let index = 0;
    const iterator: IterableIterator<Promise<T>, undefined> = {
      next: () => {
        if (index >= this.#members.length) return DONE;
        return { value: this.#promise(index++), done: false };
      },
      return: () => {
        index = this.#members.length;
        this.#release();
        return DONE;
      },
      [Symbol.iterator]: () => iterator,
    };
    return iterator;
  }

  #promise(index: number): Promise<T> {
    let promise = this.#promises[index];
    if (promise !== undefined) return promise;
    if (index < this.#completed.length) {
      promise = new Promise((resolve, reject) =>
        this.#settle(this.#completed[index], {
          resolve: resolve as (value: unknown) => void,
          reject,
        })
      );
    } else if (this.#error !== undefined) {
      promise = Promise.reject(this.#error.reason);
    } else {
      promise = new Promise((resolve, reject) => {
        this.#resolvers[index] = { resolve: resolve as (value: unknown) => void, reject };
      });
      this.#unsettled++;
    }
    // A loop may hold several of these before awaiting them: a rejection must not count as
    // unhandled meanwhile (the caller's own await still sees it).
    promise.then(undefined, noop);
    return this.#promises[index] = promise;
  }

  #settle(member: unknown, resolvers: Resolvers): void {
    if (!(member instanceof Task)) return resolvers.resolve(member);
    // The promise carries the failure to the caller now.
    internals.retrieve(member);
    if (internals.state(member) === FULFILLED) resolvers.resolve(internals.outcome(member));
    else resolvers.reject(internals.outcome(member));
  }

  #complete(member: unknown): void {
    if (!this.#listening) return;
    const index = this.#completed.push(member) - 1;
    const reader = this.#readers[this.#readerHead];
    if (reader !== undefined) {
      // Concurrent next() calls are rare; a head index keeps even many of them linear.
      if (++this.#readerHead === this.#readers.length) this.#takeReaders();
      this.#read++;
      reader.resolve({ value: member as M, done: false });
    }
    const resolvers = this.#resolvers[index];
    if (resolvers !== undefined) {
      this.#resolvers[index] = undefined;
      this.#unsettled--;
      this.#settle(member, resolvers);
    }
    if (this.#completed.length === this.#members.length) {
      this.#stop();
      for (const waiting of this.#takeReaders()) waiting.resolve(DONE);
    } else if (this.#releasing) this.#release();
  }

  #fail(reason: unknown): void {
    if (!this.#listening) return;
    this.#stop();
    this.#error = { reason };
    const readers = this.#takeReaders();
    if (readers.length > 0) this.#errorDelivered = true;
    for (const reader of readers) reader.reject(reason);
    const resolvers = this.#resolvers;
    this.#resolvers = [];
    this.#unsettled = 0;
    for (const pending of resolvers) pending?.reject(reason);
  }

  #takeReaders(): Reader<M>[] {
    const readers = this.#readers.slice(this.#readerHead);
    this.#readers = [];
    this.#readerHead = 0;
    return readers;
  }

  // A loop was left. Promises already handed out still settle (so `const [first] = …` works);
  // once none waits, listening stops.
  #release(): void {
    this.#releasing = true;
    if (this.#unsettled === 0 && this.#readerHead === this.#readers.length) this.#stop();
  }

  // Stops listening: the timer, the link and the observers on unfinished tasks go.
  #stop(): void {
    if (!this.#listening) return;
    this.#listening = false;
    this.#timer?.clear();
    if (this.#link !== undefined) offAbort(this.#link);
    if (this.#completed.length === this.#members.length) return;
    for (const member of this.#members) {
      if (member instanceof Task && !member.done()) internals.unobserve(member, this.#observer);
    }
  }
}
