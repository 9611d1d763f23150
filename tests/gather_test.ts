// Copyright 2026 the @aio/tasks authors. MIT license.
import assert from "node:assert/strict";
import fc from "fast-check";
import { CancelledError, createTask, gather, sleep, type Task, wait } from "../mod.ts";
import { countedThen, flakyThen, gatedThen } from "./_hostile.ts";
import { countListeners, deferred, failing, fakeTime, flush, work } from "./_fixtures.ts";

Deno.test("gather() fulfils with the results in input order", async () => {
  using time = fakeTime();
  const task = createTask(work(10, "task"));
  const all = gather([work(30, "fn"), task, new Promise((r) => setTimeout(() => r("p"), 20))]);
  await time.tick(30);
  assert.equal(all.done(), true);
  assert.deepEqual(all.result(), ["fn", "task", "p"]);
});

Deno.test("gather() returns a task", async () => {
  const all = gather([() => 1]);
  assert.equal(all.done(), false);
  assert.equal(typeof all.cancel, "function");
  assert.deepEqual(await all, [1]);
  assert.deepEqual(all.result(), [1]);
});

Deno.test("gather() fulfils with [] for an empty input", async () => {
  assert.deepEqual(await gather([]), []);
  assert.deepEqual(await gather(new Set<() => number>()), []);
});

Deno.test("gather() accepts any iterable", async () => {
  function* members() {
    yield () => 1;
    yield Promise.resolve(2);
    yield createTask(() => 3);
  }
  assert.deepEqual(await gather(members()), [1, 2, 3]);
});

Deno.test("gather() starts task functions in input order, after the call", async () => {
  const calls: string[] = [];
  const all = gather([
    () => calls.push("a"),
    Promise.resolve(0),
    () => calls.push("b"),
    () => calls.push("c"),
  ]);
  assert.deepEqual(calls, []);
  await all;
  assert.deepEqual(calls, ["a", "b", "c"]);
});

Deno.test("gather() gives a member given twice its result twice", async () => {
  let runs = 0;
  const task = createTask(() => ++runs);
  const promise = Promise.resolve("p");
  assert.deepEqual(await gather([task, promise, task, promise]), [1, "p", 1, "p"]);
  assert.equal(runs, 1);
});

Deno.test("gather() runs a task function given twice once and gives its result twice", async () => {
  let runs = 0;
  const fn = () => ++runs;
  const other = () => 10 + ++runs;
  assert.deepEqual(await gather([fn, other, fn, Promise.resolve(0)]), [1, 12, 1, 0]);
  assert.equal(runs, 2);
});

Deno.test("gather() cancels a task function given twice once and waits for it", async () => {
  const fn = (signal: AbortSignal) => sleep(60_000, { signal });
  const all = gather([fn, fn], { returnExceptions: true });
  await flush();
  all.cancel();
  await assert.rejects(all, CancelledError);
});

Deno.test("gather() passes each started task its own signal", async () => {
  const signals: AbortSignal[] = [];
  await gather([(signal: AbortSignal) => signals.push(signal), (signal) => signals.push(signal)]);
  assert.equal(signals.length, 2);
  assert.ok(signals[0] instanceof AbortSignal);
  assert.notEqual(signals[0], signals[1]);
});

Deno.test("gather() fails at once with the first failure and the others keep running", async () => {
  using time = fakeTime();
  const slow = createTask(work(50, "slow"));
  const error = new Error("boom");
  let laterFinished = false;
  const all = gather([
    slow,
    failing(10, error),
    async (signal: AbortSignal) => {
      await work(30, undefined)(signal);
      laterFinished = true;
    },
  ]);
  await time.tick(10);
  assert.equal(all.done(), true);
  assert.equal(all.cancelled(), false);
  assert.equal(all.exception(), error);
  await assert.rejects(all, (e) => e === error);
  await time.tick(40);
  assert.equal(laterFinished, true);
  assert.equal(slow.result(), "slow");
});

Deno.test("gather() keeps the first failure when more members fail", async () => {
  using time = fakeTime();
  const first = new Error("first");
  const all = gather([failing(20, new Error("second")), failing(10, first)]);
  await time.tick(30);
  assert.equal(all.exception(), first);
});

Deno.test("gather() fails at the call when a task member has already failed", async () => {
  const error = new TypeError("early");
  const failed = createTask(() => {
    throw error;
  });
  await failed.catch(() => {});
  let ran = false;
  const all = gather([failed, () => (ran = true)]);
  assert.equal(all.done(), true);
  assert.equal(all.exception(), error);
  await flush();
  assert.equal(ran, true, "the other members run all the same");
});

