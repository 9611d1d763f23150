// Copyright 2026 the @aio/tasks authors. MIT license.
import assert from "node:assert/strict";
import { linkCount, offAbort, onAbort } from "../_link.ts";
import { countListeners } from "./_fixtures.ts";

Deno.test("onAbort() adds one listener however many links a signal has", () => {
  const controller = new AbortController();
  const listeners = countListeners(controller.signal);
  const links = Array.from({ length: 100 }, () => onAbort(controller.signal, () => {}));
  assert.equal(listeners(), 1);
  for (const link of links.slice(0, 99)) offAbort(link);
  assert.equal(listeners(), 1);
  offAbort(links[99]!);
  assert.equal(listeners(), 0);
});

Deno.test("onAbort() calls every link once with the reason, in the order they were made", () => {
  const controller = new AbortController();
  const listeners = countListeners(controller.signal);
  const calls: [string, unknown][] = [];
  onAbort(controller.signal, (reason) => calls.push(["a", reason]));
  const removed = onAbort(controller.signal, (reason) => calls.push(["removed", reason]));
  onAbort(controller.signal, (reason) => calls.push(["c", reason]));
  offAbort(removed);
  const reason = new Error("why");
  controller.abort(reason);
  assert.deepEqual(calls, [["a", reason], ["c", reason]]);
  assert.equal(listeners(), 0);
  controller.abort("again");
  assert.equal(calls.length, 2);
});

Deno.test("onAbort() counts its links per signal until each is removed", () => {
  const controller = new AbortController();
  const link = onAbort(controller.signal, () => {});
  assert.equal(linkCount(controller.signal), 1);
  offAbort(link);
  assert.equal(linkCount(controller.signal), 0);
});

Deno.test("onAbort() calls a function linked twice twice", () => {
  const controller = new AbortController();
  let calls = 0;
  const fn = () => calls++;
  onAbort(controller.signal, fn);
  onAbort(controller.signal, fn);
  controller.abort();
  assert.equal(calls, 2);
});

Deno.test("onAbort() keeps separate signals apart", () => {
  const a = new AbortController();
  const b = new AbortController();
  const countA = countListeners(a.signal);
  const countB = countListeners(b.signal);
  const log: string[] = [];
  onAbort(a.signal, () => log.push("a"));
  const linkB = onAbort(b.signal, () => log.push("b"));
  a.abort();
  assert.deepEqual(log, ["a"]);
  assert.equal(countA(), 0);
  assert.equal(countB(), 1);
  offAbort(linkB);
  assert.equal(countB(), 0);
});

Deno.test("onAbort() starts afresh after the last link of a signal is removed", () => {
  const controller = new AbortController();
  const listeners = countListeners(controller.signal);
  offAbort(onAbort(controller.signal, () => {}));
  assert.equal(listeners(), 0);
  let called = false;
  onAbort(controller.signal, () => called = true);
  assert.equal(listeners(), 1);
  controller.abort();
  assert.equal(called, true);
  assert.equal(listeners(), 0);
});

Deno.test("offAbort() is harmless on a removed link and after the signal aborted", () => {
  const controller = new AbortController();
  const listeners = countListeners(controller.signal);
  const link = onAbort(controller.signal, () => {});
  const other = onAbort(controller.signal, () => {});
  offAbort(link);
  offAbort(link);
  assert.equal(listeners(), 1);
  controller.abort();
  offAbort(other);
  assert.equal(listeners(), 0);
});

Deno.test("offAbort() during the abort removes a link not told yet: it is never told", () => {
  const controller = new AbortController();
  const log: string[] = [];
  const links: ReturnType<typeof onAbort>[] = [];
  onAbort(controller.signal, () => {
    log.push("first");
    offAbort(links[0]!);
  });
  links.push(onAbort(controller.signal, () => log.push("second")));
  onAbort(controller.signal, () => log.push("third"));
  controller.abort();
  // The second link's owner is done with it before its turn came.
  assert.deepEqual(log, ["first", "third"]);
});

Deno.test("onAbort() calls back at once for a signal that aborted already, adding no listener", () => {
  const controller = new AbortController();
  const listeners = countListeners(controller.signal);
  const reason = new Error("over already");
  controller.abort(reason);
  const told: unknown[] = [];
  const link = onAbort(controller.signal, (r) => told.push(r));
  assert.deepEqual(told, [reason]);
  assert.equal(link, undefined);
  assert.equal(listeners(), 0);
  assert.equal(linkCount(controller.signal), 0);
  offAbort(link);
  assert.deepEqual(told, [reason]);
});
