// Copyright 2026 the @aio/tasks authors. MIT license.
// One abort listener per signal, however many parties wait on it. Adding one listener per task
// to a shared signal makes each removal scan the signal's list, so a run of n tasks costs O(n²);
// here a link is added and removed in O(1) and the signal's listener goes when the last link does.

/** A registration made by {@linkcode onAbort}; pass it to {@linkcode offAbort}. */
export interface Link {
  readonly signal: AbortSignal;
  readonly fn: (reason: unknown) => void;
}

interface Links extends Set<Link> {
  listener: () => void;
}

const registry = new WeakMap<AbortSignal, Links>();

/**
 * Calls `fn(signal.reason)` once when `signal` aborts. The signal must not be aborted yet.
 * Links are called in the order they were made.
 */
export function onAbort(signal: AbortSignal, fn: (reason: unknown) => void): Link {
  let links = registry.get(signal);
  if (links === undefined) {
    const created = new Set<Link>() as Links;
    created.listener = () => {
      registry.delete(signal);
      signal.removeEventListener("abort", created.listener);
      const reason = signal.reason;
      for (const link of created) link.fn(reason);
      created.clear();
    };
    signal.addEventListener("abort", created.listener);
    registry.set(signal, created);
    links = created;
  }
  const link: Link = { signal, fn };
  links.add(link);
  return link;
}

/** Removes a link; the signal's listener goes with its last link. */
export function offAbort(link: Link): void {
  const links = registry.get(link.signal);
  if (links === undefined || !links.delete(link) || links.size > 0) return;
  registry.delete(link.signal);
  link.signal.removeEventListener("abort", links.listener);
}
