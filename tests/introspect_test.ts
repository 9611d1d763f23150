// Copyright 2026 the @aio/tasks authors. MIT license.
import assert from "node:assert/strict";
import {
  asCompleted,
  CancelledError,
  captureTaskTree,
  createTask,
  disableTaskTracking,
  enableTaskTracking,
  formatTaskTree,
  gather,
  shield,
  sleep,
  type Task,
  type TaskGroup,
  taskGroup,
  taskTrackingEnabled,
  type TaskTree,
  type TaskTreeNode,
  timeout,
  waitFor,
} from "../mod.ts";
import { check, size } from "../_tracking.ts";
import { deferred, fakeTime, flush } from "./_fixtures.ts";
import { revokedProxy } from "./_hostile.ts";

/** Runs `fn` with tracking on; turns it off afterwards, also when `fn` fails. */
async function tracked(fn: () => Promise<void>): Promise<void> {
  enableTaskTracking();
  try {
    await fn();
    check();
  } finally {
    disableTaskTracking();
  }
}

/** One timer turn of real time: every microtask queued before it has run. */
function turn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

// The numbers of `Task-<n>` depend on what ran before; the tree's shape does not.
function numbered(tree: TaskTree): TaskTree {
  return JSON.parse(JSON.stringify(tree).replace(/"Task-\d+"/g, '"Task-n"'));
}

function task(name: string, state: string, age: number, children: TaskTreeNode[] = []) {
  return { kind: "task", name, state, age, children } as TaskTreeNode;
}

Deno.test("captureTaskTree() shows group with a limit → gather → shield → timeout, node by node", async () => {
  using time = fakeTime();
  await tracked(async () => {
    const release = deferred();
    const stop = new AbortController();
    const group = taskGroup((tg) => {
      tg.createTask((signal) =>
        gather([
          (member) =>
            shield((inner) =>
              timeout(60_000, (scope) =>
                createTask(() =>
                  release.promise, { name: "leaf", signal: scope.signal }), {
                signal: inner,
              }), { signal: member }),
          () =>
            release.promise,
        ], { signal, limit: 1 }), { name: "worker" });
      tg.createTask(() => release.promise, { name: "queued" });
    }, { name: "outer", limit: 1, signal: stop.signal });
    await flush();
    await time.tick(100);

    const scope = (state: string, remaining: number, leaf: string) => ({
      kind: "timeout",
      name: "",
      state,
      age: 100 + 59_900 - remaining,
      remaining,
      children: [task("leaf", leaf, 100 + 59_900 - remaining)],
    } as TaskTreeNode);
    const inner = task("Task-n", "running", 100, [scope("running", 59_900, "running")]);
    assert.deepEqual(numbered(captureTaskTree()), {
      tracking: true,
      roots: [{
        kind: "group",
        name: "outer",
        state: "running",
        age: 100,
        limit: 1,
        running: 1,
        waiting: 1,
        children: [
          task("worker", "running", 100, [{
            kind: "gather",
            name: "Task-n",
            state: "running",
            age: 100,
            limit: 1,
            running: 1,
            waiting: 1,
            children: [{
              kind: "function",
              name: "aws[0]",
              state: "running",
              age: 100,
              children: [{
                kind: "shield",
                name: "Task-n",
                state: "running",
                age: 100,
                children: [inner],
              }],
            }],
          }]),
          task("queued", "waiting", 100),
        ],
      }],
    });
    assert.equal(
      formatTaskTree().replace(/"Task-\d+"/g, '"Task-n"'),
      [
        'group "outer" (1 of 2 running, limit 1, 100 ms)',
        '├─ task "worker" running 100 ms',
        '│  └─ gather "Task-n" (1 of 2 running, limit 1, 100 ms)',
        '│     └─ function "aws[0]" running 100 ms',
        '│        └─ shield "Task-n" running 100 ms',
        '│           └─ task "Task-n" running 100 ms',
        "│              └─ timeout (59.9 s left, 100 ms)",
        '│                 └─ task "leaf" running 100 ms',
        '└─ task "queued" waiting 100 ms',
      ].join("\n"),
    );

    // The deadline passes: the scope and its task are cancelling, but the task ignores it.
    await time.tick(59_900);
    const expired = scope("cancelling", 0, "cancelling");
    const [outer] = numbered(captureTaskTree()).roots;
    assert.deepEqual(outer?.children[0]?.children[0]?.children[0]?.children[0]?.children[0], {
      ...inner,
      age: 60_000,
      children: [expired],
    });

    // The group is cancelled: the shield lets go at once, and the shielded work, still
    // running, is a root until it ends.
    stop.abort();
    await assert.rejects(group, (error) => error === stop.signal.reason);
    assert.deepEqual(numbered(captureTaskTree()).roots, [{
      ...inner,
      age: 60_000,
      children: [expired],
    }]);
    release.resolve();
    await time.tick(0);
    await flush();
    assert.deepEqual(captureTaskTree(), { tracking: true, roots: [] });
    assert.equal(formatTaskTree(), "Nothing is pending");
  });
});

