/** `export-onnx FILE --model M -o OUT.onnx`: trains a model as its own command does and writes it as ONNX. */
import { DataError } from "../../lib/errors.js";
import { valuesSha256 } from "../../lib/io/digest.js";
import { fromRows } from "../../lib/matrix.js";
import { NOTEBOOK_SPLIT } from "../../lib/notebook_settings.js";
import { kmeansToOnnx, mixtureToOnnx, ONNX_IR_VERSION, ONNX_OPSET } from "../../lib/onnx/onnx_export.js";
import { integerOption, numberOption, parseCommand, UINT32_MAX, UsageError } from "../args.ts";
import { choiceOption, type Input, readInput, TRAINING_OPTIONS } from "../input.ts";
import { checkFiniteResult, type Output } from "../output.ts";
import { em } from "./em.ts";
import { gradientGMM } from "./gradient_gmm.ts";
import { gradientKMeans } from "./gradient_kmeans.ts";
import { lloyd } from "./lloyd.ts";

const S = NOTEBOOK_SPLIT;

/** The training command behind each exportable model. */
const TRAINERS: Record<ExportableModel, (args: string[], input?: Input) => Promise<unknown>> = {
  lloyd,
  em,
  "gradient-kmeans": gradientKMeans,
  "gradient-gmm": gradientGMM,
};

/** The models export-onnx trains, and the options each takes beyond {@link TRAINING_OPTIONS}. */
const EXPORTABLE = {
  lloyd: ["n-init", "max-iter"],
  em: [],
  "gradient-kmeans": ["lr", "epochs", "init", "engine"],
  "gradient-gmm": ["lr", "epochs", "init", "engine"],
} as const satisfies Record<string, readonly string[]>;
type ExportableModel = keyof typeof EXPORTABLE;
const MODEL_OPTIONS = ["n-init", "max-iter", "lr", "epochs", "init", "engine"] as const;

/** A training command's options as metadata: numbers as numbers, the rest as given. */
function optionMetadata(values: Record<string, unknown>, names: readonly string[]) {
  const out: Record<string, string | number> = {};
  for (const name of names) {
    const raw = values[name];
    if (typeof raw === "string") {
      out[name] = raw.trim() !== "" && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    }
  }
  return out;
}

/**
 * Trains a model exactly as its own command does (same options, same defaults, same split),
 * then writes it as an ONNX scorer (lib/onnx/onnx_export.ts) with its settings and the SHA-256 of
 * the data's values (lib/io/digest.ts) in the metadata.
 */
export async function exportOnnx(args: string[]): Promise<Output> {
  const { values, positionals } = parseCommand(args, {
    ...TRAINING_OPTIONS,
    ...Object.fromEntries(MODEL_OPTIONS.map((name) => [name, { type: "string" } as const])),
    model: { type: "string" },
    output: { type: "string", short: "o" },
  }, { positionals: 1 });
  const models = Object.keys(EXPORTABLE) as ExportableModel[];
  if (values.model === undefined) {
    throw new UsageError(`export-onnx needs --model, one of ${models.join(", ")}`);
  }
  const model = choiceOption(values, "model", models, "lloyd");
  const output = values.output;
  if (typeof output !== "string" || output === "") {
    throw new UsageError("export-onnx needs -o OUT.onnx, the file to write");
  }
  const allowed: readonly string[] = EXPORTABLE[model];
  const stray = MODEL_OPTIONS.find((name) => values[name] !== undefined && !allowed.includes(name));
  if (stray) throw new UsageError(`--${stray} does not apply to --model ${model}`);
  const trainingNames = [...Object.keys(TRAINING_OPTIONS), ...allowed];
  const trainingArgs = [positionals[0]];
  for (const name of trainingNames) {
    if (typeof values[name] === "string") trainingArgs.push(`--${name}`, values[name] as string);
  }
  await refuseOverwritingInput(positionals[0], output);
  // The file is read once, here: the model is trained on, and the hash taken of, the same values
  // (a pipe or standard input cannot be read twice). The training command validates the rest.
  const input = await readInput(positionals[0], values);
  const fit = await TRAINERS[model](trainingArgs, input) as Record<string, unknown>;
  checkFiniteResult(model, fit);
  const isMixture = model === "em" || model === "gradient-gmm";
  const validDivisor = numberOption(
    values,
    "valid-divisor",
    isMixture ? S.mixtureValidDivisor : S.kmeansValidDivisor,
    { min: 1, above: true },
  );
  const metadata = {
    model,
    training: optionMetadata(values, ["k", "seed", ...allowed]),
    split: {
      seed: integerOption(values, "split-seed", S.seed, { min: 0, max: UINT32_MAX }),
      validDivisor,
    },
    dataset: positionals[0] === "-" ? "standard input" : positionals[0].split(/[\\/]/).pop(),
    dataset_sha256: await valuesSha256(input.points),
    ...(isMixture ? { valid_nll: fit.validNLL } : { valid_score: fit.validScore }),
  };
  const description = `${model} (k = ${fit.k}) trained by deno task cli on ${metadata.dataset}.`;
  const bytes = isMixture
    ? mixtureToOnnx({
      means: fromRows(fit.means as number[][]),
      sigmas: Float64Array.from(fit.sigmas as number[]),
      weights: Float64Array.from(fit.weights as number[]),
    }, { name: model.replace("-", "_"), description, metadata })
    : kmeansToOnnx(fromRows(fit.centroids as number[][]), {
      name: model.replace("-", "_"),
      description,
      metadata,
    });
  try {
    await Deno.writeFile(output, bytes);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound ? "no such directory" : (error as Error).message;
    throw new DataError(`cannot write ${output}: ${reason}.`);
  }
  return {
    model,
    output,
    bytes: bytes.length,
    k: fit.k,
    d: ((isMixture ? fit.means : fit.centroids) as number[][])[0].length,
    irVersion: ONNX_IR_VERSION,
    opset: ONNX_OPSET,
    ...(isMixture ? { validNLL: fit.validNLL } : { validScore: fit.validScore }),
  };
}

/** Refuses an output path that is the input file itself (same device and inode), which writing would destroy. */
async function refuseOverwritingInput(inputPath: string, outputPath: string): Promise<void> {
  if (inputPath === "-") return;
  let input: Deno.FileInfo, output: Deno.FileInfo;
  try {
    [input, output] = await Promise.all([Deno.stat(inputPath), Deno.stat(outputPath)]);
  } catch {
    return; // one of them does not exist: they cannot be the same file (a missing input is reported when read)
  }
  if (input.dev === output.dev && input.ino !== null && input.ino === output.ino) {
    throw new UsageError(`-o ${outputPath} is the input file itself; write the model to another path`);
  }
}
