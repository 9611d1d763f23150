// Copyright 2026 the @aio/tasks authors. MIT license.
// Finding repeated members (`_distinct.ts`): marks left on functions by earlier passes never
// count, a mark is invisible to the function's owner, and where an engine refuses the mark the
// answer is the same.
import assert from "node:assert/strict";
import process from "node:process";
import fc from "fast-check";
import { firstOccurrences, repeatsFunction } from "../_distinct.ts";
import { asCompleted, createTask, gather } from "../mod.ts";
import { describeRun, library, runProgram } from "./_process.ts";

// The answers a Set gives, to compare with.
function expectedFirsts(list: readonly unknown[]): number[] | undefined {
  const seen = new Set<unknown>();
  const firsts: number[] = [];
  list.forEach((item, i) => {
    if (!seen.has(item)) firsts.push(i), seen.add(item);
  });
  return firsts.length === list.length ? undefined : firsts;
}

function expectedRepeat(list: readonly unknown[]): boolean {
  const functions = list.filter((item) => typeof item === "function");
  return new Set(functions).size < functions.length;
}

Deno.test("firstOccurrences and repeatsFunction answer as a Set would, pass after pass over the same objects", () => {
  // Functions of every kind and objects, some frozen, shared by all passes: each pass leaves
  // its marks on them for the next to ignore.
  const pool: unknown[] = [
    () => 1,
    function named() {},
    async () => {},
    class {},
    (() => {}).bind(null),
    Object.freeze(() => 2),
    new Proxy(() => 3, {}),
    {},
    Object.freeze({}),
    Promise.resolve(),
    createTask(() => 4),
  ];
  fc.assert(
    fc.property(
      fc.array(fc.array(fc.nat(pool.length - 1), { maxLength: 12 }), {
        minLength: 1,
        maxLength: 8,
      }),
      (passes) => {
        for (const indexes of passes) {
          const list = indexes.map((i) => pool[i]);
          assert.deepEqual(firstOccurrences(list), expectedFirsts(list));
          assert.equal(repeatsFunction(list), expectedRepeat(list));
        }
      },
    ),
  );
});

Deno.test("Finding a repeated function reads nothing of it: a proxy whose every trap throws is called once", async () => {
  let calls = 0;
  const hostile = new Proxy(() => ++calls, {
    get() {
      throw new Error("get");
    },
    set() {
      throw new Error("set");
    },
    has() {
      throw new Error("has");
    },
    deleteProperty() {
      throw new Error("deleteProperty");
    },
    getOwnPropertyDescriptor() {
      throw new Error("getOwnPropertyDescriptor");
    },
    defineProperty() {
      throw new Error("defineProperty");
    },
    ownKeys() {
      throw new Error("ownKeys");
    },
    getPrototypeOf() {
      throw new Error("getPrototypeOf");
    },
    isExtensible() {
      throw new Error("isExtensible");
    },
    preventExtensions() {
      throw new Error("preventExtensions");
    },
  });
  assert.deepEqual(await gather([hostile, hostile]), [1, 1]);
  assert.equal(calls, 1);
  const completed: unknown[] = [];
  for await (const task of asCompleted([hostile, hostile])) completed.push(await task);
  assert.deepEqual(completed, [2]);
});

Deno.test("A function keeps exactly its own properties after being given to gather and asCompleted", async () => {
  const fn = Object.assign(() => 5, { label: "five" });
  const keys = Reflect.ownKeys(fn);
  await gather([fn, fn]);
  for await (const _ of asCompleted([fn, fn])) { /* drained */ }
  assert.deepEqual(Reflect.ownKeys(fn), keys);
  assert.equal(Object.isExtensible(fn), true);
});

// V8 knows this flag from 14 on (Node 26, Deno 2.9); older engines refuse to start with it.
const v8Major = Number(process.versions.v8.split(".")[0]);

Deno.test({
  name:
    "Where the engine refuses a mark on a frozen function, a function given twice still runs once",
  ignore: !(v8Major >= 14),
  async fn() {
    const run = await runProgram(
      `
import { asCompleted, gather } from ${JSON.stringify(library)};
let calls = 0;
const frozen = Object.freeze(() => ++calls);
const other = Object.freeze(() => "other");
// The engine really refuses: otherwise this test would not test the fallback.
class Identity { constructor(o) { return o; } }
class Mark extends Identity { #x = 1; }
let refused = false;
try { new Mark(Object.freeze(() => {})); } catch { refused = true; }
const results = await gather([frozen, other, frozen]);
const order = [];
for await (const task of asCompleted([frozen, other, frozen, other])) order.push(await task);
console.log(JSON.stringify({ refused, results, calls, order }));
`,
      ["--js-nonextensible-applies-to-private"],
    );
    assert.equal(run.code, 0, describeRun(run));
    assert.deepEqual(JSON.parse(run.stdout), {
      refused: true,
      results: [1, "other", 1],
      calls: 2,
      order: [2, "other"],
    });
  },
});
