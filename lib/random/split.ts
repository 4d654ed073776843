import { DataError } from "../errors.js";
import { NOTEBOOK_SPLIT } from "../notebook_settings.js";
import { RandomState } from "./random_state.js";

/** The seed the course notebook passes to `np.random.seed` before shuffling. */
export const NOTEBOOK_SPLIT_SEED: number = NOTEBOOK_SPLIT.seed;

/** Options for {@link split}. */
export interface SplitOptions {
  /** Seed for `np.random.seed` (any 32-bit unsigned integer). */
  seed?: number;
  /** Validation takes the first `int(n / validDivisor)` shuffled indices: 4 for K-means, 3 for the mixture. */
  validDivisor?: number;
}

/** Row indices of a train/validation split, both in shuffled order. */
export interface Split {
  valid: Int32Array;
  train: Int32Array;
}

/**
 * The notebook's seeded split of `n` rows, identical to NumPy's:
 * `np.random.seed(seed); idx = np.arange(n); np.random.shuffle(idx)`, validation =
 * `idx[:int(n / validDivisor)]`, train = the rest.
 *
 * @example
 * ```ts
 * split(10_000).valid.slice(0, 3); // Int32Array [2651, 6985, 1054]
 * ```
 */
export function split(
  n: number,
  { seed = NOTEBOOK_SPLIT_SEED, validDivisor = NOTEBOOK_SPLIT.kmeansValidDivisor }: SplitOptions = {},
): Split {
  if (!Number.isInteger(n) || n < 1) {
    throw new DataError(`cannot split ${n} rows: the data needs at least one row.`);
  }
  if (!(validDivisor >= 1) || !Number.isFinite(validDivisor)) {
    throw new DataError(`validation divisor ${validDivisor} must be a finite number of at least 1.`);
  }
  const order = new RandomState(seed).permutation(n);
  const validCount = Math.trunc(n / validDivisor);
  return { valid: order.subarray(0, validCount), train: order.subarray(validCount) };
}
