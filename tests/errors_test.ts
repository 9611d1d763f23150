// Copyright 2026 the @aio/tasks authors. MIT license.
import assert from "node:assert/strict";
import {
  CancelledError,
  type ErrorCondition,
  ExceptionGroup,
  InvalidStateError,
  TimeoutError,
} from "../errors.ts";
import { taskGroup } from "../group.ts";
import { revokedProxy } from "./_hostile.ts";

// The error tree of most split tests:
//   top: [TypeError a, inner: [RangeError b, TypeError c], RangeError d]
function tree() {
  const a = new TypeError("a");
  const b = new RangeError("b");
  const c = new TypeError("c");
  const d = new RangeError("d");
  const inner = new ExceptionGroup("inner", [b, c]);
  const top = new ExceptionGroup("top", [a, inner, d], { cause: "why" });
  return { a, b, c, d, inner, top };
}

Deno.test("CancelledError is a DOMException named AbortError with the given message", () => {
  const error = new CancelledError("stop");
  assert.ok(error instanceof CancelledError);
  assert.ok(error instanceof DOMException);
  assert.ok(error instanceof Error);
  assert.equal(error.name, "AbortError");
  assert.equal(error.message, "stop");
  assert.equal("cause" in error, false);
  assert.equal(Object.prototype.toString.call(error), "[object DOMException]");
});

Deno.test("CancelledError has an empty message and no cause when given nothing", () => {
  const error = new CancelledError();
  assert.equal(error.message, "");
  assert.equal(error.name, "AbortError");
  assert.equal("cause" in error, false);
});

Deno.test("CancelledError keeps options.cause, also when the cause is undefined", () => {
  const cause = new Error("parent");
  assert.equal(new CancelledError("m", { cause }).cause, cause);
  const undefinedCause = new CancelledError("m", { cause: undefined });
  assert.equal("cause" in undefinedCause, true);
  assert.equal(undefinedCause.cause, undefined);
});

Deno.test("TimeoutError is a DOMException named TimeoutError with message and cause", () => {
  const cause = new CancelledError("deadline");
  const error = new TimeoutError("too slow", { cause });
  assert.ok(error instanceof TimeoutError);
  assert.ok(error instanceof DOMException);
  assert.ok(error instanceof Error);
  assert.equal(error instanceof CancelledError, false);
  assert.equal(error.name, "TimeoutError");
  assert.equal(error.message, "too slow");
  assert.equal(error.cause, cause);
  assert.equal(new TimeoutError().message, "");
  assert.equal("cause" in new TimeoutError("x"), false);
});

Deno.test("InvalidStateError is a DOMException named InvalidStateError with message and cause", () => {
  const error = new InvalidStateError("not yet", { cause: 7 });
  assert.ok(error instanceof InvalidStateError);
  assert.ok(error instanceof DOMException);
  assert.ok(error instanceof Error);
  assert.equal(error.name, "InvalidStateError");
  assert.equal(error.message, "not yet");
  assert.equal(error.cause, 7);
  assert.equal(new InvalidStateError().message, "");
});

Deno.test("CancelledError, TimeoutError and InvalidStateError are distinct classes", () => {
  assert.equal(new TimeoutError() instanceof InvalidStateError, false);
  assert.equal(new InvalidStateError() instanceof CancelledError, false);
  assert.equal(new CancelledError() instanceof TimeoutError, false);
  // A plain AbortError DOMException is not a CancelledError.
  assert.equal(new DOMException("x", "AbortError") instanceof CancelledError, false);
});

/** The reason of an `AbortSignal.timeout()`: the platform's own timeout error. */
function platformTimeout(): Promise<unknown> {
  const signal = AbortSignal.timeout(1);
  // Node 22 does not keep the program alive for AbortSignal.timeout(): this timer does.
  const alive = setTimeout(() => {}, 10_000);
  return new Promise((resolve) => {
    signal.addEventListener("abort", () => {
      clearTimeout(alive);
      resolve(signal.reason);
    }, { once: true });
  });
}

