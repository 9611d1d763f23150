// Copyright 2026 the @aio/tasks authors. MIT license.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  CancelledError,
  createTask,
  sleep,
  type Task,
  timeout,
  TimeoutError,
  waitFor,
} from "../mod.ts";
import {
  asyncResolve,
  countListeners,
  deferred,
  failing,
  fakeTime,
  flush,
  watch,
  work,
} from "./_fixtures.ts";
import { countedPromise, observersOnFollowed } from "./_observers.ts";
import { countedThen, flakyThen, pendingThenable } from "./_hostile.ts";

function assertTimedOut(error: unknown, ms: number): asserts error is TimeoutError {
  assert.ok(error instanceof TimeoutError, `expected a TimeoutError, got ${error}`);
  assert.equal(error.message, `Timed out waiting: the timeout of ${ms} ms passed`);
}

/** A task function that ignores its signal for `ms`, then acts on it. */
function stubborn<T>(ms: number, value: T): (signal: AbortSignal) => Promise<T> {
  return async (signal) => {
    await sleep(ms);
    if (signal.aborted) throw signal.reason;
    return value;
  };
}

Deno.test("waitFor() resolves with a task function's value when it finishes in time", async () => {
  using time = fakeTime();
  const call = watch(waitFor(work(40, "done"), 100));
  await time.tick(40);
  assert.equal(call.value, "done");
  assert.equal(time.timers(), 0);
});

Deno.test("waitFor() rejects with a task function's error when it fails in time", async () => {
  const boom = new Error("boom");
  await assert.rejects(waitFor(failing(1, boom), 60_000), (error) => error === boom);
});

Deno.test("waitFor() cancels a task function on timeout and rejects with TimeoutError caused by the cancellation", async () => {
  using time = fakeTime();
  let seen: AbortSignal | undefined;
  const call = watch(waitFor((signal) => {
    seen = signal;
    return work(1000, "late")(signal);
  }, 100));
  await time.tick(99);
  assert.equal(call.settled, false);
  await time.tick(1);
  assertTimedOut(call.error, 100);
  const cause = (call.error as TimeoutError).cause;
  assert.ok(cause instanceof CancelledError);
  assert.equal(cause.message, "Cancelled by waitFor: the timeout of 100 ms passed");
  assert.equal(seen!.reason, cause);
  assert.equal(time.timers(), 0);
});

Deno.test("waitFor() waits for a task that ignores its signal for a while, then reports the timeout", async () => {
  using time = fakeTime();
  const task = createTask(stubborn(500, "late"));
  const call = watch(waitFor(task, 100));
  await time.tick(100);
  assert.equal(task.signal.aborted, true);
  assert.equal(call.settled, false);
  await time.tick(399);
  assert.equal(call.settled, false);
  await time.tick(1);
  assertTimedOut(call.error, 100);
  assert.equal((call.error as TimeoutError).cause, task.signal.reason);
  assert.equal(task.cancelled(), true);
});

Deno.test("waitFor() resolves with the value of a task that finishes anyway after the timeout", async () => {
  using time = fakeTime();
  const task = createTask(async () => {
    await sleep(300);
    return "finished anyway";
  });
  const call = watch(waitFor(task, 100));
  await time.tick(300);
  assert.equal(call.value, "finished anyway");
  assert.equal(task.done(), true);
  assert.equal(task.cancelled(), false);
});

Deno.test("waitFor() rejects with the error of a task that fails after the timeout", async () => {
  using time = fakeTime();
  const boom = new RangeError("cleanup failed");
  const call = watch(waitFor(async () => {
    await sleep(300);
    throw boom;
  }, 100));
  await time.tick(300);
  assert.equal(call.error, boom);
});

Deno.test("waitFor() passes the CancelledError through for a task someone else cancelled", async () => {
  using time = fakeTime();
  const task = createTask(work(1000, "late"));
  const call = watch(waitFor(task, 100));
  await flush();
  task.cancel("by hand");
  await flush();
  assert.ok(call.error instanceof CancelledError);
  assert.equal((call.error as CancelledError).message, "by hand");
  assert.equal(time.timers(), 0);
});

Deno.test("waitFor() resolves with a task's value when the task is already done and timeout is 0", async () => {
  const task = createTask(() => "ready");
  await task;
  assert.equal(await waitFor(task, 0), "ready");
  assert.equal(await waitFor(task, -10), "ready");
});

