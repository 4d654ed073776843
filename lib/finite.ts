import { DataError } from "./errors.js";
import type { Matrix } from "./matrix.js";

/**
 * Refuses a matrix holding NaN or infinite values, saying how many there are and the first
 * row that has one (named by `rowName`: 0-based rows by default, file lines for CSV), since a
 * single NaN would silently poison every score.
 */
export function checkFinite(
  matrix: Matrix,
  what: string,
  rowName: (row: number) => string = (row) => `row ${row} (counting from 0)`,
): void {
  const { data, cols } = matrix;
  let count = 0, firstRow = -1;
  for (let p = 0; p < data.length; p++) {
    if (!Number.isFinite(data[p])) {
      if (count++ === 0) firstRow = Math.floor(p / cols);
    }
  }
  if (count) {
    throw new DataError(
      `${what} has ${count} non-finite value${count === 1 ? "" : "s"} (NaN or infinity), the first in ${
        rowName(firstRow)
      }; remove or fill them.`,
    );
  }
}
