/**
 * The optimizer family of `optimizers.ts` as TensorFlow.js optimizers ({@link tfOptimizer}), for the
 * autodiff engine: SGD and SGD with momentum are TensorFlow.js's own (the same updates as
 * PyTorch's), Adam and AdamW are {@link AdamWOptimizer}, step for step as PyTorch's
 * `torch.optim.AdamW` (which the course notebook trains with). TensorFlow.js has no AdamW, and its `tf.train.adam` differs in two ways
 * that matter here: it has no decoupled weight decay, and it keeps the bias corrections
 * `1 - beta^t` in float32 variables and adds epsilon to the *corrected* root, where PyTorch
 * computes the corrections in double precision on the host. This optimizer follows PyTorch's
 * single-tensor update (torch 1.13, `amsgrad=False`, `maximize=False`):
 *
 * ```text
 * t += 1
 * p *= 1 - lr * weightDecay                     (decoupled weight decay, before the moments)
 * m  = beta1 * m + (1 - beta1) * g
 * v  = beta2 * v + (1 - beta2) * g * g
 * p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon)
 * ```
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { DataError } from "../errors.js";
import { adamWHyperParameters, adamWScalars, checkOptimizer, type OptimizerSettings } from "./optimizers.js";

/** Hyper-parameters of {@link AdamWOptimizer}; the defaults are PyTorch's. */
export interface AdamWOptions {
  /** Step size `lr` (PyTorch's default 1e-3; the notebook passes 0.1). */
  learningRate?: number;
  /** Decay of the first-moment estimate. */
  beta1?: number;
  /** Decay of the second-moment estimate. */
  beta2?: number;
  /** Added to the bias-corrected root of the second moment, for stability. */
  epsilon?: number;
  /** Decoupled weight decay: each step first multiplies the parameters by `1 - lr * weightDecay`. */
  weightDecay?: number;
}

interface Slots {
  /** First-moment estimate, PyTorch's `exp_avg`. */
  m: tf.Variable;
  /** Second-moment estimate, PyTorch's `exp_avg_sq`. */
  v: tf.Variable;
  /** Steps taken for this variable, PyTorch's per-parameter `state["step"]`. */
  step: number;
}

/**
 * PyTorch's AdamW as a `tf.Optimizer`: use it with `minimize(f)` or, with gradients computed
 * some other way, `applyGradients({[variable.name]: gradient})`. The moment estimates are
 * created once per variable, on its first step, and every step runs inside `tf.tidy`, so the
 * only tensors the optimizer holds are two slots per variable, freed by `dispose()`.
 *
 * The step sizes `lr / (1 - beta1^t)` and `sqrt(1 - beta2^t)` are computed in double precision
 * on the host, as PyTorch does (`adamWScalars` in `optimizers.ts`, shared with the fused engine's step);
 * the rest is ten stock float32 ops. The state is float32 (TensorFlow.js has no float64), so
 * trajectories agree with PyTorch's float64 ones to about float32 precision (see
 * `test/adamw_test.ts` for the measured agreement).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import "@tensorflow/tfjs"; // minimize() differentiates: the full package registers every gradient
 * await tf.setBackend("cpu");
 * const w = tf.variable(tf.tensor1d([1, -2]));
 * const optimizer = new AdamWOptimizer({ learningRate: 0.1 });
 * for (let i = 0; i < 100; i++) optimizer.minimize(() => tf.sum(tf.square(w)));
 * optimizer.dispose();
 * console.assert(Math.abs(w.dataSync()[0]) < 0.1);
 * w.dispose();
 * ```
 */
export class AdamWOptimizer extends tf.Optimizer {
  /** Name under which TensorFlow.js serialization would know this class. */
  static get className(): string {
    return "AdamW";
  }

  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  readonly #slots = new Map<string, Slots>();

