// Lloyd's half-steps (lib/kmeans/lloyd_steps.ts) against lib's own Lloyd (lib/kmeans/kmeans.ts): same start,
// same fixed point, and a loss that never increases.
import assert from "node:assert/strict";
import fc from "fast-check";
import { kmeansPlusPlus, lloydFrom } from "../lib/kmeans/kmeans.js";
import { assignedLoss, lloydSteps } from "../lib/kmeans/lloyd_steps.js";
import { fromRows, takeRows } from "../lib/matrix.js";
import type { Matrix } from "../lib/matrix.js";
import { parseNpy } from "../lib/io/npy.js";
import { RandomState } from "../lib/random/random_state.js";
import { repoFile } from "./_testdata.js";

const data2D = parseNpy(Deno.readFileSync(repoFile("src/data/data2D.npy")));

function kmeansPlusPlusStart(points: Matrix, k: number, seed: number): Matrix {
  return takeRows(points, kmeansPlusPlus(points, k, new RandomState(seed)));
}

Deno.test("lloydSteps() reaches lloydFrom()'s centroids and labels exactly, from the same start", () => {
  for (const k of [1, 2, 3, 5]) {
    for (const seed of [0, 1, 2]) {
      const start = kmeansPlusPlusStart(data2D, k, seed);
      const steps = lloydSteps(data2D, start, { maxIterations: 5000 });
      const reference = lloydFrom(data2D, start, { maxIter: 5000, tolerance: 0 });
      const last = steps.at(-1)!;
      assert.equal(last.phase, "assign");
      assert.ok(last.converged, `k = ${k}, seed ${seed}: converged`);
      // The same arithmetic in the same order: equal to the bit, no tolerance needed.
      assert.deepEqual(last.centroids.data, reference.centroids.data, `k = ${k}, seed ${seed}: centroids`);
      assert.deepEqual(last.labels, reference.labels, `k = ${k}, seed ${seed}: labels`);
      // The loss sums per point in another order than lloydFrom's inertia: 1e-12 relative.
      const relative = Math.abs(last.loss * data2D.rows - reference.inertia) / reference.inertia;
      assert.ok(relative < 1e-12, `k = ${k}, seed ${seed}: loss off by ${relative}`);
      // lloydFrom counts the final, label-repeating iteration too.
      assert.equal(last.iteration, reference.iterations);
    }
  }
});

Deno.test("lloydSteps() alternates start, assign, update and never increases the loss", () => {
  const steps = lloydSteps(data2D, kmeansPlusPlusStart(data2D, 5, 3));
  assert.equal(steps[0].phase, "start");
  steps.slice(1).forEach((step, i) => assert.equal(step.phase, i % 2 === 0 ? "assign" : "update"));
  for (let i = 1; i < steps.length; i++) {
    // Exact decrease in real arithmetic; 1e-12 relative allows for the summation's rounding.
    assert.ok(steps[i].loss <= steps[i - 1].loss * (1 + 1e-12), `step ${i}: ${steps[i].loss}`);
  }
});

Deno.test("lloydSteps() never increases the loss on random data, also with empty clusters", () => {
  const point = fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: -5, max: 5 }));
  fc.assert(
    fc.property(
      fc.array(point, { minLength: 3, maxLength: 40 }),
      fc.array(point, { minLength: 1, maxLength: 4 }),
      (rows, start) => {
        const points = fromRows(rows);
        const steps = lloydSteps(points, fromRows(start.map(([a, b]) => [a + 20, b])), { maxIterations: 50 });
        for (let i = 1; i < steps.length; i++) {
          if (steps[i].loss > steps[i - 1].loss * (1 + 1e-12) + 1e-12) return false;
          if (assignedLoss(points, steps[i].labels, steps[i].centroids) !== steps[i].loss) return false;
        }
        const reference = lloydFrom(points, fromRows(start.map(([a, b]) => [a + 20, b])), { maxIter: 50 });
        return !steps.at(-1)!.converged ||
          steps.at(-1)!.centroids.data.every((v, p) => v === reference.centroids.data[p]);
      },
    ),
    { seed: 13, numRuns: 300 },
  );
});

Deno.test("lloydSteps() refuses a start of the wrong width", () => {
  assert.throws(() => lloydSteps(data2D, fromRows([[0, 0, 0]])), /points' width/);
});
