// Copyright 2026 the @aio/tasks authors. MIT license.
import assert from "node:assert/strict";
import { CancelledError, InvalidStateError } from "../errors.ts";
import { createTask, Task } from "../task.ts";
import { tasks } from "../_task.ts";
import { countListeners, deferred, flush } from "./_fixtures.ts";

/** A thenable that is not a promise, calling back synchronously from `then()`. */
function thenable<T>(
  then: (onFulfilled: (value: T) => void, onRejected: (error: unknown) => void) => void,
): PromiseLike<T> {
  return { then } as unknown as PromiseLike<T>;
}

/** Waits for a task to be done without caring how it ended. */
async function settled(task: Task<unknown>): Promise<void> {
  await task.then(() => {}, () => {});
}

function nameNumber(task: Task<unknown>): number {
  const match = /^Task-(\d+)$/.exec(task.name);
  assert.ok(match, `expected a default name, got ${task.name}`);
  return Number(match[1]);
}

/**
 * Collects what a throwing done callback reports: through `reportError` (an `error` event on
 * `globalThis`, whose default the test prevents) where it exists, otherwise `console.error`.
 */
function captureReports(): { errors: unknown[]; [Symbol.dispose](): void } {
  const errors: unknown[] = [];
  const target = globalThis as unknown as Partial<EventTarget>;
  const viaEvent = typeof (globalThis as { reportError?: unknown }).reportError === "function" &&
    typeof target.addEventListener === "function";
  const onError = (event: Event) => {
    event.preventDefault();
    errors.push((event as ErrorEvent).error);
  };
  const original = console.error;
  if (viaEvent) target.addEventListener!("error", onError);
  else console.error = (...args: unknown[]) => errors.push(args[0]);
  return {
    errors,
    [Symbol.dispose]() {
      if (viaEvent) target.removeEventListener!("error", onError);
      else console.error = original;
    },
  };
}

// --- names -------------------------------------------------------------------------------------

Deno.test("createTask() names unnamed tasks Task-<n> from one increasing counter", async () => {
  const a = createTask(() => 1);
  const b = createTask(() => 2);
  const named = createTask(() => 3, { name: "custom" });
  const c = new Task(() => 4);
  const n = nameNumber(a);
  assert.ok(n >= 1);
  assert.equal(b.name, `Task-${n + 1}`);
  assert.equal(named.name, "custom");
  // A named task draws no number.
  assert.equal(c.name, `Task-${n + 2}`);
  await Promise.all([a, b, named, c]);
  const later = createTask(() => 5);
  assert.equal(later.name, `Task-${n + 3}`);
  await later;
});

Deno.test("createTask() draws no name number when its input is rejected", async () => {
  const a = createTask(() => 1);
  assert.throws(() => createTask(42 as never), TypeError);
  assert.throws(() => createTask(() => 1, { signal: {} as AbortSignal }), TypeError);
  const b = createTask(() => 2);
  assert.equal(nameNumber(b), nameNumber(a) + 1);
  await Promise.all([a, b]);
});

Deno.test("createTask() uses options.name and converts it to a string", async () => {
  const task = createTask(() => 1, { name: "fetcher" });
  assert.equal(task.name, "fetcher");
  const numbered = createTask(() => 1, { name: 7 as unknown as string });
  assert.equal(numbered.name, "7");
  assert.equal(createTask(() => 1, { name: "" }).name, "");
  await Promise.all([task, numbered]);
});

Deno.test("Task.name is assignable, also after the task is done", async () => {
  const task = createTask(() => 1);
  task.name = "renamed";
  assert.equal(task.name, "renamed");
  await task;
  task.name = "again";
  assert.equal(task.name, "again");
});

Deno.test("Task has the string tag Task and is PromiseLike", async () => {
  const task = createTask(() => "v");
  assert.equal(Object.prototype.toString.call(task), "[object Task]");
  assert.ok(task instanceof Task);
  assert.equal(typeof task.then, "function");
  assert.equal(await Promise.resolve(task), "v");
});

// --- lazy start -------------------------------------------------------------------------------

Deno.test("createTask() calls functions after the synchronous block, in creation order", async () => {
  const log: string[] = [];
  const tasks = [1, 2, 3].map((i) => createTask(() => log.push(`task ${i}`)));
  log.push("sync end");
  assert.deepEqual(log, ["sync end"]);
  assert.equal(tasks.some((t) => t.done()), false);
  await flush(1);
  assert.deepEqual(log, ["sync end", "task 1", "task 2", "task 3"]);
  assert.deepEqual(await Promise.all(tasks), [2, 3, 4]);
});

