/**
 * Scoring points with an exported ONNX model in the browser, by onnxruntime-web's WebAssembly
 * backend: the reference models (`data/lloyd-<k>.onnx`, `data/em-<k>.onnx`) over a grid for decision
 * regions and posterior maps, and a downloaded live model over the validation set.
 *
 * The runtime's `.wasm` is served by the site: `import.meta.resolve` of its node_modules path makes
 * Framework copy it into the build, and `onnxruntime-web/wasm` is the build with the Emscripten glue
 * bundled in, so nothing else is fetched and nothing comes from another origin. In a page the
 * runtime runs in onnxruntime-web's proxy worker (a module worker of that same bundle), so that
 * neither its start nor a session holds the main thread. One thread: a static host is not
 * cross-origin isolated, so the page has no SharedArrayBuffer for more.
 *
 * Also runs under Deno (the tests), where the same `import.meta.resolve` gives a file URL.
 */
import * as ort from "onnxruntime-web/wasm";
import { DataError } from "../../lib/errors.js";
import { columnRanges, type Matrix } from "../../lib/matrix.js";
import { describeOnnxModel, type OnnxModelDescription } from "../../lib/onnx/onnx_export.js";

// Framework rewrites this to the copy it puts in the build (a .wasm is not a module, so nothing
// else would copy it); Deno resolves it to the file in node_modules.
const ORT_WASM = import.meta.resolve("onnxruntime-web/ort-wasm-simd-threaded.wasm");

/** What a K-means model gives for N points. */
export interface KMeansScores {
  kind: "kmeans";
  /** The nearest centroid of every point. */
  labels: Int32Array;
  /** The squared distance to it. */
  distances: Float32Array;
}

/** What a mixture model gives for N points. */
export interface MixtureScores {
  kind: "spherical_gaussian_mixture";
  /** The most likely component of every point. */
  labels: Int32Array;
  /** The log-likelihood of every point, `log sum_j pi_j N(x | mu_j, sigma_j^2 I)`. */
  logLikelihood: Float32Array;
  /** The log posterior of every component for every point, N x k row-major. */
  logResp: Float32Array;
}

/** An ONNX model ready to score points (see {@link loadOnnxScorer}). */
export interface OnnxScorer {
  /** Kind, k, d and the metadata stored in the file. */
  description: OnnxModelDescription;
  /** Scores the rows of `points` (which must have the model's d columns). */
  score(points: Matrix): Promise<KMeansScores | MixtureScores>;
  /** Frees the runtime's session. */
  release(): Promise<void>;
}

let configured: Promise<void> | undefined;
function configureRuntime(): Promise<void> {
  return configured ??= (async () => {
    ort.env.wasm.numThreads = 1;
    // In a page, the proxy worker (see above): on the main thread, starting the runtime and creating
    // a session was one task of about 250 ms. Deno (the tests) has no page to keep responsive.
    ort.env.wasm.proxy = typeof document !== "undefined";
    ort.env.logLevel = "error";
    if (ORT_WASM.startsWith("file:")) {
      // Under Deno (tests) the bundled Emscripten glue takes Deno for Node.js and cannot fetch a
      // file URL itself; hand it the bytes. Browsers get the URL and compile while downloading.
      ort.env.wasm.wasmBinary = new Uint8Array(await (await fetch(ORT_WASM)).arrayBuffer());
    } else {
      ort.env.wasm.wasmPaths = { wasm: ORT_WASM };
    }
  })();
}

/**
 * Opens an ONNX model made by `kmeansToOnnx` or `mixtureToOnnx` (`lib/onnx/onnx_export.ts`) from
 * the file's bytes. Refuses, with a DataError, bytes that are not such a model.
 *
 * @example
 * ```js
 * const scorer = await loadOnnxScorer(new Uint8Array(await FileAttachment("data/lloyd-5.onnx").arrayBuffer()));
 * const { labels, distances } = await scorer.score(valid);
 * ```
 */
