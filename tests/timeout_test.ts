// Copyright 2026 the @aio/tasks authors. MIT license.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  CancelledError,
  createTask,
  InvalidStateError,
  sleep,
  type Timeout,
  timeout,
  timeoutAt,
  TimeoutError,
} from "../mod.ts";
import { countListeners, fakeTime, flush, watch } from "./_fixtures.ts";

const SCOPE_TIMEOUT = "Timed out: the deadline of the timeout scope passed";
const SCOPE_CANCEL = "Cancelled by timeout: the deadline of the timeout scope passed";

/** A body that sleeps `ms` on the scope's signal, then returns `value`. */
function sleeper<T>(ms: number, value: T): (scope: Timeout) => Promise<T> {
  return async (scope) => {
    await sleep(ms, { signal: scope.signal });
    return value;
  };
}

function assertTimedOut(error: unknown, cause?: unknown): asserts error is TimeoutError {
  assert.ok(error instanceof TimeoutError, `expected a TimeoutError, got ${error}`);
  assert.equal(error.name, "TimeoutError");
  assert.equal(error.message, SCOPE_TIMEOUT);
  if (cause !== undefined) assert.equal(error.cause, cause);
}

Deno.test("timeout() resolves with the body's value when the body finishes in time", async () => {
  using time = fakeTime();
  const call = watch(timeout(100, sleeper(40, "done")));
  await time.tick(40);
  assert.equal(call.settled, true);
  assert.equal(call.value, "done");
  assert.equal(time.timers(), 0);
});

Deno.test("timeout() calls the body synchronously, before it returns", async () => {
  let scope: Timeout | undefined;
  const promise = timeout(1000, (s) => {
    scope = s;
    return 7;
  });
  assert.ok(scope !== undefined);
  assert.equal(scope.signal.aborted, false);
  assert.equal(await promise, 7);
});

Deno.test("timeout() resolves with a body's thenable that is not a promise", async () => {
  const thenable = {
    then: (resolve: (value: string) => void) => resolve("thenable"),
  } as PromiseLike<string>;
  assert.equal(await timeout(1000, () => thenable), "thenable");
});

Deno.test("timeout() rejects, rather than throws, when the body throws synchronously", async () => {
  const boom = new Error("boom");
  let promise: Promise<never> | undefined;
  assert.doesNotThrow(() => {
    promise = timeout(1000, () => {
      throw boom;
    });
  });
  await assert.rejects(promise!, (error) => error === boom);
});

Deno.test("timeout() rejects with TimeoutError caused by the scope's cancellation at the deadline", async () => {
  using time = fakeTime();
  let scope: Timeout | undefined;
  const call = watch(timeout(100, (s) => {
    scope = s;
    return sleeper(1000, "late")(s);
  }));
  await time.tick(99);
  assert.equal(call.settled, false);
  assert.equal(scope!.signal.aborted, false);
  assert.equal(scope!.expired(), false);
  await time.tick(1);
  assert.equal(call.settled, true);
  assertTimedOut(call.error, scope!.signal.reason);
  const cause = (call.error as TimeoutError).cause;
  assert.ok(cause instanceof CancelledError);
  assert.equal(cause.message, SCOPE_CANCEL);
  assert.equal(scope!.expired(), true);
  assert.equal(time.timers(), 0);
});

Deno.test("timeout() resolves with the body's value when the body swallows the cancellation", async () => {
  using time = fakeTime();
  let scope: Timeout | undefined;
  const call = watch(timeout(10, async (s) => {
    scope = s;
    try {
      await sleep(1000, { signal: s.signal });
      return "slept";
    } catch {
      return "recovered";
    }
  }));
  await time.tick(10);
  assert.equal(call.value, "recovered");
  assert.equal(scope!.expired(), true);
  assert.equal(time.timers(), 0);
});

