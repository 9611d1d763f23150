// Copyright 2026 the @aio/tasks authors. MIT license.
// The private mechanisms, each through its own interface and its invariant check.
import assert from "node:assert/strict";
import fc from "fast-check";
import { Nesting } from "../_nesting.ts";
import { Parties, type Party } from "../_parties.ts";
import { Slots } from "../_slots.ts";
import { type Observation, tasks } from "../_task.ts";
import { StartQueue } from "../_start_queue.ts";
import { checkDeadlines, Timer } from "../_timer.ts";
import { followedFuture, GENERATION_MS, strongFutures } from "../_thenables.ts";
import { asCompleted, createTask, FIRST_COMPLETED, gather, shield, wait, waitFor } from "../mod.ts";
import { deferred, fakeTime, flush, requireGc } from "./_fixtures.ts";
import { countedPromise } from "./_observers.ts";

Deno.test("Parties tells each party once, in order, and skips one removed before its turn", () => {
  const parties = new Parties<string>();
  const log: string[] = [];
  let second: Party<string> | undefined = undefined;
  parties.add((x) => {
    log.push(`a${x}`);
    parties.remove(second!);
  });
  second = parties.add((x) => log.push(`b${x}`));
  parties.add((x) => log.push(`c${x}`));
  parties.check();
  parties.tell("!");
  assert.deepEqual(log, ["a!", "c!"]);
  assert.equal(parties.size, 0);
  parties.check();
  parties.tell("again");
  assert.deepEqual(log, ["a!", "c!"]);
});

Deno.test("Parties tells every party even when one throws, then reports the error", () => {
  const parties = new Parties<number>();
  const told: number[] = [];
  const reported: unknown[] = [];
  const original = globalThis.reportError;
  globalThis.reportError = (error) => reported.push(error);
  try {
    const boom = new Error("party failed");
    parties.add(() => {
      throw boom;
    });
    parties.add((x) => told.push(x));
    parties.tell(7);
    assert.deepEqual(told, [7]);
    assert.deepEqual(reported, [boom]);
  } finally {
    globalThis.reportError = original;
  }
});

Deno.test("Parties removes 100 000 parties in any order, keeping its invariant", () => {
  fc.assert(
    fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 200 }), (order) => {
      const parties = new Parties<void>();
      const list = order.map(() => parties.add(() => {}));
      for (const i of order) parties.remove(list[i % list.length]!);
      parties.check();
      const left = parties.size;
      let told = 0;
      for (const party of list) if (party.list !== undefined) party.fn = () => told++;
      parties.tell();
      assert.equal(told, left);
    }),
  );
  const parties = new Parties<void>();
  const many = Array.from({ length: 100_000 }, () => parties.add(() => {}));
  for (let i = 0; i < many.length; i += 2) parties.remove(many[i]!);
  for (let i = 1; i < many.length; i += 2) parties.remove(many[i]!);
  assert.equal(parties.size, 0);
  parties.check();
});

Deno.test("Slots keep running and waiting items straight under random use", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5 }),
      fc.array(fc.oneof(fc.constant("add"), fc.nat({ max: 50 })), { maxLength: 300 }),
      (limit, steps) => {
        const keys = new Map<number, number>();
        const slots = new Slots<number>(limit, {
          get: (item) => keys.get(item) ?? -1,
          set: (item, key) => void keys.set(item, key),
        });
        const live: number[] = [];
        let next = 0;
        for (const step of steps) {
          if (step === "add") {
            slots.add(next);
            live.push(next++);
          } else if (live.length > 0) {
            const [item] = live.splice(step % live.length, 1);
            if (slots.remove(item!)) slots.promote();
          }
          slots.check();
          assert.ok(slots.running <= limit);
          assert.equal(slots.running + slots.waiting, live.length);
          if (slots.waiting > 0) assert.equal(slots.running, limit);
        }
        assert.deepEqual(new Set(slots.items()), new Set(live));
      },
    ),
  );
});

Deno.test("Slots compact a long-lived list down to its live items", () => {
  const keys = new Map<number, number>();
  const slots = new Slots<number>(Infinity, {
    get: (item) => keys.get(item)!,
    set: (item, key) => void keys.set(item, key),
  });
  for (let i = 0; i < 100_000; i++) {
    slots.add(i);
    if (i >= 10) slots.remove(i - 10);
  }
  slots.check();
  assert.equal(slots.running, 10);
  assert.deepEqual(slots.items(), Array.from({ length: 10 }, (_, i) => 99_990 + i));
});

