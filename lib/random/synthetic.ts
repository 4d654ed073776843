/**
 * Seeded synthetic data: Gaussian blobs around random centres, for the data page, tests and
 * the scaling benchmarks. Deterministic for a seed (NumPy's RandomState drives every draw).
 *
 * @module
 */
import { DataError } from "../errors.js";
import type { Matrix } from "../matrix.js";
import { RandomState } from "./random_state.js";

/** Options of {@link makeBlobs}. */
export interface BlobOptions {
  /** Number of points. */
  n: number;
  /** Number of blobs. */
  k: number;
  /** Dimension of the points. */
  d?: number;
  /** Standard deviation of each blob (centres are drawn uniformly in [-10, 10]^d). */
  spread?: number;
  /** Seed of the RandomState. */
  seed?: number;
}

/** Largest number of values (n x d) generated, about 100 MB of float64. */
export const MAX_SYNTHETIC_VALUES = 12_500_000;

/**
 * n points in d dimensions around k centres drawn uniformly in [-10, 10]^d, each point in blob
 * `i % k` with isotropic Gaussian noise of standard deviation `spread` (as scikit-learn's
 * `make_blobs` with `center_box=(-10, 10)`, though not its exact stream). Returns the points
 * and each point's blob.
 */
export function makeBlobs(
  { n, k, d = 2, spread = 1, seed = 0 }: BlobOptions,
): { points: Matrix; blobs: Int32Array } {
  for (const [name, value, min] of [["n", n, 1], ["k", k, 1], ["d", d, 1]] as const) {
    if (!Number.isInteger(value) || value < min) {
      throw new DataError(`${name} = ${value} must be a whole number of at least ${min}.`);
    }
  }
  if (k > n) {
    throw new DataError(`k = ${k} blobs need at least as many points, but n = ${n}; raise n or lower k.`);
  }
  if (n * d > MAX_SYNTHETIC_VALUES) {
    throw new DataError(
      `n x d = ${n * d} values is over the limit of ${MAX_SYNTHETIC_VALUES}; lower n or d.`,
    );
  }
  if (!(spread > 0) || !Number.isFinite(spread)) {
    throw new DataError(`spread = ${spread} must be a positive number.`);
  }
  const rng = new RandomState(seed);
  const centres = Float64Array.from({ length: k * d }, () => rng.uniform(-10, 10));
  const data = new Float64Array(n * d);
  const blobs = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const blob = blobs[i] = i % k;
    for (let t = 0; t < d; t++) data[i * d + t] = centres[blob * d + t] + spread * rng.standardNormal();
  }
  return { points: { rows: n, cols: d, data }, blobs };
}
