import {
  FORMATS,
  fromBFloat16Bits,
  fromFloat16Bits,
  roundTo,
  toBFloat16Bits,
  toFloat16Bits,
} from '@singd/half';
import { describe, expect, it } from 'vitest';
import {
  DEMO_SAMPLES,
  formatConstantsLine,
  relativeError,
  roundingDemoRows,
  roundingDemoTable,
} from '../src/rounding-demo.js';

const rows = roundingDemoRows();
const row = (label: string) => rows.find((r) => r.label === label)!;

describe('roundingDemoRows', () => {
  it('has one row per sample, consistent with @singd/half', () => {
    expect(rows.map((r) => r.label)).toEqual(DEMO_SAMPLES.map((s) => s.label));
    for (const r of rows) {
      expect(r.float16.bits).toBe(toFloat16Bits(r.value));
      expect(r.bfloat16.bits).toBe(toBFloat16Bits(r.value));
      expect(Object.is(r.float16.value, roundTo(r.value, 'float16'))).toBe(true);
      expect(Object.is(r.bfloat16.value, roundTo(r.value, 'bfloat16'))).toBe(true);
      expect(Object.is(fromFloat16Bits(r.float16.bits), r.float16.value)).toBe(true);
      expect(Object.is(fromBFloat16Bits(r.bfloat16.bits), r.bfloat16.value)).toBe(true);
    }
  });

  it('shows float16 overflow at 65520 while bfloat16 stays finite', () => {
    const overflow = row('65520');
    expect(overflow.float16.value).toBe(Number.POSITIVE_INFINITY);
    expect(overflow.float16.bits).toBe(0x7c00);
    expect(overflow.float16.relativeError).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isFinite(overflow.bfloat16.value)).toBe(true);
    expect(row('65519').float16.value).toBe(FORMATS.float16.maxFinite);
  });

  it('computes relative errors as |rounded - exact| / |exact|', () => {
    for (const label of ['0.1', '1/3', 'π', '1e-3', '65519', '1e5', '6e-8']) {
      const r = row(label);
      for (const rounded of [r.float16, r.bfloat16]) {
        if (!Number.isFinite(rounded.value)) continue;
        expect(rounded.relativeError).toBe(Math.abs(rounded.value - r.value) / Math.abs(r.value));
        expect(rounded.relativeError).toBeLessThanOrEqual(
          r.label === '6e-8' ? 1 : FORMATS.bfloat16.epsilon / 2,
        );
      }
    }
    expect(row('1e-8').float16).toMatchObject({ value: 0, relativeError: 1 });
    expect(row('1 + 2^-11').float16.value).toBe(1);
    expect(row('1 + 2^-11').float16.relativeError).toBe(2 ** -11 / (1 + 2 ** -11));
  });

  it('keeps signed zero, NaN and infinity with zero error', () => {
    expect(Object.is(row('-0').float16.value, -0)).toBe(true);
    expect(row('-0').float16.bits).toBe(0x8000);
    expect(row('NaN').float16.value).toBeNaN();
    expect(row('NaN').float16.relativeError).toBe(0);
    expect(row('Infinity').bfloat16).toMatchObject({ value: Number.POSITIVE_INFINITY, relativeError: 0 });
  });
});

describe('relativeError', () => {
  it('covers exact, underflow and overflow cases', () => {
    expect(relativeError(1, 1)).toBe(0);
    expect(relativeError(-0, 0)).toBe(0);
    expect(relativeError(Number.NaN, Number.NaN)).toBe(0);
    expect(relativeError(0, 1e-8)).toBe(1);
    expect(relativeError(Number.POSITIVE_INFINITY, 65520)).toBe(Number.POSITIVE_INFINITY);
    expect(relativeError(0.75, 1)).toBe(0.25);
  });
});

describe('roundingDemoTable and formatConstantsLine', () => {
  it('formats the cells of a row', () => {
    const table = roundingDemoTable([row('65520'), row('-0')]);
    expect(table.columns.map((c) => c.header)).toEqual([
      'value',
      'float16 value',
      'float16 bits',
      'float16 rel. error',
      'bfloat16 value',
      'bfloat16 bits',
      'bfloat16 rel. error',
      'note',
    ]);
    expect(table.rows[0]!.slice(0, 4)).toEqual(['65520', 'Infinity', '0x7c00', 'Infinity']);
    expect(table.rows[1]!.slice(0, 4)).toEqual(['-0', '-0', '0x8000', '0']);
  });

  it('prints the format constants from FORMATS', () => {
    expect(formatConstantsLine('float16')).toBe(
      'float16  (1 sign, 5 exponent, 10 fraction bits): max finite 65504, min normal 0.00006103515625 (2^-14), ' +
        'min subnormal 5.960464477539063e-8 (2^-24), epsilon 0.0009765625 (2^-10)',
    );
    expect(formatConstantsLine('bfloat16')).toContain(`max finite ${FORMATS.bfloat16.maxFinite}`);
    expect(formatConstantsLine('bfloat16')).toContain('epsilon 0.0078125 (2^-7)');
  });
});
