import { Float16Array } from '@petamoriken/float16';
import {
  DTYPES,
  type DType,
  decodeBFloat16,
  decodeFloat16,
  encodeBFloat16,
  encodeFloat16,
  type FloatArray,
  fromBFloat16Bits,
  fromFloat16Bits,
  roundArray,
  roundTo,
  toBFloat16Bits,
  toFloat16Bits,
} from '@singd/half';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALL_16_BIT_PATTERNS,
  BFLOAT16_FORMAT,
  type BinaryFormat,
  decodeBits,
  exactRoundBits,
  FLOAT16_FORMAT,
  float32FromRandomBits,
  isNaNBits,
  nearTies,
  signOf16,
} from './oracle.js';

const NUM_RUNS = 2_000; // arrays of up to 64 elements each

type Encode = (out: Uint16Array | null, src: FloatArray) => Uint16Array;
type Decode = (out: Float32Array | null, src: Uint16Array) => Float32Array;

interface HalfCase {
  readonly name: 'float16' | 'bfloat16';
  readonly format: BinaryFormat;
  readonly encode: Encode;
  readonly decode: Decode;
  readonly toBits: (x: number) => number;
  readonly fromBits: (bits: number) => number;
}

const HALF_CASES: readonly HalfCase[] = [
  {
    name: 'float16',
    format: FLOAT16_FORMAT,
    encode: encodeFloat16,
    decode: decodeFloat16,
    toBits: toFloat16Bits,
    fromBits: fromFloat16Bits,
  },
  {
    name: 'bfloat16',
    format: BFLOAT16_FORMAT,
    encode: encodeBFloat16,
    decode: decodeBFloat16,
    toBits: toBFloat16Bits,
    fromBits: fromBFloat16Bits,
  },
];

/** Indices where `actual` differs from `expected` (NaN patterns: any NaN of the same sign). */
function patternMismatches(actual: Uint16Array, expected: Uint16Array, format: BinaryFormat): string[] {
  const wrong: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const ok = isNaNBits(e, format) ? isNaNBits(a, format) && signOf16(a) === signOf16(e) : a === e;
    if (!ok) wrong.push(`[${i}] 0x${e.toString(16)} -> 0x${a.toString(16)}`);
  }
  return wrong;
}

