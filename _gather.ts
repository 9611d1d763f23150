// Copyright 2026 the @aio/tasks authors. MIT license.
// The engine of gather(): one future that settles with its members' results in input order.
//
// - Task members are watched by one shared observer and read at the end.
// - Promise (thenable) members write their result into place. Each is followed with the `then`
//   its check read, or watched through its future if a waiting call made one
//   (`_thenables.ts`); a gather makes no future, which would double a promise member's cost.
// - Function members are called by the gather itself, not wrapped in tasks: nobody else can see
//   or cancel them, so a task each would only cost time and memory (a task, its start and its
//   settling were most of a gather's cost). Each gets a signal of its own, aborted when the
//   gather cancels it. The gather is a job on the tasks' start queue, so its functions are called
//   in a microtask, in input order, after the tasks created before the gather and before those
//   created after it: exactly where tasks made for them would have started. The functions due at
//   the call (all, or `limit` of them) are committed then and run even if a task member has
//   failed the gather already; under `limit` a freed slot commits the next one.
// - A function given twice is called once; its result fills both places.
import { isTask, type Job, type Observation, type Observer, type Task, tasks } from "./_task.ts";
import { isCancellation, toCancelled } from "./_cancellation.ts";
import { unretrievedFailure } from "./_report.ts";
import { follow, followThen } from "./_follow.ts";
import { type Follow, unwatch } from "./_thenables.ts";
import { type Link, offAbort, onAbort } from "./_link.ts";
import { trackCall, trackGather, tracking, untrack } from "./_tracking.ts";
import { aborted, reasonOf } from "./_check.ts";
import { repeatsFunction } from "./_distinct.ts";

function noop(): void {}

// The controller of a called function, kept in its result's place while it runs: a value a
// function gives back can never be one, as nobody outside this module can make one.
class Call extends AbortController {}

// How a called function's outcome reaches its gather (`this`) and place, bound for each call:
// a bound function with one argument is smaller than a closure and its context.
let fnFulfilled: (this: Gathering, place: number, value: unknown) => void;
let fnFailed: (this: Gathering, place: number, error: unknown) => void;

/** How one gather() call goes: the future it returns, and the members it waits for. */
class Gathering implements Job {
  static {
    fnFulfilled = function (place, value) {
      this.#fnDone(place, value, true);
    };
    fnFailed = function (place, error) {
      this.#fnDone(place, error, false);
    };
  }

  readonly future: Task<unknown[]>;
  #list: unknown[];
  // How each promise member is followed, by place (see `_thenables.ts`).
  #follows: (Follow | undefined)[] | undefined;
  #results: unknown[];
  #returnExceptions: boolean;
  #signal: AbortSignal | undefined;
  #link: Link | undefined;
  // Member places not settled yet (a task or promise given twice counts twice, a function once).
  #remaining: number;
  // Task members and called functions not done yet: what a cancelled gather waits for.
  #unfinished = 0;
  #cancelling: DOMException | undefined;
  // How many function members there are to call (a function given twice counts once), how
  // many were called, and the place from which the next one is looked for.
  #calls = 0;
  #called = 0;
  #next = 0;
  // The places of the functions to call, in input order, only when some function repeats:
  // otherwise every function member is called, in input order.
  #places: number[] | undefined;
  // How many more functions may be committed to run now (`Infinity` without a limit).
  #free: number;
  // Functions committed to run (a task made for each would have been started): called in
  // order by `run()` unless the gather is cancelled first.
  #committed = 0;
  // Whether this gather waits on the start queue to call functions, and whether `run()` is
  // calling them now.
  #queued = false;
  #running = false;
  // [place, place of the same function's first occurrence], for functions given twice.
  #aliases: number[][] | undefined;
  #observer: Observer = (task) => this.#taskDone(task);
  // The futures of promise members that a waiting call had made, watched here, with their
  // observations; `undefined` when none.
  #futures: { member: object; how: Task<unknown>; observation: Observation }[] | undefined;
  // How many task members were given (each time they were given): read at the end.
  #taskCount = 0;
  // Without returnExceptions a function's failure needs no place: it fails the gather, or the
  // gather is cancelling and only counts it. One reaction then serves every function.
  #onError: ((error: unknown) => void) | undefined;

