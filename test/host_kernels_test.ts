// The fused host kernels (lib/_host_kernels.ts) on the CPU and WASM backends: each equals the
// stock-op computation it replaces, and training gives the same result on both backends.
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import { ADAMW_KERNEL, AdamWOptimizer } from "../lib/adamw.js";
import { fusedMixtureGradient, hasMixtureKernel, MIXTURE_KERNEL } from "../lib/_mixture_kernel.js";
import { mixtureGradient, prepareMixturePoints } from "../lib/_gmm_tensors.js";
import { fitGradientKMeans } from "../lib/gradient_kmeans.js";
import {
  defaultAggregation,
  disposePrepared,
  kmeansLossAndGradient,
  preparePoints,
} from "../lib/_kmeans_tensors.js";
import { takeRows } from "../lib/matrix.js";
import { parseNpy } from "../lib/npy.js";
import { RandomState } from "../lib/random_state.js";
import { split } from "../lib/split.js";

const BACKENDS = ["cpu", "wasm"];

/** Runs `body` with `backend` active, then goes back to the CPU backend the other tests expect. */
async function withBackend(backend: string, body: () => Promise<void>): Promise<void> {
  assert.ok(await tf.setBackend(backend), `the ${backend} backend initialises`);
  await tf.ready();
  try {
    await body();
  } finally {
    await tf.setBackend("cpu");
  }
}

function normals(rng: RandomState, length: number, scale = 1): Float32Array {
  return Float32Array.from({ length }, () => scale * rng.standardNormal());
}

/** |a - b| <= atol + rtol |b| elementwise, naming the first index that is not. */
function assertClose(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  { rtol = 1e-5, atol = 1e-6 } = {},
  what = "",
) {
  assert.equal(a.length, b.length, `${what}: lengths`);
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i]), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
  }
}

