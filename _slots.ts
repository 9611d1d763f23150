// Copyright 2026 the @aio/tasks authors. MIT license.
// The live tasks of a task group: those running, and those waiting for a slot under the
// group's limit (first in, first started). A task that finishes leaves at once, so a group
// with millions of short tasks holds only the live ones (and at most a bounded number of
// finished ones, see below).
//
// Both lists are a `Lane`: chunks of at most CHUNK entries that items are appended to, with a
// head in the first chunk. Which list an item is in is a key kept on the item (through the
// accessors given to the constructor): RUNNING, WAITING or NOWHERE; that encoding is known to
// this file only. An item leaves a list by having its key changed (O(1), nothing is searched).
// Entries that left are cleared as the head passes them, and a chunk is dropped once the head
// has passed it; tasks mostly finish in the order they started, so that is nearly always at
// once. The rest are dropped by a rebuild when the lane holds more than COMPACT_AT plus twice
// its live items, so each item costs O(1) amortised and memory stays proportional to the live
// items. A Set would do the same at about twice the cost per task. Chunks, not one array: an
// array of more than about 16 000 entries lives in V8's large-object space, where each copy made
// to grow or trim it costs a millisecond or more (Node 24); chunks made a group of 100 000 tasks
// about 15 % faster there.
//
// Invariant (checked by `check()`), for each lane: every chunk holds CHUNK entries but the
// last, which holds 1 to CHUNK, and the head is an index into the first; the entries before the
// head are cleared (so fewer than CHUNK are) and those from it on are not; every item whose key
// names the lane stands there once, at or after the head; `count` is their number; the entries
// from the head on are at most COMPACT_AT plus twice `count`; there are no chunks when `count`
// is 0.

const CHUNK = 1024;
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
  chunks: (I | undefined)[][] = [];
  head = 0;
  count = 0;
  readonly key: number;

  constructor(key: number) {
    this.key = key;
  }

  push(item: I): void {
    const chunks = this.chunks;
    const last = chunks[chunks.length - 1];
    if (last === undefined || last.length === CHUNK) chunks.push([item]);
    else last.push(item);
    this.count++;
  }

  // Restores the invariant after items left: clears the entries that left from the head on,
  // dropping the chunks it passes, then rebuilds the lane if it holds too many that left.
  settle(keys: SlotKeys<I>): void {
    const chunks = this.chunks;
    if (this.count === 0) {
      this.chunks = [];
      this.head = 0;
      return;
    }
    let chunk = chunks[0]!;
    let head = this.head;
    // An item of the lane stands ahead, so the head stops at it within the chunks.
    for (;;) {
      if (head === chunk.length) {
        chunks.shift();
        chunk = chunks[0]!;
        head = 0;
      }
      if (keys.get(chunk[head]!) === this.key) break;
      chunk[head++] = undefined;
    }
    this.head = head;
    const kept = (chunks.length - 1) * CHUNK + chunks[chunks.length - 1]!.length - head;
    if (kept > COMPACT_AT + 2 * this.count) this.#rebuild(keys);
  }

  // Takes the first item (the lane is settled and not empty).
  shift(keys: SlotKeys<I>): I {
    const item = this.chunks[0]![this.head]!;
    this.chunks[0]![this.head++] = undefined;
    this.count--;
    this.settle(keys);
    return item;
  }

  // The lane's items, in order.
  items(keys: SlotKeys<I>, into: I[]): void {
    let from = this.head;
    for (const chunk of this.chunks) {
      for (let i = from; i < chunk.length; i++) {
        const item = chunk[i]!;
        if (keys.get(item) === this.key) into.push(item);
      }
      from = 0;
    }
  }

  // Keeps only the items of the lane, in order, in full chunks but the last.
  #rebuild(keys: SlotKeys<I>): void {
    const live: I[][] = [];
    let chunk: I[] = [];
    let from = this.head;
    for (const old of this.chunks) {
      for (let i = from; i < old.length; i++) {
        const item = old[i]!;
        if (keys.get(item) !== this.key) continue;
        if (chunk.length === CHUNK) {
          live.push(chunk);
          chunk = [];
        }
        chunk.push(item);
      }
      from = 0;
    }
    live.push(chunk);
    this.chunks = live;
    this.head = 0;
  }

  check(keys: SlotKeys<I>, seen: Set<I>, name: string): void {
    const fail = (what: string) => {
      throw new Error(`Slots: ${name}: ${what}`);
    };
    const chunks = this.chunks;
    let n = 0;
    let kept = 0;
    for (let c = 0; c < chunks.length; c++) {
      const chunk = chunks[c]!;
      const last = c === chunks.length - 1;
      if (chunk.length > CHUNK || chunk.length === 0 || (!last && chunk.length < CHUNK)) {
        fail(`chunk ${c} of ${chunks.length} holds ${chunk.length} entries`);
      }
      if (c === 0 && this.head >= chunk.length) fail(`head ${this.head} past its chunk`);
      for (let i = 0; i < chunk.length; i++) {
        const item = chunk[i];
        if (c === 0 && i < this.head) {
          if (item !== undefined) fail(`entry ${i} before the head ${this.head} is not cleared`);
          continue;
        }
        if (item === undefined) fail(`entry ${c}:${i} from the head ${this.head} on is cleared`);
        kept++;
        if (keys.get(item!) !== this.key) continue;
        if (seen.has(item!)) fail(`item ${c}:${i} is listed twice`);
        seen.add(item!);
        n++;
      }
    }
    if (n !== this.count) fail(`${n} items, count ${this.count}`);
    if (kept > COMPACT_AT + 2 * n) fail(`${kept} entries kept for ${n} items`);
    if (n === 0 && (chunks.length > 0 || this.head !== 0)) {
      fail(`${chunks.length} chunks kept, none live`);
    }
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
