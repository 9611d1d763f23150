// Copyright 2026 the @aio/tasks authors. MIT license.
// The live tasks of a task group: those running, and those waiting for a slot under the
// group's limit (first in, first started). A task that finishes leaves at once, so a group
// with millions of short tasks holds only the live ones (and at most a bounded number of
// finished ones, see below).
//
// Both lists are a `Lane`: an array that items are appended to, with a head. Which list an item
// is in is a key kept on the item (through the accessors given to the constructor): RUNNING,
// WAITING or NOWHERE; that encoding is known to this file only. An item leaves a list by having
// its key changed (O(1), nothing is searched). Entries that left are cleared as the head passes
// them; tasks mostly finish in the order they started, so that is nearly always at once. The
// rest are dropped by a rebuild when the lane holds more than COMPACT_AT plus twice its live
// items, so each item costs O(1) amortised and memory stays proportional to the live items. A
// Set would do the same at about twice the cost per task.
//
// Invariant (checked by `check()`), for each lane: the entries before the head are cleared and
// those from it on are not; every item whose key names the lane stands there once, at or after
// the head; `count` is their number; the entries from the head on are at most COMPACT_AT plus
// twice `count`, and the cleared ones at most COMPACT_AT or as many (none when `count` is 0).

const COMPACT_AT = 1024;
const NOWHERE = -1;
const RUNNING = 0;
const WAITING = 1;

/** How an item's key is read and written. */
export interface SlotKeys<I> {
  get(item: I): number;
  set(item: I, key: number): void;
}

// One list; see the top of this file.
class Lane<I> {
  entries: (I | undefined)[] = [];
  head = 0;
  count = 0;
  readonly key: number;

  constructor(key: number) {
    this.key = key;
  }

  push(item: I): void {
    this.entries.push(item);
    this.count++;
  }

  // Restores the invariant after items left: clears the entries that left from the head on,
  // then rebuilds or trims the array if it holds too many that left.
  settle(keys: SlotKeys<I>): void {
    if (this.count === 0) {
      this.entries = [];
      this.head = 0;
      return;
    }
    const entries = this.entries;
    let head = this.head;
    while (keys.get(entries[head]!) !== this.key) entries[head++] = undefined;
    const length = entries.length;
    if (length - head > COMPACT_AT + 2 * this.count) {
      this.entries = this.#live(keys, head);
      head = 0;
    } else if (head > COMPACT_AT && head > length - head) {
      this.entries = entries.slice(head);
      head = 0;
    }
    this.head = head;
  }

  // Takes the first item (the lane is settled and not empty).
  shift(keys: SlotKeys<I>): I {
    const item = this.entries[this.head]!;
    this.entries[this.head++] = undefined;
    this.count--;
    this.settle(keys);
    return item;
  }

  // The lane's items, in order.
  items(keys: SlotKeys<I>, into: I[]): void {
    const entries = this.entries;
    for (let i = this.head; i < entries.length; i++) {
      const item = entries[i]!;
      if (keys.get(item) === this.key) into.push(item);
    }
  }

  #live(keys: SlotKeys<I>, from: number): I[] {
    const entries = this.entries;
    const live = new Array<I>(this.count);
    let n = 0;
    for (let i = from; i < entries.length; i++) {
      const item = entries[i]!;
      if (keys.get(item) === this.key) live[n++] = item;
    }
    return live;
  }

  check(keys: SlotKeys<I>, seen: Set<I>, name: string): void {
    const fail = (what: string) => {
      throw new Error(`Slots: ${name}: ${what}`);
    };
    const entries = this.entries;
    let n = 0;
    for (let i = 0; i < entries.length; i++) {
      const item = entries[i];
      if (i < this.head) {
        if (item !== undefined) fail(`entry ${i} before the head ${this.head} is not cleared`);
        continue;
      }
      if (item === undefined) fail(`entry ${i} from the head ${this.head} on is cleared`);
      if (keys.get(item!) !== this.key) continue;
      if (seen.has(item!)) fail(`item ${i} is listed twice`);
      seen.add(item!);
      n++;
    }
    if (n !== this.count) fail(`${n} items, count ${this.count}`);
    const kept = entries.length - this.head;
    if (kept > COMPACT_AT + 2 * n) fail(`${kept} entries kept for ${n} items`);
    if (this.head > COMPACT_AT && this.head > kept) fail(`${this.head} cleared entries kept`);
    if (n === 0 && entries.length > 0) fail(`${entries.length} entries kept, none live`);
  }
}

/** Running and waiting items with O(1) add, remove and promotion. */
export class Slots<I> {
  #keys: SlotKeys<I>;
  #limit: number;
  #running = new Lane<I>(RUNNING);
  #waiting = new Lane<I>(WAITING);

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
    return this.#running.count;
  }

  /** How many items wait for a slot. */
  get waiting(): number {
    return this.#waiting.count;
  }

  /** Adds an item: `true` if it takes a slot at once, `false` if it waits for one. */
  add(item: I): boolean {
    const running = this.#running.count < this.#limit;
    this.#keys.set(item, running ? RUNNING : WAITING);
    (running ? this.#running : this.#waiting).push(item);
    return running;
  }

  /** Removes an item; returns whether it was running (its slot is now free). */
  remove(item: I): boolean {
    const keys = this.#keys;
    const key = keys.get(item);
    if (key === NOWHERE) return false;
    keys.set(item, NOWHERE);
    const lane = key === RUNNING ? this.#running : this.#waiting;
    lane.count--;
    lane.settle(keys);
    return key === RUNNING;
  }

  /** Moves the first waiting item into a free slot and returns it; `undefined` if none. */
  promote(): I | undefined {
    if (this.#waiting.count === 0 || this.#running.count >= this.#limit) return undefined;
    const keys = this.#keys;
    const item = this.#waiting.shift(keys);
    keys.set(item, RUNNING);
    this.#running.push(item);
    return item;
  }

  /** Every item, waiting ones first (in order), then running ones: a copy, safe to change. */
  items(): I[] {
    const items: I[] = [];
    this.#waiting.items(this.#keys, items);
    this.#running.items(this.#keys, items);
    return items;
  }

  /** Throws unless the invariant at the top of this file holds; for tests. */
  check(): void {
    const seen = new Set<I>();
    this.#waiting.check(this.#keys, seen, "waiting");
    this.#running.check(this.#keys, seen, "running");
  }
}
