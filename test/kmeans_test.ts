// Lloyd's K-means against scikit-learn 1.2 (testdata/sklearn_data2d.json and sklearn_blobs.json,
// made by testdata/make_sklearn_fixtures.py), with property tests on small random datasets.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  assign,
  kmeansPlusPlus,
  lloyd,
  lloydFrom,
  meanFeatureVariance,
  validationScore,
} from "../lib/kmeans/kmeans.js";
import type { LloydResult } from "../lib/kmeans/kmeans.js";
import { fromRows, squaredDistance, takeRows } from "../lib/matrix.js";
import type { Matrix } from "../lib/matrix.js";
import { parseNpy } from "../lib/io/npy.js";
import { split } from "../lib/random/split.js";
import { RandomState } from "../lib/random/random_state.js";
import { DataError } from "../lib/errors.js";
import { assertRelativelyClose, readJson, readTestdata, repoFile } from "./_testdata.js";

/**
 * Asserts the rows of `actual` are the rows of `expected` in some order, each coordinate within
 * `tolerance` (absolute), pairing every expected centroid with a distinct actual one.
 */
function assertSameCentroids(actual: Matrix, expected: number[][], tolerance: number, what: string): void {
  assert.equal(actual.rows, expected.length, `${what}: number of centroids`);
  const used = new Set<number>();
  for (const [e, centroid] of expected.entries()) {
    let match = -1;
    for (let j = 0; j < actual.rows && match < 0; j++) {
      if (used.has(j)) continue;
      if (centroid.every((value, t) => Math.abs(actual.data[j * actual.cols + t] - value) <= tolerance)) {
        match = j;
      }
    }
    assert.ok(
      match >= 0,
      `${what}: scikit-learn's centroid ${e} (${centroid.slice(0, 4).join(", ")}, ...) has no match`,
    );
    used.add(match);
  }
}

interface Data2dFixture {
  kmeans: Record<
    string,
    {
      lloyd_valid: number;
      lloyd_inertia: number;
      lloyd_centers: number[][];
      kmeans_plusplus_indices: number[];
    }
  >;
}

Deno.test("lloyd() on data2D's K-means split matches scikit-learn for k = 1..5", async (t) => {
  const fixture = readJson<Data2dFixture>("sklearn_data2d.json");
  const points = parseNpy(Deno.readFileSync(repoFile("src/data/data2D.npy")));
  const indices = split(points.rows, { validDivisor: 4, seed: 45689 });
  const train = takeRows(points, indices.train);
  const valid = takeRows(points, indices.valid);
  for (let k = 1; k <= 5; k++) {
    const reference = fixture.kmeans[k];
    await t.step(`k = ${k}`, () => {
      const result = lloyd(train, { k });
      assert.ok(result.converged);
      // Relative 1e-5: scikit-learn centres the data, sums in chunks across threads and computes
      // distances as |x|^2 - 2x.c + |c|^2, so the same partition gives centroids equal only to ~1e-15;
      // 1e-5 is far below the gap between different local optima (about 1e-2 here).
      assertRelativelyClose(
        validationScore(valid, result.centroids),
        reference.lloyd_valid,
        1e-5,
        "validation score",
      );
      assertRelativelyClose(result.inertia, reference.lloyd_inertia, 1e-5, "inertia");
      // Absolute 1e-6 on coordinates of order 1: the same reasoning.
      assertSameCentroids(result.centroids, reference.lloyd_centers, 1e-6, `k = ${k}`);
    });
  }
});

Deno.test("kmeansPlusPlus() picks the same points as scikit-learn's kmeans_plusplus(random_state=0)", async (t) => {
  const fixture = readJson<Data2dFixture>("sklearn_data2d.json");
  const points = parseNpy(Deno.readFileSync(repoFile("src/data/data2D.npy")));
  const train = takeRows(points, split(points.rows, { validDivisor: 4 }).train);
  for (let k = 1; k <= 5; k++) {
    await t.step(`data2D, k = ${k}`, () => {
      const chosen = kmeansPlusPlus(train, k, new RandomState(0));
      assert.deepEqual(Array.from(chosen), fixture.kmeans[k].kmeans_plusplus_indices);
    });
  }
  for (const dataset of blobs.datasets) {
    const data = parseNpy(readTestdata(dataset.file));
    for (const run of dataset.runs) {
      await t.step(`${dataset.file}, k = ${run.k}`, () => {
        assert.deepEqual(
          Array.from(kmeansPlusPlus(data, run.k, new RandomState(0))),
          run.kmeans_plusplus_indices,
        );
      });
    }
  }
});

