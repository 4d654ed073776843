// Scoring a spherical Gaussian mixture in float64: hand-computed values, the identities between
// the functions, refusals. (scikit-learn's score_samples, predict, bic and aic on fitted models
// are checked in em_test.ts.)
import assert from "node:assert/strict";
import {
  gmmAIC,
  gmmBIC,
  gmmLogLikelihood,
  gmmNLL,
  gmmPosterior,
  gmmPredict,
  gmmResponsibilities,
  sphericalParameterCount,
} from "../lib/mixture/gaussian_mixture.js";
import type { SphericalGaussianMixture } from "../lib/mixture/gaussian_mixture.js";
import { fromRows } from "../lib/matrix.js";
import { DataError } from "../lib/errors.js";
import { assertRelativelyClose } from "./_testdata.js";

const LOG_2PI = Math.log(2 * Math.PI);

const twoComponents: SphericalGaussianMixture = {
  means: fromRows([[0, 0], [4, 0]]),
  sigmas: Float64Array.of(1, 0.5),
  weights: Float64Array.of(0.25, 0.75),
};

/** log N(x | mu, s^2 I) in d dimensions, the notebook's log_GaussPDF for one point. */
function logGauss(x: number[], mu: number[], s: number): number {
  const distance = x.reduce((sum, value, t) => sum + (value - mu[t]) ** 2, 0);
  return -0.5 * (distance / s ** 2 + x.length * LOG_2PI + x.length * Math.log(s ** 2));
}

Deno.test("gmmLogLikelihood() is log sum_j pi_j N(x | mu_j, sigma_j^2 I)", () => {
  const points = fromRows([[0, 0], [4, 0], [2, 1], [-30, 7]]);
  const expected = [[0, 0], [4, 0], [2, 1], [-30, 7]].map((x) =>
    Math.log(0.25 * Math.exp(logGauss(x, [0, 0], 1)) + 0.75 * Math.exp(logGauss(x, [4, 0], 0.5)))
  );
  // The far point underflows exp() in the naive sum; log-sum-exp does not.
  expected[3] = Math.log(0.25) + logGauss([-30, 7], [0, 0], 1) +
    Math.log1p((0.75 / 0.25) * Math.exp(logGauss([-30, 7], [4, 0], 0.5) - logGauss([-30, 7], [0, 0], 1)));
  const actual = gmmLogLikelihood(points, twoComponents);
  expected.forEach((value, i) => assertRelativelyClose(actual[i], value, 1e-13, `point ${i}`));
  assert.ok(Number.isFinite(actual[3]));
  assertRelativelyClose(gmmNLL(points, twoComponents), -expected.reduce((a, b) => a + b) / 4, 1e-13, "NLL");
  const single = { means: fromRows([[0, 0]]), sigmas: Float64Array.of(1), weights: Float64Array.of(1) };
  assertRelativelyClose(gmmLogLikelihood(fromRows([[0, 0]]), single)[0], -LOG_2PI, 1e-15, "doc example");
});

Deno.test("gmmResponsibilities() and gmmPredict() agree with the joint densities", () => {
  const points = fromRows([[0, 0], [4, 0], [2, 0], [1.8, 0], [2.5, 3]]);
  const { responsibilities, logLikelihood } = gmmPosterior(points, twoComponents);
  assert.deepEqual(gmmResponsibilities(points, twoComponents), responsibilities);
  assert.deepEqual(logLikelihood, gmmLogLikelihood(points, twoComponents));
  const labels = gmmPredict(points, twoComponents);
  for (let i = 0; i < points.rows; i++) {
    const [r0, r1] = responsibilities.data.subarray(2 * i, 2 * i + 2);
    assertRelativelyClose(r0 + r1, 1, 1e-15, `row ${i} sums to 1`);
    assert.equal(labels[i], r1 > r0 ? 1 : 0, `label of point ${i}`);
  }
  assert.deepEqual(Array.from(labels.subarray(0, 2)), [0, 1]);
});

Deno.test("gmmBIC() and gmmAIC() use scikit-learn's spherical parameter count", () => {
  assert.equal(sphericalParameterCount(1, 1), 2);
  assert.equal(sphericalParameterCount(5, 2), 10 + 5 + 4);
  assert.equal(sphericalParameterCount(3, 100), 300 + 3 + 2);
  const points = fromRows([[0, 0], [4, 0], [2, 1]]);
  const logLikelihood = -3 * gmmNLL(points, twoComponents);
  assertRelativelyClose(gmmBIC(points, twoComponents), -2 * logLikelihood + 7 * Math.log(3), 1e-14, "BIC");
  assertRelativelyClose(gmmAIC(points, twoComponents), -2 * logLikelihood + 14, 1e-14, "AIC");
});

Deno.test("gmmLogLikelihood() refuses a model that does not fit the points", () => {
  const cases: [SphericalGaussianMixture, RegExp][] = [
    [{ ...twoComponents, sigmas: Float64Array.of(1) }, /2 means but 1 sigmas and 2 weights/],
    [
      { ...twoComponents, means: fromRows([[0, 0, 0], [1, 1, 1]]) },
      /the points have 2 columns but the mixture's means 3/,
    ],
    [
      { means: fromRows([]), sigmas: new Float64Array(), weights: new Float64Array() },
      /the mixture has no components/,
    ],
  ];
  for (const [model, message] of cases) {
    assert.throws(() => gmmLogLikelihood(fromRows([[1, 2]]), model), (error: unknown) => {
      assert.ok(error instanceof DataError);
      assert.match(error.message, message);
      return true;
    });
  }
  assert.throws(() => gmmNLL(fromRows([]), twoComponents), DataError);
});
