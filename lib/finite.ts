import { DataError } from "./errors.js";
import type { Matrix } from "./matrix.js";

/**
 * Refuses a matrix holding NaN or infinite values, saying how many there are and the first
 * row (0-based) that has one, since a single NaN would silently poison every score.
 */
export function checkFinite(matrix: Matrix, what: string): void {
  const { data, cols } = matrix;
  let count = 0, firstRow = -1;
  for (let p = 0; p < data.length; p++) {
    if (!Number.isFinite(data[p])) {
      if (count++ === 0) firstRow = Math.floor(p / cols);
    }
  }
  if (count) {
    throw new DataError(
      `${what} has ${count} non-finite value${
        count === 1 ? "" : "s"
      } (NaN or infinity), the first in row ${firstRow}; remove or fill them.`,
    );
  }
}
