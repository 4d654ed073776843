/**
 * Soft K-means trained by gradient descent on the free energy (`soft_kmeans.ts`), in the one
 * training loop of both gradient models (`gradient/_training.ts`) with the notebook's K-means
 * optimizer (AdamW, lr 0.1, 150 epochs) and either engine: `"fused"`, the analytic gradient in
 * float64, or `"autodiff"`, the free energy in TensorFlow.js ops differentiated by
 * `tf.variableGrads` (`_autodiff_free_energy.ts`). beta is fixed, or anneals: it rises
 * geometrically from `beta` at the first epoch to `betaEnd` at the last.
 *
 * @module
 */

import { freeEnergies } from "./_autodiff_free_energy.js";
import { autodiffKMeans } from "../kmeans/_autodiff_loss.js";
import { checkBeta, freeEnergy, softKMeansLossAndGradient } from "./soft_kmeans.js";
import { checkTrainingOptions, type CurveScores, fitCurves, trainingLoop } from "../gradient/_training.js";
import { DEFAULT_ENGINE, type Engine } from "../gradient/engine.js";
import { DataError } from "../errors.js";
import { fusedEngine } from "../gradient/fused.js";
import { checkBatchSize } from "../gradient/_mini_batches.js";
import { type CentroidInit, initialCentroids, type UniformBox } from "../kmeans/gradient_kmeans.js";
import { validationScore } from "../kmeans/kmeans.js";
import type { Matrix } from "../matrix.js";
import { GRADIENT_KMEANS } from "../notebook_settings.js";
import { NOTEBOOK_OPTIMIZERS } from "../gradient/optimizers.js";

/** Options of {@link trainSoftKMeans}. */
export interface SoftKMeansOptions {
  /** Number of centroids. */
  k: number;
  /** The inverse temperature (the first epoch's, when `betaEnd` is given). */
  beta: number;
  /** Anneal: beta rises geometrically from `beta` to this at the last epoch. */
  betaEnd?: number;
  /** AdamW learning rate (the notebook's 0.1). */
  lr?: number;
  /** Full-batch epochs (the notebook's 150). */
  epochs?: number;
  /** Seed of the start (see `initialCentroids`). */
  seed?: number;
  /** How the centroids start (default the notebook's `"uniform"`). */
  init?: CentroidInit;
  /** Where `"uniform"` draws (default `"unit"`, the notebook's). */
  uniformBox?: UniformBox;
  /** Mini-batch size past which each epoch is one step on a mini-batch (default: full batch). */
  batchSize?: number;
  /** An explicit k x d start, used instead of `init` and `seed`. */
  initial?: Matrix;
  /** Held-out points each report scores. */
  valid?: Matrix;
  /** Report every this many epochs (and after the last; default 1). */
  reportEvery?: number;
  /** Which engine trains (default `"fused"`). */
  engine?: Engine;
  /** Stops training at the next epoch; the generator then throws `signal.reason`. */
  signal?: AbortSignal;
}

/** A report of {@link trainSoftKMeans}. */
export interface SoftKMeansStep {
  /** Epochs completed by these centroids. */
  epoch: number;
  /** The beta of the last epoch trained (the first epoch's at epoch 0). */
  beta: number;
  /** The training points' free energy at `beta` (float64). */
  freeEnergy: number;
  /** The training points' K-means loss, the mean squared distance to the nearest centroid. */
  trainLoss: number;
  /** The same on the validation points, when `valid` was given. */
  validScore?: number;
  /** The k x d centroids. */
  centroids: Matrix;
  /** Whether the free energy became non-finite; the centroids are then the last finite ones. */
  diverged: boolean;
}

/** The beta of epoch `epoch` (1-based) of `epochs`: `beta`, or geometric from `beta` to `betaEnd`. */
export function betaSchedule(
  { beta, betaEnd, epochs }: { beta: number; betaEnd?: number; epochs: number },
): (epoch: number) => number {
  if (betaEnd === undefined || epochs === 1) return () => beta;
  return (epoch) => beta * (betaEnd / beta) ** ((Math.min(Math.max(epoch, 1), epochs) - 1) / (epochs - 1));
}

