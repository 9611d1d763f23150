// Copyright 2026 the @aio/tasks authors. MIT license.
// Building the tree of what is pending from the registry (`_tracking.ts`), and writing it as
// text. The registry knows each thing's owner, the signal it was linked to and what it waits
// for; here each thing gets one place:
//
// 1. under the group or gather that made it (a task made by `tg.createTask()`, or a gather's call
//    of one of its functions);
// 2. else under the task, group or timeout scope whose signal it was given (`options.signal`,
//    or the parent signal of a scope);
// 3. else, for a task, under the first gather, shield or waitFor (in creation order) that waits
//    for it;
// 4. else it is a root.
//
// Rules 1 and 2 point from older things to newer ones, so only rule 3 can close a cycle (a
// gather inside a task that waits for that very task); such a cycle is cut where rule 3 made
// it, and the task becomes a root. Children come in creation order. Everything here is linear
// in the number of tracked things and iterative, so deep nesting cannot overflow the stack.
import type { TaskTree, TaskTreeNode } from "./introspect.ts";
import { type Task, tasks } from "./_task.ts";
import type { TaskGroup } from "./group.ts";
import type { Timeout } from "./timeout.ts";
import { entries, type Entry, tracking } from "./_tracking.ts";
import { quote, show } from "./_check.ts";

/** One tracked thing on its way into the tree. */
interface Place {
  readonly entry: Entry;
  readonly node: TaskTreeNode;
  parent: Place | undefined;
  // Placed by rule 3.
  adopted: boolean;
  reached: boolean;
}

/**
 * The tree of everything tracked now, or only of what was made from `since` on (a `seq`, see
 * `_tracking.ts`); a thing whose parent is left out becomes a root.
 */
export function capture(since = 0): TaskTree {
  if (!tracking) return { tracking: false, roots: [] };
  const now = performance.now();
  const places = new Map<unknown, Place>();
  // Each signal → the place of the task, group or scope it belongs to.
  const owners = new Map<AbortSignal, Place>();
  // Gathers made before `since`: the calls they make later are theirs, not newer work.
  const older = new Set<object>();
  for (const [thing, entry] of entries()) {
    if (entry.seq < since) {
      if (entry.kind === "gather") older.add(thing);
      continue;
    }
    if (entry.kind === "function" && older.has(entry.owner as object)) continue;
    const place: Place = {
      entry,
      node: describe(thing, entry, now),
      parent: undefined,
      adopted: false,
      reached: false,
    };
    places.set(thing, place);
    const signal = signalOf(thing, entry);
    if (signal !== undefined) owners.set(signal, place);
  }
  // Rules 1 and 2, and the counts of what groups and gathers made.
  for (const place of places.values()) {
    const { owner, signal } = place.entry;
    if (owner !== undefined) {
      place.parent = places.get(owner);
      const counts = place.parent?.node;
      if (counts !== undefined) {
        if (place.node.state === "waiting") counts.waiting!++;
        else counts.running!++;
      }
    } else if (signal !== undefined) place.parent = owners.get(signal);
  }
  // Rule 3.
  for (const place of places.values()) {
    const members = place.entry.members;
    if (members === undefined) continue;
    for (const member of members) {
      const taken = places.get(member);
      if (taken !== undefined && taken.parent === undefined && isTaskKind(taken.entry.kind)) {
        taken.parent = place;
        taken.adopted = true;
      }
    }
  }
  const roots: TaskTreeNode[] = [];
  for (const place of places.values()) {
    (place.parent === undefined ? roots : place.parent.node.children).push(place.node);
  }
  cutCycles(places, roots);
  return { tracking: true, roots };
}

// What a gather, shield or waitFor can be given to wait for: a task, or the task a gather or a
// shield returns.
function isTaskKind(kind: Entry["kind"]): boolean {
  return kind === "task" || kind === "gather" || kind === "shield";
}

