/**
 * A reader for NumPy's `.npy` format (versions 1, 2 and 3) that turns a 2-D numeric array
 * into a row-major float64 {@link Matrix}. The header is parsed as data (a tiny Python-literal
 * parser), never evaluated; every refusal is a {@link DataError} with one sentence.
 *
 * Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 *
 * @module
 */

import { DataError } from "../errors.js";
import type { Matrix } from "../matrix.js";
import { checkFinite } from "../finite.js";

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
    // 64-bit integers go through BigInt: Number(bigint) rounds to nearest, ties to even, exactly
    // as NumPy's astype(float64) (a C cast) does, so 2^62 + 513 becomes 2^62 + 1024.
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
      return (v, o) => v.getUint8(o);
    case "b1":
      // NumPy reads any non-zero byte as True, which astype(float64) makes 1.
      return (v, o) => (v.getUint8(o) === 0 ? 0 : 1);
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

/** NumPy's one-letter type codes for the numeric types this reader supports (Linux sizes). */
const TYPE_CODES: Record<string, string> = {
  "?": "b1",
  b: "i1",
  B: "u1",
  h: "i2",
  H: "u2",
  i: "i4",
  I: "u4",
  l: "i8",
  L: "u8",
  q: "i8",
  Q: "u8",
  e: "f2",
  f: "f4",
  d: "f8",
};

/** NumPy's limit on the header's length in characters (`max_header_size` of `np.load`). */
export const MAX_HEADER_CHARS = 10_000;
/** Bytes enough to hold any header NumPy accepts: magic, version, length, and 10,000 UTF-8 characters. */
export const MAX_HEADER_BYTES = 12 + 4 * MAX_HEADER_CHARS;

/** NumPy's known format versions and each one's header encoding (`_header_size_info`). */
const VERSIONS: Record<string, "latin1" | "utf-8"> = { "1.0": "latin1", "2.0": "latin1", "3.0": "utf-8" };

/**
 * Reads the header of a `.npy` file: magic, version, and the dictionary with `descr`,
 * `fortran_order` and `shape`, accepting exactly what NumPy's `read_array_header` accepts
 * (versions 1.0, 2.0, 3.0; latin-1 or UTF-8 text of at most 10,000 characters holding a
 * Python literal dictionary with exactly those three keys). `bytes` may be only the start of
 * the file, as long as it holds the whole header. Throws a {@link DataError} naming what is wrong.
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
  const encoding = VERSIONS[`${major}.${minor}`];
  if (!encoding) {
    throw new DataError(
      `.npy format version ${major}.${minor} is not supported; only versions 1.0, 2.0 and 3.0 are.`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  const start = 8 + lengthBytes;
  if (bytes.length < start) {
    throw new DataError("the .npy header is truncated: the file ends inside its length field.");
  }
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  // Checked before the header is read, so a length field of 4 GB allocates nothing.
  if (headerLength > (encoding === "utf-8" ? 4 : 1) * MAX_HEADER_CHARS) {
    throw new DataError(
      `the .npy header declares ${headerLength} bytes, over NumPy's limit of ${MAX_HEADER_CHARS} characters; the file is damaged.`,
    );
  }
  if (start + headerLength > bytes.length) {
    throw new DataError(
      `the .npy header is truncated: it declares ${headerLength} bytes but the file has ${
        bytes.length - start
      } after the length field.`,
    );
  }
  const headerBytes = bytes.subarray(start, start + headerLength);
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(headerBytes);
  } catch {
    throw new DataError("the .npy header of a version 3.0 file is not valid UTF-8; the file is damaged.");
  }
  if (text.length > MAX_HEADER_CHARS) {
    throw new DataError(
      `the .npy header has ${text.length} characters, over NumPy's limit of ${MAX_HEADER_CHARS}; the file is damaged.`,
    );
  }
  const dict = parsePythonLiteral(text, { python2Longs: major <= 2 });
  if (typeof dict !== "object" || dict === null || Array.isArray(dict) || dict instanceof PyTuple) {
    throw new DataError("the .npy header is not a dictionary; the file is damaged.");
  }
  const keys = Object.keys(dict).sort();
  if (keys.join() !== "descr,fortran_order,shape") {
    // One of the three missing alone keeps the older, more specific messages below.
    const extra = keys.filter((key) => !["descr", "fortran_order", "shape"].includes(key));
    if (extra.length) {
      throw new DataError(
        `the .npy header has the key ${
          JSON.stringify(extra[0].slice(0, 40))
        } besides 'descr', 'fortran_order' and 'shape'; NumPy allows exactly those three, so the file is damaged.`,
      );
    }
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
  // Python's bool is an int, so NumPy takes True and False as 1 and 0 in a shape.
  const dims = shape instanceof PyTuple
    ? shape.items.map((n) => (typeof n === "boolean" ? Number(n) : n))
    : undefined;
  if (!dims || !dims.every((n) => typeof n === "number" && Number.isInteger(n) && n >= 0)) {
    throw new DataError(
      "the .npy header has no valid 'shape' entry (a tuple of non-negative integers); the file is damaged.",
    );
  }
  return {
    version: [major, minor],
    descr,
    fortranOrder,
    shape: dims as number[],
    dataOffset: start + headerLength,
  };
}

/** Limits of {@link parseNpy} and {@link checkNpyLayout}. */
export interface NpyLimits {
  /** The most bytes the decoded float64 matrix may take (default: no limit). */
  maxBytes?: number;
  /** The end of a refusal for size: "use a sample of it" by default. */
  sizeAdvice?: string;
}

