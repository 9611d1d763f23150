// Copyright 2026 the @aio/tasks authors. MIT license.
// One abort listener per signal, however many parties wait on it. Adding one listener per task
// to a shared signal makes each removal scan the signal's list, so a run of n tasks costs O(n²);
// here a link is added and removed in O(1) (a `Parties` list) and the signal's listener goes
// when the last link does. When the signal aborts, every link made before is told exactly once,
// whatever another link does meanwhile (settle work that removes other links, throw).
//
// A chain of linked tasks cancels link by link inside the first signal's abort dispatch; the
// links of a signal nested too deep in such a chain are told at the chain's outermost level
// instead (see `Nesting`), so that no chain overflows the call stack.
import { Nesting } from "./_nesting.ts";
import { Parties, type Party } from "./_parties.ts";
import { aborted, reasonOf } from "./_check.ts";

/** A registration made by {@linkcode onAbort}; pass it to {@linkcode offAbort}. */
export type Link = Party<unknown>;

// The links of one signal, with the one listener that tells them.
class SignalLinks extends Parties<unknown> {
  readonly signal: AbortSignal;
  readonly listener = (): void => {
    registry.delete(this.signal);
    this.signal.removeEventListener("abort", this.listener);
    aborts.run(this);
  };

  constructor(signal: AbortSignal) {
    super();
    this.signal = signal;
    signal.addEventListener("abort", this.listener);
    registry.set(signal, this);
  }
}

const registry = new WeakMap<AbortSignal, SignalLinks>();
const aborts = new Nesting<SignalLinks>((links) => links.tell(reasonOf(links.signal)));

/**
 * Calls `fn(signal.reason)` once when `signal` aborts, or at once (returning no link) if it has
 * aborted already: a call that ran user code before linking (following a member runs a
 * thenable's `then`, a promise subclass's species getter) may find its signal aborted by it,
 * and would otherwise wait for an abort that is over. Links are called in the order they were
 * made.
 */
export function onAbort(signal: AbortSignal, fn: (reason: unknown) => void): Link | undefined {
  if (aborted(signal)) {
    fn(reasonOf(signal));
    return undefined;
  }
  return (registry.get(signal) ?? new SignalLinks(signal)).add(fn);
}

/**
 * Removes a link, also while its signal's links are being told; the signal's listener goes
 * with its last link. Removing a link twice, one already told, or none, does nothing.
 */
export function offAbort(link: Link | undefined): void {
  const links = link?.list as SignalLinks | undefined;
  if (links === undefined || !links.remove(link!) || links.size > 0) return;
  // Not while its links are being told: the listener is gone already.
  if (registry.get(links.signal) !== links) return;
  registry.delete(links.signal);
  links.signal.removeEventListener("abort", links.listener);
}

/** How many links wait on `signal`; for tests. */
export function linkCount(signal: AbortSignal): number {
  return registry.get(signal)?.size ?? 0;
}
