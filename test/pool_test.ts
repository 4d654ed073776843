// The training pool (src/components/live/pool.ts) against fake workers: priorities, preemption,
// cancel, and what it does when a worker dies or falls silent. No browser, no TensorFlow.js.
import assert from "node:assert/strict";
import {
  type JobEnd,
  TrainingPool,
  WORKER_DIED_TWICE,
  type WorkerLike,
} from "../src/components/live/pool.ts";
import type {
  FromWorker,
  JobKind,
  JobRequest,
  KMeansJobOptions,
  KMeansSnapshot,
  KMeansTableJobOptions,
  TableResult,
  ToWorker,
} from "../src/components/live/protocol.ts";
import type { Matrix } from "../lib/matrix.ts";

/** A worker that records what it is sent, and sends what the test tells it to. */
class FakeWorker implements WorkerLike {
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onmessageerror: ((event: MessageEvent) => void) | null = null;
  readonly received: ToWorker[] = [];
  terminated = false;
  /** Whether it answers the pool's pings (as a live worker between two reports does). */
  answersPings = false;

  postMessage(message: ToWorker): void {
    assert.ok(!this.terminated, "a message posted to a terminated worker");
    this.received.push(message);
    if (message.type === "ping" && this.answersPings) {
      queueMicrotask(() => this.send({ type: "pong", id: -1 }));
    }
  }

  terminate(): void {
    this.terminated = true;
  }

  /** The jobs sent so far, in order. */
  get jobs(): JobRequest[] {
    return this.received.flatMap((message) => message.type === "job" ? [message.request] : []);
  }

  /** The ids cancelled so far. */
  get cancels(): number[] {
    return this.received.flatMap((message) => message.type === "cancel" ? message.ids : []);
  }

  send(message: FromWorker): void {
    this.onmessage?.(new MessageEvent("message", { data: message }));
  }

  end(id: number, status: JobEnd["status"] = "done"): void {
    this.send({ type: "end", id, status, ms: 1 });
  }

  fail(): void {
    this.onerror?.(new ErrorEvent("error", { message: "out of memory" }));
  }
}

const DATA: Matrix = { rows: 2, cols: 1, data: Float64Array.of(0, 1) };

/** A pool of `size` fake workers (`workers` holds every one made, replacements included). */
function fakePool(size: number, silenceMs = 60_000, aliveMs?: number) {
  const workers: FakeWorker[] = [];
  const pool = new TrainingPool({
    size,
    silenceMs,
    aliveMs,
    backends: ["cpu"],
    createWorker: () => {
      const worker = new FakeWorker();
      workers.push(worker);
      // With a ping deadline, each worker says it loaded (as worker.ts does once its modules ran).
      if (aliveMs !== undefined) queueMicrotask(() => worker.send({ type: "pong", id: -1 }));
      return worker;
    },
  });
  pool.setData(DATA, DATA);
  return { pool, workers };
}

/** The settings a K-means run and a K-means table share. */
const SETTINGS = {
  lr: 0.1,
  epochs: 3,
  seed: 0,
  init: "uniform",
  engine: "fused",
  uniformBox: "unit",
} as const;
const KMEANS: KMeansJobOptions = { ...SETTINGS, k: 2, reportEvery: 1 };

function snapshot(epoch: number): KMeansSnapshot {
  return {
    epoch,
    trainLoss: 1,
    validScore: 1,
    diverged: false,
    centroids: { rows: 1, cols: 1, data: Float64Array.of(epoch) },
  };
}

const table = (k: number): TableResult => ({ k, score: 0.5, diverged: false, ms: 1 });
const tableOptions: KMeansTableJobOptions = { ...SETTINGS, ks: [1] };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const kinds = (worker: FakeWorker): JobKind[] => worker.jobs.map((job) => job.kind);

Deno.test("a worker is sent init and the data before any job", () => {
  const { pool, workers } = fakePool(2);
  assert.equal(workers.length, 2);
  for (const worker of workers) assert.deepEqual(worker.received.map((m) => m.type), ["init", "data"]);
  pool.close();
});

