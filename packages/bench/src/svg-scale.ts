/** Axis scales and tick marks for the SVG charts. */

/** A map from data values to pixels, with the ticks to label. */
export interface AxisScale {
  /** Pixel position of data value `value`. */
  readonly map: (value: number) => number;
  /** Data values to mark and label, in increasing order. */
  readonly ticks: readonly number[];
  /** Whether the axis is logarithmic (base 10). */
  readonly log: boolean;
}

/** The "nice" step (1, 2 or 5 × 10^k) giving about `count` intervals over `span`. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/** `[min, max]` widened to a non-empty interval (a point becomes ±0.5, or ±10% of it). */
function widen(min: number, max: number): [number, number] {
  if (max > min) return [min, max];
  const pad = min === 0 ? 0.5 : Math.abs(min) * 0.1;
  return [min - pad, max + pad];
}

/**
 * A linear scale mapping `[min, max]` (rounded outwards to nice ticks) onto pixels
 * `[from, to]` (`to < from` for a y axis that grows upwards), with about `tickCount` ticks.
 */
export function linearScale(
  min: number,
  max: number,
  from: number,
  to: number,
  tickCount = 5,
): AxisScale & { readonly domain: readonly [number, number] } {
  const [lo0, hi0] = widen(min, max);
  const step = niceStep(hi0 - lo0, tickCount);
  const lo = Math.floor(lo0 / step) * step;
  const hi = Math.ceil(hi0 / step) * step;
  const ticks: number[] = [];
  for (let k = 0; lo + k * step <= hi + step * 1e-9; k++) ticks.push(Number((lo + k * step).toPrecision(12)));
  const map = (value: number) => from + ((value - lo) / (hi - lo)) * (to - from);
  return { map, ticks, log: false, domain: [lo, hi] };
}

/**
 * A base-10 logarithmic scale over `[min, max]` (both > 0; widened to whole decades) onto
 * pixels `[from, to]`, with a tick at every decade.
 * @throws RangeError when `min` is not positive.
 */
export function logScale(min: number, max: number, from: number, to: number): AxisScale {
  if (!(min > 0)) throw new RangeError(`a log scale needs a positive minimum; got ${min}`);
  const lo = Math.floor(Math.log10(min));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(max)));
  const ticks: number[] = [];
  for (let k = lo; k <= hi; k++) ticks.push(10 ** k);
  const map = (value: number) => from + ((Math.log10(value) - lo) / (hi - lo)) * (to - from);
  return { map, ticks, log: true };
}

/** A tick label: up to 4 significant digits, exponent notation for decades on log axes. */
export function formatTick(value: number, log: boolean): string {
  if (log) {
    const exponent = Math.round(Math.log10(value));
    return exponent >= -2 && exponent <= 3 ? String(Number(value.toPrecision(4))) : `1e${exponent}`;
  }
  return String(Number(value.toPrecision(4)));
}
