/**
 * The mixture's loss and its exact gradient as a few TensorFlow.js ops. Private to
 * `gradient_gmm.ts` (exported for its tests).
 *
 * Parameters are packed in one k x (d + 2) tensor, row j = `[mu_j, sigma_j, a_j]` (mean, standard
 * deviation, logit), so that Adam updates one variable instead of three (Adam is elementwise, so
 * this changes nothing but the number of ops). The notebook's loss is
 * `L = -(1/N) sum_i log sum_j exp(l_ij)` with
 * `l_ij = log pi_j - 0.5 (||x_i - mu_j||^2 / s_j^2 + d log(2 pi) + d log s_j^2)`, s_j = sigma_j and
 * pi = softmax(a). Expanding the square, `l_ij = w_j . [x_i, 1, ||x_i||^2]` with
 * `w_j = [mu_j / s_j^2, c_j, -1 / (2 s_j^2)]` and
 * `c_j = log pi_j - ||mu_j||^2 / (2 s_j^2) - (d / 2) (log(2 pi) + log s_j^2)`: the whole k x N
 * matrix is one product with the points prepared once as `A = [x, 1, ||x||^2]`.
 *
 * With the responsibilities r_ij = softmax_j(l_ij), the second product `r A` gives, per
 * component, `S_j = sum_i r_ij x_i`, `R_j = sum_i r_ij` and `T_j = sum_i r_ij ||x_i||^2`, and
 * from them the gradient:
 * - `dL/da_j = pi_j - R_j / N`
 * - `dL/dmu_j = (R_j mu_j - S_j) / (N s_j^2)`
 * - `dL/ds_j = (d R_j - Q_j / s_j^2) / (N s_j)`, with
 *   `Q_j = sum_i r_ij ||x_i - mu_j||^2 = T_j - 2 mu_j.S_j + R_j ||mu_j||^2`.
 * Two matrix products and a few dozen tiny ops replace autodiff's tape and backward pass (so no
 * `tf.customGrad` is needed: the gradient goes straight to the optimizer). The caller centres the
 * points, which keeps `||x||^2` small so the expanded square loses little to float32 cancellation.
 *
 * Layout: components along the rows, points along the columns. TensorFlow.js's CPU backend
 * broadcasts a length-N vector over the last axis in its fast loop, but an N x 1 column through
 * per-element index arithmetic about ten times slower; per-point shifts and normalisations are
 * therefore length-N vectors against k x N matrices.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { fusedMixtureGradient, hasMixtureKernel } from "./_mixture_kernel.js";

const LOG_2PI = Math.log(2 * Math.PI);

/** The training points prepared once per run. */
export interface PreparedMixturePoints {
  /** `[x, 1, ||x||^2]`, N x (d + 2), float32. */
  augmented: tf.Tensor2D;
  /** Number of points N. */
  count: number;
  /** Number of coordinates d. */
  dimensions: number;
}

/** Uploads row-major points (already centred by the caller) as `[x, 1, ||x||^2]`. */
export function prepareMixturePoints(
  data: ArrayLike<number>,
  rows: number,
  cols: number,
): PreparedMixturePoints {
  const width = cols + 2;
  const augmented = new Float32Array(rows * width);
  for (let i = 0; i < rows; i++) {
    let norm = 0;
    for (let t = 0; t < cols; t++) {
      const value = data[i * cols + t];
      augmented[i * width + t] = value;
      norm += value * value;
    }
    augmented[i * width + cols] = 1;
    augmented[i * width + cols + 1] = norm;
  }
  return { augmented: tf.tensor2d(augmented, [rows, width]), count: rows, dimensions: cols };
}

/**
 * The gradient of the mean NLL with respect to the packed parameters (k x (d + 2), same layout),
 * in the coordinates of the prepared points, and, if asked, the mean NLL itself (the training
 * loop does without: a non-finite loss always makes the gradient non-finite, see
 * `gradient_gmm.ts`). Call inside `tf.tidy`.
 */
export function mixtureGradient(
  points: PreparedMixturePoints,
  parameters: tf.Tensor2D,
  { withLoss = false }: { withLoss?: boolean } = {},
): { gradient: tf.Tensor2D; loss?: tf.Scalar } {
  // CPU and WASM: one fused kernel (see _mixture_kernel.ts) instead of the ops below.
  if (hasMixtureKernel()) return fusedMixtureGradient(points.augmented, parameters, { withLoss });
  const { augmented, count: n, dimensions: d } = points;
  const [k, width] = parameters.shape;
  if (width !== d + 2) throw new RangeError(`the points have ${d} columns but the parameters ${width - 2}`);
  const [mu, sigma, logits] = tf.split(parameters, [d, 1, 1], 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const variance = tf.square(sigma);
  const precision = tf.reciprocal(variance);
  // Mixing weights by a max-shifted softmax of the logits.
  const logitsShifted = tf.sub(logits, tf.max(logits));
  const expLogits = tf.exp(logitsShifted);
  const expSum = tf.sum(expLogits);
  const weights = tf.div(expLogits, expSum);
  const muNorm = tf.sum(tf.square(mu), 1, true);
  // c_j = log pi_j - (||mu_j||^2 / s_j^2 + d log s_j^2 + d log(2 pi)) / 2
  const halfQuadratic = tf.add(tf.mul(muNorm, precision), tf.mul(tf.log(variance), d));
  const offset = tf.sub(
    tf.sub(logitsShifted, tf.log(expSum)),
    tf.mul(tf.add(halfQuadratic, d * LOG_2PI), 0.5),
  );
  const w = tf.concat([tf.mul(mu, precision), offset, tf.mul(precision, -0.5)], 1);

  const logJoint = tf.matMul(w, augmented, false, true); // k x N
  const rows = tf.unstack(logJoint);
  let max = rows[0];
  for (let j = 1; j < k; j++) max = tf.maximum(max, rows[j]);
  const shifted = tf.exp(tf.sub(logJoint, max));
  const total = tf.reshape(tf.matMul(tf.ones([1, k]), shifted), [n]);
  const resp = tf.mul(shifted, tf.reciprocal(total));
  // [S_j, R_j, T_j] for every component: k x (d + 2)
  const moments = tf.matMul(resp, augmented);
  const [sums, mass, squares] = tf.split(moments, [d, 1, 1], 1);

  const muGradient = tf.mul(tf.sub(tf.mul(mu, mass), sums), tf.mul(precision, 1 / n));
  const spread = tf.add(tf.sub(squares, tf.mul(tf.sum(tf.mul(mu, sums), 1, true), 2)), tf.mul(mass, muNorm));
  const sigmaGradient = tf.div(tf.sub(tf.mul(mass, d), tf.mul(spread, precision)), tf.mul(sigma, n));
  const logitGradient = tf.sub(weights, tf.mul(mass, 1 / n));
  const gradient = tf.concat([muGradient, sigmaGradient, logitGradient], 1) as tf.Tensor2D;
  if (!withLoss) return { gradient };
  const loss = tf.neg(tf.mean(tf.add(tf.log(total), max))) as tf.Scalar;
  return { gradient, loss };
}
