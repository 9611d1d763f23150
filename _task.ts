// Copyright 2026 the @aio/tasks authors. MIT license.
// The Task class, and the access to its private state that the modules building on tasks
// (groups, combinators, time limits) need. That access is made here, with the class, when this
// module is evaluated: no other module fills anything in, and nothing can see it half made.
import { CancelledError, InvalidStateError } from "./errors.ts";
import { aborted, checkFunction, checkMessage, checkSignal, reasonOf } from "./_check.ts";
import { isCancelledError, nameOf, toCancelled } from "./_cancellation.ts";
import { follow, handleRejection } from "./_follow.ts";
import { type Link, offAbort, onAbort } from "./_link.ts";
import { Nesting } from "./_nesting.ts";
import { Parties, type Party } from "./_parties.ts";
import { report, retrieved, unretrievedFailure } from "./_report.ts";
import { StartQueue } from "./_start_queue.ts";
import { showAs } from "./_inspect.ts";
import { tracking, trackTask, untrack } from "./_tracking.ts";
import type { TaskFn, TaskOptions } from "./task.ts";

/** Where a task is in its life; `done()` is true in the last three. */
export type TaskState = "new" | "running" | "fulfilled" | "failed" | "cancelled";

/** Told when a task settles (internal, unlike public done callbacks): see `TaskAccess`. */
// deno-lint-ignore no-explicit-any
export type Observer = (task: Task<any>) => void;

/** What the owner of a future does when someone cancels it. */
// deno-lint-ignore no-explicit-any
export type OnCancel = (task: Task<any>, reason: DOMException) => void;

/**
 * Work that starts on the tasks' start queue, in order with the tasks around it (a gather
 * calling its functions). `run()` must not throw.
 */
export interface Job {
  run(): void;
}

/**
 * A registration made by `TaskAccess.observe`: the observer itself while it is a task's only
 * one (most are), so that it costs no list and no party.
 */
// deno-lint-ignore no-explicit-any
export type Observation = Party<Task<any>> | Observer;

