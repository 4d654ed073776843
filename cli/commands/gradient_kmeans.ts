/** `gradient-kmeans FILE`: K-means trained by gradient descent (AdamW), as the notebook trains it. */
import { fitGradientKMeans } from "../../lib/kmeans/gradient_kmeans.js";
import { toRows } from "../../lib/matrix.js";
import { GRADIENT_KMEANS } from "../../lib/notebook_settings.js";
import {
  checkConverged,
  choiceOption,
  gradientCommand,
  type Input,
  readInput,
  splitPoints,
  useCpuBackend,
} from "../input.ts";

/** Runs `gradient-kmeans`: reads FILE (or takes `input`, already read by export-onnx), splits, trains, scores. */
export async function gradientKMeans(args: string[], input?: Input) {
  const { values, file, k, lr, epochs, seed, engine } = gradientCommand(args, GRADIENT_KMEANS);
  const init = choiceOption(values, "init", ["uniform", "kmeans++", "points"] as const, "uniform");
  const { points } = input ?? await readInput(file, values);
  const { train, valid } = splitPoints(points, values);
  await useCpuBackend();
  const fit = await fitGradientKMeans(train, { k, lr, epochs, seed, init, valid, engine });
  checkConverged(fit, lr);
  const centroids = toRows(fit.centroids);
  return {
    k,
    centroids,
    centers: centroids, // the key's name before 2026-12, kept one more release: removed in the next one
    trainLoss: fit.trainLoss,
    validScore: fit.validScore,
    lossCurve: fit.lossCurve,
  };
}
