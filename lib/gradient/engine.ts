/**
 * The training engines, chosen by name wherever a gradient model trains (lib, CLI, pages, bench).
 * - `"autodiff"`: the notebook's method. The loss is written with stock TensorFlow.js ops
 *   (`kmeans/_autodiff_loss.ts`, `mixture/_autodiff_nll.ts`), its gradient comes from `tf.variableGrads`, and
 *   PyTorch's AdamW / Adam steps the float32 parameters (`adamw.ts`); it runs on the active tfjs
 *   backend (WASM, WebGL or the plain JavaScript cpu backend).
 * - `"fused"`: the analytic loss and gradient in one pass over the points and PyTorch's optimizer
 *   step, pure functions over `Float64Array`s (`fused.ts`) called from a plain TypeScript loop: no
 *   tensor, no tfjs, float64, the same on every backend.
 * Both start from the same parameters, stop on a non-finite loss keeping the last finite state,
 * and agree to float32 rounding (see `test/engines_test.ts`).
 *
 * @module
 */

import { DataError } from "../errors.js";

/** A training engine's name. */
export type Engine = "autodiff" | "fused";

/** Every engine, in the order the pages offer them. */
export const ENGINES: readonly Engine[] = ["autodiff", "fused"];

/** The state of one run at a report, as an engine hands it to the training loop. */
export interface RunState {
  /** Epochs completed by these parameters. */
  epoch: number;
  /** The run's parameters (float64, or float32 values widened). */
  parameters: Float64Array;
  /** Whether the loss became non-finite: the parameters are then the last ones with a finite loss. */
  diverged: boolean;
  /**
   * For a run that has not diverged: its parameters one epoch earlier, the state to fall back to
   * if the caller finds the current ones unusable (a likelihood that is not finite).
   */
  previous?: Float64Array;
}

/**
 * What the training loop both gradient models share (`trainingLoop` in `_training.ts`) needs of
 * an engine that trains R independent runs of the same model at once.
 */
export interface TrainingEngine {
  /** Trains every run that has not diverged one epoch; `epoch` counts from 1. */
  step(epoch: number): void;
  /** The state of every run after `epoch` epochs (a report); a diverged run stays at its last finite state. */
  read(epoch: number): Promise<RunState[]>;
  /** Frees what the engine holds (tensors, for autodiff). */
  dispose(): void;
}

/**
 * The engine `lib/` and the CLI train with when none is named: `"fused"`, float64 and the
 * fastest everywhere (the pages name `"autodiff"`, the notebook's method).
 */
export const DEFAULT_ENGINE: Engine = "fused";

/** Throws a `DataError` unless `engine` is one of {@link ENGINES}. */
export function checkEngine(engine: string): asserts engine is Engine {
  if (!(ENGINES as readonly string[]).includes(engine)) {
    throw new DataError(`engine "${engine}" is unknown; use one of ${ENGINES.join(", ")}.`);
  }
}
