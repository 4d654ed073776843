/**
 * The K-means loss and its exact gradient as a handful of TensorFlow.js ops, for R independent
 * restarts at once. Private to `gradient_kmeans.ts` (exported for its tests).
 *
 * The notebook's loss for one set of centroids c_1..c_k is `L = (1/N) sum_i min_j ||x_i - c_j||^2`.
 * Written as `||x_i||^2 + min_j (-2 x_i.c_j + ||c_j||^2)`, the scores inside the minimum, for
 * every point and centroid, are one matrix product `[x, 1] . [-2c, ||c||^2]^T`, and `||x||^2`
 * does not take part in choosing the nearest centroid. L is piecewise quadratic; where each
 * point's nearest centroid is unique (almost everywhere; automatic differentiation through
 * `min` assumes the same) its gradient is
 * `dL/dc_j = (2/N) sum_{i nearest to j} (c_j - x_i) = (2/N) (n_j c_j - s_j)`,
 * with n_j the count and s_j the sum of the points nearest to c_j. The same two statistics give
 * the loss without another pass over the points:
 * `L = mean_i ||x_i||^2 + (1/N) sum_j (n_j ||c_j||^2 - 2 s_j.c_j)`.
 * So one product, one argMin and one aggregation per epoch replace the naive formulation's
 * N x k x d broadcast and its backward pass.
 *
 * The aggregation has three implementations with the same result. `"fused"` is one custom
 * TensorFlow.js kernel, registered here for the CPU and WASM backends, that finds each point's
 * nearest centroid and accumulates the losses and the gradient in a single pass over the points,
 * in double precision on the host's copy of the tensors: it replaces the product, the argMin, the
 * aggregation and a dozen small ops (each a kernel launch costing more than the arithmetic at this
 * size) with one launch; with the fused AdamW step (`adamw.ts`) an epoch is a handful of
 * launches, and 150 epochs on 7,500 points take about 50 ms in Chromium (WASM), a third of the
 * notebook's PyTorch. `tf.bincount` is a plain loop on the CPU backend and native code on WASM; WebGL's
 * bincount reads the data back to the host, stalling the GPU every epoch, so there a one-hot
 * matrix times `[x, 1]` stays on the device (not on WASM: tfjs-backend-wasm 4.22's `oneHot`
 * writes int32 bits into a float32 result). {@link defaultAggregation} picks one for the active
 * backend.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { hasHostKernel, type HostTensor, registerHostKernel } from "./_host_kernels.js";

/** How the per-centroid sums and counts are computed (see the module notes). */
export type Aggregation = "fused" | "bincount" | "onehot";

/** Name of the fused kernel computing the losses and the gradient in one pass over the points. */
export const FUSED_KERNEL = "GradientKMeansLossAndGradient";

/**
 * `"fused"` where its kernel is registered for the active backend (CPU, WASM), else `"onehot"`,
 * which never leaves the device.
 */
export function defaultAggregation(): Aggregation {
  return hasHostKernel(FUSED_KERNEL) ? "fused" : "onehot";
}

/**
 * The fused kernel: inputs `points` (N x w, the first d columns are the coordinates: the
 * augmented `[x, 1]` is passed as is) and `centroids` (R*k x d), attribute `restarts`; outputs
 * the loss of each restart (R) and the gradient (R*k x d). Ties go to the lowest index, as with
 * argMin. A NaN distance makes its restart's loss NaN, as PyTorch's `min` propagates NaN.
 */
