/**
 * The `"autodiff"` engine for the spherical mixture: the notebook's mean negative log-likelihood
 * written with stock TensorFlow.js ops and differentiated by `tf.variableGrads` (see
 * `_autodiff.ts`). Private to `lib/`.
 *
 * Parameters are packed in one k x (d + 2) variable, row j = `[mu_j, sigma_j, a_j]` (mean,
 * standard deviation, logit), so that Adam updates one variable instead of three (Adam is
 * elementwise, so this changes nothing but the number of ops). With `q_j = 1 / sigma_j^2` the
 * notebook's loss is
 *
 * ```text
 * L = -(1/N) sum_i log sum_j exp(l_ij) + log sum_j exp(a_j),
 * l_ij = a_j - (q_j / 2) ||x_i - mu_j||^2 + (d / 2) log q_j - (d / 2) log(2 pi)
 *      = W_j . f_i,
 * W_j = [q_j mu_j, q_j, a_j, q_j mu_j^2 (elementwise), log q_j, -(d / 2) log(2 pi)],
 * f_i = [x_i, -||x_i||^2 / 2, 1, -1/2 (d times), d / 2, 1],
 * ```
 *
 * the second term being `log_softmax`'s normaliser. Everything that depends on the points is in
 * the features `f_i`, prepared once; the parameters enter through the k x (2d + 4) matrix W, built
 * by five tiny ops, so an epoch is one k x N product, a log-sum-exp over the components and a
 * weighted sum over the points. The normaliser is the log-sum-exp of one more column whose only
 * feature is the logits' (`f = [0, .., 0, 1, 0, ..]`, giving `l_j = a_j`), weighted +1 where each
 * point has -1/N: the same ops compute both terms. The caller centres the points, which keeps
 * `||x||^2` small so that the expanded square loses little to float32 cancellation.
 *
 * Each piece costs kernels, and on the WASM backend each kernel costs microseconds of
 * bookkeeping whatever its size, so the loss is written to launch few: sums are products with
 * constant vectors (their gradient is one product too) and the log-sum-exp's shift by the
 * maximum is held constant ({@link shiftByMax}).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { autodiffEngine } from "../gradient/_autodiff.js";
import type { OptimizerSettings } from "../gradient/optimizers.js";
import type { TrainingEngine } from "../gradient/engine.js";
import type { MiniBatches } from "../gradient/_mini_batches.js";

const LOG_2PI = Math.log(2 * Math.PI);

/** The points as {@link mixtureNLL} reads them, uploaded once per run. */
export interface MixtureTensors {
  /** The features `f_i` of the N points and the normaliser's column, (2d + 4) x (N + 1). */
  features: tf.Tensor2D;
  /** Each column's weight in the loss: -1/N for the points, +1 for the normaliser, (N + 1) x 1. */
  weights: tf.Tensor2D;
  /** Ones, 1 x k: the sum over the components as a product. */
  ones: tf.Tensor2D;
  /** The constant column of W, `-(d / 2) log(2 pi)`, k x 1. */
  constant: tf.Tensor2D;
}

/**
 * Uploads the features of `points`, N x (d + 2) rows `[x_i, 1, ||x_i||^2]` as `mixturePoints`
 * (`fused.ts`) lays them out, for a mixture of k components.
 */
export function mixtureTensors(points: Float64Array, { d, k }: { d: number; k: number }): MixtureTensors {
  const width = d + 2, n = points.length / width, rows = 2 * d + 4, columns = n + 1;
  const features = new Float32Array(rows * columns);
  const set = (row: number, column: number, value: number) => features[row * columns + column] = value;
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < d; t++) {
      set(t, i, points[i * width + t]);
      set(d + 2 + t, i, -0.5);
    }
    set(d, i, -0.5 * points[i * width + d + 1]);
    set(d + 1, i, 1);
    set(2 * d + 2, i, d / 2);
    set(2 * d + 3, i, 1);
  }
  set(d + 1, n, 1); // the normaliser's column: l_j = a_j
  const weights = Float32Array.from({ length: columns }, (_, i) => i < n ? -1 / n : 1);
  return {
    features: tf.tensor2d(features, [rows, columns]),
    weights: tf.tensor2d(weights, [columns, 1]),
    ones: tf.ones([1, k]),
    constant: tf.fill([k, 1], -(d / 2) * LOG_2PI),
  };
}

/**
 * `x - max_j x` over axis `axis` of `x` (default 0: the rows of a k x M `x`), with the maximum held constant: the gradient of the
 * shifted values is the identity. That is the exact gradient of a log-sum-exp written as
 * `m + log sum_j exp(x_j - m)`, which does not depend on the shift m at all; tfjs's own
 * `tf.logSumExp` differentiates through the maximum too, at about a dozen extra kernels of k x M
 * values whose contributions cancel. The maximum is computed out of the gradient tape (inside
 * `tf.customGrad`'s forward function) and handed back for the caller to add and dispose.
 */
export function shiftByMax<T extends tf.Tensor>(x: T, axis = 0): { shifted: T; max: T } {
  let max: T | undefined;
  const shifted = tf.customGrad((...inputs) => {
    const values = inputs[0] as T;
    max = tf.keep(tf.max(values, axis, true));
    return { value: tf.sub(values, max), gradFunc: (dy: tf.Tensor) => dy };
  })(x) as T;
  return { shifted, max: max! };
}

/**
 * The mean NLL (shape [1, 1]) of the points of `tensors` under the packed parameters
 * (k x (d + 2)), with stock ops only, so that `tf.variableGrads` can differentiate it.
 */
export function mixtureNLL(tensors: MixtureTensors, parameters: tf.Tensor2D): tf.Tensor2D {
  const d = parameters.shape[1] - 2;
  const [mu, sigma, logits] = tf.split(parameters, [d, 1, 1], 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const precision = tf.pow(sigma, -2);
  const scaled = tf.mul(mu, precision);
  const w = tf.concat(
    [scaled, precision, logits, tf.mul(mu, scaled), tf.log(precision), tensors.constant],
    1,
  );
  const { shifted, max } = shiftByMax(tf.matMul(w, tensors.features)); // k x (N + 1)
  const logSumExp = tf.add(tf.log(tf.matMul(tensors.ones, tf.exp(shifted))), max); // 1 x (N + 1)
  max.dispose();
  return tf.matMul(logSumExp, tensors.weights);
}

/**
 * The autodiff engine for one run from the packed `initial` parameters (centred means), on the
 * centred points in {@link mixturePoints}' layout, cut into mini-batch windows (one window for
 * full batch).
 */
export function autodiffMixture(
  { windows, windowOf }: Pick<MiniBatches, "windows" | "windowOf">,
  initial: Float64Array,
  { d, optimizer }: { d: number; optimizer: OptimizerSettings },
): TrainingEngine {
  const k = initial.length / (d + 2);
  const tensors = windows.map((window) => mixtureTensors(window.data, { d, k }));
  return autodiffEngine(initial, {
    restarts: 1,
    cols: d + 2,
    optimizer,
    losses: (parameters, epoch) => mixtureNLL(tensors[windowOf(epoch)], parameters as tf.Tensor2D),
    constants: tensors.flatMap((window) => Object.values(window)),
  });
}