Deno.test("waitFor() rejects with a done task's error or CancelledError when timeout is 0", async () => {
  const boom = new Error("boom");
  const failed = createTask(() => {
    throw boom;
  });
  const cancelled = createTask(() => 1);
  cancelled.cancel("early");
  await failed.catch(() => {});
  await assert.rejects(waitFor(failed, 0), (error) => error === boom);
  await assert.rejects(waitFor(cancelled, 0), { name: "AbortError", message: "early" });
});

Deno.test("waitFor() cancels a pending task at once and waits for it when timeout is 0", async () => {
  using time = fakeTime();
  const task = createTask(work(1000, "late"));
  await flush();
  const call = watch(waitFor(task, 0));
  assert.equal(task.signal.aborted, true);
  await flush();
  assertTimedOut(call.error, 0);
  assert.equal((call.error as TimeoutError).cause, task.signal.reason);
  assert.equal(time.timers(), 0);
});

Deno.test("waitFor() cancels a task that has not started yet without running it when timeout is negative", async () => {
  let called = false;
  const task = createTask(() => called = true);
  const error = await waitFor(task, -1).catch((e) => e);
  assertTimedOut(error, -1);
  assert.equal(task.cancelled(), true);
  assert.equal(called, false);
});

Deno.test("waitFor() never starts a task function when timeout is 0 or negative", async () => {
  let called = 0;
  for (const ms of [0, -5]) {
    const error = await waitFor(() => called++, ms).catch((e) => e);
    assertTimedOut(error, ms);
    assert.equal(error.cause, undefined);
  }
  await flush();
  assert.equal(called, 0);
});

Deno.test("waitFor() rejects a plain promise with TimeoutError at once when timeout is 0", async () => {
  await assert.rejects(waitFor(Promise.resolve("ready"), 0), (error) => {
    assertTimedOut(error, 0);
    return true;
  });
});

Deno.test("waitFor() resolves with a plain promise's value when it settles in time", async () => {
  assert.equal(await waitFor(asyncResolve(1, "promised"), 60_000), "promised");
  const boom = new Error("boom");
  await assert.rejects(waitFor(Promise.reject(boom), 60_000), (error) => error === boom);
});

Deno.test("waitFor() rejects with TimeoutError at once when a plain promise takes too long", async () => {
  using time = fakeTime();
  const slow = deferred<string>();
  const call = watch(waitFor(slow.promise, 100));
  await time.tick(100);
  assertTimedOut(call.error, 100);
  slow.resolve("too late");
  await flush();
  assert.equal(time.timers(), 0);
});

Deno.test("waitFor() ignores a plain promise that rejects after the timeout", async () => {
  using time = fakeTime();
  const slow = deferred<string>();
  const call = watch(waitFor(slow.promise, 100));
  await time.tick(100);
  slow.reject(new Error("too late"));
  await flush();
  assertTimedOut(call.error, 100);
});

Deno.test("waitFor() rejects when a thenable's then throws", async () => {
  const boom = new Error("then threw");
  const thenable = {
    then() {
      throw boom;
    },
  } as PromiseLike<number>;
  await assert.rejects(waitFor(thenable, 60_000), (error) => error === boom);
});

for (const ms of [null, undefined, Infinity]) {
  Deno.test(`waitFor() sets no limit when timeout is ${ms}`, async () => {
    using time = fakeTime();
    const call = watch(waitFor(work(1_000_000, "patient"), ms));
    await flush();
    assert.equal(time.timers(), 1); // only the work's own timer
    await time.tick(1_000_000);
    assert.equal(call.value, "patient");
    assert.equal(time.timers(), 0);
  });
}

Deno.test("waitFor() with a timeout above 2^31-1 ms does not fire early", async () => {
  using time = fakeTime();
  const ms = 2 ** 31 + 5000;
  const task = createTask((signal) => sleep(Infinity, { signal }));
  const call = watch(waitFor(task, ms));
  await time.tick(2 ** 31 + 4999);
  assert.equal(call.settled, false);
  assert.equal(task.signal.aborted, false);
  await time.tick(1);
  assertTimedOut(call.error, ms);
  assert.equal(task.cancelled(), true);
  assert.equal(time.timers(), 0);
});

Deno.test("waitFor() cancels the task, waits for it, and rejects with the reason when options.signal aborts", async () => {
  using time = fakeTime();
  const parent = new AbortController();
  const listeners = countListeners(parent.signal);
  const reason = new Error("user left");
  const task = createTask(stubborn(200, "late"));
  const call = watch(waitFor(task, 1000, { signal: parent.signal }));
  assert.equal(listeners(), 1);
  await time.tick(50);
  parent.abort(reason);
  assert.equal(task.signal.aborted, true);
  const cancellation = task.signal.reason;
  assert.ok(cancellation instanceof CancelledError);
  assert.equal(cancellation.cause, reason);
  assert.equal(time.timers(), 1); // the task's own sleep; the time limit is gone
  await time.tick(149);
  assert.equal(call.settled, false);
  await time.tick(1);
  assert.equal(call.error, reason);
  assert.equal(task.cancelled(), true);
  assert.equal(listeners(), 0);
  assert.equal(time.timers(), 0);
});

