// deno bench for the pure core on data2D: Lloyd (k = 5, the notebook's scikit-learn options, the
// 7,500 K-means training points), .npy parsing, the seeded split, and gradient training with
// each engine (autodiff on tfjs's plain JavaScript backend here; Chromium's figures come from
// bench/browser.ts).
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { fitGradientMixture } from "../lib/mixture/gradient_mixture.js";
import { fitGradientKMeans } from "../lib/kmeans/gradient_kmeans.js";
import { lloyd } from "../lib/kmeans/kmeans.js";
import { takeRows } from "../lib/matrix.js";
import { GRADIENT_KMEANS, GRADIENT_MIXTURE, LLOYD, NOTEBOOK_SPLIT } from "../lib/notebook_settings.js";
import { parseNpy } from "../lib/io/npy.js";
import { split } from "../lib/random/split.js";

tf.env().set("IS_NODE", false); // Deno looks like Node.js to tfjs, which would advise tfjs-node
await tf.setBackend("cpu");

const bytes = Deno.readFileSync(new URL("../src/data/data2D.npy", import.meta.url));
const points = parseNpy(bytes);
const kmeansSplit = split(points.rows, { validDivisor: NOTEBOOK_SPLIT.kmeansValidDivisor });
const train = takeRows(points, kmeansSplit.train);
const gmmTrain = takeRows(
  points,
  split(points.rows, { validDivisor: NOTEBOOK_SPLIT.mixtureValidDivisor }).train,
);

Deno.bench("lloyd k=5 nInit=10 (7,500 x 2)", { group: "lloyd", baseline: true }, () => {
  lloyd(train, { ...LLOYD, k: 5 });
});

Deno.bench("lloyd k=3 nInit=10 (7,500 x 2)", { group: "lloyd" }, () => {
  lloyd(train, { ...LLOYD, k: 3 });
});

Deno.bench("parseNpy data2D (10,000 x 2 f8)", () => {
  parseNpy(bytes);
});

Deno.bench("split N=10,000 (NumPy shuffle)", () => {
  split(10_000, { validDivisor: NOTEBOOK_SPLIT.kmeansValidDivisor });
});

Deno.bench("split N=1,000,000 (NumPy shuffle)", () => {
  split(1_000_000, { validDivisor: NOTEBOOK_SPLIT.kmeansValidDivisor });
});

for (const engine of ["fused", "autodiff"] as const) {
  Deno.bench(`gradient K-means k=5, 150 epochs, ${engine} (cpu)`, { group: "gradient K-means" }, async () => {
    await fitGradientKMeans(train, { engine, k: 5, reportEvery: GRADIENT_KMEANS.epochs });
  });
}

Deno.bench("gradient mixture k=5, 1000 epochs, fused", { group: "gradient mixture" }, async () => {
  await fitGradientMixture(gmmTrain, { engine: "fused", k: 5, reportEvery: GRADIENT_MIXTURE.epochs });
});
