// Copyright 2026 the @aio/tasks authors. MIT license.
import assert from "node:assert/strict";
import { CancelledError } from "../errors.ts";
import { createTask } from "../task.ts";
import { sleep, timeout, timeoutAt } from "../timeout.ts";
import { countListeners, fakeTime, flush, watch } from "./_fixtures.ts";

const MAX_DELAY = 2 ** 31 - 1;

Deno.test("sleep() resolves with undefined after ms", async () => {
  using time = fakeTime();
  const start = performance.now();
  const slept = watch(sleep(100));
  assert.equal(time.timers(), 1);
  await time.tick(99);
  assert.equal(slept.settled, false);
  await time.tick(1);
  assert.equal(slept.settled, true);
  assert.equal(slept.value, undefined);
  assert.equal(slept.error, undefined);
  assert.equal(performance.now() - start, 100);
  assert.equal(time.timers(), 0);
});

Deno.test("sleep() resolves after a fractional ms", async () => {
  using time = fakeTime();
  const slept = watch(sleep(2.5));
  await time.tick(2);
  assert.equal(slept.settled, false);
  await time.tick(1);
  assert.equal(slept.settled, true);
  assert.equal(time.timers(), 0);
});

Deno.test("sleep() with 0 waits one setTimeout turn", async () => {
  using time = fakeTime();
  const slept = watch(sleep(0));
  await flush();
  assert.equal(slept.settled, false);
  assert.equal(time.timers(), 1);
  await time.tick(0);
  assert.equal(slept.settled, true);
  assert.equal(time.timers(), 0);
});

Deno.test("sleep() with a negative ms waits one setTimeout turn", async () => {
  using time = fakeTime();
  const slept = watch(sleep(-500));
  const minusInfinity = watch(sleep(-Infinity));
  await flush();
  assert.equal(slept.settled, false);
  assert.equal(minusInfinity.settled, false);
  assert.equal(time.timers(), 2);
  await time.tick(0);
  assert.equal(slept.settled, true);
  assert.equal(minusInfinity.settled, true);
  assert.equal(slept.error, undefined);
});

Deno.test("sleep() with 0 resolves after a timer queued before it (real time)", async () => {
  const order: string[] = [];
  const timer = new Promise<void>((resolve) =>
    setTimeout(() => {
      order.push("timer");
      resolve();
    }, 0)
  );
  await Promise.all([timer, sleep(0).then(() => order.push("sleep"))]);
  assert.deepEqual(order, ["timer", "sleep"]);
});

Deno.test("sleep() with 0 still waits for its setTimeout turn when a scope already due expires at once", async () => {
  for (
    const expireNow of [
      () => timeout(0, () => "x"),
      () => timeoutAt(performance.now() - 1, () => "x"),
      () =>
        timeout(60_000, (scope) => {
          scope.reschedule(performance.now() - 1);
          return "x";
        }),
    ]
  ) {
    let slept = false;
    const sleeping = sleep(0).then(() => slept = true);
    const scope = expireNow();
    await flush();
    assert.equal(slept, false, "sleep(0) resolved without a setTimeout turn");
    await sleeping;
    await scope.catch(() => {});
  }
});

Deno.test("sleep() with Infinity, null or undefined holds no timer and waits for the signal", async () => {
  using time = fakeTime();
  const controller = new AbortController();
  const listeners = countListeners(controller.signal);
  const { signal } = controller;
  const sleeps = [
    watch(sleep(Infinity, { signal })),
    watch(sleep(null, { signal })),
    watch(sleep(undefined, { signal })),
  ];
  assert.equal(time.timers(), 0);
  assert.equal(listeners(), 1);
  await time.tick(MAX_DELAY * 4);
  assert.equal(sleeps.some((s) => s.settled), false);
  const reason = new Error("wake up");
  controller.abort(reason);
  await flush();
  for (const slept of sleeps) {
    assert.equal(slept.settled, true);
    assert.equal(slept.error, reason);
  }
  assert.equal(listeners(), 0);
});

Deno.test("sleep() with Infinity and no signal holds no timer", async () => {
  using time = fakeTime();
  const slept = watch(sleep(Infinity));
  const forever = watch(sleep(undefined));
  assert.equal(time.timers(), 0);
  await time.tick(10 * MAX_DELAY);
  assert.equal(slept.settled, false);
  assert.equal(forever.settled, false);
});

Deno.test("sleep() rejects with the signal's reason and clears its timer on abort", async () => {
  using time = fakeTime();
  const controller = new AbortController();
  const listeners = countListeners(controller.signal);
  const slept = watch(sleep(1_000, { signal: controller.signal }));
  assert.equal(time.timers(), 1);
  assert.equal(listeners(), 1);
  await time.tick(500);
  const reason = new CancelledError("stop");
  controller.abort(reason);
  assert.equal(time.timers(), 0);
  assert.equal(listeners(), 0);
  await flush();
  assert.equal(slept.settled, true);
  assert.equal(slept.error, reason);
});

Deno.test("sleep() rejects with the default AbortError when aborted without a reason", async () => {
  const controller = new AbortController();
  const slept = sleep(60_000, { signal: controller.signal });
  controller.abort();
  const error = await slept.then(() => undefined, (e) => e);
  assert.ok(error instanceof DOMException);
  assert.equal(error.name, "AbortError");
  assert.equal(error, controller.signal.reason);
});

