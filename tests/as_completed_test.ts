// Copyright 2026 the @aio/tasks authors. MIT license.
import assert from "node:assert/strict";
import fc from "fast-check";
import { asCompleted, createTask, sleep, Task, TimeoutError, wait } from "../mod.ts";
import { countListeners, deferred, failing, fakeTime, flush, work } from "./_fixtures.ts";
import { countedPromise, observersOn, observersOnFollowed } from "./_observers.ts";
import { countedThen, flakyThen, pendingThenable } from "./_hostile.ts";

/** A task function that runs until it is cancelled. */
function forever(signal: AbortSignal): Promise<never> {
  return sleep(Infinity, { signal }) as Promise<never>;
}

Deno.test("asCompleted() yields the original members in completion order", async () => {
  using time = fakeTime();
  const slow = createTask(work(30, "slow"));
  const fast = createTask(work(10, "fast"));
  const promise = new Promise((resolve) => setTimeout(() => resolve("p"), 20));
  const seen: unknown[] = [];
  const loop = (async () => {
    for await (const member of asCompleted([slow, fast, promise])) seen.push(member);
  })();
  await time.tick(30);
  await loop;
  assert.deepEqual(seen, [fast, promise, slow]);
  assert.equal(seen[0], fast, "the task object itself, not its value");
  assert.equal(seen[1], promise);
});

Deno.test("asCompleted() starts task functions at the call and yields their tasks", async () => {
  const calls: string[] = [];
  const iterable = asCompleted([() => calls.push("a"), () => calls.push("b")]);
  await flush();
  assert.deepEqual(calls, ["a", "b"], "started without iterating");
  const tasks: unknown[] = [];
  for await (const task of iterable) tasks.push(task);
  assert.equal(tasks.length, 2);
  assert.ok(tasks.every((t) => t instanceof Task));
  assert.deepEqual(tasks.map((t) => (t as Task<number>).result()), [1, 2]);
});

Deno.test("asCompleted() yields nothing for an empty input", async () => {
  using time = fakeTime();
  const iterable = asCompleted([], { timeout: 10 });
  assert.equal(time.timers(), 0);
  let steps = 0;
  for await (const _ of iterable) steps++;
  for (const _ of iterable) steps++;
  assert.equal(steps, 0);
});

Deno.test("asCompleted() collapses duplicates", async () => {
  let runs = 0;
  const fn = () => ++runs;
  const task = createTask(() => "t");
  const promise = Promise.resolve("p");
  const seen: unknown[] = [];
  for await (const member of asCompleted([task, fn, promise, task, fn, promise])) {
    seen.push(member);
  }
  assert.equal(seen.length, 3);
  assert.equal(new Set(seen).size, 3);
  assert.equal(runs, 1);
});

Deno.test("asCompleted() collapses duplicates under an aborted signal too", async () => {
  const reason = new Error("stop");
  const promise = Promise.resolve("p");
  const fn = () => 1;
  const steps = [...asCompleted([promise, fn, promise, fn], { signal: AbortSignal.abort(reason) })];
  assert.equal(steps.length, 2);
  for (const step of steps) await assert.rejects(step, (error) => error === reason);
});

Deno.test("asCompleted() does not throw a member's failure while iterating", async () => {
  const error = new Error("boom");
  const failed = createTask(() => Promise.reject(error));
  const seen: unknown[] = [];
  for await (const member of asCompleted([failed, Promise.reject(error), () => 1])) {
    seen.push(member);
  }
  assert.equal(seen.length, 3);
  assert.equal(failed.exception(), error);
});

Deno.test("asCompleted() yields members already done at the call first", async () => {
  const done = createTask(() => "early");
  await done;
  const later = deferred<string>();
  const iterator = asCompleted([later.promise, done])[Symbol.asyncIterator]();
  assert.deepEqual(await iterator.next(), { value: done, done: false });
  later.resolve("late");
  assert.deepEqual(await iterator.next(), { value: later.promise, done: false });
  assert.deepEqual(await iterator.next(), { value: undefined, done: true });
});

Deno.test("asCompleted() serves concurrent next() calls in completion order", async () => {
  const a = deferred<string>();
  const b = deferred<string>();
  const iterator = asCompleted([a.promise, b.promise])[Symbol.asyncIterator]();
  const first = iterator.next();
  const second = iterator.next();
  const third = iterator.next();
  b.resolve("b");
  a.resolve("a");
  assert.deepEqual(await first, { value: b.promise, done: false });
  assert.deepEqual(await second, { value: a.promise, done: false });
  assert.deepEqual(await third, { value: undefined, done: true });
});

