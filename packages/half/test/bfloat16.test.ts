import { fromBFloat16Bits, roundTo, toBFloat16Bits } from '@singd/half';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BFLOAT16_FORMAT,
  decodeBits,
  exactRoundBits,
  float32BitsOracle,
  float32FromRandomBits,
  isNaNBits,
  nearTies,
  signBitOf,
  signOf16,
} from './oracle.js';

const NUM_RUNS = 20_000;
const MAX_FINITE = (2 - 2 ** -7) * 2 ** 127;
const OVERFLOW_THRESHOLD = (2 - 2 ** -8) * 2 ** 127;

/** `actual` is the pattern `expected`, or, for a NaN `expected`, a NaN pattern of its sign. */
function sameBFloat16(actual: number, expected: number): boolean {
  if (isNaNBits(expected, BFLOAT16_FORMAT)) {
    return isNaNBits(actual, BFLOAT16_FORMAT) && signOf16(actual) === signOf16(expected);
  }
  return actual === expected;
}

describe('fromBFloat16Bits (all 65,536 patterns)', () => {
  it('decodes every pattern to its value (binary32 with a 7-bit fraction)', () => {
    for (let bits = 0; bits < 65536; bits++) {
      const actual = fromBFloat16Bits(bits);
      const expected = decodeBits(bits, BFLOAT16_FORMAT);
      if (!Object.is(actual, expected))
        expect.fail(`fromBFloat16Bits(${bits}) = ${actual}, want ${expected}`);
    }
  });

  it('decodes every pattern to the float32 whose upper half it is', () => {
    for (let bits = 0; bits < 65536; bits++) {
      const actual = fromBFloat16Bits(bits);
      if (Number.isNaN(actual)) continue;
      if (float32BitsOracle(actual) !== bits * 65536) expect.fail(`fromBFloat16Bits(${bits}) = ${actual}`);
    }
  });

  it('decodes exactly the 254 NaN patterns to NaN, keeping the sign', () => {
    let nanCount = 0;
    for (let bits = 0; bits < 65536; bits++) {
      const isNaNPattern = (bits & 0x7f80) === 0x7f80 && (bits & 0x7f) !== 0;
      const value = fromBFloat16Bits(bits);
      if (Number.isNaN(value) !== isNaNPattern) expect.fail(`bits 0x${bits.toString(16)}`);
      if (isNaNPattern) {
        nanCount++;
        if (signBitOf(value) !== bits >= 0x8000) expect.fail(`sign of NaN from 0x${bits.toString(16)}`);
      }
    }
    expect(nanCount).toBe(254);
  });

  it('decodes the landmark patterns', () => {
    expect(Object.is(fromBFloat16Bits(0x0000), 0)).toBe(true);
    expect(Object.is(fromBFloat16Bits(0x8000), -0)).toBe(true);
    expect(fromBFloat16Bits(0x3f80)).toBe(1);
    expect(fromBFloat16Bits(0x3f81)).toBe(1 + 2 ** -7);
    expect(fromBFloat16Bits(0xc000)).toBe(-2);
    expect(fromBFloat16Bits(0x0001)).toBe(2 ** -133);
    expect(fromBFloat16Bits(0x007f)).toBe(127 * 2 ** -133);
    expect(fromBFloat16Bits(0x0080)).toBe(2 ** -126);
    expect(fromBFloat16Bits(0x7f7f)).toBe(MAX_FINITE);
    expect(fromBFloat16Bits(0xff7f)).toBe(-MAX_FINITE);
    expect(fromBFloat16Bits(0x7f80)).toBe(Infinity);
    expect(fromBFloat16Bits(0xff80)).toBe(-Infinity);
    expect(fromBFloat16Bits(0x7fc0)).toBeNaN();
    expect(fromBFloat16Bits(0x7f81)).toBeNaN();
    expect(fromBFloat16Bits(0xffff)).toBeNaN();
  });

  it('rejects bits outside [0, 65535] or non-integers with a TypeError naming bits', () => {
    for (const bits of [-1, 65536, 1.5, Number.NaN, -Infinity, '1', null, undefined, 1n]) {
      expect(() => fromBFloat16Bits(bits as unknown as number)).toThrow(TypeError);
      expect(() => fromBFloat16Bits(bits as unknown as number)).toThrow(/bits/);
    }
  });
});

describe('toBFloat16Bits (all 65,536 patterns)', () => {
  it('re-encodes every non-NaN pattern to itself', () => {
    for (let bits = 0; bits < 65536; bits++) {
      if (isNaNBits(bits, BFLOAT16_FORMAT)) continue;
      const encoded = toBFloat16Bits(fromBFloat16Bits(bits));
      if (encoded !== bits)
        expect.fail(`toBFloat16Bits(fromBFloat16Bits(0x${bits.toString(16)})) = 0x${encoded.toString(16)}`);
    }
  });

  it('re-encodes every NaN pattern to a NaN pattern of the same sign', () => {
    const wrong: string[] = [];
    for (let bits = 0; bits < 65536; bits++) {
      if (!isNaNBits(bits, BFLOAT16_FORMAT)) continue;
      const encoded = toBFloat16Bits(fromBFloat16Bits(bits));
      if (!isNaNBits(encoded, BFLOAT16_FORMAT) || signOf16(encoded) !== signOf16(bits)) {
        wrong.push(`0x${bits.toString(16)} -> 0x${encoded.toString(16)}`);
      }
    }
    expect(wrong.length, `first: ${wrong.slice(0, 4).join(', ')}`).toBe(0);
  });
});

