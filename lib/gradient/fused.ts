/**
 * The `"fused"` engine's maths, written once as pure functions over `Float64Array`s (no
 * TensorFlow.js): the K-means loss with its analytic gradient, the spherical mixture's gradient,
 * and the optimizer family's step (`optimizers.ts`). Each is one pass over its data in double precision; the trainers
 * (`kmeans/gradient_kmeans.ts`, `mixture/gradient_mixture.ts`) call them directly from the shared
 * plain TypeScript loop (`_training.ts`), so an epoch allocates nothing and launches no kernel.
 *
 * The `"autodiff"` engine computes the same losses with TensorFlow.js ops and lets
 * `tf.variableGrads` differentiate them (`kmeans/_autodiff_loss.ts`, `mixture/_autodiff_nll.ts`);
 * the tests check that the two agree.
 *
 * @module
 */

import type { RunState, TrainingEngine } from "./engine.js";
import { type OptimizerSettings, optimizerStep } from "./optimizers.js";

// The AdamW step, for the modules and tests that take it from the fused engine's maths.
export { type AdamWHyperParameters, adamWScalars, adamWStep } from "./optimizers.js";

/**
 * The K-means loss of each of R runs and its gradient, one pass over the points. `points` is
 * N x d row-major; `centroids` is R*k x d, run r's centroids in rows r*k .. r*k+k-1. The loss of
 * run r is the notebook's `L = (1/N) sum_i min_j ||x_i - c_j||^2`; where each point's nearest
 * centroid is unique (almost everywhere) its gradient is `dL/dc_j = (2/N) (n_j c_j - s_j)`, with
 * n_j the count and s_j the sum of the points nearest to c_j. Ties go to the lowest index. A NaN
 * distance makes its run's loss NaN, as PyTorch's `min` propagates NaN. Runs listed in `skip` are
 * left out (their loss is NaN, their gradient 0).
 *
 * @example
 * ```ts
 * const points = Float64Array.of(0, 0, 2, 0), centroids = Float64Array.of(1, 1);
 * const { losses, gradient } = kmeansLossAndGradient(points, centroids, { d: 2, k: 1 });
 * console.assert(losses[0] === 2 && gradient[0] === 0 && gradient[1] === 2);
 * ```
 */
