import assert from "node:assert/strict";
import fc from "fast-check";
import { fromRows } from "../lib/matrix.js";
import { matchCentroids } from "../lib/kmeans/match_centroids.js";
import { DataError } from "../lib/errors.js";

function permutations(items: number[]): number[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((p) => [item, ...p])
  );
}

Deno.test("matchCentroids() pairs shuffled copies with themselves at distance 0", () => {
  const a = fromRows([[0, 0], [5, 1], [-3, 2], [1, -4]]);
  const b = fromRows([[-3, 2], [1, -4], [0, 0], [5, 1]]);
  assert.deepEqual(matchCentroids(a, b).map(({ a, b }) => [a, b]), [[0, 2], [1, 3], [2, 0], [3, 1]]);
  assert.ok(matchCentroids(a, b).every((pair) => pair.distance === 0));
});

Deno.test("matchCentroids() finds the cheapest one-to-one matching (brute force check)", () => {
  const point = fc.tuple(
    fc.double({ min: -10, max: 10, noNaN: true }),
    fc.double({ min: -10, max: 10, noNaN: true }),
  );
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 6 }).chain((k) =>
        fc.tuple(
          fc.array(point, { minLength: k, maxLength: k }),
          fc.array(point, { minLength: k, maxLength: k }),
        )
      ),
      ([first, second]) => {
        const a = fromRows(first), b = fromRows(second);
        const cost = (pairs: number[]) =>
          pairs.reduce(
            (sum, j, i) => sum + (first[i][0] - second[j][0]) ** 2 + (first[i][1] - second[j][1]) ** 2,
            0,
          );
        const brute = Math.min(...permutations(first.map((_, i) => i)).map(cost));
        const found = cost(matchCentroids(a, b).map((pair) => pair.b));
        // Same sum of the same terms in another order: allow float rounding, 1e-9 relative.
        assert.ok(Math.abs(found - brute) <= 1e-9 * Math.max(1, brute), `${found} vs ${brute}`);
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("matchCentroids() refuses sets of different shapes", () => {
  assert.throws(() => matchCentroids(fromRows([[0, 0]]), fromRows([[0, 0], [1, 1]])), DataError);
});
