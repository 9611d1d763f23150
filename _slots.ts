// Copyright 2026 the @aio/tasks authors. MIT license.
// The live tasks of a task group: those running, and those waiting for a slot under the
// group's limit (first in, first started). A task that finishes leaves at once, so a group
// with millions of short tasks holds the live ones and, until the next rebuild, at most
// COMPACT_AT plus as many finished ones (none once no task is left in a list).
//
// Each list is an array that items are appended to and never taken out of one by one: an item
// that leaves only has its key set to NOWHERE (O(1), no write to the list), and a list is
// rebuilt from its live items when it holds more than twice their number (and COMPACT_AT more),
// so each item costs O(1) amortised and memory stays proportional to the live items. A Set
// would do the same at about twice the cost per task. Where an item stands is a key kept on
// the item (through the accessors given to the constructor): RUNNING, WAITING or NOWHERE. That
// encoding is known to this file only.
//
// Invariant (checked by `check()`): every item with a RUNNING or WAITING key is in that list
// once (the waiting one at or after `head`); the counts are the numbers of such items.

const COMPACT_AT = 1024;
const NOWHERE = -1;
const RUNNING = 0;
const WAITING = 1;

/** How an item's key is read and written. */
export interface SlotKeys<I> {
  get(item: I): number;
  set(item: I, key: number): void;
}

/** Running and waiting items with O(1) add, remove and promotion. */
export class Slots<I> {
  #keys: SlotKeys<I>;
  #limit: number;
  #running: I[] = [];
  #runningCount = 0;
  #waiting: I[] = [];
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
    this.#keys.set(item, WAITING);
    this.#waiting.push(item);
    this.#waitingCount++;
    return false;
  }

  /** Removes an item; returns whether it was running (its slot is now free). */
  remove(item: I): boolean {
    const keys = this.#keys;
    const key = keys.get(item);
    if (key === NOWHERE) return false;
    keys.set(item, NOWHERE);
    if (key === RUNNING) {
      const count = --this.#runningCount;
      const running = this.#running;
      if (count === 0) this.#running = [];
      else if (running.length > COMPACT_AT + 2 * count) {
        this.#running = this.#live(running, 0, count);
      }
      return true;
    }
    const count = --this.#waitingCount;
    if (count === 0 || this.#waiting.length - this.#head > COMPACT_AT + 2 * count) {
      this.#waiting = this.#live(this.#waiting, this.#head, count);
      this.#head = 0;
    }
    return false;
  }

  /** Moves the first waiting item into a free slot and returns it; `undefined` if none. */
  promote(): I | undefined {
    if (this.#waitingCount === 0 || this.#runningCount >= this.#limit) return undefined;
    const waiting = this.#waiting;
    const keys = this.#keys;
    while (this.#head < waiting.length) {
      const item = waiting[this.#head++];
      if (keys.get(item) !== WAITING) continue;
      this.#waitingCount--;
      this.#run(item);
      if (this.#head === waiting.length) {
        this.#waiting = [];
        this.#head = 0;
      }
      return item;
    }
    return undefined;
  }

  /** Every item, waiting ones first (in order), then running ones: a copy, safe to change. */
  items(): I[] {
    const keys = this.#keys;
    const items: I[] = [];
    const waiting = this.#waiting;
    for (let i = this.#head; i < waiting.length; i++) {
      if (keys.get(waiting[i]) === WAITING) items.push(waiting[i]);
    }
    for (const item of this.#running) if (keys.get(item) === RUNNING) items.push(item);
    return items;
  }

  #run(item: I): void {
    this.#keys.set(item, RUNNING);
    this.#running.push(item);
    this.#runningCount++;
  }

  // The `count` items of `list` from `from` on whose key says they are in it, in order.
  #live(list: I[], from: number, count: number): I[] {
    const key = list === this.#running ? RUNNING : WAITING;
    if (count === 0) return [];
    const keys = this.#keys;
    const live = new Array<I>(count);
    let n = 0;
    for (let i = from; i < list.length; i++) {
      const item = list[i];
      if (keys.get(item) === key) live[n++] = item;
    }
    return live;
  }

  /** Throws unless the invariant at the top of this file holds; for tests. */
  check(): void {
    const fail = (what: string) => {
      throw new Error(`Slots: ${what}`);
    };
    const keys = this.#keys;
    const seen = new Set<I>();
    const count = (list: I[], from: number, key: number) => {
      let n = 0;
      for (let i = 0; i < list.length; i++) {
        const item = list[i];
        if (keys.get(item) !== key) continue;
        if (i < from) fail(`waiting item ${i} stands before the head ${from}`);
        if (seen.has(item)) fail(`item ${i} is listed twice`);
        seen.add(item);
        n++;
      }
      return n;
    };
    const running = count(this.#running, 0, RUNNING);
    const waiting = count(this.#waiting, this.#head, WAITING);
    if (running !== this.#runningCount) fail(`${running} running, count ${this.#runningCount}`);
    if (waiting !== this.#waitingCount) fail(`${waiting} waiting, count ${this.#waitingCount}`);
  }
}
