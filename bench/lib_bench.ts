// deno bench for the pure core on data2D: Lloyd (k = 5, nInit 10, the 7,500 K-means training
// points, as scikit-learn in the notebook), .npy parsing, and the seeded split.
import { lloyd } from "../lib/kmeans.js";
import { takeRows } from "../lib/matrix.js";
import { parseNpy } from "../lib/npy.js";
import { split } from "../lib/split.js";

const bytes = Deno.readFileSync(new URL("../src/data/data2D.npy", import.meta.url));
const points = parseNpy(bytes);
const train = takeRows(points, split(points.rows, { validDivisor: 4 }).train);

Deno.bench("lloyd k=5 nInit=10 (7,500 x 2)", { group: "lloyd", baseline: true }, () => {
  lloyd(train, { k: 5, nInit: 10, maxIter: 5000, seed: 0 });
});

Deno.bench("lloyd k=3 nInit=10 (7,500 x 2)", { group: "lloyd" }, () => {
  lloyd(train, { k: 3, nInit: 10, maxIter: 5000, seed: 0 });
});

Deno.bench("parseNpy data2D (10,000 x 2 f8)", () => {
  parseNpy(bytes);
});

Deno.bench("split N=10,000 (NumPy shuffle)", () => {
  split(10_000, { validDivisor: 4 });
});

Deno.bench("split N=1,000,000 (NumPy shuffle)", () => {
  split(1_000_000, { validDivisor: 4 });
});
