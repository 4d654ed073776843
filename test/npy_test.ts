// The .npy reader against files written by NumPy (testdata/npy/, testdata/bad/; made by
// testdata/make_fixtures.py), a round-trip property and a mutation fuzz.
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseNpy, parseNpyHeader } from "../lib/io/npy.js";
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

interface HeaderVerdicts {
  numpy_version: string;
  files: Record<string, { numpy: "accepted" | "refused"; values?: number[][]; reason?: string }>;
}

Deno.test("parseNpy() accepts exactly the headers NumPy's read_array_header accepts (hostile/headers/)", async (t) => {
  const { files } = readJson<HeaderVerdicts>("hostile/headers.json");
  assert.ok(Object.keys(files).length >= 30);
  for (const [name, verdict] of Object.entries(files)) {
    await t.step(`${name} (NumPy: ${verdict.numpy})`, () => {
      const bytes = readTestdata(`hostile/headers/${name}`);
      if (verdict.numpy === "accepted") {
        assertSameMatrix(parseNpy(bytes), verdict.values!, name);
        return;
      }
      assert.throws(() => parseNpy(bytes), (error: unknown) => {
        assert.ok(error instanceof DataError, `${name}: threw ${error}, not a DataError`);
        // One sentence, today's style: lower-case start, one full stop at the end, no line break.
        assert.match(error.message, /^[a-z.][^\n]*\.$/, name);
        return true;
      }, `${name}: NumPy refuses it (${verdict.reason})`);
    });
  }
});

Deno.test("parseNpy() names what is wrong with the headers the tester found accepted", () => {
  const cases: [string, RegExp][] = [
    [
      "version_1_5.npy",
      /^\.npy format version 1\.5 is not supported; only versions 1\.0, 2\.0 and 3\.0 are\.$/,
    ],
    ["extra_key.npy", /the key "extra" besides 'descr', 'fortran_order' and 'shape'/],
    ["latin1_key.npy", /the key "shapé" besides/],
    ["unit_descr.npy", /^the dtype "<f8\[s\]" is not understood/],
    [
      "nbsp_padding.npy",
      /the character U\+00A0, which Python does not allow here after the dictionary at character 59/,
    ],
    ["nul_padding.npy", /a NUL byte at character 59/],
    ["too_long.npy", /over NumPy's limit of 10000/],
    ["declared_4gb_header.npy", /declares 4294967295 bytes, over NumPy's limit/],
    ["invalid_utf8_v3.npy", /not valid UTF-8/],
  ];
  for (const [name, pattern] of cases) {
    assert.throws(() => parseNpy(readTestdata(`hostile/headers/${name}`)), (error: unknown) => {
      assert.ok(error instanceof DataError);
      assert.match(error.message, pattern, name);
      return true;
    });
  }
});

interface NumberReference {
  files: Record<string, { dtype: string; sha256: string; first: number[][] }>;
}

Deno.test("parseNpy() converts booleans and 64-bit integers exactly as NumPy's astype(float64)", async (t) => {
  const { files } = readJson<NumberReference>("hostile/numbers.json");
  for (
    const name of ["bool_nonzero.npy", "int64_near_2e62.npy", "int64_be_near_min.npy", "uint64_near_2e64.npy"]
  ) {
    await t.step(`${name} (${files[name].dtype})`, async () => {
      const { data } = parseNpy(readTestdata(`hostile/numbers/${name}`));
      assertSameMatrix({ rows: 3, cols: 2, data: data.subarray(0, 6) }, files[name].first, name);
      // Every value bit for bit: the digest of the little-endian float64 bytes NumPy computed.
      const bytes = new Uint8Array(data.length * 8);
      const view = new DataView(bytes.buffer);
      data.forEach((v, i) => view.setFloat64(8 * i, v, true));
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
      assert.equal(
        Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""),
        files[name].sha256,
        name,
      );
    });
  }
});

Deno.test("parseNpy() rounds 64-bit integers to float64 to nearest, ties to even, like a C cast", () => {
  // 2^62 + 512 is a tie between 2^62 and 2^62 + 1024 (spacing 1024 there): even is 2^62.
  // 2^62 + 513 rounds up; 2^64 - 1 rounds to 2^64; -2^63 is exact.
  const header = "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 2), }";
  const pad = " ".repeat(128 - 10 - header.length - 1);
  const text = `\x93NUMPY\x01\x00${String.fromCharCode(128 - 10, 0)}${header}${pad}\n`;
  const bytes = new Uint8Array(128 + 32);
  for (let i = 0; i < 128; i++) bytes[i] = text.charCodeAt(i);
  const view = new DataView(bytes.buffer, 128);
  [2n ** 62n + 512n, 2n ** 62n + 513n, -(2n ** 63n), 2n ** 62n + 1536n].forEach((v, i) =>
    view.setBigInt64(8 * i, v, true)
  );
  assert.deepEqual(Array.from(parseNpy(bytes).data), [2 ** 62, 2 ** 62 + 1024, -(2 ** 63), 2 ** 62 + 2048]);
});
