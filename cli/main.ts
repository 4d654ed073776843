/**
 * The command-line interface over `lib/`: `deno task cli <command> [FILE] [options]`.
 * Prints one JSON object on stdout. Bad data exits with status 1, bad usage with status 2,
 * each with a single `error:` line on stderr and no stack trace.
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { DataError } from "../lib/errors.js";
import { emGaussianMixture } from "../lib/em.js";
import { gmmAIC, gmmBIC, gmmNLL } from "../lib/gaussian_mixture.js";
import { fitGradientGMM } from "../lib/gradient_gmm.js";
import { fitGradientKMeans } from "../lib/gradient_kmeans.js";
import { lloyd, validationScore } from "../lib/kmeans.js";
import { fromRows, takeRows, toRows } from "../lib/matrix.js";
import type { Matrix } from "../lib/matrix.js";
import { kmeansToOnnx, mixtureToOnnx, ONNX_IR_VERSION, ONNX_OPSET } from "../lib/onnx_export.js";
import { DEFAULT_ENGINE, ENGINES } from "../lib/engine.js";
import { GRADIENT_KMEANS, GRADIENT_MIXTURE, LLOYD, NOTEBOOK_SPLIT } from "../lib/notebook_settings.js";
import { megabytes } from "../lib/npy.js";
import {
  checkBeforeReading,
  DEFAULT_MAX_BYTES,
  MAX_CSV_BYTES,
  parsePoints,
  PREFIX_BYTES,
} from "../lib/read_points.js";
import { split } from "../lib/split.js";
import { integerOption, numberOption, parseCommand, UsageError } from "./args.ts";

const UINT32_MAX = 0xffffffff;

const S = NOTEBOOK_SPLIT;
/** The engines, the default first. */
const ENGINE_CHOICES = [DEFAULT_ENGINE, ...ENGINES.filter((e) => e !== DEFAULT_ENGINE)].join("|");

const USAGE = `usage: deno task cli <command> [FILE] [options]
FILE is a .npy or .csv file, or - for standard input; every command reading one takes
  --max-bytes N (default 2147483648, 2 GiB): the largest file, and the largest data as float64
commands:
  split --n N [--seed ${S.seed}] [--valid-divisor ${S.kmeansValidDivisor}]
  lloyd FILE [--k 5] [--seed 0] [--n-init ${LLOYD.nInit}] [--max-iter ${LLOYD.maxIter}] [--valid-divisor ${S.kmeansValidDivisor}] [--split-seed ${S.seed}]
  gradient-kmeans FILE [--k 5] [--lr ${GRADIENT_KMEANS.lr}] [--epochs ${GRADIENT_KMEANS.epochs}] [--seed 0] [--init uniform|kmeans++|points] [--engine ${ENGINE_CHOICES}] [--valid-divisor ${S.kmeansValidDivisor}]
  gradient-gmm FILE [--k 5] [--init random|kmeans] [--lr ${GRADIENT_MIXTURE.lr}] [--epochs ${GRADIENT_MIXTURE.epochs}] [--seed 0] [--engine ${ENGINE_CHOICES}] [--valid-divisor ${S.mixtureValidDivisor}]
  em FILE [--k 5] [--seed 0] [--valid-divisor ${S.mixtureValidDivisor}]
  export-onnx FILE --model lloyd|em|gradient-kmeans|gradient-gmm -o OUT.onnx [that model's options]`;

/** A data file as read: its bytes (what export-onnx hashes) and its points. */
interface Input {
  path: string;
  bytes: Uint8Array;
  points: Matrix;
}

/** The options of every command that reads a data file. */
const FILE_OPTIONS = { "max-bytes": { type: "string" } } as const;

/** Reads `--max-bytes`, the size limit of the file and of its points as float64. */
function maxBytesOption(values: Record<string, unknown>): number {
  return integerOption(values, "max-bytes", DEFAULT_MAX_BYTES, { min: 1, max: Number.MAX_SAFE_INTEGER });
}

/** How a refusal for size ends on the command line. */
const SIZE_ADVICE = "use a sample of it, or raise the limit with --max-bytes";

/**
 * Reads standard input, checking as the bytes arrive since a pipe has no size to check first:
 * once the first {@link PREFIX_BYTES} are in, the .npy header or CSV text is checked as a file's
 * would be, and reading stops as soon as the input goes over the limit (for CSV, also the
 * largest text a string can hold).
 */
