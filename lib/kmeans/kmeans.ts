/**
 * Lloyd's K-means with scikit-learn's semantics (`KMeans(algorithm="lloyd")`, sklearn 1.2):
 * greedy k-means++ seeding, `nInit` restarts keeping the lowest inertia, a tolerance relative to
 * the data's mean per-feature variance, strict convergence when labels stop changing, and empty
 * clusters relocated to the points farthest from their centroids. Seeded through NumPy's
 * `RandomState`, drawing in the same order as scikit-learn, so seed 0 starts from the same
 * k-means++ centroids as `KMeans(random_state=0)` up to floating-point ties.
 *
 * @module
 */

import { DataError } from "../errors.js";
import { checkFinite, checkScale } from "../finite.js";
import { columnMeans, type Matrix, squaredDistanceAt } from "../matrix.js";
import { LLOYD } from "../notebook_settings.js";
import { RandomState } from "../random/random_state.js";

/** Options for {@link lloyd}. */
export interface LloydOptions {
  /** Number of clusters, 1 <= k <= number of points. */
  k: number;
  /** Number of k-means++ restarts; the run with the lowest inertia is kept. */
  nInit?: number;
  /** Maximum Lloyd iterations per restart (the notebook uses 5000). */
  maxIter?: number;
  /** Relative tolerance: stop when the squared centroid shift is at most `tol` times the mean feature variance. */
  tol?: number;
  /** Seed of the NumPy `RandomState` driving k-means++. */
  seed?: number;
}

/** The outcome of {@link lloyd}. */
export interface LloydResult {
  /** k x d cluster centroids. */
  centroids: Matrix;
  /** Index of the centroid each point belongs to. */
  labels: Int32Array;
  /** Sum of squared distances of points to their centroids. */
  inertia: number;
  /** Lloyd iterations of the kept restart. */
  iterations: number;
  /** Whether the kept restart stopped before `maxIter`. */
  converged: boolean;
}

/** Nearest centroid of every point and the squared distance to it. */
export interface Assignment {
  labels: Int32Array;
  distances: Float64Array;
}

function checkK(points: Matrix, k: number): void {
  if (!Number.isInteger(k) || k < 1) {
    throw new DataError(`k = ${k} is not a positive integer; choose k of at least 1.`);
  }
  if (k > points.rows) {
    throw new DataError(
      `k = ${k} is more than the ${points.rows} points available; choose k of at most ${points.rows}.`,
    );
  }
}

function checkWidth(points: Matrix, centroids: Matrix): void {
  if (points.cols !== centroids.cols) {
    throw new DataError(
      `the points have ${points.cols} columns but the centroids have ${centroids.cols}; they must match.`,
    );
  }
}

/**
 * Assigns every point to its nearest centroid (the first on ties), writing into `labels` and
 * `distances`. The shared inner loop of Lloyd, scoring and prediction.
 */
function assignInto(points: Matrix, centroids: Matrix, labels: Int32Array, distances: Float64Array): void {
  const { rows, cols: d, data: x } = points;
  const { rows: k, data: c } = centroids;
  if (d === 2) {
    // The common 2-D case unrolled: about twice as fast as the generic loop.
    for (let i = 0; i < rows; i++) {
      const x0 = x[2 * i], x1 = x[2 * i + 1];
      let best = Infinity, bestJ = 0;
      for (let j = 0; j < k; j++) {
        const a = x0 - c[2 * j], b = x1 - c[2 * j + 1];
        const dist = a * a + b * b;
        if (dist < best) {
          best = dist;
          bestJ = j;
        }
      }
      labels[i] = bestJ;
      distances[i] = best;
    }
    return;
  }
  for (let i = 0; i < rows; i++) {
    const p = i * d;
    let best = Infinity, bestJ = 0;
    for (let j = 0; j < k; j++) {
      const dist = squaredDistanceAt(x, p, c, j * d, d);
      if (dist < best) {
        best = dist;
        bestJ = j;
      }
    }
    labels[i] = bestJ;
    distances[i] = best;
  }
}

