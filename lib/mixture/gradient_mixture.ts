/**
 * A spherical Gaussian mixture trained by gradient descent, as the course notebook trains it
 * with PyTorch: parameters logits (k), means (k x d) and sigma (k), weights =
 * softmax(logits), loss = mean negative log-likelihood of the training points by log-sum-exp,
 * Adam (lr 0.005, betas 0.9 / 0.99, eps 1e-5), 1000 full-batch epochs. Training is step-wise (an
 * async generator that reports every few epochs and can be stopped at any step), frees every
 * tensor it makes, and stops on a non-finite loss keeping the last finite parameters.
 *
 * Two engines train it (`engine`, see `engine.ts`): `"autodiff"`, the notebook's NLL written with
 * TensorFlow.js ops and differentiated by `tf.variableGrads` (float32, on the active tfjs backend;
 * `_autodiff_nll.ts`), and `"fused"` (the default), the analytic gradient and the optimizer's step
 * in one plain TypeScript loop in float64 with no tensors (`fused.ts`). The optimizer is the
 * notebook's Adam unless `optimizer` names another of `optimizers.ts` (SGD, SGD with momentum, AdamW). Every NLL shown to the
 * user is computed in float64 on the host (with `gmmNLL`, the function the EM reference is scored
 * with). Training is full batch, as in the notebook, unless `batchSize` asks for mini-batches
 * (`_mini_batches.ts`).
 *
 * @module
 */

import { autodiffMixture } from "./_autodiff_nll.js";
import {
  checkChoice,
  checkTrainingOptions,
  type CurveScores,
  fitCurves,
  type ScoredPoints,
  trainingLoop,
} from "../gradient/_training.js";
import { DEFAULT_ENGINE, type Engine } from "../gradient/engine.js";
import { allFinite, fusedEngine, mixtureGradient, mixturePoints } from "../gradient/fused.js";
import { checkBatchSize } from "../gradient/_mini_batches.js";
import { checkOptimizer, NOTEBOOK_OPTIMIZERS, type Optimizer } from "../gradient/optimizers.js";
import { gmmNLL, type SphericalGaussianMixture } from "./gaussian_mixture.js";
import { lloyd } from "../kmeans/kmeans.js";
import { columnMeans, type Matrix } from "../matrix.js";
import { GRADIENT_MIXTURE, REPORT_EVERY } from "../notebook_settings.js";
import { RandomState } from "../random/random_state.js";

/**
 * How the parameters start, each from `new RandomState(seed)`:
 * - `"random"`: the notebook's `torch.rand(k)` logits, `torch.randn(k, d)` means and
 *   `|truncnorm(-1, 1)|` sigmas;
 * - `"kmeans"`: logits all 1, means = Lloyd's centroids (`lloyd(points, {k, nInit, seed})` with `GRADIENT_MIXTURE.kmeansInitNInit`),
 *   sigmas drawn as for `"random"`.
 */
export type MixtureInit = "random" | "kmeans";

/** Options of {@link trainGradientMixture} and {@link fitGradientMixture}. */
export interface GradientMixtureOptions {
  /** Number of components, 1 <= k <= number of training points. */
  k: number;
  /** The optimizer's learning rate (the notebook's 0.005). */
  lr?: number;
  /**
   * The optimizer and its other hyper-parameters (default: the notebook's Adam,
   * `NOTEBOOK_OPTIMIZERS.mixture`); see `optimizers.ts`.
   */
  optimizer?: Optimizer;
  /** Full-batch epochs to train (the notebook's 1000). */
  epochs?: number;
  /** How the parameters start. */
  init?: MixtureInit;
  /** Seed of the `RandomState` drawing the initial parameters (and of Lloyd for `"kmeans"`). */
  seed?: number;
  /** Held-out points: each report then carries their NLL. They never influence training. */
  valid?: Matrix;
  /** Stops training at the next epoch; the generator then throws `signal.reason`. */
  signal?: AbortSignal;
  /** Report every this many epochs (and after the last one). */
  reportEvery?: number;
  /** Which engine trains (default `"fused"`; see `engine.ts`). */
  engine?: Engine;
  /**
   * Past this many training points, each epoch is one step on a mini-batch of this many (a seeded
   * shuffle, taken in turn), and reports before the last score a sample of this many training and
   * validation points. Default: full batch, the notebook's.
   */
  batchSize?: number;
}

/** The state of a run at a report: the mixture and its scores. */
export interface GradientMixtureStep extends SphericalGaussianMixture {
  /** Epochs completed by these parameters (fewer than trained if the run diverged). */
  epoch: number;
  /** Mean negative log-likelihood of the training points (float64). */
  trainNLL: number;
  /** The same on the validation points, when `valid` was given (float64). */
  validNLL?: number;
  /** Whether the loss became non-finite; the parameters are then the last finite ones. */
  diverged: boolean;
}

/** What {@link fitGradientMixture} returns: the final state and the curves of its reports. */
export interface GradientMixtureFit extends GradientMixtureStep {
  /** Training NLL at each report (every epoch with the default `reportEvery` of 1). */
  nllCurve: number[];
  /** Validation NLL at each report, when `valid` was given. */
  validCurve?: number[];
  /** Epoch of each point of the curves. */
  curveEpochs: number[];
}

