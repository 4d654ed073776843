/**
 * K-means trained by gradient descent, as the course notebook trains it with PyTorch: centroids
 * drawn uniformly in [0, 1), loss = mean over the training points of the squared distance to the
 * nearest centroid, AdamW (lr 0.1, PyTorch's other defaults), 150 full-batch epochs. Training is step-wise (an async generator that reports every few epochs and
 * can be stopped at any step), frees every tensor it makes, stops on a non-finite loss keeping
 * the last finite centroids, and can train several seeds as one batched tensor.
 *
 * Two engines train it (`engine`, see `engine.ts`): `"autodiff"`, the notebook's loss written
 * with TensorFlow.js ops and differentiated by `tf.variableGrads` (float32, on the active tfjs
 * backend; `_autodiff_loss.ts`), and `"fused"` (the default), the analytic loss and gradient and
 * the optimizer's step in one plain TypeScript loop in float64 with no tensors (`fused.ts`). The
 * optimizer is the notebook's AdamW unless `optimizer` names another of `optimizers.ts` (SGD, SGD
 * with momentum, Adam).
 * Scores shown to the user are computed in float64 on the host (with `validationScore`). Training
 * is full batch, as in the notebook, unless `batchSize` asks for mini-batches (`_mini_batches.ts`).
 *
 * @module
 */

import { autodiffKMeans } from "./_autodiff_loss.js";
import {
  checkChoice,
  checkTrainingOptions,
  type CurveScores,
  fitCurves,
  trainingLoop,
} from "../gradient/_training.js";
import { DEFAULT_ENGINE, type Engine } from "../gradient/engine.js";
import { DataError } from "../errors.js";
import { fusedEngine, kmeansLossAndGradient } from "../gradient/fused.js";
import { checkOptimizer, NOTEBOOK_OPTIMIZERS, type Optimizer } from "../gradient/optimizers.js";
import { checkBatchSize } from "../gradient/_mini_batches.js";
import { kmeansPlusPlus, validationScore } from "./kmeans.js";
import { columnRanges, type Matrix } from "../matrix.js";
import { GRADIENT_KMEANS, REPORT_EVERY } from "../notebook_settings.js";
import { RandomState } from "../random/random_state.js";

/**
 * How the centroids start, each from `new RandomState(seed)`:
 * - `"uniform"`: the notebook's `torch.rand(k, d)`, drawn as NumPy's `random_sample((k, d))`;
 * - `"kmeans++"`: greedy k-means++ on the training points, as scikit-learn seeds Lloyd;
 * - `"points"`: k distinct training points, `permutation(n)[:k]`, scikit-learn's `init="random"`.
 */
export type CentroidInit = "uniform" | "kmeans++" | "points";

/**
 * The box `"uniform"` draws in: `"unit"`, the notebook's [0, 1) in every coordinate (on data2D,
 * whose columns span about -3.6..3.9 and -4.9..1.9, a small patch of the data, so every start
 * bunches there); `"data"`, each coordinate between the training points' minimum and maximum in
 * that column.
 */
export type UniformBox = "unit" | "data";

