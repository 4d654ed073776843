/**
 * The TensorFlow.js backend of the pages, chosen at run time in the browser: the first of
 * {@link BACKEND_PREFERENCE} that initialises, or the one named by the page's `?backend=`
 * parameter (for comparisons and the benchmark). Only tfjs-core is loaded up front; a backend's
 * code is imported when it is tried, so a page downloads the one it uses. The WebAssembly
 * backend's binaries are served by the site: `import.meta.resolve` of their node_modules paths
 * makes Framework copy them into the build, so nothing is fetched from anywhere else.
 *
 * Browser-only (pages and the benchmark page); loaders, tests and the CLI import
 * `@tensorflow/tfjs-backend-cpu` instead.
 */
import { backendsAsked } from "../inputs/url_state.js";
import { BACKEND_PREFERENCE } from "./protocol.js";
import * as tf from "@tensorflow/tfjs-core";

/** A backend this module can load. */
export type BackendName = "wasm" | "cpu" | "webgl";

/** Fastest first, as measured by `npm run bench` (README.md, Benchmarks); declared in the protocol. */
export { BACKEND_PREFERENCE };

/** The backend in use and what it runs with. */
export interface BackendInfo {
  name: BackendName;
  /** WebAssembly SIMD in use (wasm only). */
  simd?: boolean;
  /** WebAssembly threads in use (wasm only; needs a cross-origin isolated page). */
  threads?: boolean;
}

// Framework rewrites these to the files it copies into the build (wasm binaries are not modules,
// so nothing else would copy them). tfjs picks one: threaded SIMD, SIMD, or plain.
const WASM_PATHS = {
  "tfjs-backend-wasm.wasm": import.meta.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"),
  "tfjs-backend-wasm-simd.wasm": import.meta.resolve(
    "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm",
  ),
  "tfjs-backend-wasm-threaded-simd.wasm": import.meta.resolve(
    "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm",
  ),
};

let wasmPathsSet = false;

/** Imports a backend's code, which registers it with tfjs-core. */
async function load(name: BackendName): Promise<void> {
  if (name === "cpu") {
    await import("@tensorflow/tfjs-backend-cpu");
  } else if (name === "webgl") {
    await import("@tensorflow/tfjs-backend-webgl");
  } else {
    // The package's main entry bundles the Emscripten glue with static imports of Node's fs and
    // path, which no browser resolves; this prebuilt ES module imports only tfjs-core.
    const wasm = await import("@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.fesm.min.js");
    if (!wasmPathsSet) wasm.setWasmPaths(WASM_PATHS);
    wasmPathsSet = true;
  }
}

/** Describes the active backend. */
async function backendInfo(): Promise<BackendInfo> {
  const name = tf.getBackend() as BackendName;
  if (name !== "wasm") return { name };
  const [simd, threads] = await Promise.all([
    tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"),
    tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT"),
  ]);
  return { name, simd: Boolean(simd), threads: Boolean(threads) };
}

/**
 * Makes the first backend of `preference` that initialises the active one and describes it. By
 * default: the page's `?backend=` (if it names one), else {@link BACKEND_PREFERENCE}. Throws only
 * if none of them works.
 *
 * @example
 * ```js
 * const backend = await selectBackend(); // {name: "wasm", simd: true, threads: false}
 * ```
 */
export async function selectBackend(
  preference: readonly BackendName[] = backendsAsked(BACKEND_PREFERENCE),
): Promise<BackendInfo> {
  const failures: string[] = [];
  for (const name of preference) {
    if (tf.getBackend() === name) return backendInfo();
    try {
      await load(name);
      if (await tf.setBackend(name)) {
        await tf.ready();
        return backendInfo();
      }
      failures.push(`${name}: did not initialise`);
    } catch (error) {
      failures.push(`${name}: ${error instanceof Error ? error.message : error}`);
    }
  }
  throw new Error(`no TensorFlow.js backend works in this browser (${failures.join("; ")}).`);
}