async function readStdin(limits: { maxBytes: number; sizeAdvice: string }): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0, limit = limits.maxBytes, checked = false;
  const check = () => {
    const prefix = concat(chunks, Math.min(total, PREFIX_BYTES));
    const format = checkBeforeReading(prefix, { fileName: "standard input" }, { ...limits, format: "sniff" });
    if (format === "csv") limit = Math.min(limit, MAX_CSV_BYTES);
    checked = true;
  };
  for await (const chunk of Deno.stdin.readable) {
    chunks.push(chunk);
    total += chunk.length;
    if (!checked && total >= PREFIX_BYTES) check();
    if (total > limit) {
      throw new DataError(`standard input is over the ${megabytes(limit)} limit; ${limits.sizeAdvice}.`);
    }
  }
  return concat(chunks, total);
}

/** The first `length` bytes of `chunks`, joined. */
function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    if (at >= length) break;
    bytes.set(chunk.subarray(0, length - at), at);
    at += chunk.length;
  }
  return bytes;
}

/** What a path that is not a regular file is, for the refusal. */
function kindOf(info: Deno.FileInfo): string {
  if (info.isDirectory) return "a directory";
  if (info.isFifo) return "a pipe (FIFO)";
  if (info.isCharDevice || info.isBlockDevice) return "a device";
  if (info.isSocket) return "a socket";
  return "not a regular file";
}

/**
 * Reads a data file, checking before reading it whole: `path` must be a regular file (a
 * device such as /dev/zero never ends and a FIFO blocks on opening, so both are refused from
 * `stat`, before any open), at most `--max-bytes`, and a `.npy` header must describe data that
 * the file holds and that fits the limit as float64. `-` reads standard input, up to the limit.
 */
async function readInput(path: string, values: Record<string, unknown>): Promise<Input> {
  const maxBytes = maxBytesOption(values);
  const limits = { maxBytes, sizeAdvice: SIZE_ADVICE };
  if (path === "-") {
    const bytes = await readStdin(limits);
    return { path, bytes, points: parsePoints(bytes, "standard input", { ...limits, format: "sniff" }) };
  }
  let bytes: Uint8Array;
  try {
    const info = await Deno.stat(path);
    if (!info.isFile) {
      throw new DataError(
        `${path} is ${kindOf(info)}, not a regular file; give a .npy or .csv file (or - for standard input).`,
      );
    }
    using file = await Deno.open(path, { read: true });
    const prefix = new Uint8Array(Math.min(info.size, PREFIX_BYTES));
    let filled = 0;
    while (filled < prefix.length) {
      const read = await file.read(prefix.subarray(filled));
      if (read === null) break;
      filled += read;
    }
    checkBeforeReading(prefix.subarray(0, filled), { fileName: path, fileBytes: info.size }, limits);
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof DataError) throw error;
    const reason = error instanceof Deno.errors.NotFound ? "no such file" : (error as Error).message;
    throw new DataError(`cannot read ${path}: ${reason}.`);
  }
  return { path, bytes, points: parsePoints(bytes, path, limits) };
}

/** Splits points as the notebook does, refusing data too small to leave both sets non-empty. */
function splitPoints(points: Matrix, values: Record<string, unknown>) {
  const validDivisor = numberOption(values, "valid-divisor", S.kmeansValidDivisor, { min: 1, above: true });
  const seed = integerOption(values, "split-seed", S.seed, { min: 0, max: UINT32_MAX });
  const indices = split(points.rows, { seed, validDivisor });
  if (indices.valid.length === 0 || indices.train.length === 0) {
    throw new DataError(
      `${points.rows} points are too few to split with divisor ${validDivisor}: both sets need at least one point.`,
    );
  }
  return { train: takeRows(points, indices.train), valid: takeRows(points, indices.valid) };
}

/** A command's output: a value printed as JSON, or one that writes itself (too large for one string). */
type Output = unknown | StreamedOutput;

/** Output that a command writes to stdout itself, piece by piece. */
class StreamedOutput {
  constructor(readonly write: () => Promise<void>) {}
}

/**
 * The commands. Those that read a data file take it from `input` when the caller has read it
 * already (export-onnx, which hashes the same bytes), else from their FILE argument.
 */
