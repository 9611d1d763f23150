// Copyright 2026 the @aio/tasks authors. MIT license.
// The report of a failure nobody retrieved happens at garbage collection, so these tests force
// collections: run them with `--v8-flags=--expose-gc` (Deno) or `--expose-gc` (Node).
import assert from "node:assert/strict";
import { CancelledError } from "../errors.ts";
import { createTask, shield, type Task } from "../task.ts";
import { asCompleted, gather } from "../wait.ts";
import { deferred, flush, requireGc } from "./_fixtures.ts";

const REPORT = "Task exception was never retrieved";

/** Records console.error calls until disposed. */
function spyConsoleError(): { calls: unknown[][]; [Symbol.dispose](): void } {
  const calls: unknown[][] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => {
    calls.push(args);
  };
  return {
    calls,
    [Symbol.dispose]() {
      console.error = original;
    },
  };
}

let unique = 0;
function uniqueName(label: string): string {
  return `${label}-${++unique}-${Math.random().toString(36).slice(2)}`;
}

/** The reports among `calls` that name the task `name`. */
function reportsOf(calls: unknown[][], name: string): unknown[][] {
  return calls.filter((args) =>
    typeof args[0] === "string" && args[0].includes(REPORT) && args[0].includes(name)
  );
}

const turn = () => new Promise((resolve) => setTimeout(resolve, 10));

/**
 * Collects garbage until every ref is cleared and `until()` holds, then gives finalization
 * callbacks a few more turns. FinalizationRegistry callbacks run in a later task, hence the
 * timer turns between collections.
 */
async function collect(refs: WeakRef<object>[], until: () => boolean = () => true) {
  const gc = requireGc();
  for (let round = 0; round < 100; round++) {
    // deref() keeps its target alive until the current job ends: collect in a later one.
    await turn();
    gc();
    await turn();
    if (refs.every((ref) => ref.deref() === undefined) && until()) {
      for (let extra = 0; extra < 3; extra++) {
        gc();
        await turn();
      }
      return;
    }
  }
  throw new Error("The tasks were not garbage-collected within 100 collections");
}

/**
 * Makes a task with `make`, lets it settle with `after` applied, and keeps only a weak
 * reference, so that the task becomes unreachable.
 */
async function abandon(
  make: () => Task<unknown>,
  after: (task: Task<unknown>) => unknown = () => {},
): Promise<WeakRef<Task<unknown>>> {
  const ref = new WeakRef(make());
  await flush();
  await after(ref.deref()!);
  await flush();
  return ref;
}

/** A failed task nobody retrieves, as a control that the collection did happen. */
function control(error: unknown) {
  const name = uniqueName("control");
  return {
    name,
    abandon: () =>
      abandon(() =>
        createTask(() => {
          throw error;
        }, { name })
      ),
  };
}

Deno.test("Task reports a failure nobody retrieved once, with its name, when collected", async () => {
  requireGc();
  using spy = spyConsoleError();
  const error = new Error("lost failure");
  const name = uniqueName("lost");
  const ref = await abandon(() =>
    createTask(async () => {
      await Promise.resolve();
      throw error;
    }, { name })
  );
  assert.deepEqual(reportsOf(spy.calls, name), []);
  await collect([ref], () => reportsOf(spy.calls, name).length > 0);
  const reports = reportsOf(spy.calls, name);
  assert.equal(reports.length, 1);
  assert.equal(reports[0]![0], `${REPORT} (task ${JSON.stringify(name)})`);
  assert.equal(reports[0]![1], error);
});

Deno.test("Task reports a synchronous throw nobody retrieved and a default-named task", async () => {
  requireGc();
  using spy = spyConsoleError();
  const error = new TypeError("sync failure");
  let name = "";
  const ref = await abandon(() => {
    const task = createTask(() => {
      throw error;
    });
    name = task.name;
    return task;
  });
  assert.match(name, /^Task-\d+$/);
  await collect([ref], () => reportsOf(spy.calls, `"${name}"`).length > 0);
  const reports = reportsOf(spy.calls, `"${name}"`);
  assert.equal(reports.length, 1);
  assert.equal(reports[0]![1], error);
});

