// Copyright 2026 the @aio/tasks authors. MIT license.
// The result types of gather(), wait() and asCompleted(). Each `assertType<IsExact<…>>()` line
// fails `deno check` (and so the test run) when an inferred type drifts; the runtime checks
// below make sure the values match what the types claim.
import assert from "node:assert/strict";
import {
  asCompleted,
  type AsCompletedMember,
  type AwaitableValue,
  createTask,
  gather,
  type GatherResults,
  type GatherResultsWithExceptions,
  type Task,
  wait,
} from "../mod.ts";

/** `true` when `A` and `B` are the same type (not merely assignable to each other). */
type IsExact<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;

/** Compiles only when called with `true`. */
function assertType<T extends true>(_proof?: T): void {}

Deno.test("gather() types a mixed tuple from its members", async () => {
  const task = createTask(() => Promise.resolve(true));
  const all = gather([
    () => 1,
    Promise.resolve("a"),
    task,
    (_signal: AbortSignal) => Promise.resolve(5n),
  ]);
  assertType<IsExact<typeof all, Task<[number, string, boolean, bigint]>>>();
  assert.deepEqual(await all, [1, "a", true, 5n]);
});

Deno.test("gather() types the example of the contract as Task<[number, string]>", async () => {
  const all = gather([() => 1, Promise.resolve("a")]);
  assertType<IsExact<typeof all, Task<[number, string]>>>();
  assert.deepEqual(await all, [1, "a"]);
});

Deno.test("gather() types a readonly tuple like a tuple", async () => {
  const members = [() => "x", Promise.resolve(null)] as const;
  const all = gather(members);
  assertType<IsExact<typeof all, Task<[string, null]>>>();
  assert.deepEqual(await all, ["x", null]);
});

Deno.test("gather() types an array as an array", async () => {
  const fns: (() => Promise<number>)[] = [() => Promise.resolve(1), () => Promise.resolve(2)];
  const all = gather(fns);
  assertType<IsExact<typeof all, Task<number[]>>>();
  const mixed: (Task<number> | Promise<string>)[] = [createTask(() => 1), Promise.resolve("s")];
  const both = gather(mixed);
  assertType<IsExact<typeof both, Task<(number | string)[]>>>();
  assert.deepEqual(await all, [1, 2]);
  assert.deepEqual(await both, [1, "s"]);
});

Deno.test("gather() types any other iterable as an array", async () => {
  function* members() {
    yield createTask(() => "t");
    yield Promise.resolve("p");
  }
  const all = gather(members());
  assertType<IsExact<typeof all, Task<string[]>>>();
  const fromSet = gather(new Set([createTask(() => 1)]));
  assertType<IsExact<typeof fromSet, Task<number[]>>>();
  assert.deepEqual(await all, ["t", "p"]);
  assert.deepEqual(await fromSet, [1]);
});

Deno.test("gather() types the empty tuple", async () => {
  const all = gather([]);
  assertType<IsExact<typeof all, Task<[]>>>();
  assert.deepEqual(await all, []);
});

Deno.test("gather() with returnExceptions types every place unknown, keeping the length", async () => {
  // A member can throw anything, and what it throws takes its place as it is.
  const all = gather([() => 1, Promise.resolve("a")], { returnExceptions: true });
  assertType<IsExact<typeof all, Task<[unknown, unknown]>>>();
  assertType<
    IsExact<typeof all, Task<GatherResultsWithExceptions<[() => number, Promise<string>]>>>
  >();
  const fns: (() => number)[] = [() => 1];
  const array = gather(fns, { returnExceptions: true });
  assertType<IsExact<typeof array, Task<unknown[]>>>();
  const off = gather([() => 1], { returnExceptions: false });
  assertType<IsExact<typeof off, Task<[number]>>>();
  const maybe: boolean = fns.length > 5;
  const either = gather([() => 1], { returnExceptions: maybe });
  assertType<IsExact<typeof either, Task<[unknown]>>>();
  const iterable = gather(new Set([createTask(() => 1)]), { returnExceptions: true });
  assertType<IsExact<typeof iterable, Task<unknown[]>>>();
  assert.deepEqual(await all, [1, "a"]);
  assert.deepEqual(await array, [1]);
  assert.deepEqual(await off, [1]);
  assert.deepEqual(await either, [1]);
  assert.deepEqual(await iterable, [1]);
});

Deno.test("gather() with returnExceptions gives non-Error throwables as they are, narrowed by the caller", async () => {
  const thrown = { code: 42 };
  const [value, error, string, nothing] = await gather([
    () => 1,
    () => Promise.reject(new RangeError("bad")),
    (): number => {
      throw "a string";
    },
    () => Promise.reject(undefined),
  ], { returnExceptions: true });
  // Narrowing: a type check for values, instanceof Error for failures.
  if (typeof value !== "number") throw new Error("expected a number");
  assertType<IsExact<typeof value, number>>();
  assert.equal(value + 1, 2);
  if (!(error instanceof Error)) throw new Error("expected an Error");
  assertType<IsExact<typeof error, Error>>();
  assert.equal(error.message, "bad");
  assert.equal(string, "a string");
  assert.equal(nothing, undefined);
  const [object] = await gather([() => Promise.reject(thrown)], { returnExceptions: true });
  assert.equal(object, thrown);
});

Deno.test("gather() with options.signal keeps the plain result types", async () => {
  const all = gather([() => 1], { signal: new AbortController().signal });
  assertType<IsExact<typeof all, Task<[number]>>>();
  assert.deepEqual(await all, [1]);
});