export async function loadOnnxScorer(bytes: Uint8Array): Promise<OnnxScorer> {
  const description = describeOnnxModel(bytes);
  await configureRuntime();
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
  const { kind, d } = description;
  return {
    description,
    async score(points: Matrix): Promise<KMeansScores | MixtureScores> {
      // onnxruntime would refuse too, but with "Got invalid dimensions for input: X for the
      // following indices index: 1 Got: 3 Expected: 2"; say it in the user's terms.
      if (points.cols !== d) {
        throw new DataError(
          `the points have ${points.cols} columns but this model scores ${d}-D points; score data of the width it was trained on.`,
        );
      }
      const X = new ort.Tensor("float32", Float32Array.from(points.data), [points.rows, d]);
      const output = await session.run({ X });
      try {
        const labels = Int32Array.from(output.label.data as BigInt64Array, Number);
        if (kind === "kmeans") {
          return { kind, labels, distances: output.distance.data as Float32Array };
        }
        return {
          kind,
          labels,
          logLikelihood: output.log_likelihood.data as Float32Array,
          logResp: output.log_resp.data as Float32Array,
        };
      } finally {
        X.dispose();
        for (const tensor of Object.values(output)) tensor.dispose();
      }
    },
    release: () => session.release(),
  };
}

/** A grid of points laid out as Plot's dense raster expects (see {@link scoreGrid}). */
export interface Grid {
  /** Columns and rows of cells. */
  width: number;
  height: number;
  /** The grid's bounds in data coordinates. */
  x1: number;
  x2: number;
  y1: number;
  y2: number;
  /** The centre of every cell, row-major from (x1, y1): cell i is column i % width, row floor(i / width). */
  points: Matrix;
}

/**
 * The centres of a width x height grid of cells over [x1, x2] x [y1, y2], in the order of Plot's
 * dense `raster` (cell i at x1 + (i % width + 0.5) dx, y1 + (floor(i / width) + 0.5) dy), so
 * scores of these points are the raster's values as they are.
 */
export function gridPoints(
  [x1, x2]: [number, number],
  [y1, y2]: [number, number],
  { width = 160, height = width }: { width?: number; height?: number } = {},
): Grid {
  const whole = (size: number) => Number.isInteger(size) && size >= 1;
  if (!(x2 > x1 && y2 > y1 && whole(width) && whole(height))) {
    throw new DataError(
      `a grid needs x1 < x2, y1 < y2 and whole positive sizes, not [${x1}, ${x2}] x [${y1}, ${y2}] at ${width} x ${height}.`,
    );
  }
  const data = new Float64Array(width * height * 2);
  const dx = (x2 - x1) / width, dy = (y2 - y1) / height;
  for (let row = 0, i = 0; row < height; row++) {
    for (let column = 0; column < width; column++, i++) {
      data[2 * i] = x1 + (column + 0.5) * dx;
      data[2 * i + 1] = y1 + (row + 0.5) * dy;
    }
  }
  return { width, height, x1, x2, y1, y2, points: { rows: width * height, cols: 2, data } };
}

/**
 * Scores a 2-D model over a grid covering `points` (with a margin of `padding` of the extent on
 * each side): the grid, and the model's scores of its cells, ready for
 * `Plot.raster(scores.labels, {...grid, fill: ...})`.
 *
 * @example
 * ```js
 * const {grid, scores} = await scoreGrid(scorer, points, {width: 200});
 * Plot.plot({marks: [Plot.raster(scores.labels, {...grid, fill: (j) => CLUSTER_COLOURS[j]})]})
 * ```
 */
export async function scoreGrid(
  scorer: OnnxScorer,
  points: Matrix,
  { width = 160, height = width, padding = 0.05 }: { width?: number; height?: number; padding?: number } = {},
): Promise<{ grid: Grid; scores: KMeansScores | MixtureScores }> {
  if (points.cols !== 2 || scorer.description.d !== 2) {
    throw new DataError(
      `a grid is drawn in 2-D, but the points have ${points.cols} columns and the model scores ${scorer.description.d}-D points.`,
    );
  }
  const [[x1, y1], [x2, y2]] = columnRanges(points);
  const px = (x2 - x1) * padding || 1, py = (y2 - y1) * padding || 1;
  const grid = gridPoints([x1 - px, x2 + px], [y1 - py, y2 + py], { width, height });
  return { grid, scores: await scorer.score(grid.points) };
}
