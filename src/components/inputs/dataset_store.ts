/**
 * The dataset every page works on, chosen on the Data page and kept in this browser only
 * (IndexedDB, through idb-keyval): data2D by default, an uploaded .npy/.csv, or seeded blobs.
 * Nothing is sent anywhere; clearing the site's storage returns to data2D.
 */
import { del, get, set } from "idb-keyval";
import { DataError } from "../../lib/errors.js";
import { type Matrix, takeRows } from "../../lib/matrix.js";
import { type Split, split } from "../../lib/random/split.js";
import { nextTask } from "../live/next_task.js";
import { valuesSha256 } from "../../lib/io/digest.js";
import { megabytes, parseNpy } from "../../lib/io/npy.js";
import { DEFAULT_MAX_BYTES } from "../../lib/io/read_points.js";
import { checkColumns, checkName, checkPoints, checkSize, MAX_UPLOAD_BYTES } from "./dataset_checks.js";

/** Where the chosen dataset came from. */
const SOURCES = ["data2D", "upload", "synthetic"] as const;
type DatasetSource = typeof SOURCES[number];

/** A dataset as the pages use it. */
export interface ChosenDataset {
  /** File name, or a description of the generated data. */
  name: string;
  source: DatasetSource;
  points: Matrix;
  /** Column names from a CSV header, when there was one. */
  columns?: string[];
  /** The SHA-256 of the values (lib/io/digest.ts), hex: identifies the data in manifests. */
  sha256: string;
  /** Why the stored dataset was not used (one sentence), when data2D stands in for it. */
  note?: string;
}

/** What a page says when the dataset stored in this browser failed its checks (and was cleared). */
const STORED_UNREADABLE = "The dataset stored in this browser was unreadable";

const KEY = "gradient-clustering:chosen-dataset";

/**
 * Values per stored piece: 4 Mi float64 = 32 MB, well under the largest single value Chromium's
 * IndexedDB accepts (about 127 MB), so large uploads are stored in several pieces.
 */
const CHUNK_VALUES = 4 * 2 ** 20;

/** What is stored under {@link KEY}: the dataset without its values, and where the values are. */
interface StoredDataset extends Omit<ChosenDataset, "points"> {
  rows: number;
  cols: number;
  /** The data itself, in datasets stored before it was split into pieces. */
  data?: Float64Array;
  /** Keys of the pieces of the values, in order. */
  chunks?: string[];
}

/**
 * The chosen dataset, or data2D (read with `readData2D`, the page's FileAttachment) when none is
 * stored or storage is unavailable (private browsing may refuse IndexedDB). A stored dataset gets
 * an upload's checks again ({@link checkStored}): one that fails them is cleared, and data2D comes
 * with a `note` saying so.
 */
export async function loadChosenDataset(readData2D: () => Promise<ArrayBuffer>): Promise<ChosenDataset> {
  let note: string | undefined;
  let stored: unknown;
  try {
    stored = await get(KEY);
  } catch {
    // No storage: fall back to the default dataset.
  }
  if (stored !== undefined) {
    try {
      return await checkStored(stored);
    } catch (error) {
      const why = error instanceof DataError
        ? error.message.replace(/[.;]\s[^]*$|\.$/, "")
        : "it could not be read";
      note = `${STORED_UNREADABLE} (${why}), so it was cleared and this page uses data2D.`;
      await resetChosenDataset().catch(() => {});
    }
  }
  const points = parseNpy(new Uint8Array(await readData2D()));
  return { name: "data2D.npy", source: "data2D", points, sha256: await valuesSha256(points), note };
}

/**
 * A stored dataset as the pages use it, after exactly the checks an upload gets: a name that is
 * plain text, a known source, the shape and size, finite values, the scale float64 holds, column
 * names matching the columns, and the SHA-256 recomputed and compared. Throws a DataError.
 */