/** Options shared by {@link trainGradientKMeans} and {@link trainGradientKMeansRestarts}. */
export interface GradientKMeansCommonOptions {
  /** Number of centroids, 1 <= k <= number of training points. */
  k: number;
  /** The optimizer's learning rate (the notebook's 0.1). */
  lr?: number;
  /**
   * The optimizer and its other hyper-parameters (default: the notebook's AdamW,
   * `NOTEBOOK_OPTIMIZERS.kmeans`); see `optimizers.ts`.
   */
  optimizer?: Optimizer;
  /** Full-batch epochs to train (the notebook's 150). */
  epochs?: number;
  /** How the centroids start. */
  init?: CentroidInit;
  /** Where `"uniform"` draws (default `"unit"`, the notebook's). */
  uniformBox?: UniformBox;
  /** Held-out points: each report then carries their score. They never influence training. */
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

/** Options of {@link trainGradientKMeans} and {@link fitGradientKMeans}. */
export interface GradientKMeansOptions extends GradientKMeansCommonOptions {
  /** Seed of the `RandomState` drawing the initial centroids. */
  seed?: number;
  /** An explicit start (k x d, e.g. centroids placed by hand): used instead of `init` and `seed`. */
  initial?: Matrix;
}

/** Options of {@link trainGradientKMeansRestarts}. */
export interface GradientKMeansRestartsOptions extends GradientKMeansCommonOptions {
  /** Number of independent runs (default 10, or the number of `seeds`). */
  restarts?: number;
  /** Seed of each run (default 0, 1, ..., restarts - 1). */
  seeds?: ArrayLike<number>;
}

/** The state of one run at a report. */
export interface GradientKMeansStep {
  /** Epochs completed by these centroids (fewer than trained if the run diverged). */
  epoch: number;
  /** Mean squared distance of the training points to their nearest centroid (float64). */
  trainLoss: number;
  /** The same on the validation points, when `valid` was given (float64). */
  validScore?: number;
  /** The k x d centroids (float64 for the fused engine, float32 values widened for autodiff). */
  centroids: Matrix;
  /** Whether the loss became non-finite; the centroids are then the last finite ones. */
  diverged: boolean;
}

/** One run of a batched training, as reported by {@link trainGradientKMeansRestarts}. */
export interface GradientKMeansRun extends GradientKMeansStep {
  /** The run's seed. */
  seed: number;
}

/** A report of {@link trainGradientKMeansRestarts}. */
export interface GradientKMeansRestartsStep {
  /** Epochs trained so far. */
  epoch: number;
  /** Every run, in the order of the seeds; a diverged run stays frozen at its last finite state. */
  runs: GradientKMeansRun[];
  /** Index in `runs` of the run with the lowest training loss, preferring runs that did not diverge. */
  best: number;
}

/** What {@link fitGradientKMeans} returns: the final state and the curves of its reports. */
export interface GradientKMeansFit extends GradientKMeansStep {
  /** Training loss at each report (every epoch with the default `reportEvery` of 1). */
  lossCurve: number[];
  /** Validation score at each report, when `valid` was given. */
  validCurve?: number[];
  /** Epoch of each point of the curves. */
  curveEpochs: number[];
}

interface Settings {
  k: number;
  lr: number;
  optimizer: Optimizer;
  epochs: number;
  init: CentroidInit;
  uniformBox: UniformBox;
  valid?: Matrix;
  signal?: AbortSignal;
  reportEvery: number;
  seeds: number[];
  engine: Engine;
  batchSize?: number;
  initial?: Matrix;
}

const INITS: readonly CentroidInit[] = ["uniform", "kmeans++", "points"];
const BOXES: readonly UniformBox[] = ["unit", "data"];

function checkSettings(points: Matrix, settings: Settings): void {
  checkTrainingOptions(points, settings, { model: "K-means", exampleLr: GRADIENT_KMEANS.lr });
  checkChoice("init", settings.init, INITS);
  checkChoice("uniformBox", settings.uniformBox, BOXES);
  checkBatchSize(settings.batchSize);
  checkOptimizer({ ...settings.optimizer, learningRate: settings.lr });
}

/** The initial k x d centroids of one seed (see {@link CentroidInit} and {@link UniformBox}). */
export function initialCentroids(
  points: Matrix,
  { k, seed = 0, init = "uniform", uniformBox = "unit" }: {
    k: number;
    seed?: number;
    init?: CentroidInit;
    uniformBox?: UniformBox;
  },
): Matrix {
  const { cols: d } = points;
  checkChoice("init", init, INITS);
  checkChoice("uniformBox", uniformBox, BOXES);
  if (init !== "uniform" && !(Number.isInteger(k) && k >= 1 && k <= points.rows)) {
    throw new DataError(
      `init "${init}" picks k = ${k} of the ${points.rows} points; choose k between 1 and ${points.rows}.`,
    );
  }
  const rng = new RandomState(seed);
  const data = new Float64Array(k * d);
  if (init === "uniform") {
    const [low, high] = uniformBox === "data"
      ? columnRanges(points)
      : [new Float64Array(d), new Float64Array(d).fill(1)];
    for (let p = 0; p < data.length; p++) {
      const t = p % d;
      data[p] = low[t] + (high[t] - low[t]) * rng.randomSample();
    }
  } else {
    const chosen = init === "kmeans++"
      ? kmeansPlusPlus(points, k, rng)
      : rng.permutation(points.rows).subarray(0, k);
    chosen.forEach((row, j) => data.set(points.data.subarray(row * d, (row + 1) * d), j * d));
  }
  return { rows: k, cols: d, data };
}

/**
 * The training behind every public function: R runs trained at once by the chosen engine (the
 * fused loop in float64, or the notebook's loss differentiated by TensorFlow.js) in the shared
 * loop, reported every `reportEvery` epochs with float64 scores computed on the host.
 */
function trainBatch(
  points: Matrix,
  settings: Settings,
): AsyncGenerator<GradientKMeansRestartsStep, void, undefined> {
  const { k, lr, init, uniformBox, seeds, initial: given, engine } = settings;
  const optimizer = { ...settings.optimizer, learningRate: lr };
  const d = points.cols;
  return trainingLoop(points, { ...settings, seed: seeds[0] }, () => {
    const initial = new Float64Array(seeds.length * k * d);
    seeds.forEach((seed, r) =>
      initial.set((given ?? initialCentroids(points, { k, seed, init, uniformBox })).data, r * k * d)
    );
    // A diverged run's state is kept (with the report that found it) and reported from then on.
    const frozen: (GradientKMeansRun | undefined)[] = new Array(seeds.length).fill(undefined);
    return {
      engine: (batches) =>
        engine === "autodiff" ? autodiffKMeans(batches, initial, { k, optimizer }) : fusedEngine(initial, {
          restarts: seeds.length,
          optimizer,
          evaluate: (centroids, { skip, epoch }) => {
            const { data, cols: d } = batches.windows[batches.windowOf(epoch)];
            const { losses, gradient } = kmeansLossAndGradient(data, centroids, { d, k, skip });
            return { finite: Array.from(losses, (loss, r) => skip[r] || Number.isFinite(loss)), gradient };
          },
        }),
      report: (states, { epoch, last, scored, full }) => {
        const runs = states.map((state, r) => {
          if (frozen[r] && !(last && !full)) return frozen[r]!;
          const centroids: Matrix = { rows: k, cols: d, data: state.parameters };
          const run: GradientKMeansRun = {
            seed: seeds[r],
            epoch: state.epoch,
            trainLoss: validationScore(scored.train, centroids),
            validScore: scored.valid ? validationScore(scored.valid, centroids) : undefined,
            centroids,
            diverged: state.diverged,
          };
          if (state.diverged) frozen[r] ??= run;
          return run;
        });
        return { epoch, runs, best: bestRun(runs) };
      },
    };
  });
}

/** A K-means report's training and validation scores, for {@link fitGradientKMeans}'s curves. */
const kmeansScores: CurveScores<GradientKMeansStep> = (step) => [step.trainLoss, step.validScore];

function bestRun(runs: GradientKMeansRun[]): number {
  let best = 0;
  for (let r = 1; r < runs.length; r++) {
    const a = runs[r], b = runs[best];
    if (a.diverged !== b.diverged ? !a.diverged : a.trainLoss < b.trainLoss) best = r;
  }
  return best;
}

function withDefaults(
  {
    k,
    lr = GRADIENT_KMEANS.lr,
    optimizer = NOTEBOOK_OPTIMIZERS.kmeans,
    epochs = GRADIENT_KMEANS.epochs,
    init = "uniform",
    uniformBox = "unit",
    valid,
    signal,
    reportEvery = REPORT_EVERY.kmeans,
    engine = DEFAULT_ENGINE,
    batchSize,
  }: GradientKMeansCommonOptions,
  seeds: number[],
): Settings {
  return { k, lr, optimizer, epochs, init, uniformBox, valid, signal, reportEvery, seeds, engine, batchSize };
}

/**
 * Trains K-means by gradient descent, one report at a time: an async generator yielding the
 * state every `reportEvery` epochs and after the last, each with float64 training (and, given
 * `valid`, validation) scores of the centroids. Faithful to the notebook: centroids start in
 * [0, 1) (from NumPy's `RandomState(seed)`, since PyTorch's `torch.rand` stream cannot be
 * reproduced), loss = mean squared distance to the nearest centroid, AdamW with lr 0.1.
 *
 * Stop early with `break` in a `for await` loop (or `return()` on the generator), or with
 * `signal` (the generator then throws `signal.reason`); either way every tensor is freed. A
 * non-finite loss ends training with a last report marked `diverged`, holding the last finite
 * centroids. Options are checked when called, so bad input throws a `DataError` at once.
 *
 * Between reports the epochs run without yielding to the event loop (the CPU backend computes
 * synchronously); a page that wants to stay responsive should keep `reportEvery` small and await
 * a frame between reports.
 *
 * @example
 * ```ts
 * import { makeBlobs } from "../random/synthetic.js";
 * const train = makeBlobs({ n: 300, k: 3, seed: 1 }).points, valid = makeBlobs({ n: 100, k: 3, seed: 2 }).points;
 * for await (const step of trainGradientKMeans(train, { k: 5, valid, reportEvery: 10 })) {
 *   console.log(step.epoch, step.trainLoss, step.validScore);
 * }
 * ```
 */
export function trainGradientKMeans(
  points: Matrix,
  { seed = 0, initial, ...options }: GradientKMeansOptions,
): AsyncGenerator<GradientKMeansStep, void, undefined> {
  const settings = { ...withDefaults(options, [seed]), initial };
  checkSettings(points, settings);
  if (
    initial &&
    (initial.rows !== settings.k || initial.cols !== points.cols || !initial.data.every(Number.isFinite))
  ) {
    throw new DataError(
      `the given start is ${initial.rows} x ${initial.cols}${
        initial.data.every(Number.isFinite) ? "" : " with a non-finite value"
      }; give k = ${settings.k} finite centroids of ${points.cols} columns.`,
    );
  }
  return (async function* () {
    for await (const { runs: [{ seed: _, ...step }] } of trainBatch(points, settings)) yield step;
  })();
}

/**
 * Runs {@link trainGradientKMeans} to the end (or to divergence) and returns the final state
 * with the training and validation curves of every report (every epoch by default).
 *
 * @example
 * ```ts
 * import { makeBlobs } from "../random/synthetic.js";
 * const train = makeBlobs({ n: 300, k: 3, seed: 1 }).points, valid = makeBlobs({ n: 100, k: 3, seed: 2 }).points;
 * const { centroids, validScore, lossCurve } = await fitGradientKMeans(train, { k: 5, valid, seed: 3 });
 * ```
 */
export function fitGradientKMeans(
  points: Matrix,
  options: GradientKMeansOptions,
): Promise<GradientKMeansFit> {
  return fitCurves(trainGradientKMeans, points, options, "lossCurve", kmeansScores);
}

/**
 * Trains R seeds at once as one R x k x d problem (one matrix product per epoch for all of
 * them), yielding every run's state at each report and the index of the best. Each run follows
 * the same trajectory as {@link trainGradientKMeans} with its seed, up to float32 rounding; a
 * run that diverges is frozen at its last finite state while the others go on.
 *
 * @example
 * ```ts
 * import { makeBlobs } from "../random/synthetic.js";
 * const train = makeBlobs({ n: 300, k: 3, seed: 1 }).points, valid = makeBlobs({ n: 100, k: 3, seed: 2 }).points;
 * let last;
 * for await (const step of trainGradientKMeansRestarts(train, { k: 5, restarts: 10, valid })) last = step;
 * const { centroids, validScore } = last!.runs[last!.best];
 * ```
 */
export function trainGradientKMeansRestarts(
  points: Matrix,
  { restarts, seeds, ...options }: GradientKMeansRestartsOptions,
): AsyncGenerator<GradientKMeansRestartsStep, void, undefined> {
  if (seeds !== undefined && restarts !== undefined && restarts !== seeds.length) {
    throw new DataError(
      `restarts = ${restarts} but ${seeds.length} seeds were given; give one or make them agree.`,
    );
  }
  const count = seeds?.length ?? restarts ?? 10;
  if (!Number.isInteger(count) || count < 1) {
    throw new DataError(`restarts = ${count} must be a positive integer.`);
  }
  const seedList = seeds ? Array.from(seeds) : Array.from({ length: count }, (_, r) => r);
  const settings = withDefaults(options, seedList);
  checkSettings(points, settings);
  return trainBatch(points, settings);
}

/**
 * Runs {@link trainGradientKMeansRestarts} to the end and returns its final report (every run and
 * the best).
 */
export async function fitGradientKMeansRestarts(
  points: Matrix,
  options: GradientKMeansRestartsOptions,
): Promise<GradientKMeansRestartsStep> {
  let last: GradientKMeansRestartsStep | undefined;
  for await (
    const step of trainGradientKMeansRestarts(points, {
      reportEvery: options.epochs ?? GRADIENT_KMEANS.epochs,
      ...options,
    })
  ) {
    last = step;
  }
  return last!;
}
