/**
 * The `"autodiff"` engine's training loop, shared by both models: R runs packed in one
 * float32 variable, a loss function written with stock TensorFlow.js ops that returns the loss of
 * each run, the gradient from `tf.variableGrads` (no hand-written derivative), and one step of
 * the optimizer ({@link tfOptimizer}: PyTorch's SGD, momentum, Adam or AdamW) per epoch. Private to `lib/`.
 *
 * Nothing is read back between reports: every epoch since the last report keeps the losses it
 * computed and the parameters they belong to (a `tf.clone` shares the data, so this copies
 * nothing); a report reads the losses at once and finds, for each run, the last parameters with a
 * finite loss.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
// tfjs-core registers no gradient by itself: this registers tfjs-core's own gradients of the kernels
// the losses use, and only those (not `@tensorflow/tfjs-core/dist/register_all_gradients.js`, whose
// bundle would be most of what a live page downloads for the worker; see tools/tfjs_gradients.ts).
import "./_tfjs_gradients.js";
import { fixWasmBroadcastComparisons } from "./_wasm_broadcast.js";
import { tfOptimizer } from "./adamw.js";
import type { OptimizerSettings } from "./optimizers.js";
import type { RunState, TrainingEngine } from "./engine.js";
import { allFinite } from "./fused.js";

/** Parameters after `epoch` epochs, kept on the device, and the loss of each run on them. */
interface Snapshot {
  epoch: number;
  parameters: tf.Tensor;
  losses?: tf.Tensor;
}

/**
 * The autodiff engine for R runs (`initial`: R * rowsPerRun rows of `cols` values): `losses`
 * maps the variable (and the 1-based epoch, which picks a mini-batch) to the R losses (a tensor of R values, in run order) with tfjs ops; it is called inside
 * `tf.variableGrads` and `tf.tidy`. The engine owns `constants` (the prepared points): it frees
 * them with itself.
 */
export function autodiffEngine(
  initial: Float64Array,
  { restarts, cols, optimizer: hyper, losses, constants }: {
    restarts: number;
    cols: number;
    optimizer: OptimizerSettings;
    losses: (parameters: tf.Variable, epoch: number) => tf.Tensor;
    constants: tf.Tensor[];
  },
): TrainingEngine {
  fixWasmBroadcastComparisons();
  let optimizer: tf.Optimizer;
  try {
    optimizer = tfOptimizer(hyper);
  } catch (error) {
    tf.dispose(constants);
    throw error;
  }
  const size = initial.length / restarts;
  const variable = tf.tidy(() =>
    tf.variable(tf.tensor2d(Float32Array.from(initial), [initial.length / cols, cols]), true)
  );
  let history: Snapshot[] = [];
  // The last snapshot of the previous window: before the first entry comes its state.
  let carried: Snapshot = { epoch: 0, parameters: tf.keep(tf.clone(variable)) };
  const stopped: (RunState | undefined)[] = new Array(restarts).fill(undefined);
  const widen = (data: Float32Array, r: number) => Float64Array.from(data.subarray(r * size, (r + 1) * size));

  return {
    step(epoch) {
      tf.tidy(() => {
        let perRun: tf.Tensor | undefined;
        const { grads } = tf.variableGrads(() => {
          perRun = tf.keep(losses(variable, epoch));
          return (restarts === 1 ? tf.reshape(perRun, []) : tf.sum(perRun)) as tf.Scalar;
        }, [variable]);
        // The losses belong to the parameters before this step (PyTorch's L in the notebook).
        history.push({ epoch: epoch - 1, parameters: tf.keep(tf.clone(variable)), losses: perRun });
        optimizer.applyGradients(grads);
      });
    },
    async read(epoch) {
      const stacked = tf.stack(history.map((entry) => entry.losses!));
      const [current, lossData, before] = await Promise.all([
        variable.data() as Promise<Float32Array>,
        stacked.data(),
        history.at(-1)!.parameters.data() as Promise<Float32Array>,
      ]);
      stacked.dispose();
      const fallbacks = new Map<Snapshot, Float32Array>();
      const states: RunState[] = [];
      for (let r = 0; r < restarts; r++) {
        if (!stopped[r]) {
          let bad = 0;
          while (bad < history.length && Number.isFinite(lossData[bad * restarts + r])) bad++;
          if (bad === history.length && allFinite(current.subarray(r * size, (r + 1) * size))) {
            states.push({
              epoch,
              parameters: widen(current, r),
              diverged: false,
              previous: widen(before, r),
            });
            continue;
          }
          // Diverged: the parameters of the last finite loss are the entry before the first
          // non-finite one (or the last entry, if only the current parameters are non-finite).
          const fallback = bad > 0 ? history[bad - 1] : carried;
          if (!fallbacks.has(fallback)) {
            fallbacks.set(fallback, (await fallback.parameters.data()) as Float32Array);
          }
          stopped[r] = {
            epoch: fallback.epoch,
            parameters: widen(fallbacks.get(fallback)!, r),
            diverged: true,
          };
        }
        states.push(stopped[r]!);
      }
      carried.parameters.dispose();
      const last = history.pop()!;
      last.losses!.dispose();
      carried = { epoch: last.epoch, parameters: last.parameters };
      for (const { parameters, losses } of history) tf.dispose([parameters, losses!]);
      history = [];
      return states;
    },
    dispose() {
      optimizer.dispose();
      for (const { parameters, losses } of history) tf.dispose([parameters, losses!]);
      history = [];
      carried.parameters.dispose();
      variable.dispose();
      tf.dispose(constants);
    },
  };
}