Deno.test("createTask() starts a task before timers and after earlier microtasks", async () => {
  const log: string[] = [];
  const timer = new Promise<void>((resolve) =>
    setTimeout(() => {
      log.push("timer");
      resolve();
    }, 0)
  );
  const before = Promise.resolve().then(() => log.push("earlier microtask"));
  const task = createTask(() => log.push("task"));
  await Promise.all([before, task, timer]);
  assert.deepEqual(log, ["earlier microtask", "task", "timer"]);
});

Deno.test("createTask() starts tasks created by a running task after the ones already queued", async () => {
  const log: string[] = [];
  let c: Task<number> | undefined;
  const a = createTask(() => {
    log.push("a");
    c = createTask(() => log.push("c"));
  });
  const b = createTask(() => log.push("b"));
  await Promise.all([a, b]);
  await c;
  assert.deepEqual(log, ["a", "b", "c"]);
});

Deno.test("createTask() starts tasks created in later microtasks in creation order", async () => {
  const log: number[] = [];
  const tasks: Task<number>[] = [];
  for (let i = 0; i < 5; i++) {
    await Promise.resolve();
    tasks.push(createTask(() => log.push(i)));
  }
  await Promise.all(tasks);
  assert.deepEqual(log, [0, 1, 2, 3, 4]);
});

// --- cancel -------------------------------------------------------------------------------------

Deno.test("Task.cancel() before the start never calls the function and returns true", async () => {
  let called = 0;
  const task = createTask(() => {
    called++;
    return "never";
  });
  assert.equal(task.done(), false);
  assert.equal(task.cancel("not needed"), true);
  assert.equal(task.done(), true);
  assert.equal(task.cancelled(), true);
  assert.equal(task.cancel("again"), false);
  const error = await task.then(() => undefined, (e) => e);
  assert.ok(error instanceof CancelledError);
  assert.equal(error.message, "not needed");
  await flush();
  assert.equal(called, 0);
  assert.equal(task.signal.aborted, true);
  assert.equal(task.signal.reason, error);
});

Deno.test("Task.cancel() returns true on repeated calls while the task is pending", async () => {
  const gate = deferred<string>();
  const task = createTask((_signal) => gate.promise);
  await flush(1);
  assert.equal(task.cancel("first"), true);
  assert.equal(task.cancel("second"), true);
  assert.equal(task.done(), false);
  // Only the first call aborts the signal.
  assert.equal((task.signal.reason as CancelledError).message, "first");
  gate.resolve("finished");
  assert.equal(await task, "finished");
  assert.equal(task.cancel(), false);
});

Deno.test("Task.cancel() returns false on a done task and changes nothing", async () => {
  const fulfilled = createTask(() => 1);
  const failed = createTask(() => {
    throw new Error("boom");
  });
  const cancelled = createTask(() => 1);
  cancelled.cancel("first");
  await Promise.all([settled(fulfilled), settled(failed), settled(cancelled)]);
  assert.equal(fulfilled.cancel(), false);
  assert.equal(failed.cancel(), false);
  assert.equal(cancelled.cancel("second"), false);
  assert.equal(fulfilled.result(), 1);
  assert.equal(fulfilled.cancelled(), false);
  assert.equal(fulfilled.signal.aborted, false);
  assert.equal((failed.exception() as Error).message, "boom");
  assert.equal(failed.signal.aborted, false);
  assert.throws(() => cancelled.result(), { name: "AbortError", message: "first" });
});

Deno.test("Task.cancel() uses an empty message by default", async () => {
  const task = createTask(() => 1);
  task.cancel();
  const error = await task.then(() => undefined, (e) => e);
  assert.ok(error instanceof CancelledError);
  assert.equal(error.message, "");
});

Deno.test("Task.cancel() after the start keeps the task pending until the function settles", async () => {
  const gate = deferred<void>();
  let seen: AbortSignal | undefined;
  const task = createTask(async (signal) => {
    seen = signal;
    await gate.promise;
    throw signal.reason;
  });
  await flush(1);
  assert.ok(seen !== undefined);
  assert.equal(task.cancel("stop"), true);
  assert.equal(seen.aborted, true);
  assert.ok(seen.reason instanceof CancelledError);
  assert.equal(seen.reason.message, "stop");
  await flush();
  assert.equal(task.done(), false);
  assert.equal(task.cancelled(), false);
  assert.throws(() => task.result(), InvalidStateError);
  gate.resolve();
  await settled(task);
  assert.equal(task.cancelled(), true);
  assert.throws(() => task.result(), (e) => e === seen!.reason);
});

Deno.test("Task.cancel() aborts the signal of a task whose function declares no parameter", async () => {
  const gate = deferred<string>();
  const task = createTask(() => gate.promise);
  await flush(1);
  assert.equal(task.cancel("late"), true);
  assert.equal(task.signal.aborted, true);
  assert.equal((task.signal.reason as CancelledError).message, "late");
  assert.equal(task.done(), false);
  gate.resolve("kept");
  assert.equal(await task, "kept");
});