Deno.test("TimeoutError matches the reason of AbortSignal.timeout() with instanceof", async () => {
  const reason = await platformTimeout();
  assert.ok(reason instanceof DOMException);
  assert.equal(Object.getPrototypeOf(reason), DOMException.prototype);
  assert.ok(reason instanceof TimeoutError);
  assert.equal(reason instanceof CancelledError, false);
  assert.equal(reason instanceof InvalidStateError, false);
});

Deno.test("TimeoutError matches any DOMException named TimeoutError, and no other name", () => {
  assert.ok(new DOMException("late", "TimeoutError") instanceof TimeoutError);
  assert.equal(new DOMException("stop", "AbortError") instanceof TimeoutError, false);
  assert.equal(new DOMException("x") instanceof TimeoutError, false);
  // The same name on something that is not a DOMException is not a platform timeout.
  const lookalike = new Error("late");
  lookalike.name = "TimeoutError";
  assert.equal(lookalike instanceof TimeoutError, false);
  assert.equal({ name: "TimeoutError" } instanceof TimeoutError, false);
  for (const value of [undefined, null, 0, "TimeoutError", Symbol("t")]) {
    assert.equal((value as unknown) instanceof TimeoutError, false);
  }
});

Deno.test("TimeoutError keeps prototype matching for its instances and subclasses", () => {
  class SlowError extends TimeoutError {}
  const slow = new SlowError("slow");
  assert.ok(slow instanceof SlowError);
  assert.ok(slow instanceof TimeoutError);
  assert.ok(new TimeoutError("t") instanceof TimeoutError);
  // A subclass matches its own instances only, not every platform timeout.
  assert.equal(new TimeoutError("t") instanceof SlowError, false);
  assert.equal(new DOMException("late", "TimeoutError") instanceof SlowError, false);
  // An object made with the prototype counts, as with any class.
  assert.ok(Object.create(TimeoutError.prototype) instanceof TimeoutError);
});

Deno.test("TimeoutError's instanceof never throws on hostile values", () => {
  assert.equal(revokedProxy() instanceof TimeoutError, false);
  // DOMException's own name getter throws for an object that is not a real DOMException.
  assert.equal(Object.create(DOMException.prototype) instanceof TimeoutError, false);
  const hostile = new DOMException("late", "TimeoutError");
  Object.defineProperty(hostile, "name", {
    get() {
      throw new Error("the name getter was read");
    },
  });
  assert.equal(hostile instanceof TimeoutError, false);
  const proxy = new Proxy(new DOMException("late", "TimeoutError"), {
    getPrototypeOf() {
      throw new Error("getPrototypeOf");
    },
  });
  assert.equal(proxy instanceof TimeoutError, false);
});

Deno.test("CancelledError and InvalidStateError keep plain instanceof", async () => {
  const reason = await platformTimeout();
  assert.equal(reason instanceof CancelledError, false);
  assert.equal(AbortSignal.abort().reason instanceof CancelledError, false);
  assert.equal(new DOMException("x", "InvalidStateError") instanceof InvalidStateError, false);
  assert.equal(Object.hasOwn(CancelledError, Symbol.hasInstance), false);
  assert.equal(Object.hasOwn(InvalidStateError, Symbol.hasInstance), false);
  assert.ok(new CancelledError() instanceof CancelledError);
  assert.ok(new InvalidStateError() instanceof InvalidStateError);
});

Deno.test("ExceptionGroup.split() and subgroup() with TimeoutError catch platform timeouts", async () => {
  const platform = await platformTimeout();
  const own = new TimeoutError("own");
  const other = new RangeError("other");
  const eg = new ExceptionGroup("failures", [platform, new ExceptionGroup("inner", [own, other])]);
  const [timeouts, rest] = eg.split(TimeoutError);
  assert.equal(timeouts?.errors[0], platform);
  assert.deepEqual((timeouts?.errors[1] as ExceptionGroup).errors, [own]);
  assert.deepEqual((rest?.errors[0] as ExceptionGroup).errors, [other]);
  assert.equal(eg.subgroup(TimeoutError)?.errors[0], platform);
});

