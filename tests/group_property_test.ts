// Copyright 2026 the @aio/tasks authors. MIT license.
// Random trees of task groups and tasks, run under fast-check's scheduler so that every
// interleaving of their steps can come up.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  CancelledError,
  ExceptionGroup,
  InvalidStateError,
  type Task,
  type TaskGroup,
  taskGroup,
} from "../mod.ts";
import { countListeners } from "./_fixtures.ts";

/**
 * What a task of the tree does: fulfil, fail, ignore its signal for a while and then fulfil or
 * fail, be cancelled by someone, create another task of its group, or run a nested group.
 */
type Leaf =
  | "value"
  | "error"
  | "stubborn"
  | "stubbornError"
  | "cancelled"
  | "spawner"
  | GroupSpec;

const LEAVES: Leaf[] = ["value", "error", "stubborn", "stubbornError", "cancelled", "spawner"];

interface GroupSpec {
  children: Leaf[];
  limit: number | undefined;
  /**
   * The body fulfils at once, fails after a step, fails after a step that ignores the
   * shutdown, or waits for a step and then fulfils.
   */
  body: "value" | "error" | "stubbornError" | "waits";
  /** Someone calls `tg.cancel()` at some point. */
  cancel: boolean;
  /** Half of the children are created by the body after a step. */
  late: boolean;
}

/** What one group's run looked like, checked once everything is over. */
interface Run {
  spec: GroupSpec;
  signal: AbortSignal | undefined;
  listeners: (() => number) | undefined;
  tasks: Task<unknown>[];
  failures: unknown[];
  bodyError: unknown;
  bodyReturned: boolean;
  value: object;
  cancelCalled: boolean;
  running: number;
  peak: number;
  refusedWhileOpen: number;
  outcome: { ok: true; value: unknown } | { ok: false; error: unknown } | undefined;
  pendingAtSettle: number;
}

const { group: groupSpec } = fc.letrec<{ leaf: Leaf; group: GroupSpec }>((tie) => ({
  leaf: fc.oneof(
    { maxDepth: 3, depthIdentifier: "tree" },
    fc.constantFrom(...LEAVES),
    tie("group"),
  ),
  group: fc.record({
    children: fc.array(tie("leaf"), { maxLength: 5, depthIdentifier: "tree" }),
    limit: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    body: fc.constantFrom<GroupSpec["body"]>("value", "error", "stubbornError", "waits"),
    cancel: fc.boolean(),
    late: fc.boolean(),
  }),
}));

/** A scheduled step that ends early, rejecting with the reason, when `signal` aborts. */
function step(s: fc.Scheduler, signal: AbortSignal, label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    s.schedule(Promise.resolve(), label).then(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    });
  });
}

function runGroup(
  s: fc.Scheduler,
  spec: GroupSpec,
  signal: AbortSignal | undefined,
  runs: Run[],
): Promise<unknown> {
  const run: Run = {
    spec,
    signal,
    listeners: signal === undefined ? undefined : countListeners(signal),
    tasks: [],
    failures: [],
    bodyError: undefined,
    bodyReturned: false,
    value: { group: runs.length },
    cancelCalled: false,
    running: 0,
    peak: 0,
    refusedWhileOpen: 0,
    outcome: undefined,
    pendingAtSettle: -1,
  };
  runs.push(run);

  const fnFor = (tg: TaskGroup, leaf: Leaf): (signal: AbortSignal) => Promise<unknown> => {
    switch (leaf) {
      case "value":
      case "cancelled":
        return async (signal) => {
          await step(s, signal, "task step");
          return 1;
        };
      case "error":
        return async (signal) => {
          await step(s, signal, "task step");
          throw new Error("task failed");
        };
      case "stubborn":
        return async () => {
          await s.schedule(Promise.resolve(), "stubborn step");
          return 2;
        };
      case "stubbornError":
        return async () => {
          await s.schedule(Promise.resolve(), "stubborn step");
          throw new Error("stubborn task failed");
        };
      case "spawner":
        return async (signal) => {
          await step(s, signal, "spawner step");
          spawn(tg, "value");
        };
      default:
        return (signal) => runGroup(s, leaf, signal, runs);
    }
  };

  const spawn = (tg: TaskGroup, leaf: Leaf): void => {
    let task: Task<unknown>;
    const fn = fnFor(tg, leaf);
    try {
      task = tg.createTask(async (signal) => {
        run.peak = Math.max(run.peak, ++run.running);
        try {
          return await fn(signal);
        } finally {
          run.running--;
        }
      });
    } catch (error) {
      assert.ok(error instanceof InvalidStateError);
      if (!tg.signal.aborted) run.refusedWhileOpen++;
      return;
    }
    run.tasks.push(task);
    // Done callbacks run in the order tasks settle: the order the group records failures in.
    task.addDoneCallback((t) => {
      if (!t.cancelled() && t.exception() !== undefined) run.failures.push(t.exception());
    });
    if (leaf === "cancelled") {
      s.schedule(Promise.resolve(), "someone cancels a task").then(() => task.cancel());
    }
  };

  const promise = taskGroup(async (tg) => {
    const half = spec.late ? Math.ceil(spec.children.length / 2) : spec.children.length;
    for (const leaf of spec.children.slice(0, half)) spawn(tg, leaf);
    if (spec.cancel) {
      s.schedule(Promise.resolve(), "tg.cancel()").then(() => {
        run.cancelCalled = true;
        tg.cancel();
      });
    }
    if (spec.late) {
      await step(s, tg.signal, "body step");
      for (const leaf of spec.children.slice(half)) spawn(tg, leaf);
    }
    if (spec.body === "error" || spec.body === "stubbornError") {
      if (spec.body === "error") await step(s, tg.signal, "body step");
      else await s.schedule(Promise.resolve(), "stubborn body step");
      run.bodyError = new Error("body failed");
      throw run.bodyError;
    }
    if (spec.body === "waits") await step(s, tg.signal, "body step");
    run.bodyReturned = true;
    return run.value;
  }, { signal, limit: spec.limit });
  promise.then(
    (value) => {
      run.outcome = { ok: true, value };
      run.pendingAtSettle = run.tasks.filter((t) => !t.done()).length;
    },
    (error) => {
      run.outcome = { ok: false, error };
      run.pendingAtSettle = run.tasks.filter((t) => !t.done()).length;
    },
  );
  return promise;
}

