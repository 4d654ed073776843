import assert from "node:assert/strict";
import {
  CLUSTER_COLOURS,
  clusterColourOf,
  columnName,
  contrastRatio,
} from "../src/components/draw/palette.ts";

Deno.test("CLUSTER_COLOURS are ten distinct colours, each 3:1 against both themes' backgrounds", () => {
  assert.equal(new Set(CLUSTER_COLOURS).size, 10);
  for (const colour of CLUSTER_COLOURS) {
    assert.ok(contrastRatio(colour, "#ffffff") >= 3, `${colour} on the light theme`);
    assert.ok(contrastRatio(colour, "#161616") >= 3, `${colour} on the dark theme`);
  }
});

Deno.test("contrastRatio() matches WCAG's extremes and is symmetric", () => {
  assert.equal(contrastRatio("#000000", "#ffffff"), 21);
  assert.equal(contrastRatio("#777777", "#777777"), 1);
  assert.equal(contrastRatio("#0072b2", "#ffffff"), contrastRatio("#ffffff", "#0072b2"));
});

Deno.test("clusterColourOf() cycles after ten and columnName() writes subscripts", () => {
  assert.equal(clusterColourOf(10), CLUSTER_COLOURS[0]);
  assert.equal(columnName(0), "x₀");
  assert.equal(columnName(12), "x₁₂");
});
