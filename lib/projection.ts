/**
 * Two-dimensional views of d-dimensional points for the charts: two chosen columns, or the
 * first two principal components (PCA). Charts say which view they show.
 *
 * @module
 */
import { DataError } from "./errors.js";
import type { Matrix } from "./matrix.js";
import { RandomState } from "./random/random_state.js";

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

/** Rows of a seeded sample PCA works on when the data is large (the mean uses every row). */
export const PCA_SAMPLE_ROWS = 10_000;
/** Up to this many columns PCA forms the d x d covariance; wider data uses the sample's Gram matrix. */
const COVARIANCE_MAX_COLS = 64;
/** Multiply-adds allowed for the Gram matrix of wide data (rows^2 x d), which bounds the sample there. */
const GRAM_WORK = 1e8;
/** The Gram matrix is at most this many rows square, so its power iteration stays cheap. */
const GRAM_MAX_ROWS = 400;

/**
 * The first two principal components of `points`, labelled with the share of variance each
 * explains, in bounded time for any shape: the axes come from a seeded sample of the rows (all
 * of them up to {@link PCA_SAMPLE_ROWS}, fewer for wide data), by power iteration with deflation on
 * the d x d covariance when d is small, or on the sample's s x s Gram matrix when d is large
 * (its eigenvectors map to the same axes: v = X^T u), never a d x d matrix for thousands of
 * columns. Exact to ~1e-10 for well-separated eigenvalues of the sample. One-dimensional data
 * gets its single axis and a zero axis.
 */
export function pcaProjection(points: Matrix, { iterations = 500, seed = 0 } = {}): Projection {
  const { rows: n, cols: d, data } = points;
  if (n < 2) throw new DataError("PCA needs at least two points.");
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) mean[t] += data[i * d + t];
  for (let t = 0; t < d; t++) mean[t] /= n;
  const wide = d > COVARIANCE_MAX_COLS;
  const limit = wide
    ? Math.min(GRAM_MAX_ROWS, Math.max(2, Math.floor(Math.sqrt(GRAM_WORK / d))))
    : PCA_SAMPLE_ROWS;
  const s = Math.min(n, limit);
  const chosen = s === n ? null : new RandomState(seed).permutation(n).subarray(0, s).sort();
  const sample = new Float64Array(s * d);
  for (let r = 0; r < s; r++) {
    const i = chosen ? chosen[r] : r;
    for (let t = 0; t < d; t++) sample[r * d + t] = data[i * d + t] - mean[t];
  }
  const axes = new Float64Array(d * 2);
  const shares: number[] = [];
  if (!wide) {
    const covariance = new Float64Array(d * d);
    for (let r = 0; r < s; r++) {
      for (let a = 0; a < d; a++) {
        const xa = sample[r * d + a] / (s - 1);
        for (let b = a; b < d; b++) covariance[a * d + b] += xa * sample[r * d + b];
      }
    }
    for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) covariance[a * d + b] = covariance[b * d + a];
    const { vectors, values, total } = topEigenpairs(covariance, d, iterations);
    vectors.forEach((vector, c) => {
      for (let a = 0; a < d; a++) axes[a * 2 + c] = vector[a];
      shares.push(total > 0 ? values[c] / total : 0);
    });
  } else {
    const gram = new Float64Array(s * s);
    for (let a = 0; a < s; a++) {
      for (let b = a; b < s; b++) {
        let dot = 0;
        for (let t = 0; t < d; t++) dot += sample[a * d + t] * sample[b * d + t];
        gram[a * s + b] = gram[b * s + a] = dot / (s - 1);
      }
    }
    const { vectors, values, total } = topEigenpairs(gram, s, iterations);
    vectors.forEach((u, c) => {
      // v = X^T u, normalised: the principal axis in column space.
      const v = new Float64Array(d);
      for (let r = 0; r < s; r++) for (let t = 0; t < d; t++) v[t] += u[r] * sample[r * d + t];
      const norm = euclidean(v);
      if (norm > 0) { for (let t = 0; t < d; t++) axes[t * 2 + c] = v[t] / norm; }
      shares.push(total > 0 ? values[c] / total : 0);
    });
  }
  const label = (c: number) =>
    c < shares.length ? `PC ${c + 1} (${Math.round(100 * shares[c])}% of variance)` : `PC ${c + 1} (none)`;
  return { mean, axes, labels: [label(0), label(1)] };
}

/** The Euclidean norm, in a loop (spreading a long array into Math.hypot overflows the call stack). */
function euclidean(v: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  return Math.sqrt(sum);
}

/**
 * The top two (or m, if fewer) eigenvectors and eigenvalues of a symmetric positive
 * semi-definite m x m matrix (modified in place), by power iteration with deflation, and its
 * trace. Stops a component early once the vector no longer moves.
 */
function topEigenpairs(matrix: Float64Array, m: number, iterations: number) {
  let total = 0;
  for (let a = 0; a < m; a++) total += matrix[a * m + a];
  const vectors: Float64Array[] = [];
  const values: number[] = [];
  for (let component = 0; component < Math.min(2, m); component++) {
    const vector = Float64Array.from({ length: m }, (_, t) => 1 + t / m); // deterministic, not orthogonal to typical axes
    let eigenvalue = 0;
    const next = new Float64Array(m);
    for (let step = 0; step < iterations; step++) {
      next.fill(0);
      for (let a = 0; a < m; a++) {
        let sum = 0;
        for (let b = 0; b < m; b++) sum += matrix[a * m + b] * vector[b];
        next[a] = sum;
      }
      const norm = euclidean(next);
      if (norm === 0) break;
      let moved = 0;
      for (let a = 0; a < m; a++) {
        const value = next[a] / norm;
        moved = Math.max(moved, Math.abs(value - vector[a]));
        vector[a] = value;
      }
      eigenvalue = norm;
      if (moved < 1e-13) break;
    }
    vectors.push(vector);
    values.push(eigenvalue);
    // Deflate: remove the found component so the next power iteration finds the one after it.
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < m; b++) matrix[a * m + b] -= eigenvalue * vector[a] * vector[b];
    }
  }
  return { vectors, values, total };
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

/**
 * At most `max` rows of `points`, chosen by a seeded shuffle and kept in their original order
 * (all of them when there are no more than `max`), for charts: drawing a million dots freezes
 * a page for seconds, a few thousand show the same shape.
 */
export function sampleRows(points: Matrix, { max = 5000, seed = 0 } = {}): Matrix {
  const { rows: n, cols: d, data } = points;
  if (n <= max) return points;
  const chosen = new RandomState(seed).permutation(n).subarray(0, max).sort();
  const out = new Float64Array(max * d);
  for (let r = 0; r < max; r++) out.set(data.subarray(chosen[r] * d, (chosen[r] + 1) * d), r * d);
  return { rows: max, cols: d, data: out };
}
