import {
  BFloat16Storage,
  Float16Storage,
  type FloatArray,
  fromBFloat16Bits,
  fromFloat16Bits,
  type HalfDType,
  HalfStorage,
  roundTo,
  toBFloat16Bits,
  toFloat16Bits,
} from '@singd/half';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

interface StorageCase {
  readonly name: string;
  readonly dtype: HalfDType;
  readonly StorageClass: typeof Float16Storage | typeof BFloat16Storage;
  readonly create: (lengthOrBits: number | Uint16Array) => Float16Storage | BFloat16Storage;
  readonly from: (values: FloatArray | readonly number[]) => Float16Storage | BFloat16Storage;
  readonly toBits: (x: number) => number;
  readonly fromBits: (bits: number) => number;
}

const CASES: readonly StorageCase[] = [
  {
    name: 'Float16Storage',
    dtype: 'float16',
    StorageClass: Float16Storage,
    create: (lengthOrBits) => new Float16Storage(lengthOrBits),
    from: (values) => Float16Storage.from(values),
    toBits: toFloat16Bits,
    fromBits: fromFloat16Bits,
  },
  {
    name: 'BFloat16Storage',
    dtype: 'bfloat16',
    StorageClass: BFloat16Storage,
    create: (lengthOrBits) => new BFloat16Storage(lengthOrBits),
    from: (values) => BFloat16Storage.from(values),
    toBits: toBFloat16Bits,
    fromBits: fromBFloat16Bits,
  },
];

/** Values that exercise rounding, ties, overflow, subnormals, signed zero and NaN in both formats. */
const SAMPLE_VALUES = [
  0.1,
  1 / 3,
  -7.7,
  1e6,
  -1e6,
  1e-7,
  1e-40,
  -0,
  0,
  Infinity,
  -Infinity,
  Number.NaN,
  65519.99,
  65520,
  1 + 2 ** -11 + 2 ** -40,
  1 + 2 ** -8 + 2 ** -30,
  (2 - 2 ** -8) * 2 ** 127,
  2 ** -25,
  2 ** -134 + 2 ** -160,
];

