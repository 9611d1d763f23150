// Copyright 2026 the @aio/tasks authors. MIT license.
// The engine of wait(): one call watches its members (one observer shared by all of them, one
// timer, one link to the signal) until its condition holds, then leaves nothing behind.
//
// A promise member is watched through its future (`_thenables.ts`), like a task, so removing
// this call's observer from it is O(1) and a member that stays pending keeps nothing of it.
// When the call resolves, `done` holds every member done at that moment: each is asked
// (`done()` of the task or the future), in a microtask queued when the condition came to hold,
// so a member that settled in the same instant is never reported pending.
import { isTask, type Observation, type Observer, type Task, tasks } from "./_task.ts";
import { type Follow, futureOf, unwatch } from "./_thenables.ts";
import type { Then } from "./_check.ts";
import { followThen } from "./_follow.ts";
import { type Link, offAbort, onAbort } from "./_link.ts";
import { Timer } from "./_timer.ts";
import type { ReturnWhen } from "./wait.ts";

/** One call of wait(). */
export class Waiter<M> {
  // Every member, in input order; `undefined` once the call has settled.
  #members: M[] | undefined;
  // What is watched for each member (the task itself or a promise's future) and this call's
  // observation of it, by the member's index.
  #watched: Task<unknown>[] = [];
  #observations: (Observation | undefined)[] = [];
  // How each promise member is followed (see `futureOf`), by index, until `start()`.
  #follows: (Follow | undefined)[] | undefined;
  #returnWhen: ReturnWhen;
  #resolve: (result: [Set<M>, Set<M>]) => void;
  #reject: (reason: unknown) => void;
  #timer: Timer | undefined;
  #link: Link | undefined;
  // Members known done: counted as they complete, so that each completion costs O(1).
  #doneCount = 0;
  // Set once the condition holds and the split is queued.
  #finishing = false;
  #observer: Observer = (task) => this.#completed(tasks.state(task) === "failed");

  constructor(
    list: M[],
    follows: (Follow | undefined)[] | undefined,
    returnWhen: ReturnWhen,
    resolve: (result: [Set<M>, Set<M>]) => void,
    reject: (reason: unknown) => void,
  ) {
    // Duplicates collapse, the first occurrence standing for all.
    const members: M[] = this.#members = [];
    const kept: (Follow | undefined)[] = this.#follows = [];
    const seen = new Set<M>();
    for (let i = 0; i < list.length; i++) {
      const member = list[i];
      if (seen.size === seen.add(member).size) continue;
      members.push(member);
      kept.push(follows?.[i]);
    }
    this.#returnWhen = returnWhen;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  start(timeout: number, signal: AbortSignal | undefined): void {
    const members = this.#members!;
    const follows = this.#follows!;
    this.#follows = undefined;
    const watched = this.#watched;
    let failed = false;
    let pending: number[] | undefined;
    for (let i = 0; i < members.length; i++) {
      const member = members[i];
      // Every promise member is followed, even when the call is satisfied at once, so that
      // its failure never goes unhandled.
      // Only promises have a way to be followed: asking a member itself could run a proxy's trap.
      const follow = follows[i];
      const task = watched[i] = follow === undefined
        ? member as Task<unknown>
        : futureOf(member as object, follow);
      if (task.done()) {
        this.#doneCount++;
        failed ||= tasks.state(task) === "failed";
      } else (pending ??= []).push(i);
    }
    if (this.#satisfied(failed)) return this.#finishSoon();
    // A member that settled meanwhile (following a promise subclass runs its code) is told
    // to the observer at once.
    for (const i of pending!) {
      const observation = tasks.observe(watched[i], this.#observer);
      if (this.#members === undefined) return;
      this.#observations[i] = observation;
    }
    if (timeout !== Infinity) {
      this.#timer = new Timer(() => this.#finish());
      this.#timer.schedule(performance.now() + timeout);
    }
    if (signal !== undefined) {
      this.#link = onAbort(signal, (reason) => {
        this.#link = undefined;
        if (this.#members === undefined) return;
        this.#release();
        this.#reject(reason);
      });
    }
  }

  #satisfied(failed: boolean): boolean {
    if (this.#returnWhen === "FIRST_EXCEPTION" && failed) return true;
    const done = this.#doneCount;
    if (done === this.#members!.length) return true;
    return this.#returnWhen === "FIRST_COMPLETED" && done > 0;
  }

  #completed(failed: boolean): void {
    if (this.#members === undefined) return;
    this.#doneCount++;
    if (this.#satisfied(failed)) this.#finishSoon();
  }

  // Once the condition holds, the split is made in a microtask queued now: members whose
  // settling was already under way in the same instant (their reactions queued before it) are
  // done by then, as asyncio's wait sees every task finished in the same loop iteration.
  #finishSoon(): void {
    if (this.#finishing) return;
    this.#finishing = true;
    queueMicrotask(() => {
      if (this.#members !== undefined) this.#finish();
    });
  }

  #finish(): void {
    const members = this.#members!;
    const watched = this.#watched;
    const done = new Set<M>();
    const pending = new Set<M>();
    for (let i = 0; i < members.length; i++) {
      (watched[i].done() ? done : pending).add(members[i]);
    }
    this.#release();
    this.#resolve([done, pending]);
  }

  // Drops everything this call holds, so that a member that stays pending keeps nothing of
  // it.
  #release(): void {
    const members = this.#members!;
    this.#members = undefined;
    this.#timer?.clear();
    if (this.#link !== undefined) offAbort(this.#link);
    this.#link = undefined;
    const watched = this.#watched;
    const observations = this.#observations;
    this.#watched = [];
    this.#observations = [];
    for (let i = 0; i < watched.length; i++) {
      const task = watched[i];
      if (task !== members[i]) unwatch(members[i] as object, task, observations[i]);
      else if (observations[i] !== undefined) tasks.unobserve(task, observations[i]);
    }
  }
}

/**
 * `wait(members)` with nothing that can end it early (`ALL_COMPLETED`, no timeout, no signal):
 * it resolves once every member is done, so no member can be left pending with something of
 * this call on it. Tasks (and promises that already have a future) are observed; other promises
 * are followed directly, with the `then` their check read: one reaction each, gone when they
 * settle, and no future to make and keep.
 */
export function waitForAll<M>(
  list: M[],
  follows: (Follow | undefined)[] | undefined,
  resolve: (result: [Set<M>, Set<M>]) => void,
): void {
  const members = new Set<M>();
  let remaining = 1;
  const settled = () => {
    if (--remaining === 0) resolve([members, new Set()]);
  };
  for (let i = 0; i < list.length; i++) {
    const member = list[i];
    if (members.size === members.add(member).size) continue;
    remaining++;
    // Only promises have a way to be followed: asking a member itself could run a proxy's trap.
    const follow = follows?.[i];
    if (follow === undefined || isTask(follow)) {
      const task = follow ?? member as Task<unknown>;
      if (task.done()) remaining--;
      else tasks.observe(task, settled);
    } else followThen(member as object, follow as Then, settled, settled);
  }
  settled();
}
