import assert from "node:assert/strict";
import {
  axisNames,
  drawnRows,
  MAX_DRAWN_POINTS,
  planeDensity,
} from "../src/components/draw/scatter_layers.ts";

Deno.test("drawnRows() keeps every row of a small set, in order", () => {
  assert.deepEqual(Array.from(drawnRows(4)), [0, 1, 2, 3]);
  assert.equal(drawnRows(MAX_DRAWN_POINTS).length, MAX_DRAWN_POINTS);
});

Deno.test("drawnRows() draws a seeded subsample of at most 5,000 distinct rows of a large set, in order", () => {
  const rows = drawnRows(1_000_000);
  assert.equal(rows.length, MAX_DRAWN_POINTS);
  assert.equal(new Set(rows).size, rows.length, "distinct");
  for (let i = 1; i < rows.length; i++) assert.ok(rows[i] > rows[i - 1], "sorted");
  assert.ok(rows[0] >= 0 && rows.at(-1)! < 1_000_000);
  assert.deepEqual(
    Array.from(drawnRows(1_000_000).subarray(0, 20)),
    Array.from(rows.subarray(0, 20)),
    "seeded",
  );
  // Spread over the whole set, not its start: a uniform sample's mean row is near the middle.
  const mean = rows.reduce((sum, row) => sum + row, 0) / rows.length;
  assert.ok(Math.abs(mean - 500_000) < 20_000, `mean row ${mean}`);
});

Deno.test("axisNames() names columns x₀, x₁ (or by a CSV header) and principal components PC1, PC2", () => {
  assert.deepEqual(axisNames("0,1"), ["x₀", "x₁"]);
  assert.deepEqual(axisNames("2,11"), ["x₂", "x₁₁"]);
  assert.deepEqual(axisNames("0,1", ["height", "weight"]), ["height", "weight"]);
  assert.deepEqual(axisNames("pca"), ["PC1", "PC2"]);
});

Deno.test("planeDensity() of one unit Gaussian at its mean is 1 / 2π, and integrates to its weight", () => {
  const model = { means: { rows: 1, cols: 2, data: Float64Array.of(1, -2) }, sigmas: [1], weights: [0.5] };
  // Exact up to rounding (1e-15).
  assert.ok(Math.abs(planeDensity(model, 1, -2) - 0.5 / (2 * Math.PI)) < 1e-15);
  // A Riemann sum over ±8 sigma, step 0.05: the truncation and the step cost far less than 1e-6.
  let total = 0;
  for (let x = -7; x <= 9; x += 0.05) {
    for (let y = -10; y <= 6; y += 0.05) total += planeDensity(model, x, y) * 0.0025;
  }
  assert.ok(Math.abs(total - 0.5) < 1e-6, `integral ${total}`);
});
