// Copyright 2026 the @aio/tasks authors. MIT license.
// Values that fight back — throwing getters, revoked proxies, thenables that call back more than
// once — and a trap that counts what escapes (uncaught errors, unhandled rejections), for the
// tests that hold the package to "hostile values never break the machinery" (SPEC §2).

// Taken before any test installs fake timers: a real turn of the event loop, whatever the clock.
const realSetTimeout = globalThis.setTimeout;

/** Waits for one real turn of the event loop (timers, then what they queue). */
export function turn(ms = 0): Promise<void> {
  return new Promise((resolve) => realSetTimeout(resolve, ms));
}

/** What escaped the package while a trap was set. */
export interface Escapes {
  /** Exceptions nobody caught: thrown from a listener, a microtask or a timer. */
  readonly uncaught: unknown[];
  /** Promise rejections nobody handled. */
  readonly unhandled: unknown[];
  /** Removes the trap. */
  [Symbol.dispose](): void;
}

interface NodeProcess {
  on(type: string, fn: (reason: unknown) => void): void;
  off(type: string, fn: (reason: unknown) => void): void;
  setUncaughtExceptionCaptureCallback(fn: ((error: unknown) => void) | null): void;
}

/**
 * Counts uncaught errors and unhandled rejections until disposed, and keeps them from ending the
 * program. Unhandled rejections are announced after the microtasks: wait a {@linkcode turn}
 * before looking.
 */
export function trapEscapes(): Escapes {
  const uncaught: unknown[] = [];
  const unhandled: unknown[] = [];
  const target = globalThis as unknown as Partial<EventTarget>;
  if (typeof target.addEventListener === "function") {
    const onError = (event: Event) => {
      event.preventDefault();
      uncaught.push((event as ErrorEvent).error);
    };
    const onRejection = (event: Event) => {
      event.preventDefault();
      unhandled.push((event as PromiseRejectionEvent).reason);
    };
    target.addEventListener("error", onError);
    target.addEventListener("unhandledrejection", onRejection);
    return {
      uncaught,
      unhandled,
      [Symbol.dispose]() {
        target.removeEventListener!("error", onError);
        target.removeEventListener!("unhandledrejection", onRejection);
      },
    };
  }
  // Node: the capture callback takes uncaught exceptions instead of the 'uncaughtException'
  // listeners, among which node:test's own fails on a value it cannot turn into a string.
  const process = (globalThis as { process?: NodeProcess }).process!;
  const onError = (error: unknown) => uncaught.push(error);
  const onRejection = (reason: unknown) => unhandled.push(reason);
  // A test that node:test ended early (on an unhandled rejection) may not have removed its own.
  process.setUncaughtExceptionCaptureCallback(null);
  process.setUncaughtExceptionCaptureCallback(onError);
  process.on("unhandledRejection", onRejection);
  return {
    uncaught,
    unhandled,
    [Symbol.dispose]() {
      process.setUncaughtExceptionCaptureCallback(null);
      process.off("unhandledRejection", onRejection);
    },
  };
}

/** Describes what escaped, for an assertion message. */
export function describeEscapes(escapes: Escapes): string {
  const all = [
    ...escapes.uncaught.map((e) => `uncaught ${safeString(e)}`),
    ...escapes.unhandled.map((e) => `unhandled rejection ${safeString(e)}`),
  ];
  return all.length === 0 ? "nothing escaped" : all.join("; ");
}

/** `String(value)` that never throws, for messages about hostile values. */
export function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return "<a value that cannot be shown>";
    }
  }
}

/** The outcome of a promise that settled, or `undefined` if it had not after the given turns. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Waits up to `turns` real event-loop turns for `promise` to settle. */
export async function settleWithin<T>(
  promise: PromiseLike<T>,
  turns = 5,
): Promise<Outcome<T> | undefined> {
  let outcome: Outcome<T> | undefined;
  Promise.resolve(promise).then(
    (value) => (outcome = { ok: true, value }),
    (error) => (outcome = { ok: false, error }),
  );
  for (let i = 0; i < turns && outcome === undefined; i++) await turn();
  return outcome;
}

