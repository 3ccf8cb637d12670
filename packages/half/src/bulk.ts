import { bfloat16BitsFromFloat32Bits } from './bfloat16.js';
import { assertDType, type DType, describeValue } from './dtype.js';
import { float16BitsFromFloat32Bits, float16DecodeTable } from './float16.js';
import { float32BitsRoundToOdd } from './float32-bits.js';

/** A native float array that the bulk routines accept as a source of values. */
export type FloatArray = Float32Array | Float64Array;

function checkFloatArray(value: unknown, name: string): asserts value is FloatArray {
  if (!(value instanceof Float32Array) && !(value instanceof Float64Array)) {
    throw new TypeError(`${name} must be a Float32Array or Float64Array; got ${describeValue(value)}`);
  }
}

function checkSameLength(out: ArrayLike<number>, src: ArrayLike<number>): void {
  if (out.length !== src.length) {
    throw new RangeError(`out.length (${out.length}) must equal src.length (${src.length})`);
  }
}

function bitsView(array: Float32Array): Uint32Array {
  return new Uint32Array(array.buffer, array.byteOffset, array.length);
}

/**
 * Rounds every element of `src` to `dtype` (nearest, ties to even) and writes the values to
 * `out`; output-first: pass `out === src` to round in place, or `null` to allocate a new
 * array of `src`'s type. Float64 sources round exactly (no double rounding through float32).
 *
 * Cost: O(n); no allocation when `out` is given. About 3 ns per value (bfloat16) and 8 ns per
 * value (float16) for Float32Array sources on a 2-core x86 machine.
 * @returns `out` (or the new array).
 * @throws TypeError if `src`/`out` are not Float32Array/Float64Array of one type;
 *   RangeError if their lengths differ.
 */
export function roundArray<T extends FloatArray>(out: T | null, src: T, dtype: DType): T {
  checkFloatArray(src, 'src');
  assertDType(dtype);
  const target = (out ?? new (src.constructor as new (length: number) => T)(src.length)) as T;
  checkFloatArray(target, 'out');
  if (target.constructor !== src.constructor) {
    throw new TypeError(`out must be a ${src.constructor.name} like src; got ${describeValue(target)}`);
  }
  checkSameLength(target, src);
  if (src instanceof Float32Array) {
    roundFloat32Into(target as Float32Array, src, dtype);
  } else {
    roundFloat64Into(target as Float64Array, src, dtype);
  }
  return target;
}

function roundFloat32Into(out: Float32Array, src: Float32Array, dtype: DType): void {
  const n = src.length;
  if (dtype === 'float64' || dtype === 'float32') {
    if (out !== src) out.set(src);
    return;
  }
  const srcBits = bitsView(src);
  const outBits = bitsView(out);
  if (dtype === 'bfloat16') {
    for (let i = 0; i < n; i++) {
      const u = srcBits[i]!;
      outBits[i] =
        (u & 0x7fffffff) > 0x7f800000
          ? (u | 0x400000) >>> 0
          : ((u + 0x7fff + ((u >>> 16) & 1)) & 0xffff0000) >>> 0;
    }
    return;
  }
  const table = float16DecodeTable();
  for (let i = 0; i < n; i++) out[i] = table[float16BitsFromFloat32Bits(srcBits[i]!)]!;
}

function roundFloat64Into(out: Float64Array, src: Float64Array, dtype: DType): void {
  const n = src.length;
  switch (dtype) {
    case 'float64':
      if (out !== src) out.set(src);
      return;
    case 'float32':
      for (let i = 0; i < n; i++) out[i] = Math.fround(src[i]!);
      return;
    case 'bfloat16': {
      const scratch = new Float32Array(1);
      const scratchBits = new Uint32Array(scratch.buffer);
      for (let i = 0; i < n; i++) {
        scratchBits[0] = bfloat16BitsFromFloat32Bits(float32BitsRoundToOdd(src[i]!)) << 16;
        out[i] = scratch[0]!;
      }
      return;
    }
    case 'float16': {
      const table = float16DecodeTable();
      for (let i = 0; i < n; i++) out[i] = table[float16BitsFromFloat32Bits(float32BitsRoundToOdd(src[i]!))]!;
      return;
    }
  }
}

