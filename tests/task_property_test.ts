// Copyright 2026 the @aio/tasks authors. MIT license.
import assert from "node:assert/strict";
import fc from "fast-check";
import { createTask, shield, type Task } from "../task.ts";
import { countListeners, flush } from "./_fixtures.ts";

const runs = { numRuns: 150 };

async function settled(task: Task<unknown>): Promise<void> {
  await task.then(() => {}, () => {});
}

Deno.test("createTask() starts tasks in creation order whatever the interleaving", async () => {
  const spec = fc.record({
    // How many tasks this task creates, one after each scheduled pause.
    children: fc.nat({ max: 3 }),
    // Created from the test's own code, or from a scheduled callback.
    later: fc.boolean(),
  });
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.array(spec, { minLength: 1, maxLength: 12 }),
      async (s, specs) => {
        const created: number[] = [];
        const started: number[] = [];
        const tasks: Task<void>[] = [];
        let next = 0;
        const spawn = (children: number) => {
          const id = next++;
          created.push(id);
          tasks.push(createTask(async () => {
            started.push(id);
            for (let i = 0; i < children; i++) {
              await s.schedule(Promise.resolve());
              spawn(children - 1);
            }
          }));
        };
        for (const { children, later } of specs) {
          if (later) s.schedule(Promise.resolve()).then(() => spawn(children));
          else spawn(children);
        }
        await s.waitIdle();
        await flush();
        await Promise.all(tasks);
        assert.deepEqual(started, created);
        assert.ok(tasks.every((t) => t.done() && !t.cancelled()));
      },
    ),
    runs,
  );
});

Deno.test("Task.cancel() before the start means the function never runs, whatever the interleaving", async () => {
  const spec = fc.record({
    // "sync": cancelled right after creation; "task": cancelled by the function of the task
    // `target` places earlier; "scheduled": cancelled at a random moment; "never".
    cancel: fc.constantFrom("sync", "task", "scheduled", "never"),
    viaParent: fc.boolean(),
    later: fc.boolean(),
    target: fc.nat(),
  });
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.array(spec, { minLength: 1, maxLength: 12 }),
      async (s, specs) => {
        const n = specs.length;
        const called = new Array<boolean>(n).fill(false);
        const cancelledBeforeStart = new Array<boolean | undefined>(n).fill(undefined);
        const tasks: (Task<number> | undefined)[] = new Array(n).fill(undefined);
        const cancels: (() => void)[] = new Array(n).fill(() => {});
        // Which task cancels which: task i cancels the ones whose spec says "task" and targets i.
        const victims: number[][] = Array.from({ length: n }, () => []);
        specs.forEach((spec, i) => {
          if (spec.cancel === "task") victims[spec.target % n]!.push(i);
        });
        const cancel = (i: number) => {
          if (tasks[i] === undefined || cancelledBeforeStart[i] !== undefined) return;
          cancelledBeforeStart[i] = !called[i];
          cancels[i]!();
        };
        const make = (i: number) => {
          const spec = specs[i]!;
          const parent = spec.viaParent ? new AbortController() : undefined;
          const task = createTask(async () => {
            called[i] = true;
            for (const victim of victims[i]!) cancel(victim);
            await s.schedule(Promise.resolve());
            return i;
          }, { signal: parent?.signal });
          tasks[i] = task;
          cancels[i] = () => parent ? parent.abort() : task.cancel();
          if (spec.cancel === "sync") cancel(i);
          if (spec.cancel === "scheduled") s.schedule(Promise.resolve()).then(() => cancel(i));
        };
        for (let i = 0; i < n; i++) {
          if (specs[i]!.later) s.schedule(Promise.resolve()).then(() => make(i));
          else make(i);
        }
        await s.waitIdle();
        await flush();
        for (let i = 0; i < n; i++) {
          const task = tasks[i]!;
          await settled(task);
          if (cancelledBeforeStart[i] === true) {
            assert.equal(called[i], false, `task ${i} ran after it was cancelled`);
            assert.equal(task.cancelled(), true);
          } else {
            // Never cancelled, or cancelled while running: its function chose to finish.
            assert.equal(called[i], true);
            assert.equal(task.result(), i);
          }
        }
      },
    ),
    runs,
  );
});