// --- settlement rules ---------------------------------------------------------------------------

Deno.test("Task fulfils with the returned value, also after cancel()", async () => {
  const gate = deferred<string>();
  const task = createTask((_signal) => gate.promise);
  await flush(1);
  task.cancel();
  gate.resolve("chose to finish");
  assert.equal(await task, "chose to finish");
  assert.equal(task.done(), true);
  assert.equal(task.cancelled(), false);
  assert.equal(task.result(), "chose to finish");
  assert.equal(task.exception(), undefined);
});

Deno.test("Task fulfils with a value returned synchronously", async () => {
  const task = createTask(() => ({ answer: 42 }));
  await flush(1);
  assert.equal(task.done(), true);
  assert.deepEqual(task.result(), { answer: 42 });
  assert.deepEqual(await task, { answer: 42 });
});

Deno.test("Task fulfils with undefined when the function returns nothing", async () => {
  const task = createTask(() => {});
  assert.equal(await task, undefined);
  assert.equal(task.result(), undefined);
  assert.equal(task.exception(), undefined);
});

Deno.test("Task fails with an error thrown synchronously", async () => {
  const error = new Error("sync boom");
  const task = createTask(() => {
    throw error;
  });
  await flush(1);
  assert.equal(task.done(), true);
  assert.equal(task.cancelled(), false);
  assert.equal(task.exception(), error);
  assert.throws(() => task.result(), (e) => e === error);
  await assert.rejects(task, (e) => e === error);
});

Deno.test("Task fails with a rejection that is not an Error", async () => {
  const task = createTask(() => Promise.reject("plain string"));
  await assert.rejects(task, (e) => e === "plain string");
  assert.equal(task.exception(), "plain string");
  assert.equal(task.cancelled(), false);
});

Deno.test("Task is cancelled when the function throws a CancelledError, even if not cancelled", async () => {
  const error = new CancelledError("from a child");
  const task = createTask(() => {
    throw error;
  });
  await assert.rejects(task, (e) => e === error);
  assert.equal(task.cancelled(), true);
  assert.throws(() => task.result(), (e) => e === error);
  assert.throws(() => task.exception(), (e) => e === error);
  // The task's own signal was never aborted.
  assert.equal(task.signal.aborted, false);
});

Deno.test("Task is cancelled when the function rejects with a CancelledError", async () => {
  const error = new CancelledError("async");
  const task = createTask(async () => {
    await Promise.resolve();
    throw error;
  });
  await assert.rejects(task, (e) => e === error);
  assert.equal(task.cancelled(), true);
});

Deno.test("Task is cancelled with its own CancelledError on an AbortError while aborted", async () => {
  const gate = deferred<void>();
  const task = createTask(async (_signal) => {
    await gate.promise;
    throw new DOMException("fetch aborted", "AbortError");
  });
  await flush(1);
  task.cancel("stop");
  gate.resolve();
  await settled(task);
  assert.equal(task.cancelled(), true);
  assert.throws(() => task.result(), (e) => e === task.signal.reason);
  assert.throws(() => task.exception(), { name: "AbortError", message: "stop" });
});

Deno.test("Task is cancelled on any error named AbortError while aborted", async () => {
  const gate = deferred<void>();
  const task = createTask(async (_signal) => {
    await gate.promise;
    const error = new Error("custom abort");
    error.name = "AbortError";
    throw error;
  });
  await flush(1);
  task.cancel();
  gate.resolve();
  await settled(task);
  assert.equal(task.cancelled(), true);
  assert.ok(task.signal.reason instanceof CancelledError);
  assert.throws(() => task.result(), (e) => e === task.signal.reason);
});

Deno.test("Task fails on an AbortError when its signal is not aborted", async () => {
  const error = new DOMException("someone else's abort", "AbortError");
  const task = createTask(() => Promise.reject(error));
  await assert.rejects(task, (e) => e === error);
  assert.equal(task.cancelled(), false);
  assert.equal(task.done(), true);
  assert.equal(task.exception(), error);
});

Deno.test("Task fails on another error thrown after it was cancelled", async () => {
  const gate = deferred<void>();
  const error = new Error("cleanup failed");
  const task = createTask(async (_signal) => {
    await gate.promise;
    throw error;
  });
  await flush(1);
  task.cancel();
  gate.resolve();
  await assert.rejects(task, (e) => e === error);
  assert.equal(task.cancelled(), false);
  assert.equal(task.exception(), error);
});