Deno.test("timeout() passes a foreign error through unchanged after the deadline", async () => {
  using time = fakeTime();
  const foreign = new TypeError("not a cancellation");
  const call = watch(timeout(10, async (s) => {
    await sleep(1000, { signal: s.signal }).catch(() => {});
    throw foreign;
  }));
  await time.tick(10);
  assert.equal(call.error, foreign);
});

Deno.test("timeout() turns an AbortError-named error after the deadline into TimeoutError", async () => {
  using time = fakeTime();
  const abort = new DOMException("fetch aborted", "AbortError");
  const call = watch(timeout(10, async (s) => {
    await sleep(1000, { signal: s.signal }).catch(() => {});
    throw abort;
  }));
  await time.tick(10);
  assertTimedOut(call.error, abort);
});

Deno.test("timeout() passes a CancelledError through unchanged when the deadline has not passed", async () => {
  const cancelled = new CancelledError("someone else's");
  await assert.rejects(
    timeout(1000, () => Promise.reject(cancelled)),
    (error) => error === cancelled,
  );
});

Deno.test("timeout() does not treat an AbortError-named error before the deadline as a timeout", async () => {
  const abort = new DOMException("aborted elsewhere", "AbortError");
  await assert.rejects(timeout(1000, () => Promise.reject(abort)), (error) => error === abort);
});

Deno.test("timeout() aborts the scope before calling the body when delay is 0", async () => {
  using time = fakeTime();
  let seen: [boolean, boolean] | undefined;
  const value = await timeout(0, (scope) => {
    seen = [scope.signal.aborted, scope.expired()];
    return "ran";
  });
  assert.deepEqual(seen, [true, true]);
  assert.equal(value, "ran");
  assert.equal(time.timers(), 0);
});

Deno.test("timeout() rejects with TimeoutError for a negative delay when the body uses the signal", async () => {
  using time = fakeTime();
  let scope: Timeout | undefined;
  const error = await timeout(-5, (s) => {
    scope = s;
    return sleep(1000, { signal: s.signal });
  }).catch((e) => e);
  assertTimedOut(error, scope!.signal.reason);
  assert.ok(scope!.when()! < performance.now());
  assert.equal(time.timers(), 0);
});

for (const delay of [null, undefined, Infinity]) {
  Deno.test(`timeout() sets no deadline when delay is ${delay}`, async () => {
    using time = fakeTime();
    let scope: Timeout | undefined;
    const call = watch(timeout(delay, (s) => {
      scope = s;
      return sleeper(1_000_000, "patient")(s);
    }));
    assert.equal(scope!.when(), null);
    assert.equal(time.timers(), 1); // only the body's sleep
    await time.tick(1_000_000);
    assert.equal(call.value, "patient");
    assert.equal(scope!.expired(), false);
    assert.equal(time.timers(), 0);
  });
}

Deno.test("timeout() with a delay above 2^31-1 ms does not fire early", async () => {
  using time = fakeTime();
  const delay = 2 ** 31 + 5000;
  const start = performance.now();
  let scope: Timeout | undefined;
  const call = watch(timeout(delay, (s) => {
    scope = s;
    return sleep(Infinity, { signal: s.signal });
  }));
  assert.equal(scope!.when(), start + delay);
  await time.tick(2 ** 31 - 1);
  assert.equal(call.settled, false);
  await time.tick(5000);
  assert.equal(call.settled, false);
  assert.equal(scope!.signal.aborted, false);
  await time.tick(1);
  assertTimedOut(call.error);
  assert.equal(time.timers(), 0);
});

Deno.test("timeout() throws RangeError at the call when delay is NaN", () => {
  let called = false;
  assert.throws(() => timeout(NaN, () => called = true), {
    name: "RangeError",
    message: "Cannot start timeout as 'delay' must not be NaN: current value is NaN",
  });
  assert.equal(called, false);
});

