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
import { autodiffEngine } from "./_autodiff.js";
import type { AdamWOptions } from "./adamw.js";
import type { TrainingEngine } from "./engine.js";
import { columnMeans } from "./fused.js";
import type { Matrix } from "./matrix.js";

/** The training points as the loss reads them, uploaded once per run. */
export interface KMeansTensors {
  /** Twice the centred points, N x d, float32 (the factor 2 of `2 x.c`, applied once). */
  twicePoints: tf.Tensor2D;
  /** The column means the points were centred by, 1 x d. */
  centre: tf.Tensor2D;
  /** Mean over the points of `||x - centre||^2`, computed in float64 on the host. */
  meanSquaredNorm: number;
}

/** Centres and uploads the points. */
export function kmeansTensors(points: Matrix): KMeansTensors {
  const { rows, cols: d } = points;
  const mean = columnMeans(points.data, { d });
  const twice = Float32Array.from(points.data, (value, p) => 2 * (value - mean[p % d]));
  let sum = 0;
  for (let p = 0; p < points.data.length; p++) sum += (points.data[p] - mean[p % d]) ** 2;
  return {
    twicePoints: tf.tensor2d(twice, [rows, d]),
    centre: tf.tensor2d(Float32Array.from(mean), [1, d]),
    meanSquaredNorm: sum / rows,
  };
}

/**
 * The notebook's loss of each of R runs (shape [R]) for `centroids` (R*k x d, run r's centroids
 * in rows r*k .. r*k+k-1), with stock ops only, so that `tf.grad` can differentiate it.
 */
export function kmeansLosses(
  { twicePoints, centre, meanSquaredNorm }: KMeansTensors,
  centroids: tf.Tensor2D,
  { k }: { k: number },
): tf.Tensor1D {
  const n = twicePoints.shape[0], rows = centroids.shape[0];
  const c = tf.sub(centroids, centre);
  // ||c_j||^2 - 2 x_i.c_j for every point and centroid: N x Rk
  const scores = tf.sub(tf.sum(tf.square(c), 1), tf.matMul(twicePoints, c, false, true));
  const nearest = tf.min(tf.reshape(scores, [n, rows / k, k]), 2);
  return tf.add(tf.mean(nearest, 0), meanSquaredNorm) as tf.Tensor1D;
}

/** The autodiff engine for R = `initial.length / (k * d)` runs of k centroids, trained by AdamW. */
export function autodiffKMeans(
  points: Matrix,
  initial: Float64Array,
  { k, optimizer }: { k: number; optimizer: AdamWOptions },
): TrainingEngine {
  const tensors = kmeansTensors(points);
  return autodiffEngine(initial, {
    restarts: initial.length / (k * points.cols),
    cols: points.cols,
    optimizer,
    losses: (centroids) => kmeansLosses(tensors, centroids as tf.Tensor2D, { k }),
    constants: [tensors.twicePoints, tensors.centre],
  });
}
