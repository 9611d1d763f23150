// Copyright 2026 the @aio/tasks authors. MIT license.
/**
 * What is running, and what is it waiting for: a live tree of the pending tasks, task groups,
 * gathers, shields, `waitFor()` calls and timeout scopes — asyncio's `capture_call_graph()`
 * and `python -m asyncio pstree`, for this library.
 *
 * Tracking is a switch, off by default: {@linkcode enableTaskTracking} turns it on, then
 * {@linkcode captureTaskTree} takes a plain-data snapshot of what is pending and
 * {@linkcode formatTaskTree} renders one as an indented text tree. Off, it costs nothing: each
 * mechanism checks one flag and records nothing. The tree shows the structure the library
 * knows — who made what, which signal each thing was given, what waits for what — not
 * JavaScript call stacks, which it cannot see.
 *
 * @example Why does my program not finish?
 * ```ts
 * import {
 *   disableTaskTracking,
 *   enableTaskTracking,
 *   formatTaskTree,
 *   sleep,
 *   type Task,
 *   taskGroup,
 * } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * enableTaskTracking();
 * try {
 *   const stop = new AbortController();
 *   let quick: Task<void> | undefined;
 *   const group = taskGroup((tg) => {
 *     quick = tg.createTask((signal) => sleep(1, { signal }), { name: "quick" });
 *     tg.createTask((signal) => sleep(60_000, { signal }), { name: "stuck" });
 *   }, { name: "jobs", signal: stop.signal });
 *   await quick;
 *   assert.match(
 *     formatTaskTree(),
 *     /^group "jobs" \(1 of 1 running, \d+ ms\)\n└─ task "stuck" running \d+ ms$/,
 *   );
 *   stop.abort();
 *   await group.catch(() => {});
 * } finally {
 *   disableTaskTracking();
 * }
 * ```
 *
 * @module
 */
import { setExplicit, tracking } from "./_tracking.ts";
import { capture, format } from "./_task_tree.ts";
import { show } from "./_check.ts";

/**
 * What a node of a {@linkcode TaskTree} is:
 * - `"task"`: a task (made by `createTask()`, `new Task()`, a group, or `asCompleted`,
 *   `shield` or `waitFor` for a task function it was given);
 * - `"group"`: a {@linkcode taskGroup};
 * - `"gather"`: the task a {@linkcode gather} returned;
 * - `"function"`: a gather's call of one of its task functions, running or cancelling (a gather
 *   makes no task for its functions); named by its place in the gather's input and the function's
 *   own name, as `aws[2] fetchUser`;
 * - `"shield"`: the task a {@linkcode shield} returned;
 * - `"waitFor"`: a {@linkcode waitFor} call waiting for a task;
 * - `"timeout"`: the scope of a {@linkcode timeout} or {@linkcode timeoutAt} call.
 */
export type TaskTreeNodeKind =
  | "task"
  | "group"
  | "gather"
  | "function"
  | "shield"
  | "waitFor"
  | "timeout";

/**
 * Where a node of a {@linkcode TaskTree} is in its life (it is pending, or it would not be in
 * the tree):
 * - `"waiting"`: a task whose function has not been called yet — it waits for a slot under its
 *   group's `limit`, or for the microtask that starts new tasks;
 * - `"running"`: started, and not asked to stop;
 * - `"cancelling"`: its signal has aborted (a task cancelled, a group shutting down, a gather
 *   cancelled, a timeout scope expired or cancelled by its parent, a `waitFor` past its time
 *   limit) and it has not settled yet: cancellation is cooperative, so it waits for the work
 *   inside to stop.
 */
export type TaskTreeNodeState = "waiting" | "running" | "cancelling";

/**
 * One pending thing in a {@linkcode TaskTree}, with what it contains. Plain data: it can be
 * serialised with `JSON.stringify`, kept and compared.
 */