Deno.test("timeout() throws TypeError at the call when delay is not a number", () => {
  assert.throws(() => timeout("5" as unknown as number, () => 1), {
    name: "TypeError",
    message:
      `Cannot start timeout as 'delay' must be a number of milliseconds: current value is "5"`,
  });
});

Deno.test("timeout() throws TypeError at the call when body is not a function", () => {
  assert.throws(
    () => timeout(5, Promise.resolve(1) as unknown as () => number),
    {
      name: "TypeError",
      message: "Cannot start timeout as 'body' must be a function: current value is " +
        "an instance of Promise",
    },
  );
});

Deno.test("timeout() throws TypeError at the call when options.signal is not an AbortSignal", () => {
  assert.throws(
    () => timeout(5, () => 1, { signal: {} as AbortSignal }),
    {
      name: "TypeError",
      message:
        "Cannot start timeout as 'signal' must be an AbortSignal: current value is an object",
    },
  );
});

Deno.test("timeout() rejects at once with the reason and never calls the body when options.signal is already aborted", async () => {
  const reason = new Error("gone");
  let called = false;
  const promise = timeout(1000, () => called = true, { signal: AbortSignal.abort(reason) });
  await assert.rejects(promise, (error) => error === reason);
  assert.equal(called, false);
});

Deno.test("timeout() passes the parent's reason through when options.signal aborts inside the scope", async () => {
  using time = fakeTime();
  const parent = new AbortController();
  const listeners = countListeners(parent.signal);
  const reason = new Error("user left");
  let scope: Timeout | undefined;
  const call = watch(timeout(100, (s) => {
    scope = s;
    return sleeper(1000, "late")(s);
  }, { signal: parent.signal }));
  assert.equal(listeners(), 1);
  await time.tick(50);
  parent.abort(reason);
  assert.equal(scope!.signal.aborted, true);
  assert.equal(scope!.signal.reason, reason);
  await flush();
  assert.equal(call.error, reason);
  assert.equal(scope!.expired(), false);
  assert.equal(listeners(), 0);
  assert.equal(time.timers(), 0);
});

Deno.test("timeout() stops its deadline when options.signal aborts, even while the body runs on", async () => {
  using time = fakeTime();
  const parent = new AbortController();
  let scope: Timeout | undefined;
  const call = watch(timeout(100, async (s) => {
    scope = s;
    await sleep(200);
    return "ignored the abort";
  }, { signal: parent.signal }));
  await time.tick(10);
  parent.abort(new Error("stop"));
  assert.equal(time.timers(), 1); // only the body's sleep
  await time.tick(190);
  assert.equal(call.value, "ignored the abort");
  assert.equal(scope!.expired(), false);
});

Deno.test("timeout() passes a parent's CancelledError through when the parent aborts first", async () => {
  using time = fakeTime();
  const parent = new AbortController();
  const reason = new CancelledError("parent cancelled");
  const call = watch(timeout(100, sleeper(1000, "late"), { signal: parent.signal }));
  await time.tick(10);
  parent.abort(reason);
  await time.tick(200);
  assert.equal(call.error, reason);
  assert.equal(time.timers(), 0);
});

Deno.test("timeout() rejects with the parent's reason when the parent aborts after the deadline but before the body ends", async () => {
  using time = fakeTime();
  const parent = new AbortController();
  const listeners = countListeners(parent.signal);
  let scope: Timeout | undefined;
  const call = watch(timeout(10, async (s) => {
    scope = s;
    // Ignores the abort for a while, then ends with it.
    await sleep(100);
    throw s.signal.reason;
  }, { signal: parent.signal }));
  await time.tick(10);
  assert.equal(scope!.expired(), true);
  assert.equal(listeners(), 0); // an expired scope no longer needs its parent
  const reason = new Error("too late");
  parent.abort(reason);
  await time.tick(100);
  // SPEC §1: a call given a signal rejects with its reason; asyncio lets the outer
  // cancellation through here too.
  assert.equal(call.error, reason);
});

