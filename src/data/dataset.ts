/**
 * Shared by the data loaders: reads the shipped dataset once and splits it as the notebook does.
 * Loaders run with the repository root as working directory (Framework runs them from there).
 */
import { valuesSha256 } from "../lib/io/digest.js";
import { parseNpy } from "../lib/io/npy.js";
import { NOTEBOOK_SPLIT_SEED, split } from "../lib/random/split.js";
import { takeRows } from "../lib/matrix.js";
import type { Matrix } from "../lib/matrix.js";

/** Path of the dataset every page uses by default, relative to the repository root. */
export const DATASET_PATH = "src/data/data2D.npy";

/** The dataset's points and the SHA-256 of their values (hex), so results say what they were computed on. */
export async function loadDataset(path = DATASET_PATH): Promise<{ points: Matrix; sha256: string }> {
  const points = parseNpy(await Deno.readFile(path));
  return { points, sha256: await valuesSha256(points) };
}

/** The notebook's split of `points` into training and validation sets, with the indices. */
export function splitPoints(points: Matrix, validDivisor: number) {
  const indices = split(points.rows, { validDivisor });
  return { indices, train: takeRows(points, indices.train), valid: takeRows(points, indices.valid) };
}

/** The JSON a split loader prints: the dataset's identity, the seed, and both index lists. */
export async function splitRecord(validDivisor: number) {
  const { points, sha256 } = await loadDataset();
  const { valid, train } = split(points.rows, { validDivisor });
  return {
    dataset: { name: "data2D.npy", sha256, rows: points.rows, cols: points.cols },
    seed: NOTEBOOK_SPLIT_SEED,
    validDivisor,
    valid: Array.from(valid),
    train: Array.from(train),
  };
}