/**
 * Trains soft K-means by gradient descent, yielding a report every `reportEvery` epochs and after
 * the last. Options are checked when called (a `DataError` names the first bad one).
 *
 * @example
 * ```ts
 * import { makeBlobs } from "../random/synthetic.js";
 * const train = makeBlobs({ n: 300, k: 3, seed: 1 }).points;
 * for await (const step of trainSoftKMeans(train, { k: 3, beta: 1, reportEvery: 50 })) {
 *   console.log(step.epoch, step.freeEnergy, step.trainLoss);
 * }
 * ```
 */
export function trainSoftKMeans(
  points: Matrix,
  {
    k,
    beta,
    betaEnd,
    lr = GRADIENT_KMEANS.lr,
    epochs = GRADIENT_KMEANS.epochs,
    seed = 0,
    init = "uniform",
    uniformBox = "unit",
    batchSize,
    initial: given,
    valid,
    reportEvery = 1,
    engine = DEFAULT_ENGINE,
    signal,
  }: SoftKMeansOptions,
): AsyncGenerator<SoftKMeansStep, void, undefined> {
  checkTrainingOptions(points, { k, lr, epochs, reportEvery, seeds: [seed], engine, valid }, {
    model: "soft K-means",
    exampleLr: GRADIENT_KMEANS.lr,
  });
  checkBatchSize(batchSize);
  checkBeta(beta);
  if (betaEnd !== undefined) checkBeta(betaEnd);
  const d = points.cols;
  if (given && (given.rows !== k || given.cols !== d || !given.data.every(Number.isFinite))) {
    throw new DataError(
      `the given start is ${given.rows} x ${given.cols}; give k = ${k} finite centroids of ${d} columns.`,
    );
  }
  const betaAt = betaSchedule({ beta, betaEnd, epochs });
  return trainingLoop(points, { epochs, reportEvery, signal, seed, valid, batchSize }, () => {
    const initial = Float64Array.from(
      (given ?? initialCentroids(points, { k, seed, init, uniformBox })).data,
    );
    const optimizer = { ...NOTEBOOK_OPTIMIZERS.kmeans, learningRate: lr };
    return {
      engine: (batches) =>
        engine === "autodiff"
          ? autodiffKMeans(batches, initial, {
            k,
            optimizer,
            losses: (tensors, centroids, epoch) =>
              freeEnergies(tensors, centroids, { k, beta: betaAt(epoch) }),
          })
          : fusedEngine(initial, {
            restarts: 1,
            optimizer,
            evaluate: (centroids, { epoch }) => {
              const { data } = batches.windows[batches.windowOf(epoch)];
              const { losses, gradient } = softKMeansLossAndGradient(data, centroids, {
                d,
                k,
                beta: betaAt(epoch),
              });
              return { finite: [Number.isFinite(losses[0])], gradient };
            },
          }),
      report: ([state], { scored }) => {
        const centroids: Matrix = { rows: k, cols: d, data: state.parameters };
        const stepBeta = betaAt(state.epoch);
        return {
          epoch: state.epoch,
          beta: stepBeta,
          freeEnergy: freeEnergy(scored.train, centroids, { beta: stepBeta }),
          trainLoss: validationScore(scored.train, centroids),
          validScore: scored.valid ? validationScore(scored.valid, centroids) : undefined,
          centroids,
          diverged: state.diverged,
        };
      },
    };
  });
}

const softScores: CurveScores<SoftKMeansStep> = (step) => [step.freeEnergy, step.validScore];

/**
 * Runs {@link trainSoftKMeans} to the end and returns the last report with the free energy at every
 * report (`freeEnergyCurve`) and the validation K-means loss (`validCurve`, given `valid`).
 */
export function fitSoftKMeans(
  points: Matrix,
  options: SoftKMeansOptions,
): Promise<SoftKMeansStep & { freeEnergyCurve: number[]; validCurve?: number[]; curveEpochs: number[] }> {
  return fitCurves(trainSoftKMeans, points, options, "freeEnergyCurve", softScores);
}
