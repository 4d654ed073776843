/**
 * The command-line interface over `lib/`: `deno task cli <command> [FILE] [options]`.
 * Prints one JSON object on stdout. Bad data exits with status 1, bad usage with status 2,
 * each with a single `error:` line on stderr and no stack trace.
 */
import { DataError } from "../lib/errors.js";
import { lloyd, validationScore } from "../lib/kmeans.js";
import { takeRows, toRows } from "../lib/matrix.js";
import type { Matrix } from "../lib/matrix.js";
import { parsePoints } from "../lib/read_points.js";
import { NOTEBOOK_SPLIT_SEED, split } from "../lib/split.js";
import { integerOption, numberOption, parseCommand, UsageError } from "./args.ts";

const UINT32_MAX = 0xffffffff;

const USAGE = `usage: deno task cli <command> [FILE] [options]
commands:
  split --n N [--seed 45689] [--valid-divisor 4]
  lloyd FILE [--k 5] [--seed 0] [--n-init 10] [--max-iter 5000] [--valid-divisor 4] [--split-seed 45689]`;

async function readPoints(path: string): Promise<Matrix> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound ? "no such file" : (error as Error).message;
    throw new DataError(`cannot read ${path}: ${reason}.`);
  }
  return parsePoints(bytes, path);
}

/** Splits points as the notebook does, refusing data too small to leave both sets non-empty. */
function splitPoints(points: Matrix, values: Record<string, unknown>) {
  const validDivisor = numberOption(values, "valid-divisor", 4, { min: 1, above: true });
  const seed = integerOption(values, "split-seed", NOTEBOOK_SPLIT_SEED, { min: 0, max: UINT32_MAX });
  const indices = split(points.rows, { seed, validDivisor });
  if (indices.valid.length === 0 || indices.train.length === 0) {
    throw new DataError(
      `${points.rows} points are too few to split with divisor ${validDivisor}: both sets need at least one point.`,
    );
  }
  return { train: takeRows(points, indices.train), valid: takeRows(points, indices.valid) };
}

const commands: Record<string, (args: string[]) => Promise<unknown>> = {
  split(args) {
    const { values } = parseCommand(args, {
      n: { type: "string" },
      seed: { type: "string" },
      "valid-divisor": { type: "string" },
    });
    if (values.n === undefined) throw new UsageError("split needs --n N, the number of rows");
    const n = integerOption(values, "n", 0, { min: 1, max: 2 ** 31 - 1 });
    const seed = integerOption(values, "seed", NOTEBOOK_SPLIT_SEED, { min: 0, max: UINT32_MAX });
    const validDivisor = numberOption(values, "valid-divisor", 4, { min: 1 });
    const { valid, train } = split(n, { seed, validDivisor });
    return Promise.resolve({ valid: Array.from(valid), train: Array.from(train) });
  },

  async lloyd(args) {
    const { values, positionals } = parseCommand(args, {
      k: { type: "string" },
      seed: { type: "string" },
      "n-init": { type: "string" },
      "max-iter": { type: "string" },
      "valid-divisor": { type: "string" },
      "split-seed": { type: "string" },
    }, { positionals: 1 });
    const k = integerOption(values, "k", 5, { min: 1 });
    const seed = integerOption(values, "seed", 0, { min: 0, max: UINT32_MAX });
    const nInit = integerOption(values, "n-init", 10, { min: 1 });
    const maxIter = integerOption(values, "max-iter", 5000, { min: 1 });
    const { train, valid } = splitPoints(await readPoints(positionals[0]), values);
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
    console.log(JSON.stringify(await command(rest)));
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
