// Copyright 2026 the @aio/tasks authors. MIT license.
// Runs the smoke scenarios in headless Chromium: serves dist/ (node npm/build.mjs) and this
// folder on 127.0.0.1, opens the page with playwright-core and prints what it reports.
// Usage: node tests/smoke/browser.mjs   (needs Chromium: apt-get install chromium, or set
// CHROMIUM to its path)
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { summaryOf } from "./scenarios.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const folders = { "/dist/": join(root, "dist"), "/smoke/": here };
const types = { ".html": "text/html", ".js": "text/javascript", ".json": "application/json" };

const server = createServer((request, response) => {
  const path = normalize(decodeURIComponent(new URL(request.url, "http://x").pathname));
  const prefix = Object.keys(folders).find((prefix) => path.startsWith(prefix));
  try {
    if (prefix === undefined) throw new Error("not served");
    const body = readFileSync(join(folders[prefix], path.slice(prefix.length) || "index.html"));
    response.writeHead(200, { "content-type": types[extname(path)] ?? "text/html" });
    response.end(body);
  } catch {
    response.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const { port } = server.address();

let failed = 1;
let browser;
try {
  // launch() gives the browser a fresh, temporary profile.
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  const page = await browser.newPage();
  // What a person sees in the console, checked below: the page logs a task group's failure and
  // leaves another one uncaught (page.js).
  const logged = [];
  const uncaught = [];
  page.on("pageerror", (error) => {
    uncaught.push(error.stack ?? "");
    console.log(`page error: ${error.stack}`);
  });
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    logged.push(message.text());
    console.log(`console.error: ${message.text()}`);
  });
  await page.goto(`http://127.0.0.1:${port}/smoke/index.html`);
  await page.waitForFunction(() => globalThis.smokeResults !== undefined, null, {
    timeout: 120_000,
  });
  const results = await page.evaluate(() => globalThis.smokeResults);
  const seen = (texts, what) =>
    texts.some((text) =>
      text.startsWith("ExceptionGroup: unhandled errors in a TaskGroup\n") &&
      text.includes(`at ${what} (`)
    );
  for (
    const [name, texts, what] of [
      ["console.error(eg) shows the group, the count and each task", logged, summaryOf("logged")],
      ["an uncaught ExceptionGroup shows the same", uncaught, summaryOf("uncaught")],
    ]
  ) {
    const ok = seen(texts, what);
    results.push({ name: `Chromium's console: ${name}`, ok, error: ok ? "" : `no ${what}` });
  }
  for (const result of results) {
    console.log(
      result.ok ? `ok      ${result.name}` : `FAILED  ${result.name}\n        ${result.error}`,
    );
  }
  failed = results.filter((result) => !result.ok).length;
  console.log(
    `chromium ${browser.version()}: ${results.length - failed} passed | ${failed} failed`,
  );
} catch (error) {
  console.log(`error: ${error.message}`);
} finally {
  await browser?.close();
  server.close();
}
process.exit(failed > 0 ? 1 : 0);
