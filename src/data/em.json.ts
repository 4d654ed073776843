// The EM reference for the spherical Gaussian mixture (scikit-learn's GaussianMixture semantics:
// K-means init, nInit 10, tol 1e-3, reg_covar 1e-6, maxIter 1000) on the mixture split of
// data2D.npy, for k = 1..10: parameters, train/validation NLL, BIC and AIC.
import { emGaussianMixture, emSummary } from "../lib/mixture/em.js";
import { EM, NOTEBOOK_SPLIT } from "../lib/notebook_settings.js";
import { loadDataset, splitPoints } from "./dataset.js";

const VALID_DIVISOR = NOTEBOOK_SPLIT.mixtureValidDivisor;
const { kmeansMaxIter: _, ...OPTIONS } = EM;
const { points, sha256 } = await loadDataset();
const { train, valid } = splitPoints(points, VALID_DIVISOR);
const runs = [];
for (let k = 1; k <= 10; k++) {
  const start = performance.now();
  const model = emGaussianMixture(train, { k, ...OPTIONS });
  const ms = performance.now() - start;
  runs.push({ ...emSummary(model, { train, valid }), converged: model.converged, ms });
  console.error(`em k=${k}: valid NLL ${runs.at(-1)!.validNLL.toFixed(5)} in ${ms.toFixed(0)} ms`);
}
console.log(JSON.stringify({
  dataset: { name: "data2D.npy", sha256, rows: points.rows, cols: points.cols },
  validDivisor: VALID_DIVISOR,
  options: OPTIONS,
  runs,
}));