interface BlobsFixture {
  datasets: {
    file: string;
    n: number;
    d: number;
    runs: {
      k: number;
      inertia: number;
      n_iter: number;
      centers: number[][];
      kmeans_plusplus_indices: number[];
    }[];
  }[];
}
const blobs = readJson<BlobsFixture>("sklearn_blobs.json");

Deno.test("lloyd() matches scikit-learn's inertia and centroids on blobs in 1, 10, 100 and 128 dimensions", async (t) => {
  for (const dataset of blobs.datasets) {
    const points = parseNpy(readTestdata(dataset.file));
    assert.equal(points.rows, dataset.n);
    assert.equal(points.cols, dataset.d);
    for (const run of dataset.runs) {
      await t.step(`d = ${dataset.d}, k = ${run.k}`, () => {
        const result = lloyd(points, { k: run.k, nInit: 10, maxIter: 5000, seed: 0 });
        assert.ok(result.converged);
        // Relative 1e-5: same partition, different summation order and distance formula (see above).
        assertRelativelyClose(result.inertia, run.inertia, 1e-5, "inertia");
        // Absolute 1e-6 on coordinates of order 10 (make_blobs' centre box is [-10, 10]).
        assertSameCentroids(result.centroids, run.centers, 1e-6, `d = ${dataset.d}, k = ${run.k}`);
      });
    }
  }
});

Deno.test("lloydFrom() moves a cluster emptied by relocation to the data mean, as scikit-learn does", () => {
  // KMeans(n_clusters=3, init=[[0.5], [17], [1000]], n_init=1, max_iter=1, algorithm="lloyd")
  // .fit([[0], [1], [10]]) in scikit-learn 1.2.1 gives centroids [0.5, 11/3, 10], labels [0, 0, 2],
  // inertia 0.5: centroid 2 is empty, takes the farthest point (10) from centroid 1, which empties
  // it; scikit-learn leaves its zero sum unscaled on centred data, i.e. at the data mean.
  const points = fromRows([[0], [1], [10]]);
  const result = lloydFrom(points, fromRows([[0.5], [17], [1000]]), { maxIter: 1 });
  assert.ok(result.centroids.data.every(Number.isFinite), `centroids ${result.centroids.data}`);
  // Absolute 1e-12: 11/3 computed as a mean of three small integers.
  assert.ok(Math.abs(result.centroids.data[1] - 11 / 3) <= 1e-12);
  assert.deepEqual([result.centroids.data[0], result.centroids.data[2]], [0.5, 10]);
  assert.deepEqual(Array.from(result.labels), [0, 0, 2]);
  assert.equal(result.inertia, 0.5);
  // Given more iterations it settles with every point on its own centroid.
  const settled = lloydFrom(points, fromRows([[0.5], [17], [1000]]));
  assert.equal(settled.inertia, 0);
  assert.ok(settled.converged);
});

Deno.test("assign() takes the nearest centroid, the first one on exact ties", () => {
  const { labels, distances } = assign(fromRows([[0, 0], [5, 5], [2.5, 2.5]]), fromRows([[1, 1], [4, 4]]));
  assert.deepEqual(Array.from(labels), [0, 1, 0]);
  assert.deepEqual(Array.from(distances), [2, 2, 4.5]);
  const oneD = assign(fromRows([[0], [3]]), fromRows([[-1], [1], [3]]));
  assert.deepEqual(Array.from(oneD.labels), [0, 2]);
});

