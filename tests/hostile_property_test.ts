// Copyright 2026 the @aio/tasks authors. MIT license.
// Hostile values fed through every public function (SPEC §2 "Hostile values never break the
// machinery"): throwing getters, revoked proxies, thenables that call back 0, 1 or 2 times,
// synchronously or later, resolve-then-reject, and throwables that are not errors. Whatever comes
// in, everything settles (a thenable that never calls back is the one thing that may stay pending:
// then a cancel or a timeout settles the operation), nothing escapes as an uncaught error or an
// unhandled rejection, no timer is left, no child outlives its group and each failure surfaces
// exactly once.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  ALL_COMPLETED,
  asCompleted,
  createTask,
  ExceptionGroup,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  gather,
  InvalidStateError,
  shield,
  type Task,
  type TaskFn,
  type TaskGroup,
  taskGroup,
  type Timeout,
  timeout,
  TimeoutError,
  wait,
  waitFor,
} from "../mod.ts";
import { countListeners, fakeTime } from "./_fixtures.ts";
import {
  type Call,
  describeEscapes,
  errorWithThrowingGetter,
  type Escapes,
  misbehaving,
  type Outcome,
  revokedProxy,
  safeString,
  settleWithin,
  throwingThen,
  trapEscapes,
  turn,
} from "./_hostile.ts";

// ---------------------------------------------------------------------------------------------
// What a hostile source does, as plain data (so fast-check can print and shrink it).

const THROWABLES = [
  "error",
  "string",
  "symbol",
  "undefined",
  "null",
  "number",
  "name getter",
  "message getter",
  "stack getter",
  "revoked proxy",
  "then getter",
] as const;
type Throwable = typeof THROWABLES[number];

type Step = { ok: true } | { ok: false; what: Throwable };
type Timing = "sync" | "microtask" | "timer";

type Behaviour =
  | { kind: "value" }
  /** A function throws synchronously; a member is an already rejected promise. */
  | { kind: "throw"; what: Throwable }
  /** Rejects a step later. */
  | { kind: "reject"; what: Throwable; timing: Timing }
  /** A function returns an object whose `then` getter throws (results only). */
  | { kind: "then getter"; what: Throwable }
  /** A function returns a revoked proxy (results only). */
  | { kind: "revoked" }
  /** A thenable that makes `calls`, each `timing`, and then throws from `then` if `throws`. */
  | { kind: "thenable"; calls: Step[]; timing: Timing; throws: boolean };

const throwable = fc.constantFrom(...THROWABLES);
const timing = fc.constantFrom<Timing>("sync", "microtask", "timer");
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constant<Step>({ ok: true }),
  throwable.map((what): Step => ({ ok: false, what })),
);

/**
 * Behaviours of a source. `result` adds what only a function's result can be (a member with a
 * throwing `then` getter or a revoked proxy is bad input, refused at the call); `never` allows a
 * thenable that never calls back.
 */
function behaviour(options: { result: boolean; never: boolean }): fc.Arbitrary<Behaviour> {
  const kinds: fc.Arbitrary<Behaviour>[] = [
    fc.constant<Behaviour>({ kind: "value" }),
    throwable.map((what): Behaviour => ({ kind: "throw", what })),
    fc.record({ kind: fc.constant("reject" as const), what: throwable, timing }),
    fc.record({
      kind: fc.constant("thenable" as const),
      calls: fc.array(step, { minLength: 0, maxLength: 2 }),
      timing,
      throws: fc.boolean(),
    }).filter((b) => options.never || b.calls.length > 0 || b.throws),
  ];
  if (options.result) {
    kinds.push(
      throwable.map((what): Behaviour => ({ kind: "then getter", what })),
      fc.constant<Behaviour>({ kind: "revoked" }),
    );
  }
  return fc.oneof(...kinds);
}

const settlingResult = behaviour({ result: true, never: false });
const settlingMember = behaviour({ result: false, never: false });
const anyMember = behaviour({ result: false, never: true });

// ---------------------------------------------------------------------------------------------
// Building the values, and what awaiting them must give.

/** What awaiting a source gives: a value, a failure, any TypeError, or nothing ever. */
type Expected =
  | { ok: true; value: unknown }
  | { ok: false; error: unknown }
  | { ok: false; typeError: true }
  | { never: true };

