// Text encodings of CSV input (lib/io/read_points.ts), shared by the CLI and uploads in the browser:
// UTF-16 (little- or big-endian) and UTF-8 with a byte-order mark read as the same numbers as plain
// UTF-8; binary data keeps its NUL-byte sentence.
import assert from "node:assert/strict";
import { DataError } from "../lib/errors.js";
import { byteOrderMark, checkBeforeReading, parsePoints } from "../lib/io/read_points.js";
import { NOT_NUMERIC } from "../lib/io/csv.js";
import { utf16 } from "./_text.ts";

const CSV = "x,y\r\n0.5,-1.25\r\n3e2,4\r\n-0.000001,7.5\r\n";

const utf8 = (text: string) => new TextEncoder().encode(text);
const values = (bytes: Uint8Array, name = "points.csv") => {
  const points = parsePoints(bytes, name, name === "standard input" ? { format: "sniff" } : {});
  return { rows: points.rows, cols: points.cols, data: Array.from(points.data) };
};

Deno.test("byteOrderMark() names UTF-8, UTF-16LE and UTF-16BE marks, and nothing else", () => {
  assert.equal(byteOrderMark(Uint8Array.of(0xef, 0xbb, 0xbf, 0x31)), "utf-8");
  assert.equal(byteOrderMark(Uint8Array.of(0xff, 0xfe, 0x31, 0)), "utf-16le");
  assert.equal(byteOrderMark(Uint8Array.of(0xfe, 0xff, 0, 0x31)), "utf-16be");
  assert.equal(byteOrderMark(Uint8Array.of(0xff, 0xfe, 0, 0)), undefined, "UTF-32LE");
  assert.equal(byteOrderMark(utf8("1,2")), undefined);
  assert.equal(byteOrderMark(new Uint8Array()), undefined);
});

Deno.test("a UTF-16 CSV (LE or BE, with its mark) reads as the same numbers as its UTF-8 twin", () => {
  const twin = values(utf8(CSV));
  assert.deepEqual(twin, { rows: 3, cols: 2, data: [0.5, -1.25, 300, 4, -0.000001, 7.5] });
  assert.deepEqual(values(utf16(CSV, "le")), twin);
  assert.deepEqual(values(utf16(CSV, "be")), twin);
  assert.deepEqual(values(Uint8Array.of(0xef, 0xbb, 0xbf, ...utf8(CSV))), twin);
  // Read from standard input (no name: the format is sniffed) alike.
  assert.deepEqual(values(utf16(CSV, "le"), "standard input"), twin);
  assert.equal(
    checkBeforeReading(utf16(CSV, "be"), { fileName: "points.csv", fileBytes: 2 + 2 * CSV.length }),
    "csv",
  );
});

Deno.test("binary data keeps its NUL-byte sentence; UTF-16 without a mark, or broken, is refused", () => {
  const refusal = (bytes: Uint8Array) => {
    try {
      parsePoints(bytes, "data.csv");
    } catch (error) {
      assert.ok(error instanceof DataError, String(error));
      return error.message;
    }
    assert.fail("accepted");
  };
  assert.match(refusal(new Uint8Array(64)), /^data\.csv has a NUL byte at byte 0, so it is binary data/);
  assert.match(refusal(utf16(CSV, "le").subarray(2)), /has a NUL byte at byte 1, so it is binary data/);
  assert.match(refusal(Uint8Array.of(0xff, 0xfe, 0, 0, 0x31, 0, 0, 0)), /NUL byte at byte 2/, "UTF-32LE");
  // A lone surrogate is not UTF-16 text.
  assert.equal(
    refusal(Uint8Array.of(0xff, 0xfe, 0x31, 0, 0x00, 0xd8, 0x32, 0)),
    "data.csv is not UTF-16LE text; save it as a UTF-8 CSV file.",
  );
});

Deno.test("parsePoints() tells a text file, in UTF-8 or UTF-16, that it is not numeric data", () => {
  const letter = "Dear reader,\nthank you for your letter.\n";
  for (const bytes of [utf8(letter), utf16(letter, "le")]) {
    assert.throws(() => parsePoints(bytes, "letter.txt"), (error: unknown) => {
      assert.ok(error instanceof DataError);
      assert.equal(error.message, NOT_NUMERIC);
      return true;
    });
  }
});
