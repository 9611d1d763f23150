// Copyright 2026 the @aio/tasks authors. MIT license.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  ALL_COMPLETED,
  CancelledError,
  createTask,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  sleep,
  type Task,
  wait,
} from "../mod.ts";
import { countListeners, deferred, failing, fakeTime, flush, work } from "./_fixtures.ts";
import { countedPromise, observersOn, observersOnFollowed } from "./_observers.ts";
import { countedThen, gatedThen, pendingThenable } from "./_hostile.ts";
import { followedFuture } from "../_thenables.ts";

/** A task function that runs until it is cancelled. */
function forever(signal: AbortSignal): Promise<never> {
  return sleep(Infinity, { signal }) as Promise<never>;
}

/** Follows a promise: the getter gives its value once it has fulfilled. */
function peek<T>(promise: Promise<T>): () => T | undefined {
  let value: T | undefined;
  promise.then((v) => value = v);
  return () => value;
}

Deno.test("wait() constants are the strings of the same name", () => {
  assert.equal(ALL_COMPLETED, "ALL_COMPLETED");
  assert.equal(FIRST_COMPLETED, "FIRST_COMPLETED");
  assert.equal(FIRST_EXCEPTION, "FIRST_EXCEPTION");
});

Deno.test("wait() resolves when every member is done by default", async () => {
  using time = fakeTime();
  const a = createTask(work(20, "a"));
  const b = createTask(failing(10, new Error("b")));
  const p = new Promise((resolve) => setTimeout(() => resolve("p"), 30));
  const result = peek(wait([a, b, p]));
  await time.tick(29);
  assert.equal(result(), undefined);
  await time.tick(1);
  const [done, pending] = result()!;
  assert.deepEqual([...done], [b, a, p], "done is in completion order");
  assert.equal(pending.size, 0);
  await b.catch(() => {});
});

Deno.test("wait() gives back the very objects passed in", async () => {
  const task = createTask(() => 1);
  const promise = Promise.resolve(2);
  const [done] = await wait([task, promise], { returnWhen: ALL_COMPLETED });
  assert.ok(done.has(task));
  assert.ok(done.has(promise));
  assert.equal(done.size, 2);
});

Deno.test("wait() collapses duplicates", async () => {
  const task = createTask(() => 1);
  const promise = Promise.resolve(2);
  const [done, pending] = await wait([task, promise, task, promise]);
  assert.deepEqual([...done].sort(), [promise, task].sort());
  assert.equal(done.size, 2);
  assert.equal(pending.size, 0);
});

Deno.test("wait() with FIRST_COMPLETED resolves when any member is done", async () => {
  using time = fakeTime();
  const slow = createTask(work(50, "slow"));
  const fast = createTask(work(10, "fast"));
  const other = createTask(work(30, "other"));
  const waiting = wait([slow, fast, other], { returnWhen: FIRST_COMPLETED });
  await time.tick(10);
  const [done, pending] = await waiting;
  assert.deepEqual([...done], [fast]);
  assert.deepEqual([...pending], [slow, other], "pending keeps input order");
  assert.equal(slow.done(), false, "nothing is cancelled");
  await time.tick(50);
});

Deno.test("wait() with FIRST_COMPLETED resolves at once with members already done", async () => {
  const finished = createTask(() => "done");
  await finished;
  const never = deferred();
  const [done, pending] = await wait([never.promise, finished], { returnWhen: FIRST_COMPLETED });
  assert.deepEqual([...done], [finished]);
  assert.deepEqual([...pending], [never.promise]);
});

Deno.test("wait() with FIRST_COMPLETED counts a cancelled member as done", async () => {
  const victim = createTask(forever);
  const waiting = wait([victim, deferred().promise], { returnWhen: FIRST_COMPLETED });
  await flush();
  victim.cancel();
  const [done, pending] = await waiting;
  assert.deepEqual([...done], [victim]);
  assert.equal(pending.size, 1);
});

Deno.test("wait() with FIRST_EXCEPTION resolves when a member fails", async () => {
  using time = fakeTime();
  const ok = createTask(work(5, "ok"));
  const bad = createTask(failing(10, new Error("bad")));
  const slow = createTask(work(50, "slow"));
  const waiting = wait([ok, bad, slow], { returnWhen: FIRST_EXCEPTION });
  await time.tick(10);
  const [done, pending] = await waiting;
  assert.deepEqual([...done], [ok, bad]);
  assert.deepEqual([...pending], [slow]);
  assert.equal(slow.done(), false);
  await time.tick(50);
  await bad.catch(() => {});
});

