// Copyright 2026 the @aio/tasks authors. MIT license.
import assert from "node:assert/strict";
import { CancelledError } from "../errors.ts";
import { createTask, shield, Task } from "../task.ts";
import { countListeners, deferred, flush } from "./_fixtures.ts";
import { countedPromise, observersOnFollowed } from "./_observers.ts";
import { countedThen, flakyThen, pendingThenable } from "./_hostile.ts";

async function settled(task: Task<unknown>): Promise<void> {
  await task.then(() => {}, () => {});
}

Deno.test("shield() returns a new task that fulfils with the inner task's value", async () => {
  const inner = createTask(() => Promise.resolve("inner"));
  const outer = shield(inner);
  assert.ok(outer instanceof Task);
  assert.notEqual(outer, inner);
  assert.equal(outer.done(), false);
  assert.equal(await outer, "inner");
  assert.equal(outer.result(), "inner");
  assert.equal(outer.cancelled(), false);
});

Deno.test("shield() cancels the outer task at once and leaves the inner task running", async () => {
  const gate = deferred<string>();
  let innerSignal: AbortSignal | undefined;
  const inner = createTask((signal) => {
    innerSignal = signal;
    return gate.promise;
  });
  const outer = shield(inner);
  await flush(1);
  assert.equal(outer.cancel("outer only"), true);
  // Cancelled at once: it does not wait for the inner task.
  assert.equal(outer.done(), true);
  assert.equal(outer.cancelled(), true);
  assert.equal(outer.cancel(), false);
  assert.throws(() => outer.result(), { name: "AbortError", message: "outer only" });
  assert.equal(outer.signal.aborted, true);
  assert.ok(outer.signal.reason instanceof CancelledError);
  assert.equal(inner.done(), false);
  assert.equal(innerSignal?.aborted, false);
  assert.equal(inner.signal.aborted, false);
  gate.resolve("inner finished");
  assert.equal(await inner, "inner finished");
  // The inner value does not change the cancelled outer task.
  assert.equal(outer.cancelled(), true);
  await assert.rejects(outer, CancelledError);
});

Deno.test("shield() cancelled before the inner task starts still lets it run", async () => {
  let ran = false;
  const inner = createTask(() => {
    ran = true;
    return "ran";
  });
  const outer = shield(inner);
  outer.cancel();
  assert.equal(await inner, "ran");
  assert.equal(ran, true);
  assert.equal(outer.cancelled(), true);
});

Deno.test("shield() fails the outer task with the inner task's error", async () => {
  const error = new Error("inner failed");
  const inner = createTask(() => Promise.reject(error));
  const outer = shield(inner);
  await assert.rejects(outer, (e) => e === error);
  assert.equal(outer.exception(), error);
  assert.equal(outer.cancelled(), false);
});

Deno.test("shield() cancels the outer task when the inner task is cancelled", async () => {
  const gate = deferred<void>();
  const inner = createTask((signal) => gate.promise.then(() => Promise.reject(signal.reason)));
  const outer = shield(inner);
  await flush(1);
  inner.cancel("inner cancelled");
  assert.equal(outer.done(), false);
  gate.resolve();
  await settled(outer);
  assert.equal(outer.cancelled(), true);
  assert.throws(() => outer.result(), (e) => e === inner.signal.reason);
  assert.equal(await inner.catch((e) => (e as Error).message), "inner cancelled");
});

Deno.test("shield() of a task cancelled before its start settles the outer task cancelled", async () => {
  const inner = createTask(() => 1);
  inner.cancel("never started");
  const outer = shield(inner);
  await assert.rejects(outer, { name: "AbortError", message: "never started" });
  assert.equal(outer.cancelled(), true);
});

Deno.test("shield() of a task already done settles the outer task the same way", async () => {
  const fulfilled = createTask(() => 7);
  const error = new Error("old failure");
  const failed = createTask(() => Promise.reject(error));
  await settled(fulfilled);
  await settled(failed);
  assert.equal(await shield(fulfilled), 7);
  await assert.rejects(shield(failed), (e) => e === error);
});

Deno.test("shield() starts a function as its own unlinked task", async () => {
  const gate = deferred<string>();
  let received: AbortSignal | undefined;
  let calls = 0;
  const outer = shield((signal) => {
    calls++;
    received = signal;
    return gate.promise;
  });
  // Started like createTask: after the synchronous block.
  assert.equal(calls, 0);
  await flush(1);
  assert.equal(calls, 1);
  assert.ok(received instanceof AbortSignal);
  assert.notEqual(received, outer.signal);
  outer.cancel();
  assert.equal(outer.cancelled(), true);
  assert.equal(received.aborted, false);
  gate.resolve("done anyway");
  await flush();
  assert.equal(calls, 1);
});