Deno.test("validationScore() is the mean squared distance to the nearest centroid", () => {
  // Exact: small dyadic numbers.
  assert.equal(
    validationScore(fromRows([[0, 0], [2, 0], [10, 1]]), fromRows([[1, 0], [10, 0]])),
    (1 + 1 + 1) / 3,
  );
});

Deno.test("meanFeatureVariance() is NumPy's np.mean(np.var(X, axis=0))", () => {
  // var of [0, 2] is 1 and of [0, 4] is 4 (population variance, ddof 0): mean 2.5.
  assert.equal(meanFeatureVariance(fromRows([[0, 0], [2, 4]])), 2.5);
});

// ---------------------------------------------------------------------------------------------
// Properties on small random datasets
// ---------------------------------------------------------------------------------------------

/** A coordinate: usually any double in [-100, 100], sometimes a small integer so that duplicate points and exact ties occur. */
const anyCoordinate = fc.oneof(
  { weight: 3, arbitrary: fc.double({ min: -100, max: 100, noNaN: true }) },
  { weight: 1, arbitrary: fc.integer({ min: -3, max: 3 }) },
);

/**
 * Like {@link anyCoordinate} but with three decimals, so distinct points are at least 1e-3 apart:
 * with arbitrary doubles two distinct points can be so close (1e-162) that their squared distance
 * underflows to 0, and Lloyd cannot tell them apart.
 */
const decimalCoordinate = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -100_000, max: 100_000 }).map((v) => v / 1000) },
  { weight: 1, arbitrary: fc.integer({ min: -3, max: 3 }) },
);

/** n points in d dimensions (d in 1..5), with k in 1..min(n, 6) and n in k..60. */
function dataset(coordinate: fc.Arbitrary<number>) {
  return fc
    .record({ d: fc.integer({ min: 1, max: 5 }), k: fc.integer({ min: 1, max: 6 }) })
    .chain(({ d, k }) =>
      fc.integer({ min: k, max: 60 }).chain((n) =>
        fc.record({
          k: fc.constant(k),
          points: fc.array(coordinate, { minLength: n * d, maxLength: n * d })
            .map((values): Matrix => ({ rows: n, cols: d, data: Float64Array.from(values) })),
          // Initial centroids as row indices, repeats allowed (they start with empty clusters).
          initial: fc.array(fc.nat(n - 1), { minLength: k, maxLength: k }),
          seed: fc.nat(),
        })
      )
    );
}

function meanSquaredNorm(points: Matrix): number {
  let total = 0;
  for (const value of points.data) total += value * value;
  return total / points.rows;
}

Deno.test("lloydFrom() never increases the inertia from one iteration to the next", () => {
  fc.assert(
    fc.property(dataset(anyCoordinate), ({ points, initial }) => {
      const start = takeRows(points, initial);
      // Float rounding: means are not the exact minimisers, so allow 1e-9 relative; and the mean of
      // exact duplicates can be an ulp off them, lifting a zero inertia to ~1e-30: add 1e-12 of
      // the data's mean squared norm.
      const slack = 1e-12 * meanSquaredNorm(points);
      let previous = Infinity;
      for (let maxIter = 1; maxIter <= 60; maxIter++) {
        const result = lloydFrom(points, start, { maxIter });
        assert.ok(Number.isFinite(result.inertia) && result.centroids.data.every(Number.isFinite));
        assert.ok(
          result.inertia <= previous * (1 + 1e-9) + slack,
          `inertia rose from ${previous} to ${result.inertia} at maxIter ${maxIter}`,
        );
        previous = result.inertia;
        if (result.converged) {
          assert.ok(result.iterations <= maxIter);
          break;
        }
        assert.equal(result.iterations, maxIter);
      }
    }),
    { numRuns: 300 },
  );
});