Deno.test("Task fails on a TimeoutError thrown after it was cancelled", async () => {
  const gate = deferred<void>();
  const error = new DOMException("slow", "TimeoutError");
  const task = createTask(async (_signal) => {
    await gate.promise;
    throw error;
  });
  await flush(1);
  task.cancel();
  gate.resolve();
  await assert.rejects(task, (e) => e === error);
  assert.equal(task.exception(), error);
});

Deno.test("Task follows a thenable that is not a promise", async () => {
  const task = createTask(() => thenable<string>((onFulfilled) => onFulfilled("from thenable")));
  assert.equal(await task, "from thenable");
  assert.equal(task.result(), "from thenable");
});

Deno.test("Task fails when a thenable rejects or its then() throws", async () => {
  const error = new Error("thenable says no");
  const rejecting = createTask(() => thenable((_, onRejected) => onRejected(error)));
  const throwing = createTask(() =>
    thenable(() => {
      throw error;
    })
  );
  await assert.rejects(rejecting, (e) => e === error);
  await assert.rejects(throwing, (e) => e === error);
  assert.equal(rejecting.exception(), error);
  assert.equal(throwing.exception(), error);
});

Deno.test("Task settles once when a thenable calls back several times", async () => {
  const task = createTask(() =>
    thenable<number>((onFulfilled, onRejected) => {
      onFulfilled(1);
      onFulfilled(2);
      onRejected(new Error("late"));
      throw new Error("later");
    })
  );
  assert.equal(await task, 1);
  assert.equal(task.result(), 1);
});

Deno.test("Task fulfils with the value of a thenable a thenable fulfils with", async () => {
  const task = createTask(() =>
    thenable<string>((onFulfilled) => onFulfilled(Promise.resolve("inner") as never))
  );
  assert.equal(await task, "inner");
  assert.equal(task.result(), "inner");
});

Deno.test("Task follows another task its function returns", async () => {
  const inner = createTask(() => Promise.resolve("inner value"));
  const outer = createTask(() => inner);
  assert.equal(await outer, "inner value");
  const error = new Error("inner failure");
  const failedInner = createTask(() => Promise.reject(error));
  const failedOuter = createTask(() => failedInner);
  await assert.rejects(failedOuter, (e) => e === error);
});

// --- result() and exception() ---------------------------------------------------------------------

Deno.test("Task.result() throws InvalidStateError with the task's name while pending", async () => {
  const gate = deferred<void>();
  const task = createTask(() => gate.promise, { name: "loader" });
  // Before the start.
  assert.throws(() => task.result(), {
    name: "InvalidStateError",
    message: 'Cannot get the result of task "loader": the task is still pending',
  });
  await flush(1);
  // Running.
  assert.throws(() => task.result(), (e) => e instanceof InvalidStateError);
  assert.throws(() => task.result(), {
    message: 'Cannot get the result of task "loader": the task is still pending',
  });
  gate.resolve();
  await task;
});

Deno.test("Task.exception() throws InvalidStateError with the task's name while pending", async () => {
  const gate = deferred<void>();
  const task = createTask(() => gate.promise);
  assert.throws(() => task.exception(), {
    name: "InvalidStateError",
    message: `Cannot get the exception of task "${task.name}": the task is still pending`,
  });
  await flush(1);
  assert.throws(() => task.exception(), InvalidStateError);
  gate.resolve();
  await task;
  assert.equal(task.exception(), undefined);
});

Deno.test("Task.exception() returns the error of a failed task every time", async () => {
  const error = new RangeError("out");
  const task = createTask(() => Promise.reject(error));
  await settled(task);
  assert.equal(task.exception(), error);
  assert.equal(task.exception(), error);
  assert.throws(() => task.result(), (e) => e === error);
});

Deno.test("Task.result() and exception() throw the CancelledError of a cancelled task", async () => {
  const task = createTask(() => 1);
  task.cancel("bye");
  const reason = task.signal.reason;
  assert.ok(reason instanceof CancelledError);
  assert.throws(() => task.result(), (e) => e === reason);
  assert.throws(() => task.exception(), (e) => e === reason);
  await settled(task);
});

// --- done callbacks ---------------------------------------------------------------------------------

Deno.test("Task.addDoneCallback() calls back asynchronously, never inside cancel()", async () => {
  const task = createTask(() => 1);
  const calls: Task<number>[] = [];
  task.addDoneCallback((t) => calls.push(t));
  task.cancel();
  assert.equal(task.done(), true);
  assert.deepEqual(calls, []);
  await flush();
  assert.equal(calls.length, 1);
  assert.equal(calls[0], task);
});

Deno.test("Task.addDoneCallback() calls back after the settling code returns", async () => {
  const log: string[] = [];
  const a = createTask(() => log.push("a settles"));
  a.addDoneCallback(() => log.push("a callback"));
  // b is started by the same code that settled a, right after it.
  const b = createTask(() => log.push("b runs"));
  await Promise.all([a, b]);
  await flush();
  assert.deepEqual(log, ["a settles", "b runs", "a callback"]);
});

