/** What a command returns to `main.ts`: a value printed as JSON, or output too large for one string. */
import { DataError } from "../lib/errors.js";

/** Output that a command writes to stdout itself, piece by piece. */
export class StreamedOutput {
  constructor(readonly write: () => Promise<void>) {}
}

/** A command's output: a value printed as JSON, or one that writes itself. */
export type Output = unknown | StreamedOutput;

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
