// Copyright 2026 the @aio/tasks authors. MIT license.
import { taskGroup } from "../mod.ts";
import { runLimited, runsFor, SIZES, taskFns } from "./_inputs.ts";

for (const n of SIZES) {
  const fns = taskFns(n);

  Deno.bench({
    name: `Promise.all (N=${n})`,
    group: `taskGroup (N=${n})`,
    baseline: true,
    ...runsFor(n),
    fn: async () => {
      await Promise.all(fns.map((f) => f()));
    },
  });
  Deno.bench({
    name: `taskGroup (N=${n})`,
    group: `taskGroup (N=${n})`,
    ...runsFor(n),
    fn: async () => {
      await taskGroup((tg) => {
        for (const f of fns) tg.createTask(f);
      });
    },
  });

  Deno.bench({
    name: `hand-rolled 16-slot runner (N=${n})`,
    group: `taskGroup limit 16 (N=${n})`,
    baseline: true,
    ...runsFor(n),
    fn: async () => {
      await runLimited(fns, 16);
    },
  });
  Deno.bench({
    name: `taskGroup({ limit: 16 }) (N=${n})`,
    group: `taskGroup limit 16 (N=${n})`,
    ...runsFor(n),
    fn: async () => {
      await taskGroup((tg) => {
        for (const f of fns) tg.createTask(f);
      }, { limit: 16 });
    },
  });
}