Deno.test("waitFor() cancels the task with the parent's own CancelledError", async () => {
  const parent = new AbortController();
  const reason = new CancelledError("parent cancelled");
  const task = createTask((signal) => sleep(60_000, { signal }));
  const promise = waitFor(task, null, { signal: parent.signal });
  parent.abort(reason);
  await assert.rejects(promise, (error) => error === reason);
  assert.equal(task.signal.reason, reason);
});

Deno.test("waitFor() rejects with the reason even when the task finishes anyway after options.signal aborts", async () => {
  using time = fakeTime();
  const parent = new AbortController();
  const reason = new Error("stop");
  const task = createTask(async () => {
    await sleep(100);
    return "ignored";
  });
  const call = watch(waitFor(task, null, { signal: parent.signal }));
  await flush();
  parent.abort(reason);
  await time.tick(99);
  assert.equal(call.settled, false);
  await time.tick(1);
  assert.equal(call.error, reason);
  assert.equal(task.result(), "ignored");
});

Deno.test("waitFor() with a zero timeout rejects with the reason when cancelling the task aborts options.signal", async () => {
  using time = fakeTime();
  const parent = new AbortController();
  const reason = new Error("outer stopped");
  const task = createTask(async () => {
    await sleep(5);
    return "late value";
  });
  await flush();
  task.signal.addEventListener("abort", () => parent.abort(reason));
  const call = watch(waitFor(task, 0, { signal: parent.signal }));
  assert.equal(parent.signal.aborted, true);
  await time.tick(5);
  assert.equal(call.error, reason);
  assert.equal(task.result(), "late value");
});

Deno.test("waitFor() rejects with the reason at once and never starts the function when options.signal is already aborted", async () => {
  const reason = new Error("gone");
  let called = false;
  await assert.rejects(
    waitFor(() => called = true, 1000, { signal: AbortSignal.abort(reason) }),
    (error) => error === reason,
  );
  await flush();
  assert.equal(called, false);
});

Deno.test("waitFor() leaves a task alone when options.signal is already aborted", async () => {
  const task = createTask(() => "untouched");
  await assert.rejects(waitFor(task, 1000, { signal: AbortSignal.abort() }), {
    name: "AbortError",
  });
  assert.equal(await task, "untouched");
});

Deno.test("waitFor() rejects a plain promise with the reason at once when options.signal aborts", async () => {
  const parent = new AbortController();
  const listeners = countListeners(parent.signal);
  const never = new Promise<never>(() => {});
  const promise = waitFor(never, 60_000, { signal: parent.signal });
  const reason = new Error("stop");
  parent.abort(reason);
  await assert.rejects(promise, (error) => error === reason);
  assert.equal(listeners(), 0);
});

Deno.test("waitFor() removes its timer and parent listener when the task finishes in time", async () => {
  using time = fakeTime();
  const parent = new AbortController();
  const listeners = countListeners(parent.signal);
  const calls = [
    watch(waitFor(work(10, "a"), 100, { signal: parent.signal })),
    watch(waitFor(createTask(work(20, "b")), 100, { signal: parent.signal })),
    watch(waitFor(asyncResolve(30, "c"), 100, { signal: parent.signal })),
  ];
  assert.equal(listeners(), 1);
  await time.tick(30);
  assert.deepEqual(calls.map((c) => c.value), ["a", "b", "c"]);
  assert.equal(listeners(), 0);
  assert.equal(time.timers(), 0);
});

Deno.test("waitFor() removes its parent listener when it times out", async () => {
  using time = fakeTime();
  const parent = new AbortController();
  const listeners = countListeners(parent.signal);
  const task = watch(waitFor(work(1000, "late"), 100, { signal: parent.signal }));
  const promise = watch(waitFor(new Promise(() => {}), 100, { signal: parent.signal }));
  await time.tick(100);
  assertTimedOut(task.error, 100);
  assertTimedOut(promise.error, 100);
  assert.equal(listeners(), 0);
  assert.equal(time.timers(), 0);
});

