// Copyright 2026 the @aio/tasks authors. MIT license.
// Large task groups: no stack overflow, nothing kept per finished task. Not timed.
import assert from "node:assert/strict";
import process from "node:process";
import { CancelledError, ExceptionGroup, type Task, taskGroup } from "../mod.ts";
import { deferred } from "./_fixtures.ts";

const gc = (globalThis as { gc?: () => void }).gc;

/** Heap in use after a full collection, once pending finalizers and weak refs have had a turn. */
async function heapAfterGc(): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  gc!();
  return process.memoryUsage().heapUsed;
}

Deno.test({
  name:
    "taskGroup() runs 1 000 000 short tasks next to a long one without keeping the finished ones",
  ignore: gc === undefined,
  fn: async () => {
    const BATCHES = 100, PER_BATCH = 10_000;
    let ran = 0;
    const firstBatch: WeakRef<Task<void>>[] = [];
    let heapEarly = 0, heapLate = 0;
    const release = deferred();
    await taskGroup(async (tg) => {
      // Alive the whole time, so the group's list of running tasks is never empty and must be
      // compacted as the short tasks finish around it.
      tg.createTask(() => release.promise);
      for (let batch = 0; batch < BATCHES; batch++) {
        let last: Task<void> | undefined;
        for (let i = 0; i < PER_BATCH; i++) {
          last = tg.createTask(() => {
            ran++;
          });
          if (batch === 0 && i % 1000 === 0) firstBatch.push(new WeakRef(last));
        }
        await last;
        if (batch === 9) heapEarly = await heapAfterGc();
      }
      heapLate = await heapAfterGc();
      // The group is still open and its first tasks are gone: nothing holds them.
      assert.equal(firstBatch.filter((ref) => ref.deref() !== undefined).length, 0);
      release.resolve();
    });
    assert.equal(ran, BATCHES * PER_BATCH);
    assert.equal(firstBatch.length, 10);
    // 900 000 more finished tasks: keeping even 8 bytes for each would add 7 MB.
    const grown = heapLate - heapEarly;
    assert.ok(grown < 3 * 1024 * 1024, `heap grew by ${grown} bytes`);
  },
});

Deno.test({
  name: "taskGroup({ limit }) keeps no finished task while thousands still wait",
  ignore: gc === undefined,
  fn: async () => {
    const early: WeakRef<Task<void>>[] = [];
    let ran = 0;
    const gate = deferred();
    await taskGroup(async (tg) => {
      for (let i = 0; i < 50_000; i++) {
        // The first 20 000 finish at once; the next ones hold the 16 slots until the gate opens.
        const task = tg.createTask(() => {
          ran++;
          return i < 20_000 ? undefined : gate.promise;
        });
        if (i < 1_000 && i % 100 === 0) early.push(new WeakRef(task));
      }
      await heapAfterGc();
      assert.equal(ran, 20_016);
      assert.equal(early.filter((ref) => ref.deref() !== undefined).length, 0);
      gate.resolve();
    }, { limit: 16 });
    assert.equal(ran, 50_000);
  },
});

Deno.test("taskGroup() runs 1 000 000 short tasks created at once", async () => {
  let ran = 0;
  await taskGroup((tg) => {
    for (let i = 0; i < 1_000_000; i++) tg.createTask(() => void ran++);
  });
  assert.equal(ran, 1_000_000);
});

Deno.test("taskGroup() cancels 100 000 running tasks without a stack overflow", async () => {
  const N = 100_000;
  let aborted = 0;
  const tasks: Task<never>[] = [];
  const value = await taskGroup(async (tg) => {
    for (let i = 0; i < N; i++) {
      tasks.push(tg.createTask((signal) =>
        new Promise<never>((_, reject) => {
          signal.onabort = () => {
            aborted++;
            reject(signal.reason);
          };
        })
      ));
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
    tg.cancel("enough");
    return "cancelled cleanly";
  });
  assert.equal(value, "cancelled cleanly");
  assert.equal(aborted, N);
  assert.ok(tasks.every((t) => t.cancelled()));
});

Deno.test("taskGroup() cancels 100 000 waiting tasks without running them when a task fails", async () => {
  const N = 100_000;
  let ran = 0;
  const boom = new Error("boom");
  const tasks: Task<void>[] = [];
  const error = await taskGroup((tg) => {
    tg.createTask(async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      throw boom;
    });
    for (let i = 0; i < N; i++) tasks.push(tg.createTask(() => void ran++));
  }, { limit: 1 }).catch((e) => e);
  assert.ok(error instanceof ExceptionGroup);
  assert.deepEqual(error.errors, [boom]);
  assert.equal(ran, 0);
  assert.ok(tasks.every((t) => t.cancelled()));
  assert.throws(() => tasks[N - 1].result(), CancelledError);
});