Deno.test("wait() with FIRST_EXCEPTION counts a rejected promise as a failure", async () => {
  const error = new Error("rejected");
  const never = deferred();
  const rejected = Promise.reject(error);
  const [done, pending] = await wait([never.promise, rejected], { returnWhen: FIRST_EXCEPTION });
  assert.deepEqual([...done], [rejected]);
  assert.deepEqual([...pending], [never.promise]);
});

Deno.test("wait() with FIRST_EXCEPTION does not count a cancellation as a failure", async () => {
  using time = fakeTime();
  const victim = createTask(work(50, "v"));
  const aborted = Promise.reject(new CancelledError("promise cancelled"));
  const last = createTask(work(20, "last"));
  const result = peek(wait([victim, aborted, last], { returnWhen: FIRST_EXCEPTION }));
  await time.tick(1);
  victim.cancel();
  await time.tick(0);
  assert.equal(result(), undefined, "a cancellation does not end the wait");
  await time.tick(20);
  assert.ok(result());
  assert.deepEqual(new Set(result()![0]), new Set([victim, aborted, last]));
  assert.equal(result()![1].size, 0);
});

Deno.test("wait() with FIRST_EXCEPTION resolves at once when a member has already failed", async () => {
  const failed = createTask(() => Promise.reject(new Error("early")));
  await failed.catch(() => {});
  const never = createTask(forever);
  const [done, pending] = await wait([never, failed], { returnWhen: FIRST_EXCEPTION });
  assert.deepEqual([...done], [failed]);
  assert.deepEqual([...pending], [never]);
  never.cancel();
  await never.catch(() => {});
});

Deno.test("wait() never throws a member's error", async () => {
  const error = new Error("boom");
  const failed = createTask(() => Promise.reject(error));
  const [done] = await wait([failed, Promise.reject(error)]);
  assert.equal(done.size, 2);
  assert.equal(failed.exception(), error);
});

Deno.test("wait() returns early on timeout, cancels nothing and leaves no timer", async () => {
  using time = fakeTime();
  const fast = createTask(work(10, "fast"));
  const slow = createTask(work(100, "slow"));
  const result = peek(wait([fast, slow], { timeout: 50 }));
  await time.tick(49);
  assert.equal(result(), undefined);
  await time.tick(1);
  assert.ok(result());
  assert.deepEqual([...result()![0]], [fast]);
  assert.deepEqual([...result()![1]], [slow]);
  assert.equal(slow.done(), false);
  assert.equal(time.timers(), 1, "only the slow member's own timer is left");
  await time.tick(50);
  assert.equal(slow.result(), "slow");
});

Deno.test("wait() clears its timer when it settles before the timeout", async () => {
  using time = fakeTime();
  const fast = createTask(work(10, "fast"));
  const waiting = wait([fast], { timeout: 1000 });
  await time.tick(10);
  const [done] = await waiting;
  assert.deepEqual([...done], [fast]);
  assert.equal(time.timers(), 0);
});

Deno.test("wait() with a timeout of 0 or less returns after one timer turn", async () => {
  using time = fakeTime();
  const never = createTask(forever);
  for (const timeout of [0, -5]) {
    const resolved = Promise.resolve("r");
    const result = peek(wait([never, resolved], { timeout }));
    await flush();
    assert.equal(result(), undefined);
    await time.tick(0);
    assert.ok(result());
    assert.deepEqual([...result()![0]], [resolved], "settled promises are done");
    assert.deepEqual([...result()![1]], [never]);
  }
  never.cancel();
  await never.catch(() => {});
});

Deno.test("wait() treats null, undefined and Infinity timeouts as no limit", async () => {
  using time = fakeTime();
  for (const timeout of [null, undefined, Infinity]) {
    const member = deferred<string>();
    const result = peek(wait([member.promise], { timeout }));
    assert.equal(time.timers(), 0);
    await time.tick(2 ** 32);
    assert.equal(result(), undefined);
    member.resolve("late");
    await flush();
    assert.deepEqual([...result()![0]], [member.promise]);
  }
});

