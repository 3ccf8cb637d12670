import { Float16Array, f16round, getFloat16, setFloat16 } from '@petamoriken/float16';
import { FORMATS, fromFloat16Bits, roundTo, toFloat16Bits } from '@singd/half';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALL_16_BIT_PATTERNS,
  decodeBits,
  exactRoundBits,
  FLOAT16_FORMAT,
  float32FromRandomBits,
  isNaNBits,
  nearTies,
  signBitOf,
  signOf16,
} from './oracle.js';

const NUM_RUNS = 20_000;

/** `actual` is the pattern `expected`, or, for a NaN `expected`, a NaN pattern of its sign. */
function sameFloat16(actual: number, expected: number): boolean {
  if (isNaNBits(expected, FLOAT16_FORMAT)) {
    return isNaNBits(actual, FLOAT16_FORMAT) && signOf16(actual) === signOf16(expected);
  }
  return actual === expected;
}

function petamorikenBits(x: number): number {
  const view = new DataView(new ArrayBuffer(2));
  setFloat16(view, 0, x);
  return view.getUint16(0);
}

describe('fromFloat16Bits (all 65,536 patterns)', () => {
  it('decodes every pattern to its IEEE 754 binary16 value', () => {
    for (let bits = 0; bits < 65536; bits++) {
      const actual = fromFloat16Bits(bits);
      const expected = decodeBits(bits, FLOAT16_FORMAT);
      if (!Object.is(actual, expected)) expect.fail(`fromFloat16Bits(${bits}) = ${actual}, want ${expected}`);
    }
  });

  it("agrees with @petamoriken/float16's getFloat16 and Float16Array on every pattern", () => {
    const view = new DataView(ALL_16_BIT_PATTERNS.buffer);
    const reference = new Float16Array(ALL_16_BIT_PATTERNS.buffer);
    for (let bits = 0; bits < 65536; bits++) {
      const actual = fromFloat16Bits(bits);
      const viaGet = getFloat16(view, 2 * bits, true);
      const viaArray = reference[bits]!;
      if (!Object.is(actual, viaGet) || !Object.is(actual, viaArray)) {
        expect.fail(`fromFloat16Bits(${bits}) = ${actual}; getFloat16 ${viaGet}, Float16Array ${viaArray}`);
      }
    }
  });

  it('decodes exactly the 2,046 NaN patterns to NaN', () => {
    let nanCount = 0;
    for (let bits = 0; bits < 65536; bits++) {
      const isNaNPattern = (bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0;
      if (Number.isNaN(fromFloat16Bits(bits)) !== isNaNPattern) expect.fail(`bits 0x${bits.toString(16)}`);
      if (isNaNPattern) nanCount++;
    }
    expect(nanCount).toBe(2046);
  });

  it('decodes the landmark patterns', () => {
    expect(fromFloat16Bits(0x0000)).toBe(0);
    expect(Object.is(fromFloat16Bits(0x0000), 0)).toBe(true);
    expect(Object.is(fromFloat16Bits(0x8000), -0)).toBe(true);
    expect(fromFloat16Bits(0x3c00)).toBe(1);
    expect(fromFloat16Bits(0xc000)).toBe(-2);
    expect(fromFloat16Bits(0x3c01)).toBe(1 + 2 ** -10);
    expect(fromFloat16Bits(0x3555)).toBe(0.333251953125);
    expect(fromFloat16Bits(0x0001)).toBe(2 ** -24);
    expect(fromFloat16Bits(0x03ff)).toBe(1023 * 2 ** -24);
    expect(fromFloat16Bits(0x0400)).toBe(2 ** -14);
    expect(fromFloat16Bits(0x7bff)).toBe(65504);
    expect(fromFloat16Bits(0xfbff)).toBe(-65504);
    expect(fromFloat16Bits(0x7c00)).toBe(Infinity);
    expect(fromFloat16Bits(0xfc00)).toBe(-Infinity);
    expect(fromFloat16Bits(0x7e00)).toBeNaN();
    expect(fromFloat16Bits(0x7c01)).toBeNaN();
    expect(fromFloat16Bits(0xffff)).toBeNaN();
  });

  it('decodes negative NaN patterns to a NaN with the sign bit set', () => {
    for (const bits of [0xfc01, 0xfe00, 0xffff]) {
      const value = fromFloat16Bits(bits);
      expect(value).toBeNaN();
      expect(signBitOf(value), `sign bit of fromFloat16Bits(0x${bits.toString(16)})`).toBe(true);
    }
  });

  it.each([-1, 65536, 0.5, -0.5, Number.NaN, Infinity])(
    'rejects bits = %s with a TypeError naming bits',
    (bits) => {
      expect(() => fromFloat16Bits(bits)).toThrow(TypeError);
      expect(() => fromFloat16Bits(bits)).toThrow(/bits/);
    },
  );

  it('rejects non-number bits with a TypeError naming bits', () => {
    for (const bits of ['1', null, undefined, 1n, {}]) {
      expect(() => fromFloat16Bits(bits as unknown as number)).toThrow(TypeError);
      expect(() => fromFloat16Bits(bits as unknown as number)).toThrow(/bits/);
    }
  });
});

describe('toFloat16Bits (all 65,536 patterns)', () => {
  it('re-encodes every non-NaN pattern to itself', () => {
    for (let bits = 0; bits < 65536; bits++) {
      if (isNaNBits(bits, FLOAT16_FORMAT)) continue;
      const encoded = toFloat16Bits(fromFloat16Bits(bits));
      if (encoded !== bits)
        expect.fail(`toFloat16Bits(fromFloat16Bits(0x${bits.toString(16)})) = 0x${encoded.toString(16)}`);
    }
  });

  it('re-encodes every NaN pattern to a NaN pattern of the same sign', () => {
    const wrong: string[] = [];
    for (let bits = 0; bits < 65536; bits++) {
      if (!isNaNBits(bits, FLOAT16_FORMAT)) continue;
      const encoded = toFloat16Bits(fromFloat16Bits(bits));
      if (!isNaNBits(encoded, FLOAT16_FORMAT) || signOf16(encoded) !== signOf16(bits)) {
        wrong.push(`0x${bits.toString(16)} -> 0x${encoded.toString(16)}`);
      }
    }
    expect(wrong.length, `first: ${wrong.slice(0, 4).join(', ')}`).toBe(0);
  });
});

describe('toFloat16Bits: hand-listed cases', () => {
  it.each([
    // the documented examples
    [1, 0x3c00],
    [-0, 0x8000],
    [0, 0x0000],
    [65519.99, 0x7bff],
    [65520, 0x7c00],
    [2 ** -24, 0x0001],
    // ties to even
    [1 + 2 ** -11, 0x3c00],
    [1 + 3 * 2 ** -11, 0x3c02],
    [2049, 0x6800],
    [2051, 0x6802],
    [-(1 + 2 ** -11), 0xbc00],
    [-2051, 0xe802],
    // just above a tie: a detour through float32 would land on the tie and round to even
    [1 + 2 ** -11 + 2 ** -40, 0x3c01],
    [2049 + 2 ** -30, 0x6801],
    // just below a tie
    [1 + 3 * 2 ** -11 - 2 ** -40, 0x3c01],
    // overflow
    [65504, 0x7bff],
    [65505, 0x7bff],
    [65520 - 2 ** -37, 0x7bff],
    [-65520, 0xfc00],
    [65536, 0x7c00],
    [1e5, 0x7c00],
    [3.5e38, 0x7c00],
    [1e300, 0x7c00],
    [Number.MAX_VALUE, 0x7c00],
    [-Number.MAX_VALUE, 0xfc00],
    [Infinity, 0x7c00],
    [-Infinity, 0xfc00],
    // subnormals
    [2 ** -25, 0x0000],
    [-(2 ** -25), 0x8000],
    [2 ** -25 * (1 + 2 ** -20), 0x0001],
    [2 ** -25 + 2 ** -60, 0x0001],
    [3 * 2 ** -26, 0x0001],
    [3 * 2 ** -25, 0x0002],
    [5 * 2 ** -25, 0x0002],
    [1023 * 2 ** -24, 0x03ff],
    [1023.5 * 2 ** -24, 0x0400],
    [1023.25 * 2 ** -24, 0x03ff],
    [2 ** -14, 0x0400],
    [-(2 ** -14), 0x8400],
    [2 ** -26, 0x0000],
    [1e-10, 0x0000],
    [Number.MIN_VALUE, 0x0000],
    [-Number.MIN_VALUE, 0x8000],
    // ordinary values
    [0.1, 0x2e66],
    [-2, 0xc000],
    [1 / 3, 0x3555],
    [Math.PI, 0x4248],
  ])('toFloat16Bits(%s) === %s', (x, bits) => {
    expect(toFloat16Bits(x)).toBe(bits);
  });

  it('keeps the sign of zero through the bits', () => {
    expect(toFloat16Bits(-0)).toBe(0x8000);
    expect(Object.is(fromFloat16Bits(toFloat16Bits(-0)), -0)).toBe(true);
    expect(Object.is(fromFloat16Bits(toFloat16Bits(-1e-30)), -0)).toBe(true);
  });

  it('encodes NaN as a NaN pattern of the same sign', () => {
    const positive = toFloat16Bits(Number.NaN);
    expect(isNaNBits(positive, FLOAT16_FORMAT)).toBe(true);
    expect(signOf16(positive)).toBe(0);
    const negativeNaN = new Float64Array(new BigUint64Array([0xfff8000000000000n]).buffer)[0]!;
    expect(negativeNaN).toBeNaN();
    const negative = toFloat16Bits(negativeNaN);
    expect(isNaNBits(negative, FLOAT16_FORMAT)).toBe(true);
    expect(signOf16(negative)).toBe(1);
  });

  it('rejects a non-number x with a TypeError naming x', () => {
    for (const x of ['1', null, undefined, 1n, {}, [1]]) {
      expect(() => toFloat16Bits(x as unknown as number)).toThrow(TypeError);
      expect(() => toFloat16Bits(x as unknown as number)).toThrow(/\bx\b/);
    }
  });
});

describe('toFloat16Bits: properties against independent oracles', () => {
  it('equals the exact BigInt oracle for any float64', () => {
    fc.assert(
      fc.property(fc.double({ noDefaultInfinity: false }), (x) => {
        return sameFloat16(toFloat16Bits(x), exactRoundBits(x, FLOAT16_FORMAT));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('equals the exact oracle on float64s in and around the float16 range (subnormals included)', () => {
    const inRange = fc.oneof(
      fc.double({ min: -70000, max: 70000, noNaN: true }),
      fc.double({ min: -(2 ** -13), max: 2 ** -13, noNaN: true }),
      fc.double({ min: 2 ** -27, max: 2 ** -12, noNaN: true }),
    );
    fc.assert(
      fc.property(inRange, (x) => {
        return sameFloat16(toFloat16Bits(x), exactRoundBits(x, FLOAT16_FORMAT));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('equals the exact oracle at and around every kind of tie', () => {
    fc.assert(
      fc.property(nearTies(FLOAT16_FORMAT), (x) => {
        return sameFloat16(toFloat16Bits(x), exactRoundBits(x, FLOAT16_FORMAT));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('equals the exact oracle on float32 values (fc.float and random 32-bit patterns)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.float(), float32FromRandomBits), (x) => {
        return sameFloat16(toFloat16Bits(x), exactRoundBits(x, FLOAT16_FORMAT));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("@petamoriken/float16's f16round is itself a correct direct rounding of float64 (oracle check)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), nearTies(FLOAT16_FORMAT)), (x) => {
        const expected = decodeBits(exactRoundBits(x, FLOAT16_FORMAT), FLOAT16_FORMAT);
        return Object.is(f16round(x), expected) || (Number.isNaN(expected) && Number.isNaN(f16round(x)));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("agrees with @petamoriken/float16's f16round and setFloat16 on float64 and float32 inputs", () => {
    const inputs = fc.oneof(
      fc.double({ noDefaultInfinity: false }),
      fc.double({ min: -70000, max: 70000 }),
      nearTies(FLOAT16_FORMAT),
      fc.float(),
      float32FromRandomBits,
    );
    fc.assert(
      fc.property(inputs, (x) => {
        const bits = toFloat16Bits(x);
        const value = fromFloat16Bits(bits);
        const reference = f16round(x);
        if (Number.isNaN(reference)) return Number.isNaN(value);
        return Object.is(value, reference) && bits === petamorikenBits(x);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('is odd-symmetric: toFloat16Bits(-x) flips only the sign bit', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: false }), (x) => {
        return toFloat16Bits(-x) === (toFloat16Bits(x) ^ 0x8000);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('decode ∘ encode agrees with roundTo(x, "float16") and stays within an ulp', () => {
    fc.assert(
      fc.property(fc.double({ min: -65504, max: 65504, noNaN: true }), (x) => {
        const rounded = fromFloat16Bits(toFloat16Bits(x));
        const magnitude = Math.max(Math.abs(x), FORMATS.float16.minNormal);
        const ulp = 2 ** (Math.floor(Math.log2(magnitude)) - 10); // may be 2x too large if log2 rounds up
        return Object.is(rounded, roundTo(x, 'float16')) && Math.abs(rounded - x) <= ulp;
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
