import { describeValue } from './dtype.js';
import { float32Bits, float32BitsRoundToOdd } from './float32-bits.js';

/**
 * Rounds a float32 bit pattern to the IEEE binary16 (float16) bit pattern, round to nearest,
 * ties to even. Handles signed zeros, subnormals (down to 2^-24), overflow to ±∞ from
 * 65520 = 65504 + ulp/2 on (the tie rounds to the even ∞), and NaN (kept quiet, with its sign
 * and the top fraction bits). Integer-only; about 10 operations.
 * @internal
 */
export function float16BitsFromFloat32Bits(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const magnitude = bits & 0x7fffffff;
  if (magnitude >= 0x477ff000) {
    // ≥ 65520, ∞ or NaN.
    if (magnitude > 0x7f800000) return sign | 0x7e00 | ((magnitude >>> 13) & 0x3ff);
    return sign | 0x7c00;
  }
  if (magnitude >= 0x38800000) {
    // Normal in float16: rebias the exponent (127 − 15 = 112) and round the 13 dropped bits.
    return sign | ((magnitude - 0x38000000 + 0xfff + ((magnitude >>> 13) & 1)) >>> 13);
  }
  if (magnitude <= 0x33000000) return sign; // ≤ 2^-25: the tie at 2^-25 goes to the even 0.
  // Subnormal: value = significand · 2^(e − 150); result = value / 2^-24, rounded.
  const exponent = magnitude >>> 23;
  const significand = (magnitude & 0x7fffff) | 0x800000;
  const shift = 126 - exponent; // 14 … 24
  const truncated = significand >>> shift;
  const remainder = significand & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  const roundUp = remainder > halfway || (remainder === halfway && (truncated & 1) === 1) ? 1 : 0;
  return sign | (truncated + roundUp);
}

/**
 * The float16 (IEEE 754 binary16) bit pattern nearest to `x` (ties to even), as an integer
 * in [0, 65535]. Exact for every float64 `x`: the value is narrowed to float32 by
 * round-to-odd first, so no double rounding can occur.
 *
 * - `toFloat16Bits(1) === 0x3c00`, `toFloat16Bits(-0) === 0x8000`
 * - `toFloat16Bits(65519.99) === 0x7bff` (65504), `toFloat16Bits(65520) === 0x7c00` (∞)
 * - `toFloat16Bits(2 ** -24) === 0x0001` (smallest subnormal)
 *
 * Cost: O(1), no allocation.
 * @throws TypeError when `x` is not a number.
 */
export function toFloat16Bits(x: number): number {
  if (typeof x !== 'number') throw new TypeError(`x must be a number; got ${describeValue(x)}`);
  return float16BitsFromFloat32Bits(float32BitsRoundToOdd(x));
}

let decodeTable: Float32Array | undefined;

/** The 65,536-entry float16 → float32 table (256 KiB), built on first use. @internal */
export function float16DecodeTable(): Float32Array {
  if (decodeTable === undefined) {
    const table = new Float32Array(65536);
    const tableBits = new Uint32Array(table.buffer);
    for (let bits = 0; bits < 65536; bits++) {
      if ((bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0) {
        // NaN: keep the sign and the payload (float32 NaN with the fraction shifted up).
        tableBits[bits] = (((bits & 0x8000) << 16) | 0x7f800000 | ((bits & 0x3ff) << 13)) >>> 0;
      } else {
        table[bits] = decodeFloat16Scalar(bits);
      }
    }
    decodeTable = table;
  }
  return decodeTable;
}

function decodeFloat16Scalar(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : Number.NaN;
  return sign * (1024 + fraction) * 2 ** (exponent - 25);
}

/**
 * The value of the float16 bit pattern `bits` (an integer in [0, 65535]); exact, since every
 * float16 value is a float64 (and a float32). NaN patterns decode to NaN.
 * Cost: O(1) (a table look-up after the first call builds a 256 KiB table).
 * @throws TypeError when `bits` is not an integer in [0, 65535].
 */
export function fromFloat16Bits(bits: number): number {
  if (!Number.isInteger(bits) || bits < 0 || bits > 0xffff) {
    throw new TypeError(`bits must be an integer in [0, 65535]; got ${describeValue(bits)}`);
  }
  return float16DecodeTable()[bits]!;
}

/** float16 bits of a float32-representable value (no round-to-odd step needed). @internal */
export function float16BitsOfFloat32(x: number): number {
  return float16BitsFromFloat32Bits(float32Bits(x));
}