Deno.test("wait() rejects with the reason when options.signal aborts, cancelling nothing", async () => {
  using time = fakeTime();
  const controller = new AbortController();
  const listeners = countListeners(controller.signal);
  const task = createTask(work(100, "t"));
  const waiting = wait([task], { signal: controller.signal, timeout: 500 });
  assert.equal(listeners(), 1);
  const reason = new Error("stop waiting");
  controller.abort(reason);
  await assert.rejects(waiting, (e) => e === reason);
  assert.equal(listeners(), 0);
  assert.equal(task.done(), false);
  assert.equal(time.timers(), 1, "the wait's timer is gone");
  await time.tick(100);
  assert.equal(task.result(), "t");
});

Deno.test("wait() rejects at once when options.signal is already aborted", async () => {
  const controller = new AbortController();
  const reason = new Error("already");
  controller.abort(reason);
  const task = createTask(forever);
  const observers = observersOn([task]);
  await assert.rejects(wait([task], { signal: controller.signal }), (e) => e === reason);
  assert.equal(observers(), 0);
  task.cancel();
  await task.catch(() => {});
});

Deno.test("wait() removes its listener from options.signal when it resolves", async () => {
  const controller = new AbortController();
  const listeners = countListeners(controller.signal);
  await wait([createTask(() => 1)], { signal: controller.signal });
  assert.equal(listeners(), 0);
});

Deno.test("wait() leaves no observer on pending members when it settles", async () => {
  using time = fakeTime();
  const controller = new AbortController();
  const tasks = [createTask(work(10, 1)), createTask(work(20, 2)), createTask(work(30, 3))];
  const observers = observersOn(tasks);
  const first = wait(tasks, { returnWhen: FIRST_COMPLETED });
  assert.equal(observers(), 3);
  await time.tick(10);
  await first;
  assert.equal(observers(), 0);
  const timed = wait(tasks, { timeout: 5 });
  await time.tick(5);
  await timed;
  assert.equal(observers(), 0);
  const aborted = wait(tasks, { signal: controller.signal });
  controller.abort();
  await aborted.catch(() => {});
  assert.equal(observers(), 0);
  await time.tick(30);
});

Deno.test("wait() throws a TypeError for an empty input", () => {
  assert.throws(() => wait([]), {
    name: "TypeError",
    message: "Cannot wait as 'aws' must not be empty: current value is []",
  });
  assert.throws(() => wait(new Set<Task<unknown>>()), {
    name: "TypeError",
    message: "Cannot wait as 'aws' must not be empty: current value is an instance of Set",
  });
});

Deno.test("wait() throws a TypeError for a non-iterable", () => {
  assert.throws(() => wait(5 as unknown as []), {
    name: "TypeError",
    message: "Cannot wait as 'aws' must be an iterable: current value is 5",
  });
});

Deno.test("wait() throws a TypeError that says to wrap task functions with createTask()", async () => {
  let called = false;
  function load() {
    called = true;
  }
  assert.throws(() => wait([Promise.resolve(1), load] as unknown as Task<unknown>[]), {
    name: "TypeError",
    message: "Cannot wait as 'aws[1]' must be a task or a promise " +
      "(wrap functions with createTask()): current value is function load",
  });
  await flush();
  assert.equal(called, false);
});

Deno.test("wait() throws a TypeError for a member that is not awaitable", () => {
  assert.throws(() => wait([{}] as unknown as Task<unknown>[]), {
    name: "TypeError",
    message: "Cannot wait as 'aws[0]' must be a task or a promise: current value is an object",
  });
});

Deno.test("wait() throws a TypeError for an unknown returnWhen", () => {
  assert.throws(
    () => wait([Promise.resolve()], { returnWhen: "ANY" as typeof ALL_COMPLETED }),
    {
      name: "TypeError",
      message: `Cannot wait as 'returnWhen' must be "ALL_COMPLETED", "FIRST_COMPLETED" or ` +
        `"FIRST_EXCEPTION": current value is "ANY"`,
    },
  );
});

Deno.test("wait() checks timeout and signal", () => {
  const members = [Promise.resolve()];
  assert.throws(() => wait(members, { timeout: NaN }), {
    name: "RangeError",
    message: "Cannot wait as 'timeout' must not be NaN: current value is NaN",
  });
  assert.throws(() => wait(members, { timeout: "1" as unknown as number }), {
    name: "TypeError",
    message: `Cannot wait as 'timeout' must be a number of milliseconds: current value is "1"`,
  });
  assert.throws(() => wait(members, { signal: {} as AbortSignal }), {
    name: "TypeError",
    message: "Cannot wait as 'signal' must be an AbortSignal: current value is an object",
  });
});

