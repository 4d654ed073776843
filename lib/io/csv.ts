/**
 * A reader for numeric CSV (or TSV/semicolon-separated) text with an optional header row,
 * built on d3-dsv, producing the same row-major {@link Matrix} as the `.npy` reader.
 *
 * @module
 */

import { dsvFormat } from "d3-dsv";
import { DataError } from "../errors.js";
import type { Matrix } from "../matrix.js";
import { checkFinite } from "../finite.js";

/** Spellings of non-finite values, parsed so they can be refused with the finite-value message. */
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i; // no nested repetition: linear time

/** Options for {@link parseCsv}. */
export interface CsvOptions {
  /** Whether the first row holds column names: "auto" (default) decides from its cells. */
  header?: boolean | "auto";
}

/** A parsed CSV: the points, and the column names when the file had a header row. */
export interface CsvTable extends Matrix {
  columns?: string[];
}

/**
 * Whether `s` is a decimal number as written by NumPy, pandas or a spreadsheet: an optional sign,
 * digits with at most one point (at least one digit), an optional exponent; no hex, no empty
 * cells. One pass over the characters, so a field of a million digits costs a million steps (a
 * regular expression with nested repetition can take quadratic time or worse to refuse one).
 */
export function isDecimal(s: string): boolean {
  const digit = (at: number) => {
    const c = s.charCodeAt(at);
    return c >= 48 && c <= 57;
  };
  let at = 0, digits = 0;
  if (s[at] === "+" || s[at] === "-") at++;
  while (digit(at)) {
    at++;
    digits++;
  }
  if (s[at] === ".") {
    at++;
    while (digit(at)) {
      at++;
      digits++;
    }
  }
  if (digits === 0) return false;
  if (s[at] === "e" || s[at] === "E") {
    at++;
    if (s[at] === "+" || s[at] === "-") at++;
    const start = at;
    while (digit(at)) at++;
    if (at === start) return false;
  }
  return at === s.length;
}

function numeric(cell: string): number | undefined {
  const s = cell.trim();
  if (isDecimal(s)) return Number(s);
  if (NON_FINITE.test(s)) {
    return s.toLowerCase().includes("nan") ? NaN : s.startsWith("-") ? -Infinity : Infinity;
  }
  return undefined;
}

/** What a text file that is not numeric data (prose, a list of words) is told. */
export const NOT_NUMERIC =
  "the file holds text, not numeric data: none of its rows is a list of numbers; save one point per row, its coordinates as numbers separated by commas, tabs or semicolons (a first row of column names is optional).";

/**
 * Whether rows that should hold the points are text rather than numbers with a flaw: not one of
 * their cells is a number, and some hold letters. A flawed numeric file (a comma as the decimal
 * mark, one bad cell) keeps its more precise sentence, naming the line and column.
 */
function isText(rows: { cells: string[] }[]): boolean {
  if (rows.some(({ cells }) => cells.some((cell) => numeric(cell) !== undefined))) return false;
  return rows.some(({ cells }) => cells.some((cell) => /\p{L}/u.test(cell)));
}

/** Picks the delimiter from the first line: tab or semicolon when it has those and no comma. */
function sniffDelimiter(firstLine: string): string {
  if (firstLine.includes(",")) return ",";
  if (firstLine.includes("\t")) return "\t";
  if (firstLine.includes(";")) return ";";
  return ",";
}

/**
 * Parses numeric delimited text (one point per row) into a row-major float64 matrix. A first
 * row with any non-numeric cell is taken as a header. Refuses, with one sentence: an empty file,
 * text that is not numeric data ({@link NOT_NUMERIC}), and, naming the row and column, ragged rows,
 * non-numeric cells, non-finite values.
 *
 * @example
 * ```ts
 * parseCsv("x,y\n1,2\n3,4").rows; // 2
 * ```
 */
export function parseCsv(text: string, { header = "auto" }: CsvOptions = {}): CsvTable {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // a byte-order mark from Excel
  // Keep each row's line number (1-based) through the removal of blank lines, for messages.
  const lines = dsvFormat(sniffDelimiter(body.slice(0, body.indexOf("\n") >>> 0)))
    .parseRows(body)
    .map((cells, index) => ({ cells, line: index + 1 }))
    .filter(({ cells }) => !(cells.length === 1 && cells[0].trim() === ""));
  if (lines.length === 0) throw new DataError("the CSV file is empty; it needs one point per row.");
  const first = lines[0].cells;
  const hasHeader = header === "auto" ? first.some((cell) => numeric(cell) === undefined) : header;
  const columns = hasHeader ? first.map((cell) => cell.trim()) : undefined;
  const pointRows = hasHeader ? lines.slice(1) : lines;
  const cols = first.length;
  // One line of text (one cell) is prose, not a header; several cells on one line are column names.
  if (pointRows.length === 0 ? cols === 1 && isText(lines) : isText(pointRows)) {
    throw new DataError(NOT_NUMERIC);
  }
  if (pointRows.length === 0) {
    throw new DataError("the CSV file has a header but no rows; it needs at least one point.");
  }
  const data = new Float64Array(pointRows.length * cols);
  for (let i = 0; i < pointRows.length; i++) {
    const { cells, line } = pointRows[i];
    if (cells.length !== cols) {
      throw new DataError(
        `line ${line} of the CSV has ${cells.length} value${
          cells.length === 1 ? "" : "s"
        }, expected ${cols}; every row needs the same number of columns.`,
      );
    }
    for (let j = 0; j < cols; j++) {
      const value = numeric(cells[j]);
      if (value === undefined) {
        throw new DataError(
          `line ${line}, column ${j + 1} of the CSV is ${
            JSON.stringify(cells[j].slice(0, 40))
          }, not a number; every cell must be numeric.`,
        );
      }
      data[i * cols + j] = value;
    }
  }
  const matrix: CsvTable = { rows: pointRows.length, cols, data, ...(columns ? { columns } : {}) };
  checkFinite(matrix, "the CSV file", (row) => `line ${pointRows[row].line}`);
  return matrix;
}
