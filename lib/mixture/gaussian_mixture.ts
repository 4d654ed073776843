/**
 * Spherical Gaussian mixtures scored in float64: the one place where a mixture's likelihood is
 * computed, whether its parameters came from EM (`em.ts`) or from gradient descent in float32
 * (`gradient_mixture.ts`). Component j has mean mu_j, covariance sigma_j^2 I and weight pi_j; the
 * log-density of a point x under it is the notebook's `log_GaussPDF`,
 * `-0.5 (||x - mu_j||^2 / sigma_j^2 + d log(2 pi) + d log(sigma_j^2))`, which is correct for an
 * isotropic covariance (its determinant is sigma_j^(2d)). Distances are taken as differences,
 * not as `||x||^2 - 2 x.mu + ||mu||^2`, so nothing cancels.
 *
 * @module
 */

import { DataError } from "../errors.js";
import { type Matrix, squaredDistanceAt } from "../matrix.js";

/** A mixture of k spherical Gaussians in d dimensions. */
export interface SphericalGaussianMixture {
  /** The k x d component means. */
  means: Matrix;
  /** The k standard deviations (each component's covariance is sigma^2 I). */
  sigmas: Float64Array;
  /** The k mixing weights, non-negative and summing to 1. */
  weights: Float64Array;
}

const LOG_2PI = Math.log(2 * Math.PI);

function checkModel(points: Matrix, model: SphericalGaussianMixture): void {
  const { means, sigmas, weights } = model;
  if (means.rows < 1) throw new DataError("the mixture has no components; fit it with k of at least 1.");
  if (sigmas.length !== means.rows || weights.length !== means.rows) {
    throw new DataError(
      `the mixture has ${means.rows} means but ${sigmas.length} sigmas and ${weights.length} weights; give one of each per component.`,
    );
  }
  if (points.cols !== means.cols) {
    throw new DataError(
      `the points have ${points.cols} columns but the mixture's means ${means.cols}; they must match.`,
    );
  }
}

/** Per-component constants of the log joint density: `offset_j - ||x - mu_j||^2 * halfPrecision_j`. */
interface Prepared {
  k: number;
  d: number;
  mu: Float64Array;
  halfPrecision: Float64Array;
  offset: Float64Array;
}

function prepare(points: Matrix, model: SphericalGaussianMixture): Prepared {
  checkModel(points, model);
  const d = points.cols;
  const { means: { rows: k, data: mu }, sigmas, weights } = model;
  const halfPrecision = new Float64Array(k), offset = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const variance = sigmas[j] * sigmas[j];
    halfPrecision[j] = 0.5 / variance;
    offset[j] = Math.log(weights[j]) - 0.5 * d * (LOG_2PI + Math.log(variance));
  }
  return { k, d, mu, halfPrecision, offset };
}

/**
 * Writes `log pi_j + log N(x_i | mu_j, sigma_j^2 I)` for every component j into `out`: the
 * inner loop every function here shares.
 */
function logJointOf(
  x: Float64Array,
  i: number,
  { k, d, mu, halfPrecision, offset }: Prepared,
  out: Float64Array,
): void {
  const p = i * d;
  if (d === 2) {
    // The common 2-D case unrolled: about twice as fast as the generic loop.
    const x0 = x[p], x1 = x[p + 1];
    for (let j = 0; j < k; j++) {
      const a = x0 - mu[2 * j], b = x1 - mu[2 * j + 1];
      out[j] = offset[j] - (a * a + b * b) * halfPrecision[j];
    }
    return;
  }
  for (let j = 0; j < k; j++) {
    out[j] = offset[j] - squaredDistanceAt(x, p, mu, j * d, d) * halfPrecision[j];
  }
}

/** log(sum(exp(values))) without overflow; -Infinity when every value is. */
function logSumExp(values: Float64Array): number {
  let max = -Infinity;
  for (let j = 0; j < values.length; j++) if (values[j] > max) max = values[j];
  if (max === -Infinity || max === Infinity) return max;
  let sum = 0;
  for (let j = 0; j < values.length; j++) sum += Math.exp(values[j] - max);
  return max + Math.log(sum);
}

