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
import { show } from "./_check.ts";

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

const NAME_LENGTH = 200;
// Deeper nodes are not indented further, so that the text stays linear in the number of nodes;
// their lines say their depth instead.
const INDENTED_LEVELS = 64;

/**
 * The tree as indented text, one line per node; at most `maxChildren` children of a node (and
 * roots) are shown, the others summed up in one line.
 */
export function format(tree: TaskTree, maxChildren: number): string {
  if (tree.tracking !== true) {
    return "Task tracking is off: nothing was recorded (turn it on with enableTaskTracking())";
  }
  const roots = Array.isArray(tree.roots) ? tree.roots : [];
  if (roots.length === 0) return "Nothing is pending";
  const lines: string[] = [];
  const seen = new Set<unknown>();
  // Each item: a node (or the summary of hidden siblings), its depth, the text before its line,
  // and the text before its children's lines. Pushed in reverse, so popped in order.
  const stack: [TaskTreeNode | string, number, string, string][] = [];
  const pushAll = (nodes: readonly TaskTreeNode[], depth: number, indent: string) => {
    const shown = Math.min(nodes.length, maxChildren);
    const items: (TaskTreeNode | string)[] = nodes.slice(0, shown);
    if (nodes.length > shown) items.push(hidden(nodes.slice(shown)));
    const deeper = depth <= INDENTED_LEVELS;
    for (let i = items.length - 1; i >= 0; i--) {
      const last = i === items.length - 1;
      const lead = depth === 0 ? "" : indent + (last ? "└─ " : "├─ ");
      const below = depth === 0 || !deeper ? indent : indent + (last ? "   " : "│  ");
      stack.push([items[i]!, depth, lead, below]);
    }
  };
  pushAll(roots, 0, "");
  while (stack.length > 0) {
    const [item, depth, lead, below] = stack.pop()!;
    const at = depth > INDENTED_LEVELS ? `[depth ${depth}] ` : "";
    if (typeof item === "string") {
      lines.push(lead + at + item);
      continue;
    }
    if (seen.has(item)) continue;
    seen.add(item);
    lines.push(lead + at + label(item));
    const children = Array.isArray(item.children) ? item.children : [];
    if (children.length > 0) pushAll(children, depth + 1, below);
  }
  return lines.join("\n");
}

function hidden(nodes: readonly TaskTreeNode[]): string {
  const states = new Map<string, number>();
  for (const node of nodes) {
    const state = text(node?.state);
    states.set(state, (states.get(state) ?? 0) + 1);
  }
  const counts = [...states].map(([state, n]) => `${n} ${state}`).join(", ");
  return `… ${nodes.length} more (${counts})`;
}

function label(node: TaskTreeNode): string {
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
      const running = Number(node.running);
      const total = running + Number(node.waiting);
      const counts = total === 0 ? "no tasks" : `${running} of ${total} running`;
      const limit = typeof node.limit === "number" ? `, limit ${node.limit}` : "";
      return `${node.kind}${name}${cancelling} (${counts}${limit}, ${age})`;
    }
    case "waitFor":
    case "timeout": {
      const left = typeof node.remaining === "number"
        ? `${duration(node.remaining)} left`
        : "no deadline";
      return `${node.kind}${name}${cancelling} (${left}, ${age})`;
    }
    default:
      return `${text(node.kind)}${name} ${text(node.state)} ${age}`;
  }
}

// A snapshot may come from elsewhere (parsed JSON, made by hand): what is shown never throws.
function text(value: unknown): string {
  return typeof value === "string" ? value : show(value);
}

function quote(name: string): string {
  return JSON.stringify(name.length > NAME_LENGTH ? name.slice(0, NAME_LENGTH) + "…" : name);
}

function duration(ms: unknown): string {
  const value = typeof ms === "number" && ms > 0 ? ms : 0;
  if (Math.round(value) < 1000) return `${Math.round(value)} ms`;
  if (value < 59_950) return `${(value / 1000).toFixed(1)} s`;
  const seconds = Math.round(value / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor(seconds / 60) % 60} min`;
}
