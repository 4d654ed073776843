/**
 * The `"autodiff"` engine for the spherical mixture: the notebook's mean negative log-likelihood
 * written with stock TensorFlow.js ops (a log-sum-exp) and differentiated by `tf.variableGrads`
 * (see `_autodiff.ts`). Private to `lib/`.
 *
 * Parameters are packed in one k x (d + 2) variable, row j = `[mu_j, sigma_j, a_j]` (mean,
 * standard deviation, logit), so that Adam updates one variable instead of three (Adam is
 * elementwise, so this changes nothing but the number of ops). The loss is
 * `L = -(1/N) sum_i logsumexp_j l_ij` with
 * `l_ij = log pi_j - 0.5 (||x_i - mu_j||^2 / s_j^2 + d log(2 pi) + d log s_j^2)` and
 * pi = softmax(a). Expanding the square, `l_ij = w_j . [x_i, 1, ||x_i||^2]` with
 * `w_j = [mu_j / s_j^2, c_j, -1 / (2 s_j^2)]` and
 * `c_j = log pi_j - ||mu_j||^2 / (2 s_j^2) - (d / 2) (log(2 pi) + log s_j^2)`: the whole N x k
 * matrix is one product with the points prepared once as `[x, 1, ||x||^2]` (`mixturePoints` in
 * `fused.ts`, which the fused engine reads too). The caller centres the points, which keeps
 * `||x||^2` small so that the expanded square loses little to float32 cancellation.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { autodiffEngine } from "./_autodiff.js";
import type { AdamWOptions } from "./adamw.js";
import type { TrainingEngine } from "./engine.js";

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * The mean NLL of the points (`[x, 1, ||x||^2]`, N x (d + 2)) under the packed parameters
 * (k x (d + 2)), with stock ops only, so that `tf.grad` can differentiate it.
 */
export function mixtureNLL(points: tf.Tensor2D, parameters: tf.Tensor2D): tf.Scalar {
  const [k, width] = parameters.shape, d = width - 2;
  const [mu, sigma, logits] = tf.split(parameters, [d, 1, 1], 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const precision = tf.reciprocal(tf.square(sigma));
  const logWeights = tf.reshape(tf.logSoftmax(tf.reshape(logits, [1, k])), [k, 1]);
  // c_j = log pi_j - (||mu_j||^2 / s_j^2 - d log(1 / s_j^2) + d log(2 pi)) / 2
  const quadratic = tf.sub(tf.mul(tf.sum(tf.square(mu), 1, true), precision), tf.mul(tf.log(precision), d));
  const offset = tf.sub(logWeights, tf.mul(tf.add(quadratic, d * LOG_2PI), 0.5));
  const w = tf.concat([tf.mul(mu, precision), offset, tf.mul(precision, -0.5)], 1);
  const logJoint = tf.matMul(points, w, false, true); // N x k
  return tf.neg(tf.mean(tf.logSumExp(logJoint, 1)));
}

/** The autodiff engine for one run from the packed `initial` parameters (centred means), on centred points. */
export function autodiffMixture(
  points: Float64Array,
  initial: Float64Array,
  { d, optimizer }: { d: number; optimizer: AdamWOptions },
): TrainingEngine {
  const width = d + 2;
  const augmented = tf.tensor2d(Float32Array.from(points), [points.length / width, width]);
  return autodiffEngine(initial, {
    restarts: 1,
    cols: width,
    optimizer,
    losses: (parameters) => tf.reshape(mixtureNLL(augmented, parameters as tf.Tensor2D), [1]),
    constants: [augmented],
  });
}
