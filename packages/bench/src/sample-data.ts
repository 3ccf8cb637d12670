/**
 * Deterministic input data for the benchmarks: the same seed gives the same values on every
 * machine and run, so results and cross-checks are reproducible.
 */

/**
 * A seeded pseudo-random generator (mulberry32): returns a function giving uniform numbers
 * in [0, 1) with 32 random bits each. Not cryptographic; period 2^32.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * Values that exercise the edge cases of 16-bit rounding: signed zeros, NaN, ±∞, float16's
 * max and overflow threshold, ties in both formats, float16 subnormals and underflow, and
 * values near float32's limits.
 */
export const SPECIAL_VALUES: readonly number[] = Object.freeze([
  0,
  -0,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  65504,
  65519,
  65520,
  -65520,
  1 + 2 ** -11,
  1 + 3 * 2 ** -11,
  1 + 2 ** -8,
  1 + 3 * 2 ** -8,
  2 ** -14,
  2 ** -24,
  2 ** -25,
  3 * 2 ** -26,
  6e-8,
  -1e-8,
  1e-40,
  3.4e38,
  -3.4e38,
]);

/** One element in this many is taken from {@link SPECIAL_VALUES}; the rest are random. */
export const SPECIAL_VALUE_STRIDE = 64;

/**
 * `length` float32 values for the rounding benchmark: random signs and magnitudes
 * `2^e` with `e` uniform in [-20, 20) (so float16 overflow and subnormals both occur), and
 * every {@link SPECIAL_VALUE_STRIDE}-th element cycling through {@link SPECIAL_VALUES}.
 * Deterministic for a given `seed`. Cost: O(length).
 */
export function halfBenchmarkInput(length: number, seed = 1): Float32Array {
  if (!Number.isInteger(length) || length < 0) {
    throw new RangeError(`length must be a non-negative integer; got ${length}`);
  }
  const random = seededRandom(seed);
  const values = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    if (i % SPECIAL_VALUE_STRIDE === 0) {
      values[i] = SPECIAL_VALUES[(i / SPECIAL_VALUE_STRIDE) % SPECIAL_VALUES.length]!;
    } else {
      const sign = random() < 0.5 ? -1 : 1;
      values[i] = sign * 2 ** (40 * random() - 20);
    }
  }
  return values;
}
