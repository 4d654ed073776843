/**
 * The `"autodiff"` engine for K-means: the notebook's loss written with stock TensorFlow.js ops
 * and differentiated by `tf.variableGrads` (see `_autodiff.ts`). Private to `lib/`.
 *
 * The notebook's loss for one set of centroids c_1..c_k is `L = (1/N) sum_i min_j ||x_i - c_j||^2`.
 * It is written here in its cheap form, `mean_i ||x_i||^2 + mean_i min_j (||c_j||^2 - 2 x_i.c_j)`:
 * one N x Rk matrix product for every point, centroid and run, a min over each run's k centroids
 * and a mean, instead of the notebook's N x k x d broadcast. `||x||^2` is a constant, computed once
 * in double precision. The points are centred once (and the centroids inside the loss): that
 * leaves the loss and its gradient unchanged but keeps `||x||^2` and `x.c` small, which is what
 * float32 needs for the expanded square to lose little to cancellation. The variable holds the
 * uncentred centroids, since AdamW's weight decay pulls them towards 0, not towards the mean.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { autodiffEngine } from "../gradient/_autodiff.js";
import type { OptimizerSettings } from "../gradient/optimizers.js";
import type { TrainingEngine } from "../gradient/engine.js";
import type { MiniBatches } from "../gradient/_mini_batches.js";
import { columnMeans, type Matrix } from "../matrix.js";

/** The training points as the loss reads them, uploaded once per run. */
export interface KMeansTensors {
  /** `[x - mean, 1]^T`: the centred points with a row of ones, (d + 1) x N, float32. */
  augmented: tf.Tensor2D;
  /** The column means the points were centred by, 1 x d. */
  mean: tf.Tensor2D;
  /** Mean over the points of `||x - mean||^2`, computed in float64 on the host. */
  meanSquaredNorm: number;
}

/** Centres and uploads the points. */
export function kmeansTensors(points: Matrix): KMeansTensors {
  const { rows: n, cols: d } = points;
  const mean = columnMeans(points);
  const augmented = new Float32Array((d + 1) * n).fill(1);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < d; t++) {
      const value = points.data[i * d + t] - mean[t];
      augmented[t * n + i] = value;
      sum += value * value;
    }
  }
  return {
    augmented: tf.tensor2d(augmented, [d + 1, n]),
    mean: tf.tensor2d(Float32Array.from(mean), [1, d]),
    meanSquaredNorm: sum / n,
  };
}

/**
 * The notebook's loss of each of R runs (shape [R]) for `centroids` (R*k x d, run r's centroids
 * in rows r*k .. r*k+k-1), with stock ops only, so that `tf.variableGrads` can differentiate it.
 *
 * Layout: centroids along the rows and points along the columns, so that the minimum over each
 * run's centroids reduces `[R, k, N]` over its middle axis and its gradient compares against a
 * `[R, 1, N]` minimum (fast on WASM with `_wasm_broadcast.ts`).
 */
export function kmeansLosses(
  { augmented, mean, meanSquaredNorm }: KMeansTensors,
  centroids: tf.Tensor2D,
  { k }: { k: number },
): tf.Tensor1D {
  const n = augmented.shape[1], rows = centroids.shape[0];
  const c = tf.sub(centroids, mean);
  // [-2c, ||c||^2], Rk x (d + 1): its product with [x, 1]^T is ||c_j||^2 - 2 c_j.x_i, Rk x N
  const weights = tf.concat([tf.mul(c, -2), tf.sum(tf.square(c), 1, true)], 1);
  const scores = tf.reshape(tf.matMul(weights, augmented), [rows / k, k, n]);
  const nearest = tf.min(scores, 1); // R x N
  return tf.add(tf.mean(nearest, 1), meanSquaredNorm) as tf.Tensor1D;
}

/**
 * The autodiff engine for R = `initial.length / (k * d)` runs of k centroids, trained by `optimizer` on
 * `losses` (default {@link kmeansLosses}; soft K-means passes its free energy at the epoch's beta).
 */
export function autodiffKMeans(
  { windows, windowOf }: Pick<MiniBatches, "windows" | "windowOf">,
  initial: Float64Array,
  { k, optimizer, losses = (tensors, centroids) => kmeansLosses(tensors, centroids, { k }) }: {
    k: number;
    optimizer: OptimizerSettings;
    losses?: (tensors: KMeansTensors, centroids: tf.Tensor2D, epoch: number) => tf.Tensor1D;
  },
): TrainingEngine {
  const tensors = windows.map(kmeansTensors), d = windows[0].cols;
  return autodiffEngine(initial, {
    restarts: initial.length / (k * d),
    cols: d,
    optimizer,
    losses: (centroids, epoch) => losses(tensors[windowOf(epoch)], centroids as tf.Tensor2D, epoch),
    constants: tensors.flatMap(({ augmented, mean }) => [augmented, mean]),
  });
}
