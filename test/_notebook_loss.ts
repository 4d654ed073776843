/**
 * The notebook's K-means loss written as tensors the way the notebook writes it (per-centroid squared
 * distances, min, mean), for TensorFlow.js autodiff in the tests.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** The notebook's K-means loss of `centroids` (k x d) on `points` (N x d). */
export function notebookKMeansLoss(points: tf.Tensor2D, centroids: tf.Tensor2D | tf.Variable): tf.Scalar {
  const k = centroids.shape[0];
  const perCentroid = Array.from(
    { length: k },
    // tf.squaredDifference's gradient mishandles broadcasting (tfjs 4.22), so square a difference.
    (_, j) => tf.sum(tf.square(tf.sub(points, tf.slice(centroids, [j, 0], [1, -1]))), 1),
  );
  return tf.mean(tf.min(tf.stack(perCentroid), 0));
}
