// Copyright 2026 the @aio/tasks authors. MIT license.
// Promises and other thenables handed to the package: each `then` is read once, by the check
// of the call it is given to, and each thenable that a waiting call watches is followed once,
// whatever the number of calls that watch it.
//
// The check reads `then` (SPEC §2: once, guarded) and hands it to the call, which follows the
// thenable with it: a thenable whose `then` getter answers differently on a second read is
// seen as `await` sees it. The calls that may stop watching before the thenable settles
// (wait, asCompleted, waitFor, shield) follow it through its future: an internal task that
// settles as the thenable does, made by the first of them and kept here for the next ones.
// Each call then watches the future as it watches a task, with one observer removed in O(1)
// when the call settles, so a pending promise holds one reaction of this package, not one per
// call that ever waited for it. A thenable that has a future is not read again. A gather,
// which waits for all its members anyway, follows a thenable that has no future itself,
// without making one: a future and its entry here would double the cost of a promise member.
//
// Where futures are kept: most promises a call follows settle within moments, and a `WeakMap`
// entry for each one costs more than the rest of following it (on Node 24, 1 000 resolved
// promises through `asCompleted` in a sustained loop: 1.3 ms a call against 0.5 ms with a
// `Map`; the collector processes every entry of a weak table at every pass). So a future is
// first kept in a plain `Map` and leaves it when it settles; one still pending after a while
// is moved to a `WeakMap`, so that a thenable nobody else holds is never kept alive for long.
// The move is made by generations: at most once a second, on a new entry, the futures of the
// generation before the current one that are still pending move, and the current one becomes
// the previous one. A call that stops watching a future still pending, which nobody else
// watches, moves it at once (`unwatch`, `followOnly`): once every call on a thenable settled,
// nothing of theirs holds it. Only a call that never ends (its members never settle, nothing
// limits it) leaves an entry held strongly, for one to two generations, and for no longer than
// it takes the program to follow another 64 thenables after that.
//
// A future is never reported as an unretrieved failure (the failure is its thenable's), is not
// tracked (internal tasks never are), and ends "cancelled" exactly when its thenable rejected
// with a cancellation (a `CancelledError` or any error named "AbortError", read once), so that
// every call reads "failed" the same way. Tasks and functions never come here.
import { checkAwaitable, type MemberKind, members, type Then } from "./_check.ts";
import { isCancellation } from "./_cancellation.ts";
import { followThen, handleRejection } from "./_follow.ts";
import { isTask, type Observation, type Task, tasks } from "./_task.ts";

/** How a checked thenable is followed: the future made for it, or the `then` its check read. */
export type Follow = Then | Task<unknown>;

/** The members of `aws`, and how each thenable among them is followed, by index. */
export interface Members {
  list: unknown[];
  /** `undefined` when no member is a thenable. */
  follows: (Follow | undefined)[] | undefined;
}

// The futures of the current generation and of the one before: held strongly, each until its
// future settles or its generation is moved on.
let current = new Map<object, Task<unknown>>();
let previous = new Map<object, Task<unknown>>();
// The futures still pending when their generation was moved on: weak, so that they never keep
// a thenable alive.
const lasting = new WeakMap<object, Task<unknown>>();
// When the current generation began, by `performance.now()`, and the entries made since the
// clock was last read.
let began = -Infinity;
let entries = 0;
// The options of every future made here: a name, so that none draws a `Task-<n>` number.
const FUTURE = { name: "thenable" } as const;
/** How long a generation lasts at least, in ms. */
export const GENERATION_MS = 1_000;

function kept(thenable: object): Task<unknown> | undefined {
  return current.get(thenable) ?? (previous.size === 0 ? undefined : previous.get(thenable)) ??
    lasting.get(thenable);
}

function keep(thenable: object, future: Task<unknown>): void {
  current.set(thenable, future);
  if ((++entries & 63) !== 1) return;
  const now = performance.now();
  // A clock that went back (fake timers installed or removed) starts a generation too.
  if (now >= began && now - began < GENERATION_MS) return;
  began = now;
  for (const [older, future] of previous) lasting.set(older, future);
  previous = current;
  current = new Map();
}

// A settled future leaves the strong generations (it has no entry in one, or no longer counts).
function forget(thenable: object): void {
  if (!current.delete(thenable) && previous.size !== 0) previous.delete(thenable);
}