/** What a header says about the array, once checked: its size and how to read an element. */
interface NpyLayout {
  header: NpyHeader;
  rows: number;
  cols: number;
  size: number;
  read: Reader;
}

/**
 * Checks that the start of a `.npy` file (`prefix`, holding at least the header) describes a 2-D
 * numeric array that a file of `fileBytes` bytes holds entirely and that fits `maxBytes` as float64,
 * so a reader can refuse a damaged or hostile file before reading or allocating anything.
 */
export function checkNpyLayout(prefix: Uint8Array, fileBytes: number, limits: NpyLimits = {}): NpyLayout {
  const header = parseNpyHeader(prefix);
  const descr = JSON.stringify(header.descr.slice(0, 40)); // quoted: a damaged header may hold anything
  const match = /^([<>|=])?([a-zA-Z])(\d*)(\[\w+\])?$/.exec(header.descr);
  const code = /^([<>|=])?([?bBhHiIlLqQefd])$/.exec(header.descr);
  if (!match && !code) {
    throw new DataError(`the dtype ${descr} is not understood; save a plain numeric array.`);
  }
  const order = (match ?? code)![1] ?? "|";
  const [kind, sizeText] = code
    ? [TYPE_CODES[code[2]][0], TYPE_CODES[code[2]].slice(1)]
    : [match![2], match![3]];
  if (KIND_NAMES[kind]) {
    throw new DataError(
      `the array holds ${KIND_NAMES[kind]} (dtype ${descr}); save it as float64 numbers.`,
    );
  }
  // A unit in brackets belongs to datetimes only (refused above); NumPy refuses it on numbers.
  if (match?.[4]) throw new DataError(`the dtype ${descr} is not understood; save a plain numeric array.`);
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
  const available = fileBytes - header.dataOffset;
  const needed = rows * cols * size;
  if (!Number.isSafeInteger(needed) || needed > available) {
    const exact = BigInt(rows) * BigInt(cols) * BigInt(size); // shape entries are integers: exact in BigInt
    throw new DataError(
      `the data is truncated: shape (${rows}, ${cols}) of ${size}-byte items needs ${exact} bytes but the file has ${available}.`,
    );
  }
  const { maxBytes = Infinity, sizeAdvice = "use a sample of it" } = limits;
  if (rows * cols * 8 > maxBytes) {
    throw new DataError(
      `the array (${rows} x ${cols}) takes ${megabytes(rows * cols * 8)} as float64, over the ${
        megabytes(maxBytes)
      } limit; ${sizeAdvice}.`,
    );
  }
  return { header, rows, cols, size, read };
}

/** A byte count in MB (2^20 bytes) for messages, rounded up so a limit never reads as met. */
export function megabytes(bytes: number): string {
  return `${Math.ceil(bytes / 2 ** 20).toLocaleString("en-US")} MB`;
}

/**
 * Parses a `.npy` file holding a 2-D numeric array (N x d) into a row-major float64 matrix.
 * Accepts float (f2, f4, f8), signed and unsigned integers and booleans in either byte order,
 * C or Fortran order, converted as NumPy's `astype(float64)` does. Refuses, with one sentence: a
 * bad magic string, a header NumPy would refuse, truncated data, non-numeric dtypes (objects,
 * complex, strings, datetimes), a rank other than 2, zero rows or columns, non-finite values,
 * and an array over `maxBytes` as float64. Everything is checked before anything is allocated.
 *
 * @example
 * ```ts
 * const points = parseNpy(await Deno.readFile("src/data/data2D.npy"));
 * points.rows; // 10000
 * ```
 */
