// Soft K-means (lib/soft_kmeans/) against NumPy's soft Lloyd and free energy and PyTorch's autograd
// (test/testdata/make_soft_kmeans_fixture.py), against Lloyd at a large beta, and against the
// equal-weight fixed-sigma mixture of lib/mixture.
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import {
  anneal,
  firstCriticalBeta,
  freeEnergy,
  softAssign,
  softKMeansLossAndGradient,
  softLloyd,
  splits,
} from "../lib/soft_kmeans/soft_kmeans.js";
import { betaSchedule, fitSoftKMeans } from "../lib/soft_kmeans/gradient_soft_kmeans.js";
import { freeEnergies } from "../lib/soft_kmeans/_autodiff_free_energy.js";
import { kmeansTensors } from "../lib/kmeans/_autodiff_loss.js";
import { initialCentroids } from "../lib/kmeans/gradient_kmeans.js";
import { lloydSteps } from "../lib/kmeans/lloyd_steps.js";
import { validationScore } from "../lib/kmeans/kmeans.js";
import { gmmNLL } from "../lib/mixture/gaussian_mixture.js";
import { kmeansLossAndGradient, mixtureGradient, mixturePoints } from "../lib/gradient/fused.js";
import { columnMeans, fromRows, type Matrix } from "../lib/matrix.js";
import { loadDataset, splitPoints } from "../src/data/dataset.ts";
import { NOTEBOOK_SPLIT } from "../lib/notebook_settings.js";
import { DataError } from "../lib/errors.js";
import { readJson } from "./_testdata.ts";

await tf.setBackend("cpu");

const { train } = splitPoints((await loadDataset()).points, NOTEBOOK_SPLIT.kmeansValidDivisor);

interface Case {
  start: string;
  beta: number;
  iterates: number[][][];
  freeEnergies: number[];
  torchFreeEnergy: number;
  gradient: number[][];
}
const fixture = readJson<{ iterations: number; lambdaMax: number; cases: Case[] }>("soft_kmeans.json");

const maxDifference = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Math.max(...Array.from(a, (value, p) => Math.abs(value - b[p])));
const flat = (rows: number[][]) => rows.flat();

Deno.test("softLloyd() retraces NumPy's soft Lloyd iterates to 1e-12, free energy included", () => {
  // Float64 sums over 7,500 points in another order differ by a few units in the last place
  // (about 1e-15 on centroids of size 5): 1e-12 leaves a margin of 1000.
  for (const { start, beta, iterates, freeEnergies } of fixture.cases) {
    const steps = softLloyd(train, fromRows(iterates[0]), { beta, maxIterations: fixture.iterations });
    assert.equal(steps.length, iterates.length, `${start} beta ${beta}: one step per NumPy iterate`);
    steps.forEach((step, t) => {
      const gap = maxDifference(step.centroids.data, flat(iterates[t]));
      assert.ok(gap <= 1e-12, `${start} beta ${beta} iterate ${t}: ${gap} from NumPy`);
      const energyGap = Math.abs(step.freeEnergy - freeEnergies[t]);
      assert.ok(
        energyGap <= 1e-12 * Math.max(1, Math.abs(freeEnergies[t])),
        `${start} beta ${beta} F ${t}: ${energyGap}`,
      );
    });
  }
});

Deno.test("softKMeansLossAndGradient() equals PyTorch autograd's free energy gradient to 1e-10 (float64)", () => {
  for (const { start, beta, iterates, gradient, torchFreeEnergy } of fixture.cases) {
    const { losses, gradient: ours } = softKMeansLossAndGradient(
      train.data,
      Float64Array.from(flat(iterates[0])),
      {
        d: 2,
        k: 5,
        beta,
      },
    );
    const gap = maxDifference(ours, flat(gradient));
    assert.ok(gap <= 1e-10, `${start} beta ${beta}: gradient ${gap} from PyTorch`);
    assert.ok(Math.abs(losses[0] - torchFreeEnergy) <= 1e-10 * Math.max(1, Math.abs(torchFreeEnergy)));
  }
});

