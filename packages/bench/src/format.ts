/**
 * Number formatting for tables: values keep every digit (a rounded half value prints
 * exactly, `-0` keeps its sign), errors and rates are shortened.
 */

/** `x` with the shortest round-trip digits; `-0` as `'-0'`, non-finite values by name. */
export function formatValue(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

/** A 16-bit pattern as `0x` and four lower-case hex digits (`0x3c00`). */
export function formatBits16(bits: number): string {
  return `0x${bits.toString(16).padStart(4, '0')}`;
}

/**
 * A relative error: `0`, `Infinity`, `—` for NaN (undefined), else three significant digits
 * (`2.44e-4`, `1.00`).
 */
export function formatRelativeError(error: number): string {
  if (Number.isNaN(error)) return '—';
  if (error === 0 || !Number.isFinite(error)) return String(error);
  return error.toExponential(2).replace(/e\+0$/, '').replace('e+', 'e');
}

/**
 * `x` with `digits` significant digits (`17.0`, `1.76`, `0.0451`); integers of more than
 * `digits` digits in full, and exponent notation below 1e-4 or from 1e9 on.
 */
export function formatSignificant(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  const magnitude = Math.abs(x);
  if (magnitude !== 0 && (magnitude >= 1e9 || magnitude < 1e-4)) return x.toExponential(digits - 1);
  if (Math.abs(Number(x.toPrecision(digits))) >= 10 ** digits) return x.toFixed(0);
  return x.toPrecision(digits);
}
