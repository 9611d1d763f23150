// Copyright 2026 the @aio/tasks authors. MIT license.
// Honest ratios of the library against raw promises, on Deno (the .ts sources) and on Node
// (the npm build in dist/), by two methods that do not let the heap's state favour either side:
//
// - paired: in one process, each variant iteration is timed right after a baseline iteration,
//   both after a forced garbage collection; the ratio is the median of the per-pair ratios,
//   with their spread (25th–75th percentile);
// - separate: each side runs alone in a fresh process (warm-up, then timed iterations, their
//   median), a baseline process right before each variant process; the ratio is the median of
//   the ratios of five such pairs, with their range.
//
// Peak heap of one run (one iteration at N): V8's used heap just before each garbage collection
// during the run and at its end (node:v8's GCProfiler, in Deno and Node alike), the largest, less
// the used heap after a full collection before the run. The fresh processes measure it after
// their timed iterations; the table shows the median of the five.
//
// Usage (flags in any order; BENCH_SMOKE=1 or --smoke: N = 100, 2 iterations, 1 process each):
//   deno run --allow-read --allow-env --allow-run --allow-sys --allow-write=.bench \
//     --v8-flags=--expose-gc bench/ratio.ts [--method=paired|separate|both] [--sizes=1000,100000]
//     [--only=gather-signal,timeout] [--work=return|await] [--lib=src|dist] [--json=FILE]
//     [--peers]   (also p-map, p-limit, Effect and Effection: `npm run bench:peers:install` first)
//   node --expose-gc bench/ratio.ts …            (Node 24 or later: it strips the types itself)
//   deno run --allow-read --allow-env --allow-write=bench bench/ratio.ts --report .bench/ratio-deno.json \
//     .bench/ratio-node.json [--chart=bench/chart.svg] [--before=OLD-deno.json,OLD-node.json]
//   (several files of one runtime are merged: each row from its median run; --before adds a
//   table of each row's ratio before → after; --wide prints the README's layout instead)
// `deno task bench:ratio` and `npm run bench:node` run the first two with the defaults.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import process from "node:process";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { GCProfiler, getHeapStatistics } from "node:v8";
import { gc, median, quantile, timeOnce, turn } from "./_measure.ts";
import { gatherHasLimit, type Lib, type Work, type Workload, workloads } from "./_workloads.ts";
import { peersInstalled, peerWorkloads } from "./_peers.ts";

/** What one side measured: per-iteration times in ms and the peak heap of one run in bytes. */
interface Side {
  ms: number;
  peak: number;
}

interface Paired {
  ratio: number;
  p25: number;
  p75: number;
  pairs: number;
  baseline: Side;
  variant: Side;
}

interface Separate {
  ratio: number;
  min: number;
  max: number;
  processes: number;
  baseline: Side;
  variant: Side;
}

interface Row {
  id: string;
  n: number;
  what: string;
  against: string;
  target: number | undefined;
  paired?: Paired;
  separate?: Separate;
  /** Set by `--report` for a row merged from several runs: how many had it. */
  runs?: number;
}

interface Results {
  runtime: string;
  lib: string;
  cpu: string;
  date: string;
  work: Work;
  smoke: boolean;
  rows: Row[];
}

const args = process.argv.slice(2);
const flag = (name: string): string | undefined =>
  args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const SMOKE = process.env.BENCH_SMOKE === "1" || args.includes("--smoke");
const isDeno = "Deno" in globalThis;
const script = fileURLToPath(import.meta.url);

/**
 * Iteration counts: warm-up, timed (per process in the separate method, pairs in the paired
 * one), and runs of the workload per timed iteration.
 */
function plan(n: number, separate: boolean): { warmup: number; timed: number; reps: number } {
  if (SMOKE) return { warmup: 1, timed: 2, reps: 1 };
  // Small inputs run back to back within one timed iteration, so that each lasts about ten
  // milliseconds and neither the clock's resolution nor a stray interrupt shows.
  const reps = Math.max(1, Math.floor(200_000 / n));
  if (n >= 100_000) return { warmup: 3, timed: separate ? 10 : 30, reps };
  return { warmup: 10, timed: separate ? 20 : 40, reps };
}
const PROCESSES = SMOKE ? 1 : 5;

