/** `lloyd FILE`: Lloyd's K-means with scikit-learn's semantics on the training split, scored on validation. */
import { lloyd as lloydKMeans, validationScore } from "../../lib/kmeans/kmeans.js";
import { toRows } from "../../lib/matrix.js";
import { LLOYD } from "../../lib/notebook_settings.js";
import { integerOption, parseCommand, UINT32_MAX } from "../args.ts";
import { type Input, readInput, splitPoints, TRAINING_OPTIONS } from "../input.ts";

/** Runs `lloyd`: reads FILE (or takes `input`, already read by export-onnx), splits, fits, scores. */
export async function lloyd(args: string[], input?: Input) {
  const { values, positionals } = parseCommand(args, {
    ...TRAINING_OPTIONS,
    "n-init": { type: "string" },
    "max-iter": { type: "string" },
  }, { positionals: 1 });
  const k = integerOption(values, "k", 5, { min: 1 });
  const seed = integerOption(values, "seed", LLOYD.seed, { min: 0, max: UINT32_MAX });
  const nInit = integerOption(values, "n-init", LLOYD.nInit, { min: 1 });
  const maxIter = integerOption(values, "max-iter", LLOYD.maxIter, { min: 1 });
  const { points } = input ?? await readInput(positionals[0], values);
  const { train, valid } = splitPoints(points, values);
  const result = lloydKMeans(train, { k, seed, nInit, maxIter });
  const centroids = toRows(result.centroids);
  return {
    k,
    centroids,
    centers: centroids, // the key's name before 2026-12, kept one more release: removed in the next one
    trainScore: result.inertia / train.rows,
    validScore: validationScore(valid, result.centroids),
    inertia: result.inertia,
    iterations: result.iterations,
  };
}
