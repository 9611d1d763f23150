// Copyright 2026 the @aio/tasks authors. MIT license.
// @aio/tasks from plain JavaScript on Node 22+, against the npm build. It serves a small API on
// 127.0.0.1 itself (no other network), fetches from it with a task group, a time limit and
// `except*`, shows what a failure looks like, and ends by itself.
//
//   npm ci && npm run demo:node      (builds dist/ first, then: node examples/node.mjs)
//
// In your own project, after `npm install @aio/tasks`, import from "@aio/tasks" instead.
import { createServer } from "node:http";
import { ExceptionGroup, taskGroup, timeout, TimeoutError } from "../dist/mod.js";

// /item/<id> answers after 10 + id × 10 ms; /slow takes 10 seconds.
const server = createServer((request, response) => {
  const [, kind, id] = request.url.split("/");
  const ms = kind === "slow" ? 10_000 : 10 + Number(id) * 10;
  const timer = setTimeout(() => {
    response.end(JSON.stringify({ id: Number(id), price: Number(id) * 2.5 }));
  }, ms);
  request.on("close", () => clearTimeout(timer));
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}`;

// The task function's signal goes to fetch: that is how cancellation reaches the request.
async function getItem(path, signal) {
  const response = await fetch(`${base}${path}`, { signal });
  return await response.json();
}

try {
  // 1. Six items, at most three requests at once, within two seconds.
  const tasks = await timeout(2_000, (scope) =>
    taskGroup((tg) => {
      return [1, 2, 3, 4, 5, 6].map((id) =>
        tg.createTask((signal) => getItem(`/item/${id}`, signal), { name: `item-${id}` })
      );
    }, { limit: 3, signal: scope.signal, name: "catalogue" }));
  const items = tasks.map((task) => task.result());
  console.log("1. prices:", items.map((item) => item.price).join(", "));

  // 2. A time limit per request with the platform's AbortSignal.timeout(): its error is
  //    `instanceof TimeoutError`, so split(TimeoutError) sorts it out (`except* TimeoutError`).
  try {
    await taskGroup((tg) => {
      tg.createTask((signal) => getItem("/item/2", signal), { name: "item-2" });
      tg.createTask(
        (signal) => getItem("/slow", AbortSignal.any([signal, AbortSignal.timeout(50)])),
        { name: "slow" },
      );
    }, { name: "with-deadlines" });
  } catch (error) {
    if (!(error instanceof ExceptionGroup)) throw error;
    const [timeouts, rest] = error.split(TimeoutError);
    if (rest) throw rest;
    console.log(`2. gave up on ${timeouts.errors.length} slow request`);
  }

  // 3. What a person sees when a group fails and is logged (or left uncaught): the group, the
  //    number of errors, and each error with the task that raised it.
  const failure = await taskGroup((tg) => {
    tg.createTask(() => JSON.parse("{oops"), { name: "parse-config" });
    tg.createTask(() => JSON.parse("[1,"), { name: "parse-users" });
    tg.createTask((signal) => getItem("/item/3", signal), { name: "item-3" });
  }, { name: "startup" }).catch((error) => error);
  console.log("3.", failure);
} finally {
  server.close();
}
