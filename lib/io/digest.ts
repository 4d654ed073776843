/**
 * The one data hash of this project: the SHA-256 of a dataset's values, not of its file. The
 * same points give the same hash whether they came from a `.npy`, a CSV or the seeded blobs, so
 * the Report, the data loaders, the pages' manifests, ONNX metadata (browser and CLI alike) and
 * Your data all name a dataset by one hash.
 *
 * @module
 */
import type { Matrix } from "../matrix.js";

/** What {@link valuesSha256} hashes, in the words every page uses before the hash. */
export const VALUES_HASH_LABEL = "SHA-256 of the values (float64, row by row)";

/**
 * SHA-256 (hex) of the points' values, row-major, as little-endian float64: in NumPy,
 * `hashlib.sha256(a.astype("<f8").tobytes()).hexdigest()` for a C-ordered `a`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromRows } from "../matrix.js";
 * const hash = await valuesSha256(fromRows([[0, 1]]));
 * assert.equal(hash.length, 64);
 * ```
 */
export async function valuesSha256(points: Matrix): Promise<string> {
  const bytes = new Uint8Array(points.rows * points.cols * 8);
  const view = new DataView(bytes.buffer);
  const values = points.data.subarray(0, points.rows * points.cols);
  values.forEach((value, i) => view.setFloat64(i * 8, value, true));
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join("");
}