let serial = 0;

function makeThrowable(what: Throwable): unknown {
  const n = ++serial;
  switch (what) {
    case "error":
      return new Error(`hostile ${n}`);
    case "string":
      return `hostile ${n}`;
    case "symbol":
      return Symbol(`hostile ${n}`);
    case "undefined":
      return undefined;
    case "null":
      return null;
    case "number":
      return n;
    case "name getter":
      return errorWithThrowingGetter("name");
    case "message getter":
      return errorWithThrowingGetter("message");
    case "stack getter":
      return errorWithThrowingGetter("stack");
    case "revoked proxy":
      return revokedProxy();
    case "then getter":
      return throwingThen(new Error(`then getter of a thrown value ${n}`));
  }
}

// Taken before any fake timers: a thenable's "timer" step is a real one.
const realSetTimeout = globalThis.setTimeout;

function later(timing: Timing, fn: () => void): void {
  if (timing === "sync") fn();
  else if (timing === "microtask") queueMicrotask(fn);
  else realSetTimeout(fn, 0);
}

/** A value that settles as `behaviour` says, built fresh, with what awaiting it must give. */
interface Built {
  /** Produces the result, or throws: what a task function or a body does. */
  run(): unknown;
  /** The member form: a promise or a thenable (only for member behaviours). */
  member(): PromiseLike<unknown>;
  expected: Expected;
}

function build(b: Behaviour): Built {
  switch (b.kind) {
    case "value": {
      const value = { value: ++serial };
      return {
        run: () => value,
        member: () => Promise.resolve(value),
        expected: { ok: true, value },
      };
    }
    case "throw": {
      const error = makeThrowable(b.what);
      return {
        run: () => {
          throw error;
        },
        member: () => Promise.reject(error),
        expected: { ok: false, error },
      };
    }
    case "reject": {
      const error = makeThrowable(b.what);
      const rejecting = () =>
        new Promise((_, reject) =>
          later(b.timing === "sync" ? "microtask" : b.timing, () => reject(error))
        );
      return { run: rejecting, member: rejecting, expected: { ok: false, error } };
    }
    case "then getter": {
      const error = makeThrowable(b.what);
      return {
        run: () => throwingThen(error),
        member: () => assert.fail("a then getter is not a member"),
        expected: { ok: false, error },
      };
    }
    case "revoked":
      return {
        run: () => revokedProxy(),
        member: () => assert.fail("a revoked proxy is not a member"),
        expected: { ok: false, typeError: true },
      };
    case "thenable": {
      const calls: Call[] = b.calls.map((s) =>
        s.ok
          ? { ok: true, value: { value: ++serial } }
          : { ok: false, error: makeThrowable(s.what) }
      );
      const thrown = new Error(`then threw ${++serial}`);
      const base = misbehaving(calls, b.timing !== "sync");
      const thenable: PromiseLike<unknown> = {
        // deno-lint-ignore no-explicit-any
        then(onFulfilled?: any, onRejected?: any): any {
          const wrap = (fn: (value: unknown) => unknown) => (value: unknown) =>
            later(b.timing === "timer" ? "timer" : "sync", () => fn(value));
          if (b.timing === "timer") base.then(wrap(onFulfilled), wrap(onRejected));
          else base.then(onFulfilled, onRejected);
          if (b.throws) throw thrown;
        },
      };
      // The first call wins, as with `await`: a synchronous call made before `then` threw, else
      // the throw, else the first later call.
      const first = calls[0];
      const expected: Expected = first !== undefined && (b.timing === "sync" || !b.throws)
        ? first.ok ? { ok: true, value: first.value } : { ok: false, error: first.error }
        : b.throws
        ? { ok: false, error: thrown }
        : { never: true };
      return { run: () => thenable, member: () => thenable, expected };
    }
  }
}

/** `value instanceof type` that never throws (a revoked proxy makes `instanceof` throw). */
function isA(value: unknown, type: abstract new (...args: never[]) => unknown): boolean {
  try {
    return value instanceof type;
  } catch {
    return false;
  }
}