Deno.test("captureTaskTree() shows a group shutting down and its stubborn task as cancelling", async () => {
  await tracked(async () => {
    const release = deferred();
    let tg: TaskGroup | undefined;
    const group = taskGroup((g) => {
      tg = g;
      g.createTask(() => release.promise, { name: "stubborn" });
      g.createTask(() => release.promise, { name: "never started" });
    }, { name: "closing", limit: 1 });
    await flush();
    tg!.cancel();
    const [root] = captureTaskTree().roots;
    assert.equal(root?.state, "cancelling");
    assert.deepEqual(root?.children.map((t) => `${t.name}: ${t.state}`), ["stubborn: cancelling"]);
    assert.deepEqual([root?.running, root?.waiting], [1, 0]);
    assert.match(
      formatTaskTree(),
      /^group "closing" cancelling \(1 of 1 running, limit 1, \d+ ms\)\n/,
    );
    release.resolve();
    await group;
    assert.deepEqual(captureTaskTree().roots, []);
  });
});

Deno.test("captureTaskTree() places work by owner, then by the signal it was given, then by what waits for it", async () => {
  await tracked(async () => {
    const release = deferred();
    const mine = new AbortController();
    const given = createTask(() => release.promise, { name: "given" });
    const linkedToMine = createTask(() => release.promise, { name: "mine", signal: mine.signal });
    const parent = createTask((signal) => {
      createTask(() => release.promise, { name: "child", signal });
      return release.promise;
    }, { name: "parent" });
    const first = createTask(() => release.promise, { name: "first" });
    // Linked to a task that had not started: it has by the time of the capture.
    const early = createTask(() => release.promise, { name: "early", signal: first.signal });
    const all = gather([given, release.promise, () => release.promise], { signal: mine.signal });
    const waited = createTask(() => release.promise, { name: "waited" });
    const wait = waitFor(waited, null);
    const completions = asCompleted([() => release.promise]);
    // A task that has a place keeps it: what waits for it does not take it.
    let grouped: Task<unknown> | undefined;
    const group = taskGroup((tg) => {
      grouped = tg.createTask(() => release.promise, { name: "grouped" });
    }, { name: "group" });
    const watching = waitFor(grouped!, null);
    await flush();
    const tree = numbered(captureTaskTree());
    const show = (node: TaskTreeNode): string =>
      `${node.kind} ${node.name}` +
      (node.children.length > 0 ? ` [${node.children.map(show).join(", ")}]` : "");
    assert.deepEqual(tree.roots.map(show), [
      "task mine",
      "task parent [task child]",
      "task first [task early]",
      "gather Task-n [task given, function aws[2]]",
      "waitFor  [task waited]",
      "task Task-n",
      "group group [task grouped]",
      "waitFor ",
    ]);
    const [gathered] = tree.roots.filter((node) => node.kind === "gather");
    assert.deepEqual([gathered?.running, gathered?.waiting, gathered?.limit], [1, 0, null]);
    release.resolve();
    await Promise.all([given, linkedToMine, parent, first, early, all, wait, group, watching]);
    for await (const member of completions) await member;
    await flush();
    assert.deepEqual(captureTaskTree().roots, []);
  });
});

