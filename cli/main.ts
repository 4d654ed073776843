/**
 * The command-line interface over `lib/`: `deno task cli <command> [FILE] [options]`.
 * Prints one JSON object on stdout. Bad data exits with status 1, bad usage with status 2,
 * each with a single `error:` line on stderr and no stack trace. Each command is a file in
 * `commands/`; reading and checking input is `input.ts`.
 */
import { DEFAULT_ENGINE, ENGINES } from "../lib/gradient/engine.js";
import { DataError } from "../lib/errors.js";
import { GRADIENT_KMEANS, GRADIENT_MIXTURE, LLOYD, NOTEBOOK_SPLIT } from "../lib/notebook_settings.js";
import { UsageError } from "./args.ts";
import { em } from "./commands/em.ts";
import { exportOnnx } from "./commands/export_onnx.ts";
import { gradientGMM } from "./commands/gradient_gmm.ts";
import { gradientKMeans } from "./commands/gradient_kmeans.ts";
import { lloyd } from "./commands/lloyd.ts";
import { split } from "./commands/split.ts";
import { checkFiniteResult, type Output, StreamedOutput } from "./output.ts";

export { checkFiniteResult };

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

/** Every command by the name it is called with. */
const commands: Record<string, (args: string[]) => Promise<Output>> = {
  split,
  lloyd,
  "gradient-kmeans": gradientKMeans,
  "gradient-gmm": gradientGMM,
  em,
  "export-onnx": exportOnnx,
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