Deno.test("Task.addDoneCallback() runs callbacks once each, in registration order", async () => {
  const gate = deferred<string>();
  const task = createTask(() => gate.promise);
  const log: string[] = [];
  const twice = () => log.push("twice");
  task.addDoneCallback(() => log.push("first"));
  task.addDoneCallback(twice);
  task.addDoneCallback(() => log.push("second"));
  task.addDoneCallback(twice);
  gate.resolve("v");
  await task;
  await flush();
  assert.deepEqual(log, ["first", "twice", "second", "twice"]);
  await flush();
  assert.equal(log.length, 4);
});

Deno.test("Task.addDoneCallback() calls back when added after the task is done", async () => {
  const task = createTask(() => "v");
  await task;
  const log: string[] = [];
  task.addDoneCallback((t) => log.push(`one ${t.result()}`));
  task.addDoneCallback((t) => log.push(`two ${t.result()}`));
  assert.deepEqual(log, []);
  await flush();
  assert.deepEqual(log, ["one v", "two v"]);
});

Deno.test("Task.addDoneCallback() keeps order across callbacks added before and after done", async () => {
  const task = createTask(() => "v");
  const log: string[] = [];
  task.addDoneCallback(() => log.push("before"));
  await flush(1);
  assert.equal(task.done(), true);
  task.addDoneCallback(() => log.push("after"));
  await flush();
  assert.deepEqual(log, ["before", "after"]);
});

Deno.test("Task.addDoneCallback() calls back for failed and cancelled tasks", async () => {
  const failed = createTask(() => Promise.reject(new Error("boom")));
  const cancelled = createTask(() => 1);
  const seen: string[] = [];
  failed.addDoneCallback((t) => seen.push(`failed ${(t.exception() as Error).message}`));
  cancelled.addDoneCallback((t) => seen.push(`cancelled ${t.cancelled()}`));
  cancelled.cancel();
  await flush();
  assert.deepEqual(seen.sort(), ["cancelled true", "failed boom"]);
});

Deno.test("Task.addDoneCallback() reports a throwing callback and still runs the others", async () => {
  using reports = captureReports();
  const task = createTask(() => 1);
  const error = new Error("callback broke");
  const log: string[] = [];
  task.addDoneCallback(() => log.push("first"));
  task.addDoneCallback(() => {
    throw error;
  });
  task.addDoneCallback(() => log.push("third"));
  await task;
  await flush();
  assert.deepEqual(log, ["first", "third"]);
  assert.deepEqual(reports.errors, [error]);
});

Deno.test("Task.addDoneCallback() reports a throwing callback added after done", async () => {
  using reports = captureReports();
  const task = createTask(() => 1);
  await task;
  const error = new Error("late callback broke");
  let ran = false;
  task.addDoneCallback(() => {
    throw error;
  });
  task.addDoneCallback(() => ran = true);
  await flush();
  assert.equal(ran, true);
  assert.deepEqual(reports.errors, [error]);
});

Deno.test("Task.addDoneCallback() runs every callback added after done before reporting any error", async () => {
  using reports = captureReports();
  const task = createTask(() => 1);
  await task;
  const error = new Error("late callback broke");
  let reportedBeforeSecond = -1;
  task.addDoneCallback(() => {
    throw error;
  });
  task.addDoneCallback(() => reportedBeforeSecond = reports.errors.length);
  await flush();
  assert.equal(reportedBeforeSecond, 0);
  assert.deepEqual(reports.errors, [error]);
});

Deno.test("Task.addDoneCallback() keeps registration order for a task that settled at its start", async () => {
  const order: string[] = [];
  const a = createTask(() => 1);
  a.addDoneCallback(() => order.push("first"));
  // Runs right after `a` started and settled, before `a`'s settling is told.
  createTask(() => {
    assert.equal(a.done(), true);
    a.addDoneCallback(() => order.push("second"));
  });
  await flush();
  assert.deepEqual(order, ["first", "second"]);
});

Deno.test("Task.addDoneCallback() throws TypeError for a callback that is not a function", async () => {
  const task = createTask(() => 1);
  assert.throws(() => task.addDoneCallback(42 as never), {
    name: "TypeError",
    message: "Cannot add done callback as 'callback' must be a function: current value is 42",
  });
  assert.throws(() => task.addDoneCallback(undefined as never), {
    message:
      "Cannot add done callback as 'callback' must be a function: current value is undefined",
  });
  await task;
});

