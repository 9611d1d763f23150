// Copyright 2026 the @aio/tasks authors. MIT license.
// Smoke scenarios for the npm build, shared by Bun (bun_smoke.js) and the browser (page.js):
// every public function is called and its result checked. `modules` maps each entry point
// ("mod", "task", "group", "wait", "timeout", "errors", "introspect", "testing") to its imported
// namespace. A function
// that is missing fails its scenario: nothing here is skipped.

class AssertionError extends Error {
  name = "AssertionError";
}

function ok(value, message = "expected a truthy value") {
  if (!value) throw new AssertionError(message);
}

function show(value) {
  try {
    if (typeof value === "function") return `function ${value.name}`;
    return typeof value === "string" ? JSON.stringify(value) : String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function equal(actual, expected, what = "value") {
  if (!Object.is(actual, expected)) {
    throw new AssertionError(`Expected ${what} ${show(expected)}, got ${show(actual)}`);
  }
}

function deepEqual(actual, expected, what = "value") {
  const a = JSON.stringify(actual), e = JSON.stringify(expected);
  if (a !== e) throw new AssertionError(`Expected ${what} ${e}, got ${a}`);
}

// `expected` is an error class or a predicate.
function matches(error, expected) {
  return expected.prototype instanceof Error || expected === Error
    ? error instanceof expected
    : expected(error) === true;
}

function throws(fn, expected) {
  try {
    fn();
  } catch (error) {
    if (!matches(error, expected)) throw new AssertionError(`Unexpected error: ${show(error)}`);
    return error;
  }
  throw new AssertionError("Expected a throw");
}

async function rejects(promiseLike, expected) {
  try {
    await promiseLike;
  } catch (error) {
    if (!matches(error, expected)) throw new AssertionError(`Unexpected rejection: ${show(error)}`);
    return error;
  }
  throw new AssertionError("Expected a rejection");
}

// Bad input may throw at the call or reject: either is accepted.
function fails(fn, expected) {
  let result;
  try {
    result = fn();
  } catch (error) {
    return Promise.resolve(throws(() => {
      throw error;
    }, expected));
  }
  return rejects(result, expected);
}

function deferred() {
  const d = {};
  d.promise = new Promise((resolve, reject) => {
    d.resolve = resolve;
    d.reject = reject;
  });
  return d;
}

/**
 * A task group named `name` whose task "fetch-1" fails and whose task "fetch-2" runs a task
 * group "inner" whose task "parse" fails: shown by a scenario here, and in the browser's console
 * by page.js.
 */
export function failingGroup(mod, name) {
  return mod.taskGroup((tg) => {
    tg.createTask(() => Promise.reject(new TypeError("bad url")), { name: "fetch-1" });
    tg.createTask(
      () =>
        mod.taskGroup((inner) => {
          inner.createTask(() => Promise.reject(new SyntaxError("bad json")), { name: "parse" });
        }, { name: "inner" }),
      { name: "fetch-2" },
    );
  }, { name });
}

/** What the first stack frame of `failingGroup(mod, name)`'s ExceptionGroup says. */
export function summaryOf(name) {
  return `task group "${name}" failed with 2 errors: [1] task "fetch-1": TypeError: bad url; ` +
    `[2] task "fetch-2": ExceptionGroup [1 error in task group "inner"]`;
}

const SMOKE_SUMMARY = summaryOf("smoke");
const INNER_SUMMARY =
  'task group "inner" failed with 1 error: [1] task "parse": SyntaxError: bad json';

/** The scenarios, as `[name, async function]` pairs. */
export function scenarios(modules) {
  const m = modules.mod;
  const {
    asCompleted,
    CancelledError,
    createTask,
    ExceptionGroup,
    FIRST_COMPLETED,
    gather,
    InvalidStateError,
    shield,
    sleep,
    Task,
    taskGroup,
    timeout,
    timeoutAt,
    TimeoutError,
    wait,
    waitFor,
  } = m;
  const forever = (signal) => sleep(Infinity, { signal });
  return [
    ["entry points: every subpath re-exports what the main entry point exports", () => {
      const seen = new Set();
      for (const name of ["task", "group", "wait", "timeout", "errors", "introspect"]) {
        const names = Object.keys(modules[name]);
        ok(names.length > 0, `'${name}' exports nothing`);
        for (const key of names) {
          equal(modules[name][key], m[key], `mod.${key}`);
          seen.add(key);
        }
      }
      deepEqual(Object.keys(m).filter((key) => !seen.has(key)), [], "exports of mod only");
      // The testing helpers are apart: their own subpath only.
      deepEqual(Object.keys(modules.testing), ["assertNoLeakedTasks"], "exports of testing");
      ok(!("assertNoLeakedTasks" in m), "mod does not export the testing helpers");
      for (
        const name of [
          "createTask",
          "shield",
          "sleep",
          "gather",
          "wait",
          "asCompleted",
          "waitFor",
          "timeout",
          "timeoutAt",
          "taskGroup",
        ]
      ) equal(typeof m[name], "function", `typeof ${name}`);
    }],

    ["createTask() starts lazily in creation order and fulfils", async () => {
      const order = [];
      const a = createTask(() => order.push("a"), { name: "a" });
      const b = createTask(() => Promise.resolve(order.push("b")).then(() => 42));
      order.push("sync");
      equal(a.name, "a");
      ok(/^Task-\d+$/.test(b.name), `default name ${b.name}`);
      ok(b instanceof Task, "instanceof Task");
      equal(b.done(), false, "done() before start");
      throws(() => b.result(), InvalidStateError);
      equal(await b, 42);
      await a;
      deepEqual(order, ["sync", "a", "b"], "start order");
      equal(b.done(), true, "done()");
      equal(b.result(), 42, "result()");
      equal(b.exception(), undefined, "exception()");
      throws(() => createTask(42), (e) => e instanceof TypeError);
    }],

    ["Task.cancel() aborts the signal and the task ends cancelled", async () => {
      const task = createTask(forever);
      await sleep(0);
      equal(task.cancel("stop"), true, "first cancel()");
      equal(task.signal.aborted, true, "signal.aborted");
      const error = await rejects(task, CancelledError);
      ok(error instanceof DOMException, "a DOMException");
      equal(error.name, "AbortError");
      equal(error.message, "stop");
      equal(task.cancelled(), true, "cancelled()");
      throws(() => task.result(), CancelledError);
      throws(() => task.exception(), CancelledError);
      equal(task.cancel(), false, "cancel() when done");
      let called = false;
      const early = createTask(() => called = true);
      early.cancel();
      await rejects(early, CancelledError);
      equal(called, false, "function called");
    }],

    ["createTask() with a signal is cancelled when the parent aborts", async () => {
      const parent = new AbortController();
      const child = createTask(forever, { signal: parent.signal });
      await sleep(0);
      parent.abort(new Error("parent"));
      const error = await rejects(child, CancelledError);
      equal(error.cause?.message, "parent", "cause");
    }],

    ["Task.result() and Task.exception() give a failure", async () => {
      const boom = new Error("boom");
      const task = createTask(() => Promise.reject(boom));
      await rejects(task, (e) => e === boom);
      equal(task.exception(), boom, "exception()");
      throws(() => task.result(), (e) => e === boom);
      equal(task.cancelled(), false, "cancelled()");
    }],

    ["Task.addDoneCallback() calls back once each, in order, removable", async () => {
      const seen = [];
      const task = createTask(() => "v");
      const removed = () => seen.push("removed");
      task.addDoneCallback(removed);
      task.addDoneCallback(removed);
      task.addDoneCallback((t) => seen.push(`first ${t.result()}`));
      equal(task.removeDoneCallback(removed), 2, "removed registrations");
      const last = deferred();
      task.addDoneCallback(() => last.resolve());
      await last.promise;
      deepEqual(seen, ["first v"]);
    }],

    ["shield() cancels the outer task and leaves the inner work running", async () => {
      const inner = createTask(async () => {
        await sleep(5);
        return "inner";
      });
      const outer = shield(inner);
      equal(outer.cancel(), true, "cancel()");
      await rejects(outer, CancelledError);
      equal(inner.done(), false, "inner done()");
      equal(await inner, "inner");
      equal(await shield(() => "made"), "made");
    }],

    ["sleep() resolves, and rejects with the reason on abort", async () => {
      equal(await sleep(1), undefined);
      const controller = new AbortController();
      const long = sleep(60_000, { signal: controller.signal });
      controller.abort(new Error("stop"));
      await rejects(long, (e) => e.message === "stop");
      await fails(() => sleep(NaN), (e) => e instanceof RangeError);
    }],

    ["gather() keeps input order, fails fast, returns exceptions", async () => {
      const gathered = gather([
        () => 1,
        Promise.resolve("a"),
        createTask(() => Promise.resolve(true)),
      ]);
      ok(gathered instanceof Task, "a Task");
      deepEqual(await gathered, [1, "a", true]);
      deepEqual(await gather([]), []);
      const boom = new Error("boom");
      const failing = () => Promise.reject(boom);
      await rejects(gather([failing, () => sleep(1)]), (e) => e === boom);
      const results = await gather([failing, () => 2], { returnExceptions: true });
      equal(results[0], boom, "results[0]");
      equal(results[1], 2, "results[1]");
      const pending = createTask(forever);
      const all = gather([pending]);
      await sleep(0);
      all.cancel();
      await rejects(all, CancelledError);
      equal(pending.cancelled(), true, "member cancelled()");
      await fails(() => gather(42), (e) => e instanceof TypeError);
    }],

    ["wait() returns done and pending sets, never cancelling", async () => {
      const gate = deferred();
      const fast = createTask(() => gate.promise);
      const slow = createTask(forever);
      gate.resolve("fast");
      const [done, pending] = await wait([fast, slow], { returnWhen: FIRST_COMPLETED });
      ok(done instanceof Set && pending instanceof Set, "two sets");
      ok(done.has(fast) && done.size === 1, "done holds the fast task");
      ok(pending.has(slow) && pending.size === 1, "pending holds the slow task");
      const [none, still] = await wait([slow], { timeout: 5 });
      equal(none.size, 0, "done after timeout");
      ok(still.has(slow), "pending after timeout");
      equal(slow.done(), false, "slow done()");
      slow.cancel();
      const [all] = await wait([fast, slow]);
      equal(all.size, 2, "ALL_COMPLETED");
      equal(m.ALL_COMPLETED, "ALL_COMPLETED");
      equal(FIRST_COMPLETED, "FIRST_COMPLETED");
      equal(m.FIRST_EXCEPTION, "FIRST_EXCEPTION");
      await fails(() => wait([]), (e) => e instanceof TypeError);
    }],

    ["asCompleted() yields the members in completion order", async () => {
      const da = deferred(), db = deferred();
      const a = createTask(() => da.promise);
      const b = createTask(() => db.promise);
      const iterator = asCompleted([a, b])[Symbol.asyncIterator]();
      db.resolve("b");
      equal((await iterator.next()).value, b, "first");
      da.resolve("a");
      equal((await iterator.next()).value, a, "second");
      equal((await iterator.next()).done, true, "end");
      const [first] = [...asCompleted([Promise.resolve(1)])];
      equal(await first, 1, "plain form");
      const never = createTask(forever);
      await rejects(
        (async () => {
          for await (const _ of asCompleted([never], { timeout: 5 })) {
            throw new Error("nothing should complete");
          }
        })(),
        TimeoutError,
      );
      equal(never.done(), false, "nothing cancelled");
      never.cancel();
      await rejects(never, CancelledError);
    }],

    ["waitFor() returns in time, or cancels and throws TimeoutError", async () => {
      equal(await waitFor(createTask(() => Promise.resolve(7)), 1000), 7);
      equal(await waitFor(() => 8, null), 8);
      const slow = createTask(forever);
      await rejects(waitFor(slow, 5), TimeoutError);
      equal(slow.cancelled(), true, "cancelled()");
    }],

    ["timeout() ends the body's work with TimeoutError after the delay", async () => {
      equal(
        await timeout(1000, (scope) => {
          equal(typeof scope.when(), "number", "typeof when()");
          equal(scope.expired(), false, "expired()");
          return "in time";
        }),
        "in time",
      );
      let seen;
      const error = await rejects(
        timeout(5, (scope) => {
          seen = scope;
          return sleep(60_000, { signal: scope.signal });
        }),
        TimeoutError,
      );
      ok(error.cause instanceof CancelledError, "cause is a CancelledError");
      equal(seen.expired(), true, "expired()");
      throws(() => seen.reschedule(null), InvalidStateError);
      await timeout(null, (scope) => {
        equal(scope.when(), null, "when()");
        scope.reschedule(performance.now() + 1000);
        ok(scope.when() > performance.now(), "rescheduled");
      });
    }],

    ["timeoutAt() works on the performance.now() clock", async () => {
      await rejects(
        timeoutAt(performance.now() + 5, (scope) => sleep(60_000, { signal: scope.signal })),
        TimeoutError,
      );
      equal(
        await timeoutAt(performance.now() - 1, (scope) => {
          equal(scope.signal.aborted, true, "aborted at entry");
          return "finished anyway";
        }),
        "finished anyway",
      );
    }],

    ["taskGroup() runs at most 'limit' tasks at once and returns the body's value", async () => {
      let running = 0, peak = 0;
      const tasks = await taskGroup((tg) => {
        equal(typeof tg.name, "string", "typeof tg.name");
        equal(tg.signal.aborted, false, "tg.signal.aborted");
        return Array.from({ length: 6 }, (_, i) =>
          tg.createTask(async (signal) => {
            running++;
            peak = Math.max(peak, running);
            await sleep(1, { signal });
            running--;
            return i;
          }));
      }, { limit: 2 });
      deepEqual(tasks.map((t) => t.result()), [0, 1, 2, 3, 4, 5]);
      equal(peak, 2, "peak concurrency");
      await fails(() => taskGroup(() => {}, { limit: 0 }), (e) => e instanceof RangeError);
    }],

    ["taskGroup() cancels the others and throws an ExceptionGroup on failure", async () => {
      const boom = new Error("boom");
      let sibling;
      const error = await rejects(
        taskGroup((tg) => {
          sibling = tg.createTask(forever);
          tg.createTask(() => Promise.reject(boom));
        }),
        ExceptionGroup,
      );
      equal(error.errors.length, 1, "errors.length");
      equal(error.errors[0], boom, "errors[0]");
      equal(sibling.cancelled(), true, "sibling cancelled()");
      let group;
      equal(
        await taskGroup((tg) => {
          group = tg;
          tg.createTask(forever);
          tg.cancel();
          return "body";
        }),
        "body",
      );
      throws(() => group.createTask(() => 1), InvalidStateError);
    }],

    ["TimeoutError matches the platform's timeouts, and split() catches them", async () => {
      const signal = AbortSignal.timeout(1);
      const alive = setTimeout(() => {}, 10_000); // keeps a runtime's event loop busy
      const reason = await new Promise((resolve) => {
        signal.addEventListener("abort", () => resolve(signal.reason), { once: true });
      });
      clearTimeout(alive);
      ok(reason instanceof DOMException, "the reason is a DOMException");
      equal(reason.name, "TimeoutError", "reason.name");
      ok(reason instanceof TimeoutError, "AbortSignal.timeout() reason instanceof TimeoutError");
      ok(new DOMException("late", "TimeoutError") instanceof TimeoutError, "a DOMException");
      equal(new DOMException("stop", "AbortError") instanceof TimeoutError, false, "AbortError");
      equal(reason instanceof CancelledError, false, "instanceof CancelledError");
      equal(reason instanceof InvalidStateError, false, "instanceof InvalidStateError");
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      equal(proxy instanceof TimeoutError, false, "a revoked proxy");
      const error = await rejects(
        taskGroup((tg) => {
          tg.createTask(() => Promise.reject(reason), { name: "fetch" });
          tg.createTask(() => Promise.reject(new TypeError("bad")));
        }),
        ExceptionGroup,
      );
      const [timeouts, rest] = error.split(TimeoutError);
      equal(timeouts?.errors[0], reason, "the timeout side");
      ok(rest?.errors[0] instanceof TypeError, "the rest");
    }],

    [
      "taskGroup()'s ExceptionGroup names the group, the count and each task in its first frame",
      async () => {
        const error = await rejects(failingGroup(m, "smoke"), ExceptionGroup);
        equal(error.message, "unhandled errors in a TaskGroup", "message");
        const stack = String(error.stack);
        ok(stack.includes(SMOKE_SUMMARY), `the stack names the tasks:\n${stack}`);
        ok(
          String(error.errors[1].stack).includes(INNER_SUMMARY),
          `the nested group's stack names its task:\n${error.errors[1].stack}`,
        );
      },
    ],

    [
      "captureTaskTree() and formatTaskTree() show a group and its tasks while tracking is on",
      async () => {
        const { captureTaskTree, disableTaskTracking, enableTaskTracking, formatTaskTree } = m;
        deepEqual(captureTaskTree(), { tracking: false, roots: [] }, "the tree with tracking off");
        enableTaskTracking();
        try {
          const stop = new AbortController();
          const group = taskGroup((tg) => {
            for (const id of [1, 2, 3]) tg.createTask(forever, { name: `get-${id}` });
          }, { name: "fetch-all", limit: 2, signal: stop.signal });
          await sleep(1);
          const [root] = captureTaskTree().roots;
          deepEqual(
            [root.kind, root.name, root.limit, root.running, root.waiting],
            ["group", "fetch-all", 2, 2, 1],
            "the group",
          );
          const lines = formatTaskTree().split("\n");
          ok(/^group "fetch-all" \(2 of 3 running, limit 2, \d+ ms\)$/.test(lines[0]), lines[0]);
          ok(/^└─ task "get-3" waiting \d+ ms$/.test(lines[3]), lines[3]);
          stop.abort();
          await group.catch(() => {});
          deepEqual(captureTaskTree().roots, [], "the tree once settled");
        } finally {
          disableTaskTracking();
        }
      },
    ],

    ["assertNoLeakedTasks() passes settled work and reports a task left running", async () => {
      const { assertNoLeakedTasks } = modules.testing;
      await assertNoLeakedTasks(() => taskGroup((tg) => tg.createTask(() => sleep(1))));
      let leaked;
      const error = await rejects(
        assertNoLeakedTasks(() => {
          leaked = createTask(forever, { name: "left behind" });
        }),
        Error,
      );
      ok(/\ntask "left behind" running \d+ ms$/.test(error.message), error.message);
      leaked.cancel();
      await leaked.catch(() => {});
    }],

    ["ExceptionGroup.split() and subgroup() keep the structure", () => {
      const a = new TypeError("a"), b = new RangeError("b");
      const inner = new ExceptionGroup("inner", [b]);
      const group = new ExceptionGroup("outer", [a, inner]);
      ok(group instanceof AggregateError, "an AggregateError");
      equal(group.name, "ExceptionGroup");
      const [match, rest] = group.split(RangeError);
      ok(match instanceof ExceptionGroup, "match is a group");
      ok(match.errors[0] instanceof ExceptionGroup, "nesting kept");
      equal(match.errors[0].errors[0], b, "matched leaf");
      deepEqual(rest.errors.length, 1, "rest.errors.length");
      equal(rest.errors[0], a, "rest leaf");
      equal(group.subgroup(SyntaxError), undefined, "no match");
      equal(group.subgroup((e) => e === a).errors[0], a, "predicate");
      equal(new TimeoutError("late").name, "TimeoutError");
      equal(new InvalidStateError("bad").name, "InvalidStateError");
      ok(new CancelledError() instanceof Error, "instanceof Error");
    }],
  ];
}

/**
 * Runs every scenario, one at a time, each with a time limit, and returns the results as
 * `{ name, ok, error }` objects. `log` receives one line per scenario.
 */
export async function runScenarios(modules, log, limit = 10_000) {
  const results = [];
  for (const [name, fn] of scenarios(modules)) {
    let id;
    const late = new Promise((_, reject) => {
      id = setTimeout(() => reject(new Error(`Timed out after ${limit} ms`)), limit);
    });
    try {
      await Promise.race([fn(), late]);
      results.push({ name, ok: true });
      log(`ok      ${name}`);
    } catch (error) {
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      results.push({ name, ok: false, error: text });
      log(`FAILED  ${name}\n        ${text}`);
    } finally {
      clearTimeout(id);
    }
  }
  return results;
}
