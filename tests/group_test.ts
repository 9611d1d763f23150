// Copyright 2026 the @aio/tasks authors. MIT license.
import assert from "node:assert/strict";
import {
  CancelledError,
  ExceptionGroup,
  InvalidStateError,
  sleep,
  type Task,
  type TaskGroup,
  taskGroup,
} from "../mod.ts";
import { countListeners, deferred, fakeTime, flush } from "./_fixtures.ts";

/** A task function that waits for its signal, counts the abort, and rejects with the reason. */
function untilAborted(aborted: { count: number }): (signal: AbortSignal) => Promise<never> {
  return (signal) =>
    new Promise((_, reject) => {
      signal.addEventListener("abort", () => {
        aborted.count++;
        reject(signal.reason);
      }, { once: true });
    });
}

/** Settles to the rejection reason, failing if the promise fulfils. */
async function rejection(promise: PromiseLike<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("expected a rejection");
}

function assertGroup(error: unknown, errors: unknown[]): asserts error is ExceptionGroup {
  assert.ok(error instanceof ExceptionGroup, `expected an ExceptionGroup, got ${error}`);
  assert.equal(error.message, "unhandled errors in a TaskGroup");
  assert.equal(error.errors.length, errors.length);
  errors.forEach((e, i) => assert.equal(error.errors[i], e, `errors[${i}]`));
}

// Ordinary runs ------------------------------------------------------------------------------

Deno.test("taskGroup() resolves with the body's value once every task is done", async () => {
  using time = fakeTime();
  let t1: Task<number> | undefined, t2: Task<number> | undefined;
  const group = taskGroup((tg) => {
    t1 = tg.createTask(async (signal) => {
      await sleep(100, { signal });
      return 42;
    });
    t2 = tg.createTask(async (signal) => {
      await sleep(200, { signal });
      return 11;
    });
    return "body";
  });
  let settled = false;
  group.then(() => settled = true);
  await time.tick(150);
  assert.equal(settled, false);
  assert.equal(t1!.result(), 42);
  await time.tick(50);
  assert.equal(await group, "body");
  assert.equal(t2!.result(), 11);
});

Deno.test("taskGroup() calls the body synchronously with the group", () => {
  let seen: TaskGroup | undefined;
  const group = taskGroup((tg) => {
    seen = tg;
  });
  assert.ok(seen !== undefined);
  assert.equal(typeof seen.createTask, "function");
  return group;
});

Deno.test("taskGroup() waits for tasks the body creates after an await", async () => {
  using time = fakeTime();
  const order: string[] = [];
  const group = taskGroup(async (tg) => {
    tg.createTask(async (signal) => {
      await sleep(100, { signal });
      order.push("first");
    });
    await sleep(150, { signal: tg.signal });
    tg.createTask(async (signal) => {
      await sleep(200, { signal });
      order.push("second");
    });
    order.push("body");
  });
  await time.tick(349);
  assert.deepEqual(order, ["first", "body"]);
  await time.tick(1);
  await group;
  assert.deepEqual(order, ["first", "body", "second"]);
});

Deno.test("taskGroup() waits for tasks that running tasks add, however deep", async () => {
  let made = 0;
  const grow = (tg: TaskGroup, depth: number) => async () => {
    made++;
    await flush(2);
    if (depth < 6) {
      tg.createTask(grow(tg, depth + 1));
      tg.createTask(grow(tg, depth + 1));
    }
  };
  await taskGroup((tg) => {
    tg.createTask(grow(tg, 0));
  });
  assert.equal(made, 127);
});

Deno.test("taskGroup() resolves with a plain value when the body returns one and makes no task", async () => {
  assert.equal(await taskGroup(() => 7), 7);
  assert.equal(await taskGroup(() => undefined), undefined);
});

Deno.test("taskGroup() follows a thenable the body returns", async () => {
  const thenable = { then: (resolve: (v: string) => void) => resolve("from thenable") };
  assert.equal(await taskGroup(() => thenable as PromiseLike<string>), "from thenable");
});