export function kmeansLossAndGradient(
  points: Float64Array,
  centroids: Float64Array,
  { d, k, skip }: { d: number; k: number; skip?: ArrayLike<boolean> },
): { losses: Float64Array; gradient: Float64Array } {
  const n = points.length / d, rows = centroids.length / d, restarts = rows / k;
  const x = points, c = centroids;
  const sums = new Float64Array(rows * d), counts = new Float64Array(rows);
  const losses = new Float64Array(restarts), gradient = new Float64Array(rows * d);
  for (let r = 0; r < restarts; r++) {
    if (skip?.[r]) {
      losses[r] = NaN;
      continue;
    }
    const first = r * k, end = first + k;
    let total = 0, nan = false;
    if (d === 2) {
      // The site's case, unrolled: about three times faster than the general loop below.
      for (let row = 0; row < x.length; row += 2) {
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
      for (let row = 0; row < x.length; row += d) {
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
    for (let p = first * d; p < end * d; p++) {
      gradient[p] = (2 / n) * (counts[(p / d) | 0] * c[p] - sums[p]);
    }
  }
  return { losses, gradient };
}

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * The points in the layout {@link mixtureGradient} reads: row i = `[x_i, 1, ||x_i||^2]`,
 * N x (d + 2), so that each component's log-density is one dot product with a row.
 */
export function mixturePoints(data: ArrayLike<number>, { d }: { d: number }): Float64Array {
  const n = data.length / d, width = d + 2;
  const out = new Float64Array(n * width);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let t = 0; t < d; t++) {
      const value = data[i * d + t];
      out[i * width + t] = value;
      norm += value * value;
    }
    out[i * width + d] = 1;
    out[i * width + d + 1] = norm;
  }
  return out;
}

/**
 * A component whose log joint is more than this far below the point's largest has
 * `exp(-SKIP_BELOW_MAX) = 4.2e-18` times the weight of the largest, which is 1 in the shifted sum:
 * under half a unit in the last place of a sum that is at least 1 (2^-53 = 1.1e-16), so adding it
 * leaves the sum, and so every other responsibility of the point, exactly as it was. Its own
 * responsibility (under 4.2e-18) is left out of its component's sums, which changes them by under
 * 4.2e-18 per point relative to a point's full weight of 1: exact to rounding for any component
 * that holds points, and for one that holds none a gradient of about 1e-17 becomes 0 (with an
 * epsilon of 1e-5, an Adam step of about 1e-12 lr). {@link mixtureGradient} skips its exp and its sums.
 */
const SKIP_BELOW_MAX = 40;

/**
 * The gradient of the spherical mixture's mean NLL, one pass over the points. `points` is
 * N x (d + 2) from {@link mixturePoints}; `parameters` is k x (d + 2), row j = `[mu_j, sigma_j, a_j]`
 * (mean, standard deviation, logit). With `pi = softmax(a)` and
 * `l_ij = log pi_j - (||x_i - mu_j||^2 / s_j^2 + d log(2 pi s_j^2)) / 2`, the loss is
 * `L = -(1/N) sum_i log sum_j exp(l_ij)`. Expanding the square, `l_ij = w_j . [x_i, 1, ||x_i||^2]`
 * with `w_j = [mu_j / s_j^2, c_j, -1 / (2 s_j^2)]`. With the responsibilities
 * `r_ij = softmax_j(l_ij)`, their sums `R_j`, `S_j = sum_i r_ij x_i` and
 * `T_j = sum_i r_ij ||x_i||^2`: `dL/dmu_j = (R_j mu_j - S_j) / (N s_j^2)`,
 * `dL/ds_j = (d R_j - Q_j / s_j^2) / (N s_j)` with `Q_j = T_j - 2 mu_j.S_j + R_j ||mu_j||^2`, and
 * `dL/da_j = pi_j - R_j / N`. A responsibility under 4.2e-18 is taken as 0 (see
 * {@link SKIP_BELOW_MAX}): most points lie far from most components, so most exps are skipped. A
 * non-finite log-likelihood makes the gradient non-finite, as autodiff would, so the training loop
 * detects divergence from the gradient without computing the loss (a log per point).
 *
 * @example
 * ```ts
 * // One component, one point at its mean: only the spread and the logit have a gradient.
 * const points = mixturePoints([0, 0], { d: 2 });
 * const gradient = mixtureGradient(points, Float64Array.of(0, 0, 1, 0), { d: 2 });
 * console.assert(gradient[0] === 0 && gradient[1] === 0 && gradient[2] === 2 && gradient[3] === 0);
 * ```
 */
export function mixtureGradient(
  points: Float64Array,
  parameters: Float64Array,
  { d }: { d: number },
): Float64Array {
  const width = d + 2, n = points.length / width, k = parameters.length / width;
  const x = points, p = parameters;
  let maxLogit = -Infinity;
  for (let j = 0; j < k; j++) maxLogit = Math.max(maxLogit, p[j * width + d + 1]);
  let expSum = 0;
  for (let j = 0; j < k; j++) expSum += Math.exp(p[j * width + d + 1] - maxLogit);
  const logNormaliser = maxLogit + Math.log(expSum);
  const w = new Float64Array(k * width), muNorm = new Float64Array(k), precision = new Float64Array(k);
  for (let j = 0, at = 0; j < k; j++, at += width) {
    const variance = p[at + d] * p[at + d];
    precision[j] = 1 / variance;
    let norm = 0;
    for (let t = 0; t < d; t++) {
      norm += p[at + t] * p[at + t];
      w[at + t] = p[at + t] * precision[j];
    }
    muNorm[j] = norm;
    w[at + d] = p[at + d + 1] - logNormaliser -
      0.5 * (norm * precision[j] + d * (Math.log(variance) + LOG_2PI));
    w[at + d + 1] = -0.5 * precision[j];
  }
  // [S_j, R_j, T_j] = sum_i r_ij [x_i, 1, ||x_i||^2]
  const moments = new Float64Array(k * width);
  if (d === 2) mixtureMoments2(x, w, moments, k);
  else mixtureMoments(x, w, moments, { k, width });
  const gradient = new Float64Array(k * width);
  for (let j = 0, at = 0; j < k; j++, at += width) {
    const mass = moments[at + d], squares = moments[at + d + 1], sigma = p[at + d];
    let muDotSums = 0;
    for (let t = 0; t < d; t++) {
      muDotSums += p[at + t] * moments[at + t];
      gradient[at + t] = (mass * p[at + t] - moments[at + t]) * precision[j] / n;
    }
    const spread = squares - 2 * muDotSums + mass * muNorm[j];
    gradient[at + d] = (d * mass - spread * precision[j]) / (n * sigma);
    gradient[at + d + 1] = Math.exp(p[at + d + 1] - logNormaliser) - mass / n;
  }
  return gradient;
}

/**
 * Adds `sum_i r_ij [x_i, 1, ||x_i||^2]` to row j of `moments`, for the rows of `x` (each
 * `[x_i, 1, ||x_i||^2]`) under the component weights `w` (the joint of row i and component j is
 * `w_j . x_i`). The responsibilities are the softmax over j of the joints, shifted by their
 * maximum (whose exp is 1 exactly); components more than {@link SKIP_BELOW_MAX} below it are
 * skipped. A NaN joint, or a point whose joints are all -Infinity, makes its sums NaN.
 */
function mixtureMoments(
  x: Float64Array,
  w: Float64Array,
  moments: Float64Array,
  { k, width }: { k: number; width: number },
): void {
  const weights = new Float64Array(k);
  for (let row = 0; row < x.length; row += width) {
    let max = -Infinity, argMax = 0;
    for (let j = 0, at = 0; j < k; j++, at += width) {
      let value = 0;
      for (let t = 0; t < width; t++) value += w[at + t] * x[row + t];
      weights[j] = value;
      if (value > max) {
        max = value;
        argMax = j;
      }
    }
    if (!(max > -Infinity)) max = NaN; // all components NaN or -Infinity: no likelihood
    const floor = max - SKIP_BELOW_MAX;
    let total = 0;
    for (let j = 0; j < k; j++) {
      const value = weights[j];
      // NaN compares false, so a NaN joint (or max) takes the exp and spreads to the sums.
      total += weights[j] = j === argMax ? 1 : value < floor ? 0 : Math.exp(value - max);
    }
    const scale = 1 / total;
    for (let j = 0, at = 0; j < k; j++, at += width) {
      if (weights[j] === 0) continue;
      const r = weights[j] * scale;
      for (let t = 0; t < width; t++) moments[at + t] += r * x[row + t];
    }
  }
}

/** {@link mixtureMoments} for d = 2 (rows `[x0, x1, 1, ||x||^2]`), the site's case, unrolled. */
function mixtureMoments2(x: Float64Array, w: Float64Array, moments: Float64Array, k: number): void {
  const weights = new Float64Array(k);
  for (let row = 0; row < x.length; row += 4) {
    const x0 = x[row], x1 = x[row + 1], squares = x[row + 3];
    let max = -Infinity, argMax = 0;
    for (let j = 0, at = 0; j < k; j++, at += 4) {
      const value = w[at] * x0 + w[at + 1] * x1 + w[at + 2] + w[at + 3] * squares;
      weights[j] = value;
      if (value > max) {
        max = value;
        argMax = j;
      }
    }
    if (!(max > -Infinity)) max = NaN;
    const floor = max - SKIP_BELOW_MAX;
    let total = 0;
    for (let j = 0; j < k; j++) {
      const value = weights[j];
      total += weights[j] = j === argMax ? 1 : value < floor ? 0 : Math.exp(value - max);
    }
    const scale = 1 / total;
    for (let j = 0, at = 0; j < k; j++, at += 4) {
      const weight = weights[j];
      if (weight === 0) continue;
      const r = weight * scale;
      moments[at] += r * x0;
      moments[at + 1] += r * x1;
      moments[at + 2] += r;
      moments[at + 3] += r * squares;
    }
  }
}

/** Whether every value is finite. */
export function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

/**
 * The `"fused"` engine for R runs of P parameters each (`initial` holds them run after run): each
 * epoch calls `evaluate` on the parameters and, for every run whose `finite` flag is set, takes one
 * step of `optimizer` (one of `optimizers.ts`) with its gradient. A run whose flag is not set stops there, keeping the parameters
 * before its last step (the last ones `evaluate` found finite). All in float64, no tensors.
 */
export function fusedEngine(
  initial: Float64Array,
  { restarts, optimizer, evaluate }: {
    restarts: number;
    optimizer: OptimizerSettings;
    /**
     * The gradient of every run at epoch `epoch` (1-based), and whether its loss is finite; `skip`
     * flags the runs already stopped.
     */
    evaluate: (
      parameters: Float64Array,
      { skip, epoch }: { skip: boolean[]; epoch: number },
    ) => { finite: ArrayLike<boolean>; gradient: Float64Array };
  },
): TrainingEngine {
  const size = initial.length / restarts;
  const p = initial.slice(), m = new Float64Array(p.length), v = new Float64Array(p.length);
  const previous = initial.slice();
  const stopped: (RunState | undefined)[] = new Array(restarts).fill(undefined);
  const skip = new Array<boolean>(restarts).fill(false);
  const run = (array: Float64Array, r: number) => array.subarray(r * size, (r + 1) * size);
  return {
    step(epoch) {
      const { finite, gradient } = evaluate(p, { skip, epoch });
      for (let r = 0; r < restarts; r++) {
        if (skip[r]) continue;
        if (!finite[r]) {
          // The parameters after epoch - 1 have a non-finite loss: keep the ones before them.
          stopped[r] = {
            epoch: Math.max(epoch - 2, 0),
            parameters: run(previous, r).slice(),
            diverged: true,
          };
          skip[r] = true;
          continue;
        }
        run(previous, r).set(run(p, r));
        optimizerStep({ p: run(p, r), m: run(m, r), v: run(v, r), g: run(gradient, r) }, {
          step: epoch,
          ...optimizer,
        });
      }
    },
    read(epoch) {
      return Promise.resolve(Array.from({ length: restarts }, (_, r) => {
        if (stopped[r]) return stopped[r]!;
        // Parameters made non-finite by the last step have no finite loss either.
        if (!allFinite(run(p, r))) {
          return { epoch: epoch - 1, parameters: run(previous, r).slice(), diverged: true };
        }
        return { epoch, parameters: run(p, r).slice(), diverged: false, previous: run(previous, r).slice() };
      }));
    },
    dispose() {},
  };
}
