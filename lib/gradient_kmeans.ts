/**
 * K-means trained by gradient descent with TensorFlow.js, as the course notebook trains it with
 * PyTorch: centroids drawn uniformly in [0, 1), loss = mean over the training points of the
 * squared distance to the nearest centroid, AdamW (lr 0.1, PyTorch's other defaults), 150
 * full-batch epochs. Training is step-wise (an async generator that reports every few epochs and
 * can be stopped at any step), frees every tensor it makes, stops on a non-finite loss keeping
 * the last finite centroids, and can train several seeds as one batched tensor.
 *
 * Scores shown to the user are computed in float64 on the host (with `validationScore`) from the
 * float32 centroids; TensorFlow.js itself only computes in float32.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type { Engine } from "./engine.js";
import { AdamWOptimizer } from "./adamw.js";
import { DataError } from "./errors.js";
import { checkFinite } from "./finite.js";
import { kmeansPlusPlus, validationScore } from "./kmeans.js";
import type { Matrix } from "./matrix.js";
import { RandomState } from "./random_state.js";
import {
  disposePrepared,
  kmeansLossAndGradient,
  type PreparedPoints,
  preparePoints,
} from "./_kmeans_tensors.js";

/**
 * How the centroids start, each from `new RandomState(seed)`:
 * - `"uniform"`: the notebook's `torch.rand(k, d)`, drawn as NumPy's `random_sample((k, d))`;
 * - `"kmeans++"`: greedy k-means++ on the training points, as scikit-learn seeds Lloyd;
 * - `"points"`: k distinct training points, `permutation(n)[:k]`, scikit-learn's `init="random"`.
 */
export type CentroidInit = "uniform" | "kmeans++" | "points";

/** Options shared by {@link trainGradientKMeans} and {@link trainGradientKMeansRestarts}. */
export interface GradientKMeansCommonOptions {
  /** Number of centroids, 1 <= k <= number of training points. */
  k: number;
  /** AdamW learning rate (the notebook's 0.1). */
  lr?: number;
  /** Full-batch epochs to train (the notebook's 150). */
  epochs?: number;
  /** How the centroids start. */
  init?: CentroidInit;
  /** Held-out points: each report then carries their score. They never influence training. */
  valid?: Matrix;
  /** Stops training at the next epoch; the generator then throws `signal.reason`. */
  signal?: AbortSignal;
  /** Report every this many epochs (and after the last one). */
  reportEvery?: number;
  /** Which engine computes the loss and its gradient (see `engine.ts`). */
  engine?: Engine;
}

/** Options of {@link trainGradientKMeans} and {@link fitGradientKMeans}. */
export interface GradientKMeansOptions extends GradientKMeansCommonOptions {
  /** Seed of the `RandomState` drawing the initial centroids. */
  seed?: number;
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
  /** The k x d centroids (float32 values, widened). */
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
  epochs: number;
  init: CentroidInit;
  valid?: Matrix;
  signal?: AbortSignal;
  reportEvery: number;
  seeds: number[];
}

const INITS: readonly CentroidInit[] = ["uniform", "kmeans++", "points"];

function checkSettings(points: Matrix, settings: Settings): void {
  const { k, lr, epochs, init, valid, reportEvery, seeds } = settings;
  if (points.rows < 1) throw new DataError("there are no training points; K-means needs at least one.");
  checkFinite(points, "the training data");
  if (!Number.isInteger(k) || k < 1 || k > points.rows) {
    throw new DataError(`k = ${k} must be an integer between 1 and the ${points.rows} training points.`);
  }
  if (!(lr > 0) || !Number.isFinite(lr)) {
    throw new DataError(`lr = ${lr} must be a finite number above 0, such as 0.1.`);
  }
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new DataError(`epochs = ${epochs} must be a positive integer.`);
  }
  if (!INITS.includes(init)) {
    throw new DataError(`init "${init}" is unknown; use one of ${INITS.join(", ")}.`);
  }
  if (!Number.isInteger(reportEvery) || reportEvery < 1) {
    throw new DataError(`reportEvery = ${reportEvery} must be a positive integer.`);
  }
  if (seeds.length < 1) throw new DataError("there are no seeds to train; give at least one.");
  for (const seed of seeds) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new DataError(`seed ${seed} is not an integer between 0 and 2^32 - 1; pick one in that range.`);
    }
  }
  if (valid) {
    if (valid.cols !== points.cols) {
      throw new DataError(
        `the validation points have ${valid.cols} columns but the training points ${points.cols}; they must match.`,
      );
    }
    if (valid.rows < 1) {
      throw new DataError("the validation set is empty; pass no `valid` or at least one point.");
    }
    checkFinite(valid, "the validation data");
  }
}