Deno.test("wait() splits its input into done and pending for every completion order", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.array(fc.constantFrom("ok", "fail", "never"), { minLength: 1, maxLength: 8 }),
      fc.constantFrom(ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION),
      async (s, kinds, returnWhen) => {
        const nevers: Task<number>[] = [];
        const members = kinds.map((kind, i) => {
          if (kind === "never") {
            const task = createTask((signal) =>
              new Promise<number>((_, reject) => signal.addEventListener("abort", reject))
            );
            nevers.push(task);
            return task;
          }
          const settle = () =>
            s.schedule(Promise.resolve(i)).then((v) => {
              if (kind === "fail") throw new Error(`e${v}`);
              return v;
            });
          return i % 2 === 0 ? createTask(settle) : settle();
        });
        let settled = false;
        const waiting = wait(members, { returnWhen }).finally(() => settled = true);
        // Tasks start, and so schedule their outcome, a microtask after they are created.
        await flush();
        await s.waitAll();
        await flush();
        const canSettle = returnWhen === FIRST_COMPLETED
          ? nevers.length < members.length
          : returnWhen === FIRST_EXCEPTION
          ? nevers.length === 0 || kinds.includes("fail")
          : nevers.length === 0;
        assert.equal(settled, canSettle);
        // The members that never finish on their own end cancelled now.
        for (const task of nevers) task.cancel();
        const [done, pending] = await waiting;
        await Promise.allSettled(members);
        assert.deepEqual(new Set([...done, ...pending]), new Set(members));
        assert.ok([...done].every((m) => !pending.has(m)), "done and pending are disjoint");
        if (returnWhen === FIRST_COMPLETED) assert.ok(done.size > 0);
        if (returnWhen === ALL_COMPLETED) assert.equal(pending.size, 0);
      },
    ),
    { numRuns: 80 },
  );
});

Deno.test("wait() in a FIRST_COMPLETED loop takes every task once and leaves no callbacks", async () => {
  await fc.assert(
    fc.asyncProperty(fc.scheduler(), fc.integer({ min: 1, max: 30 }), async (s, n) => {
      const tasks = Array.from(
        { length: n },
        (_, i) => createTask(() => s.schedule(Promise.resolve(i))),
      );
      const observers = observersOn(tasks);
      const seen: Task<number>[] = [];
      let pending = new Set(tasks);
      const loop = (async () => {
        while (pending.size > 0) {
          let done: Set<Task<number>>;
          [done, pending] = await wait(pending, { returnWhen: FIRST_COMPLETED });
          assert.ok(done.size > 0);
          seen.push(...done);
          assert.equal(observers(), 0);
        }
      })();
      await s.waitFor(loop);
      assert.equal(seen.length, n);
      assert.deepEqual(new Set(seen), new Set(tasks));
    }),
    { numRuns: 40 },
  );
});

Deno.test("wait() reads a thenable's then once", async () => {
  const counted = countedThen(42);
  const [done] = await wait([counted.thenable]);
  assert.ok(done.has(counted.thenable));
  assert.equal(counted.reads(), 1);
  await wait([counted.thenable], { returnWhen: FIRST_COMPLETED });
  assert.equal(counted.reads(), 2);
  // A call that may end early follows it through a future, which other calls reuse while it
  // is pending.
  const gated = gatedThen<number>();
  const first = wait([gated.thenable], { returnWhen: FIRST_COMPLETED });
  const second = wait([gated.thenable], { returnWhen: FIRST_COMPLETED });
  const third = wait([gated.thenable]);
  assert.equal(gated.reads(), 1, "a thenable whose future is pending is not read again");
  gated.open(1);
  for (const [done] of await Promise.all([first, second, third])) assert.equal(done.size, 1);
  assert.equal(gated.reads(), 1);
});

Deno.test("wait() in a FIRST_COMPLETED loop over a pending promise and thenable adds one reaction to each", async () => {
  const promise = countedPromise();
  const pending = pendingThenable();
  const observers = observersOnFollowed([promise.promise, pending.thenable]);
  for (let i = 0; i < 10_000; i++) {
    const task = createTask(() => i);
    const [done] = await wait([promise.promise, pending.thenable, task], {
      returnWhen: FIRST_COMPLETED,
    });
    assert.ok(done.has(task));
  }
  assert.equal(pending.calls(), 1);
  assert.equal(promise.reactions(), 1);
  assert.equal(observers(), 0);
});