/** What the modules building on tasks may do with them; made with the class. */
export interface TaskAccess {
  /**
   * A task owned by `owner`: its failure counts as retrieved, `owner` is told first when it
   * settles and can never be removed. It starts only on `start()`. With `retrieved` false, its
   * failure is reported like any task's unless someone retrieves it (an owner that hands the
   * task out, as `asCompleted` does).
   */
  owned<T>(
    fn: TaskFn<T>,
    name: string | undefined,
    owner: Observer,
    retrieved?: boolean,
  ): Task<T>;
  /** Queues a task made by `owned()` to start, after the tasks queued before it. */
  start(task: Task<unknown>): void;
  /** Queues a job to run where a task queued now would start. */
  schedule(job: Job): void;
  /** The start queue's mark: what `postponeStarts()` holds back is queued after it. */
  startMark(): number;
  /** Moves the starts queued since `mark` behind the microtasks queued so far (see `StartQueue`). */
  postponeStarts(mark: number): void;
  /**
   * A task with no function, settled by its owner; `onCancel` runs on its first cancel. A
   * future nobody outside sees is given a name, so that it draws no `Task-<n>` number.
   */
  future<T>(onCancel: OnCancel | undefined, options?: { name: string }): Task<T>;
  /** Settles a pending task with a value. */
  fulfil<T>(task: Task<T>, value: T): void;
  /** Settles a pending task with an error (a cancellation makes it cancelled, see §3). */
  reject(task: Task<unknown>, error: unknown): void;
  /** Settles a pending task as cancelled with the given error. */
  endCancelled(task: Task<unknown>, error: unknown): void;
  /** Settles a pending `target` the way `source` (done) settled. */
  adopt(target: Task<unknown>, source: Task<unknown>): void;
  /**
   * Tells `observer` when the task settles; if it is done already, tells it at once and
   * returns `undefined`. O(1).
   */
  observe(task: Task<unknown>, observer: Observer): Observation | undefined;
  /** Removes an observation; O(1), and nothing if it was told already. */
  unobserve(task: Task<unknown>, observation: Observation | undefined): void;
  /** How many observations wait on a task (not counting its owner); for tests. */
  observerCount(task: Task<unknown>): number;
  /** Marks a task's failure as retrieved: it will not be reported. */
  retrieve(task: Task<unknown>): void;
  /** Requests cancellation with a given reason; `false` if the task is done. */
  requestCancel(task: Task<unknown>, reason: DOMException): boolean;
  /** The task's state. */
  state(task: Task<unknown>): TaskState;
  /** The value, error or `CancelledError` of a done task. */
  outcome(task: Task<unknown>): unknown;
  /**
   * A number the task's owner keeps on it (a task group: where the task stands in its list);
   * `-1` until set. Nobody else reads or writes it.
   */
  ownerKey(task: Task<unknown>): number;
  /** Sets the number `ownerKey()` returns. */
  setOwnerKey(task: Task<unknown>, key: number): void;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

// What others attach to a task and most tasks never get, made on first use so that a task
// stays small: at N = 100 000 most of the cost of tasks is the garbage collector's, in
// proportion to their size.
class Attachments {
  // Set once cancellation is requested; the task's signal aborts with it.
  reason: DOMException | undefined = undefined;
  // The link to the parent signal given to createTask().
  link: Link | undefined = undefined;
  // A future's owner's handler for the first cancel().
  onCancel: OnCancel | undefined = undefined;
  // Done callbacks not handed to a microtask yet, also once the task is done while its
  // settling is still to be told (see StartQueue.defer); typed without T so that Task<T> stays
  // covariant.
  // deno-lint-ignore no-explicit-any
  callbacks: ((task: any) => void)[] | undefined = undefined;
  // The callbacks handed to a microtask that has not run yet: callbacks added meanwhile join
  // them, so that all run, in registration order, before any error of theirs is reported.
  // deno-lint-ignore no-explicit-any
  queued: ((task: any) => void)[] | undefined = undefined;
  // The promise handed out by then(), catch() and finally().
  // deno-lint-ignore no-explicit-any
  deferred: Deferred<any> | undefined = undefined;
}

let counter = 0;
// Set by the internal factories for the duration of one `new Task()`.
let building = false;
// The access granted to the other modules; made in the class's static block below.
let access: TaskAccess;
// How a task's function's outcome settles the task (`this`); made in the same static block.
// The brand check behind `isTask()`; made in the same static block.
let branded: (value: object) => boolean;
let fulfilTask: (this: Task<unknown>, value: unknown) => void;
let failTask: (this: Task<unknown>, error: unknown) => void;

// deno-lint-ignore no-explicit-any
function runCallbacks(task: Task<any>, callbacks: ((task: any) => void)[]): void {
  let failures: unknown[] | undefined;
  for (const callback of callbacks) {
    try {
      callback(task);
    } catch (error) {
      (failures ??= []).push(error);
    }
  }
  // Only once every callback ran: on Deno, reportError ends the program by default.
  if (failures !== undefined) { for (const error of failures) report(error); }
}

// The closures below live in functions of their own: a closure over `this` or a local makes
// its enclosing function allocate a context at every call, whichever path the call takes, and
// the constructor and the settling of a task run for every task.

function queueCallbacks(
  // deno-lint-ignore no-explicit-any
  task: Task<any>,
  attachments: Attachments,
  // deno-lint-ignore no-explicit-any
  callbacks: ((task: any) => void)[],
): void {
  attachments.queued = callbacks;
  queueMicrotask(() => {
    if (attachments.queued === callbacks) attachments.queued = undefined;
    runCallbacks(task, callbacks);
  });
}

// Cancels `task` when `signal` aborts.
function linkToParent(signal: AbortSignal, task: Task<unknown>): Link | undefined {
  return onAbort(signal, (reason) => access.requestCancel(task, toCancelled(reason)));
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
  static #starts = new StartQueue<Task<unknown> | Job>(
    (item) => item instanceof Task ? Task.#run(item) : item.run(),
    (task) => Task.#telling.run(task as Task<unknown>),
  );
  // Telling runs observers, which may settle more tasks (a chain of gathers or shields): bounded,
  // so that no chain overflows the call stack.
  static #telling = new Nesting<Task<unknown>>((task) => task.#tell());