function sameNumber(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

describe.each(CASES)('$name', ({ name, dtype, StorageClass, create, from, toBits, fromBits }) => {
  describe('construction', () => {
    it('makes `length` zeros with 2 bytes per element', () => {
      const storage = create(5);
      expect(storage).toBeInstanceOf(StorageClass);
      expect(storage).toBeInstanceOf(HalfStorage);
      expect(storage.dtype).toBe(dtype);
      expect(storage.length).toBe(5);
      expect(storage.byteLength).toBe(10);
      expect(storage.bits).toBeInstanceOf(Uint16Array);
      expect(storage.bits.length).toBe(5);
      for (let i = 0; i < 5; i++) expect(Object.is(storage.get(i), 0)).toBe(true);
      expect(create(0).length).toBe(0);
      expect(create(0).byteLength).toBe(0);
    });

    it('wraps existing bit patterns without copying', () => {
      const bits = Uint16Array.of(toBits(1.5), toBits(-2), 0);
      const storage = create(bits);
      expect(storage.bits).toBe(bits);
      expect([...storage]).toEqual([1.5, -2, 0]);
      bits[2] = toBits(4);
      expect(storage.get(2)).toBe(4);
      storage.set(0, 8);
      expect(bits[0]).toBe(toBits(8));
    });

    it.each([-1, 1.5, Number.NaN, Infinity])(
      'rejects length %s with a RangeError naming length',
      (length) => {
        expect(() => create(length)).toThrow(RangeError);
        expect(() => create(length)).toThrow(/length/);
      },
    );

    it('rejects a constructor argument that is neither a length nor a Uint16Array with a TypeError', () => {
      for (const argument of [[1, 2], new Float32Array(2), new Int16Array(2), '3', null, undefined, {}]) {
        expect(() => create(argument as unknown as number)).toThrow(TypeError);
        expect(() => create(argument as unknown as number)).toThrow(/bits/);
      }
    });
  });

  describe('get / set', () => {
    it.each(SAMPLE_VALUES)(`set(i, %s) stores the value rounded to ${name}'s format`, (value) => {
      const storage = create(3);
      storage.set(1, value);
      expect(sameNumber(storage.get(1), roundTo(value, dtype))).toBe(true);
      expect(sameNumber(storage.get(1), fromBits(toBits(value)))).toBe(true);
      if (!Number.isNaN(value)) expect(storage.bits[1]).toBe(toBits(value));
      expect(storage.bits[0]).toBe(0);
      expect(storage.bits[2]).toBe(0);
    });

    it('set(i, 0.1) then get(i) === roundTo(0.1, dtype), which differs from 0.1', () => {
      const storage = create(1);
      storage.set(0, 0.1);
      expect(storage.get(0)).toBe(roundTo(0.1, dtype));
      expect(storage.get(0)).toBe(dtype === 'float16' ? 0.0999755859375 : 0.10009765625);
    });

    it('keeps -0 and the sign of an underflowed negative value', () => {
      const storage = create(2);
      storage.set(0, -0);
      storage.set(1, -1e-60);
      expect(Object.is(storage.get(0), -0)).toBe(true);
      expect(Object.is(storage.get(1), -0)).toBe(true);
    });

    it('agrees with roundTo for random doubles', () => {
      const storage = create(4);
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 3 }),
          fc.double({ noDefaultInfinity: false }),
          (index, value) => {
            storage.set(index, value);
            return sameNumber(storage.get(index), roundTo(value, dtype));
          },
        ),
        { numRuns: 5_000 },
      );
    });

    it.each([-1, 3, 1.5, Number.NaN, Infinity])(
      'rejects index %s with a RangeError naming index',
      (index) => {
        const storage = create(3);
        expect(() => storage.get(index)).toThrow(RangeError);
        expect(() => storage.get(index)).toThrow(/index/);
        expect(() => storage.set(index, 1)).toThrow(RangeError);
        expect(() => storage.set(index, 1)).toThrow(/index/);
      },
    );

    it('rejects a non-numeric index with a RangeError naming index', () => {
      const storage = create(3);
      expect(() => storage.get('0' as unknown as number)).toThrow(RangeError);
      expect(() => storage.get('0' as unknown as number)).toThrow(/index/);
    });

    it('rejects a non-number value with a TypeError naming value and stores nothing', () => {
      const storage = create(2);
      storage.set(0, 3);
      for (const value of ['1', null, undefined, 1n, {}]) {
        expect(() => storage.set(0, value as unknown as number)).toThrow(TypeError);
        expect(() => storage.set(0, value as unknown as number)).toThrow(/value/);
      }
      expect(storage.get(0)).toBe(3);
    });
  });

  describe('from', () => {
    it.each([
      ['Float32Array', (values: number[]) => Float32Array.from(values)],
      ['Float64Array', (values: number[]) => Float64Array.from(values)],
      ['number[]', (values: number[]) => values],
    ] as const)('rounds a %s elementwise', (_, make) => {
      const source = make(SAMPLE_VALUES);
      const storage = from(source);
      expect(storage).toBeInstanceOf(StorageClass);
      expect(storage.length).toBe(SAMPLE_VALUES.length);
      for (let i = 0; i < source.length; i++) {
        expect(sameNumber(storage.get(i), roundTo(source[i]!, dtype)), `element ${i}: ${source[i]}`).toBe(
          true,
        );
      }
    });

    it('rounds float64 input exactly (no double rounding through float32)', () => {
      const tieAbove = dtype === 'float16' ? 1 + 2 ** -11 + 2 ** -40 : 1 + 2 ** -8 + 2 ** -30;
      const next = dtype === 'float16' ? 1 + 2 ** -10 : 1 + 2 ** -7;
      expect(from([tieAbove]).get(0)).toBe(next);
      expect(from(Float64Array.of(tieAbove)).get(0)).toBe(next);
    });

    it('accepts an empty source', () => {
      expect(from([]).length).toBe(0);
      expect(from(new Float32Array(0)).length).toBe(0);
    });

    it('rejects a non-number element with a TypeError naming the element', () => {
      expect(() => from([1, '2'] as unknown as number[])).toThrow(TypeError);
      expect(() => from([1, '2'] as unknown as number[])).toThrow(/values\[1\]/);
    });

    it('rejects a source that is not a float array or number[] with a TypeError naming values', () => {
      for (const values of [new Int32Array(2), new Uint16Array(2), 'ab', null, 3]) {
        expect(() => from(values as unknown as number[])).toThrow(TypeError);
        expect(() => from(values as unknown as number[])).toThrow(/values/);
      }
    });
  });

  describe('subarray', () => {
    it('is a view sharing memory with its parent, both ways', () => {
      const parent = from([0, 1, 2, 3, 4, 5]);
      const view = parent.subarray(1, 4);
      expect(view).toBeInstanceOf(StorageClass);
      expect(view.dtype).toBe(dtype);
      expect(view.length).toBe(3);
      expect(view.byteLength).toBe(6);
      expect(view.bits.buffer).toBe(parent.bits.buffer);
      expect([...view]).toEqual([1, 2, 3]);
      view.set(0, 10);
      expect(parent.get(1)).toBe(10);
      view.set(2, 0.1);
      expect(parent.get(3)).toBe(roundTo(0.1, dtype));
      parent.set(2, 42);
      expect(view.get(1)).toBe(42);
      expect([...parent]).toEqual([0, 10, 42, roundTo(0.1, dtype), 4, 5]);
    });

    it('follows TypedArray.subarray index rules', () => {
      const parent = from([0, 1, 2, 3, 4, 5]);
      expect([...parent.subarray()]).toEqual([0, 1, 2, 3, 4, 5]);
      expect([...parent.subarray(4)]).toEqual([4, 5]);
      expect([...parent.subarray(-2)]).toEqual([4, 5]);
      expect([...parent.subarray(1, -3)]).toEqual([1, 2]);
      expect(parent.subarray(3, 1).length).toBe(0);
    });

    it('checks indices against the view, not the parent', () => {
      const view = from([0, 1, 2, 3]).subarray(1, 3);
      expect(() => view.get(2)).toThrow(RangeError);
      expect(() => view.set(2, 1)).toThrow(/index/);
    });
  });

  describe('toFloat32Array and iteration', () => {
    it('decodes every element into a new Float32Array', () => {
      const storage = from(SAMPLE_VALUES);
      const decoded = storage.toFloat32Array();
      expect(decoded).toBeInstanceOf(Float32Array);
      expect(decoded.length).toBe(storage.length);
      for (let i = 0; i < storage.length; i++) expect(sameNumber(decoded[i]!, storage.get(i))).toBe(true);
    });

    it('decodes into a given out and returns that very object', () => {
      const storage = from([1, -2, 0.1]);
      const out = new Float32Array(3);
      expect(storage.toFloat32Array(out)).toBe(out);
      expect([...out]).toEqual([1, -2, roundTo(0.1, dtype)]);
      const explicitNull = storage.toFloat32Array(null);
      expect(explicitNull).not.toBe(out);
      expect([...explicitNull]).toEqual([...out]);
    });

    it('rejects an out of the wrong length (RangeError) or type (TypeError)', () => {
      const storage = from([1, 2, 3]);
      expect(() => storage.toFloat32Array(new Float32Array(2))).toThrow(RangeError);
      expect(() => storage.toFloat32Array(new Float32Array(2))).toThrow(/out\.length/);
      expect(() => storage.toFloat32Array(new Float64Array(3) as unknown as Float32Array)).toThrow(TypeError);
      expect(() => storage.toFloat32Array(new Float64Array(3) as unknown as Float32Array)).toThrow(/out/);
    });

    it('iterates the decoded values in order', () => {
      const storage = from([3, -0.5, 0.1, 1e9]);
      expect([...storage]).toEqual([3, -0.5, roundTo(0.1, dtype), roundTo(1e9, dtype)]);
      const seen: number[] = [];
      for (const value of storage) seen.push(value);
      expect(seen).toEqual([...storage]);
      expect([...create(0)]).toEqual([]);
    });
  });

  describe('setFrom', () => {
    it('rounds and stores values starting at offset, leaving the rest alone', () => {
      const storage = create(6);
      storage.setFrom([0.1, -0.2], 3);
      expect([...storage]).toEqual([0, 0, 0, roundTo(0.1, dtype), roundTo(-0.2, dtype), 0]);
      storage.setFrom(Float32Array.of(7, 8));
      expect([...storage]).toEqual([7, 8, 0, roundTo(0.1, dtype), roundTo(-0.2, dtype), 0]);
      storage.setFrom(Float64Array.of(1e6, 2 ** -30), 4);
      expect([...storage].slice(4)).toEqual([roundTo(1e6, dtype), roundTo(2 ** -30, dtype)]);
      storage.setFrom([], 6);
      expect(storage.get(5)).toBe(roundTo(2 ** -30, dtype));
    });

    it('writes through a subarray into the parent', () => {
      const parent = create(5);
      parent.subarray(2).setFrom([1, 2], 1);
      expect([...parent]).toEqual([0, 0, 0, 1, 2]);
    });

    it('rounds exactly like set for random values and offsets', () => {
      fc.assert(
        fc.property(fc.array(fc.double(), { maxLength: 8 }), fc.nat(8), (values, rawOffset) => {
          const storage = create(16);
          const offset = Math.min(rawOffset, 16 - values.length);
          storage.setFrom(values, offset);
          return values.every((v, i) => sameNumber(storage.get(offset + i), roundTo(v, dtype)));
        }),
        { numRuns: 2_000 },
      );
    });

    it.each([
      [[1, 2], 5],
      [[1, 2], -1],
      [[1, 2], 1.5],
      [[1, 2, 3, 4, 5, 6, 7], 0],
    ] as const)('rejects values %j at offset %s with a RangeError naming offset', (values, offset) => {
      const storage = create(6);
      expect(() => storage.setFrom(values, offset)).toThrow(RangeError);
      expect(() => storage.setFrom(values, offset)).toThrow(/offset/);
      expect([...storage.bits]).toEqual([0, 0, 0, 0, 0, 0]);
    });

    it('rejects non-number elements with a TypeError and stores nothing', () => {
      const storage = create(3);
      expect(() => storage.setFrom([1, 'x'] as unknown as number[])).toThrow(TypeError);
      expect(() => storage.setFrom([1, 'x'] as unknown as number[])).toThrow(/values\[1\]/);
      expect([...storage.bits]).toEqual([0, 0, 0]);
    });
  });
});

describe('Float16Storage vs BFloat16Storage', () => {
  it('round the same inputs to their own formats', () => {
    const values = [1e6, 0.1, 1e-6, 3.14];
    expect([...Float16Storage.from(values)]).toEqual([
      Infinity,
      0.0999755859375,
      roundTo(1e-6, 'float16'),
      3.140625,
    ]);
    expect([...BFloat16Storage.from(values)]).toEqual([
      999424,
      0.10009765625,
      roundTo(1e-6, 'bfloat16'),
      3.140625,
    ]);
  });
});