/** Every point's label names a nearest centroid (ties broken either way), and inertia adds up. */
function assertNearest(points: Matrix, result: LloydResult): void {
  const nearest = assign(points, result.centroids);
  let inertia = 0;
  for (let i = 0; i < points.rows; i++) {
    const own = squaredDistance(points, i, result.centroids, result.labels[i]);
    // Exact: both distances come from the same formula on the same numbers; only ties may differ.
    assert.equal(
      own,
      nearest.distances[i],
      `point ${i}: label ${result.labels[i]}, nearest ${nearest.labels[i]}`,
    );
    if (result.labels[i] !== nearest.labels[i]) assert.equal(own, nearest.distances[i], "an exact tie");
    inertia += own;
  }
  // Relative 1e-12 (plus 1e-300 for a zero inertia): the same sum, possibly of centroids an ulp apart.
  // lloyd() works on centred data, as scikit-learn does, so its inertia may also differ by the
  // rounding of adding the mean back to each centroid: a shift of at most |D| = sqrt(d) 4 eps max|x|,
  // which moves each squared distance r^2 by at most 2 r |D| + |D|^2.
  let largest = 0;
  for (const v of points.data) largest = Math.max(largest, Math.abs(v));
  const shift = Math.sqrt(points.cols) * 4 * Number.EPSILON * largest;
  let recentring = 0;
  for (let i = 0; i < points.rows; i++) {
    recentring += 2 * Math.sqrt(nearest.distances[i]) * shift + shift ** 2;
  }
  assert.ok(
    Math.abs(inertia - result.inertia) <= 1e-12 * inertia + recentring + 1e-300,
    `inertia ${result.inertia} vs ${inertia}`,
  );
}

function distinctRows(points: Matrix): number {
  return new Set(Array.from({ length: points.rows }, (_, i) => {
    return Array.from(points.data.subarray(i * points.cols, (i + 1) * points.cols)).join(",");
  })).size;
}

Deno.test("lloyd() and lloydFrom() stop with every label at a nearest centroid", () => {
  fc.assert(
    fc.property(dataset(decimalCoordinate), ({ points, k, initial, seed }) => {
      // With fewer distinct points than clusters, relocating zero-distance points can cycle
      // forever (see the report on lloydFrom); convergence is only promised otherwise.
      const enoughPoints = distinctRows(points) >= k;
      const result = lloyd(points, { k, seed, nInit: 2, maxIter: 300 });
      if (enoughPoints) assert.ok(result.converged, "lloyd() converged");
      if (result.converged) assertNearest(points, result);
      // Strict convergence (tolerance 0: stop only when labels repeat or nothing moves).
      const strict = lloydFrom(points, takeRows(points, initial), { maxIter: 300 });
      if (enoughPoints) assert.ok(strict.converged, "lloydFrom() converged");
      if (strict.converged) assertNearest(points, strict);
    }),
    { numRuns: 300 },
  );
});

Deno.test("lloyd() gives the same result for the same seed", () => {
  fc.assert(
    fc.property(dataset(anyCoordinate), ({ points, k, seed }) => {
      // Arbitrary doubles can span less than checkScale's 1e-150 (e.g. 0 and 5e-324): then the
      // same seed must give the same refusal.
      const run = () => {
        try {
          return lloyd(points, { k, seed, nInit: 3 });
        } catch (error) {
          assert.ok(error instanceof DataError, `threw ${error}, not a DataError`);
          return error.message;
        }
      };
      const a = run(), b = run();
      if (typeof a === "string" || typeof b === "string") return assert.equal(a, b);
      assert.deepEqual(Array.from(a.labels), Array.from(b.labels));
      assert.deepEqual(Array.from(a.centroids.data), Array.from(b.centroids.data));
      assert.equal(a.inertia, b.inertia);
      assert.equal(a.iterations, b.iterations);
    }),
    { numRuns: 100 },
  );
});

// ---------------------------------------------------------------------------------------------
// Refusals
// ---------------------------------------------------------------------------------------------

function assertDataError(run: () => unknown, message: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof DataError, `threw ${error}, not a DataError`);
    assert.equal(error.message, message);
    return true;
  });
}

