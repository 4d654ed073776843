/**
 * Two-dimensional views of d-dimensional points for the charts: two chosen columns, or the
 * first two principal components (PCA). Charts say which view they show.
 *
 * @module
 */
import { DataError } from "./errors.js";
import type { Matrix } from "./matrix.js";

/** A linear map from d dimensions to 2: `y = (x - mean) · axes`, with a name for chart labels. */
export interface Projection {
  /** Length-d mean subtracted first (zeros for a column view). */
  mean: Float64Array;
  /** d x 2 matrix, row-major: column 0 is the x axis, column 1 the y axis. */
  axes: Float64Array;
  /** Labels of the two axes, e.g. ["column 1", "column 3"] or ["PC 1 (62% of variance)", ...]. */
  labels: [string, string];
}

/** The view of columns `i` and `j` (0-based), unchanged. */
export function columnProjection(d: number, i = 0, j = Math.min(1, d - 1), names?: string[]): Projection {
  for (const c of [i, j]) {
    if (!Number.isInteger(c) || c < 0 || c >= d) {
      throw new DataError(`column ${c + 1} does not exist: the data has ${d}.`);
    }
  }
  const axes = new Float64Array(d * 2);
  axes[i * 2] = 1;
  axes[j * 2 + 1] = 1;
  const name = (c: number) => names?.[c] || `column ${c + 1}`;
  return { mean: new Float64Array(d), axes, labels: [name(i), name(j)] };
}

/**
 * The first two principal components of `points` (power iteration with deflation on the d x d
 * covariance, exact to ~1e-10 for well-separated eigenvalues), labelled with the share of
 * variance each explains. One-dimensional data gets its single axis and a zero axis.
 */
export function pcaProjection(points: Matrix, { iterations = 500 } = {}): Projection {
  const { rows: n, cols: d, data } = points;
  if (n < 2) throw new DataError("PCA needs at least two points.");
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) mean[t] += data[i * d + t] / n;
  const covariance = new Float64Array(d * d);
  const centred = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < d; t++) centred[t] = data[i * d + t] - mean[t];
    for (let a = 0; a < d; a++) {
      for (let b = a; b < d; b++) covariance[a * d + b] += centred[a] * centred[b] / (n - 1);
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) covariance[a * d + b] = covariance[b * d + a];
  let total = 0;
  for (let a = 0; a < d; a++) total += covariance[a * d + a];
  const axes = new Float64Array(d * 2);
  const shares: number[] = [];
  for (let component = 0; component < Math.min(2, d); component++) {
    let vector = Float64Array.from({ length: d }, (_, t) => 1 + t / d); // deterministic, not orthogonal to typical axes
    let eigenvalue = 0;
    for (let step = 0; step < iterations; step++) {
      const next = new Float64Array(d);
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) next[a] += covariance[a * d + b] * vector[b];
      const norm = Math.hypot(...next);
      if (norm === 0) break;
      eigenvalue = norm;
      vector = next.map((v) => v / norm);
    }
    for (let a = 0; a < d; a++) axes[a * 2 + component] = vector[a];
    shares.push(total > 0 ? eigenvalue / total : 0);
    // Deflate: remove the found component so the next power iteration finds the one after it.
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) covariance[a * d + b] -= eigenvalue * vector[a] * vector[b];
    }
  }
  const label = (c: number) =>
    c < shares.length ? `PC ${c + 1} (${Math.round(100 * shares[c])}% of variance)` : `PC ${c + 1} (none)`;
  return { mean, axes, labels: [label(0), label(1)] };
}

/** Applies a projection: N x d points to N x 2. */
export function project(points: Matrix, projection: Projection): Matrix {
  const { rows: n, cols: d, data } = points;
  if (projection.mean.length !== d) {
    throw new DataError(`the projection is for ${projection.mean.length} columns but the points have ${d}.`);
  }
  const out = new Float64Array(n * 2);
  const { mean, axes } = projection;
  for (let i = 0; i < n; i++) {
    let x = 0, y = 0;
    for (let t = 0; t < d; t++) {
      const v = data[i * d + t] - mean[t];
      x += v * axes[t * 2];
      y += v * axes[t * 2 + 1];
    }
    out[2 * i] = x;
    out[2 * i + 1] = y;
  }
  return { rows: n, cols: 2, data: out };
}