Deno.test("timeout() removes its parent listener and timer when the body finishes or times out", async () => {
  using time = fakeTime();
  const parent = new AbortController();
  const listeners = countListeners(parent.signal);
  const quick = watch(timeout(100, sleeper(10, 1), { signal: parent.signal }));
  const slow = watch(timeout(50, sleeper(1000, 2), { signal: parent.signal }));
  assert.equal(listeners(), 1); // one listener however many scopes
  await time.tick(10);
  assert.equal(quick.value, 1);
  assert.equal(listeners(), 1);
  await time.tick(40);
  assertTimedOut(slow.error);
  assert.equal(listeners(), 0);
  assert.equal(time.timers(), 0);
});

Deno.test("timeout() leaves the scope's signal alone after the call has settled", async () => {
  const parent = new AbortController();
  let scope: Timeout | undefined;
  await timeout(1000, (s) => {
    scope = s;
  }, { signal: parent.signal });
  parent.abort();
  assert.equal(scope!.signal.aborted, false);
});

Deno.test("timeout() in nested scopes reports TimeoutError from the inner scope whose deadline fired", async () => {
  using time = fakeTime();
  let outer: Timeout | undefined;
  let inner: Timeout | undefined;
  const call = watch(timeout(100, (o) => {
    outer = o;
    return timeout(30, (i) => {
      inner = i;
      return sleeper(1000, "late")(i);
    }, { signal: o.signal });
  }));
  await time.tick(30);
  assertTimedOut(call.error, inner!.signal.reason);
  assert.deepEqual([outer!.expired(), inner!.expired()], [false, true]);
  assert.equal(outer!.signal.aborted, false);
  assert.equal(time.timers(), 0);
});

Deno.test("timeout() in nested scopes lets the outer scope's cancellation through the inner one", async () => {
  using time = fakeTime();
  let outer: Timeout | undefined;
  let inner: Timeout | undefined;
  let innerCall: ReturnType<typeof watch> | undefined;
  const call = watch(timeout(30, (o) => {
    outer = o;
    const promise = timeout(100, (i) => {
      inner = i;
      return sleeper(1000, "late")(i);
    }, { signal: o.signal });
    innerCall = watch(promise);
    return promise;
  }));
  await time.tick(30);
  assert.equal(innerCall!.error, outer!.signal.reason);
  assert.ok(innerCall!.error instanceof CancelledError);
  assertTimedOut(call.error, outer!.signal.reason);
  assert.equal(inner!.signal.reason, outer!.signal.reason);
  assert.deepEqual([outer!.expired(), inner!.expired()], [true, false]);
  assert.equal(time.timers(), 0);
});

Deno.test("timeout() in nested scopes with equal deadlines reports the outer scope", async () => {
  using time = fakeTime();
  const scopes: Timeout[] = [];
  const call = watch(timeout(50, (o) => {
    scopes.push(o);
    return timeout(50, (i) => {
      scopes.push(i);
      return sleeper(1000, "late")(i);
    }, { signal: o.signal });
  }));
  await time.tick(50);
  assertTimedOut(call.error, scopes[0].signal.reason);
  assert.deepEqual(scopes.map((s) => s.expired()), [true, false]);
});

Deno.test("timeout() in nested scopes: an inner scope that ignores its deadline past the outer one times out at the outer", async () => {
  using time = fakeTime();
  const scopes: Timeout[] = [];
  const call = watch(timeout(50, (o) => {
    scopes.push(o);
    return timeout(20, async (i) => {
      scopes.push(i);
      // Ignores the inner deadline until the outer one has passed too.
      await sleep(60);
      throw i.signal.reason;
    }, { signal: o.signal });
  }));
  await time.tick(80);
  // The inner scope's parent had aborted by then, so the inner call rejected with the outer
  // scope's cancellation, which the outer scope reports as its own timeout.
  assertTimedOut(call.error, scopes[0].signal.reason);
  assert.deepEqual(scopes.map((s) => s.expired()), [true, true]);
});

