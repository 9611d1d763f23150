// Copyright 2026 the @aio/tasks authors. MIT license.
// The engine of wait(): one call watches its members (one observer shared by its task members,
// one timer, one link to the signal) until its condition holds, then leaves nothing behind.
//
// When it resolves, `done` holds every member done at that moment: a task member is asked
// (`done()`), so a task that settled in the same instant is never reported pending; a promise
// member is done once its settlement has reached this call.
import { type Observation, type Observer, Task, tasks } from "./_task.ts";
import { isCancellation } from "./_cancellation.ts";
import { follow } from "./_follow.ts";
import { type Link, offAbort, onAbort } from "./_link.ts";
import { Timer } from "./_timer.ts";
import type { ReturnWhen } from "./wait.ts";

/** One call of wait(). */
export class Waiter<M> {
  // Every member, and what this call watches on each pending task member; `undefined` once
  // the call has settled.
  #members: Map<M, Observation | undefined> | undefined;
  // Promise members whose settlement reached this call.
  #settled = new Set<M>();
  #returnWhen: ReturnWhen;
  #resolve: (result: [Set<M>, Set<M>]) => void;
  #reject: (reason: unknown) => void;
  #timer: Timer | undefined;
  #link: Link | undefined;
  // Members known done: counted as they complete, so that each completion costs O(1).
  #doneCount = 0;
  #observer: Observer = (task) => this.#completed(tasks.state(task) === "failed");

  constructor(
    members: Set<M>,
    returnWhen: ReturnWhen,
    resolve: (result: [Set<M>, Set<M>]) => void,
    reject: (reason: unknown) => void,
  ) {
    this.#members = new Map();
    for (const member of members) this.#members.set(member, undefined);
    this.#returnWhen = returnWhen;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  start(timeout: number, signal: AbortSignal | undefined): void {
    const members = this.#members!;
    let failed = false;
    for (const member of members.keys()) {
      if (member instanceof Task) {
        if (member.done()) {
          this.#doneCount++;
          failed ||= tasks.state(member) === "failed";
        }
        continue;
      }
      // Every promise member is followed, even when the call is satisfied at once, so that
      // its failure never goes unhandled; its callbacks do nothing once the call settled.
      follow(member, () => this.#promiseSettled(member, false), (error) => {
        this.#promiseSettled(member, !isCancellation(error));
      });
    }
    if (this.#members === undefined) return;
    if (this.#satisfied(failed)) return this.#finish();
    for (const member of members.keys()) {
      if (this.#members === undefined) return;
      if (member instanceof Task && !member.done()) {
        members.set(member, tasks.observe(member, this.#observer));
      }
    }
    if (this.#members === undefined) return;
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
    if (done === this.#members!.size) return true;
    return this.#returnWhen === "FIRST_COMPLETED" && done > 0;
  }

  #promiseSettled(member: M, failed: boolean): void {
    if (this.#members === undefined) return;
    this.#settled.add(member);
    this.#completed(failed);
  }

  #completed(failed: boolean): void {
    if (this.#members === undefined) return;
    this.#doneCount++;
    if (this.#satisfied(failed)) this.#finish();
  }

  #finish(): void {
    const done = new Set<M>();
    const pending = new Set<M>();
    for (const member of this.#members!.keys()) {
      const isDone = member instanceof Task ? member.done() : this.#settled.has(member);
      (isDone ? done : pending).add(member);
    }
    this.#release();
    this.#resolve([done, pending]);
  }

  // Drops everything this call holds, so that a member that stays pending keeps only this
  // small object alive.
  #release(): void {
    const members = this.#members!;
    this.#members = undefined;
    this.#settled = new Set();
    this.#timer?.clear();
    if (this.#link !== undefined) offAbort(this.#link);
    this.#link = undefined;
    for (const [member, observation] of members) {
      if (observation !== undefined) tasks.unobserve(member as Task<unknown>, observation);
    }
  }
}