function fusedLossAndGradient(
  { points, centroids }: Record<string, HostTensor>,
  { restarts }: tf.NamedAttrMap,
): HostTensor[] {
  const [n, width] = points.shape, [rows, d] = centroids.shape, k = rows / (restarts as number);
  const x = points.values, c = Float64Array.from(centroids.values);
  const sums = new Float64Array(rows * d), counts = new Float64Array(rows);
  const losses = new Float32Array(restarts as number), gradient = new Float32Array(rows * d);
  for (let r = 0; r < losses.length; r++) {
    const first = r * k, end = first + k;
    let total = 0, nan = false;
    if (d === 2) {
      // The site's case, unrolled: about three times faster than the general loop below.
      for (let i = 0, row = 0; i < n; i++, row += width) {
        const x0 = x[row], x1 = x[row + 1];
        let best = Infinity, nearest = first;
        for (let j = first; j < end; j++) {
          const a = x0 - c[2 * j], b = x1 - c[2 * j + 1];
          const distance = a * a + b * b;
          if (distance < best) {
            best = distance;
            nearest = j;
          } else if (distance !== distance) nan = true;
        }
        total += best;
        counts[nearest]++;
        sums[2 * nearest] += x0;
        sums[2 * nearest + 1] += x1;
      }
    } else {
      for (let i = 0, row = 0; i < n; i++, row += width) {
        let best = Infinity, nearest = first;
        for (let j = first; j < end; j++) {
          let distance = 0;
          for (let t = 0, at = j * d; t < d; t++) {
            const difference = x[row + t] - c[at + t];
            distance += difference * difference;
          }
          if (distance < best) {
            best = distance;
            nearest = j;
          } else if (distance !== distance) nan = true;
        }
        total += best;
        counts[nearest]++;
        for (let t = 0, at = nearest * d; t < d; t++) sums[at + t] += x[row + t];
      }
    }
    losses[r] = nan ? NaN : total / n;
  }
  for (let j = 0; j < rows; j++) {
    for (let t = 0; t < d; t++) gradient[j * d + t] = (2 / n) * (counts[j] * c[j * d + t] - sums[j * d + t]);
  }
  return [{ values: losses, shape: [losses.length] }, { values: gradient, shape: [rows, d] }];
}

registerHostKernel(FUSED_KERNEL, fusedLossAndGradient);

/** The training points, uploaded once per run in the layouts the step needs. */
export interface PreparedPoints {
  /** `[x, 1]`: the points with a column of ones appended, N x (d + 1), float32. */
  augmented: tf.Tensor2D;
  /** Mean over the points of `||x||^2`, computed in float64 on the host. */
  meanSquaredNorm: number;
  /** Number of restarts R the layouts were made for. */
  restarts: number;
  aggregation: Aggregation;
  /** For "bincount": column t of `[x, 1]` repeated R times, flattened as [N, R] (point-major). */
  columns?: tf.Tensor1D[];
  /** For "bincount" with R > 1: r * k at [i, r], turning restart-local labels into global ones. */
  offsets?: tf.Tensor2D;
}

/**
 * Uploads row-major points (already centred by the caller) for `restarts` runs of k centroids,
 * and computes the mean squared norm in double precision.
 */
export function preparePoints(
  data: ArrayLike<number>,
  { rows, cols, k, restarts = 1, aggregation = defaultAggregation() }: {
    rows: number;
    cols: number;
    k: number;
    restarts?: number;
    aggregation?: Aggregation;
  },
): PreparedPoints {
  const width = cols + 1;
  const augmented = new Float32Array(rows * width);
  let sum = 0;
  for (let i = 0; i < rows; i++) {
    let norm = 0;
    for (let t = 0; t < cols; t++) {
      const value = data[i * cols + t];
      augmented[i * width + t] = value;
      norm += value * value;
    }
    augmented[i * width + cols] = 1;
    sum += norm;
  }
  const prepared: PreparedPoints = {
    augmented: tf.tensor2d(augmented, [rows, width]),
    meanSquaredNorm: sum / rows,
    restarts,
    aggregation,
  };
  if (aggregation === "fused" && !hasHostKernel(FUSED_KERNEL)) {
    throw new RangeError(`the fused K-means kernel has no implementation for the ${tf.getBackend()} backend`);
  }
  if (aggregation === "bincount") {
    prepared.columns = Array.from({ length: width }, (_, t) => {
      const column = new Float32Array(rows * restarts);
      for (let i = 0; i < rows; i++) column.fill(augmented[i * width + t], i * restarts, (i + 1) * restarts);
      return tf.tensor1d(column);
    });
    if (restarts > 1) {
      const offsets = new Int32Array(rows * restarts);
      for (let p = 0; p < offsets.length; p++) offsets[p] = (p % restarts) * k;
      prepared.offsets = tf.tensor2d(offsets, [rows, restarts], "int32");
    }
  }
  return prepared;
}

