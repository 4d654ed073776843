// RandomState against NumPy's legacy RandomState, bit for bit (fixtures: testdata/shuffle.json,
// made by testdata/make_fixtures.py).
import assert from "node:assert/strict";
import { RandomState } from "../lib/random/random_state.js";
import { DataError } from "../lib/errors.js";
import { assertRelativelyClose, readJson, sha256Int32LE, type ShuffleFixture } from "./_testdata.js";

interface Fixtures {
  shuffles: ShuffleFixture[];
  raw_uint32: { seed: number; first10: number[]; sha256_2000: string }[];
  random_sample: { seed: number; values: number[] }[];
  uniform: { seed: number; low: number; high: number; values: number[] }[];
  standard_normal: { seed: number; values: number[] }[];
  randint: { seed: number; calls: { high: number; values: number[] }[] }[];
  interleaved_seed45689: { call: string; value: number }[];
}

const fixtures = readJson<Fixtures>("shuffle.json");

Deno.test("new RandomState(seed).nextUint32() is NumPy's raw MT19937 stream", async (t) => {
  for (const { seed, first10, sha256_2000 } of fixtures.raw_uint32) {
    await t.step(`seed ${seed}`, async () => {
      const rng = new RandomState(seed);
      // 2000 draws cross the 624-word regeneration three times.
      const draws = Array.from({ length: 2000 }, () => rng.nextUint32());
      assert.deepEqual(draws.slice(0, 10), first10);
      assert.equal(await sha256Int32LE(draws), sha256_2000);
    });
  }
});

Deno.test("RandomState.randomSample() equals NumPy's random_sample()", async (t) => {
  for (const { seed, values } of fixtures.random_sample) {
    await t.step(`seed ${seed}`, () => {
      const rng = new RandomState(seed);
      // Exact (tolerance 0): (a * 2^26 + b) / 2^53 is exact in binary64, in C and in JS alike.
      assert.deepEqual(values.map(() => rng.randomSample()), values);
    });
  }
});

Deno.test("RandomState.uniform(low, high) equals NumPy's uniform(low, high)", async (t) => {
  for (const { seed, low, high, values } of fixtures.uniform) {
    await t.step(`seed ${seed}`, () => {
      const rng = new RandomState(seed);
      // Exact (tolerance 0): low + (high - low) * x is the same two IEEE operations as NumPy's.
      assert.deepEqual(values.map(() => rng.uniform(low, high)), values);
    });
  }
});

Deno.test("RandomState.standardNormal() equals NumPy's standard_normal() within 4 ulp", async (t) => {
  for (const { seed, values } of fixtures.standard_normal) {
    await t.step(`seed ${seed}`, () => {
      const rng = new RandomState(seed);
      for (const [i, expected] of values.entries()) {
        // Relative 1e-15 (about 4 ulp): the polar method goes through log(), which V8 and the C
        // library are not required to round identically; the uniform draws themselves are exact.
        assertRelativelyClose(rng.standardNormal(), expected, 1e-15, `seed ${seed} draw ${i}`);
      }
    });
  }
});

Deno.test("RandomState.randint(high) equals NumPy's randint(high), draw for draw", async (t) => {
  for (const { seed, calls } of fixtures.randint) {
    await t.step(`seed ${seed}`, () => {
      // One generator through every bound in turn: a wrong number of raw draws for any bound
      // (high = 1 takes none, 2^32 takes exactly one) shifts every later value.
      const rng = new RandomState(seed);
      for (const { high, values } of calls) {
        assert.deepEqual(values.map(() => rng.randint(high)), values, `randint(${high})`);
      }
    });
  }
});

Deno.test("RandomState keeps NumPy's stream across interleaved calls (cached normal included)", () => {
  const rng = new RandomState(45689);
  for (const [i, { call, value }] of fixtures.interleaved_seed45689.entries()) {
    if (call === "standard_normal") {
      // Relative 1e-15: log() rounding, as above.
      assertRelativelyClose(rng.standardNormal(), value, 1e-15, `call ${i}`);
    } else if (call === "random_sample") assert.equal(rng.randomSample(), value, `call ${i}`);
    else if (call === "uniform") assert.equal(rng.uniform(), value, `call ${i}`);
    else if (call === "randint:10") assert.equal(rng.randint(10), value, `call ${i}`);
    else throw new Error(`unknown call ${call} in the fixture`);
  }
});

Deno.test("RandomState.permutation(n) equals np.random.seed(seed); np.random.shuffle(np.arange(n))", async (t) => {
  const pairs = fixtures.shuffles;
  // The brief's corner cases must be in the fixture, not silently dropped from it.
  for (const n of [1, 2, 3, 65535, 65536, 65537, 100000]) {
    for (const seed of [0, 2 ** 32 - 1]) {
      assert.ok(pairs.some((p) => p.n === n && p.seed === seed), `n ${n} seed ${seed}`);
    }
  }
  for (const fixture of pairs) {
    await t.step(`n ${fixture.n}, seed ${fixture.seed}`, async () => {
      const order = new RandomState(fixture.seed).permutation(fixture.n);
      assert.ok(order instanceof Int32Array);
      assert.equal(order.length, fixture.n);
      if (fixture.order) assert.deepEqual(Array.from(order), fixture.order);
      if (fixture.first20) assert.deepEqual(Array.from(order.subarray(0, 20)), fixture.first20);
      if (fixture.last20) assert.deepEqual(Array.from(order.subarray(-20)), fixture.last20);
      assert.equal(await sha256Int32LE(order), fixture.sha256);
    });
  }
});

Deno.test("RandomState.shuffle(array) permutes a plain array as permutation() does", () => {
  for (const seed of [0, 45689, 2 ** 32 - 1]) {
    const values = Array.from({ length: 1000 }, (_, i) => `item ${i}`);
    const shuffled = new RandomState(seed).shuffle(values);
    assert.equal(shuffled, values, "shuffles in place and returns its argument");
    const order = new RandomState(seed).permutation(1000);
    assert.deepEqual(shuffled, Array.from(order, (i) => `item ${i}`));
  }
});

Deno.test("RandomState.permutation(0) is empty and draws nothing", () => {
  const rng = new RandomState(7);
  assert.equal(rng.permutation(0).length, 0);
  assert.equal(rng.nextUint32(), new RandomState(7).nextUint32());
});

Deno.test("new RandomState(seed) accepts 0 and 2^32 - 1 and refuses other seeds with a DataError", async (t) => {
  new RandomState(0);
  new RandomState(2 ** 32 - 1);
  for (const seed of [-1, 2 ** 32, 1.5, NaN, Infinity, -Infinity]) {
    await t.step(`seed ${seed}`, () => {
      assert.throws(() => new RandomState(seed), (error: unknown) => {
        assert.ok(error instanceof DataError);
        assert.equal(
          error.message,
          `seed ${seed} is not an integer between 0 and 2^32 - 1; pick one in that range.`,
        );
        return true;
      });
    });
  }
});

Deno.test("RandomState.randint(), interval() and permutation() refuse bad bounds with a DataError", () => {
  const rng = new RandomState(0);
  for (const high of [0, -3, 1.5, NaN, 2 ** 32 + 1]) {
    assert.throws(() => rng.randint(high), DataError, `randint(${high})`);
  }
  for (const max of [-1, 0.5, 2 ** 32]) assert.throws(() => rng.interval(max), DataError, `interval(${max})`);
  for (const n of [-1, 2.5, NaN, 2 ** 31]) {
    assert.throws(() => rng.permutation(n), DataError, `permutation(${n})`);
  }
});
