// Copyright 2026 the @aio/tasks authors. MIT license.
/**
 * The errors of `@aio/tasks`: {@linkcode CancelledError}, {@linkcode TimeoutError},
 * {@linkcode InvalidStateError} and {@linkcode ExceptionGroup}.
 *
 * The first three are `DOMException`s, so code that already understands the web platform's
 * `"AbortError"` and `"TimeoutError"` (fetch, streams, `AbortSignal.timeout()`) understands them
 * too. All four are `instanceof Error`.
 *
 * @example Telling a cancellation from a failure
 * ```ts
 * import { CancelledError, createTask } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const task = createTask((signal) => new Promise((_, reject) => {
 *   signal.addEventListener("abort", () => reject(signal.reason));
 * }));
 * task.cancel("no longer needed");
 * await assert.rejects(task, CancelledError);
 * assert.equal(task.cancelled(), true);
 * ```
 *
 * @module
 */

import { show } from "./_check.ts";
import { derivedGroup, showGroupTree } from "./_inspect.ts";

/** Options shared by the error constructors. */
export interface ErrorOptions {
  /** The error or value that caused this one. */
  cause?: unknown;
}

// Deno builds instances of DOMException subclasses on a slow path (four times the cost of a
// plain DOMException, measured), and cancellations and timeouts are made often. So the classes
// below build a plain DOMException and give it their prototype: the same object, made fast.
// Subclasses of these classes take the ordinary `super()` path.
function fast<E extends DOMException>(
  prototype: E,
  message: string | undefined,
  name: string,
  options: ErrorOptions | undefined,
): E {
  const error = new DOMException(message ?? "", name);
  Object.setPrototypeOf(error, prototype);
  setCause(error, options);
  return error as E;
}

function setCause(error: Error, options: ErrorOptions | undefined): void {
  if (options !== undefined && "cause" in options) {
    Object.defineProperty(error, "cause", {
      value: options.cause,
      writable: true,
      configurable: true,
    });
  }
}

/**
 * The reason a task's signal is aborted with, and what awaiting a cancelled task rejects with:
 * asyncio's `CancelledError`.
 *
 * It is a `DOMException` named `"AbortError"`, so `fetch()`, streams and other web APIs that are
 * handed a task's signal treat it as an ordinary abort, and code that checks
 * `error.name === "AbortError"` keeps working. Cancellation is not a failure: a task group does
 * not record it as an error and a cancelled task is never reported as an unretrieved failure.
 *
 * @example Cancelling a task
 * ```ts
 * import { CancelledError, createTask, sleep } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const task = createTask((signal) => sleep(10_000, { signal }));
 * task.cancel("shutting down");
 * const error = await task.catch((e) => e);
 * assert.ok(error instanceof CancelledError);
 * assert.equal(error.name, "AbortError");
 * assert.equal(error.message, "shutting down");
 * ```
 */
export class CancelledError extends DOMException {
  /**
   * Creates a cancellation error.
   *
   * @param message A description of why the work was cancelled.
   * @param options The `cause`, for a cancellation that another event triggered.
   */
  constructor(message?: string, options?: ErrorOptions) {
    if (new.target === CancelledError) {
      return fast(CancelledError.prototype, message, "AbortError", options);
    }
    super(message ?? "", "AbortError");
    setCause(this, options);
  }
}

/**
 * Raised when `waitFor`, `timeout`, `timeoutAt` or `asCompleted` run out of time: asyncio's
 * `TimeoutError`.
 *
 * It is a `DOMException` named `"TimeoutError"`, the same name `AbortSignal.timeout()` uses.
 * When the time limit ended some work by cancelling it, `cause` is that cancellation.
 *
 * `error instanceof TimeoutError` is also true for the web platform's own timeouts: any
 * `DOMException` named `"TimeoutError"`, such as the reason of `AbortSignal.timeout()` and what
 * `fetch()` rejects with when that signal fires. So `eg.split(TimeoutError)` catches every
 * timeout of a task group, whoever raised it. Subclasses of `TimeoutError` match by prototype
 * only.
 *
 * @example Catching the platform's timeouts too
 * ```ts
 * import { TimeoutError } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const signal = AbortSignal.timeout(1);
 * const reason = await new Promise((resolve) => {
 *   signal.addEventListener("abort", () => resolve(signal.reason));
 * });
 * assert.ok(reason instanceof TimeoutError);
 * assert.ok(new TimeoutError("too slow") instanceof TimeoutError);
 * assert.equal(new DOMException("stop", "AbortError") instanceof TimeoutError, false);
 * ```
 */
