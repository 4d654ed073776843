// The .npy reader against files written by NumPy (testdata/npy/, testdata/bad/; made by
// testdata/make_fixtures.py), a round-trip property and a mutation fuzz.
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseNpy, parseNpyHeader } from "../lib/npy.js";
import { DataError } from "../lib/errors.js";
import type { Matrix } from "../lib/matrix.js";
import { listTestdata, readJson, readTestdata } from "./_testdata.js";

interface Values {
  groups: Record<string, { values: number[][]; files: string[] }>;
  wide: Record<string, { values: number[][]; files: string[] }>;
}
const values = readJson<Values>("npy/values.json");
const expectedMessages = readJson<Record<string, string>>("bad/expected.json");

/** Element-wise identity (Object.is: -0 and 0 differ, NaN equals NaN), with the first mismatch named. */
function assertSameMatrix(actual: Matrix, expected: number[][], what: string): void {
  assert.equal(actual.rows, expected.length, `${what}: rows`);
  assert.equal(actual.cols, expected[0].length, `${what}: cols`);
  assert.ok(actual.data instanceof Float64Array, `${what}: data is a Float64Array`);
  assert.equal(actual.data.length, actual.rows * actual.cols, `${what}: data length`);
  expected.forEach((row, i) =>
    row.forEach((value, j) => {
      const got = actual.data[i * actual.cols + j];
      assert.ok(Object.is(got, value), `${what}: [${i}, ${j}] is ${got}, expected ${value}`);
    })
  );
}

/** Asserts `run` throws a DataError with exactly `message`. */
function assertDataError(run: () => unknown, message: string, what: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof DataError, `${what}: threw ${error}, not a DataError`);
    assert.equal(error.message, message, what);
    return true;
  });
}

/**
 * A minimal .npy writer for float64 matrices, as numpy.lib.format.write_array lays files out:
 * header padded with spaces and a newline so the data starts on a 64-byte boundary.
 */
function writeNpy(
  matrix: Matrix,
  { fortranOrder = false, littleEndian = true, version = 1, descr = undefined as string | undefined } = {},
): Uint8Array {
  descr ??= littleEndian ? "<f8" : ">f8";
  const { rows, cols, data } = matrix;
  const lengthBytes = version === 1 ? 2 : 4;
  let header = `{'descr': '${descr}', 'fortran_order': ${
    fortranOrder ? "True" : "False"
  }, 'shape': (${rows}, ${cols}), }`;
  const unpadded = 6 + 2 + lengthBytes + header.length + 1;
  header += " ".repeat((64 - (unpadded % 64)) % 64) + "\n";
  const start = 6 + 2 + lengthBytes;
  const bytes = new Uint8Array(start + header.length + rows * cols * 8);
  const view = new DataView(bytes.buffer);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  bytes.set(new TextEncoder().encode(header), start);
  let offset = start + header.length;
  const put = (i: number, j: number) => {
    view.setFloat64(offset, data[i * cols + j], littleEndian);
    offset += 8;
  };
  if (fortranOrder) { for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) put(i, j); }
  else for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) put(i, j);
  return bytes;
}

Deno.test("parseNpy() decodes every dtype, byte order, memory order and version NumPy writes to the same values", async (t) => {
  for (const [group, { values: expected, files }] of Object.entries(values.groups)) {
    await t.step(`${group} (${files.length} files)`, () => {
      for (const name of files) assertSameMatrix(parseNpy(readTestdata(`npy/${name}`)), expected, name);
    });
  }
});

Deno.test("parseNpy() keeps the extreme values of each wide dtype exact", async (t) => {
  for (const [code, { values: expected, files }] of Object.entries(values.wide)) {
    await t.step(code, () => {
      for (const name of files) assertSameMatrix(parseNpy(readTestdata(`npy/${name}`)), expected, name);
    });
  }
});

Deno.test("parseNpy() covers every accepted dtype in both byte orders and memory orders", () => {
  const names = listTestdata("npy").filter((name) => name.endsWith(".npy"));
  for (const code of ["f8", "f4", "f2", "i8", "i4", "i2", "u8", "u4", "u2"]) {
    for (const order of ["le", "be"]) {
      for (const layout of ["C", "F"]) {
        assert.ok(
          names.some((name) => name.includes(`_${code}_${order}_${layout}`)),
          `${code} ${order} ${layout}`,
        );
      }
    }
  }
  for (const code of ["i1", "u1", "b1"]) {
    assert.ok(names.some((name) => name.includes(`_${code}_na_F_v3`)), code);
  }
});

Deno.test("parseNpyHeader() reads version, dtype, order, shape and the 64-byte-aligned data offset", () => {
  for (const version of [1, 2, 3]) {
    const header = parseNpyHeader(readTestdata(`npy/float_f4_be_F_v${version}.npy`));
    assert.deepEqual(header.version, [version, 0]);
    assert.equal(header.descr, ">f4");
    assert.equal(header.fortranOrder, true);
    assert.deepEqual(header.shape, [7, 3]);
    assert.equal(header.dataOffset % 64, 0);
  }
});

Deno.test("parseNpy() reads a Uint8Array view at an unaligned byteOffset", () => {
  const file = readTestdata("npy/float_f8_le_C_v1.npy");
  const buffer = new Uint8Array(file.length + 5);
  buffer.set(file, 3);
  const matrix = parseNpy(buffer.subarray(3, 3 + file.length));
  assertSameMatrix(matrix, values.groups.float.values, "view at offset 3");
});

Deno.test("parseNpy() reads the '=' (native) byte order as little-endian", () => {
  const matrix = { rows: 2, cols: 2, data: new Float64Array([1.5, -2, 3.25, 1e-300]) };
  assertSameMatrix(parseNpy(writeNpy(matrix, { descr: "=f8" })), [[1.5, -2], [3.25, 1e-300]], "=f8");
});