/**
 * The log-likelihood of every point under the mixture, `log sum_j pi_j N(x_i | mu_j,
 * sigma_j^2 I)`, by log-sum-exp (scikit-learn's `score_samples`). Its mean is scikit-learn's
 * `score` and minus the notebook's NLL.
 *
 * @example
 * ```ts
 * import { fromRows } from "../matrix.js";
 * const model = { means: fromRows([[0, 0]]), sigmas: Float64Array.of(1), weights: Float64Array.of(1) };
 * gmmLogLikelihood(fromRows([[0, 0]]), model)[0]; // -log(2 pi) = -1.8379
 * ```
 */
export function gmmLogLikelihood(points: Matrix, model: SphericalGaussianMixture): Float64Array {
  const prepared = prepare(points, model);
  const logJoint = new Float64Array(prepared.k), out = new Float64Array(points.rows);
  for (let i = 0; i < points.rows; i++) {
    logJointOf(points.data, i, prepared, logJoint);
    out[i] = logSumExp(logJoint);
  }
  return out;
}

/**
 * The mean negative log-likelihood of the points, the notebook's loss and validation score
 * (`-score` in scikit-learn). Lower is better.
 */
export function gmmNLL(points: Matrix, model: SphericalGaussianMixture): number {
  if (points.rows < 1) throw new DataError("there are no points to score; give at least one.");
  const prepared = prepare(points, model);
  const logJoint = new Float64Array(prepared.k);
  let sum = 0;
  for (let i = 0; i < points.rows; i++) {
    logJointOf(points.data, i, prepared, logJoint);
    sum += logSumExp(logJoint);
  }
  return -sum / points.rows;
}

/**
 * The posterior probability of every component for every point (N x k, rows summing to 1),
 * scikit-learn's `predict_proba`.
 */
export function gmmResponsibilities(points: Matrix, model: SphericalGaussianMixture): Matrix {
  return gmmPosterior(points, model).responsibilities;
}

/**
 * The responsibilities (N x k) and the per-point log-likelihood together, in one pass over the
 * points: EM's E-step.
 */
export function gmmPosterior(
  points: Matrix,
  model: SphericalGaussianMixture,
): { responsibilities: Matrix; logLikelihood: Float64Array } {
  const prepared = prepare(points, model);
  const { k } = prepared;
  const logJoint = new Float64Array(k), data = new Float64Array(points.rows * k);
  const logLikelihood = new Float64Array(points.rows);
  for (let i = 0; i < points.rows; i++) {
    logJointOf(points.data, i, prepared, logJoint);
    const norm = logLikelihood[i] = logSumExp(logJoint);
    for (let j = 0; j < k; j++) data[i * k + j] = Math.exp(logJoint[j] - norm);
  }
  return { responsibilities: { rows: points.rows, cols: k, data }, logLikelihood };
}

/** The most likely component of every point (the first on ties), scikit-learn's `predict`. */
export function gmmPredict(points: Matrix, model: SphericalGaussianMixture): Int32Array {
  const prepared = prepare(points, model);
  const logJoint = new Float64Array(prepared.k), labels = new Int32Array(points.rows);
  for (let i = 0; i < points.rows; i++) {
    logJointOf(points.data, i, prepared, logJoint);
    let best = 0;
    for (let j = 1; j < logJoint.length; j++) if (logJoint[j] > logJoint[best]) best = j;
    labels[i] = best;
  }
  return labels;
}

/**
 * Free parameters of a spherical mixture of k components in d dimensions: k d means, k
 * variances and k - 1 weights (scikit-learn's `_n_parameters` for `covariance_type="spherical"`).
 */
export function sphericalParameterCount(k: number, d: number): number {
  return k * d + k + k - 1;
}

/**
 * The Bayesian information criterion on `points`, `-2 N score + p ln N` with p from
 * {@link sphericalParameterCount}, as scikit-learn's `GaussianMixture.bic`. Lower is better.
 */
export function gmmBIC(points: Matrix, model: SphericalGaussianMixture): number {
  const n = points.rows;
  return 2 * n * gmmNLL(points, model) +
    sphericalParameterCount(model.means.rows, model.means.cols) * Math.log(n);
}

/**
 * The Akaike information criterion on `points`, `-2 N score + 2 p`, as scikit-learn's
 * `GaussianMixture.aic`. Lower is better.
 */
export function gmmAIC(points: Matrix, model: SphericalGaussianMixture): number {
  return 2 * points.rows * gmmNLL(points, model) +
    2 * sphericalParameterCount(model.means.rows, model.means.cols);
}