export function parseNpy(bytes: Uint8Array, limits: NpyLimits = {}): Matrix {
  const { header, rows, cols, size, read } = checkNpyLayout(bytes, bytes.length, limits);
  const view = new DataView(bytes.buffer, bytes.byteOffset + header.dataOffset, rows * cols * size);
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
 * Parses the Python literals a `.npy` header can hold as `ast.literal_eval` does: dicts, tuples,
 * lists, strings (with the usual escapes, adjacent ones joined), integers (decimal, hex, octal,
 * binary, with underscores; a sign), True/False/None; spaces, tabs, form feeds, newlines,
 * backslash continuations and comments between tokens. Versions 1.0 and 2.0 also take Python 2's
 * `3L` (NumPy filters those out). Anything else is refused in one sentence; nothing is evaluated.
 */
function parsePythonLiteral(text: string, { python2Longs = false } = {}): PyValue {
  let at = 0;
  const fail = (what: string): never => {
    throw new DataError(`the .npy header is malformed (${what} at character ${at}); the file is damaged.`);
  };
  const skip = () => {
    for (;;) {
      const c = text[at];
      if (c === " " || c === "\t" || c === "\f" || c === "\n" || c === "\r") at++;
      else if (c === "\\" && (text[at + 1] === "\n" || text[at + 1] === "\r")) at += 2;
      else if (c === "#") {
        while (at < text.length && text[at] !== "\n" && text[at] !== "\r") at++;
      } else return;
    }
  };
  const string = (): string => {
    let out = "";
    const quote = text[at++];
    for (;;) {
      if (at >= text.length || text[at] === "\n" || text[at] === "\r") fail("an unterminated string");
      const c = text[at++];
      if (c === quote) return out;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = text[at++];
      const simple: Record<string, string> = {
        "\\": "\\",
        "'": "'",
        '"': '"',
        n: "\n",
        t: "\t",
        r: "\r",
        a: "\x07",
        b: "\b",
        f: "\f",
        v: "\v",
        "0": "\0",
        "\n": "",
      };
      if (e in simple) out += simple[e];
      else if (e === "x" && /^[0-9a-fA-F]{2}$/.test(text.slice(at, at + 2))) {
        out += String.fromCharCode(parseInt(text.slice(at, at + 2), 16));
        at += 2;
      } else out += "\\" + e; // Python keeps unknown escapes as they are
    }
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
        if (typeof key !== "string") fail("a key that is not a string");
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
      let comma = false;
      for (;;) {
        skip();
        if (text[at] === close) {
          at++;
          // Python: (x) is x itself, (x,) and () are tuples.
          if (c === "(" && items.length === 1 && !comma) return items[0];
          return c === "(" ? new PyTuple(items) : items;
        }
        items.push(value(depth + 1));
        skip();
        comma = text[at] === ",";
        if (comma) at++;
        else if (text[at] !== close) fail(`a missing ',' or '${close}'`);
      }
    }
    if (c === "'" || c === '"' || ((c === "u" || c === "U") && /['"]/.test(text[at + 1] ?? ""))) {
      if (c === "u" || c === "U") at++;
      let s = string();
      // Adjacent strings are one string, as in Python.
      for (;;) {
        const mark = at;
        skip();
        if (text[at] === "'" || text[at] === '"') s += string();
        else {
          at = mark;
          return s;
        }
      }
    }
    const number =
      /^([+-]?)[ \t\f]*(0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|[1-9](?:_?\d)*|0+(?:_?0)*)/
        .exec(text.slice(at, at + 64));
    if (number) {
      at += number[0].length;
      if (python2Longs && (text[at] === "L" || text[at] === "l")) at++;
      if (/[\w.]/.test(text[at] ?? "")) fail("a number that is not a Python integer");
      const digits = number[2].replaceAll("_", "");
      const magnitude = Number(BigInt(digits));
      return number[1] === "-" ? -magnitude : magnitude;
    }
    const word = /^(True|False|None)(?![\w])/.exec(text.slice(at, at + 6));
    if (word) {
      at += word[0].length;
      return word[1] === "True" ? true : word[1] === "False" ? false : null;
    }
    if (/^[+-]?[ \t]*(\d|\.\d)/.test(text.slice(at, at + 8))) fail("a number that is not an integer");
    return fail(unexpected());
  };
  /** The character at `at`, named by its code point if it is not printable ASCII. */
  const unexpected = () => {
    const code = text.charCodeAt(at);
    return code > 0x7e || code < 0x20
      ? `the character U+${
        code.toString(16).toUpperCase().padStart(4, "0")
      }, which Python does not allow here`
      : "an unexpected character";
  };
  if (text.includes("\0")) {
    at = text.indexOf("\0");
    fail("a NUL byte");
  }
  // ast.literal_eval strips leading spaces and tabs only.
  while (text[at] === " " || text[at] === "\t") at++;
  const result = value(0);
  skip();
  if (at !== text.length) fail(`${unexpected()} after the dictionary`);
  return result;
}
