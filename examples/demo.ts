// Copyright 2026 the @aio/tasks authors. MIT license.
/**
 * A tour of @aio/tasks against a small catalogue API that this program serves itself on
 * 127.0.0.1, with varied latencies and some failures. No network beyond loopback; it ends by
 * itself.
 *
 *   npm ci && npm run demo          (a machine with only Node: Deno comes from npm)
 *   deno task demo
 */
import {
  asCompleted,
  CancelledError,
  captureTaskTree,
  createTask,
  enableTaskTracking,
  ExceptionGroup,
  FIRST_COMPLETED,
  formatTaskTree,
  gather,
  shield,
  sleep,
  taskGroup,
  timeout,
  TimeoutError,
  wait,
  waitFor,
} from "@aio/tasks";

// ---------------------------------------------------------------------------------------------
// The catalogue service: /item/<id> answers after a latency that depends on the id; ids that are
// multiples of 7 fail with 500; /slow never answers before the client gives up; /mirror/<n>
// answers after n × 40 ms. It counts requests in flight and the ones clients aborted.

let inFlight = 0;
let peakInFlight = 0;
let aborted = 0;

function latencyOf(id: number): number {
  return 20 + (id * 37) % 120;
}

async function handle(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const [, kind, arg] = url.pathname.split("/");
  inFlight++;
  peakInFlight = Math.max(peakInFlight, inFlight);
  try {
    const ms = kind === "item"
      ? latencyOf(Number(arg))
      : kind === "mirror"
      ? Number(arg) * 40
      : kind === "slow"
      ? 10_000
      : 0;
    await sleep(ms, { signal: request.signal });
    if (kind === "item" && Number(arg) % 7 === 0) {
      return new Response(`item ${arg} is broken`, { status: 500 });
    }
    return Response.json({ kind, id: arg, price: (Number(arg) * 3.5) % 50, ms });
  } catch {
    aborted++;
    return new Response(null, { status: 499 });
  } finally {
    inFlight--;
  }
}

const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handle);
const base = `http://127.0.0.1:${server.addr.port}`;

// ---------------------------------------------------------------------------------------------
// The client: one function that every section uses. It passes the signal on, which is how
// cancellation reaches the HTTP request.

interface Item {
  id: string;
  price: number;
  ms: number;
}

async function getItem(id: number, signal: AbortSignal): Promise<Item> {
  const response = await fetch(`${base}/item/${id}`, { signal });
  if (!response.ok) throw new Error(`GET /item/${id}: ${await response.text()}`);
  return await response.json();
}

function heading(title: string): void {
  console.log(`\n== ${title}`);
}

// Task tracking costs nothing while off; on, captureTaskTree() sees everything made from now.
enableTaskTracking();

const started = performance.now();
const elapsed = () => `${Math.round(performance.now() - started)} ms`.padStart(7);

// 1. gather: results in input order, whatever order they arrive in.
heading("gather: three items, results in input order");
{
  const items = await gather([
    (signal) => getItem(3, signal),
    (signal) => getItem(1, signal),
    (signal) => getItem(2, signal),
  ]);
  for (const item of items) {
    console.log(`  item ${item.id}: ${item.price.toFixed(2)} (${item.ms} ms)`);
  }
}

// 2. gather with returnExceptions: failures take their item's place.
heading("gather({ returnExceptions: true }): failures in place");
{
  const results = await gather(
    [6, 7, 8].map((id) => (signal: AbortSignal) => getItem(id, signal)),
    {
      returnExceptions: true,
    },
  );
  // Each place is typed unknown (a member may throw anything): getItem throws only Errors.
  results.forEach((r, i) =>
    console.log(
      `  #${i}: ${r instanceof Error ? `failed: ${r.message}` : `item ${(r as Item).id}`}`,
    )
  );
}

// 3. asCompleted: progress as results arrive.
heading("asCompleted: progress as results arrive");
{
  const ids = [12, 4, 9, 1, 10, 5];
  const tasks = ids.map((id) =>
    createTask((signal) => getItem(id, signal), { name: `item-${id}` })
  );
  let n = 0;
  for await (const task of asCompleted(tasks)) {
    n++;
    console.log(
      `  ${elapsed()}  [${n}/${ids.length}] ${task.name} arrived (${task.result().ms} ms)`,
    );
  }
}

// 4. taskGroup with a limit: a crawl of 30 items, at most 4 requests at once. A failure would
// cancel the rest, so the crawl catches per item and counts the failures itself.
heading("taskGroup({ limit: 4 }): crawl 30 items, at most 4 at once");
{
  peakInFlight = 0;
  const failed: number[] = [];
  let total = 0;
  await taskGroup((tg) => {
    for (let id = 1; id <= 30; id++) {
      tg.createTask(async (signal) => {
        try {
          total += (await getItem(id, signal)).price;
        } catch {
          failed.push(id);
        }
      }, { name: `crawl-${id}` });
    }
  }, { limit: 4, name: "crawl" });
  console.log(`  total price ${total.toFixed(2)}; failed ids ${failed.join(", ")}`);
  console.log(`  peak requests in flight at the server: ${peakInFlight}`);
}