Deno.test("gather() rejects with the error of a rejected promise member", async () => {
  const error = new RangeError("bad");
  await assert.rejects(gather([Promise.resolve(1), Promise.reject(error)]), (e) => e === error);
});

Deno.test("gather() rejects when a thenable member's then() throws", async () => {
  const error = new Error("broken thenable");
  const broken: PromiseLike<number> = {
    then() {
      throw error;
    },
  };
  await assert.rejects(gather([broken]), (e) => e === error);
});

Deno.test("gather() rejects with the CancelledError of a member cancelled by someone else", async () => {
  using time = fakeTime();
  const victim = createTask(work(50, "v"));
  const other = createTask(work(50, "o"));
  const all = gather([victim, other]);
  await time.tick(1);
  victim.cancel("not needed");
  await time.tick(0);
  assert.equal(all.done(), true);
  const error = await all.catch((e) => e);
  assert.ok(error instanceof CancelledError);
  assert.equal(error.message, "not needed");
  assert.equal(error, await victim.catch((e) => e));
  assert.equal(other.done(), false, "the other member keeps running");
  await time.tick(50);
  assert.equal(other.result(), "o");
});

Deno.test("gather() puts errors and cancellations in place with returnExceptions", async () => {
  using time = fakeTime();
  const error = new Error("boom");
  const cancelledByOther = createTask(work(50, "c"));
  const all = gather([
    work(30, "ok"),
    failing(10, error),
    cancelledByOther,
    Promise.reject(error),
  ], { returnExceptions: true });
  await time.tick(5);
  cancelledByOther.cancel("gone");
  await time.tick(30);
  assert.equal(all.done(), true);
  const results = all.result();
  assert.equal(results[0], "ok");
  assert.equal(results[1], error);
  assert.ok(results[2] instanceof CancelledError);
  assert.equal((results[2] as CancelledError).message, "gone");
  assert.equal(results[3], error);
});

Deno.test("gather() fulfils with every value when nothing fails with returnExceptions", async () => {
  assert.deepEqual(await gather([() => 1, Promise.resolve(2)], { returnExceptions: true }), [1, 2]);
});

Deno.test("gather() cancel() cancels every unfinished member, waits for them, then is cancelled", async () => {
  using time = fakeTime();
  const finished = createTask(() => "done");
  await finished;
  const member = createTask(work(1000, "m"));
  let cleanedUp = false;
  const slowToStop = createTask(async (signal) => {
    await work(1000, undefined)(signal).catch(() => {});
    await new Promise((r) => setTimeout(r, 20)); // cleanup after the abort
    cleanedUp = true;
    throw signal.reason;
  });
  const all = gather([finished, member, slowToStop]);
  await time.tick(1);
  assert.equal(all.cancel("stop"), true);
  await time.tick(0);
  assert.equal(member.cancelled(), true);
  assert.equal(all.done(), false, "still waiting for a member to stop");
  await time.tick(20);
  assert.equal(cleanedUp, true);
  assert.equal(slowToStop.cancelled(), true);
  assert.equal(all.cancelled(), true);
  const error = await all.catch((e) => e);
  assert.ok(error instanceof CancelledError);
  assert.equal(error.message, "stop");
  assert.equal(await member.catch((e) => e), error, "members get the gather's CancelledError");
  assert.equal(finished.result(), "done");
});

Deno.test("gather() cancel() ends cancelled even when a member finishes anyway", async () => {
  const stubborn = deferred<string>();
  const member = createTask(() => stubborn.promise);
  const all = gather([member], { returnExceptions: true });
  await flush();
  all.cancel();
  await flush();
  assert.equal(all.done(), false);
  stubborn.resolve("finished anyway");
  await assert.rejects(all, CancelledError);
  assert.equal(member.result(), "finished anyway");
});

Deno.test("gather() cancel() ends cancelled also with returnExceptions", async () => {
  const member = createTask((signal) => sleep(60_000, { signal }));
  const all = gather([member, Promise.resolve(1)], { returnExceptions: true });
  await flush();
  all.cancel();
  await assert.rejects(all, CancelledError);
  assert.equal(all.cancelled(), true);
  assert.equal(member.cancelled(), true);
});

