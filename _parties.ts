// Copyright 2026 the @aio/tasks authors. MIT license.
// A list of parties waiting for one event, each told once. It is what a task's observers and a
// signal's abort links are kept in, so it must hold up under the parties themselves: one party
// may remove another (or itself) while the list is being told, may throw, and one event may be
// watched by 100 000 parties that leave in any order.
//
// Invariant (checked by `check()`): the parties form one doubly linked chain from `head` to
// `tail` whose length is `size`; a removed party has no `list` and is never called. Adding and
// removing are O(1); telling is O(n) once.
import { report } from "./_report.ts";

/** A registration in a {@linkcode Parties} list; pass it back to remove it. */
export interface Party<A> {
  /** The function to call, cleared once the party is told or removed. */
  fn: ((arg: A) => void) | undefined;
  prev: Party<A> | undefined;
  next: Party<A> | undefined;
  list: Parties<A> | undefined;
}

/** Parties told once, in the order they were added. */
export class Parties<A> {
  #head: Party<A> | undefined = undefined;
  #tail: Party<A> | undefined = undefined;
  #size = 0;

  /** How many parties wait. */
  get size(): number {
    return this.#size;
  }

  /** Adds a party; O(1). */
  add(fn: (arg: A) => void): Party<A> {
    const party: Party<A> = { fn, prev: this.#tail, next: undefined, list: this };
    if (this.#tail === undefined) this.#head = party;
    else this.#tail.next = party;
    this.#tail = party;
    this.#size++;
    return party;
  }

  /** Removes a party that has not been told yet; O(1). `false` if it was not waiting here. */
  remove(party: Party<A>): boolean {
    if (party.list !== this) return false;
    party.list = undefined;
    party.fn = undefined;
    const { prev, next } = party;
    if (prev === undefined) this.#head = next;
    else prev.next = next;
    if (next === undefined) this.#tail = prev;
    else next.prev = prev;
    party.prev = party.next = undefined;
    this.#size--;
    return true;
  }

  /**
   * Removes the oldest waiting party if it calls `fn`; O(1). For a registration handed out as
   * its function before the list was made: that party was added first, so it is the oldest
   * while it waits. `false` if it was not waiting here.
   */
  removeOldest(fn: (arg: A) => void): boolean {
    const head = this.#head;
    return head !== undefined && head.fn === fn && this.remove(head);
  }

  /**
   * Tells every waiting party, in order, each exactly once, and empties the list. A party that
   * another removes before its turn is not told; one added meanwhile is told too. A party that
   * throws is reported once all were told.
   */
  tell(arg: A): void {
    let failures: unknown[] | undefined;
    for (let party = this.#head; party !== undefined; party = this.#head) {
      const fn = party.fn!;
      this.remove(party);
      try {
        fn(arg);
      } catch (error) {
        (failures ??= []).push(error);
      }
    }
    if (failures !== undefined) { for (const error of failures) report(error); }
  }

  /** Throws unless the invariant at the top of this file holds; for tests. */
  check(): void {
    let count = 0;
    let prev: Party<A> | undefined;
    for (let party = this.#head; party !== undefined; party = party.next) {
      if (party.list !== this || party.prev !== prev || party.fn === undefined) {
        throw new Error(`Parties: party ${count} is not linked where it stands`);
      }
      prev = party;
      count++;
    }
    if (prev !== this.#tail || count !== this.#size) {
      throw new Error(`Parties: ${count} linked, size says ${this.#size}`);
    }
  }
}
