/**
 * The floating-point formats the project computes in, and their defining constants.
 *
 * `float64` and `float32` are native to JavaScript (numbers and `Float32Array`); `float16`
 * (IEEE 754 binary16) and `bfloat16` (the upper half of a binary32) are emulated bit-exactly
 * by this package.
 */
export type DType = 'float64' | 'float32' | 'bfloat16' | 'float16';

/** The two 16-bit formats, stored as raw bit patterns in a `Uint16Array`. */
export type HalfDType = 'bfloat16' | 'float16';

/** Every {@link DType}, widest first. */
export const DTYPES: readonly DType[] = ['float64', 'float32', 'bfloat16', 'float16'];

/**
 * Defining constants of a binary floating-point format with `p = fractionBits + 1`
 * significant bits and exponent range `[minExponent, maxExponent]`:
 *
 * - `maxFinite = (2 − 2^(1−p)) · 2^maxExponent`
 * - `minNormal = 2^minExponent`
 * - `minSubnormal = 2^(minExponent − fractionBits)`
 * - `epsilon = 2^(1−p)`, the gap between 1 and the next larger number (machine epsilon;
 *   the unit roundoff of round-to-nearest is `epsilon / 2`).
 */
export interface FormatInfo {
  readonly dtype: DType;
  /** Total storage width in bits. */
  readonly bits: 64 | 32 | 16;
  /** Bytes per stored element (`bits / 8`). */
  readonly bytesPerElement: 8 | 4 | 2;
  readonly exponentBits: number;
  /** Stored fraction (mantissa) bits, without the implicit leading 1. */
  readonly fractionBits: number;
  readonly exponentBias: number;
  readonly minExponent: number;
  readonly maxExponent: number;
  readonly maxFinite: number;
  readonly minNormal: number;
  readonly minSubnormal: number;
  readonly epsilon: number;
}

function describe(dtype: DType, bits: 64 | 32 | 16, exponentBits: number, fractionBits: number): FormatInfo {
  const exponentBias = 2 ** (exponentBits - 1) - 1;
  const minExponent = 1 - exponentBias;
  const maxExponent = exponentBias;
  return Object.freeze({
    dtype,
    bits,
    bytesPerElement: (bits / 8) as 8 | 4 | 2,
    exponentBits,
    fractionBits,
    exponentBias,
    minExponent,
    maxExponent,
    maxFinite: (2 - 2 ** -fractionBits) * 2 ** maxExponent,
    minNormal: 2 ** minExponent,
    minSubnormal: 2 ** (minExponent - fractionBits),
    epsilon: 2 ** -fractionBits,
  });
}

/**
 * Constants of every format. For instance `FORMATS.float16.maxFinite === 65504`,
 * `FORMATS.bfloat16.epsilon === 2 ** -7`, `FORMATS.float16.minSubnormal === 2 ** -24`.
 */
export const FORMATS: Readonly<Record<DType, FormatInfo>> = Object.freeze({
  float64: describe('float64', 64, 11, 52),
  float32: describe('float32', 32, 8, 23),
  bfloat16: describe('bfloat16', 16, 8, 7),
  float16: describe('float16', 16, 5, 10),
});

/** True when `value` names a {@link DType}. */
export function isDType(value: unknown): value is DType {
  return value === 'float64' || value === 'float32' || value === 'bfloat16' || value === 'float16';
}

/** True for the emulated 16-bit formats. */
export function isHalfDType(dtype: DType): dtype is HalfDType {
  return dtype === 'bfloat16' || dtype === 'float16';
}

/**
 * Returns `value` as a {@link DType}, or throws a TypeError naming `argumentName` and the
 * valid values.
 */
export function assertDType(value: unknown, argumentName = 'dtype'): DType {
  if (!isDType(value)) {
    throw new TypeError(
      `${argumentName} must be one of ${DTYPES.map((d) => `'${d}'`).join(', ')}; got ${describeValue(value)}`,
    );
  }
  return value;
}

/** A short printable description of an arbitrary value, for error messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (value instanceof DataView) return `DataView(${value.byteLength} bytes)`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as Uint8Array).length})`;
  if (Array.isArray(value)) return `Array(${value.length})`;
  return typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
}
