import assert from "node:assert/strict";
import { columnProjection, pcaProjection, project } from "../lib/projection.js";
import { makeBlobs } from "../lib/synthetic.js";
import { fromRows } from "../lib/matrix.js";
import { RandomState } from "../lib/random_state.js";
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
