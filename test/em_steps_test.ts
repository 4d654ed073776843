// EM's half-steps (lib/mixture/em_steps.ts) against lib's own EM (lib/mixture/em.ts): from EM's start they reach
// its mixture, the NLL never increases, and E-steps leave it unchanged.
import assert from "node:assert/strict";
import { emGaussianMixture } from "../lib/mixture/em.js";
import { emStart, emSteps } from "../lib/mixture/em_steps.js";
import { gmmNLL } from "../lib/mixture/gaussian_mixture.js";
import { takeRows } from "../lib/matrix.js";
import { parseNpy } from "../lib/io/npy.js";
import { split } from "../lib/random/split.js";
import { repoFile } from "./_testdata.js";

const all = parseNpy(Deno.readFileSync(repoFile("src/data/data2D.npy")));
const train = takeRows(all, split(all.rows, { validDivisor: 3 }).train);

Deno.test("emSteps() from EM's start reaches emGaussianMixture()'s mixture (nInit 1) exactly", () => {
  for (const k of [1, 2, 3, 5]) {
    const reference = emGaussianMixture(train, { k, nInit: 1, seed: 0 });
    const steps = emSteps(train, emStart(train, { k, seed: 0 }));
    const last = steps.at(-1)!;
    assert.equal(last.phase, "M");
    assert.equal(last.iteration, reference.iterations, `k = ${k}: iterations`);
    // The same functions in the same order: equal to the bit.
    assert.deepEqual(last.mixture.means.data, reference.means.data, `k = ${k}: means`);
    assert.deepEqual(last.mixture.sigmas, reference.sigmas, `k = ${k}: sigmas`);
    assert.deepEqual(last.mixture.weights, reference.weights, `k = ${k}: weights`);
    assert.equal(-steps.at(-2)!.nll, reference.lowerBound, `k = ${k}: the last E-step's bound`);
    assert.equal(last.nll, gmmNLL(train, reference));
  }
});

Deno.test("emSteps() never increases the NLL; E-steps leave it unchanged; responsibilities sum to 1", () => {
  const steps = emSteps(train, emStart(train, { k: 5, seed: 4 }), { maxIterations: 60, tol: 0 });
  assert.equal(steps.length, 1 + 2 * 60);
  for (let i = 1; i < steps.length; i++) {
    const { phase, nll, responsibilities: r } = steps[i];
    // EM's monotonicity holds exactly in real arithmetic; regCovar (1e-6 added to variances) and
    // rounding can break it by far less than 1e-9 nats.
    assert.ok(nll <= steps[i - 1].nll + 1e-9, `step ${i} (${phase}): ${nll} after ${steps[i - 1].nll}`);
    if (phase === "E") assert.ok(Math.abs(nll - steps[i - 1].nll) < 1e-12, `E-step ${i} changed the NLL`);
    for (let p = 0; p < r.rows; p += 97) {
      let total = 0;
      for (let j = 0; j < r.cols; j++) total += r.data[p * r.cols + j];
      assert.ok(Math.abs(total - 1) < 1e-12);
    }
  }
  assert.ok(steps.at(-1)!.nll < steps[0].nll - 1e-3, "EM improved on its start");
});

Deno.test("emSteps() refuses a non-positive iteration count", () => {
  assert.throws(
    () => emSteps(train, emStart(train, { k: 2, seed: 0 }), { maxIterations: 0 }),
    /positive integer/,
  );
});
