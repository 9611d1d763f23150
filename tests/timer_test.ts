// Copyright 2026 the @aio/tasks authors. MIT license.
import assert from "node:assert/strict";
import { Timer } from "../_timer.ts";
import { fakeTime } from "./_fixtures.ts";

const MAX_DELAY = 2 ** 31 - 1;

Deno.test("Timer fires once when performance.now() reaches the deadline", async () => {
  using time = fakeTime();
  let fired = 0;
  const timer = new Timer(() => fired++);
  assert.equal(timer.deadline, Infinity);
  timer.schedule(performance.now() + 50);
  assert.equal(timer.deadline, performance.now() + 50);
  await time.tick(49);
  assert.equal(fired, 0);
  await time.tick(1);
  assert.equal(fired, 1);
  await time.tick(1_000);
  assert.equal(fired, 1);
  assert.equal(time.timers(), 0);
});

Deno.test("Timer waits one setTimeout turn for a deadline already due", async () => {
  using time = fakeTime();
  let fired = 0;
  const timer = new Timer(() => fired++);
  timer.schedule(performance.now() - 100);
  assert.equal(fired, 0);
  assert.equal(time.timers(), 1);
  await time.tick(0);
  assert.equal(fired, 1);
});

Deno.test("Timer.schedule() moves the deadline and Infinity disables it", async () => {
  using time = fakeTime();
  let fired = 0;
  const timer = new Timer(() => fired++);
  const start = performance.now();
  timer.schedule(start + 100);
  timer.schedule(start + 20);
  assert.equal(time.timers(), 1);
  await time.tick(20);
  assert.equal(fired, 1);
  timer.schedule(start + 500);
  timer.schedule(Infinity);
  assert.equal(timer.deadline, Infinity);
  assert.equal(time.timers(), 0);
  await time.tick(1_000);
  assert.equal(fired, 1);
});

Deno.test("Timer.clear() stops the timer", async () => {
  using time = fakeTime();
  let fired = false;
  const timer = new Timer(() => fired = true);
  timer.schedule(performance.now() + 10);
  timer.clear();
  assert.equal(time.timers(), 0);
  timer.clear();
  await time.tick(100);
  assert.equal(fired, false);
});

Deno.test("Timer does not fire before a deadline beyond 2^31-1 ms", async () => {
  using time = fakeTime();
  let fired = false;
  const timer = new Timer(() => fired = true);
  const start = performance.now();
  timer.schedule(start + 3 * MAX_DELAY + 7);
  await time.tick(3 * MAX_DELAY + 6);
  assert.equal(fired, false);
  assert.equal(time.timers(), 1);
  await time.tick(1);
  assert.equal(fired, true);
  assert.equal(performance.now() - start, 3 * MAX_DELAY + 7);
});

Deno.test("Timer can be cleared while waiting past 2^31-1 ms", async () => {
  using time = fakeTime();
  let fired = false;
  const timer = new Timer(() => fired = true);
  timer.schedule(performance.now() + 2 * MAX_DELAY);
  await time.tick(MAX_DELAY + 1);
  timer.clear();
  assert.equal(time.timers(), 0);
  await time.tick(2 * MAX_DELAY);
  assert.equal(fired, false);
});

Deno.test("Timer does not fire before a fractional deadline", async () => {
  using time = fakeTime();
  let firedAt = -1;
  const start = performance.now();
  const timer = new Timer(() => firedAt = performance.now() - start);
  timer.schedule(start + 2.5);
  await time.tick(2);
  assert.equal(firedAt, -1);
  await time.tick(1);
  assert.ok(firedAt >= 2.5, `fired at ${firedAt}`);
});

Deno.test("Timer sets one runtime timer for deadlines cleared earliest first, and none is left", () => {
  using time = fakeTime();
  const fake = globalThis.setTimeout;
  let set = 0;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    set++;
    return fake(...args);
  }) as typeof setTimeout;
  try {
    const start = performance.now();
    const timers = Array.from({ length: 100 }, (_, i) => {
      const timer = new Timer(() => assert.fail("cleared before its deadline"));
      timer.schedule(start + 1_000 + i);
      return timer;
    });
    // The earliest goes first each time, as scopes that settle in creation order do.
    for (const timer of timers) timer.clear();
    assert.equal(set, 1);
    assert.equal(time.timers(), 0);
  } finally {
    globalThis.setTimeout = fake;
  }
});

Deno.test("Timer fires a later deadline after the earliest one was cleared", async () => {
  using time = fakeTime();
  let fired = 0;
  const first = new Timer(() => assert.fail("cleared"));
  const second = new Timer(() => fired++);
  first.schedule(performance.now() + 10);
  second.schedule(performance.now() + 30);
  first.clear();
  // The runtime timer armed for the first deadline wakes early and re-arms for the second.
  await time.tick(10);
  assert.equal(fired, 0);
  assert.equal(time.timers(), 1);
  await time.tick(20);
  assert.equal(fired, 1);
  assert.equal(time.timers(), 0);
});

Deno.test("Timer.fireIfDue() fires the eager timers due before it, in order, and leaves the others their turn", async () => {
  using time = fakeTime();
  const log: string[] = [];
  const now = performance.now();
  const plain = new Timer(() => log.push("plain"));
  const first = new Timer(() => log.push("first"), true);
  const second = new Timer(() => log.push("second"), true);
  const cleared = new Timer(() => log.push("cleared"), true);
  const later = new Timer(() => log.push("later"), true);
  const self = new Timer(() => log.push("self"), true);
  plain.schedule(now - 3);
  second.schedule(now - 1);
  first.schedule(now - 2);
  // Cleared by the first one to fire.
  cleared.schedule(now - 1);
  const clearing = new Timer(() => cleared.clear(), true);
  clearing.schedule(now - 2);
  later.schedule(now + 10);
  self.schedule(now);
  self.fireIfDue();
  assert.deepEqual(log, ["first", "second", "self"]);
  // A timer that is not eager is never fired early.
  plain.fireIfDue();
  assert.deepEqual(log, ["first", "second", "self"]);
  await time.tick(0);
  assert.deepEqual(log, ["first", "second", "self", "plain"]);
  await time.tick(10);
  assert.deepEqual(log, ["first", "second", "self", "plain", "later"]);
});
