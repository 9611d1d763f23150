// Copyright 2026 the @aio/tasks authors. MIT license.
// How the library's objects show themselves to a person.
//
// In consoles (`console.log`, `util.inspect`, `Deno.inspect`; Node, Bun and Deno), through the
// two custom-inspect symbols: `Task { name: "fetch-1", state: "running" }`, and an
// `ExceptionGroup` as its tree of errors, like Python's traceback of an `ExceptionGroup`:
//
//   ExceptionGroup: unhandled errors in a TaskGroup (2 errors in task group "crawl")
//   +-+---------------- 1: task "fetch-1" ----------------
//     | TypeError: bad url
//     |     at …
//     +---------------- 2: task "fetch-2" ----------------
//     | RangeError: too big
//     +------------------------------------
//       at …
//
// Where no custom inspection is read — Deno's and Node's reports of an uncaught error, a
// browser's console (its description of an error is made from the error's name, message and
// stack frames, without running any getter) — a task group's ExceptionGroup carries a summary
// in its first stack frame instead (see `raisedInGroup`).
//
// Invariant: showing never throws, whatever the shown values' getters do or however long their
// text is (lines are added in loops, never spread as arguments); the tree is built only when
// inspected, and bounded as in Python: at most 15 errors per group and 10 levels of nesting, and
// at most 200 nested groups drawn in one tree (a group may hold the same group many times).
import { quote, show } from "./_check.ts";

const NODE_INSPECT = Symbol.for("nodejs.util.inspect.custom");
const DENO_INSPECT = Symbol.for("Deno.customInspect");
// Python's `max_group_width` and `max_group_depth`.
const WIDTH = 15;
const DEPTH = 10;
// Without it, a group holding the same group 15 times at each of 10 levels draws 15^10 boxes.
const GROUPS = 200;
const deeper = `... (nested groups deeper than ${DEPTH})`;

/** The runtime's own `inspect`, as Node, Bun and Deno hand it to custom-inspect methods. */
type Inspect = (value: unknown, options?: unknown) => string;

/** The options Node hands to a custom-inspect method (the part used here). */
interface NodeOptions {
  depth?: number | null | undefined;
}

/** The options Deno hands to a custom-inspect method (the part used here). */
interface DenoOptions {
  depth?: unknown;
  currentDepth?: unknown;
  indentationLvl?: unknown;
}

function define(target: object, key: symbol, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true });
}

/**
 * Makes instances of a class show as `Tag { …fields }` in `console.log` and `inspect` on Node,
 * Bun and Deno. `fields` may throw (an object that is not a real instance, such as the
 * prototype itself): the instance then shows as `Tag {}`.
 */
export function showAs<T extends object>(
  prototype: T,
  tag: string,
  fields: (self: T) => Record<string, unknown>,
): void {
  const read = (self: T): Record<string, unknown> => {
    try {
      return fields(self);
    } catch {
      return {};
    }
  };
  define(
    prototype,
    NODE_INSPECT,
    function (this: T, depth: number, options: NodeOptions, inspect?: Inspect): unknown {
      if (depth < 0) return `[${tag}]`;
      const shown = read(this);
      if (typeof inspect !== "function") return shown;
      return `${tag} ${inspect(shown, nested(options))}`;
    },
  );
  define(prototype, DENO_INSPECT, function (this: T, inspect: Inspect, options: unknown): string {
    return `${tag} ${inspect(read(this), options)}`;
  });
}

function nested(options: NodeOptions): NodeOptions {
  const depth = options?.depth;
  return { ...options, depth: typeof depth === "number" ? depth - 1 : depth };
}

// ---------------------------------------------------------------------------------------------
// Exception groups

/**
 * Where the errors of a group made by a task group came from: the group's name and, for each
 * error (same index), the name of the task that raised it, or `null` for the group's body.
 */
interface Origin {
  group: string;
  tasks: readonly (string | null)[];
  errors: readonly unknown[];
}

// The origin of each task group's ExceptionGroup, and of the groups split() and subgroup() made
// from it (the same record: labels are found by identity).
const origins = new WeakMap<object, Origin>();

/**
 * Makes the `ExceptionGroup` of a failed task group, `new Group(message, errors)`, and records
 * which task raised each error. `tasks[i]` is the name of the task whose failure is `errors[i]`,
 * `null` for the body's error.
 *
 * The group is made inside a function named with a one-line summary, which becomes the first
 * frame of its stack: V8 names frames after a function's `name`, as set here. That frame is what
 * tells the tasks apart where only the name, message and frames of an uncaught or logged error
 * are shown: `at task group "crawl" failed with 2 errors: [1] task "a": TypeError: bad url; [2]
 * task "b": RangeError: too big (…)`. The summary is made at once, from the errors' names and
 * messages (at most 15); it holds no parentheses, so that stack parsers still find the location.
 */
