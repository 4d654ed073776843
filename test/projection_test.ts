import assert from "node:assert/strict";
import { columnProjection, pcaProjection, project, sampleRows } from "../lib/projection.js";
import { makeBlobs } from "../lib/random/synthetic.js";
import { fromRows } from "../lib/matrix.js";
import { RandomState } from "../lib/random/random_state.js";
import { DataError } from "../lib/errors.js";

Deno.test("pcaProjection() recovers the axes of a rotated, stretched cloud", () => {
  // Variances 9, 1 and 0.01 along directions rotated by 30 degrees in the (x0, x1) plane.
  const rng = new RandomState(7);
  const angle = Math.PI / 6, [c, s] = [Math.cos(angle), Math.sin(angle)];
  const rows = Array.from({ length: 4000 }, () => {
    const [a, b, e] = [3 * rng.standardNormal(), rng.standardNormal(), 0.1 * rng.standardNormal()];
    return [5 + c * a - s * b, -2 + s * a + c * b, e];
  });
  const projection = pcaProjection(fromRows(rows));
  const first = [projection.axes[0], projection.axes[2], projection.axes[4]];
  const second = [projection.axes[1], projection.axes[3], projection.axes[5]];
  // Sampling error of the leading direction with 4000 points: a few 1e-3; allow 0.02 in each coordinate (up to sign).
  const sign = Math.sign(first[0]);
  assert.ok(Math.abs(sign * first[0] - c) < 0.02 && Math.abs(sign * first[1] - s) < 0.02, `${first}`);
  const dot = first.reduce((sum, v, t) => sum + v * second[t], 0);
  assert.ok(Math.abs(dot) < 1e-9, `axes orthogonal, dot ${dot}`);
  assert.match(projection.labels[0], /^PC 1 \((8\d|9\d)% of variance\)$/);
});

Deno.test("project() with a column view returns those two columns", () => {
  const points = fromRows([[1, 2, 3], [4, 5, 6]]);
  const view = project(points, columnProjection(3, 2, 0));
  assert.deepEqual(Array.from(view.data), [3, 1, 6, 4]);
  assert.deepEqual(columnProjection(3, 2, 0, ["a", "b", "c"]).labels, ["c", "a"]);
  assert.throws(() => columnProjection(3, 3, 0), DataError);
});

Deno.test("makeBlobs() is deterministic for a seed and puts points near their centres", () => {
  const a = makeBlobs({ n: 500, k: 4, d: 3, spread: 0.5, seed: 11 });
  const b = makeBlobs({ n: 500, k: 4, d: 3, spread: 0.5, seed: 11 });
  assert.deepEqual(a.points.data, b.points.data);
  assert.notDeepEqual(makeBlobs({ n: 500, k: 4, d: 3, spread: 0.5, seed: 12 }).points.data, a.points.data);
  assert.equal(a.points.rows, 500);
  assert.equal(a.blobs[5], 1);
  assert.throws(() => makeBlobs({ n: 3, k: 4 }), DataError);
  assert.throws(() => makeBlobs({ n: 10, k: 2, spread: 0 }), DataError);
  assert.throws(() => makeBlobs({ n: 1e7, k: 2, d: 10 }), DataError);
});

/** n points in d columns: 10 a u + 3 b v + 0.01 noise, for random unit directions u and v. */
function wideCloud(n: number, d: number, seed: number) {
  const rng = new RandomState(seed);
  const unit = () => {
    const v = Float64Array.from({ length: d }, () => rng.standardNormal());
    const norm = Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));
    return v.map((x) => x / norm);
  };
  const [u, v] = [unit(), unit()];
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const [a, b] = [10 * rng.standardNormal(), 3 * rng.standardNormal()];
    for (let t = 0; t < d; t++) data[i * d + t] = a * u[t] + b * v[t] + 0.01 * rng.standardNormal();
  }
  return { points: { rows: n, cols: d, data }, u, v };
}

Deno.test("pcaProjection() finds the axes of wide data without a d x d matrix", async (t) => {
  for (const [n, d] of [[10, 10_000], [1000, 10_000], [300, 200]]) {
    await t.step(`${n} x ${d}`, () => {
      const { points, u, v } = wideCloud(n, d, 3);
      // A d x d covariance at d = 10,000 (800 MB) took minutes: this step would stall the suite. Its time
      // is not asserted (a timed unit test fails on a busy machine, not on slow code).
      const projection = pcaProjection(points);
      const axis = (c: number) => Float64Array.from({ length: d }, (_, i) => projection.axes[i * 2 + c]);
      const cosine = (a: Float64Array, b: Float64Array) =>
        Math.abs(a.reduce((sum, x, i) => sum + x * b[i], 0));
      // Variances 100 and 9 against 1e-4 per column of noise (1 in all): even from a 10-row (or 100-row) sample
      // the leading axis is within a few degrees of u (|cos| > 0.95) and the second close to v.
      assert.ok(cosine(axis(0), u) > 0.95, `PC 1 against u: ${cosine(axis(0), u)}`);
      if (n > 10) assert.ok(cosine(axis(1), v) > 0.9, `PC 2 against v: ${cosine(axis(1), v)}`);
      assert.ok(cosine(axis(0), axis(1)) < 1e-6, "axes orthogonal");
    });
  }
});

Deno.test("pcaProjection() on a sample of a large 2-D cloud keeps the exact mean", () => {
  const { points } = makeBlobs({ n: 50_000, k: 3, d: 2, spread: 1, seed: 2 });
  const projection = pcaProjection(points);
  let mean0 = 0;
  for (let i = 0; i < points.rows; i++) mean0 += points.data[2 * i] / points.rows;
  // Same sum in another order: 1e-12 relative.
  assert.ok(Math.abs(projection.mean[0] - mean0) <= 1e-12 * Math.abs(mean0) + 1e-15);
});

Deno.test("sampleRows() keeps small data whole and draws a seeded, ordered subset of large data", () => {
  const small = fromRows([[1, 2], [3, 4]]);
  assert.equal(sampleRows(small), small);
  const rows = Array.from({ length: 20_000 }, (_, i) => [i, -i]);
  const sample = sampleRows(fromRows(rows), { max: 300, seed: 5 });
  assert.equal(sample.rows, 300);
  const firsts = Array.from({ length: 300 }, (_, r) => sample.data[2 * r]);
  assert.ok(
    firsts.every((v, r) => sample.data[2 * r + 1] === -v && (r === 0 || v > firsts[r - 1])),
    "whole rows, in order",
  );
  assert.deepEqual(sampleRows(fromRows(rows), { max: 300, seed: 5 }).data, sample.data, "deterministic");
  assert.ok(firsts[299] > 15_000, "spread over the data, not its first rows");
});
