// Copyright 2026 the @aio/tasks authors. MIT license.
// Deadlines on the performance.now() clock, kept in one binary heap behind one setTimeout.
//
// One heap rather than a setTimeout per deadline, for two reasons. Order: deadlines that are
// due together fire in deadline order and, for equal deadlines, in the order they were set, so
// nested scopes with the same deadline expire outermost first, every time (separate timers
// fire in whatever order their rounded delays and re-arming give). Cost: setting and clearing a
// deadline is O(log n) work in this file instead of a runtime timer each.
//
// setTimeout may fire early (it clamps delays above 2^31−1 ms, drops fractions of a millisecond
// and may run on a coarser clock), so the heap fires only what performance.now() says is due
// and re-arms for the rest. The runtime timer is armed no later than the earliest deadline (it
// may be earlier, see `rearm()`), and cleared as soon as the heap is empty, so a program (or a
// test sanitizer) never sees a timer that nobody waits for.
//
// Invariant (checked by `checkDeadlines()`): every entry's `index` is its place in the heap,
// and no entry is due later than its children.

import { report } from "./_report.ts";

const MAX_DELAY = 2 ** 31 - 1;

interface Entry {
  deadline: number;
  seq: number;
  index: number;
  timer: Timer;
}

const heap: Entry[] = [];
let seq = 0;
let armed: ReturnType<typeof setTimeout> | undefined;
let armedFor = Infinity;
// The timer functions the runtime timer was set with: when a test swaps them (fake timers
// installed or removed), the runtime timer is set anew with the current ones.
let armedWith: typeof setTimeout | undefined;
let clearWith: typeof clearTimeout | undefined;

/** Calls `fn` once `performance.now()` reaches the deadline given to `schedule()`. */
export class Timer {
  #fn: () => void;
  #entry: Entry | undefined = undefined;
  readonly #eager: boolean;

  /**
   * @param fn Called once the deadline is reached.
   * @param eager Whether `fireIfDue()` may fire this timer at once (a time-limit scope's);
   *   any other timer always waits for its `setTimeout` turn.
   */
  constructor(fn: () => void, eager = false) {
    this.#fn = fn;
    this.#eager = eager;
  }

  /** The deadline, or `Infinity` when none is set. */
  get deadline(): number {
    return this.#entry?.deadline ?? Infinity;
  }

  /**
   * Moves the deadline; `Infinity` disables the timer. A deadline already due still waits for
   * one `setTimeout` turn. Setting a deadline counts as a new one for the order of equal ones.
   */
  schedule(deadline: number): void {
    this.clear();
    if (deadline === Infinity) return;
    const entry: Entry = { deadline, seq: seq++, index: heap.length, timer: this };
    this.#entry = entry;
    heap.push(entry);
    up(entry.index);
    rearm();
  }

  /** Stops the timer. */
  clear(): void {
    const entry = this.#entry;
    if (entry === undefined) return;
    this.#entry = undefined;
    remove(entry.index);
    rearm();
  }

  /**
   * If this eager timer is due, fires it now, after every eager timer that comes before it (an
   * earlier deadline, or the same one set earlier): a scope entered after its deadline expires
   * at once, but never before an outer scope with the same deadline. Other timers due before it
   * (a `sleep(0)`, a `wait`'s timeout) keep waiting for their `setTimeout` turn.
   */
  fireIfDue(): void {
    const entry = this.#entry;
    if (entry === undefined || !this.#eager || entry.deadline > performance.now()) return;
    const earlier: Entry[] = [];
    Timer.#eagerBefore(0, entry, earlier);
    earlier.sort((a, b) => before(a, b) ? -1 : 1);
    for (const first of earlier) {
      // One that fired before may have cleared or moved this one.
      if (first.timer.#entry !== first) continue;
      remove(first.index);
      fire(first);
    }
    if (this.#entry === entry) {
      remove(entry.index);
      fire(entry);
    }
    rearm();
  }

  // The eager entries due before `entry`, from the heap's subtree at `index`: a node due after
  // it has no child due before it: O(k) for the k entries due before `entry`.
  static #eagerBefore(index: number, entry: Entry, found: Entry[]): void {
    if (index >= heap.length) return;
    const node = heap[index];
    if (!before(node, entry)) return;
    if (node.timer.#eager) found.push(node);
    Timer.#eagerBefore(2 * index + 1, entry, found);
    Timer.#eagerBefore(2 * index + 2, entry, found);
  }

  static fire(timer: Timer): void {
    timer.#entry = undefined;
    timer.#fn();
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);
}

function place(entry: Entry, index: number): void {
  heap[index] = entry;
  entry.index = index;
}

function up(index: number): void {
  const entry = heap[index];
  while (index > 0) {
    const parent = (index - 1) >> 1;
    if (!before(entry, heap[parent])) break;
    place(heap[parent], index);
    index = parent;
  }
  place(entry, index);
}

function down(index: number): void {
  const entry = heap[index];
  const n = heap.length;
  for (;;) {
    let child = 2 * index + 1;
    if (child >= n) break;
    if (child + 1 < n && before(heap[child + 1], heap[child])) child++;
    if (!before(heap[child], entry)) break;
    place(heap[child], index);
    index = child;
  }
  place(entry, index);
}

function remove(index: number): void {
  const last = heap.pop()!;
  if (index === heap.length) return;
  place(last, index);
  down(index);
  up(last.index);
}

// Keeps the one runtime timer armed no later than the earliest deadline, and clears it when none
// is left. When the earliest deadline goes away or moves later (the common case: a scope that
// settles long before its deadline), the armed timer stays: it fires early, finds nothing due and
// re-arms for what is earliest then. Re-arming on every such change would cost a runtime
// setTimeout and clearTimeout per scope (on Node, most of a `timeout()` call's time).
function rearm(): void {
  const next = heap.length === 0 ? Infinity : heap[0].deadline;
  const sameClock = armedWith === globalThis.setTimeout;
  if (sameClock && armed !== undefined && next !== Infinity && armedFor <= next) return;
  if (sameClock && next === armedFor) return;
  if (armed !== undefined) clearWith!(armed);
  armed = undefined;
  armedFor = next;
  if (next === Infinity) return;
  const delay = Math.max(0, next - performance.now());
  armedWith = globalThis.setTimeout;
  clearWith = globalThis.clearTimeout;
  armed = setTimeout(fireDue, delay > MAX_DELAY ? MAX_DELAY : Math.ceil(delay));
}

function fireDue(): void {
  armed = undefined;
  armedFor = Infinity;
  const now = performance.now();
  // One at a time from the top: a timer's function may set or clear other timers.
  while (heap.length > 0 && heap[0].deadline <= now) {
    const entry = heap[0];
    remove(0);
    fire(entry);
  }
  rearm();
}

function fire(entry: Entry): void {
  try {
    Timer.fire(entry.timer);
  } catch (error) {
    report(error);
  }
}

/** Throws unless the invariant at the top of this file holds; for tests. */
export function checkDeadlines(): void {
  heap.forEach((entry, i) => {
    if (entry.index !== i) throw new Error(`Deadlines: entry ${i} says it is at ${entry.index}`);
    if (i > 0 && before(entry, heap[(i - 1) >> 1])) {
      throw new Error(`Deadlines: entry ${i} is due before its parent`);
    }
  });
}

/** How many deadlines are set, and whether the one runtime timer is set; for tests. */
export function deadlineStats(): { deadlines: number; armed: boolean } {
  return { deadlines: heap.length, armed: armed !== undefined };
}
