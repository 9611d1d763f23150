// Copyright 2026 the @aio/tasks authors. MIT license.
// Counts the internal observers that the combinators leave on tasks, through the task
// mechanism's own count (nothing is patched).
import type { Task } from "../task.ts";
import { tasks } from "../_task.ts";

/** How many observers wait on the given tasks (a task that settled has dropped its own). */
export function observersOn(list: Iterable<Task<unknown>>): () => number {
  const all = [...list];
  return () => all.reduce((sum, task) => sum + tasks.observerCount(task), 0);
}
