/**
 * What the two gradient models share: the checks of the options they have in common, the
 * training loop itself ({@link trainingLoop}: epochs, mini-batches, reports, the abort signal,
 * divergence), and a run's curves collected from its reports ({@link fitCurves}).
 * Each model brings only what is its own ({@link GradientModel}): its engine and how a report
 * reads the engine's parameters. Private to `lib/`.
 *
 * @module
 */

import { checkEngine, type Engine, type RunState, type TrainingEngine } from "./engine.js";
import { DataError } from "../errors.js";
import { checkFinite } from "../finite.js";
import type { Matrix } from "../matrix.js";
import { type MiniBatches, miniBatches, scoredSample } from "./_mini_batches.js";

/** The options both gradient models take, as checked by {@link checkTrainingOptions}. */
export interface CommonSettings {
  k: number;
  lr: number;
  epochs: number;
  reportEvery: number;
  seeds: readonly number[];
  engine: Engine;
  valid?: Matrix;
}

/**
 * Throws a `DataError` naming the first bad option: `model` names the model in the message ("K-means",
 * "a mixture"), `exampleLr` is the learning rate suggested instead of a bad one.
 */
export function checkTrainingOptions(
  points: Matrix,
  { k, lr, epochs, reportEvery, seeds, engine, valid }: CommonSettings,
  { model, exampleLr }: { model: string; exampleLr: number },
): void {
  if (points.rows < 1) throw new DataError(`there are no training points; ${model} needs at least one.`);
  checkFinite(points, "the training data");
  if (!Number.isInteger(k) || k < 1 || k > points.rows) {
    throw new DataError(`k = ${k} must be an integer between 1 and the ${points.rows} training points.`);
  }
  if (!(lr > 0) || !Number.isFinite(lr)) {
    throw new DataError(`lr = ${lr} must be a finite number above 0, such as ${exampleLr}.`);
  }
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new DataError(`epochs = ${epochs} must be a positive integer.`);
  }
  checkEngine(engine);
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

/** Throws a `DataError` unless `value` is one of `choices`. */
export function checkChoice<T extends string>(name: string, value: T, choices: readonly T[]): void {
  if (!choices.includes(value)) {
    throw new DataError(`${name} "${value}" is unknown; use one of ${choices.join(", ")}.`);
  }
}

/** The training and validation points a report scores. */
export interface ScoredPoints {
  train: Matrix;
  valid?: Matrix;
}

/** Where a report stands, as {@link trainingLoop} hands it to {@link GradientModel.report}. */
export interface ReportContext {
  /** Epochs trained so far. */
  epoch: number;
  /** Whether this is the last report: the last epoch, or every run has diverged. */
  last: boolean;
  /** The points to score: all of them at the last report or for full batch, else the seeded sample. */
  scored: ScoredPoints;
  /** Whether training is full batch (every report scores every point). */
  full: boolean;
}

/** What one gradient model brings to {@link trainingLoop}; everything else is the loop's. */
export interface GradientModel<Report> {
  /** The rows the mini-batch windows are cut from, in the engine's layout (default: the training points). */
  windowed?: Matrix;
  /** The engine that trains the model's runs, each epoch on the window `batches` gives it. */
  engine(batches: MiniBatches): TrainingEngine;
  /** The report of the runs' states after `context.epoch` epochs, scored on `context.scored`. */
  report(states: RunState[], context: ReportContext): Report;
  /** Whether training ends after this report although epochs remain (default: never). */
  ends?(report: Report): boolean;
}

/** What {@link trainingLoop} needs to know of the options. */
export interface LoopSettings {
  epochs: number;
  reportEvery: number;
  signal?: AbortSignal;
  /** Mini-batch size (undefined: full batch), see `_mini_batches.ts`. */
  batchSize?: number;
  /** Seed of the mini-batch shuffle and of the scored sample. */
  seed: number;
  /** Held-out points each report scores, when given. */
  valid?: Matrix;
}

/**
 * The training loop both gradient models run: `model()` (called once training starts, after a
 * first check of `signal`) sets up the model's engine, which trains one epoch at a time on its
 * mini-batch window; every `reportEvery` epochs and after the last the engine's states are read
 * and the model turns them into a report, which is yielded. Training ends after the last epoch,
 * when every run has diverged (a report marked `last`), or when the model says so; `signal`
 * stops it at the next epoch (the generator then throws `signal.reason`). The engine is disposed
 * however the loop ends.
 */
export async function* trainingLoop<Report>(
  points: Matrix,
  { epochs, reportEvery, signal, batchSize, seed, valid }: LoopSettings,
  model: () => GradientModel<Report>,
): AsyncGenerator<Report, void, undefined> {
  signal?.throwIfAborted();
  const { windowed = points, engine: makeEngine, report, ends } = model();
  const batches = miniBatches(windowed, { batchSize, seed });
  const sample = scoredSample({ train: points, valid }, { batchSize, seed });
  const engine = makeEngine(batches);
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      signal?.throwIfAborted();
      engine.step(epoch);
      if (epoch % reportEvery !== 0 && epoch !== epochs) continue;
      const states = await engine.read(epoch);
      // The last report scores every point; the others a mini-batch's sample (all points when full batch).
      const last = epoch === epochs || states.every((state) => state.diverged);
      const scored = last ? { train: points, valid } : sample;
      const step = report(states, { epoch, last, scored, full: batches.full });
      yield step;
      if (last || ends?.(step)) return;
    }
  } finally {
    engine.dispose();
  }
}

/** Reads a report's training and validation scores (the latter undefined without validation points). */
export type CurveScores<Step> = (step: Step) => [train: number, valid: number | undefined];

/**
 * Runs `train(points, options)` to the end, reporting every `reportEvery` epochs (default every
 * epoch), and returns the last report with the curves of every report: `scores` reads a report's
 * training and validation scores, the training curve is named `name`, the validation curve
 * `validCurve` (left out unless `options.valid` is given). A
 * diverged report goes back to the last state with a finite loss, at an earlier epoch: the curves
 * end there.
 */
export async function fitCurves<
  Options extends { reportEvery?: number; valid?: Matrix },
  Step extends { epoch: number; diverged: boolean },
  Name extends string,
>(
  train: (points: Matrix, options: Options) => AsyncIterable<Step>,
  points: Matrix,
  options: Options,
  name: Name,
  scores: CurveScores<Step>,
): Promise<Step & Record<Name, number[]> & { validCurve?: number[]; curveEpochs: number[] }> {
  const trainCurve: number[] = [], validCurve: number[] = [], curveEpochs: number[] = [];
  let last: Step | undefined;
  for await (const step of train(points, { ...options, reportEvery: options.reportEvery ?? 1 })) {
    last = step;
    while (step.diverged && curveEpochs.length && curveEpochs.at(-1)! >= step.epoch) {
      curveEpochs.pop();
      trainCurve.pop();
      validCurve.pop();
    }
    const [train, valid] = scores(step);
    trainCurve.push(train);
    if (valid !== undefined) validCurve.push(valid);
    curveEpochs.push(step.epoch);
  }
  const curves = { [name]: trainCurve } as Record<Name, number[]>;
  return { ...last!, ...curves, validCurve: options.valid ? validCurve : undefined, curveEpochs };
}
