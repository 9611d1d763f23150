// Copyright 2026 the @aio/tasks authors. MIT license.
// What task tracking costs, on the workloads of bench/ratio.ts, paired in one process: each
// iteration of side B is timed right after one of side A, both after a forced garbage
// collection; the ratio B/A is the median of the per-pair ratios, with their 25th–75th
// percentile (bench/ratio.ts explains why medians of separate runs are not compared).
//
// - By default, A is this library with tracking off and B the same with tracking on: what
//   turning it on costs.
// - With --base=PATH, A is another copy of the library (PATH is its mod.ts) and B this one with
//   tracking off: what the switch costs while off, against the code before it existed. Make
//   that copy with `git archive <commit> | tar -x -C /tmp/base` and link its node_modules.
//
// Usage: deno run --allow-read --allow-env --v8-flags=--expose-gc bench/tracking_cost.ts
//          [--base=/tmp/base/mod.ts] [--sizes=1000,100000] [--only=gather-signal,timeout]
// BENCH_SMOKE=1 (or --smoke): N = 100 and two pairs, to prove that it runs.
import process from "node:process";
import { pathToFileURL } from "node:url";
import * as mine from "../mod.ts";
import { gc, quantile, timeOnce } from "./_measure.ts";
import { gatherHasLimit, type Lib, workloads } from "./_workloads.ts";

const args = process.argv.slice(2);
const flag = (name: string): string | undefined =>
  args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const SMOKE = process.env.BENCH_SMOKE === "1" || args.includes("--smoke");

function tracked(fn: () => Promise<number>): () => Promise<number> {
  return async () => {
    mine.enableTaskTracking();
    try {
      return await fn();
    } finally {
      mine.disableTaskTracking();
    }
  };
}

async function main(): Promise<void> {
  if (gc === undefined) {
    throw new Error("Cannot measure as gc is not exposed: run with --v8-flags=--expose-gc");
  }
  const basePath = flag("base");
  const base: Lib = basePath === undefined ? mine : await import(pathToFileURL(basePath).href);
  const sizes = SMOKE ? [100] : (flag("sizes") ?? "1000,100000").split(",").map(Number);
  const only = flag("only")?.split(",");
  const limited = (await gatherHasLimit(base)) && (await gatherHasLimit(mine));
  console.log(
    basePath === undefined
      ? "A: tracking off, B: tracking on (this library)"
      : `A: ${basePath}, B: this library with tracking off`,
  );
  console.log("| workload | N | B / A, median [25th–75th percentile] |");
  console.log("| --- | ---: | --- |");
  for (const n of sizes) {
    const reps = SMOKE ? 1 : Math.max(1, Math.floor(200_000 / n));
    const [warmup, pairs] = SMOKE ? [1, 2] : n >= 100_000 ? [3, 30] : [10, 40];
    const as = workloads(base, n, "return", limited);
    const bs = workloads(mine, n, "return", limited);
    for (const [i, a] of as.entries()) {
      // The two rows that measure no library code.
      if (a.id === "aa-plain" || a.id === "raw-signal") continue;
      if (only !== undefined && !only.includes(a.id)) continue;
      const b = basePath === undefined ? tracked(bs[i]!.variant) : bs[i]!.variant;
      const [resultA, resultB] = [await a.variant(), await b()];
      if (resultA !== resultB) throw new Error(`Cannot measure ${a.id}: the results differ`);
      for (let w = 0; w < warmup; w++) {
        await timeOnce(a.variant, reps);
        await timeOnce(b, reps);
      }
      const ratios: number[] = [];
      for (let p = 0; p < pairs; p++) {
        const timeA = await timeOnce(a.variant, reps);
        ratios.push((await timeOnce(b, reps)) / timeA);
      }
      const [low, mid, high] = [0.25, 0.5, 0.75].map((q) => quantile(ratios, q).toFixed(3));
      console.log(`| ${a.what} | ${n.toLocaleString("en")} | ${mid}× [${low}–${high}] |`);
    }
  }
}

await main();
