// The site's formulas (src/components/formulas.ts) are valid KaTeX, and the chart helpers that are
// pure (the gap curve's excess, the criteria's tick format) say what they should.
import assert from "node:assert/strict";
import katex from "katex";
import { FORMULAS } from "../src/components/draw/formulas.js";
import { excessRows, logTick } from "../src/components/draw/gap_curve.js";
import { criterionTickFormat } from "../src/components/draw/criteria.js";

Deno.test("every formula renders with KaTeX (throwOnError) and has a caption", () => {
  for (const [name, { tex, caption }] of Object.entries(FORMULAS)) {
    const html = katex.renderToString(tex, { displayMode: true, throwOnError: true });
    assert.match(html, /class="katex-display"/, name);
    assert.ok(!html.includes("katex-error"), `${name} rendered an error`);
    assert.ok(caption.length > 20 && caption.endsWith("."), `${name}: a one-sentence caption`);
  }
});

Deno.test("excessRows() measures the gap to the reference and puts points at or below it on the floor", () => {
  const { floor, rows } = excessRows([
    { name: "a", epochs: [0, 1, 2, 3], values: [1.5, 1.01, 1.001, 0.999] },
    { name: "b", epochs: [0, 1], values: [2, NaN] },
  ], 1);
  // The floor sits a decade below the smallest positive excess, 0.001 (to rounding: 1e-15).
  assert.ok(Math.abs(floor - 1e-4) < 1e-15, `floor ${floor}`);
  assert.deepEqual(rows.map((row) => row.name), ["a", "a", "a", "a", "b"], "the NaN is dropped");
  assert.ok(Math.abs(rows[1].excess - 0.01) < 1e-12);
  assert.equal(rows[3].below, true);
  assert.equal(rows[3].shown, floor, "a run below the reference is drawn on the floor");
  assert.equal(rows[0].shown, 0.5);
});

Deno.test("criterionTickFormat() reads 0.670 as 0.670, BIC in thousands as SI", () => {
  assert.equal(criterionTickFormat([0.603, 0.677]), ".3f");
  assert.equal(criterionTickFormat([1.7, 3.5]), ".3f");
  assert.equal(criterionTickFormat([23034, 46558]), "~s");
  assert.equal(criterionTickFormat([12, 80]), ",.0f");
});

Deno.test("logTick() writes small ticks as powers of ten", () => {
  assert.deepEqual([1, 0.1, 0.001, 1e-4, 1e-6].map(logTick), ["1", "0.1", "0.001", "1e−4", "1e−6"]);
  // A diverged run's gap: 1e32 as JavaScript computes it on a log axis, not 9.999999999999999e+31.
  assert.deepEqual([1e6, 9.999999999999999e31].map(logTick), ["1e+6", "1e+32"]);
});
