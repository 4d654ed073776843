/**
 * The checks every dataset gets before a page uses it, whether it was just uploaded or read back
 * from this browser's storage (which a crash, an old version or another tab's script may have left
 * damaged): its shape, finite values, size and scale (the CLI's own checks), a name that is plain
 * text, and for stored data its SHA-256 recomputed and compared. Each refusal is one sentence.
 */
import { DataError } from "../../lib/errors.js";
import { checkFinite, checkScale } from "../../lib/finite.js";
import type { Matrix } from "../../lib/matrix.js";
import { megabytes } from "../../lib/io/npy.js";

/**
 * Uploads above this size are refused before they are read, and so are files whose points would
 * take more than this as float64 (a tab holds the data several times: file, points, stored copy).
 */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
/** The K-means split keeps a quarter for validation: four points are the least that leave one. */
const MIN_POINTS = 4;
/** The longest dataset name kept (a file name; generated data's description is far shorter). */
const MAX_NAME_LENGTH = 255;

/** Checks that a dataset is big enough for the pages' splits, in one sentence if not. */
export function checkUsable(points: Matrix): void {
  if (points.rows < MIN_POINTS) {
    throw new DataError(
      `the data has ${points.rows} point${
        points.rows === 1 ? "" : "s"
      }, too few to split off a validation set; bring at least ${MIN_POINTS}.`,
    );
  }
}

/**
 * Refuses a name that is not plain text: not a string, empty, longer than {@link MAX_NAME_LENGTH},
 * or holding control characters or markup's angle brackets (names are shown in pages, captions,
 * manifests and download names). The sentence does not repeat the name.
 */
export function checkName(name: unknown, what = "the file"): asserts name is string {
  if (typeof name !== "string" || name.trim() === "") {
    throw new DataError(`${what} has no name; give it one.`);
  }
  if (name.length > MAX_NAME_LENGTH) {
    throw new DataError(
      `${what}'s name is ${name.length} characters long, over ${MAX_NAME_LENGTH}; rename it shorter.`,
    );
  }
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f<>]/.test(name)) {
    throw new DataError(`${what}'s name holds control characters or < >; rename it with plain text.`);
  }
}

/**
 * Refuses points a page cannot use: a shape that is not N x d with N x d values (N, d positive
 * integers), more than `maxBytes` as float64, fewer than {@link MIN_POINTS} rows, a non-finite
 * value, or values whose squared distances float64 cannot hold.
 */
export function checkPoints(points: Matrix, what: string, maxBytes = MAX_UPLOAD_BYTES): void {
  checkShape(points, what, maxBytes);
  checkFinite(points, what);
  checkScale(points, what);
}

/**
 * The part of {@link checkPoints} the readers do not do (they check values as they read them):
 * the shape, the size as float64, and at least {@link MIN_POINTS} rows.
 */
export function checkShape(points: Matrix, what: string, maxBytes = MAX_UPLOAD_BYTES): void {
  const { rows, cols, data } = points;
  checkSize(rows, cols, what, maxBytes);
  if (!(data instanceof Float64Array) || data.length !== rows * cols) {
    throw new DataError(`${what} does not hold the ${rows} x ${cols} float64 values its shape says.`);
  }
  checkUsable(points);
}

/** Refuses a shape that is not N x d (N, d positive integers), or that takes more than `maxBytes` as float64. */
export function checkSize(rows: number, cols: number, what: string, maxBytes: number): void {
  if (!(Number.isSafeInteger(rows) && rows > 0 && Number.isSafeInteger(cols) && cols > 0)) {
    throw new DataError(`${what} has no valid shape (N rows by d columns, both positive integers).`);
  }
  const bytes = rows * cols * 8;
  if (bytes > maxBytes) {
    throw new DataError(`${what} takes ${megabytes(bytes)} as float64, over ${megabytes(maxBytes)}.`);
  }
}

/** Refuses column names that are not `cols` strings (a CSV header), when there are any. */
export function checkColumns(columns: unknown, cols: number, what: string): void {
  if (columns === undefined) return;
  if (!Array.isArray(columns) || columns.length !== cols || columns.some((c) => typeof c !== "string")) {
    throw new DataError(`${what} has column names that do not match its ${cols} columns.`);
  }
}
