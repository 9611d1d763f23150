// Copyright 2026 the @aio/tasks authors. MIT license.
// What counts as a cancellation, and the CancelledError a task linked to an aborted signal ends
// with. Errors are user values: their `name` is read once and a getter that throws makes the
// error an ordinary failure.
import { CancelledError } from "./errors.ts";

/** Whether an error is a cancellation: a `CancelledError` or any error named `"AbortError"`. */
export function isCancellation(error: unknown): boolean {
  return isCancelledError(error) || nameOf(error) === "AbortError";
}

/** `error instanceof CancelledError`, false for a revoked proxy instead of throwing. */
export function isCancelledError(error: unknown): error is CancelledError {
  try {
    return error instanceof CancelledError;
  } catch {
    return false;
  }
}

/** An error's `name`, or `undefined` when it has none or reading it throws. */
export function nameOf(error: unknown): unknown {
  if (error === null || (typeof error !== "object" && typeof error !== "function")) return;
  try {
    return (error as { name?: unknown }).name;
  } catch {
    return undefined;
  }
}

/** The `CancelledError` for a parent signal aborted with `reason`: the reason itself if it is one. */
export function toCancelled(reason: unknown): CancelledError {
  return isCancelledError(reason)
    ? reason
    : new CancelledError("The parent signal was aborted", { cause: reason });
}