/** Frees the tensors of {@link preparePoints}. */
export function disposePrepared(prepared: PreparedPoints): void {
  tf.dispose([
    prepared.augmented,
    ...(prepared.columns ?? []),
    ...(prepared.offsets ? [prepared.offsets] : []),
  ]);
}

/**
 * The loss of each restart (shape [R]) and the gradient with respect to `centroids`
 * (R*k x d, restart r's centroids in rows r*k .. r*k+k-1), both in the coordinates of the
 * prepared points. Call inside `tf.tidy`.
 */
export function kmeansLossAndGradient(
  points: PreparedPoints,
  centroids: tf.Tensor2D,
): { losses: tf.Tensor1D; gradient: tf.Tensor2D } {
  const { augmented, restarts } = points;
  const [n, width] = augmented.shape;
  const [rows, d] = centroids.shape;
  if (width !== d + 1) throw new RangeError(`the points have ${width - 1} columns but the centroids ${d}`);
  const k = rows / restarts;
  if (points.aggregation === "fused") {
    const [losses, gradient] = tf.engine().runKernel(FUSED_KERNEL, { points: augmented, centroids }, {
      restarts,
    }) as [tf.Tensor1D, tf.Tensor2D];
    return { losses, gradient };
  }
  // [-2c, ||c||^2]^T: (d+1) x R*k, built transposed because tfjs multiplies faster without a transposed operand.
  const weights = tf.concat([
    tf.mul(tf.transpose(centroids), -2),
    tf.reshape(tf.sum(tf.square(centroids), 1), [1, rows]),
  ], 0);
  // -2 x_i.c_j + ||c_j||^2 for every point and centroid, grouped by restart: N x R x k
  const scores = tf.reshape(tf.matMul(augmented, weights), [n, restarts, k]);
  const nearest = tf.argMin(scores, 2) as tf.Tensor2D; // N x R, restart-local
  // [s_j, n_j]: sums and counts of the points nearest to each centroid, R*k x (d+1)
  let sumsAndCounts: tf.Tensor2D;
  if (points.aggregation === "bincount") {
    const labels = tf.reshape(points.offsets ? tf.add(nearest, points.offsets) : nearest, [
      n * restarts,
    ]) as tf.Tensor1D;
    sumsAndCounts = tf.stack(
      points.columns!.map((column) => tf.bincount(labels, column, rows)),
      1,
    ) as tf.Tensor2D;
  } else {
    // tf.oneHot refuses depth 1; with one centroid per restart every point is its own restart's.
    const oneHot = k === 1
      ? tf.ones([n, rows])
      : tf.reshape(tf.oneHot(nearest, k, 1, 0, "float32"), [n, rows]);
    sumsAndCounts = tf.matMul(oneHot, augmented, true, false);
  }
  const sums = tf.slice(sumsAndCounts, [0, 0], [rows, d]);
  const counts = tf.slice(sumsAndCounts, [0, d], [rows, 1]);
  // sum_j (n_j ||c_j||^2 - 2 s_j.c_j) per restart: the row-wise dot of [s_j, n_j] and [-2c_j, ||c_j||^2].
  const perCentroid = tf.sum(tf.mul(sumsAndCounts, tf.transpose(weights)), 1);
  const losses = tf.add(
    tf.div(tf.sum(tf.reshape(perCentroid, [restarts, k]), 1), n),
    points.meanSquaredNorm,
  ) as tf.Tensor1D;
  const gradient = tf.mul(tf.sub(tf.mul(centroids, counts), sums), 2 / n) as tf.Tensor2D;
  return { losses, gradient };
}
