/** `gradient-kmeans FILE`: K-means trained by gradient descent (AdamW), as the notebook trains it. */
import { DEFAULT_ENGINE, ENGINES } from "../../lib/gradient/engine.js";
import { fitGradientKMeans } from "../../lib/gradient/gradient_kmeans.js";
import { toRows } from "../../lib/matrix.js";
import { GRADIENT_KMEANS } from "../../lib/notebook_settings.js";
import { integerOption, numberOption, parseCommand, UINT32_MAX } from "../args.ts";
import {
  checkConverged,
  choiceOption,
  type Input,
  readInput,
  splitPoints,
  TRAINING_OPTIONS,
  useCpuBackend,
} from "../input.ts";

/** Runs `gradient-kmeans`: reads FILE (or takes `input`, already read by export-onnx), splits, trains, scores. */
export async function gradientKMeans(args: string[], input?: Input) {
  const { values, positionals } = parseCommand(args, {
    ...TRAINING_OPTIONS,
    lr: { type: "string" },
    epochs: { type: "string" },
    init: { type: "string" },
    engine: { type: "string" },
  }, { positionals: 1 });
  const k = integerOption(values, "k", 5, { min: 1 });
  const lr = numberOption(values, "lr", GRADIENT_KMEANS.lr, { min: 0, above: true });
  const epochs = integerOption(values, "epochs", GRADIENT_KMEANS.epochs, { min: 1 });
  const engine = choiceOption(values, "engine", ENGINES, DEFAULT_ENGINE);
  const seed = integerOption(values, "seed", 0, { min: 0, max: UINT32_MAX });
  const init = choiceOption(values, "init", ["uniform", "kmeans++", "points"] as const, "uniform");
  const { points } = input ?? await readInput(positionals[0], values);
  const { train, valid } = splitPoints(points, values);
  await useCpuBackend();
  const fit = await fitGradientKMeans(train, { k, lr, epochs, seed, init, valid, engine });
  checkConverged(fit, lr);
  const centroids = toRows(fit.centroids);
  return {
    k,
    centroids,
    centers: centroids, // the key's name before 2026-12: kept so that scripts reading it still work
    trainLoss: fit.trainLoss,
    validScore: fit.validScore,
    lossCurve: fit.lossCurve,
  };
}