Deno.test("wait() called 1 000 times at once on one pending promise, each with a timeout, leaves no observer", async () => {
  using time = fakeTime();
  const promise = countedPromise();
  const pending = pendingThenable();
  const members = [promise.promise, pending.thenable];
  const observers = observersOnFollowed(members);
  const calls = Array.from({ length: 1_000 }, (_, i) => wait(members, { timeout: 1 + (i % 10) }));
  await flush();
  assert.equal(pending.calls(), 1);
  assert.equal(promise.reactions(), 1);
  assert.equal(observers(), 2_000);
  await time.tick(10);
  for (const [done, pendingSet] of await Promise.all(calls)) {
    assert.equal(done.size, 0);
    assert.deepEqual([...pendingSet], members);
  }
  assert.equal(observers(), 0);
  assert.equal(pending.calls(), 1);
  assert.equal(promise.reactions(), 1);
  assert.equal(time.timers(), 0);
});

Deno.test("wait() counts a promise member that settles after others waited on it", async () => {
  const gate = deferred<number>();
  const first = wait([gate.promise], { timeout: 0 });
  const [, pending] = await first;
  assert.ok(pending.has(gate.promise));
  const second = wait([gate.promise]);
  gate.resolve(1);
  const [done] = await second;
  assert.ok(done.has(gate.promise));
  const failed = Promise.reject(new Error("boom"));
  const [doneFailed] = await wait([failed, gate.promise], { returnWhen: FIRST_EXCEPTION });
  assert.deepEqual([...doneFailed], [failed, gate.promise]);
});

Deno.test("wait() over promises draws no Task-<n> number", async () => {
  const number = (task: Task<unknown>) => Number(task.name.slice("Task-".length));
  const before = createTask(() => 0);
  await wait([Promise.resolve(1), new Promise(() => {}), { then() {} } as PromiseLike<never>], {
    returnWhen: FIRST_COMPLETED,
  });
  const after = createTask(() => 0);
  assert.equal(number(after), number(before) + 1);
  await Promise.all([before, after]);
});

Deno.test("wait() puts members that completed in the same instant in done, as asyncio does", async () => {
  const both = async (
    aws: (Task<unknown> | PromiseLike<unknown>)[],
    returnWhen: typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION = FIRST_COMPLETED,
  ) => {
    const [done, pending] = await wait(aws, { returnWhen });
    return [done.size, pending.size];
  };
  const sleeper = (value: number) =>
    createTask(async () => {
      await sleep(5);
      return value;
    });
  const nullAwaiter = (value: number) =>
    createTask(async () => {
      await null;
      return value;
    });
  {
    // Same deadline: both sleeps end in one timer callback.
    using time = fakeTime();
    const split = both([sleeper(1), sleeper(2)]);
    await time.tick(5);
    assert.deepEqual(await split, [2, 0]);
  }
  assert.deepEqual(await both([nullAwaiter(1), nullAwaiter(2)]), [2, 0]);
  assert.deepEqual(await both([Promise.resolve(1), Promise.resolve(2)]), [2, 0]);
  const finished = createTask(() => 1);
  await finished;
  assert.deepEqual(await both([finished, Promise.resolve(2)]), [2, 0]);
  const rejected = Promise.reject(new Error("no"));
  assert.deepEqual(await both([rejected, Promise.resolve(2)], FIRST_EXCEPTION), [2, 0]);
  // Something that completes later is still pending.
  const later = createTask(() => sleep(50));
  assert.deepEqual(await both([nullAwaiter(1), later]), [1, 1]);
  await later;
});

Deno.test("wait() with nothing that ends it early follows promises itself and leaves no future", async () => {
  const promises = Array.from({ length: 1_000 }, (_, i) => Promise.resolve(i));
  const rejected = Promise.reject(new Error("no"));
  const [done, pending] = await wait([...promises, rejected, promises[0]!]);
  assert.deepEqual([done.size, pending.size], [1_001, 0]);
  assert.deepEqual([...done], [...promises, rejected]);
  assert.equal(promises.some((p) => followedFuture(p) !== undefined), false);
  // One that can end early makes the future that other calls share while it is pending, and
  // lets it go once it settled.
  const gate = deferred<number>();
  const call = wait([gate.promise], { timeout: 1_000 });
  assert.notEqual(followedFuture(gate.promise), undefined);
  gate.resolve(1);
  assert.equal((await call)[0].size, 1);
  assert.equal(followedFuture(gate.promise), undefined);
});
