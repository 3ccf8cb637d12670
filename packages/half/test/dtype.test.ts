import {
  assertDType,
  DTYPES,
  type DType,
  describeValue,
  FORMATS,
  fromBFloat16Bits,
  fromFloat16Bits,
  isDType,
  isHalfDType,
  roundTo,
} from '@singd/half';
import { describe, expect, it } from 'vitest';

describe('FORMATS', () => {
  it('has the float16 (IEEE binary16) constants', () => {
    expect(FORMATS.float16).toMatchObject({
      dtype: 'float16',
      bits: 16,
      bytesPerElement: 2,
      exponentBits: 5,
      fractionBits: 10,
      exponentBias: 15,
      minExponent: -14,
      maxExponent: 15,
      maxFinite: 65504,
      minNormal: 2 ** -14,
      minSubnormal: 2 ** -24,
      epsilon: 2 ** -10,
    });
    expect(FORMATS.float16.minNormal).toBe(6.103515625e-5);
    expect(FORMATS.float16.minSubnormal).toBe(5.9604644775390625e-8);
    expect(FORMATS.float16.epsilon).toBe(0.0009765625);
  });

  it('has the bfloat16 constants', () => {
    expect(FORMATS.bfloat16).toMatchObject({
      dtype: 'bfloat16',
      bits: 16,
      bytesPerElement: 2,
      exponentBits: 8,
      fractionBits: 7,
      exponentBias: 127,
      minExponent: -126,
      maxExponent: 127,
      maxFinite: (2 - 2 ** -7) * 2 ** 127,
      minNormal: 2 ** -126,
      minSubnormal: 2 ** -133,
      epsilon: 2 ** -7,
    });
    expect(FORMATS.bfloat16.maxFinite).toBe(3.3895313892515355e38);
    expect(FORMATS.bfloat16.epsilon).toBe(0.0078125);
  });

  it('has the float32 (IEEE binary32) constants', () => {
    expect(FORMATS.float32).toMatchObject({
      dtype: 'float32',
      bits: 32,
      bytesPerElement: 4,
      exponentBits: 8,
      fractionBits: 23,
      exponentBias: 127,
      minExponent: -126,
      maxExponent: 127,
      maxFinite: 3.4028234663852886e38,
      minNormal: 1.1754943508222875e-38,
      minSubnormal: 1.401298464324817e-45,
      epsilon: 1.1920928955078125e-7,
    });
    const bits = new Uint32Array(1);
    const asFloat = new Float32Array(bits.buffer);
    bits[0] = 0x7f7fffff;
    expect(FORMATS.float32.maxFinite).toBe(asFloat[0]);
    bits[0] = 0x00800000;
    expect(FORMATS.float32.minNormal).toBe(asFloat[0]);
    bits[0] = 0x00000001;
    expect(FORMATS.float32.minSubnormal).toBe(asFloat[0]);
  });

  it("has the float64 (IEEE binary64) constants, equal to Number's", () => {
    expect(FORMATS.float64).toMatchObject({
      dtype: 'float64',
      bits: 64,
      bytesPerElement: 8,
      exponentBits: 11,
      fractionBits: 52,
      exponentBias: 1023,
      minExponent: -1022,
      maxExponent: 1023,
    });
    expect(FORMATS.float64.maxFinite).toBe(Number.MAX_VALUE);
    expect(FORMATS.float64.minSubnormal).toBe(Number.MIN_VALUE);
    expect(FORMATS.float64.epsilon).toBe(Number.EPSILON);
    expect(FORMATS.float64.minNormal).toBe(2 ** -1022);
    expect(FORMATS.float64.minNormal).toBe(2.2250738585072014e-308);
  });

  it('agrees with the encoders: maxFinite, minNormal, minSubnormal and 1 + epsilon are the right bit patterns', () => {
    expect(fromFloat16Bits(0x7bff)).toBe(FORMATS.float16.maxFinite);
    expect(fromFloat16Bits(0x0400)).toBe(FORMATS.float16.minNormal);
    expect(fromFloat16Bits(0x0001)).toBe(FORMATS.float16.minSubnormal);
    expect(fromFloat16Bits(0x3c01)).toBe(1 + FORMATS.float16.epsilon);
    expect(fromBFloat16Bits(0x7f7f)).toBe(FORMATS.bfloat16.maxFinite);
    expect(fromBFloat16Bits(0x0080)).toBe(FORMATS.bfloat16.minNormal);
    expect(fromBFloat16Bits(0x0001)).toBe(FORMATS.bfloat16.minSubnormal);
    expect(fromBFloat16Bits(0x3f81)).toBe(1 + FORMATS.bfloat16.epsilon);
  });

  it.each(['float32', 'bfloat16', 'float16'] as const)(
    '%s: maxFinite + ulp/2 overflows, just below it does not, minSubnormal/2 flushes to 0',
    (dtype) => {
      const { maxFinite, maxExponent, fractionBits, minSubnormal } = FORMATS[dtype];
      const halfUlp = 2 ** (maxExponent - fractionBits - 1);
      expect(roundTo(maxFinite + halfUlp, dtype)).toBe(Infinity);
      expect(roundTo(maxFinite + halfUlp * (1 - 2 ** -20), dtype)).toBe(maxFinite);
      expect(roundTo(minSubnormal / 2, dtype)).toBe(0);
      expect(roundTo(minSubnormal * 0.51, dtype)).toBe(minSubnormal);
    },
  );

  it('is frozen, as is every entry', () => {
    expect(Object.isFrozen(FORMATS)).toBe(true);
    for (const dtype of DTYPES) {
      expect(Object.isFrozen(FORMATS[dtype])).toBe(true);
      expect(FORMATS[dtype].dtype).toBe(dtype);
    }
  });
});

