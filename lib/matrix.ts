/**
 * Points as a row-major matrix: `data[i * cols + j]` is coordinate j of point i. Every
 * function in `lib/` takes and returns this shape, so data flows between readers, the RNG,
 * Lloyd and the trainers without copies into nested arrays.
 *
 * @module
 */

/** A dense row-major float64 matrix of `rows` points in `cols` dimensions. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** Makes a matrix from nested arrays (all rows the same length), mostly for tests and JSON. */
export function fromRows(rows: ArrayLike<ArrayLike<number>>): Matrix {
  const cols = rows.length ? rows[0].length : 0;
  const data = new Float64Array(rows.length * cols);
  for (let i = 0; i < rows.length; i++) {
    if (rows[i].length !== cols) {
      throw new RangeError(`row ${i} has ${rows[i].length} values, expected ${cols}`);
    }
    for (let j = 0; j < cols; j++) data[i * cols + j] = rows[i][j];
  }
  return { rows: rows.length, cols, data };
}

/** The matrix as nested arrays, one array per row (for JSON output and charts). */
export function toRows(matrix: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < matrix.rows; i++) {
    out.push(Array.from(matrix.data.subarray(i * matrix.cols, (i + 1) * matrix.cols)));
  }
  return out;
}

/** The rows of `matrix` at `indices`, in that order (NumPy's `X[indices]`). */
export function takeRows(matrix: Matrix, indices: ArrayLike<number>): Matrix {
  const { cols } = matrix;
  const data = new Float64Array(indices.length * cols);
  // Element by element: a `subarray` per row costs an allocation each (seconds at 10^6 rows).
  for (let i = 0, to = 0; i < indices.length; i++) {
    for (let from = indices[i] * cols, end = from + cols; from < end; from++) data[to++] = matrix.data[from];
  }
  return { rows: indices.length, cols, data };
}

/** Squared Euclidean distance between row `i` of `a` and row `j` of `b` (same width). */
export function squaredDistance(a: Matrix, i: number, b: Matrix, j: number): number {
  const d = a.cols;
  return squaredDistanceAt(a.data, i * d, b.data, j * d, d);
}

/**
 * Squared Euclidean distance between the `d` values of `x` from index `p` and those of `y` from
 * index `q`, summed in order: the inner loop of every nearest-centroid and density computation.
 */
export function squaredDistanceAt(x: Float64Array, p: number, y: Float64Array, q: number, d: number): number {
  let sum = 0;
  for (let t = 0; t < d; t++) {
    const diff = x[p + t] - y[q + t];
    sum += diff * diff;
  }
  return sum;
}

/** The mean of every column (the data's centroid). */
export function columnMeans(points: Matrix): Float64Array {
  const { rows, cols, data } = points;
  const mean = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let t = 0; t < cols; t++) mean[t] += data[i * cols + t];
  for (let t = 0; t < cols; t++) mean[t] /= rows;
  return mean;
}

/** The per-column minimum and maximum of the points. */
export function columnRanges({ cols, data }: Matrix): [Float64Array, Float64Array] {
  const low = new Float64Array(cols).fill(Infinity), high = new Float64Array(cols).fill(-Infinity);
  for (let p = 0; p < data.length; p++) {
    const t = p % cols;
    low[t] = Math.min(low[t], data[p]);
    high[t] = Math.max(high[t], data[p]);
  }
  return [low, high];
}