function check(run: Run): void {
  assert.ok(run.outcome !== undefined, "the group settled");
  assert.equal(run.pendingAtSettle, 0, "no task of the group is pending when it settles");
  if (run.spec.limit !== undefined) assert.ok(run.peak <= run.spec.limit, "limit respected");
  assert.equal(run.refusedWhileOpen, 0, "createTask refused only while shutting down");
  assert.equal(run.running, 0);
  const expected = [...run.failures];
  if (run.bodyError !== undefined) expected.push(run.bodyError);
  const outcome = run.outcome;
  if (expected.length > 0) {
    assert.ok(!outcome.ok, "errors reject the group");
    const error = outcome.error;
    assert.ok(error instanceof ExceptionGroup);
    assert.equal(error.message, "unhandled errors in a TaskGroup");
    assert.equal(error.errors.length, expected.length);
    expected.forEach((e, i) => assert.equal(error.errors[i], e, `error ${i} in order`));
    for (const e of error.errors) assert.ok(!(e instanceof CancelledError));
  } else if (!outcome.ok) {
    assert.ok(run.signal?.aborted, "without errors only the parent's abort rejects");
    assert.equal(outcome.error, run.signal.reason);
  } else if (run.bodyReturned) {
    assert.equal(outcome.value, run.value);
  } else {
    assert.equal(outcome.value, undefined);
    assert.ok(run.cancelCalled, "the body stops without error only after tg.cancel()");
  }
  if (run.listeners !== undefined) assert.equal(run.listeners(), 0, "no listener left");
}

Deno.test("taskGroup() settles with exactly its non-cancellation errors, in order, leaving nothing pending", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      groupSpec,
      fc.boolean(),
      async (s, spec, abortParent) => {
        const runs: Run[] = [];
        const controller = new AbortController();
        const listeners = countListeners(controller.signal);
        const root = runGroup(s, spec, controller.signal, runs);
        if (abortParent) {
          s.schedule(Promise.resolve(), "parent aborts").then(() =>
            controller.abort(new Error("parent aborted"))
          );
        }
        await s.waitFor(root.catch(() => {}));
        await s.waitAll();
        for (const run of runs) check(run);
        assert.equal(listeners(), 0);
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("taskGroup() with a limit never runs more tasks at once than the limit", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.integer({ min: 1, max: 4 }),
      fc.array(fc.constantFrom(...LEAVES), {
        minLength: 1,
        maxLength: 12,
      }),
      fc.boolean(),
      async (s, limit, children, cancel) => {
        const runs: Run[] = [];
        const spec: GroupSpec = { children, limit, body: "waits", cancel, late: false };
        const root = runGroup(s, spec, undefined, runs);
        await s.waitFor(root.catch(() => {}));
        await s.waitAll();
        for (const run of runs) check(run);
        assert.ok(runs[0].peak <= limit);
      },
    ),
    { numRuns: 150 },
  );
});
