// Copyright 2026 the @aio/tasks authors. MIT license.
import { createTask } from "../mod.ts";
import { RUNS, SIZES } from "./_inputs.ts";

// A task that is never started costs only its object: creating and cancelling N of them is
// compared with creating and aborting N AbortControllers.
for (const n of SIZES) {
  const group = `cancel N pending (N=${n})`;
  const never = (signal: AbortSignal) =>
    new Promise<never>((_, reject) =>
      signal.addEventListener("abort", () => reject(signal.reason))
    );
  Deno.bench({
    name: `AbortController × N, abort (N=${n})`,
    group,
    baseline: true,
    ...RUNS,
    fn: () => {
      const controllers = new Array<AbortController>(n);
      for (let i = 0; i < n; i++) controllers[i] = new AbortController();
      for (let i = 0; i < n; i++) controllers[i].abort();
    },
  });
  Deno.bench({
    name: `createTask × N, cancel (N=${n})`,
    group,
    ...RUNS,
    fn: () => {
      const tasks = new Array(n);
      for (let i = 0; i < n; i++) tasks[i] = createTask(never);
      for (let i = 0; i < n; i++) tasks[i].cancel();
    },
  });
}
