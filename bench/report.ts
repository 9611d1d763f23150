// Copyright 2026 the @aio/tasks authors. MIT license.
// Turns `deno bench --json` output into the README's table and chart.
//   deno bench --json bench/gather_bench.ts > .bench/gather.json   (one process per file keeps
//   one bench's garbage from weighing on the next)
//   deno run --allow-read --allow-write bench/report.ts .bench/*.json bench/chart.svg
// Prints a Markdown table of each bench's time relative to its group's baseline, the growth of
// per-item time from the smallest to the largest N (next to the baseline's own growth), and
// writes an SVG bar chart of the ratios when the last argument ends in .svg.

interface Bench {
  group?: string;
  name: string;
  baseline?: boolean;
  results: { ok?: { avg: number } }[];
}
interface Report {
  runtime: string;
  cpu: string;
  benches: Bench[];
}

const output = Deno.args.at(-1)?.endsWith(".svg") ? Deno.args.at(-1) : undefined;
const inputs = output === undefined ? Deno.args : Deno.args.slice(0, -1);
if (inputs.length === 0) throw new TypeError("Cannot make the report as no input file was given");
const reports: Report[] = await Promise.all(
  inputs.map(async (path) => JSON.parse(await Deno.readTextFile(path))),
);
const report: Report = { ...reports[0], benches: reports.flatMap((r) => r.benches) };

const avg = (b: Bench) => b.results[0]?.ok?.avg ?? NaN; // nanoseconds
const sizeOf = (name: string) => Number(/\(N=(\d+)\)/.exec(name)?.[1] ?? NaN);
const stem = (name: string) => name.replace(/\s*\(N=\d+\)/, "");

interface Row {
  group: string;
  name: string;
  baseline: string;
  ratio: number;
  ns: number;
}
const rows: Row[] = [];
const groups = Map.groupBy(report.benches, (b) => b.group ?? b.name);
for (const [group, benches] of groups) {
  const base = benches.find((b) => b.baseline);
  if (base === undefined) continue;
  for (const b of benches) {
    if (b === base) continue;
    rows.push({ group, name: b.name, baseline: base.name, ratio: avg(b) / avg(base), ns: avg(b) });
  }
}

const fmtTime = (ns: number) =>
  ns >= 1e6
    ? `${(ns / 1e6).toFixed(2)} ms`
    : ns >= 1e3
    ? `${(ns / 1e3).toFixed(1)} µs`
    : `${ns} ns`;
console.log(`${report.cpu}, ${report.runtime}, ${new Date().toISOString().slice(0, 10)}\n`);
console.log("| bench | baseline | time | ratio to baseline |");
console.log("| --- | --- | ---: | ---: |");
for (const r of rows) {
  console.log(`| ${r.name} | ${r.baseline} | ${fmtTime(r.ns)} | ${r.ratio.toFixed(2)}× |`);
}

// Per-item time at the largest N over the smallest, for every bench measured at several sizes,
// beside the growth of its group's baseline: at N = 100 000 every promise outlives several
// young-generation collections, so even the raw baseline's per-item time grows.
const growthOf = (benches: Bench[]) => {
  const sorted = benches.toSorted((a, b) => sizeOf(a.name) - sizeOf(b.name));
  const small = sorted[0], large = sorted.at(-1)!;
  const perSmall = avg(small) / sizeOf(small.name), perLarge = avg(large) / sizeOf(large.name);
  return { perSmall, perLarge, growth: perLarge / perSmall };
};
const sized = report.benches.filter((b) => !Number.isNaN(sizeOf(b.name)));
const byStem = Map.groupBy(sized, (b) => stem(b.name));
const baselineOf = new Map(
  sized.filter((b) => b.baseline).map((b) => [stem(b.group ?? ""), stem(b.name)]),
);
console.log("\n| bench | per item, N=1000 | per item, N=100000 | growth | baseline's growth |");
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const [name, benches] of byStem) {
  if (benches.length < 2 || benches.some((b) => b.baseline)) continue;
  const { perSmall, perLarge, growth } = growthOf(benches);
  const base = byStem.get(baselineOf.get(stem(benches[0].group ?? "")) ?? "");
  const baseGrowth = base && base.length >= 2 ? `${growthOf(base).growth.toFixed(2)}×` : "";
  console.log(
    `| ${name} | ${fmtTime(Math.round(perSmall))} | ${fmtTime(Math.round(perLarge))} | ${
      growth.toFixed(2)
    }× | ${baseGrowth} |`,
  );
}

if (output) {
  // The chart shows this package's own benches; the peers' ratios (up to hundreds) are in the
  // table, where they do not flatten every other bar.
  const charted = rows.filter((r) => !r.group.startsWith("peers:"));
  const barH = 22, gap = 6, left = 330, width = 760;
  // The axis stops at 5×: a longer bar is drawn to the edge and labelled with its value.
  const scaleMax = Math.min(5, Math.max(3, ...charted.map((r) => r.ratio)));
  const x = (ratio: number) => left + (Math.min(ratio, scaleMax) / scaleMax) * (width - left - 60);
  const height = 60 + charted.length * (barH + gap);
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const bars = charted.map((r, i) => {
    const y = 40 + i * (barH + gap);
    const color = r.ratio <= 1 ? "#2a9d4b" : r.ratio <= 2 ? "#e0a100" : "#d1495b";
    return `<text x="${left - 8}" y="${y + 15}" text-anchor="end">${esc(r.name)}</text>` +
      `<rect x="${left}" y="${y}" width="${
        Math.max(1, x(r.ratio) - left)
      }" height="${barH}" fill="${color}"/>` +
      `<text x="${x(r.ratio) + 6}" y="${y + 15}">${r.ratio.toFixed(2)}×</text>`;
  }).join("\n");
  const one = x(1);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `font-family="system-ui, sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="20" font-size="14" font-weight="bold">Time relative to the raw-promise baseline (1× = same cost; lower is better)</text>
${bars}
<line x1="${one}" y1="30" x2="${one}" y2="${height - 10}" stroke="#333" stroke-dasharray="4 3"/>
<text x="${one + 4}" y="${height - 12}">1×</text>
</svg>
`;
  await Deno.writeTextFile(output, svg);
}
