/**
 * Lloyd's algorithm taken apart for teaching: from given initial centroids, each iteration as two
 * half-steps, *assign* (every point to its nearest centroid) and *update* (every centroid to the mean
 * of its points), with the K-means loss after each. The maths is `kmeans.ts`'s own (its
 * assignment, cluster sums and scikit-learn's empty-cluster relocation), so stepping to the end
 * lands exactly where {@link lloydFrom} does from the same start.
 *
 * The loss after a half-step is `J(labels, centroids) = (1/N) sum_i ||x_i - c_{labels_i}||^2` for
 * the labels and centroids it leaves: assign minimises J over labels, update over centroids, so J
 * never increases.
 *
 * @module
 */

import { DataError } from "../errors.js";
import { accumulateClusterSums, assign, relocateEmptyClusters } from "./kmeans.js";
import { columnMeans, type Matrix } from "../matrix.js";

/** One half-step of Lloyd's algorithm, and the state it leaves. */
export interface LloydHalfStep {
  /** "start" (the initial centroids, no labels yet), "assign" or "update". */
  phase: "start" | "assign" | "update";
  /** Iteration number, 1-based (0 for the start). */
  iteration: number;
  /** The k x d centroids after this half-step. */
  centroids: Matrix;
  /** Each point's cluster after this half-step (for the start: its nearest initial centroid). */
  labels: Int32Array;
  /** J(labels, centroids): the mean squared distance of each point to its own cluster's centroid. */
  loss: number;
  /** Points the update moved into emptied clusters (scikit-learn's relocation); 0 if none. */
  relocated: number;
  /** Whether this assign left every label as it was: Lloyd has converged. */
  converged: boolean;
}

/** J(labels, centroids): the mean over points of the squared distance to their own cluster's centroid. */
export function assignedLoss(points: Matrix, labels: Int32Array, centroids: Matrix): number {
  const { rows: n, cols: d, data: x } = points;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const q = labels[i] * d;
    for (let t = 0; t < d; t++) {
      const diff = x[i * d + t] - centroids.data[q + t];
      total += diff * diff;
    }
  }
  return total / n;
}

/**
 * The update half-step as `lloydFrom` does it: cluster means, with empty clusters first given the
 * points farthest from their centroids; returns the new centroids and the labels they were averaged
 * over (the assignment's, after relocation).
 */
function updateCentroids(
  points: Matrix,
  { labels, centroids }: { labels: Int32Array; centroids: Matrix },
): { centroids: Matrix; labels: Int32Array; relocated: number } {
  const { cols: d } = points;
  const k = centroids.rows;
  const sums = new Float64Array(k * d), counts = new Float64Array(k);
  const { distances } = assign(points, centroids);
  // relocateEmptyClusters moves points between the sums; record which by re-deriving the labels.
  accumulateClusterSums(points, labels, sums, counts);
  const emptyBefore = Array.from(counts.keys()).filter((j) => counts[j] === 0);
  const relabelled = Int32Array.from(labels);
  if (emptyBefore.length) {
    // The same farthest-first choice as relocateEmptyClusters, to know which points moved.
    const farthest = Array.from(distances.keys())
      .filter((i) => distances[i] > 0)
      .sort((a, b) => distances[b] - distances[a] || b - a)
      .slice(0, emptyBefore.length);
    farthest.forEach((i, e) => (relabelled[i] = emptyBefore[e]));
    relocateEmptyClusters(points, labels, distances, sums, counts);
  }
  let mean: Float64Array | undefined;
  const next = new Float64Array(k * d);
  for (let j = 0; j < k; j++) {
    const emptied = counts[j] === 0;
    if (emptied) mean ??= columnMeans(points);
    for (let t = 0; t < d; t++) next[j * d + t] = emptied ? mean![t] : sums[j * d + t] / counts[j];
  }
  return { centroids: { rows: k, cols: d, data: next }, labels: relabelled, relocated: emptyBefore.length };
}

/**
 * Lloyd's half-steps from `initial` (k x d, copied), until an assign changes no label or
 * `maxIterations` iterations have run: the start, then assign, update, assign, update, ...
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromRows } from "../matrix.js";
 * const points = fromRows([[0, 0], [0, 1], [4, 0], [4, 1]]);
 * const steps = lloydSteps(points, fromRows([[0, 0], [1, 0]]));
 * // start, assign (0 and 1 near the first centroid, the rest near the second), update (the means)
 * assert.deepEqual(steps.slice(0, 3).map((s) => s.phase), ["start", "assign", "update"]);
 * assert.equal(steps.at(-1)!.loss, 0.25); // each point 0.5 from its pair's mean
 * ```
 */
export function lloydSteps(
  points: Matrix,
  initial: Matrix,
  { maxIterations = 300 }: { maxIterations?: number } = {},
): LloydHalfStep[] {
  if (initial.cols !== points.cols || initial.rows < 1) {
    throw new DataError(
      `the start has ${initial.rows} centroids of ${initial.cols} columns for points of ${points.cols}; give at least one centroid of the points' width.`,
    );
  }
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new DataError(`maxIterations = ${maxIterations} must be a positive integer.`);
  }
  let centroids: Matrix = { ...initial, data: Float64Array.from(initial.data) };
  let labels = assign(points, centroids).labels;
  const steps: LloydHalfStep[] = [{
    phase: "start",
    iteration: 0,
    centroids,
    labels,
    loss: assignedLoss(points, labels, centroids),
    relocated: 0,
    converged: false,
  }];
  let previous: Int32Array | undefined;
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    labels = assign(points, centroids).labels;
    const converged = previous !== undefined && labels.every((label, i) => label === previous![i]);
    steps.push({
      phase: "assign",
      iteration,
      centroids,
      labels,
      loss: assignedLoss(points, labels, centroids),
      relocated: 0,
      converged,
    });
    if (converged) break;
    const updated = updateCentroids(points, { labels, centroids });
    centroids = updated.centroids;
    previous = labels;
    steps.push({
      phase: "update",
      iteration,
      centroids,
      labels: updated.labels,
      loss: assignedLoss(points, updated.labels, centroids),
      relocated: updated.relocated,
      converged: false,
    });
  }
  return steps;
}