Deno.test("Task.removeDoneCallback() removes every registration and returns the count", async () => {
  const task = createTask(() => 1);
  const log: string[] = [];
  const removed = () => log.push("removed");
  const kept = () => log.push("kept");
  task.addDoneCallback(removed);
  task.addDoneCallback(kept);
  task.addDoneCallback(removed);
  assert.equal(task.removeDoneCallback(removed), 2);
  assert.equal(task.removeDoneCallback(removed), 0);
  assert.equal(task.removeDoneCallback(() => {}), 0);
  await task;
  await flush();
  assert.deepEqual(log, ["kept"]);
});

Deno.test("Task.removeDoneCallback() returns 0 on a task without callbacks and after done", async () => {
  const task = createTask(() => 1);
  const callback = () => {};
  assert.equal(task.removeDoneCallback(callback), 0);
  await task;
  task.addDoneCallback(callback);
  await flush();
  assert.equal(task.removeDoneCallback(callback), 0);
});

// --- awaiting ---------------------------------------------------------------------------------------

Deno.test("Task.then() gives the value, or the error, to every awaiter", async () => {
  const task = createTask(async () => {
    await Promise.resolve();
    return 21;
  });
  const [a, b] = await Promise.all([task, task.then((v) => v * 2)]);
  assert.equal(a, 21);
  assert.equal(b, 42);
  assert.equal(await task, 21);
  const error = new Error("no");
  const failing = createTask(() => Promise.reject(error));
  const reasons = await Promise.all([
    failing.then(() => "fulfilled", (e) => e),
    failing.catch((e) => e),
  ]);
  assert.deepEqual(reasons, [error, error]);
});

Deno.test("Task.then() returns a promise and passes through without handlers", async () => {
  const task = createTask(() => "v");
  const chained = task.then();
  assert.ok(chained instanceof Promise);
  assert.equal(await chained, "v");
  assert.equal(await task.then(null, null), "v");
});

Deno.test("Task.catch() turns a cancellation into a value", async () => {
  const task = createTask((): string => "never");
  task.cancel("why");
  const error = await task.catch((e: unknown) => e);
  assert.ok(error instanceof CancelledError);
  assert.equal(error.message, "why");
  assert.equal(await createTask(() => "ok").catch(() => "caught"), "ok");
});

Deno.test("Task.finally() runs after the task and settles like it", async () => {
  const log: string[] = [];
  assert.equal(await createTask(() => "v").finally(() => log.push("after value")), "v");
  const error = new Error("e");
  await assert.rejects(
    createTask(() => Promise.reject(error)).finally(() => log.push("after error")),
    (e) => e === error,
  );
  const cancelled = createTask(() => 1);
  cancelled.cancel();
  await assert.rejects(cancelled.finally(() => log.push("after cancel")), CancelledError);
  assert.deepEqual(log, ["after value", "after error", "after cancel"]);
});

// --- the task's signal ----------------------------------------------------------------------------

Deno.test("Task.signal is the AbortSignal handed to a function that declares a parameter", async () => {
  let received: unknown;
  let count = -1;
  const task = createTask((signal: AbortSignal, ...rest: unknown[]) => {
    received = signal;
    count = rest.length;
  });
  await task;
  assert.ok(received instanceof AbortSignal);
  assert.equal(received, task.signal);
  assert.equal(count, 0);
  assert.equal(task.signal.aborted, false);
});

Deno.test("createTask() passes the signal to every function, however it is declared", async () => {
  const seen: unknown[][] = [];
  const rest = createTask((...args: unknown[]) => {
    seen.push(args);
  });
  const fallback = new AbortController().signal;
  const defaulted = createTask((signal: AbortSignal = fallback) => {
    seen.push([signal]);
  });
  const legacy = createTask(function () {
    seen.push([...arguments]);
  });
  await Promise.all([rest, defaulted, legacy]);
  assert.deepEqual(seen, [[rest.signal], [defaulted.signal], [legacy.signal]]);
  assert.ok(seen.every(([signal]) => signal instanceof AbortSignal && signal !== fallback));
});

Deno.test("Task.signal stays the same object and aborts with the CancelledError", async () => {
  const gate = deferred<void>();
  const task = createTask((signal) => gate.promise.then(() => signal.aborted));
  const signal = task.signal;
  assert.equal(task.signal, signal);
  let events = 0;
  signal.addEventListener("abort", () => events++);
  await flush(1);
  task.cancel("reason text");
  assert.equal(task.signal, signal);
  assert.equal(signal.aborted, true);
  assert.ok(signal.reason instanceof CancelledError);
  assert.equal(signal.reason.message, "reason text");
  assert.equal(events, 1);
  task.cancel("other");
  assert.equal(events, 1);
  gate.resolve();
  assert.equal(await task, true);
});

Deno.test("Task.signal read after a cancellation before the start is already aborted", async () => {
  const task = createTask(() => 1);
  task.cancel("early");
  const signal = task.signal;
  assert.equal(signal.aborted, true);
  assert.ok(signal.reason instanceof CancelledError);
  assert.equal(signal.reason.message, "early");
  await assert.rejects(task, (e) => e === signal.reason);
});

