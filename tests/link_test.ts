// Copyright 2026 the @aio/tasks authors. MIT license.
import assert from "node:assert/strict";
import { offAbort, onAbort } from "../_link.ts";
import { Timer } from "../_timer.ts";
import { countListeners, fakeTime } from "./_fixtures.ts";

const MAX_DELAY = 2 ** 31 - 1;

Deno.test("onAbort() adds one listener however many links a signal has", () => {
  const controller = new AbortController();
  const listeners = countListeners(controller.signal);
  const links = Array.from({ length: 100 }, () => onAbort(controller.signal, () => {}));
  assert.equal(listeners(), 1);
  for (const link of links.slice(0, 99)) offAbort(link);
  assert.equal(listeners(), 1);
  offAbort(links[99]!);
  assert.equal(listeners(), 0);
});

Deno.test("onAbort() calls every link once with the reason, in the order they were made", () => {
  const controller = new AbortController();
  const listeners = countListeners(controller.signal);
  const calls: [string, unknown][] = [];
  onAbort(controller.signal, (reason) => calls.push(["a", reason]));
  const removed = onAbort(controller.signal, (reason) => calls.push(["removed", reason]));
  onAbort(controller.signal, (reason) => calls.push(["c", reason]));
  offAbort(removed);
  const reason = new Error("why");
  controller.abort(reason);
  assert.deepEqual(calls, [["a", reason], ["c", reason]]);
  assert.equal(listeners(), 0);
  controller.abort("again");
  assert.equal(calls.length, 2);
});

Deno.test("onAbort() returns a link holding the signal and the function", () => {
  const controller = new AbortController();
  const fn = () => {};
  const link = onAbort(controller.signal, fn);
  assert.equal(link.signal, controller.signal);
  assert.equal(link.fn, fn);
  offAbort(link);
});

Deno.test("onAbort() calls a function linked twice twice", () => {
  const controller = new AbortController();
  let calls = 0;
  const fn = () => calls++;
  onAbort(controller.signal, fn);
  onAbort(controller.signal, fn);
  controller.abort();
  assert.equal(calls, 2);
});

Deno.test("onAbort() keeps separate signals apart", () => {
  const a = new AbortController();
  const b = new AbortController();
  const countA = countListeners(a.signal);
  const countB = countListeners(b.signal);
  const log: string[] = [];
  onAbort(a.signal, () => log.push("a"));
  const linkB = onAbort(b.signal, () => log.push("b"));
  a.abort();
  assert.deepEqual(log, ["a"]);
  assert.equal(countA(), 0);
  assert.equal(countB(), 1);
  offAbort(linkB);
  assert.equal(countB(), 0);
});

Deno.test("onAbort() starts afresh after the last link of a signal is removed", () => {
  const controller = new AbortController();
  const listeners = countListeners(controller.signal);
  offAbort(onAbort(controller.signal, () => {}));
  assert.equal(listeners(), 0);
  let called = false;
  onAbort(controller.signal, () => called = true);
  assert.equal(listeners(), 1);
  controller.abort();
  assert.equal(called, true);
  assert.equal(listeners(), 0);
});

Deno.test("offAbort() is harmless on a removed link and after the signal aborted", () => {
  const controller = new AbortController();
  const listeners = countListeners(controller.signal);
  const link = onAbort(controller.signal, () => {});
  const other = onAbort(controller.signal, () => {});
  offAbort(link);
  offAbort(link);
  assert.equal(listeners(), 1);
  controller.abort();
  offAbort(other);
  assert.equal(listeners(), 0);
});

Deno.test("offAbort() during the abort is harmless: links are taken as they were at the abort", () => {
  const controller = new AbortController();
  const log: string[] = [];
  const links: ReturnType<typeof onAbort>[] = [];
  onAbort(controller.signal, () => {
    log.push("first");
    offAbort(links[0]!);
  });
  links.push(onAbort(controller.signal, () => log.push("second")));
  onAbort(controller.signal, () => log.push("third"));
  controller.abort();
  // Links are taken as they were when the signal aborted.
  assert.deepEqual(log, ["first", "second", "third"]);
});

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
