/**
 * A reader for NumPy's `.npy` format (versions 1, 2 and 3) that turns a 2-D numeric array
 * into a row-major float64 {@link Matrix}. The header is parsed as data (a tiny Python-literal
 * parser), never evaluated; every refusal is a {@link DataError} with one sentence.
 *
 * Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 *
 * @module
 */

import { DataError } from "./errors.js";
import type { Matrix } from "./matrix.js";
import { checkFinite } from "./finite.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

/** The parsed header of a `.npy` file. */
export interface NpyHeader {
  version: [number, number];
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the array data. */
  dataOffset: number;
}

type Reader = (view: DataView, offset: number) => number;

/** Element readers by NumPy kind and item size; the boolean is "little-endian". */
function elementReader(kind: string, size: number, little: boolean): Reader | undefined {
  switch (`${kind}${size}`) {
    case "f8":
      return (v, o) => v.getFloat64(o, little);
    case "f4":
      return (v, o) => v.getFloat32(o, little);
    case "f2":
      return (v, o) => float16(v.getUint16(o, little));
    case "i8":
      return (v, o) => Number(v.getBigInt64(o, little));
    case "i4":
      return (v, o) => v.getInt32(o, little);
    case "i2":
      return (v, o) => v.getInt16(o, little);
    case "i1":
      return (v, o) => v.getInt8(o);
    case "u8":
      return (v, o) => Number(v.getBigUint64(o, little));
    case "u4":
      return (v, o) => v.getUint32(o, little);
    case "u2":
      return (v, o) => v.getUint16(o, little);
    case "u1":
    case "b1":
      return (v, o) => v.getUint8(o);
  }
  return undefined;
}

/** IEEE 754 half precision to a double. */
function float16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const KIND_NAMES: Record<string, string> = {
  O: "pickled Python objects",
  c: "complex numbers",
  S: "byte strings",
  a: "byte strings",
  U: "unicode strings",
  V: "raw void records",
  M: "datetimes",
  m: "timedeltas",
};

/**
 * Reads the header of a `.npy` file: magic, version, and the dictionary with `descr`,
 * `fortran_order` and `shape`. Throws a {@link DataError} naming what is wrong.
 */