Deno.test("taskGroup() starts its tasks in creation order after the body's synchronous part", async () => {
  const order: string[] = [];
  await taskGroup((tg) => {
    tg.createTask(() => order.push("a"));
    tg.createTask(() => order.push("b"));
    order.push("body");
  });
  assert.deepEqual(order, ["body", "a", "b"]);
});

Deno.test("taskGroup() gives the group and its tasks the names asked for, or defaults", async () => {
  let named: Task<void> | undefined;
  let groupName = "";
  await taskGroup((tg) => {
    groupName = tg.name;
    named = tg.createTask(() => {}, { name: "yolo" });
  }, { name: "crew" });
  assert.equal(groupName, "crew");
  assert.equal(named!.name, "yolo");
  let first = "", second = "";
  await taskGroup((tg) => void (first = tg.name));
  await taskGroup((tg) => void (second = tg.name));
  const a = /^TaskGroup-(\d+)$/.exec(first), b = /^TaskGroup-(\d+)$/.exec(second);
  assert.ok(a && b, `${first}, ${second}`);
  assert.equal(Number(b[1]), Number(a[1]) + 1);
});

Deno.test("taskGroup() leaves tg.signal unaborted when the group ends normally", async () => {
  let signal: AbortSignal | undefined;
  await taskGroup((tg) => {
    signal = tg.signal;
    tg.createTask(() => 1);
  });
  assert.equal(signal!.aborted, false);
});

// A task fails ---------------------------------------------------------------------------------

Deno.test("taskGroup() cancels the other tasks and rejects with an ExceptionGroup when a task fails", async () => {
  using time = fakeTime();
  const boom = new RangeError("boom");
  const aborted = { count: 0 };
  let sibling: Task<never> | undefined;
  let afterGroup = false;
  const group = taskGroup((tg) => {
    tg.createTask(async (signal) => {
      await sleep(100, { signal });
      throw boom;
    }, { name: "crasher" });
    sibling = tg.createTask(untilAborted(aborted));
  }, { name: "g" }).then(() => afterGroup = true);
  const settled = rejection(group);
  await time.tick(100);
  const error = await settled;
  assertGroup(error, [boom]);
  assert.equal(afterGroup, false);
  assert.equal(aborted.count, 1);
  assert.equal(sibling!.cancelled(), true);
  const reason = sibling!.exception.bind(sibling);
  assert.throws(reason, (e: unknown) => {
    assert.ok(e instanceof CancelledError);
    assert.equal(e.message, 'Task group "g" is shutting down: task "crasher" failed');
    assert.equal((e as { cause?: unknown }).cause, boom);
    return true;
  });
});

Deno.test("taskGroup() aborts tg.signal when a task fails, and the body's obeying it is not an error", async () => {
  const boom = new Error("boom");
  let bodySaw: unknown;
  const error = await rejection(taskGroup(async (tg) => {
    tg.createTask(() => {
      throw boom;
    });
    try {
      await sleep(60_000, { signal: tg.signal });
    } catch (e) {
      bodySaw = e;
      throw e;
    }
  }));
  assertGroup(error, [boom]);
  assert.ok(bodySaw instanceof CancelledError);
});

Deno.test("taskGroup() records every failure in completion order", async () => {
  const a = new Error("a"), b = new Error("b"), c = new Error("c");
  const gates = [deferred(), deferred(), deferred()];
  const group = taskGroup((tg) => {
    // Each task ignores its signal and fails when its gate opens.
    tg.createTask(async () => {
      await gates[0].promise;
      throw a;
    });
    tg.createTask(async () => {
      await gates[1].promise;
      throw b;
    });
    tg.createTask(async () => {
      await gates[2].promise;
      throw c;
    });
  });
  gates[2].resolve();
  await flush();
  gates[0].resolve();
  await flush();
  gates[1].resolve();
  assertGroup(await rejection(group), [c, a, b]);
});

Deno.test("taskGroup() rejects with a group even for a single failure", async () => {
  const only = new TypeError("only");
  const error = await rejection(taskGroup((tg) => {
    tg.createTask(() => {
      throw only;
    });
  }));
  assertGroup(error, [only]);
});