async function loadLib(which: string): Promise<Lib> {
  const url = new URL(which === "src" ? "../mod.ts" : "../dist/mod.js", import.meta.url);
  try {
    return await import(url.href);
  } catch (error) {
    if (which === "dist") {
      throw new Error("Cannot load the npm build: run `node npm/build.mjs` first", {
        cause: error,
      });
    }
    throw error;
  }
}

function runtime(): string {
  const versions = process.versions as Record<string, string | undefined>;
  return versions.deno !== undefined
    ? `Deno ${versions.deno} (V8 ${versions.v8})`
    : `Node ${process.version} (V8 ${versions.v8})`;
}

/** Peak heap of one run, in bytes above the heap after a full collection (see the top). */
async function peakHeap(fn: () => Promise<number>): Promise<number> {
  gc?.();
  gc?.();
  await turn();
  const before = getHeapStatistics().used_heap_size;
  const profiler = new GCProfiler();
  profiler.start();
  await fn();
  const end = getHeapStatistics().used_heap_size;
  const stats = profiler.stop();
  let peak = end;
  for (const gcEvent of stats?.statistics ?? []) {
    peak = Math.max(peak, gcEvent.beforeGC.heapStatistics.usedHeapSize);
  }
  return peak - before;
}

async function check(workload: Workload, n: number): Promise<void> {
  const [expected, actual] = [await workload.baseline(), await workload.variant()];
  if (expected !== actual) {
    throw new Error(
      `Cannot measure ${workload.id} (N=${n}): the variant's result ${actual} differs from the baseline's ${expected}`,
    );
  }
}

/**
 * The plan for one workload, shortened for a slow variant (some peers take 100× the baseline or
 * more): fewer runs per timed iteration once an iteration would take over 100 ms, and fewer
 * iterations once a single run takes over half a second, so that no row takes much over a
 * minute. The library's own rows keep the plan above.
 */
async function calibrated(
  workload: Workload,
  n: number,
  separate: boolean,
): Promise<{ warmup: number; timed: number; reps: number }> {
  const base = plan(n, separate);
  if (SMOKE) return base;
  const start = performance.now();
  await workload.variant();
  const ms = performance.now() - start;
  if (ms * base.reps <= 100) return base;
  const reps = Math.max(1, Math.floor(100 / ms));
  if (ms <= 500) return { ...base, reps };
  return { warmup: 1, timed: Math.max(5, Math.min(base.timed, Math.floor(30_000 / ms))), reps };
}

async function measurePaired(workload: Workload, n: number): Promise<Paired> {
  const { warmup, timed, reps } = await calibrated(workload, n, false);
  for (let i = 0; i < warmup; i++) {
    await timeOnce(workload.baseline, reps);
    await timeOnce(workload.variant, reps);
  }
  const ratios: number[] = [], base: number[] = [], variant: number[] = [];
  for (let i = 0; i < timed; i++) {
    const b = await timeOnce(workload.baseline, reps);
    const v = await timeOnce(workload.variant, reps);
    base.push(b);
    variant.push(v);
    ratios.push(v / b);
  }
  return {
    ratio: median(ratios),
    p25: quantile(ratios, 0.25),
    p75: quantile(ratios, 0.75),
    pairs: timed,
    baseline: { ms: median(base), peak: await peakHeap(workload.baseline) },
    variant: { ms: median(variant), peak: await peakHeap(workload.variant) },
  };
}

/** In a fresh process: one side of one workload, warm-up, timed iterations, then its heap. */
async function child(lib: Lib, id: string, side: "baseline" | "variant", n: number, work: Work) {
  const all = id.startsWith("peer-") ? await peerWorkloads(n, work) : workloads(lib, n, work, true);
  const workload = all.find((w) => w.id === id);
  if (workload === undefined) throw new Error(`Cannot run workload ${id}: no such workload`);
  const fn = workload[side];
  const { warmup, timed, reps } = await calibrated(workload, n, true);
  for (let i = 0; i < warmup; i++) await timeOnce(fn, reps);
  const times: number[] = [];
  for (let i = 0; i < timed; i++) times.push(await timeOnce(fn, reps));
  const result: Side = { ms: median(times), peak: await peakHeap(fn) };
  process.stdout.write(JSON.stringify(result) + "\n");
}

