import {
  FORMATS,
  type FormatInfo,
  type HalfDType,
  roundTo,
  toBFloat16Bits,
  toFloat16Bits,
} from '@singd/half';
import { formatBits16, formatRelativeError, formatValue } from './format.js';
import type { Table } from './table.js';

/** A value the rounding demo shows, with a label for the table and what it probes. */
export interface DemoSample {
  /** How the value is written in the table (`1/3`, `π`, `1 + 2^-11`). */
  readonly label: string;
  readonly value: number;
  /** What the value probes (a tie, an overflow threshold, a subnormal range); may be empty. */
  readonly note: string;
}

/**
 * The sample values of the demo: ordinary numbers, ties, float16's overflow threshold,
 * values beyond float16's range, subnormals and underflow of both formats, and the specials.
 */
export const DEMO_SAMPLES: readonly DemoSample[] = Object.freeze([
  { label: '1', value: 1, note: '' },
  { label: '0.1', value: 0.1, note: 'not a binary fraction' },
  { label: '1/3', value: 1 / 3, note: 'repeating binary fraction' },
  { label: 'π', value: Math.PI, note: '' },
  { label: '1e-3', value: 1e-3, note: '' },
  { label: '1 + 2^-11', value: 1 + 2 ** -11, note: 'float16 tie: halfway between 1 and 1 + 2^-10' },
  { label: '1 + 2^-8', value: 1 + 2 ** -8, note: 'bfloat16 tie: halfway between 1 and 1 + 2^-7' },
  { label: '65504', value: 65504, note: 'float16 max finite' },
  { label: '65519', value: 65519, note: 'just below the float16 overflow threshold' },
  { label: '65520', value: 65520, note: 'float16 overflow threshold 65504 + ulp/2' },
  { label: '1e5', value: 1e5, note: "beyond float16's range" },
  { label: '3.4e38', value: 3.4e38, note: "just below float32's max 3.4028e38" },
  { label: '6e-8', value: 6e-8, note: 'float16 subnormal range' },
  { label: '1e-8', value: 1e-8, note: 'below half the float16 min subnormal' },
  { label: '1e-40', value: 1e-40, note: 'bfloat16 subnormal range' },
  { label: '-0', value: -0, note: 'signed zero' },
  { label: 'NaN', value: Number.NaN, note: '' },
  { label: 'Infinity', value: Number.POSITIVE_INFINITY, note: '' },
]);

/** A value rounded to one 16-bit format: the result, its bit pattern, and the error made. */
export interface RoundedValue {
  readonly value: number;
  /** The 16-bit pattern, an integer in [0, 65535]. */
  readonly bits: number;
  /** See {@link relativeError}. */
  readonly relativeError: number;
}

/** One row of the demo: a sample and its float16 and bfloat16 roundings. */
export interface RoundingDemoRow extends DemoSample {
  readonly float16: RoundedValue;
  readonly bfloat16: RoundedValue;
}

/**
 * The relative error `|rounded − exact| / |exact|` of a rounding. It is `0` when the value
 * is kept (`rounded === exact`, which includes ±0, ±∞, and NaN → NaN), `1` for an underflow
 * to zero, and `Infinity` for an overflow of a finite value to ±∞.
 */
export function relativeError(rounded: number, exact: number): number {
  if (rounded === exact || (Number.isNaN(rounded) && Number.isNaN(exact))) return 0;
  return Math.abs(rounded - exact) / Math.abs(exact);
}

/** `x` rounded to `dtype` by `@singd/half`: value, bits and relative error. */
export function roundForDemo(x: number, dtype: HalfDType): RoundedValue {
  const value = roundTo(x, dtype);
  const bits = dtype === 'float16' ? toFloat16Bits(x) : toBFloat16Bits(x);
  return { value, bits, relativeError: relativeError(value, x) };
}

/** The demo rows for `samples`, all computed by `@singd/half` now. Cost: O(samples). */
export function roundingDemoRows(samples: readonly DemoSample[] = DEMO_SAMPLES): RoundingDemoRow[] {
  return samples.map((sample) => ({
    ...sample,
    float16: roundForDemo(sample.value, 'float16'),
    bfloat16: roundForDemo(sample.value, 'bfloat16'),
  }));
}

/** The demo rows as a {@link Table}: value | float16 value, bits, rel. error | same for bfloat16 | note. */
export function roundingDemoTable(rows: readonly RoundingDemoRow[]): Table {
  return {
    columns: [
      { header: 'value' },
      { header: 'float16 value', align: 'right' },
      { header: 'float16 bits' },
      { header: 'float16 rel. error', align: 'right' },
      { header: 'bfloat16 value', align: 'right' },
      { header: 'bfloat16 bits' },
      { header: 'bfloat16 rel. error', align: 'right' },
      { header: 'note' },
    ],
    rows: rows.map((row) => [
      row.label,
      formatValue(row.float16.value),
      formatBits16(row.float16.bits),
      formatRelativeError(row.float16.relativeError),
      formatValue(row.bfloat16.value),
      formatBits16(row.bfloat16.bits),
      formatRelativeError(row.bfloat16.relativeError),
      row.note,
    ]),
  };
}

/** `x` followed by ` (2^k)` when `x` is a power of two. */
function withPowerOfTwo(x: number): string {
  const exponent = Math.log2(x);
  return Number.isInteger(exponent) ? `${formatValue(x)} (2^${exponent})` : formatValue(x);
}

/**
 * One line with the constants of `dtype`, read from `FORMATS`: layout, max finite, min
 * normal, min subnormal and epsilon.
 */
export function formatConstantsLine(dtype: HalfDType): string {
  const format: FormatInfo = FORMATS[dtype];
  return (
    `${dtype.padEnd(8)} (1 sign, ${format.exponentBits} exponent, ${format.fractionBits} fraction bits): ` +
    `max finite ${withPowerOfTwo(format.maxFinite)}, min normal ${withPowerOfTwo(format.minNormal)}, ` +
    `min subnormal ${withPowerOfTwo(format.minSubnormal)}, epsilon ${withPowerOfTwo(format.epsilon)}`
  );
}
