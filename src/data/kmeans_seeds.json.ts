// The Report's ten gradient K-means seeds at the notebook's settings (k = 5, AdamW lr 0.1, 150
// epochs, uniform init, the fused engine) on the K-means split of data2D.npy: each seed's final
// validation score, from which /kmeans picks its worst-seed and median-seed lessons.
import { fitGradientKMeans } from "../lib/kmeans/gradient_kmeans.js";
import { GRADIENT_KMEANS, NOTEBOOK_SPLIT, REPORT_SEEDS } from "../lib/notebook_settings.js";
import { loadDataset, splitPoints } from "./dataset.js";

const K = 5;
const { points, sha256 } = await loadDataset();
const { train, valid } = splitPoints(points, NOTEBOOK_SPLIT.kmeansValidDivisor);
const settings = { k: K, lr: GRADIENT_KMEANS.lr, epochs: GRADIENT_KMEANS.epochs, init: "uniform" as const };
const seeds = [];
for (const seed of REPORT_SEEDS.kmeans) {
  const fit = await fitGradientKMeans(train, {
    ...settings,
    seed,
    engine: "fused",
    valid,
    reportEvery: settings.epochs,
  });
  seeds.push({ seed, validScore: fit.validScore! });
}
console.log(JSON.stringify({
  dataset: { name: "data2D.npy", sha256, rows: points.rows, cols: points.cols },
  ...settings,
  engine: "fused",
  seeds,
}));