Deno.test("taskGroup() failures from AbortSignal.timeout() split out as TimeoutError", async () => {
  const error = await taskGroup((tg) => {
    tg.createTask(async () => {
      // What fetch(url, { signal: AbortSignal.timeout(1) }) rejects with when it fires.
      throw await platformTimeout();
    }, { name: "fetch" });
    tg.createTask(() => {
      throw new TypeError("bad shape");
    });
  }).catch((e) => e);
  assert.ok(error instanceof ExceptionGroup);
  const [timeouts, rest] = error.split(TimeoutError);
  assert.equal(timeouts?.errors.length, 1);
  assert.equal((timeouts?.errors[0] as DOMException).name, "TimeoutError");
  assert.ok(rest?.errors[0] instanceof TypeError);
});

Deno.test("ExceptionGroup is an AggregateError named ExceptionGroup with message and errors", () => {
  const errors = [new Error("a"), "b"];
  const group = new ExceptionGroup("several", errors);
  assert.ok(group instanceof ExceptionGroup);
  assert.ok(group instanceof AggregateError);
  assert.ok(group instanceof Error);
  assert.equal(group instanceof DOMException, false);
  assert.equal(group.name, "ExceptionGroup");
  assert.equal(group.message, "several");
  assert.deepEqual(group.errors, errors);
  assert.equal(group.errors[0], errors[0]);
  assert.equal("cause" in group, false);
  assert.equal(String(group), "ExceptionGroup: several");
});

Deno.test("ExceptionGroup keeps options.cause and accepts any iterable", () => {
  const cause = new Error("root");
  const group = new ExceptionGroup("m", new Set([1, 2]), { cause });
  assert.equal(group.cause, cause);
  assert.deepEqual(group.errors, [1, 2]);
});

Deno.test("ExceptionGroup keeps a nested group as one element", () => {
  const { inner, top } = tree();
  assert.equal(top.errors.length, 3);
  assert.equal(top.errors[1], inner);
  assert.equal(inner.errors.length, 2);
});

Deno.test("ExceptionGroup.subgroup() keeps the matching leaves and the nesting for a class", () => {
  const { a, c, top } = tree();
  const sub = top.subgroup(TypeError);
  assert.ok(sub instanceof ExceptionGroup);
  assert.notEqual(sub, top);
  assert.equal(sub.message, "top");
  assert.equal(sub.cause, "why");
  assert.equal(sub.errors.length, 2);
  assert.equal(sub.errors[0], a);
  const nested = sub.errors[1];
  assert.ok(nested instanceof ExceptionGroup);
  assert.equal(nested.message, "inner");
  assert.deepEqual(nested.errors, [c]);
  assert.equal(nested.errors[0], c);
});

Deno.test("ExceptionGroup.subgroup() matches with a predicate", () => {
  const { b, d, top } = tree();
  const sub = top.subgroup((e) => e instanceof RangeError);
  assert.ok(sub !== undefined);
  assert.equal(sub.errors.length, 2);
  assert.deepEqual((sub.errors[0] as ExceptionGroup).errors, [b]);
  assert.equal(sub.errors[1], d);
});

Deno.test("ExceptionGroup.subgroup() returns the same object when everything matches", () => {
  const { top, inner } = tree();
  assert.equal(top.subgroup(Error), top);
  assert.equal(top.subgroup(() => true), top);
  assert.equal(inner.subgroup(Error), inner);
});

Deno.test("ExceptionGroup.subgroup() returns the group itself when the group matches", () => {
  const { top } = tree();
  assert.equal(top.subgroup(ExceptionGroup), top);
  assert.equal(top.subgroup(AggregateError), top);
  assert.equal(top.subgroup((e) => e === top), top);
});

