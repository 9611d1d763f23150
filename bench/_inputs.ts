// Copyright 2026 the @aio/tasks authors. MIT license.
// Inputs shared by the benches. BENCH_SMOKE=1 runs every bench a few times on small inputs, so
// CI proves the benches still work without paying for a measurement.

/** True for the short CI run. */
export const SMOKE: boolean = Deno.env.get("BENCH_SMOKE") === "1";

/** Per-bench options: few iterations in smoke mode. */
export const RUNS: { n?: number; warmup?: number } = SMOKE ? { n: 2, warmup: 1 } : {};