Deno.test("timeout() inside a cancelled task passes the task's CancelledError through", async () => {
  const task = createTask((signal) => timeout(60_000, sleeper(60_000, "late"), { signal }));
  await flush();
  task.cancel("stop");
  const error = await task.catch((e) => e);
  assert.ok(error instanceof CancelledError);
  assert.equal(error.message, "stop");
  assert.equal(task.cancelled(), true);
});

Deno.test("Timeout.reschedule() to a later deadline gives the body more time", async () => {
  using time = fakeTime();
  const call = watch(timeout(50, (s) => {
    s.reschedule(performance.now() + 200);
    return sleeper(150, "in time")(s);
  }));
  await time.tick(150);
  assert.equal(call.value, "in time");
  assert.equal(time.timers(), 0);
});

Deno.test("Timeout.reschedule() to an earlier deadline expires the scope sooner", async () => {
  using time = fakeTime();
  let scope: Timeout | undefined;
  const call = watch(timeout(500, (s) => {
    scope = s;
    s.reschedule(performance.now() + 20);
    return sleeper(1000, "late")(s);
  }));
  assert.equal(time.timers(), 2);
  await time.tick(19);
  assert.equal(call.settled, false);
  await time.tick(1);
  assertTimedOut(call.error, scope!.signal.reason);
  assert.equal(time.timers(), 0);
});

Deno.test("Timeout.reschedule(null) disables the deadline", async () => {
  using time = fakeTime();
  let scope: Timeout | undefined;
  const call = watch(timeout(10, (s) => {
    scope = s;
    s.reschedule(null);
    return sleeper(1000, "unhurried")(s);
  }));
  assert.equal(scope!.when(), null);
  await time.tick(1000);
  assert.equal(call.value, "unhurried");
  assert.equal(scope!.expired(), false);
});

Deno.test("Timeout.reschedule() re-enables a scope started without a deadline", async () => {
  using time = fakeTime();
  const call = watch(timeout(null, async (s) => {
    await sleep(10);
    s.reschedule(performance.now() + 10);
    await sleep(1000, { signal: s.signal });
  }));
  await time.tick(20);
  assertTimedOut(call.error);
});

Deno.test("Timeout.reschedule() to a past deadline expires the scope synchronously", async () => {
  using time = fakeTime();
  const call = watch(timeout(1000, async (s) => {
    await sleep(10);
    s.reschedule(performance.now() - 1);
    assert.equal(s.signal.aborted, true);
    assert.equal(s.expired(), true);
    await sleep(1000, { signal: s.signal });
  }));
  await time.tick(10);
  assertTimedOut(call.error);
  assert.equal(time.timers(), 0);
});

Deno.test("Timeout.reschedule() throws InvalidStateError once the scope has expired", async () => {
  using time = fakeTime();
  let scope: Timeout | undefined;
  const call = watch(timeout(10, async (s) => {
    scope = s;
    await sleep(100);
    assert.throws(() => s.reschedule(performance.now() + 1000), {
      name: "InvalidStateError",
      message: "Cannot reschedule timeout: the scope has already expired",
    });
    return "ok";
  }));
  await time.tick(100);
  assert.equal(call.value, "ok");
  assert.throws(() => scope!.reschedule(null), InvalidStateError);
});

Deno.test("Timeout.reschedule() throws InvalidStateError once the call has settled", async () => {
  let scope: Timeout | undefined;
  await timeout(1000, (s) => {
    scope = s;
  });
  assert.throws(() => scope!.reschedule(performance.now() + 1000), (error) => {
    assert.ok(error instanceof InvalidStateError);
    assert.equal(error.message, "Cannot reschedule timeout: the scope has already finished");
    return true;
  });
});

