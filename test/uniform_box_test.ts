// The K-means page's sentence on the uniform start (src/components/models/uniform_box.ts) against
// data2D's own extent, computed here with plain loops over lib's .npy reader.
import assert from "node:assert/strict";
import { parseNpy } from "../lib/io/npy.js";
import { unitBoxFigures, unitBoxSentence } from "../src/components/models/uniform_box.ts";
import { repoFile } from "./_testdata.js";

Deno.test("unitBoxSentence() quotes data2D's ranges and the share of it the unit box holds", () => {
  const points = parseNpy(Deno.readFileSync(repoFile("src/data/data2D.npy")));
  const column = (t: number) => Array.from({ length: points.rows }, (_, i) => points.data[2 * i + t]);
  const [x0, x1] = [column(0), column(1)];
  const text = (value: number) => value.toFixed(2).replace("-", "−");
  const sentence = unitBoxSentence(points);
  assert.ok(
    sentence.includes(
      `these data span x₀ from ${text(Math.min(...x0))} to ${text(Math.max(...x0))} and x₁ from ${
        text(Math.min(...x1))
      } to ${text(Math.max(...x1))}`,
    ),
    sentence,
  );
  // The facts of 2026-12-06: x0 in -3.61..3.93, x1 in -4.90..1.92, so [0, 1)² is a small patch.
  assert.match(sentence, /x₀ from −3\.61 to 3\.93 and x₁ from −4\.90 to 1\.92/);
  const inside = x0.filter((value, i) => value >= 0 && value < 1 && x1[i] >= 0 && x1[i] < 1).length;
  const { boxShare, pointShare } = unitBoxFigures(points);
  assert.equal(pointShare, inside / points.rows);
  // The unit square lies inside the data's box here, so it covers 1 / (width x height) of it.
  const area = (Math.max(...x0) - Math.min(...x0)) * (Math.max(...x1) - Math.min(...x1));
  assert.ok(Math.abs(boxShare - 1 / area) < 1e-12, `${boxShare} against ${1 / area}`);
  assert.ok(sentence.includes(`only ${(100 / area).toFixed(1)}% of their bounding box`));
  assert.ok(sentence.includes(`(with ${(100 * inside / points.rows).toFixed(1)}% of the points)`));
});
