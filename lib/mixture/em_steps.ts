/**
 * EM for the spherical mixture taken apart for teaching: from a given mixture, each iteration as
 * an *E-step* (the responsibilities r_ij = P(component j | x_i) under the current parameters) and
 * an *M-step* (weights, means and variances re-estimated from them), with the mean negative
 * log-likelihood (NLL) after each. The maths is `em.ts`'s and `gaussian_mixture.ts`'s own
 * (`gmmPosterior`, `maximise`), so stepping from EM's start lands exactly where
 * {@link emGaussianMixture} does.
 *
 * The E-step changes no parameter, so the NLL after it equals the NLL before (it makes EM's
 * lower bound touch the likelihood); the M-step can only lower it (up to `regCovar`, which adds
 * 1e-6 to each variance).
 *
 * @module
 */

import { DataError } from "../errors.js";
import { KMEANS_MAX_ITER, KMEANS_TOL, maximise } from "./em.js";
import { gmmNLL, gmmPosterior, type SphericalGaussianMixture } from "./gaussian_mixture.js";
import { kmeansPlusPlus, lloydFrom, meanFeatureVariance } from "../kmeans/kmeans.js";
import type { Matrix } from "../matrix.js";
import { takeRows } from "../matrix.js";
import { RandomState } from "../random/random_state.js";

/** One half-step of EM, and the mixture it leaves. */
export interface EMHalfStep {
  /** "start", "E" or "M". */
  phase: "start" | "E" | "M";
  /** Iteration number, 1-based (0 for the start). */
  iteration: number;
  /** The mixture after this half-step. */
  mixture: SphericalGaussianMixture;
  /** N x k responsibilities: those of this E-step, or those the M-step was computed from. */
  responsibilities: Matrix;
  /** Mean negative log-likelihood of the points under `mixture`. */
  nll: number;
  /** Whether the mean log-likelihood moved by less than `tol` at this E-step: EM has converged. */
  converged: boolean;
}

/** Options of {@link emSteps}; the defaults are `emGaussianMixture`'s. */
export interface EMStepsOptions {
  /** Iterations at most. */
  maxIterations?: number;
  /** Stop when the mean log-likelihood changes by less than this between E-steps. */
  tol?: number;
  /** Added to every variance at each M-step. */
  regCovar?: number;
}

/**
 * EM's start from hard labels, as scikit-learn's `init_params="kmeans"`: one M-step from one-hot
 * responsibilities (weights divided by N). Give it Lloyd's labels to start where EM starts.
 */
export function mixtureFromLabels(
  points: Matrix,
  { labels, k, regCovar = 1e-6 }: { labels: ArrayLike<number>; k: number; regCovar?: number },
): SphericalGaussianMixture {
  const oneHot = new Float64Array(points.rows * k);
  for (let i = 0; i < points.rows; i++) oneHot[i * k + labels[i]] = 1;
  return asMixture(maximise(points, oneHot, k, regCovar, false), points.cols);
}

/**
 * Where one restart of `emGaussianMixture` (seed `seed`, its first restart) starts: k-means++
 * from `RandomState(seed)`, Lloyd's labels from there (scikit-learn's `KMeans(n_init=1)`
 * settings), then {@link mixtureFromLabels}. With `nInit: 1`, `emSteps` from here ends on
 * `emGaussianMixture`'s mixture.
 */
export function emStart(
  points: Matrix,
  { k, seed = 0, regCovar = 1e-6 }: { k: number; seed?: number; regCovar?: number },
): SphericalGaussianMixture {
  const initial = takeRows(points, kmeansPlusPlus(points, k, new RandomState(seed)));
  const { labels } = lloydFrom(points, initial, {
    maxIter: KMEANS_MAX_ITER,
    tolerance: meanFeatureVariance(points) * KMEANS_TOL,
  });
  return mixtureFromLabels(points, { labels, k, regCovar });
}

function asMixture(
  { weights, means, variances }: { weights: Float64Array; means: Float64Array; variances: Float64Array },
  d: number,
): SphericalGaussianMixture {
  return { means: { rows: weights.length, cols: d, data: means }, sigmas: variances.map(Math.sqrt), weights };
}

/**
 * EM's half-steps from `start` (copied): the start, then E, M, E, M, ... until an E-step finds
 * the mean log-likelihood moved by less than `tol`, or `maxIterations` iterations have run. The
 * last half-step is then an M-step, as in `emGaussianMixture`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromRows } from "../matrix.js";
 * const points = fromRows([[0, 0], [0, 1], [1, 0], [5, 5], [5, 6], [6, 5]]);
 * const steps = emSteps(points, mixtureFromLabels(points, { labels: [0, 0, 0, 1, 1, 1], k: 2 }));
 * const nlls = steps.filter((s) => s.phase === "M").map((s) => s.nll);
 * assert.ok(nlls.every((nll, i) => i === 0 || nll <= nlls[i - 1] + 1e-12)); // EM never goes uphill
 * ```
 */
export function emSteps(
  points: Matrix,
  start: SphericalGaussianMixture,
  { maxIterations = 1000, tol = 1e-3, regCovar = 1e-6 }: EMStepsOptions = {},
): EMHalfStep[] {
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new DataError(`maxIterations = ${maxIterations} must be a positive integer.`);
  }
  const k = start.means.rows, d = points.cols;
  let mixture: SphericalGaussianMixture = {
    means: { ...start.means, data: Float64Array.from(start.means.data) },
    sigmas: Float64Array.from(start.sigmas),
    weights: Float64Array.from(start.weights),
  };
  const first = gmmPosterior(points, mixture);
  const steps: EMHalfStep[] = [{
    phase: "start",
    iteration: 0,
    mixture,
    responsibilities: first.responsibilities,
    nll: gmmNLL(points, mixture),
    converged: false,
  }];
  let bound = -Infinity;
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const { responsibilities, logLikelihood } = gmmPosterior(points, mixture);
    let sum = 0;
    for (let i = 0; i < points.rows; i++) sum += logLikelihood[i];
    const previous = bound;
    bound = sum / points.rows;
    const converged = Math.abs(bound - previous) < tol;
    steps.push({ phase: "E", iteration, mixture, responsibilities, nll: -bound, converged });
    mixture = asMixture(maximise(points, responsibilities.data, k, regCovar, true), d);
    steps.push({ phase: "M", iteration, mixture, responsibilities, nll: gmmNLL(points, mixture), converged });
    if (converged) break;
  }
  return steps;
}
