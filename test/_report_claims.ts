// The Report's explanation of the K-means gaps, checked against lib/: shared by the unit test of
// the page loader (test/report_test.ts, on seeded blobs) and the browser test of the built
// Report (test/e2e/words_test.ts, on data2D).
import assert from "node:assert/strict";
import { lloyd } from "../lib/kmeans/kmeans.js";
import { fitGradientKMeans } from "../lib/kmeans/gradient_kmeans.js";
import { lloydSteps } from "../lib/kmeans/lloyd_steps.js";
import { columnMeans, type Matrix } from "../lib/matrix.js";

/** The text with its line breaks as spaces (the loader wraps its prose). */
const oneLine = (markdown: string) => markdown.replace(/\s+/g, " ");

/**
 * Checks the report's explanation of the K-means gaps against lib/, on the training points `train`:
 * at k = 1 the mean it quotes is the training points' mean, and the run it names ends at the
 * distances it quotes from it; for every k, the runs it says reach Lloyd's optimum do (Lloyd's
 * algorithm continued from their final centroids ends within 0.01% of Lloyd's own loss).
 */
export async function assertGapFindings(markdown: string, train: Matrix) {
  const text = oneLine(markdown);
  const mean = columnMeans(train);
  const oneCluster = text.match(
    /At k = 1 the loss has a single minimum, the mean of the training points, \((\S+), (\S+)\), which is where Lloyd's centroid sits; the drawn gradient run \(seed (\d+)\) ends (\S+) from it after 150 epochs.*?, and (\S+) from it after 1,500 epochs: the gap at k = 1 is AdamW not having converged in 150 epochs, not a better optimum found by Lloyd\./,
  );
  assert.ok(oneCluster, "the k = 1 finding");
  const [, x0, x1, seed, after150, after1500] = oneCluster;
  assert.deepEqual([x0, x1], Array.from(mean, (value) => value.toFixed(4)), "the training mean");
  for (const [epochs, quoted] of [[150, after150], [1500, after1500]] as const) {
    const fit = await fitGradientKMeans(train, { k: 1, seed: Number(seed), epochs, reportEvery: epochs });
    const distance = Math.hypot(fit.centroids.data[0] - mean[0], fit.centroids.data[1] - mean[1]);
    assert.equal(quoted, distance.toPrecision(2), `the distance after ${epochs} epochs`);
  }
  // Which optimum each of the ten seeds was heading for, per k.
  const reached = [];
  for (let k = 1; k <= 5; k++) {
    const optimum = lloydSteps(train, lloyd(train, { k }).centroids).at(-1)!.loss;
    let count = 0;
    for (let s = 0; s < 10; s++) {
      const fit = await fitGradientKMeans(train, { k, seed: s, reportEvery: 150 });
      if (lloydSteps(train, fit.centroids).at(-1)!.loss <= optimum * (1 + 1e-4)) count++;
    }
    reached.push({ k, count });
  }
  const all = reached.filter((r) => r.count === 10).map((r) => r.k);
  const parts = [
    ...(all.length ? [`all 10 seeds at k = ${all.join(", ")}`] : []),
    ...reached.filter((r) => r.count < 10).map((r) => `${r.count} of 10 at k = ${r.k}`),
  ];
  assert.ok(
    text.includes(`it ends at Lloyd's own optimum (within 0.01%) for ${parts.join(", and ")}.`),
    `the optimum finding: ${parts.join(", and ")}`,
  );
}
