// The CSV reader against text files made by testdata/make_fixtures.py (the same matrix as the
// .npy fixtures), the refusal corpus in testdata/bad/, and a fuzz of arbitrary strings.
import assert from "node:assert/strict";
import fc from "fast-check";
import { isDecimal, NOT_NUMERIC, parseCsv } from "../lib/io/csv.js";
import { parseNpy } from "../lib/io/npy.js";
import { DataError } from "../lib/errors.js";
import { listTestdata, readJson, readTestdata } from "./_testdata.js";

const decode = (bytes: Uint8Array) => new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
const readText = (name: string) => decode(readTestdata(name));
const expectedMessages = readJson<Record<string, string>>("bad/expected.json");
const floatValues =
  readJson<{ groups: { float: { values: number[][] } } }>("npy/values.json").groups.float.values;

function assertDataError(run: () => unknown, message: string, what: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof DataError, `${what}: threw ${error}, not a DataError`);
    assert.equal(error.message, message, what);
    return true;
  });
}

Deno.test("parseCsv() reads every CSV/TSV fixture to the same values as the .npy fixture", async (t) => {
  const npy = parseNpy(readTestdata("npy/float_f8_le_C_v1.npy"));
  const names = listTestdata("csv");
  assert.ok(names.length >= 10);
  for (const name of names) {
    await t.step(name, () => {
      const table = parseCsv(readText(`csv/${name}`));
      assert.equal(table.rows, 7);
      assert.equal(table.cols, 3);
      // Exact: every fixture value is written with enough digits to round-trip (repr or %.18e).
      assert.deepEqual(Array.from(table.data), Array.from(npy.data));
      assert.deepEqual(Array.from(table.data), floatValues.flat());
    });
  }
});

Deno.test("parseCsv() detects a header row and returns its column names", () => {
  assert.deepEqual(parseCsv(readText("csv/float_header.csv")).columns, ["x", "y", "z"]);
  assert.deepEqual(parseCsv(readText("csv/float_quoted_header.csv")).columns, ["x", "y", "z"]);
  assert.deepEqual(parseCsv(readText("csv/float_header.tsv")).columns, ["x", "y", "z"]);
  assert.equal(parseCsv(readText("csv/float.csv")).columns, undefined);
  assert.equal(parseCsv(readText("csv/float_savetxt.csv")).columns, undefined);
  // One non-numeric cell is enough to make the first row a header.
  const table = parseCsv("1,label\n2,3\n");
  assert.deepEqual(table.columns, ["1", "label"]);
  assert.deepEqual(Array.from(table.data), [2, 3]);
});

Deno.test("parseCsv() follows an explicit header option over detection", () => {
  const forced = parseCsv("1,2\n3,4\n", { header: true });
  assert.deepEqual(forced.columns, ["1", "2"]);
  assert.deepEqual(Array.from(forced.data), [3, 4]);
  assertDataError(
    () => parseCsv("x,y\n3,4\n", { header: false }),
    'line 1, column 1 of the CSV is "x", not a number; every cell must be numeric.',
    "header: false",
  );
});

Deno.test("parseCsv() picks tab or semicolon delimiters from the first line", () => {
  assert.deepEqual(Array.from(parseCsv("a\tb\n1.5\t-2\n").data), [1.5, -2]);
  assert.deepEqual(Array.from(parseCsv("a;b\n1.5;-2\n").data), [1.5, -2]);
  assert.deepEqual(Array.from(parseCsv("1.5;-2\n3;4").data), [1.5, -2, 3, 4]);
  // A single column has no delimiter at all.
  assert.deepEqual(Array.from(parseCsv("v\n1\n2\n3\n").data), [1, 2, 3]);
});

Deno.test("parseCsv() ignores a byte-order mark, CRLF line ends, blank lines and spaces around numbers", () => {
  const table = parseCsv("\ufeffx,y\r\n 1 , 2e3 \r\n\r\n-.5,+4.\r\n\r\n");
  assert.deepEqual(table.columns, ["x", "y"]);
  assert.deepEqual(Array.from(table.data), [1, 2000, -0.5, 4]);
  assert.equal(parseCsv("\ufeff1,2\r\n").columns, undefined, "a BOM does not make a header");
});

Deno.test("parseCsv() gives each malformed CSV in testdata/bad/ exactly its expected DataError", async (t) => {
  const names = listTestdata("bad").filter((name) => name.endsWith(".csv"));
  assert.ok(names.length >= 8, "the bad .csv corpus is present");
  for (const name of names) {
    await t.step(name, () => {
      assert.ok(name in expectedMessages, `${name} has no entry in bad/expected.json`);
      assertDataError(() => parseCsv(readText(`bad/${name}`)), expectedMessages[name], name);
    });
  }
});