Deno.test("captureTaskTree() places a gather or a shield under the gather, shield or waitFor that waits for it", async () => {
  await tracked(async () => {
    const release = deferred();
    const save = createTask(() => release.promise, { name: "save" });
    const guarded = shield(save);
    guarded.name = "guard";
    const wait = waitFor(guarded, null);
    const inner = gather([() => release.promise]);
    inner.name = "inner";
    const innerShield = shield(release.promise);
    innerShield.name = "inner shield";
    const outer = gather([inner, innerShield]);
    outer.name = "outer";
    const twice = shield(gather([() => release.promise]));
    twice.name = "twice";
    await flush();
    const show = (node: TaskTreeNode): string =>
      `${node.kind} ${node.name}` +
      (node.children.length > 0 ? ` [${node.children.map(show).join(", ")}]` : "");
    assert.deepEqual(numbered(captureTaskTree()).roots.map(show), [
      "waitFor  [shield guard [task save]]",
      "gather outer [gather inner [function aws[0]], shield inner shield]",
      "shield twice [gather Task-n [function aws[0]]]",
    ]);
    release.resolve();
    await Promise.all([wait, outer, twice]);
    await flush();
    assert.deepEqual(captureTaskTree().roots, []);
  });
});

Deno.test("captureTaskTree() shows the members of a gather that failed as roots while they run", async () => {
  await tracked(async () => {
    const release = deferred();
    const all = gather([() => release.promise, () => Promise.reject(new Error("boom"))]);
    await assert.rejects(all, { message: "boom" });
    assert.deepEqual(numbered(captureTaskTree()).roots.map((node) => node.name), ["aws[0]"]);
    release.resolve();
    await flush();
    assert.deepEqual(captureTaskTree().roots, []);
  });
});

Deno.test("captureTaskTree() counts a gather's function members not yet started as waiting, none once cancelled", async () => {
  await tracked(async () => {
    const release = deferred();
    const fn = () => release.promise;
    const all = gather([fn, () => release.promise, fn, () => release.promise], { limit: 2 });
    await flush();
    const [node] = captureTaskTree().roots;
    // `fn` given twice runs once: three distinct functions, two running.
    assert.deepEqual([node?.running, node?.waiting, node?.children.length], [2, 1, 2]);
    all.cancel();
    const [cancelling] = captureTaskTree().roots;
    assert.deepEqual([cancelling?.state, cancelling?.running, cancelling?.waiting], [
      "cancelling",
      2,
      0,
    ]);
    release.resolve();
    await all.catch(() => {});
    assert.deepEqual(captureTaskTree().roots, []);
  });
});

Deno.test("captureTaskTree() cuts the cycle of a task that waits for itself through a shield", async () => {
  await tracked(async () => {
    let self: Task<void> | undefined = undefined;
    self = createTask(async (signal) => {
      await shield(self!, { signal });
    }, { name: "self" });
    await flush();
    const tree = numbered(captureTaskTree());
    const age = tree.roots[0]?.age ?? -1;
    const shieldAge = tree.roots[0]?.children[0]?.age ?? -1;
    const shielded = { kind: "shield", name: "Task-n", state: "running", age: shieldAge };
    assert.deepEqual(tree.roots, [
      task("self", "running", age, [{ ...shielded, children: [] } as TaskTreeNode]),
    ]);
    self.cancel();
    await assert.rejects(self, CancelledError);
    assert.deepEqual(captureTaskTree().roots, []);
  });
});

Deno.test("captureTaskTree() shows a waitFor and a timeout scope with the time left, or none", async () => {
  using time = fakeTime();
  await tracked(async () => {
    const release = deferred();
    const limited = waitFor(() => release.promise, 5_000);
    const open = timeout(null, () => release.promise);
    await time.tick(1_000);
    assert.deepEqual(
      numbered(captureTaskTree()).roots.map(({ kind, remaining, state }) => ({
        kind,
        remaining,
        state,
      })),
      [
        { kind: "waitFor", remaining: 4_000, state: "running" },
        { kind: "timeout", remaining: null, state: "running" },
      ],
    );
    assert.equal(
      formatTaskTree().replace(/"Task-\d+"/g, '"Task-n"'),
      [
        "waitFor (4.0 s left, 1.0 s)",
        '└─ task "Task-n" running 1.0 s',
        "timeout (no deadline, 1.0 s)",
      ].join("\n"),
    );
    // The time limit passes: the task is cancelled, and waited for while it ignores that.
    await time.tick(4_000);
    const [wait] = captureTaskTree().roots;
    assert.deepEqual([wait?.state, wait?.remaining, wait?.children[0]?.state], [
      "cancelling",
      0,
      "cancelling",
    ]);
    release.resolve();
    assert.equal(await limited, undefined);
    assert.equal(await open, undefined);
    assert.deepEqual(captureTaskTree().roots, []);
  });
});

