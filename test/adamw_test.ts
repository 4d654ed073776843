import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
// Autodiff, which lib/ never uses, checks the analytic gradients here: the full tfjs package
// (a devDependency, never bundled into pages) registers every gradient on the same tfjs-core.
import "@tensorflow/tfjs";
import { AdamWOptimizer } from "../lib/gradient/adamw.js";
import { notebookKMeansLoss } from "./_notebook_loss.js";

await tf.setBackend("cpu");

/** Made by test/testdata/make_adamw_fixture.py (PyTorch's AdamW, float64). */
interface Step {
  loss: number;
  grad: number[][];
  params: number[][];
  expAvg: number[][];
  expAvgSq: number[][];
}
interface Problem {
  initial: number[][];
  steps: Step[];
}
const fixture: {
  optimizer: { lr: number; betas: [number, number]; eps: number; weightDecay: number };
  quadratic: Problem & { C: number[][]; T: number[][] };
  kmeans: Problem & { points: number[][] };
} = JSON.parse(await Deno.readTextFile(new URL("./testdata/adamw_fixture.json", import.meta.url)));

const { lr, betas, eps, weightDecay } = fixture.optimizer;
const pytorchSettings = { learningRate: lr, beta1: betas[0], beta2: betas[1], epsilon: eps, weightDecay };

// Tolerance. TensorFlow.js computes in float32 (unit roundoff 2^-24 ~ 6e-8) what PyTorch computed
// in float64. One AdamW step is about ten float32 operations on values of order 1, adding an error
// of a few 1e-7; Adam's normalised step m / sqrt(v) does not amplify it (both are rounded alike),
// and over 20 steps the errors could add to a few 1e-6. Measured: at most 6.1e-7 given PyTorch's
// gradients, 5.2e-7 when TensorFlow.js computes the gradients too. We allow 2e-5 absolute plus 2e-5
// relative, about 30 times that, and still a thousand times below what a wrong update gives:
// dropping the weight decay, or plain tf.train.adam, ends 2e-2 to 4e-2 away after 20 steps.
const ABSOLUTE = 2e-5, RELATIVE = 2e-5;

/** A variable holding `values`, without leaving the initial tensor behind. */
function variableOf(values: number[][] | number[]): tf.Variable {
  return tf.tidy(() => tf.variable(tf.tensor(values)));
}

function assertClose(actual: ArrayLike<number>, expected: number[][], what: string): number {
  const flat = expected.flat();
  assert.equal(actual.length, flat.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < flat.length; i++) {
    const error = Math.abs(actual[i] - flat[i]);
    worst = Math.max(worst, error);
    assert.ok(
      error <= ABSOLUTE + RELATIVE * Math.abs(flat[i]),
      `${what}[${i}]: got ${actual[i]}, PyTorch ${flat[i]} (difference ${error})`,
    );
  }
  return worst;
}

Deno.test("AdamWOptimizer defaults are PyTorch's", () => {
  const optimizer = new AdamWOptimizer();
  assert.deepEqual(optimizer.getConfig(), {
    learningRate: 1e-3,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-8,
    weightDecay: 0.01,
  });
  assert.deepEqual(
    {
      beta1: optimizer.beta1,
      beta2: optimizer.beta2,
      epsilon: optimizer.epsilon,
      weightDecay: optimizer.weightDecay,
    },
    { beta1: betas[0], beta2: betas[1], epsilon: eps, weightDecay },
  );
  optimizer.dispose();
});

Deno.test("AdamWOptimizer.applyGradients() follows PyTorch's AdamW given PyTorch's gradients", async () => {
  for (const name of ["quadratic", "kmeans"] as const) {
    const problem = fixture[name];
    const params = variableOf(problem.initial);
    const optimizer = new AdamWOptimizer(pytorchSettings);
    for (const [index, step] of problem.steps.entries()) {
      const gradient = tf.tensor2d(step.grad);
      optimizer.applyGradients({ [params.name]: gradient });
      gradient.dispose();
      assertClose(await params.data(), step.params, `${name} step ${index + 1} params`);
    }
    assert.equal(optimizer.iterations, problem.steps.length);
    optimizer.dispose();
    params.dispose();
  }
});