function sameNumber(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

/** Float32 values whose upper 16 bits take every value and whose lower bits sit at or near the bfloat16 tie. */
function float32Sweep(): Float32Array {
  const lows = [0x0000, 0x0001, 0x0fff, 0x1000, 0x1001, 0x7fff, 0x8000, 0x8001, 0xffff];
  const bits = new Uint32Array(65536 * lows.length);
  let k = 0;
  for (let high = 0; high < 65536; high++) for (const low of lows) bits[k++] = high * 65536 + low;
  return new Float32Array(bits.buffer);
}

const floatArrays = fc.oneof(
  fc.float32Array({ maxLength: 64 }),
  fc.array(float32FromRandomBits, { maxLength: 64 }).map((values) => Float32Array.from(values)),
  fc.float64Array({ maxLength: 64 }),
  fc
    .array(
      fc.oneof(fc.double({ min: -70000, max: 70000 }), nearTies(FLOAT16_FORMAT), nearTies(BFLOAT16_FORMAT)),
      {
        maxLength: 64,
      },
    )
    .map((values) => Float64Array.from(values)),
);

describe.each(HALF_CASES)(
  '$name bulk encode/decode',
  ({ name, format, encode, decode, toBits, fromBits }) => {
    it('decodes all 65,536 patterns exactly like the scalar decoder and the IEEE definition', () => {
      const decoded = decode(null, ALL_16_BIT_PATTERNS);
      expect(decoded).toBeInstanceOf(Float32Array);
      expect(decoded.length).toBe(65536);
      for (let bits = 0; bits < 65536; bits++) {
        const value = decoded[bits]!;
        if (!Object.is(value, fromBits(bits)) || !sameNumber(value, decodeBits(bits, format))) {
          expect.fail(`${name} decode of 0x${bits.toString(16)} gave ${value}`);
        }
      }
    });

    it.each(['Float32Array', 'Float64Array'] as const)(
      're-encodes all 65,536 decoded non-NaN patterns from a %s to the same pattern',
      (arrayType) => {
        const decoded = decode(null, ALL_16_BIT_PATTERNS);
        const source = arrayType === 'Float32Array' ? decoded : Float64Array.from(decoded);
        const encoded = encode(null, source);
        const nonNaN = ALL_16_BIT_PATTERNS.filter((bits) => !isNaNBits(bits, format));
        const wrong = patternMismatches(
          encoded.filter((_, bits) => !isNaNBits(bits, format)),
          nonNaN,
          format,
        );
        expect(wrong.length, wrong.slice(0, 4).join(', ')).toBe(0);
      },
    );

    it.each(['Float32Array', 'Float64Array'] as const)(
      're-encodes all decoded NaN patterns from a %s to NaN patterns of the same sign',
      (arrayType) => {
        const decoded = decode(null, ALL_16_BIT_PATTERNS);
        const source = arrayType === 'Float32Array' ? decoded : Float64Array.from(decoded);
        const encoded = encode(null, source);
        const atNaNPattern = (_: number, bits: number): boolean => isNaNBits(bits, format);
        const wrong = patternMismatches(
          encoded.filter(atNaNPattern),
          ALL_16_BIT_PATTERNS.filter(atNaNPattern),
          format,
        );
        expect(wrong.length, wrong.slice(0, 4).join(', ')).toBe(0);
      },
    );

    it('decodes negative NaN patterns to float32 NaNs with the sign bit set', () => {
      const negativeNaNs = ALL_16_BIT_PATTERNS.filter((bits) => bits >= 0x8000 && isNaNBits(bits, format));
      const decoded = decode(null, negativeNaNs);
      const decodedBits = new Uint32Array(decoded.buffer);
      const wrong = [...negativeNaNs].filter(
        (_, i) => !Number.isNaN(decoded[i]!) || decodedBits[i]! >>> 31 !== 1,
      );
      expect(wrong.length, `first: ${wrong.slice(0, 4).map((b) => `0x${b.toString(16)}`)}`).toBe(0);
    });

    it('encodes a Float32Array NaN of either sign (any payload) to a NaN pattern of that sign', () => {
      const nanBits = new Uint32Array([
        0x7fc00000, 0xffc00000, 0x7f800001, 0xff800001, 0x7fffffff, 0xffffffff,
      ]);
      const encoded = encode(null, new Float32Array(nanBits.buffer));
      for (let i = 0; i < nanBits.length; i++) {
        expect(isNaNBits(encoded[i]!, format)).toBe(true);
        expect(signOf16(encoded[i]!)).toBe(nanBits[i]! >>> 31);
      }
    });

    it('encodes a sweep of 589,824 float32 values (every upper half, tie-adjacent lower halves) like the scalar encoder', () => {
      const source = float32Sweep();
      const encoded = encode(null, source);
      const encoded64 = encode(null, Float64Array.from(source));
      for (let i = 0; i < source.length; i++) {
        const expected = toBits(source[i]!);
        if (Number.isNaN(source[i]!)) {
          if (!isNaNBits(encoded[i]!, format) || !isNaNBits(encoded64[i]!, format))
            expect.fail(`NaN at ${i}`);
        } else if (encoded[i] !== expected || encoded64[i] !== expected) {
          expect.fail(
            `${name} encode of ${source[i]}: 0x${encoded[i]!.toString(16)} / 0x${encoded64[i]!.toString(16)}`,
          );
        }
      }
    });

    it('encodes random Float32Array/Float64Array values like the exact oracle, elementwise', () => {
      fc.assert(
        fc.property(floatArrays, (source) => {
          const encoded = encode(null, source);
          const expected = Uint16Array.from(source, (x) => exactRoundBits(x, format));
          return (
            encoded.length === source.length && patternMismatches(encoded, expected, format).length === 0
          );
        }),
        { numRuns: NUM_RUNS },
      );
    });

    it('rounds from float64 exactly (no double rounding through float32)', () => {
      const tie = name === 'float16' ? 1 + 2 ** -11 : 1 + 2 ** -8;
      const encoded = encode(null, Float64Array.of(tie, tie + 2 ** -40, -(tie + 2 ** -40), tie - 2 ** -40));
      const one = toBits(1);
      expect([...encoded]).toEqual([one, one + 1, (one + 1) | 0x8000, one]);
    });

    it('writes into the given out and returns that very object', () => {
      const source = Float64Array.of(1, -2.5, 0.1, 1e6, -0, Number.NaN);
      const out = new Uint16Array(6);
      expect(encode(out, source)).toBe(out);
      expect([...out.subarray(0, 5)]).toEqual([1, -2.5, 0.1, 1e6, -0].map(toBits));
      expect(isNaNBits(out[5]!, format)).toBe(true);
      const decodedOut = new Float32Array(6);
      expect(decode(decodedOut, out)).toBe(decodedOut);
      expect([...decodedOut]).toEqual([...out].map(fromBits));
    });

    it('allocates a new array of the right type and length when out is null', () => {
      const source = Float32Array.of(1, 2, 3);
      const encoded = encode(null, source);
      expect(encoded).toBeInstanceOf(Uint16Array);
      expect(encoded.length).toBe(3);
      const decoded = decode(null, encoded);
      expect(decoded).toBeInstanceOf(Float32Array);
      expect([...decoded]).toEqual([1, 2, 3]);
      expect(encode(null, new Float64Array(0)).length).toBe(0);
    });

    it('handles views with a byte offset (source, out and decode target)', () => {
      const values = [0.1, -3.75, 65504, 1e-5, 2 ** -20];
      const backing = new Float32Array(values.length + 3);
      backing.set(values, 2);
      const source = backing.subarray(2, 2 + values.length);
      const bitsBacking = new Uint16Array(values.length + 4).fill(0xabcd);
      const out = bitsBacking.subarray(1, 1 + values.length);
      encode(out, source);
      expect([...out]).toEqual(values.map((x) => toBits(Math.fround(x))));
      expect(bitsBacking[0]).toBe(0xabcd);
      expect(bitsBacking[values.length + 1]).toBe(0xabcd);
      const decodedBacking = new Float32Array(values.length + 2).fill(7);
      const decoded = decodedBacking.subarray(1, 1 + values.length);
      decode(decoded, out);
      expect([...decoded]).toEqual([...out].map(fromBits));
      expect(decodedBacking[0]).toBe(7);
      expect(decodedBacking[values.length + 1]).toBe(7);
    });

    it('rejects sources that are not Float32Array/Float64Array with a TypeError naming src', () => {
      for (const source of [[1, 2], new Int32Array(2), new Uint16Array(2), null, 'ab']) {
        expect(() => encode(null, source as unknown as FloatArray)).toThrow(TypeError);
        expect(() => encode(null, source as unknown as FloatArray)).toThrow(/src/);
      }
      for (const source of [[1, 2], new Float32Array(2), new Int16Array(2), null]) {
        expect(() => decode(null, source as unknown as Uint16Array)).toThrow(TypeError);
        expect(() => decode(null, source as unknown as Uint16Array)).toThrow(/src/);
      }
    });

    it('rejects an out of the wrong type with a TypeError naming out', () => {
      for (const out of [new Float32Array(2), new Int16Array(2), [0, 0]]) {
        expect(() => encode(out as unknown as Uint16Array, new Float32Array(2))).toThrow(TypeError);
        expect(() => encode(out as unknown as Uint16Array, new Float32Array(2))).toThrow(/out/);
      }
      for (const out of [new Uint16Array(2), new Float64Array(2), [0, 0]]) {
        expect(() => decode(out as unknown as Float32Array, new Uint16Array(2))).toThrow(TypeError);
        expect(() => decode(out as unknown as Float32Array, new Uint16Array(2))).toThrow(/out/);
      }
    });

    it('rejects a length mismatch with a RangeError naming out.length and src.length', () => {
      const calls = [
        () => encode(new Uint16Array(3), new Float32Array(2)),
        () => encode(new Uint16Array(1), new Float64Array(2)),
        () => decode(new Float32Array(3), new Uint16Array(2)),
      ];
      for (const call of calls) {
        expect(call).toThrow(RangeError);
        expect(call).toThrow(/out\.length/);
        expect(call).toThrow(/src\.length/);
      }
    });
  },
);

describe('decodeFloat16 against @petamoriken/float16', () => {
  it('matches Float16Array on all 65,536 patterns', () => {
    const decoded = decodeFloat16(null, ALL_16_BIT_PATTERNS);
    const reference = new Float16Array(ALL_16_BIT_PATTERNS.buffer);
    for (let bits = 0; bits < 65536; bits++) {
      const ok = Number.isNaN(reference[bits]!)
        ? Number.isNaN(decoded[bits]!)
        : Object.is(decoded[bits], reference[bits]);
      if (!ok) {
        expect.fail(`0x${bits.toString(16)}: ${decoded[bits]} vs ${reference[bits]}`);
      }
    }
  });
});

describe('roundArray', () => {
  const arrayTypes = [
    ['Float32Array', Float32Array],
    ['Float64Array', Float64Array],
  ] as const;

  describe.each(DTYPES)('to %s', (dtype) => {
    it('rounds random arrays elementwise exactly like roundTo: into out, in place, and allocating', () => {
      fc.assert(
        fc.property(floatArrays, (source) => {
          const copy = source.slice();
          const expected = Array.from(source, (x) => roundTo(x, dtype));
          const matches = (array: ArrayLike<number>): boolean =>
            array.length === expected.length && expected.every((e, i) => sameNumber(array[i]!, e));

          const out = new (source.constructor as new (length: number) => FloatArray)(source.length);
          const intoOut = roundArray(out, source, dtype);
          const allocated = roundArray(null, source, dtype);
          const sourceUntouched = copy.every((x, i) => Object.is(x, source[i]) || Number.isNaN(x));
          const inPlace = roundArray(source, source, dtype);
          return (
            intoOut === out &&
            matches(out) &&
            allocated !== source &&
            allocated.constructor === source.constructor &&
            matches(allocated) &&
            sourceUntouched &&
            inPlace === source &&
            matches(source)
          );
        }),
        { numRuns: NUM_RUNS / 2 },
      );
    });

    it.each(arrayTypes)('rounds a %s sweep of float32 values like roundTo', (_, ArrayType) => {
      const source = ArrayType.from(float32Sweep());
      const rounded = roundArray(null, source, dtype);
      for (let i = 0; i < source.length; i++) {
        if (!sameNumber(rounded[i]!, roundTo(source[i]!, dtype))) {
          expect.fail(
            `roundArray(${source[i]}, ${dtype}) = ${rounded[i]}, want ${roundTo(source[i]!, dtype)}`,
          );
        }
      }
    });

    it.each(arrayTypes)('keeps ±0, ±Infinity and NaN in a %s', (_, ArrayType) => {
      const source = ArrayType.of(0, -0, Infinity, -Infinity, Number.NaN);
      const rounded = roundArray(null, source, dtype);
      expect(Object.is(rounded[0], 0)).toBe(true);
      expect(Object.is(rounded[1], -0)).toBe(true);
      expect(rounded[2]).toBe(Infinity);
      expect(rounded[3]).toBe(-Infinity);
      expect(rounded[4]).toBeNaN();
    });

    it('keeps NaN for every float32 NaN payload and sign', () => {
      const nanBits = Uint32Array.of(0x7fc00000, 0xffc00000, 0x7f800001, 0xff800001, 0x7fbfffff, 0xffffffff);
      const source = new Float32Array(nanBits.buffer);
      const rounded = roundArray(null, source, dtype);
      for (const value of rounded) expect(value).toBeNaN();
    });
  });

  it('rounds the hand-listed cases from a Float64Array without double rounding', () => {
    const source = Float64Array.of(
      1 + 2 ** -11 + 2 ** -40,
      65520 - 2 ** -37,
      65520,
      2 ** -25,
      2 ** -25 * (1 + 2 ** -20),
    );
    expect([...roundArray(null, source, 'float16')]).toEqual([1 + 2 ** -10, 65504, Infinity, 0, 2 ** -24]);
    const bf = Float64Array.of(
      1 + 2 ** -8 + 2 ** -30,
      1 + 2 ** -8,
      (2 - 2 ** -8) * 2 ** 127,
      2 ** -134 + 2 ** -160,
    );
    expect([...roundArray(null, bf, 'bfloat16')]).toEqual([1 + 2 ** -7, 1, Infinity, 2 ** -133]);
  });

  it('rounds a Float32Array sub-view in place without touching its neighbours', () => {
    const backing = Float32Array.of(0.1, 0.1, 0.1, 0.1, 0.1);
    const view = backing.subarray(1, 4);
    expect(roundArray(view, view, 'bfloat16')).toBe(view);
    expect([...backing]).toEqual([
      Math.fround(0.1),
      0.10009765625,
      0.10009765625,
      0.10009765625,
      Math.fround(0.1),
    ]);
  });

  it('returns an allocated array with the same element values as the bit patterns', () => {
    const source = Float32Array.of(0.1, 1 / 3, -7.7);
    const rounded = roundArray(null, source, 'float16');
    expect([...rounded]).toEqual([...encodeFloat16(null, source)].map(fromFloat16Bits));
    const roundedB = roundArray(null, source, 'bfloat16');
    expect([...roundedB]).toEqual([...encodeBFloat16(null, source)].map(fromBFloat16Bits));
  });

  it('rejects a src that is not a Float32Array/Float64Array with a TypeError naming src', () => {
    for (const source of [[1, 2], new Int32Array(2), new Uint16Array(2), null, undefined]) {
      const call = (): unknown => roundArray(null, source as unknown as Float32Array, 'float16');
      expect(call).toThrow(TypeError);
      expect(call).toThrow(/src/);
    }
  });

  it('rejects an out of another type than src with a TypeError naming out', () => {
    const cases: [unknown, FloatArray][] = [
      [new Float64Array(2), new Float32Array(2)],
      [new Float32Array(2), new Float64Array(2)],
      [new Int32Array(2), new Float32Array(2)],
      [[0, 0], new Float64Array(2)],
    ];
    for (const [out, source] of cases) {
      const call = (): unknown => roundArray(out as FloatArray, source, 'bfloat16');
      expect(call).toThrow(TypeError);
      expect(call).toThrow(/out/);
    }
  });

  it('rejects a length mismatch with a RangeError naming out.length and src.length', () => {
    for (const [out, source] of [
      [new Float32Array(3), new Float32Array(2)],
      [new Float64Array(1), new Float64Array(2)],
    ] as const) {
      const call = (): unknown => roundArray(out as FloatArray, source as FloatArray, 'float16');
      expect(call).toThrow(RangeError);
      expect(call).toThrow(/out\.length/);
      expect(call).toThrow(/src\.length/);
    }
  });

  it('rejects an unknown dtype with a TypeError listing the valid ones', () => {
    const call = (): unknown => roundArray(null, new Float32Array(2), 'int8' as unknown as DType);
    expect(call).toThrow(TypeError);
    for (const valid of DTYPES) expect(call).toThrow(new RegExp(`'${valid}'`));
  });

  it('leaves out unchanged when it throws', () => {
    const out = Float32Array.of(5, 5);
    expect(() => roundArray(out, new Float32Array(3), 'float16')).toThrow(RangeError);
    expect([...out]).toEqual([5, 5]);
  });
});