// Every kind of tracked work leaves the registry when it settles.
{
  const cases: [string, (pending: Promise<void>) => PromiseLike<unknown>][] = [
    ["a task", (pending) => createTask(() => pending)],
    ["a group and its tasks", (pending) =>
      taskGroup((tg) => {
        tg.createTask(() => pending);
        tg.createTask(() => pending);
      }, { limit: 1 })],
    [
      "a gather, its tasks and a task given",
      (pending) =>
        gather([() => pending, createTask(() => pending), pending, () => pending], { limit: 1 }),
    ],
    ["a shield and its inner task", (pending) => shield(() => pending)],
    ["a waitFor and its task", (pending) => waitFor(() => pending, 60_000)],
    ["a timeout scope", (pending) => timeout(60_000, () => pending)],
    [
      "the members of a gather that failed",
      (pending) =>
        gather([() => pending, () => Promise.reject(new Error("x"))]).catch(() => pending),
    ],
  ];
  for (const [name, make] of cases) {
    Deno.test(`enableTaskTracking() records ${name} until settled, then nothing`, async () => {
      await tracked(async () => {
        const release = deferred();
        const work = make(release.promise);
        await flush();
        assert.ok(size() > 0, "nothing was tracked");
        check();
        release.resolve();
        await work;
        await flush();
        assert.equal(size(), 0);
      });
    });
  }
}

Deno.test("disableTaskTracking() forgets everything, and nothing is recorded while tracking is off", async () => {
  const release = deferred();
  disableTaskTracking();
  assert.equal(taskTrackingEnabled(), false);
  const before = createTask(() => release.promise);
  const group = taskGroup((tg) => {
    tg.createTask(() => release.promise);
  });
  assert.equal(size(), 0);
  assert.deepEqual(captureTaskTree(), { tracking: false, roots: [] });
  assert.equal(
    formatTaskTree(),
    "Task tracking is off: nothing was recorded (turn it on with enableTaskTracking())",
  );

  enableTaskTracking();
  enableTaskTracking();
  assert.equal(taskTrackingEnabled(), true);
  const during = createTask(() => release.promise, { name: "during" });
  // Work made before is unknown; what it makes now appears as a root.
  assert.deepEqual(captureTaskTree().roots.map((node) => node.name), ["during"]);
  disableTaskTracking();
  assert.equal(size(), 0);
  check();
  release.resolve();
  await Promise.all([before, group, during]);
  assert.equal(size(), 0);
});

Deno.test("captureTaskTree() is plain data: JSON gives it back equal, and formats the same", async () => {
  await tracked(async () => {
    const release = deferred();
    const group = taskGroup((tg) => {
      tg.createTask(() => release.promise, { name: "a" });
      tg.createTask((signal) => timeout(60_000, () => release.promise, { signal }));
    }, { limit: 1 });
    await flush();
    const tree = captureTaskTree();
    const copy = JSON.parse(JSON.stringify(tree));
    assert.deepEqual(copy, tree);
    assert.equal(formatTaskTree(copy), formatTaskTree(tree));
    release.resolve();
    await group;
  });
});

Deno.test("formatTaskTree() keeps one line per node whatever the names hold", async () => {
  await tracked(async () => {
    const release = deferred();
    const names = [
      'line\n├─ task "fake" running 1 ms',
      '"quoted" \\ and \u0000 \u001b[31mred',
      "\ud800 lone surrogate",
      "",
      "x".repeat(10_000),
      "ünïcødé 🎉",
      "line\u2028separator\u2029paragraph",
    ];
    const tasks = names.map((name) => createTask(() => release.promise, { name }));
    const group = taskGroup((tg) => {
      tg.createTask(() => release.promise, { name: "\n" });
    }, { name: "group\nname" });
    await flush();
    const lines = formatTaskTree().split("\n");
    assert.equal(lines.length, names.length + 2);
    assert.match(lines[0]!, /^task "line\\n├─ task \\"fake\\" running 1 ms" running \d+ ms$/);
    assert.ok(lines.every((line) => line.length < 300), "a long name is cut");
    assert.match(lines[4]!, /^task "xxxx+…" running \d+ ms$/);
    assert.match(lines[3]!, /^task "" running \d+ ms$/);
    assert.match(lines[6]!, /^task "line\\u2028separator\\u2029paragraph" running \d+ ms$/);
    assert.equal(/[\u2028\u2029]/.test(lines.join("\n")), false, "no raw line separator");
    assert.match(lines[names.length]!, /^group "group\\nname" \(1 of 1 running, \d+ ms\)$/);
    assert.equal(captureTaskTree().roots[4]?.name, "x".repeat(10_000));
    release.resolve();
    await Promise.all([...tasks, group]);
  });
});

