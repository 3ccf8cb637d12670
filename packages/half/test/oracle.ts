/**
 * Independent reference implementations for the half-precision tests.
 *
 * The rounding oracle works on the exact value of a float64 with BigInt arithmetic: `x` is
 * decomposed into sign, integer significand `m` and exponent `e` (`|x| = m · 2^e` exactly),
 * then rounded to `p = fractionBits + 1` significant bits with quantum
 * `2^(max(⌊log2|x|⌋, minExponent) − fractionBits)` (so subnormals lose bits), ties to even,
 * and a result beyond `maxFinite` becomes ±∞. No floating-point operation rounds anywhere,
 * so it shares no code path (and no double-rounding risk) with the implementation.
 */
import fc from 'fast-check';

/** A binary interchange format, given by its field widths. */
export interface BinaryFormat {
  readonly exponentBits: number;
  readonly fractionBits: number;
}

export const FLOAT16_FORMAT: BinaryFormat = { exponentBits: 5, fractionBits: 10 };
export const BFLOAT16_FORMAT: BinaryFormat = { exponentBits: 8, fractionBits: 7 };
export const FLOAT32_FORMAT: BinaryFormat = { exponentBits: 8, fractionBits: 23 };

const view = new DataView(new ArrayBuffer(8));

/** The exact decomposition `x = (−1)^negative · significand · 2^exponent` of a finite float64. */
export function decompose(x: number): { negative: boolean; significand: bigint; exponent: number } {
  view.setFloat64(0, x);
  const raw = view.getBigUint64(0);
  const negative = raw >> 63n === 1n;
  const biased = Number((raw >> 52n) & 0x7ffn);
  const fraction = raw & ((1n << 52n) - 1n);
  if (biased === 0x7ff) throw new RangeError(`decompose needs a finite number; got ${x}`);
  if (biased === 0) return { negative, significand: fraction, exponent: -1074 };
  return { negative, significand: fraction | (1n << 52n), exponent: biased - 1075 };
}

/** True when the float64 `x` has its sign bit set (also for NaN and −0). */
export function signBitOf(x: number): boolean {
  view.setFloat64(0, x);
  return view.getUint8(0) >= 0x80;
}

function bitLength(n: bigint): number {
  return n.toString(2).length;
}

/** The bit pattern of `x` rounded to nearest, ties to even, in `format`, computed exactly. */
export function exactRoundBits(x: number, format: BinaryFormat): number {
  const { exponentBits, fractionBits } = format;
  const bias = 2 ** (exponentBits - 1) - 1;
  const minExponent = 1 - bias;
  const maxBiased = 2 ** exponentBits - 1;
  const signBit = 2 ** (exponentBits + fractionBits);
  const infinityBits = maxBiased * 2 ** fractionBits;
  const sign = signBitOf(x) ? signBit : 0;
  if (Number.isNaN(x)) return sign + infinityBits + 2 ** (fractionBits - 1);
  if (!Number.isFinite(x)) return sign + infinityBits;
  const { significand, exponent } = decompose(x);
  if (significand === 0n) return sign;
  const leading = bitLength(significand) - 1 + exponent; // ⌊log2|x|⌋
  let quantum = Math.max(leading, minExponent) - fractionBits;
  let n: bigint;
  if (exponent >= quantum) {
    n = significand << BigInt(exponent - quantum);
  } else {
    const shift = BigInt(quantum - exponent);
    n = significand >> shift;
    const remainder = significand - (n << shift);
    const half = 1n << (shift - 1n);
    if (remainder > half || (remainder === half && (n & 1n) === 1n)) n += 1n;
  }
  const implicit = 1n << BigInt(fractionBits);
  if (n === implicit << 1n) {
    n >>= 1n;
    quantum += 1;
  }
  if (n < implicit) return sign + Number(n); // subnormal (or zero)
  const biased = quantum + fractionBits + bias;
  if (biased >= maxBiased) return sign + infinityBits;
  return sign + biased * 2 ** fractionBits + Number(n - implicit);
}