export interface TaskTreeNode {
  /** What it is. */
  kind: TaskTreeNodeKind;
  /**
   * The task's or group's name (a gather's or shield's is the name of the task it returned; a
   * gather's function call's is its place and the function's name, as `aws[2] fetchUser`);
   * `""` for `waitFor` calls and timeout scopes, which have none.
   */
  name: string;
  /** Where it is in its life. */
  state: TaskTreeNodeState;
  /** Milliseconds since it was made, rounded. */
  age: number;
  /**
   * Groups and gathers: how many of their tasks may run at once, `null` for no limit. Absent
   * on other kinds.
   */
  limit?: number | null;
  /**
   * Groups and gathers: how many of the tasks they made (a gather: of the functions it called)
   * have started and not settled (running or cancelling). Absent on other kinds.
   */
  running?: number;
  /**
   * Groups and gathers: how many of their tasks (a gather: of its distinct functions) have not
   * started yet. Absent on other kinds.
   */
  waiting?: number;
  /**
   * `waitFor` calls and timeout scopes: milliseconds left before the time limit or deadline,
   * rounded up (`0` once it has passed), or `null` when there is none. Absent on other kinds.
   */
  remaining?: number | null;
  /** What it contains, in the order it was made; see {@linkcode captureTaskTree}. */
  children: TaskTreeNode[];
}

/** A snapshot of what is pending, made by {@linkcode captureTaskTree}. Plain data. */
export interface TaskTree {
  /**
   * Whether task tracking was on when the snapshot was taken. When it was off, nothing was
   * recorded and `roots` is empty: an empty tree means "nothing pending" only when this is
   * `true`.
   */
  tracking: boolean;
  /** The nodes that nothing else contains, in the order they were made. */
  roots: TaskTreeNode[];
}

/** Options for {@linkcode formatTaskTree}. */
export interface FormatTaskTreeOptions {
  /**
   * How many children of one node (and how many roots) are shown; the others are summed up in
   * one line, `… 96 more (96 waiting)`. A positive integer, or `Infinity` to show all.
   *
   * @default {20}
   */
  maxChildren?: number | undefined;
}

/**
 * Turns task tracking on, so that {@linkcode captureTaskTree} sees what is pending.
 *
 * From then on, every task, task group, gather, shield, `waitFor()` call and timeout scope made
 * is recorded until it settles. Work made before is not known; what it makes afterwards appears
 * as roots. While tracking is on, each pending thing costs one small record, made when it is
 * made and dropped as soon as it settles (O(1) each, nothing kept for settled work): about half a
 * microsecond per task, which doubles or triples the cost of tasks that do nothing but is
 * negligible next to any I/O. A pending thing stays in memory while it is recorded, which is the
 * point: a task that can never settle stays visible. Calling it again changes nothing.
 *
 * @example Looking at a task
 * ```ts
 * import { captureTaskTree, createTask, disableTaskTracking, enableTaskTracking } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * enableTaskTracking();
 * try {
 *   const task = createTask(() => "done", { name: "answer" });
 *   const [node] = captureTaskTree().roots;
 *   assert.equal(node?.name, "answer");
 *   assert.equal(node?.state, "waiting"); // it starts in a microtask
 *   await task;
 *   assert.deepEqual(captureTaskTree().roots, []);
 * } finally {
 *   disableTaskTracking();
 * }
 * ```
 */
export function enableTaskTracking(): void {
  setExplicit(true);
}

/**
 * Turns task tracking off and forgets everything it recorded; tracking then costs nothing.
 *
 * While an `assertNoLeakedTasks()` check runs (from `@aio/tasks/testing`), tracking
 * stays on until the check ends, and then goes off unless it was turned on here meanwhile.
 *
 * @example Tracking off
 * ```ts
 * import { captureTaskTree, disableTaskTracking, taskTrackingEnabled } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * disableTaskTracking();
 * assert.equal(taskTrackingEnabled(), false);
 * assert.deepEqual(captureTaskTree(), { tracking: false, roots: [] });
 * ```
 */