Deno.test("gather() cancel() does not wait for promise members", async () => {
  const never = new Promise<never>(() => {});
  const all = gather([never, (signal: AbortSignal) => sleep(60_000, { signal })]);
  await flush();
  all.cancel();
  await assert.rejects(all, CancelledError);
});

Deno.test("gather() cancel() before the functions start means they never run", async () => {
  let called = false;
  const all = gather([() => {
    called = true;
  }]);
  all.cancel();
  assert.equal(all.done(), true);
  await assert.rejects(all, CancelledError);
  assert.equal(called, false);
});

Deno.test("gather() cancel() after completion returns false and touches nothing", async () => {
  const all = gather([() => 1]);
  await all;
  assert.equal(all.cancel(), false);
  assert.equal(all.cancelled(), false);
  assert.deepEqual(all.result(), [1]);
});

Deno.test("gather() cancel() after a failure returns false and leaves the others running", async () => {
  using time = fakeTime();
  const other = createTask(work(50, "o"));
  const all = gather([failing(1, new Error("x")), other]);
  await time.tick(1);
  assert.equal(all.done(), true);
  assert.equal(all.cancel(), false);
  await time.tick(0);
  assert.equal(other.done(), false);
  await time.tick(50);
  assert.equal(other.result(), "o");
  await all.catch(() => {});
});

Deno.test("gather() is cancelled when options.signal aborts", async () => {
  const controller = new AbortController();
  const member = createTask((signal) => sleep(60_000, { signal }));
  const all = gather([member, (signal: AbortSignal) => sleep(60_000, { signal })], {
    signal: controller.signal,
  });
  await flush();
  const reason = new Error("user left");
  controller.abort(reason);
  const error = await all.catch((e) => e);
  assert.ok(error instanceof CancelledError);
  assert.equal(error.cause, reason);
  assert.equal(member.cancelled(), true);
});

Deno.test("gather() keeps a CancelledError reason of options.signal as it is", async () => {
  const controller = new AbortController();
  const all = gather([(signal: AbortSignal) => sleep(60_000, { signal })], {
    signal: controller.signal,
  });
  const reason = new CancelledError("parent");
  controller.abort(reason);
  assert.equal(await all.catch((e) => e), reason);
});

Deno.test("gather() with options.signal already aborted is cancelled and calls nothing", async () => {
  const controller = new AbortController();
  const reason = new Error("already");
  controller.abort(reason);
  let called = false;
  const member = createTask(() => "untouched");
  const all = gather([() => (called = true), member], { signal: controller.signal });
  assert.equal(all.cancelled(), true);
  const error = await all.catch((e) => e);
  assert.ok(error instanceof CancelledError);
  assert.equal(error.cause, reason);
  await flush();
  assert.equal(called, false);
  assert.equal(member.result(), "untouched");
});

Deno.test("gather() removes its listener from options.signal when it settles", async () => {
  const controller = new AbortController();
  const listeners = countListeners(controller.signal);
  const all = gather([() => 1, Promise.resolve(2)], { signal: controller.signal });
  assert.equal(listeners(), 1);
  await all;
  assert.equal(listeners(), 0);
  const failed = gather([() => Promise.reject(new Error("x"))], { signal: controller.signal });
  await failed.catch(() => {});
  assert.equal(listeners(), 0);
});

Deno.test("gather() shares one listener on options.signal between many gathers", () => {
  const controller = new AbortController();
  const listeners = countListeners(controller.signal);
  const all = Array.from(
    { length: 50 },
    () =>
      gather([(signal: AbortSignal) => sleep(60_000, { signal })], { signal: controller.signal }),
  );
  assert.equal(listeners(), 1);
  controller.abort();
  return Promise.all(all.map((g) => g.catch(() => {}))).then(() => {
    assert.ok(all.every((g) => g.cancelled()));
    assert.equal(listeners(), 0);
  });
});

Deno.test("gather() rejects a non-iterable with a TypeError", () => {
  assert.throws(() => gather(42 as unknown as []), {
    name: "TypeError",
    message: "Cannot gather as 'aws' must be an iterable: current value is 42",
  });
  assert.throws(() => gather(undefined as unknown as []), {
    name: "TypeError",
    message: "Cannot gather as 'aws' must be an iterable: current value is undefined",
  });
});

Deno.test("gather() rejects a member that is not awaitable, before starting anything", async () => {
  let called = false;
  assert.throws(() => gather([() => (called = true), 7] as unknown as []), {
    name: "TypeError",
    message:
      "Cannot gather as 'aws[1]' must be a task, a promise or a task function: current value is 7",
  });
  await flush();
  assert.equal(called, false);
});

