// Copyright 2026 the @aio/tasks authors. MIT license.
// What a person sees (SPEC §6): a task group's ExceptionGroup, logged or uncaught, shows the
// group's name, the number of errors and each error with the task that raised it, nested groups
// indented; `Task`, `Timeout` and `TaskGroup` show their name and state in console.log. Checked
// with the runtime's own inspection (Deno.inspect and node:util's inspect on Deno, util.inspect
// on Node) and in child processes that log or leave a group uncaught.
import assert from "node:assert/strict";
import { inspect } from "node:util";
import {
  createTask,
  ExceptionGroup,
  sleep,
  type TaskGroup,
  taskGroup,
  type Timeout,
  timeout,
  TimeoutError,
} from "../mod.ts";
import { errorWithThrowingGetter, revokedProxy } from "./_hostile.ts";
import { describeRun, isDeno, library, runProgram } from "./_process.ts";

const MESSAGE = "unhandled errors in a TaskGroup";

/** Each way this runtime inspects a value for a person: Deno.inspect and util.inspect on Deno. */
function inspections(value: unknown): [string, string][] {
  const deno = (globalThis as { Deno?: { inspect?: (value: unknown) => string } }).Deno;
  const ways: [string, string][] = [["util.inspect", inspect(value)]];
  if (isDeno && typeof deno?.inspect === "function") {
    ways.push(["Deno.inspect", deno.inspect(value)]);
  }
  return ways;
}

