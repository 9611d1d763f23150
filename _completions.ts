// Copyright 2026 the @aio/tasks authors. MIT license.
// The engine of asCompleted(): the members in completion order, read by one async cursor and
// any number of plain ones. Each member is watched once, through one observation O(1) to
// remove: a task member by one shared observer, a promise member through its future
// (`_thenables.ts`), so the total cost is linear in the number of members and a loop left
// early leaves nothing on a member that stays pending.
import { TimeoutError } from "./errors.ts";
import { isTask, type Observation, type Observer, type Task, tasks } from "./_task.ts";
import type { TaskFn } from "./task.ts";
import { type Follow, followOnly, futureOf, unwatch } from "./_thenables.ts";
import { type Link, offAbort, onAbort } from "./_link.ts";
import { Timer } from "./_timer.ts";
import { tracking, trackTask } from "./_tracking.ts";
import type { AsCompletedIterator } from "./wait.ts";
import { aborted, reasonOf } from "./_check.ts";
import { firstOccurrences } from "./_distinct.ts";

function noop(): void {}

interface Reader<M> {
  resolve: (result: IteratorResult<M, undefined>) => void;
  reject: (reason: unknown) => void;
}

interface Resolvers {
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

const nativeThen = Promise.prototype.then;

// A promise of the plain form. It carries a member's failure to the caller only once the caller
// reads it (`await`, `then`, `catch`, `finally`, `Promise.all` and the like all call `then`):
// until then the member's failure is not retrieved, so a promise dropped unread leaves it to be
// reported as never retrieved, as an unread task's is. Promises derived from it are plain.
class Handed<T> extends Promise<T> {
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  #read: (() => void) | undefined;

  constructor(
    executor: (resolve: (value: T) => void, reject: (reason: unknown) => void) => void,
    read?: () => void,
  ) {
    super(executor);
    this.#read = read;
  }

  override then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    const read = this.#read;
    if (read !== undefined) {
      this.#read = undefined;
      read();
    }
    return nativeThen.call(this, onFulfilled, onRejected) as Promise<R1 | R2>;
  }
}

// One call of asCompleted(): the members in completion order, read by one async cursor and any
// number of plain ones.
export class Completions<M, T> implements AsCompletedIterator<M> {
  #members: unknown[] = [];
  #completed: unknown[] = [];
  // What settled for each completion: the member's task, or the future of a promise member.
  #outcomes: Task<unknown>[] = [];
  // The async cursor: how many completions it handed out, and the next() calls still waiting.
  #read = 0;
  #readers: Reader<M>[] = [];
  #readerHead = 0;
  #closed = false;
  // The async cursor was read and not closed: a plain loop left does not stop it.
  #reading = false;
  // The plain form: the promise made for each completion index, the resolvers of those still
  // pending, and how many those are.
  #promises: Promise<T>[] = [];
  #resolvers: (Resolvers | undefined)[] = [];
  // Whether the caller read the promise for each completion index (see `Handed`).
  #readPromises: boolean[] = [];
  #unsettled = 0;
  // Set once the timeout fired or the signal aborted: what the next step rejects with.
  #error: { reason: unknown } | undefined;
  #errorDelivered = false;
  #listening = false;
  // A loop was left: stop listening as soon as no promise handed out waits for a member.
  #releasing = false;
  #timer: Timer | undefined;
  #link: Link | undefined;
  #observer: Observer = (task) => this.#complete(task, task);
  // This call's observation of each member given as a task or a promise, by the member's
  // index, and the future watched for each promise member.
  #observations: (Observation | undefined)[] = [];
  #futures: (Task<unknown> | undefined)[] = [];

