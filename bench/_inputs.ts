// Copyright 2026 the @aio/tasks authors. MIT license.
// Inputs shared by the benches. BENCH_SMOKE=1 runs every bench a few times on small inputs, so
// CI proves the benches still work without paying for a measurement.

/** True for the short CI run. */
export const SMOKE: boolean = Deno.env.get("BENCH_SMOKE") === "1";

/** The input sizes every bench is measured at. */
export const SIZES: number[] = SMOKE ? [100] : [1_000, 100_000];

/** Per-bench options: few iterations in smoke mode. */
export const RUNS: { n?: number; warmup?: number } = SMOKE ? { n: 2, warmup: 1 } : {};

/**
 * Per-bench options for input size `n`. At 100 000 one iteration takes tens of milliseconds and
 * the garbage collector's timing moves each one, so those benches take a fixed, larger count.
 */
export function runsFor(n: number): { n?: number; warmup?: number } {
  return SMOKE || n < 100_000 ? RUNS : { n: 60, warmup: 10 };
}

/** `n` trivial task functions: each an async function returning its index. */
export function taskFns(n: number): (() => Promise<number>)[] {
  // An async function is what real task functions are; it awaits nothing on purpose.
  // deno-lint-ignore require-await
  return Array.from({ length: n }, (_, i) => async () => i);
}

/** Runs `fns` with at most `limit` running at once: the hand-rolled baseline for `limit`. */
export function runLimited<T>(fns: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results = new Array<T>(fns.length);
  let next = 0;
  let active = 0;
  return new Promise((resolve, reject) => {
    if (fns.length === 0) return resolve(results);
    let done = 0;
    const launch = (): void => {
      while (active < limit && next < fns.length) {
        const i = next++;
        active++;
        fns[i]().then((value) => {
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
