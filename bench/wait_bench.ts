// Copyright 2026 the @aio/tasks authors. MIT license.
import { createTask, FIRST_COMPLETED, type Task, timeout, wait } from "../mod.ts";
import { runsFor, SIZES } from "./_inputs.ts";

// "First one wins": one of N racers settles at once, the others wait on their signal. The raw
// variant races promises and aborts the losers through one AbortController each.
for (const n of SIZES) {
  const group = `first completed + cancel the rest (N=${n})`;
  const racer = (i: number) => (signal: AbortSignal): Promise<number> =>
    i === 0 ? Promise.resolve(0) : new Promise<number>((_, reject) => {
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
  const racers = Array.from({ length: n }, (_, i) => racer(i));

  Deno.bench({
    name: `Promise.race + AbortControllers (N=${n})`,
    group,
    baseline: true,
    ...runsFor(n),
    fn: async () => {
      const controllers = racers.map(() => new AbortController());
      const promises = racers.map((f, i) => f(controllers[i].signal));
      await Promise.race(promises);
      for (const c of controllers) c.abort();
      await Promise.allSettled(promises);
    },
  });
  Deno.bench({
    name: `wait(FIRST_COMPLETED) + cancel (N=${n})`,
    group,
    ...runsFor(n),
    fn: async () => {
      const tasks = racers.map((f) => createTask(f));
      const [, pending] = await wait(tasks, { returnWhen: FIRST_COMPLETED });
      for (const t of pending) t.cancel();
      await wait(pending as Set<Task<number>>);
    },
  });
}

// A time limit around work that is already done: the cost of the scope itself (an
// AbortController, a timer set and cleared), N scopes at once against N raw bodies.
for (const n of SIZES) {
  const group = `timeout() around a resolved body (N=${n})`;
  const bodies = Array.from({ length: n }, (_, i) => () => Promise.resolve(i));
  Deno.bench({
    name: `raw bodies (N=${n})`,
    group,
    baseline: true,
    ...runsFor(n),
    fn: async () => {
      await Promise.all(bodies.map((body) => body()));
    },
  });
  Deno.bench({
    name: `timeout(1000, body) (N=${n})`,
    group,
    ...runsFor(n),
    fn: async () => {
      await Promise.all(bodies.map((body) => timeout(1000, body)));
    },
  });
}
