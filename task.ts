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
import { CancelledError, InvalidStateError } from "./errors.ts";
import { checkFunction, checkSignal, show } from "./_format.ts";
import { type Link, offAbort, onAbort } from "./_link.ts";
import {
  CANCELLED,
  FAILED,
  FULFILLED,
  internals,
  isThenable,
  NEW,
  type Observer,
  type OnCancel,
  RUNNING,
} from "./_internal.ts";

/**
 * A task function: what a task runs. It receives the task's `AbortSignal` and should pass it
 * to whatever it awaits, so that cancelling the task reaches that work.
 *
 * A function that declares no parameter (`fn.length === 0`) is called without one, and the
 * task then creates its signal only if something asks for it. A wrapper written with rest
 * parameters (`(...args) => …`) therefore receives no signal: declare it, as in
 * `(signal, ...args) => …`.
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
  name?: string;
  /**
   * A parent signal: when it aborts, the task is cancelled. Its `CancelledError` is the
   * parent's reason if that is one, otherwise a new one whose `cause` is the parent's reason.
   * Already aborted: the task is cancelled and its function never called.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/** Options for {@linkcode shield}. */
export interface ShieldOptions {
  /**
   * A signal that cancels the returned task (never the shielded work) when it aborts.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

const unretrieved = new FinalizationRegistry<{ name: string; error: unknown }>(
  ({ name, error }) => {
    console.error(`Task exception was never retrieved (task ${JSON.stringify(name)})`, error);
  },
);

let counter = 0;
// Set by internal factories for the duration of one `new Task()`.
let building = false;

// Tasks wait to start in a queue linked through the tasks themselves. One microtask drains it,
// including tasks that running functions add meanwhile, so starting a million tasks neither
// nests, nor queues a million microtasks, nor grows an array.
let head: Task<unknown> | undefined;
let tail: Task<unknown> | undefined;
let draining = false;
let enqueue: (task: Task<unknown>) => void;
let drain: () => void;

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

// The parts of a task that most tasks never need, kept apart so that a task stays small: at
// N = 100 000 most of the cost of tasks is the garbage collector's, in proportion to their size.
class Rare {
  controller: AbortController | undefined = undefined;
  // Set once cancellation is requested; the task's signal aborts with it.
  reason: DOMException | undefined = undefined;
  // Typed without T so that Task<T> stays covariant (a Task<number> is a Task<unknown>).
  // deno-lint-ignore no-explicit-any
  callbacks: ((task: any) => void)[] | undefined = undefined;
  // deno-lint-ignore no-explicit-any
  deferred: Deferred<any> | undefined = undefined;
  onCancel: OnCancel | undefined = undefined;
  link: Link | undefined = undefined;
}

function report(error: unknown): void {
  if (typeof globalThis.reportError === "function") globalThis.reportError(error);
  else console.error(error);
}

// deno-lint-ignore no-explicit-any
function runCallbacks(task: Task<any>, callbacks: ((task: any) => void)[]): void {
  for (const callback of callbacks) {
    try {
      callback(task);
    } catch (error) {
      report(error);
    }
  }
}

function toCancelled(reason: unknown): CancelledError {
  return reason instanceof CancelledError
    ? reason
    : new CancelledError("The parent signal was aborted", { cause: reason });
}

/**
 * A unit of concurrent work: asyncio's `Task`. It runs a task function, can be cancelled
 * through its `AbortSignal`, reports its state without being awaited, and is awaitable like a
 * promise (it implements `PromiseLike`, with `then`, `catch` and `finally`).
 *
 * A task is pending until its function settles, then **fulfilled**, **failed** or
 * **cancelled**:
 * - the function returns or resolves `v` → fulfilled with `v`, even after `cancel()` (it chose
 *   to finish);
 * - it throws or rejects with a `CancelledError` → cancelled;
 * - it throws or rejects with an error named `"AbortError"` while the task's signal is aborted →
 *   cancelled;
 * - anything else → failed with that error.
 *
 * Tasks are made with {@linkcode createTask} (`new Task(fn, options)` is the same), by a task
 * group's `createTask()`, and by the combinators. The function starts in a microtask, after the
 * synchronous code that created the task, in creation order.
 *
 * A failure that nobody retrieves (by awaiting, `result()`, `exception()`, a done callback, or
 * a combinator or group that owns the task) is reported once through `console.error` when the
 * task is garbage-collected. A task never causes an unhandled promise rejection by itself, and
 * a cancellation is never reported.
 *
 * @typeParam T The value the task fulfils with.
 *
 * @example Inspecting a task without awaiting it
 * ```ts
 * import { createTask } from "@aio/tasks/task";
 * import assert from "node:assert/strict";
 *
 * const task = createTask(() => 6 * 7);
 * assert.equal(task.done(), false);
 * await task;
 * assert.equal(task.done(), true);
 * assert.equal(task.result(), 42);
 * assert.equal(task.exception(), undefined);
 * ```
 */
export class Task<T> implements PromiseLike<T> {
  static {
    internals.child = <T>(fn: TaskFn<T>, name: string | undefined, observer: Observer) => {
      building = true;
      const task = new Task<T>(fn, name === undefined ? undefined : { name });
      task.#retrieved = true;
      task.#observers = observer;
      return task;
    };
    internals.start = (task) => enqueue(task);
    internals.future = <T>(onCancel: OnCancel) => {
      building = true;
      const task = new Task<T>(undefined as unknown as TaskFn<T>);
      task.#state = RUNNING;
      (task.#rare = new Rare()).onCancel = onCancel;
      return task;
    };
    internals.fulfil = (task, value) => task.#fulfil(value);
    internals.fail = (task, error) => task.#fail(error);
    internals.cancelled = (task, error) => {
      if (task.#state < FULFILLED) task.#settle(CANCELLED, error);
    };
    internals.adopt = (target, source) => {
      if (target.#state < FULFILLED) target.#settle(source.#state, source.#value);
    };
    internals.observe = (task, observer) => {
      const observers = task.#observers;
      if (task.#state >= FULFILLED) observer(task);
      else if (observers === undefined) task.#observers = observer;
      else if (typeof observers === "function") task.#observers = [observers, observer];
      else observers.push(observer);
    };
    internals.unobserve = (task, observer) => {
      const observers = task.#observers;
      if (observers === observer) task.#observers = undefined;
      else if (Array.isArray(observers)) {
        const index = observers.indexOf(observer);
        if (index >= 0) observers.splice(index, 1);
      }
    };
    internals.retrieve = (task) => task.#markRetrieved();
    internals.cancelWith = (task, reason) => task.#requestCancel(reason);
    internals.state = (task) => task.#state;
    internals.outcome = (task) => task.#value;
    internals.slot = (task) => task.#slot;
    internals.setSlot = (task, slot) => {
      task.#slot = slot;
    };
    internals.toCancelled = toCancelled;
    enqueue = (task) => {
      if (tail === undefined) {
        head = task;
        if (!draining) queueMicrotask(drain);
      } else tail.#next = task;
      tail = task;
    };
    drain = () => {
      draining = true;
      try {
        while (head !== undefined) {
          const task = head;
          head = task.#next;
          task.#next = undefined;
          if (head === undefined) tail = undefined;
          Task.#run(task);
        }
      } finally {
        draining = false;
        // Only after an internal error: the tasks still queued must start all the same.
        if (head !== undefined) queueMicrotask(drain);
      }
    };
  }

  // The function until it starts, then the value, error or CancelledError.
  #value: unknown;
  #state: number = NEW;
  #observers: Observer | Observer[] | undefined = undefined;
  // The given name, or the n of `Task-<n>` until the name is first read.
  #name: string | number;
  #slot = -1;
  #retrieved = false;
  #next: Task<unknown> | undefined = undefined;
  #rare: Rare | undefined = undefined;

  /**
   * Creates and schedules a task; the same as {@linkcode createTask}.
   *
   * @param fn The task function, called with the task's signal.
   * @param options The task's name and parent signal.
   * @throws {TypeError} If `fn` is not a function or `options.signal` is not an `AbortSignal`.
   */
  constructor(fn: TaskFn<T>, options?: TaskOptions) {
    const internal = building;
    building = false;
    const signal = internal ? undefined : options?.signal;
    // Checked before a name is drawn, so bad input leaves no gap in the `Task-<n>` numbers.
    if (!internal) {
      checkFunction("create task", "fn", fn);
      checkSignal("create task", signal);
    }
    this.#value = fn;
    const name = options?.name;
    this.#name = name === undefined ? ++counter : String(name);
    if (internal) return;
    if (signal !== undefined) {
      const rare = this.#rare = new Rare();
      if (signal.aborted) {
        rare.reason = toCancelled(signal.reason);
        this.#state = CANCELLED;
        this.#value = rare.reason;
        return;
      }
      rare.link = onAbort(signal, (reason) => this.#requestCancel(toCancelled(reason)));
    }
    enqueue(this);
  }

  /** The task's name: the one given at creation, or `Task-<n>`. Assignable. */
  get name(): string {
    const name = this.#name;
    return typeof name === "string" ? name : (this.#name = `Task-${name}`);
  }

  set name(value: string) {
    this.#name = String(value);
  }

  /**
   * The task's signal, handed to its function. It aborts with a `CancelledError` when the task
   * is cancelled and never aborts otherwise.
   */
  get signal(): AbortSignal {
    const rare = this.#rare ??= new Rare();
    if (rare.controller === undefined) {
      rare.controller = new AbortController();
      if (rare.reason !== undefined) rare.controller.abort(rare.reason);
    }
    return rare.controller.signal;
  }

  /** `"Task"`, for `Object.prototype.toString`. */
  get [Symbol.toStringTag](): string {
    return "Task";
  }

  /**
   * Whether the task has finished: fulfilled, failed or cancelled.
   *
   * @returns `true` once the task is no longer pending.
   */
  done(): boolean {
    return this.#state >= FULFILLED;
  }

  /**
   * Whether the task ended cancelled.
   *
   * @returns `true` if the task is done and was cancelled.
   */
  cancelled(): boolean {
    return this.#state === CANCELLED;
  }

  /**
   * Requests cancellation: asyncio's `Task.cancel()`.
   *
   * The first call aborts the task's signal with `new CancelledError(message)`. A task whose
   * function has not started yet becomes cancelled at once and its function is never called. A
   * running task stays pending until its function settles: cancellation is cooperative.
   *
   * @param message The message of the `CancelledError`.
   * @returns `false` if the task is already done, otherwise `true` (also on repeated calls).
   *
   * @example Cancelling before the task starts
   * ```ts
   * import { createTask } from "@aio/tasks/task";
   * import assert from "node:assert/strict";
   *
   * let called = false;
   * const task = createTask(() => { called = true; });
   * assert.equal(task.cancel("not needed"), true);
   * assert.equal(task.cancelled(), true);
   * await task.catch(() => {});
   * assert.equal(called, false);
   * assert.equal(task.cancel(), false);
   * ```
   */
  cancel(message?: string): boolean {
    if (this.#state >= FULFILLED) return false;
    if (this.#rare?.reason === undefined) this.#requestCancel(new CancelledError(message));
    return true;
  }

  /**
   * The task's value: asyncio's `Task.result()`.
   *
   * @returns The value the task fulfilled with.
   * @throws {unknown} The task's error if it failed.
   * @throws {CancelledError} The task's cancellation if it was cancelled.
   * @throws {InvalidStateError} If the task is still pending.
   *
   * @example Reading a result after awaiting
   * ```ts
   * import { createTask } from "@aio/tasks/task";
   * import assert from "node:assert/strict";
   *
   * const task = createTask(async () => "value");
   * await task;
   * assert.equal(task.result(), "value");
   * ```
   */
  result(): T {
    switch (this.#state) {
      case FULFILLED:
        return this.#value as T;
      case FAILED:
        this.#markRetrieved();
        throw this.#value;
      case CANCELLED:
        throw this.#value;
      default:
        throw this.#pending("get the result of");
    }
  }

  /**
   * The task's error: asyncio's `Task.exception()`.
   *
   * @returns The error if the task failed, `undefined` if it fulfilled.
   * @throws {CancelledError} The task's cancellation if it was cancelled.
   * @throws {InvalidStateError} If the task is still pending.
   *
   * @example Reading a failure without throwing it
   * ```ts
   * import { createTask } from "@aio/tasks/task";
   * import assert from "node:assert/strict";
   *
   * const task = createTask(() => { throw new Error("boom"); });
   * await task.catch(() => {});
   * assert.equal((task.exception() as Error).message, "boom");
   * ```
   */
  exception(): unknown {
    switch (this.#state) {
      case FULFILLED:
        return undefined;
      case FAILED:
        this.#markRetrieved();
        return this.#value;
      case CANCELLED:
        throw this.#value;
      default:
        throw this.#pending("get the exception of");
    }
  }

  /**
   * Calls `callback(task)` once the task is done: asyncio's `add_done_callback()`.
   *
   * Callbacks run asynchronously (never inside the call that settled or cancelled the task),
   * once each, in registration order, also when added after the task is done. A callback that
   * throws is reported (`reportError` where it exists, otherwise `console.error`) and the
   * others still run. Adding a callback counts as retrieving the task's failure.
   *
   * @param callback Called with the task.
   * @throws {TypeError} If `callback` is not a function.
   *
   * @example Reacting to completion
   * ```ts
   * import { createTask } from "@aio/tasks/task";
   * import assert from "node:assert/strict";
   *
   * const seen: string[] = [];
   * const task = createTask(() => 1, { name: "one" });
   * const done = new Promise<void>((resolve) => {
   *   task.addDoneCallback((t) => { seen.push(t.name); resolve(); });
   * });
   * await done;
   * assert.deepEqual(seen, ["one"]);
   * ```
   */
  addDoneCallback(callback: (task: Task<T>) => void): void {
    checkFunction("add done callback", "callback", callback);
    this.#markRetrieved();
    if (this.#state >= FULFILLED) queueMicrotask(() => runCallbacks(this, [callback]));
    else ((this.#rare ??= new Rare()).callbacks ??= []).push(callback);
  }

  /**
   * Removes every registration of `callback`: asyncio's `remove_done_callback()`.
   *
   * @param callback A callback given to {@linkcode Task.addDoneCallback}.
   * @returns How many registrations were removed.
   *
   * @example Removing a callback before the task ends
   * ```ts
   * import { createTask } from "@aio/tasks/task";
   * import assert from "node:assert/strict";
   *
   * const task = createTask(() => 1);
   * const callback = () => {};
   * task.addDoneCallback(callback);
   * task.addDoneCallback(callback);
   * assert.equal(task.removeDoneCallback(callback), 2);
   * await task;
   * ```
   */
  removeDoneCallback(callback: (task: Task<T>) => void): number {
    const rare = this.#rare;
    const callbacks = rare?.callbacks;
    if (callbacks === undefined) return 0;
    const kept = callbacks.filter((c) => c !== callback);
    rare!.callbacks = kept;
    return callbacks.length - kept.length;
  }

  /**
   * Awaits the task like a promise: fulfils with its value, rejects with its error or its
   * `CancelledError`. Counts as retrieving the task's failure.
   *
   * @typeParam R1 The type `onfulfilled` returns.
   * @typeParam R2 The type `onrejected` returns.
   * @param onfulfilled Called with the value.
   * @param onrejected Called with the error or `CancelledError`.
   * @returns A promise for what the called handler returns.
   *
   * @example Awaiting a task
   * ```ts
   * import { createTask } from "@aio/tasks/task";
   * import assert from "node:assert/strict";
   *
   * const doubled = await createTask(() => 21).then((v) => v * 2);
   * assert.equal(doubled, 42);
   * ```
   */
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this.#markRetrieved();
    return this.#promise().then(onfulfilled, onrejected);
  }

  /**
   * Handles the task's failure or cancellation like `Promise.prototype.catch`.
   *
   * @typeParam R The type `onrejected` returns.
   * @param onrejected Called with the error or `CancelledError`.
   * @returns A promise for the value, or for what `onrejected` returns.
   *
   * @example Turning a failure into a value
   * ```ts
   * import { createTask } from "@aio/tasks/task";
   * import assert from "node:assert/strict";
   *
   * const task = createTask((): number => { throw new Error("boom"); });
   * assert.equal(await task.catch(() => -1), -1);
   * ```
   */
  catch<R = never>(
    onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null,
  ): Promise<T | R> {
    return this.then(undefined, onrejected);
  }

  /**
   * Runs `onfinally` when the task is done, like `Promise.prototype.finally`.
   *
   * @param onfinally Called once the task is done.
   * @returns A promise that settles like the task, after `onfinally`.
   *
   * @example Cleaning up after a task
   * ```ts
   * import { createTask } from "@aio/tasks/task";
   * import assert from "node:assert/strict";
   *
   * let closed = false;
   * await createTask(() => "ok").finally(() => { closed = true; });
   * assert.equal(closed, true);
   * ```
   */
  finally(onfinally?: (() => void) | null): Promise<T> {
    this.#markRetrieved();
    return this.#promise().finally(onfinally);
  }

  #promise(): Promise<T> {
    const rare = this.#rare ??= new Rare();
    if (rare.deferred === undefined) {
      const deferred = {} as Deferred<T>;
      deferred.promise = new Promise<T>((resolve, reject) => {
        deferred.resolve = resolve as (value: T) => void;
        deferred.reject = reject;
      });
      rare.deferred = deferred;
      if (this.#state === FULFILLED) deferred.resolve(this.#value as T);
      else if (this.#state >= FAILED) deferred.reject(this.#value);
    }
    return rare.deferred.promise;
  }

  // Static, so that the task is not the receiver of a frame on the stack while its function
  // runs: errors made there keep their stack's receivers (Deno keeps them even once the stack
  // is formatted), and a failure that held its own task could never be collected and reported.
  static #run<T>(task: Task<T>): void {
    if (task.#state !== NEW) return;
    task.#state = RUNNING;
    const fn = task.#value as TaskFn<T>;
    task.#value = undefined;
    let result: T | PromiseLike<T>;
    try {
      result = fn.length === 0 ? (fn as () => T | PromiseLike<T>)() : fn(task.signal);
    } catch (error) {
      return task.#fail(error);
    }
    if (!isThenable(result)) return task.#fulfil(result);
    // Another thenable may fulfil with a thenable: Promise.resolve() flattens it as `await` does.
    if (!(result instanceof Promise) && !(result instanceof Task)) result = Promise.resolve(result);
    try {
      result.then((value) => task.#fulfil(value), (error) => task.#fail(error));
    } catch (error) {
      task.#fail(error);
    }
  }

  #fulfil(value: T): void {
    if (this.#state < FULFILLED) this.#settle(FULFILLED, value);
  }

  #fail(error: unknown): void {
    if (this.#state >= FULFILLED) return;
    const reason = this.#rare?.reason;
    if (error instanceof CancelledError) this.#settle(CANCELLED, error);
    else if (
      reason !== undefined &&
      (error === reason || (error as Error | undefined)?.name === "AbortError")
    ) {
      this.#settle(CANCELLED, reason);
    } else this.#settle(FAILED, error);
  }

  #requestCancel(reason: DOMException): boolean {
    if (this.#state >= FULFILLED) return false;
    const rare = this.#rare ??= new Rare();
    if (rare.reason !== undefined) return true;
    rare.reason = reason;
    rare.controller?.abort(reason);
    if (this.#state === NEW) this.#settle(CANCELLED, reason);
    else if (rare.onCancel !== undefined) {
      const onCancel = rare.onCancel;
      rare.onCancel = undefined;
      onCancel(this, reason);
    }
    return true;
  }

  #settle(state: number, result: unknown): void {
    this.#state = state;
    this.#value = result;
    const rare = this.#rare;
    if (rare !== undefined) {
      rare.onCancel = undefined;
      if (rare.link !== undefined) {
        offAbort(rare.link);
        rare.link = undefined;
      }
      const deferred = rare.deferred;
      if (deferred !== undefined) {
        if (state === FULFILLED) deferred.resolve(result as T);
        else deferred.reject(result);
      }
    }
    if (state === FAILED && !this.#retrieved) {
      unretrieved.register(this, { name: this.name, error: result }, this);
    }
    const observers = this.#observers;
    if (observers !== undefined) {
      this.#observers = undefined;
      if (typeof observers === "function") observers(this);
      else for (const observer of observers) observer(this);
    }
    const callbacks = rare?.callbacks;
    if (callbacks !== undefined) {
      rare!.callbacks = undefined;
      if (callbacks.length > 0) queueMicrotask(() => runCallbacks(this, callbacks));
    }
  }

  #markRetrieved(): void {
    if (this.#retrieved) return;
    this.#retrieved = true;
    if (this.#state === FAILED) unretrieved.unregister(this);
  }

  #pending(action: string): InvalidStateError {
    return new InvalidStateError(
      `Cannot ${action} task ${JSON.stringify(this.name)}: the task is still pending`,
    );
  }
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
  const signal = options?.signal;
  checkSignal("shield", signal);
  if (typeof aw !== "function" && !isThenable(aw)) {
    throw new TypeError(
      `Cannot shield as 'aw' must be a task, a promise or a task function: current value is ${
        show(aw)
      }`,
    );
  }
  let link: Link | undefined;
  const follow: Observer = (inner) => {
    if (link !== undefined) offAbort(link);
    internals.adopt(outer, inner);
  };
  const outer = internals.future<T>((task, reason) => {
    if (link !== undefined) offAbort(link);
    if (inner instanceof Task) internals.unobserve(inner, follow);
    internals.cancelled(task, reason);
  });
  if (signal?.aborted) {
    internals.cancelled(outer, toCancelled(signal.reason));
    if (aw instanceof Task) internals.retrieve(aw);
    return outer;
  }
  const inner = typeof aw === "function" && !(aw instanceof Task) ? createTask(aw) : aw;
  if (inner instanceof Task) {
    internals.retrieve(inner);
    internals.observe(inner, follow);
  } else {
    Promise.resolve(inner).then(
      (value) => {
        if (link !== undefined) offAbort(link);
        internals.fulfil(outer, value);
      },
      (error) => {
        if (link !== undefined) offAbort(link);
        internals.fail(outer, error);
      },
    );
  }
  if (signal !== undefined && !outer.done()) {
    link = onAbort(signal, (reason) => internals.cancelWith(outer, toCancelled(reason)));
  }
  return outer;
}
