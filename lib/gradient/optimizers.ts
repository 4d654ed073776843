/**
 * The optimizers the gradient models can train with, as one family: PyTorch's SGD, SGD with
 * momentum, Adam and AdamW (torch 1.13's single-tensor updates, `maximize=False`). An optimizer is
 * data ({@link Optimizer}: its name and hyper-parameters, the learning rate apart); this module
 * checks it and takes its step in float64 ({@link optimizerStep}, the fused engine's), and
 * `adamw.ts` makes the TensorFlow.js optimizer of the same update (the autodiff engine's).
 *
 * ```text
 * sgd        p -= lr * g
 * momentum   b  = mu * b + g;  p -= lr * b           (dampening 0, nesterov false; b starts at 0)
 * adam       m  = beta1 * m + (1 - beta1) * g
 *            v  = beta2 * v + (1 - beta2) * g * g
 *            p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon)
 * adamw      p *= 1 - lr * weightDecay, then adam's step (decoupled weight decay)
 * ```
 *
 * PyTorch's momentum buffer starts as a copy of the first gradient; `mu * 0 + g` is that copy
 * exactly, so the buffer here starts at zero. The notebook's settings are
 * {@link NOTEBOOK_OPTIMIZERS}.
 *
 * @module
 */

import { DataError } from "../errors.js";
import { GRADIENT_KMEANS, GRADIENT_MIXTURE } from "../notebook_settings.js";

/** An optimizer's name. */
export type OptimizerName = "sgd" | "momentum" | "adam" | "adamw";

/** Every optimizer of the family, in the order the pages race them. */
export const OPTIMIZERS: readonly OptimizerName[] = ["sgd", "momentum", "adam", "adamw"];

/** How the text names each optimizer. */
export const OPTIMIZER_LABELS: Readonly<Record<OptimizerName, string>> = {
  sgd: "SGD",
  momentum: "SGD with momentum",
  adam: "Adam",
  adamw: "AdamW",
};

/** Adam's hyper-parameters (PyTorch's `betas`, `eps`). */
interface AdamHyperParameters {
  /** Decay of the first-moment estimate. */
  beta1: number;
  /** Decay of the second-moment estimate. */
  beta2: number;
  /** Added to the bias-corrected root of the second moment, for stability. */
  epsilon: number;
}

/** An optimizer of the family and its hyper-parameters, without the learning rate (the trainers' `lr`). */
export type Optimizer =
  | { name: "sgd" }
  | { name: "momentum"; /** PyTorch's `momentum`, mu. */ momentum: number }
  | ({ name: "adam" } & AdamHyperParameters)
  | ({
    name: "adamw";
    /** Decoupled weight decay: each step first multiplies the parameters by `1 - lr * weightDecay`. */
    weightDecay: number;
  } & AdamHyperParameters);

/** An optimizer with its learning rate: what a step needs. */
export type OptimizerSettings = Optimizer & { learningRate: number };

/** The notebook's optimizers: AdamW for K-means, Adam for the mixture (`notebook_settings.ts`). */
export const NOTEBOOK_OPTIMIZERS: { kmeans: Optimizer; mixture: Optimizer } = {
  kmeans: { name: "adamw", ...GRADIENT_KMEANS.adamW },
  mixture: { name: "adam", ...GRADIENT_MIXTURE.adam },
};

/** Hyper-parameters of PyTorch's AdamW (Adam is `weightDecay: 0`). */
export interface AdamWHyperParameters extends AdamHyperParameters {
  /** Step size `lr`. */
  learningRate: number;
  /** Decoupled weight decay: each step first multiplies the parameters by `1 - lr * weightDecay`. */
  weightDecay: number;
}

function checkHyperParameter(
  label: string,
  name: string,
  value: number,
  ok: boolean,
  expected: string,
): void {
  if (!ok) throw new DataError(`${label} ${name} = ${value} is invalid; it must be ${expected}.`);
}

/**
 * Throws a `DataError` naming the first bad hyper-parameter of `settings` (an unknown name, a
 * negative or non-finite learning rate, momentum or weight decay, a beta outside [0, 1)).
 */
export function checkOptimizer(settings: OptimizerSettings): void {
  if (!OPTIMIZERS.includes(settings.name)) {
    throw new DataError(`optimizer "${settings.name}" is unknown; use one of ${OPTIMIZERS.join(", ")}.`);
  }
  const label = OPTIMIZER_LABELS[settings.name];
  const nonNegative = (name: string, value: number) =>
    checkHyperParameter(
      label,
      name,
      value,
      value >= 0 && Number.isFinite(value),
      "a finite number of at least 0",
    );
  nonNegative("learningRate", settings.learningRate);
  if (settings.name === "momentum") nonNegative("momentum", settings.momentum);
  if (settings.name === "adam" || settings.name === "adamw") {
    const { beta1, beta2, epsilon } = settings;
    checkHyperParameter(label, "beta1", beta1, beta1 >= 0 && beta1 < 1, "in [0, 1)");
    checkHyperParameter(label, "beta2", beta2, beta2 >= 0 && beta2 < 1, "in [0, 1)");
    nonNegative("epsilon", epsilon);
  }
  if (settings.name === "adamw") nonNegative("weightDecay", settings.weightDecay);
}