function describe(thing: unknown, entry: Entry, now: number): TaskTreeNode {
  const age = Math.max(0, Math.round(now - entry.born));
  switch (entry.kind) {
    case "task": {
      const task = thing as Task<unknown>;
      return { kind: "task", name: task.name, state: stateOf(task), age, children: [] };
    }
    case "group": {
      const group = thing as TaskGroup;
      const state = group.signal.aborted ? "cancelling" : "running";
      const limit = limitOf(entry);
      return {
        kind: "group",
        name: group.name,
        state,
        age,
        limit,
        running: 0,
        waiting: 0,
        children: [],
      };
    }
    case "gather": {
      const future = thing as Task<unknown>;
      // Reading a future's signal makes it: one per gather and capture.
      const state = future.signal.aborted ? "cancelling" : "running";
      // Functions not started yet, under a limit; once the gather is cancelled, they never start.
      const waiting = state === "cancelling" || entry.limit === Infinity
        ? 0
        : entry.extent - entry.made;
      const limit = limitOf(entry);
      return {
        kind: "gather",
        name: future.name,
        state,
        age,
        limit,
        running: 0,
        waiting,
        children: [],
      };
    }
    case "function": {
      const signal = (thing as AbortController).signal;
      const state = signal.aborted ? "cancelling" : "running";
      return { kind: "function", name: entry.label!, state, age, children: [] };
    }
    case "shield": {
      const name = (thing as Task<unknown>).name;
      return { kind: "shield", name, state: "running", age, children: [] };
    }
    case "waitFor": {
      const task = entry.members![0] as Task<unknown>;
      const state = stateOf(task) === "cancelling" ? "cancelling" : "running";
      const remaining = left(entry.extent, now);
      return { kind: "waitFor", name: "", state, age, remaining, children: [] };
    }
    case "timeout": {
      const scope = thing as Timeout;
      const state = scope.signal.aborted ? "cancelling" : "running";
      const remaining = left(scope.when() ?? Infinity, now);
      return { kind: "timeout", name: "", state, age, remaining, children: [] };
    }
  }
}

function limitOf(entry: Entry): number | null {
  return entry.limit === Infinity ? null : entry.limit;
}

function left(deadline: number, now: number): number | null {
  return deadline === Infinity ? null : Math.max(0, Math.ceil(deadline - now));
}

// A task's signal is read only once it has started: it has one then, and reading it makes none.
function stateOf(task: Task<unknown>): TaskTreeNode["state"] {
  if (tasks.state(task) === "new") return "waiting";
  return task.signal.aborted ? "cancelling" : "running";
}

// The signal that things linked to this one were given. A task's only once it started (before,
// its signal is usually not made, and reading it would make one); a future's is not followed.
function signalOf(thing: unknown, entry: Entry): AbortSignal | undefined {
  switch (entry.kind) {
    case "task":
      return tasks.state(thing as Task<unknown>) === "new"
        ? undefined
        : (thing as Task<unknown>).signal;
    case "function":
      return (thing as AbortController).signal;
    case "group":
      return (thing as TaskGroup).signal;
    case "timeout":
      return (thing as Timeout).signal;
    default:
      return undefined;
  }
}

function cutCycles(places: Map<unknown, Place>, roots: TaskTreeNode[]): void {
  const placeOf = new Map<TaskTreeNode, Place>();
  for (const place of places.values()) placeOf.set(place.node, place);
  const reach = (from: TaskTreeNode[]) => {
    const stack = [...from];
    while (stack.length > 0) {
      const place = placeOf.get(stack.pop()!)!;
      if (place.reached) continue;
      place.reached = true;
      for (const child of place.node.children) stack.push(child);
    }
  };
  reach(roots);
  for (const place of places.values()) {
    if (place.reached || !place.adopted) continue;
    const siblings = place.parent!.node.children;
    siblings.splice(siblings.indexOf(place.node), 1);
    place.parent = undefined;
    roots.push(place.node);
    reach([place.node]);
  }
}

// ---------------------------------------------------------------------------------------------
// Text

// Deeper nodes are not indented further, so that the text stays linear in the number of nodes;
// their lines say their depth instead.
const INDENTED_LEVELS = 64;