/** `"name"` as Deno (double quotes) or Node (single quotes) prints a string. */
function quoted(text: string): RegExp {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(["'])${escaped}\\1`);
}

/** A task group "crawl" whose task "fetch-1" fails and whose task "fetch-2" runs a failing group. */
function failingCrawl(): Promise<unknown> {
  return taskGroup((tg) => {
    tg.createTask(async () => {
      await sleep(1);
      throw new TypeError("bad url");
    }, { name: "fetch-1" });
    tg.createTask(() =>
      taskGroup((inner) => {
        inner.createTask(() => {
          throw new SyntaxError("bad json");
        }, { name: "parse" });
      }, { name: "inner" }), { name: "fetch-2" });
    tg.createTask((signal) => sleep(60_000, { signal }), { name: "slow" });
  }, { name: "crawl" });
}

/** The ExceptionGroup `failingCrawl()` rejects with. */
async function crawlError(): Promise<ExceptionGroup> {
  const error = await failingCrawl().catch((e) => e);
  assert.ok(error instanceof ExceptionGroup, `expected an ExceptionGroup: ${error}`);
  return error;
}

Deno.test("ExceptionGroup of a task group keeps its message exactly", async () => {
  const error = await failingCrawl().catch((e) => e);
  assert.ok(error instanceof ExceptionGroup);
  assert.equal(error.message, MESSAGE);
  assert.equal(error.name, "ExceptionGroup");
  assert.equal(String(error), `ExceptionGroup: ${MESSAGE}`);
  assert.equal((error.errors[0] as ExceptionGroup).message, MESSAGE);
});

Deno.test("ExceptionGroup of a task group shows its tree when inspected: name, count, tasks, nesting", async () => {
  const error = await crawlError();
  for (const [way, text] of inspections(error)) {
    const lines = text.split("\n");
    assert.equal(lines[0], `ExceptionGroup: ${MESSAGE} (2 errors in task group "crawl")`, way);
    // In completion order: the inner group failed first, at its first step.
    assert.equal(lines[1], '+-+---------------- 1: task "fetch-2" ----------------', way);
    assert.equal(lines[2], `  | ExceptionGroup: ${MESSAGE} (1 error in task group "inner")`, way);
    assert.equal(lines[3], '  | +-+---------------- 1: task "parse" ----------------', way);
    assert.match(lines[4]!, /^ {2}\| {3}\| SyntaxError: bad json$/, way);
    assert.ok(lines.includes('  +---------------- 2: task "fetch-1" ----------------'), way);
    assert.ok(lines.includes("  | TypeError: bad url"), way);
    // The leaves show where they were thrown.
    assert.match(text, /\| {5}at .*inspect_test\./, way);
    assert.equal(text.includes('"slow"'), false, `${way}: a cancelled task is no error`);
  }
});

Deno.test("ExceptionGroup of a task group labels the body's error as the body's", async () => {
  const error = await taskGroup((tg) => {
    tg.createTask(() => {
      throw new RangeError("from a task");
    }, { name: "worker" });
    return sleep(1).then(() => {
      throw new Error("from the body");
    });
  }, { name: "g" }).catch((e) => e);
  const text = inspect(error);
  assert.match(text, /1: task "worker" -+\n {2}\| RangeError: from a task/);
  assert.match(text, /2: the body -+\n {2}\| Error: from the body/);
});

Deno.test("ExceptionGroup of a task group names the tasks in its first stack frame, for uncaught reports and browsers", async () => {
  const error = await crawlError();
  const stack = error.stack!;
  assert.ok(stack.startsWith(`ExceptionGroup: ${MESSAGE}\n`), stack);
  const first = stack.split("\n")[1]!;
  assert.match(
    first,
    /^ {4}at task group "crawl" failed with 2 errors: \[1\] task "fetch-2": ExceptionGroup \[1 error in task group "inner"\]; \[2\] task "fetch-1": TypeError: bad url \(/,
  );
  const inner = (error.errors[0] as ExceptionGroup).stack!.split("\n")[1]!;
  assert.match(
    inner,
    /^ {4}at task group "inner" failed with 1 error: \[1\] task "parse": SyntaxError: bad json \(/,
  );
});

Deno.test("ExceptionGroup summary frame stays one line without parentheses, and lists at most 15 errors", async () => {
  const error = await taskGroup((tg) => {
    for (let i = 0; i < 20; i++) {
      tg.createTask(() => {
        throw new Error(`line one (${i})\nline two`);
      }, { name: `t${i}` });
    }
  }, { name: "wide (v2)" }).catch((e) => e);
  const first = (error.stack as string).split("\n")[1]!;
  assert.match(first, /^ {4}at task group "wide \[v2\]" failed with 20 errors: /);
  assert.match(first, /: \[1\] task "t0": Error: line one \[0\] line two; /);
  assert.match(first, /\[15\] task "t14": [^;]*; and 5 more \(/);
  assert.equal(first.slice(0, first.lastIndexOf(" (")).includes("("), false, first);
  const text = inspect(error);
  assert.match(text, /15: task "t14"/);
  assert.equal(text.includes('16: task "t15"'), false);
  assert.match(text, /\| and 5 more errors/);
});

Deno.test("ExceptionGroup summary frame escapes line separators and cuts long names", async () => {
  const error = await taskGroup((tg) => {
    tg.createTask(() => {
      throw new Error("one\u2028two\u2029three");
    }, { name: "task\u2028name" });
    tg.createTask(() => {
      throw new Error("long");
    }, { name: "t".repeat(1_000_000) });
  }, { name: "g\u2029" + "x".repeat(10_000_000) }).catch((e) => e);
  const stack = error.stack as string;
  assert.ok(stack.length < 5_000, `${stack.length} characters`);
  assert.equal(/[\u2028\u2029]/.test(stack), false, "no raw line separator");
  const first = stack.split("\n")[1]!;
  assert.match(first, /^ {4}at task group "g\\u2029x{198}…" failed with 2 errors: /);
  assert.match(first, /\[1\] task "task\\u2028name": Error: one two three; /);
  assert.match(first, /\[2\] task "t{200}…": Error: long \(/);
  for (const [way, text] of inspections(error)) {
    assert.equal(/[\u2028\u2029]/.test(text.split("\n")[0]!), false, way);
    assert.match(text, /1: task "task\\u2028name" -+\n/, way);
    assert.ok(text.length < 10_000, `${way}: ${text.length} characters`);
  }
});

Deno.test("ExceptionGroup split() and subgroup() keep the task labels of what they keep", async () => {
  const error = await taskGroup((tg) => {
    tg.createTask(() => {
      throw new TypeError("a");
    }, { name: "a" });
    tg.createTask(() => {
      throw new RangeError("b");
    }, { name: "b" });
  }, { name: "pair" }).catch((e) => e) as ExceptionGroup;
  const [types, rest] = error.split(TypeError);
  assert.match(
    inspect(types),
    /^ExceptionGroup: .* \(1 error in task group "pair"\)\n.*1: task "a"/,
  );
  assert.match(inspect(rest), /1: task "b" -+\n {2}\| RangeError: b/);
  assert.match(inspect(error.subgroup(RangeError)), /1: task "b"/);
});

Deno.test("ExceptionGroup made by hand shows its count and nesting, without task labels", () => {
  const eg = new ExceptionGroup("failures", [
    new TypeError("a"),
    new ExceptionGroup("inner", [new RangeError("b")]),
    "a string",
    { code: 42 },
  ]);
  for (const [way, text] of inspections(eg)) {
    const lines = text.split("\n");
    assert.equal(lines[0], "ExceptionGroup: failures (4 errors)", way);
    assert.equal(lines[1], "+-+---------------- 1 ----------------", way);
    assert.ok(lines.includes("  | ExceptionGroup: inner (1 error)"), way);
    assert.ok(lines.includes("  | +-+---------------- 1 ----------------"), way);
    assert.match(text, /4 -+\n {2}\| .*code.*42/, way);
  }
  assert.equal(eg.stack?.split("\n")[0], "ExceptionGroup: failures");
});

Deno.test("ExceptionGroup shows at most 10 levels of nesting and never overflows the stack", () => {
  let eg = new ExceptionGroup("leaf", [new Error("deepest")]);
  for (let i = 0; i < 100_000; i++) eg = new ExceptionGroup(`level ${i}`, [eg]);
  const text = inspect(eg);
  assert.match(text, /\.\.\. \(nested groups deeper than 10\)/);
  assert.equal(text.includes("deepest"), false);
  assert.ok(text.split("\n").length < 100, "the output is bounded");
});

Deno.test("ExceptionGroup shows an error of 130 000 lines without overflowing the stack", async () => {
  const body = new Error("body:\n" + "line\n".repeat(130_000));
  const eg = new ExceptionGroup("g", [body]);
  for (const [way, text] of inspections(eg)) {
    assert.ok(text.startsWith("ExceptionGroup: g (1 error)\n"), way);
    assert.ok(text.split("\n").length > 130_000, way);
  }
  // Inside a failed task's own inspection too.
  const task = createTask(() => {
    throw eg;
  }, { name: "holder" });
  await task.catch(() => {});
  for (const [way, text] of inspections(task)) {
    assert.match(text, /error: ExceptionGroup: g \(1 error\)\n/, way);
  }
});

Deno.test("ExceptionGroup bounds the work of showing a group that holds another many times", () => {
  let eg = new ExceptionGroup("leaf", [new Error("x")]);
  for (let i = 0; i < 12; i++) eg = new ExceptionGroup(`level ${i}`, Array(15).fill(eg));
  for (const [way, text] of inspections(eg)) {
    assert.ok(text.split("\n").length < 20_000, `${way}: ${text.split("\n").length} lines`);
    assert.match(text, /\.\.\. \(more than 200 nested groups in this tree\)/, way);
  }
});

Deno.test("ExceptionGroup shows hostile errors without throwing, in the tree and in the summary", async () => {
  const hostile = [
    revokedProxy(),
    errorWithThrowingGetter("name"),
    errorWithThrowingGetter("message"),
    errorWithThrowingGetter("stack"),
    Object.assign(Object.create(null), { toString: 1 }),
    undefined,
  ];
  const error = await taskGroup((tg) => {
    hostile.forEach((value, i) =>
      tg.createTask(() => {
        throw value;
      }, { name: `h${i}` })
    );
  }, { name: "hostile" }).catch((e) => e);
  assert.ok(error instanceof ExceptionGroup);
  assert.equal(error.errors.length, hostile.length);
  assert.match(error.stack!.split("\n")[1]!, /task group "hostile" failed with 6 errors: /);
  for (const [way, text] of inspections(error)) {
    assert.match(text, /6: task "h5" -+\n {2}\| undefined/, way);
  }
  const handmade = new ExceptionGroup("hostile", hostile);
  for (const [way, text] of inspections(handmade)) assert.match(text, /\(6 errors\)/, way);
  // A group whose own getters throw still shows.
  const odd = new ExceptionGroup("odd", [new Error("x")]);
  Object.defineProperty(odd, "message", {
    get() {
      throw new Error("message getter");
    },
  });
  assert.match(inspect(odd), /^ExceptionGroup \(1 error\)/);
});

Deno.test("ExceptionGroup shows its cause when inspected", () => {
  const eg = new ExceptionGroup("failures", [new Error("x")], { cause: new TimeoutError("late") });
  // Node adds the DOMException's class: `TimeoutError [DOMException]: late`.
  assert.match(inspect(eg), /\n {2}\[cause\]: TimeoutError( \[DOMException\])?: late\n/);
});

Deno.test("ExceptionGroup shows a long chain of causes to the inspection's depth, and at most 10 levels", () => {
  let eg = new ExceptionGroup("leaf", [new Error("leaf")]);
  for (let i = 0; i < 10_000; i++) {
    eg = new ExceptionGroup(`level ${i}`, [new Error(`e${i}`)], { cause: eg });
  }
  const deno = (globalThis as {
    Deno?: { inspect?: (value: unknown, options?: { depth?: number }) => string };
  }).Deno;
  const ways: [string, string][] = [
    ...inspections(eg),
    ["util.inspect, depth Infinity", inspect(eg, { depth: Infinity })],
  ];
  if (isDeno && typeof deno?.inspect === "function") {
    ways.push(["Deno.inspect, depth Infinity", deno.inspect(eg, { depth: Infinity })]);
  }
  for (const [way, text] of ways) {
    const lines = text.split("\n");
    assert.equal(lines[0], "ExceptionGroup: level 9999 (1 error)", way);
    assert.match(text, /\[cause\]: ExceptionGroup: level 9998 \(1 error\)\n/, way);
    assert.equal(text.includes("level 9988"), false, `${way}:\n${text}`);
    assert.ok(lines.length < 300, `${way}: ${lines.length} lines`);
  }
  for (const [way, text] of ways.filter(([way]) => way.endsWith("Infinity"))) {
    assert.match(
      text,
      /ExceptionGroup: level 9989 \(1 error\) \.\.\. \(nested groups deeper than 10\)/,
      way,
    );
  }
});

Deno.test("ExceptionGroup whose cause leads back to it shows it once, briefly", async () => {
  const self = new ExceptionGroup("self", [new Error("x")]);
  (self as { cause?: unknown }).cause = self;
  const a = new ExceptionGroup("a", [new Error("in a")]);
  const b = new ExceptionGroup("b", [new Error("in b")], { cause: a });
  (a as { cause?: unknown }).cause = b;
  const grouped = await taskGroup((tg) => {
    tg.createTask(() => {
      throw new Error("leaf");
    }, { name: "t" });
    tg.createTask(() => {
      throw new RangeError("other");
    }, { name: "u" });
  }, { name: "G" }).then(() => assert.fail("the group must fail"), (e: ExceptionGroup) => e);
  (grouped as { cause?: unknown }).cause = grouped;
  for (const group of [self, a, grouped]) {
    for (const [way, text] of inspections(group)) {
      // Each group's tree once, then a mention: a few lines, not the tree inside itself.
      assert.ok(text.length < 8_000, `${way}: ${text.length} characters`);
      assert.match(text, /\[cause\]: .*\[Circular\]/, way);
    }
  }
});

Deno.test("ExceptionGroup whose errors lead back to it shows it once, briefly", () => {
  const outer = new ExceptionGroup("outer", [new Error("x")]);
  const inner = new ExceptionGroup("inner", [outer]);
  outer.errors.push(inner);
  const self = new ExceptionGroup("self", [new Error("y")]);
  for (let i = 0; i < 14; i++) self.errors.push(self);
  for (const [way, text] of inspections(outer)) {
    assert.match(text, /\n {2}\| {3}\| ExceptionGroup: outer \(2 errors\) \[Circular\]\n/, way);
    assert.equal(text.includes("ExceptionGroup: inner", text.indexOf("[Circular]")), false, way);
  }
  for (const [way, text] of inspections(self)) {
    assert.equal(text.match(/\[Circular\]/g)?.length, 14, way);
    assert.ok(text.length < 8_000, `${way}: ${text.length} characters`);
  }
});

Deno.test("ExceptionGroup inside an array or an object is indented with it", () => {
  const eg = new ExceptionGroup("inner", [new Error("x")]);
  for (const value of [[eg], { a: { eg } }]) {
    for (const [way, text] of inspections(value)) {
      const lines = text.split("\n");
      // Every line between the opening and the closing bracket stands inside them.
      for (const line of lines.slice(1, -1)) assert.match(line, /^ {2}/, `${way}:\n${text}`);
      assert.ok(lines.some((line) => /^ {2,}\+-\+-+ 1 -+$/.test(line)), `${way}:\n${text}`);
    }
  }
});

Deno.test("Task shows its name and state when inspected, and its result or error once done", async () => {
  const waiting = createTask((signal) => sleep(60_000, { signal }), { name: "fetch-1" });
  for (const [way, text] of inspections(waiting)) {
    assert.match(text, /^Task \{ name: (["'])fetch-1\1, state: (["'])not started\2 \}$/, way);
  }
  await sleep(0);
  for (const [way, text] of inspections(waiting)) {
    assert.match(text, /^Task \{ name: (["'])fetch-1\1, state: (["'])running\2 \}$/, way);
  }
  waiting.cancel();
  await waiting.catch(() => {});
  assert.match(inspect(waiting), quoted("cancelled"));
  const done = createTask(() => 42, { name: "answer" });
  await done;
  for (const [way, text] of inspections(done)) {
    assert.match(text, /state: (["'])fulfilled\1, result: 42 \}$/, way);
  }
  const failed = createTask(() => {
    throw new RangeError("boom");
  }, { name: "failing" });
  await failed.catch(() => {});
  assert.match(inspect(failed), /state: (["'])failed\1,\s+error: RangeError: boom/);
  // Inside other values, and past the depth limit.
  assert.match(inspect({ task: done }), /\{ task: Task \{ name: (["'])answer\1/);
  assert.equal(inspect([[[done]]], { depth: 1 }).includes("Task"), false);
});

Deno.test("Task's prototype and objects made from it inspect without throwing", () => {
  const proto = Object.getPrototypeOf(createTask(() => {})) as object;
  // Node does not call a prototype's own custom inspection; Deno does.
  assert.match(inspect(proto), /Task/);
  assert.equal(inspect(Object.create(proto)), "Task {}");
});

Deno.test("TaskGroup shows its name, state and tasks when inspected", async () => {
  let open = "", closing = "";
  let group: TaskGroup | undefined;
  await taskGroup((tg) => {
    group = tg;
    tg.createTask((signal) => sleep(60_000, { signal }));
    tg.createTask((signal) => sleep(60_000, { signal }));
    tg.createTask(() => {});
    open = inspect(tg);
    tg.cancel();
    closing = inspect(tg);
  }, { name: "crawl", limit: 2 });
  assert.match(
    open,
    /^TaskGroup \{ name: (["'])crawl\1, state: (["'])open\2, running: 2, waiting: 1 \}$/,
  );
  assert.match(closing, /state: (["'])shutting down\1/);
  for (const [way, text] of inspections(group)) assert.match(text, /state: (["'])finished\1/, way);
});

Deno.test("Timeout shows its state and deadline when inspected", async () => {
  let scope: Timeout | undefined;
  let active = "";
  await timeout(60_000, (s) => {
    scope = s;
    active = inspect(s);
  });
  assert.match(active, /^Timeout \{ state: (["'])active\1, when: [\d.]+, remaining: \d+ \}$/);
  assert.match(inspect(scope), /state: (["'])finished\1/);
  await timeout(-1, (s) => {
    scope = s;
  });
  assert.match(inspect(scope), /^Timeout \{ state: (["'])expired\1, when: -?[\d.]+ \}$/);
  await timeout(null, (s) => {
    for (const [way, text] of inspections(s)) assert.match(text, /when: null \}$/, way);
  });
});

// ---------------------------------------------------------------------------------------------
// Whole programs: what console.log prints, and what the runtime prints for an uncaught group.

const program = (tail: string) => `
import { createTask, sleep, taskGroup } from ${JSON.stringify(library)};
const crawl = () => taskGroup(async (tg) => {
  tg.createTask(async () => { await sleep(1); throw new TypeError("bad url"); }, { name: "fetch-1" });
  tg.createTask(() => taskGroup((inner) => {
    inner.createTask(() => { throw new SyntaxError("bad json"); }, { name: "parse" });
  }, { name: "inner" }), { name: "fetch-2" });
}, { name: "crawl" });
${tail}
`;

Deno.test("console.log shows a task group's ExceptionGroup as its tree, and a Task by name and state", async () => {
  const run = await runProgram(program(`
console.log(await crawl().catch((e) => e));
const task = createTask(() => sleep(1), { name: "fetch-3" });
console.log(task);
`));
  assert.equal(run.code, 0, describeRun(run));
  const out = run.stdout;
  assert.ok(out.startsWith(`ExceptionGroup: ${MESSAGE} (2 errors in task group "crawl")\n`), out);
  assert.match(out, /\n\+-\+-+ 1: task "fetch-2" -+\n/);
  assert.match(out, /\n {2}\| \+-\+-+ 1: task "parse" -+\n {2}\| {3}\| SyntaxError: bad json\n/);
  assert.match(out, /\n {2}\+-+ 2: task "fetch-1" -+\n {2}\| TypeError: bad url\n/);
  assert.match(out, /\nTask \{ name: (["'])fetch-3\1, state: (["'])not started\2 \}\n/);
});

Deno.test("An uncaught ExceptionGroup names the group, the count and each error's task in the runtime's report", async () => {
  const run = await runProgram(program(`await crawl();`));
  assert.notEqual(run.code, 0, describeRun(run));
  const err = run.stderr;
  assert.ok(err.includes(`ExceptionGroup: ${MESSAGE}`), describeRun(run));
  assert.ok(
    err.includes(
      'at task group "crawl" failed with 2 errors: [1] task "fetch-2": ExceptionGroup [1 error in task group "inner"]; [2] task "fetch-1": TypeError: bad url (',
    ),
    describeRun(run),
  );
  assert.ok(
    err.includes(
      'at task group "inner" failed with 1 error: [1] task "parse": SyntaxError: bad json (',
    ),
    describeRun(run),
  );
  // The nested group is printed indented under the outer one, its errors under it.
  const outer = err.indexOf('at task group "crawl"');
  const inner = err.indexOf('at task group "inner"');
  const innerLine = err.slice(err.lastIndexOf("\n", inner) + 1, inner);
  const outerLine = err.slice(err.lastIndexOf("\n", outer) + 1, outer);
  assert.ok(innerLine.length > outerLine.length, describeRun(run));
  assert.ok(err.includes("SyntaxError: bad json") && err.includes("TypeError: bad url"));
});

Deno.test("An uncaught remainder of split() still names the group and each error's task", async () => {
  const run = await runProgram(program(`
try {
  await crawl();
} catch (error) {
  const [, rest] = error.split(TypeError);
  throw rest;
}`));
  assert.notEqual(run.code, 0, describeRun(run));
  const err = run.stderr;
  assert.ok(
    err.includes(
      'at task group "crawl" failed with 1 error: [1] task "fetch-2": ExceptionGroup [1 error in task group "inner"] (',
    ),
    describeRun(run),
  );
  assert.ok(!err.includes("bad url"), describeRun(run));
});
