// Copyright 2026 the @aio/tasks authors. MIT license.
// Removing one observer of a task that many parties observe must cost O(1) (SPEC §7): N shields
// of one task cancelled oldest first, N waits on one task ended by their signals, N asCompleted
// loops over one task left with `break` (`return()`). Each iteration times the N removals only;
// the parties are built before `b.start()`. Divide the time per iteration by N for the cost per
// removal: it must stay flat from N = 5 000 to N = 80 000, as the baseline's does.
import { asCompleted, createTask, shield, sleep, type Task, wait } from "../mod.ts";
import { RUNS, SMOKE } from "./_inputs.ts";

const SIZES: number[] = SMOKE ? [100] : [5_000, 20_000, 80_000];
// A removal that costs O(N) makes the run at 80 000 take seconds: a few iterations tell enough.
const OPTIONS: { n?: number; warmup?: number } = SMOKE ? RUNS : { n: 4, warmup: 1 };

function noop(): void {}

/** A task that runs until it is cancelled: what every party here observes. */
function shared(): Task<void> {
  return createTask((signal) => sleep(null, { signal }));
}

/** Cancels the shared task and lets it settle, outside the timed part. */
async function finish(task: Task<void>): Promise<void> {
  task.cancel();
  await task.catch(noop);
}

for (const n of SIZES) {
  const group = `remove 1 of N observers of one task, oldest first (N=${n})`;

  Deno.bench({
    name: `AbortController × N, abort (N=${n})`,
    group,
    baseline: true,
    ...OPTIONS,
    fn: (b) => {
      const controllers = Array.from({ length: n }, () => new AbortController());
      for (const controller of controllers) controller.signal.addEventListener("abort", noop);
      b.start();
      for (const controller of controllers) controller.abort();
      b.end();
    },
  });

  Deno.bench({
    name: `shield × N of one task, cancel (N=${n})`,
    group,
    ...OPTIONS,
    fn: async (b) => {
      const inner = shared();
      const outers = Array.from({ length: n }, () => shield(inner));
      for (const outer of outers) outer.catch(noop);
      b.start();
      for (const outer of outers) outer.cancel();
      b.end();
      await finish(inner);
    },
  });

  Deno.bench({
    name: `wait × N on one task, abort each signal (N=${n})`,
    group,
    ...OPTIONS,
    fn: async (b) => {
      const task = shared();
      const controllers = Array.from({ length: n }, () => new AbortController());
      for (const controller of controllers) {
        wait([task], { signal: controller.signal }).catch(noop);
      }
      b.start();
      for (const controller of controllers) controller.abort();
      b.end();
      await finish(task);
    },
  });

  Deno.bench({
    name: `asCompleted × N over one task, break (N=${n})`,
    group,
    ...OPTIONS,
    fn: async (b) => {
      const task = shared();
      const loops = Array.from({ length: n }, () => asCompleted([task])[Symbol.asyncIterator]());
      b.start();
      for (const loop of loops) loop.return();
      b.end();
      await finish(task);
    },
  });
}
