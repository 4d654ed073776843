/**
 * Soft K-means, the bridge between K-means and the spherical mixture, in float64. Each point
 * belongs to every centroid with the responsibility `r_ij = softmax_j(-beta ||x_i - c_j||^2)`, and
 * the loss is the free energy
 *
 * ```text
 * F = -(1/(beta N)) sum_i log sum_j exp(-beta ||x_i - c_j||^2)
 * ```
 *
 * As beta grows, F becomes the K-means loss and the responsibilities Lloyd's hard assignments. At
 * `beta = 1 / (2 sigma^2)`, `beta F + log k + (d/2) log(pi / beta)` is the mean NLL of the mixture of
 * k components of equal weight and common sigma, so the mixture's gradient in its means is beta times
 * F's. Soft Lloyd, `c_j = sum_i r_ij x_i / sum_i r_ij`, is EM for that mixture and never increases F.
 *
 * Every log-sum-exp is taken about each point's nearest centroid,
 * `log sum_j exp(-beta d_ij) = -beta d_min + log sum_j exp(-beta (d_ij - d_min))`, so that no exp
 * overflows or underflows to a zero sum at any beta (tested up to 1e6 on data2D).
 *
 * @module
 */

import { DataError } from "../errors.js";
import { columnMeans, type Matrix } from "../matrix.js";
import { RandomState } from "../random/random_state.js";

/** Throws a `DataError` unless `beta` is a finite number above 0. */
export function checkBeta(beta: number): void {
  if (!(beta > 0) || !Number.isFinite(beta)) {
    throw new DataError(`beta = ${beta} must be a finite number above 0, such as 1.`);
  }
}

/**
 * The soft K-means free energy of each of R runs and its gradient, one pass over the points, in the
 * layout of `kmeansLossAndGradient` (`fused.ts`): `points` N x d, `centroids` R*k x d, run r's
 * centroids in rows r*k .. r*k+k-1. The gradient is `dF/dc_j = (2/N) (R_j c_j - S_j)`, with
 * `R_j = sum_i r_ij` and `S_j = sum_i r_ij x_i`: K-means' gradient with soft counts. A NaN distance
 * makes its run's loss NaN. Runs listed in `skip` are left out (loss NaN, gradient 0).
 *
 * @example
 * ```ts
 * // Two centroids equally far from one point share it: each gets half of K-means' pull.
 * const { losses, gradient } = softKMeansLossAndGradient(Float64Array.of(0, 0), Float64Array.of(1, 0, -1, 0), {
 *   d: 2, k: 2, beta: 1,
 * });
 * console.assert(Math.abs(losses[0] - (1 - Math.log(2))) < 1e-15 && gradient[0] === 1 && gradient[2] === -1);
 * ```
 */
export function softKMeansLossAndGradient(
  points: Float64Array,
  centroids: Float64Array,
  { d, k, beta, skip }: { d: number; k: number; beta: number; skip?: ArrayLike<boolean> },
): { losses: Float64Array; gradient: Float64Array } {
  const n = points.length / d, rows = centroids.length / d, restarts = rows / k;
  const moments = new Float64Array(rows * (d + 1));
  const losses = new Float64Array(restarts), gradient = new Float64Array(rows * d);
  for (let r = 0; r < restarts; r++) {
    if (skip?.[r]) {
      losses[r] = NaN;
      continue;
    }
    losses[r] = softMoments(points, centroids, moments, { d, k, beta, first: r * k }) / n;
    for (let j = r * k; j < (r + 1) * k; j++) {
      const mass = moments[j * (d + 1) + d];
      for (let t = 0; t < d; t++) {
        gradient[j * d + t] = (2 / n) * (mass * centroids[j * d + t] - moments[j * (d + 1) + t]);
      }
    }
  }
  return { losses, gradient };
}

/**
 * `Math.exp(x)` is exactly 0 in float64 for every x below -745.2 (the smallest subnormal is
 * exp(-744.4)), so a weight `exp(-beta (d_ij - d_min))` with `beta (d_ij - d_min) > UNDERFLOW` is
 * skipped without changing any result: once beta is large, most exps are.
 */
const UNDERFLOW = 746;

/**
 * Adds `[S_j, R_j] = sum_i r_ij [x_i, 1]` into row j of `moments` (width d + 1) for the k centroids
 * from row `first`, and returns `sum_i F_i` with `F_i = d_min - (1/beta) log sum_j exp(-beta (d_ij - d_min))`.
 * When `responsibilities` is given (N x k), row i receives `r_i`.
 */