Deno.test("Slots let go of items that leave in any order, thousands at a time", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 3_000 }),
      fc.array(fc.nat(), { minLength: 3_000, maxLength: 3_000 }),
      fc.nat({ max: 2 }),
      (limit, picks, order) => {
        const keys = new Map<number, number>();
        const slots = new Slots<number>(limit, {
          get: (item) => keys.get(item) ?? -1,
          set: (item, key) => void keys.set(item, key),
        });
        const live: number[] = [];
        for (let i = 0; i < 3_000; i++) {
          slots.add(i);
          live.push(i);
        }
        slots.check();
        // In start order (as tasks mostly finish), in reverse, or at random.
        for (const pick of picks) {
          const at = order === 0 ? 0 : order === 1 ? live.length - 1 : pick % live.length;
          const [item] = live.splice(at, 1);
          if (slots.remove(item!)) slots.promote();
          if (live.length % 97 === 0) slots.check();
        }
        slots.check();
        assert.equal(slots.running + slots.waiting, 0);
        assert.deepEqual(slots.items(), []);
      },
    ),
    { numRuns: 30 },
  );
});

Deno.test("Slots keep order across chunk boundaries through bursts of adds and removals", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5_000 }),
      fc.array(
        fc.record({
          adds: fc.nat({ max: 3_000 }),
          removes: fc.nat({ max: 3_000 }),
          order: fc.nat({ max: 2 }),
          seed: fc.nat(),
        }),
        { minLength: 1, maxLength: 6 },
      ),
      (limit, bursts) => {
        const keys = new Map<number, number>();
        const slots = new Slots<number>(limit, {
          get: (item) => keys.get(item) ?? -1,
          set: (item, key) => void keys.set(item, key),
        });
        // The model: each list in the order its items joined it.
        const running: number[] = [];
        const waiting: number[] = [];
        let next = 0;
        for (const { adds, removes, order, seed } of bursts) {
          for (let i = 0; i < adds; i++) {
            (slots.add(next) ? running : waiting).push(next);
            next++;
          }
          slots.check();
          // In start order (as tasks mostly finish), newest first, or scattered.
          let pick = seed;
          for (let i = 0; i < removes && running.length + waiting.length > 0; i++) {
            const live = waiting.length + running.length;
            pick = (pick * 1_103_515_245 + 12_345) % 2 ** 31;
            const at = order === 0 ? 0 : order === 1 ? live - 1 : pick % live;
            const list = at < running.length ? running : waiting;
            const [item] = list.splice(at < running.length ? at : at - running.length, 1);
            if (slots.remove(item!)) {
              const promoted = waiting.shift();
              if (promoted !== undefined) running.push(promoted);
              assert.equal(slots.promote(), promoted);
            }
            if (i % 257 === 0) slots.check();
          }
          slots.check();
          assert.equal(slots.running, running.length);
          assert.equal(slots.waiting, waiting.length);
          assert.deepEqual(slots.items(), [...waiting, ...running]);
        }
      },
    ),
    {
      numRuns: 40,
      // A rebuild with a live count that fills whole chunks: 3 073 entries kept for 1 024 items.
      examples: [[5_000, [{ adds: 3_073, removes: 2_049, order: 1, seed: 0 }]]],
    },
  );
});

Deno.test("StartQueue starts in order, each run only what was queued before it", async () => {
  const log: string[] = [];
  const queue: StartQueue<string> = new StartQueue<string>((item) => {
    log.push(item);
    if (item === "a") queue.push("a-child");
  }, () => {});
  queue.push("a");
  queue.push("b");
  queue.check();
  const reaction = Promise.resolve().then(() => log.push("reaction"));
  await reaction;
  await flush();
  assert.deepEqual(log, ["a", "b", "reaction", "a-child"]);
  queue.check();
});

Deno.test("StartQueue tells what settled during a run only when the run is over", async () => {
  const log: string[] = [];
  const queue: StartQueue<string> = new StartQueue<string>((item) => {
    log.push(`start ${item}`);
    if (queue.running) queue.defer(item);
  }, (item) => log.push(`told ${item}`));
  queue.push("a");
  queue.push("b");
  await flush();
  assert.deepEqual(log, ["start a", "start b", "told a", "told b"]);
});