/** Adam's and AdamW's settings as {@link AdamWHyperParameters} (Adam's weight decay is 0). */
export function adamWHyperParameters(
  settings: OptimizerSettings & { name: "adam" | "adamw" },
): AdamWHyperParameters {
  const { learningRate, beta1, beta2, epsilon } = settings;
  return {
    learningRate,
    beta1,
    beta2,
    epsilon,
    weightDecay: settings.name === "adamw" ? settings.weightDecay : 0,
  };
}

/** The scalars of AdamW step `step` (1-based), in double precision as PyTorch computes them on the host. */
export function adamWScalars(
  step: number,
  { learningRate, beta1, beta2, weightDecay }: AdamWHyperParameters,
): { decay: number; stepSize: number; biasCorrection2Sqrt: number } {
  return {
    decay: 1 - learningRate * weightDecay,
    stepSize: learningRate / (1 - beta1 ** step),
    biasCorrection2Sqrt: Math.sqrt(1 - beta2 ** step),
  };
}

/**
 * One AdamW step in place, PyTorch's single-tensor update (torch 1.13, `amsgrad=False`):
 *
 * ```text
 * p *= 1 - lr * weightDecay
 * m  = beta1 * m + (1 - beta1) * g
 * v  = beta2 * v + (1 - beta2) * g * g
 * p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon)
 * ```
 *
 * `step` is t, counting from 1; `p`, `m`, `v`, `g` have the same length (pass `subarray`s to step
 * part of a tensor).
 *
 * @example
 * ```ts
 * const p = Float64Array.of(1), m = new Float64Array(1), v = new Float64Array(1);
 * const hyper = { learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 };
 * adamWStep({ p, m, v, g: Float64Array.of(2) }, { step: 1, ...hyper });
 * console.assert(Math.abs(p[0] - 0.9) < 1e-7); // the first step moves by lr, whatever g's size
 * ```
 */
export function adamWStep(
  { p, m, v, g }: { p: Float64Array; m: Float64Array; v: Float64Array; g: ArrayLike<number> },
  { step, ...hyper }: AdamWHyperParameters & { step: number },
): void {
  const { beta1, beta2, epsilon } = hyper;
  const { decay, stepSize, biasCorrection2Sqrt } = adamWScalars(step, hyper);
  for (let i = 0; i < p.length; i++) {
    const gi = g[i];
    const mi = m[i] = m[i] * beta1 + gi * (1 - beta1);
    const vi = v[i] = v[i] * beta2 + gi * gi * (1 - beta2);
    p[i] = p[i] * decay - stepSize * (mi / (Math.sqrt(vi) / biasCorrection2Sqrt + epsilon));
  }
}

/**
 * One step of any optimizer of the family, in place and in float64: `m` is the first-moment
 * estimate (Adam) or the momentum buffer, `v` the second-moment estimate (Adam); both start at zero
 * and are left alone by the optimizers that keep neither. `step` counts from 1.
 *
 * @example
 * ```ts
 * const p = Float64Array.of(1), m = new Float64Array(1), v = new Float64Array(1);
 * const settings = { name: "momentum", momentum: 0.9, learningRate: 0.1 } as const;
 * optimizerStep({ p, m, v, g: Float64Array.of(1) }, { step: 1, ...settings }); // b = 1, p = 0.9
 * optimizerStep({ p, m, v, g: Float64Array.of(1) }, { step: 2, ...settings }); // b = 1.9, p = 0.71
 * console.assert(Math.abs(p[0] - 0.71) < 1e-15);
 * ```
 */
export function optimizerStep(
  state: { p: Float64Array; m: Float64Array; v: Float64Array; g: ArrayLike<number> },
  { step, ...settings }: OptimizerSettings & { step: number },
): void {
  const { p, m, g } = state, lr = settings.learningRate;
  if (settings.name === "sgd") {
    for (let i = 0; i < p.length; i++) p[i] = p[i] - lr * g[i];
  } else if (settings.name === "momentum") {
    const mu = settings.momentum;
    for (let i = 0; i < p.length; i++) p[i] = p[i] - lr * (m[i] = m[i] * mu + g[i]);
  } else adamWStep(state, { step, ...adamWHyperParameters(settings) });
}