function spawnSide(id: string, side: string, n: number, work: Work, lib: string): Side {
  const own = [script, "--child", `--id=${id}`, `--side=${side}`, `--n=${n}`, `--work=${work}`];
  own.push(`--lib=${lib}`);
  if (SMOKE) own.push("--smoke");
  const argv = isDeno
    ? ["run", "--allow-read", "--allow-env", "--allow-sys", "--v8-flags=--expose-gc", ...own]
    : ["--expose-gc", ...own];
  const result = spawnSync(process.execPath, argv, {
    encoding: "utf8",
    // A bounded run: a workload that hangs fails the bench instead of holding the machine.
    timeout: 600_000,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (result.status !== 0) {
    throw new Error(
      `Cannot measure ${id} ${side} (N=${n}): its process ended with ${
        result.status ?? result.signal
      }`,
    );
  }
  return JSON.parse(result.stdout.trim().split("\n").at(-1)!);
}

function measureSeparate(workload: Workload, n: number, work: Work, lib: string): Separate {
  const ratios: number[] = [], base: Side[] = [], variant: Side[] = [];
  for (let i = 0; i < PROCESSES; i++) {
    const b = spawnSide(workload.id, "baseline", n, work, lib);
    const v = spawnSide(workload.id, "variant", n, work, lib);
    base.push(b);
    variant.push(v);
    ratios.push(v.ms / b.ms);
  }
  return {
    ratio: median(ratios),
    min: Math.min(...ratios),
    max: Math.max(...ratios),
    processes: PROCESSES,
    baseline: { ms: median(base.map((s) => s.ms)), peak: median(base.map((s) => s.peak)) },
    variant: { ms: median(variant.map((s) => s.ms)), peak: median(variant.map((s) => s.peak)) },
  };
}

const x = (ratio: number) => `${ratio.toFixed(2)}×`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)}`;
const time = (ms: number) => ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(0)} µs`;
const mark = (ratio: number, target: number | undefined) =>
  target === undefined ? "" : ratio <= target ? " ✓" : " ✗";