Deno.test("StartQueue.postpone() moves what was queued since the mark behind the microtasks queued so far", async () => {
  const log: string[] = [];
  const queue = new StartQueue<string>((item) => log.push(item), () => {});
  queue.push("before");
  const mark = queue.mark;
  queue.push("task");
  queue.push("later");
  const reaction = Promise.resolve().then(() => log.push("reaction"));
  queue.postpone(mark);
  queue.check();
  await reaction;
  await flush();
  assert.deepEqual(log, ["before", "reaction", "task", "later"]);
  // Nothing queued since the mark: nothing is held.
  const again = queue.mark;
  queue.push("next");
  const nextReaction = Promise.resolve().then(() => log.push("next reaction"));
  queue.postpone(again + 1);
  await nextReaction;
  await flush();
  assert.deepEqual(log.slice(4), ["next", "next reaction"]);
});

Deno.test("StartQueue tells what settled in a run cut short by postpone() only after the held items started", async () => {
  const log: string[] = [];
  const queue: StartQueue<string> = new StartQueue<string>((item) => {
    log.push(`start ${item}`);
    if (item === "fails") queue.defer(item);
  }, (item) => log.push(`told ${item}`));
  queue.push("fails");
  const mark = queue.mark;
  queue.push("held");
  const reaction = Promise.resolve().then(() => log.push("reaction"));
  queue.postpone(mark);
  await reaction;
  await flush();
  assert.deepEqual(log, ["start fails", "reaction", "start held", "told fails"]);
  queue.check();
});

Deno.test("Timer fires equal deadlines in the order they were set, keeping the heap straight", async () => {
  using time = fakeTime();
  const fired: number[] = [];
  const timers = Array.from({ length: 50 }, (_, i) => new Timer(() => fired.push(i)));
  const now = performance.now();
  timers.forEach((timer, i) => timer.schedule(now + 10 + (i % 5)));
  checkDeadlines();
  for (let i = 0; i < 50; i += 7) timers[i]!.clear();
  checkDeadlines();
  await time.tick(20);
  const expected = Array.from({ length: 50 }, (_, i) => i)
    .filter((i) => i % 7 !== 0)
    .sort((a, b) => (a % 5) - (b % 5) || a - b);
  assert.deepEqual(fired, expected);
  checkDeadlines();
  assert.equal(time.timers(), 0);
});

Deno.test("Nesting runs work at once up to its limit, deeper work before the outermost call returns", () => {
  const log: number[] = [];
  const nesting: Nesting<number> = new Nesting((n: number) => {
    log.push(n);
    if (n < 100_000) nesting.run(n + 1);
    // What a level does after setting off the next one: at once within the limit.
    if (n === 1) log.push(-1);
  });
  nesting.run(1);
  assert.equal(log.length, 100_001);
  // Depth first while shallow: level 2 ran inside level 1, before level 1 went on.
  assert.deepEqual(log.slice(0, 3), [1, 2, 3]);
  assert.equal(log.indexOf(-1) > log.indexOf(32), true);
  assert.deepEqual(log.filter((n) => n > 0), Array.from({ length: 100_000 }, (_, i) => i + 1));
});

Deno.test("Nesting reports work that throws when run late, and still runs the rest", () => {
  const seen: number[] = [];
  const reported: unknown[] = [];
  const original = globalThis.reportError;
  globalThis.reportError = (error: unknown) => reported.push(error);
  try {
    const nesting: Nesting<number> = new Nesting((n: number) => {
      seen.push(n);
      if (n < 100) nesting.run(n + 1);
      if (n === 50) throw new Error("fifty");
    });
    nesting.run(1);
  } finally {
    globalThis.reportError = original;
  }
  assert.equal(seen.length, 100);
  assert.deepEqual(reported.map((e) => (e as Error).message), ["fifty"]);
});

Deno.test("Thenables let go of the future of a promise once it settled", async () => {
  const before = strongFutures();
  const promises = Array.from({ length: 1_000 }, (_, i) => Promise.resolve(i));
  let total = 0;
  for await (const promise of asCompleted(promises)) total += await promise;
  assert.equal(total, 499_500);
  await wait(promises, { returnWhen: FIRST_COMPLETED });
  assert.equal(strongFutures(), before);
  assert.equal(promises.some((promise) => followedFuture(promise) !== undefined), false);
});