for (
  const [how, fn] of [
    ["thrown synchronously", () => {
      throw new Error("made inside");
    }],
    // deno-lint-ignore require-await -- the error must come from the function's synchronous part
    ["thrown by the synchronous part of an async function", async () => {
      throw new Error("made inside");
    }],
    ["rejected synchronously", () => Promise.reject(new Error("made inside"))],
  ] as const
) {
  Deno.test(`Task reports an error made inside its function and ${how}`, async () => {
    // The error's stack trace holds its frames' receivers: the task must not be one of them,
    // or the error held for the report would keep the task from ever being collected.
    requireGc();
    using spy = spyConsoleError();
    const name = uniqueName("inside");
    const ref = await abandon(() => createTask(fn, { name }));
    await collect([ref], () => reportsOf(spy.calls, name).length > 0);
    // The error went with the task (nothing else held it): its stack is shown as text.
    const reports = reportsOf(spy.calls, name);
    assert.equal(reports.length, 1);
    assert.match(String(reports[0]![0]), /never retrieved .*: Error: made inside\n\s+at /);
  });
}

Deno.test("Task reports a failure with a value that is not an Error", async () => {
  requireGc();
  using spy = spyConsoleError();
  const name = uniqueName("string-failure");
  const ref = await abandon(() => createTask(() => Promise.reject("just text"), { name }));
  await collect([ref], () => reportsOf(spy.calls, name).length > 0);
  const reports = reportsOf(spy.calls, name);
  assert.equal(reports.length, 1);
  assert.equal(reports[0]![1], "just text");
});

const retrievals: [string, (task: Task<unknown>) => unknown][] = [
  ["await", (task) => task.then(() => {}, () => {})],
  ["catch()", (task) => task.catch(() => {})],
  ["finally()", (task) => task.finally(() => {}).catch(() => {})],
  ["result()", (task) => assert.throws(() => task.result())],
  ["exception()", (task) => assert.ok(task.exception() instanceof Error)],
  ["addDoneCallback()", (task) => task.addDoneCallback(() => {})],
];

for (const [how, retrieve] of retrievals) {
  Deno.test(`Task does not report a failure retrieved with ${how}`, async () => {
    requireGc();
    using spy = spyConsoleError();
    const name = uniqueName(how);
    const ref = await abandon(() =>
      createTask(async () => {
        await Promise.resolve();
        throw new Error("retrieved");
      }, { name }), retrieve);
    const check = control(new Error("control"));
    const controlRef = await check.abandon();
    await collect([ref, controlRef], () => reportsOf(spy.calls, check.name).length > 0);
    assert.equal(reportsOf(spy.calls, check.name).length, 1);
    assert.deepEqual(reportsOf(spy.calls, name), []);
  });
}

Deno.test("Task does not report a failure retrieved before it failed", async () => {
  requireGc();
  using spy = spyConsoleError();
  const name = uniqueName("early-retrieval");
  const gate = deferred<void>();
  const ref = await abandon(() => {
    const task = createTask(async () => {
      await gate.promise;
      throw new Error("later");
    }, { name });
    task.then(undefined, () => {});
    return task;
  });
  gate.resolve();
  await flush();
  const check = control(new Error("control"));
  const controlRef = await check.abandon();
  await collect([ref, controlRef], () => reportsOf(spy.calls, check.name).length > 0);
  assert.deepEqual(reportsOf(spy.calls, name), []);
});

const cancellations: [string, () => Task<unknown>][] = [
  ["before it started", () => {
    const task = createTask(() => 1);
    task.cancel();
    return task;
  }],
  ["while it ran", () => {
    const task = createTask((signal) =>
      new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)))
    );
    queueMicrotask(() => task.cancel());
    return task;
  }],
  ["by throwing a CancelledError", () =>
    createTask(() => {
      throw new CancelledError("self");
    })],
  ["by an aborted parent signal", () => createTask(() => 1, { signal: AbortSignal.abort() })],
];

for (const [how, make] of cancellations) {
  Deno.test(`Task does not report a cancellation ${how}`, async () => {
    requireGc();
    using spy = spyConsoleError();
    const name = uniqueName("cancelled");
    const ref = await abandon(() => {
      const task = make();
      task.name = name;
      return task;
    });
    assert.equal(ref.deref()?.cancelled(), true);
    const check = control(new Error("control"));
    const controlRef = await check.abandon();
    await collect([ref, controlRef], () => reportsOf(spy.calls, check.name).length > 0);
    assert.deepEqual(reportsOf(spy.calls, name), []);
    assert.equal(spy.calls.filter((args) => String(args[0]).includes(REPORT)).length, 1);
  });
}

