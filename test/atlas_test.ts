// The local-optima atlas (lib/atlas.ts) against the trainers run directly, seed by seed, on data2D.
// The atlas calls the same trainers with the same options, and every loss is the same float64
// computation, so the figures must be equal to the bit (strictEqual), not merely close.
import assert from "node:assert/strict";
import {
  ATLAS_TOLERANCE,
  type AtlasRun,
  atlasRuns,
  atlasSeeds,
  localOptimaAtlas,
  summarizeAtlas,
  trainAtlas,
} from "../lib/atlas.js";
import { DataError } from "../lib/errors.js";
import { fitGradientKMeans } from "../lib/kmeans/gradient_kmeans.js";
import { assign, lloyd, validationScore } from "../lib/kmeans/kmeans.js";
import { emGaussianMixture } from "../lib/mixture/em.js";
import { gmmNLL, gmmPredict } from "../lib/mixture/gaussian_mixture.js";
import { fitGradientMixture } from "../lib/mixture/gradient_mixture.js";
import { parseNpy } from "../lib/io/npy.js";
import { takeRows } from "../lib/matrix.js";
import { NOTEBOOK_SPLIT } from "../lib/notebook_settings.js";
import { split } from "../lib/random/split.js";

const data2D = parseNpy(await Deno.readFile(new URL("../src/data/data2D.npy", import.meta.url)));
function splitBy(validDivisor: number) {
  const indices = split(data2D.rows, { validDivisor });
  return { train: takeRows(data2D, indices.train), valid: takeRows(data2D, indices.valid) };
}
const kmeansData = splitBy(NOTEBOOK_SPLIT.kmeansValidDivisor);
const mixtureData = splitBy(NOTEBOOK_SPLIT.mixtureValidDivisor);
const SEEDS = [0, 1, 2];

/** Centroids or components owning fewer than 1 % of the validation labels, counted here from the labels. */
function lost(labels: Int32Array, k: number): number {
  return Array.from({ length: k }, (_, j) => labels.filter((label) => label === j).length)
    .filter((count) => count < 0.01 * labels.length).length;
}

Deno.test("the K-means atlas gives each seed the final validation score of the trainers run directly", async () => {
  const { train, valid } = kmeansData;
  const atlas = await localOptimaAtlas(train, valid, { model: "kmeans", k: 5, seeds: SEEDS });
  for (const seed of SEEDS) {
    const fit = await fitGradientKMeans(train, { k: 5, seed, valid, reportEvery: 150 });
    assert.strictEqual(atlas.runs.gradient[seed].loss, fit.validScore);
    assert.strictEqual(atlas.runs.gradient[seed].lost, lost(assign(valid, fit.centroids).labels, 5));
    const single = lloyd(train, { k: 5, seed, nInit: 1 });
    assert.strictEqual(atlas.runs.lloyd[seed].loss, validationScore(valid, single.centroids));
    assert.strictEqual(atlas.runs.lloyd[seed].seed, seed);
  }
  assert.strictEqual(atlas.reference.loss, validationScore(valid, lloyd(train, { k: 5 }).centroids));
  const all = [...atlas.runs.gradient, ...atlas.runs.lloyd, atlas.reference].map((run) => run.loss);
  assert.strictEqual(atlas.summary.best, Math.min(...all));
  assert.strictEqual(
    atlas.summary.threshold,
    atlas.summary.best + ATLAS_TOLERANCE.kmeans.relative * atlas.summary.best,
  );
  for (const row of atlas.summary.methods) {
    const losses = atlas.runs[row.method].map((run) => run.loss);
    assert.strictEqual(row.reached, losses.filter((loss) => loss <= atlas.summary.threshold).length);
    assert.strictEqual(row.runs, SEEDS.length);
  }
});

Deno.test("the mixture atlas gives each seed the final validation NLL of the trainers run directly", async () => {
  const { train, valid } = mixtureData;
  const seeds = [0, 1];
  const atlas = await localOptimaAtlas(train, valid, { model: "mixture", k: 5, seeds });
  for (const seed of seeds) {
    for (const init of ["random", "kmeans"] as const) {
      const fit = await fitGradientMixture(train, { k: 5, seed, init, valid, reportEvery: 1000 });
      const run = atlas.runs[init === "random" ? "gradient-random" : "gradient-kmeans"][seed];
      assert.strictEqual(run.loss, fit.validNLL);
      assert.strictEqual(run.lost, lost(gmmPredict(valid, fit), 5));
    }
    assert.strictEqual(
      atlas.runs.em[seed].loss,
      gmmNLL(valid, emGaussianMixture(train, { k: 5, seed, nInit: 1 })),
    );
  }
  assert.strictEqual(atlas.reference.loss, gmmNLL(valid, emGaussianMixture(train, { k: 5 })));
  assert.strictEqual(atlas.summary.threshold, atlas.summary.best + ATLAS_TOLERANCE.mixture.absolute);
  assert.deepEqual(atlas.summary.methods.map((row) => row.method), [
    "gradient-random",
    "gradient-kmeans",
    "em",
  ]);
});

Deno.test("gradient runs yield at each report before their end, and the reference once", async () => {
  const { train, valid } = kmeansData;
  const steps = [];
  for await (
    const step of trainAtlas(train, valid, { method: "gradient", k: 3, seeds: [4], reportEvery: 50 })
  ) {
    steps.push(step);
  }
  // 150 epochs reported every 50: three reports, then the run.
  assert.deepEqual(steps.map((step) => step.run === undefined), [true, true, true, false]);
  const reference = await atlasRuns(train, valid, { method: "lloyd-best", k: 3, seeds: [7, 8] });
  assert.strictEqual(reference.length, 1);
});

Deno.test("the summary applies each model's tolerance, counts lost runs and skips missing methods", () => {
  const run = (seed: number, loss: number, lost = 0): AtlasRun => ({ seed, loss, lost });
  const kmeans = summarizeAtlas("kmeans", { gradient: [run(0, 1.004), run(1, 1.006, 1)] }, run(0, 1));
  assert.strictEqual(kmeans.best, 1);
  assert.deepEqual(kmeans.methods.map(({ method, reached, lostRuns }) => [method, reached, lostRuns]), [
    ["gradient", 1, 1],
  ]);
  // NLL can be negative: an absolute tolerance of 0.005 nats.
  const mixture = summarizeAtlas("mixture", { em: [run(0, -2.006), run(1, -2.0)] }, run(0, -2.01));
  assert.strictEqual(mixture.best, -2.01);
  assert.strictEqual(mixture.methods[0].reached, 1);
});

Deno.test("the number of seeds is a whole number from 1 to 500", () => {
  assert.deepEqual(atlasSeeds(3), [0, 1, 2]);
  assert.strictEqual(atlasSeeds().length, 100);
  for (const bad of [0, 501, 2.5, NaN]) {
    assert.throws(
      () => atlasSeeds(bad),
      (error: Error) => error instanceof DataError && /1 to 500/.test(error.message),
    );
  }
});