/** The initial k x d centroids of one seed (see {@link CentroidInit}). */
export function initialCentroids(
  points: Matrix,
  k: number,
  seed: number,
  init: CentroidInit = "uniform",
): Matrix {
  const { cols: d } = points;
  if (!INITS.includes(init)) {
    throw new DataError(`init "${init}" is unknown; use one of ${INITS.join(", ")}.`);
  }
  if (init !== "uniform" && !(Number.isInteger(k) && k >= 1 && k <= points.rows)) {
    throw new DataError(
      `init "${init}" picks k = ${k} of the ${points.rows} points; choose k between 1 and ${points.rows}.`,
    );
  }
  const rng = new RandomState(seed);
  const data = new Float64Array(k * d);
  if (init === "uniform") {
    for (let p = 0; p < data.length; p++) data[p] = rng.randomSample();
  } else {
    const chosen = init === "kmeans++"
      ? kmeansPlusPlus(points, k, rng)
      : rng.permutation(points.rows).subarray(0, k);
    chosen.forEach((row, j) => data.set(points.data.subarray(row * d, (row + 1) * d), j * d));
  }
  return { rows: k, cols: d, data };
}

function columnMeans({ rows, cols, data }: Matrix): Float64Array {
  const means = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let t = 0; t < cols; t++) means[t] += data[i * cols + t];
  return means.map((sum) => sum / rows);
}

function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

/**
 * The training loop behind every public function: R runs as one (R*k) x d variable. Per epoch,
 * inside one `tf.tidy`: the losses and analytic gradient, one AdamW step, and references to the
 * losses and the centroids they belong to. Nothing is read back between reports; a report reads
 * the losses of every epoch since the previous one to find runs that diverged.
 */
async function* trainBatch(
  points: Matrix,
  settings: Settings,
): AsyncGenerator<GradientKMeansRestartsStep, void, undefined> {
  const { k, lr, epochs, init, valid, signal, reportEvery, seeds } = settings;
  const restarts = seeds.length, d = points.cols, rows = restarts * k;
  signal?.throwIfAborted();
  const initial = new Float32Array(rows * d);
  seeds.forEach((seed, r) => initial.set(initialCentroids(points, k, seed, init).data, r * k * d));

  // Centring the points (and, inside the step, the centroids) leaves the loss and the gradient
  // unchanged but keeps ||x||^2 and x.c small, which is what float32 needs for the
  // ||x||^2 - 2 x.c + ||c||^2 form to lose little to cancellation. The variable holds the
  // uncentred centroids, since AdamW's weight decay pulls them towards 0, not towards the mean.
  const mean = columnMeans(points);
  const centred = Float64Array.from(points.data, (value, p) => value - mean[p % d]);
  const tensors: tf.Tensor[] = [];
  let optimizer: AdamWOptimizer | undefined;
  let prepared: PreparedPoints | undefined;
  // Divergence bookkeeping without a read-back per epoch: every epoch since the last report keeps
  // its losses and the centroids they were computed on; a report reads the losses at once.
  let history: Snapshot[] = [];
  let carried: Centroids | undefined;
  try {
    prepared = preparePoints(centred, { rows: points.rows, cols: d, k, restarts });
    const centre = tf.tensor2d(Float32Array.from(mean), [1, d]);
    tensors.push(centre);
    // Not trainable: the gradient is computed, not taped, and a minimize() elsewhere must not see it.
    const centroids = tf.tidy(() => tf.variable(tf.tensor2d(initial, [rows, d]), false));
    tensors.push(centroids);
    optimizer = new AdamWOptimizer({ learningRate: lr });

    const frozen: (GradientKMeansRun | undefined)[] = new Array(restarts).fill(undefined);
    const describe = (r: number, epoch: number, data: Float32Array, diverged: boolean): GradientKMeansRun => {
      const matrix: Matrix = {
        rows: k,
        cols: d,
        data: Float64Array.from(data.subarray(r * k * d, (r + 1) * k * d)),
      };
      return {
        seed: seeds[r],
        epoch,
        trainLoss: validationScore(points, matrix),
        validScore: valid ? validationScore(valid, matrix) : undefined,
        centroids: matrix,
        diverged,
      };
    };

    for (let epoch = 1; epoch <= epochs; epoch++) {
      signal?.throwIfAborted();
      tf.tidy(() => {
        const { losses, gradient } = kmeansLossAndGradient(
          prepared!,
          tf.sub(centroids, centre) as tf.Tensor2D,
        );
        // The losses belong to the centroids before this step (PyTorch's L in the notebook). Keep
        // both: tf.clone shares the data, which the optimizer's assign below leaves alone.
        history.push({ epoch: epoch - 1, centroids: tf.keep(tf.clone(centroids)), losses: tf.keep(losses) });
        optimizer!.applyGradients({ [centroids.name]: gradient });
      });
      if (epoch % reportEvery !== 0 && epoch !== epochs) continue;

      const stacked = tf.stack(history.map((entry) => entry.losses));
      const [current, losses] = await Promise.all([
        centroids.data() as Promise<Float32Array>,
        stacked.data(),
      ]);
      stacked.dispose();
      const fallbacks = new Map<Centroids, Float32Array>();
      const runs: GradientKMeansRun[] = [];
      for (let r = 0; r < restarts; r++) {
        if (!frozen[r]) {
          let bad = 0;
          while (bad < history.length && Number.isFinite(losses[bad * restarts + r])) bad++;
          if (bad === history.length && allFinite(current.subarray(r * k * d, (r + 1) * k * d))) {
            runs.push(describe(r, epoch, current, false));
            continue;
          }
          // Diverged: fall back to the centroids of the last finite loss, the entry before the first
          // non-finite one (or before the current centroids, if only they are non-finite). Before
          // the first entry comes the previous window's last; before the very first, nothing: the
          // initial centroids are all there is.
          const fallback = bad > 0 ? history[bad - 1] : carried ?? history[0];
          if (!fallbacks.has(fallback)) {
            fallbacks.set(fallback, (await fallback.centroids.data()) as Float32Array);
          }
          frozen[r] = describe(r, fallback.epoch, fallbacks.get(fallback)!, true);
        }
        runs.push(frozen[r]!);
      }
      carried?.centroids.dispose();
      const last = history.pop()!;
      last.losses.dispose();
      carried = { epoch: last.epoch, centroids: last.centroids };
      disposeSnapshots(history);
      history = [];
      yield { epoch, runs, best: bestRun(runs) };
      if (frozen.every(Boolean)) return;
    }
  } finally {
    optimizer?.dispose();
    if (prepared) disposePrepared(prepared);
    disposeSnapshots(history);
    carried?.centroids.dispose();
    tf.dispose(tensors);
  }
}