Deno.test("AdamWOptimizer.minimize() retraces PyTorch's trajectory on a quadratic", async () => {
  const { C, T, initial, steps } = fixture.quadratic;
  const curvature = tf.tensor2d(C), target = tf.tensor2d(T);
  const params = variableOf(initial);
  const optimizer = new AdamWOptimizer(pytorchSettings);
  for (const [index, step] of steps.entries()) {
    const loss = optimizer.minimize(
      () => tf.sum(tf.mul(curvature, tf.square(tf.sub(params, target)))),
      true,
    )!;
    assert.ok(
      Math.abs((await loss.data())[0] - step.loss) <= ABSOLUTE + RELATIVE * step.loss,
      `loss at step ${index + 1}`,
    );
    loss.dispose();
    assertClose(await params.data(), step.params, `step ${index + 1} params`);
  }
  tf.dispose([curvature, target, params]);
  optimizer.dispose();
});

Deno.test("AdamWOptimizer.minimize() retraces PyTorch's trajectory on the notebook's K-means loss", async () => {
  const { points, initial, steps } = fixture.kmeans;
  const x = tf.tensor2d(points);
  const centroids = variableOf(initial);
  const optimizer = new AdamWOptimizer(pytorchSettings);
  for (const [index, step] of steps.entries()) {
    optimizer.minimize(() => notebookKMeansLoss(x, centroids));
    assertClose(await centroids.data(), step.params, `step ${index + 1} centroids`);
  }
  tf.dispose([x, centroids]);
  optimizer.dispose();
});

Deno.test("AdamWOptimizer differs measurably from tf.train.adam (the weight decay and corrections matter)", async () => {
  const { C, T, initial, steps } = fixture.quadratic;
  const curvature = tf.tensor2d(C), target = tf.tensor2d(T);
  const params = variableOf(initial);
  const adam = tf.train.adam(lr, betas[0], betas[1], eps);
  for (let i = 0; i < steps.length; i++) {
    adam.minimize(() => tf.sum(tf.mul(curvature, tf.square(tf.sub(params, target)))));
  }
  const got = await params.data();
  const expected = steps.at(-1)!.params.flat();
  const worst = Math.max(...expected.map((value, i) => Math.abs(got[i] - value)));
  assert.ok(
    worst > 10 * (ABSOLUTE + RELATIVE),
    `plain Adam is only ${worst} away, the test could not tell them apart`,
  );
  tf.dispose([curvature, target, params]);
  adam.dispose();
});

Deno.test("AdamWOptimizer keeps two slots per variable, tidies each step and frees them on dispose()", () => {
  const before = tf.memory().numTensors;
  const a = variableOf([[1, 1], [1, 1], [1, 1]]), b = variableOf([0, 0, 0, 0]);
  const optimizer = new AdamWOptimizer({ learningRate: 0.1 });
  optimizer.minimize(() => tf.add(tf.sum(tf.square(a)), tf.sum(tf.square(tf.sub(b, 1)))));
  const afterFirst = tf.memory().numTensors;
  assert.equal(afterFirst, before + 2 + 4, "two variables and two slots each");
  for (let i = 0; i < 5; i++) {
    optimizer.minimize(() => tf.add(tf.sum(tf.square(a)), tf.sum(tf.square(tf.sub(b, 1)))));
  }
  assert.equal(tf.memory().numTensors, afterFirst, "steps leave no tensors behind");
  optimizer.dispose();
  tf.dispose([a, b]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("AdamWOptimizer leaves a variable without a gradient untouched", async () => {
  const a = variableOf([1, 1]), b = variableOf([1, 1]);
  const optimizer = new AdamWOptimizer({ learningRate: 0.1 });
  const gradient = tf.ones([2]);
  optimizer.applyGradients([{ name: a.name, tensor: gradient }]);
  assert.deepEqual(Array.from(await b.data()), [1, 1]);
  assert.notDeepEqual(Array.from(await a.data()), [1, 1]);
  tf.dispose([a, b, gradient]);
  optimizer.dispose();
});

Deno.test("AdamWOptimizer rejects invalid hyper-parameters with a message naming them", () => {
  assert.throws(() => new AdamWOptimizer({ beta1: 1 }), /beta1 = 1 is invalid/);
  assert.throws(() => new AdamWOptimizer({ learningRate: NaN }), /learningRate = NaN/);
  assert.throws(() => new AdamWOptimizer({ weightDecay: -1 }), /weightDecay = -1/);
});
