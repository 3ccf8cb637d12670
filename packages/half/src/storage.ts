import { bfloat16BitsFromFloat32Bits } from './bfloat16.js';
import { decodeBFloat16, decodeFloat16, encodeBFloat16, encodeFloat16, type FloatArray } from './bulk.js';
import { describeValue, type HalfDType } from './dtype.js';
import { float16BitsFromFloat32Bits, float16DecodeTable } from './float16.js';
import { float32BitsRoundToOdd, float32FromBits } from './float32-bits.js';

/**
 * A fixed-length array of 16-bit floating-point values stored as raw bit patterns in a
 * `Uint16Array` (2 bytes per element, so byte counts are real). Writes round to nearest,
 * ties to even; reads are exact. The subclasses fix the format; the names are chosen so they
 * never collide with a future native `Float16Array`.
 */
export abstract class HalfStorage implements Iterable<number> {
  /** The format of the stored values. */
  abstract readonly dtype: HalfDType;
  /** The raw bit patterns; shares memory with this storage. */
  readonly bits: Uint16Array;

  protected constructor(bits: Uint16Array) {
    this.bits = bits;
  }

  /** Number of elements. */
  get length(): number {
    return this.bits.length;
  }

  /** Bytes occupied by the elements (`2 · length`). */
  get byteLength(): number {
    return this.bits.byteLength;
  }

  protected checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.bits.length) {
      throw new RangeError(
        `index must be an integer in [0, ${this.bits.length - 1}]; got ${describeValue(index)}`,
      );
    }
  }

  /** The value at `index` (exact). Cost O(1). @throws RangeError outside [0, length). */
  abstract get(index: number): number;
  /** Stores `value` rounded to the format at `index`. Cost O(1). @throws RangeError / TypeError. */
  abstract set(index: number, value: number): void;
  /** Decodes all values into `out` (output-first; `null` allocates). Cost O(n). */
  abstract toFloat32Array(out?: Float32Array | null): Float32Array;
  /** Rounds and stores `values` starting at `offset`. Cost O(n). */
  abstract setFrom(values: FloatArray | readonly number[], offset?: number): void;

  /** Iterates the decoded values in order. */
  *[Symbol.iterator](): IterableIterator<number> {
    for (let i = 0; i < this.bits.length; i++) yield this.get(i);
  }

  protected checkRange(values: ArrayLike<number>, offset: number): void {
    if (!Number.isInteger(offset) || offset < 0 || offset + values.length > this.bits.length) {
      throw new RangeError(
        `offset (${describeValue(offset)}) + values.length (${values.length}) must fit in length ${this.bits.length}`,
      );
    }
  }
}

function checkValue(value: unknown): asserts value is number {
  if (typeof value !== 'number') throw new TypeError(`value must be a number; got ${describeValue(value)}`);
}

function checkLength(length: unknown): asserts length is number {
  if (!Number.isInteger(length) || (length as number) < 0) {
    throw new RangeError(`length must be a non-negative integer; got ${describeValue(length)}`);
  }
}

function toFloat32Source(values: FloatArray | readonly number[]): FloatArray {
  if (values instanceof Float32Array || values instanceof Float64Array) return values;
  if (!Array.isArray(values)) {
    throw new TypeError(
      `values must be a Float32Array, Float64Array or number[]; got ${describeValue(values)}`,
    );
  }
  values.forEach((v, i) => {
    if (typeof v !== 'number') throw new TypeError(`values[${i}] must be a number; got ${describeValue(v)}`);
  });
  return Float64Array.from(values);
}

/** IEEE 754 binary16 values in a `Uint16Array`: 11 significant bits, max 65504. */
export class Float16Storage extends HalfStorage {
  readonly dtype = 'float16' as const;

  /** `length` zeros, or a view over existing float16 bit patterns. */
  constructor(lengthOrBits: number | Uint16Array) {
    if (typeof lengthOrBits === 'number') checkLength(lengthOrBits);
    else if (!(lengthOrBits instanceof Uint16Array)) {
      throw new TypeError(`bits must be a Uint16Array; got ${describeValue(lengthOrBits)}`);
    }
    super(typeof lengthOrBits === 'number' ? new Uint16Array(lengthOrBits) : lengthOrBits);
  }

  /** A new storage holding `values` rounded to float16. Cost O(n). */
  static from(values: FloatArray | readonly number[]): Float16Storage {
    const source = toFloat32Source(values);
    return new Float16Storage(encodeFloat16(null, source));
  }

  get(index: number): number {
    this.checkIndex(index);
    return float16DecodeTable()[this.bits[index]!]!;
  }

  set(index: number, value: number): void {
    this.checkIndex(index);
    checkValue(value);
    this.bits[index] = float16BitsFromFloat32Bits(float32BitsRoundToOdd(value));
  }

  setFrom(values: FloatArray | readonly number[], offset = 0): void {
    this.checkRange(values, offset);
    encodeFloat16(this.bits.subarray(offset, offset + values.length), toFloat32Source(values));
  }

  /** A view of elements [begin, end) sharing this storage's memory (like `TypedArray.subarray`). */
  subarray(begin?: number, end?: number): Float16Storage {
    return new Float16Storage(this.bits.subarray(begin, end));
  }

  toFloat32Array(out: Float32Array | null = null): Float32Array {
    return decodeFloat16(out, this.bits);
  }
}

/** bfloat16 values in a `Uint16Array`: float32's exponent range, 8 significant bits. */
export class BFloat16Storage extends HalfStorage {
  readonly dtype = 'bfloat16' as const;

  /** `length` zeros, or a view over existing bfloat16 bit patterns. */
  constructor(lengthOrBits: number | Uint16Array) {
    if (typeof lengthOrBits === 'number') checkLength(lengthOrBits);
    else if (!(lengthOrBits instanceof Uint16Array)) {
      throw new TypeError(`bits must be a Uint16Array; got ${describeValue(lengthOrBits)}`);
    }
    super(typeof lengthOrBits === 'number' ? new Uint16Array(lengthOrBits) : lengthOrBits);
  }

  /** A new storage holding `values` rounded to bfloat16. Cost O(n). */
  static from(values: FloatArray | readonly number[]): BFloat16Storage {
    return new BFloat16Storage(encodeBFloat16(null, toFloat32Source(values)));
  }

  get(index: number): number {
    this.checkIndex(index);
    return float32FromBits(this.bits[index]! << 16);
  }

  set(index: number, value: number): void {
    this.checkIndex(index);
    checkValue(value);
    this.bits[index] = bfloat16BitsFromFloat32Bits(float32BitsRoundToOdd(value));
  }

  setFrom(values: FloatArray | readonly number[], offset = 0): void {
    this.checkRange(values, offset);
    encodeBFloat16(this.bits.subarray(offset, offset + values.length), toFloat32Source(values));
  }

  /** A view of elements [begin, end) sharing this storage's memory (like `TypedArray.subarray`). */
  subarray(begin?: number, end?: number): BFloat16Storage {
    return new BFloat16Storage(this.bits.subarray(begin, end));
  }

  toFloat32Array(out: Float32Array | null = null): Float32Array {
    return decodeBFloat16(out, this.bits);
  }
}