/**
 * Stops watching the future of `thenable`: removes the call's observation (if any), and if no
 * call watches the future any more while it is pending, holds it weakly only.
 */
export function unwatch(
  thenable: object,
  future: Task<unknown>,
  observation?: Observation | undefined,
): void {
  tasks.unobserve(future, observation);
  if (future.done() || tasks.observerCount(future) > 0) return;
  if (current.get(thenable) === future) current.delete(thenable);
  else if (previous.get(thenable) === future) previous.delete(thenable);
  else return;
  lasting.set(thenable, future);
}

/**
 * Follows a checked thenable that the call will not wait for (its signal aborted, its time ran
 * out), so that its failure never goes unhandled, and keeps nothing of the call on it.
 */
export function followOnly(thenable: object, follow: Follow): void {
  unwatch(thenable, futureOf(thenable, follow));
}

/** How many futures the strong generations hold; for tests. */
export function strongFutures(): number {
  return current.size + previous.size;
}

/**
 * Throws `TypeError` unless `value` is an awaitable of the given kind (see
 * {@linkcode checkAwaitable}). Returns how a thenable is followed (its future if it has one,
 * else its `then`, read now), `undefined` for a task or a task function.
 */
export function checkAwaitableOnce(
  action: string,
  param: string | number,
  kind: MemberKind,
  value: unknown,
): Follow | undefined {
  if (typeof value === "function") {
    if (kind === "awaitables") return undefined;
  } else if (isTask(value)) return undefined;
  return kept(value as object) ?? checkAwaitable(action, param, kind, value);
}

/**
 * Reads the members of `aws` once into an array and checks each with
 * {@linkcode checkAwaitableOnce}, before anything starts. Throws `TypeError` for a value that
 * is not iterable or a member of the wrong kind.
 */
export function checkMembers(action: string, aws: unknown, kind: MemberKind): Members {
  const list = members(action, aws);
  let follows: (Follow | undefined)[] | undefined;
  let i = 0;
  try {
    for (; i < list.length; i++) {
      const follow = checkAwaitableOnce(action, i, kind, list[i]);
      if (follow !== undefined) (follows ??= [])[i] = follow;
    }
  } catch (error) {
    handleOnly(list, follows);
    // The members after the bad one were not checked: their `then` is not read.
    for (let j = i + 1; j < list.length; j++) handleRejection(list[j]);
    throw error;
  }
  return { list, follows };
}

/**
 * Runs a call's option checks, made once its members were checked, and returns what they read;
 * if one throws, the members are handled first (see {@linkcode handleOnly}).
 */
export function checkOptions<T>(
  list: readonly unknown[],
  follows: readonly (Follow | undefined)[] | undefined,
  check: () => T,
): T {
  try {
    return check();
  } catch (error) {
    handleOnly(list, follows);
    throw error;
  }
}

/**
 * For a call that throws for bad input after some of its members were checked: marks the
 * rejection of each native promise among them handled (SPEC §2: no promise handed to the
 * package causes an unhandled rejection, on any path). No other thenable's `then` is called: a
 * call that refuses its input starts nothing (a lazy thenable's work begins when `then` is
 * called), and only native promises report unhandled rejections.
 */
export function handleOnly(
  list: readonly unknown[],
  follows: readonly (Follow | undefined)[] | undefined,
): void {
  if (follows === undefined) return;
  for (let i = 0; i < follows.length; i++) {
    if (typeof follows[i] === "function") handleRejection(list[i]);
  }
}

/**
 * The future of a checked thenable, made (and the thenable followed with the `then` its check
 * read) by the first call that asks: `then` is called at once for a native promise, in a
 * microtask otherwise.
 */
export function futureOf(thenable: object, follow: Follow): Task<unknown> {
  if (typeof follow !== "function") return follow;
  // Made since the check, by another call or for an earlier place of the same member.
  const made = kept(thenable);
  if (made !== undefined) return made;
  const future = tasks.future<unknown>(undefined, FUTURE);
  tasks.retrieve(future);
  keep(thenable, future);
  followThen(thenable, follow, (value) => {
    forget(thenable);
    tasks.fulfil(future, value);
  }, (error) => {
    forget(thenable);
    if (isCancellation(error)) tasks.endCancelled(future, error);
    else tasks.reject(future, error);
  });
  return future;
}

/** The future of `value`, if a call made one. */
export function followedFuture(value: object): Task<unknown> | undefined {
  return kept(value);
}