export function disableTaskTracking(): void {
  setExplicit(false);
}

/**
 * Whether task tracking is on: turned on with {@linkcode enableTaskTracking}, or by a running
 * leak check.
 *
 * @returns `true` while tracking is on.
 *
 * @example Turning tracking on for a while
 * ```ts
 * import { disableTaskTracking, enableTaskTracking, taskTrackingEnabled } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const before = taskTrackingEnabled();
 * enableTaskTracking();
 * assert.equal(taskTrackingEnabled(), true);
 * if (!before) disableTaskTracking();
 * ```
 */
export function taskTrackingEnabled(): boolean {
  return tracking;
}

/**
 * Takes a snapshot of everything pending that tracking recorded: asyncio's
 * `capture_call_graph()`, for the whole program.
 *
 * Each pending task, group, gather, shield, `waitFor()` and timeout scope made while tracking
 * was on appears once, with its name, state, age and children. Its place is, in this order:
 * 1. under the group or gather that made it (a group's tasks, running or waiting for a slot;
 *    a gather's calls of its function members, as `"function"` nodes);
 * 2. else under the task, group or timeout scope whose signal it was given as
 *    `options.signal` — so work inside a timeout scope appears under the scope when it is
 *    linked to `scope.signal`, as cancellation needs it to be anyway, and work a task (or a
 *    gather's function) starts with its own signal appears under it (once it has started);
 * 3. else, for a task (also the task a gather or a shield returns), under the first gather
 *    (for a task given as a member), shield (for its inner task) or `waitFor` that waits for
 *    it;
 * 4. else it is a root: `createTask()` at top level, and anything given no signal or a signal
 *    of your own `AbortController`.
 *
 * JavaScript does not tell a library who called it, so work that was given no signal is not
 * placed by where it was created. Promises, `fetch` calls, `sleep` and other work the library
 * only follows are not nodes. Groups and gathers also count their tasks and calls: running, and
 * waiting (a gather's function members not yet called count as waiting). Settled work is gone
 * from the tree: a gather that failed no longer holds its members, which show as roots while they
 * run.
 *
 * The snapshot is plain data (no live objects): `JSON.stringify` it, send it, compare it.
 * Taking it is linear in the number of pending things.
 *
 * @returns The snapshot. With tracking off, `{ tracking: false, roots: [] }`.
 *
 * @example A group with a limit, seen from outside
 * ```ts
 * import {
 *   captureTaskTree,
 *   disableTaskTracking,
 *   enableTaskTracking,
 *   sleep,
 *   taskGroup,
 * } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * enableTaskTracking();
 * try {
 *   const stop = new AbortController();
 *   const group = taskGroup((tg) => {
 *     for (const id of [1, 2, 3]) {
 *       tg.createTask((signal) => sleep(60_000, { signal }), { name: `get-${id}` });
 *     }
 *   }, { name: "fetch-all", limit: 2, signal: stop.signal });
 *   await sleep(1);
 *   const [root] = captureTaskTree().roots;
 *   assert.equal(root?.kind, "group");
 *   assert.deepEqual([root?.limit, root?.running, root?.waiting], [2, 2, 1]);
 *   assert.deepEqual(root?.children.map((task) => `${task.name} ${task.state}`), [
 *     "get-1 running",
 *     "get-2 running",
 *     "get-3 waiting",
 *   ]);
 *   stop.abort();
 *   await group.catch(() => {});
 * } finally {
 *   disableTaskTracking();
 * }
 * ```
 */
export function captureTaskTree(): TaskTree {
  return capture();
}