/** An object whose `then` getter throws `error`: `await` rejects with `error`. */
export function throwingThen(error: unknown): object {
  return Object.defineProperty({}, "then", {
    get() {
      throw error;
    },
  });
}

/** A revoked proxy of a plain object: every operation on it but `typeof` throws `TypeError`. */
export function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

/** A revoked proxy of a function: `typeof` says "function", calling it throws `TypeError`. */
export function revokedFunction(): () => unknown {
  const { proxy, revoke } = Proxy.revocable(() => {}, {});
  revoke();
  return proxy;
}

/** An `Error` whose `key` getter throws: reading `error[key]` fails. */
export function errorWithThrowingGetter(
  key: "name" | "message" | "stack" | "cause",
  message = `an error whose ${key} getter throws`,
): Error {
  const error = new Error(message);
  Object.defineProperty(error, key, {
    get() {
      throw new Error(`the ${key} getter of a hostile error was read`);
    },
  });
  return error;
}

/** One call a {@linkcode misbehaving} thenable makes to the callbacks `then` was given. */
export type Call = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * A thenable that makes the given calls when `then` is called: synchronously inside `then`, or
 * each in its own later microtask. An empty list never calls back.
 */
export function misbehaving(calls: readonly Call[], async: boolean): PromiseLike<unknown> {
  return {
    // deno-lint-ignore no-explicit-any
    then(onFulfilled?: any, onRejected?: any): any {
      for (const call of calls) {
        const run = () => call.ok ? onFulfilled?.(call.value) : onRejected?.(call.error);
        if (async) queueMicrotask(run);
        else run();
      }
    },
  };
}

/** A thenable that calls back with `value` and counts the reads of its `then` getter. */
export interface CountedThen<T> {
  readonly thenable: PromiseLike<T>;
  /** How many times `then` was read. */
  reads(): number;
}

/** Makes a {@linkcode CountedThen}. */
export function countedThen<T>(value: T): CountedThen<T> {
  let reads = 0;
  const thenable = {
    get then() {
      reads++;
      return (onFulfilled: (value: T) => void) => onFulfilled(value);
    },
  } as unknown as PromiseLike<T>;
  return { thenable, reads: () => reads };
}

/** A thenable that stays pending until `open()` and counts the reads of its `then` getter. */
export interface GatedThen<T> extends CountedThen<T> {
  /** Calls back every `then` call made so far, and those made later, with `value`. */
  open(value: T): void;
}

/** Makes a {@linkcode GatedThen}. */
export function gatedThen<T>(): GatedThen<T> {
  let reads = 0;
  let opened: { value: T } | undefined;
  const waiting: ((value: T) => void)[] = [];
  const then = (onFulfilled: (value: T) => void) => {
    if (opened !== undefined) onFulfilled(opened.value);
    else waiting.push(onFulfilled);
  };
  const thenable = {
    get then() {
      reads++;
      return then;
    },
  } as unknown as PromiseLike<T>;
  return {
    thenable,
    reads: () => reads,
    open: (value) => {
      opened = { value };
      for (const onFulfilled of waiting.splice(0)) onFulfilled(value);
    },
  };
}

/**
 * A thenable whose `then` getter gives a working `then` on the first read only: `await` (which
 * reads it once) gets `value`, code that reads it twice sees a plain object.
 */
export function flakyThen<T>(value: T): PromiseLike<T> {
  let reads = 0;
  return {
    get then() {
      return ++reads === 1 ? (onFulfilled: (value: T) => void) => onFulfilled(value) : undefined;
    },
  } as unknown as PromiseLike<T>;
}

/** A thenable that never calls back and counts the calls of its `then`. */
export interface PendingThenable {
  readonly thenable: PromiseLike<never>;
  /** How many times `then` was called. */
  calls(): number;
}

/** Makes a {@linkcode PendingThenable}. */
export function pendingThenable(): PendingThenable {
  let calls = 0;
  const thenable = {
    then() {
      calls++;
    },
  } as unknown as PromiseLike<never>;
  return { thenable, calls: () => calls };
}
