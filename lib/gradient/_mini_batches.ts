/**
 * Mini-batches for large data, shared by both gradient models. Private to `lib/`.
 *
 * The notebook trains on every point each epoch (full batch), and so does `lib/` unless a
 * `batchSize` smaller than the number of training points is given. Then the points are shuffled
 * once (`new RandomState(seed).permutation(n)`) and cut into ceil(n / batchSize) windows of that
 * order, the last one shorter; epoch e takes one optimizer step on window (e - 1) mod windows, so
 * `epochs` counts steps, each on one mini-batch, and every point is used once per pass. Reports
 * score a seeded sample of `batchSize` training points and of `batchSize`
 * validation points ({@link scoredSample}); the last report scores all of them.
 *
 * @module
 */

import { DataError } from "../errors.js";
import { type Matrix, takeRows } from "../matrix.js";
import { sampleRows } from "../projection.js";
import { RandomState } from "../random/random_state.js";

/** The training points cut into the windows an epoch trains on, and the points reports score. */
export interface MiniBatches {
  /** The windows (one window, the points themselves, when training is full batch). */
  windows: Matrix[];
  /** Index in `windows` of the window epoch `epoch` (1-based) trains on. */
  windowOf(epoch: number): number;
  /** Whether training is full batch (the notebook's). */
  full: boolean;
}

/** Throws a `DataError` unless `batchSize` is undefined or a positive integer. */
export function checkBatchSize(batchSize: number | undefined): void {
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize >= 1)) {
    throw new DataError(`batchSize = ${batchSize} must be a positive integer (or left out for full batch).`);
  }
}

/** The windows of `points` for `batchSize` (see the module's description). */
export function miniBatches(
  points: Matrix,
  { batchSize, seed }: { batchSize?: number; seed: number },
): MiniBatches {
  const n = points.rows;
  if (batchSize === undefined || batchSize >= n) return { windows: [points], windowOf: () => 0, full: true };
  const { cols: d } = points;
  const shuffled = takeRows(points, new RandomState(seed).permutation(n));
  const count = Math.ceil(n / batchSize);
  const windows = Array.from({ length: count }, (_, w) => {
    const from = w * batchSize, to = Math.min(n, from + batchSize);
    return { rows: to - from, cols: d, data: shuffled.data.subarray(from * d, to * d) };
  });
  return {
    windows,
    windowOf: (epoch) => (epoch - 1) % count,
    full: false,
  };
}

/**
 * The training and validation points the reports before the last score: all of them for full
 * batch, else a seeded sample of `batchSize` of each (`sampleRows`).
 */
export function scoredSample(
  { train, valid }: { train: Matrix; valid?: Matrix },
  { batchSize, seed }: { batchSize?: number; seed: number },
): { train: Matrix; valid?: Matrix } {
  if (batchSize === undefined || batchSize >= train.rows) return { train, valid };
  const sample = (points: Matrix) => sampleRows(points, { max: batchSize, seed });
  return { train: sample(train), valid: valid && sample(valid) };
}
