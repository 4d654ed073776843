// The exported ONNX models run in onnxruntime-web (its WebAssembly backend, as the pages run it,
// through src/components/onnx_scoring.ts) and score data2D as lib/ does.
//
// Tolerances: the models take float32 points (the ONNX input every runtime feeds) and compute in
// float64 with lib's float64 parameters, rounding only their outputs to float32. So they are
// compared with lib on the same float32-rounded points: labels must be equal except at exact ties,
// and distances and log-likelihoods agree within 1e-5 relative (in fact within float32's 2^-24,
// 6e-8). Against lib on the original float64 points the input rounding itself (6e-8 relative per
// coordinate) moves the squared distance of a point lying near its centroid by up to ~7e-5 relative
// on data2D, whatever the model computes in, so that comparison cannot be held to 1e-5.
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as ort from "onnxruntime-web/wasm";
import { DataError } from "../lib/errors.js";
import { emGaussianMixture } from "../lib/mixture/em.js";
import {
  gmmLogLikelihood,
  gmmPredict,
  gmmResponsibilities,
  type SphericalGaussianMixture,
} from "../lib/mixture/gaussian_mixture.js";
import { fitGradientMixture } from "../lib/mixture/gradient_mixture.js";
import { fitGradientKMeans } from "../lib/kmeans/gradient_kmeans.js";
import { assign, lloyd } from "../lib/kmeans/kmeans.js";
import { fromRows, type Matrix, squaredDistance, takeRows } from "../lib/matrix.js";
import { parseNpy } from "../lib/io/npy.js";
import {
  describeOnnxModel,
  kmeansToOnnx,
  mixtureToOnnx,
  ONNX_IR_VERSION,
  ONNX_OPSET,
} from "../lib/onnx/onnx_export.js";
import { split } from "../lib/random/split.js";
import { makeBlobs } from "../lib/random/synthetic.js";
import { gridPoints, loadOnnxScorer, type OnnxScorer, scoreGrid } from "../src/components/onnx/scoring.js";
import {
  EM_REFERENCE,
  emReferenceOnnx,
  LLOYD_REFERENCE,
  lloydReferenceOnnx,
  REFERENCE_KS,
} from "../src/data/onnx_references.js";
import { repoFile } from "./_testdata.js";

tf.env().set("IS_NODE", false);
await tf.setBackend("cpu");

const TOLERANCE = 1e-5;
const data2D = parseNpy(await Deno.readFile(repoFile("src/data/data2D.npy")));
/** The points as the model sees them: every coordinate rounded to float32. */
function float32Points(points: Matrix): Matrix {
  return { ...points, data: Float64Array.from(points.data, Math.fround) };
}

function splitData2D(validDivisor: number) {
  const { train, valid } = split(data2D.rows, { validDivisor });
  return { train: takeRows(data2D, train), valid: takeRows(data2D, valid) };
}

/** The largest |actual - expected| / |expected| (0 where both are 0). */
function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.equal(actual.length, expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const error = actual[i] === expected[i] ? 0 : Math.abs(actual[i] - expected[i]) / Math.abs(expected[i]);
    if (!(error <= worst)) worst = error;
  }
  return worst;
}

/**
 * Asserts the labels are equal except where `score(i, label)` of both labels tie within 1e-12
 * relative (either is then the right answer); returns how many differ.
 */
function assertLabelsEqualAsideTies(
  actual: Int32Array,
  expected: Int32Array,
  score: (i: number, label: number) => number,
): number {
  let differing = 0;
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] === expected[i]) continue;
    differing++;
    const a = score(i, actual[i]), b = score(i, expected[i]);
    assert.ok(
      Math.abs(a - b) <= 1e-12 * Math.abs(b),
      `point ${i}: label ${actual[i]} (${a}) is not lib's ${expected[i]} (${b})`,
    );
  }
  return differing;
}

