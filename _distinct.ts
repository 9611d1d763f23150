// Copyright 2026 the @aio/tasks authors. MIT license.
// Finding the objects a call was given more than once (SPEC §4: a function given twice runs
// once; duplicates collapse in wait() and asCompleted()).
//
// A `Set` of the input was the cost of a plain gather on Node 24 (a third of its profile at
// N = 100 000): its V8 adds to a table too large for the young heap at about 200 ns an item,
// ten times its rate for small tables. Functions are marked instead: each pass takes a number
// never used before, and a function carries, in a private field added to it, the number of the
// last pass that met it. A private field is invisible to user code (no property, no proxy trap,
// no getter runs) and holds only a number. Non-functions (tasks, promises) still go through a
// `Set`, made only when one is met: a task would change its hidden class if marked, which costs
// every later access to tasks more than the `Set` does.
//
// Invariant: a pass runs no user code, so passes never nest and a mark read during a pass was
// written by that pass or by a finished one. Where a mark cannot be added (an engine that applies
// non-extensibility to private fields, a host object that refuses them), the pass is made again
// with a `Set` alone.

// The number of the last pass; never reused (2^53 passes would take centuries).
let passes = 0;

// Returns the object it is given from its constructor, so that a subclass's fields are added to
// that object: the one way to attach a private field to an existing object.
class Identity {
  constructor(target: object) {
    return target;
  }
}

class Mark extends Identity {
  #pass: number;

  private constructor(target: object, pass: number) {
    super(target);
    this.#pass = pass;
  }

  /** Whether `target` was met in this pass already; marks it met. */
  static met(target: object, pass: number): boolean {
    if (!(#pass in target)) {
      new Mark(target, pass);
      return false;
    }
    if (target.#pass === pass) return true;
    target.#pass = pass;
    return false;
  }
}

/** Whether some function occurs in `list` more than once (other members are not looked at). */
export function repeatsFunction(list: readonly unknown[]): boolean {
  const pass = ++passes;
  try {
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      if (typeof item === "function" && Mark.met(item, pass)) return true;
    }
    return false;
  } catch {
    const seen = new Set<unknown>();
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      if (typeof item === "function" && seen.size === seen.add(item).size) return true;
    }
    return false;
  }
}

/**
 * The indexes of the first occurrence of each distinct item of `list`, in order, or
 * `undefined` when no item occurs twice.
 */
export function firstOccurrences(list: readonly unknown[]): number[] | undefined {
  if (list.length < 2) return undefined;
  const pass = ++passes;
  try {
    return firsts(list, pass);
  } catch {
    return firsts(list, 0);
  }
}

// Pass 0 marks nothing: every item goes through the `Set`.
function firsts(list: readonly unknown[], pass: number): number[] | undefined {
  let others: Set<unknown> | undefined;
  let indexes: number[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    const repeat = pass !== 0 && typeof item === "function"
      ? Mark.met(item, pass)
      : (others ??= new Set()).size === others.add(item).size;
    if (repeat) indexes ??= Array.from({ length: i }, (_, k) => k);
    else if (indexes !== undefined) indexes.push(i);
  }
  return indexes;
}
