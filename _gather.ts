// Copyright 2026 the @aio/tasks authors. MIT license.
// The engine of gather(): one future that settles with its members' results in input order.
// Task members (given, or made from functions) are watched by one shared observer and read at
// the end; promise members are followed and write their result into place. Function members
// take slots under `limit` and start in input order as slots free up.
import { type Observer, Task, tasks } from "./_task.ts";
import { toCancelled } from "./_cancellation.ts";
import { follow } from "./_follow.ts";
import { type Link, offAbort, onAbort } from "./_link.ts";
import { trackChild, trackGather, tracking } from "./_tracking.ts";

function noop(): void {}

/** How one gather() call goes: the future it returns, and the members it waits for. */
class Gathering {
  readonly future: Task<unknown[]>;
  #list: unknown[];
  #results: unknown[] | undefined;
  #returnExceptions: boolean;
  #signal: AbortSignal | undefined;
  #link: Link | undefined;
  // Member places not settled yet (a member given twice counts twice).
  #remaining: number;
  // Task members not done yet, counted once each time they are watched.
  #unfinished = 0;
  #cancelling: DOMException | undefined;
  // Function members waiting for a slot under the limit, in input order: their places.
  #queued: number[] | undefined;
  #queuedHead = 0;
  #free: number;
  // Tasks made from functions, when a function is given more than once.
  #made: Map<unknown, Task<unknown>> | undefined;
  #observer: Observer = (task) => this.#taskDone(task);
  // The owner of the tasks made here: they also free a slot.
  #owner: Observer = (task) => {
    this.#free++;
    this.#taskDone(task);
    this.#startQueued();
  };

  constructor(
    list: unknown[],
    returnExceptions: boolean,
    signal: AbortSignal | undefined,
    limit: number,
  ) {
    this.#list = list;
    this.#remaining = list.length;
    this.#returnExceptions = returnExceptions;
    this.#signal = signal;
    this.#free = limit;
    this.future = tasks.future<unknown[]>((_, reason) => this.#cancel(reason));
    if (tracking) trackGather(this.future, list, limit, signal);
  }

  start(): void {
    const list = this.#list;
    const n = list.length;
    // A function given twice runs once. A Map lookup per member would cost a third of the
    // gather, so the Map is made only when one Set over the input finds duplicates at all.
    if (n > 1 && new Set(list).size < n) this.#made = new Map();
    for (let i = 0; i < n; i++) {
      const member = list[i];
      if (member instanceof Task) this.#watch(member);
      else if (typeof member === "function") this.#startOrQueue(i, member);
      else this.#followPromise(i, member);
    }
    if (n === 0) this.#complete();
    const signal = this.#signal;
    if (signal !== undefined && !this.future.done()) {
      this.#link = onAbort(
        signal,
        (reason) => tasks.requestCancel(this.future, toCancelled(reason)),
      );
    }
  }

  #startOrQueue(index: number, fn: unknown): void {
    const made = this.#made?.get(fn);
    if (made !== undefined) {
      this.#list[index] = made;
      return this.#watch(made);
    }
    if (this.#free === 0) {
      // Queued only while the gather runs: over, it starts nothing more.
      if (!this.future.done() && this.#cancelling === undefined) (this.#queued ??= []).push(index);
      return;
    }
    this.#free--;
    const task = tasks.owned(fn as (signal: AbortSignal) => unknown, undefined, this.#owner);
    if (tracking) trackChild(task, this.future);
    this.#made?.set(fn, task);
    this.#list[index] = task;
    this.#unfinished++;
    tasks.start(task);
  }

  #watch(task: Task<unknown>): void {
    this.#unfinished++;
    tasks.retrieve(task);
    tasks.observe(task, this.#observer);
  }

  #followPromise(index: number, member: unknown): void {
    follow(member, (value) => this.#promiseDone(index, value, true), (error) => {
      this.#promiseDone(index, error, false);
    });
  }

  #taskDone(task: Task<unknown>): void {
    this.#remaining--;
    this.#unfinished--;
    if (this.#cancelling !== undefined) {
      if (this.#unfinished === 0) this.#end();
    } else if (tasks.state(task) !== "fulfilled" && !this.#returnExceptions) {
      this.#fail(tasks.outcome(task));
    } else if (this.#remaining === 0) this.#complete();
  }

  // Slots are free: the queued functions start in input order (a function given twice is
  // watched, not started again). Once the gather is over, queued functions never start.
  #startQueued(): void {
    const queued = this.#queued;
    if (queued === undefined) return;
    while (this.#free > 0 && this.#queuedHead < queued.length && this.#queued !== undefined) {
      const index = queued[this.#queuedHead++];
      this.#startOrQueue(index, this.#list[index]);
    }
  }

  #promiseDone(index: number, value: unknown, ok: boolean): void {
    this.#remaining--;
    if (this.#cancelling !== undefined || this.future.done()) return;
    if (!ok && !this.#returnExceptions) return this.#fail(value);
    (this.#results ??= new Array(this.#list.length))[index] = value;
    if (this.#remaining === 0) this.#complete();
  }

  #fail(error: unknown): void {
    this.#release();
    tasks.reject(this.future, error);
  }

  #complete(): void {
    if (this.future.done()) return;
    // Aborted meanwhile (a member settled during the same abort): cancelled, as §4 says.
    if (this.#signal?.aborted) return this.#cancel(toCancelled(this.#signal.reason));
    const list = this.#list;
    const results = this.#results ??= new Array(list.length);
    for (let i = 0; i < list.length; i++) {
      const member = list[i];
      if (member instanceof Task) results[i] = tasks.outcome(member);
    }
    this.#release();
    tasks.fulfil(this.future, results);
  }

  #cancel(reason: DOMException): void {
    if (this.#cancelling !== undefined) return;
    this.#cancelling = reason;
    this.#queued = undefined;
    for (const member of this.#list) {
      if (member instanceof Task && !member.done()) tasks.requestCancel(member, reason);
    }
    if (this.#unfinished === 0) this.#end();
  }

  #end(): void {
    this.#release();
    tasks.endCancelled(this.future, this.#cancelling);
  }

  #release(): void {
    this.#queued = undefined;
    if (this.#link !== undefined) {
      offAbort(this.#link);
      this.#link = undefined;
    }
  }
}

/**
 * Starts gathering `list` (already checked: tasks, thenables and functions) and returns the
 * future of the results.
 */
export function startGather(
  list: unknown[],
  returnExceptions: boolean,
  signal: AbortSignal | undefined,
  limit: number,
): Task<unknown[]> {
  if (signal?.aborted) {
    // Nothing starts, but no member's failure may go unhandled.
    for (const member of list) {
      if (member instanceof Task) tasks.retrieve(member);
      else if (typeof member !== "function") follow(member, noop, noop);
    }
    const future = tasks.future<unknown[]>(noop);
    tasks.endCancelled(future, toCancelled(signal.reason));
    return future;
  }
  const gathering = new Gathering(list, returnExceptions, signal, limit);
  gathering.start();
  return gathering.future;
}
