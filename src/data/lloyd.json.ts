// Lloyd's K-means (scikit-learn semantics: k-means++, nInit 10, maxIter 5000) on the K-means
// training split of data2D.npy, for k = 1..10: centroids, scores, iterations and time.
import { lloyd, validationScore } from "../lib/kmeans/kmeans.js";
import { toRows } from "../lib/matrix.js";
import { LLOYD, NOTEBOOK_SPLIT } from "../lib/notebook_settings.js";
import { loadDataset, splitPoints } from "./dataset.js";

const VALID_DIVISOR = NOTEBOOK_SPLIT.kmeansValidDivisor;
const { points, sha256 } = await loadDataset();
const { train, valid } = splitPoints(points, VALID_DIVISOR);
const runs = [];
for (let k = 1; k <= 10; k++) {
  const start = performance.now();
  const result = lloyd(train, { ...LLOYD, k });
  const ms = performance.now() - start;
  runs.push({
    k,
    centroids: toRows(result.centroids),
    trainScore: result.inertia / train.rows,
    validScore: validationScore(valid, result.centroids),
    inertia: result.inertia,
    iterations: result.iterations,
    converged: result.converged,
    ms,
  });
  console.error(`lloyd k=${k}: valid ${runs.at(-1)!.validScore.toFixed(5)} in ${ms.toFixed(1)} ms`);
}
console.log(JSON.stringify({
  dataset: { name: "data2D.npy", sha256, rows: points.rows, cols: points.cols },
  validDivisor: VALID_DIVISOR,
  options: LLOYD,
  runs,
}));