// 5. taskGroup failing: the first failure cancels its siblings; the ExceptionGroup is split
// like Python's `except*`.
heading("taskGroup: a failure cancels the siblings; except* with split()");
{
  const abortedBefore = aborted;
  try {
    await taskGroup((tg) => {
      tg.createTask((signal) => getItem(14, signal)); // fails (multiple of 7) after 78 ms
      tg.createTask((signal) => fetch(`${base}/slow`, { signal })); // cancelled by the failure
      tg.createTask((signal) => getItem(2, signal)); // finishes first
    });
  } catch (error) {
    if (!(error instanceof ExceptionGroup)) throw error;
    const [http, rest] = error.split((e) => e instanceof Error && e.message.startsWith("GET"));
    console.log(`  ${http?.errors.length} HTTP failure(s): ${(http?.errors[0] as Error).message}`);
    console.log(`  other failures: ${rest === undefined ? "none" : rest.errors.length}`);
  }
  await sleep(20);
  console.log(`  requests the server saw aborted: ${aborted - abortedBefore}`);
}

// 6. wait(FIRST_COMPLETED) + cancel: a hedged request to three mirrors, the first answer wins.
heading("wait(FIRST_COMPLETED): hedged request, first mirror wins, the rest are cancelled");
{
  const mirrors = [3, 1, 2].map((n) =>
    createTask(async (signal) => {
      const response = await fetch(`${base}/mirror/${n}`, { signal });
      return `mirror ${n} (${(await response.json()).ms} ms)`;
    })
  );
  const [done, pending] = await wait(mirrors, { returnWhen: FIRST_COMPLETED });
  for (const task of pending) task.cancel("another mirror answered");
  await wait(pending);
  console.log(`  winner: ${[...done][0].result()}`);
  console.log(
    `  cancelled: ${[...pending].filter((t) => t.cancelled()).length} of ${pending.size}`,
  );
}

// 7. Time limits: waitFor cancels the work and waits for it; timeout() is a rescheduleable
// scope; shield() lets cleanup finish.
heading("waitFor / timeout / shield: time limits");
{
  const t0 = performance.now();
  try {
    await waitFor((signal) => fetch(`${base}/slow`, { signal }), 100);
  } catch (error) {
    const ms = Math.round(performance.now() - t0);
    console.log(`  waitFor(slow, 100): ${(error as Error).name} after ${ms} ms, request cancelled`);
  }

  const value = await timeout(50, async (scope) => {
    scope.reschedule(performance.now() + 300); // the first answer showed we need more time
    return await getItem(5, scope.signal);
  });
  console.log(`  timeout(50) rescheduled to +300 ms: got item ${value.id}`);

  let saved = false;
  try {
    await timeout(30, async (scope) => {
      await sleep(1_000, { signal: scope.signal });
    });
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    const save = shield(() => sleep(40).then(() => (saved = true)));
    save.cancel(); // cancelling the shield does not stop the save
    await save.catch((e) => e instanceof CancelledError || Promise.reject(e));
    await sleep(60);
    console.log(
      `  timed out (${error.name}, cause ${
        (error.cause as Error).name
      }); shielded save finished: ${saved}`,
    );
  }
}

// 8. What is it waiting for? With tracking on, the live structure can be printed at any moment:
// here 50 ms into a catalogue crawl under a time limit.
heading("formatTaskTree: what is running, 50 ms into a crawl");
{
  const crawl = timeout(5_000, (scope) =>
    taskGroup((tg) => {
      tg.createTask(
        (signal) =>
          gather([3, 4, 5].map((id) => (s: AbortSignal) => getItem(id, s)), { signal, limit: 2 }),
        { name: "batch" },
      );
      tg.createTask(
        (signal) =>
          waitFor((s) => fetch(`${base}/slow`, { signal: s }), 300, { signal }).catch(() =>
            "gave up"
          ),
        { name: "slow" },
      );
      for (const id of [1, 2, 3, 4, 5, 6, 8, 9]) {
        tg.createTask((signal) => getItem(id, signal), { name: `item-${id}` });
      }
    }, { name: "catalogue", limit: 4, signal: scope.signal }));
  await sleep(50);
  console.log(formatTaskTree(undefined, { maxChildren: 5 }).replace(/^/gm, "  "));
  await crawl;
}

await server.shutdown();
const left = captureTaskTree().roots.length;
console.log(`\nall done in ${elapsed().trim()}; ${left === 0 ? "nothing" : left} left running.`);