Deno.test("gather() refuses members that are not awaitable at compile time", async () => {
  // @ts-expect-error: a number is not awaitable
  assert.throws(() => gather([1]), TypeError);
  // @ts-expect-error: a task function takes a signal, not a number
  await gather([(n: number) => n]).catch(() => {});
});

Deno.test("wait() returns sets of the members' own type", async () => {
  const task = createTask(() => 1);
  const [done, pending] = await wait([task]);
  assertType<IsExact<typeof done, Set<Task<number>>>>();
  assertType<IsExact<typeof pending, Set<Task<number>>>>();
  const promise = Promise.resolve("p");
  const mixed = await wait([task, promise]);
  assertType<
    IsExact<
      typeof mixed,
      [done: Set<Task<number> | Promise<string>>, pending: Set<Task<number> | Promise<string>>]
    >
  >();
  // @ts-expect-error: task functions must be wrapped with createTask()
  assert.throws(() => wait([() => 1]), TypeError);
  assert.deepEqual([...done], [task]);
  assert.equal(mixed[0].size, 2);
});

Deno.test("asCompleted() yields tasks for functions and the members themselves otherwise", async () => {
  const task = createTask(() => true);
  const promise = Promise.resolve("p");
  const iterable = asCompleted([() => 1, task, promise]);
  const seen: (Task<number> | Task<boolean> | Promise<string>)[] = [];
  for await (const member of iterable) {
    assertType<IsExact<typeof member, Task<number> | Task<boolean> | Promise<string>>>();
    seen.push(member);
  }
  for (const next of asCompleted([() => 1, promise])) {
    assertType<IsExact<typeof next, Promise<number | string>>>();
    await next;
  }
  assert.equal(seen.length, 3);
});

Deno.test("asCompleted() types the loop variable as the member in every loop over the same type", async () => {
  const a = createTask(() => "a");
  const b = createTask(() => "b");
  const seen: Task<string>[] = [];
  for await (const task of asCompleted([a, b])) {
    assertType<IsExact<typeof task, Task<string>>>();
    seen.push(task);
  }
  for await (const task of asCompleted([b, a])) {
    assertType<IsExact<typeof task, Task<string>>>();
    seen.push(task);
  }
  const iterable = asCompleted([a]);
  for await (const task of iterable) assertType<IsExact<typeof task, Task<string>>>();
  for await (const task of iterable) assertType<IsExact<typeof task, Task<string>>>();
  assert.equal(seen.length, 4);
  assert.ok(seen.every((t) => t === a || t === b));
});

Deno.test("AwaitableValue, GatherResults and AsCompletedMember map each kind of awaitable", () => {
  assertType<IsExact<AwaitableValue<() => Promise<number>>, number>>();
  assertType<IsExact<AwaitableValue<(signal: AbortSignal) => string>, string>>();
  assertType<IsExact<AwaitableValue<Task<Date>>, Date>>();
  assertType<IsExact<AwaitableValue<PromiseLike<boolean>>, boolean>>();
  assertType<IsExact<GatherResults<[() => 1, Promise<"a">]>, [1, "a"]>>();
  assertType<IsExact<GatherResultsWithExceptions<[Task<number>]>, [unknown]>>();
  assertType<IsExact<AsCompletedMember<() => Promise<string>>, Task<string>>>();
  assertType<IsExact<AsCompletedMember<Promise<string>>, Promise<string>>>();
  // A mismatch is caught: this line would not compile without the directive.
  // @ts-expect-error: number is not string
  assertType<IsExact<AwaitableValue<Task<number>>, string>>();
  assert.ok(true);
});

Deno.test("gather() types any iterable of mixed members as an array of their values", async () => {
  const set = new Set([createTask(() => 1), Promise.resolve("a")]);
  const all = gather(set);
  assertType<IsExact<typeof all, Task<(number | string)[]>>>();
  assert.deepEqual(await all, [1, "a"]);
  const fns = gather(new Set([() => 1, () => "a"]));
  assertType<IsExact<typeof fns, Task<(number | string)[]>>>();
  assert.deepEqual(await fns, [1, "a"]);
  function* members() {
    yield createTask(() => 1);
    yield Promise.resolve("a");
  }
  const generated = gather(members());
  assertType<IsExact<typeof generated, Task<(number | string)[]>>>();
  assert.deepEqual(await generated, [1, "a"]);
  const withErrors = gather(set, { returnExceptions: true });
  assertType<IsExact<typeof withErrors, Task<unknown[]>>>();
  // One kind of member, and an explicit type argument, type as before.
  const same = gather(new Set([createTask(() => 1), createTask(() => 2)]));
  assertType<IsExact<typeof same, Task<number[]>>>();
  const explicit = gather<number>(new Set([Promise.resolve(1)]));
  assertType<IsExact<typeof explicit, Task<number[]>>>();
  assert.deepEqual([await same, await explicit], [[1, 2], [1]]);
});

Deno.test("options accept undefined for each property, as under exactOptionalPropertyTypes", async () => {
  const maybe = (): AbortSignal | undefined => undefined;
  const all = gather([() => 1], { signal: maybe(), limit: undefined, returnExceptions: undefined });
  assertType<IsExact<typeof all, Task<[number]>>>();
  assert.deepEqual(await all, [1]);
  const [done] = await wait([createTask(() => 1)], {
    signal: maybe(),
    timeout: undefined,
    returnWhen: undefined,
  });
  assert.equal(done.size, 1);
});