Deno.test("asCompleted() plain iteration gives promises that settle like the members in completion order", async () => {
  using time = fakeTime();
  const error = new Error("failed second");
  const members = [
    createTask(work(30, "third")),
    createTask(failing(20, error)),
    new Promise((resolve) => setTimeout(() => resolve("first"), 10)),
  ];
  const promises = [...asCompleted(members)];
  assert.equal(promises.length, 3);
  assert.ok(promises.every((p) => p instanceof Promise));
  await time.tick(30);
  assert.equal(await promises[0], "first");
  await assert.rejects(promises[1], (e) => e === error);
  assert.equal(await promises[2], "third");
});

Deno.test("asCompleted() plain iteration awaits one member at a time", async () => {
  const values: string[] = [];
  const late = createTask(async () => {
    await sleep(2);
    return "late";
  });
  for (const next of asCompleted([late, () => "now"])) values.push(await next);
  assert.deepEqual(values, ["now", "late"]);
});

Deno.test("asCompleted() plain promises taken by destructuring still settle", async () => {
  const a = deferred<string>();
  const b = deferred<string>();
  const never = createTask(forever);
  const observers = observersOn([never]);
  const [first] = asCompleted([a.promise, b.promise, never]);
  assert.equal(observers(), 1, "still listening for the promise handed out");
  b.resolve("b");
  assert.equal(await first, "b");
  assert.equal(observers(), 0, "then it stops");
  a.resolve("a");
  never.cancel();
  await never.catch(() => {});
});

Deno.test("asCompleted() plain iteration never causes an unhandled rejection", async () => {
  const error = new Error("nobody looked yet");
  const promises = [...asCompleted([Promise.reject(error), () => Promise.reject(error)])];
  await sleep(1); // a macrotask turn: an unhandled rejection would fail the test here
  for (const p of promises) await assert.rejects(p, (e) => e === error);
});

Deno.test("asCompleted() rejects the next step with TimeoutError after the members that completed in time", async () => {
  using time = fakeTime();
  const fast = createTask(work(10, "fast"));
  const slow = createTask(work(100, "slow"));
  const iterator = asCompleted([slow, fast], { timeout: 50 })[Symbol.asyncIterator]();
  await time.tick(60);
  assert.deepEqual(await iterator.next(), { value: fast, done: false });
  const error = await iterator.next().catch((e) => e);
  assert.ok(error instanceof TimeoutError);
  assert.equal(error.message, "Timed out after 50 ms with 1 of 2 members not completed");
  assert.deepEqual(await iterator.next(), { value: undefined, done: true });
  assert.equal(slow.done(), false, "nothing is cancelled");
  assert.equal(time.timers(), 1, "only the slow member's own timer is left");
  await time.tick(40);
  assert.equal(slow.result(), "slow");
});

Deno.test("asCompleted() rejects a waiting step when the timeout fires", async () => {
  using time = fakeTime();
  const slow = createTask(work(100, "slow"));
  let settled = false;
  const loop = (async () => {
    for await (const _ of asCompleted([slow], { timeout: 20 })) assert.fail("nothing completes");
  })().catch((e) => e).finally(() => settled = true);
  await time.tick(19);
  assert.equal(settled, false);
  await time.tick(1);
  assert.ok(await loop instanceof TimeoutError);
  assert.equal(slow.done(), false);
  await time.tick(100);
});

Deno.test("asCompleted() rejects the unsettled promises of the plain form on timeout", async () => {
  using time = fakeTime();
  const fast = createTask(work(10, "fast"));
  const slow = createTask(work(100, "slow"));
  const [first, second] = asCompleted([slow, fast], { timeout: 50 });
  await time.tick(50);
  assert.equal(await first, "fast");
  await assert.rejects(second, TimeoutError);
  assert.equal(slow.done(), false);
  await time.tick(50);
});

Deno.test("asCompleted() with a timeout of 0 or less expires after one timer turn", async () => {
  using time = fakeTime();
  for (const timeout of [0, -1]) {
    const task = createTask(forever);
    const iterator = asCompleted([task, Promise.resolve(1)], { timeout })[Symbol.asyncIterator]();
    await time.tick(0);
    assert.equal((await iterator.next()).done, false, "the settled promise comes first");
    await assert.rejects(iterator.next(), TimeoutError);
    task.cancel();
    await task.catch(() => {});
  }
});

Deno.test("asCompleted() treats null, undefined and Infinity timeouts as no limit", async () => {
  using time = fakeTime();
  for (const timeout of [null, undefined, Infinity]) {
    const member = deferred<string>();
    const iterator = asCompleted([member.promise], { timeout })[Symbol.asyncIterator]();
    assert.equal(time.timers(), 0);
    const step = iterator.next();
    await time.tick(2 ** 32);
    member.resolve("late");
    assert.deepEqual(await step, { value: member.promise, done: false });
  }
});

