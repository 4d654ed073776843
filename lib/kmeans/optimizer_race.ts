/**
 * The optimizer race: gradient K-means trained from one start by each optimizer of the family
 * (`gradient/optimizers.ts`: SGD, SGD with momentum, Adam, AdamW), each at its own learning rate,
 * every epoch recorded (losses and centroids), and what the race found: which optimizer ends with
 * the lowest validation score, and how far weight decay pulled AdamW's centroids toward the origin
 * against Adam's.
 *
 * @module
 */

import {
  type GradientKMeansCommonOptions,
  initialCentroids,
  trainGradientKMeans,
} from "./gradient_kmeans.js";
import { validationScore } from "./kmeans.js";
import type { Matrix } from "../matrix.js";
import { GRADIENT_KMEANS } from "../notebook_settings.js";
import {
  NOTEBOOK_OPTIMIZERS,
  type Optimizer,
  type OptimizerName,
  OPTIMIZERS,
} from "../gradient/optimizers.js";

/** One optimizer in the race: which, with what learning rate. */
export interface RaceLane {
  optimizer: Optimizer;
  lr: number;
}

/** The momentum (mu) of the race's SGD with momentum: the usual 0.9 (PyTorch has no default). */
export const RACE_MOMENTUM = 0.9;

/**
 * The race's default lanes. The learning rates were measured on data2D (k = 5, the notebook's
 * uniform start of seed 0, 150 epochs) over 0.01, 0.03, 0.1, 0.3, 1, 2, 3, 5, 10, by the final
 * validation score: SGD 1 (0.27424; 0.3 ends at 0.27419 but comes within 1e-3 of its end only at
 * epoch 147, 1 at epoch 62; 3 overshoots to 2.00049, 5 and beyond blow up); momentum (mu 0.9) 0.1
 * (0.27395, the best; 0.3 leaves a centroid behind, 0.48853); Adam and AdamW the notebook's 0.1
 * (0.27610, 0.27539; their best are 0.3 and 2, 0.27482 and 0.26429), so that the two differ only by
 * the weight decay.
 */
export const RACE_LANES: Readonly<Record<OptimizerName, RaceLane>> = {
  sgd: { optimizer: { name: "sgd" }, lr: 1 },
  momentum: { optimizer: { name: "momentum", momentum: RACE_MOMENTUM }, lr: 0.1 },
  adam: {
    optimizer: {
      name: "adam",
      beta1: GRADIENT_KMEANS.adamW.beta1,
      beta2: GRADIENT_KMEANS.adamW.beta2,
      epsilon: GRADIENT_KMEANS.adamW.epsilon,
    },
    lr: GRADIENT_KMEANS.lr,
  },
  adamw: { optimizer: NOTEBOOK_OPTIMIZERS.kmeans, lr: GRADIENT_KMEANS.lr },
};

/** One lane's run, every epoch from the start (epoch 0) to the last trained. */
export interface RaceRun {
  name: OptimizerName;
  lr: number;
  epochs: number[];
  trainLoss: number[];
  validScore: number[];
  /** The centroids at each epoch. */
  centroids: Matrix[];
  /** Whether the loss became non-finite (the run then ends at its last finite centroids). */
  diverged: boolean;
}

/** Options of {@link raceSteps} and {@link fitRace}: one start (`initial`, or k, seed and init), the lanes. */
export interface RaceOptions
  extends Omit<GradientKMeansCommonOptions, "lr" | "optimizer" | "reportEvery" | "valid"> {
  /** Seed of the start drawn by `init`. */
  seed?: number;
  /** A start placed by hand (k x d): used instead of `init` and `seed`. */
  initial?: Matrix;
  /** The held-out points whose score picks the winner. */
  valid: Matrix;
  /** The optimizers, in the order they train (default: {@link RACE_LANES}). */
  lanes?: RaceLane[];
}

/**
 * Trains each lane in turn from the same start, yielding after every epoch: the lane's index, its
 * run so far (one object per lane, growing) and whether it has ended. Options are checked when a
 * lane starts (a bad learning rate throws a `DataError` naming it).
 */