function softMoments(
  x: Float64Array,
  c: Float64Array,
  moments: Float64Array,
  { d, k, beta, first, responsibilities }: {
    d: number;
    k: number;
    beta: number;
    first: number;
    responsibilities?: Float64Array;
  },
): number {
  const distances = new Float64Array(k), weights = new Float64Array(k);
  let total = 0;
  for (let i = 0, row = 0; row < x.length; i++, row += d) {
    let nearest = Infinity;
    for (let j = 0; j < k; j++) {
      let distance = 0;
      for (let t = 0, at = (first + j) * d; t < d; t++) {
        const difference = x[row + t] - c[at + t];
        distance += difference * difference;
      }
      distances[j] = distance;
      if (distance < nearest) nearest = distance;
    }
    if (!(nearest < Infinity)) nearest = NaN; // every distance NaN: no free energy
    const floor = nearest + UNDERFLOW / beta;
    let sum = 0;
    for (let j = 0; j < k; j++) {
      sum += weights[j] = distances[j] > floor ? 0 : Math.exp(-beta * (distances[j] - nearest));
    }
    total += nearest - Math.log(sum) / beta;
    const scale = 1 / sum;
    for (let j = 0; j < k; j++) {
      const r = weights[j] * scale;
      if (responsibilities) responsibilities[i * k + j] = r;
      if (r === 0) continue;
      const at = (first + j) * (d + 1);
      for (let t = 0; t < d; t++) moments[at + t] += r * x[row + t];
      moments[at + d] += r;
    }
  }
  return total;
}

/**
 * The responsibilities `r_ij = softmax_j(-beta ||x_i - c_j||^2)` (N x k, rows summing to 1), and
 * the free energy of `centroids` on `points`.
 */
export function softAssign(
  points: Matrix,
  centroids: Matrix,
  { beta }: { beta: number },
): { responsibilities: Matrix; freeEnergy: number } {
  const data = new Float64Array(points.rows * centroids.rows);
  const { freeEnergy } = softPass(points, centroids, { beta, responsibilities: data });
  return { responsibilities: { rows: points.rows, cols: centroids.rows, data }, freeEnergy };
}

/** One pass of {@link softMoments} over every point for one set of centroids: `[S_j, R_j]` and F. */
function softPass(
  points: Matrix,
  centroids: Matrix,
  { beta, responsibilities }: { beta: number; responsibilities?: Float64Array },
): { moments: Float64Array; freeEnergy: number } {
  checkBeta(beta);
  const d = points.cols, k = centroids.rows, moments = new Float64Array(k * (d + 1));
  const total = softMoments(points.data, centroids.data, moments, { d, k, beta, first: 0, responsibilities });
  return { moments, freeEnergy: total / points.rows };
}

/** The free energy F of `centroids` on `points` at `beta` (see the module). */
export function freeEnergy(points: Matrix, centroids: Matrix, { beta }: { beta: number }): number {
  checkBeta(beta);
  return softKMeansLossAndGradient(points.data, centroids.data, { d: points.cols, k: centroids.rows, beta })
    .losses[0];
}

/**
 * One soft Lloyd step: every centroid to the responsibility-weighted mean of the points, and the
 * free energy of the centroids it started from. A centroid whose responsibilities sum to 0 (all
 * underflowed, at a large beta far from every point) stays where it is.
 */
export function softLloydStep(
  points: Matrix,
  centroids: Matrix,
  { beta }: { beta: number },
): { centroids: Matrix; freeEnergy: number } {
  const { moments, freeEnergy } = softPass(points, centroids, { beta });
  const { cols: d } = points, k = centroids.rows;
  const next = new Float64Array(k * d);
  for (let j = 0; j < k; j++) {
    const mass = moments[j * (d + 1) + d];
    for (let t = 0; t < d; t++) {
      next[j * d + t] = mass > 0 ? moments[j * (d + 1) + t] / mass : centroids.data[j * d + t];
    }
  }
  return { centroids: { rows: k, cols: d, data: next }, freeEnergy };
}

/** One iterate of {@link softLloyd}. */
export interface SoftLloydStep {
  /** Iteration number (0 for the start). */
  iteration: number;
  /** The k x d centroids after this iteration. */
  centroids: Matrix;
  /** Their free energy. */
  freeEnergy: number;
}

