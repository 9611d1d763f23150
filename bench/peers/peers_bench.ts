// Copyright 2026 the @aio/tasks authors. MIT license.
// The same two workloads through the libraries people reach for today, in the same run:
// "all N" (run every function, collect results in order) and "limit 16" (the same, at most 16
// at once). Dev-only imports: none of these is a dependency of the published package, nor of
// the repository's own install. Run with `npm run bench:peers`, which installs them into
// bench/peers/node_modules first (bench/peers/package-lock.json).
import pMap from "p-map";
import pLimit from "p-limit";
import { all, call, run, spawn } from "effection";
import { Effect } from "effect";
import { gather, taskGroup } from "../../mod.ts";
import { runLimited, RUNS, SIZES, taskFns } from "../_inputs.ts";

for (const n of SIZES) {
  const fns = taskFns(n);
  const allGroup = `peers: all N (N=${n})`;
  const limitGroup = `peers: limit 16 (N=${n})`;

  Deno.bench({
    name: `Promise.all (N=${n})`,
    group: allGroup,
    baseline: true,
    ...RUNS,
    fn: async () => {
      await Promise.all(fns.map((f) => f()));
    },
  });
  Deno.bench({
    name: `@aio/tasks gather (N=${n})`,
    group: allGroup,
    ...RUNS,
    fn: async () => {
      await gather(fns);
    },
  });
  Deno.bench({
    name: `@aio/tasks taskGroup (N=${n})`,
    group: allGroup,
    ...RUNS,
    fn: async () => {
      await taskGroup((tg) => {
        for (const f of fns) tg.createTask(f);
      });
    },
  });
  Deno.bench({
    name: `p-map (N=${n})`,
    group: allGroup,
    ...RUNS,
    fn: async () => {
      await pMap(fns, (f) => f());
    },
  });
  Deno.bench({
    name: `Effection all (N=${n})`,
    group: allGroup,
    ...RUNS,
    fn: async () => {
      await run(() => all(fns.map((f) => call(f))));
    },
  });
  Deno.bench({
    name: `Effect.all unbounded (N=${n})`,
    group: allGroup,
    ...RUNS,
    fn: async () => {
      await Effect.runPromise(
        Effect.all(fns.map((f) => Effect.promise(f)), { concurrency: "unbounded" }),
      );
    },
  });

  Deno.bench({
    name: `hand-rolled 16-slot runner (N=${n})`,
    group: limitGroup,
    baseline: true,
    ...RUNS,
    fn: async () => {
      await runLimited(fns, 16);
    },
  });
  Deno.bench({
    name: `@aio/tasks taskGroup limit 16 (N=${n})`,
    group: limitGroup,
    ...RUNS,
    fn: async () => {
      await taskGroup((tg) => {
        for (const f of fns) tg.createTask(f);
      }, { limit: 16 });
    },
  });
  Deno.bench({
    name: `p-limit (N=${n})`,
    group: limitGroup,
    ...RUNS,
    fn: async () => {
      const limit = pLimit(16);
      await Promise.all(fns.map((f) => limit(f)));
    },
  });
  Deno.bench({
    name: `p-map concurrency 16 (N=${n})`,
    group: limitGroup,
    ...RUNS,
    fn: async () => {
      await pMap(fns, (f) => f(), { concurrency: 16 });
    },
  });
  Deno.bench({
    name: `Effection 16 workers (N=${n})`,
    group: limitGroup,
    ...RUNS,
    fn: async () => {
      // Effection has no concurrency option: 16 spawned workers share one queue.
      await run(function* () {
        let next = 0;
        const workers = [];
        for (let w = 0; w < 16; w++) {
          workers.push(
            yield* spawn(function* () {
              while (next < fns.length) yield* call(fns[next++]);
            }),
          );
        }
        for (const worker of workers) yield* worker;
      });
    },
  });
  Deno.bench({
    name: `Effect.all concurrency 16 (N=${n})`,
    group: limitGroup,
    ...RUNS,
    fn: async () => {
      await Effect.runPromise(
        Effect.all(fns.map((f) => Effect.promise(f)), { concurrency: 16 }),
      );
    },
  });
}