Deno.test("waitFor() inside a timeout scope lets the scope report its own deadline", async () => {
  using time = fakeTime();
  const call = watch(
    timeout(50, (scope) => waitFor(work(1000, "late"), 500, { signal: scope.signal })),
  );
  await time.tick(50);
  assert.ok(call.error instanceof TimeoutError);
  assert.equal(
    (call.error as TimeoutError).message,
    "Timed out: the deadline of the timeout scope passed",
  );
  assert.equal(time.timers(), 0);
});

Deno.test("waitFor() throws RangeError at the call when timeout is NaN", () => {
  assert.throws(() => waitFor(() => 1, NaN), {
    name: "RangeError",
    message: "Cannot wait for awaitable as 'timeout' must not be NaN: current value is NaN",
  });
});

Deno.test("waitFor() throws TypeError at the call when timeout is not a number", () => {
  assert.throws(() => waitFor(() => 1, "1s" as unknown as number), {
    name: "TypeError",
    message:
      `Cannot wait for awaitable as 'timeout' must be a number of milliseconds: current value is "1s"`,
  });
});

Deno.test("waitFor() throws TypeError at the call when aw is not awaitable", () => {
  assert.throws(() => waitFor(42 as unknown as Task<number>, 100), {
    name: "TypeError",
    message:
      "Cannot wait for awaitable as 'aw' must be a task, a promise or a task function: current value is 42",
  });
});

Deno.test("waitFor() throws TypeError at the call when options.signal is not an AbortSignal", () => {
  let called = false;
  assert.throws(
    () => waitFor(() => called = true, 100, { signal: "stop" as unknown as AbortSignal }),
    {
      name: "TypeError",
      message:
        `Cannot wait for awaitable as 'signal' must be an AbortSignal: current value is "stop"`,
    },
  );
  assert.equal(called, false);
});

Deno.test("waitFor() settles by the task's outcome for every order of task end, timeout and abort", async () => {
  // What the task does when its work is done: return, fail, or act on a cancellation.
  const ending = fc.constantFrom("returns", "fails", "obeys");
  const events = fc.shuffledSubarray(["work", "abort", "timeout"], { minLength: 3 });
  await fc.assert(
    fc.asyncProperty(events, ending, fc.boolean(), async (order, end, withSignal) => {
      using time = fakeTime();
      const parent = new AbortController();
      const listeners = countListeners(parent.signal);
      const reason = new Error("parent");
      const boom = new Error("boom");
      const gate = deferred();
      const task = createTask(async (signal) => {
        await gate.promise;
        if (end === "obeys" && signal.aborted) throw signal.reason;
        if (end === "fails") throw boom;
        return "value";
      });
      const call = watch(waitFor(task, 100, withSignal ? { signal: parent.signal } : undefined));
      for (const event of order) {
        if (event === "work") gate.resolve();
        else if (event === "abort") parent.abort(reason);
        else await time.tick(100);
        await flush();
      }

      const before = (event: string) => order.indexOf(event) < order.indexOf("work");
      assert.equal(call.settled, true);
      assert.equal(task.done(), true);
      if (withSignal && before("abort")) assert.equal(call.error, reason);
      else if (end === "fails") assert.equal(call.error, boom);
      else if (end === "obeys" && before("timeout")) {
        assertTimedOut(call.error, 100);
        assert.equal((call.error as TimeoutError).cause, task.signal.reason);
      } else assert.equal(call.value, "value");
      assert.equal(listeners(), 0);
      assert.equal(time.timers(), 0);
    }),
    { numRuns: 60 },
  );
});

Deno.test("waitFor() reads a thenable's then once", async () => {
  const counted = countedThen(42);
  assert.equal(await waitFor(counted.thenable, 60_000), 42);
  assert.equal(counted.reads(), 1);
  assert.equal(await waitFor(flakyThen("v"), null), "v");
});

Deno.test("waitFor() called 1 000 times at once on one pending promise, each with a timeout, leaves no observer", async () => {
  using time = fakeTime();
  const promise = countedPromise();
  const pending = pendingThenable();
  const members = [promise.promise, pending.thenable];
  const observers = observersOnFollowed(members);
  const calls = Array.from(
    { length: 1_000 },
    (_, i) => waitFor(members[i % 2], 1 + (i % 10)).catch((e) => e),
  );
  await flush();
  assert.equal(pending.calls(), 1);
  assert.equal(promise.reactions(), 1);
  assert.equal(observers(), 1_000);
  await time.tick(10);
  for (const error of await Promise.all(calls)) assert.ok(error instanceof TimeoutError);
  assert.equal(observers(), 0);
  assert.equal(pending.calls(), 1);
  assert.equal(promise.reactions(), 1);
  assert.equal(time.timers(), 0);
});
