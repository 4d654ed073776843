import { DataError } from "./errors.js";
import type { Matrix } from "./matrix.js";
import { parseNpy } from "./npy.js";
import { parseCsv } from "./csv.js";

const NPY_MAGIC = "\x93NUMPY";

/**
 * Reads points from a file's bytes, choosing the format by name and content: `.npy` (or
 * anything starting with NumPy's magic string) through {@link parseNpy}, `.csv`/`.tsv`/`.txt`
 * through {@link parseCsv}. Used alike by the CLI and by uploads in the browser.
 */
export function parsePoints(bytes: Uint8Array, fileName: string): Matrix {
  const lower = fileName.toLowerCase();
  const looksNpy = bytes.length >= 6 && String.fromCharCode(...bytes.subarray(0, 6)) === NPY_MAGIC;
  if (lower.endsWith(".npy") || looksNpy) return parseNpy(bytes);
  if (/\.(csv|tsv|txt)$/.test(lower)) {
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      throw new DataError(`${fileName} is not UTF-8 text; save it as a UTF-8 CSV file.`);
    }
    return parseCsv(text);
  }
  throw new DataError(`${fileName} is neither a .npy nor a .csv file; use one of those formats.`);
}
