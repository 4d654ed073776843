/**
 * The K-means loss and its exact gradient as a handful of TensorFlow.js ops, for R independent
 * restarts at once. Private to `gradient_kmeans.ts` (exported for its tests).
 *
 * The notebook's loss for one set of centroids c_1..c_k is
 * `L(c) = (1/N) sum_i min_j ||x_i - c_j||^2`. Written as
 * `||x||^2 + min_j (-2 x.c_j + ||c_j||^2)`, the inner term for every point and centroid is one
 * matrix product `[x, 1] . [-2c, ||c||^2]^T`, and `||x||^2` leaves the minimum, so its mean is a
 * constant computed once. L is piecewise quadratic; where the nearest centroid is unique (almost
 * everywhere, and what automatic differentiation through `min` computes anyway) its gradient is
 * `dL/dc_j = (2/N) sum_{i nearest to j} (c_j - x_i) = (2/N) (n_j c_j - s_j)`, with n_j the count
 * and s_j the sum of the points nearest to c_j, which is the second matrix product
 * `onehot(labels)^T . [x, 1]`. Two products and a few small ops replace the tape of the naive
 * broadcast formulation and its backward pass.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

/** The training points prepared once per run: `[x, 1]` (N x (d+1)) and the mean of `||x||^2`. */
export interface PreparedPoints {
  /** The points with a column of ones appended, N x (d + 1), float32. */
  augmented: tf.Tensor2D;
  /** Mean over the points of `||x||^2`, computed in float64 on the host. */
  meanSquaredNorm: number;
}

/**
 * Uploads row-major points (already centred by the caller) as `[x, 1]`, and computes the mean
 * squared norm in double precision.
 */
export function preparePoints(data: ArrayLike<number>, rows: number, cols: number): PreparedPoints {
  const augmented = new Float32Array(rows * (cols + 1));
  let sum = 0;
  for (let i = 0; i < rows; i++) {
    let norm = 0;
    for (let t = 0; t < cols; t++) {
      const value = data[i * cols + t];
      augmented[i * (cols + 1) + t] = value;
      norm += value * value;
    }
    augmented[i * (cols + 1) + cols] = 1;
    sum += norm;
  }
  return { augmented: tf.tensor2d(augmented, [rows, cols + 1]), meanSquaredNorm: sum / rows };
}

/**
 * The loss of each restart (shape [R]) and the gradient with respect to `centroids`
 * (R*k x d, restart r's centroids in rows r*k .. r*k+k-1), in the same coordinates as the
 * prepared points. Call inside `tf.tidy`.
 */
export function kmeansLossAndGradient(
  points: PreparedPoints,
  centroids: tf.Tensor2D,
  restarts: number,
): { losses: tf.Tensor1D; gradient: tf.Tensor2D } {
  const [n, width] = points.augmented.shape;
  const [rows, d] = centroids.shape;
  if (width !== d + 1) throw new RangeError(`the points have ${width - 1} columns but the centroids ${d}`);
  const k = rows / restarts;
  // [-2c, ||c||^2]: R*k x (d+1)
  const weights = tf.concat([tf.mul(centroids, -2), tf.sum(tf.square(centroids), 1, true)], 1);
  // -2 x.c_j + ||c_j||^2 for every point and centroid, grouped by restart: N x R x k
  const scores = tf.reshape(tf.matMul(points.augmented, weights, false, true), [n, restarts, k]);
  const losses = tf.add(tf.mean(tf.min(scores, 2), 0), points.meanSquaredNorm) as tf.Tensor1D;
  const nearest = tf.reshape(tf.oneHot(tf.argMin(scores, 2), k, 1, 0, "float32"), [n, rows]);
  // [s_j, n_j]: sums and counts of the points nearest to each centroid, R*k x (d+1)
  const sumsAndCounts = tf.matMul(nearest, points.augmented, true, false);
  const sums = tf.slice(sumsAndCounts, [0, 0], [rows, d]);
  const counts = tf.slice(sumsAndCounts, [0, d], [rows, 1]);
  const gradient = tf.mul(tf.sub(tf.mul(centroids, counts), sums), 2 / n) as tf.Tensor2D;
  return { losses, gradient };
}