  constructor(
    list: readonly unknown[],
    follows: readonly (Follow | undefined)[] | undefined,
    timeout: number,
    signal: AbortSignal | undefined,
  ) {
    // Duplicates collapse, the first occurrence standing for all.
    const firsts = firstOccurrences(list);
    const count = firsts === undefined ? list.length : firsts.length;
    const members = this.#members;
    if (signal !== undefined && aborted(signal)) {
      this.#error = { reason: reasonOf(signal) };
      for (let j = 0; j < count; j++) {
        const k = firsts === undefined ? j : firsts[j];
        const input = list[k];
        members.push(input);
        // Not watched, but no promise member's failure may go unhandled.
        const follow = follows?.[k];
        if (follow !== undefined) followOnly(input as object, follow);
      }
      return;
    }
    // The places of the members given as tasks or promises: watched once all members are
    // known, as one that is done already calls back at once.
    let given: number[] | undefined;
    // How each promise member is followed (see `futureOf`), by the member's index.
    let ways: Follow[] | undefined;
    for (let j = 0; j < count; j++) {
      const k = firsts === undefined ? j : firsts[j];
      const input = list[k];
      if (typeof input === "function" && !isTask(input)) {
        // Owned, so that no observation is made or removed per task; still reported if its
        // failure is never retrieved, since the caller is handed the task.
        const task = tasks.owned(input as TaskFn<unknown>, undefined, this.#observer, false);
        if (tracking) trackTask(task, undefined);
        members.push(task);
        // Queued only: it starts in a microtask.
        tasks.start(task);
      } else {
        (given ??= []).push(members.length);
        const follow = follows?.[k];
        if (follow !== undefined) (ways ??= [])[members.length] = follow;
        members.push(input);
      }
    }
    if (members.length === 0) return;
    this.#listening = true;
    if (given !== undefined) {
      for (const i of given) {
        const member = members[i];
        // A member with no way to follow it is a task (asked without a second brand check).
        if (ways?.[i] === undefined) {
          if (this.#listening) {
            this.#observations[i] = tasks.observe(member as Task<unknown>, this.#observer);
          }
          continue;
        }
        // Followed even when no longer listening, so that its failure never goes unhandled.
        const future = this.#futures[i] = futureOf(member as object, ways![i]);
        if (this.#listening) {
          this.#observations[i] = tasks.observe(future, () => this.#complete(member, future));
        }
      }
    }
    if (!this.#listening) return;
    if (timeout !== Infinity) {
      this.#timer = new Timer(() => {
        const left = this.#members.length - this.#completed.length;
        this.#fail(
          new TimeoutError(
            `Timed out after ${timeout} ms with ${left} of ${this.#members.length} members not completed`,
          ),
        );
      });
      this.#timer.schedule(performance.now() + timeout);
    }
    if (signal !== undefined) this.#link = onAbort(signal, (reason) => this.#fail(reason));
  }

  [Symbol.asyncIterator](): AsCompletedIterator<M> {
    return this;
  }

  next(): Promise<IteratorResult<M, undefined>> {
    if (this.#closed) return Promise.resolve(DONE);
    this.#reading = true;
    if (this.#read < this.#completed.length) {
      return Promise.resolve({ value: this.#completed[this.#read++] as M, done: false });
    }
    if (this.#error !== undefined && !this.#errorDelivered) {
      this.#errorDelivered = true;
      return Promise.reject(this.#error.reason);
    }
    if (!this.#listening) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => this.#readers.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<M, undefined>> {
    this.#closed = true;
    this.#reading = false;
    for (const reader of this.#takeReaders()) reader.resolve(DONE);
    this.#release();
    return Promise.resolve(DONE);
  }

  [Symbol.iterator](): Iterator<Promise<T>, undefined> {
    let index = 0;
    const iterator: IterableIterator<Promise<T>, undefined> = {
      next: () => {
        if (index >= this.#members.length) return DONE;
        // Every loop was left and listening stopped: only what completed before is handed out
        // (a promise for a later completion would never settle).
        if (
          index >= this.#completed.length && !this.#listening && this.#error === undefined
        ) return DONE;
        return { value: this.#promise(index++), done: false };
      },
      return: () => {
        index = this.#members.length;
        this.#release();
        return DONE;
      },
      [Symbol.iterator]: () => iterator,
    };
    return iterator;
  }

  #promise(index: number): Promise<T> {
    let promise = this.#promises[index];
    if (promise !== undefined) return promise;
    const read = () => this.#readAt(index);
    if (index < this.#completed.length) {
      promise = new Handed<T>((resolve, reject) =>
        this.#settle(this.#outcomes[index], {
          resolve: resolve as (value: unknown) => void,
          reject,
        }, index), read);
    } else if (this.#error !== undefined) {
      promise = Promise.reject(this.#error.reason);
    } else {
      promise = new Handed<T>((resolve, reject) => {
        this.#resolvers[index] = { resolve: resolve as (value: unknown) => void, reject };
      }, read);
      this.#unsettled++;
    }
    // A loop may hold several of these before awaiting them: a rejection must not count as
    // unhandled meanwhile (the caller's own await still sees it). Not a read by the caller.
    nativeThen.call(promise, undefined, noop);
    return this.#promises[index] = promise;
  }

  // The caller read the promise for completion `index`: it carries the member's failure to the
  // caller, now or when the member completes.
  #readAt(index: number): void {
    this.#readPromises[index] = true;
    if (index < this.#outcomes.length) tasks.retrieve(this.#outcomes[index]);
  }

  // Settles a promise of the plain form like `outcome`, which is done: the member's task or a
  // promise member's future, so that its `then` is not read again.
  #settle(outcome: Task<unknown>, resolvers: Resolvers, index: number): void {
    if (this.#readPromises[index] === true) tasks.retrieve(outcome);
    if (tasks.state(outcome) === "fulfilled") resolvers.resolve(tasks.outcome(outcome));
    else resolvers.reject(tasks.outcome(outcome));
  }

  #complete(member: unknown, outcome: Task<unknown>): void {
    if (!this.#listening) return;
    const index = this.#completed.push(member) - 1;
    this.#outcomes.push(outcome);
    const reader = this.#readers[this.#readerHead];
    if (reader !== undefined) {
      // Concurrent next() calls are rare; a head index keeps even many of them linear.
      if (++this.#readerHead === this.#readers.length) this.#takeReaders();
      this.#read++;
      reader.resolve({ value: member as M, done: false });
    }
    const resolvers = this.#resolvers[index];
    if (resolvers !== undefined) {
      this.#resolvers[index] = undefined;
      this.#unsettled--;
      this.#settle(outcome, resolvers, index);
    }
    if (this.#completed.length === this.#members.length) {
      this.#stop();
      for (const waiting of this.#takeReaders()) waiting.resolve(DONE);
    } else if (this.#releasing) this.#release();
  }

  #fail(reason: unknown): void {
    if (!this.#listening) return;
    this.#stop();
    this.#error = { reason };
    const readers = this.#takeReaders();
    if (readers.length > 0) this.#errorDelivered = true;
    for (const reader of readers) reader.reject(reason);
    const resolvers = this.#resolvers;
    this.#resolvers = [];
    this.#unsettled = 0;
    for (const pending of resolvers) pending?.reject(reason);
  }

  #takeReaders(): Reader<M>[] {
    const readers = this.#readers.slice(this.#readerHead);
    this.#readers = [];
    this.#readerHead = 0;
    return readers;
  }

  // A loop was left. Promises already handed out still settle (so `const [first] = …` works),
  // and an async cursor still open goes on; once neither waits, listening stops.
  #release(): void {
    this.#releasing = true;
    if (this.#unsettled === 0 && !this.#reading) this.#stop();
  }

  // Stops listening: the timer, the link and the observers on unfinished tasks go.
  #stop(): void {
    if (!this.#listening) return;
    this.#listening = false;
    this.#timer?.clear();
    if (this.#link !== undefined) offAbort(this.#link);
    const observations = this.#observations;
    const futures = this.#futures;
    this.#observations = [];
    this.#futures = [];
    if (this.#completed.length === this.#members.length) return;
    for (let i = 0; i < this.#members.length; i++) {
      const future = futures[i];
      if (future !== undefined) unwatch(this.#members[i] as object, future, observations[i]);
      else if (observations[i] !== undefined) {
        tasks.unobserve(this.#members[i] as Task<unknown>, observations[i]);
      }
    }
  }
}
