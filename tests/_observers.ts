// Copyright 2026 the @aio/tasks authors. MIT license.
// Counts the internal observers that the combinators leave on pending tasks.
import type { Task } from "../task.ts";
import { internals, type Observer } from "../_internal.ts";

/** Live observer registrations on pending tasks, counted until disposed. */
export interface ObserverCount {
  /** How many registrations sit on tasks that are still pending. */
  live(): number;
  /** Stops counting. */
  [Symbol.dispose](): void;
}

/** Wraps `internals.observe` and `internals.unobserve` to count live registrations. */
export function countObservers(): ObserverCount {
  const { observe, unobserve } = internals;
  const registrations: { task: Task<unknown>; observer: Observer }[] = [];
  internals.observe = (task, observer) => {
    if (!task.done()) registrations.push({ task, observer });
    observe(task, observer);
  };
  internals.unobserve = (task, observer) => {
    const index = registrations.findIndex((r) => r.task === task && r.observer === observer);
    if (index >= 0) registrations.splice(index, 1);
    unobserve(task, observer);
  };
  return {
    // A task that settled has dropped its observers.
    live: () => registrations.filter((r) => !r.task.done()).length,
    [Symbol.dispose]: () => {
      internals.observe = observe;
      internals.unobserve = unobserve;
    },
  };
}