Deno.test("lloyd() and kmeansPlusPlus() refuse k = 0, k = 1.5 and k above the number of points", () => {
  const points = fromRows([[0, 0], [1, 1], [2, 2]]);
  for (const k of [0, -1, 1.5, NaN]) {
    const message = `k = ${k} is not a positive integer; choose k of at least 1.`;
    assertDataError(() => lloyd(points, { k }), message);
    assertDataError(() => kmeansPlusPlus(points, k, new RandomState(0)), message);
  }
  const message = "k = 4 is more than the 3 points available; choose k of at most 3.";
  assertDataError(() => lloyd(points, { k: 4 }), message);
  assertDataError(() => kmeansPlusPlus(points, 4, new RandomState(0)), message);
  // k = n is allowed: every point its own centroid.
  assert.equal(lloyd(points, { k: 3 }).inertia, 0);
});

Deno.test("lloyd() refuses bad nInit, maxIter, tol and seed with a DataError", () => {
  const points = fromRows([[0], [1], [2]]);
  assertDataError(() => lloyd(points, { k: 1, nInit: 0 }), "nInit = 0 must be a positive integer.");
  assertDataError(() => lloyd(points, { k: 1, maxIter: 2.5 }), "maxIter = 2.5 must be a positive integer.");
  assertDataError(() => lloyd(points, { k: 1, tol: -1 }), "tol = -1 must be a non-negative number.");
  assertDataError(() => lloyd(points, { k: 1, tol: NaN }), "tol = NaN must be a non-negative number.");
  assert.throws(() => lloyd(points, { k: 1, seed: -1 }), DataError);
});

Deno.test("assign(), validationScore() and lloydFrom() refuse centroids of another width", () => {
  const points = fromRows([[0, 0], [1, 1]]);
  const centroids = fromRows([[0, 0, 0]]);
  const message = "the points have 2 columns but the centroids have 3; they must match.";
  assertDataError(() => assign(points, centroids), message);
  assertDataError(() => validationScore(points, centroids), message);
  assertDataError(() => lloydFrom(points, centroids), message);
  assertDataError(
    () => assign(points, { rows: 0, cols: 2, data: new Float64Array() }),
    "there are no centroids to assign points to; train with k of at least 1.",
  );
});

Deno.test("lloyd() converges when k exceeds the number of distinct points", () => {
  // Repeated points used to make empty-cluster relocation steal a cluster's only point forever.
  const result = lloyd(fromRows([[0], [-1], [0], [0]]), { k: 4 });
  assert.equal(result.converged, true);
  assert.ok(result.iterations < 10, `${result.iterations} iterations`);
  assert.equal(result.inertia, 0);
});

Deno.test("lloyd() refuses data whose squared distances overflow or underflow, and centres huge offsets", () => {
  const rows = Array.from({ length: 40 }, (_, i) => [Math.sin(i), Math.cos(3 * i)]);
  assert.throws(
    () => lloyd(fromRows([...rows, [1e200, 1]]), { k: 2 }),
    /overflow float64; divide the data by 1e/,
  );
  // One column of tiny spread next to a normal one is fine: that column adds nothing to the distances.
  assert.ok(Number.isFinite(lloyd(fromRows(rows.map(([x, y]) => [x * 1e-200, y])), { k: 2 }).inertia));
  assert.throws(
    () => lloyd(fromRows(rows.map(([x, y]) => [x * 1e-200, y * 1e-200])), { k: 2 }),
    /underflow to zero in float64; multiply the data by 1e/,
  );
  // An offset of 2^62 with a spread of about 1: without centring, every difference would be a
  // multiple of 1024 and the inertia 0 or millions; centred, it is the inertia without the offset.
  const plain = lloyd(fromRows(rows.map(([x, y]) => [x * 1e6, y * 1e6])), { k: 2 });
  const offset = lloyd(
    fromRows(rows.map(([x, y]) => [2 ** 62 + Math.round(x * 1e6), 2 ** 62 + Math.round(y * 1e6)])),
    {
      k: 2,
    },
  );
  // Inputs rounded to multiples of 1024 (float64 spacing at 2^62) against exact ones: 1e-3 relative.
  assert.ok(Math.abs(offset.inertia / plain.inertia - 1) < 1e-3, `${offset.inertia} vs ${plain.inertia}`);
});