Deno.test("parseNpy() gives each malformed file in testdata/bad/ exactly its expected DataError", async (t) => {
  const names = listTestdata("bad").filter((name) => name.endsWith(".npy"));
  assert.ok(names.length >= 30, "the bad .npy corpus is present");
  for (const name of names) {
    await t.step(name, () => {
      assert.ok(name in expectedMessages, `${name} has no entry in bad/expected.json`);
      assertDataError(() => parseNpy(readTestdata(`bad/${name}`)), expectedMessages[name], name);
    });
  }
});

Deno.test("every entry of bad/expected.json names a file in testdata/bad/", () => {
  const names = new Set(listTestdata("bad"));
  for (const name of Object.keys(expectedMessages)) assert.ok(names.has(name), name);
});

Deno.test("parseNpy() refuses a declared shape far larger than the file before allocating", () => {
  // 2^30 x 2^20 float64 would be 8 PiB: only a size check done before any allocation can pass.
  const header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1073741824, 1048576), }";
  const file = writeNpy({ rows: 1, cols: 1, data: new Float64Array([1]) });
  const text = new TextDecoder("latin1").decode(
    file.subarray(10, 10 + new DataView(file.buffer).getUint16(8, true)),
  );
  const patched = new Uint8Array(file);
  patched.set(new TextEncoder().encode(header.padEnd(text.length - 1, " ") + "\n"), 10);
  assertDataError(
    () => parseNpy(patched),
    "the data is truncated: shape (1073741824, 1048576) of 8-byte items needs 9007199254740992 bytes but the file has 8.",
    "2^53-byte shape",
  );
  assertDataError(
    () => parseNpy(readTestdata("bad/huge_shape.npy")),
    expectedMessages["huge_shape.npy"],
    "huge_shape.npy",
  );
});

Deno.test("parseNpy() reads back any float64 matrix the test writer writes (C or Fortran, either byte order)", () => {
  const arbitraryFile = fc
    .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 6 }))
    .chain(([rows, cols]) =>
      fc.record({
        rows: fc.constant(rows),
        cols: fc.constant(cols),
        values: fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), {
          minLength: rows * cols,
          maxLength: rows * cols,
        }),
        fortranOrder: fc.boolean(),
        littleEndian: fc.boolean(),
        version: fc.constantFrom(1, 2, 3),
      })
    );
  fc.assert(
    fc.property(arbitraryFile, ({ rows, cols, values, fortranOrder, littleEndian, version }) => {
      const matrix = { rows, cols, data: Float64Array.from(values) };
      const expected = Array.from({ length: rows }, (_, i) => values.slice(i * cols, (i + 1) * cols));
      assertSameMatrix(
        parseNpy(writeNpy(matrix, { fortranOrder, littleEndian, version })),
        expected,
        "round trip",
      );
    }),
    { numRuns: 500 },
  );
});

Deno.test("parseNpy() answers 10,000 mutated or truncated files with a Matrix or a DataError, nothing else", () => {
  const bases = [
    "npy/float_f8_le_C_v1.npy",
    "npy/float_f4_be_F_v2.npy",
    "npy/float_f2_le_C_v3.npy",
    "npy/signed_i2_be_C_v1.npy",
    "npy/bool_b1_na_F_v1.npy",
    "npy/wide_u8_le_C.npy",
  ].map(readTestdata);
  const mutation = fc.oneof(
    // Most structure is in the header (the first ~128 bytes), so aim most edits there.
    fc.record({ kind: fc.constant("set"), at: fc.nat(140), byte: fc.nat(255) }),
    fc.record({ kind: fc.constant("set"), at: fc.nat(400), byte: fc.nat(255) }),
    // Printable bytes turn the header into other well-formed-looking Python literals.
    fc.record({
      kind: fc.constant("set"),
      at: fc.nat(140),
      byte: fc.constantFrom(...Array.from("0123456789(),'<>|=:{}[] TFfiubcOUSV-L", (c) => c.charCodeAt(0))),
    }),
    fc.record({ kind: fc.constant("insert"), at: fc.nat(140), byte: fc.nat(255) }),
    fc.record({ kind: fc.constant("delete"), at: fc.nat(400), byte: fc.constant(0) }),
    fc.record({ kind: fc.constant("truncate"), at: fc.nat(400), byte: fc.constant(0) }),
  );
  fc.assert(
    fc.property(
      fc.nat(bases.length - 1),
      fc.array(mutation, { minLength: 1, maxLength: 4 }),
      (base, edits) => {
        let bytes = Array.from(bases[base]);
        for (const { kind, at, byte } of edits) {
          const i = Math.min(at, bytes.length);
          if (kind === "set" && i < bytes.length) bytes[i] = byte;
          else if (kind === "insert") bytes.splice(i, 0, byte);
          else if (kind === "delete") bytes.splice(i, 1);
          else if (kind === "truncate") bytes = bytes.slice(0, i);
        }
        try {
          const matrix = parseNpy(Uint8Array.from(bytes));
          assert.ok(matrix.rows >= 1 && matrix.cols >= 1);
          assert.equal(matrix.data.length, matrix.rows * matrix.cols);
          assert.ok(matrix.data.every(Number.isFinite));
        } catch (error) {
          if (!(error instanceof DataError)) throw error;
          // Not asserted: that the message is one line. Header text (a mangled 'descr') is quoted
          // into some messages as is, newlines included.
          assert.ok(error.message.length > 0);
        }
      },
    ),
    // A fixed seed keeps CI deterministic; change it locally to explore further.
    { numRuns: 10_000, seed: 1_234_567 },
  );
});
