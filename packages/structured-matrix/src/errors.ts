import { describeValue } from '@singd/half';

/** `rows×cols` for messages. */
export function shapeText(rows: number, cols: number): string {
  return `${rows}×${cols}`;
}

/** Throws a RangeError unless `value` is an integer in [min, max]. */
export function checkInteger(
  value: unknown,
  name: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new RangeError(`${name} must be an integer ${range}; got ${describeValue(value)}`);
  }
  return value as number;
}

/** Throws a TypeError unless `value` is a finite number. */
export function checkFiniteNumber(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`${name} must be a finite number; got ${describeValue(value)}`);
  }
  return value;
}
