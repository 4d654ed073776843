import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { DataError } from "../lib/errors.js";
import { tfOptimizer } from "../lib/gradient/adamw.js";
import {
  checkOptimizer,
  NOTEBOOK_OPTIMIZERS,
  type Optimizer,
  type OptimizerName,
  OPTIMIZERS,
  optimizerStep,
} from "../lib/gradient/optimizers.js";
import { initialCentroids, trainGradientKMeans } from "../lib/kmeans/gradient_kmeans.js";
import { initialMixture, trainGradientMixture } from "../lib/mixture/gradient_mixture.js";
import { fromRows, takeRows } from "../lib/matrix.js";
import { parseNpy } from "../lib/io/npy.js";
import { split } from "../lib/random/split.js";
import { assertRelativelyClose } from "./_testdata.js";

await tf.setBackend("cpu");

/** Made by test/testdata/make_optimizer_race_fixture.py (torch.optim, float64). */
interface Step {
  loss: number;
  /** One flattened array per PyTorch parameter (K-means: the centroids; mixture: logits, mu, sigma). */
  grad: number[][];
  params: number[][];
}
interface Runs {
  runs: Record<OptimizerName, { lr?: number; steps: Step[] }>;
}
const fixture: {
  kmeans: Runs & { k: number; seed: number; epochs: number; initial: number[][] };
  mixture: Runs & {
    k: number;
    seed: number;
    epochs: number;
    lr: number;
    initialLogits: number[];
    initialMeans: number[][];
    initialSigmas: number[];
  };
} = JSON.parse(await Deno.readTextFile(new URL("./testdata/optimizer_race_fixture.json", import.meta.url)));

const data2D = parseNpy(await Deno.readFile(new URL("../src/data/data2D.npy", import.meta.url)));
const dataFor = (validDivisor: number) => {
  const indices = split(data2D.rows, { validDivisor });
  return { train: takeRows(data2D, indices.train), valid: takeRows(data2D, indices.valid) };
};

/** The fixture's optimizers as ours: momentum mu 0.9; K-means Adam(W) at PyTorch's defaults, the mixture's at the notebook's. */
function optimizerOf(name: OptimizerName, model: "kmeans" | "mixture"): Optimizer {
  const adam = model === "kmeans"
    ? { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }
    : { beta1: 0.9, beta2: 0.99, epsilon: 1e-5 };
  if (name === "sgd") return { name };
  if (name === "momentum") return { name, momentum: 0.9 };
  if (name === "adam") return { name, ...adam };
  return { name, ...adam, weightDecay: 0.01 };
}

/** The largest |a - b| / max(1, |b|) over two equally long arrays. */
function worstDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.equal(actual.length, expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
  }
  return worst;
}

// Tolerance 1e-12. Given PyTorch's own gradient, our step is the same float64 operations as torch.optim's
// in the same order; the only freedom left is rounding (PyTorch's vectorised kernels may fuse a multiply
// and an add, which rounds once where JavaScript rounds twice), a few units in the last place (1e-16) per
// step. Over 150 steps that stays below 1e-14; 1e-12 leaves a hundred times that, and a wrong rule (a
// dampened momentum, Adam's weight decay coupled, a missing bias correction) moves the parameters by 1e-4
// or more within the first steps.
const STEP_TOLERANCE = 1e-12;

for (const model of ["kmeans", "mixture"] as const) {
  Deno.test(`optimizerStep() takes torch.optim's steps on the ${model} loss, given PyTorch's gradients`, () => {
    const { runs } = fixture[model];
    for (const name of OPTIMIZERS) {
      const { steps, lr = fixture.mixture.lr } = runs[name];
      const settings = { ...optimizerOf(name, model), learningRate: lr };
      // The fixture's parameters before the first step: the start it recorded, flattened alike.
      const p = Float64Array.from(model === "kmeans" ? fixture.kmeans.initial.flat() : mixtureStart());
      const m = new Float64Array(p.length), v = new Float64Array(p.length);
      for (const [index, step] of steps.entries()) {
        optimizerStep({ p, m, v, g: step.grad.flat() }, { step: index + 1, ...settings });
        const difference = worstDifference(p, step.params.flat());
        assert.ok(difference <= STEP_TOLERANCE, `${name}, step ${index + 1}: differs by ${difference}`);
      }
    }
  });
}

/** The mixture fixture's start, flattened as PyTorch's [logits, mu, sigma]. */
function mixtureStart(): number[] {
  const { initialLogits, initialMeans, initialSigmas } = fixture.mixture;
  return [...initialLogits, ...initialMeans.flat(), ...initialSigmas];
}

// The trainers' own trajectories: the fused engine computes the gradient analytically (sums in another
// order than autograd's), so each epoch adds rounding of about 1e-16 relative; measured over 150 epochs at
// most 6e-15 in the centroids and 1.3e-14 in the loss (the mixture: 1.9e-14 in 50 epochs), so the
// same 1e-12 holds. The autodiff engine computes in float32 (unit roundoff 6e-8): measured over the first
// 30 K-means epochs at most 8.7e-7 for SGD, momentum and AdamW, and over the mixture's 50 at most 6.2e-7;
// we allow 1e-5, where a wrong update is off by 1e-2 or more. Adam's K-means run is the exception:
// it jumps from 6e-7 to 1.4e-5 at epoch 5 and grows to 7.6e-4 by epoch 30 (Adam divides by the root of
// the squared gradients, so where a centroid's gradient is nearly zero a float32 rounding becomes a
// step of up to lr); it gets 2e-3.
const FLOAT32_TOLERANCE = 1e-5, FLOAT32_ADAM_TOLERANCE = 2e-3;