Deno.test("shield() of a function follows its value", async () => {
  assert.equal(await shield(() => "value"), "value");
  assert.equal(await shield(() => Promise.resolve(5)), 5);
});

Deno.test("shield() of a function follows its failure and its cancellation", async () => {
  const error = new Error("fn failed");
  await assert.rejects(shield(() => Promise.reject(error)), (e) => e === error);
  const cancelled = shield(() => {
    throw new CancelledError("fn cancelled");
  });
  await assert.rejects(cancelled, { name: "AbortError", message: "fn cancelled" });
  assert.equal(cancelled.cancelled(), true);
});

Deno.test("shield() follows a promise", async () => {
  const gate = deferred<number>();
  const outer = shield(gate.promise);
  assert.equal(outer.done(), false);
  gate.resolve(3);
  assert.equal(await outer, 3);
  const error = new Error("promise failed");
  const failed = shield(Promise.reject(error));
  await assert.rejects(failed, (e) => e === error);
  assert.equal(failed.exception(), error);
  const cancelled = shield(Promise.reject(new CancelledError("promise cancelled")));
  await assert.rejects(cancelled, CancelledError);
  assert.equal(cancelled.cancelled(), true);
});

Deno.test("shield() of a promise can be cancelled while the promise is pending", async () => {
  const gate = deferred<number>();
  const outer = shield(gate.promise);
  assert.equal(outer.cancel("enough"), true);
  assert.equal(outer.cancelled(), true);
  gate.resolve(1);
  await flush();
  assert.equal(outer.cancelled(), true);
  await assert.rejects(outer, { name: "AbortError", message: "enough" });
});

Deno.test("shield() of a promise that rejects after the outer task was cancelled stays cancelled", async () => {
  const gate = deferred<number>();
  const outer = shield(gate.promise);
  outer.cancel();
  gate.reject(new Error("ignored"));
  await flush();
  assert.equal(outer.cancelled(), true);
});

Deno.test("shield() follows a thenable that is not a promise", async () => {
  const thenable = {
    then(onFulfilled: (value: string) => void) {
      onFulfilled("thenable value");
    },
  } as unknown as PromiseLike<string>;
  assert.equal(await shield(thenable), "thenable value");
  const throwing = {
    then() {
      throw new Error("then threw");
    },
  } as unknown as PromiseLike<string>;
  await assert.rejects(shield(throwing), { message: "then threw" });
});

Deno.test("shield() with options.signal cancels only the outer task when the signal aborts", async () => {
  const parent = new AbortController();
  const listeners = countListeners(parent.signal);
  const gate = deferred<string>();
  const inner = createTask((_signal) => gate.promise);
  const outer = shield(inner, { signal: parent.signal });
  assert.equal(listeners(), 1);
  const reason = new CancelledError("parent");
  parent.abort(reason);
  assert.equal(outer.done(), true);
  assert.equal(outer.cancelled(), true);
  assert.throws(() => outer.result(), (e) => e === reason);
  assert.equal(listeners(), 0);
  assert.equal(inner.signal.aborted, false);
  gate.resolve("kept running");
  assert.equal(await inner, "kept running");
});

Deno.test("shield() with options.signal wraps another reason as the cause", async () => {
  const parent = new AbortController();
  const outer = shield(deferred<void>().promise, { signal: parent.signal });
  parent.abort("plain reason");
  const error = await outer.then(() => undefined, (e) => e);
  assert.ok(error instanceof CancelledError);
  assert.equal(error.cause, "plain reason");
});

Deno.test("shield() with options.signal removes its listener when the outer task ends", async () => {
  const parent = new AbortController();
  const listeners = countListeners(parent.signal);
  const gate = deferred<number>();
  const byValue = shield(gate.promise, { signal: parent.signal });
  const byTask = shield(createTask(() => gate.promise), { signal: parent.signal });
  const byCancel = shield(gate.promise, { signal: parent.signal });
  assert.equal(listeners(), 1);
  byCancel.cancel();
  assert.equal(listeners(), 1);
  gate.resolve(1);
  assert.equal(await byValue, 1);
  assert.equal(await byTask, 1);
  assert.equal(listeners(), 0);
});