export function raisedInGroup<G extends object>(
  Group: new (message: string, errors: unknown[]) => G,
  message: string,
  errors: unknown[],
  group: string,
  tasks: readonly (string | null)[],
): G {
  const made = madeIn(summarize(group, errors, tasks), Group, message, errors);
  // The group's own array, for labels by index: the constructor copied `errors`.
  origins.set(made, { group, tasks, errors: errorsOf(made) ?? errors });
  return made;
}

/**
 * Makes a group that holds some of the errors of `source` (what `split()` and `subgroup()`
 * return), `new Group(message, errors)`. When `source` came from a task group, so does the new
 * group: it shows the tasks of its errors, and its first stack frame sums them up, so that a
 * remainder rethrown and left uncaught still says where its errors came from.
 */
export function derivedGroup<G extends object>(
  Group: new (message: string, errors: unknown[]) => G,
  message: string,
  errors: unknown[],
  source: object,
): G {
  const origin = origins.get(source);
  if (origin === undefined) return new Group(message, errors);
  const made = madeIn(
    summarize(origin.group, errors, namesFor(origin, errors)),
    Group,
    message,
    errors,
  );
  origins.set(made, origin);
  return made;
}

// Makes the group inside a function named `summary`, whose frame becomes the first of its stack.
function madeIn<G extends object>(
  summary: string,
  Group: new (message: string, errors: unknown[]) => G,
  message: string,
  errors: unknown[],
): G {
  // Called detached, so that the frame reads `at task group …`, not `at Object.task group …`.
  // Reports of an uncaught error quote the line below: its comment speaks to that reader.
  const make = {
    [summary]: () => new Group(message, errors), // A task group failed: see "at task group" below
  }[summary]!;
  return make();
}

// `tasks[i]` is the name of the task that raised `errors[i]`, `null` for the body, `undefined`
// when not known (a nested group split from an inner one).
function summarize(
  group: string,
  errors: readonly unknown[],
  tasks: readonly (string | null | undefined)[],
) {
  const listed: string[] = [];
  for (let i = 0; i < Math.min(errors.length, WIDTH); i++) {
    const error = errors[i];
    const what = errorsOf(error) === undefined ? briefLeaf(error) : briefOf(error as object);
    const task = tasks[i];
    listed.push(`[${i + 1}] ${task === undefined ? "" : `${labelOf(task)}: `}${oneLine(what)}`);
  }
  if (errors.length > WIDTH) listed.push(`and ${errors.length - WIDTH} more`);
  // Names are the user's too: no line breaks or parentheses from them either, and cut short.
  return withoutParens(
    `task group ${quote(group)} failed with ${count(errors.length)}: ${listed.join("; ")}`,
  );
}

function withoutParens(text: string): string {
  return text.replace(/[()]/g, (paren) => paren === "(" ? "[" : "]");
}

// One line without parentheses, at most 100 characters: any line terminator (JavaScript's are
// \n, \r, U+2028 and U+2029) becomes a space.
function oneLine(text: string): string {
  const line = withoutParens(text.slice(0, 200).replace(/\s*[\n\r\u2028\u2029]\s*/g, " "));
  return line.length > 100 ? `${line.slice(0, 99)}…` : line;
}

// An error in a summary, which is made when the group fails: read cheaply, never serialized.
function briefLeaf(error: unknown): string {
  try {
    if (error instanceof Error) return errorHead(error);
  } catch {
    // A revoked proxy: described below.
  }
  return show(error);
}

// A nested group in a summary: a task group's by its name, any other by its message.
function briefOf(group: object): string {
  const where = origins.get(group);
  const size = count(errorsOf(group)?.length ?? 0);
  if (where === undefined) return `${errorHead(group)} [${size}]`;
  return `${leafName(group)} [${size} in task group ${quote(where.group)}]`;
}

function labelOf(task: string | null): string {
  return task === null ? "the body" : `task ${quote(task)}`;
}

function count(n: number): string {
  return n === 1 ? "1 error" : `${n} errors`;
}

// The groups whose tree is being made now, and the nested groups being drawn in it: a group met
// again inside its own tree (through its `errors`, a `cause` or an error that holds it) shows as
// its header. The runtime's own cycle check does not see through a custom inspector called anew
// (Deno's does not), nor into the nested groups drawn here, and without this a group that is its
// own cause is shown inside itself until the stack runs out.
const showing = new Set<object>();