Deno.test("taskGroup() does not count a task cancelled by someone as an error", async () => {
  using time = fakeTime();
  let victim: Task<void> | undefined, other: Task<number> | undefined;
  const group = taskGroup(async (tg) => {
    victim = tg.createTask((signal) => sleep(1000, { signal }));
    await sleep(150, { signal: tg.signal });
    victim.cancel("not needed");
    other = tg.createTask(async (signal) => {
      await sleep(200, { signal });
      return 11;
    });
    return "ok";
  });
  await time.tick(350);
  assert.equal(await group, "ok");
  assert.equal(victim!.cancelled(), true);
  assert.equal(other!.result(), 11);
});

Deno.test("taskGroup() never calls the function of a task that had not started when a task failed", async () => {
  const boom = new Error("boom");
  let late: Task<void> | undefined;
  let called = false;
  const error = await rejection(taskGroup((tg) => {
    tg.createTask(() => {
      // Queued to start after this function; the failure below comes first.
      late = tg.createTask(() => {
        called = true;
      });
      throw boom;
    });
  }));
  assertGroup(error, [boom]);
  assert.equal(called, false);
  assert.equal(late!.cancelled(), true);
});

Deno.test("taskGroup() keeps the group pending while a task ignores its signal, and never abandons it", async () => {
  using time = fakeTime();
  const boom = new Error("boom");
  let stubbornDone = false;
  let settled = false;
  const group = taskGroup((tg) => {
    tg.createTask(async () => {
      await sleep(500);
      stubbornDone = true;
      return "finished anyway";
    });
    tg.createTask(() => {
      throw boom;
    });
  });
  group.catch(() => {}).then(() => settled = true);
  await time.tick(499);
  assert.equal(settled, false);
  await time.tick(1);
  assertGroup(await rejection(group), [boom]);
  assert.equal(stubbornDone, true);
});

// The body fails ----------------------------------------------------------------------------------

Deno.test("taskGroup() cancels the tasks when the body throws synchronously, and reports the error", async () => {
  let t1: Task<void> | undefined, t2: Task<void> | undefined;
  let called = 0;
  const boom = new Error("sync body");
  const error = await rejection(taskGroup((tg) => {
    t1 = tg.createTask(() => void called++);
    t2 = tg.createTask(() => void called++);
    throw boom;
  }));
  assertGroup(error, [boom]);
  assert.equal(t1!.cancelled(), true);
  assert.equal(t2!.cancelled(), true);
  assert.equal(called, 0);
});

Deno.test("taskGroup() cancels the tasks when the body rejects after an await", async () => {
  const aborted = { count: 0 };
  const boom = new Error("async body");
  let t1: Task<never> | undefined;
  const error = await rejection(taskGroup(async (tg) => {
    t1 = tg.createTask(untilAborted(aborted));
    await flush(3);
    throw boom;
  }));
  assertGroup(error, [boom]);
  assert.equal(t1!.cancelled(), true);
  assert.equal(aborted.count, 1);
  assert.throws(() => t1!.result(), {
    name: "AbortError",
    message: /^Task group "TaskGroup-\d+" is shutting down: its body failed$/,
  });
});

Deno.test("taskGroup() records the body's error after the tasks' errors", async () => {
  const taskError = new Error("task");
  const cleanupError = new Error("cleanup");
  const error = await rejection(taskGroup(async (tg) => {
    tg.createTask(async () => {
      await flush(2);
      throw taskError;
    });
    try {
      await sleep(60_000, { signal: tg.signal });
    } finally {
      // Cleanup that fails while the group shuts down is an error, not a cancellation.
      // deno-lint-ignore no-unsafe-finally
      throw cleanupError;
    }
  }));
  assertGroup(error, [taskError, cleanupError]);
});

Deno.test("taskGroup() records once an error that sibling tasks let through", async () => {
  const error = new RangeError("E");
  const other = new TypeError("other");
  const result = await rejection(taskGroup(async (tg) => {
    const failed = tg.createTask(async () => {
      await flush(2);
      throw error;
    });
    tg.createTask(async () => {
      await failed;
    });
    tg.createTask(() => Promise.all([failed]));
    // A different error from a task that ignores the shutdown still counts.
    tg.createTask(async () => {
      await failed.catch(() => {});
      throw other;
    });
    return await failed;
  }));
  assertGroup(result, [error, other]);
});