/** The Markdown tables of one or more runs (one per runtime), side by side. */
function report(runs: Results[]): string {
  const out: string[] = [];
  const names = runs.map((r) => r.runtime.split(" (")[0]).join(" / ");
  out.push(`Machine: ${runs[0].cpu}. Runtimes: ${runs.map((r) => `${r.runtime}, ${r.lib}`)}.`);
  out.push(`Items: \`${runs[0].work}\` work. Dates: ${runs.map((r) => r.date).join(", ")}.`);
  if (runs.some((r) => r.smoke)) out.push("\n**Smoke run: the numbers mean nothing.**");
  const sizes = [...new Set(runs.flatMap((r) => r.rows.map((row) => row.n)))].sort((a, b) => a - b);
  const ids = [...new Set(runs.flatMap((r) => r.rows.map((row) => row.id)))];
  const find = (run: Results, id: string, n: number) =>
    run.rows.find((row) => row.id === id && row.n === n);
  const any = (id: string) => runs.flatMap((r) => r.rows).find((row) => row.id === id)!;
  const cell = (id: string, n: number, get: (row: Row) => string | undefined) =>
    runs.map((run) => {
      const row = find(run, id, n);
      return (row && get(row)) ?? "–";
    }).join(" / ");

  for (const method of ["paired", "separate"] as const) {
    if (!runs.some((r) => r.rows.some((row) => row[method] !== undefined))) continue;
    out.push(
      method === "paired"
        ? runs.some((r) => r.rows.some((row) => (row.runs ?? 1) > 1))
          ? `\n### Paired in one process (${names}): each run's median of per-pair ratios, the median of ${
            runCounts(runs)
          } runs [lowest–highest run]\n`
          : `\n### Paired in one process (${names}): median of per-pair ratios [25th–75th percentile]\n`
        : `\n### Separate fresh processes (${names}): median of ${
          processesLabel(runs)
        } process pairs [min–max]\n`,
    );
    out.push(
      `| variant | baseline | target | ${
        sizes.map((n) => `N = ${n.toLocaleString("en")}`).join(" | ")
      } |`,
    );
    out.push(`| --- | --- | ---: | ${sizes.map(() => "---").join(" | ")} |`);
    for (const id of ids) {
      const row = any(id);
      const cells = sizes.map((n) =>
        cell(id, n, (r) => {
          const m = r[method];
          if (m === undefined) return undefined;
          const spread = "p25" in m
            ? `${m.p25.toFixed(2)}–${m.p75.toFixed(2)}`
            : `${m.min.toFixed(2)}–${m.max.toFixed(2)}`;
          return `${x(m.ratio)}${mark(m.ratio, r.target)} [${spread}]`;
        })
      );
      const target = row.target === undefined ? "" : `≤ ${row.target}×`;
      out.push(`| ${row.what} | ${row.against} | ${target} | ${cells.join(" | ")} |`);
    }
  }

  // SPEC §7: per-task time at the largest N within 1.5× of the smallest N's, relative to the
  // baseline's own growth: the paired ratio at the one over the ratio at the other.
  const [small, large] = [sizes[0], sizes[sizes.length - 1]];
  if (large > small && runs.some((r) => r.rows.some((row) => row.paired !== undefined))) {
    out.push(
      `\n### Growth (${names}): paired ratio at N = ${
        large.toLocaleString("en")
      } over the ratio at N = ${small.toLocaleString("en")} (target ≤ 1.5×)\n`,
    );
    out.push(`| variant | ${runs.map((r) => r.runtime.split(" (")[0]).join(" | ")} |`);
    out.push(`| --- | ${runs.map(() => "---:").join(" | ")} |`);
    for (const id of ids) {
      const row = any(id);
      if (row.target === undefined) continue;
      const cells = runs.map((run) => {
        const a = find(run, id, small)?.paired, b = find(run, id, large)?.paired;
        if (a === undefined || b === undefined) return "–";
        const growth = b.ratio / a.ratio;
        return `${x(growth)}${mark(growth, 1.5)}`;
      });
      out.push(`| ${row.what} | ${cells.join(" | ")} |`);
    }
  }

  out.push(`\n### Time per run, median (${names}): baseline → variant\n`);
  out.push(`| variant | ${sizes.map((n) => `N = ${n.toLocaleString("en")}`).join(" | ")} |`);
  out.push(`| --- | ${sizes.map(() => "---").join(" | ")} |`);
  for (const id of ids) {
    const cells = sizes.map((n) =>
      cell(id, n, (r) => {
        const m = r.separate ?? r.paired;
        return m && `${time(m.baseline.ms)} → ${time(m.variant.ms)}`;
      })
    );
    out.push(`| ${any(id).what} | ${cells.join(" | ")} |`);
  }

  out.push(
    `\n### Peak heap of one run, MiB above the heap before it (${names}): baseline → variant (ratio; target ≤ 1.5× at N = 100 000)\n`,
  );
  out.push(`| variant | ${sizes.map((n) => `N = ${n.toLocaleString("en")}`).join(" | ")} |`);
  out.push(`| --- | ${sizes.map(() => "---").join(" | ")} |`);
  for (const id of ids) {
    const cells = sizes.map((n) =>
      cell(id, n, (r) => {
        const m = r.separate ?? r.paired;
        if (m === undefined) return undefined;
        const ratio = m.variant.peak / m.baseline.peak;
        return `${mib(m.baseline.peak)} → ${mib(m.variant.peak)} (${x(ratio)}${
          n >= 100_000 ? mark(ratio, 1.5) : ""
        })`;
      })
    );
    out.push(`| ${any(id).what} | ${cells.join(" | ")} |`);
  }
  return out.join("\n") + "\n";
}

