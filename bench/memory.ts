// Copyright 2026 the @aio/tasks authors. MIT license.
// Memory per pending task in a task group: heap used after gc with N pending tasks, less the
// heap used before, divided by N. Runtime-neutral, like bench/ratio.ts:
//   deno task bench:memory                                   (Deno, the .ts sources)
//   node --expose-gc bench/memory.ts                         (Node 24, the npm build)
// BENCH_SMOKE=1 or --smoke: N = 1 000, the figures mean nothing.
//
// Three kinds of pending task: one that awaits a promise shared by all (the task alone), one
// that takes its signal and listens to it (the platform's AbortController and AbortSignal come
// with it), and one that sleeps on its signal (a timer too).
import process from "node:process";
import type * as Library from "../mod.ts";

const args = process.argv.slice(2);
const SMOKE = process.env.BENCH_SMOKE === "1" || args.includes("--smoke");
const isDeno = "Deno" in globalThis;
// The sources on Deno, the npm build (run `node npm/build.mjs` first) elsewhere, unless told.
const which = args.find((arg) => arg.startsWith("--lib="))?.slice("--lib=".length) ??
  (isDeno ? "src" : "dist");
const { sleep, taskGroup }: typeof Library = await import(
  new URL(which === "dist" ? "../dist/mod.js" : "../mod.ts", import.meta.url).href
);

const N = SMOKE ? 1_000 : 100_000;
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  throw new Error(
    "Cannot measure memory as gc is not exposed: run with --v8-flags=--expose-gc (Deno) or --expose-gc (Node)",
  );
}

function heapUsed(): number {
  for (let i = 0; i < 3; i++) gc!();
  return process.memoryUsage().heapUsed;
}

async function measure(
  name: string,
  fn: (signal: AbortSignal) => Promise<unknown>,
  done: () => void = () => {},
) {
  const before = heapUsed();
  let perTask = 0;
  const controller = new AbortController();
  await taskGroup(async (tg) => {
    for (let i = 0; i < N; i++) tg.createTask(fn);
    await sleep(0); // every task has started and is pending
    perTask = (heapUsed() - before) / N;
    tg.cancel();
    done();
  }, { signal: controller.signal });
  console.log(`${name.padEnd(44)} ${perTask.toFixed(0).padStart(6)} B per pending task`);
  return perTask;
}

const runtime = isDeno
  ? `Deno ${(globalThis as { Deno?: { version: { deno: string } } }).Deno!.version.deno}`
  : `Node ${process.versions.node}`;
console.log(
  `${N} pending tasks in one taskGroup, ${runtime} (heap after gc; target ≤ 1024 B per task)`,
);
// These tasks ignore their signal, so the group waits for them: the promise they share is
// settled once the measurement is taken.
let release!: () => void;
const shared = new Promise<void>((resolve) => release = resolve);
const alone = await measure("awaits a shared promise", () => shared, () => release());
const listening = await measure(
  "takes its signal and listens to it",
  (signal) =>
    new Promise((_, reject) => {
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    }),
);
await measure("sleeps on its signal", (signal) => sleep(Infinity, { signal }));

// What the platform itself costs for the same listening work, without any task: the part of the
// rows above that no task library can remove.
{
  const before = heapUsed();
  const controllers = Array.from({ length: N }, () => new AbortController());
  const promises = controllers.map(({ signal }) =>
    new Promise((_, reject) => {
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    })
  );
  const perItem = (heapUsed() - before) / N;
  for (const c of controllers) c.abort();
  await Promise.allSettled(promises);
  console.log(
    `${"no task: AbortController + listening promise".padEnd(44)} ${
      perItem.toFixed(0).padStart(6)
    } B per item`,
  );
  console.log(`the task's own share when it listens: ${(listening - perItem).toFixed(0)} B`);
}
if (SMOKE) console.log("(smoke run: small N, numbers are not meaningful)");
else if (alone > 1024) process.exitCode = 1;