Deno.test("gather() rejects a signal that is not an AbortSignal", () => {
  assert.throws(() => gather([], { signal: "stop" as unknown as AbortSignal }), {
    name: "TypeError",
    message: `Cannot gather as 'signal' must be an AbortSignal: current value is "stop"`,
  });
});

Deno.test("gather() results follow input order for every completion order", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.array(fc.tuple(fc.constantFrom("fn", "task", "promise"), fc.boolean()), {
        minLength: 1,
        maxLength: 8,
      }),
      async (s, kinds) => {
        const members = kinds.map(([kind, fails], i) => {
          const settle = () =>
            s.schedule(Promise.resolve(i)).then((v) => {
              if (fails) throw new Error(`e${v}`);
              return v;
            });
          if (kind === "fn") return settle;
          if (kind === "task") return createTask(settle);
          return settle();
        });
        const all = gather(members, { returnExceptions: true });
        await s.waitFor(all);
        const results = all.result();
        kinds.forEach(([, fails], i) => {
          if (fails) assert.equal((results[i] as Error).message, `e${i}`);
          else assert.equal(results[i], i);
        });
      },
    ),
    { numRuns: 60 },
  );
});

Deno.test("gather() without returnExceptions fails with the first failure to happen", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
      async (s, fails) => {
        const failures: number[] = [];
        const tasks: Task<number>[] = fails.map((f, i) =>
          createTask(() =>
            s.schedule(Promise.resolve(i)).then((v) => {
              if (!f) return v;
              failures.push(v);
              throw new Error(`e${v}`);
            })
          )
        );
        const all = gather(tasks);
        await s.waitFor(all.catch(() => {}));
        if (failures.length === 0) assert.deepEqual(all.result(), fails.map((_, i) => i));
        else assert.equal((all.exception() as Error).message, `e${failures[0]}`);
        await s.waitAll();
      },
    ),
    { numRuns: 60 },
  );
});

// Task functions that declare no parameter start as one batch followed by one Promise.all;
// these tests hold that path to the same rules as task members.

Deno.test("gather() starts parameterless functions in creation order among other tasks", async () => {
  const order: string[] = [];
  const before = createTask(() => order.push("before"));
  const all = gather([() => order.push("a"), () => order.push("b"), () => order.push("c")]);
  const after = createTask(() => order.push("after"));
  assert.deepEqual(order, []);
  await all;
  await before;
  await after;
  assert.deepEqual(order, ["before", "a", "b", "c", "after"]);
});

Deno.test("gather() calls every function with its task's signal alone and no receiver", async () => {
  let seen: unknown[] = ["not called"];
  let receiver: unknown = "not called";
  await gather([function (this: unknown, ...args: unknown[]) {
    seen = args;
    receiver = this;
  }]);
  assert.equal(seen.length, 1);
  assert.ok(seen[0] instanceof AbortSignal);
  assert.equal(receiver, undefined);
});

Deno.test("gather() cancel() before parameterless functions start means none runs", async () => {
  let calls = 0;
  const all = gather([() => calls++, () => calls++]);
  assert.equal(all.cancel(), true);
  await assert.rejects(all, CancelledError);
  await flush();
  assert.equal(calls, 0);
  assert.equal(all.cancelled(), true);
});

Deno.test("gather() stops starting parameterless functions once one of them cancels it", async () => {
  const calls: number[] = [];
  const all: Task<unknown[]> = gather([
    () => calls.push(0),
    () => {
      calls.push(1);
      all.cancel("enough");
    },
    () => calls.push(2),
  ]);
  const error = await all.catch((e) => e);
  assert.ok(error instanceof CancelledError);
  assert.equal(error.message, "enough");
  assert.deepEqual(calls, [0, 1]);
});

Deno.test("gather() cancel() waits for running parameterless functions before it is cancelled", async () => {
  using time = fakeTime();
  let finished = 0;
  const all = gather([
    () => sleep(10).then(() => finished++),
    () => sleep(30).then(() => finished++),
  ]);
  await time.tick(1);
  all.cancel();
  await time.tick(15);
  assert.equal(all.done(), false);
  assert.equal(finished, 1);
  await time.tick(15);
  assert.equal(all.cancelled(), true);
  assert.equal(finished, 2);
  await all.catch(() => {});
});

