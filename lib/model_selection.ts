/**
 * Criteria for choosing k: the silhouette of a clustering, and the elbow of a decreasing curve.
 *
 * @module
 */
import { DataError } from "./errors.js";
import type { Matrix } from "./matrix.js";

/**
 * The mean silhouette coefficient of a labelled set of points (scikit-learn's
 * `silhouette_score`, Euclidean): for each point, a = mean distance to the other points of its
 * cluster, b = the smallest mean distance to the points of another cluster, s = (b - a) /
 * max(a, b), and s = 0 for a point alone in its cluster. Needs 2 <= clusters <= N - 1.
 * Costs N^2 distances: score a sample (e.g. the validation set) for large N.
 */
export function silhouetteScore(points: Matrix, labels: ArrayLike<number>): number {
  const { rows: n, cols: d, data } = points;
  if (labels.length !== n) {
    throw new DataError(`there are ${labels.length} labels for ${n} points; give one per point.`);
  }
  let k = 0;
  for (let i = 0; i < n; i++) k = Math.max(k, labels[i] + 1);
  const sizes = new Float64Array(k);
  for (let i = 0; i < n; i++) sizes[labels[i]]++;
  const used = sizes.filter((s) => s > 0).length;
  if (used < 2 || used > n - 1) {
    throw new DataError(
      `the silhouette needs between 2 and ${n - 1} clusters, got ${used}; choose another k.`,
    );
  }
  const sums = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let j = 0; j < n; j++) {
      let dist = 0;
      for (let t = 0; t < d; t++) {
        const diff = data[i * d + t] - data[j * d + t];
        dist += diff * diff;
      }
      sums[labels[j]] += Math.sqrt(dist);
    }
    const own = labels[i];
    if (sizes[own] <= 1) continue; // a singleton's silhouette is 0
    const a = sums[own] / (sizes[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && sizes[c] > 0) b = Math.min(b, sums[c] / sizes[c]);
    total += (b - a) / Math.max(a, b);
  }
  return total / n;
}

/**
 * The elbow of a curve that falls with k (e.g. K-means' score): after scaling both axes to
 * [0, 1], the point farthest below the chord from the first point to the last. Returns its
 * index. A simple, deterministic reading of "where the curve bends".
 */
export function elbowIndex(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  const n = xs.length;
  if (n !== ys.length || n < 3) throw new DataError("the elbow needs at least three (k, value) pairs.");
  const xMin = Math.min(...Array.from(xs)), xMax = Math.max(...Array.from(xs));
  const yMin = Math.min(...Array.from(ys)), yMax = Math.max(...Array.from(ys));
  const sx = (x: number) => (x - xMin) / (xMax - xMin || 1);
  const sy = (y: number) => (y - yMin) / (yMax - yMin || 1);
  const [x0, y0, x1, y1] = [sx(xs[0]), sy(ys[0]), sx(xs[n - 1]), sy(ys[n - 1])];
  let best = 0, bestGap = -Infinity;
  for (let i = 0; i < n; i++) {
    // Height of the chord above the curve at this x.
    const chord = y0 + (y1 - y0) * ((sx(xs[i]) - x0) / (x1 - x0 || 1));
    const gap = chord - sy(ys[i]);
    if (gap > bestGap) {
      bestGap = gap;
      best = i;
    }
  }
  return best;
}

/** Index of the smallest value (the first on ties). */
export function argMin(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] < values[best]) best = i;
  return best;
}
