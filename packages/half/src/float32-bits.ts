/**
 * Scalar views of float32 bit patterns, and the round-to-odd narrowing from float64 to
 * float32 that makes every half-precision rounding of a float64 exact (no double rounding).
 * Internal: shared scratch buffers, no allocation per call.
 */
const scratchFloat = new Float32Array(1);
const scratchBits = new Uint32Array(scratchFloat.buffer);

/** The IEEE binary32 bit pattern (as an unsigned 32-bit integer) of `fround(x)`. */
export function float32Bits(x: number): number {
  scratchFloat[0] = x;
  return scratchBits[0]!;
}

/** The float32 value whose bit pattern is the unsigned 32-bit integer `bits`. */
export function float32FromBits(bits: number): number {
  scratchBits[0] = bits;
  return scratchFloat[0]!;
}

/**
 * The float32 bit pattern of `x` rounded to float32 **to odd**: truncate toward zero, then
 * set the last bit if anything was cut off. Rounding that pattern to a format with at most
 * 22 significant bits by round-to-nearest-even gives the same result as rounding `x`
 * directly (round-to-odd needs 2 guard bits; float16 has 11, bfloat16 8).
 * NaN keeps its sign; ±∞ and exact values map to their own pattern. Finite values beyond
 * the float32 range truncate to the largest finite float32, made odd — which every 16-bit
 * format then rounds to ±∞, as direct rounding would.
 */
export function float32BitsRoundToOdd(x: number): number {
  scratchFloat[0] = x;
  const rounded = scratchFloat[0]!;
  let bits = scratchBits[0]!;
  if (rounded === x || Number.isNaN(x)) return bits;
  // Inexact: step back toward zero if fround went away from zero, then make it odd.
  if (Math.abs(rounded) > Math.abs(x)) bits -= 1;
  return (bits | 1) >>> 0;
}
