/**
 * The dataset every page works on, chosen on the Data page and kept in this browser only
 * (IndexedDB, through idb-keyval): data2D by default, an uploaded .npy/.csv, or seeded blobs.
 * Nothing is sent anywhere; clearing the site's storage returns to data2D.
 */
import { del, get, set } from "idb-keyval";
import type { Matrix } from "../lib/matrix.js";
import { parseNpy } from "../lib/npy.js";

/** Where the chosen dataset came from. */
export type DatasetSource = "data2D" | "upload" | "synthetic";

/** A dataset as the pages use it. */
export interface ChosenDataset {
  /** File name, or a description of the generated data. */
  name: string;
  source: DatasetSource;
  points: Matrix;
  /** Column names from a CSV header, when there was one. */
  columns?: string[];
  /** SHA-256 of the points' float64 bytes, hex: identifies the data in manifests. */
  sha256: string;
}

const KEY = "gradient-clustering:chosen-dataset";

/** SHA-256 (hex) of the points' row-major float64 bytes. */
export async function digestPoints(points: Matrix): Promise<string> {
  const bytes = new Uint8Array(points.data.buffer, points.data.byteOffset, points.data.byteLength);
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes.slice()));
  return Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The chosen dataset, or data2D (read with `readData2D`, the page's FileAttachment) when none is
 * stored or storage is unavailable (private browsing may refuse IndexedDB).
 */
export async function loadChosenDataset(readData2D: () => Promise<ArrayBuffer>): Promise<ChosenDataset> {
  try {
    const stored = await get(KEY);
    if (stored && stored.rows > 0 && stored.cols > 0 && stored.data instanceof Float64Array) {
      const points = { rows: stored.rows, cols: stored.cols, data: stored.data };
      return {
        name: stored.name,
        source: stored.source,
        points,
        columns: stored.columns,
        sha256: stored.sha256,
      };
    }
  } catch {
    // No storage: fall back to the default dataset.
  }
  const points = parseNpy(new Uint8Array(await readData2D()));
  return { name: "data2D.npy", source: "data2D", points, sha256: await digestPoints(points) };
}

/** Makes `dataset` the one every page uses, in this browser. */
export async function saveChosenDataset(dataset: ChosenDataset): Promise<void> {
  const { points, ...rest } = dataset;
  await set(KEY, { ...rest, rows: points.rows, cols: points.cols, data: points.data });
}

/** Returns every page to data2D. */
export async function resetChosenDataset(): Promise<void> {
  await del(KEY);
}