Deno.test("a slot runs the lowest priority number first, background only when no foreground job waits", () => {
  const { pool, workers } = fakePool(1);
  const [worker] = workers;
  pool.start("kmeans", KMEANS);
  pool.start("kmeans-table", { ...tableOptions, ks: [1] }, { priority: 2 });
  pool.start("restarts", { ...KMEANS, restarts: 2 }, { priority: 1 });
  pool.start("lloyd", { k: 3 }, { priority: 1 });
  assert.deepEqual(kinds(worker), ["kmeans"]);
  assert.equal(pool.jobs, 4);
  worker.end(worker.jobs[0].id);
  assert.deepEqual(kinds(worker), ["kmeans", "restarts"]);
  worker.end(worker.jobs[1].id);
  assert.deepEqual(kinds(worker), ["kmeans", "restarts", "lloyd"]);
  worker.end(worker.jobs[2].id);
  assert.deepEqual(kinds(worker), ["kmeans", "restarts", "lloyd", "kmeans-table"]);
  worker.end(worker.jobs[3].id);
  assert.equal(pool.jobs, 0);
  pool.close();
});

Deno.test("a background job waits while a foreground job runs on another slot", () => {
  const { pool, workers } = fakePool(2);
  pool.start("kmeans", KMEANS, { slot: 0 });
  pool.start("lloyd", { k: 3 }, { slot: 1, priority: 1 });
  assert.deepEqual(kinds(workers[1]), []);
  workers[0].end(workers[0].jobs[0].id);
  assert.deepEqual(kinds(workers[1]), ["lloyd"]);
  pool.close();
});

Deno.test("once the foreground is done, background jobs wait for settle to resume them", () => {
  let resume: (() => void) | undefined;
  const worker = new FakeWorker();
  const pool = new TrainingPool({
    size: 1,
    backends: ["cpu"],
    createWorker: () => worker,
    settle: (callback) => (resume = callback),
  });
  pool.setData(DATA, DATA);
  pool.start("lloyd", { k: 3 }, { priority: 1 });
  assert.deepEqual(kinds(worker), ["lloyd"], "no foreground yet: background starts at once");
  worker.end(worker.jobs[0].id);
  pool.start("kmeans", KMEANS);
  pool.start("restarts", { ...KMEANS, restarts: 2 }, { priority: 1 });
  worker.end(worker.jobs[1].id);
  assert.deepEqual(kinds(worker), ["lloyd", "kmeans"], "the restarts wait for settle");
  assert.ok(resume, "settle called when the last foreground job ended");
  resume();
  assert.deepEqual(kinds(worker), ["lloyd", "kmeans", "restarts"]);
  pool.close();
});

Deno.test("a foreground job preempts a background job, which is sent again later under a new wire id", () => {
  const { pool, workers } = fakePool(1);
  const [worker] = workers;
  const results: TableResult[] = [];
  const background = pool.start("kmeans-table", tableOptions, {
    priority: 2,
    onResult: (result) => results.push(result),
  });
  const first = worker.jobs[0].id;
  pool.start("kmeans", KMEANS);
  assert.deepEqual(worker.cancels, [first]);
  assert.deepEqual(kinds(worker), ["kmeans-table", "kmeans"]);
  // The preempted run's late words never reach the page.
  worker.send({ type: "result", id: first, kind: "kmeans-table", result: table(1) });
  worker.end(first, "cancelled");
  assert.deepEqual(results, []);
  worker.end(worker.jobs[1].id);
  assert.deepEqual(kinds(worker), ["kmeans-table", "kmeans", "kmeans-table"]);
  const second = worker.jobs[2].id;
  assert.notEqual(second, first);
  worker.send({ type: "result", id: second, kind: "kmeans-table", result: table(1) });
  assert.deepEqual(results, [table(1)]);
  assert.equal(background.cancelled, false);
  pool.close();
});

Deno.test("preempting a synchronous background job replaces its worker (data sent again)", () => {
  const { pool, workers } = fakePool(1);
  pool.start("em", { k: 2 }, { priority: 1 });
  pool.start("mixture", { ...KMEANS, init: "random" });
  assert.equal(workers.length, 2);
  assert.ok(workers[0].terminated);
  assert.deepEqual(workers[1].received.map((m) => m.type), ["init", "data", "job"]);
  assert.deepEqual(kinds(workers[1]), ["mixture"]);
  workers[1].end(workers[1].jobs[0].id);
  assert.deepEqual(kinds(workers[1]), ["mixture", "em"]);
  pool.close();
});

Deno.test("a cancelled job ends at once, and nothing it sends afterwards reaches its callbacks", async () => {
  const { pool, workers } = fakePool(1);
  const [worker] = workers;
  const seen: number[] = [];
  const job = pool.start("kmeans", KMEANS, { onSnapshot: (s) => seen.push(s.epoch) });
  const { id } = worker.jobs[0];
  worker.send({ type: "snapshots", id, kind: "kmeans", snapshots: [snapshot(0), snapshot(1)] });
  job.cancel();
  assert.deepEqual(await job.ended, { status: "cancelled" });
  assert.ok(job.cancelled);
  assert.deepEqual(worker.cancels, [id]);
  worker.send({ type: "snapshots", id, kind: "kmeans", snapshots: [snapshot(2)] });
  worker.end(id, "cancelled");
  assert.deepEqual(seen, [0, 1]);
  assert.ok(!worker.terminated, "an asynchronous job stops at its next report: the worker stays");
  assert.equal(pool.jobs, 0);
  pool.close();
});