async function checkStored(value: unknown): Promise<ChosenDataset> {
  const what = "the stored dataset";
  if (typeof value !== "object" || value === null) throw new DataError(`${what} is not a dataset.`);
  const stored = value as Partial<StoredDataset>;
  checkName(stored.name, what);
  if (!SOURCES.includes(stored.source as DatasetSource)) throw new DataError(`${what} has no known source.`);
  if (typeof stored.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(stored.sha256)) {
    throw new DataError(`${what} has no SHA-256 checksum.`);
  }
  const rows = Number(stored.rows), cols = Number(stored.cols);
  // Generated blobs are not bound by the upload limit; nothing is larger than the readers' own.
  const maxBytes = stored.source === "upload" ? MAX_UPLOAD_BYTES : DEFAULT_MAX_BYTES;
  checkSize(rows, cols, what, maxBytes);
  const data = await storedValues(stored as StoredDataset);
  if (!data) throw new DataError(`${what} does not hold the ${rows} x ${cols} values its shape says.`);
  const points = { rows, cols, data };
  checkPoints(points, what, maxBytes);
  checkColumns(stored.columns, cols, what);
  if (await valuesSha256(points) !== stored.sha256) {
    throw new DataError(`${what}'s values do not match their SHA-256 checksum.`);
  }
  const { name, source, columns, sha256 } = stored as StoredDataset;
  return { name, source, points, columns, sha256 };
}

/** The values of a stored dataset (of a valid shape), joined from their pieces, or undefined if any is missing. */
async function storedValues(stored: StoredDataset): Promise<Float64Array | undefined> {
  const size = stored.rows * stored.cols;
  if (stored.data instanceof Float64Array) return stored.data.length === size ? stored.data : undefined;
  if (!Array.isArray(stored.chunks) || stored.chunks.some((key) => typeof key !== "string")) return undefined;
  const data = new Float64Array(size);
  let at = 0;
  for (const key of stored.chunks) {
    const piece = await get(key);
    if (!(piece instanceof Float64Array) || at + piece.length > size) return undefined;
    data.set(piece, at);
    at += piece.length;
  }
  return at === size ? data : undefined;
}

/**
 * Makes `dataset` the one every page uses, in this browser. The values go in pieces under fresh
 * keys first and the description last, so a refusal (storage full) leaves the previous dataset
 * whole; a refusal is a {@link DataError} saying how much was asked and what the browser allows.
 */
export async function saveChosenDataset(dataset: ChosenDataset): Promise<void> {
  const { points, note: _note, ...rest } = dataset;
  const previous = await get<StoredDataset>(KEY).catch(() => undefined);
  const generation = `${KEY}:${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const chunks: string[] = [];
  try {
    for (let start = 0; start < points.data.length; start += CHUNK_VALUES) {
      const key = `${generation}:${chunks.length}`;
      chunks.push(key);
      // slice(), not subarray(): storing a view would store its whole buffer.
      await set(key, points.data.slice(start, start + CHUNK_VALUES));
    }
    await set(KEY, { ...rest, rows: points.rows, cols: points.cols, chunks } satisfies StoredDataset);
  } catch (error) {
    await dropPieces(chunks);
    throw new DataError(await storageRefusal(error, points.data.byteLength));
  }
  await dropPieces(previous?.chunks);
}

/** Deletes stored pieces of values, whatever storage says (a piece left behind only takes space). */
const dropPieces = (keys: string[] = []) => Promise.all(keys.map((key) => del(key).catch(() => {})));

/** One sentence for a storage refusal, with the limit in MB instead of the browser's raw message. */
async function storageRefusal(error: unknown, bytes: number): Promise<string> {
  const message = String((error as Error)?.message ?? error);
  // Chromium says "...too large (size=838860040, max=133169152)" for one value over its limit.
  const max = /max=(\d+)/.exec(message)?.[1];
  let limit = max ? Number(max) : undefined;
  if (limit === undefined) {
    const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
    if (estimate?.quota !== undefined) limit = estimate.quota - (estimate.usage ?? 0);
  }
  return `this browser would not store the data (${megabytes(bytes)} as float64${
    limit === undefined ? "" : `; it allows about ${megabytes(limit)} here`
  }); upload a sample of it, or free some of this site's storage.`;
}

/** Returns every page to data2D. */
export async function resetChosenDataset(): Promise<void> {
  const previous = await get<StoredDataset>(KEY).catch(() => undefined);
  await del(KEY);
  await dropPieces(previous?.chunks);
}

/**
 * The notebook's seeded split of `points` (`split` with `validDivisor`) and its training and
 * validation points, each made in a task of its own: at 10^6 points each step takes tens of
 * milliseconds, and one task for all three would hold the page's main thread past 100 ms.
 */
export async function splitDataset(
  points: Matrix,
  { validDivisor }: { validDivisor: number },
): Promise<{ split: Split; train: Matrix; valid: Matrix }> {
  const parts = split(points.rows, { validDivisor });
  await nextTask();
  const train = takeRows(points, parts.train);
  await nextTask();
  const valid = takeRows(points, parts.valid);
  await nextTask();
  return { split: parts, train, valid };
}
