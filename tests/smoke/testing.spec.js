// Copyright 2026 the @aio/tasks authors. MIT license.
// The leak check under `bun test`, against the npm build in dist/ (node npm/build.mjs), as a
// user's Bun test suite runs it. Usage: node tests/smoke/bun.mjs (or bun test ./tests/smoke/)
import { expect, test } from "bun:test";
import { createTask, sleep, taskGroup } from "../../dist/mod.js";
import { assertNoLeakedTasks } from "../../dist/testing.js";

test("assertNoLeakedTasks() passes a test whose work has settled, under bun test", async () => {
  await assertNoLeakedTasks(async () => {
    await taskGroup((tg) => {
      tg.createTask((signal) => sleep(1, { signal }), { name: "quick" });
    });
  });
});

test("assertNoLeakedTasks() fails a test that leaves a task running, under bun test", async () => {
  let leaked;
  const error = await assertNoLeakedTasks(() => {
    leaked = createTask((signal) => sleep(60_000, { signal }), { name: "left behind" });
  }).catch((e) => e);
  expect(error).toBeInstanceOf(Error);
  expect(error.message).toMatch(
    /^Expected no pending tasks after the function: 1 still pending\ntask "left behind" running \d+ ms$/,
  );
  leaked.cancel();
  await leaked.catch(() => {});
});