Deno.test("formatTaskTree() sums up children beyond maxChildren, and checks its arguments", () => {
  const tree: TaskTree = {
    tracking: true,
    roots: [{
      kind: "group",
      name: "big",
      state: "running",
      age: 61_500,
      limit: 2,
      running: 2,
      waiting: 3,
      children: ["a", "b", "c", "d", "e"].map((name, i) =>
        task(name, i < 2 ? "running" : "waiting", 3_600_000 + 90_000 * i)
      ),
    }],
  };
  assert.equal(
    formatTaskTree(tree, { maxChildren: 3 }),
    [
      'group "big" (2 of 5 running, limit 2, 1 min 2 s)',
      '├─ task "a" running 1 h 0 min',
      '├─ task "b" running 1 h 1 min',
      '├─ task "c" waiting 1 h 3 min',
      "└─ … 2 more (2 waiting)",
    ].join("\n"),
  );
  assert.equal(formatTaskTree(tree, { maxChildren: Infinity }).split("\n").length, 6);
  assert.equal(formatTaskTree({ tracking: true, roots: [] }), "Nothing is pending");
  assert.throws(() => formatTaskTree(tree, { maxChildren: 0 }), {
    name: "RangeError",
    message:
      "Cannot format task tree as 'maxChildren' must be a positive integer: current value is 0",
  });
  assert.throws(() => formatTaskTree(null as unknown as TaskTree), {
    name: "TypeError",
    message: "Cannot format task tree as 'tree' must be a snapshot: current value is null",
  });
  // A snapshot made by hand with odd values, or a cycle, still gives text.
  const odd = { kind: 7, name: 8, state: null, age: NaN, children: undefined };
  const cyclic = task("loop", "running", 1);
  cyclic.children.push(cyclic);
  const text = formatTaskTree({
    tracking: true,
    roots: [odd as unknown as TaskTreeNode, cyclic],
  });
  assert.equal(text, '7 8 null 0 ms\ntask "loop" running 1 ms');
});

Deno.test("formatTaskTree() marks the nodes it cannot read, and throws only when the tree is no object", () => {
  const throwing = Object.defineProperty(task("x", "running", 1), "name", {
    get() {
      throw new Error("name getter");
    },
  });
  const badIndex = Object.defineProperty([task("kept", "running", 2)], 1, {
    get() {
      throw new Error("index getter");
    },
  });
  const parsed = JSON.parse(
    '{"tracking":true,"roots":[null,{"kind":"task","name":"a","state":"running","age":1,"children":[null]}]}',
  );
  assert.equal(
    formatTaskTree(parsed),
    '[not a node: null]\ntask "a" running 1 ms\n└─ [not a node: null]',
  );
  const roots = [
    5,
    revokedProxy(),
    throwing,
    task("parent", "running", 3, badIndex as unknown as TaskTreeNode[]),
    task("proxied", "running", 4, revokedProxy() as unknown as TaskTreeNode[]),
  ];
  assert.equal(
    formatTaskTree({ tracking: true, roots: roots as unknown as TaskTreeNode[] }),
    [
      "[not a node: 5]",
      "[a node that cannot be read]",
      "[a node that cannot be read]",
      'task "parent" running 3 ms',
      '├─ task "kept" running 2 ms',
      "└─ [a node that cannot be read]",
      'task "proxied" running 4 ms',
      "└─ [children that cannot be read]",
    ].join("\n"),
  );
  const hidden = task(
    "many",
    "running",
    1,
    [null, null, revokedProxy()] as unknown as TaskTreeNode[],
  );
  assert.equal(
    formatTaskTree({ tracking: true, roots: [hidden] }, { maxChildren: 1 }),
    'task "many" running 1 ms\n├─ [not a node: null]\n└─ … 2 more (2 undefined)',
  );
  const unreadable = "[a snapshot that cannot be read]";
  assert.equal(formatTaskTree(revokedProxy() as TaskTree), unreadable);
  assert.equal(
    formatTaskTree({ tracking: true, roots: revokedProxy() } as unknown as TaskTree),
    unreadable,
  );
});

