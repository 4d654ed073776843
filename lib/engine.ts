/**
 * The training engines, chosen by name wherever a gradient model trains (lib, CLI, pages, bench).
 * - `"autodiff"`: the notebook's loss written with stock TensorFlow.js ops, differentiated by
 *   `tf.grad`;
 * - `"fused"`: the single-pass analytic loss and gradient and the fused optimizer step.
 *
 * @module
 */

/** A training engine's name. */
export type Engine = "autodiff" | "fused";

/** Every engine, in the order the pages offer them. */
export const ENGINES: readonly Engine[] = ["autodiff", "fused"];