/** Why `outcome` is not what `expected` says, or `undefined` if it is. */
function mismatch(outcome: Outcome<unknown> | undefined, expected: Expected): string | undefined {
  if ("never" in expected) return undefined;
  if (outcome === undefined) return "never settled";
  if (expected.ok) {
    if (outcome.ok && outcome.value === expected.value) return undefined;
  } else if ("typeError" in expected) {
    if (!outcome.ok && isA(outcome.error, TypeError)) return undefined;
  } else if (!outcome.ok && outcome.error === expected.error) return undefined;
  const got = outcome.ok
    ? `fulfilled ${safeString(outcome.value)}`
    : `failed ${safeString(outcome.error)}`;
  const want = expected.ok
    ? `fulfilled ${safeString(expected.value)}`
    : "typeError" in expected
    ? "failed with a TypeError"
    : `failed ${safeString(expected.error)}`;
  return `${got}, expected ${want}`;
}

/** Whether `error` is what a failing source's `expected` says. */
function isExpectedError(error: unknown, expected: Expected): boolean {
  return !("never" in expected) && !expected.ok &&
    ("typeError" in expected ? isA(error, TypeError) : error === expected.error);
}

/** Settles within `turns` real turns, or fails the property with `what`. */
async function settles<T>(promise: PromiseLike<T>, what: string, turns = 10): Promise<Outcome<T>> {
  const outcome = await settleWithin(promise, turns);
  assert.ok(outcome !== undefined, `${what} never settled`);
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// The harness: one trap per test, checked after every run.

// 360 runs in all (CI asks at least 300); the whole file takes a few seconds.
const RUNS = {
  createTask: 50,
  gather: 50,
  wait: 40,
  waitFor: 40,
  asCompleted: 40,
  shield: 40,
  taskGroup: 60,
  timeout: 40,
};

async function check(escapes: Escapes, seen: { uncaught: number; unhandled: number }) {
  await turn();
  await turn();
  const uncaught = escapes.uncaught.slice(seen.uncaught);
  const unhandled = escapes.unhandled.slice(seen.unhandled);
  seen.uncaught = escapes.uncaught.length;
  seen.unhandled = escapes.unhandled.length;
  assert.equal(
    describeEscapes({ uncaught, unhandled, [Symbol.dispose]() {} }),
    "nothing escaped",
  );
}

/** Runs `property` with a trap set, checking after each run that nothing escaped. */
async function hostile<Ts extends [unknown, ...unknown[]]>(
  numRuns: number,
  arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
  property: (...args: Ts) => Promise<void>,
): Promise<void> {
  using escapes = trapEscapes();
  const seen = { uncaught: 0, unhandled: 0 };
  try {
    await fc.assert(
      fc.asyncProperty(...arbitraries, async (...args: Ts) => {
        try {
          await property(...args);
        } finally {
          await check(escapes, seen);
        }
      }),
      { numRuns },
    );
  } finally {
    // What a failing run left behind escapes while the trap is still set, not after the test
    // ended (node:test cannot even describe an escaped revoked proxy then).
    for (let i = 0; i < 5; i++) await turn(10);
  }
}

/** A parent signal whose abort listeners are counted: none may stay once a call settled. */
function parent(): { signal: AbortSignal; listeners: () => number; abort: () => void } {
  const controller = new AbortController();
  const { signal } = controller;
  return { signal, listeners: countListeners(signal), abort: () => controller.abort() };
}

const NO_LISTENER = "a listener on the parent signal outlived the call";

/** A task function for `built`, declared with or without the signal parameter. */
function taskFn(built: Built, takesSignal: boolean, onRun: () => void = () => {}): TaskFn<unknown> {
  return takesSignal
    ? (_signal: AbortSignal) => {
      onRun();
      return built.run();
    }
    : () => {
      onRun();
      return built.run();
    };
}

// ---------------------------------------------------------------------------------------------
// The properties.

Deno.test("createTask() settles once, as await would, whatever its function returns or throws", async () => {
  await hostile(RUNS.createTask, [settlingResult, fc.boolean()], async (b, takesSignal) => {
    const built = build(b);
    let callbacks = 0;
    const task = createTask(taskFn(built, takesSignal));
    task.addDoneCallback(() => callbacks++);
    const outcome = await settles(task, "the task");
    assert.equal(mismatch(outcome, built.expected), undefined);
    assert.equal(task.done(), true);
    await turn();
    assert.equal(callbacks, 1, "the done callback did not run exactly once");
  });
});

const gatherMember = fc.record({ fn: fc.boolean(), takesSignal: fc.boolean(), b: settlingMember });
const gatherResult = fc.record({
  fn: fc.constant(true),
  takesSignal: fc.boolean(),
  b: settlingResult,
});

Deno.test("gather() settles as its members say, counting each member once", async () => {
  await hostile(
    RUNS.gather,
    [fc.array(fc.oneof(gatherMember, gatherResult), { minLength: 1, maxLength: 4 }), fc.boolean()],
    async (specs, returnExceptions) => {
      const members = specs.map((spec) => ({ spec, built: build(spec.b) }));
      const aws = members.map(({ spec, built }) =>
        spec.fn ? taskFn(built, spec.takesSignal) : built.member()
      );
      const { signal, listeners } = parent();
      const outcome = await settles(gather(aws, { returnExceptions, signal }), "the gather");
      assert.equal(listeners(), 0, NO_LISTENER);
      const failing = members.filter(({ built }) =>
        !("never" in built.expected) && !built.expected.ok
      );
      if (returnExceptions || failing.length === 0) {
        assert.ok(outcome.ok, `the gather failed: ${safeString(outcome.ok || outcome.error)}`);
        const results = outcome.value as unknown[];
        assert.equal(results.length, members.length);
        members.forEach(({ built }, i) => {
          const expected = built.expected;
          const got: Outcome<unknown> = "ok" in expected && !expected.ok
            ? { ok: false, error: results[i] }
            : { ok: true, value: results[i] };
          assert.equal(mismatch(got, expected), undefined, `member ${i}`);
        });
      } else {
        assert.ok(!outcome.ok, "the gather fulfilled although a member failed");
        assert.ok(
          failing.some(({ built }) => isExpectedError(outcome.error, built.expected)),
          `the gather failed with ${safeString(outcome.error)}, not a member's failure`,
        );
      }
    },
  );
});

/** A member of a wait, asCompleted or shield: a task made from a function, or a promise. */
function materialize(spec: { fn: boolean; b: Behaviour }) {
  const built = build(spec.b);
  const value = spec.fn ? createTask(taskFn(built, true)) : built.member();
  return { built, value };
}

const waitMember = fc.oneof(
  fc.record({ fn: fc.constant(true), b: settlingResult }),
  fc.record({ fn: fc.constant(false), b: anyMember }),
);

Deno.test("wait() settles with every member in done or pending, once", async () => {
  await hostile(
    RUNS.wait,
    [
      fc.array(waitMember, { minLength: 1, maxLength: 4 }),
      fc.constantFrom(ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION),
      fc.constantFrom(undefined, 0, 2),
    ],
    async (specs, returnWhen, timeoutMs) => {
      const members = specs.map(materialize);
      const never = members.some(({ built }) => "never" in built.expected);
      const values = members.map(({ value }) => value);
      const { signal, listeners } = parent();
      const outcome = await settles(
        wait(values, { returnWhen, timeout: never ? (timeoutMs ?? 2) : timeoutMs, signal }),
        "the wait",
      );
      assert.equal(listeners(), 0, NO_LISTENER);
      assert.ok(outcome.ok, `the wait rejected with ${safeString(!outcome.ok && outcome.error)}`);
      const [done, pending] = outcome.value;
      assert.equal(done.size + pending.size, new Set(values).size);
      for (const value of values) {
        assert.ok(done.has(value) !== pending.has(value), "a member is in both sets or in none");
        if (done.has(value) && (value as Task<unknown>).done !== undefined) {
          assert.ok((value as Task<unknown>).done(), "a task in done is not done");
        }
      }
      if (returnWhen === ALL_COMPLETED && timeoutMs === undefined && !never) {
        assert.equal(pending.size, 0);
      }
      for (const { value } of members) Promise.resolve(value).catch(() => {});
    },
  );
});

Deno.test("waitFor() settles as its awaitable says, or with a TimeoutError", async () => {
  await hostile(
    RUNS.waitFor,
    [
      fc.oneof(
        fc.record({ fn: fc.constant(true), b: settlingResult }),
        fc.record({ fn: fc.constant(false), b: anyMember }),
      ),
      fc.constantFrom(null, 0, 2),
    ],
    async (spec, ms) => {
      const built = build(spec.b);
      let ran = false;
      const aw = spec.fn ? taskFn(built, true, () => ran = true) : built.member();
      const never = "never" in built.expected;
      const { signal, listeners } = parent();
      const outcome = await settles(waitFor(aw, never ? (ms ?? 2) : ms, { signal }), "the waitFor");
      assert.equal(listeners(), 0, NO_LISTENER);
      if (!outcome.ok && isA(outcome.error, TimeoutError)) {
        assert.ok(
          !spec.fn || !ran,
          "a task function that ignores its signal and settles timed out instead of settling",
        );
        return;
      }
      assert.equal(mismatch(outcome, built.expected), undefined);
    },
  );
});

Deno.test("asCompleted() yields each member once, settled, or fails the step with a TimeoutError", async () => {
  await hostile(
    RUNS.asCompleted,
    [fc.array(waitMember, { minLength: 1, maxLength: 4 }), fc.boolean()],
    async (specs, leaveEarly) => {
      const members = specs.map(materialize);
      const never = members.some(({ built }) => "never" in built.expected);
      const values = members.map(({ value }) => value);
      const yielded: unknown[] = [];
      const { signal, listeners } = parent();
      const loop = (async () => {
        for await (
          const member of asCompleted(values, { timeout: never ? 2 : undefined, signal })
        ) {
          yielded.push(member);
          if (leaveEarly) break;
        }
      })();
      const outcome = await settles(loop, "the loop");
      assert.equal(listeners(), 0, NO_LISTENER);
      if (!outcome.ok) {
        assert.ok(never, `the loop failed with ${safeString(outcome.error)}`);
        assert.ok(isA(outcome.error, TimeoutError));
      }
      assert.equal(new Set(yielded).size, yielded.length, "a member was yielded twice");
      for (const member of yielded) {
        const index = values.indexOf(member as PromiseLike<unknown>);
        assert.ok(index >= 0, "a value that is not a member was yielded");
        const got = await settles(member as PromiseLike<unknown>, `member ${index}`);
        assert.equal(mismatch(got, members[index]!.built.expected), undefined, `member ${index}`);
      }
      if (outcome.ok && !leaveEarly) assert.equal(yielded.length, new Set(values).size);
      for (const value of values) Promise.resolve(value).catch(() => {});
    },
  );
});

Deno.test("shield() settles as what it follows, or cancelled when cancelled", async () => {
  await hostile(
    RUNS.shield,
    [
      fc.oneof(
        fc.record({ fn: fc.constant(true), b: settlingResult }),
        fc.record({ fn: fc.constant(false), b: anyMember }),
      ),
      fc.boolean(),
    ],
    async (spec, cancelEarly) => {
      const built = build(spec.b);
      const { signal, listeners } = parent();
      const outer = shield(spec.fn ? taskFn(built, true) : built.member(), { signal });
      const never = "never" in built.expected;
      if (cancelEarly) outer.cancel();
      let outcome = await settleWithin(outer, never && !cancelEarly ? 2 : 10);
      if (outcome === undefined) {
        assert.ok(never, "the shield never settled");
        outer.cancel();
        outcome = await settles(outer, "the cancelled shield");
      }
      assert.equal(listeners(), 0, NO_LISTENER);
      if (cancelEarly || never) assert.equal(outer.cancelled(), true);
      else assert.equal(mismatch(outcome, built.expected), undefined);
    },
  );
});

/** A group body: plain or async, its children (some created after an await), its outcome. */
interface GroupSpec {
  body: Behaviour;
  async: boolean;
  children: { b: Behaviour; late: boolean }[];
  limit: number | undefined;
}

const groupSpec: fc.Arbitrary<GroupSpec> = fc.record({
  body: settlingResult,
  async: fc.boolean(),
  children: fc.array(fc.record({ b: settlingResult, late: fc.boolean() }), { maxLength: 4 }),
  limit: fc.constantFrom(undefined, 1, 2),
});

Deno.test("taskGroup() ends after all its children, with each failure recorded once", async () => {
  await hostile(RUNS.taskGroup, [groupSpec], async (spec) => {
    const body = build(spec.body);
    const children = spec.children.map((child) => ({
      ...child,
      built: build(child.b),
      ran: false,
    }));
    const tasks: Task<unknown>[] = [];
    const create = (tg: TaskGroup, child: typeof children[number]) => {
      try {
        tasks.push(tg.createTask(taskFn(child.built, true, () => child.ran = true)));
      } catch (error) {
        // Refused once the group shuts down: the child then never exists.
        if (!(error instanceof InvalidStateError)) throw error;
      }
    };
    let allDoneAtSettle: boolean | undefined;
    const { signal, listeners } = parent();
    const group = taskGroup(
      spec.async
        ? async (tg) => {
          for (const child of children) if (!child.late) create(tg, child);
          await null;
          for (const child of children) if (child.late) create(tg, child);
          return await body.run();
        }
        : (tg) => {
          for (const child of children) create(tg, child);
          return body.run();
        },
      { limit: spec.limit, signal },
    );
    group.then(() => allDoneAtSettle = tasks.every((t) => t.done()), () => {
      allDoneAtSettle = tasks.every((t) => t.done());
    });
    const outcome = await settles(group, "the group", 15);
    assert.equal(allDoneAtSettle, true, "the group settled before all its children were done");
    assert.equal(listeners(), 0, NO_LISTENER);
    // What must be recorded: every child that ran and failed, and the body's failure.
    const failures = children.filter((c) =>
      c.ran && !("never" in c.built.expected) && !c.built.expected.ok
    )
      .map((c) => c.built.expected);
    if (!("never" in body.expected) && !body.expected.ok) failures.push(body.expected);
    if (failures.length === 0) {
      assert.ok(outcome.ok, `the group failed with ${safeString(!outcome.ok && outcome.error)}`);
      assert.equal(mismatch(outcome, body.expected), undefined);
      return;
    }
    assert.ok(!outcome.ok, "the group fulfilled although something failed");
    assert.ok(
      isA(outcome.error, ExceptionGroup),
      `expected an ExceptionGroup: ${safeString(outcome.error)}`,
    );
    const errors = (outcome.error as ExceptionGroup).errors;
    for (const error of errors) {
      assert.ok(
        failures.some((expected) => isExpectedError(error, expected)),
        `the group recorded ${safeString(error)}, which nothing failed with`,
      );
    }
    // Each failure once: objects, symbols, strings and numbers made here are unique; a
    // TypeError stands for what a revoked proxy gave; undefined and null can repeat.
    const typeErrors = failures.filter((expected) => "typeError" in expected).length;
    assert.equal(errors.filter((error) => isA(error, TypeError)).length, typeErrors);
    for (const expected of failures) {
      if ("typeError" in expected || "never" in expected || expected.ok) continue;
      const count = errors.filter((error) => error === expected.error).length;
      if (expected.error === undefined || expected.error === null) {
        assert.ok(count >= 1, `${expected.error} was not recorded`);
      } else assert.equal(count, 1, `${safeString(expected.error)} was recorded ${count} times`);
    }
  });
});

Deno.test("timeout() settles as its body says and leaves no timer or listener behind", async () => {
  await hostile(
    RUNS.timeout,
    [settlingResult, fc.boolean(), fc.constantFrom(0, 50, null)],
    async (b, async, delay) => {
      using time = fakeTime();
      const { signal, listeners, abort } = parent();
      const built = build(b);
      let scope: Timeout | undefined;
      const outcome = await settles(
        timeout(
          delay,
          async
            ? async (s) => {
              scope = s;
              await null;
              return await built.run();
            }
            : (s) => {
              scope = s;
              return built.run();
            },
          { signal },
        ),
        "the timeout",
      );
      assert.equal(mismatch(outcome, built.expected), undefined);
      assert.equal(time.timers(), 0, "the scope's timer outlived the call");
      assert.equal(listeners(), 0, NO_LISTENER);
      const abortedAtEnd = scope!.signal.aborted;
      await time.tick(100);
      abort();
      assert.equal(
        scope!.signal.aborted,
        abortedAtEnd,
        "scope.signal aborted after the call settled",
      );
    },
  );
});