Deno.test("parseCsv() says text is not numeric data, and keeps the precise sentence for flawed numbers", () => {
  const texts = [
    "hello world\n", // one line of text: not "a header but no rows"
    "Dear reader\nThank you, and see you soon.\n", // not "line 2 has 2 values, expected 1"
    "Chapter 1\nIt was 1999.\nThe end\n", // words around a number are still text
    "Grüße\nÀ bientôt\n", // letters of any script
  ];
  for (const text of texts) assertDataError(() => parseCsv(text), NOT_NUMERIC, JSON.stringify(text));
  // Numbers with a flaw name the line and column: a comma as the decimal mark, a hex cell.
  assert.throws(() => parseCsv("x;y\n1,5;2,5\n"), /line 2, column 1 of the CSV is "1,5", not a number/);
  assert.throws(() => parseCsv("1,2\nabc,3\n"), /line 2, column 1 of the CSV is "abc", not a number/);
  // A header of several columns and no rows keeps its own sentence.
  assert.throws(() => parseCsv("x,y\n"), /has a header but no rows/);
});

Deno.test("parseCsv() counts non-finite cells and names the first line holding one", () => {
  assertDataError(
    () => parseCsv("nan,1\n2,inf\n-Infinity,3\n"),
    "the CSV file has 3 non-finite values (NaN or infinity), the first in line 1; remove or fill them.",
    "three",
  );
  assertDataError(
    () => parseCsv("x,y\n1,2\n3,NaN\n"),
    "the CSV file has 1 non-finite value (NaN or infinity), the first in line 3; remove or fill them.",
    "one",
  );
});

/** Characters that make CSV interesting: delimiters, quotes, line ends, number parts, words. */
const CSV_ALPHABET = Array.from(',;\t\n\r" 0123456789.-+eEnaNiIfxXtyz\ufeff');

Deno.test("parseCsv() answers 10,000 arbitrary strings with a table or a DataError, nothing else", () => {
  const text = fc.oneof(
    fc.string({ unit: fc.constantFrom(...CSV_ALPHABET), maxLength: 80 }),
    fc.string({ unit: "binary", maxLength: 40 }),
    // Mostly valid files with one random edit somewhere.
    fc.tuple(fc.constantFrom(...listTestdata("csv")), fc.nat(400), fc.constantFrom(...CSV_ALPHABET)).map(
      ([name, at, c]) => {
        const s = readText(`csv/${name}`);
        return s.slice(0, at % (s.length + 1)) + c + s.slice(at % (s.length + 1) + 1);
      },
    ),
  );
  fc.assert(
    fc.property(text, fc.constantFrom<boolean | "auto">("auto", true, false), (input, header) => {
      try {
        const table = parseCsv(input, { header });
        assert.ok(table.rows >= 1 && table.cols >= 1, `${table.rows} x ${table.cols}`);
        assert.equal(table.data.length, table.rows * table.cols);
        assert.ok(table.data.every(Number.isFinite));
        if (table.columns) assert.equal(table.columns.length, table.cols);
      } catch (error) {
        if (!(error instanceof DataError)) throw error;
        assert.ok(error.message.length > 0);
      }
    }),
    // A fixed seed keeps CI deterministic; change it locally to explore further.
    { numRuns: 10_000, seed: 7_654_321 },
  );
});

Deno.test("parseCsv() refuses a field of a million digits in linear time, in the first row or a data row", () => {
  const digits = "1".repeat(1_000_000);
  const cases: [string, RegExp | null][] = [
    // Not a number (a letter at the end): a backtracking regular expression took over 20 s here.
    [`x,y\n1,2\n${digits}x,3\n`, /^line 3, column 1 of the CSV is "1{40}", not a number/],
    // In the first row it is a column name: accepted as a header (null: no refusal expected).
    [`${digits}x,1\n2,3\n4,5\n`, null],
    // A number too large for float64: Infinity, refused as non-finite.
    [
      `x,y\n1,2\n${digits},3\n`,
      /^the CSV file has 1 non-finite value \(NaN or infinity\), the first in line 3/,
    ],
    [`x,y\n1,2\n1.${digits}e${digits}x,3\n`, /not a number/],
  ];
  for (const [text, pattern] of cases) {
    const start = performance.now();
    let message = "";
    try {
      parseCsv(text);
    } catch (error) {
      assert.ok(error instanceof DataError, `${error}`);
      message = error.message;
    }
    const elapsed = performance.now() - start;
    // Linear work on 1-2 MB of text takes a few ms; 1 s leaves room for a loaded machine.
    assert.ok(elapsed < 1000, `${elapsed} ms`);
    if (pattern) assert.match(message, pattern);
    else assert.equal(message, "");
  }
});

Deno.test("isDecimal() agrees with the decimal grammar on arbitrary short strings", () => {
  const grammar = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/; // fine on short strings; the reference here
  fc.assert(
    fc.property(fc.stringMatching(/^[-+.eE0-9x ]{0,12}$/), (s) => {
      assert.equal(isDecimal(s), grammar.test(s), JSON.stringify(s));
    }),
    { numRuns: 5000 },
  );
});
