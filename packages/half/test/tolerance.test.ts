import { DTYPES, type DType, FORMATS, isClose, roundTo, toleranceFor, unitRoundoff } from '@singd/half';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const TABLE: Record<DType, { rtol: number; atol: number }> = {
  float64: { rtol: 1e-10, atol: 1e-12 },
  float32: { rtol: 1e-5, atol: 1e-7 },
  float16: { rtol: 1e-2, atol: 1e-4 },
  bfloat16: { rtol: 5e-2, atol: 1e-3 },
};

describe('toleranceFor', () => {
  it.each(DTYPES)('returns the documented row for %s', (dtype) => {
    expect(toleranceFor(dtype)).toEqual(TABLE[dtype]);
    expect(toleranceFor(dtype, 1)).toEqual(TABLE[dtype]);
  });

  it.each(DTYPES)('scales both tolerances of %s by factor', (dtype) => {
    for (const factor of [1.5, 2, 10, 1e6]) {
      const { rtol, atol } = toleranceFor(dtype, factor);
      expect(rtol).toBe(TABLE[dtype].rtol * factor);
      expect(atol).toBe(TABLE[dtype].atol * factor);
      expect(rtol / TABLE[dtype].rtol / factor).toBeCloseTo(1, 12);
      expect(atol / TABLE[dtype].atol / factor).toBeCloseTo(1, 12);
    }
  });

  it('orders the dtypes: a narrower format gets a looser tolerance', () => {
    const rtols = DTYPES.map((d) => toleranceFor(d).rtol);
    expect(rtols[0]).toBeLessThan(rtols[1]!);
    expect(rtols[1]).toBeLessThan(rtols[2]!);
    expect(toleranceFor('float16').rtol).toBeLessThan(toleranceFor('bfloat16').rtol);
  });

  it('is at least a few units of roundoff of its dtype', () => {
    for (const dtype of DTYPES)
      expect(toleranceFor(dtype).rtol).toBeGreaterThanOrEqual(4 * unitRoundoff(dtype));
  });

  it('returns a fresh object each time (the table cannot be changed through it)', () => {
    const first = toleranceFor('float16') as { rtol: number; atol: number };
    first.rtol = 123;
    expect(toleranceFor('float16').rtol).toBe(1e-2);
  });

  it.each([0.5, 0, -1, Number.NaN, Infinity, -Infinity])(
    'rejects factor %s with a RangeError naming factor',
    (factor) => {
      expect(() => toleranceFor('float32', factor)).toThrow(RangeError);
      expect(() => toleranceFor('float32', factor)).toThrow(/factor/);
    },
  );

  it('rejects an unknown dtype with a TypeError listing the valid ones', () => {
    const call = (): unknown => toleranceFor('float8' as unknown as DType);
    expect(call).toThrow(TypeError);
    for (const valid of DTYPES) expect(call).toThrow(new RegExp(`'${valid}'`));
  });

  it('accepts one rounding of any value in the normal range of its dtype', () => {
    for (const dtype of DTYPES) {
      const tolerance = toleranceFor(dtype);
      const { minNormal } = FORMATS[dtype];
      const range = dtype === 'float16' ? 60000 : 1e30;
      fc.assert(
        fc.property(fc.double({ min: -range, max: range, noNaN: true }), (x) => {
          const rounded = roundTo(x, dtype);
          return Math.abs(x) < minNormal || isClose(rounded, x, tolerance);
        }),
        { numRuns: 1_000 },
      );
    }
  });
});