Deno.test("asCompleted() clears its timer once every member has completed", async () => {
  using time = fakeTime();
  const iterable = asCompleted([createTask(work(10, "a"))], { timeout: 1000 });
  await flush();
  assert.equal(time.timers(), 2, "the member's and the timeout's");
  await time.tick(10);
  assert.equal(time.timers(), 0);
  let steps = 0;
  for await (const _ of iterable) steps++;
  assert.equal(steps, 1);
});

Deno.test("asCompleted() rejects the next step with the reason when options.signal aborts", async () => {
  const controller = new AbortController();
  const listeners = countListeners(controller.signal);
  const task = createTask(forever);
  const iterable = asCompleted([task, Promise.resolve("p")], { signal: controller.signal });
  assert.equal(listeners(), 1);
  const reason = new Error("stop");
  const seen: unknown[] = [];
  const error = await (async () => {
    for await (const member of iterable) {
      seen.push(member);
      controller.abort(reason);
    }
  })().catch((e) => e);
  assert.equal(error, reason);
  assert.equal(seen.length, 1);
  assert.equal(listeners(), 0);
  assert.equal(task.done(), false, "nothing is cancelled");
  task.cancel();
  await task.catch(() => {});
});

Deno.test("asCompleted() with options.signal already aborted rejects and calls nothing", async () => {
  const controller = new AbortController();
  const reason = new Error("already");
  controller.abort(reason);
  let called = false;
  const task = createTask(forever);
  const observers = observersOn([task]);
  const iterable = asCompleted([() => (called = true), task], { signal: controller.signal });
  const iterator = iterable[Symbol.asyncIterator]();
  await assert.rejects(iterator.next(), (e) => e === reason);
  assert.deepEqual(await iterator.next(), { value: undefined, done: true });
  for (const p of iterable) await assert.rejects(p, (e) => e === reason);
  await flush();
  assert.equal(called, false);
  assert.equal(observers(), 0);
  task.cancel();
  await task.catch(() => {});
});

Deno.test("asCompleted() breaking out cancels nothing and releases the timer, listener and observers", async () => {
  using time = fakeTime();
  const controller = new AbortController();
  const listeners = countListeners(controller.signal);
  const tasks = [createTask(work(10, 1)), createTask(work(50, 2)), createTask(work(60, 3))];
  const observers = observersOn(tasks);
  const loop = (async () => {
    for await (const _ of asCompleted(tasks, { timeout: 1000, signal: controller.signal })) break;
  })();
  assert.equal(observers(), 3);
  await time.tick(10);
  await loop;
  assert.equal(observers(), 0);
  assert.equal(listeners(), 0);
  assert.equal(time.timers(), 2, "only the members' own timers are left");
  assert.ok(tasks.every((t) => !t.cancelled()));
  await time.tick(60);
  assert.deepEqual(tasks.map((t) => t.result()), [1, 2, 3]);
});

Deno.test("asCompleted() ends the iteration for good once return() is called", async () => {
  const iterator = asCompleted([Promise.resolve(1), Promise.resolve(2)])[Symbol.asyncIterator]();
  assert.equal((await iterator.next()).done, false);
  await flush();
  assert.deepEqual(await iterator.return!(), { value: undefined, done: true });
  assert.deepEqual(await iterator.next(), { value: undefined, done: true });
});

Deno.test("asCompleted() breaking out of the plain form releases everything too", async () => {
  using time = fakeTime();
  const tasks = [createTask(work(10, 1)), createTask(work(50, 2))];
  const observers = observersOn(tasks);
  for (const next of asCompleted(tasks, { timeout: 1000 })) {
    await time.tick(10);
    assert.equal(await next, 1);
    break;
  }
  assert.equal(observers(), 0);
  assert.equal(time.timers(), 1, "only the slow member's own timer is left");
  await time.tick(50);
});

Deno.test("asCompleted() throws a TypeError for a non-iterable or a bad member", () => {
  assert.throws(() => asCompleted(null as unknown as []), {
    name: "TypeError",
    message:
      "Cannot iterate in completion order as 'aws' must be an iterable: current value is null",
  });
  assert.throws(() => asCompleted(["x"] as unknown as []), {
    name: "TypeError",
    message: "Cannot iterate in completion order as 'aws[0]' must be a task, a promise " +
      `or a task function: current value is "x"`,
  });
});

Deno.test("asCompleted() checks timeout and signal before starting anything", async () => {
  let called = false;
  const fn = () => (called = true);
  assert.throws(() => asCompleted([fn], { timeout: NaN }), {
    name: "RangeError",
    message:
      "Cannot iterate in completion order as 'timeout' must not be NaN: current value is NaN",
  });
  assert.throws(() => asCompleted([fn], { signal: 1 as unknown as AbortSignal }), {
    name: "TypeError",
    message:
      "Cannot iterate in completion order as 'signal' must be an AbortSignal: current value is 1",
  });
  await flush();
  assert.equal(called, false);
});

