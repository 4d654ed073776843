/** `em FILE`: EM for the spherical Gaussian mixture, as scikit-learn's GaussianMixture fits it. */
import { emGaussianMixture, emSummary } from "../../lib/mixture/em.js";
import { EM, NOTEBOOK_SPLIT } from "../../lib/notebook_settings.js";
import { integerOption, parseCommand, UINT32_MAX } from "../args.ts";
import { type Input, readInput, splitPoints, TRAINING_OPTIONS } from "../input.ts";

/** Runs `em`: reads FILE (or takes `input`, already read by export-onnx), splits, fits, scores. */
export async function em(args: string[], input?: Input) {
  const { values, positionals } = parseCommand(args, TRAINING_OPTIONS, { positionals: 1 });
  const k = integerOption(values, "k", 5, { min: 1 });
  const seed = integerOption(values, "seed", EM.seed, { min: 0, max: UINT32_MAX });
  const { points } = input ?? await readInput(positionals[0], values);
  const { train, valid } = splitPoints(points, {
    "valid-divisor": String(NOTEBOOK_SPLIT.mixtureValidDivisor),
    ...values,
  });
  const model = emGaussianMixture(train, { k, seed });
  return emSummary(model, { train, valid });
}