for (const backend of BACKENDS) {
  Deno.test(`kmeansLossAndGradient() fused equals the bincount ops on ${backend}, for d = 2 and 3 and R = 1 and 3`, async () => {
    await withBackend(backend, async () => {
      assert.equal(defaultAggregation(), "fused");
      const rng = new RandomState(11);
      const before = tf.memory().numTensors;
      for (const [n, d, k, restarts] of [[500, 2, 5, 1], [500, 2, 3, 3], [300, 3, 4, 1], [300, 3, 1, 3]]) {
        const x = normals(rng, n * d);
        const centroids = normals(rng, restarts * k * d);
        const results = [];
        // Not "onehot" here: tfjs-backend-wasm 4.22's oneHot ignores dtype "float32" (it writes int32 bits).
        for (const aggregation of ["fused", "bincount"] as const) {
          const prepared = preparePoints(x, { rows: n, cols: d, k, restarts, aggregation });
          const [losses, gradient] = tf.tidy(() => {
            const { losses, gradient } = kmeansLossAndGradient(
              prepared,
              tf.tensor2d(centroids, [restarts * k, d]),
            );
            return [losses, gradient];
          });
          results.push({ losses: await losses.data(), gradient: await gradient.data() });
          tf.dispose([losses, gradient]);
          disposePrepared(prepared);
        }
        const what = `n ${n}, d ${d}, k ${k}, R ${restarts}`;
        assertClose(results[0].losses, results[1].losses, { rtol: 1e-5 }, `${what} losses`);
        assertClose(results[0].gradient, results[1].gradient, { atol: 1e-5 }, `${what} gradient`);
      }
      assert.equal(tf.memory().numTensors, before);
    });
  });

  Deno.test(`the fused K-means kernel makes the loss NaN when a centroid is NaN, on ${backend}`, async () => {
    await withBackend(backend, async () => {
      const prepared = preparePoints([0, 0, 1, 1, 2, 2], { rows: 3, cols: 2, k: 2 });
      const losses = tf.tidy(() =>
        kmeansLossAndGradient(prepared, tf.tensor2d([0, 0, NaN, 1], [2, 2])).losses
      );
      assert.ok(Number.isNaN((await losses.data())[0]));
      losses.dispose();
      disposePrepared(prepared);
    });
  });

  Deno.test(`AdamWOptimizer's fused step equals its op-by-op step on ${backend}`, async () => {
    await withBackend(backend, async () => {
      const rng = new RandomState(5);
      const start = normals(rng, 12), gradients = Array.from({ length: 20 }, () => normals(rng, 12, 3));
      const trajectory = async () => {
        const w = tf.variable(tf.tensor2d(start, [6, 2]));
        const optimizer = new AdamWOptimizer({ learningRate: 0.1 });
        for (const g of gradients) {
          tf.tidy(() => optimizer.applyGradients({ [w.name]: tf.tensor2d(g, [6, 2]) }));
        }
        const values = await w.data();
        optimizer.dispose();
        w.dispose();
        return values;
      };
      const fused = await trajectory();
      const kernel = tf.getKernel(ADAMW_KERNEL, backend)!;
      tf.unregisterKernel(ADAMW_KERNEL, backend);
      try {
        assertClose(fused, await trajectory(), { atol: 1e-5 }, "parameters after 20 steps");
      } finally {
        tf.registerKernel(kernel);
      }
    });
  });

  Deno.test(`fusedMixtureGradient() equals mixtureGradient()'s ops on ${backend}`, async () => {
    await withBackend(backend, async () => {
      assert.ok(hasMixtureKernel());
      const rng = new RandomState(9);
      for (const [n, d, k] of [[400, 2, 5], [300, 3, 2], [200, 2, 1]]) {
        const points = prepareMixturePoints(normals(rng, n * d), n, d);
        const packed = Float32Array.from({ length: k * (d + 2) }, (_, p) => {
          const t = p % (d + 2);
          return t < d ? rng.standardNormal() : t === d ? 0.3 + rng.randomSample() : rng.randomSample();
        });
        const parameters = tf.tensor2d(packed, [k, d + 2]);
        const a = tf.tidy(() => fusedMixtureGradient(points.augmented, parameters, { withLoss: true }));
        // The stock ops, even once mixtureGradient() dispatches to the kernel itself.
        const kernel = tf.getKernel(MIXTURE_KERNEL, backend)!;
        tf.unregisterKernel(MIXTURE_KERNEL, backend);
        let b;
        try {
          b = tf.tidy(() => mixtureGradient(points, parameters, { withLoss: true }));
        } finally {
          tf.registerKernel(kernel);
        }
        const what = `n ${n}, d ${d}, k ${k}`;
        assertClose(await a.loss!.data(), await b.loss!.data(), { rtol: 1e-5 }, `${what} loss`);
        assertClose(
          await a.gradient.data(),
          await b.gradient.data(),
          { rtol: 1e-3, atol: 1e-4 },
          `${what} gradient`,
        );
        tf.dispose([a.gradient, a.loss!, b.gradient, b.loss!, parameters, points.augmented]);
      }
    });
  });
}

Deno.test("gradient K-means on data2D trains to the same centroids on the CPU and WASM backends", async () => {
  const data2D = parseNpy(await Deno.readFile(new URL("../src/data/data2D.npy", import.meta.url)));
  const { train, valid } = split(data2D.rows, { validDivisor: 4 });
  const fits: Awaited<ReturnType<typeof fitGradientKMeans>>[] = [];
  for (const backend of BACKENDS) {
    await withBackend(backend, async () => {
      fits.push(
        await fitGradientKMeans(takeRows(data2D, train), {
          k: 5,
          valid: takeRows(data2D, valid),
          reportEvery: 150,
        }),
      );
    });
  }
  assert.deepEqual(fits[1].centroids, fits[0].centroids);
  assert.equal(fits[1].validScore, fits[0].validScore);
});