async function assertKMeansAgrees(scorer: OnnxScorer, centroids: Matrix, points: Matrix) {
  const scores = await scorer.score(points);
  assert.equal(scores.kind, "kmeans");
  const rounded = float32Points(points);
  const expected = assign(rounded, centroids);
  assertLabelsEqualAsideTies(
    scores.labels,
    expected.labels,
    (i, j) => squaredDistance(rounded, i, centroids, j),
  );
  const error = maxRelativeError(scores.distances, expected.distances);
  assert.ok(error < TOLERANCE, `distances differ by ${error} relative`);
}

async function assertMixtureAgrees(scorer: OnnxScorer, model: SphericalGaussianMixture, points: Matrix) {
  const scores = await scorer.score(points);
  assert.equal(scores.kind, "spherical_gaussian_mixture");
  const rounded = float32Points(points);
  const logLikelihood = gmmLogLikelihood(rounded, model);
  const error = maxRelativeError(scores.logLikelihood, logLikelihood);
  assert.ok(error < TOLERANCE, `log-likelihoods differ by ${error} relative`);
  const k = model.means.rows;
  const responsibilities = gmmResponsibilities(rounded, model).data;
  let worst = 0;
  for (let i = 0; i < responsibilities.length; i++) {
    worst = Math.max(worst, Math.abs(Math.exp(scores.logResp[i]) - responsibilities[i]));
  }
  assert.ok(worst < 1e-6, `responsibilities differ by ${worst}`);
  // The label maximises the log joint density, log pi_j + log N(x | mu_j, sigma_j^2 I).
  const logJoint = (i: number, j: number) => scores.logResp[i * k + j] + logLikelihood[i];
  assertLabelsEqualAsideTies(scores.labels, gmmPredict(rounded, model), logJoint);
}

Deno.test("Lloyd references k = 1..10 label data2D as assign() does, distances within 1e-5", async () => {
  const { train } = splitData2D(LLOYD_REFERENCE.validDivisor);
  for (const k of REFERENCE_KS) {
    const { bytes } = await lloydReferenceOnnx(k);
    const scorer = await loadOnnxScorer(bytes);
    const { centroids } = lloyd(train, { k, ...LLOYD_REFERENCE.options });
    await assertKMeansAgrees(scorer, centroids, data2D);
    await scorer.release();
  }
});

Deno.test("EM references k = 1..10 score data2D as gaussian_mixture.ts does", async () => {
  const { train } = splitData2D(EM_REFERENCE.validDivisor);
  for (const k of REFERENCE_KS) {
    const { bytes } = await emReferenceOnnx(k);
    const scorer = await loadOnnxScorer(bytes);
    const model = emGaussianMixture(train, { k, ...EM_REFERENCE.options });
    await assertMixtureAgrees(scorer, model, data2D);
    await scorer.release();
  }
});

Deno.test("gradient-trained models export and score as lib does", async () => {
  const kmeansSplit = splitData2D(4), mixtureSplit = splitData2D(3);
  const kmeans = await fitGradientKMeans(kmeansSplit.train, { k: 5, epochs: 20, seed: 1 });
  const kmeansScorer = await loadOnnxScorer(
    kmeansToOnnx(kmeans.centroids, { metadata: { model: "gradient-kmeans" } }),
  );
  await assertKMeansAgrees(kmeansScorer, kmeans.centroids, kmeansSplit.valid);
  const mixture = await fitGradientMixture(mixtureSplit.train, { k: 3, epochs: 30, seed: 1 });
  const mixtureScorer = await loadOnnxScorer(mixtureToOnnx(mixture, { metadata: { model: "gradient-gmm" } }));
  await assertMixtureAgrees(mixtureScorer, mixture, mixtureSplit.valid);
});