/**
 * The tree as indented text, one line per node; at most `maxChildren` children of a node (and
 * roots) are shown, the others summed up in one line.
 *
 * A snapshot may come from elsewhere (parsed JSON, made by hand, a proxy): what is shown never
 * throws. Each node is read once, in a guard; one that is not an object or cannot be read shows
 * as a line that says so, and its place in the tree is kept.
 */
export function format(tree: TaskTree, maxChildren: number): string {
  let tracking: unknown, roots: unknown[] | undefined;
  try {
    tracking = tree.tracking;
    if (tracking === true) roots = listOf(tree.roots);
  } catch {
    return "[a snapshot that cannot be read]";
  }
  if (tracking !== true) {
    return "Task tracking is off: nothing was recorded (turn it on with enableTaskTracking())";
  }
  if (roots === undefined) return "[a snapshot that cannot be read]";
  if (roots.length === 0) return "Nothing is pending";
  const lines: string[] = [];
  const seen = new Set<unknown>();
  // Each item: a node as given (or a line already made: the summary of hidden siblings, a mark),
  // its depth, the text before its line, and the text before its children's lines. Pushed in
  // reverse, so popped in order.
  const stack: [unknown, number, string, string][] = [];
  const pushAll = (nodes: readonly unknown[], depth: number, indent: string) => {
    const shown = Math.min(nodes.length, maxChildren);
    const items: unknown[] = nodes.slice(0, shown);
    const notRead = unread.get(nodes as unknown[]) ?? 0;
    if (nodes.length > shown || notRead > 0) {
      items.push(new Line(hidden(nodes.slice(shown), notRead)));
    }
    const deeper = depth <= INDENTED_LEVELS;
    for (let i = items.length - 1; i >= 0; i--) {
      const last = i === items.length - 1;
      const lead = depth === 0 ? "" : indent + (last ? "└─ " : "├─ ");
      const below = depth === 0 || !deeper ? indent : indent + (last ? "   " : "│  ");
      stack.push([items[i], depth, lead, below]);
    }
  };
  pushAll(roots, 0, "");
  while (stack.length > 0) {
    const [item, depth, lead, below] = stack.pop()!;
    const at = depth > INDENTED_LEVELS ? `[depth ${depth}] ` : "";
    const made = Line.textOf(item);
    if (made !== undefined) {
      lines.push(lead + at + made);
      continue;
    }
    // A node met again (a cycle in a snapshot made by hand) is shown once.
    if (typeof item === "object" && item !== null) {
      if (seen.has(item)) continue;
      seen.add(item);
    }
    const node = read(item);
    if (typeof node === "string") {
      lines.push(lead + at + node);
      continue;
    }
    lines.push(lead + at + label(node));
    const children = node.children ?? [new Line("[children that cannot be read]")];
    if (children.length > 0) pushAll(children, depth + 1, below);
  }
  return lines.join("\n");
}

/** A line made already, in the place of a node. */
class Line {
  readonly #text: string;
  constructor(text: string) {
    this.#text = text;
  }
  /** Its text, or `undefined` for anything else (`instanceof` would throw on a revoked proxy). */
  static textOf(value: unknown): string | undefined {
    return typeof value === "object" && value !== null && #text in value
      ? (value as Line).#text
      : undefined;
  }
}

/** A node's fields, read once; `children` is `undefined` when they cannot be read. */
interface Fields {
  kind: unknown;
  name: unknown;
  state: unknown;
  age: unknown;
  limit: unknown;
  running: unknown;
  waiting: unknown;
  remaining: unknown;
  children: unknown[] | undefined;
}

// A child whose own reading threw (a getter at its index).
const UNREADABLE = "[a node that cannot be read]";
const lost = new Line(UNREADABLE);

/** The fields of a node, or the line that shows it when it is no node or cannot be read. */
function read(value: unknown): Fields | string {
  const made = Line.textOf(value);
  if (made !== undefined) return made;
  if (value === null || typeof value !== "object") return `[not a node: ${show(value)}]`;
  try {
    const node = value as Record<keyof Fields, unknown>;
    const { kind, name, state, age, limit, running, waiting, remaining } = node;
    return {
      kind,
      name,
      state,
      age,
      limit,
      running,
      waiting,
      remaining,
      children: listOf(node.children),
    };
  } catch {
    return UNREADABLE;
  }
}