/** Makes `ExceptionGroup`s show as their tree in `console.log` and `inspect` (Node, Bun, Deno). */
export function showGroupTree(prototype: object): void {
  const tree = (self: object, inspect: Inspect, options: unknown): string => {
    if (showing.has(self)) return circular(self);
    // Groups shown inside groups through what the runtime inspects (a `cause`, an error holding a
    // group) count as nesting too, whatever depth the caller asked for.
    if (showing.size >= DEPTH) return `${headerOf(self)} ${deeper}`;
    showing.add(self);
    try {
      return treeOf(self, inspect, options);
    } finally {
      showing.delete(self);
    }
  };
  const treeOf = (self: object, inspect: Inspect, options: unknown): string => {
    const leaf = (error: unknown): string => {
      try {
        const text = inspect(error, options);
        if (typeof text === "string") return text;
      } catch {
        // The runtime's inspection failed on a hostile value: show it safely instead.
      }
      return leafText(error);
    };
    const lines = render(self, leaf, 0, { groups: GROUPS });
    let cause: unknown;
    try {
      if (!("cause" in self)) return lines.join("\n");
      cause = (self as { cause?: unknown }).cause;
    } catch {
      return lines.join("\n");
    }
    pushPrefixed(lines, `[cause]: ${leaf(cause)}`.split("\n"), "  ");
    return lines.join("\n");
  };
  define(
    prototype,
    NODE_INSPECT,
    function (this: object, depth: number, options: NodeOptions, inspect?: Inspect): string {
      if (depth < 0 || typeof inspect !== "function") return headerOf(this);
      return tree(this, inspect, nested(options));
    },
  );
  define(prototype, DENO_INSPECT, function (this: object, inspect: Inspect, options: unknown) {
    const { indentationLvl: indent, depth, currentDepth } = (options ?? {}) as DenoOptions;
    // Deno hands the depth it was asked for and how deep the group stands, and starts anew at
    // depth 0 in each inspect() called from here: what is left is lowered here, as Node does.
    const left = typeof depth === "number" && typeof currentDepth === "number"
      ? depth - currentDepth
      : depth;
    if (typeof left === "number" && left < 0) return headerOf(this);
    // Deno indents what it inspects by `indentationLvl` spaces; the tree indents its leaves
    // itself, and its lines after the first by where the group stands (in an array, an object).
    const text = tree(this, inspect, {
      ...options as object,
      depth: typeof left === "number" ? left - 1 : left,
      currentDepth: 0,
      indentationLvl: 0,
      indentLevel: 0,
    });
    if (typeof indent !== "number" || !(indent > 0)) return text;
    return text.replaceAll("\n", "\n" + " ".repeat(Math.min(indent, 100)));
  });
}

/** The lines of a group: header, its errors in boxes, then (outermost only) its stack frames. */
function render(
  group: object,
  leaf: (error: unknown) => string,
  depth: number,
  left: { groups: number },
): string[] {
  const lines = [headerOf(group)];
  const errors = errorsOf(group) ?? [];
  const origin = origins.get(group);
  const labels = origin === undefined ? undefined : labelsFor(origin, errors);
  const shown = Math.min(errors.length, WIDTH);
  for (let i = 0; i < shown; i++) {
    const label = labels?.[i];
    lines.push(
      `${i === 0 ? "+-+" : "  +"}---------------- ${i + 1}${
        label === undefined ? "" : `: ${label}`
      } ----------------`,
    );
    const error = errors[i];
    let content: string[];
    if (errorsOf(error) === undefined) content = leaf(error).split("\n");
    else if (depth + 1 >= DEPTH) {
      content = [headerOf(error as object), deeper];
    } else if (showing.has(error as object)) {
      content = [circular(error as object)];
    } else if (left.groups <= 0) {
      content = [headerOf(error as object), `... (more than ${GROUPS} nested groups in this tree)`];
    } else {
      left.groups--;
      showing.add(error as object);
      try {
        content = render(error as object, leaf, depth + 1, left);
      } finally {
        showing.delete(error as object);
      }
    }
    pushPrefixed(lines, content, "  | ");
  }
  if (errors.length > WIDTH) {
    lines.push("  +---------------- ... ----------------");
    lines.push(`  | and ${count(errors.length - WIDTH).replace("error", "more error")}`);
  }
  if (shown > 0) lines.push("  +------------------------------------");
  // A nested group's own frames are where the task group settled, inside this library: only
  // the outermost group's frames are shown, as the stack they are.
  if (depth === 0) pushPrefixed(lines, framesOf(group), "");
  return lines;
}