Deno.test("shield() counts the inner failure as retrieved once the outer task was cancelled", async () => {
  requireGc();
  using spy = spyConsoleError();
  const innerName = uniqueName("shielded-inner");
  const outerName = uniqueName("shielded-outer");
  const gate = deferred<void>();
  let outerRef: WeakRef<Task<unknown>> | undefined;
  const innerRef = await abandon(() => {
    const inner = createTask(async () => {
      await gate.promise;
      throw new Error("inner failed after the outer task was cancelled");
    }, { name: innerName });
    const outer = shield(inner);
    outer.name = outerName;
    outer.cancel();
    outerRef = new WeakRef(outer);
    return inner;
  });
  gate.resolve();
  await flush();
  assert.equal(innerRef.deref()?.done(), true);
  const check = control(new Error("control"));
  const controlRef = await check.abandon();
  await collect(
    [innerRef, outerRef!, controlRef],
    () => reportsOf(spy.calls, check.name).length > 0,
  );
  assert.deepEqual(reportsOf(spy.calls, innerName), []);
  assert.deepEqual(reportsOf(spy.calls, outerName), []);
});

Deno.test("shield() reports an unretrieved failure it follows once", async () => {
  requireGc();
  using spy = spyConsoleError();
  const innerName = uniqueName("followed-inner");
  const outerName = uniqueName("followed-outer");
  const error = new Error("nobody looked");
  let outerRef: WeakRef<Task<unknown>> | undefined;
  const innerRef = await abandon(() => {
    const inner = createTask(async () => {
      await Promise.resolve();
      throw error;
    }, { name: innerName });
    const outer = shield(inner);
    outer.name = outerName;
    outerRef = new WeakRef(outer);
    return inner;
  });
  const reported = () =>
    reportsOf(spy.calls, innerName).length + reportsOf(spy.calls, outerName).length;
  await collect([innerRef, outerRef!], () => reported() > 0);
  assert.equal(reported(), 1);
  const [report] = [...reportsOf(spy.calls, innerName), ...reportsOf(spy.calls, outerName)];
  assert.equal(report![1], error);
});

Deno.test("Task never causes an unhandled rejection when nobody awaits its failure", async () => {
  const unhandled: unknown[] = [];
  const target = globalThis as unknown as Partial<EventTarget>;
  const onEvent = (event: Event) => {
    event.preventDefault();
    unhandled.push((event as PromiseRejectionEvent).reason);
  };
  const onNode = (reason: unknown) => unhandled.push(reason);
  const nodeProcess = (globalThis as {
    process?: {
      on(type: string, fn: (reason: unknown) => void): void;
      off(type: string, fn: (reason: unknown) => void): void;
    };
  }).process;
  const viaEvent = typeof target.addEventListener === "function";
  if (viaEvent) target.addEventListener!("unhandledrejection", onEvent);
  else nodeProcess!.on("unhandledRejection", onNode);
  using _spy = spyConsoleError();
  try {
    const tasks = [
      createTask(() => {
        throw new Error("sync");
      }),
      createTask(() => Promise.reject(new Error("async"))),
      createTask(async () => {
        await turn();
        throw new Error("later");
      }),
      shield(Promise.reject(new Error("shielded promise"))),
      shield(() => Promise.reject(new Error("shielded function"))),
    ];
    for (let i = 0; i < 5; i++) await turn();
    assert.ok(tasks.every((task) => task.done() && !task.cancelled()));
    assert.deepEqual(unhandled, []);
  } finally {
    if (viaEvent) target.removeEventListener!("unhandledrejection", onEvent);
    else nodeProcess!.off("unhandledRejection", onNode);
  }
});

// A gather that is cancelled ends cancelled (SPEC §4), so a member's own failure meanwhile does
// not reach its caller; it must not pass silently either (SPEC §2).
Deno.test("A function member of a cancelled gather that fails with its own error is reported", async () => {
  requireGc();
  using spy = spyConsoleError();
  const error = new Error("cleanup failed");
  const started = deferred();
  const gathering = gather([
    () => "done at once",
    async (signal: AbortSignal) => {
      started.resolve();
      await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
      throw error;
    },
  ]);
  await started.promise;
  const name = gathering.name;
  gathering.cancel();
  await assert.rejects(gathering, CancelledError);
  const sign = `of gather ${name}"`;
  await collect([], () => spy.calls.some((args) => String(args[0]).includes(sign)));
  const reports = spy.calls.filter((args) => String(args[0]).includes(sign));
  assert.equal(reports.length, 1);
  assert.match(String(reports[0]![0]), new RegExp(`^${REPORT} \\(task "function member`));
  assert.equal(reports[0]![1], error);
});

