// Copyright 2026 the @aio/tasks authors. MIT license.
// Follows what a user function returned, as `await` would: a value is the outcome; a thenable's
// outcome is followed to the end. The value is a user value, so this is where hostility is
// absorbed: `then` is read once and a getter that throws (or a revoked proxy) becomes the
// failure; a thenable that calls back twice, or calls back and then throws, counts once (the
// first call wins); a thenable that resolves with another one is followed in turn; one that
// resolves with `self` fails with a `TypeError`, as a promise resolved with itself does.

const nativeThen = Promise.prototype.then;

/**
 * Calls exactly one of `fulfil` and `reject`, exactly once, as `value` settles. A value that is not thenable settles it synchronously;
 * a thenable's `then` is called synchronously for a native promise and in a microtask
 * otherwise, as `await` and `Promise.resolve()` do.
 */
export function follow(
  value: unknown,
  fulfil: (value: unknown) => void,
  reject: (error: unknown) => void,
  self?: unknown,
): void {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) {
    return fulfil(value);
  }
  if (value === self) return reject(selfResolution());
  let then: unknown;
  try {
    then = (value as PromiseLike<unknown>).then;
  } catch (error) {
    return reject(error);
  }
  if (typeof then !== "function") return fulfil(value);
  followThen(value, then as PromiseLike<unknown>["then"], fulfil, reject, self);
}

/**
 * {@linkcode follow} for a thenable whose `then` was read already: calls it on `value`, as
 * `follow()` does, without reading it again.
 */
export function followThen(
  value: object,
  then: PromiseLike<unknown>["then"],
  fulfil: (value: unknown) => void,
  reject: (error: unknown) => void,
  self?: unknown,
): void {
  if (then === nativeThen && isPromise(value)) {
    // A native promise calls back once, with a value that is no thenable: no guard needed.
    try {
      then.call(value, fulfil, reject);
      return;
    } catch {
      // A promise subclass whose species constructor throws: follow it as any thenable.
    }
  }
  followThenable(value, then, fulfil, reject, self);
}

// The rare path, apart: a function whose closures share a context has that context made at
// every call, whichever path the call takes, and `follow()` runs for every task.
function followThenable(
  value: object,
  then: PromiseLike<unknown>["then"],
  fulfil: (value: unknown) => void,
  reject: (error: unknown) => void,
  self: unknown,
): void {
  let called = false;
  const onValue = (v: unknown) => {
    if (called) return;
    called = true;
    follow(v, fulfil, reject, self);
  };
  const onError = (e: unknown) => {
    if (called) return;
    called = true;
    reject(e);
  };
  queueMicrotask(() => {
    try {
      then.call(value, onValue, onError);
    } catch (error) {
      onError(error);
    }
  });
}

/**
 * Marks the rejection of a native promise handled, and does nothing for any other value: for a
 * value handed to a call that throws for bad input (SPEC §2: a promise handed to the package
 * never causes an unhandled rejection, on any path). Its `then` is not read; only native
 * promises report unhandled rejections.
 */
export function handleRejection(value: unknown): void {
  if (value === null || typeof value !== "object" || !isPromise(value)) return;
  try {
    nativeThen.call(value, undefined, noop);
  } catch {
    // A promise subclass whose species constructor throws: nothing more can be done.
  }
}

function noop(): void {}

function selfResolution(): TypeError {
  return new TypeError("Cannot settle a task with itself: its function returned the task");
}

function isPromise(value: object): boolean {
  try {
    return value instanceof Promise;
  } catch {
    return false;
  }
}
