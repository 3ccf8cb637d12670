import { describeValue } from './dtype.js';
import { float32BitsRoundToOdd, float32FromBits } from './float32-bits.js';

/**
 * Rounds a float32 bit pattern to the bfloat16 bit pattern (its upper 16 bits), round to
 * nearest, ties to even. Overflow carries into the exponent and gives ±∞ exactly at the
 * right threshold; NaN stays NaN (quiet bit set, sign kept).
 * @internal
 */
export function bfloat16BitsFromFloat32Bits(bits: number): number {
  if ((bits & 0x7fffffff) > 0x7f800000) return ((bits >>> 16) | 0x40) & 0xffff;
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

/**
 * The bfloat16 bit pattern nearest to `x` (ties to even), as an integer in [0, 65535].
 * bfloat16 is binary32 with the fraction cut to 7 bits: same exponent range (largest finite
 * `(2 − 2^-7)·2^127`, subnormals down to 2^-133), 8 significant bits. Exact for every float64
 * `x` (round-to-odd narrowing to float32 first, so no double rounding).
 *
 * - `toBFloat16Bits(1) === 0x3f80`, `toBFloat16Bits(1 + 2 ** -8) === 0x3f80` (tie → even)
 * - `toBFloat16Bits(1 + 2 ** -8 + 2 ** -30) === 0x3f81` (above the tie: a float32 detour
 *   would wrongly give 0x3f80)
 *
 * Cost: O(1), no allocation.
 * @throws TypeError when `x` is not a number.
 */
export function toBFloat16Bits(x: number): number {
  if (typeof x !== 'number') throw new TypeError(`x must be a number; got ${describeValue(x)}`);
  return bfloat16BitsFromFloat32Bits(float32BitsRoundToOdd(x));
}

/**
 * The value of the bfloat16 bit pattern `bits` (an integer in [0, 65535]): the float32 whose
 * upper half is `bits`. Exact. Cost: O(1).
 * @throws TypeError when `bits` is not an integer in [0, 65535].
 */
export function fromBFloat16Bits(bits: number): number {
  if (!Number.isInteger(bits) || bits < 0 || bits > 0xffff) {
    throw new TypeError(`bits must be an integer in [0, 65535]; got ${describeValue(bits)}`);
  }
  return float32FromBits(bits << 16);
}
