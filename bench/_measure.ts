// Copyright 2026 the @aio/tasks authors. MIT license.
// The timing helpers the paired benches share (bench/ratio.ts, bench/tracking_cost.ts).

/** V8's `gc()`, when the runtime was started with `--expose-gc`. */
export const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

/** The `q`-quantile of `values` (0.5 is the median), interpolated between neighbours. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = values.toSorted((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  return sorted[low] + (sorted[Math.ceil(at)] - sorted[low]) * (at - low);
}

/** The median of `values`. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** One turn of the platform's timers. */
export function turn(): Promise<unknown> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Times one iteration (ms per run of the workload), after a collection and a timer turn. */
export async function timeOnce(fn: () => Promise<number>, reps: number): Promise<number> {
  gc?.();
  await turn();
  const start = performance.now();
  for (let r = 0; r < reps; r++) await fn();
  return (performance.now() - start) / reps;
}
