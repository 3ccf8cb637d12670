import { bfloat16BitsFromFloat32Bits } from './bfloat16.js';
import { assertDType, type DType, describeValue } from './dtype.js';
import { float16BitsFromFloat32Bits, float16DecodeTable } from './float16.js';
import { float32BitsRoundToOdd, float32FromBits } from './float32-bits.js';

/**
 * `x` rounded to the nearest value of `dtype` (ties to even), returned as a number.
 * `float64` is the identity, `float32` is `Math.fround`, and the 16-bit formats round
 * exactly from float64 (no double rounding), with overflow to ±∞, subnormals and signed zeros.
 *
 * @example
 * ```ts
 * roundTo(0.1, 'bfloat16'); // 0.10009765625
 * roundTo(1e5, 'float16');  // Infinity
 * ```
 * Cost: O(1), no allocation.
 * @throws TypeError for a non-number `x` or an unknown `dtype`.
 */
export function roundTo(x: number, dtype: DType): number {
  if (typeof x !== 'number') throw new TypeError(`x must be a number; got ${describeValue(x)}`);
  switch (dtype) {
    case 'float64':
      return x;
    case 'float32':
      return Math.fround(x);
    case 'bfloat16':
      return float32FromBits(bfloat16BitsFromFloat32Bits(float32BitsRoundToOdd(x)) << 16);
    case 'float16':
      return float16DecodeTable()[float16BitsFromFloat32Bits(float32BitsRoundToOdd(x))]!;
    default:
      assertDType(dtype);
      throw new TypeError(`unreachable dtype ${String(dtype)}`);
  }
}

/**
 * A rounding function for `dtype` without the per-call argument checks, for hot loops:
 * `roundingFunction('bfloat16')(x) === roundTo(x, 'bfloat16')` for every number `x`.
 */
export function roundingFunction(dtype: DType): (x: number) => number {
  switch (assertDType(dtype)) {
    case 'float64':
      return (x) => x;
    case 'float32':
      return Math.fround;
    case 'bfloat16':
      return (x) => float32FromBits(bfloat16BitsFromFloat32Bits(float32BitsRoundToOdd(x)) << 16);
    case 'float16': {
      const table = float16DecodeTable();
      return (x) => table[float16BitsFromFloat32Bits(float32BitsRoundToOdd(x))]!;
    }
  }
}