Deno.test("taskGroup() passes on a cancellation from elsewhere in the body after cancelling its tasks", async () => {
  const aborted = { count: 0 };
  const foreign = new CancelledError("someone else");
  let t1: Task<never> | undefined;
  const error = await rejection(taskGroup(async (tg) => {
    t1 = tg.createTask(untilAborted(aborted));
    await flush(2);
    throw foreign;
  }));
  assert.equal(error, foreign);
  assert.equal(t1!.cancelled(), true);
  assert.equal(aborted.count, 1);
});

Deno.test("taskGroup() lets errors win over a cancellation from elsewhere in the body", async () => {
  const cleanupError = new Error("cleanup");
  const error = await rejection(taskGroup(async (tg) => {
    tg.createTask(async (signal) => {
      await new Promise((resolve) => signal.addEventListener("abort", resolve));
      throw cleanupError;
    });
    await flush(2);
    throw new DOMException("fetch aborted", "AbortError");
  }));
  assertGroup(error, [cleanupError]);
});

// The parent signal ---------------------------------------------------------------------------

Deno.test("taskGroup() rejects with the parent's reason once its tasks are done when the signal aborts", async () => {
  const controller = new AbortController();
  const aborted = { count: 0 };
  const tasks: Task<never>[] = [];
  let bodyCancelled = false;
  const group = taskGroup(async (tg) => {
    for (let i = 0; i < 5; i++) tasks.push(tg.createTask(untilAborted(aborted)));
    try {
      await sleep(60_000, { signal: tg.signal });
    } catch (e) {
      bodyCancelled = true;
      throw e;
    }
  }, { signal: controller.signal });
  await flush();
  const reason = new Error("user left");
  controller.abort(reason);
  assert.equal(await rejection(group), reason);
  assert.equal(aborted.count, 5);
  assert.equal(bodyCancelled, true);
  for (const task of tasks) {
    assert.equal(task.cancelled(), true);
    assert.throws(() => task.result(), (e: unknown) => {
      assert.ok(e instanceof CancelledError);
      assert.equal((e as { cause?: unknown }).cause, reason);
      return true;
    });
  }
});

Deno.test("taskGroup() rejects with the parent's reason even when the body returns its value", async () => {
  const controller = new AbortController();
  const group = taskGroup((tg) => {
    tg.createTask(untilAborted({ count: 0 }));
    return "value";
  }, { signal: controller.signal });
  await flush();
  controller.abort("string reason");
  assert.equal(await rejection(group), "string reason");
});

Deno.test("taskGroup() passes a CancelledError reason of the parent on to tg.signal unchanged", async () => {
  const controller = new AbortController();
  const reason = new CancelledError("stop");
  let seen: unknown;
  const group = taskGroup(async (tg) => {
    await sleep(60_000, { signal: tg.signal }).catch((e) => seen = e);
  }, { signal: controller.signal });
  controller.abort(reason);
  assert.equal(await rejection(group), reason);
  assert.equal(seen, reason);
});

Deno.test("taskGroup() lets errors win over the parent's abort", async () => {
  const controller = new AbortController();
  const cleanupError = new Error("cleanup failed");
  const group = taskGroup((tg) => {
    tg.createTask(async (signal) => {
      await new Promise((resolve) => signal.addEventListener("abort", resolve));
      throw cleanupError;
    });
  }, { signal: controller.signal });
  await flush();
  controller.abort(new Error("user left"));
  assertGroup(await rejection(group), [cleanupError]);
});

Deno.test("taskGroup() rejects at once without calling the body when the signal is already aborted", async () => {
  const reason = new Error("too late");
  let called = false;
  const group = taskGroup(() => {
    called = true;
  }, { signal: AbortSignal.abort(reason) });
  assert.equal(called, false);
  assert.equal(await rejection(group), reason);
});