Deno.test("Timeout.reschedule() throws RangeError for NaN and TypeError for a non-number", async () => {
  await timeout(1000, (s) => {
    assert.throws(() => s.reschedule(NaN), {
      name: "RangeError",
      message: "Cannot reschedule timeout as 'deadline' must not be NaN: current value is NaN",
    });
    assert.throws(() => s.reschedule("soon" as unknown as number), {
      name: "TypeError",
      message:
        `Cannot reschedule timeout as 'deadline' must be a number of milliseconds: current value is "soon"`,
    });
  });
});

Deno.test("Timeout.reschedule() after the parent aborted records the deadline without firing", async () => {
  using time = fakeTime();
  const parent = new AbortController();
  let scope: Timeout | undefined;
  const call = watch(timeout(null, async (s) => {
    scope = s;
    await sleep(10);
    s.reschedule(performance.now() - 1);
    return s.expired();
  }, { signal: parent.signal }));
  parent.abort(new Error("stop"));
  await time.tick(10);
  assert.equal(call.value, false);
  assert.ok(scope!.when() !== null);
});

Deno.test("Timeout.when() returns the deadline on the performance.now() clock", async () => {
  using _time = fakeTime();
  const start = performance.now();
  await timeout(250, (s) => assert.equal(s.when(), start + 250));
});

Deno.test("timeoutAt() expires at the given deadline", async () => {
  using time = fakeTime();
  const deadline = performance.now() + 70;
  let scope: Timeout | undefined;
  const call = watch(timeoutAt(deadline, (s) => {
    scope = s;
    return sleeper(1000, "late")(s);
  }));
  assert.equal(scope!.when(), deadline);
  await time.tick(69);
  assert.equal(call.settled, false);
  await time.tick(1);
  assertTimedOut(call.error, scope!.signal.reason);
});

Deno.test("timeoutAt() aborts the scope before the body when the deadline is in the past", async () => {
  let aborted: boolean | undefined;
  const error = await timeoutAt(performance.now() - 1000, (s) => {
    aborted = s.signal.aborted;
    return sleep(60_000, { signal: s.signal });
  }).catch((e) => e);
  assert.equal(aborted, true);
  assertTimedOut(error);
});

Deno.test("timeoutAt() sets no deadline for null", async () => {
  assert.equal(await timeoutAt(null, (s) => s.when()), null);
});

Deno.test("timeoutAt() throws at the call for a bad deadline", () => {
  assert.throws(() => timeoutAt(NaN, () => 1), {
    name: "RangeError",
    message: "Cannot start timeout as 'deadline' must not be NaN: current value is NaN",
  });
  assert.throws(() => timeoutAt(1n as unknown as number, () => 1), {
    name: "TypeError",
    message:
      "Cannot start timeout as 'deadline' must be a number of milliseconds: current value is 1n",
  });
});

Deno.test("timeout() in random nestings reports exactly the outermost scope whose deadline passed first", async () => {
  const level = fc.record({
    // Even deadlines and odd work times never tie.
    delay: fc.option(fc.integer({ min: -2, max: 30 }).map((n) => n * 2), { nil: null }),
    // Not 0: a zero-delay timer runs 1 ms later (as in Node), which would tie with a deadline.
    after: fc.integer({ min: 1, max: 10 }).map((n) => n * 2),
    at: fc.boolean(),
  });
  await fc.assert(
    fc.asyncProperty(
      fc.array(level, { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 0, max: 40 }).map((n) => n * 2 + 1),
      async (levels, duration) => {
        using time = fakeTime();
        const scopes: (Timeout | undefined)[] = levels.map(() => undefined);
        const run = (i: number, signal?: AbortSignal): Promise<string> => {
          const { delay, after, at } = levels[i];
          const body = async (scope: Timeout) => {
            scopes[i] = scope;
            const value = i + 1 < levels.length
              ? await run(i + 1, scope.signal)
              : await sleeper(duration, "value")(scope);
            await sleep(after, { signal: scope.signal });
            return value;
          };
          return at
            ? timeoutAt(delay === null ? null : performance.now() + delay, body, { signal })
            : timeout(delay, body, { signal });
        };
        const call = watch(run(0));
        await time.tick(10_000);
        await flush();

        // Every level's body ends at `finish[i]` unless a deadline fires first.
        const finish: number[] = [];
        for (let i = levels.length - 1; i >= 0; i--) {
          finish[i] = (i + 1 < levels.length ? finish[i + 1] : duration) + levels[i].after;
        }
        let fired = -1;
        levels.forEach(({ delay }, i) => {
          if (delay === null) return;
          const at = Math.max(0, delay);
          if (at < finish[i] && (fired < 0 || at < Math.max(0, levels[fired].delay!))) fired = i;
        });

        assert.equal(call.settled, true);
        if (fired < 0) {
          assert.equal(call.value, "value");
        } else {
          assertTimedOut(call.error, scopes[fired]!.signal.reason);
        }
        scopes.forEach((scope, i) => {
          if (scope !== undefined) assert.equal(scope.expired(), i === fired);
        });
        assert.equal(time.timers(), 0);
      },
    ),
    { numRuns: 150 },
  );
});

