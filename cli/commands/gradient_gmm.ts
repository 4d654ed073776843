/** `gradient-gmm FILE`: the spherical Gaussian mixture trained by gradient descent (Adam), as the notebook trains it. */
import { DEFAULT_ENGINE, ENGINES } from "../../lib/gradient/engine.js";
import { fitGradientGMM } from "../../lib/gradient/gradient_gmm.js";
import { toRows } from "../../lib/matrix.js";
import { GRADIENT_MIXTURE, NOTEBOOK_SPLIT } from "../../lib/notebook_settings.js";
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

/** Runs `gradient-gmm`: reads FILE (or takes `input`, already read by export-onnx), splits, trains, scores. */
export async function gradientGMM(args: string[], input?: Input) {
  const { values, positionals } = parseCommand(args, {
    ...TRAINING_OPTIONS,
    lr: { type: "string" },
    epochs: { type: "string" },
    init: { type: "string" },
    engine: { type: "string" },
  }, { positionals: 1 });
  const k = integerOption(values, "k", 5, { min: 1 });
  const lr = numberOption(values, "lr", GRADIENT_MIXTURE.lr, { min: 0, above: true });
  const epochs = integerOption(values, "epochs", GRADIENT_MIXTURE.epochs, { min: 1 });
  const engine = choiceOption(values, "engine", ENGINES, DEFAULT_ENGINE);
  const seed = integerOption(values, "seed", 0, { min: 0, max: UINT32_MAX });
  const init = choiceOption(values, "init", ["random", "kmeans"] as const, "random");
  const { points } = input ?? await readInput(positionals[0], values);
  const { train, valid } = splitPoints(points, {
    "valid-divisor": String(NOTEBOOK_SPLIT.mixtureValidDivisor),
    ...values,
  });
  await useCpuBackend();
  const fit = await fitGradientGMM(train, { k, lr, epochs, seed, init, valid, engine });
  checkConverged(fit, lr);
  return {
    k,
    means: toRows(fit.means),
    sigmas: Array.from(fit.sigmas),
    weights: Array.from(fit.weights),
    trainNLL: fit.trainNLL,
    validNLL: fit.validNLL,
    nllCurve: fit.nllCurve,
  };
}
