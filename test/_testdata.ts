/**
 * Helpers shared by the tests: reading fixtures from test/testdata/ (made by the NumPy and
 * scikit-learn scripts there) wherever `deno test` is run from, and hashing index arrays the
 * way the fixtures do.
 *
 * @module
 */
import { parseNpy } from "../lib/io/npy.js";
import { type Matrix, takeRows } from "../lib/matrix.js";
import { split } from "../lib/random/split.js";

/** The URL of a file under test/testdata/. */
export function testdata(name: string): URL {
  return new URL(`./testdata/${name}`, import.meta.url);
}

/** The URL of a file relative to the repository root. */
export function repoFile(name: string): URL {
  return new URL(`../${name}`, import.meta.url);
}

/** A fixture's bytes. */
export function readTestdata(name: string): Uint8Array {
  return Deno.readFileSync(testdata(name));
}

/** A JSON fixture, parsed. */
export function readJson<T>(name: string): T {
  return JSON.parse(Deno.readTextFileSync(testdata(name))) as T;
}

/** The names of the files directly in a testdata folder, sorted. */
export function listTestdata(folder: string): string[] {
  return [...Deno.readDirSync(testdata(`${folder}/`))]
    .filter((entry) => entry.isFile)
    .map((entry) => entry.name)
    .sort();
}

/** Hex SHA-256 of some bytes. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * SHA-256 of integers packed as 32-bit little-endian words, i.e. NumPy's
 * `hashlib.sha256(a.astype('<i4').tobytes())` (or '<u4': the bytes are the same).
 * Written through a DataView so the result does not depend on the platform's byte order.
 */
export function sha256Int32LE(values: ArrayLike<number>): Promise<string> {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setUint32(4 * i, values[i] >>> 0, true);
  return sha256Hex(bytes);
}

/** |actual - expected| <= tolerance * |expected|, with a message naming both numbers. */
export function assertRelativelyClose(
  actual: number,
  expected: number,
  tolerance: number,
  what = "value",
): void {
  const error = Math.abs(actual - expected);
  if (!(error <= tolerance * Math.abs(expected))) {
    throw new Error(
      `${what}: ${actual} differs from ${expected} by ${error} (relative ${
        error / Math.abs(expected)
      }, allowed ${tolerance})`,
    );
  }
}

/** Runs the CLI (`cli/main.ts`) as a user would, returning its exit status and decoded output. */
export async function runCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write=/tmp", repoFile("cli/main.ts").pathname, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

/** A .npy file of float64 `values` (rows x cols, C order), version 1.0. */
export function npyBytes(rows: number, cols: number, values: Float64Array): Uint8Array {
  const dict = `{'descr': '<f8', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const header = `\x93NUMPY\x01\x00${String.fromCharCode(118, 0)}${dict.padEnd(117)}\n`;
  const bytes = new Uint8Array(128 + values.byteLength);
  for (let i = 0; i < 128; i++) bytes[i] = header.charCodeAt(i);
  bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), 128);
  return bytes;
}

/** One case of testdata/shuffle.json: NumPy's shuffle of 0..n-1 under `seed`, by hash and in part. */
export interface ShuffleFixture {
  n: number;
  seed: number;
  sha256: string;
  order?: number[];
  first20?: number[];
  last20?: number[];
}

/** data2D's training points under the notebook's split with `validDivisor`, as the pages train on them. */
export function data2DTrain(validDivisor: number): Matrix {
  const points = parseNpy(Deno.readFileSync(repoFile("src/data/data2D.npy")));
  return takeRows(points, split(points.rows, { validDivisor }).train);
}
