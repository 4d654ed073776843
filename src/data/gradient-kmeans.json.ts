// Gradient K-means (the notebook's AdamW, lr 0.1, 150 epochs, uniform init) on the K-means split of
// data2D.npy, k = 1..5, seeds 0..9, with TensorFlow.js on the CPU: the spread of validation scores
// per k, beside Lloyd's, for the tables and the report's findings.
import * as tf from "@tensorflow/tfjs";
import { fitGradientKMeans } from "../lib/gradient_kmeans.js";
import { lloyd, validationScore } from "../lib/kmeans.js";
import { loadDataset, splitPoints } from "./dataset.js";

const SEEDS = Array.from({ length: 10 }, (_, seed) => seed);
const OPTIONS = { lr: 0.1, epochs: 150, init: "uniform" as const };

await tf.setBackend("cpu");
const { points, sha256 } = await loadDataset();
const { train, valid } = splitPoints(points, 4);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const rows = [];
for (let k = 1; k <= 5; k++) {
  const lloydScore = validationScore(valid, lloyd(train, { k, nInit: 10, seed: 0 }).centres);
  const scores: number[] = [], times: number[] = [];
  for (const seed of SEEDS) {
    const start = performance.now();
    const fit = await fitGradientKMeans(train, { k, seed, ...OPTIONS });
    times.push(performance.now() - start);
    scores.push(validationScore(valid, fit.centroids));
  }
  const gradientMedian = median(scores);
  rows.push({
    k,
    lloydScore,
    scores,
    median: gradientMedian,
    best: Math.min(...scores),
    worst: Math.max(...scores),
    gapPercent: 100 * (gradientMedian - lloydScore) / lloydScore,
    // How many seeds land within 0.1% of Lloyd's score: "reaches the optimum".
    reachesLloyd: scores.filter((s) => s <= lloydScore * 1.001).length,
    medianMs: median(times),
  });
  console.error(`gradient k=${k}: median ${gradientMedian.toFixed(5)} vs Lloyd ${lloydScore.toFixed(5)}`);
}
console.log(JSON.stringify({
  dataset: { name: "data2D.npy", sha256 },
  validDivisor: 4,
  seeds: SEEDS,
  options: OPTIONS,
  backend: tf.getBackend(),
  rows,
}));