const commands: Record<string, (args: string[], input?: Input) => Promise<Output>> = {
  split(args) {
    const { values } = parseCommand(args, {
      n: { type: "string" },
      seed: { type: "string" },
      "valid-divisor": { type: "string" },
    });
    if (values.n === undefined) throw new UsageError("split needs --n N, the number of rows");
    const n = integerOption(values, "n", 0, { min: 1, max: 2 ** 31 - 1 });
    const seed = integerOption(values, "seed", S.seed, { min: 0, max: UINT32_MAX });
    const validDivisor = numberOption(values, "valid-divisor", S.kmeansValidDivisor, { min: 1 });
    const { valid, train } = split(n, { seed, validDivisor });
    return Promise.resolve(new StreamedOutput(() => writeSplit(valid, train)));
  },

  async lloyd(args, input) {
    const { values, positionals } = parseCommand(args, {
      ...FILE_OPTIONS,
      k: { type: "string" },
      seed: { type: "string" },
      "n-init": { type: "string" },
      "max-iter": { type: "string" },
      "valid-divisor": { type: "string" },
      "split-seed": { type: "string" },
    }, { positionals: 1 });
    const k = integerOption(values, "k", 5, { min: 1 });
    const seed = integerOption(values, "seed", 0, { min: 0, max: UINT32_MAX });
    const nInit = integerOption(values, "n-init", LLOYD.nInit, { min: 1 });
    const maxIter = integerOption(values, "max-iter", LLOYD.maxIter, { min: 1 });
    const { points } = input ?? await readInput(positionals[0], values);
    const { train, valid } = splitPoints(points, values);
    const result = lloyd(train, { k, seed, nInit, maxIter });
    return {
      k,
      centers: toRows(result.centres),
      trainScore: result.inertia / train.rows,
      validScore: validationScore(valid, result.centres),
      inertia: result.inertia,
      iterations: result.iterations,
    };
  },
};

/** The options every training command shares: the file, k, seed and split. */
const TRAINING_OPTIONS = {
  ...FILE_OPTIONS,
  k: { type: "string" },
  seed: { type: "string" },
  "valid-divisor": { type: "string" },
  "split-seed": { type: "string" },
} as const;

/** Reads `--name` as one of `choices`, or `fallback`. */
function choiceOption<T extends string>(
  values: Record<string, unknown>,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const raw = values[name];
  if (raw === undefined) return fallback;
  if (!choices.includes(raw as T)) {
    throw new UsageError(`--${name} ${JSON.stringify(raw)} must be one of ${choices.join(", ")}`);
  }
  return raw as T;
}

/** Refuses a training run that ended on a non-finite loss, after saying what to change. */
function checkConverged(fit: { diverged: boolean; epoch: number }, lr: number): void {
  if (fit.diverged) {
    throw new DataError(
      `training diverged at epoch ${
        fit.epoch + 1
      } (the loss stopped being finite) with learning rate ${lr}; lower the learning rate.`,
    );
  }
}

Object.assign(commands, {
  async "gradient-kmeans"(args: string[], input?: Input) {
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
    return {
      k,
      centers: toRows(fit.centroids),
      trainLoss: fit.trainLoss,
      validScore: fit.validScore,
      lossCurve: fit.lossCurve,
    };
  },

  async "gradient-gmm"(args: string[], input?: Input) {
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
      "valid-divisor": String(S.mixtureValidDivisor),
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
  },

  async em(args: string[], input?: Input) {
    const { values, positionals } = parseCommand(args, TRAINING_OPTIONS, { positionals: 1 });
    const k = integerOption(values, "k", 5, { min: 1 });
    const seed = integerOption(values, "seed", 0, { min: 0, max: UINT32_MAX });
    const { points } = input ?? await readInput(positionals[0], values);
    const { train, valid } = splitPoints(points, {
      "valid-divisor": String(S.mixtureValidDivisor),
      ...values,
    });
    const model = emGaussianMixture(train, { k, seed });
    return {
      k,
      means: toRows(model.means),
      sigmas: Array.from(model.sigmas),
      weights: Array.from(model.weights),
      trainNLL: gmmNLL(train, model),
      validNLL: gmmNLL(valid, model),
      bic: gmmBIC(train, model),
      aic: gmmAIC(train, model),
      iterations: model.iterations,
    };
  },
});

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

