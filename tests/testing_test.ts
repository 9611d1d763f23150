// Copyright 2026 the @aio/tasks authors. MIT license.
import assert from "node:assert/strict";
import {
  captureTaskTree,
  createTask,
  disableTaskTracking,
  enableTaskTracking,
  gather,
  sleep,
  type Task,
  type TaskGroup,
  taskGroup,
  taskTrackingEnabled,
  timeout,
  waitFor,
} from "../mod.ts";
import * as mod from "../mod.ts";
import * as testing from "../testing.ts";
import { assertNoLeakedTasks } from "../testing.ts";
import { check, size } from "../_tracking.ts";
import { deferred, fakeTime } from "./_fixtures.ts";

/** Awaits `promise`, which must reject, and gives its error. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(() => undefined, (e) => e);
  assert.ok(error instanceof Error, "the leak check passed");
  return error;
}

Deno.test("assertNoLeakedTasks() is in @aio/tasks/testing only", () => {
  assert.deepEqual(Object.keys(testing), ["assertNoLeakedTasks"]);
  assert.ok(!("assertNoLeakedTasks" in mod));
});

Deno.test("assertNoLeakedTasks() rejects with the tree of a task left running, its name included", async () => {
  let leaked: Task<void> | undefined;
  const error = await failure(assertNoLeakedTasks(() => {
    leaked = createTask((signal) => sleep(60_000, { signal }), { name: "forgotten" });
  }));
  assert.match(
    error.message,
    /^Expected no pending tasks after the function: 1 still pending\ntask "forgotten" running \d+ ms$/,
  );
  leaked!.cancel();
  await leaked!.catch(() => {});
  assert.equal(taskTrackingEnabled(), false);
  assert.equal(size(), 0);
});

Deno.test("assertNoLeakedTasks() resolves when everything the function started has settled", async () => {
  await assertNoLeakedTasks(async () => {
    await taskGroup((tg) => {
      tg.createTask((signal) => sleep(1, { signal }));
      tg.createTask(() => gather([() => 1, Promise.resolve(2)]));
    }, { limit: 1 });
    await timeout(
      60_000,
      (scope) => waitFor((signal) => sleep(1, { signal }), 60_000, { signal: scope.signal }),
    );
  });
  // A sync function too.
  await assertNoLeakedTasks(() => {});
});

Deno.test("assertNoLeakedTasks() does not count work that settles as the function returns", async () => {
  await assertNoLeakedTasks(async () => {
    const task = createTask((signal) => sleep(60_000, { signal }));
    await sleep(1);
    task.cancel(); // it settles cancelled on the next microtasks
  });
  await assertNoLeakedTasks(async () => {
    let tg: TaskGroup | undefined;
    taskGroup(async (g) => {
      tg = g;
      g.createTask((signal) => sleep(60_000, { signal }));
      await sleep(60_000, { signal: g.signal });
    }).catch(() => {});
    await sleep(1);
    tg!.cancel();
  });
});

Deno.test("assertNoLeakedTasks() reports groups, gathers, waitFor calls and timeout scopes left pending", async () => {
  const stop = new AbortController();
  const { signal } = stop;
  const work: Promise<unknown>[] = [];
  const error = await failure(assertNoLeakedTasks(() => {
    work.push(
      taskGroup((g) => {
        g.createTask((signal) => sleep(60_000, { signal }), { name: "in the group" });
      }, { name: "left open", signal }),
      gather([(signal) => sleep(60_000, { signal })], { signal }).catch(() => {}),
      waitFor((signal) => sleep(60_000, { signal }), 50_000, { signal }).catch(() => {}),
      timeout(50_000, (scope) => sleep(60_000, { signal: scope.signal }), { signal }),
    );
  }));
  const lines = error.message.replace(/"Task-\d+"/g, '"Task-n"').replace(/\b\d+(\.\d)? m?s\b/g, "t")
    .split("\n");
  assert.deepEqual(lines, [
    "Expected no pending tasks after the function: 7 still pending",
    'group "left open" (1 of 1 running, t)',
    '└─ task "in the group" running t',
    'gather "Task-n" (1 of 1 running, t)',
    '└─ function "aws[0]" running t',
    "waitFor (t left, t)",
    '└─ task "Task-n" running t',
    "timeout (t left, t)",
  ]);
  stop.abort();
  await Promise.allSettled(work);
});

Deno.test("assertNoLeakedTasks() counts only what was made while it ran", async () => {
  const before = createTask((signal) => sleep(60_000, { signal }), { name: "before" });
  await assertNoLeakedTasks(() => {});
  enableTaskTracking();
  try {
    const tracked = createTask((signal) => sleep(60_000, { signal }), { name: "tracked" });
    await assertNoLeakedTasks(() => {});
    // Tracking was on before: it stays on, with what it had recorded.
    assert.equal(taskTrackingEnabled(), true);
    assert.deepEqual(captureTaskTree().roots.map((node) => node.name), ["tracked"]);
    tracked.cancel();
    await tracked.catch(() => {});
  } finally {
    disableTaskTracking();
  }
  before.cancel();
  await before.catch(() => {});
  check();
});

Deno.test("assertNoLeakedTasks() does not count the calls of a gather made before it", async () => {
  enableTaskTracking();
  try {
    const earlier = gather([(signal: AbortSignal) => sleep(60_000, { signal })]);
    // The gather calls its function in a microtask, while the check runs.
    await assertNoLeakedTasks(() => {});
    const names = captureTaskTree().roots.map((node) => `${node.kind} ${node.children.length}`);
    assert.deepEqual(names, ["gather 1"]);
    earlier.cancel();
    await earlier.catch(() => {});
  } finally {
    disableTaskTracking();
  }
  check();
});

Deno.test("assertNoLeakedTasks() checks nest and overlap, each judging the work made while it ran", async () => {
  const release = deferred();
  let inner: Error | undefined;
  const outer = await failure(assertNoLeakedTasks(async () => {
    inner = await failure(assertNoLeakedTasks(() => {
      createTask(() => release.promise, { name: "inner leak" });
    }));
    assert.equal(taskTrackingEnabled(), true);
  }));
  assert.match(inner!.message, /: 1 still pending\ntask "inner leak" running/);
  assert.match(outer.message, /: 1 still pending\ntask "inner leak" running/);
  assert.equal(taskTrackingEnabled(), false);
  // Overlapping checks both see what was made while each ran; the first ends first, and
  // tracking stays on for the second.
  const overlapping = await Promise.allSettled([
    assertNoLeakedTasks(() => {}),
    assertNoLeakedTasks(() => {
      createTask(() => release.promise, { name: "second leak" });
    }),
  ]);
  for (const outcome of overlapping) {
    assert.ok(outcome.status === "rejected");
    assert.match(outcome.reason.message, /: 1 still pending\ntask "second leak" running/);
  }
  assert.equal(taskTrackingEnabled(), false);
  release.resolve();
});

Deno.test("assertNoLeakedTasks() passes the function's own error through and restores tracking", async () => {
  const boom = new Error("boom");
  await assert.rejects(
    assertNoLeakedTasks(() => {
      throw boom;
    }),
    (error) => error === boom,
  );
  await assert.rejects(assertNoLeakedTasks(() => Promise.reject(boom)), (error) => error === boom);
  assert.equal(taskTrackingEnabled(), false);
  assert.throws(() => assertNoLeakedTasks(42 as unknown as () => void), {
    name: "TypeError",
    message: "Cannot check for leaked tasks as 'fn' must be a function: current value is 42",
  });
});

Deno.test("assertNoLeakedTasks() waits one timer turn of the platform's own timers, also under fake time", async () => {
  using time = fakeTime();
  // A fake timer: without ticking the clock it never fires, so the task is a leak.
  let leaked: Task<void> | undefined;
  const error = await failure(assertNoLeakedTasks(() => {
    leaked = createTask((signal) => sleep(10, { signal }), { name: "sleeper" });
  }));
  assert.match(error.message, /task "sleeper" running 0 ms$/);
  await time.tick(10);
  await leaked;
});