Deno.test("models of other widths (d = 1, 3, 7) score as lib does", async () => {
  for (const d of [1, 3, 7]) {
    const { points } = makeBlobs({ n: 600, k: 4, d, seed: d });
    const { centroids } = lloyd(points, { k: 4, seed: 0 });
    await assertKMeansAgrees(await loadOnnxScorer(kmeansToOnnx(centroids)), centroids, points);
    const mixture = emGaussianMixture(points, { k: 4, seed: 0 });
    await assertMixtureAgrees(await loadOnnxScorer(mixtureToOnnx(mixture)), mixture, points);
  }
});

Deno.test("labels of points equidistant from two centroids are the first centroid's, as assign()", async () => {
  const centroids = fromRows([[0, 0], [2, 0], [1, 5]]);
  const scorer = await loadOnnxScorer(kmeansToOnnx(centroids));
  const scores = await scorer.score(fromRows([[1, 0], [1, -3], [0, 0]]));
  assert.equal(scores.kind, "kmeans");
  assert.deepEqual(Array.from(scores.labels), [0, 0, 0]);
  assert.deepEqual(Array.from(scores.distances), [1, 10, 0]);
});

Deno.test("log-likelihoods stay finite far from every component (log-sum-exp is shifted)", async () => {
  const model = {
    means: fromRows([[0, 0], [1, 1]]),
    sigmas: Float64Array.of(0.01, 0.02),
    weights: Float64Array.of(0.5, 0.5),
  };
  const scorer = await loadOnnxScorer(mixtureToOnnx(model));
  const points = fromRows([[50, 50], [-40, 3]]);
  const scores = await scorer.score(points);
  assert.equal(scores.kind, "spherical_gaussian_mixture");
  // exp(log joint) underflows to 0 here for both components; unshifted, the log-likelihood would be -Infinity.
  assert.ok(Array.from(scores.logLikelihood).every(Number.isFinite));
  assert.ok(maxRelativeError(scores.logLikelihood, gmmLogLikelihood(points, model)) < TOLERANCE);
  // Far out, the wider component is the likelier, as gmmPredict() says.
  assert.deepEqual(Array.from(scores.labels), Array.from(gmmPredict(points, model)));
});

Deno.test("input of the wrong width is refused, by the scorer and by onnxruntime itself", async () => {
  const bytes = kmeansToOnnx(fromRows([[0, 0], [1, 1]]));
  const scorer = await loadOnnxScorer(bytes);
  await assert.rejects(scorer.score(fromRows([[0, 0, 0]])), {
    name: "DataError",
    message:
      "the points have 3 columns but this model scores 2-D points; score data of the width it was trained on.",
  });
  // Without the scorer's check, onnxruntime refuses the run: the model declares X as [N, 2].
  const session = await ort.InferenceSession.create(bytes);
  await assert.rejects(
    session.run({ X: new ort.Tensor("float32", new Float32Array(6), [2, 3]) }),
    /Got invalid dimensions for input: X for the following indices\s+index: 1 Got: 3 Expected: 2/,
  );
  await session.release();
});

Deno.test("describeOnnxModel() reads back kind, k, d, versions and metadata", () => {
  const bytes = mixtureToOnnx(
    {
      means: fromRows([[0, 0, 0], [1, 1, 1]]),
      sigmas: Float64Array.of(1, 2),
      weights: Float64Array.of(0.25, 0.75),
    },
    { metadata: { model: "em", training: { nInit: 10 }, valid_nll: 1.5, skipped: undefined } },
  );
  assert.deepEqual(describeOnnxModel(bytes), {
    kind: "spherical_gaussian_mixture",
    k: 2,
    d: 3,
    irVersion: ONNX_IR_VERSION,
    opset: ONNX_OPSET,
    metadata: {
      kind: "spherical_gaussian_mixture",
      k: "2",
      d: "3",
      model: "em",
      training: '{"nInit":10}',
      valid_nll: "1.5",
    },
    inputs: ["X"],
    outputs: ["log_resp", "log_likelihood", "label"],
  });
});

