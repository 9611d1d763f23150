// Copyright 2026 the @aio/tasks authors. MIT license.
// The workloads of bench/ratio.ts: each variant of the library beside its raw equivalent, both
// doing the same work per item and producing the same result. Runtime-neutral: it uses nothing
// but the library's exports it is given and web-standard APIs, so the same definitions run on
// Deno against the .ts sources and on Node against the npm build.
import type * as Library from "../mod.ts";

/** The library's public exports, from `mod.ts` or from the npm build's `mod.js`. */
export type Lib = typeof Library;

/** One comparison: a library variant against the raw code a person would write instead. */
export interface Workload {
  /** A short stable name, used on the command line (`--only=`) and in the JSON results. */
  id: string;
  /** The variant, as Markdown. */
  what: string;
  /** The baseline, as Markdown. */
  against: string;
  /** The largest ratio SPEC §7 allows, or `undefined` when the row is for information. */
  target: number | undefined;
  /** One iteration of the raw equivalent; its result is compared with the variant's. */
  baseline: () => Promise<number>;
  /** One iteration of the library variant. */
  variant: () => Promise<number>;
}

/** What each item does. */
export type Work = "return" | "await";

/** A task function that declares no parameter. */
export type Plain = () => Promise<number>;
/** A task function that takes its signal. */
export type Signalled = (signal: AbortSignal) => Promise<number>;

const resolved: Promise<void> = Promise.resolve();

// The item functions. "return" settles at once, the least work an async function can do, so
// the ratios show the library's whole overhead; "await" first awaits a settled promise (one
// more turn per item, as code that awaits anything has). A function that takes its signal reads
// it, as any function that passes it on does.
/** `n` task functions that declare no parameter and give their index. */
export function plainFns(n: number, work: Work): Plain[] {
  return Array.from(
    { length: n },
    work === "return"
      // deno-lint-ignore require-await
      ? (_, i) => async () => i
      : (_, i) => async () => {
        await resolved;
        return i;
      },
  );
}

/** `n` task functions that take their signal and give their index (-1 once aborted). */
export function signalledFns(n: number, work: Work): Signalled[] {
  return Array.from(
    { length: n },
    work === "return"
      // deno-lint-ignore require-await
      ? (_, i) => async (signal: AbortSignal) => signal.aborted ? -1 : i
      : (_, i) => async (signal: AbortSignal) => {
        await resolved;
        return signal.aborted ? -1 : i;
      },
  );
}

/** The sum of an array of numbers: results are compared by it, outside any timed code. */
export function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/**
 * Runs `fns` with at most `limit` running at once, results in input order: the hand-rolled
 * baseline for `limit`. `call` calls one function (with a fresh signal, or without one).
 */
export function runLimited<F>(
  fns: readonly F[],
  limit: number,
  call: (fn: F) => Promise<number>,
): Promise<number[]> {
  const results = new Array<number>(fns.length);
  let next = 0;
  let active = 0;
  let done = 0;
  return new Promise((resolve, reject) => {
    if (fns.length === 0) return resolve(results);
    const launch = (): void => {
      while (active < limit && next < fns.length) {
        const i = next++;
        active++;
        call(fns[i]).then((value) => {
          results[i] = value;
          active--;
          if (++done === fns.length) resolve(results);
          else launch();
        }, reject);
      }
    };
    launch();
  });
}

/** The raw timeout scope: an AbortController, a timer set and cleared around the body. */
async function rawTimeout(
  ms: number,
  body: (signal: AbortSignal) => Promise<number>,
): Promise<number> {
  const controller = new AbortController();
  const id = setTimeout(
    () => controller.abort(new DOMException("The deadline passed", "TimeoutError")),
    ms,
  );
  try {
    return await body(controller.signal);
  } finally {
    clearTimeout(id);
  }
}

/**
 * Whether `gather` honours a `limit` option: three functions with `{ limit: 1 }` must never
 * overlap. Older builds ignore the option, and then the limited gather rows are skipped.
 */