Deno.test("timeout() settles like its body for random interleavings of body and parent abort", async () => {
  await fc.assert(
    fc.asyncProperty(fc.scheduler(), fc.boolean(), async (s, fails) => {
      const parent = new AbortController();
      const listeners = countListeners(parent.signal);
      const reason = new Error("parent");
      const failure = new Error("body");
      const scheduledAbort = s.schedule(Promise.resolve()).then(() => parent.abort(reason));
      let abortedFirst: boolean | undefined;
      const call = timeout(60_000, async (scope) => {
        await s.schedule(Promise.resolve());
        abortedFirst = scope.signal.aborted;
        if (abortedFirst) throw scope.signal.reason;
        if (fails) throw failure;
        return "value";
      }, { signal: parent.signal }).then((value) => ({ value }), (error) => ({ error }));
      await s.waitAll();
      await scheduledAbort;
      const outcome = await call;
      if (abortedFirst) assert.deepEqual(outcome, { error: reason });
      else if (fails) assert.deepEqual(outcome, { error: failure });
      else assert.deepEqual(outcome, { value: "value" });
      assert.equal(listeners(), 0);
    }),
    { numRuns: 50 },
  );
});

Deno.test("timeout() does not expire at once when setting the runtime timer takes longer than the delay", async () => {
  // Deno's first setTimeout in a process takes milliseconds: the clock moves while it is set.
  const realSetTimeout = globalThis.setTimeout;
  const realNow = performance.now.bind(performance);
  let skew = 0;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    skew += 20;
    return realSetTimeout(...args);
  }) as typeof setTimeout;
  performance.now = () => realNow() + skew;
  let expiredInBody: boolean | undefined;
  try {
    const value = await timeout(5, (scope) => {
      expiredInBody = scope.signal.aborted;
      return "in time";
    });
    assert.equal(value, "in time");
    assert.equal(expiredInBody, false);
  } finally {
    globalThis.setTimeout = realSetTimeout;
    performance.now = realNow;
  }
  // Let the timer the scope armed fire and find nothing due.
  await new Promise((resolve) => realSetTimeout(resolve, 30));
});

Deno.test("Timeout.reschedule() to a past deadline from a parent listener that runs first does not expire the scope", async () => {
  const parent = new AbortController();
  const reason = new Error("parent reason");
  let scope: Timeout | undefined;
  // Added before the scope links to the parent, so it runs before the scope hears the abort.
  parent.signal.addEventListener("abort", () => scope!.reschedule(-1));
  const call = timeout(null, (s) => {
    scope = s;
    return sleep(60_000, { signal: s.signal });
  }, { signal: parent.signal });
  parent.abort(reason);
  await assert.rejects(call, (error) => error === reason);
  assert.equal(scope!.expired(), false);
});