/** The value of the bit pattern `bits` of `format`, from the IEEE 754 definition. */
export function decodeBits(bits: number, format: BinaryFormat): number {
  const { exponentBits, fractionBits } = format;
  const bias = 2 ** (exponentBits - 1) - 1;
  const maxBiased = 2 ** exponentBits - 1;
  const sign = Math.floor(bits / 2 ** (exponentBits + fractionBits)) === 1 ? -1 : 1;
  const biased = Math.floor(bits / 2 ** fractionBits) % 2 ** exponentBits;
  const fraction = bits % 2 ** fractionBits;
  if (biased === maxBiased) return fraction === 0 ? sign * Infinity : Number.NaN;
  if (biased === 0) return sign * fraction * 2 ** (1 - bias - fractionBits);
  return sign * (2 ** fractionBits + fraction) * 2 ** (biased - bias - fractionBits);
}

/** `x` rounded exactly to `format`, as a number. */
export function exactRound(x: number, format: BinaryFormat): number {
  return decodeBits(exactRoundBits(x, format), format);
}

/** True when `bits` is a NaN pattern of `format`. */
export function isNaNBits(bits: number, format: BinaryFormat): boolean {
  const { exponentBits, fractionBits } = format;
  const biased = Math.floor(bits / 2 ** fractionBits) % 2 ** exponentBits;
  return biased === 2 ** exponentBits - 1 && bits % 2 ** fractionBits !== 0;
}

/** The sign bit of a 16-bit pattern. */
export function signOf16(bits: number): number {
  return bits >>> 15;
}

const float32Scratch = new Float32Array(1);
const float32ScratchBits = new Uint32Array(float32Scratch.buffer);

/** The float32 value (as a number) whose bit pattern is the unsigned 32-bit `bits`. */
export function float32FromBitsOracle(bits: number): number {
  float32ScratchBits[0] = bits;
  return float32Scratch[0]!;
}

/** The float32 bit pattern of `Math.fround(x)` (the sign of a NaN is kept by V8). */
export function float32BitsOracle(x: number): number {
  float32Scratch[0] = x;
  return float32ScratchBits[0]!;
}

/** Every 16-bit pattern, 0 … 65535. */
export const ALL_16_BIT_PATTERNS: Uint16Array = Uint16Array.from({ length: 65536 }, (_, i) => i);

/** Float32 values built from uniformly random 32-bit patterns (all classes, NaN payloads included). */
export const float32FromRandomBits: fc.Arbitrary<number> = fc
  .integer({ min: 0, max: 0xffffffff })
  .map(float32FromBitsOracle);

/**
 * Float64 values at, or a few float64 ulps around, the midpoint between two neighbouring
 * finite values of `format` (bit patterns `b` and `b + 1`): the inputs where ties-to-even and
 * double rounding matter. Both signs.
 */
export function nearTies(format: BinaryFormat): fc.Arbitrary<number> {
  const maxFiniteBits = (2 ** format.exponentBits - 1) * 2 ** format.fractionBits - 1;
  return fc
    .tuple(
      fc.integer({ min: 0, max: maxFiniteBits }),
      fc.integer({ min: -3, max: 3 }),
      fc.constantFrom(1, 2 ** 20, 2 ** 40),
      fc.boolean(),
    )
    .map(([bits, steps, scale, negative]) => {
      const low = decodeBits(bits, format);
      const high =
        bits === maxFiniteBits ? 2 * low - decodeBits(bits - 1, format) : decodeBits(bits + 1, format);
      const midpoint = (low + high) / 2; // exact: both are short binary numbers
      const ulp = midpoint === 0 ? 2 ** -1074 : 2 ** (Math.floor(Math.log2(Math.abs(midpoint))) - 52);
      const value = midpoint + steps * scale * ulp;
      return negative ? -value : value;
    });
}