Object.assign(commands, {
  /**
   * Trains a model exactly as its own command does (same options, same defaults, same split),
   * then writes it as an ONNX scorer (lib/onnx_export.ts) with its settings and the data's
   * SHA-256 in the metadata.
   */
  async "export-onnx"(args: string[]) {
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
    // The file is read once, here: the model is trained on, and the hash taken of, the same bytes
    // (a pipe or standard input cannot be read twice). The training command validates the rest.
    const input = await readInput(positionals[0], values);
    const fit = await commands[model](trainingArgs, input) as Record<string, unknown>;
    checkFiniteResult(model, fit);
    const digest = new Uint8Array(
      await crypto.subtle.digest("SHA-256", input.bytes as Uint8Array<ArrayBuffer>),
    );
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
      dataset_sha256: Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""),
      ...(isMixture ? { valid_nll: fit.validNLL } : { valid_score: fit.validScore }),
    };
    const description = `${model} (k = ${fit.k}) trained by deno task cli on ${metadata.dataset}.`;
    const bytes = isMixture
      ? mixtureToOnnx({
        means: fromRows(fit.means as number[][]),
        sigmas: Float64Array.from(fit.sigmas as number[]),
        weights: Float64Array.from(fit.weights as number[]),
      }, { name: model.replace("-", "_"), description, metadata })
      : kmeansToOnnx(fromRows(fit.centers as number[][]), {
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
      d: ((isMixture ? fit.means : fit.centers) as number[][])[0].length,
      irVersion: ONNX_IR_VERSION,
      opset: ONNX_OPSET,
      ...(isMixture ? { validNLL: fit.validNLL } : { validScore: fit.validScore }),
    };
  },
});

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

/**
 * Writes the split's JSON, `{"valid":[...],"train":[...]}`, in pieces: at N = 10^8 the whole
 * text (about 1 GB) would exceed the longest string JavaScript can hold.
 */
async function writeSplit(valid: Int32Array, train: Int32Array): Promise<void> {
  const encoder = new TextEncoder();
  const writer = Deno.stdout.writable.getWriter();
  const chunk = 1 << 16;
  try {
    for (const [name, indices] of [["valid", valid], ["train", train]] as const) {
      await writer.write(encoder.encode(`${name === "valid" ? "{" : ","}"${name}":[`));
      for (let start = 0; start < indices.length; start += chunk) {
        const piece = indices.subarray(start, start + chunk).join(",");
        await writer.write(encoder.encode(start === 0 ? piece : `,${piece}`));
      }
      await writer.write(encoder.encode("]"));
    }
    await writer.write(encoder.encode("}\n"));
  } finally {
    writer.releaseLock();
  }
}

/**
 * Refuses a result holding a number that is not finite, which JSON would print as null: the
 * first one found is named, with the likely cause.
 */
export function checkFiniteResult(command: string, result: unknown, path = ""): void {
  if (typeof result === "number" && !Number.isFinite(result)) {
    throw new DataError(
      `${command} gave ${result} for ${
        path || "its result"
      }, not a finite number: the data's distances or likelihoods left float64's range; rescale the data and run again.`,
    );
  }
  if (Array.isArray(result)) result.forEach((item, i) => checkFiniteResult(command, item, `${path}[${i}]`));
  else if (result && typeof result === "object" && !(result instanceof StreamedOutput)) {
    for (const [key, value] of Object.entries(result)) {
      checkFiniteResult(command, value, path ? `${path}.${key}` : key);
    }
  }
}

/** TensorFlow.js on its plain JavaScript backend (the CLI has no browser for wasm or WebGL). */
async function useCpuBackend(): Promise<void> {
  // Deno looks like Node.js to tfjs, which would then print advice to install tfjs-node on stderr.
  tf.env().set("IS_NODE", false);
  await tf.setBackend("cpu");
}

/** Runs the CLI on `args` and returns the exit status. */
export async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  try {
    if (name === undefined || name === "--help" || name === "-h") {
      console.log(USAGE);
      return name === undefined ? 2 : 0;
    }
    const command = commands[name];
    if (!command) {
      throw new UsageError(`unknown command ${JSON.stringify(name)}; run with --help for the list`);
    }
    const result = await command(rest);
    checkFiniteResult(name, result);
    if (result instanceof StreamedOutput) await result.write();
    else console.log(JSON.stringify(result));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`error: ${error.message}`);
      return 2;
    }
    const message = error instanceof DataError ? error.message : `unexpected failure: ${String(error)}`;
    console.error(`error: ${message.replaceAll("\n", " ")}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
