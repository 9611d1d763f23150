// Copyright 2026 the @aio/tasks authors. MIT license.
import assert from "node:assert/strict";
import { countListeners, fakeTime, work } from "./_fixtures.ts";

Deno.test("fakeTime() advances performance.now and setTimeout together", async () => {
  using time = fakeTime();
  const start = performance.now();
  let fired = false;
  setTimeout(() => fired = true, 50);
  await time.tick(49);
  assert.equal(fired, false);
  await time.tick(1);
  assert.equal(fired, true);
  assert.equal(performance.now() - start, 50);
  assert.equal(time.timers(), 0);
});

Deno.test("countListeners() sees work() add and remove its abort listener", async () => {
  const controller = new AbortController();
  const count = countListeners(controller.signal);
  const p = work(1, "v")(controller.signal);
  assert.equal(count(), 1);
  assert.equal(await p, "v");
  assert.equal(count(), 0);
});