Deno.test("gather() fails with a parameterless function's synchronous throw, the others keep running", async () => {
  using time = fakeTime();
  let finished = false;
  const boom = new Error("boom");
  const all = gather([() => sleep(10).then(() => (finished = true)), () => {
    throw boom;
  }]);
  await time.tick(0);
  assert.equal(all.done(), true);
  assert.equal(all.exception(), boom);
  await time.tick(10);
  assert.equal(finished, true);
});

Deno.test("gather() puts parameterless functions' errors in place with returnExceptions", async () => {
  const boom = new Error("boom");
  const cancelled = new CancelledError("stop");
  const results = await gather([() => 1, () => Promise.reject(boom), () => {
    throw cancelled;
  }], { returnExceptions: true });
  assert.deepEqual(results, [1, boom, cancelled]);
});

Deno.test("gather() mixes parameterless functions, tasks, promises and duplicates in input order", async () => {
  using time = fakeTime();
  let calls = 0;
  const twice = () => {
    calls++;
    return sleep(5).then(() => "twice");
  };
  const task = createTask(work(20, "task"));
  const all = gather([
    () => "first",
    work(10, "with signal"),
    twice,
    task,
    Promise.resolve("promise"),
    twice,
    () => sleep(15).then(() => "last"),
  ]);
  await time.tick(20);
  assert.deepEqual(all.result(), [
    "first",
    "with signal",
    "twice",
    "task",
    "promise",
    "twice",
    "last",
  ]);
  assert.equal(calls, 1);
});

Deno.test("gather() keeps start order when parameterless functions and others are mixed", async () => {
  const order: string[] = [];
  await gather([() => order.push("a"), (_signal) => order.push("b"), () => order.push("c")]);
  assert.deepEqual(order, ["a", "b", "c"]);
});

Deno.test("gather() with a limit starts no waiting function once a running one has failed it", async () => {
  const gate = deferred();
  const started: string[] = [];
  const all = gather([
    async () => {
      started.push("a");
      await gate.promise;
      throw new RangeError("a failed");
    },
    async (signal: AbortSignal) => {
      started.push("b");
      await new Promise((resolve) => signal.addEventListener("abort", resolve));
    },
    () => {
      started.push("c");
    },
  ], { limit: 2 });
  await flush();
  assert.deepEqual(started, ["a", "b"]);
  gate.resolve();
  await assert.rejects(all, RangeError);
  await flush();
  // "c" was waiting for a slot: the failure that freed one stopped the gather first.
  assert.deepEqual(started, ["a", "b"]);
});

Deno.test("gather() with a limit starts no waiting function after one fails at its start", async () => {
  const started: string[] = [];
  const all = gather([
    () => {
      started.push("a");
      throw new RangeError("a failed");
    },
    () => {
      started.push("b");
    },
  ], { limit: 1 });
  await assert.rejects(all, RangeError);
  await flush();
  assert.deepEqual(started, ["a"]);
});

Deno.test("gather() reads a thenable's then once per place, and not while a waiting call follows it", async () => {
  const counted = countedThen(42);
  assert.deepEqual(await gather([counted.thenable]), [42]);
  assert.equal(counted.reads(), 1);
  assert.deepEqual(await gather([counted.thenable, counted.thenable]), [42, 42]);
  assert.equal(counted.reads(), 3, "once per place, as Promise.all reads it");
  const gated = gatedThen<number>();
  const waiting = wait([gated.thenable], { timeout: 1_000 });
  assert.equal(gated.reads(), 1);
  const all = gather([gated.thenable, gated.thenable]);
  assert.equal(gated.reads(), 1, "the future the wait made is watched instead");
  gated.open(7);
  assert.deepEqual(await all, [7, 7]);
  assert.equal((await waiting)[0].size, 1);
  // Settled, it is followed anew by the next call, as `await` would read it again.
  assert.deepEqual(await gather([gated.thenable]), [7]);
  assert.equal(gated.reads(), 2);
  assert.deepEqual(await gather([flakyThen("v")]), ["v"]);
});

Deno.test("gather() puts the value of a promise that others followed first in its place", async () => {
  const gate = deferred<string>();
  const failed = Promise.reject(new Error("boom"));
  await wait([gate.promise, failed], { timeout: 0 });
  const all = gather([gate.promise, () => "fn"]);
  gate.resolve("p");
  assert.deepEqual(await all, ["p", "fn"]);
  const withError = await gather([failed], { returnExceptions: true });
  assert.equal((withError[0] as Error).message, "boom");
  await assert.rejects(gather([failed]), { message: "boom" });
});