/**
 * The items of a list of nodes, each read once (`lost` for one whose reading throws); `[]` for
 * what is not an array, `undefined` for an array that cannot be read (a revoked proxy).
 */
function listOf(value: unknown): unknown[] | undefined {
  let length: number;
  try {
    if (!Array.isArray(value)) return [];
    length = value.length;
  } catch {
    return undefined;
  }
  const items: unknown[] = [];
  const read = Math.min(length, MAX_READ);
  for (let i = 0; i < read; i++) {
    try {
      items.push(value[i]);
    } catch {
      items.push(lost);
    }
  }
  if (length > read) unread.set(items, length - read);
  return items;
}

// The most items of one list that are read: a list claiming a length of 2^32 - 1 (a proxy, a
// sparse array) would take minutes. Those past it are counted, not read.
const MAX_READ = 1_000_000;
// How many items of a list were not read, for the lists cut at MAX_READ.
const unread = new WeakMap<unknown[], number>();

// The state of a hidden node, read alone: the rest of it is not shown.
function hiddenState(node: unknown): unknown {
  if (node === null || typeof node !== "object" || Line.textOf(node) !== undefined) return;
  try {
    return (node as { state?: unknown }).state;
  } catch {
    return undefined;
  }
}

function hidden(nodes: readonly unknown[], notRead: number): string {
  const states = new Map<string, number>();
  for (const node of nodes) {
    const state = text(hiddenState(node));
    states.set(state, (states.get(state) ?? 0) + 1);
  }
  if (notRead > 0) states.set("not read", notRead);
  const counts = [...states].map(([state, n]) => `${n} ${state}`).join(", ");
  return `… ${nodes.length + notRead} more (${counts})`;
}

function label(node: Fields): string {
  // waitFor calls and timeout scopes have no name; anything else shows its own, even "".
  const nameless = node.kind === "waitFor" || node.kind === "timeout";
  const name = nameless
    ? ""
    : ` ${typeof node.name === "string" ? quote(node.name) : show(node.name)}`;
  const cancelling = node.state === "cancelling" ? " cancelling" : "";
  const age = duration(node.age);
  switch (node.kind) {
    case "group":
    case "gather": {
      const running = count(node.running);
      const total = running + count(node.waiting);
      const counts = total === 0 ? "no tasks" : `${running} of ${total} running`;
      const limit = typeof node.limit === "number" ? `, limit ${node.limit}` : "";
      return `${node.kind}${name}${cancelling} (${counts}${limit}, ${age})`;
    }
    case "waitFor":
    case "timeout": {
      // An endless time left is no deadline, as `captureTaskTree()` writes it (`null`).
      const left = typeof node.remaining === "number" && node.remaining !== Infinity
        ? `${duration(node.remaining)} left`
        : "no deadline";
      return `${node.kind}${name}${cancelling} (${left}, ${age})`;
    }
    default:
      return `${text(node.kind)}${name} ${text(node.state)} ${age}`;
  }
}

// A count from a snapshot: a number, or none (`Number()` of an object may run its code).
function count(value: unknown): number {
  return typeof value === "number" ? value : 0;
}

function text(value: unknown): string {
  if (typeof value !== "string") return show(value);
  // Kinds and states from elsewhere may hold anything: quoted when they could break the line.
  return /[\p{Cc}\u2028\u2029]/u.test(value) ? quote(value) : value;
}

function duration(ms: unknown): string {
  const value = typeof ms === "number" && ms > 0 ? ms : 0;
  if (value === Infinity) return "∞";
  if (Math.round(value) < 1000) return `${Math.round(value)} ms`;
  if (value < 59_950) return `${(value / 1000).toFixed(1)} s`;
  const seconds = Math.round(value / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor(seconds / 60) % 60} min`;
}
