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

/**
 * Refuses data whose squared distances float64 cannot hold: values so large that the sum of
 * N x d squared differences would overflow (each difference is at most twice the largest |x|),
 * or a spread so small (largest per-column range below 1e-150) that squared differences
 * underflow to zero. Either would turn every score into Infinity, NaN or 0 without a word; the
 * sentence says by what power of ten to rescale. Data with no spread at all (every point the
 * same) is accepted: its distances are exactly zero, not lost.
 */
export function checkScale(matrix: Matrix, what: string): void {
  const { rows, cols, data } = matrix;
  let largest = 0, spread = 0;
  for (let t = 0; t < cols; t++) {
    let min = Infinity, max = -Infinity;
    for (let p = t; p < data.length; p += cols) {
      const v = data[p];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    largest = Math.max(largest, Math.abs(min), Math.abs(max));
    spread = Math.max(spread, max - min);
  }
  const ceiling = Math.sqrt(Number.MAX_VALUE / (4 * rows * cols));
  if (largest > ceiling) {
    const power = Math.ceil(Math.log10(largest / ceiling)) + 1;
    throw new DataError(
      `${what} has values as large as ${largest.toExponential(2)}, and above ${
        ceiling.toExponential(1)
      } the squared distances of ${rows} x ${cols} numbers overflow float64; divide the data by 1e${power}, or remove the outlying values, first.`,
    );
  }
  if (spread > 0 && spread < MIN_SPREAD) {
    const power = Math.ceil(Math.log10(MIN_SPREAD / spread)) + 1;
    throw new DataError(
      `${what} spans at most ${
        spread.toExponential(2)
      } in any column, and below ${MIN_SPREAD} squared distances underflow to zero in float64; multiply the data by 1e${power} first.`,
    );
  }
}

/** The smallest per-column range {@link checkScale} accepts: its square, 1e-300, is still a normal float64. */
const MIN_SPREAD = 1e-150;