// A loop, not `push(...lines)`: spread arguments go on the stack, which a long text overflows.
function pushPrefixed(lines: string[], more: readonly string[], by: string): void {
  for (const line of more) lines.push(by + line);
}

// The label of each error of a group whose origin is known: by index for the group made by the
// task group, by identity for groups split from it.
function labelsFor(origin: Origin, errors: readonly unknown[]): (string | undefined)[] {
  if (errors === origin.errors) return origin.tasks.map(labelOf);
  return namesFor(origin, errors).map((task) => task === undefined ? undefined : labelOf(task));
}

// The task (or `null`, the body) that raised each of `errors`, found by identity among the
// errors of `origin`; `undefined` for an error it does not hold.
function namesFor(origin: Origin, errors: readonly unknown[]): (string | null | undefined)[] {
  const byError = new Map<unknown, string | null>();
  origin.errors.forEach((error, i) => {
    if (!byError.has(error) && i < origin.tasks.length) byError.set(error, origin.tasks[i]!);
  });
  return errors.map((error) => byError.has(error) ? byError.get(error)! : undefined);
}

function circular(group: object): string {
  return `${headerOf(group)} [Circular]`;
}

/** `Name: message (N errors in task group "g")`; never throws. */
function headerOf(group: object): string {
  const head = errorHead(group);
  const errors = errorsOf(group);
  const where = origins.get(group);
  const size = errors === undefined ? "" : count(errors.length);
  const place = where === undefined ? "" : ` in task group ${quote(where.group)}`;
  return `${head} (${size}${place})`;
}

/** A group's `errors` if it is an `AggregateError` with an array of errors; never throws. */
function errorsOf(value: unknown): unknown[] | undefined {
  try {
    if (!(value instanceof AggregateError)) return undefined;
    const errors: unknown = value.errors;
    return Array.isArray(errors) ? errors : undefined;
  } catch {
    return undefined;
  }
}

/** `Name: message` of an error, or `Name` when the message is empty; never throws. */
function errorHead(error: object): string {
  let message: unknown;
  try {
    message = (error as Error).message;
  } catch {
    message = undefined;
  }
  const name = leafName(error);
  return typeof message === "string" && message !== "" ? `${name}: ${message}` : name;
}

/** An error's `name`, or `Error` when it has none that is a string; never throws. */
function leafName(error: object): string {
  try {
    const name: unknown = (error as Error).name;
    return typeof name === "string" && name !== "" ? name : "Error";
  } catch {
    return "Error";
  }
}

/** The stack frames of a group, from the stack the runtime made: the lines after its header. */
function framesOf(group: object): string[] {
  let stack: unknown;
  try {
    stack = (group as Error).stack;
  } catch {
    return [];
  }
  if (typeof stack !== "string") return [];
  return withoutHeader(stack, errorHead(group)).filter((line) => line.trim() !== "");
}

// V8 starts a stack with the error's header (`Name: message`, as it was when the stack was
// made: JavaScriptCore may say `Error` where the name is now `ExceptionGroup`); SpiderMonkey and
// Safari give frames only (`fn@url:1:2`).
function withoutHeader(stack: string, head: string): string[] {
  const lines = stack.split("\n");
  if (stack.startsWith(head)) return lines.slice(head.split("\n").length);
  if (lines[0] === undefined || isFrame(lines[0])) return lines;
  return lines.slice(head.split("\n").length);
}

function isFrame(line: string): boolean {
  return /^\s+at\s/.test(line) || /@.*:\d+:\d+$/.test(line);
}

/** What an error is, in a line or so: `Name: message`, or the value shown; never throws. */
function leafHead(error: unknown): string {
  if (error === null || (typeof error !== "object" && typeof error !== "function")) {
    return show(error);
  }
  try {
    if (error instanceof Error) return errorHead(error);
  } catch {
    return show(error);
  }
  try {
    const json = JSON.stringify(error);
    if (typeof json === "string") return json.length > 200 ? `${json.slice(0, 199)}…` : json;
  } catch {
    // Cycles, BigInts, throwing getters: fall back to a description of the value.
  }
  return show(error);
}

/**
 * How an error shows in a group's tree when the runtime's own inspection of it fails: its head
 * and its stack frames. Never throws.
 */
function leafText(error: unknown): string {
  const head = leafHead(error);
  let stack: unknown;
  try {
    if (!(error instanceof Error)) return head;
    stack = error.stack;
  } catch {
    return head;
  }
  if (typeof stack !== "string") return head;
  const frames = withoutHeader(stack, head).filter((line) => line.trim() !== "");
  return [head, ...frames].join("\n");
}