Deno.test("formatTaskTree() keeps one line per node whatever the kinds and states hold", () => {
  const odd = task("n", "run\u2028ning", 1);
  (odd as { kind: string }).kind = "ta\nsk";
  assert.equal(
    formatTaskTree({ tracking: true, roots: [odd] }),
    '"ta\\nsk" "n" "run\\u2028ning" 1 ms',
  );
});

Deno.test("formatTaskTree() shows an endless age or time left as such", () => {
  const text = formatTaskTree({
    tracking: true,
    roots: [
      task("old", "running", Infinity),
      { kind: "timeout", name: "", state: "running", age: 5, remaining: Infinity, children: [] },
      { kind: "waitFor", name: "", state: "running", age: -Infinity, remaining: 2, children: [] },
    ],
  });
  assert.equal(
    text,
    'task "old" running ∞\ntimeout (no deadline, 5 ms)\nwaitFor (2 ms left, 0 ms)',
  );
});

Deno.test("captureTaskTree() and formatTaskTree() stay linear on a group of 100 000 tasks", async () => {
  await tracked(async () => {
    const fastest = async (n: number): Promise<number> => {
      let tg: TaskGroup | undefined;
      const group = taskGroup((g) => {
        tg = g;
        for (let i = 0; i < n; i++) g.createTask((signal) => sleep(Infinity, { signal }));
      }, { limit: 4 });
      await flush();
      let best = Infinity;
      for (let i = 0; i < 5; i++) {
        const start = performance.now();
        const [root] = captureTaskTree().roots;
        best = Math.min(best, performance.now() - start);
        assert.deepEqual([root?.running, root?.waiting], [4, n - 4]);
      }
      const lines = formatTaskTree().split("\n");
      assert.equal(lines.length, 22);
      assert.equal(lines[21], `└─ … ${n - 20} more (${n - 20} waiting)`);
      tg!.cancel();
      return await group.then(() => best);
    };
    await fastest(1_000);
    const small = await fastest(10_000);
    const large = await fastest(100_000);
    // Linear is about 10× (up to 20× here, as the larger heap costs more); quadratic, 100×.
    assert.ok(large < 50 * Math.max(small, 1), `10 000: ${small} ms, 100 000: ${large} ms`);
  });
});

Deno.test("captureTaskTree() and formatTaskTree() handle 20 000 levels of nesting", async () => {
  await tracked(async () => {
    const release = deferred();
    const depth = 20_000;
    const chain = (level: number) => (signal: AbortSignal): unknown =>
      level === 0
        ? release.promise
        : createTask(chain(level - 1), { signal, name: `${depth - level + 1}` });
    const top = createTask(chain(depth), { name: "top" });
    await turn();
    const tree = captureTaskTree();
    let node = tree.roots[0];
    let levels = 0;
    while (node !== undefined) {
      levels++;
      node = node.children[0];
    }
    assert.equal(levels, depth + 1);
    const lines = formatTaskTree(tree).split("\n");
    assert.equal(lines.length, depth + 1);
    assert.match(lines[64]!, /^ {189}└─ task "64" running/);
    assert.match(lines[depth]!, /^ {192}└─ \[depth 20000\] task "20000" running/);
    release.resolve();
    await top;
  });
});

Deno.test("formatTaskTree() reads at most a million children of a node that claims 2^32 - 1 of them", () => {
  const children = new Proxy([], {
    get: (target, key) => key === "length" ? 2 ** 32 - 1 : Reflect.get(target, key),
  });
  const text = formatTaskTree(
    {
      tracking: true,
      roots: [{ kind: "task", name: "p", state: "pending", age: 1, children }],
    } as never,
  );
  const lines = text.split("\n");
  assert.equal(lines.at(-1), "└─ … 4294967275 more (999980 undefined, 4293967295 not read)");
});
