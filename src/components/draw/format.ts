/**
 * One way to print a score (a loss, a validation score, an NLL) in a title, a caption or a table,
 * that stays short whatever the run did: ordinary values with a fixed number of decimals, values a
 * diverged run reaches (9.043540493077463e+32) or ones too small for those decimals as a short
 * exponent, and NaN or ±Infinity in words.
 *
 * @module
 */

/** At or above this magnitude a value is written as an exponent (a fixed form would grow long). */
const LARGE = 1e6;
/**
 * At or above this magnitude (or below its inverse) only the size means anything: a float32 run has long
 * diverged, or the value is rounding noise.
 */
const HUGE = 1e15;

/** What a NaN or infinite score reads as. */
const NOT_FINITE = "not finite";

/**
 * `value` with `digits` decimals ("0.26481") when that form is short and does not round it to 0;
 * else as an exponent: `digits` significant figures for moderately large or small values
 * ("1.2346e+8", "1.2346e-7"), two for huge or minute ones ("9.0e+32", "4.9e-324"); "not finite" for NaN and ±Infinity.
 *
 * @example formatScore(0.264812345) === "0.26481"
 * @example formatScore(9.043540493077463e32) === "9.0e+32"
 * @example formatScore(NaN) === "not finite"
 */
export function formatScore(value: number, { digits = 5 }: { digits?: number } = {}): string {
  if (!Number.isFinite(value)) return NOT_FINITE;
  const size = Math.abs(value);
  if (size === 0 || (size < LARGE && size >= 10 ** -digits)) return value.toFixed(digits);
  return value.toExponential(size >= HUGE || size < 1 / HUGE ? 1 : Math.max(1, digits - 1));
}

/** A title's words for a run that diverged at `epoch` (as the reader counts it): "diverged at epoch 16". */
export function divergedNote(epoch: number): string {
  return `diverged at epoch ${epoch}`;
}

/**
 * `text` with every long number of JavaScript's own exponent form (as `toFixed` prints values of
 * 1e21 and above: "9.043540493077463e+32") and every "NaN" or "Infinity" written by
 * {@link formatScore}: a safety net for titles built elsewhere.
 */
export function shortenNumbers(text: string): string {
  return text
    .replace(/-?\d\.\d{5,}e[+-]\d+/g, (number) => formatScore(Number(number)))
    .replace(/-?\bInfinity\b|\bNaN\b/g, NOT_FINITE);
}
