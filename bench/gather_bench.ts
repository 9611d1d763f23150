// Copyright 2026 the @aio/tasks authors. MIT license.
import { asCompleted, gather } from "../mod.ts";
import { runsFor, SIZES, taskFns } from "./_inputs.ts";

for (const n of SIZES) {
  const fns = taskFns(n);

  Deno.bench({
    name: `Promise.all (N=${n})`,
    group: `gather (N=${n})`,
    baseline: true,
    ...runsFor(n),
    fn: async () => {
      await Promise.all(fns.map((f) => f()));
    },
  });
  Deno.bench({
    name: `gather (N=${n})`,
    group: `gather (N=${n})`,
    ...runsFor(n),
    fn: async () => {
      await gather(fns);
    },
  });

  // Progress as results arrive: a callback per item against asCompleted's loop.
  Deno.bench({
    name: `Promise.all + per-item callback (N=${n})`,
    group: `asCompleted (N=${n})`,
    baseline: true,
    ...runsFor(n),
    fn: async () => {
      let seen = 0;
      await Promise.all(fns.map((f) => f().then(() => seen++)));
    },
  });
  Deno.bench({
    name: `asCompleted (N=${n})`,
    group: `asCompleted (N=${n})`,
    ...runsFor(n),
    fn: async () => {
      let seen = 0;
      for await (const _ of asCompleted(fns)) seen++;
    },
  });
}