/** Checks that `initial` holds at least one centroid of the points' width, all finite. */
function checkStart(points: Matrix, initial: Matrix): void {
  if (initial.cols !== points.cols || initial.rows < 1 || !initial.data.every(Number.isFinite)) {
    throw new DataError(
      `the start has ${initial.rows} centroids of ${initial.cols} columns for points of ${points.cols}; give at least one finite centroid of the points' width.`,
    );
  }
}

/**
 * Soft Lloyd's iterates from `initial` at `beta`: the start, then one iterate per step until no
 * centroid moves by more than `tolerance` (a distance) or `maxIterations` have run.
 *
 * @example
 * ```ts
 * import { fromRows } from "../matrix.js";
 * const points = fromRows([[0, 0], [0, 1], [4, 0], [4, 1]]);
 * const last = softLloyd(points, fromRows([[0, 0], [1, 0]]), { beta: 100 }).at(-1)!;
 * console.assert(Math.abs(last.centroids.data[2] - 4) < 1e-12); // at a large beta, Lloyd's means
 * ```
 */
export function softLloyd(
  points: Matrix,
  initial: Matrix,
  { beta, maxIterations = 300, tolerance = 0 }: { beta: number; maxIterations?: number; tolerance?: number },
): SoftLloydStep[] {
  checkBeta(beta);
  checkStart(points, initial);
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new DataError(`maxIterations = ${maxIterations} must be a positive integer.`);
  }
  let centroids: Matrix = { ...initial, data: Float64Array.from(initial.data) };
  const steps: SoftLloydStep[] = [];
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const next = softLloydStep(points, centroids, { beta });
    steps.push({ iteration: iteration - 1, centroids, freeEnergy: next.freeEnergy });
    const shift = largestShift(centroids, next.centroids);
    centroids = next.centroids;
    if (shift <= tolerance) break;
  }
  steps.push({ iteration: steps.length, centroids, freeEnergy: freeEnergy(points, centroids, { beta }) });
  return steps;
}

/** The largest distance any centroid moved between `a` and `b`. */
function largestShift(a: Matrix, b: Matrix): number {
  let largest = 0;
  for (let j = 0; j < a.rows; j++) {
    let squared = 0;
    for (let t = 0; t < a.cols; t++) squared += (a.data[j * a.cols + t] - b.data[j * a.cols + t]) ** 2;
    largest = Math.max(largest, Math.sqrt(squared));
  }
  return largest;
}

/**
 * The critical beta at which soft K-means' centroids first leave the data mean:
 * `1 / (2 lambda_max)`, with lambda_max the largest eigenvalue of the points' covariance (divided by
 * N). Below it, all centroids at the mean is a stable fixed point of soft Lloyd; above it, not. The
 * eigenvalue is found by power iteration on the d x d covariance.
 */
export function firstCriticalBeta(points: Matrix): number {
  const { rows: n, cols: d, data } = points, mean = columnMeans(points);
  const covariance = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const u = data[i * d + a] - mean[a];
      for (let b = 0; b < d; b++) covariance[a * d + b] += u * (data[i * d + b] - mean[b]) / n;
    }
  }
  let vector = new Float64Array(d).fill(1), lambda = 0;
  for (let iteration = 0; iteration < 1000; iteration++) {
    const next = new Float64Array(d);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) next[a] += covariance[a * d + b] * vector[b];
    const norm = Math.hypot(...next);
    if (!(norm > 0)) return Infinity; // every point the same: the centroids never split
    const converged = Math.abs(norm - lambda) <= 1e-15 * norm;
    lambda = norm;
    vector = next.map((value) => value / norm);
    if (converged) break;
  }
  return 1 / (2 * lambda);
}

/**
 * The annealing schedule {@link anneal} follows by default: from beta 0.02 (below data2D's first
 * critical beta, 0.144) to 1e4, at 120 betas (each 1.117 times the one before).
 */
export const ANNEAL_DEFAULTS = { betaStart: 0.02, betaEnd: 1e4, levels: 120 } as const;

/** Options of {@link anneal}. */
export interface AnnealOptions {
  /** The first beta (default 0.02, below data2D's first critical beta 0.144). */
  betaStart?: number;
  /** The last beta (default 1e4). */
  betaEnd?: number;
  /** How many betas, spaced geometrically from `betaStart` to `betaEnd` (default 120). */
  levels?: number;
  /** Soft Lloyd iterations at most per beta (default 200). */
  maxIterations?: number;
  /** Seed of the tiny perturbation added at each beta to break the centroids' symmetry (default 0). */
  seed?: number;
  /** The perturbation's size, relative to the points' spread (default 1e-6). */
  perturbation?: number;
}