/**
 * The nearest centroid of every point (the first on ties) and the squared distance to it.
 *
 * @example
 * ```ts
 * import { fromRows } from "../matrix.js";
 * assign(fromRows([[0, 0], [5, 5]]), fromRows([[1, 1], [4, 4]])).labels; // Int32Array [0, 1]
 * ```
 */
export function assign(points: Matrix, centroids: Matrix): Assignment {
  checkWidth(points, centroids);
  if (centroids.rows < 1) {
    throw new DataError("there are no centroids to assign points to; train with k of at least 1.");
  }
  const labels = new Int32Array(points.rows);
  const distances = new Float64Array(points.rows);
  assignInto(points, centroids, labels, distances);
  return { labels, distances };
}

/**
 * The notebook's score: the mean over points of the squared distance to the nearest centroid.
 * On held-out points it is the validation score; on the training points, inertia / N.
 */
export function validationScore(points: Matrix, centroids: Matrix): number {
  const { distances } = assign(points, centroids);
  let sum = 0;
  for (let i = 0; i < distances.length; i++) sum += distances[i];
  return sum / distances.length;
}

/** Mean over features of each feature's variance (NumPy's `np.mean(np.var(X, axis=0))`). */
export function meanFeatureVariance(points: Matrix): number {
  const { rows, cols, data } = points;
  let total = 0;
  for (let t = 0; t < cols; t++) {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += data[i * cols + t];
    mean /= rows;
    let variance = 0;
    for (let i = 0; i < rows; i++) {
      const diff = data[i * cols + t] - mean;
      variance += diff * diff;
    }
    total += variance / rows;
  }
  return total / cols;
}

/**
 * Greedy k-means++ (Arthur & Vassilvitskii 2007, as scikit-learn implements it): the first
 * centroid is a uniform random point; each next one is the best of `2 + floor(ln k)` candidates
 * sampled proportionally to the squared distance to the centroids so far, "best" meaning the
 * lowest resulting potential. Returns the indices of the chosen points.
 */
export function kmeansPlusPlus(points: Matrix, k: number, rng: RandomState): Int32Array {
  checkK(points, k);
  const { rows: n } = points;
  const trials = 2 + Math.floor(Math.log(k));
  const chosen = new Int32Array(k);
  chosen[0] = rng.randint(n);
  let closest = new Float64Array(n).fill(Infinity);
  let potential = distancesToRow(points, chosen[0], closest, closest);
  const cumulative = new Float64Array(n);
  const candidateIds = new Int32Array(trials);
  let candidate = new Float64Array(n), best = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let running = 0;
    for (let i = 0; i < n; i++) cumulative[i] = running += closest[i];
    for (let t = 0; t < trials; t++) {
      candidateIds[t] = Math.min(searchLeft(cumulative, rng.uniform() * potential), n - 1);
    }
    let bestTrial = 0, bestPotential = Infinity;
    for (let t = 0; t < trials; t++) {
      const total = distancesToRow(points, candidateIds[t], closest, candidate);
      if (total < bestPotential) {
        bestPotential = total;
        bestTrial = t;
        [best, candidate] = [candidate, best];
      }
    }
    potential = bestPotential;
    [closest, best] = [best, closest];
    chosen[c] = candidateIds[bestTrial];
  }
  return chosen;
}

/**
 * Writes into `out` the squared distance of every point to point `j`, capped by `cap`
 * (k-means++'s "distance to the closest centroid so far"), and returns their sum.
 * `cap` and `out` may be the same array.
 */
function distancesToRow(points: Matrix, j: number, cap: Float64Array, out: Float64Array): number {
  const { rows: n, cols: d, data: x } = points;
  let total = 0;
  if (d === 2) {
    const c0 = x[2 * j], c1 = x[2 * j + 1];
    for (let i = 0; i < n; i++) {
      const a = x[2 * i] - c0, b = x[2 * i + 1] - c1;
      const dist = Math.min(cap[i], a * a + b * b);
      out[i] = dist;
      total += dist;
    }
    return total;
  }
  for (let i = 0; i < n; i++) {
    let dist = 0;
    for (let t = 0, p = i * d, q = j * d; t < d; t++, p++, q++) {
      const diff = x[p] - x[q];
      dist += diff * diff;
    }
    dist = Math.min(cap[i], dist);
    out[i] = dist;
    total += dist;
  }
  return total;
}

