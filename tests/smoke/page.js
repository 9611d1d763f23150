// Copyright 2026 the @aio/tasks authors. MIT license.
// The smoke scenarios in a browser page, against the npm build served at /dist/ by browser.mjs.
// The results end up in `globalThis.smokeResults` and in the page's text.
import { runScenarios } from "./scenarios.js";

const names = ["mod", "task", "group", "wait", "timeout", "errors"];
const log = document.getElementById("log");
try {
  const loaded = await Promise.all(names.map((name) => import(`/dist/${name}.js`)));
  const modules = Object.fromEntries(names.map((name, i) => [name, loaded[i]]));
  globalThis.smokeResults = await runScenarios(modules, (line) => log.append(line + "\n"));
} catch (error) {
  globalThis.smokeResults = [{ name: "load the npm build", ok: false, error: String(error) }];
}
