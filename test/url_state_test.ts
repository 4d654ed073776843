import assert from "node:assert/strict";
import { formatStart, parseStart, readUrlState } from "../src/components/inputs/url_state.ts";

const SPEC = {
  k: { type: "number", value: 5, min: 1, max: 10, integer: true },
  lr: { type: "number", value: 0.1, min: 0.001, max: 1 },
  init: { type: "option", value: "uniform", options: ["uniform", "kmeans++", "points"] },
} as const;

Deno.test("readUrlState() takes valid values from the query string", () => {
  const { values, problems } = readUrlState(SPEC, "?k=3&lr=0.05&init=points");
  assert.deepEqual(values, { k: 3, lr: 0.05, init: "points" });
  assert.deepEqual(problems, []);
});

Deno.test("readUrlState() falls back to defaults for missing parameters", () => {
  assert.deepEqual(readUrlState(SPEC, "").values, { k: 5, lr: 0.1, init: "uniform" });
});

Deno.test("readUrlState() clamps and reports out-of-range, fractional and junk values", () => {
  const { values, problems } = readUrlState(SPEC, "?k=50&lr=abc&init=<script>");
  assert.deepEqual(values, { k: 10, lr: 0.1, init: "uniform" });
  assert.equal(problems.length, 3);
  assert.match(problems[0], /^k=50 in the link is outside 1 to 10 or not whole; using 10\.$/);
  assert.match(problems[1], /^lr="abc" in the link is not a number; using 0\.1\.$/);
  assert.match(
    problems[2],
    /^init="<script>" in the link is not one of uniform, kmeans\+\+, points; using uniform\.$/,
  );
  assert.deepEqual(readUrlState(SPEC, "?k=2.6").values.k, 3);
});

Deno.test("a start placed by hand goes to the URL and back, and a bad one is refused in a sentence", () => {
  const text = formatStart([[0.1234567, -2], [3, 4.5]]);
  assert.equal(text, "0.123457,-2;3,4.5");
  assert.deepEqual(parseStart(text, { k: 2, cols: 2 }), { start: [[0.123457, -2], [3, 4.5]] });
  assert.deepEqual(parseStart(null, { k: 2, cols: 2 }), {});
  assert.match(
    parseStart(text, { k: 3, cols: 2 }).problem!,
    /has 2 centroids for k = 3; using the init instead\./,
  );
  assert.match(parseStart("1,2;x,4", { k: 2, cols: 2 }).problem!, /is not 2 centroids of 2 numbers/);
  assert.match(parseStart("1,2;3", { k: 2, cols: 2 }).problem!, /is not 2 centroids of 2 numbers/);
});