  static {
    branded = (value) => #state in value;
    fulfilTask = function (value) {
      this.#fulfil(value);
    };
    failTask = function (error) {
      this.#fail(error);
    };
    access = {
      owned: <T>(fn: TaskFn<T>, name: string | undefined, owner: Observer, retrieved = true) => {
        building = true;
        const task = new Task<T>(fn, name === undefined ? undefined : { name });
        task.#retrieved = retrieved;
        task.#owner = owner;
        return task;
      },
      start: (task) => Task.#starts.push(task),
      schedule: (job) => Task.#starts.push(job),
      startMark: () => Task.#starts.mark,
      postponeStarts: (mark) => Task.#starts.postpone(mark),
      future: <T>(onCancel: OnCancel | undefined, options?: { name: string }) => {
        building = true;
        const task = new Task<T>(undefined as unknown as TaskFn<T>, options);
        task.#state = "running";
        if (onCancel !== undefined) (task.#attachments = new Attachments()).onCancel = onCancel;
        return task;
      },
      fulfil: (task, value) => task.#fulfil(value),
      reject: (task, error) => task.#fail(error),
      endCancelled: (task, error) => {
        if (!task.done()) task.#settle("cancelled", error);
      },
      adopt: (target, source) => {
        if (!target.done()) target.#settle(source.#state, source.#value);
      },
      observe: (task, observer) => {
        if (task.done()) {
          observer(task);
          return undefined;
        }
        const observers = task.#observers;
        if (observers === undefined) return task.#observers = observer;
        if (typeof observers !== "function") return observers.add(observer);
        // A second observer: the first becomes the oldest party of a list (see `unobserve`).
        const list = task.#observers = new Parties();
        list.add(observers);
        return list.add(observer);
      },
      unobserve: (task, observation) => {
        if (observation === undefined) return;
        const observers = task.#observers;
        if (observers === undefined) return;
        if (typeof observation !== "function") {
          if (typeof observers !== "function") observers.remove(observation);
        } else if (observers === observation) task.#observers = undefined;
        // An observer that was alone when it came is the oldest of the list, if still there.
        else if (typeof observers !== "function") observers.removeOldest(observation);
      },
      observerCount: (task) => {
        const observers = task.#observers;
        return observers === undefined ? 0 : typeof observers === "function" ? 1 : observers.size;
      },
      retrieve: (task) => task.#markRetrieved(),
      requestCancel: (task, reason) => task.#requestCancel(reason),
      state: (task) => task.#state,
      outcome: (task) => task.#value,
      ownerKey: (task) => task.#ownerKey,
      setOwnerKey: (task, key) => {
        task.#ownerKey = key;
      },
    };
  }

  // `Task { name: "fetch-1", state: "running" }` in console.log and inspect; a done task also
  // shows its result or error (showing does not count as retrieving a failure).
  static {
    showAs(this.prototype, "Task", (task) => {
      const state = task.#state;
      const shown: Record<string, unknown> = {
        name: task.name,
        state: state === "new" ? "not started" : state,
      };
      if (state === "fulfilled") shown.result = task.#value;
      else if (state === "failed") shown.error = task.#value;
      return shown;
    });
  }

  // The function until it starts, then the value, error or CancelledError.
  #value: unknown;
  #state: TaskState = "new";
  // The given name, or the n of `Task-<n>` until the name is first read.
  #name: string | number;
  #controller: AbortController | undefined = undefined;
  #owner: Observer | undefined = undefined;
  // The observers: one alone, or a list once there were two at once.
  // deno-lint-ignore no-explicit-any
  #observers: Parties<Task<any>> | Observer | undefined = undefined;
  #ownerKey = -1;
  #retrieved = false;
  #attachments: Attachments | undefined = undefined;

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
    // Checked before a name is drawn, so bad input leaves no gap in the `Task-<n>` numbers, and
    // before the options are read, so that a promise given as `fn` is handled whatever they do.
    if (!internal) checkFunction("create task", "fn", fn);
    const signal = internal ? undefined : options?.signal;
    if (!internal) checkSignal("create task", signal);
    this.#value = fn;
    const name = options?.name;
    this.#name = name === undefined ? ++counter : String(name);
    if (internal) return;
    if (signal !== undefined) {
      const attachments = this.#attachments = new Attachments();
      if (aborted(signal)) {
        attachments.reason = toCancelled(reasonOf(signal));
        this.#state = "cancelled";
        this.#value = attachments.reason;
        return;
      }
      attachments.link = linkToParent(signal, this);
      // Reading the signal's state ran its code, which may have aborted it: then it is over.
      if (this.#state !== "new") return;
    }
    if (tracking) trackTask(this, signal);
    Task.#starts.push(this);
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
    let controller = this.#controller;
    if (controller === undefined) {
      controller = this.#controller = new AbortController();
      const reason = this.#attachments?.reason;
      if (reason !== undefined) controller.abort(reason);
    }
    return controller.signal;
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
    const state = this.#state;
    return state !== "new" && state !== "running";
  }

  /**
   * Whether the task ended cancelled.
   *
   * @returns `true` if the task is done and was cancelled.
   */
  cancelled(): boolean {
    return this.#state === "cancelled";
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
    const text = checkMessage("cancel task", message);
    if (this.done()) return false;
    if (this.#attachments?.reason === undefined) this.#requestCancel(new CancelledError(text));
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
      case "fulfilled":
        return this.#value as T;
      case "failed":
        this.#markRetrieved();
        throw this.#value;
      case "cancelled":
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
      case "fulfilled":
        return undefined;
      case "failed":
        this.#markRetrieved();
        return this.#value;
      case "cancelled":
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
   * throws is reported (`reportError` where it exists, otherwise `console.error`) once the
   * callbacks due with it have run: the others still run. A thrown value whose prototype
   * chain cannot be read (a revoked proxy) is reported as a `TypeError` that says so, as
   * `reportError` would throw on it. Adding a callback counts as retrieving the task's failure.
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
    const attachments = this.#attachments ??= new Attachments();
    // Pending, or done and still to be told: it runs with the callbacks registered before it.
    if (!this.done() || attachments.callbacks !== undefined) {
      (attachments.callbacks ??= []).push(callback);
    } else if (attachments.queued !== undefined) attachments.queued.push(callback);
    else queueCallbacks(this, attachments, [callback]);
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
    // Nothing to check (anything else is simply not registered), but a promise is handled.
    if (typeof callback !== "function") handleRejection(callback);
    const attachments = this.#attachments;
    const callbacks = attachments?.callbacks;
    if (callbacks === undefined) return 0;
    const kept = callbacks.filter((c) => c !== callback);
    attachments!.callbacks = kept;
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
    const attachments = this.#attachments ??= new Attachments();
    if (attachments.deferred === undefined) {
      const deferred = {} as Deferred<T>;
      deferred.promise = new Promise<T>((resolve, reject) => {
        deferred.resolve = resolve as (value: T) => void;
        deferred.reject = reject;
      });
      attachments.deferred = deferred;
      if (this.#state === "fulfilled") deferred.resolve(this.#value as T);
      else if (this.done()) deferred.reject(this.#value);
    }
    return attachments.deferred.promise;
  }

  // Static, so that the task is not the receiver of a frame on the stack while its function
  // runs: errors made there keep their stack's receivers alive (Deno keeps them even once the
  // stack is formatted), and the report of a failure nobody retrieved waits for the task to go.
  static #run<T>(task: Task<T>): void {
    if (task.#state !== "new") return;
    task.#state = "running";
    const fn = task.#value as TaskFn<T>;
    task.#value = undefined;
    let result: T | PromiseLike<T>;
    try {
      result = fn(task.signal);
    } catch (error) {
      return task.#fail(error);
    }
    // Bound to the task rather than closures over it: two bound functions take less memory than
    // two closures and the context they share, and a pending task keeps them until it settles.
    follow(result, fulfilTask.bind(task), failTask.bind(task), task);
  }

  #fulfil(value: T): void {
    if (!this.done()) this.#settle("fulfilled", value);
  }

  #fail(error: unknown): void {
    if (this.done()) return;
    const reason = this.#attachments?.reason;
    if (isCancelledError(error)) this.#settle("cancelled", error);
    else if (reason !== undefined && (error === reason || nameOf(error) === "AbortError")) {
      this.#settle("cancelled", reason);
    } else this.#settle("failed", error);
  }

  #requestCancel(reason: DOMException): boolean {
    if (this.done()) return false;
    const attachments = this.#attachments ??= new Attachments();
    if (attachments.reason !== undefined) return true;
    attachments.reason = reason;
    if (this.#state === "new") {
      this.#settle("cancelled", reason);
      // Someone may have read the signal already and linked work to it.
      this.#controller?.abort(reason);
      return true;
    }
    const onCancel = attachments.onCancel;
    attachments.onCancel = undefined;
    onCancel?.(this, reason);
    // After the owner's handler: a future it settled has no listener left to surprise.
    this.#controller?.abort(reason);
    return true;
  }

  #settle(state: TaskState, result: unknown): void {
    // Settled once: classifying an outcome runs user code (a proxy's traps, an error's getters),
    // which may have settled the task meanwhile (cancelling a future its owner ends at once).
    if (this.done()) return;
    if (tracking) untrack(this);
    this.#state = state;
    this.#value = result;
    const attachments = this.#attachments;
    if (attachments !== undefined) {
      attachments.onCancel = undefined;
      if (attachments.link !== undefined) {
        offAbort(attachments.link);
        attachments.link = undefined;
      }
      const deferred = attachments.deferred;
      if (deferred !== undefined) {
        if (state === "fulfilled") deferred.resolve(result as T);
        else deferred.reject(result);
      }
    }
    if (state === "failed" && !this.#retrieved) unretrievedFailure(this, this.name, result);
    if (Task.#starts.running) Task.#starts.defer(this);
    else Task.#telling.run(this);
  }

  // Tells the owner, the observers and (in a microtask) the done callbacks that the task is
  // done.
  #tell(): void {
    const owner = this.#owner;
    if (owner !== undefined) {
      this.#owner = undefined;
      try {
        owner(this);
      } catch (error) {
        report(error);
      }
    }
    const observers = this.#observers;
    if (observers !== undefined) {
      this.#observers = undefined;
      if (typeof observers !== "function") observers.tell(this);
      else {
        try {
          observers(this);
        } catch (error) {
          report(error);
        }
      }
    }
    const attachments = this.#attachments;
    const callbacks = attachments?.callbacks;
    if (callbacks !== undefined) {
      attachments!.callbacks = undefined;
      if (callbacks.length > 0) queueCallbacks(this, attachments!, callbacks);
    }
  }

  #markRetrieved(): void {
    if (this.#retrieved) return;
    this.#retrieved = true;
    if (this.#state === "failed") retrieved(this);
  }

  #pending(action: string): InvalidStateError {
    return new InvalidStateError(
      `Cannot ${action} task ${JSON.stringify(this.name)}: the task is still pending`,
    );
  }
}

/** What the modules building on tasks may do with them. */
export const tasks: TaskAccess = access;

/**
 * Whether `value` is a task, by a brand check: unlike `instanceof`, it runs no code of the
 * value's (a proxy's `getPrototypeOf` trap may throw), so it is how a user value is told apart.
 */
export function isTask(value: unknown): value is Task<unknown> {
  return typeof value === "object" && value !== null && branded(value);
}
