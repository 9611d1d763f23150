// Copyright 2026 the @aio/tasks authors. MIT license.
// A one-shot timer on the performance.now() clock that can be moved and that copes with delays
// beyond what setTimeout accepts (longer ones overflow and fire at once).

const MAX_DELAY = 2 ** 31 - 1;

/** Calls `fn` once `performance.now()` reaches the deadline given to `schedule()`. */
export class Timer {
  #fn: () => void;
  #id: ReturnType<typeof setTimeout> | undefined;
  #deadline = Infinity;

  constructor(fn: () => void) {
    this.#fn = fn;
  }

  /** The deadline, or `Infinity` when none is set. */
  get deadline(): number {
    return this.#deadline;
  }

  /**
   * Moves the deadline; `Infinity` disables the timer. A deadline already due still waits for
   * one `setTimeout` turn.
   */
  schedule(deadline: number): void {
    this.clear();
    this.#deadline = deadline;
    if (deadline !== Infinity) this.#arm(Math.max(0, deadline - performance.now()));
  }

  /** Stops the timer. */
  clear(): void {
    if (this.#id !== undefined) {
      clearTimeout(this.#id);
      this.#id = undefined;
    }
  }

  #arm(delay: number): void {
    this.#id = setTimeout(() => {
      this.#id = undefined;
      // setTimeout may fire before the deadline: it clamps long delays, drops fractions of a
      // millisecond and, on some runtimes, runs on a coarser clock than performance.now().
      const left = this.#deadline - performance.now();
      if (left > 0) return this.#arm(left);
      this.#fn();
    }, delay > MAX_DELAY ? MAX_DELAY : Math.ceil(delay));
  }
}