/** Initial parameters of one run, in float64 (see {@link MixtureInit}). */
export interface InitialMixture {
  /** The k x d means. */
  means: Matrix;
  /** The k sigmas, in (0, 1]. */
  sigmas: Float64Array;
  /** The k logits; the weights are their softmax. */
  logits: Float64Array;
}

interface Settings {
  k: number;
  lr: number;
  optimizer: Optimizer;
  epochs: number;
  init: MixtureInit;
  seed: number;
  valid?: Matrix;
  signal?: AbortSignal;
  reportEvery: number;
  engine: Engine;
  batchSize?: number;
}

const INITS: readonly MixtureInit[] = ["random", "kmeans"];

function checkSettings(points: Matrix, settings: Settings): void {
  checkTrainingOptions(points, { ...settings, seeds: [settings.seed] }, {
    model: "a mixture",
    exampleLr: GRADIENT_MIXTURE.lr,
  });
  checkChoice("init", settings.init, INITS);
  checkBatchSize(settings.batchSize);
  checkOptimizer({ ...settings.optimizer, learningRate: settings.lr });
}

/**
 * A standard normal draw truncated to [-1, 1], by rejection: scipy's `truncnorm.rvs(-1, 1)`
 * samples the same distribution by inverting the CDF, but its stream (like PyTorch's) cannot be
 * reproduced anyway, so the simplest exact sampler over NumPy's normals is used. About 68% of
 * draws are accepted.
 */
function truncatedStandardNormal(rng: RandomState): number {
  for (;;) {
    const z = rng.standardNormal();
    if (z >= -1 && z <= 1) return z;
  }
}

/**
 * The initial parameters of one seed (see {@link MixtureInit}). Random init draws, from one
 * `RandomState(seed)` and in the notebook's order, k uniform logits, k x d normal means, then k
 * sigmas; K-means init draws only the sigmas from it (Lloyd has its own generator, seeded alike).
 */
export function initialMixture(
  points: Matrix,
  { k, seed = 0, init = "random" }: { k: number; seed?: number; init?: MixtureInit },
): InitialMixture {
  const d = points.cols;
  const rng = new RandomState(seed);
  let logits: Float64Array, means: Matrix;
  if (init === "random") {
    logits = Float64Array.from({ length: k }, () => rng.randomSample());
    means = { rows: k, cols: d, data: Float64Array.from({ length: k * d }, () => rng.standardNormal()) };
  } else {
    logits = new Float64Array(k).fill(1);
    means = lloyd(points, { k, nInit: GRADIENT_MIXTURE.kmeansInitNInit, seed }).centroids;
  }
  const sigmas = Float64Array.from({ length: k }, () => Math.abs(truncatedStandardNormal(rng)));
  return { means, sigmas, logits };
}

/** A mixture report's training and validation NLL, for {@link fitGradientMixture}'s curves. */
const mixtureScores: CurveScores<GradientMixtureStep> = (step) => [step.trainNLL, step.validNLL];

function softmax(logits: ArrayLike<number>): Float64Array {
  const max = Math.max(...Array.from(logits));
  const out = Float64Array.from(logits, (a) => Math.exp(a - max));
  const total = out.reduce((a, b) => a + b, 0);
  return out.map((value) => value / total);
}

/**
 * The training: one run by the chosen engine on centred points, in the shared loop, reported
 * every `reportEvery` epochs with float64 NLLs computed on the host.
 */