Deno.test("Thenables keep the future of a pending promise across generations", async () => {
  using time = fakeTime();
  const promise = countedPromise<number>();
  const first = wait([promise.promise], { timeout: 10_000 });
  const future = followedFuture(promise.promise);
  assert.notEqual(future, undefined);
  for (let generation = 0; generation < 3; generation++) {
    await time.tick(GENERATION_MS);
    for (let i = 0; i < 64; i++) await shield(Promise.resolve(i));
  }
  assert.equal(followedFuture(promise.promise), future);
  const second = wait([promise.promise], { timeout: 10_000 });
  assert.equal(promise.reactions(), 1);
  promise.resolve(1);
  for (const [done] of await Promise.all([first, second])) assert.equal(done.size, 1);
  assert.equal(time.timers(), 0);
});

Deno.test("Thenables hold a forgotten promise weakly once the generations moved on, calls still waiting on it", async () => {
  const gc = requireGc();
  let ref: WeakRef<object> | undefined;
  {
    using time = fakeTime();
    (() => {
      const forgotten = new Promise<never>(() => {});
      ref = new WeakRef(forgotten);
      // Calls that can never end, dropped: nothing limits them and their member never settles.
      void waitFor(forgotten, null);
      shield(forgotten);
      void wait([forgotten], { returnWhen: FIRST_COMPLETED });
    })();
    for (let generation = 0; generation < 3; generation++) {
      await time.tick(GENERATION_MS);
      for (let i = 0; i < 64; i++) await shield(Promise.resolve(i));
    }
  }
  for (let round = 0; round < 20 && ref!.deref() !== undefined; round++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
  }
  assert.equal(ref!.deref(), undefined);
});

Deno.test("Task observers: one alone costs no list, and every handle removes its own in any order", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.boolean(), fc.nat()), { maxLength: 30 }),
      (steps) => {
        const future = tasks.future<number>(undefined, { name: "observed" });
        const told: number[] = [];
        const live = new Map<number, Observation | undefined>();
        let next = 0;
        for (const [add, pick] of steps) {
          if (add || live.size === 0) {
            const id = next++;
            live.set(id, tasks.observe(future, () => told.push(id)));
          } else {
            const id = [...live.keys()][pick % live.size]!;
            tasks.unobserve(future, live.get(id));
            // Removing twice changes nothing.
            tasks.unobserve(future, live.get(id));
            live.delete(id);
          }
          assert.equal(tasks.observerCount(future), live.size);
        }
        tasks.fulfil(future, 1);
        assert.deepEqual(told, [...live.keys()]);
        assert.equal(tasks.observerCount(future), 0);
      },
    ),
  );
});

Deno.test("Thenables hold a pending promise weakly once every call that waited on it settled", async () => {
  const gc = requireGc();
  const refs: WeakRef<object>[] = [];
  const gate = deferred<void>();
  const pending = () => {
    const promise = new Promise<never>(() => {});
    refs.push(new WeakRef(promise));
    return promise;
  };
  await (async () => {
    const shared = pending();
    await wait([shared, pending()], { timeout: 1 });
    await wait([shared, Promise.resolve(1)], { returnWhen: FIRST_COMPLETED });
    await wait([pending()], { signal: AbortSignal.abort() }).catch(() => {});
    await waitFor(pending(), 1).catch(() => {});
    await waitFor(pending(), 0).catch(() => {});
    for await (const _ of asCompleted([pending(), Promise.resolve(1)])) break;
    await asCompleted([pending()], { signal: AbortSignal.abort() })[Symbol.asyncIterator]().next()
      .catch(() => {});
    await asCompleted([pending()], { timeout: 1 })[Symbol.asyncIterator]().next().catch(() => {});
    const outer = shield(pending());
    outer.cancel();
    await outer.catch(() => {});
    await shield(pending(), { signal: AbortSignal.abort() }).catch(() => {});
    // A gather that fails or is cancelled stops watching the future a waiting call made.
    const gathered = pending();
    const making = wait([gathered], { timeout: 1 });
    const cancelled = gather([gathered]);
    cancelled.cancel();
    await cancelled.catch(() => {});
    await gather([gathered, Promise.reject(new Error("fails the gather"))]).catch(() => {});
    const failedTask = createTask(() => {
      throw new Error("failed before the gather began");
    });
    await failedTask.catch(() => {});
    await gather([failedTask, gathered]).catch(() => {});
    await making;
    // One still watched by a call keeps its future: the next call shares it.
    const watched = wait([shared, gate.promise], { returnWhen: FIRST_COMPLETED });
    await flush();
    gate.resolve();
    await watched;
  })();
  for (let round = 0; round < 20 && refs.some((ref) => ref.deref() !== undefined); round++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
  }
  assert.deepEqual(refs.map((ref) => ref.deref() === undefined), refs.map(() => true));
});
