import { DataError } from "../errors.js";
import type { Matrix } from "../matrix.js";
import { squaredDistance } from "../matrix.js";

/** One pair of a one-to-one matching: row `a` of the first set, row `b` of the second. */
export interface CentroidPair {
  a: number;
  b: number;
  /** Euclidean distance between the two centroids. */
  distance: number;
}

/** Largest k matched exactly (dynamic programming over subsets costs k * 2^k). */
const MAX_EXACT = 16;

/**
 * Matches two equally sized sets of centroids one-to-one so that the summed squared distance is
 * smallest (an assignment problem, solved exactly by dynamic programming over subsets, which is
 * instant for k <= 16). Used to pair gradient centroids with Lloyd's and to give matching
 * clusters the same colour. Returns the pairs in the order of the first set.
 */
export function matchCentroids(first: Matrix, second: Matrix): CentroidPair[] {
  const k = first.rows;
  if (second.rows !== k || second.cols !== first.cols) {
    throw new DataError(
      `cannot match ${k} x ${first.cols} centroids with ${second.rows} x ${second.cols}; both sets need the same shape.`,
    );
  }
  if (k > MAX_EXACT) {
    throw new DataError(`matching ${k} centroids is not supported; use k of at most ${MAX_EXACT}.`);
  }
  const cost = (i: number, j: number) => squaredDistance(first, i, second, j);
  // best[mask]: the lowest cost of matching first[0 .. popcount(mask) - 1] to the second-set rows in mask.
  const size = 1 << k;
  const best = new Float64Array(size).fill(Infinity);
  const choice = new Int8Array(size).fill(-1);
  best[0] = 0;
  for (let mask = 0; mask < size; mask++) {
    if (best[mask] === Infinity) continue;
    const i = popcount(mask);
    if (i === k) continue;
    for (let j = 0; j < k; j++) {
      if (mask & (1 << j)) continue;
      const next = mask | (1 << j);
      const total = best[mask] + cost(i, j);
      if (total < best[next]) {
        best[next] = total;
        choice[next] = j;
      }
    }
  }
  const pairs: CentroidPair[] = [];
  for (let mask = size - 1, i = k - 1; i >= 0; i--) {
    const j = choice[mask];
    pairs.unshift({ a: i, b: j, distance: Math.sqrt(cost(i, j)) });
    mask &= ~(1 << j);
  }
  return pairs;
}

function popcount(mask: number): number {
  let count = 0;
  for (; mask; mask &= mask - 1) count++;
  return count;
}