  constructor(
    list: unknown[],
    follows: (Follow | undefined)[] | undefined,
    returnExceptions: boolean,
    signal: AbortSignal | undefined,
    limit: number,
  ) {
    this.#list = list;
    this.#follows = follows;
    this.#results = new Array(list.length);
    this.#remaining = list.length;
    this.#returnExceptions = returnExceptions;
    this.#signal = signal;
    this.#free = limit;
    if (!returnExceptions) this.#onError = (error) => this.#fnDone(-1, error, false);
    this.future = tasks.future<unknown[]>((_, reason) => this.#cancel(reason));
    if (tracking) trackGather(this.future, list, limit, signal);
  }

  start(): void {
    const list = this.#list;
    const n = list.length;
    let calls = 0;
    for (let i = 0; i < n; i++) {
      const member = list[i];
      if (typeof member === "function") calls++;
      else if (isTask(member)) this.#watch(member);
      else this.#followPromise(i, member as object, this.#follows![i]!);
    }
    this.#follows = undefined;
    // A Map lookup per function would cost a third of the time of a plain gather: one pass
    // says whether any function repeats at all (a repeated task or promise is harmless).
    if (calls > 1 && repeatsFunction(list)) calls = this.#findAliases();
    this.#calls = calls;
    // Functions due now start even if a task member has failed the gather already.
    this.#commit();
    if (this.#remaining === 0) this.#complete();
    if (this.future.done()) return;
    const signal = this.#signal;
    if (signal !== undefined) {
      this.#link = onAbort(
        signal,
        (reason) => tasks.requestCancel(this.future, toCancelled(reason)),
      );
    }
  }

  // Lists the places of the functions to call, each function's first, and notes the places
  // of its repeats; returns how many functions there are to call.
  #findAliases(): number {
    const list = this.#list;
    const firsts = new Map<unknown, number>();
    const places: number[] = this.#places = [];
    for (let i = 0; i < list.length; i++) {
      const member = list[i];
      if (typeof member !== "function") continue;
      const first = firsts.get(member);
      if (first !== undefined) {
        (this.#aliases ??= []).push([i, first]);
        this.#remaining--;
      } else {
        firsts.set(member, i);
        places.push(i);
      }
    }
    return places.length;
  }

  // The place of the next function to call.
  #nextPlace(): number {
    if (this.#places !== undefined) return this.#places[this.#called];
    const list = this.#list;
    let place = this.#next;
    while (typeof list[place] !== "function") place++;
    this.#next = place + 1;
    return place;
  }

  /** Calls the functions committed to run, in input order, unless cancelled first. */
  run(): void {
    this.#queued = false;
    this.#running = true;
    const list = this.#list;
    const results = this.#results;
    const future = this.future;
    while (this.#called < this.#committed && this.#cancelling === undefined) {
      const place = this.#nextPlace();
      this.#called++;
      const fn = list[place] as (signal: AbortSignal) => unknown;
      const controller = new Call();
      results[place] = controller;
      if (tracking) trackCall(controller, future, fn, place);
      this.#unfinished++;
      let result: unknown;
      try {
        result = fn(controller.signal);
      } catch (error) {
        this.#fnDone(place, error, false);
        continue;
      }
      follow(
        result,
        fnFulfilled.bind(this, place),
        // While tracking, a failure must find its call's record: its place is needed.
        (tracking ? undefined : this.#onError) ?? fnFailed.bind(this, place),
        future,
      );
    }
    this.#running = false;
  }

  // Commits as many function calls as there are free slots. The first ones are made from the
  // start queue, where tasks made for them would have started. A slot freed later is taken at
  // once, as a hand-written runner would: the function was given before any task created since,
  // so calling it now keeps creation order. A function that settles synchronously frees its slot
  // while `run()` is still calling: the loop then makes the next call, not a nested `run()`.
  #commit(): void {
    const count = Math.min(this.#free, this.#calls - this.#committed);
    if (count <= 0) return;
    this.#free -= count;
    this.#committed += count;
    if (this.#queued || this.#running) return;
    if (this.#called > 0) return this.run();
    this.#queued = true;
    tasks.schedule(this);
  }

  #watch(task: Task<unknown>): void {
    this.#taskCount++;
    this.#unfinished++;
    tasks.observe(task, this.#observer);
  }

  #followPromise(place: number, member: object, how: Follow): void {
    if (typeof how === "function") {
      followThen(member, how, (value) => this.#promiseDone(place, value, true), (error) => {
        this.#promiseDone(place, error, false);
      });
    } else {
      // Failed already (a member before was a failed task): a future handles its promise's
      // rejection by itself, and nothing would remove this observation.
      if (this.future.done()) return;
      const observation = tasks.observe(how, (future) => {
        this.#promiseDone(place, tasks.outcome(future), tasks.state(future) === "fulfilled");
      });
      // A gather that fails or is cancelled does not wait for its promise members: it stops
      // watching their futures then (see `#release`).
      if (observation !== undefined) (this.#futures ??= []).push({ member, how, observation });
    }
  }

  #taskDone(task: Task<unknown>): void {
    this.#remaining--;
    this.#unfinished--;
    if (this.#cancelling !== undefined) {
      // A task that fails while the gather is cancelled fails nothing (the gather ends
      // cancelled, SPEC §4): its failure stays its owner's to retrieve, reported if never.
      if (tasks.state(task) !== "failed") tasks.retrieve(task);
      if (this.#unfinished === 0) this.#end();
      return;
    }
    // Its outcome is the gather's now: a failure fails it, or came after it was settled.
    tasks.retrieve(task);
    if (tasks.state(task) !== "fulfilled" && !this.#returnExceptions) {
      this.#fail(tasks.outcome(task));
    } else if (this.#remaining === 0) this.#complete();
  }

  // A called function settled; `place` is -1 for a failure without returnExceptions, which
  // leaves its controller in place: the gather either fails now, and then is never cancelled,
  // or is cancelling, and has aborted it already.
  #fnDone(place: number, value: unknown, ok: boolean): void {
    if (place >= 0) {
      if (tracking) untrack(this.#results[place] as Call);
      this.#results[place] = undefined;
    }
    this.#unfinished--;
    this.#free++;
    if (this.#cancelling !== undefined) {
      // A function that fails (not a cancellation) while the gather is cancelled fails nothing
      // (the gather ends cancelled, SPEC §4), and nobody else can see its failure: reported.
      if (!ok && !isCancellation(value)) this.#lost(place, value);
      if (this.#unfinished === 0) this.#end();
      return;
    }
    this.#remaining--;
    if (this.future.done()) return;
    // Failing first: the slot this call frees must not start a function the failure stops.
    if (!ok && !this.#returnExceptions) return this.#fail(value);
    if (this.#committed < this.#calls) this.#commit();
    // The gather is not cancelling, so an error stands as it is (with returnExceptions too).
    this.#results[place] = value;
    if (this.#remaining === 0) this.#complete();
  }

  // Reports a function member's failure that nobody can retrieve, as a task's is reported.
  #lost(place: number, error: unknown): void {
    const member = place >= 0 ? ` aws[${place}]` : "";
    const name = `function member${member} of gather ${this.future.name}`;
    // Keyed by an object nothing holds: told at the next collection, or at program end.
    unretrievedFailure({}, name, error);
  }

  #promiseDone(place: number, value: unknown, ok: boolean): void {
    this.#remaining--;
    if (this.#cancelling !== undefined || this.future.done()) return;
    if (!ok && !this.#returnExceptions) return this.#fail(value);
    this.#results[place] = value;
    if (this.#remaining === 0) this.#complete();
  }

  #fail(error: unknown): void {
    this.#release();
    tasks.reject(this.future, error);
  }

  #complete(): void {
    if (this.future.done()) return;
    const signal = this.#signal;
    if (signal !== undefined && aborted(signal)) return this.#cancel(toCancelled(reasonOf(signal)));
    const list = this.#list;
    const results = this.#results;
    if (this.#taskCount > 0) {
      for (let i = 0; i < list.length; i++) {
        const member = list[i];
        if (isTask(member)) results[i] = tasks.outcome(member);
      }
    }
    const aliases = this.#aliases;
    if (aliases !== undefined) {
      for (const [place, first] of aliases) results[place] = results[first];
    }
    this.#release();
    tasks.fulfil(this.future, results);
  }

  #cancel(reason: DOMException): void {
    if (this.#cancelling !== undefined) return;
    this.#cancelling = reason;
    // From here on `run()` and `#fnDone()` call no function: those not called never will be.
    for (const member of this.#list) {
      if (isTask(member) && !member.done()) tasks.requestCancel(member, reason);
    }
    if (this.#called > 0) {
      // The calls still running hold their controllers in their places. Each abort can run any
      // code; a function settling meanwhile has put something else in its place.
      const results = this.#results;
      for (let place = 0; place < results.length; place++) {
        const call = results[place];
        if (call instanceof Call) call.abort(reason);
      }
    }
    if (this.#unfinished === 0) this.#end();
  }

  #end(): void {
    this.#release();
    tasks.endCancelled(this.future, this.#cancelling);
  }

  #release(): void {
    if (this.#link !== undefined) {
      offAbort(this.#link);
      this.#link = undefined;
    }
    const futures = this.#futures;
    if (futures !== undefined) {
      this.#futures = undefined;
      for (const { member, how, observation } of futures) unwatch(member, how, observation);
    }
  }
}

/**
 * Starts gathering `list` (already checked: tasks, thenables and functions; `follows` says how
 * each thenable is followed) and returns the future of the results.
 */
export function startGather(
  list: unknown[],
  follows: (Follow | undefined)[] | undefined,
  returnExceptions: boolean,
  signal: AbortSignal | undefined,
  limit: number,
): Task<unknown[]> {
  if (signal !== undefined && aborted(signal)) {
    for (let i = 0; i < list.length; i++) {
      const member = list[i];
      const how = follows?.[i];
      // A task member is left alone: its failure stays its owner's to retrieve. A future
      // handles its thenable's failure already.
      if (typeof how === "function") followThen(member as object, how, noop, noop);
    }
    const future = tasks.future<unknown[]>(noop);
    tasks.endCancelled(future, toCancelled(reasonOf(signal)));
    return future;
  }
  const gathering = new Gathering(list, follows, returnExceptions, signal, limit);
  gathering.start();
  return gathering.future;
}
