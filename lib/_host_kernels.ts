/**
 * Custom TensorFlow.js kernels computed on the host, for the backends that keep tensors in host
 * memory (the JavaScript CPU backend and WebAssembly). TensorFlow.js launches one kernel per op,
 * and at the sizes of this project (thousands of points, a handful of parameters) a launch costs
 * more than its arithmetic; one fused kernel in place of a dozen ops is where the speed is. Each
 * kernel reads its float32 inputs in place (WASM: a view of the module's memory, no copy),
 * computes in double precision, and returns float32 tensors like any op. Other backends (WebGL)
 * have no such kernel: callers check {@link hasHostKernel} and compose stock ops instead.
 * Private to `lib/` (exported for its modules and tests).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";

/** The backends whose tensors live in host memory, for which host kernels are registered. */
export const HOST_BACKENDS: readonly string[] = ["cpu", "wasm"];

/** A float32 tensor as a host kernel sees it. */
export interface HostTensor {
  values: Float32Array;
  shape: number[];
}

/** What a host kernel needs of a backend (tfjs-backend-cpu and tfjs-backend-wasm have both). */
interface HostBackend {
  readSync(dataId: tf.DataId): unknown;
  write(values: Float32Array, shape: number[], dtype: "float32"): tf.DataId;
  /** WASM only: a view of the tensor in the module's memory, where `readSync` would copy it. */
  typedArrayFromHeap?(info: tf.TensorInfo): Float32Array;
}

/**
 * Registers `compute` as kernel `kernelName` for the CPU and WASM backends (whether or not they
 * are loaded). `compute` gets the named float32 inputs and the attributes, and returns the outputs
 * in order; it must not keep the input arrays (on WASM they are views that the next allocation
 * may invalidate). Run it with `tf.engine().runKernel(kernelName, inputs, attrs)`.
 */
export function registerHostKernel(
  kernelName: string,
  compute: (inputs: Record<string, HostTensor>, attrs: tf.NamedAttrMap) => HostTensor[],
): void {
  const kernelFunc = (
    { inputs, backend, attrs = {} }: {
      inputs: tf.NamedTensorInfoMap;
      backend: unknown;
      attrs?: tf.NamedAttrMap;
    },
  ): tf.TensorInfo[] => {
    const host = backend as HostBackend;
    const hostInputs: Record<string, HostTensor> = {};
    for (const [name, info] of Object.entries(inputs)) {
      if (!info || info.dtype !== "float32") {
        throw new TypeError(
          `kernel ${kernelName} takes float32 tensors, but its input ${name} is ${info?.dtype}.`,
        );
      }
      const values = host.typedArrayFromHeap ? host.typedArrayFromHeap(info) : host.readSync(info.dataId);
      hostInputs[name] = { values: values as Float32Array, shape: info.shape };
    }
    return compute(hostInputs, attrs).map(({ values, shape }) => ({
      dataId: host.write(values, shape, "float32"),
      shape,
      dtype: "float32",
    }));
  };
  for (const backendName of HOST_BACKENDS) {
    tf.registerKernel({ kernelName, backendName, kernelFunc: kernelFunc as tf.KernelFunc });
  }
}

/** Whether `kernelName` has an implementation for the active backend. */
export function hasHostKernel(kernelName: string): boolean {
  return tf.getKernel(kernelName, tf.getBackend()) !== undefined;
}