/**
 * Renders a snapshot as an indented text tree a person reads at a glance, like `pstree`:
 *
 * ```text
 * group "fetch-all" (4 of 100 running, limit 4, 1.2 s)
 * ├─ task "get-1" running 310 ms
 * ├─ task "get-2" cancelling 305 ms
 * …
 * └─ … 81 more (81 waiting)
 * ```
 *
 * One line per node: its kind, its name (quoted, as JSON quotes it, so a name cannot break the
 * layout; cut after 200 characters), `cancelling` when it is, and its age. Groups and gathers
 * show how many of their tasks run and their limit; `waitFor` calls and timeout scopes show
 * the time left (`no deadline` when there is none); tasks and shields show their state. It is
 * the structure the library knows, not JavaScript stacks: a task shows what it started and was
 * linked to, not the line it is stopped at. Data that is not a node (`null` in parsed JSON, a
 * node whose getters throw) shows as a line that says so; an age or time left that is `Infinity`
 * shows as `∞` and `no deadline`.
 *
 * @param tree A snapshot from {@linkcode captureTaskTree}, or data of the same shape (parsed
 *   JSON, for instance). Taken now when omitted.
 * @param options How many children of a node are shown.
 * @returns The text, without a final newline. `Nothing is pending` for an empty tree, and a
 *   sentence saying that tracking is off when the snapshot was taken without it.
 * @throws {TypeError} If `tree` is not an object.
 * @throws {RangeError} If `options.maxChildren` is not a positive integer or `Infinity`.
 *
 * @example A group and its tasks
 * ```ts
 * import {
 *   disableTaskTracking,
 *   enableTaskTracking,
 *   formatTaskTree,
 *   sleep,
 *   taskGroup,
 * } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * enableTaskTracking();
 * try {
 *   const stop = new AbortController();
 *   const group = taskGroup((tg) => {
 *     for (const id of [1, 2, 3]) {
 *       tg.createTask((signal) => sleep(60_000, { signal }), { name: `get-${id}` });
 *     }
 *   }, { name: "fetch-all", limit: 2, signal: stop.signal });
 *   await sleep(1);
 *   const lines = formatTaskTree(undefined, { maxChildren: 2 }).split("\n");
 *   assert.match(lines[0]!, /^group "fetch-all" \(2 of 3 running, limit 2, \d+ ms\)$/);
 *   assert.match(lines[1]!, /^├─ task "get-1" running \d+ ms$/);
 *   assert.match(lines[2]!, /^├─ task "get-2" running \d+ ms$/);
 *   assert.equal(lines[3], "└─ … 1 more (1 waiting)");
 *   stop.abort();
 *   await group.catch(() => {});
 * } finally {
 *   disableTaskTracking();
 * }
 * ```
 *
 * @example A snapshot made by hand
 * ```ts
 * import { formatTaskTree } from "@aio/tasks";
 * import assert from "node:assert/strict";
 *
 * const text = formatTaskTree({
 *   tracking: true,
 *   roots: [{
 *     kind: "timeout",
 *     name: "",
 *     state: "running",
 *     age: 1_200,
 *     remaining: 3_800,
 *     children: [{ kind: "task", name: "save", state: "cancelling", age: 900, children: [] }],
 *   }],
 * });
 * assert.equal(text, 'timeout (3.8 s left, 1.2 s)\n└─ task "save" cancelling 900 ms');
 * ```
 */
export function formatTaskTree(tree?: TaskTree, options?: FormatTaskTreeOptions): string {
  const maxChildren = options?.maxChildren ?? 20;
  if (maxChildren !== Infinity && !(Number.isInteger(maxChildren) && maxChildren > 0)) {
    throw new RangeError(
      `Cannot format task tree as 'maxChildren' must be a positive integer: current value is ${
        show(maxChildren)
      }`,
    );
  }
  if (tree !== undefined && (typeof tree !== "object" || tree === null)) {
    throw new TypeError(
      `Cannot format task tree as 'tree' must be a snapshot: current value is ${show(tree)}`,
    );
  }
  return format(tree ?? capture(), maxChildren);
}