Deno.test("taskGroup() removes its listener from the parent signal when it settles", async () => {
  const controller = new AbortController();
  const listeners = countListeners(controller.signal);
  const group = taskGroup((tg) => {
    tg.createTask(() => flush(2));
  }, { signal: controller.signal });
  assert.equal(listeners(), 1);
  await group;
  assert.equal(listeners(), 0);
  const failing = taskGroup(() => {
    throw new Error("x");
  }, { signal: controller.signal });
  await rejection(failing);
  assert.equal(listeners(), 0);
});

Deno.test("taskGroup() shares one listener on the parent signal among many groups", async () => {
  const controller = new AbortController();
  const listeners = countListeners(controller.signal);
  const gate = deferred();
  const groups = Array.from({ length: 50 }, () =>
    taskGroup(async () => {
      await gate.promise;
    }, { signal: controller.signal }));
  assert.equal(listeners(), 1);
  gate.resolve();
  await Promise.all(groups);
  assert.equal(listeners(), 0);
});

// tg.cancel() ---------------------------------------------------------------------------------------

Deno.test("TaskGroup.cancel() ends the group without error and resolves with the body's value", async () => {
  const aborted = { count: 0 };
  let tasks: Task<never>[] = [];
  const value = await taskGroup(async (tg) => {
    tasks = [tg.createTask(untilAborted(aborted)), tg.createTask(untilAborted(aborted))];
    await flush(2);
    tg.cancel("enough");
    assert.equal(tg.signal.aborted, true);
    assert.ok(tg.signal.reason instanceof CancelledError);
    assert.equal(tg.signal.reason.message, "enough");
    return "kept";
  });
  assert.equal(value, "kept");
  assert.equal(aborted.count, 2);
  assert.ok(tasks.every((t) => t.cancelled()));
});

Deno.test("TaskGroup.cancel() resolves with undefined when the body ends with the cancellation", async () => {
  const value = await taskGroup(async (tg) => {
    tg.createTask(async () => {
      await flush(2);
      tg.cancel();
    });
    await sleep(60_000, { signal: tg.signal });
    return "never";
  });
  assert.equal(value, undefined);
});

Deno.test("TaskGroup.cancel() from a task picks the first answer", async () => {
  using time = fakeTime();
  const group = taskGroup(async (tg) => {
    let winner = "";
    for (const [name, ms] of [["slow", 300], ["fast", 100], ["medium", 200]] as const) {
      tg.createTask(async (signal) => {
        await sleep(ms, { signal });
        winner ||= name;
        tg.cancel();
      });
    }
    await sleep(Infinity, { signal: tg.signal }).catch(() => {});
    return winner;
  });
  await time.tick(100);
  assert.equal(await group, "fast");
  assert.equal(time.timers(), 0);
});

Deno.test("TaskGroup.cancel() is overridden by a task failing during the shutdown", async () => {
  const cleanupError = new Error("cleanup failed");
  const error = await rejection(taskGroup(async (tg) => {
    tg.createTask(async (signal) => {
      await new Promise((resolve) => signal.addEventListener("abort", resolve));
      throw cleanupError;
    });
    await flush(2);
    tg.cancel();
  }));
  assertGroup(error, [cleanupError]);
});

Deno.test("TaskGroup.cancel() does not swallow a parent abort that comes while the group shuts down", async () => {
  const controller = new AbortController();
  const release = deferred();
  const group = taskGroup(async (tg) => {
    // A task that takes its time to clean up after the cancellation.
    tg.createTask(async (signal) => {
      await new Promise((resolve) => signal.addEventListener("abort", resolve));
      await release.promise;
    });
    await flush(2);
    tg.cancel();
  }, { signal: controller.signal });
  await flush();
  const reason = new Error("timed out outside");
  controller.abort(reason);
  release.resolve();
  assert.equal(await rejection(group), reason);
});

Deno.test("TaskGroup.cancel() is idempotent and does nothing once the group has finished", async () => {
  let saved: TaskGroup | undefined;
  const value = await taskGroup((tg) => {
    saved = tg;
    tg.cancel("first");
    tg.cancel("second");
    assert.equal(tg.signal.reason.message, "first");
    return 1;
  });
  assert.equal(value, 1);
  saved!.cancel();
  const fresh = await taskGroup((tg) => (saved = tg, 2));
  saved!.cancel();
  assert.equal(fresh, 2);
  assert.equal(saved!.signal.aborted, false);
});

