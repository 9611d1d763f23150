// Copyright 2026 the @aio/tasks authors. MIT license.
// Counts the internal observers that the combinators leave on tasks, through the task
// mechanism's own count (nothing is patched).
import type { Task } from "../task.ts";
import { tasks } from "../_task.ts";
import { followedFuture } from "../_thenables.ts";

/** How many observers wait on the given tasks (a task that settled has dropped its own). */
export function observersOn(list: Iterable<Task<unknown>>): () => number {
  const all = [...list];
  return () => all.reduce((sum, task) => sum + tasks.observerCount(task), 0);
}

/**
 * How many observers wait on the futures the package follows the given promises and thenables
 * with (none for a value it never followed).
 */
export function observersOnFollowed(list: Iterable<object>): () => number {
  const all = [...list];
  return () =>
    all.reduce((sum, value) => {
      const future = followedFuture(value);
      return sum + (future === undefined ? 0 : tasks.observerCount(future));
    }, 0);
}

/** A native promise that counts the reactions added to it. */
export interface CountedPromise<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
  /** How many reactions were added: each `then` on the promise makes one more of its class. */
  reactions(): number;
}

/**
 * Makes a {@linkcode CountedPromise}: an instance of a subclass of `Promise` that keeps the
 * native `then`, so the package follows it as a native promise.
 */
export function countedPromise<T = never>(): CountedPromise<T> {
  let made = 0;
  class Counted<U> extends Promise<U> {
    constructor(
      executor: (resolve: (value: U) => void, reject: (error: unknown) => void) => void,
    ) {
      super(executor);
      made++;
    }
  }
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Counted<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject, reactions: () => made - 1 };
}
