/** `gradient-gmm FILE`: the spherical Gaussian mixture trained by gradient descent (Adam), as the notebook trains it. */
import { fitGradientMixture } from "../../lib/mixture/gradient_mixture.js";
import { toRows } from "../../lib/matrix.js";
import { GRADIENT_MIXTURE, NOTEBOOK_SPLIT } from "../../lib/notebook_settings.js";
import {
  checkConverged,
  choiceOption,
  gradientCommand,
  type Input,
  readInput,
  splitPoints,
  useCpuBackend,
} from "../input.ts";

/** Runs `gradient-gmm`: reads FILE (or takes `input`, already read by export-onnx), splits, trains, scores. */
export async function gradientGMM(args: string[], input?: Input) {
  const { values, file, k, lr, epochs, seed, engine } = gradientCommand(args, GRADIENT_MIXTURE);
  const init = choiceOption(values, "init", ["random", "kmeans"] as const, "random");
  const { points } = input ?? await readInput(file, values);
  const { train, valid } = splitPoints(points, {
    "valid-divisor": String(NOTEBOOK_SPLIT.mixtureValidDivisor),
    ...values,
  });
  await useCpuBackend();
  const fit = await fitGradientMixture(train, { k, lr, epochs, seed, init, valid, engine });
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
