/**
 * How cost grows with N: Lloyd (lib/, k = 5, the notebook's options) and gradient K-means (150
 * full-batch epochs, k = 5, the fused engine) on seeded blobs of N = 10^4, 10^5, 10^6 points in 2-D. Prints a
 * table and the slope of log(time) against log(N): 1 means linear. Run: `deno task bench:scale`.
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { fitGradientKMeans } from "../lib/kmeans/gradient_kmeans.js";
import { lloyd } from "../lib/kmeans/kmeans.js";
import { LLOYD } from "../lib/notebook_settings.js";
import { makeBlobs } from "../lib/random/synthetic.js";

tf.env().set("IS_NODE", false); // Deno looks like Node.js to tfjs, which would advise tfjs-node
await tf.setBackend("cpu");

const SIZES = (Deno.args[0] ?? "10000,100000,1000000").split(",").map(Number);

/** Median of `runs` timings of `work` (milliseconds), after one warm-up at the smallest size. */
async function time(work: () => unknown, runs: number): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[runs >> 1];
}

/** Least-squares slope of log(y) against log(x). */
function logLogSlope(xs: number[], ys: number[]): number {
  const lx = xs.map(Math.log), ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b) / lx.length, my = ly.reduce((a, b) => a + b) / ly.length;
  let num = 0, den = 0;
  for (let i = 0; i < lx.length; i++) {
    num += (lx[i] - mx) * (ly[i] - my);
    den += (lx[i] - mx) ** 2;
  }
  return num / den;
}

const rows = [];
await fitGradientKMeans(makeBlobs({ n: 1000, k: 5, seed: 1 }).points, { k: 5, reportEvery: 150 }); // warm-up
for (const n of SIZES) {
  const { points } = makeBlobs({ n, k: 5, d: 2, spread: 1, seed: 1 });
  const runs = n >= 1_000_000 ? 1 : 3;
  const lloydMs = await time(() => lloyd(points, { ...LLOYD, k: 5 }), runs);
  const gradientMs = await time(
    () => fitGradientKMeans(points, { engine: "fused", k: 5, seed: 0, reportEvery: 150 }),
    runs,
  );
  rows.push({ n, lloydMs, gradientMs });
  console.log(`| ${n.toLocaleString("en-US")} | ${lloydMs.toFixed(0)} ms | ${gradientMs.toFixed(0)} ms |`);
}
const ns = rows.map((r) => r.n);
console.log(
  JSON.stringify({
    rows,
    lloydSlope: logLogSlope(ns, rows.map((r) => r.lloydMs)),
    gradientSlope: logLogSlope(ns, rows.map((r) => r.gradientMs)),
  }),
);