Deno.test("Task.signal read before a cancellation before the start aborts, and so do tasks linked to it", async () => {
  const parent = createTask(() => 1);
  const signal = parent.signal;
  let childRan = false;
  const child = createTask(() => {
    childRan = true;
  }, { signal });
  const parentParent = new AbortController();
  const linked = createTask(() => 2, { signal: parentParent.signal });
  const linkedSignal = linked.signal;
  assert.equal(parent.cancel("early"), true);
  parentParent.abort();
  assert.equal(signal.aborted, true);
  assert.ok(signal.reason instanceof CancelledError);
  assert.equal(signal.reason.message, "early");
  assert.equal(linkedSignal.aborted, true);
  assert.ok(linkedSignal.reason instanceof CancelledError);
  await assert.rejects(parent, (e) => e === signal.reason);
  await assert.rejects(linked, (e) => e === linkedSignal.reason);
  await assert.rejects(child, CancelledError);
  assert.equal(childRan, false);
});

// --- options.signal ---------------------------------------------------------------------------------

Deno.test("createTask() with options.signal is cancelled with the parent's CancelledError", async () => {
  const parent = new AbortController();
  const gate = deferred<void>();
  const task = createTask(async (signal) => {
    await gate.promise;
    throw signal.reason;
  }, { signal: parent.signal });
  await flush(1);
  const reason = new CancelledError("parent says stop");
  parent.abort(reason);
  assert.equal(task.signal.aborted, true);
  assert.equal(task.signal.reason, reason);
  assert.equal(task.done(), false);
  gate.resolve();
  await assert.rejects(task, (e) => e === reason);
  assert.equal(task.cancelled(), true);
});

Deno.test("createTask() with options.signal wraps another parent reason as the cause", async () => {
  const parent = new AbortController();
  const task = createTask(
    (signal) =>
      new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
    {
      signal: parent.signal,
    },
  );
  await flush(1);
  const reason = new Error("user left");
  parent.abort(reason);
  const error = await task.then(() => undefined, (e) => e);
  assert.ok(error instanceof CancelledError);
  assert.equal(error.cause, reason);
  assert.equal(error.message, "The parent signal was aborted");
  assert.equal(task.signal.reason, error);
  assert.equal(task.cancelled(), true);
});

Deno.test("createTask() with options.signal wraps the default abort reason too", async () => {
  const parent = new AbortController();
  const task = createTask(() => 1, { signal: parent.signal });
  parent.abort();
  const error = await task.then(() => undefined, (e) => e);
  assert.ok(error instanceof CancelledError);
  assert.ok(error.cause instanceof DOMException);
  assert.equal((error.cause as DOMException).name, "AbortError");
  assert.equal(error.cause, parent.signal.reason);
});

Deno.test("createTask() with options.signal aborted before the start never calls the function", async () => {
  const parent = new AbortController();
  let called = false;
  const task = createTask(() => {
    called = true;
  }, { signal: parent.signal });
  parent.abort("gone");
  assert.equal(task.done(), true);
  assert.equal(task.cancelled(), true);
  await settled(task);
  await flush();
  assert.equal(called, false);
  assert.throws(() => task.result(), (e) => e instanceof CancelledError && e.cause === "gone");
});

Deno.test("createTask() with an already aborted signal is cancelled at once and never called", async () => {
  const reason = new Error("too late");
  const signal = AbortSignal.abort(reason);
  let called = false;
  const task = createTask(() => {
    called = true;
  }, { signal, name: "late" });
  assert.equal(task.done(), true);
  assert.equal(task.cancelled(), true);
  assert.equal(task.name, "late");
  assert.equal(task.cancel(), false);
  const error = await task.then(() => undefined, (e) => e);
  assert.ok(error instanceof CancelledError);
  assert.equal(error.cause, reason);
  assert.equal(task.signal.aborted, true);
  assert.equal(task.signal.reason, error);
  await flush();
  assert.equal(called, false);
});

Deno.test("createTask() with an already aborted CancelledError signal keeps that error", async () => {
  const reason = new CancelledError("already");
  const task = createTask(() => 1, { signal: AbortSignal.abort(reason) });
  await assert.rejects(task, (e) => e === reason);
});