export function parseNpyHeader(bytes: Uint8Array): NpyHeader {
  if (bytes.length === 0) throw new DataError("the file is empty; save the array with numpy.save.");
  if (MAGIC.some((b, i) => i < bytes.length && bytes[i] !== b)) {
    throw new DataError(
      "this is not a .npy file: it does not start with the bytes \\x93NUMPY; save it with numpy.save.",
    );
  }
  if (bytes.length < 10) {
    throw new DataError(
      `the .npy header is truncated: the file ends after ${bytes.length} bytes; save it again.`,
    );
  }
  const major = bytes[6], minor = bytes[7];
  if (major < 1 || major > 3) {
    throw new DataError(
      `.npy format version ${major}.${minor} is not supported; only versions 1, 2 and 3 are.`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  const start = 8 + lengthBytes;
  if (bytes.length < start) {
    throw new DataError("the .npy header is truncated: the file ends inside its length field.");
  }
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (start + headerLength > bytes.length) {
    throw new DataError(
      `the .npy header is truncated: it declares ${headerLength} bytes but the file has ${
        bytes.length - start
      } after the length field.`,
    );
  }
  const headerBytes = bytes.subarray(start, start + headerLength);
  const text = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(headerBytes);
  const dict = parsePythonLiteral(text);
  if (typeof dict !== "object" || dict === null || Array.isArray(dict) || dict instanceof PyTuple) {
    throw new DataError("the .npy header is not a dictionary; the file is damaged.");
  }
  const { descr, fortran_order: fortranOrder, shape } = dict as Record<string, PyValue>;
  if (Array.isArray(descr)) {
    throw new DataError(
      "the array has a structured dtype (named fields), which is not supported; save a plain numeric 2-D array.",
    );
  }
  if (typeof descr !== "string") {
    throw new DataError("the .npy header has no valid 'descr' (dtype) entry; the file is damaged.");
  }
  if (typeof fortranOrder !== "boolean") {
    throw new DataError("the .npy header has no valid 'fortran_order' entry; the file is damaged.");
  }
  if (
    !(shape instanceof PyTuple) ||
    !shape.items.every((n) => typeof n === "number" && Number.isInteger(n) && n >= 0)
  ) {
    throw new DataError(
      "the .npy header has no valid 'shape' entry (a tuple of non-negative integers); the file is damaged.",
    );
  }
  return {
    version: [major, minor],
    descr,
    fortranOrder,
    shape: shape.items as number[],
    dataOffset: start + headerLength,
  };
}

/**
 * Parses a `.npy` file holding a 2-D numeric array (N x d) into a row-major float64 matrix.
 * Accepts float (f2, f4, f8), signed and unsigned integers and booleans in either byte order,
 * C or Fortran order. Refuses, with one sentence: a bad magic string, a truncated header or
 * data, non-numeric dtypes (objects/pickles, complex, strings), a rank other than 2, zero rows
 * or columns, and non-finite values. A declared shape larger than the file is refused before
 * anything is allocated.
 *
 * @example
 * ```ts
 * const points = parseNpy(await Deno.readFile("src/data/data2D.npy"));
 * points.rows; // 10000
 * ```
 */
export function parseNpy(bytes: Uint8Array): Matrix {
  const header = parseNpyHeader(bytes);
  const descr = JSON.stringify(header.descr.slice(0, 40)); // quoted: a damaged header may hold anything
  const match = /^([<>|=])?([a-zA-Z])(\d*)(\[\w+\])?$/.exec(header.descr);
  if (!match) throw new DataError(`the dtype ${descr} is not understood; save a plain numeric array.`);
  const [, order = "|", kind, sizeText] = match;
  if (KIND_NAMES[kind]) {
    throw new DataError(
      `the array holds ${KIND_NAMES[kind]} (dtype ${descr}); save it as float64 numbers.`,
    );
  }
  const size = Number(sizeText);
  const little = order !== ">"; // '=' is native order: little-endian on every platform NumPy writes from today
  const read = elementReader(kind, size, little);
  if (!read) {
    throw new DataError(
      `the dtype ${descr} is not supported; save the array as float64 or float32.`,
    );
  }
  const { shape } = header;
  if (shape.length !== 2) {
    throw new DataError(
      `the array has shape (${shape.join(", ")}${
        shape.length === 1 ? "," : ""
      }), not 2-D; save it as N rows by d columns.`,
    );
  }
  const [rows, cols] = shape;
  if (rows === 0) throw new DataError("the array has no rows; it needs at least one point.");
  if (cols === 0) throw new DataError("the array has no columns; each point needs at least one coordinate.");
  const available = bytes.length - header.dataOffset;
  const needed = rows * cols * size;
  if (!Number.isSafeInteger(needed) || needed > available) {
    const exact = BigInt(rows) * BigInt(cols) * BigInt(size); // shape entries are integers: exact in BigInt
    throw new DataError(
      `the data is truncated: shape (${rows}, ${cols}) of ${size}-byte items needs ${exact} bytes but the file has ${available}.`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + header.dataOffset, needed);
  const data = new Float64Array(rows * cols);
  if (header.fortranOrder) {
    for (let j = 0, o = 0; j < cols; j++) {
      for (let i = 0; i < rows; i++, o += size) data[i * cols + j] = read(view, o);
    }
  } else {
    for (let p = 0, o = 0; p < data.length; p++, o += size) data[p] = read(view, o);
  }
  const matrix = { rows, cols, data };
  checkFinite(matrix, "the array");
  return matrix;
}

/** A Python tuple, kept apart from lists (a list `descr` means a structured dtype). */
class PyTuple {
  constructor(readonly items: PyValue[]) {}
}
type PyValue = string | number | boolean | null | PyValue[] | PyTuple | { [key: string]: PyValue };

/**
 * Parses the subset of Python literals a `.npy` header uses: dicts, tuples, lists, strings,
 * integers, True/False/None. Anything else is refused; nothing is evaluated.
 */
function parsePythonLiteral(text: string): PyValue {
  let at = 0;
  const fail = (what: string): never => {
    throw new DataError(`the .npy header is malformed (${what} at character ${at}); the file is damaged.`);
  };
  const skip = () => {
    while (at < text.length && /\s/.test(text[at])) at++;
  };
  const value = (depth: number): PyValue => {
    if (depth > 32) fail("nesting too deep");
    skip();
    const c = text[at];
    if (c === "{") {
      at++;
      const out: Record<string, PyValue> = Object.create(null);
      for (;;) {
        skip();
        if (text[at] === "}") {
          at++;
          return out;
        }
        const key = value(depth + 1);
        if (typeof key !== "string") fail("a non-string key");
        skip();
        if (text[at++] !== ":") fail("a missing ':'");
        out[key as string] = value(depth + 1);
        skip();
        if (text[at] === ",") at++;
        else if (text[at] !== "}") fail("a missing ',' or '}'");
      }
    }
    if (c === "(" || c === "[") {
      const close = c === "(" ? ")" : "]";
      at++;
      const items: PyValue[] = [];
      for (;;) {
        skip();
        if (text[at] === close) {
          at++;
          return c === "(" ? new PyTuple(items) : items;
        }
        items.push(value(depth + 1));
        skip();
        if (text[at] === ",") at++;
        else if (text[at] !== close) fail(`a missing ',' or '${close}'`);
      }
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, at + 1);
      if (end < 0) fail("an unterminated string");
      const s = text.slice(at + 1, end);
      at = end + 1;
      return s;
    }
    const word = /^(-?\d+)L?|^(True|False|None)/.exec(text.slice(at, at + 40));
    if (!word) return fail("an unexpected character");
    at += word[0].length;
    if (word[1] !== undefined) return Number(word[1]);
    return word[2] === "True" ? true : word[2] === "False" ? false : null;
  };
  const result = value(0);
  skip();
  if (at !== text.length) fail("trailing characters");
  return result;
}
