// Copyright 2026 the @aio/tasks authors. MIT license.
// Every input check, so that every public function words its errors the same way: the failed
// action first, then the rule, then the current value. Values are user values: reading them
// must never throw (a revoked proxy throws on any access), so `show()` guards every read.
// Names the user gave are written by `quote()`, wherever they are shown.
import { handleRejection } from "./_follow.ts";

// Names are cut after this many characters where they are shown.
const NAME_LENGTH = 200;

/**
 * A name as a JSON string, cut after 200 characters, with U+2028 and U+2029 escaped too (JSON
 * leaves them raw, and readers of stacks and logs may break lines at them): one short line
 * whatever the name holds.
 */
export function quote(name: string): string {
  const cut = name.length > NAME_LENGTH ? name.slice(0, NAME_LENGTH) + "…" : name;
  return JSON.stringify(cut).replace(
    /[\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16)}`,
  );
}

/** Renders a value for an error message; never throws. */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "symbol") return guard(() => value.toString(), "a symbol");
  if (value === null || (typeof value !== "object" && typeof value !== "function")) {
    return String(value);
  }
  return guard(() => {
    if (typeof value === "function") return value.name ? `function ${value.name}` : "a function";
    if (Array.isArray(value)) return value.length === 0 ? "[]" : `an array of ${value.length}`;
    const name = Object.getPrototypeOf(value)?.constructor?.name;
    return typeof name === "string" && name !== "" && name !== "Object"
      ? `an instance of ${name}`
      : "an object";
  }, "an object that cannot be inspected");
}

function guard(read: () => string, fallback: string): string {
  try {
    return read();
  } catch {
    return fallback;
  }
}

/**
 * The error for a value a check refused, once the value's rejection is handled if it is a
 * promise (a forgotten `await`): SPEC §2, no promise handed to the package causes an unhandled
 * rejection, on any path.
 */
export function refused<E extends Error>(error: E, value: unknown): E {
  handleRejection(value);
  return error;
}

/** Throws `TypeError` unless `fn` is a function. */
export function checkFunction(action: string, param: string, fn: unknown): void {
  if (typeof fn !== "function") {
    throw refused(
      new TypeError(
        `Cannot ${action} as '${param}' must be a function: current value is ${show(fn)}`,
      ),
      fn,
    );
  }
}

/**
 * Reads a time in milliseconds: `null`, `undefined` and `Infinity` mean "no limit" (returned as
 * `Infinity`); a negative time is kept (it means "already due"); anything that is not a number
 * throws `TypeError` and `NaN` throws `RangeError`.
 */
export function checkTime(action: string, param: string, value: unknown): number {
  if (value === undefined || value === null) return Infinity;
  if (typeof value !== "number") {
    throw refused(
      new TypeError(
        `Cannot ${action} as '${param}' must be a number of milliseconds: current value is ${
          show(value)
        }`,
      ),
      value,
    );
  }
  if (Number.isNaN(value)) {
    throw new RangeError(`Cannot ${action} as '${param}' must not be NaN: current value is NaN`);
  }
  return value;
}

/** Throws `TypeError` unless `signal` is `undefined` or an `AbortSignal`. */
export function checkSignal(action: string, signal: unknown): void {
  if (signal !== undefined && !isSignal(signal)) {
    throw refused(
      new TypeError(
        `Cannot ${action} as 'signal' must be an AbortSignal: current value is ${show(signal)}`,
      ),
      signal,
    );
  }
}

// The platform's own getters of a signal's state. A signal handed in is read through them only:
// a getter defined on the instance (a hostile `aborted` that aborts the signal when read, or
// answers differently each time) is never run, and every read agrees with the listeners.
const abortedGetter = Object.getOwnPropertyDescriptor(AbortSignal.prototype, "aborted")!.get!;
const reasonGetter = Object.getOwnPropertyDescriptor(AbortSignal.prototype, "reason")!.get!;

/** Whether `signal` has aborted, by the platform's getter (see above). */
export function aborted(signal: AbortSignal): boolean {
  return abortedGetter.call(signal) as boolean;
}

/** The reason `signal` aborted with, by the platform's getter (see above). */
export function reasonOf(signal: AbortSignal): unknown {
  return reasonGetter.call(signal);
}

// A brand check: the platform's getter throws for what is not a signal (a plain object, an
// object made from `AbortSignal.prototype` on some runtimes) and runs no getter defined on the
// signal itself; runtimes that keep the brand in a symbol property let a proxy of a signal
// through, as `instanceof` did, and its traps run.
function isSignal(value: unknown): boolean {
  try {
    abortedGetter.call(value);
    return true;
  } catch {
    return false;
  }
}

/** Reads a `limit`: a positive integer or `Infinity`; `undefined` means no limit. */
export function checkLimit(action: string, limit: unknown): number {
  if (limit === undefined) return Infinity;
  if (limit === Infinity || (Number.isInteger(limit) && (limit as number) > 0)) {
    return limit as number;
  }
  throw refused(
    new RangeError(
      `Cannot ${action} as 'limit' must be a positive integer: current value is ${show(limit)}`,
    ),
    limit,
  );
}

/** Reads a message given to `cancel()`: a string, or `undefined` for none. */
export function checkMessage(action: string, message: unknown): string | undefined {
  if (message === undefined || typeof message === "string") return message;
  if (typeof message === "symbol" || (typeof message === "object" && message !== null)) {
    throw refused(
      new TypeError(
        `Cannot ${action} as 'message' must be a string: current value is ${show(message)}`,
      ),
      message,
    );
  }
  return String(message);
}

/** A thenable's `then`. */
export type Then = PromiseLike<unknown>["then"];

/**
 * Reads a value's `then` once: the function, or `undefined` when the value is no object or
 * function, has no `then` function, or reading it throws (a getter that throws, a revoked
 * proxy).
 */
function thenOf(value: unknown): Then | undefined {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return;
  try {
    const then = (value as PromiseLike<unknown>).then;
    return typeof then === "function" ? then : undefined;
  } catch {
    return undefined;
  }
}

/** What a member of `aws` may be: `tasks` (tasks and promises) or `awaitables` (also functions). */
export type MemberKind = "tasks" | "awaitables";

/** The rule a member broke, for the error message. */
function memberRule(kind: MemberKind, member: unknown): string {
  if (kind === "awaitables") return "a task, a promise or a task function";
  return typeof member === "function"
    ? "a task or a promise (wrap functions with createTask())"
    : "a task or a promise";
}

/**
 * Throws `TypeError` unless `value` (the parameter `param`, or the member at index `param` of
 * `aws`) is an awaitable of the given kind. Returns the `then` it read
 * (once) from a thenable, or `undefined` for a function taken as a task function. A `then`
 * getter that throws and a revoked proxy count as bad input.
 */
export function checkAwaitable(
  action: string,
  param: string | number,
  kind: MemberKind,
  value: unknown,
): Then | undefined {
  if (kind === "awaitables" && typeof value === "function") return undefined;
  const then = thenOf(value);
  if (then === undefined) {
    // A number is the member's index, named only in the message (not made for every member).
    if (typeof param === "number") param = `aws[${param}]`;
    throw new TypeError(
      `Cannot ${action} as '${param}' must be ${memberRule(kind, value)}: current value is ${
        show(value)
      }`,
    );
  }
  return then;
}

/**
 * Reads the members of `aws` once into an array. Throws `TypeError` for a value that is not
 * iterable; the members themselves are checked by the caller.
 */
export function members(action: string, aws: unknown): unknown[] {
  if (!isIterable(aws)) {
    // A promise of the members (`gather(fetchAll())`) is refused, and its rejection handled.
    throw refused(
      new TypeError(`Cannot ${action} as 'aws' must be an iterable: current value is ${show(aws)}`),
      aws,
    );
  }
  if (Array.isArray(aws)) return aws.slice();
  const list: unknown[] = [];
  try {
    for (const member of aws as Iterable<unknown>) list.push(member);
  } catch (error) {
    // An iterator that throws midway: the promises it gave before must not go unhandled.
    for (const member of list) handleRejection(member);
    throw error;
  }
  return list;
}

function isIterable(value: unknown): boolean {
  try {
    return value !== null && value !== undefined &&
      typeof (value as Iterable<unknown>)[Symbol.iterator] === "function";
  } catch {
    return false;
  }
}
