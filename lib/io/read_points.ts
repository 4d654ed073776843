import { DataError } from "../errors.js";
import type { Matrix } from "../matrix.js";
import { checkScale } from "../finite.js";
import { checkNpyLayout, MAX_HEADER_BYTES, megabytes, parseNpy } from "./npy.js";
import { parseCsv } from "./csv.js";

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

/** The default size limit of a data file, and of its points as float64: 2 GiB. */
export const DEFAULT_MAX_BYTES = 2 ** 31;
/**
 * The largest CSV file read as text. A JavaScript string holds at most 2^29 - 24 characters in
 * V8, so a larger file could not be decoded at all.
 */
export const MAX_CSV_BYTES = 2 ** 29 - 24;
/** How many leading bytes {@link checkBeforeReading} needs: enough for any .npy header NumPy accepts. */
export const PREFIX_BYTES = MAX_HEADER_BYTES;

/** Limits on what a reader accepts, and what the refusal advises. */
export interface ReadLimits {
  /** The most bytes the file, and its points as float64, may take (default {@link DEFAULT_MAX_BYTES}). */
  maxBytes?: number;
  /** The end of a refusal for size: "use a sample of it" by default; the CLI names its option. */
  sizeAdvice?: string;
  /**
   * "name" (default) picks the format from the file name's extension (or NumPy's magic string);
   * "sniff", for input without a name such as a pipe, from the content alone: .npy if it starts
   * with the magic string, else CSV.
   */
  format?: "name" | "sniff";
}

/** The two formats read. */
export type Format = "npy" | "csv";

/** The text encodings a CSV is read in: UTF-8, or UTF-16 when a byte-order mark says so. */
export type TextEncoding = "utf-8" | "utf-16le" | "utf-16be";

/**
 * The encoding a byte-order mark at the start of `bytes` names: `EF BB BF` UTF-8, `FF FE` UTF-16LE,
 * `FE FF` UTF-16BE; undefined without one. `FF FE 00 00` is UTF-32LE's mark, and `00 00 FE FF`
 * UTF-32BE's: not read (undefined; their NUL bytes refuse them as binary data).
 *
 * @example
 * ```ts
 * byteOrderMark(Uint8Array.of(0xff, 0xfe, 0x31, 0x00)); // "utf-16le"
 * ```
 */
export function byteOrderMark(bytes: Uint8Array): TextEncoding | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return bytes.length >= 4 && bytes[2] === 0 && bytes[3] === 0 ? undefined : "utf-16le";
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  return undefined;
}

/** `.npy` (or anything starting with NumPy's magic string) or `.csv`/`.tsv`/`.txt`, else a refusal. */
function formatOf(prefix: Uint8Array, fileName: string, { format = "name" }: ReadLimits): Format {
  const lower = fileName.toLowerCase();
  const looksNpy = prefix.length >= 6 && NPY_MAGIC.every((b, i) => prefix[i] === b);
  if (lower.endsWith(".npy") || looksNpy) return "npy";
  if (format === "sniff" || /\.(csv|tsv|txt)$/.test(lower)) return "csv";
  throw new DataError(`${fileName} is neither a .npy nor a .csv file; use one of those formats.`);
}

/**
 * Refuses a file before it is read whole, from its first {@link PREFIX_BYTES} bytes (or all of
 * it, if shorter) and its size (`fileBytes`; undefined for a stream such as standard input,
 * whose size is known only at its end): a file over `maxBytes`, a CSV too large to be text or
 * holding a NUL byte (binary data, such as /dev/zero, is not CSV; UTF-16 text with its byte-order
 * mark is not refused for the NUL bytes of its characters), and a `.npy` whose header
 * NumPy would refuse, whose declared shape the file cannot hold, or whose points would take over
 * `maxBytes` as float64. Readers (CLI, uploads) call it before allocating. Returns the format.
 */
export function checkBeforeReading(
  prefix: Uint8Array,
  { fileName, fileBytes }: { fileName: string; fileBytes?: number },
  limits: ReadLimits = {},
): Format {
  const { maxBytes = DEFAULT_MAX_BYTES, sizeAdvice = "use a sample of it" } = limits;
  if (fileBytes !== undefined && fileBytes > maxBytes) {
    throw new DataError(
      `${fileName} is ${megabytes(fileBytes)}, over the ${megabytes(maxBytes)} limit; ${sizeAdvice}.`,
    );
  }
  const format = formatOf(prefix, fileName, limits);
  if (format === "npy") {
    checkNpyLayout(prefix, fileBytes ?? Infinity, { maxBytes, sizeAdvice });
    return format;
  }
  if (fileBytes !== undefined && fileBytes > MAX_CSV_BYTES) {
    throw new DataError(
      `${fileName} is ${megabytes(fileBytes)}, over the ${
        MAX_CSV_BYTES >> 20
      } MB a CSV file can take as text; save the data with numpy.save as .npy instead.`,
    );
  }
  // UTF-16 text holds a NUL byte in every ASCII character: it is read when its byte-order mark says so.
  const nul = byteOrderMark(prefix)?.startsWith("utf-16") ? -1 : prefix.indexOf(0);
  if (nul >= 0) {
    throw new DataError(
      `${fileName} has a NUL byte at byte ${nul}, so it is binary data, not CSV text; give a .npy or a text .csv file.`,
    );
  }
  return format;
}

/**
 * Reads points from a file's bytes, choosing the format by name and content: `.npy` (or
 * anything starting with NumPy's magic string) through {@link parseNpy}, `.csv`/`.tsv`/`.txt`
 * through {@link parseCsv}, as UTF-8 text or, after its byte-order mark, UTF-16 (as spreadsheets save
 * "Unicode text"); then refuses values whose squared distances float64 cannot hold
 * (see `checkScale`). Used alike by the CLI and by uploads in the browser, so both give the same
 * sentences.
 */
export function parsePoints(bytes: Uint8Array, fileName: string, limits: ReadLimits = {}): Matrix {
  checkBeforeReading(bytes.subarray(0, PREFIX_BYTES), { fileName, fileBytes: bytes.length }, limits);
  let points: Matrix;
  if (formatOf(bytes, fileName, limits) === "npy") {
    points = parseNpy(bytes, limits);
  } else {
    const encoding = byteOrderMark(bytes) ?? "utf-8";
    let text: string;
    try {
      // The decoder drops the byte-order mark itself.
      text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
    } catch {
      throw new DataError(
        `${fileName} is not ${encoding.toUpperCase()} text; save it as a UTF-8 CSV file.`,
      );
    }
    points = parseCsv(text);
  }
  checkScale(points, fileName.split(/[\\/]/).pop()!);
  return points;
}