Deno.test("ExceptionGroup.subgroup() keeps a nested group whole when the group matches", () => {
  const { a, inner, top } = tree();
  const sub = top.subgroup((e) => e === inner || e === a);
  assert.ok(sub !== undefined);
  assert.equal(sub.errors.length, 2);
  assert.equal(sub.errors[0], a);
  assert.equal(sub.errors[1], inner);
});

Deno.test("ExceptionGroup.subgroup() keeps a nested group that matches entirely as is", () => {
  const inner = new ExceptionGroup("inner", [new TypeError("x"), new TypeError("y")]);
  const top = new ExceptionGroup("top", [inner, new RangeError("z")]);
  const sub = top.subgroup(TypeError);
  assert.ok(sub !== undefined);
  assert.equal(sub.errors.length, 1);
  assert.equal(sub.errors[0], inner);
});

Deno.test("ExceptionGroup.split() and subgroup() treat a revoked proxy or a fake group as a plain error", async () => {
  const proxy = revokedProxy();
  const fake = Object.create(ExceptionGroup.prototype);
  const inner = new ExceptionGroup("inner", [proxy, new RangeError("r")]);
  const eg = new ExceptionGroup("outer", [proxy, fake, inner]);
  const [timeouts, rest] = eg.split(TimeoutError);
  assert.equal(timeouts, undefined);
  assert.equal(rest, eg);
  const ranges = eg.subgroup(RangeError)!;
  assert.equal((ranges.errors[0] as ExceptionGroup).errors.length, 1);
  const [none, all] = eg.split(() => false);
  assert.equal(none, undefined);
  assert.equal(all, eg);
  const [matched, left] = eg.split((e) => e === proxy);
  assert.deepEqual(matched?.errors.length, 2);
  assert.equal(left?.errors[0], fake);
  // As recorded by a task group.
  const recorded = await taskGroup((tg) => {
    tg.createTask(() => {
      throw proxy;
    });
  }).then(() => assert.fail("the group must fail"), (e: ExceptionGroup) => e);
  assert.equal(recorded.subgroup(TypeError), undefined);
  assert.equal(recorded.split(() => false)[1], recorded);
});

Deno.test("ExceptionGroup.subgroup() returns undefined when nothing matches", () => {
  const { top } = tree();
  assert.equal(top.subgroup(SyntaxError), undefined);
  assert.equal(top.subgroup(() => false), undefined);
  assert.equal(top.subgroup(CancelledError), undefined);
});

Deno.test("ExceptionGroup.subgroup() drops nested groups that end up empty", () => {
  const { a, d, top } = tree();
  const sub = top.subgroup((e) => e === a || e === d);
  assert.ok(sub !== undefined);
  assert.deepEqual(sub.errors, [a, d]);
  assert.equal(sub.errors.some((e) => e instanceof ExceptionGroup), false);
});

Deno.test("ExceptionGroup.subgroup() drops nested groups that hold no error", () => {
  const a = new TypeError("a");
  const b = new RangeError("b");
  const top = new ExceptionGroup("top", [a, new ExceptionGroup("empty", []), b]);
  assert.deepEqual(top.subgroup(TypeError)?.errors, [a]);
  assert.deepEqual(top.subgroup(RangeError)?.errors, [b]);
  assert.equal(new ExceptionGroup("empty", []).subgroup(TypeError), undefined);
  assert.equal(
    new ExceptionGroup("top", [new ExceptionGroup("empty", [])]).subgroup(TypeError),
    undefined,
  );
});

Deno.test("ExceptionGroup.subgroup() calls a predicate with groups and leaves, outer first", () => {
  const { a, b, c, d, inner, top } = tree();
  const seen: unknown[] = [];
  top.subgroup((e) => {
    seen.push(e);
    return false;
  });
  assert.deepEqual(seen, [top, a, inner, b, c, d]);
});

