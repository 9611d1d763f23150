// Copyright 2026 the @aio/tasks authors. MIT license.
// Shared parts for the tests: every combinator test is built from these.
import FakeTimers from "@sinonjs/fake-timers";
import { deadlineStats } from "../_timer.ts";

/** Resolves with `value` after `ms` (real time unless fake timers are installed). */
export function asyncResolve<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}

/** Rejects with `error` after `ms`. */
export function asyncReject(ms: number, error: unknown): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(error), ms));
}

/** A task function that resolves with `value` after `ms`, or rejects with the abort reason. */
export function work<T>(ms: number, value: T): (signal: AbortSignal) => Promise<T> {
  return (signal) =>
    new Promise((resolve, reject) => {
      const id = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      }, ms);
      const onAbort = () => {
        clearTimeout(id);
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
    });
}

/** A task function that fails with `error` after `ms`, or rejects with the abort reason. */
export function failing(ms: number, error: unknown): (signal: AbortSignal) => Promise<never> {
  return async (signal) => {
    await work(ms, undefined)(signal);
    throw error;
  };
}

/** A promise with its resolve and reject functions. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/** Makes a {@linkcode Deferred}. */
export function deferred<T = void>(): Deferred<T> {
  const d = {} as Deferred<T>;
  d.promise = new Promise<T>((resolve, reject) => {
    d.resolve = resolve;
    d.reject = reject;
  });
  return d;
}

/** Lets every queued microtask (and the ones they queue, up to `turns` deep) run. */
export async function flush(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await Promise.resolve();
}

/** Counts the abort listeners a signal holds, by wrapping its add/remove methods. */
export function countListeners(signal: AbortSignal): () => number {
  const live = new Set<unknown>();
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((type: string, listener: unknown, options?: unknown) => {
    if (type === "abort") live.add(listener);
    add(type, listener as EventListener, options as AddEventListenerOptions);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((type: string, listener: unknown, options?: unknown) => {
    if (type === "abort") live.delete(listener);
    remove(type, listener as EventListener, options as EventListenerOptions);
  }) as typeof signal.removeEventListener;
  return () => live.size;
}

/** Virtual time: fakes setTimeout, clearTimeout, Date and performance.now. */
export interface FakeTime {
  /** Advances the clock by `ms`, running due timers and the promises they settle. */
  tick(ms: number): Promise<void>;
  /** Runs every timer there is, including ones those timers create. */
  runAll(): Promise<void>;
  /** How many timers are pending. */
  timers(): number;
  /** The fake `performance.now()`. */
  now(): number;
  /** Restores real time. */
  [Symbol.dispose](): void;
}

/** Installs virtual time until the returned object is disposed. */
export function fakeTime(): FakeTime {
  const clock = FakeTimers.install({
    toFake: ["setTimeout", "clearTimeout", "Date", "performance"],
  });
  return {
    tick: async (ms) => {
      await clock.tickAsync(ms);
    },
    runAll: async () => {
      await clock.runAllAsync();
    },
    // The library keeps its deadlines behind one runtime timer: count each deadline as a
    // timer, as a test reads it, next to the test's own runtime timers.
    timers: () => {
      const { deadlines, armed } = deadlineStats();
      return clock.countTimers() - (armed ? 1 : 0) + deadlines;
    },
    now: () => performance.now(),
    [Symbol.dispose]: () => clock.uninstall(),
  };
}

/** How a promise settled so far: lets a test look without awaiting (and handles rejection). */
export interface Watched<T> {
  settled: boolean;
  value: T | undefined;
  error: unknown;
}

/** Follows a promise so a test can look at its state without awaiting it. */
export function watch<T>(promise: Promise<T>): Watched<T> {
  const state: Watched<T> = { settled: false, value: undefined, error: undefined };
  promise.then((value) => {
    state.settled = true;
    state.value = value;
  }, (error) => {
    state.settled = true;
    state.error = error;
  });
  return state;
}

/** `globalThis.gc`, or an error that says how to run the tests so that it exists. */
export function requireGc(): () => void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== "function") {
    throw new Error(
      "Cannot test what is garbage-collected as globalThis.gc is missing: run the tests with --v8-flags=--expose-gc (Deno) or --expose-gc (Node)",
    );
  }
  return gc;
}