Deno.test("shield() of a done task with options.signal adds no listener", async () => {
  const parent = new AbortController();
  const listeners = countListeners(parent.signal);
  const inner = createTask(() => 1);
  await inner;
  const outer = shield(inner, { signal: parent.signal });
  assert.equal(listeners(), 0);
  assert.equal(await outer, 1);
});

Deno.test("shield() with an already aborted signal is cancelled at once and starts nothing", async () => {
  const reason = new Error("already gone");
  let called = false;
  const outer = shield(() => {
    called = true;
  }, { signal: AbortSignal.abort(reason) });
  assert.equal(outer.done(), true);
  assert.equal(outer.cancelled(), true);
  const error = await outer.then(() => undefined, (e) => e);
  assert.ok(error instanceof CancelledError);
  assert.equal(error.cause, reason);
  await flush();
  assert.equal(called, false);
});

Deno.test("shield() with an already aborted signal leaves a given task running", async () => {
  const gate = deferred<string>();
  const inner = createTask(() => gate.promise);
  const outer = shield(inner, { signal: AbortSignal.abort(new CancelledError("x")) });
  assert.equal(outer.cancelled(), true);
  await flush();
  assert.equal(inner.done(), false);
  gate.resolve("fine");
  assert.equal(await inner, "fine");
});

Deno.test("shield() names its task Task-<n> and starts a function under a name of its own", async () => {
  const outer = shield(() => 1);
  assert.match(outer.name, /^Task-\d+$/);
  await outer;
});

Deno.test("shield() throws TypeError for input that is not a task, promise or function", () => {
  for (
    const [aw, shown] of [
      [42, "42"],
      [null, "null"],
      [undefined, "undefined"],
      ["task", '"task"'],
      [{}, "an object"],
      [{ then: 1 }, "an object"],
    ] as const
  ) {
    assert.throws(() => shield(aw as never), {
      name: "TypeError",
      message:
        `Cannot shield as 'aw' must be a task, a promise or a task function: current value is ${shown}`,
    });
  }
});

Deno.test("shield() throws TypeError for a signal that is not an AbortSignal", async () => {
  let called = false;
  assert.throws(() =>
    shield(() => {
      called = true;
    }, { signal: "nope" as unknown as AbortSignal }), {
    name: "TypeError",
    message: `Cannot shield as 'signal' must be an AbortSignal: current value is "nope"`,
  });
  await flush();
  assert.equal(called, false);
});

Deno.test("shield() reads a thenable's then once", async () => {
  const counted = countedThen(42);
  assert.equal(await shield(counted.thenable), 42);
  assert.equal(counted.reads(), 1);
  assert.equal(await shield(flakyThen("v")), "v");
});

Deno.test("shield() cancelled 1 000 times over one pending promise leaves one reaction and no observer", async () => {
  const promise = countedPromise<number>();
  const pending = pendingThenable();
  const members = [promise.promise, pending.thenable];
  const observers = observersOnFollowed(members);
  const outers = Array.from({ length: 1_000 }, (_, i) => shield(members[i % 2]));
  await flush();
  assert.equal(pending.calls(), 1);
  assert.equal(promise.reactions(), 1);
  assert.equal(observers(), 1_000);
  for (const outer of outers) outer.cancel();
  assert.equal(observers(), 0);
  assert.ok(outers.every((outer) => outer.cancelled()));
  assert.equal(pending.calls(), 1);
  assert.equal(promise.reactions(), 1);
  const late = shield(promise.promise);
  promise.resolve(5);
  assert.equal(await late, 5);
});

Deno.test("shield() stays cancelled when classifying its promise's failure cancels it", async () => {
  const gate = deferred<never>();
  const outer = shield(gate.promise);
  let traps = 0;
  // The proxy's prototype trap runs while the failure is classified, and cancels the outer task.
  const failure = new Proxy(new Error("boom"), {
    getPrototypeOf(target) {
      if (++traps === 3) outer.cancel("cancelled while classified");
      return Reflect.getPrototypeOf(target);
    },
  });
  const seen: boolean[] = [];
  outer.addDoneCallback((task) => seen.push(task.cancelled()));
  gate.reject(failure);
  await outer.catch(() => {});
  await flush();
  assert.ok(traps >= 3);
  assert.equal(outer.cancelled(), true);
  assert.throws(() => outer.exception(), CancelledError);
  assert.deepEqual(seen, [true]);
});