export class TimeoutError extends DOMException {
  /**
   * Whether `value` is a `TimeoutError`: an instance of this class (or of a subclass, for a
   * subclass), or, for `TimeoutError` itself, any `DOMException` named `"TimeoutError"`.
   * Never throws: a revoked proxy or a throwing `name` getter is no timeout.
   *
   * @param value The value on the left of `instanceof`.
   * @returns `true` if `value` counts as an instance.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    try {
      if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
      return this === TimeoutError && value instanceof DOMException &&
        value.name === "TimeoutError";
    } catch {
      return false;
    }
  }

  /**
   * Creates a timeout error.
   *
   * @param message A description of what ran out of time.
   * @param options The `cause`: the cancellation that ended the work, when there was one.
   */
  constructor(message?: string, options?: ErrorOptions) {
    if (new.target === TimeoutError) {
      return fast(TimeoutError.prototype, message, "TimeoutError", options);
    }
    super(message ?? "", "TimeoutError");
    setCause(this, options);
  }
}

/**
 * Raised when an operation is not allowed in the object's current state: asyncio's
 * `InvalidStateError` (and the `RuntimeError`s it raises for misuse).
 *
 * Raised by `task.result()` and `task.exception()` while the task is pending, by
 * `tg.createTask()` on a task group that is shutting down or finished, and by
 * `scope.reschedule()` on a timeout scope that has expired or finished.
 *
 * @example Asking a pending task for its result
 * ```ts
 * import { createTask, InvalidStateError } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const task = createTask(() => 42);
 * assert.throws(() => task.result(), InvalidStateError);
 * assert.equal(await task, 42);
 * ```
 */
export class InvalidStateError extends DOMException {
  /**
   * Creates an invalid-state error.
   *
   * @param message What was attempted and in which state.
   * @param options The `cause`, if another error led to this one.
   */
  constructor(message?: string, options?: ErrorOptions) {
    if (new.target === InvalidStateError) {
      return fast(InvalidStateError.prototype, message, "InvalidStateError", options);
    }
    super(message ?? "", "InvalidStateError");
    setCause(this, options);
  }
}

/**
 * What {@linkcode ExceptionGroup.subgroup} and {@linkcode ExceptionGroup.split} match against:
 * an error class (matched with `instanceof`) or a predicate.
 */
export type ErrorCondition =
  // deno-lint-ignore no-explicit-any
  | (abstract new (...args: any[]) => unknown)
  | ((error: unknown) => boolean);

/**
 * Several errors raised together: Python's `ExceptionGroup`, as a JavaScript `AggregateError`.
 *
 * A task group that ends with failures rejects with one, holding every failure in the order
 * they happened (the body's own error last). `errors` keeps the structure: a nested task
 * group's `ExceptionGroup` stays a single element. {@linkcode ExceptionGroup.subgroup} and
 * {@linkcode ExceptionGroup.split} are how Python's `except*` is written.
 *
 * Logged with `console.log` or `util.inspect` on Node, Bun or Deno, a group shows its tree,
 * like Python's traceback of an `ExceptionGroup`: a header with the number of errors (and the
 * task group's name), then each error in its own box, labelled with the task that raised it,
 * nested groups indented. Where a runtime shows only an error's name, message and stack frames
 * (reports of an uncaught error, a browser's console), a task group's group names the group, the
 * number of errors and each error with its task in its first stack frame:
 * `at task group "crawl" failed with 2 errors: [1] task "fetch-1": TypeError: bad url; …`.
 * `message` stays as given.
 *
 * @example Handling one kind of error and passing on the rest (`except*`)
 * ```ts
 * import { ExceptionGroup } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const eg = new ExceptionGroup("unhandled errors in a TaskGroup", [
 *   new TypeError("bad shape"),
 *   new RangeError("too big"),
 * ]);
 * const [typeErrors, rest] = eg.split(TypeError);
 * assert.equal(typeErrors?.errors.length, 1);
 * assert.ok(rest?.errors[0] instanceof RangeError);
 * ```
 */
export class ExceptionGroup extends AggregateError {
  // Shows its tree in console.log and inspect on Node, Bun and Deno.
  static {
    showGroupTree(this.prototype);
  }

  /**
   * Creates a group of errors.
   *
   * @param message What the errors have in common.
   * @param errors The errors, kept in order; a nested `ExceptionGroup` stays one element.
   * @param options The `cause` of the whole group.
   */
  constructor(message: string, errors: Iterable<unknown>, options?: ErrorOptions) {
    super(checkErrors(errors), message);
    setCause(this, options);
  }

  /** Always `"ExceptionGroup"`. */
  override get name(): string {
    return "ExceptionGroup";
  }

  /**
   * Returns the part of this group that matches `condition`, keeping its nesting, or
   * `undefined` when nothing matches.
   *
   * The condition is tried on this group first (a match returns the group itself), then on
   * each nested group and each leaf error. Nested groups left empty are dropped.
   *
   * @param condition An error class, or a predicate called with each group and error.
   * @returns The matching errors as an `ExceptionGroup` with this group's message, or
   *   `undefined`.
   *
   * @example Keeping the timeouts of a task group's failures
   * ```ts
   * import { ExceptionGroup, TimeoutError } from "@aio/tasks";
   * import assert from "node:assert/strict";
   *
   * const eg = new ExceptionGroup("failures", [
   *   new TimeoutError("slow"),
   *   new ExceptionGroup("inner", [new TimeoutError("slower"), new Error("boom")]),
   * ]);
   * const timeouts = eg.subgroup(TimeoutError);
   * assert.equal(timeouts?.errors.length, 2);
   * assert.ok(timeouts?.errors[1] instanceof ExceptionGroup);
   * assert.equal(eg.subgroup(SyntaxError), undefined);
   * ```
   */
  subgroup(condition: ErrorCondition): ExceptionGroup | undefined {
    return this.split(condition)[0];
  }

