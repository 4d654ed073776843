/**
 * How the CLI's commands read their data and options: a data file (or standard input) checked
 * before it is read whole, the notebook's split, and the options the training commands share.
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { DataError } from "../lib/errors.js";
import { takeRows } from "../lib/matrix.js";
import type { Matrix } from "../lib/matrix.js";
import { NOTEBOOK_SPLIT } from "../lib/notebook_settings.js";
import { megabytes } from "../lib/io/npy.js";
import {
  checkBeforeReading,
  DEFAULT_MAX_BYTES,
  MAX_CSV_BYTES,
  parsePoints,
  PREFIX_BYTES,
} from "../lib/io/read_points.js";
import { split } from "../lib/random/split.js";
import { DEFAULT_ENGINE, type Engine, ENGINES } from "../lib/gradient/engine.js";
import { integerOption, numberOption, parseCommand, UINT32_MAX, UsageError } from "./args.ts";

const S = NOTEBOOK_SPLIT;

/** A data file as read: its path and its points. */
export interface Input {
  path: string;
  points: Matrix;
}

/** The options of every command that reads a data file. */
export const FILE_OPTIONS = { "max-bytes": { type: "string" } } as const;

/** The options every training command shares: the file, k, seed and split. */
export const TRAINING_OPTIONS = {
  ...FILE_OPTIONS,
  k: { type: "string" },
  seed: { type: "string" },
  "valid-divisor": { type: "string" },
  "split-seed": { type: "string" },
} as const;

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
export async function readInput(path: string, values: Record<string, unknown>): Promise<Input> {
  const maxBytes = maxBytesOption(values);
  const limits = { maxBytes, sizeAdvice: SIZE_ADVICE };
  if (path === "-") {
    const bytes = await readStdin(limits);
    return { path, points: parsePoints(bytes, "standard input", { ...limits, format: "sniff" }) };
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
  return { path, points: parsePoints(bytes, path, limits) };
}

/** Splits points as the notebook does, refusing data too small to leave both sets non-empty. */
export function splitPoints(points: Matrix, values: Record<string, unknown>) {
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

/** Reads `--name` as one of `choices`, or `fallback`. */
export function choiceOption<T extends string>(
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
export function checkConverged(fit: { diverged: boolean; epoch: number }, lr: number): void {
  if (fit.diverged) {
    throw new DataError(
      `training diverged at epoch ${
        fit.epoch + 1
      } (the loss stopped being finite) with learning rate ${lr}; lower the learning rate.`,
    );
  }
}

/** TensorFlow.js on its plain JavaScript backend (the CLI has no browser for wasm or WebGL). */
export async function useCpuBackend(): Promise<void> {
  // Deno looks like Node.js to tfjs, which would then print advice to install tfjs-node on stderr.
  tf.env().set("IS_NODE", false);
  await tf.setBackend("cpu");
}

/**
 * Parses a gradient training command's arguments (the file, k, seed, split, lr, epochs, init and
 * engine) with `defaults` for lr and epochs; `init` is left to the command, which knows its choices.
 */
export function gradientCommand(args: string[], defaults: { lr: number; epochs: number }): {
  values: Record<string, string | boolean | undefined>;
  file: string;
  k: number;
  lr: number;
  epochs: number;
  seed: number;
  engine: Engine;
} {
  const { values, positionals } = parseCommand(args, {
    ...TRAINING_OPTIONS,
    lr: { type: "string" },
    epochs: { type: "string" },
    init: { type: "string" },
    engine: { type: "string" },
  }, { positionals: 1 });
  return {
    values,
    file: positionals[0],
    k: integerOption(values, "k", 5, { min: 1 }),
    lr: numberOption(values, "lr", defaults.lr, { min: 0, above: true }),
    epochs: integerOption(values, "epochs", defaults.epochs, { min: 1 }),
    seed: integerOption(values, "seed", 0, { min: 0, max: UINT32_MAX }),
    engine: choiceOption(values, "engine", ENGINES, DEFAULT_ENGINE),
  };
}