describe('toBFloat16Bits: hand-listed cases', () => {
  it.each([
    // the documented examples
    [1, 0x3f80],
    [1 + 2 ** -8, 0x3f80],
    [1 + 2 ** -8 + 2 ** -30, 0x3f81],
    // ties to even
    [1 + 3 * 2 ** -8, 0x3f82],
    [-(1 + 2 ** -8), 0xbf80],
    [-(1 + 3 * 2 ** -8), 0xbf82],
    [257, 0x4380],
    [259, 0x4382],
    // just below / above a tie (a float32 detour would land on the tie)
    [1 + 3 * 2 ** -8 - 2 ** -40, 0x3f81],
    [257 + 2 ** -40, 0x4381],
    // zeros and infinities
    [0, 0x0000],
    [-0, 0x8000],
    [Infinity, 0x7f80],
    [-Infinity, 0xff80],
    // overflow thresholds
    [MAX_FINITE, 0x7f7f],
    [-MAX_FINITE, 0xff7f],
    [OVERFLOW_THRESHOLD, 0x7f80],
    [-OVERFLOW_THRESHOLD, 0xff80],
    [OVERFLOW_THRESHOLD * (1 - 2 ** -53), 0x7f7f],
    [OVERFLOW_THRESHOLD - 2 ** 100, 0x7f7f],
    [(2 - 2 ** -23) * 2 ** 127, 0x7f80], // float32 max
    [3.5e38, 0x7f80],
    [1e39, 0x7f80],
    [Number.MAX_VALUE, 0x7f80],
    [-Number.MAX_VALUE, 0xff80],
    // subnormals
    [2 ** -133, 0x0001],
    [-(2 ** -133), 0x8001],
    [2 ** -134, 0x0000],
    [-(2 ** -134), 0x8000],
    [2 ** -134 * (1 + 2 ** -30), 0x0001],
    [2 ** -134 + 2 ** -160, 0x0001], // below float32's subnormal resolution
    [3 * 2 ** -135, 0x0001],
    [3 * 2 ** -134, 0x0002],
    [127 * 2 ** -133, 0x007f],
    [127.5 * 2 ** -133, 0x0080],
    [2 ** -126, 0x0080],
    [2 ** -149, 0x0000],
    [1e-50, 0x0000],
    [-1e-50, 0x8000],
    [Number.MIN_VALUE, 0x0000],
    // ordinary values
    [0.1, 0x3dcd],
    [Math.PI, 0x4049],
    [-2, 0xc000],
    [1e10, 0x5015],
  ])('toBFloat16Bits(%s) === %s', (x, bits) => {
    expect(toBFloat16Bits(x)).toBe(bits);
  });

  it('encodes NaN as a NaN pattern of the same sign', () => {
    const positive = toBFloat16Bits(Number.NaN);
    expect(isNaNBits(positive, BFLOAT16_FORMAT)).toBe(true);
    expect(signOf16(positive)).toBe(0);
    const negativeNaN = new Float64Array(new BigUint64Array([0xfff8000000000000n]).buffer)[0]!;
    const negative = toBFloat16Bits(negativeNaN);
    expect(isNaNBits(negative, BFLOAT16_FORMAT)).toBe(true);
    expect(signOf16(negative)).toBe(1);
  });

  it('rejects a non-number x with a TypeError naming x', () => {
    for (const x of ['1', null, undefined, 1n, {}, [1]]) {
      expect(() => toBFloat16Bits(x as unknown as number)).toThrow(TypeError);
      expect(() => toBFloat16Bits(x as unknown as number)).toThrow(/\bx\b/);
    }
  });
});

describe('toBFloat16Bits: properties against the exact oracle', () => {
  it('equals the exact BigInt oracle for any float64', () => {
    fc.assert(
      fc.property(fc.double({ noDefaultInfinity: false }), (x) => {
        return sameBFloat16(toBFloat16Bits(x), exactRoundBits(x, BFLOAT16_FORMAT));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('equals the exact oracle on ordinary, subnormal and huge float64s', () => {
    const ranges = fc.oneof(
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      fc.double({ min: -(2 ** -120), max: 2 ** -120, noNaN: true }),
      fc.double({ min: 2 ** 126, max: 2 ** 129, noNaN: true }),
      fc.double({ min: 2 ** -150, max: 2 ** -125, noNaN: true }),
    );
    fc.assert(
      fc.property(ranges, (x) => {
        return sameBFloat16(toBFloat16Bits(x), exactRoundBits(x, BFLOAT16_FORMAT));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('equals the exact oracle at and around every kind of tie', () => {
    fc.assert(
      fc.property(nearTies(BFLOAT16_FORMAT), (x) => {
        return sameBFloat16(toBFloat16Bits(x), exactRoundBits(x, BFLOAT16_FORMAT));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('equals the exact oracle on float32 values (fc.float and random 32-bit patterns)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.float(), float32FromRandomBits), (x) => {
        return sameBFloat16(toBFloat16Bits(x), exactRoundBits(x, BFLOAT16_FORMAT));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('is odd-symmetric: toBFloat16Bits(-x) flips only the sign bit', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: false }), (x) => {
        return toBFloat16Bits(-x) === (toBFloat16Bits(x) ^ 0x8000);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('decode ∘ encode agrees with roundTo(x, "bfloat16")', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: false }), (x) => {
        return Object.is(fromBFloat16Bits(toBFloat16Bits(x)), roundTo(x, 'bfloat16'));
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