  /**
   * Splits this group in two by `condition`, keeping the nesting on both sides.
   *
   * @param condition An error class, or a predicate called with each group and error.
   * @returns `[matching, rest]`, each an `ExceptionGroup` with this group's message, or
   *   `undefined` when that side is empty. A side that is the whole group is this group.
   *
   * @example Splitting by a predicate
   * ```ts
   * import { ExceptionGroup } from "@aio/tasks";
   * import assert from "node:assert/strict";
   *
   * const eg = new ExceptionGroup("failures", [new Error("a"), new Error("b")]);
   * const [a, rest] = eg.split((e) => e instanceof Error && e.message === "a");
   * assert.equal(a?.errors.length, 1);
   * assert.equal((rest?.errors[0] as Error).message, "b");
   * ```
   */
  split(
    condition: ErrorCondition,
  ): [matching: ExceptionGroup | undefined, rest: ExceptionGroup | undefined] {
    const matches = toPredicate(condition);
    if (matches(this)) return [this, undefined];
    // Depth first with a stack of its own: nesting is bounded by memory, not by the call stack.
    interface Frame {
      group: ExceptionGroup;
      errors: unknown[];
      next: number;
      matching: unknown[];
      rest: unknown[];
      changed: boolean;
    }
    const open = (group: ExceptionGroup): Frame => ({
      group,
      errors: group.errors,
      next: 0,
      matching: [],
      rest: [],
      changed: false,
    });
    const stack: Frame[] = [open(this)];
    let result: [ExceptionGroup | undefined, ExceptionGroup | undefined] = [undefined, undefined];
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      if (frame.next < frame.errors.length) {
        const error = frame.errors[frame.next++];
        if (matches(error)) frame.matching.push(error);
        else if (ExceptionGroup.#isGroup(error)) stack.push(open(error));
        else frame.rest.push(error);
        continue;
      }
      stack.pop();
      result = frame.group.#result(frame.matching, frame.rest, frame.changed);
      const parent = stack[stack.length - 1];
      if (parent === undefined) break;
      const [inMatch, inRest] = result;
      if (inMatch !== undefined) parent.matching.push(inMatch);
      if (inRest !== undefined) parent.rest.push(inRest);
      if (inMatch !== frame.group && inRest !== frame.group) parent.changed = true;
    }
    return result;
  }

  // The two sides of this group once its errors are sorted: itself where nothing changed.
  // A group made by this class; a brand check, so a revoked proxy among the errors (on which
  // `instanceof` throws) or an object that only inherits from the prototype is a plain error.
  static #isGroup(value: unknown): value is ExceptionGroup {
    return typeof value === "object" && value !== null && #result in value;
  }

  #result(
    matching: unknown[],
    rest: unknown[],
    changed: boolean,
  ): [ExceptionGroup | undefined, ExceptionGroup | undefined] {
    // A group that holds no error has nothing to put on either side.
    if (matching.length === 0 && rest.length === 0) return [undefined, undefined];
    if (!changed && rest.length === 0) return [this, undefined];
    if (!changed && matching.length === 0) return [undefined, this];
    return [this.#derive(matching), this.#derive(rest)];
  }

  #derive(errors: unknown[]): ExceptionGroup | undefined {
    if (errors.length === 0) return undefined;
    const group = derivedGroup(ExceptionGroup, this.message, errors, this);
    if ("cause" in this) setCause(group, { cause: this.cause });
    return group;
  }
}

function checkErrors(errors: unknown): Iterable<unknown> {
  let iterable = false;
  try {
    iterable = errors !== null && errors !== undefined &&
      typeof (errors as Iterable<unknown>)[Symbol.iterator] === "function";
  } catch {
    // A revoked proxy: not iterable.
  }
  if (!iterable) {
    throw new TypeError(
      `Cannot create exception group as 'errors' must be an iterable: current value is ${
        show(errors)
      }`,
    );
  }
  return errors as Iterable<unknown>;
}

function toPredicate(condition: ErrorCondition): (error: unknown) => boolean {
  if (typeof condition !== "function") {
    throw new TypeError(
      `Cannot match errors as 'condition' must be an error class or a predicate: current value is ${
        show(condition)
      }`,
    );
  }
  const proto: unknown = condition.prototype;
  if (condition === Error || proto instanceof Error) {
    const klass = condition as abstract new () => unknown;
    return (error) => {
      try {
        return error instanceof klass;
      } catch {
        // A revoked proxy is an instance of nothing.
        return false;
      }
    };
  }
  return condition as (error: unknown) => boolean;
}