Deno.test("the autodiff free energy's gradient (tfjs, float32) equals PyTorch's to 1e-5", () => {
  // Float32 rounds each distance to about 6e-8 relative; beta multiplies that error in the
  // exponents, so the check runs at the betas up to 10 (at 100 the float32 weights drift by ~1e-4).
  const tensors = kmeansTensors(train);
  try {
    for (const { start, beta, iterates, gradient } of fixture.cases.filter((c) => c.beta <= 10)) {
      const variable = tf.variable(tf.tensor2d(flat(iterates[0]), [5, 2]));
      const { grads } = tf.variableGrads(
        () => tf.reshape(freeEnergies(tensors, variable, { k: 5, beta }), []) as tf.Scalar,
        [variable],
      );
      const ours = grads[variable.name].dataSync();
      tf.dispose([variable, grads[variable.name]]);
      const gap = maxDifference(ours, flat(gradient));
      assert.ok(gap <= 1e-5, `${start} beta ${beta}: tfjs gradient ${gap} from PyTorch`);
    }
  } finally {
    tf.dispose([tensors.augmented, tensors.mean]);
  }
});

Deno.test("at beta = 1e6 soft Lloyd reaches Lloyd's centroids from the same start to 1e-9", () => {
  const start = initialCentroids(train, { k: 5, seed: 0 });
  const lloydEnd = lloydSteps(train, start).at(-1)!;
  assert.ok(lloydEnd.converged && lloydEnd.relocated === 0, "Lloyd converges with no emptied cluster");
  const soft = softLloyd(train, start, { beta: 1e6, maxIterations: 300, tolerance: 0 }).at(-1)!;
  const gap = maxDifference(soft.centroids.data, lloydEnd.centroids.data);
  assert.ok(gap <= 1e-9, `soft Lloyd at beta 1e6 ends ${gap} from Lloyd`);
  // and the free energy is the K-means loss there
  assert.ok(Math.abs(soft.freeEnergy - validationScore(train, soft.centroids)) <= 1e-9);
});

Deno.test("at beta = 1e6, at Lloyd's centroids, the free energy and its gradient are K-means' to 1e-9", () => {
  // Measured: equal to the last bit there. Where a point lies within about 2e-5 of a tie between
  // two centroids (exp(-1e6 x 2e-5) = 2e-9) the two differ: 1.6e-5 in the gradient at the uniform
  // seed-0 start, whose centroids bunch in [0, 1)^2; AdamW's normalised steps carry such
  // differences on, so 150 epochs of the two gradient runs end 5e-4 apart.
  const lloydEnd = lloydSteps(train, initialCentroids(train, { k: 5, seed: 0 })).at(-1)!.centroids;
  const soft = softKMeansLossAndGradient(train.data, lloydEnd.data, { d: 2, k: 5, beta: 1e6 });
  const hard = kmeansLossAndGradient(train.data, lloydEnd.data, { d: 2, k: 5 });
  assert.ok(
    Math.abs(soft.losses[0] - hard.losses[0]) <= 1e-9,
    `loss ${soft.losses[0]} against ${hard.losses[0]}`,
  );
  const gap = maxDifference(soft.gradient, hard.gradient);
  assert.ok(gap <= 1e-9, `gradient ${gap} apart`);
});

