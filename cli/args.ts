/**
 * Command-line option parsing for the CLI: `node:util` parseArgs plus typed, range-checked
 * numbers. A bad option is a {@link UsageError} (exit status 2), not a data error.
 */
import { parseArgs } from "node:util";

/** The largest seed NumPy's RandomState takes, 2^32 - 1. */
export const UINT32_MAX = 0xffffffff;

/** A mistake in how the command was called: unknown option, missing file, bad number. */
export class UsageError extends Error {
  override name = "UsageError";
}

type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string }>;

/** Parses `args` against `options`, refusing unknown options and extra positionals. */
export function parseCommand(args: string[], options: OptionSpec, { positionals = 0 } = {}) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split("\n")[0]);
  }
  if (parsed.positionals.length !== positionals) {
    throw new UsageError(
      positionals === 1
        ? `expected one data file (.npy or .csv), got ${parsed.positionals.length}`
        : `unexpected argument ${JSON.stringify(parsed.positionals[0])}`,
    );
  }
  return {
    values: parsed.values as Record<string, string | boolean | undefined>,
    positionals: parsed.positionals,
  };
}

/** Reads option `--name` as an integer in [min, max], or `fallback` when absent. */
export function integerOption(
  values: Record<string, unknown>,
  name: string,
  fallback: number,
  { min = -Infinity, max = Infinity } = {},
): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (
    typeof raw !== "string" || raw.trim() === "" || !Number.isInteger(value) || value < min || value > max
  ) {
    throw new UsageError(`--${name} ${JSON.stringify(raw)} must be an integer${range(min, max)}`);
  }
  return value;
}

/** Reads option `--name` as a finite number in [min, max] (exclusive minimum when `above`), or `fallback`. */
export function numberOption(
  values: Record<string, unknown>,
  name: string,
  fallback: number,
  { min = -Infinity, max = Infinity, above = false } = {},
): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (
    typeof raw !== "string" || raw.trim() === "" || !Number.isFinite(value) || value > max ||
    (above ? value <= min : value < min)
  ) {
    throw new UsageError(`--${name} ${JSON.stringify(raw)} must be a number${range(min, max, above)}`);
  }
  return value;
}

function range(min: number, max: number, above = false): string {
  if (min === -Infinity && max === Infinity) return "";
  if (max === Infinity) return above ? ` greater than ${min}` : ` of at least ${min}`;
  return ` between ${min} and ${max}`;
}