Deno.test("TaskGroup.cancel() before any task starts means none of them runs", async () => {
  let ran = 0;
  const tasks: Task<void>[] = [];
  await taskGroup((tg) => {
    for (let i = 0; i < 3; i++) tasks.push(tg.createTask(() => void ran++));
    tg.cancel();
  });
  assert.equal(ran, 0);
  assert.ok(tasks.every((t) => t.cancelled()));
});

// createTask() misuse ------------------------------------------------------------------------

Deno.test("TaskGroup.createTask() throws InvalidStateError on a group that is shutting down", async () => {
  let called = false;
  let thrown: unknown;
  const boom = new Error("boom");
  const error = await rejection(taskGroup(async (tg) => {
    tg.createTask(() => {
      throw boom;
    });
    await sleep(60_000, { signal: tg.signal }).catch(() => {});
    try {
      tg.createTask(() => {
        called = true;
      });
    } catch (e) {
      thrown = e;
    }
  }, { name: "busy" }));
  assertGroup(error, [boom]);
  assert.ok(thrown instanceof InvalidStateError);
  assert.equal(
    (thrown as Error).message,
    'Cannot create task in task group "busy": the group is shutting down',
  );
  await flush();
  assert.equal(called, false);
});

Deno.test("TaskGroup.createTask() throws InvalidStateError on a finished group", async () => {
  let saved: TaskGroup | undefined;
  await taskGroup((tg) => void (saved = tg), { name: "over" });
  let called = false;
  assert.throws(() => saved!.createTask(() => void (called = true)), {
    name: "InvalidStateError",
    message: 'Cannot create task in task group "over": the group has finished',
  });
  await flush();
  assert.equal(called, false);
});

Deno.test("TaskGroup.createTask() throws TypeError for something that is not a function", async () => {
  await taskGroup((tg) => {
    assert.throws(() => tg.createTask(42 as unknown as () => void), {
      name: "TypeError",
      message: "Cannot create task as 'fn' must be a function: current value is 42",
    });
  });
});

// Bad input ----------------------------------------------------------------------------------------

Deno.test("taskGroup() throws RangeError for a limit that is not a positive integer", () => {
  for (
    const [limit, shown] of [[0, "0"], [-1, "-1"], [1.5, "1.5"], [NaN, "NaN"], [
      -Infinity,
      "-Infinity",
    ]] as const
  ) {
    assert.throws(() => taskGroup(() => {}, { limit }), {
      name: "RangeError",
      message:
        `Cannot create task group as 'limit' must be a positive integer: current value is ${shown}`,
    });
  }
  assert.throws(() => taskGroup(() => {}, { limit: "2" as unknown as number }), {
    name: "RangeError",
    message: `Cannot create task group as 'limit' must be a positive integer: current value is "2"`,
  });
});

Deno.test("taskGroup() throws TypeError for a body that is not a function or a bad signal", () => {
  assert.throws(() => taskGroup(null as unknown as () => void), {
    name: "TypeError",
    message: "Cannot create task group as 'body' must be a function: current value is null",
  });
  assert.throws(() => taskGroup(() => {}, { signal: {} as AbortSignal }), {
    name: "TypeError",
    message:
      "Cannot create task group as 'signal' must be an AbortSignal: current value is an object",
  });
});

Deno.test("taskGroup() accepts Infinity as no limit", async () => {
  let peak = 0, running = 0;
  await taskGroup((tg) => {
    for (let i = 0; i < 20; i++) {
      tg.createTask(async () => {
        peak = Math.max(peak, ++running);
        await flush(2);
        running--;
      });
    }
  }, { limit: Infinity });
  assert.equal(peak, 20);
});

// limit ------------------------------------------------------------------------------------------

