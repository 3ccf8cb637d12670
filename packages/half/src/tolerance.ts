import { assertDType, type DType, FORMATS } from './dtype.js';

/**
 * Absolute and relative tolerances for comparing a result computed in some dtype with an
 * exact (float64) reference: `|actual − expected| ≤ atol + rtol·|expected|`.
 */
export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

const BASE: Readonly<Record<DType, Tolerance>> = Object.freeze({
  // ~1e5 ulps of float64: room for sums of a few thousand products.
  float64: Object.freeze({ rtol: 1e-10, atol: 1e-12 }),
  // The reference test-suite's float32 row (spec §6.1): ~84 ulps.
  float32: Object.freeze({ rtol: 1e-5, atol: 1e-7 }),
  // ~10 ulps of float16 (epsilon 2^-10).
  float16: Object.freeze({ rtol: 1e-2, atol: 1e-4 }),
  // ~6 ulps of bfloat16 (epsilon 2^-7).
  bfloat16: Object.freeze({ rtol: 5e-2, atol: 1e-3 }),
});

/**
 * The tolerance every numerical test in the repository uses for results computed in
 * `dtype`, scaled by `factor` (≥ 1) for computations with more rounding steps.
 *
 * | dtype    | rtol  | atol  |
 * |----------|-------|-------|
 * | float64  | 1e-10 | 1e-12 |
 * | float32  | 1e-5  | 1e-7  |
 * | float16  | 1e-2  | 1e-4  |
 * | bfloat16 | 5e-2  | 1e-3  |
 *
 * @example
 * ```ts
 * const { rtol, atol } = toleranceFor('bfloat16');
 * Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
 * ```
 */
export function toleranceFor(dtype: DType, factor = 1): Tolerance {
  assertDType(dtype);
  if (!(factor >= 1 && Number.isFinite(factor))) {
    throw new RangeError(`factor must be a finite number >= 1; got ${factor}`);
  }
  const base = BASE[dtype];
  return { rtol: base.rtol * factor, atol: base.atol * factor };
}

/** `|actual − expected| ≤ atol + rtol·|expected|`; NaN only matches NaN, ±∞ only itself. */
export function isClose(actual: number, expected: number, tolerance: Tolerance): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  if (!Number.isFinite(actual)) return false;
  return Math.abs(actual - expected) <= tolerance.atol + tolerance.rtol * Math.abs(expected);
}

/** Unit roundoff `epsilon / 2` of `dtype`: the largest relative error of one rounding. */
export function unitRoundoff(dtype: DType): number {
  return FORMATS[assertDType(dtype)].epsilon / 2;
}