Deno.test("sleep() clears its real timer on abort", async () => {
  // The resource sanitizer fails this test if the 60 s timer survives.
  const controller = new AbortController();
  const slept = sleep(60_000, { signal: controller.signal });
  controller.abort(new Error("done"));
  await assert.rejects(slept, { message: "done" });
});

Deno.test("sleep() with an already aborted signal rejects at once and holds nothing", async () => {
  using time = fakeTime();
  const reason = new Error("already");
  const controller = new AbortController();
  controller.abort(reason);
  const listeners = countListeners(controller.signal);
  const slept = watch(sleep(1_000, { signal: controller.signal }));
  const forever = watch(sleep(Infinity, { signal: controller.signal }));
  assert.equal(time.timers(), 0);
  assert.equal(listeners(), 0);
  await flush(1);
  assert.equal(slept.settled, true);
  assert.equal(slept.error, reason);
  assert.equal(forever.error, reason);
});

Deno.test("sleep() with an already aborted signal rejects even for 0", async () => {
  const reason = new CancelledError("cancelled");
  await assert.rejects(sleep(0, { signal: AbortSignal.abort(reason) }), (e) => e === reason);
});

Deno.test("sleep() removes its listener when it resolves", async () => {
  using time = fakeTime();
  const controller = new AbortController();
  const listeners = countListeners(controller.signal);
  const slept = watch(sleep(10, { signal: controller.signal }));
  assert.equal(listeners(), 1);
  await time.tick(10);
  assert.equal(slept.settled, true);
  assert.equal(slept.error, undefined);
  assert.equal(listeners(), 0);
  // Aborting later changes nothing.
  controller.abort();
  await flush();
  assert.equal(slept.error, undefined);
});

Deno.test("sleep() shares one listener between sleeps on the same signal", async () => {
  using time = fakeTime();
  const controller = new AbortController();
  const listeners = countListeners(controller.signal);
  const short = watch(sleep(10, { signal: controller.signal }));
  const long = watch(sleep(1_000, { signal: controller.signal }));
  const longer = watch(sleep(2_000, { signal: controller.signal }));
  assert.equal(listeners(), 1);
  await time.tick(10);
  assert.equal(short.settled, true);
  assert.equal(listeners(), 1);
  controller.abort("enough");
  assert.equal(listeners(), 0);
  assert.equal(time.timers(), 0);
  await flush();
  assert.equal(long.error, "enough");
  assert.equal(longer.error, "enough");
});

Deno.test("sleep() above 2^31-1 ms does not fire early", async () => {
  using time = fakeTime();
  const ms = 2 ** 31 + 5_000;
  const slept = watch(sleep(ms));
  await time.tick(MAX_DELAY + 1_000);
  assert.equal(slept.settled, false);
  assert.equal(time.timers(), 1);
  await time.tick(ms - (MAX_DELAY + 1_000) - 1);
  assert.equal(slept.settled, false);
  await time.tick(1);
  assert.equal(slept.settled, true);
  assert.equal(time.timers(), 0);
});

Deno.test("sleep() of many times 2^31-1 ms fires at its deadline", async () => {
  using time = fakeTime();
  const ms = 5 * MAX_DELAY + 123;
  const slept = watch(sleep(ms));
  await time.tick(ms - 1);
  assert.equal(slept.settled, false);
  await time.tick(1);
  assert.equal(slept.settled, true);
  assert.equal(time.timers(), 0);
});

Deno.test("sleep() above 2^31-1 ms can be aborted and leaves no timer", async () => {
  using time = fakeTime();
  const controller = new AbortController();
  const slept = watch(sleep(2 ** 33, { signal: controller.signal }));
  await time.tick(MAX_DELAY + 10);
  assert.equal(time.timers(), 1);
  controller.abort("late");
  assert.equal(time.timers(), 0);
  await flush();
  assert.equal(slept.error, "late");
});

Deno.test("sleep() inside a task ends with the task's cancellation", async () => {
  using time = fakeTime();
  const task = createTask((signal) => sleep(10_000, { signal }));
  await flush(1);
  assert.equal(time.timers(), 1);
  task.cancel("no more sleeping");
  assert.equal(time.timers(), 0);
  await assert.rejects(task, { name: "AbortError", message: "no more sleeping" });
  assert.equal(task.cancelled(), true);
});

Deno.test("sleep() throws RangeError for NaN", () => {
  assert.throws(() => sleep(NaN), {
    name: "RangeError",
    message: "Cannot sleep as 'ms' must not be NaN: current value is NaN",
  });
  assert.throws(() => sleep(NaN, { signal: AbortSignal.abort() }), RangeError);
});

Deno.test("sleep() throws TypeError for a time that is not a number", () => {
  for (
    const [ms, shown] of [
      ["10", '"10"'],
      [10n, "10n"],
      [{}, "an object"],
      [true, "true"],
      [new Date(0), "an instance of Date"],
    ] as const
  ) {
    assert.throws(() => sleep(ms as never), {
      name: "TypeError",
      message: `Cannot sleep as 'ms' must be a number of milliseconds: current value is ${shown}`,
    });
  }
});

Deno.test("sleep() throws TypeError for a signal that is not an AbortSignal", () => {
  assert.throws(() => sleep(10, { signal: {} as AbortSignal }), {
    name: "TypeError",
    message: "Cannot sleep as 'signal' must be an AbortSignal: current value is an object",
  });
  assert.throws(() => sleep(10, { signal: null as unknown as AbortSignal }), {
    message: "Cannot sleep as 'signal' must be an AbortSignal: current value is null",
  });
});