Deno.test("the equal-weight mixture with sigma^2 = 1/(2 beta): NLL = beta F + log k + (d/2) log(pi/beta), and its mean gradient is beta times F's", () => {
  const k = 5, d = 2;
  for (const { beta, iterates } of fixture.cases) {
    const centroids = fromRows(iterates[3]);
    const sigma = Math.sqrt(1 / (2 * beta));
    const mixture = {
      means: centroids,
      sigmas: new Float64Array(k).fill(sigma),
      weights: new Float64Array(k).fill(1 / k),
    };
    const constant = Math.log(k) + (d / 2) * Math.log(Math.PI / beta);
    const nll = gmmNLL(train, mixture), energy = freeEnergy(train, centroids, { beta });
    assert.ok(
      Math.abs(nll - (beta * energy + constant)) <= 1e-12 * Math.abs(nll),
      `beta ${beta}: NLL ${nll}`,
    );
    // lib/mixture's gradient, parameters [mu, sigma, logit] per component, equal logits
    const parameters = new Float64Array(k * (d + 2));
    for (let j = 0; j < k; j++) parameters.set([...iterates[3][j], sigma, 0], j * (d + 2));
    const mixtureGrad = mixtureGradient(mixturePoints(train.data, { d }), parameters, { d });
    const { gradient } = softKMeansLossAndGradient(train.data, centroids.data, { d, k, beta });
    for (let j = 0; j < k; j++) {
      for (let t = 0; t < d; t++) {
        const expected = beta * gradient[j * d + t], actual = mixtureGrad[j * (d + 2) + t];
        assert.ok(
          Math.abs(actual - expected) <= 1e-10 * Math.max(1, Math.abs(expected)),
          `beta ${beta} centroid ${j}: mixture ${actual}, beta x soft ${expected}`,
        );
      }
    }
  }
});

Deno.test("firstCriticalBeta() is 1/(2 lambda_max) of NumPy's covariance, and annealing first splits there", () => {
  const critical = firstCriticalBeta(train);
  assert.ok(Math.abs(critical - 1 / (2 * fixture.lambdaMax)) <= 1e-12, `${critical}`);
  // A fine grid around it (ratio 1.0187 between betas): the first split is within two steps above.
  const mean = columnMeans(train);
  const start: Matrix = { rows: 5, cols: 2, data: Float64Array.from({ length: 10 }, (_, p) => mean[p % 2]) };
  const levels = anneal(train, start, { betaStart: 0.1, betaEnd: 0.3, levels: 60, maxIterations: 500 });
  const first = splits(levels)[0];
  const ratio = (0.3 / 0.1) ** (1 / 59);
  assert.ok(
    first.beta > critical && first.beta <= critical * ratio ** 2,
    `first split at ${first.beta}, theory ${critical}`,
  );
  assert.equal(levels.filter((level) => level.beta < critical).every((level) => level.groups === 1), true);
});

Deno.test("softAssign(): rows of responsibilities sum to 1 and stay finite at beta = 1e6", () => {
  const centroids = initialCentroids(train, { k: 5, seed: 0 });
  for (const beta of [1e-3, 1, 1e6]) {
    const { responsibilities, freeEnergy: energy } = softAssign(train, centroids, { beta });
    assert.ok(Number.isFinite(energy));
    for (let i = 0; i < train.rows; i += 97) {
      const row = responsibilities.data.subarray(i * 5, i * 5 + 5);
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) <= 1e-15, `beta ${beta} row ${i}`);
    }
  }
});

Deno.test("trainSoftKMeans(): both engines agree from the same start, and beta anneals geometrically", async () => {
  // Float32 against float64 through 150 AdamW steps: measured 1.3e-6 apart at beta 1.
  const initial = initialCentroids(train, { k: 5, seed: 0 });
  const fused = await fitSoftKMeans(train, { k: 5, beta: 1, initial, engine: "fused", reportEvery: 150 });
  const autodiff = await fitSoftKMeans(train, {
    k: 5,
    beta: 1,
    initial,
    engine: "autodiff",
    reportEvery: 150,
  });
  const gap = maxDifference(fused.centroids.data, autodiff.centroids.data);
  assert.ok(gap <= 1e-5, `engines ${gap} apart`);
  const betaAt = betaSchedule({ beta: 0.1, betaEnd: 1000, epochs: 5 });
  assert.deepEqual([1, 2, 3, 4, 5].map((e) => Number(betaAt(e).toPrecision(12))), [0.1, 1, 10, 100, 1000]);
});

Deno.test("bad beta: one DataError sentence", async () => {
  assert.throws(() => softLloyd(train, fromRows([[0, 0]]), { beta: 0 }), DataError);
  await assert.rejects(
    fitSoftKMeans(train, { k: 5, beta: NaN }),
    /beta = NaN must be a finite number above 0/,
  );
});
