// Regenerates bad/expected.json: the exact message our readers give for each malformed file in
// bad/ (made by make_fixtures.py). Run from the repository root, then READ every message:
//   node_modules/.bin/deno run --allow-read --allow-write=test/testdata test/testdata/make_expected.ts
import { parseNpy } from "../../lib/io/npy.js";
import { parseCsv } from "../../lib/io/csv.js";
import { DataError } from "../../lib/errors.js";

const directory = new URL("./bad/", import.meta.url);
const names = [...Deno.readDirSync(directory)]
  .map((entry) => entry.name)
  .filter((name) => name.endsWith(".npy") || name.endsWith(".csv"))
  .sort();
const expected: Record<string, string> = {};
for (const name of names) {
  const bytes = Deno.readFileSync(new URL(name, directory));
  try {
    if (name.endsWith(".npy")) parseNpy(bytes);
    else parseCsv(new TextDecoder().decode(bytes));
    throw new Error(`${name} was accepted; every file in bad/ must be refused`);
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    expected[name] = error.message;
  }
}
Deno.writeTextFileSync(new URL("expected.json", directory), JSON.stringify(expected, null, 1) + "\n");
for (const [name, message] of Object.entries(expected)) console.log(`${name}\n  ${message}`);