Deno.test("describeOnnxModel() refuses bytes that are not a model exported here", () => {
  assert.throws(() => describeOnnxModel(Uint8Array.of(0xff, 0xff, 0xff)), DataError);
  // An empty message is a valid, empty ModelProto: no graph, no metadata.
  assert.throws(
    () => describeOnnxModel(new Uint8Array(0)),
    new DataError(
      "this ONNX model has no kind, k and d in its metadata; score only models exported by gradient-clustering.",
    ),
  );
});

Deno.test("kmeansToOnnx() and mixtureToOnnx() refuse parameters no model can have", () => {
  const good = { means: fromRows([[0, 0]]), sigmas: Float64Array.of(1), weights: Float64Array.of(1) };
  const cases: [() => unknown, string][] = [
    [
      () => kmeansToOnnx(fromRows([])),
      "the centroids are 0 x 0; a model needs at least one, in at least one dimension.",
    ],
    [
      () => kmeansToOnnx(fromRows([[0, NaN]])),
      "centroid coordinate 1 is NaN; export only a model whose parameters are finite.",
    ],
    [
      () => kmeansToOnnx(fromRows([[0, 0]]), { metadata: { k: 3 } }),
      'metadata key "k" is written by the exporter itself; rename or drop it.',
    ],
    [
      () => mixtureToOnnx({ ...good, sigmas: Float64Array.of(0) }),
      "sigma 0 is 0; every sigma must be positive and finite.",
    ],
    [
      () => mixtureToOnnx({ ...good, weights: Float64Array.of(-1) }),
      "weight 0 is -1; every weight must be non-negative and finite.",
    ],
    [
      () => mixtureToOnnx({ ...good, weights: Float64Array.of(0.5, 0.5) }),
      "the mixture has 1 means but 1 sigmas and 2 weights; give one of each per component.",
    ],
  ];
  for (const [call, message] of cases) assert.throws(call, new DataError(message));
});

Deno.test("gridPoints() lays cells out as Plot's dense raster, and scoreGrid() scores them", async () => {
  const grid = gridPoints([0, 4], [10, 12], { width: 4, height: 2 });
  assert.deepEqual(Array.from(grid.points.data.subarray(0, 4)), [0.5, 10.5, 1.5, 10.5]);
  assert.deepEqual(Array.from(grid.points.data.subarray(8, 10)), [0.5, 11.5]);
  // By name: the component reaches lib/ through the src/lib symlink, a different module URL in Deno.
  assert.throws(() => gridPoints([1, 0], [0, 1]), { name: "DataError" });
  const centroids = fromRows([[-1, 0], [1, 0]]);
  const scorer = await loadOnnxScorer(kmeansToOnnx(centroids));
  const { grid: cells, scores } = await scoreGrid(scorer, fromRows([[-2, -1], [2, 1]]), {
    width: 8,
    height: 4,
  });
  assert.equal(cells.x1, -2.2);
  assert.deepEqual(Array.from(scores.labels), Array.from(assign(cells.points, centroids).labels));
});

Deno.test("loaders lloyd-[k].onnx.ts and em-[k].onnx.ts write the reference bytes, and refuse other k", async () => {
  const run = (loader: string, k: string) =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-env",
        "--quiet",
        repoFile(`src/data/${loader}`).pathname,
        `--k=${k}`,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
  const lloydOutput = await run("lloyd-[k].onnx.ts", "3");
  assert.equal(lloydOutput.code, 0);
  assert.deepEqual(new Uint8Array(lloydOutput.stdout), (await lloydReferenceOnnx(3)).bytes);
  const emOutput = await run("em-[k].onnx.ts", "2");
  assert.equal(emOutput.code, 0);
  assert.deepEqual(new Uint8Array(emOutput.stdout), (await emReferenceOnnx(2)).bytes);
  const refused = await run("lloyd-[k].onnx.ts", "11");
  assert.notEqual(refused.code, 0);
  assert.match(new TextDecoder().decode(refused.stderr), /k must be an integer from 1 to 10/);
});