function train(points: Matrix, settings: Settings): AsyncGenerator<GradientMixtureStep, void, undefined> {
  const { k, lr, init, seed, valid, engine } = settings;
  const { cols: d } = points;
  const width = d + 2;
  return trainingLoop(points, settings, () => {
    const start = initialMixture(points, { k, seed, init });
    // The parameters hold centred means: with the centred points that keeps ||x||^2 and x.mu small
    // in float32 (see _autodiff_nll.ts). Without weight decay the shift changes nothing else; AdamW's
    // decay pulls toward the origin, so with it the means are not centred.
    const decays = settings.optimizer.name === "adamw" && settings.optimizer.weightDecay !== 0;
    const mean = decays ? new Float64Array(d) : columnMeans(points);
    const centred = mixturePoints(Float64Array.from(points.data, (value, p) => value - mean[p % d]), { d });
    const initial = new Float64Array(k * width);
    for (let j = 0; j < k; j++) {
      for (let t = 0; t < d; t++) initial[j * width + t] = start.means.data[j * d + t] - mean[t];
      initial[j * width + d] = start.sigmas[j];
      initial[j * width + d + 1] = start.logits[j];
    }

    const describe = (epoch: number, packed: Float64Array, diverged: boolean, scored: ScoredPoints) => {
      const means = new Float64Array(k * d), sigmas = new Float64Array(k), logits = new Float64Array(k);
      for (let j = 0; j < k; j++) {
        for (let t = 0; t < d; t++) means[j * d + t] = packed[j * width + t] + mean[t];
        // The density depends on sigma^2 only; a sigma that crossed 0 is the same component.
        sigmas[j] = Math.abs(packed[j * width + d]);
        logits[j] = packed[j * width + d + 1];
      }
      const model = { means: { rows: k, cols: d, data: means }, sigmas, weights: softmax(logits) };
      return {
        epoch,
        ...model,
        trainNLL: gmmNLL(scored.train, model),
        validNLL: scored.valid ? gmmNLL(scored.valid, model) : undefined,
        diverged,
      };
    };

    const optimizer = { ...settings.optimizer, learningRate: lr };
    return {
      // The windows hold the centred points' rows (in mixturePoints' layout); scores read the points.
      windowed: { rows: points.rows, cols: width, data: centred },
      // The fused engine stops when the gradient is not finite: a non-finite loss always makes it
      // non-finite (the responsibilities of the point whose log-sum-exp is infinite or NaN are NaN),
      // which saves computing the loss (a log per point) every epoch.
      engine: (batches) =>
        engine === "autodiff" ? autodiffMixture(batches, initial, { d, optimizer }) : fusedEngine(initial, {
          restarts: 1,
          optimizer,
          evaluate: (parameters, { epoch }) => {
            const gradient = mixtureGradient(batches.windows[batches.windowOf(epoch)].data, parameters, {
              d,
            });
            return { finite: [allFinite(gradient)], gradient };
          },
        }),
      report: ([state], { epoch, scored }) => {
        const step = describe(state.epoch, state.parameters, state.diverged, scored);
        // Parameters that are finite but whose likelihood is not (a sigma of 0 or past float64's
        // range) have diverged too: keep those of the epoch before, scored on every point.
        if (Number.isFinite(step.trainNLL) || !state.previous) return step;
        return describe(epoch - 1, state.previous, true, { train: points, valid });
      },
      ends: (step) => step.diverged,
    };
  });
}

/**
 * Trains a spherical Gaussian mixture by gradient descent, one report at a time: an async
 * generator yielding the mixture every `reportEvery` epochs and after the last, each with float64
 * training (and, given `valid`, validation) NLL. Faithful to the notebook: logits, means and
 * sigmas trained by Adam (lr 0.005, betas 0.9 / 0.99, eps 1e-5) on the mean NLL, from a random or
 * a K-means start (see {@link MixtureInit}; NumPy's `RandomState(seed)` stands in for PyTorch's
 * and scipy's generators, whose streams cannot be reproduced).
 *
 * Stop early with `break` in a `for await` loop (or `return()` on the generator), or with
 * `signal` (the generator then throws `signal.reason`); either way every tensor is freed. A
 * non-finite loss ends training with a last report marked `diverged`, holding the last finite
 * parameters. Options are checked when called, so bad input throws a `DataError` at once.
 *
 * Between reports the epochs run without yielding to the event loop (the CPU backend computes
 * synchronously); a page that wants to stay responsive should keep `reportEvery` small and await
 * a frame between reports.
 *
 * @example
 * ```ts
 * import { makeBlobs } from "../random/synthetic.js";
 * const train = makeBlobs({ n: 300, k: 3, seed: 1 }).points, valid = makeBlobs({ n: 100, k: 3, seed: 2 }).points;
 * for await (const step of trainGradientMixture(train, { k: 5, init: "kmeans", valid, reportEvery: 50 })) {
 *   console.log(step.epoch, step.trainNLL, step.validNLL);
 * }
 * ```
 */
export function trainGradientMixture(
  points: Matrix,
  {
    k,
    lr = GRADIENT_MIXTURE.lr,
    optimizer = NOTEBOOK_OPTIMIZERS.mixture,
    epochs = GRADIENT_MIXTURE.epochs,
    init = "random",
    seed = 0,
    valid,
    signal,
    reportEvery = REPORT_EVERY.mixture,
    engine = DEFAULT_ENGINE,
    batchSize,
  }: GradientMixtureOptions,
): AsyncGenerator<GradientMixtureStep, void, undefined> {
  const settings: Settings = {
    k,
    lr,
    optimizer,
    epochs,
    init,
    seed,
    valid,
    signal,
    reportEvery,
    engine,
    batchSize,
  };
  checkSettings(points, settings);
  return train(points, settings);
}

/**
 * Runs {@link trainGradientMixture} to the end (or to divergence) and returns the final mixture with
 * the training and validation NLL curves of every report (every epoch by default; pass a larger
 * `reportEvery` when only the end matters, as each report scores all the points on the host).
 *
 * @example
 * ```ts
 * import { makeBlobs } from "../random/synthetic.js";
 * const train = makeBlobs({ n: 300, k: 3, seed: 1 }).points, valid = makeBlobs({ n: 100, k: 3, seed: 2 }).points;
 * const { means, sigmas, weights, validNLL } = await fitGradientMixture(train, { k: 3, valid, seed: 1 });
 * ```
 */
export function fitGradientMixture(
  points: Matrix,
  options: GradientMixtureOptions,
): Promise<GradientMixtureFit> {
  return fitCurves(trainGradientMixture, points, options, "nllCurve", mixtureScores);
}
