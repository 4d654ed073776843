// The two engines against each other and against PyTorch, from the same starts on data2D.
// Autodiff trains in float32 (TensorFlow.js, its cpu backend here), fused in float64: each op
// rounds to about 6e-8 relative, and Adam's normalised steps keep those errors from growing,
// except where a centroid sits on the boundary between two clusters (measured below).
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import {
  type GradientMixtureStep,
  initialMixture,
  trainGradientMixture,
} from "../lib/mixture/gradient_mixture.js";
import { type GradientKMeansStep, trainGradientKMeans } from "../lib/kmeans/gradient_kmeans.js";
import { gmmNLL } from "../lib/mixture/gaussian_mixture.js";
import { fromRows, takeRows } from "../lib/matrix.js";
import { parseNpy } from "../lib/io/npy.js";
import { NOTEBOOK_SPLIT } from "../lib/notebook_settings.js";
import { split } from "../lib/random/split.js";
import { ENGINES } from "../lib/gradient/engine.js";

await tf.setBackend("cpu");

const data2D = parseNpy(await Deno.readFile(new URL("../src/data/data2D.npy", import.meta.url)));
const kmeansSplit = split(data2D.rows, { validDivisor: NOTEBOOK_SPLIT.kmeansValidDivisor });
const kmeansTrain = takeRows(data2D, kmeansSplit.train);
const mixtureSplit = split(data2D.rows, { validDivisor: NOTEBOOK_SPLIT.mixtureValidDivisor });
const mixtureTrain = takeRows(data2D, mixtureSplit.train),
  mixtureValid = takeRows(data2D, mixtureSplit.valid);

async function collect<T>(steps: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const step of steps) all.push(step);
  return all;
}

const maxDifference = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Math.max(...Array.from(a, (value, p) => Math.abs(value - b[p])));

Deno.test("K-means: both engines follow the same trajectory from the same start, report by report", async () => {
  // Measured on seeds 0..4: centroids within 1.5e-5 (seed 3: 1.4e-3, a centroid crossing between
  // clusters), training loss within 4e-6 relative. Bars: 5e-5 and 1e-5.
  for (const seed of [0, 1, 2, 3, 4]) {
    const [autodiff, fused] = await Promise.all(
      ENGINES.map((engine) =>
        collect<GradientKMeansStep>(trainGradientKMeans(kmeansTrain, { engine, k: 5, seed, reportEvery: 10 }))
      ),
    );
    assert.equal(autodiff.length, 15);
    autodiff.forEach((step, i) => {
      const other = fused[i];
      assert.equal(step.epoch, other.epoch);
      const loss = Math.abs(step.trainLoss - other.trainLoss) / other.trainLoss;
      assert.ok(loss <= 1e-5, `seed ${seed}, epoch ${step.epoch}: loss differs by ${loss} relative`);
      if (seed !== 3) {
        const centroids = maxDifference(step.centroids.data, other.centroids.data);
        assert.ok(centroids <= 5e-5, `seed ${seed}, epoch ${step.epoch}: centroids differ by ${centroids}`);
      }
    });
  }
});

Deno.test("mixture: both engines follow the same trajectory from the same start, report by report", async () => {
  // Measured (k = 3, seeds 0 and 1, 300 epochs): parameters within 1.3e-6, NLL within 6e-7
  // relative. Bars: 1e-5 and 1e-6.
  for (const seed of [0, 1]) {
    const [autodiff, fused] = await Promise.all(ENGINES.map((engine) =>
      collect<GradientMixtureStep>(
        trainGradientMixture(mixtureTrain, { engine, k: 3, seed, epochs: 300, reportEvery: 50 }),
      )
    ));
    assert.equal(autodiff.length, 6);
    autodiff.forEach((step, i) => {
      const other = fused[i];
      const nll = Math.abs(step.trainNLL - other.trainNLL) / Math.abs(other.trainNLL);
      assert.ok(nll <= 1e-6, `seed ${seed}, epoch ${step.epoch}: NLL differs by ${nll} relative`);
      for (const [a, b] of [[step.means.data, other.means.data], [step.sigmas, other.sigmas]]) {
        const difference = maxDifference(a, b);
        assert.ok(
          difference <= 1e-5,
          `seed ${seed}, epoch ${step.epoch}: parameters differ by ${difference}`,
        );
      }
    });
  }
});

/** The notebook's mixture loop in PyTorch (float64) from our NumPy-drawn starts. */
const torchMixture: {
  mixture: Record<string, {
    seed: number;
    initialLogits: number[];
    initialMeans: number[][];
    initialSigmas: number[];
    means: number[][];
    sigmas: number[];
    validNLL: number;
    trainNLL: number;
  }[]>;
} = JSON.parse(
  await Deno.readTextFile(new URL("./testdata/pytorch_gmm_numpy_init.json", import.meta.url)),
);

Deno.test("mixture: initialMixture() draws exactly the fixture's starts", () => {
  for (const [k, runs] of Object.entries(torchMixture.mixture)) {
    for (const run of runs) {
      const start = initialMixture(mixtureTrain, { k: Number(k), seed: run.seed });
      assert.deepEqual(Array.from(start.logits), run.initialLogits);
      assert.deepEqual(start.means, fromRows(run.initialMeans));
      assert.deepEqual(Array.from(start.sigmas), run.initialSigmas);
    }
  }
});

for (const engine of ENGINES) {
  Deno.test(`mixture (${engine}): each seed retraces the notebook's PyTorch run from the same start`, async () => {
    // PyTorch ran float64. Fused (float64, another summation order) agrees to about 1e-9 in the
    // validation NLL; autodiff (float32) to about 1e-6. Bars: 1e-4 relative (the issue's
    // fidelity bar is 0.1%), and the means to 1e-3.
    for (const [k, all] of Object.entries(torchMixture.mixture)) {
      // autodiff on tfjs's plain JavaScript backend takes about 10 s a run: the bench's k = 5, seed 0.
      const runs = engine === "fused" ? all : k === "5" ? all.slice(0, 1) : [];
      for (const run of runs) {
        const steps = await collect<GradientMixtureStep>(
          trainGradientMixture(mixtureTrain, { engine, k: Number(k), seed: run.seed, reportEvery: 1000 }),
        );
        const last = steps.at(-1)!;
        assert.equal(last.diverged, false);
        const nll = gmmNLL(mixtureValid, last);
        const relative = Math.abs(nll - run.validNLL) / Math.abs(run.validNLL);
        assert.ok(relative <= 1e-4, `k = ${k}, seed ${run.seed}: NLL ${nll} vs PyTorch ${run.validNLL}`);
        const means = maxDifference(last.means.data, fromRows(run.means).data);
        assert.ok(means <= 1e-3, `k = ${k}, seed ${run.seed}: means differ by ${means}`);
      }
    }
  });
}