Deno.test("createTask() removes its listener from options.signal when the task ends", async () => {
  const parent = new AbortController();
  const listeners = countListeners(parent.signal);
  const gate = deferred<void>();
  const fulfilled = createTask(() => gate.promise, { signal: parent.signal });
  const failed = createTask(() => gate.promise.then(() => Promise.reject(new Error("x"))), {
    signal: parent.signal,
  });
  const cancelled = createTask(() => gate.promise, { signal: parent.signal });
  const early = createTask(() => 1, { signal: parent.signal });
  // One listener however many tasks share the signal.
  assert.equal(listeners(), 1);
  early.cancel();
  assert.equal(listeners(), 1);
  await flush(1);
  cancelled.cancel();
  gate.resolve();
  await Promise.all([settled(fulfilled), settled(failed), settled(cancelled), settled(early)]);
  assert.equal(fulfilled.result(), undefined);
  assert.equal((failed.exception() as Error).message, "x");
  assert.equal(cancelled.cancelled(), false); // its function finished anyway
  assert.equal(early.cancelled(), true);
  assert.equal(listeners(), 0);
  // The parent aborting later touches none of them.
  parent.abort();
  assert.equal(fulfilled.cancelled(), false);
  assert.equal(fulfilled.signal.aborted, false);
});

Deno.test("createTask() removes its listener from options.signal when the parent aborts", async () => {
  const parent = new AbortController();
  const listeners = countListeners(parent.signal);
  const tasks = [1, 2, 3].map(() => createTask(() => 1, { signal: parent.signal }));
  assert.equal(listeners(), 1);
  parent.abort();
  assert.equal(listeners(), 0);
  for (const task of tasks) {
    await settled(task);
    assert.equal(task.cancelled(), true);
  }
});

Deno.test("createTask() with an already aborted signal adds no listener", async () => {
  const parent = new AbortController();
  parent.abort();
  const listeners = countListeners(parent.signal);
  const task = createTask(() => 1, { signal: parent.signal });
  assert.equal(listeners(), 0);
  await settled(task);
});

Deno.test("createTask() cancels every task linked to one signal, in creation order", async () => {
  const parent = new AbortController();
  const order: string[] = [];
  const tasks = ["a", "b", "c"].map((name) => {
    const task = createTask(
      (signal) =>
        new Promise<void>((_, reject) =>
          signal.addEventListener("abort", () => reject(signal.reason))
        ),
      {
        signal: parent.signal,
        name,
      },
    );
    return task;
  });
  await flush(1);
  for (const task of tasks) task.signal.addEventListener("abort", () => order.push(task.name));
  parent.abort(new CancelledError("all"));
  assert.deepEqual(order, ["a", "b", "c"]);
  for (const task of tasks) await assert.rejects(task, { message: "all" });
});

// --- bad input --------------------------------------------------------------------------------------

Deno.test("createTask() throws TypeError for a function that is not a function", () => {
  for (
    const [fn, shown] of [
      [42, "42"],
      ["work", '"work"'],
      [null, "null"],
      [undefined, "undefined"],
      [{}, "an object"],
      [Promise.resolve(1), "an instance of Promise"],
    ] as const
  ) {
    assert.throws(() => createTask(fn as never), {
      name: "TypeError",
      message: `Cannot create task as 'fn' must be a function: current value is ${shown}`,
    });
  }
  assert.throws(() => new Task(42 as never), TypeError);
});

Deno.test("createTask() throws TypeError for a signal that is not an AbortSignal", () => {
  let called = false;
  const fn = () => {
    called = true;
  };
  assert.throws(() => createTask(fn, { signal: {} as AbortSignal }), {
    name: "TypeError",
    message: "Cannot create task as 'signal' must be an AbortSignal: current value is an object",
  });
  assert.throws(() => createTask(fn, { signal: null as unknown as AbortSignal }), {
    message: "Cannot create task as 'signal' must be an AbortSignal: current value is null",
  });
  assert.throws(() => createTask(fn, { signal: new AbortController() as never }), {
    message:
      "Cannot create task as 'signal' must be an AbortSignal: current value is an instance of AbortController",
  });
  assert.equal(called, false);
});

Deno.test("Task is cancelled when its function rejects with its signal's reason, whatever its name", async () => {
  const gate = deferred<void>();
  const task = createTask(async (signal) => {
    await gate.promise;
    throw signal.reason;
  });
  await flush(1);
  // Internal callers (time limits) may cancel with a reason of their own.
  const reason = new DOMException("deadline", "TimeoutError");
  assert.equal(tasks.requestCancel(task, reason), true);
  assert.equal(task.signal.reason, reason);
  gate.resolve();
  await settled(task);
  assert.equal(task.cancelled(), true);
  assert.throws(() => task.result(), (e) => e === reason);
});

Deno.test("addDoneCallback() leaves alone a promise its callback returns: a handled rejection is not reported", async () => {
  using reports = captureReports();
  const cached = Promise.reject(new Error("handled by its owner"));
  cached.catch(() => {});
  const task = createTask(() => 1);
  task.addDoneCallback(() => cached);
  await task;
  await flush();
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(reports.errors, []);
});
