/**
 * What the two gradient models share around their training loops: the checks of the options
 * they have in common, and the collection of a run's curves from its reports. Private to `lib/`.
 *
 * @module
 */

import { checkEngine, type Engine } from "./engine.js";
import { DataError } from "../errors.js";
import { checkFinite } from "../finite.js";
import type { Matrix } from "../matrix.js";

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

/**
 * Runs `steps` to the end and returns the last report with the curves of every report: `train`
 * and `valid` read a report's scores. A diverged report goes back to the last state with a
 * finite loss, at an earlier epoch: the curves end there.
 */
export async function collectCurves<Step extends { epoch: number; diverged: boolean }>(
  steps: AsyncIterable<Step>,
  { train, valid }: { train: (step: Step) => number; valid: (step: Step) => number | undefined },
): Promise<{ last: Step; trainCurve: number[]; validCurve: number[]; curveEpochs: number[] }> {
  const trainCurve: number[] = [], validCurve: number[] = [], curveEpochs: number[] = [];
  let last: Step | undefined;
  for await (const step of steps) {
    last = step;
    while (step.diverged && curveEpochs.length && curveEpochs.at(-1)! >= step.epoch) {
      curveEpochs.pop();
      trainCurve.pop();
      validCurve.pop();
    }
    trainCurve.push(train(step));
    const score = valid(step);
    if (score !== undefined) validCurve.push(score);
    curveEpochs.push(step.epoch);
  }
  return { last: last!, trainCurve, validCurve, curveEpochs };
}