Deno.test("cancelling a synchronous job terminates its worker and starts another with the data", () => {
  const { pool, workers } = fakePool(1);
  const results: unknown[] = [];
  const job = pool.start("lloyd-steps", { start: DATA, maxIterations: 10 }, {
    onResult: (r) => results.push(r),
  });
  const { id } = workers[0].jobs[0];
  job.cancel();
  assert.ok(workers[0].terminated);
  assert.equal(workers.length, 2);
  assert.deepEqual(workers[1].received.map((m) => m.type), ["init", "data"]);
  workers[0].send({ type: "result", id, kind: "lloyd-steps", result: [] });
  assert.deepEqual(results, []);
  pool.close();
});

Deno.test("a message of another kind than its job's is not delivered", () => {
  const { pool, workers } = fakePool(1);
  const results: unknown[] = [];
  pool.start("lloyd", { k: 2 }, { onResult: (r) => results.push(r) });
  const { id } = workers[0].jobs[0];
  workers[0].send({ type: "result", id, kind: "kmeans-table", result: table(2) });
  assert.deepEqual(results, []);
  pool.close();
});

Deno.test("a worker that errors mid-job is replaced (data sent again) and the job run again once", async () => {
  const { pool, workers } = fakePool(1);
  const seen: number[] = [];
  const job = pool.start("kmeans", KMEANS, { onSnapshot: (s) => seen.push(s.epoch) });
  const first = workers[0].jobs[0].id;
  workers[0].send({ type: "snapshots", id: first, kind: "kmeans", snapshots: [snapshot(0)] });
  workers[0].fail();
  assert.ok(workers[0].terminated);
  assert.equal(workers.length, 2);
  const fresh = workers[1];
  assert.deepEqual(fresh.received.map((m) => m.type), ["init", "data", "job"]);
  const second = fresh.jobs[0].id;
  assert.notEqual(second, first);
  assert.deepEqual(fresh.jobs[0].options, KMEANS);
  // The dead worker's last words are ignored.
  workers[0].send({ type: "snapshots", id: first, kind: "kmeans", snapshots: [snapshot(9)] });
  fresh.send({ type: "snapshots", id: second, kind: "kmeans", snapshots: [snapshot(0), snapshot(1)] });
  fresh.end(second);
  assert.deepEqual(await job.ended, { status: "done", error: undefined, ms: 1 });
  assert.deepEqual(seen, [0, 0, 1]);
  pool.close();
});

Deno.test("a job whose worker dies twice ends with status error, and the next job runs", async () => {
  const { pool, workers } = fakePool(1);
  const job = pool.start("restarts", { ...KMEANS, restarts: 3 });
  const next = pool.start("lloyd", { k: 2 });
  workers[0].fail();
  workers[1].onmessageerror?.(new MessageEvent("messageerror"));
  const end = await job.ended;
  assert.equal(end.status, "error");
  assert.equal(end.error, WORKER_DIED_TWICE);
  assert.equal(workers.length, 3);
  assert.deepEqual(kinds(workers[2]), ["lloyd"]);
  workers[2].end(workers[2].jobs[0].id);
  assert.equal((await next.ended).status, "done");
  assert.equal(pool.jobs, 0);
  pool.close();
});

Deno.test("a worker that dies with no job is replaced when the next job needs it", () => {
  const { pool, workers } = fakePool(1);
  workers[0].fail();
  assert.equal(workers.length, 1, "no new worker until a job needs one");
  pool.start("lloyd", { k: 2 });
  assert.equal(workers.length, 2);
  assert.deepEqual(workers[1].received.map((m) => m.type), ["init", "data", "job"]);
  pool.close();
});

Deno.test("a job silent past the deadline is run again on a new worker, then ends with an error", async () => {
  const { pool, workers } = fakePool(1, 200);
  const job = pool.start("kmeans", KMEANS);
  // Messages keep it alive past the deadline.
  for (let i = 0; i < 12; i++) {
    await sleep(25);
    workers[0].send({ type: "alive", id: workers[0].jobs[0].id });
  }
  assert.equal(workers.length, 1);
  await sleep(450);
  assert.ok(workers[0].terminated);
  assert.equal(workers.length, 2);
  assert.deepEqual(kinds(workers[1]), ["kmeans"]);
  await sleep(450);
  assert.deepEqual(await job.ended, { status: "error", error: WORKER_DIED_TWICE });
  pool.close();
});

