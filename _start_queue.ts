// Copyright 2026 the @aio/tasks authors. MIT license.
// The queue tasks wait in to start: first in, first started, in one microtask for all the
// tasks queued before it began (so a million tasks neither nest nor queue a million
// microtasks), and a fresh microtask for tasks queued while it runs (so a task that keeps
// creating tasks interleaves with promise reactions instead of starving them).
//
// A task that settles during a run (at its start, or cancelled by another task's start) is
// reported to whoever watches it only when the run is over: a group or gather reacts to a
// member's outcome no sooner than a promise reaction would, so the tasks already due to start
// when one failed at its start do start.
//
// A group whose body returned a promise holds back the tasks queued since its body began until
// the promise's reaction has had its turn (see `postpone()`); tasks queued before are not held.
// What settles in a run cut short so is told after the run that starts the held tasks: they
// were due to start, and start even if a task before them failed at its start.
//
// Invariant (checked by `check()`): `length` counts the items between `head` (an index into
// the first chunk) and the end of the last chunk; chunks hold at most CHUNK items; `pushed`
// counts every item ever queued, so the item at `head` is item number `pushed - length`.

const CHUNK = 1024;

/** A FIFO of items started by `start` in microtasks, with the rules above. */
export class StartQueue<I> {
  // Chunks, so that neither one array grows without bound nor a link field is needed per item.
  #chunks: I[][] = [];
  #head = 0;
  #length = 0;
  #pushed = 0;
  #scheduled = false;
  // The number of the first item the scheduled run must leave to a later one, if any.
  #barrier: number | undefined;
  #running = false;
  #settled: I[] = [];
  readonly #start: (item: I) => void;
  readonly #tell: (item: I) => void;

  /**
   * @param start Starts an item.
   * @param tell Tells an item's watchers that it settled; see {@linkcode StartQueue.defer}.
   */
  constructor(start: (item: I) => void, tell: (item: I) => void) {
    this.#start = start;
    this.#tell = tell;
  }

  /** Whether a run is starting items now: an item that settles now is told with `defer()`. */
  get running(): boolean {
    return this.#running;
  }

  /** Tells `item`'s watchers when the current run is over. */
  defer(item: I): void {
    this.#settled.push(item);
  }

  /** How many items wait. */
  get length(): number {
    return this.#length;
  }

  /** Queues an item to start after the items queued before it. */
  push(item: I): void {
    const chunks = this.#chunks;
    const last = chunks[chunks.length - 1];
    if (last === undefined || last.length === CHUNK) chunks.push([item]);
    else last.push(item);
    this.#length++;
    this.#pushed++;
    if (!this.#scheduled) this.#schedule();
  }

  /** The number the next item queued will have: a mark for {@linkcode StartQueue.postpone}. */
  get mark(): number {
    return this.#pushed;
  }

  /**
   * Moves the items queued since `mark` behind the microtasks queued so far; those queued
   * before it start when they were due. A group whose body returned a promise calls it after
   * subscribing to that promise, with the mark taken as its body began, so that a body which
   * failed before its first `await` shuts the group down before the tasks it created start, as
   * a body that throws synchronously does, while tasks created before the group are not held.
   */
  postpone(mark: number): void {
    // A run already going leaves later items to a run scheduled at its end, after now.
    if (!this.#scheduled || this.#pushed === mark) return;
    this.#barrier = Math.min(this.#barrier ?? mark, mark);
  }

  #schedule(): void {
    this.#scheduled = true;
    queueMicrotask(() => this.#run());
  }

  #run(): void {
    this.#scheduled = false;
    this.#running = true;
    // Only the items queued before this run (and before a barrier): later ones wait for the
    // next microtask, scheduled at the end of this run, so after any reaction queued by now.
    let count = this.#length;
    // Whether a barrier holds back items that were due: they start in the next run, and what
    // settles in this one is told only after that run, as one run would have told it.
    let held = false;
    if (this.#barrier !== undefined) {
      const before = Math.max(0, this.#barrier - (this.#pushed - this.#length));
      held = before < count;
      if (held) count = before;
      this.#barrier = undefined;
    }
    try {
      while (count-- > 0) this.#start(this.#shift());
    } finally {
      // Also after an internal error, so that nothing queued or settled is left behind.
      this.#running = false;
      if (this.#length > 0 && !this.#scheduled) this.#schedule();
      const settled = this.#settled;
      if (settled.length > 0 && !held) {
        this.#settled = [];
        for (const item of settled) this.#tell(item);
      }
    }
  }

  #shift(): I {
    const chunk = this.#chunks[0];
    const item = chunk[this.#head];
    (chunk as (I | undefined)[])[this.#head] = undefined;
    this.#length--;
    if (++this.#head === chunk.length && (chunk.length === CHUNK || this.#length === 0)) {
      this.#chunks.shift();
      this.#head = 0;
    }
    return item;
  }

  /** Throws unless the invariant at the top of this file holds; for tests. */
  check(): void {
    let count = -this.#head;
    for (const chunk of this.#chunks) {
      if (chunk.length > CHUNK || chunk.length === 0) throw new Error("StartQueue: bad chunk");
      count += chunk.length;
    }
    if (count !== this.#length) {
      throw new Error(`StartQueue: ${count} items, length says ${this.#length}`);
    }
  }
}