function prepareEncode(out: Uint16Array | null, src: FloatArray): Uint16Array {
  checkFloatArray(src, 'src');
  const target = out ?? new Uint16Array(src.length);
  if (!(target instanceof Uint16Array)) {
    throw new TypeError(`out must be a Uint16Array; got ${describeValue(target)}`);
  }
  checkSameLength(target, src);
  return target;
}

function prepareDecode(out: Float32Array | null, src: Uint16Array): Float32Array {
  if (!(src instanceof Uint16Array)) {
    throw new TypeError(`src must be a Uint16Array of bit patterns; got ${describeValue(src)}`);
  }
  const target = out ?? new Float32Array(src.length);
  if (!(target instanceof Float32Array)) {
    throw new TypeError(`out must be a Float32Array; got ${describeValue(target)}`);
  }
  checkSameLength(target, src);
  return target;
}

/**
 * Encodes `src` as float16 bit patterns into `out` (nearest, ties to even; output-first,
 * `null` allocates). Cost: O(n), ~8 ns per value, no allocation when `out` is given.
 * @throws TypeError for wrong array types, RangeError for a length mismatch.
 */
export function encodeFloat16(out: Uint16Array | null, src: FloatArray): Uint16Array {
  const target = prepareEncode(out, src);
  const n = src.length;
  if (src instanceof Float32Array) {
    const srcBits = bitsView(src);
    for (let i = 0; i < n; i++) target[i] = float16BitsFromFloat32Bits(srcBits[i]!);
  } else {
    for (let i = 0; i < n; i++) target[i] = float16BitsFromFloat32Bits(float32BitsRoundToOdd(src[i]!));
  }
  return target;
}

/**
 * Decodes float16 bit patterns into float32 values (exact; output-first, `null` allocates).
 * Cost: O(n) table look-ups.
 * @throws TypeError for wrong array types, RangeError for a length mismatch.
 */
export function decodeFloat16(out: Float32Array | null, src: Uint16Array): Float32Array {
  const target = prepareDecode(out, src);
  const table = float16DecodeTable();
  const n = src.length;
  for (let i = 0; i < n; i++) target[i] = table[src[i]!]!;
  return target;
}

/**
 * Encodes `src` as bfloat16 bit patterns into `out` (nearest, ties to even; output-first,
 * `null` allocates). Cost: O(n), ~4 ns per value, no allocation when `out` is given.
 * @throws TypeError for wrong array types, RangeError for a length mismatch.
 */
export function encodeBFloat16(out: Uint16Array | null, src: FloatArray): Uint16Array {
  const target = prepareEncode(out, src);
  const n = src.length;
  if (src instanceof Float32Array) {
    const srcBits = bitsView(src);
    for (let i = 0; i < n; i++) {
      const u = srcBits[i]!;
      target[i] = (u & 0x7fffffff) > 0x7f800000 ? (u >>> 16) | 0x40 : (u + 0x7fff + ((u >>> 16) & 1)) >>> 16;
    }
  } else {
    for (let i = 0; i < n; i++) target[i] = bfloat16BitsFromFloat32Bits(float32BitsRoundToOdd(src[i]!));
  }
  return target;
}

/**
 * Decodes bfloat16 bit patterns into float32 values (exact: a 16-bit shift; output-first,
 * `null` allocates). Cost: O(n).
 * @throws TypeError for wrong array types, RangeError for a length mismatch.
 */
export function decodeBFloat16(out: Float32Array | null, src: Uint16Array): Float32Array {
  const target = prepareDecode(out, src);
  const targetBits = bitsView(target);
  const n = src.length;
  for (let i = 0; i < n; i++) targetBits[i] = src[i]! << 16;
  return target;
}
