/**
 * The mixture's loss and its exact gradient as a few TensorFlow.js ops. Private to
 * `gradient_gmm.ts` (exported for its tests).
 *
 * Parameters are packed in one k x (d + 2) tensor, row j = `[mu_j, sigma_j, a_j]` (mean, standard
 * deviation, logit), so that Adam updates one variable instead of three (Adam is elementwise, so
 * this changes nothing but the number of ops). The notebook's loss is
 * `L = -(1/N) sum_i log sum_j exp(l_ij)` with
 * `l_ij = log pi_j - 0.5 (||x_i - mu_j||^2 / s_j^2 + d log(2 pi) + d log s_j^2)`, s_j = sigma_j and
 * pi = softmax(a). Expanding the square, `l_ij = [x_i, 1, ||x_i||^2] . w_j` with
 * `w_j = [mu_j / s_j^2, c_j, -1 / (2 s_j^2)]` and
 * `c_j = log pi_j - ||mu_j||^2 / (2 s_j^2) - (d / 2) (log(2 pi) + log s_j^2)`: the whole N x k
 * matrix is one product with the points prepared once as `A = [x, 1, ||x||^2]`.
 *
 * With the responsibilities r_ij = softmax_j(l_ij), the second product `r^T A` gives, per
 * component, `S_j = sum_i r_ij x_i`, `R_j = sum_i r_ij` and `T_j = sum_i r_ij ||x_i||^2`, and
 * from them the gradient:
 * - `dL/da_j = pi_j - R_j / N`
 * - `dL/dmu_j = -(S_j - R_j mu_j) / (N s_j^2)`
 * - `dL/ds_j = -(Q_j / s_j^2 - d R_j) / (N s_j)`, with
 *   `Q_j = sum_i r_ij ||x_i - mu_j||^2 = T_j - 2 mu_j.S_j + R_j ||mu_j||^2`.
 * Two matrix products and a dozen small ops replace autodiff's tape and backward pass. The
 * caller centres the points, which keeps `||x||^2` small so the expanded square loses little to
 * float32 cancellation.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

const LOG_2PI = Math.log(2 * Math.PI);

/** The training points prepared once per run. */
export interface PreparedMixturePoints {
  /** `[x, 1, ||x||^2]`, N x (d + 2), float32. */
  augmented: tf.Tensor2D;
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
  return { augmented: tf.tensor2d(augmented, [rows, width]) };
}

/**
 * The mean NLL (a scalar) and its gradient with respect to the packed parameters (k x (d + 2),
 * same layout), in the coordinates of the prepared points. Call inside `tf.tidy`.
 */
export function mixtureLossAndGradient(
  points: PreparedMixturePoints,
  parameters: tf.Tensor2D,
): { loss: tf.Scalar; gradient: tf.Tensor2D } {
  const [n, width] = points.augmented.shape;
  const [k, packed] = parameters.shape;
  const d = width - 2;
  if (packed !== width) throw new RangeError(`the points have ${d} columns but the parameters ${packed - 2}`);
  const [mu, sigma, logits] = tf.split(parameters, [d, 1, 1], 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const variance = tf.square(sigma);
  const precision = tf.reciprocal(variance);
  const logWeights = tf.sub(logits, tf.logSumExp(logits, 0, true));
  const muNorm = tf.sum(tf.square(mu), 1, true);
  // c_j = log pi_j - (||mu_j||^2 / s_j^2 + d log s_j^2 + d log(2 pi)) / 2
  const offset = tf.sub(
    logWeights,
    tf.mul(tf.add(tf.mul(muNorm, precision), tf.mul(tf.log(variance), d)), 0.5),
  );
  const weights = tf.concat([tf.mul(mu, precision), tf.sub(offset, d * LOG_2PI / 2), tf.mul(precision, -0.5)], 1);
  // Components along the rows, points along the columns: the CPU backend broadcasts a length-N
  // vector over the last axis in its fast loop, but a N x 1 column through per-element index
  // arithmetic about ten times slower.
  const logJoint = tf.matMul(weights, points.augmented, false, true); // k x N
  const rows = tf.unstack(logJoint);
  let max = rows[0];
  for (let j = 1; j < k; j++) max = tf.maximum(max, rows[j]);
  const shifted = tf.exp(tf.sub(logJoint, max));
  const total = tf.reshape(tf.matMul(tf.ones([1, k]), shifted), [n]);
  const loss = tf.neg(tf.mean(tf.add(tf.log(total), max))) as tf.Scalar;
  const resp = tf.div(shifted, total);
  // [S_j, R_j, T_j] for every component: k x (d + 2)
  const moments = tf.matMul(resp, points.augmented);
  const [sums, mass, squares] = tf.split(moments, [d, 1, 1], 1);
  const muGradient = tf.mul(tf.sub(tf.mul(mu, mass), sums), tf.div(precision, n));
  const spread = tf.add(tf.sub(squares, tf.mul(tf.sum(tf.mul(mu, sums), 1, true), 2)), tf.mul(mass, muNorm));
  const sigmaGradient = tf.div(tf.sub(tf.mul(mass, d), tf.mul(spread, precision)), tf.mul(sigma, n));
  const logitGradient = tf.sub(tf.exp(logWeights), tf.div(mass, n));
  const gradient = tf.concat([muGradient, sigmaGradient, logitGradient], 1) as tf.Tensor2D;
  return { loss, gradient };
}