Deno.test("trainGradientKMeans() with each optimizer retraces torch.optim's trajectory on data2D", async () => {
  const { train } = dataFor(4);
  const { k, seed, epochs, initial, runs } = fixture.kmeans;
  assert.deepEqual(Array.from(initialCentroids(train, { k, seed }).data), initial.flat());
  for (
    const [engine, trained, tolerance] of [["fused", epochs, STEP_TOLERANCE], [
      "autodiff",
      30,
      FLOAT32_TOLERANCE,
    ]] as const
  ) {
    for (const name of OPTIMIZERS) {
      const { lr, steps } = runs[name];
      const optimizer = optimizerOf(name, "kmeans");
      let last = 0;
      for await (
        const step of trainGradientKMeans(train, {
          k,
          seed,
          lr,
          epochs: trained,
          optimizer,
          reportEvery: 1,
          engine,
        })
      ) {
        const what = `${engine} ${name}, epoch ${step.epoch}`;
        const difference = worstDifference(step.centroids.data, steps[step.epoch - 1].params.flat());
        const allowed = engine === "autodiff" && name === "adam" ? FLOAT32_ADAM_TOLERANCE : tolerance;
        assert.ok(difference <= allowed, `${what}: the centroids differ by ${difference}`);
        // PyTorch's loss at step e + 1 is that of the centroids after e steps.
        const loss = steps[step.epoch]?.loss;
        if (loss !== undefined) assertRelativelyClose(step.trainLoss, loss, allowed, `${what}: the loss`);
        last = step.epoch;
      }
      assert.equal(last, trained);
    }
  }
});

Deno.test("trainGradientMixture() with each optimizer retraces torch.optim's trajectory on data2D", async () => {
  const { train } = dataFor(3);
  const { k, seed, epochs, lr, runs } = fixture.mixture;
  const start = initialMixture(train, { k, seed });
  assert.deepEqual([...start.logits, ...start.means.data, ...start.sigmas], mixtureStart());
  for (const [engine, tolerance] of [["fused", STEP_TOLERANCE], ["autodiff", FLOAT32_TOLERANCE]] as const) {
    for (const name of OPTIMIZERS) {
      const { steps } = runs[name];
      const optimizer = optimizerOf(name, "mixture");
      let last = 0;
      for await (
        const step of trainGradientMixture(train, { k, seed, lr, epochs, optimizer, reportEvery: 1, engine })
      ) {
        const [, mu, sigma] = steps[step.epoch - 1].params;
        const difference = Math.max(
          worstDifference(step.means.data, mu),
          worstDifference(step.sigmas, sigma.map(Math.abs)),
        );
        assert.ok(
          difference <= tolerance,
          `${engine} ${name}, epoch ${step.epoch}: differs by ${difference}`,
        );
        last = step.epoch;
      }
      assert.equal(last, epochs);
    }
  }
});

Deno.test("the trainers' default optimizers are the notebook's AdamW and Adam", async () => {
  const { train } = dataFor(4);
  const options = { k: 3, seed: 1, epochs: 20, reportEvery: 20 };
  const [byDefault] = await Array.fromAsync(trainGradientKMeans(train, options));
  const [named] = await Array.fromAsync(
    trainGradientKMeans(train, { ...options, optimizer: NOTEBOOK_OPTIMIZERS.kmeans }),
  );
  assert.deepEqual(named.centroids.data, byDefault.centroids.data);
  assert.deepEqual(NOTEBOOK_OPTIMIZERS, {
    kmeans: { name: "adamw", beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01 },
    mixture: { name: "adam", beta1: 0.9, beta2: 0.99, epsilon: 1e-5, weightDecay: 0 },
  });
});

Deno.test("checkOptimizer() and the trainers reject a bad optimizer with one sentence naming it", () => {
  const points = fromRows([[0, 0], [1, 1], [2, 2]]);
  const cases: [unknown, RegExp][] = [
    [
      { name: "rmsprop", learningRate: 0.1 },
      /optimizer "rmsprop" is unknown; use one of sgd, momentum, adam, adamw/,
    ],
    [{ name: "momentum", momentum: -0.5, learningRate: 0.1 }, /SGD with momentum momentum = -0.5 is invalid/],
    [{ name: "adam", beta1: 1, beta2: 0.999, epsilon: 1e-8, learningRate: 0.1 }, /Adam beta1 = 1 is invalid/],
    [
      { name: "adamw", beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: NaN, learningRate: 0.1 },
      /AdamW weightDecay = NaN/,
    ],
  ];
  for (const [settings, message] of cases) {
    assert.throws(() => checkOptimizer(settings as Parameters<typeof checkOptimizer>[0]), message);
  }
  assert.throws(
    () => trainGradientKMeans(points, { k: 2, optimizer: { name: "momentum", momentum: Infinity } }),
    DataError,
  );
  assert.throws(() => trainGradientMixture(points, { k: 2, optimizer: { name: "sgd" }, lr: -1 }), /lr = -1/);
});

Deno.test("tfOptimizer() makes each optimizer and frees what it holds on dispose()", () => {
  const before = tf.memory().numTensors;
  for (const name of OPTIMIZERS) {
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1, -2])));
    const optimizer = tfOptimizer({ ...optimizerOf(name, "kmeans"), learningRate: 0.1 });
    const gradient = tf.tensor1d([0.5, 0.5]);
    optimizer.applyGradients({ [w.name]: gradient });
    tf.dispose([w, gradient]);
    optimizer.dispose();
    assert.equal(tf.memory().numTensors, before, name);
  }
});
