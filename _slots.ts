// Copyright 2026 the @aio/tasks authors. MIT license.
// The live tasks of a task group: those running, and those waiting for a slot under the
// group's limit (first in, first started). A task that finishes leaves at once, so a group
// with millions of short tasks holds only the live ones.
//
// Each list is an array with holes: an item leaves a hole in O(1), and a list is compacted
// when its holes outnumber its items (and are more than COMPACT_AT), so each item costs O(1)
// amortised and memory stays proportional to the live items. A Set would do the same at about
// twice the cost per task. Where an item stands is a key kept on the item (through the
// accessors given to the constructor): `i >= 0` is `running[i]`, `-2 - i` is `waiting[i]`, and
// `-1` is neither. That encoding is known to this file only.
//
// Invariant (checked by `check()`): every item in a list has the key of its place there; the
// counts are the numbers of items (not holes) in each list; the waiting list has only holes
// before `head`.

const COMPACT_AT = 1024;
const NOWHERE = -1;

/** How an item's key is read and written. */
export interface SlotKeys<I> {
  get(item: I): number;
  set(item: I, key: number): void;
}

/** Running and waiting items with O(1) add, remove and promotion. */
export class Slots<I> {
  #keys: SlotKeys<I>;
  #limit: number;
  #running: (I | undefined)[] = [];
  #runningCount = 0;
  #waiting: (I | undefined)[] = [];
  #head = 0;
  #waitingCount = 0;

  constructor(limit: number, keys: SlotKeys<I>) {
    this.#limit = limit;
    this.#keys = keys;
  }

  /** The most items that run at once. */
  get limit(): number {
    return this.#limit;
  }

  /** How many items run. */
  get running(): number {
    return this.#runningCount;
  }

  /** How many items wait for a slot. */
  get waiting(): number {
    return this.#waitingCount;
  }

  /** Adds an item: `true` if it takes a slot at once, `false` if it waits for one. */
  add(item: I): boolean {
    if (this.#runningCount < this.#limit) {
      this.#run(item);
      return true;
    }
    this.#keys.set(item, -2 - this.#waiting.length);
    this.#waiting.push(item);
    this.#waitingCount++;
    return false;
  }

  /** Removes an item; returns whether it was running (its slot is now free). */
  remove(item: I): boolean {
    const key = this.#keys.get(item);
    this.#keys.set(item, NOWHERE);
    if (key >= 0) {
      this.#running[key] = undefined;
      this.#runningCount--;
      this.#compactRunning();
      return true;
    }
    if (key !== NOWHERE) {
      this.#waiting[-2 - key] = undefined;
      this.#waitingCount--;
      this.#compactWaiting();
    }
    return false;
  }

  /** Moves the first waiting item into a free slot and returns it; `undefined` if none. */
  promote(): I | undefined {
    if (this.#waitingCount === 0 || this.#runningCount >= this.#limit) return undefined;
    const waiting = this.#waiting;
    while (this.#head < waiting.length) {
      const item = waiting[this.#head];
      waiting[this.#head++] = undefined;
      if (item === undefined) continue;
      this.#waitingCount--;
      this.#run(item);
      this.#compactWaiting();
      return item;
    }
    return undefined;
  }

  /** Every item, waiting ones first (in order), then running ones: a copy, safe to change. */
  items(): I[] {
    const items: I[] = [];
    for (let i = this.#head; i < this.#waiting.length; i++) {
      const item = this.#waiting[i];
      if (item !== undefined) items.push(item);
    }
    for (const item of this.#running) if (item !== undefined) items.push(item);
    return items;
  }

  #run(item: I): void {
    this.#keys.set(item, this.#running.length);
    this.#running.push(item);
    this.#runningCount++;
  }

  #compactRunning(): void {
    const running = compact(this.#running, this.#runningCount, 0);
    if (running === this.#running) return;
    this.#running = running;
    for (let i = 0; i < running.length; i++) this.#keys.set(running[i]!, i);
  }

  #compactWaiting(): void {
    const waiting = compact(this.#waiting, this.#waitingCount, this.#head);
    if (waiting === this.#waiting) return;
    this.#waiting = waiting;
    this.#head = 0;
    for (let i = 0; i < waiting.length; i++) this.#keys.set(waiting[i]!, -2 - i);
  }

  /** Throws unless the invariant at the top of this file holds; for tests. */
  check(): void {
    const fail = (what: string) => {
      throw new Error(`Slots: ${what}`);
    };
    let running = 0;
    this.#running.forEach((item, i) => {
      if (item === undefined) return;
      running++;
      if (this.#keys.get(item) !== i) fail(`running item ${i} has key ${this.#keys.get(item)}`);
    });
    let waiting = 0;
    this.#waiting.forEach((item, i) => {
      if (item === undefined) return;
      if (i < this.#head) fail(`waiting item ${i} stands before the head ${this.#head}`);
      waiting++;
      if (this.#keys.get(item) !== -2 - i) fail(`waiting item ${i} has a wrong key`);
    });
    if (running !== this.#runningCount) fail(`${running} running, count ${this.#runningCount}`);
    if (waiting !== this.#waitingCount) fail(`${waiting} waiting, count ${this.#waitingCount}`);
  }
}

// Returns `list` itself, or a copy without holes (and without the `from` cleared entries at its
// start) once the holes outnumber the `count` items.
function compact<I>(list: (I | undefined)[], count: number, from: number): (I | undefined)[] {
  if (count === 0) return list.length === 0 ? list : [];
  const holes = list.length - count;
  if (holes <= COMPACT_AT || holes <= count) return list;
  const kept: I[] = [];
  for (let i = from; i < list.length; i++) {
    const item = list[i];
    if (item !== undefined) kept.push(item);
  }
  return kept;
}
