// Copyright 2026 the @aio/tasks authors. MIT license.
// Turns `deno bench --json` output into the README's table and chart.
//   deno bench --json bench/ > .bench/results.json
//   deno run --allow-read --allow-write bench/report.ts .bench/results.json bench/chart.svg
// Prints a Markdown table of each bench's time relative to its group's baseline, the scaling of
// per-item time from N = 1 000 to N = 100 000, and writes an SVG bar chart of the ratios.

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

const [input, output] = Deno.args;
if (!input) throw new TypeError("Cannot make the report as no input file was given");
const report: Report = JSON.parse(await Deno.readTextFile(input));

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

// Per-item time at the largest N over the smallest, for every bench measured at several sizes.
const bySize = Map.groupBy(
  report.benches.filter((b) => !Number.isNaN(sizeOf(b.name))),
  (b) => stem(b.name),
);
console.log("\n| bench | per item, small N | per item, large N | growth |");
console.log("| --- | ---: | ---: | ---: |");
for (const [name, benches] of bySize) {
  if (benches.length < 2) continue;
  benches.sort((a, b) => sizeOf(a.name) - sizeOf(b.name));
  const small = benches[0], large = benches.at(-1)!;
  const perSmall = avg(small) / sizeOf(small.name), perLarge = avg(large) / sizeOf(large.name);
  console.log(
    `| ${name} | ${fmtTime(Math.round(perSmall))} | ${fmtTime(Math.round(perLarge))} | ${
      (perLarge / perSmall).toFixed(2)
    }× |`,
  );
}

if (output) {
  const barH = 22,
    gap = 6,
    left = 330,
    width = 760,
    scaleMax = Math.max(3, ...rows.map((r) => r.ratio));
  const x = (ratio: number) => left + (ratio / scaleMax) * (width - left - 60);
  const height = 60 + rows.length * (barH + gap);
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const bars = rows.map((r, i) => {
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
