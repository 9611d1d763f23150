// Copyright 2026 the @aio/tasks authors. MIT license.
// The registry of live work behind captureTaskTree() and assertNoLeakedTasks(): every pending
// task, task group, gather, shield, waitFor and timeout scope made while tracking is on, with
// what is needed to place it in a tree later: who owns it, which signal it was linked to, what
// it waits for. It records and forgets; `_task_tree.ts` reads it to build the tree.
//
// Tracking is a switch. While it is off, each hook in the mechanisms is one read of the live
// binding `tracking` and nothing is recorded. While it is on, each tracked thing costs one
// entry, added when it is made and deleted when it settles: O(1) per task, and nothing kept for
// settled work. It is on while the user turned it on or a leak check runs; when it goes off, the
// registry is emptied (work made earlier and still pending is no longer known).
//
// A waitFor() has no object of its own: its entry is keyed by a fresh object, listed under its
// task in `waits`, and forgotten when its task settles (waitFor always waits for its task).
//
// Invariant (checked by `check()`): while tracking is off, nothing is recorded; entries are kept
// in the order they were made (`seq` strictly increasing); every waitFor entry is listed under
// its task in `waits`, and everything listed in `waits` is in the registry.

/** What a tracked thing is. */
export type Kind = "task" | "group" | "gather" | "function" | "shield" | "waitFor" | "timeout";

/** What the registry knows of one tracked thing; one shape for every kind. */
export interface Entry {
  readonly kind: Kind;
  /** The order things were made in: strictly increasing. */
  readonly seq: number;
  /** When it was made, on the `performance.now()` clock (to the microtask, see `clock()`). */
  readonly born: number;
  /** The group or gather that made it (a task), or `undefined`. */
  readonly owner: object | undefined;
  /** The signal it was linked to (`options.signal`, or a timeout's parent), if any. */
  readonly signal: AbortSignal | undefined;
  /** A group's or gather's limit (`Infinity` for none). */
  readonly limit: number;
  /** What it waits for: a gather's members, a shield's inner work, a waitFor's task. */
  readonly members: readonly unknown[] | undefined;
  /**
   * A waitFor's deadline (`Infinity` for none); a gather's number of distinct functions, under a
   * limit (`0` without one: they all start at once).
   */
  readonly extent: number;
  /** A gather's functions called so far. */
  made: number;
  /** A gather's function call: its place and the function's own name, as `aws[2] fetchUser`. */
  readonly label: string | undefined;
}

/** Whether tracking is on: read by the hooks in the mechanisms. */
export let tracking: boolean = false;

// The time, read once per microtask that tracks something: reading the clock costs about as much
// as the rest of tracking a task, and ages are shown in milliseconds.
let time = 0;
let fresh = false;

function clock(): number {
  if (!fresh) {
    time = performance.now();
    fresh = true;
    queueMicrotask(stale);
  }
  return time;
}

function stale(): void {
  fresh = false;
}

let explicit = false;
let checks = 0;
let next = 0;
// Insertion order is creation order: Map keeps it, and entries are only appended.
const registry = new Map<object, Entry>();
// A task → the keys of the waitFor() entries waiting for it.
const waits = new Map<object, object[]>();

function add(
  thing: object,
  kind: Kind,
  owner: object | undefined,
  signal: AbortSignal | undefined,
  limit = Infinity,
  members: readonly unknown[] | undefined = undefined,
  extent = 0,
  label: string | undefined = undefined,
): Entry {
  const entry: Entry = {
    kind,
    seq: next++,
    born: clock(),
    owner,
    signal,
    limit,
    members,
    extent,
    made: 0,
    label,
  };
  registry.set(thing, entry);
  return entry;
}

/** A task made by `createTask()` or `new Task()`, linked to `signal` if given. */
export function trackTask(task: object, signal: AbortSignal | undefined): void {
  add(task, "task", undefined, signal);
}

/** A task made by a group or a gather (`owner`) for one of its functions. */
export function trackChild(task: object, owner: object): void {
  const entry = registry.get(owner);
  if (entry !== undefined) entry.made++;
  add(task, "task", owner, undefined);
}