const escape = (text: string) =>
  text.replace(/`/g, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * An SVG bar chart of the paired ratios of the rows that have a target: one bar per runtime and
 * size, the target as a tick, on a logarithmic scale from 0.5× to 8×.
 */
function chart(runs: Results[]): string {
  const sizes = [...new Set(runs.flatMap((r) => r.rows.map((row) => row.n)))].sort((a, b) => a - b);
  const ids = [
    ...new Set(runs.flatMap((r) => r.rows.filter((row) => row.target).map((r) => r.id))),
  ];
  const bars = runs.length * sizes.length;
  const [left, width, bar, gap, top] = [330, 360, 9, 14, 40];
  const height = top + ids.length * (bars * bar + gap) + 30;
  const scale = (ratio: number) =>
    Math.max(0, Math.min(1, (Math.log2(ratio) + 1) / 4)) * width + left;
  const colors = ["#3b82f6", "#93c5fd", "#f97316", "#fdba74", "#10b981", "#6ee7b7"];
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${
      left + width + 20
    }" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="8" y="16" font-size="13">Time relative to the raw equivalent, paired (lower is better; tick: target)</text>`,
  ];
  let legend = 8;
  runs.forEach((run, r) =>
    sizes.forEach((n, s) => {
      const label = `${run.runtime.split(" (")[0]}, N = ${n.toLocaleString("en")}`;
      out.push(
        `<rect x="${legend}" y="24" width="10" height="10" fill="${
          colors[(r * sizes.length + s) % colors.length]
        }"/><text x="${legend + 14}" y="33">${escape(label)}</text>`,
      );
      legend += 16 + label.length * 6;
    })
  );
  for (const ratio of [0.5, 1, 2, 4, 8]) {
    const x = scale(ratio);
    out.push(
      `<line x1="${x}" y1="${top}" x2="${x}" y2="${height - 24}" stroke="#ddd"/><text x="${
        x - 8
      }" y="${height - 10}">${ratio}×</text>`,
    );
  }
  ids.forEach((id, i) => {
    const y = top + i * (bars * bar + gap);
    const row = runs.flatMap((r) => r.rows).find((row) => row.id === id)!;
    out.push(`<text x="8" y="${y + (bars * bar) / 2 + 4}">${escape(row.what)}</text>`);
    runs.forEach((run, r) =>
      sizes.forEach((n, s) => {
        const ratio = run.rows.find((row) => row.id === id && row.n === n)?.paired?.ratio;
        if (ratio === undefined) return;
        const k = r * sizes.length + s;
        out.push(
          `<rect x="${left}" y="${y + k * bar}" width="${scale(ratio) - left}" height="${
            bar - 1
          }" fill="${colors[k % colors.length]}"><title>${ratio.toFixed(2)}×</title></rect>`,
        );
      })
    );
    const t = scale(row.target!);
    out.push(`<line x1="${t}" y1="${y - 2}" x2="${t}" y2="${y + bars * bar + 1}" stroke="black"/>`);
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}

function processesLabel(runs: Results[]): string {
  const counts = new Set(
    runs.flatMap((r) => r.rows.map((row) => row.separate?.processes).filter(Boolean)),
  );
  return [...counts].join("/");
}

/**
 * The README's layout: one column per runtime and size, each row's paired ratio with its mark;
 * the library's rows first, then the peers' (the spreads are in the standard layout).
 */
function wide(runs: Results[]): string {
  const name = (run: Results) => run.runtime.split(" (")[0].replace(/ v(\d)/, " $1");
  const sizes = [...new Set(runs.flatMap((r) => r.rows.map((row) => row.n)))].sort((a, b) => a - b);
  const columns = runs.flatMap((run) => sizes.map((n) => ({ run, n })));
  const ids = [...new Set(runs.flatMap((r) => r.rows.map((row) => row.id)))];
  const table = (pick: (id: string) => boolean, withTarget: boolean) => {
    const out = [
      `| variant | against |${withTarget ? " target |" : ""} ${
        columns.map(({ run, n }) => `${name(run)}, N = ${n.toLocaleString("en")}`).join(" | ")
      } |`,
      `| --- | --- |${withTarget ? " ---: |" : ""} ${columns.map(() => "---:").join(" | ")} |`,
    ];
    for (const id of ids.filter(pick)) {
      const any = runs.flatMap((r) => r.rows).find((row) => row.id === id)!;
      const cells = columns.map(({ run, n }) => {
        const paired = run.rows.find((row) => row.id === id && row.n === n)?.paired;
        return paired === undefined ? "–" : `${x(paired.ratio)}${mark(paired.ratio, any.target)}`;
      });
      const target = any.target === undefined ? "" : `≤ ${any.target}×`;
      out.push(
        `| ${any.what} | ${any.against} |${withTarget ? ` ${target} |` : ""} ${
          cells.join(" | ")
        } |`,
      );
    }
    return out.join("\n");
  };
  const peer = (id: string) => id.startsWith("peer-");
  const parts = [table((id) => !peer(id), true)];
  if (ids.some(peer)) parts.push(table(peer, false));
  return parts.join("\n\n") + "\n";
}

/** A table of each library row's paired ratio before → after, per runtime and size. */
function compare(before: Results[], after: Results[]): string {
  const name = (run: Results) => run.runtime.split(" (")[0];
  const sizes = [...new Set(after.flatMap((r) => r.rows.map((row) => row.n)))].sort((a, b) =>
    a - b
  );
  const columns = after.flatMap((run) => sizes.map((n) => ({ run, n })));
  const out = [
    `\n### Before → after (${
      before.map((r) => `${name(r)}, ${r.date}`).join("; ")
    } → the runs above)\n`,
    `| variant | ${
      columns.map(({ run, n }) => `${name(run)}, N = ${n.toLocaleString("en")}`).join(" | ")
    } |`,
    `| --- | ${columns.map(() => "---:").join(" | ")} |`,
  ];
  const ids = [...new Set(after.flatMap((r) => r.rows.map((row) => row.id)))];
  for (const id of ids) {
    const any = after.flatMap((r) => r.rows).find((row) => row.id === id)!;
    if (any.target === undefined) continue;
    const cells = columns.map(({ run, n }) => {
      const earlier = before.find((r) => name(r) === name(run));
      const a = earlier?.rows.find((row) => row.id === id && row.n === n)?.paired;
      const b = run.rows.find((row) => row.id === id && row.n === n)?.paired;
      if (b === undefined) return "–";
      return a === undefined ? x(b.ratio) : `${x(a.ratio)} → ${x(b.ratio)}`;
    });
    out.push(`| ${any.what} | ${cells.join(" | ")} |`);
  }
  return out.join("\n") + "\n";
}

/**
 * Repeated runs of one runtime, build and work as one: each row's paired figures are those of
 * its median run (the lower middle one for an even count), and its spread becomes the lowest
 * and highest run's ratio. One run's rows move more from one run to the next than their own
 * spread says (the machine's state shifts between rows), so the tables are made from several.
 */
function merge(runs: Results[]): Results[] {
  const groups = new Map<string, Results[]>();
  for (const run of runs) {
    const key = `${run.runtime}|${run.lib}|${run.work}|${run.smoke}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [run]);
    else group.push(run);
  }
  return [...groups.values()].map((group) => {
    if (group.length === 1) return group[0];
    const rows: Row[] = [];
    const keys = new Set(group.flatMap((run) => run.rows.map((row) => `${row.id}@${row.n}`)));
    for (const key of keys) {
      const same = group.flatMap((run) => run.rows.filter((row) => `${row.id}@${row.n}` === key));
      const measured = same.filter((row) => row.paired !== undefined)
        .sort((a, b) => a.paired!.ratio - b.paired!.ratio);
      if (measured.length === 0) {
        rows.push(same[0]);
        continue;
      }
      const middle = measured[(measured.length - 1) >> 1];
      rows.push({
        ...middle,
        paired: {
          ...middle.paired!,
          p25: measured[0].paired!.ratio,
          p75: measured[measured.length - 1].paired!.ratio,
          pairs: measured.reduce((total, row) => total + row.paired!.pairs, 0),
        },
        runs: measured.length,
      });
    }
    const dates = [...new Set(group.map((run) => run.date))].join(", ");
    return { ...group[0], date: dates, rows };
  });
}

function runCounts(runs: Results[]): string {
  const counts = new Set(runs.flatMap((r) => r.rows.map((row) => row.runs ?? 1)));
  return [...counts].sort((a, b) => b - a).join("/");
}

async function main(): Promise<void> {
  if (args[0] === "--report") {
    const runs = merge(
      args.slice(1).filter((arg) => !arg.startsWith("--")).map((path) =>
        JSON.parse(readFileSync(path, "utf8")) as Results
      ),
    );
    process.stdout.write(args.includes("--wide") ? wide(runs) : report(runs));
    const before = flag("before");
    if (before !== undefined) {
      const earlier = merge(
        before.split(",").map((path) => JSON.parse(readFileSync(path, "utf8")) as Results),
      );
      process.stdout.write(compare(earlier, runs));
    }
    const svg = flag("chart");
    if (svg !== undefined) writeFileSync(svg, chart(runs));
    return;
  }
  if (gc === undefined) {
    throw new Error(
      "Cannot measure as gc is not exposed: run with --expose-gc (Deno: --v8-flags=--expose-gc)",
    );
  }
  const lib = flag("lib") ?? (isDeno ? "src" : "dist");
  const work = (flag("work") ?? "return") as Work;
  if (work !== "return" && work !== "await") {
    throw new TypeError(`Cannot measure as '--work' must be "return" or "await": it is ${work}`);
  }
  const library = await loadLib(lib);
  if (args.includes("--child")) {
    const side = flag("side");
    if (side !== "baseline" && side !== "variant") throw new TypeError("Unknown --side");
    return child(library, flag("id")!, side, Number(flag("n")), work);
  }
  const method = flag("method") ?? "both";
  const sizes = SMOKE ? [100] : (flag("sizes") ?? "1000,100000").split(",").map(Number);
  const only = flag("only")?.split(",");
  const gatherLimit = await gatherHasLimit(library);
  if (!gatherLimit) console.error("gather ignores `limit`: its limited row is skipped");

  const results: Results = {
    runtime: runtime(),
    lib: lib === "src" ? "the .ts sources" : "the npm build (dist/)",
    cpu: `${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores`,
    date: new Date().toISOString().slice(0, 10),
    work,
    smoke: SMOKE,
    rows: [],
  };
  const peers = args.includes("--peers");
  if (peers && !(await peersInstalled())) {
    throw new Error("Cannot measure the peers: run `npm run bench:peers:install` first");
  }
  for (const n of sizes) {
    const list = workloads(library, n, work, gatherLimit);
    if (peers) list.push(...await peerWorkloads(n, work));
    for (const workload of list) {
      if (only !== undefined && !only.includes(workload.id)) continue;
      await check(workload, n);
      const row: Row = {
        id: workload.id,
        n,
        what: workload.what,
        against: workload.against,
        target: workload.target,
      };
      if (method !== "separate") row.paired = await measurePaired(workload, n);
      if (method !== "paired") row.separate = measureSeparate(workload, n, work, lib);
      const shown = row.separate ?? row.paired!;
      console.error(
        `${workload.id.padEnd(20)} N=${String(n).padEnd(7)} ${
          row.paired ? `paired ${x(row.paired.ratio)}` : ""
        } ${row.separate ? `separate ${x(row.separate.ratio)}` : ""}  peak ${
          mib(shown.baseline.peak)
        } → ${mib(shown.variant.peak)} MiB`,
      );
      results.rows.push(row);
    }
  }
  const json = flag("json");
  if (json !== undefined) {
    mkdirSync(dirname(json), { recursive: true });
    writeFileSync(json, JSON.stringify(results, null, 2) + "\n");
  }
  process.stdout.write(report([results]));
}

await main();
