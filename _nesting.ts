// Copyright 2026 the @aio/tasks authors. MIT license.
// Bounded nesting for work that sets off more of the same work synchronously: a task that
// settles tells its observers, which can settle another task (a chain of gathers or shields);
// a signal that aborts cancels the tasks linked to it, whose signals abort in turn (a chain of
// linked tasks). Done by plain recursion, a chain a few hundred deep overflows the call stack,
// and the `RangeError` lands wherever the stack ran out: a task left pending forever, or an
// uncaught error out of an abort dispatch. Here the work runs at once, exactly as recursion
// would, until it is nested `LIMIT` deep in itself; deeper work waits in a FIFO that the
// outermost level drains before it returns. Everything still happens within the call that set
// it off; only the order of work deeper than `LIMIT` changes (breadth- instead of depth-first).

import { report } from "./_report.ts";

// Deep enough for any nesting real code makes; shallow enough that, with a dozen frames per
// level (an abort dispatch has that many), a program's own stack still has room.
const LIMIT = 32;

/** Runs `run(item)` for each item given, nested at most `LIMIT` deep in itself. */
export class Nesting<I> {
  #depth = 0;
  #late: (I | undefined)[] = [];
  readonly #run: (item: I) => void;

  constructor(run: (item: I) => void) {
    this.#run = run;
  }

  /** Runs `run(item)` now, or, nested too deep, before the outermost `run()` returns. */
  run(item: I): void {
    if (this.#depth >= LIMIT) {
      this.#late.push(item);
      return;
    }
    this.#depth++;
    try {
      this.#run(item);
    } finally {
      if (--this.#depth === 0 && this.#late.length > 0) this.#drain();
    }
  }

  // At the outermost level: each late item starts a fresh nesting of its own; items it pushes
  // in turn are run by this same loop. An item that throws is reported, and the rest still run.
  #drain(): void {
    const late = this.#late;
    for (let i = 0; i < late.length; i++) {
      const item = late[i] as I;
      late[i] = undefined;
      this.#depth = 1;
      try {
        this.#run(item);
      } catch (error) {
        report(error);
      }
    }
    this.#depth = 0;
    late.length = 0;
  }
}
