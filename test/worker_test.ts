// The training worker (src/components/live/worker.ts) run as a real module worker under Deno, through
// the pool: a K-means run from a start placed by hand, and Lloyd's reference, with the fused engine
// on the cpu backend (no browser).
import assert from "node:assert/strict";
import { TrainingPool } from "../src/components/live/pool.ts";
import type { KMeansSnapshot, LloydResult, RestartsResult } from "../src/components/live/protocol.ts";
import type { Matrix } from "../lib/matrix.ts";
import { makeBlobs } from "../lib/random/synthetic.ts";
import { type AtlasRun, atlasRuns } from "../lib/atlas.ts";

const moduleWorker = () =>
  new Worker(new URL("../src/components/live/worker.ts", import.meta.url), { type: "module" });

/**
 * Runs `body` with a pool of one real worker that holds blobs of 300 training and 100 validation
 * points (`aliveMs`: the pool's watchdog, 1.5 s by default).
 */
async function withPool(
  body: (pool: TrainingPool, train: Matrix, valid: Matrix) => Promise<void>,
  { aliveMs }: { aliveMs?: number } = {},
) {
  const train = makeBlobs({ n: 300, k: 3, seed: 1 }).points,
    valid = makeBlobs({ n: 100, k: 3, seed: 2 }).points;
  const pool = new TrainingPool({ size: 1, createWorker: moduleWorker, backends: ["cpu"], aliveMs });
  try {
    pool.setData(train, valid);
    await body(pool, train, valid);
  } finally {
    pool.close();
  }
}

Deno.test("a K-means run from a start placed by hand trains from it (the start is not detached)", async () => {
  await withPool(async (pool, train) => {
    const initial: Matrix = { rows: 3, cols: train.cols, data: train.data.slice(0, 3 * train.cols) };
    const snapshots: KMeansSnapshot[] = [];
    const job = pool.start("kmeans", {
      k: 3,
      lr: 0.1,
      epochs: 5,
      seed: 0,
      init: "uniform",
      engine: "fused",
      uniformBox: "unit",
      initial,
      reportEvery: 1,
    }, { onSnapshot: (snapshot) => snapshots.push(snapshot) });
    const end = await job.ended;
    assert.deepEqual([end.status, end.error], ["done", undefined]);
    assert.deepEqual(snapshots.map((s) => s.epoch), [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(Array.from(snapshots[0].centroids.data), Array.from(initial.data));
    assert.equal(snapshots.at(-1)!.counts?.reduce((a, b) => a + b, 0), train.rows);
    let lloyd: LloydResult | undefined;
    const reference = pool.start("lloyd", { k: 3 }, { onResult: (result) => (lloyd = result) });
    assert.equal((await reference.ended).status, "done");
    assert.ok(lloyd && lloyd.centroids.rows === 3 && lloyd.validScore > 0);
  });
});

Deno.test("a worker yields after every epoch until the cost of a job's kind is known, and so answers the pool's pings", async () => {
  // A watchdog of 200 ms: ten restarts' 20,000 epochs up to the report asked (about 1 s on a fast
  // machine), without a yield, outlast it.
  await withPool(async (pool) => {
    let result: RestartsResult | undefined;
    const job = pool.start("restarts", {
      k: 3,
      lr: 0.1,
      epochs: 20_000,
      init: "uniform",
      engine: "fused",
      uniformBox: "unit",
      restarts: 10,
      reportEvery: 20_000,
    }, { onResult: (r) => (result = r) });
    const end = await job.ended;
    assert.deepEqual([end.status, end.error], ["done", undefined]);
    assert.equal(result?.runs.length, 10);
  }, { aliveMs: 200 });
});

Deno.test("an atlas job streams each seed's run as lib/atlas gives it, and a cancel stops it", async () => {
  await withPool(async (pool, train, valid) => {
    const options = { k: 3, engine: "fused" as const, uniformBox: "unit" as const, seeds: [0, 1, 2] };
    for (const method of ["gradient", "lloyd", "lloyd-best"] as const) {
      const runs: AtlasRun[] = [];
      const job = pool.start("atlas", { ...options, method }, { onSnapshot: (run) => runs.push(run) });
      assert.equal((await job.ended).status, "done");
      // The worker runs lib/atlas unchanged: the same float64 figures.
      assert.deepEqual(runs, await atlasRuns(train, valid, { ...options, method }));
    }
    const seeds = Array.from({ length: 200 }, (_, seed) => seed);
    const runs: AtlasRun[] = [];
    const job = pool.start("atlas", { ...options, method: "gradient", seeds }, {
      onSnapshot: (run) => {
        runs.push(run);
        if (runs.length === 3) job.cancel();
      },
    });
    assert.equal((await job.ended).status, "cancelled");
    assert.ok(runs.length >= 3 && runs.length < seeds.length);
  });
});
