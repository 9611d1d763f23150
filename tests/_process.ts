// Copyright 2026 the @aio/tasks authors. MIT license.
// Short programs in a child process of the runtime running the tests (Deno, or Node through
// tests/node/), against the same build of the library the tests use: for what only a whole
// program shows, such as the report of an uncaught error or the end of a program.
import { spawn } from "node:child_process";
import process from "node:process";

/** Whether the tests run on Deno (otherwise on Node, compiled by tests/node/build.mjs). */
export const isDeno = typeof (process.versions as { deno?: string }).deno === "string";

/** The library the tests use: the sources on Deno, the npm build next to the compiled tests on Node. */
export const library =
  new URL(import.meta.url.endsWith(".ts") ? "../mod.ts" : "../mod.js", import.meta.url)
    .href;

/** How a child process ended and what it printed. */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs an ES module given as source text in a fresh process of this runtime, with gc exposed
 * and any further V8 flags given (`"--name"`).
 */
export function runProgram(source: string, v8Flags: string[] = []): Promise<Run> {
  const args = isDeno
    ? ["eval", "--no-config", "--no-lock", `--v8-flags=${["--expose-gc", ...v8Flags]}`, source]
    : ["--expose-gc", ...v8Flags, "--input-type=module", "-e", source];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => stdout += chunk);
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => stderr += chunk);
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A run's exit code and output, for assertion messages. */
export function describeRun(run: Run): string {
  return `exit code ${run.code}\n--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}`;
}