function sum(values: Float64Array): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total;
}

/** NumPy's `searchsorted(sorted, value, side="left")`: the first index with `sorted[i] >= value`. */
function searchLeft(sorted: Float64Array, value: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One run of Lloyd's algorithm from the given initial centroids (copied, not modified).
 * Follows scikit-learn's `_kmeans_single_lloyd`: stop when labels repeat (strict convergence)
 * or when the summed squared centroid shift is at most `tolerance`; relocate empty clusters to
 * the points farthest from their current centroids.
 */
export function lloydFrom(
  points: Matrix,
  initial: Matrix,
  { maxIter = LLOYD.maxIter, tolerance = 0 }: { maxIter?: number; tolerance?: number } = {},
): LloydResult {
  checkWidth(points, initial);
  if (initial.rows < 1) {
    throw new DataError("Lloyd's algorithm needs at least one initial centroid; give k of at least 1.");
  }
  const { rows: n, cols: d } = points;
  const k = initial.rows;
  let centroids = new Float64Array(initial.data);
  let next = new Float64Array(k * d);
  const counts = new Float64Array(k);
  const labels = new Int32Array(n).fill(-1);
  const previousLabels = new Int32Array(n).fill(-1);
  const distances = new Float64Array(n);
  let mean: Float64Array | undefined;
  let iterations = 0, strict = false, converged = false;
  for (let iteration = 0; iteration < maxIter; iteration++) {
    iterations = iteration + 1;
    assignInto(points, { rows: k, cols: d, data: centroids }, labels, distances);
    next.fill(0);
    counts.fill(0);
    accumulateClusterSums(points, labels, next, counts);
    relocateEmptyClusters(points, labels, distances, next, counts);
    let shift = 0;
    for (let j = 0; j < k; j++) {
      // A cluster whose only point was relocated is left empty. scikit-learn leaves its zero sum
      // unscaled on data it has centred, so its centroid lands on the data mean; dividing 0 by 0
      // would give a NaN centroid instead.
      const emptied = counts[j] === 0;
      if (emptied) mean ??= columnMeans(points);
      for (let t = 0; t < d; t++) {
        const value = emptied ? mean![t] : next[j * d + t] / counts[j];
        next[j * d + t] = value;
        const diff = value - centroids[j * d + t];
        shift += diff * diff;
      }
    }
    [centroids, next] = [next, centroids];
    if (sameLabels(labels, previousLabels)) {
      strict = converged = true;
      break;
    }
    if (shift <= tolerance) {
      converged = true;
      break;
    }
    previousLabels.set(labels);
  }
  const finalCentroids = { rows: k, cols: d, data: centroids };
  // Labels were computed against the centroids before the last update: refresh them unless nothing moved.
  if (!strict) assignInto(points, finalCentroids, labels, distances);
  return { centroids: finalCentroids, labels, inertia: sum(distances), iterations, converged };
}

/** Per-cluster coordinate sums and point counts, the numerators and denominators of the new means. */
export function accumulateClusterSums(
  points: Matrix,
  labels: Int32Array,
  sums: Float64Array,
  counts: Float64Array,
): void {
  const { rows: n, cols: d, data: x } = points;
  if (d === 2) {
    for (let i = 0; i < n; i++) {
      const j = labels[i];
      counts[j]++;
      sums[2 * j] += x[2 * i];
      sums[2 * j + 1] += x[2 * i + 1];
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const q = labels[i] * d;
    counts[labels[i]]++;
    for (let t = 0; t < d; t++) sums[q + t] += x[i * d + t];
  }
}

function sameLabels(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * scikit-learn's `_relocate_empty_clusters_dense`: each empty cluster takes the point that is
 * farthest from its current centroid (farthest first), which leaves its old cluster. Works on
 * the per-cluster sums before they are divided into means.
 */
export function relocateEmptyClusters(
  points: Matrix,
  labels: Int32Array,
  distances: Float64Array,
  sums: Float64Array,
  counts: Float64Array,
): void {
  const empty: number[] = [];
  for (let j = 0; j < counts.length; j++) if (counts[j] === 0) empty.push(j);
  if (empty.length === 0) return;
  const { cols: d, data: x } = points;
  // Farthest first (ties: the later point, as NumPy's argpartition tends to give). A point already
  // sitting on its centroid would not lower the inertia by moving, and taking it can empty its own
  // cluster again and again when points repeat, so only points off their centroid are candidates.
  const farthest = Array.from(distances.keys())
    .filter((i) => distances[i] > 0)
    .sort((a, b) => distances[b] - distances[a] || b - a)
    .slice(0, empty.length);
  farthest.forEach((i, e) => {
    const cluster = empty[e], old = labels[i];
    for (let t = 0; t < d; t++) {
      sums[old * d + t] -= x[i * d + t];
      sums[cluster * d + t] = x[i * d + t];
    }
    counts[cluster] = 1;
    counts[old] -= 1;
  });
}

/** Whether two labelings are the same partition up to renaming of the clusters. */
function sameClustering(a: Int32Array, b: Int32Array, k: number): boolean {
  const mapping = new Int32Array(k).fill(-1);
  for (let i = 0; i < a.length; i++) {
    if (mapping[b[i]] === -1) mapping[b[i]] = a[i];
    else if (mapping[b[i]] !== a[i]) return false;
  }
  return true;
}

/**
 * The points minus their column means, and those means: scikit-learn's KMeans centres the data
 * before seeding and iterating, then adds the means back to the centroids. Distances do not
 * change, but their rounding does: between values near 2^62 that differ by millions, float64
 * keeps only a few digits of each difference unless the common offset is taken out first.
 */
export function centreColumns(points: Matrix): { centred: Matrix; mean: Float64Array } {
  const mean = columnMeans(points);
  const { rows, cols, data } = points;
  const out = new Float64Array(data.length);
  for (let p = 0; p < data.length; p++) out[p] = data[p] - mean[p % cols];
  return { centred: { rows, cols, data: out }, mean };
}

/**
 * Lloyd's K-means with k-means++ restarts, as `sklearn.cluster.KMeans(n_clusters=k,
 * n_init=nInit, max_iter=maxIter, tol=tol, algorithm="lloyd", random_state=seed)`, on centred
 * data as scikit-learn does ({@link centreColumns}). Refuses non-finite data and data whose
 * squared distances overflow or underflow (`checkScale`). Deterministic for a seed.
 *
 * @example
 * ```ts
 * import { makeBlobs } from "../random/synthetic.js";
 * const { centroids, inertia } = lloyd(makeBlobs({ n: 500, k: 5, seed: 1 }).points, { k: 5 });
 * ```
 */
export function lloyd(
  points: Matrix,
  { k, nInit = LLOYD.nInit, maxIter = LLOYD.maxIter, tol = LLOYD.tol, seed = LLOYD.seed }: LloydOptions,
): LloydResult {
  checkK(points, k);
  if (!Number.isInteger(nInit) || nInit < 1) {
    throw new DataError(`nInit = ${nInit} must be a positive integer.`);
  }
  if (!Number.isInteger(maxIter) || maxIter < 1) {
    throw new DataError(`maxIter = ${maxIter} must be a positive integer.`);
  }
  if (!(tol >= 0)) throw new DataError(`tol = ${tol} must be a non-negative number.`);
  checkFinite(points, "the data");
  checkScale(points, "the data");
  const rng = new RandomState(seed);
  const tolerance = meanFeatureVariance(points) * tol;
  const { centred, mean } = centreColumns(points);
  let best: LloydResult | undefined;
  for (let run = 0; run < nInit; run++) {
    const chosen = kmeansPlusPlus(centred, k, rng);
    const initial = {
      rows: k,
      cols: points.cols,
      data: Float64Array.from({ length: k * points.cols }, (_, p) => {
        const j = Math.floor(p / points.cols);
        return centred.data[chosen[j] * points.cols + (p % points.cols)];
      }),
    };
    const result = lloydFrom(centred, initial, { maxIter, tolerance });
    if (!best || (result.inertia < best.inertia && !sameClustering(result.labels, best.labels, k))) {
      best = result;
    }
  }
  const { data, cols } = best!.centroids;
  for (let p = 0; p < data.length; p++) data[p] += mean[p % cols];
  return best!;
}