Deno.test("ExceptionGroup.subgroup() matches non-Error members with a predicate only", () => {
  const leaf = new RangeError("e");
  const group = new ExceptionGroup("mixed", ["text", 42, leaf]);
  assert.deepEqual(group.subgroup((e) => typeof e === "string")?.errors, ["text"]);
  assert.deepEqual(group.subgroup(RangeError)?.errors, [leaf]);
  assert.deepEqual(group.split(RangeError)[1]?.errors, ["text", 42]);
});

Deno.test("ExceptionGroup.subgroup() matches DOMException subclasses by class", () => {
  const cancelled = new CancelledError("c");
  const timedOut = new TimeoutError("t");
  const group = new ExceptionGroup("g", [cancelled, timedOut]);
  assert.deepEqual(group.subgroup(CancelledError)?.errors, [cancelled]);
  assert.deepEqual(group.subgroup(TimeoutError)?.errors, [timedOut]);
  assert.equal(group.subgroup(DOMException), group);
});

Deno.test("ExceptionGroup.split() returns both sides with the structure kept", () => {
  const { a, b, c, d, top } = tree();
  const [match, rest] = top.split(TypeError);
  assert.ok(match !== undefined && rest !== undefined);
  assert.equal(match.message, "top");
  assert.equal(rest.message, "top");
  assert.equal(match.cause, "why");
  assert.equal(rest.cause, "why");
  assert.equal(match.errors[0], a);
  assert.deepEqual((match.errors[1] as ExceptionGroup).errors, [c]);
  assert.equal((match.errors[1] as ExceptionGroup).message, "inner");
  assert.equal(rest.errors.length, 2);
  assert.deepEqual((rest.errors[0] as ExceptionGroup).errors, [b]);
  assert.equal((rest.errors[0] as ExceptionGroup).message, "inner");
  assert.equal(rest.errors[1], d);
});

Deno.test("ExceptionGroup.split() with a predicate matches the same as subgroup()", () => {
  const { top } = tree();
  const condition = (e: unknown) => e instanceof Error && "bc".includes(e.message);
  const [match, rest] = top.split(condition);
  assert.deepEqual(match, top.subgroup(condition));
  assert.ok(rest !== undefined);
  assert.deepEqual(rest.errors.map((e) => (e as Error).message), ["a", "d"]);
});

Deno.test("ExceptionGroup.split() returns [group, undefined] when everything matches", () => {
  const { top } = tree();
  const [match, rest] = top.split(Error);
  assert.equal(match, top);
  assert.equal(rest, undefined);
});

Deno.test("ExceptionGroup.split() returns [undefined, group] when nothing matches", () => {
  const { top } = tree();
  const [match, rest] = top.split(URIError);
  assert.equal(match, undefined);
  assert.equal(rest, top);
});

Deno.test("ExceptionGroup.split() keeps a nested group whole on the side it falls on", () => {
  const inner = new ExceptionGroup("inner", [new RangeError("x")]);
  const a = new TypeError("a");
  const top = new ExceptionGroup("top", [a, inner]);
  const [match, rest] = top.split(TypeError);
  assert.deepEqual(match?.errors, [a]);
  assert.equal(rest?.errors.length, 1);
  assert.equal(rest?.errors[0], inner);
});

Deno.test("ExceptionGroup.split() returns undefined on both sides for an empty group", () => {
  const [match, rest] = new ExceptionGroup("empty", []).split(TypeError);
  assert.equal(match, undefined);
  assert.equal(rest, undefined);
});

Deno.test("ExceptionGroup.split() throws TypeError for a condition that is not a function", () => {
  const { top } = tree();
  for (
    const [condition, shown] of [
      [undefined, "undefined"],
      [null, "null"],
      ["TypeError", '"TypeError"'],
      [42, "42"],
      [{}, "an object"],
    ] as const
  ) {
    assert.throws(() => top.split(condition as unknown as ErrorCondition), {
      name: "TypeError",
      message:
        `Cannot match errors as 'condition' must be an error class or a predicate: current value is ${shown}`,
    });
    assert.throws(() => top.subgroup(condition as unknown as ErrorCondition), TypeError);
  }
});
