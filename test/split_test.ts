// The notebook's seeded split against NumPy: data2D's reference indices (from the seed notebook's
// stack, see testdata/sklearn_data2d.json's note) and the shuffle fixtures of testdata/shuffle.json.
import assert from "node:assert/strict";
import { NOTEBOOK_SPLIT_SEED, split } from "../lib/random/split.js";
import { parseNpy } from "../lib/io/npy.js";
import { DataError } from "../lib/errors.js";
import { readJson, repoFile, sha256Int32LE, type ShuffleFixture } from "./_testdata.js";

const data2D = parseNpy(Deno.readFileSync(repoFile("src/data/data2D.npy")));

/** From ../shared/reference/data2D-reference.json (split_kmeans / split_gmm), made by NumPy. */
const DATA2D_FIRST_TEN = [2651, 6985, 1054, 9610, 2540, 7073, 6432, 8575, 5327, 7255];
const DATA2D_LAST_FIVE = [8946, 3465, 2427, 4269, 2275];
const DATA2D_ORDER_SHA256 = "630e03e6c616496e2bc07f5130eb011a1102e6f814a5d5b9f98b97d4aa5b0cf6";

function concat(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function assertPartition(valid: Int32Array, train: Int32Array, n: number): void {
  const seen = new Uint8Array(n);
  for (const i of concat(valid, train)) {
    assert.ok(i >= 0 && i < n, `index ${i} out of range`);
    assert.equal(seen[i], 0, `index ${i} appears twice`);
    seen[i] = 1;
  }
  assert.equal(valid.length + train.length, n);
}

Deno.test("split() of data2D matches NumPy's indices for the K-means and mixture splits", async (t) => {
  assert.equal(data2D.rows, 10_000);
  for (const [validDivisor, validCount] of [[4, 2500], [3, 3333]]) {
    await t.step(`validDivisor ${validDivisor}`, async () => {
      const { valid, train } = split(data2D.rows, { validDivisor, seed: NOTEBOOK_SPLIT_SEED });
      assert.equal(valid.length, validCount);
      assert.equal(train.length, data2D.rows - validCount);
      assert.deepEqual(Array.from(valid.subarray(0, 10)), DATA2D_FIRST_TEN);
      assert.deepEqual(Array.from(train.subarray(-5)), DATA2D_LAST_FIVE);
      assert.equal(await sha256Int32LE(concat(valid, train)), DATA2D_ORDER_SHA256);
      assertPartition(valid, train, data2D.rows);
    });
  }
});

Deno.test("split() defaults to the notebook's seed 45689 and the K-means divisor 4", () => {
  assert.equal(NOTEBOOK_SPLIT_SEED, 45689);
  const { valid, train } = split(10_000);
  assert.equal(valid.length, 2500);
  assert.equal(train.length, 7500);
  assert.deepEqual(Array.from(valid.subarray(0, 10)), DATA2D_FIRST_TEN);
});

Deno.test("split() takes int(n / validDivisor) of NumPy's shuffle for every fixture (n, seed)", async (t) => {
  const { shuffles } = readJson<{ shuffles: ShuffleFixture[] }>("shuffle.json");
  for (const fixture of shuffles) {
    await t.step(`n ${fixture.n}, seed ${fixture.seed}`, async () => {
      for (const validDivisor of [4, 3, 1, 2.5]) {
        const { valid, train } = split(fixture.n, { seed: fixture.seed, validDivisor });
        // Python's int(n / d): float division, truncated toward zero.
        assert.equal(valid.length, Math.trunc(fixture.n / validDivisor));
        const order = concat(valid, train);
        if (fixture.order) assert.deepEqual(Array.from(order), fixture.order);
        if (fixture.first20) assert.deepEqual(Array.from(order.subarray(0, 20)), fixture.first20);
        if (fixture.last20) assert.deepEqual(Array.from(order.subarray(-20)), fixture.last20);
        assert.equal(await sha256Int32LE(order), fixture.sha256);
        assertPartition(valid, train, fixture.n);
      }
    });
  }
});

Deno.test("split() of one row puts it in training (int(1 / 4) = 0 validation rows)", () => {
  const { valid, train } = split(1);
  assert.deepEqual(Array.from(valid), []);
  assert.deepEqual(Array.from(train), [0]);
});

Deno.test("split() refuses bad row counts, divisors and seeds with a DataError", () => {
  for (const n of [0, -5, 2.5, NaN, Infinity]) assert.throws(() => split(n), DataError, `n ${n}`);
  for (const validDivisor of [0, 0.5, -4, NaN, Infinity]) {
    assert.throws(() => split(100, { validDivisor }), DataError, `validDivisor ${validDivisor}`);
  }
  for (const seed of [-1, 2 ** 32, 0.5]) assert.throws(() => split(100, { seed }), DataError, `seed ${seed}`);
});