  constructor(
    { learningRate = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, weightDecay = 0.01 }: AdamWOptions =
      {},
  ) {
    super();
    checkOptimizer({ name: "adamw", learningRate, beta1, beta2, epsilon, weightDecay });
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
  }

  /**
   * One AdamW step for every variable named in `variableGradients` (a map from variable name to
   * gradient, or a list of `{name, tensor}`); variables whose gradient is missing are left
   * alone and their step count does not advance, as in PyTorch. The gradients are not disposed.
   */
  applyGradients(variableGradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const entries: [string, tf.Tensor | undefined][] = Array.isArray(variableGradients)
      ? variableGradients.map(({ name, tensor }) => [name, tensor])
      : Object.entries(variableGradients);
    const { beta1, beta2, epsilon, weightDecay } = this;
    for (const [name, gradient] of entries) {
      if (gradient == null) continue;
      const variable = tf.engine().registeredVariables[name];
      if (variable === undefined) {
        throw new DataError(
          `AdamW was given a gradient for '${name}', which is not a live variable; pass gradients of tf.variable()s.`,
        );
      }
      const slots = this.#slotsFor(variable);
      const { decay, stepSize, biasCorrection2Sqrt } = adamWScalars(++slots.step, this);
      // PyTorch's update (optimizers.ts's adamWStep) in float32 ops, folded into as few ops as it allows.
      tf.tidy(() => {
        const m = tf.add(tf.mul(slots.m, beta1), tf.mul(gradient, 1 - beta1));
        const v = tf.add(tf.mul(slots.v, beta2), tf.mul(tf.square(gradient), 1 - beta2));
        const denominator = tf.add(tf.sqrt(v), epsilon * biasCorrection2Sqrt);
        const update = tf.div(m, denominator);
        const decayed = weightDecay === 0 ? variable : tf.mul(variable, decay);
        variable.assign(tf.sub(decayed, tf.mul(update, stepSize * biasCorrection2Sqrt)));
        slots.m.assign(m);
        slots.v.assign(v);
      });
    }
    this.incrementIterations();
  }

  #slotsFor(variable: tf.Variable): Slots {
    let slots = this.#slots.get(variable.name);
    if (slots === undefined) {
      slots = {
        m: tf.tidy(() => tf.zerosLike(variable).variable(false)),
        v: tf.tidy(() => tf.zerosLike(variable).variable(false)),
        step: 0,
      };
      this.#slots.set(variable.name, slots);
    }
    return slots;
  }

  /** Frees the moment estimates of every variable this optimizer has stepped. */
  override dispose(): void {
    for (const { m, v } of this.#slots.values()) {
      m.dispose();
      v.dispose();
    }
    this.#slots.clear();
  }

  /** The hyper-parameters, for TensorFlow.js serialization. */
  getConfig(): tf.serialization.ConfigDict {
    const { learningRate, beta1, beta2, epsilon, weightDecay } = this;
    return { learningRate, beta1, beta2, epsilon, weightDecay };
  }
}

/** TensorFlow.js's momentum optimizer, whose `dispose()` also frees the learning rate it holds (tfjs 4.22's does not). */
class MomentumOptimizer extends tf.MomentumOptimizer {
  override dispose(): void {
    super.dispose();
    this.c.dispose();
  }
}

/**
 * The TensorFlow.js optimizer of `settings` (checked first): `tf.train.sgd` (`p += -lr * g`),
 * `tf.MomentumOptimizer` (`b = mu * b + g; p += -lr * b`, PyTorch's convention with dampening 0), or
 * {@link AdamWOptimizer} for Adam (weight decay 0) and AdamW.
 */
export function tfOptimizer(settings: OptimizerSettings): tf.Optimizer {
  checkOptimizer(settings);
  if (settings.name === "sgd") return tf.train.sgd(settings.learningRate);
  if (settings.name === "momentum") return new MomentumOptimizer(settings.learningRate, settings.momentum);
  return new AdamWOptimizer(adamWHyperParameters(settings));
}