export async function gatherHasLimit(lib: Lib): Promise<boolean> {
  let active = 0;
  let most = 0;
  const fn = async () => {
    most = Math.max(most, ++active);
    await new Promise((resolve) => setTimeout(resolve, 0));
    active--;
  };
  await lib.gather([fn, fn.bind(null), fn.bind(null)], { limit: 1 } as Library.GatherOptions);
  return most === 1;
}

/**
 * Every workload at input size `n`. `gatherLimit` says whether the limited gather rows are
 * included (see {@linkcode gatherHasLimit}).
 */
export function workloads(lib: Lib, n: number, work: Work, gatherLimit: boolean): Workload[] {
  const { asCompleted, createTask, FIRST_COMPLETED, gather, taskGroup, timeout, wait } = lib;
  const plain = plainFns(n, work);
  const signalled = signalledFns(n, work);
  // Every other function takes its signal; the raw code knows which, as its author would.
  const mixed: Signalled[] = plain.map((f, i) => i % 2 === 0 ? f : signalled[i]);
  const takes = mixed.map((_, i) => i % 2 === 1);

  const rawPlain = async () => sum(await Promise.all(plain.map((f) => f())));
  const rawSignalled = async () =>
    sum(await Promise.all(signalled.map((f) => f(new AbortController().signal))));
  const rawMixed = async () =>
    sum(
      await Promise.all(
        mixed.map((f, i) => takes[i] ? f(new AbortController().signal) : (f as Plain)()),
      ),
    );
  // A group's results are read from its tasks once it has settled: the same output as
  // Promise.all's array, which the caller of either needs.
  const group = async (fns: readonly Signalled[], limit?: number) => {
    const tasks = await taskGroup(
      (tg) => fns.map((f) => tg.createTask(f)),
      limit === undefined ? undefined : { limit },
    );
    return sum(tasks.map((task) => task.result()));
  };

  // "First one wins": the first racer settles at once, the others wait on their signal.
  const racers: Signalled[] = Array.from(
    { length: n },
    (_, i) => (signal: AbortSignal) =>
      i === 0 ? Promise.resolve(0) : new Promise<number>((_, reject) => {
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      }),
  );

  // The raw first-one-wins: race the racers, then abort and await the rest.
  const rawRace = async () => {
    const controllers = racers.map(() => new AbortController());
    const promises = racers.map((f, i) => f(controllers[i].signal));
    const first = await Promise.race(promises);
    for (const controller of controllers) controller.abort();
    await Promise.allSettled(promises);
    return first;
  };
  // The raw "each result as it comes": a callback per item.
  const rawEach = async () => {
    let total = 0;
    await Promise.all(plain.map((f) => f().then((value) => total += value)));
    return total;
  };

  const list: Workload[] = [
    {
      id: "aa-plain",
      what: "A/A check: `Promise.all(fns.map(f => f()))` again",
      against: "`Promise.all(fns.map(f => f()))`",
      target: undefined,
      baseline: rawPlain,
      variant: rawPlain,
    },
    {
      id: "raw-signal",
      what: "`Promise.all` with a fresh `AbortController` per call",
      against: "`Promise.all(fns.map(f => f()))`",
      target: undefined,
      baseline: rawPlain,
      variant: rawSignalled,
    },
    {
      id: "gather-plain",
      what: "`gather(fns)`, parameterless functions",
      against: "`Promise.all(fns.map(f => f()))`",
      target: 1.5,
      baseline: rawPlain,
      variant: async () => sum(await gather(plain)),
    },
    {
      id: "group-plain",
      what: "`taskGroup`, parameterless functions",
      against: "`Promise.all(fns.map(f => f()))`",
      target: 1.75,
      baseline: rawPlain,
      variant: () => group(plain),
    },
    {
      id: "gather-signal",
      what: "`gather(fns)`, `async (signal) => …`",
      against: "`Promise.all`, a fresh `AbortController` per call",
      target: 1.5,
      baseline: rawSignalled,
      variant: async () => sum(await gather(signalled)),
    },
    {
      id: "group-signal",
      what: "`taskGroup`, `async (signal) => …`",
      against: "`Promise.all`, a fresh `AbortController` per call",
      target: 1.5,
      baseline: rawSignalled,
      variant: () => group(signalled),
    },
    {
      id: "gather-mixed",
      what: "`gather(fns)`, half of them taking their signal",
      against: "`Promise.all`, a fresh `AbortController` for those that take one",
      target: undefined,
      baseline: rawMixed,
      variant: async () => sum(await gather(mixed)),
    },
    {
      id: "group-mixed",
      what: "`taskGroup`, half of the functions taking their signal",
      against: "`Promise.all`, a fresh `AbortController` for those that take one",
      target: undefined,
      baseline: rawMixed,
      variant: () => group(mixed),
    },
    {
      id: "group-limit",
      what: "`taskGroup({ limit: 16 })`, parameterless functions",
      against: "hand-rolled 16-slot runner",
      target: 1.25,
      baseline: async () => sum(await runLimited(plain, 16, (f) => f())),
      variant: () => group(plain, 16),
    },
    {
      id: "group-limit-signal",
      what: "`taskGroup({ limit: 16 })`, `async (signal) => …`",
      against: "16-slot runner, a fresh `AbortController` per call",
      target: 1.25,
      baseline: async () =>
        sum(await runLimited(signalled, 16, (f) => f(new AbortController().signal))),
      variant: () => group(signalled, 16),
    },
  ];
  if (gatherLimit) {
    // Typed for builds that do not declare the option yet.
    const limited = { limit: 16 } as Library.GatherOptions & { returnExceptions?: false };
    list.push({
      id: "gather-limit-signal",
      what: "`gather(fns, { limit: 16 })`, `async (signal) => …`",
      against: "16-slot runner, a fresh `AbortController` per call",
      target: 1.25,
      baseline: async () =>
        sum(await runLimited(signalled, 16, (f) => f(new AbortController().signal))),
      variant: async () => sum(await gather(signalled, limited)),
    });
  }
  list.push(
    {
      id: "wait-first",
      what: "`wait(FIRST_COMPLETED)` + cancel the rest",
      against: "`Promise.race` + an `AbortController` each",
      target: 2,
      baseline: rawRace,
      variant: async () => {
        const tasks = racers.map((f) => createTask(f));
        const [done, pending] = await wait(tasks, { returnWhen: FIRST_COMPLETED });
        for (const task of pending) task.cancel();
        await wait(pending);
        return done.values().next().value!.result();
      },
    },
    {
      id: "as-completed",
      what: "`asCompleted(fns)`, one step per result",
      against: "`Promise.all` + a per-item callback",
      target: 1.5,
      baseline: rawEach,
      variant: async () => {
        let total = 0;
        for await (const task of asCompleted(plain)) total += task.result();
        return total;
      },
    },
    // The same two calls over promises the caller already has: each promise is followed through
    // a future of the library's, which a call that ends early leaves with nothing on the promise.
    {
      id: "as-completed-promises",
      what: "`asCompleted(promises)`, one step per result",
      against: "`Promise.all` + a per-item callback",
      target: undefined,
      baseline: rawEach,
      variant: async () => {
        let total = 0;
        for await (const promise of asCompleted(plain.map((f) => f()))) total += await promise;
        return total;
      },
    },
    {
      id: "wait-first-promises",
      what: "`wait(promises, FIRST_COMPLETED)`",
      against: "`Promise.race`",
      target: undefined,
      baseline: rawRace,
      variant: async () => {
        const controllers = racers.map(() => new AbortController());
        const promises = racers.map((f, i) => f(controllers[i].signal));
        const [done] = await wait(promises, { returnWhen: FIRST_COMPLETED });
        const first = await done.values().next().value!;
        for (const controller of controllers) controller.abort();
        await Promise.allSettled(promises);
        return first;
      },
    },
    {
      id: "timeout",
      what: "N × `timeout(1000, body)` at once",
      against: "N × (`AbortController` + `setTimeout` + `clearTimeout` around the body)",
      target: 2,
      baseline: async () => sum(await Promise.all(signalled.map((body) => rawTimeout(1000, body)))),
      variant: async () =>
        sum(
          await Promise.all(signalled.map((body) => timeout(1000, (scope) => body(scope.signal)))),
        ),
    },
  );
  return list;
}
