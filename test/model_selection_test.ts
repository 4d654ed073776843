import assert from "node:assert/strict";
import { assign, lloyd } from "../lib/kmeans/kmeans.js";
import { fromRows, takeRows } from "../lib/matrix.js";
import { argMin, elbowIndex, silhouetteScore } from "../lib/model_selection.js";
import { parseNpy } from "../lib/io/npy.js";
import { split } from "../lib/random/split.js";
import { DataError } from "../lib/errors.js";
import { assertRelativelyClose, readJson, repoFile } from "./_testdata.js";

Deno.test("silhouetteScore() equals scikit-learn's on data2D's validation split for k = 2..6", async () => {
  const fixture = await readJson("sklearn_silhouette.json") as { scores: Record<string, number> };
  const points = parseNpy(await Deno.readFile(repoFile("src/data/data2D.npy")));
  const { train, valid } = split(points.rows, { validDivisor: 4 });
  const trainPoints = takeRows(points, train), validPoints = takeRows(points, valid);
  for (const [k, expected] of Object.entries(fixture.scores)) {
    const { centroids } = lloyd(trainPoints, { k: Number(k) });
    const labels = assign(validPoints, centroids).labels;
    // Sums of 6 million square roots in another order than NumPy's pairwise sums: 1e-9 relative.
    assertRelativelyClose(silhouetteScore(validPoints, labels), expected, 1e-9, `k = ${k}`);
  }
});

Deno.test("silhouetteScore() is 0 for singletons and refuses a single cluster", () => {
  // Two tight pairs far apart: close to 1. A singleton contributes 0.
  const points = fromRows([[0], [0.1], [10], [10.1], [50]]);
  const score = silhouetteScore(points, [0, 0, 1, 1, 2]);
  assert.ok(score > 0.7 && score < 0.8, `${score}`);
  assert.throws(() => silhouetteScore(points, [0, 0, 0, 0, 0]), DataError);
});

Deno.test("elbowIndex() finds the bend of a falling curve", () => {
  const ks = [1, 2, 3, 4, 5, 6, 7, 8];
  assert.equal(elbowIndex(ks, [100, 40, 10, 9, 8, 7, 6, 5]), 2);
  assert.equal(elbowIndex(ks, [100, 20, 18, 16, 14, 12, 10, 8]), 1);
  assert.throws(() => elbowIndex([1, 2], [2, 1]), DataError);
});

Deno.test("argMin() returns the first smallest", () => {
  assert.equal(argMin([3, 1, 2, 1]), 1);
});