describe('isClose', () => {
  const tolerance = { rtol: 1e-2, atol: 1e-3 };

  it('accepts |actual − expected| <= atol + rtol·|expected| and rejects beyond it', () => {
    expect(isClose(1, 1, tolerance)).toBe(true);
    expect(isClose(101.5, 100, { rtol: 1e-2, atol: 0.5 })).toBe(true); // exactly on the bound
    expect(isClose(101.5000001, 100, { rtol: 1e-2, atol: 0.5 })).toBe(false);
    expect(isClose(98.5, 100, { rtol: 1e-2, atol: 0.5 })).toBe(true);
    expect(isClose(98.4999999, 100, { rtol: 1e-2, atol: 0.5 })).toBe(false);
    expect(isClose(0.0009, 0, tolerance)).toBe(true); // atol alone near zero
    expect(isClose(0.0011, 0, tolerance)).toBe(false);
    expect(isClose(-0.0009, 0, tolerance)).toBe(true);
  });

  it('scales with |expected|, not |actual|', () => {
    expect(isClose(1.5, 1, { rtol: 0.4, atol: 0 })).toBe(false);
    expect(isClose(1, 1.5, { rtol: 0.4, atol: 0 })).toBe(true);
  });

  it('matches NaN only with NaN', () => {
    expect(isClose(Number.NaN, Number.NaN, tolerance)).toBe(true);
    expect(isClose(1, Number.NaN, tolerance)).toBe(false);
    expect(isClose(Number.NaN, 1, tolerance)).toBe(false);
    expect(isClose(Infinity, Number.NaN, tolerance)).toBe(false);
    expect(isClose(Number.NaN, Infinity, tolerance)).toBe(false);
  });

  it('matches ±Infinity only with itself', () => {
    expect(isClose(Infinity, Infinity, tolerance)).toBe(true);
    expect(isClose(-Infinity, -Infinity, tolerance)).toBe(true);
    expect(isClose(-Infinity, Infinity, tolerance)).toBe(false);
    expect(isClose(Number.MAX_VALUE, Infinity, tolerance)).toBe(false);
    expect(isClose(Infinity, Number.MAX_VALUE, tolerance)).toBe(false);
    expect(isClose(Infinity, 1e300, toleranceFor('bfloat16', 10))).toBe(false);
    expect(isClose(1e300, Infinity, { rtol: 1e10, atol: 1e10 })).toBe(false);
  });

  it('does not match an infinite actual with a finite expected when atol + rtol·|expected| overflows', () => {
    // toleranceFor('float16', 200) is a valid tolerance (rtol = 2); 2·MAX_VALUE overflows to ∞.
    expect(isClose(Infinity, Number.MAX_VALUE, toleranceFor('float16', 200))).toBe(false);
    expect(isClose(-Infinity, 1e300, { rtol: 1e10, atol: 0 })).toBe(false);
  });

  it('is symmetric in the sign of both arguments', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), fc.double({ noNaN: true }), (actual, expected) => {
        return isClose(actual, expected, tolerance) === isClose(-actual, -expected, tolerance);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('unitRoundoff', () => {
  it('is epsilon / 2 of each dtype', () => {
    expect(unitRoundoff('float64')).toBe(2 ** -53);
    expect(unitRoundoff('float32')).toBe(2 ** -24);
    expect(unitRoundoff('bfloat16')).toBe(2 ** -8);
    expect(unitRoundoff('float16')).toBe(2 ** -11);
  });

  it('bounds the relative error of one rounding to a half format (random normal values)', () => {
    for (const dtype of ['float16', 'bfloat16'] as const) {
      const u = unitRoundoff(dtype);
      fc.assert(
        fc.property(
          fc.double({ min: FORMATS[dtype].minNormal, max: FORMATS[dtype].maxFinite, noNaN: true }),
          (x) => {
            return Math.abs(roundTo(x, dtype) - x) <= u * x;
          },
        ),
        { numRuns: 2_000 },
      );
      expect(Math.abs(roundTo(1 + u, dtype) - (1 + u))).toBe(u); // the tie attains the bound
    }
  });

  it('rejects an unknown dtype with a TypeError', () => {
    expect(() => unitRoundoff('half' as unknown as DType)).toThrow(TypeError);
    expect(() => unitRoundoff('half' as unknown as DType)).toThrow(/dtype/);
  });
});
