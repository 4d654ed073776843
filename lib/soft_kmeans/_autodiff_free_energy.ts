/**
 * The `"autodiff"` engine's loss for soft K-means: the free energy written with stock TensorFlow.js
 * ops, for K-means' autodiff engine (`autodiffKMeans`) to differentiate with `tf.variableGrads`.
 * Private to `lib/`.
 *
 * The distances are K-means' cheap form on centred points (`kmeans/_autodiff_loss.ts`):
 * `||x_i - c_j||^2 = ||x_i||^2 + s_ij` with `s_ij = ||c_j||^2 - 2 x_i.c_j`, so that
 * `F = mean_i ||x_i||^2 - (1/(beta N)) sum_i log sum_j exp(-beta s_ij)`: one N x Rk matrix product and
 * a log-sum-exp over each run's k centroids, shifted by its maximum held constant (`shiftByMax`).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type { KMeansTensors } from "../kmeans/_autodiff_loss.js";
import { shiftByMax } from "../mixture/_autodiff_nll.js";

/**
 * The free energy of each of R runs (shape [R]) for `centroids` (R*k x d, run r's centroids in rows
 * r*k .. r*k+k-1) at `beta`, with stock ops only.
 */
export function freeEnergies(
  { augmented, mean, meanSquaredNorm }: KMeansTensors,
  centroids: tf.Tensor2D,
  { k, beta }: { k: number; beta: number },
): tf.Tensor1D {
  const n = augmented.shape[1], rows = centroids.shape[0];
  const c = tf.sub(centroids, mean);
  // [2 beta c, -beta ||c||^2], Rk x (d + 1): its product with [x, 1]^T is -beta s_ij, Rk x N
  const weights = tf.concat([tf.mul(c, 2 * beta), tf.mul(tf.sum(tf.square(c), 1, true), -beta)], 1);
  const { shifted, max } = shiftByMax(tf.reshape(tf.matMul(weights, augmented), [rows / k, k, n]), 1);
  const logSumExp = tf.add(tf.log(tf.sum(tf.exp(shifted), 1)), tf.reshape(max, [rows / k, n])); // R x N
  max.dispose();
  return tf.add(tf.mul(tf.mean(logSumExp, 1), -1 / beta), meanSquaredNorm) as tf.Tensor1D;
}
