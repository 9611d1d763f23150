// Copyright 2026 the @aio/tasks authors. MIT license.
// The same workloads through the libraries people reach for today (p-map, p-limit, Effect,
// Effection), against the same raw baselines as the library's own rows, measured by the same
// paired or separate-process methods (`bench/ratio.ts --peers`). The peers are dev-only: they are
// loaded from bench/peers/node_modules, which `npm run bench:peers:install` fills from
// bench/peers/package-lock.json; neither the package nor the repository's own install needs them.
import {
  type Plain,
  plainFns,
  runLimited,
  type Signalled,
  signalledFns,
  sum,
  type Work,
  type Workload,
} from "./_workloads.ts";

const here = new URL("./peers/node_modules/", import.meta.url);
// deno-lint-ignore no-explicit-any
const load = (path: string): Promise<any> => import(new URL(path, here).href);

/** Whether the peers are installed next to this file. */
export async function peersInstalled(): Promise<boolean> {
  try {
    await load("p-map/index.js");
    return true;
  } catch {
    return false;
  }
}

/** The peers' workloads at input size `n` (the peers must be installed). */
export async function peerWorkloads(n: number, work: Work): Promise<Workload[]> {
  const { default: pMap } = await load("p-map/index.js");
  const { default: pLimit } = await load("p-limit/index.js");
  const { Effect } = await load("effect/dist/index.js");
  const { all, call, run, spawn } = await load("effection/esm/mod.js");
  const plain: Plain[] = plainFns(n, work);
  const signalled: Signalled[] = signalledFns(n, work);
  const rawPlain = async () => sum(await Promise.all(plain.map((f) => f())));
  const rawSignalled = async () =>
    sum(await Promise.all(signalled.map((f) => f(new AbortController().signal))));
  const runner = async () => sum(await runLimited(plain, 16, (f) => f()));
  const effect = (fns: readonly Signalled[], concurrency: number | "unbounded") => async () =>
    sum(
      await Effect.runPromise(
        // Effect.promise hands each function an AbortSignal of its own, as a task does.
        Effect.all(fns.map((f) => Effect.promise(f)), { concurrency }),
      ),
    );
  return [
    {
      id: "peer-p-map",
      what: "p-map `pMap(fns, f => f())`",
      against: "`Promise.all(fns.map(f => f()))`",
      target: undefined,
      baseline: rawPlain,
      variant: async () => sum(await pMap(plain, (f: Plain) => f())),
    },
    {
      id: "peer-effect-signal",
      what: "Effect `Effect.all(fns.map(Effect.promise))`, unbounded, `(signal) => …`",
      against: "`Promise.all`, a fresh `AbortController` per call",
      target: undefined,
      baseline: rawSignalled,
      variant: effect(signalled, "unbounded"),
    },
    {
      id: "peer-effection",
      what: "Effection `run(() => all(fns.map(f => call(f))))`",
      against: "`Promise.all(fns.map(f => f()))`",
      target: undefined,
      baseline: rawPlain,
      variant: async () => sum(await run(() => all(plain.map((f) => call(f))))),
    },
    {
      id: "peer-p-map-16",
      what: "p-map `{ concurrency: 16 }`",
      against: "hand-rolled 16-slot runner",
      target: undefined,
      baseline: runner,
      variant: async () => sum(await pMap(plain, (f: Plain) => f(), { concurrency: 16 })),
    },
    {
      id: "peer-p-limit-16",
      what: "p-limit `pLimit(16)`",
      against: "hand-rolled 16-slot runner",
      target: undefined,
      baseline: runner,
      variant: async () => {
        const limit = pLimit(16);
        return sum(await Promise.all(plain.map((f) => limit(f))));
      },
    },
    {
      id: "peer-effect-16",
      what: "Effect `Effect.all(…, { concurrency: 16 })`, `(signal) => …`",
      against: "16-slot runner, a fresh `AbortController` per call",
      target: undefined,
      baseline: async () =>
        sum(await runLimited(signalled, 16, (f) => f(new AbortController().signal))),
      variant: effect(signalled, 16),
    },
    {
      id: "peer-effection-16",
      what: "Effection, 16 workers over a shared queue",
      against: "hand-rolled 16-slot runner",
      target: undefined,
      baseline: runner,
      variant: async () => {
        const results = new Array<number>(plain.length);
        let next = 0;
        await run(function* () {
          const workers = [];
          for (let w = 0; w < 16; w++) {
            workers.push(
              yield* spawn(function* () {
                while (next < plain.length) {
                  const i = next++;
                  results[i] = yield* call(plain[i]);
                }
              }),
            );
          }
          for (const worker of workers) yield* worker;
        });
        return sum(results);
      },
    },
  ];
}
