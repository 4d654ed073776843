// The one data hash (lib/io/digest.ts): the SHA-256 of the values, the same whichever file held them.
import assert from "node:assert/strict";
import { valuesSha256 } from "../lib/io/digest.js";
import { parseCsv } from "../lib/io/csv.js";
import { parseNpy } from "../lib/io/npy.js";
import { repoFile, sha256Hex } from "./_testdata.js";

Deno.test("valuesSha256() of data2D is the SHA-256 of its .npy's data section, not of the file", async () => {
  const bytes = Deno.readFileSync(repoFile("src/data/data2D.npy"));
  const points = parseNpy(bytes);
  // data2D is '<f8' in C order: its values, as little-endian float64 row by row, end the file.
  const dataSection = bytes.subarray(bytes.length - points.rows * points.cols * 8);
  assert.equal(await valuesSha256(points), await sha256Hex(dataSection));
  assert.notEqual(await valuesSha256(points), await sha256Hex(bytes), "the file's hash is another");
});

Deno.test("valuesSha256() gives the same hash for the same values read from a CSV or a .npy", async () => {
  const fromCsv = parseCsv("x,y\n0.5,-1.25\n3e2,4\n");
  const fromNpy = parseNpy(Deno.readFileSync(repoFile("src/data/data2D.npy")));
  const same = { rows: 2, cols: 2, data: Float64Array.from([0.5, -1.25, 300, 4]) };
  assert.equal(await valuesSha256(fromCsv), await valuesSha256(same));
  assert.notEqual(await valuesSha256(fromCsv), await valuesSha256(fromNpy));
});
