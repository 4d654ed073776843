/**
 * A speed fix for TensorFlow.js's WebAssembly backend (4.22), applied by the autodiff engine:
 * its comparison kernels (`Equal` and the like) broadcast fast only when the smaller operand's
 * shape is the trailing part of the larger one's (`[k, N]` against `[N]`), and otherwise take a
 * generic path about twelve times slower (`[k, N]` against `[1, N]`: 1.7 ms instead of 0.14 ms on
 * 7,500 x 5 values, measured in Chromium). The gradients of `tf.min`, `tf.max` and
 * `tf.logSumExp` compare their input with the reduced result kept as `[1, N]` (K-means' `tf.min`
 * here; the mixture's log-sum-exp holds its maximum constant instead), so that one kernel cost
 * more than the rest of an epoch. {@link fixWasmBroadcastComparisons} wraps
 * `Equal` so that it first drops an operand's leading 1s (a reshape, no copy) or, failing that,
 * tiles it to the full shape: the values are the same; only the path through the kernel changes.
 * Private to `lib/`.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";

let fixed = false;

/** Wraps the WASM backend's `Equal` kernel (once; a no-op where it is not registered). */
export function fixWasmBroadcastComparisons(): void {
  const original = tf.getKernel("Equal", "wasm");
  const reshape = tf.getKernel("Reshape", "wasm")?.kernelFunc;
  const tile = tf.getKernel("Tile", "wasm")?.kernelFunc;
  if (fixed || !original || !reshape || !tile) return;
  fixed = true;
  tf.unregisterKernel("Equal", "wasm");
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const { backend, inputs } = args;
      const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      const made: tf.TensorInfo[] = [];
      const widen = (x: tf.TensorInfo): tf.TensorInfo => {
        if (x.shape.length === shape.length && x.shape.every((size, i) => size === shape[i])) return x;
        let first = 0;
        while (first < x.shape.length - 1 && x.shape[first] === 1) first++;
        const rest = x.shape.slice(first), offset = shape.length - rest.length;
        const result = rest.every((size, i) => size === shape[offset + i])
          ? reshape({ inputs: { x }, backend, attrs: { shape: rest } })
          : tile({
            inputs: { x },
            backend,
            attrs: {
              reps: shape.map((size, i) => size / (x.shape[i - (shape.length - x.shape.length)] ?? 1)),
            },
          });
        made.push(result as tf.TensorInfo);
        return result as tf.TensorInfo;
      };
      const result = original.kernelFunc({ ...args, inputs: { a: widen(a), b: widen(b) } });
      for (const info of made) (backend as tf.KernelBackend).disposeData(info.dataId);
      return result;
    },
  });
}