Deno.test("taskGroup() runs at most `limit` tasks at once, starting waiting ones in creation order", async () => {
  let running = 0, peak = 0;
  const started: number[] = [];
  await taskGroup((tg) => {
    for (let i = 0; i < 10; i++) {
      tg.createTask(async () => {
        started.push(i);
        peak = Math.max(peak, ++running);
        await flush(i % 3 + 1);
        running--;
      });
    }
  }, { limit: 3 });
  assert.equal(peak, 3);
  assert.deepEqual(started, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

Deno.test("taskGroup() with limit 1 runs its tasks one after another", async () => {
  const log: string[] = [];
  await taskGroup((tg) => {
    for (const name of ["a", "b", "c"]) {
      tg.createTask(async () => {
        log.push(`${name}+`);
        await flush(2);
        log.push(`${name}-`);
      });
    }
  }, { limit: 1 });
  assert.deepEqual(log, ["a+", "a-", "b+", "b-", "c+", "c-"]);
});

Deno.test("taskGroup() keeps waiting tasks pending and cancels them without running on shutdown", async () => {
  let ran = 0;
  const boom = new Error("boom");
  const waiting: Task<void>[] = [];
  const error = await rejection(taskGroup(async (tg) => {
    tg.createTask(async () => {
      await flush(2);
      throw boom;
    });
    for (let i = 0; i < 5; i++) waiting.push(tg.createTask(() => void ran++));
    await flush(1);
    assert.ok(waiting.every((t) => !t.done()));
  }, { limit: 1 }));
  assertGroup(error, [boom]);
  assert.equal(ran, 0);
  assert.ok(waiting.every((t) => t.cancelled()));
});

Deno.test("taskGroup() skips a waiting task cancelled by someone without giving it a slot", async () => {
  const log: string[] = [];
  await taskGroup((tg) => {
    const make = (name: string) =>
      tg.createTask(async () => {
        log.push(name);
        await flush(2);
      });
    make("a");
    const b = make("b");
    make("c");
    b.cancel();
    assert.equal(b.cancelled(), true);
  }, { limit: 1 });
  assert.deepEqual(log, ["a", "c"]);
});

Deno.test("taskGroup() starts a waiting task when a running one fails only if the group goes on", async () => {
  // A cancelled running task frees its slot; the next waiting task starts.
  const log: string[] = [];
  await taskGroup((tg) => {
    const first = tg.createTask((signal) => sleep(60_000, { signal }));
    tg.createTask(() => void log.push("second"));
    first.cancel();
  }, { limit: 1 });
  assert.deepEqual(log, ["second"]);
});

Deno.test("taskGroup() keeps order and slots right through many cancellations of waiting tasks", async () => {
  // Thousands of holes make the group compact its lists while the work goes on.
  const ran: number[] = [];
  const tasks: Task<void>[] = [];
  await taskGroup((tg) => {
    for (let i = 0; i < 5000; i++) {
      tasks.push(tg.createTask(async () => {
        ran.push(i);
        await Promise.resolve();
      }));
    }
    for (let i = 0; i < 5000; i++) if (i % 3 !== 0) tasks[i].cancel();
  }, { limit: 2 });
  assert.deepEqual(ran, Array.from({ length: 1667 }, (_, k) => 3 * k));
  assert.equal(tasks.filter((t) => t.cancelled()).length, 3333);
});

Deno.test("taskGroup() cancels every live task on shutdown after many others finished", async () => {
  // Most tasks finish first, leaving holes; the survivors must still all be found and cancelled.
  const gates = Array.from({ length: 4000 }, () => deferred());
  const aborted = { count: 0 };
  const survivors: Task<never>[] = [];
  const boom = new Error("boom");
  const error = await rejection(taskGroup(async (tg) => {
    for (let i = 0; i < 4000; i++) {
      if (i % 97 === 5) survivors.push(tg.createTask(untilAborted(aborted)));
      else tg.createTask(() => gates[i].promise);
    }
    await flush(2);
    for (const gate of gates) gate.resolve();
    await flush(4);
    tg.createTask(() => {
      throw boom;
    });
  }));
  assertGroup(error, [boom]);
  assert.equal(aborted.count, survivors.length);
  assert.ok(survivors.every((t) => t.cancelled()));
});

// Nested groups -------------------------------------------------------------------------------

Deno.test("taskGroup() keeps an inner group's ExceptionGroup nested as one error", async () => {
  const inner = new ValueError("inner");
  const error = await rejection(taskGroup((outer) => {
    outer.createTask((signal) => sleep(60_000, { signal }));
    outer.createTask((signal) =>
      taskGroup((tg) => {
        tg.createTask(() => {
          throw inner;
        });
      }, { signal })
    );
  }));
  assert.ok(error instanceof ExceptionGroup);
  assert.equal(error.errors.length, 1);
  assertGroup(error.errors[0], [inner]);
});

Deno.test("taskGroup() cancels an inner group when the outer one fails, and the inner cancellation is no error", async () => {
  const outerError = new ValueError("outer");
  let innerTask: Task<void> | undefined;
  const error = await rejection(taskGroup((outer) => {
    outer.createTask(async () => {
      await flush(3);
      throw outerError;
    });
    outer.createTask((signal) =>
      taskGroup((tg) => {
        innerTask = tg.createTask((s) => sleep(60_000, { signal: s }));
      }, { signal })
    );
  }));
  assertGroup(error, [outerError]);
  assert.equal(innerTask!.cancelled(), true);
});

Deno.test("taskGroup() lets ExceptionGroup.split() handle one kind of failure (except*)", async () => {
  const caught: unknown[] = [];
  const rest = await rejection((async () => {
    try {
      await taskGroup((tg) => {
        // Both ignore their signal, so both failures happen.
        tg.createTask(async () => {
          await Promise.resolve();
          throw new TypeError("bad shape");
        });
        tg.createTask(async () => {
          await Promise.resolve();
          throw new RangeError("too big");
        });
      });
    } catch (error) {
      if (!(error instanceof ExceptionGroup)) throw error;
      const [typeErrors, others] = error.split(TypeError);
      if (typeErrors) caught.push(...typeErrors.errors);
      if (others) throw others;
    }
  })());
  assert.equal(caught.length, 1);
  assert.ok(caught[0] instanceof TypeError);
  assert.ok(rest instanceof ExceptionGroup);
  assert.equal(rest.errors.length, 1);
  assert.ok(rest.errors[0] instanceof RangeError);
});

class ValueError extends Error {}

Deno.test("taskGroup() records once an error its body and a task both reject with, the body first", async () => {
  const failure = new Error("fetch failed");
  const shared = Promise.reject(failure);
  shared.catch(() => {});
  const error = await taskGroup(async (tg) => {
    tg.createTask(async () => {
      await Promise.resolve();
      await shared;
    });
    await shared;
  }).catch((error) => error);
  assert.ok(error instanceof ExceptionGroup);
  assert.deepEqual(error.errors, [failure]);
});

Deno.test("tg.createTask() whose name getter shuts the group down throws and never calls the function", async () => {
  let called = false;
  let thrown: unknown;
  await taskGroup((tg) => {
    try {
      tg.createTask(() => {
        called = true;
      }, {
        get name() {
          tg.cancel();
          return "late";
        },
      });
    } catch (error) {
      thrown = error;
    }
  }).catch(() => {});
  assert.ok(thrown instanceof InvalidStateError);
  assert.equal(called, false);
});

Deno.test("A failing task shuts its group down telling the other tasks before the body, as asyncio does", async () => {
  const log: string[] = [];
  const failNow = deferred();
  const whenAborted = (signal: AbortSignal, what: string) =>
    new Promise<void>((resolve) => {
      signal.addEventListener("abort", () => {
        log.push(what);
        resolve();
      }, { once: true });
    });
  const error = new Error("a failed");
  await assert.rejects(
    taskGroup(async (tg) => {
      tg.createTask(async () => {
        await failNow.promise;
        throw error;
      });
      tg.createTask((signal) => whenAborted(signal, "task c sees the cancel"));
      const body = whenAborted(tg.signal, "body sees the cancel");
      failNow.resolve();
      await body;
    }),
    ExceptionGroup,
  );
  assert.deepEqual(log, ["task c sees the cancel", "body sees the cancel"]);
});