/** One beta of an annealing run. */
export interface AnnealLevel {
  beta: number;
  /** The centroids soft Lloyd reached at this beta. */
  centroids: Matrix;
  /** Their free energy at this beta. */
  freeEnergy: number;
  /** How many groups the centroids form (centroids closer than the split threshold are one group). */
  groups: number;
}

/**
 * Deterministic annealing: soft Lloyd at betas rising geometrically from `betaStart` to `betaEnd`,
 * each beta starting from the previous beta's centroids plus a tiny seeded perturbation (without it
 * centroids that sit exactly together stay together at every beta). At a small beta every centroid
 * is pulled to the data mean, whatever `initial` is; the centroids split apart at critical betas.
 * `groups` counts the centroids as split once two lie farther apart than `threshold` (default 1e-3
 * of the points' spread, the root of their mean squared distance to the mean).
 */
export function anneal(
  points: Matrix,
  initial: Matrix,
  {
    betaStart = ANNEAL_DEFAULTS.betaStart,
    betaEnd = ANNEAL_DEFAULTS.betaEnd,
    levels = ANNEAL_DEFAULTS.levels,
    maxIterations = 200,
    seed = 0,
    perturbation = 1e-6,
    threshold,
  }: AnnealOptions & { threshold?: number } = {},
): AnnealLevel[] {
  checkStart(points, initial);
  checkBeta(betaStart);
  checkBeta(betaEnd);
  if (!(betaEnd >= betaStart) || !Number.isInteger(levels) || levels < 2) {
    throw new DataError(
      `annealing needs betaEnd (${betaEnd}) at least betaStart (${betaStart}) and levels (${levels}) an integer of at least 2.`,
    );
  }
  const spread = pointSpread(points), rng = new RandomState(seed);
  const closeBy = threshold ?? 1e-3 * spread, shake = perturbation * spread;
  const tolerance = 1e-9 * spread;
  let centroids: Matrix = { ...initial, data: Float64Array.from(initial.data) };
  const out: AnnealLevel[] = [];
  for (let level = 0; level < levels; level++) {
    const beta = betaStart * (betaEnd / betaStart) ** (level / (levels - 1));
    const shaken = centroids.data.map((value) => value + shake * (rng.randomSample() - 0.5));
    const steps = softLloyd(points, { ...centroids, data: shaken }, { beta, maxIterations, tolerance });
    const last = steps.at(-1)!;
    centroids = last.centroids;
    out.push({ beta, centroids, freeEnergy: last.freeEnergy, groups: centroidGroups(centroids, closeBy) });
  }
  return out;
}

/** The root of the points' mean squared distance to their mean. */
export function pointSpread(points: Matrix): number {
  const { rows: n, cols: d, data } = points, mean = columnMeans(points);
  let sum = 0;
  for (let p = 0; p < data.length; p++) sum += (data[p] - mean[p % d]) ** 2;
  return Math.sqrt(sum / n);
}

/** How many groups the centroids form when those closer than `threshold` (chained) are one group. */
export function centroidGroups(centroids: Matrix, threshold: number): number {
  const { rows: k, cols: d, data } = centroids;
  const group = Array.from({ length: k }, (_, j) => j);
  const find = (j: number): number => (group[j] === j ? j : (group[j] = find(group[j])));
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      let squared = 0;
      for (let t = 0; t < d; t++) squared += (data[a * d + t] - data[b * d + t]) ** 2;
      if (Math.sqrt(squared) <= threshold) group[find(a)] = find(b);
    }
  }
  return new Set(group.map(find)).size;
}

/** A split seen while annealing: the first beta at which the centroids form `groups` groups or more. */
export interface Split {
  beta: number;
  groups: number;
}

/** The betas at which the number of centroid groups rose, in order. */
export function splits(levels: readonly AnnealLevel[]): Split[] {
  const out: Split[] = [];
  let groups = levels[0]?.groups ?? 0;
  for (const level of levels) {
    if (level.groups > groups) out.push({ beta: level.beta, groups: level.groups });
    groups = Math.max(groups, level.groups);
  }
  return out;
}