export async function* raceSteps(
  train: Matrix,
  { lanes = OPTIMIZERS.map((name) => RACE_LANES[name]), seed = 0, initial, valid, ...options }: RaceOptions,
): AsyncGenerator<{ lane: number; run: RaceRun; done: boolean }, void, undefined> {
  const { k, init, uniformBox } = options;
  const start = initial ?? initialCentroids(train, { k, seed, init, uniformBox });
  for (const [lane, { optimizer, lr }] of lanes.entries()) {
    const run: RaceRun = {
      name: optimizer.name,
      lr,
      epochs: [0],
      trainLoss: [validationScore(train, start)],
      validScore: [validationScore(valid, start)],
      centroids: [start],
      diverged: false,
    };
    const steps = trainGradientKMeans(train, {
      ...options,
      initial: start,
      lr,
      optimizer,
      valid,
      reportEvery: 1,
    });
    for await (const step of steps) {
      // A diverged run's last report goes back to its last finite centroids: the record ends there.
      while (run.epochs.at(-1)! >= step.epoch) {
        for (const values of [run.epochs, run.trainLoss, run.validScore, run.centroids]) values.pop();
      }
      run.epochs.push(step.epoch);
      run.trainLoss.push(step.trainLoss);
      run.validScore.push(step.validScore!);
      run.centroids.push(step.centroids);
      run.diverged = step.diverged;
      yield { lane, run, done: false };
    }
    yield { lane, run, done: true };
  }
}

/** Runs {@link raceSteps} to the end: every lane's run. */
export async function fitRace(train: Matrix, options: RaceOptions): Promise<RaceRun[]> {
  const runs: RaceRun[] = [];
  for await (const { run, done } of raceSteps(train, options)) if (done) runs.push(run);
  return runs;
}

/** The mean distance of k centroids to the origin. */
export function meanNorm({ rows, cols, data }: Matrix): number {
  let total = 0;
  for (let j = 0; j < rows; j++) {
    let squares = 0;
    for (let t = 0; t < cols; t++) squares += data[j * cols + t] ** 2;
    total += Math.sqrt(squares);
  }
  return total / rows;
}

/** What a race found, read from its runs. */
export interface RaceFindings {
  /** The run with the lowest final validation score among those that did not diverge (none: every run diverged). */
  winner?: RaceRun;
  /** The others that did not diverge, best first, and those that diverged. */
  others: RaceRun[];
  diverged: RaceRun[];
  /**
   * Adam's and AdamW's final centroids' mean distance to the origin, when both raced with the same
   * learning rate and epochs and neither diverged: the weight decay's pull.
   */
  decay?: { adam: number; adamw: number; lr: number; weightDecay: number };
}

/** Reads a race's winner and the weight decay's pull on the centroids (see {@link RaceFindings}). */
export function raceFindings(runs: RaceRun[], lanes: RaceLane[]): RaceFindings {
  const last = (run: RaceRun) => run.validScore.at(-1)!;
  const finite = runs.filter((run) => !run.diverged && Number.isFinite(last(run)))
    .sort((a, b) => last(a) - last(b));
  const adam = runs.find((run) => run.name === "adam"), adamw = runs.find((run) => run.name === "adamw");
  const decayLane = lanes.find((lane) => lane.optimizer.name === "adamw")?.optimizer;
  const comparable = adam && adamw && adam.lr === adamw.lr && !adam.diverged && !adamw.diverged &&
    adam.epochs.at(-1) === adamw.epochs.at(-1) && decayLane?.name === "adamw";
  return {
    winner: finite[0],
    others: finite.slice(1),
    diverged: runs.filter((run) => !finite.includes(run)),
    decay: comparable
      ? {
        adam: meanNorm(adam.centroids.at(-1)!),
        adamw: meanNorm(adamw.centroids.at(-1)!),
        lr: adamw.lr,
        weightDecay: decayLane.weightDecay,
      }
      : undefined,
  };
}
