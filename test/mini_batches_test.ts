// Mini-batches (`batchSize`): which points each epoch trains on, what the reports score, and that
// full batch is left exactly as it was.
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { adamWStep, kmeansLossAndGradient } from "../lib/gradient/fused.js";
import { miniBatches } from "../lib/gradient/_mini_batches.js";
import { initialCentroids, trainGradientKMeans } from "../lib/kmeans/gradient_kmeans.js";
import { trainGradientMixture } from "../lib/mixture/gradient_mixture.js";
import { validationScore } from "../lib/kmeans/kmeans.js";
import { gmmNLL } from "../lib/mixture/gaussian_mixture.js";
import { takeRows } from "../lib/matrix.js";
import { GRADIENT_KMEANS } from "../lib/notebook_settings.js";
import { sampleRows } from "../lib/projection.js";
import { makeBlobs } from "../lib/random/synthetic.js";
import { RandomState } from "../lib/random/random_state.js";
import { DataError } from "../lib/errors.js";

await tf.setBackend("cpu");

const train = makeBlobs({ n: 5_000, k: 4, d: 2, spread: 0.3, seed: 3 }).points;
const valid = makeBlobs({ n: 2_000, k: 4, d: 2, spread: 0.3, seed: 3 }).points;

async function collect<T>(steps: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const step of steps) all.push(step);
  return all;
}

Deno.test("the windows are a seeded shuffle of every point, taken in turn", () => {
  const { windows, windowOf, full } = miniBatches(train, { batchSize: 1_200, seed: 7 });
  assert.equal(full, false);
  assert.deepEqual(windows.map((w) => w.rows), [1_200, 1_200, 1_200, 1_200, 200]);
  const order = new RandomState(7).permutation(train.rows);
  assert.deepEqual(windows[1].data, takeRows(train, order.subarray(1_200, 2_400)).data);
  assert.deepEqual([1, 5, 6, 11].map(windowOf), [0, 4, 0, 0]);
  assert.equal(miniBatches(train, { batchSize: train.rows, seed: 7 }).windows[0], train);
});

Deno.test("a batchSize of at least the points is full batch, bit for bit", async () => {
  for (const engine of ["fused", "autodiff"] as const) {
    const options = { k: 4, epochs: 12, reportEvery: 4, valid, engine };
    const [plain, batched] = await Promise.all([
      collect(trainGradientKMeans(train, options)),
      collect(trainGradientKMeans(train, { ...options, batchSize: train.rows })),
    ]);
    assert.deepEqual(batched, plain, engine);
  }
});

Deno.test("the fused K-means steps on the epoch's window: epoch 2 equals two AdamW steps by hand", async () => {
  const batchSize = 1_000, seed = 5;
  const steps = await collect(
    trainGradientKMeans(train, { k: 4, seed, epochs: 2, reportEvery: 1, batchSize }),
  );
  const order = new RandomState(seed).permutation(train.rows);
  const p = initialCentroids(train, { k: 4, seed }).data.slice();
  const m = new Float64Array(p.length), v = new Float64Array(p.length);
  for (const epoch of [1, 2]) {
    const window = takeRows(train, order.subarray((epoch - 1) * batchSize, epoch * batchSize));
    const { gradient } = kmeansLossAndGradient(window.data, p, { d: 2, k: 4 });
    adamWStep({ p, m, v, g: gradient }, {
      step: epoch,
      ...GRADIENT_KMEANS.adamW,
      learningRate: GRADIENT_KMEANS.lr,
    });
  }
  assert.deepEqual(steps[1].centroids.data, p);
});

Deno.test("reports before the last score a seeded sample, the last every point", async () => {
  const batchSize = 1_000, seed = 2;
  for (const engine of ["fused", "autodiff"] as const) {
    const steps = await collect(
      trainGradientKMeans(train, { k: 4, seed, epochs: 30, reportEvery: 10, valid, batchSize, engine }),
    );
    const sampleTrain = sampleRows(train, { max: batchSize, seed }),
      sampleValid = sampleRows(valid, { max: batchSize, seed });
    for (const step of steps.slice(0, -1)) {
      assert.equal(step.trainLoss, validationScore(sampleTrain, step.centroids), engine);
      assert.equal(step.validScore, validationScore(sampleValid, step.centroids), engine);
    }
    const last = steps.at(-1)!;
    assert.equal(last.epoch, 30);
    assert.equal(last.trainLoss, validationScore(train, last.centroids), engine);
    assert.equal(last.validScore, validationScore(valid, last.centroids), engine);
  }
});

Deno.test("mini-batch K-means reaches the full-batch optimum on blobs, with both engines agreeing", async () => {
  // Four well separated blobs: full batch and mini-batches of 500 (ten windows) find the same four
  // clusters, so their validation scores agree closely; measured within 0.3%, bar 2%. The two
  // engines see the same windows: float32 against float64 rounding, measured 5e-8, bar 1e-5.
  const options = { k: 4, init: "kmeans++" as const, epochs: 150, reportEvery: 150, valid };
  const [full] = await collect(trainGradientKMeans(train, options));
  const [fused, autodiff] = await Promise.all(
    (["fused", "autodiff"] as const).map(async (engine) =>
      (await collect(trainGradientKMeans(train, { ...options, batchSize: 500, engine }))).at(-1)!
    ),
  );
  assert.ok(
    Math.abs(fused.validScore! / full.validScore! - 1) < 0.02,
    `${fused.validScore} vs ${full.validScore}`,
  );
  assert.ok(
    Math.abs(autodiff.validScore! / fused.validScore! - 1) < 1e-5,
    `${autodiff.validScore} vs ${fused.validScore}`,
  );
});

Deno.test("mini-batch mixture: sampled NLL before the last report, every point at the last; engines agree", async () => {
  // As for K-means: the same windows for both engines; float32 against float64, measured 4e-8, bar 1e-5 relative.
  const batchSize = 800, seed = 1;
  const runs = await Promise.all(
    (["fused", "autodiff"] as const).map((engine) =>
      collect(
        trainGradientMixture(train, {
          k: 4,
          seed,
          init: "kmeans",
          epochs: 200,
          reportEvery: 100,
          valid,
          batchSize,
          engine,
        }),
      )
    ),
  );
  const sample = sampleRows(train, { max: batchSize, seed });
  for (const steps of runs) {
    const [first, last] = steps;
    assert.equal(first.trainNLL, gmmNLL(sample, first));
    assert.equal(last.epoch, 200);
    assert.equal(last.trainNLL, gmmNLL(train, last));
    assert.equal(last.validNLL, gmmNLL(valid, last));
  }
  const [fused, autodiff] = runs.map((steps) => steps.at(-1)!);
  assert.ok(
    Math.abs(autodiff.validNLL! / fused.validNLL! - 1) < 1e-5,
    `${autodiff.validNLL} vs ${fused.validNLL}`,
  );
});

Deno.test("a batchSize that is not a positive integer is refused in one sentence", () => {
  for (const batchSize of [0, -3, 2.5, NaN]) {
    assert.throws(() => trainGradientKMeans(train, { k: 2, batchSize }), DataError);
    assert.throws(
      () => trainGradientMixture(train, { k: 2, batchSize }),
      /batchSize = .* must be a positive integer/,
    );
  }
});