/** Centroids (R*k x d) after `epoch` epochs, kept on the device. */
interface Centroids {
  epoch: number;
  centroids: tf.Tensor;
}

/** Centroids and the loss of each run on them. */
interface Snapshot extends Centroids {
  losses: tf.Tensor;
}

function disposeSnapshots(snapshots: Snapshot[]): void {
  for (const { centroids, losses } of snapshots) tf.dispose([centroids, losses]);
}

function bestRun(runs: GradientKMeansRun[]): number {
  let best = 0;
  for (let r = 1; r < runs.length; r++) {
    const a = runs[r], b = runs[best];
    if (a.diverged !== b.diverged ? !a.diverged : a.trainLoss < b.trainLoss) best = r;
  }
  return best;
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
 * for await (const step of trainGradientKMeans(train, { k: 5, valid, reportEvery: 10 })) {
 *   console.log(step.epoch, step.trainLoss, step.validScore);
 * }
 * ```
 */
export function trainGradientKMeans(
  points: Matrix,
  { k, lr = 0.1, epochs = 150, seed = 0, init = "uniform", valid, signal, reportEvery = 10 }:
    GradientKMeansOptions,
): AsyncGenerator<GradientKMeansStep, void, undefined> {
  const settings: Settings = { k, lr, epochs, init, valid, signal, reportEvery, seeds: [seed] };
  checkSettings(points, settings);
  return (async function* () {
    for await (const { runs: [{ seed: _, ...step }] } of trainBatch(points, settings)) yield step;
  })();
}

/**
 * Trains R seeds at once as one R x k x d problem (one matrix product per epoch for all of
 * them), yielding every run's state at each report and the index of the best. Each run follows
 * the same trajectory as {@link trainGradientKMeans} with its seed, up to float32 rounding; a
 * run that diverges is frozen at its last finite state while the others go on.
 *
 * @example
 * ```ts
 * let last;
 * for await (const step of trainGradientKMeansRestarts(train, { k: 5, restarts: 10, valid })) last = step;
 * const { centroids, validScore } = last!.runs[last!.best];
 * ```
 */
export function trainGradientKMeansRestarts(
  points: Matrix,
  { k, lr = 0.1, epochs = 150, init = "uniform", valid, signal, reportEvery = 10, restarts, seeds }:
    GradientKMeansRestartsOptions,
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
  const settings: Settings = { k, lr, epochs, init, valid, signal, reportEvery, seeds: seedList };
  checkSettings(points, settings);
  return trainBatch(points, settings);
}

/**
 * Runs {@link trainGradientKMeans} to the end (or to divergence) and returns the final state
 * with the training and validation curves of every report (every epoch by default).
 *
 * @example
 * ```ts
 * const { centroids, validScore, lossCurve } = await fitGradientKMeans(train, { k: 5, valid, seed: 3 });
 * ```
 */
export async function fitGradientKMeans(
  points: Matrix,
  { reportEvery = 1, ...options }: GradientKMeansOptions,
): Promise<GradientKMeansFit> {
  const lossCurve: number[] = [], validCurve: number[] = [], curveEpochs: number[] = [];
  let last: GradientKMeansStep | undefined;
  for await (const step of trainGradientKMeans(points, { ...options, reportEvery })) {
    last = step;
    // A diverged report goes back to the last centroids with a finite loss: the curves end there.
    while (step.diverged && curveEpochs.length && curveEpochs.at(-1)! >= step.epoch) {
      curveEpochs.pop();
      lossCurve.pop();
      validCurve.pop();
    }
    lossCurve.push(step.trainLoss);
    if (step.validScore !== undefined) validCurve.push(step.validScore);
    curveEpochs.push(step.epoch);
  }
  return { ...last!, lossCurve, validCurve: options.valid ? validCurve : undefined, curveEpochs };
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
    const step of trainGradientKMeansRestarts(points, { reportEvery: options.epochs ?? 150, ...options })
  ) {
    last = step;
  }
  return last!;
}
