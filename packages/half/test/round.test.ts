import { f16round } from '@petamoriken/float16';
import { DTYPES, type DType, FORMATS, roundingFunction, roundTo } from '@singd/half';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BFLOAT16_FORMAT,
  type BinaryFormat,
  exactRound,
  FLOAT16_FORMAT,
  FLOAT32_FORMAT,
  float32FromRandomBits,
  nearTies,
} from './oracle.js';

const NUM_RUNS = 20_000;

const ORACLE_FORMATS: Record<DType, BinaryFormat | null> = {
  float64: null,
  float32: FLOAT32_FORMAT,
  bfloat16: BFLOAT16_FORMAT,
  float16: FLOAT16_FORMAT,
};

/** The exact reference rounding of `x` to `dtype`. */
function reference(x: number, dtype: DType): number {
  const format = ORACLE_FORMATS[dtype];
  return format === null ? x : exactRound(x, format);
}

function sameNumber(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

/** Doubles of every kind: infinities, subnormals, huge, and values in each format's range. */
const anyDouble = fc.oneof(
  fc.double({ noDefaultInfinity: false }),
  fc.double({ min: -70000, max: 70000 }),
  fc.double({ min: -(2 ** -13), max: 2 ** -13 }),
  fc.double({ min: -(2 ** -120), max: 2 ** -120 }),
  fc.double({ min: 2 ** 126, max: 2 ** 129 }),
  fc.float(),
  float32FromRandomBits,
);

describe('the exact oracle itself', () => {
  it('matches Math.fround (hardware rounding) for float32', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double({ noDefaultInfinity: false }), nearTies(FLOAT32_FORMAT)), (x) => {
        return sameNumber(exactRound(x, FLOAT32_FORMAT), Math.fround(x));
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('roundTo', () => {
  it.each(DTYPES)('equals the exact oracle for %s on random doubles', (dtype) => {
    fc.assert(
      fc.property(anyDouble, (x) => {
        return sameNumber(roundTo(x, dtype), reference(x, dtype));
      }),
      { numRuns: NUM_RUNS / 4 },
    );
  });

  it.each([
    ['float16', FLOAT16_FORMAT],
    ['bfloat16', BFLOAT16_FORMAT],
  ] as const)('equals the exact oracle for %s at and around ties', (dtype, format) => {
    fc.assert(
      fc.property(nearTies(format), (x) => {
        return Object.is(roundTo(x, dtype), exactRound(x, format));
      }),
      { numRuns: NUM_RUNS / 2 },
    );
  });

  it('equals f16round for float16 on float32 and float64 inputs', () => {
    fc.assert(
      fc.property(anyDouble, (x) => {
        return sameNumber(roundTo(x, 'float16'), f16round(x));
      }),
      { numRuns: NUM_RUNS / 2 },
    );
  });

  it('is the identity for float64 and Math.fround for float32', () => {
    fc.assert(
      fc.property(anyDouble, (x) => {
        return sameNumber(roundTo(x, 'float64'), x) && sameNumber(roundTo(x, 'float32'), Math.fround(x));
      }),
      { numRuns: NUM_RUNS / 4 },
    );
  });

  it.each(DTYPES)('is monotone for %s: a <= b implies roundTo(a) <= roundTo(b)', (dtype) => {
    const pair = fc.oneof(
      fc.tuple(fc.double({ noNaN: true, noDefaultInfinity: false }), fc.double({ noNaN: true })),
      fc.tuple(
        fc.double({ min: -70000, max: 70000, noNaN: true }),
        fc.double({ min: -70000, max: 70000, noNaN: true }),
      ),
      // close pairs, so that most of them straddle no more than one rounding boundary
      fc
        .tuple(fc.double({ min: -70000, max: 70000, noNaN: true }), fc.integer({ min: 0, max: 2 ** 40 }))
        .map(([a, k]) => [a, a + k * 2 ** -40 * Math.abs(a)] as [number, number]),
    );
    fc.assert(
      fc.property(pair, ([x, y]) => {
        const [a, b] = x <= y ? [x, y] : [y, x];
        return roundTo(a, dtype) <= roundTo(b, dtype);
      }),
      { numRuns: NUM_RUNS / 4 },
    );
  });

  it.each(DTYPES)('is idempotent and odd-symmetric for %s', (dtype) => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: false }), (x) => {
        const once = roundTo(x, dtype);
        return Object.is(roundTo(once, dtype), once) && Object.is(roundTo(-x, dtype), -once);
      }),
      { numRuns: NUM_RUNS / 4 },
    );
  });

  it.each(DTYPES)('keeps NaN, ±Infinity and ±0 for %s', (dtype) => {
    expect(roundTo(Number.NaN, dtype)).toBeNaN();
    expect(roundTo(Infinity, dtype)).toBe(Infinity);
    expect(roundTo(-Infinity, dtype)).toBe(-Infinity);
    expect(Object.is(roundTo(0, dtype), 0)).toBe(true);
    expect(Object.is(roundTo(-0, dtype), -0)).toBe(true);
  });

  it.each(DTYPES)('leaves maxFinite, minNormal and minSubnormal of %s unchanged', (dtype) => {
    const { maxFinite, minNormal, minSubnormal, epsilon } = FORMATS[dtype];
    for (const value of [maxFinite, minNormal, minSubnormal, 1 + epsilon, -maxFinite]) {
      expect(roundTo(value, dtype)).toBe(value);
    }
  });

  it.each([
    ['float16', 0.1, 0.0999755859375],
    ['bfloat16', 0.1, 0.10009765625],
    ['float32', 0.1, 0.10000000149011612],
    ['float64', 0.1, 0.1],
    ['float16', 1e5, Infinity],
    ['float16', -1e5, -Infinity],
    ['float16', 1 + 2 ** -11, 1],
    ['float16', 1 + 3 * 2 ** -11, 1 + 2 ** -9],
    ['float16', 2049, 2048],
    ['float16', 2051, 2052],
    ['float16', 65504, 65504],
    ['float16', 65519.99, 65504],
    ['float16', 65520, Infinity],
    ['float16', -65520, -Infinity],
    ['float16', 2 ** -24, 2 ** -24],
    ['float16', 2 ** -25, 0],
    ['float16', 2 ** -25 * (1 + 2 ** -20), 2 ** -24],
    ['float16', 3 * 2 ** -26, 2 ** -24],
    ['float16', 1 + 2 ** -11 + 2 ** -40, 1 + 2 ** -10],
    ['bfloat16', 1 + 2 ** -8, 1],
    ['bfloat16', 1 + 3 * 2 ** -8, 1 + 2 ** -6],
    ['bfloat16', 1 + 2 ** -8 + 2 ** -30, 1 + 2 ** -7],
    ['bfloat16', (2 - 2 ** -7) * 2 ** 127, (2 - 2 ** -7) * 2 ** 127],
    ['bfloat16', (2 - 2 ** -8) * 2 ** 127, Infinity],
    ['bfloat16', (2 - 2 ** -8) * 2 ** 127 * (1 - 2 ** -53), (2 - 2 ** -7) * 2 ** 127],
    ['bfloat16', 2 ** -133, 2 ** -133],
    ['bfloat16', 2 ** -134, 0],
    ['bfloat16', 2 ** -134 + 2 ** -160, 2 ** -133],
    ['float32', 1 + 2 ** -24, 1],
    ['float32', 1 + 2 ** -24 + 2 ** -50, 1 + 2 ** -23],
    ['float32', 3.5e38, Infinity],
  ] as const)('roundTo(x, %s): %s -> %s', (dtype, x, expected) => {
    expect(roundTo(x, dtype)).toBe(expected);
  });

  it('rejects a non-number x with a TypeError naming x', () => {
    for (const dtype of DTYPES) {
      for (const x of ['1', null, undefined, 1n, {}]) {
        expect(() => roundTo(x as unknown as number, dtype)).toThrow(TypeError);
        expect(() => roundTo(x as unknown as number, dtype)).toThrow(/\bx\b/);
      }
    }
  });

  it('rejects an unknown dtype with a TypeError listing the valid ones', () => {
    for (const dtype of ['float8', 'Float16', '', undefined, null, 16]) {
      const call = (): number => roundTo(1, dtype as unknown as DType);
      expect(call).toThrow(TypeError);
      expect(call).toThrow(/dtype/);
      for (const valid of DTYPES) expect(call).toThrow(new RegExp(`'${valid}'`));
    }
  });
});

describe('roundingFunction', () => {
  it.each(DTYPES)('agrees with roundTo for %s on every kind of double', (dtype) => {
    const round = roundingFunction(dtype);
    fc.assert(
      fc.property(fc.oneof(anyDouble, nearTies(FLOAT16_FORMAT), nearTies(BFLOAT16_FORMAT)), (x) => {
        return sameNumber(round(x), roundTo(x, dtype));
      }),
      { numRuns: NUM_RUNS / 4 },
    );
  });

  it('rejects an unknown dtype with a TypeError listing the valid ones', () => {
    const call = (): unknown => roundingFunction('half' as unknown as DType);
    expect(call).toThrow(TypeError);
    for (const valid of DTYPES) expect(call).toThrow(new RegExp(`'${valid}'`));
  });
});
