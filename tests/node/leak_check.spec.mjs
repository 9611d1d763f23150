// Copyright 2026 the @aio/tasks authors. MIT license.
// The leak check under node:test itself (not through the Deno.test shim), against the npm build
// in dist/, as a user's Node test suite runs it. Run by tests/node/run.mjs with the compiled suite.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createTask, sleep, taskGroup } from "../../dist/mod.js";
import { assertNoLeakedTasks } from "../../dist/testing.js";

test("assertNoLeakedTasks() passes a test whose work has settled, under node:test", async () => {
  await assertNoLeakedTasks(async () => {
    await taskGroup((tg) => {
      tg.createTask((signal) => sleep(1, { signal }), { name: "quick" });
    });
  });
});

test("assertNoLeakedTasks() fails a test that leaves a task running, under node:test", async () => {
  let leaked;
  await assert.rejects(
    assertNoLeakedTasks(() => {
      leaked = createTask((signal) => sleep(60_000, { signal }), { name: "left behind" });
    }),
    /^Error: Expected no pending tasks after the function: 1 still pending\ntask "left behind" running \d+ ms$/,
  );
  leaked.cancel();
  await leaked.catch(() => {});
});