/**
 * A gather's call of the function at `place` (a gather makes no task for its functions), keyed
 * by the controller of the signal it was given; forgotten with `untrack(controller)` when the
 * call settles.
 */
export function trackCall(
  controller: AbortController,
  gather: object,
  fn: unknown,
  place: number,
): void {
  const entry = registry.get(gather);
  if (entry !== undefined) entry.made++;
  let name = "";
  try {
    const own = (fn as { name?: unknown }).name;
    if (typeof own === "string") name = own;
  } catch {
    // A hostile function shows its place only.
  }
  const label = name === "" ? `aws[${place}]` : `aws[${place}] ${name}`;
  add(controller, "function", gather, controller.signal, Infinity, undefined, 0, label);
}

/** A task group, linked to its `options.signal`. */
export function trackGroup(group: object, signal: AbortSignal | undefined, limit: number): void {
  add(group, "group", undefined, signal, limit);
}

/**
 * A gather's task (`future`), over its members as given. Under a limit, its distinct functions
 * are counted, so that those not started yet can be.
 */
export function trackGather(
  future: object,
  members: readonly unknown[],
  limit: number,
  signal: AbortSignal | undefined,
): void {
  let functions = 0;
  if (limit !== Infinity) {
    const distinct = new Set<unknown>();
    for (const member of members) if (typeof member === "function") distinct.add(member);
    functions = distinct.size;
  }
  add(future, "gather", undefined, signal, limit, members, functions);
}

/** A shield's task (`outer`), over the work it follows. */
export function trackShield(outer: object, inner: unknown, signal: AbortSignal | undefined): void {
  add(outer, "shield", undefined, signal, Infinity, [inner]);
}

/** A waitFor() of `task` with a time limit of `ms`; forgotten when `task` settles. */
export function trackWaitFor(task: object, ms: number, signal: AbortSignal | undefined): void {
  const key = {};
  add(key, "waitFor", undefined, signal, Infinity, [task], performance.now() + ms);
  const keys = waits.get(task);
  if (keys === undefined) waits.set(task, [key]);
  else keys.push(key);
}

/** A timeout scope, linked to its parent signal. */
export function trackScope(scope: object, signal: AbortSignal | undefined): void {
  add(scope, "timeout", undefined, signal);
}

/** Forgets a thing that settled (and the waitFor() calls waiting for it); nothing if unknown. */
export function untrack(thing: object): void {
  registry.delete(thing);
  if (waits.size === 0) return;
  const keys = waits.get(thing);
  if (keys === undefined) return;
  waits.delete(thing);
  for (const key of keys) registry.delete(key);
}

/** Every tracked thing with its entry, in the order they were made. */
export function entries(): IterableIterator<[object, Entry]> {
  return registry.entries();
}

/** How many things are tracked. */
export function size(): number {
  return registry.size;
}

/** The `seq` the next tracked thing will get. */
export function nextSeq(): number {
  return next;
}

/** The user's switch. */
export function setExplicit(on: boolean): void {
  explicit = on;
  update();
}

/** A leak check starts: tracking is on until the matching `endCheck()`. */
export function beginCheck(): void {
  checks++;
  update();
}

/** A leak check ends. */
export function endCheck(): void {
  checks--;
  update();
}

function update(): void {
  const on = explicit || checks > 0;
  if (!on) {
    registry.clear();
    waits.clear();
  }
  tracking = on;
}

/** Throws unless the invariant at the top of this file holds; for tests. */
export function check(): void {
  const fail = (what: string) => {
    throw new Error(`Tracking: ${what}`);
  };
  if (!tracking && (registry.size > 0 || waits.size > 0)) fail("entries while tracking is off");
  let last = -1;
  for (const [key, entry] of registry) {
    if (entry.seq <= last) fail(`entry ${entry.seq} comes after entry ${last}`);
    last = entry.seq;
    if (entry.kind === "waitFor" && !(waits.get(entry.members![0] as object) ?? []).includes(key)) {
      fail(`waitFor entry ${entry.seq} is not listed under its task`);
    }
  }
  if (last >= next) fail(`entry ${last} is not below the next seq ${next}`);
  for (const keys of waits.values()) {
    for (const key of keys) if (!registry.has(key)) fail("a listed waitFor entry is missing");
  }
}