Deno.test("Task.addDoneCallback() runs each callback once, asynchronously, in order", async () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant("add" as const), cb: fc.nat({ max: 2 }), later: fc.boolean() }),
    fc.record({ kind: fc.constant("remove" as const), cb: fc.nat({ max: 2 }) }),
  );
  const spec = fc.record({
    ops: fc.array(op, { maxLength: 8 }),
    end: fc.constantFrom("value", "error", "cancel early", "cancel late"),
  });
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.array(spec, { minLength: 1, maxLength: 6 }),
      async (s, specs) => {
        let syncZone = false;
        const inSync = <R>(fn: () => R): R => {
          syncZone = true;
          try {
            return fn();
          } finally {
            syncZone = false;
          }
        };
        const tasks = specs.map(({ ops, end }, i) => {
          const task = createTask(async () => {
            await s.schedule(Promise.resolve());
            if (end === "error") throw new Error(`task ${i}`);
            return i;
          });
          const registered: number[] = [];
          const ran: number[] = [];
          const pool = [0, 1, 2].map((cb) => (t: Task<number>) => {
            assert.equal(syncZone, false, "a done callback ran synchronously");
            assert.equal(t, task);
            assert.equal(t.done(), true);
            ran.push(cb);
          });
          for (const o of ops) {
            if (o.kind === "remove") {
              const expected = registered.filter((cb) => cb === o.cb).length;
              assert.equal(task.removeDoneCallback(pool[o.cb]!), expected);
              registered.splice(0, registered.length, ...registered.filter((cb) => cb !== o.cb));
            } else if (o.later) {
              s.schedule(Promise.resolve()).then(() =>
                inSync(() => {
                  task.addDoneCallback(pool[o.cb]!);
                  registered.push(o.cb);
                })
              );
            } else {
              inSync(() => task.addDoneCallback(pool[o.cb]!));
              registered.push(o.cb);
            }
          }
          if (end === "cancel early") inSync(() => task.cancel());
          if (end === "cancel late") {
            s.schedule(Promise.resolve()).then(() => inSync(() => task.cancel()));
          }
          return { task, registered, ran };
        });
        await s.waitIdle();
        await flush();
        for (const { task, registered, ran } of tasks) {
          assert.equal(task.done(), true);
          assert.deepEqual(ran, registered);
        }
        await flush();
        for (const { registered, ran } of tasks) assert.deepEqual(ran, registered);
      },
    ),
    runs,
  );
});

Deno.test("createTask() and shield() leave no listener on a parent signal once their tasks end", async () => {
  const spec = fc.record({
    kind: fc.constantFrom("task", "shield task", "shield promise"),
    end: fc.constantFrom("value", "error", "cancel", "cancel sync", "ignore cancel"),
    later: fc.boolean(),
  });
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.array(spec, { maxLength: 10 }),
      fc.constantFrom("never", "sync", "scheduled"),
      async (s, specs, parentAbort) => {
        const parent = new AbortController();
        const listeners = countListeners(parent.signal);
        const tasks: Task<unknown>[] = [];
        const inners: Task<unknown>[] = [];
        const make = ({ kind, end }: (typeof specs)[number], i: number) => {
          const fn = async (signal: AbortSignal) => {
            await s.schedule(Promise.resolve());
            if (end === "error") throw new Error(`task ${i}`);
            if (signal.aborted && end !== "ignore cancel") throw signal.reason;
            return i;
          };
          let task: Task<unknown>;
          if (kind === "task") task = createTask(fn, { signal: parent.signal });
          else if (kind === "shield task") {
            const inner = createTask(fn);
            inners.push(inner);
            task = shield(inner, { signal: parent.signal });
          } else {
            task = shield(s.schedule(Promise.resolve(i)), { signal: parent.signal });
          }
          tasks.push(task);
          if (end === "cancel sync") task.cancel();
          if (end === "cancel") s.schedule(Promise.resolve()).then(() => task.cancel());
        };
        specs.forEach((spec, i) => {
          if (spec.later) s.schedule(Promise.resolve()).then(() => make(spec, i));
          else make(spec, i);
        });
        if (parentAbort === "sync") parent.abort();
        if (parentAbort === "scheduled") s.schedule(Promise.resolve()).then(() => parent.abort());
        await s.waitIdle();
        await flush();
        for (const task of [...tasks, ...inners]) {
          await settled(task);
          assert.equal(task.done(), true);
        }
        assert.equal(listeners(), 0);
      },
    ),
    runs,
  );
});