Deno.test("a worker that answers pings lives; one that stops answering is replaced within aliveMs", async () => {
  const { pool, workers } = fakePool(1, 60_000, 200);
  workers[0].answersPings = true;
  const job = pool.start("kmeans", KMEANS);
  await sleep(700); // no report, but every ping answered: alive
  assert.equal(workers.length, 1);
  assert.ok(workers[0].received.some((m) => m.type === "ping"));
  workers[0].answersPings = false; // closed, or terminated: no event, no answer
  const stopped = performance.now();
  while (workers.length === 1 && performance.now() - stopped < 2000) await sleep(10);
  const noticed = performance.now() - stopped;
  assert.ok(workers[0].terminated);
  assert.ok(noticed >= 150 && noticed < 400, `noticed after ${noticed.toFixed(0)} ms`);
  assert.deepEqual(kinds(workers[1]), ["kmeans"]);
  workers[1].end(workers[1].jobs[0].id);
  assert.equal((await job.ended).status, "done");
  pool.close();
});

Deno.test("a synchronous job is pinged until it starts, then given silenceMs", async () => {
  const { pool, workers } = fakePool(1, 600, 100);
  // Sent to a dead worker: never starts, noticed at the short deadline.
  const first = pool.start("lloyd", { k: 2 });
  const sent = performance.now();
  while (workers.length === 1 && performance.now() - sent < 1000) await sleep(5);
  assert.ok(performance.now() - sent < 200, "a job sent to a dead worker is noticed at the ping deadline");
  assert.ok(workers[0].terminated);
  // The new worker says the job started, then cannot answer pings while it computes.
  await sleep(0);
  workers[1].send({ type: "alive", id: workers[1].jobs[0].id });
  let ended = false;
  first.ended.then(() => (ended = true));
  await sleep(350);
  assert.equal(workers.length, 2, "a started synchronous job is not held to aliveMs");
  assert.ok(!ended);
  await sleep(450);
  assert.equal(workers.length, 2, "no third worker: the job died twice");
  assert.deepEqual(await first.ended, { status: "error", error: WORKER_DIED_TWICE });
  pool.close();
});

Deno.test("a worker still loading its modules is given silenceMs, not aliveMs", async () => {
  const { pool, workers } = fakePool(1, 400);
  pool.start("kmeans", KMEANS);
  await sleep(250);
  assert.equal(workers.length, 1);
  workers[0].send({ type: "pong", id: -1 }); // loaded: now held to aliveMs (here the silence, 400 ms)
  await sleep(200);
  assert.equal(workers.length, 1);
  pool.close();
});

Deno.test("an idle worker is never taken for dead", async () => {
  const { pool, workers } = fakePool(1, 20);
  const job = pool.start("lloyd", { k: 2 });
  workers[0].end(workers[0].jobs[0].id);
  await job.ended;
  await sleep(60);
  assert.equal(workers.length, 1);
  assert.ok(!workers[0].terminated);
  pool.close();
});

Deno.test("the jobs under way are shown on an element", () => {
  const { pool, workers } = fakePool(1);
  const element: { dataset: DOMStringMap } = { dataset: {} };
  pool.showJobsOn(element);
  assert.equal(element.dataset.trainingJobs, "0");
  pool.start("kmeans", KMEANS);
  pool.start("lloyd", { k: 2 }, { priority: 1 });
  assert.equal(element.dataset.trainingJobs, "2");
  workers[0].end(workers[0].jobs[0].id);
  assert.equal(element.dataset.trainingJobs, "1");
  pool.close();
  assert.equal(element.dataset.trainingJobs, "0");
});

/** Never run: `deno check` fails if the pool accepts what a job kind does not take. */
export function _typeErrors(pool: TrainingPool): void {
  // @ts-expect-error: "gmm" is no job kind (it is "mixture")
  pool.start("gmm", { k: 2 });
  // @ts-expect-error: a K-means run needs its settings, not only k
  pool.start("kmeans", { k: 2 });
  // @ts-expect-error: Lloyd's result has no `means`
  pool.start("lloyd", { k: 2 }, { onResult: (result) => result.means });
  // @ts-expect-error: the mixture's snapshots have no centroids
  pool.start("mixture", { ...KMEANS, init: "random" }, { onSnapshot: (s) => s.centroids });
}
