// Copyright 2026 the @aio/tasks authors. MIT license.
// Reporting failures that nobody handles: errors thrown by done callbacks (at once) and task
// failures that nobody retrieved (when the task is garbage-collected, or at the latest when the
// program ends). Reporting never throws, whatever the error's getters do, and never hands the
// runtime's reportError a value it cannot take.
//
// A record of an unretrieved failure must not keep its task alive. An error made inside a task
// function keeps that function's closure alive through its stack, and the closure often reaches
// the task (`tasks.push(createTask(async () => { … tasks … }))`), so the record holds the error
// only weakly, with a text made at once for when the error is gone with its task.
import { show } from "./_check.ts";

/** Reports an error where the runtime reports uncaught errors; never throws. */
export function report(error: unknown): void {
  try {
    if (typeof globalThis.reportError === "function") globalThis.reportError(reportable(error));
    else console.error(error);
  } catch {
    // A report that fails must not break its caller: say what can be said, through the console
    // only, as the call that threw may have reported already.
    safeLog("Uncaught error", error, describe(error));
  }
}

// V8 gives up on a prototype chain that runs through more than 100 * 1024 proxies (a proxy may
// answer with a fresh proxy every time); a chain this long is taken for one it gives up on.
const MAX_PROTOTYPES = 100_000;

// Deno's reportError walks the prototype chain of what it reports (to tell an error from other
// values). When a step throws (a revoked proxy, a throwing `getPrototypeOf` trap, an endless
// chain of proxies), the call throws before any `error` listener hears of it and leaves Deno's
// reporting stuck: every later report ends the program, listeners or not. Such a value is
// reported as a TypeError that says what was thrown. Not as its `cause`: showing the error
// would read the chain again (Node's console.error throws on it too).
function reportable(error: unknown): unknown {
  if (chainReadable(error)) return error;
  return new TypeError(
    `Cannot report the thrown value as its prototype chain cannot be read: current value is ${
      revoked(error) ? "a revoked proxy" : show(error)
    }`,
  );
}

function chainReadable(value: unknown): boolean {
  let current = value;
  try {
    for (let depth = 0; depth < MAX_PROTOTYPES; depth++) {
      if (current === null || (typeof current !== "object" && typeof current !== "function")) {
        return true;
      }
      current = Object.getPrototypeOf(current);
    }
  } catch {
    // A revoked proxy or a throwing trap: the runtime's own walk would throw too.
  }
  return false;
}

// Array.isArray() looks through proxies to their targets and throws only on a revoked one.
function revoked(value: unknown): boolean {
  try {
    Array.isArray(value);
    return false;
  } catch {
    return true;
  }
}

interface Unretrieved {
  name: string;
  error: { deref(): unknown };
  text: string;
}

const unretrieved = new FinalizationRegistry<Unretrieved>((record) => {
  if (live.delete(record)) tell(record);
});
// The records not reported yet, for the report at program end.
const live = new Set<Unretrieved>();
const records = new WeakMap<object, Unretrieved>();
let hooked = false;

/**
 * Reports `error` as "never retrieved" once `task` is garbage-collected or the program ends,
 * unless {@linkcode retrieved} is called for `task` first.
 */
export function unretrievedFailure(task: object, name: string, error: unknown): void {
  const held = error !== null && (typeof error === "object" || typeof error === "function")
    ? new WeakRef(error)
    : { deref: () => error };
  const record: Unretrieved = { name, error: held, text: "" };
  unretrieved.register(task, record, task);
  records.set(task, record);
  live.add(record);
  if (!hooked) hookProgramEnd();
  // Last: describing the error runs its getters, which may retrieve the task's failure, and
  // `retrieved()` must then find the record to drop.
  record.text = describe(error);
}

/** The failure of `task` was retrieved: it will not be reported. */
export function retrieved(task: object): void {
  const record = records.get(task);
  if (record === undefined) return;
  records.delete(task);
  live.delete(record);
  unretrieved.unregister(task);
}

function tell(record: Unretrieved): void {
  const error = record.error.deref();
  safeLog(
    `Task exception was never retrieved (task ${JSON.stringify(record.name)})`,
    error,
    record.text,
  );
}

function atProgramEnd(): void {
  const left = [...live];
  live.clear();
  for (const record of left) tell(record);
}

// Feature-detected, every hook there is: Node, Bun and Deno have a global `process` with an
// `exit` event; browsers and Deno fire `unload` (and browsers `pagehide`) on the global object.
// Deno needs both: `Deno.exit()` fires `unload` but not the `exit` of `process`. Whichever comes
// first reports; the next finds nothing left.
function hookProgramEnd(): void {
  hooked = true;
  const process = (globalThis as { process?: { on?: unknown } }).process;
  if (typeof process?.on === "function") process.on("exit", atProgramEnd);
  if (typeof globalThis.addEventListener === "function") {
    globalThis.addEventListener("pagehide", atProgramEnd);
    globalThis.addEventListener("unload", atProgramEnd);
  }
}

// Logs through console.error; if the runtime's formatting of `error` throws (a hostile getter),
// logs the text made safely instead.
function safeLog(header: string, error: unknown, text: string): void {
  try {
    if (error === undefined && text !== "undefined") console.error(`${header}: ${text}`);
    else console.error(header, error);
  } catch {
    try {
      console.error(`${header}: ${text}`);
    } catch {
      // Nothing more can be done without throwing.
    }
  }
}

/** The stack (or the string form) of an error, read without ever throwing. */
export function describe(error: unknown): string {
  try {
    const stack = (error as { stack?: unknown } | null | undefined)?.stack;
    if (typeof stack === "string" && stack !== "") return stack;
  } catch {
    // A throwing getter: fall through to the next way of showing it.
  }
  try {
    return String(error);
  } catch {
    return show(error);
  }
}
