/**
 * NumPy's legacy `RandomState`, bit for bit: the MT19937 generator seeded as
 * `np.random.seed(int)`, and the draws the project needs (`shuffle`, `randint`,
 * `random_sample`, `uniform`, `standard_normal`).
 *
 * Nothing on npm reproduces NumPy's seeding and bounded-integer algorithm, so this is
 * written by hand from the reference sources:
 * - MT19937: Matsumoto & Nishimura (1998), `init_genrand` seeding, as in
 *   numpy/random/src/mt19937/mt19937.c (`mt19937_seed`, `mt19937_gen`).
 * - Bounded integers: numpy/random/src/distributions/distributions.c `random_interval`
 *   (mask to the smallest covering power of two, reject above `max`), used by the legacy
 *   `RandomState.shuffle` (Fisher-Yates from the end) and `randint` below 2^32.
 * - Doubles: `legacy_double` = (a >> 5) * 2^26 + (b >> 6), over 2^53.
 * - Normals: `legacy_gauss`, Marsaglia's polar method with one cached value.
 *
 * @module
 */

import { DataError } from "../errors.js";

const STATE_LENGTH = 624;
const SHIFT_SIZE = 397;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const MATRIX_A = 0x9908b0df;

/**
 * A seeded NumPy `RandomState`. Two instances made with the same seed produce the same
 * stream, and that stream equals NumPy's for the same seed and the same calls.
 *
 * @example
 * ```ts
 * import { NOTEBOOK_SPLIT } from "../notebook_settings.js";
 * const rng = new RandomState(NOTEBOOK_SPLIT.seed);
 * const order = rng.permutation(10_000); // np.random.seed(seed); np.random.permutation(10000)
 * ```
 */
export class RandomState {
  #key = new Uint32Array(STATE_LENGTH);
  #position = STATE_LENGTH;
  #cachedGauss: number | undefined;

  /** Seeds the generator as `np.random.seed(seed)`; the seed must be an integer in [0, 2^32 - 1]. */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new DataError(`seed ${seed} is not an integer between 0 and 2^32 - 1; pick one in that range.`);
    }
    const key = this.#key;
    key[0] = seed >>> 0;
    for (let i = 1; i < STATE_LENGTH; i++) {
      const previous = key[i - 1] ^ (key[i - 1] >>> 30);
      // 1812433253 * previous needs more than 53 bits: multiply in 16-bit halves.
      key[i] = (Math.imul(1812433253, previous) + i) >>> 0;
    }
  }

  #generate(): void {
    const key = this.#key;
    let i = 0;
    for (; i < STATE_LENGTH - SHIFT_SIZE; i++) {
      const y = (key[i] & UPPER_MASK) | (key[i + 1] & LOWER_MASK);
      key[i] = key[i + SHIFT_SIZE] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    for (; i < STATE_LENGTH - 1; i++) {
      const y = (key[i] & UPPER_MASK) | (key[i + 1] & LOWER_MASK);
      key[i] = key[i + SHIFT_SIZE - STATE_LENGTH] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    const y = (key[STATE_LENGTH - 1] & UPPER_MASK) | (key[0] & LOWER_MASK);
    key[STATE_LENGTH - 1] = key[SHIFT_SIZE - 1] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    this.#position = 0;
  }

  /** The next raw 32-bit output, tempered, as an unsigned integer. */
  nextUint32(): number {
    if (this.#position === STATE_LENGTH) this.#generate();
    let y = this.#key[this.#position++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A uniform integer in [0, max], by NumPy's masked rejection (`random_interval`); max < 2^32. */
  interval(max: number): number {
    if (max === 0) return 0;
    if (!Number.isInteger(max) || max < 0 || max > 0xffffffff) {
      throw new DataError(
        `interval bound ${max} is outside [0, 2^32 - 1]; NumPy's 64-bit path is not implemented.`,
      );
    }
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    while ((value = (this.nextUint32() & mask) >>> 0) > max);
    return value;
  }

  /** `randint(high)`: a uniform integer in [0, high), as the legacy `RandomState.randint`. */
  randint(high: number): number {
    if (!Number.isInteger(high) || high < 1) {
      throw new DataError(`randint bound ${high} must be a positive integer.`);
    }
    return this.interval(high - 1);
  }

  /** `random_sample()`: a double in [0, 1) with 53 random bits, as NumPy's `legacy_double`. */
  randomSample(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** `uniform(low, high)`: `low + (high - low) * random_sample()`. */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.randomSample();
  }

  /** `standard_normal()`: NumPy's legacy polar method, which caches every second value. */
  standardNormal(): number {
    if (this.#cachedGauss !== undefined) {
      const cached = this.#cachedGauss;
      this.#cachedGauss = undefined;
      return cached;
    }
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2 * this.randomSample() - 1;
      x2 = 2 * this.randomSample() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt(-2 * Math.log(r2) / r2);
    this.#cachedGauss = f * x1;
    return f * x2;
  }

  /** Shuffles `values` in place exactly as the legacy `RandomState.shuffle` does a 1-D array. */
  shuffle<T extends { length: number; [index: number]: unknown }>(values: T): T {
    for (let i = values.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const swap = values[i];
      values[i] = values[j];
      values[j] = swap;
    }
    return values;
  }

  /** `np.random.shuffle(np.arange(n))`, as an Int32Array. */
  permutation(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) {
      throw new DataError(`cannot permute ${n} items: n must be an integer between 0 and 2^31 - 1.`);
    }
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    return this.shuffle(order);
  }
}
