// Copyright 2026 the @aio/tasks authors. MIT license.
import { createTask } from "../mod.ts";
import { runsFor, SIZES } from "./_inputs.ts";

// A task that is never started costs only its object: creating and cancelling N of them is
// compared with creating and aborting N AbortControllers (each iteration yields once, so the
// start queue drains between iterations as it does in any program that awaits).
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
    ...runsFor(n),
    fn: async () => {
      const controllers = new Array<AbortController>(n);
      for (let i = 0; i < n; i++) controllers[i] = new AbortController();
      for (let i = 0; i < n; i++) controllers[i].abort();
      await null;
    },
  });
  Deno.bench({
    name: `createTask × N, cancel (N=${n})`,
    group,
    ...runsFor(n),
    fn: async () => {
      const tasks = new Array(n);
      for (let i = 0; i < n; i++) tasks[i] = createTask(never);
      for (let i = 0; i < n; i++) tasks[i].cancel();
      // Cancelled tasks leave the start queue when it next drains: let it.
      await null;
    },
  });
}