Deno.test("asCompleted() yields every member once, in an order consistent with completion", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.array(fc.constantFrom("fn", "task", "promise"), { minLength: 1, maxLength: 10 }),
      async (s, kinds) => {
        const completed: number[] = [];
        const members = kinds.map((kind, i) => {
          const settle = () =>
            s.schedule(Promise.resolve(i)).then((v) => {
              completed.push(v);
              return v;
            });
          if (kind === "fn") return settle;
          if (kind === "task") return createTask(settle);
          return settle();
        });
        const seen: number[] = [];
        const loop = (async () => {
          for await (const member of asCompleted(members)) seen.push(await member);
        })();
        await s.waitFor(loop);
        assert.deepEqual(seen, completed);
      },
    ),
    { numRuns: 60 },
  );
});

Deno.test("asCompleted() plain promises settle in completion order for every interleaving", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.integer({ min: 1, max: 10 }),
      async (s, n) => {
        const completed: number[] = [];
        const members = Array.from(
          { length: n },
          (_, i) =>
            createTask(() =>
              s.schedule(Promise.resolve(i)).then((v) => {
                completed.push(v);
                return v;
              })
            ),
        );
        const seen: number[] = [];
        const loop = (async () => {
          for (const next of asCompleted(members)) seen.push(await next);
        })();
        await s.waitFor(loop);
        assert.deepEqual(seen, completed);
      },
    ),
    { numRuns: 60 },
  );
});

Deno.test("asCompleted() handles many members", async () => {
  const n = 20_000;
  const members = Array.from({ length: n }, (_, i) => (i % 2 ? () => i : Promise.resolve(i)));
  let count = 0;
  let sum = 0;
  for await (const member of asCompleted(members)) {
    count++;
    sum += await member;
  }
  assert.equal(count, n);
  assert.equal(sum, (n * (n - 1)) / 2);
});

Deno.test("asCompleted() reads a thenable's then once, in both forms", async () => {
  const counted = countedThen(42);
  const seen: unknown[] = [];
  for await (const member of asCompleted([counted.thenable])) seen.push(member);
  assert.deepEqual(seen, [counted.thenable]);
  assert.equal(counted.reads(), 1);
  const plain = countedThen(7);
  const values: unknown[] = [];
  for (const next of asCompleted([plain.thenable])) values.push(await next);
  assert.deepEqual(values, [7]);
  assert.equal(plain.reads(), 1);
  const flaky: unknown[] = [];
  for (const next of asCompleted([flakyThen("v")])) flaky.push(await next);
  assert.deepEqual(flaky, ["v"]);
});

Deno.test("asCompleted() plain form settles like a promise member, also one followed before", async () => {
  const error = new Error("boom");
  const failed = Promise.reject(error);
  const fulfilled = Promise.resolve("ok");
  await wait([failed, fulfilled]);
  const outcomes = await Promise.allSettled([...asCompleted([failed, fulfilled])]);
  assert.deepEqual(outcomes, [
    { status: "rejected", reason: error },
    { status: "fulfilled", value: "ok" },
  ]);
});

Deno.test("asCompleted() left 1 000 times over one pending promise and thenable leaves one reaction and no observer", async () => {
  const promise = countedPromise();
  const pending = pendingThenable();
  const members = [promise.promise, pending.thenable];
  const observers = observersOnFollowed(members);
  for (let i = 0; i < 1_000; i++) {
    const task = createTask(() => i);
    for await (const member of asCompleted([...members, task])) {
      assert.equal(member, task);
      break;
    }
    const [first] = asCompleted([...members, createTask(() => i)]);
    await first;
  }
  await flush();
  assert.equal(pending.calls(), 1);
  assert.equal(promise.reactions(), 1);
  assert.equal(observers(), 0);
});

Deno.test("asCompleted() plain form after its async loop was left hands out what completed, then ends", async () => {
  const first = createTask(() => "a");
  const gate = deferred<string>();
  const later = createTask(() => gate.promise);
  const completions = asCompleted([first, later]);
  for await (const _ of completions) break;
  const handed: string[] = [];
  for (const promise of completions) handed.push(await promise);
  assert.deepEqual(handed, ["a"]);
  gate.resolve("b");
  await later;
});

Deno.test("asCompleted() async loop started after a plain loop was left yields every member", async () => {
  const gates = [deferred<string>(), deferred<string>(), deferred<string>()];
  const members = gates.map((gate) => createTask(() => gate.promise));
  const completions = asCompleted(members);
  for (const promise of completions) {
    promise.catch(() => {});
    break;
  }
  gates[0].resolve("a");
  const seen: string[] = [];
  const loop = (async () => {
    for await (const task of completions) seen.push(task.result());
  })();
  await flush();
  gates[1].resolve("b");
  await flush();
  gates[2].resolve("c");
  await loop;
  assert.deepEqual(seen, ["a", "b", "c"]);
});
