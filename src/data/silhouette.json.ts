// The silhouette of Lloyd's clustering of the K-means validation split of data2D.npy, k = 2..10
// (the silhouette needs two clusters at least): one of the criteria for choosing k.
import { assign, lloyd } from "../lib/kmeans/kmeans.js";
import { silhouetteScore } from "../lib/model_selection.js";
import { LLOYD, NOTEBOOK_SPLIT } from "../lib/notebook_settings.js";
import { loadDataset, splitPoints } from "./dataset.js";

const { points, sha256 } = await loadDataset();
const validDivisor = NOTEBOOK_SPLIT.kmeansValidDivisor;
const { train, valid } = splitPoints(points, validDivisor);
const runs = [];
for (let k = 2; k <= 10; k++) {
  const { centroids } = lloyd(train, { ...LLOYD, k });
  runs.push({ k, silhouette: silhouetteScore(valid, assign(valid, centroids).labels) });
}
console.log(JSON.stringify({ dataset: { name: "data2D.npy", sha256 }, validDivisor, runs }));
