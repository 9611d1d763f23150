// Copyright 2026 the @aio/tasks authors. MIT license.
// gather() with a limit, over random members (task functions, tasks, promises; fulfilling,
// failing, or ignoring their signal), run under fast-check's scheduler so that every order of
// their steps can come up.
import assert from "node:assert/strict";
import fc from "fast-check";
import { CancelledError, createTask, gather, type Task } from "../mod.ts";
import { flush } from "./_fixtures.ts";

interface Member {
  /** A task function (takes a slot), a task made beforehand, or a promise. */
  form: "function" | "task" | "promise";
  /** Fulfils, fails, or (functions and tasks) finishes its step even when cancelled. */
  outcome: "value" | "error" | "stubborn";
}

const member: fc.Arbitrary<Member> = fc.record({
  form: fc.constantFrom<Member["form"]>("function", "task", "promise"),
  outcome: fc.constantFrom<Member["outcome"]>("value", "error", "stubborn"),
});

/** A scheduled step that ends early, rejecting with the reason, when `signal` aborts. */
function step(s: fc.Scheduler, signal: AbortSignal | undefined, label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal!.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    s.schedule(Promise.resolve(), label).then(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    });
  });
}

Deno.test("gather() with a limit: never more running, input order, results in place, nothing starts once failed or over", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.array(member, { maxLength: 8 }),
      fc.integer({ min: 1, max: 4 }),
      fc.boolean(),
      fc.boolean(),
      async (s, members, limit, returnExceptions, cancel) => {
        const errors = members.map((_, i) => new Error(`member ${i}`));
        const started: number[] = [];
        let startedWhenFailed = -1;
        let running = 0;
        let peak = 0;
        const settle = async (i: number, signal: AbortSignal | undefined) => {
          const { outcome } = members[i]!;
          if (outcome === "stubborn") await s.schedule(Promise.resolve(), `stubborn ${i}`);
          else await step(s, signal, `member ${i}`);
          if (outcome === "error") {
            // This failure stops the gather: no function may start from here on.
            if (!returnExceptions && startedWhenFailed < 0) startedWhenFailed = started.length;
            throw errors[i];
          }
          return `value ${i}`;
        };
        const tasks: Task<string>[] = [];
        const aws = members.map(({ form }, i) => {
          if (form === "promise") {
            return s.schedule(Promise.resolve(), `promise ${i}`).then(() => settle(i, undefined));
          }
          const fn = async (signal: AbortSignal) => {
            if (form === "function") {
              started.push(i);
              peak = Math.max(peak, ++running);
            }
            try {
              return await settle(i, signal);
            } finally {
              if (form === "function") running--;
            }
          };
          if (form === "function") return fn;
          const task = createTask(fn);
          tasks.push(task);
          return task;
        });
        const functions = members.filter(({ form }) => form === "function").length;

        const all = gather(aws, { limit, returnExceptions });
        let startedWhenOver = -1;
        const outcome = all.then(
          (results) => ({ ok: true as const, results }),
          (error) => ({ ok: false as const, error }),
        ).finally(() => {
          startedWhenOver = started.length;
        });
        let startedWhenCancelled = -1;
        if (cancel) {
          s.schedule(Promise.resolve(), "cancel the gather").then(() => {
            if (all.cancel()) startedWhenCancelled = started.length;
          });
        }
        await flush();
        // Before any step: the first functions took every slot; tasks and promises took none.
        assert.deepEqual(
          started,
          [...members.keys()].filter((i) => members[i]!.form === "function").slice(0, limit),
        );
        const end = await s.waitFor(outcome);
        // Stubborn members still finish their step.
        await s.waitFor(Promise.allSettled(tasks));
        await s.waitAll();
        await flush();

        assert.ok(peak <= limit, `${peak} functions ran at once, limit ${limit}`);
        // Started in input order, each once.
        assert.deepEqual(started, [...started].sort((a, b) => a - b));
        assert.equal(new Set(started).size, started.length);
        // Once the gather has failed or been cancelled, no function starts.
        assert.equal(started.length, startedWhenOver);
        if (startedWhenCancelled >= 0) assert.equal(started.length, startedWhenCancelled);
        if (startedWhenFailed >= 0) assert.equal(started.length, startedWhenFailed);
        if (end.ok) {
          assert.equal(started.length, functions);
          assert.deepEqual(
            end.results,
            members.map(({ outcome }, i) => outcome === "error" ? errors[i] : `value ${i}`),
          );
        } else if (end.error instanceof CancelledError) {
          // Only the gather's own cancel() cancels anything here.
          assert.ok(cancel);
        } else {
          assert.ok(!returnExceptions);
          assert.ok(errors.includes(end.error as Error), `unexpected error ${end.error}`);
        }
      },
    ),
  );
});