Deno.test("A task member failing while its gather is cancelled is reported if nobody retrieves it, not if awaited", async () => {
  requireGc();
  using spy = spyConsoleError();
  const lostName = uniqueName("lost-member");
  const keptName = uniqueName("kept-member");
  const failOnAbort = (name: string) =>
    createTask(async (signal) => {
      await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
      throw new Error(`${name} failed in cleanup`);
    }, { name });
  const kept = failOnAbort(keptName);
  const ref = await abandon(
    () => failOnAbort(lostName),
    async (lost) => {
      const gathering = gather([lost, kept], { returnExceptions: true });
      await flush();
      gathering.cancel();
      await assert.rejects(gathering, CancelledError);
    },
  );
  await assert.rejects(kept, /kept-member.* failed in cleanup/);
  await collect([ref], () => reportsOf(spy.calls, lostName).length > 0);
  assert.equal(reportsOf(spy.calls, lostName).length, 1);
  assert.deepEqual(reportsOf(spy.calls, keptName), []);
});

Deno.test("gather() with an aborted signal leaves a task member's later failure to be reported", async () => {
  requireGc();
  using spy = spyConsoleError();
  const name = uniqueName("member-of-aborted-gather");
  const ref = await abandon(
    () =>
      createTask(async () => {
        await Promise.resolve();
        throw new Error("failed after the gather ended");
      }, { name }),
    async (task) => {
      await assert.rejects(gather([task], { signal: AbortSignal.abort() }), CancelledError);
    },
  );
  await collect([ref], () => reportsOf(spy.calls, name).length > 0);
  assert.equal(reportsOf(spy.calls, name).length, 1);
});

Deno.test("asCompleted()'s plain form: a promise dropped unread leaves its member's failure to be reported", async () => {
  requireGc();
  using spy = spyConsoleError();
  const taskName = uniqueName("given-task");
  const error = new Error("nobody read this");
  const refs: WeakRef<object>[] = [];
  await (async () => {
    const given = createTask(() => {
      throw new Error("given task failed");
    }, { name: taskName });
    refs.push(new WeakRef(given));
    // Handed out and dropped unread: the function's task and the given task.
    const handed = [
      ...asCompleted([() => {
        throw error;
      }, given]),
    ];
    await flush();
    assert.equal(handed.length, 2);
  })();
  await collect(
    refs,
    () => reportsOf(spy.calls, taskName).length > 0 && spy.calls.some((args) => args[1] === error),
  );
  assert.equal(reportsOf(spy.calls, taskName).length, 1);
  assert.equal(spy.calls.filter((args) => args[1] === error).length, 1);
});

Deno.test("asCompleted()'s plain form: a promise read by await, catch or Promise.allSettled, before or after it settled, retrieves", async () => {
  requireGc();
  using spy = spyConsoleError();
  const names = ["awaited", "caught-late", "all-settled"].map(uniqueName);
  const fail = (name: string) => () => {
    throw new Error(name);
  };
  const refs: WeakRef<object>[] = [];
  await (async () => {
    const [awaited] = asCompleted([fail(names[0]!)]);
    await assert.rejects(awaited!, new RegExp(names[0]!));
    const [caughtLate] = asCompleted([fail(names[1]!)]);
    await flush();
    await caughtLate!.catch(() => {});
    const settled = await Promise.allSettled(asCompleted([fail(names[2]!)]));
    assert.equal(settled[0]!.status, "rejected");
    refs.push(new WeakRef(awaited!), new WeakRef(caughtLate!));
  })();
  const { abandon: abandonControl, name: controlName } = control(new Error("control"));
  refs.push(await abandonControl());
  await collect(refs, () => reportsOf(spy.calls, controlName).length > 0);
  for (const name of names) {
    assert.deepEqual(spy.calls.filter((args) => String(args[1]).includes(name)), []);
  }
});
