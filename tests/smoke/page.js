// Copyright 2026 the @aio/tasks authors. MIT license.
// The smoke scenarios in a browser page, against the npm build served at /dist/ by browser.mjs.
// The results end up in `globalThis.smokeResults` and in the page's text.
// Then it shows a task group's failure in the console, logged and uncaught, for browser.mjs to
// read (page.on("console"), page.on("pageerror")).
import { failingGroup, runScenarios } from "./scenarios.js";

const names = ["mod", "task", "group", "wait", "timeout", "errors", "introspect", "testing"];
const log = document.getElementById("log");
try {
  const loaded = await Promise.all(names.map((name) => import(`/dist/${name}.js`)));
  const modules = Object.fromEntries(names.map((name, i) => [name, loaded[i]]));
  const results = await runScenarios(modules, (line) => log.append(line + "\n"));
  console.error(await failingGroup(modules.mod, "logged").catch((error) => error));
  // Left uncaught on purpose: the browser reports it.
  failingGroup(modules.mod, "uncaught");
  await new Promise((resolve) => setTimeout(resolve, 100));
  globalThis.smokeResults = results;
} catch (error) {
  globalThis.smokeResults = [{ name: "load the npm build", ok: false, error: String(error) }];
}