describe('DTYPES and the guards', () => {
  it('lists the four dtypes, widest first', () => {
    expect(DTYPES).toEqual(['float64', 'float32', 'bfloat16', 'float16']);
    const widths = DTYPES.map((d) => FORMATS[d].bits);
    expect(widths).toEqual([64, 32, 16, 16]);
  });

  it('isDType accepts exactly the dtype names', () => {
    for (const dtype of DTYPES) expect(isDType(dtype)).toBe(true);
    for (const value of ['float8', 'Float16', 'half', '', null, undefined, 16, {}, ['float16']]) {
      expect(isDType(value)).toBe(false);
    }
  });

  it('isHalfDType is true for the two 16-bit formats only', () => {
    expect(DTYPES.filter(isHalfDType)).toEqual(['bfloat16', 'float16']);
  });

  it('assertDType returns its argument for a valid dtype', () => {
    for (const dtype of DTYPES) expect(assertDType(dtype)).toBe(dtype);
  });

  it('assertDType throws a TypeError naming the argument, the valid values and what it got', () => {
    const call = (): DType => assertDType('float8');
    expect(call).toThrow(TypeError);
    expect(call).toThrow("dtype must be one of 'float64', 'float32', 'bfloat16', 'float16'; got 'float8'");
    expect(() => assertDType(3, 'precision')).toThrow(/^precision must be one of .*; got 3$/);
  });
});

describe('describeValue', () => {
  it.each([
    ['abc', "'abc'"],
    [1.5, '1.5'],
    [Number.NaN, 'NaN'],
    [true, 'true'],
    [10n, '10'],
    [null, 'null'],
    [undefined, 'undefined'],
    [new Float32Array(3), 'Float32Array(3)'],
    [[1, 2], 'Array(2)'],
    [{}, 'Object'],
    [new Map(), 'Map'],
    [Object.create(null), 'object'],
    [() => 1, 'function'],
    [Symbol('s'), 'symbol'],
  ])('describeValue(%s) === %s', (value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });
});
