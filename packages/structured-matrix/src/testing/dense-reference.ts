import { type DType, roundingFunction, type Tolerance } from '@singd/half';

/**
 * Small float64 matrix helpers on plain rows of numbers: the dense reference every
 * conformance check compares a structured operation with. They are deliberately naive
 * (no blocking, no kernels, no backend), so that they share no code with the
 * implementation under test. Cost: the textbook one (O(m·k·n) for a product).
 */

/** A dense matrix as rows of float64 numbers (row `i` is `rows[i]`). */
export type Rows = readonly (readonly number[])[];

/** `[rows, columns]` of `a` (`[0, 0]` for no rows). */
export function denseShape(a: Rows): [number, number] {
  return [a.length, a[0]?.length ?? 0];
}

/** The `rows × cols` zero matrix. */
export function denseZeros(rows: number, cols: number = rows): number[][] {
  return Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
}

/** The d × d identity. */
export function denseIdentity(d: number): number[][] {
  const result = denseZeros(d, d);
  for (let i = 0; i < d; i++) result[i]![i] = 1;
  return result;
}

/** `A·B` in float64. @throws RangeError when the inner dimensions differ. */
export function denseMatmul(a: Rows, b: Rows): number[][] {
  const [m, k] = denseShape(a);
  const [k2, n] = denseShape(b);
  if (k !== k2 && m > 0) throw new RangeError(`denseMatmul: cannot multiply ${m}×${k} by ${k2}×${n}`);
  const result = denseZeros(m, n);
  for (let i = 0; i < m; i++) {
    const row = result[i]!;
    const ai = a[i]!;
    for (let p = 0; p < k; p++) {
      const aip = ai[p]!;
      if (aip === 0) continue;
      const bp = b[p]!;
      for (let j = 0; j < n; j++) row[j]! += aip * bp[j]!;
    }
  }
  return result;
}

/** `Aᵀ`. */
export function denseTranspose(a: Rows): number[][] {
  const [m, n] = denseShape(a);
  const result = denseZeros(n, m);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) result[j]![i] = a[i]![j]!;
  return result;
}

/** `A + alpha·B` (entrywise). @throws RangeError when the shapes differ. */
export function denseAdd(a: Rows, b: Rows, alpha = 1): number[][] {
  const [m, n] = denseShape(a);
  const [m2, n2] = denseShape(b);
  if (m !== m2 || n !== n2) throw new RangeError(`denseAdd: shapes differ: ${m}×${n} vs ${m2}×${n2}`);
  return a.map((row, i) => row.map((value, j) => value + alpha * b[i]![j]!));
}

/** `v·A`. */
export function denseScale(a: Rows, value: number): number[][] {
  return a.map((row) => row.map((x) => value * x));
}

/** `|A|` entrywise: the magnitude operand of a forward error bound (`|fl(AB) − AB| ≲ γ·|A||B|`). */
export function denseAbs(a: Rows): number[][] {
  return a.map((row) => row.map((x) => Math.abs(x)));
}

/** `sym(A) = (A + Aᵀ)/2` of a square A. */
export function denseSymmetrize(a: Rows): number[][] {
  return a.map((row, i) => row.map((x, j) => (x + a[j]![i]!) / 2));
}

/** Every entry rounded to `dtype` (round to nearest even; the identity for float64). */
export function denseRound(a: Rows, dtype: DType): number[][] {
  const round = roundingFunction(dtype);
  return a.map((row) => row.map((x) => round(x)));
}

/** `trace(A)` of a square A. */
export function denseTrace(a: Rows): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += a[i]![i]!;
  return total;
}

/** `trace(A)/d` (0 for d = 0). */
export function denseAverageTrace(a: Rows): number {
  return a.length === 0 ? 0 : denseTrace(a) / a.length;
}

/** `‖A‖_F`. */
export function denseFrobeniusNorm(a: Rows): number {
  let total = 0;
  for (const row of a) for (const x of row) total += x * x;
  return Math.sqrt(total);
}

/** `max |A_ij|` (0 for an empty matrix; NaN if an entry is NaN). */
export function denseMaxAbsEntry(a: Rows): number {
  let max = 0;
  for (const row of a) {
    for (const x of row) {
      if (Number.isNaN(x)) return Number.NaN;
      max = Math.max(max, Math.abs(x));
    }
  }
  return max;
}

/** The worst entry of an {@link allclose} comparison. */
export interface EntryMismatch {
  readonly i: number;
  readonly j: number;
  readonly actual: number;
  readonly expected: number;
  /** `|actual − expected|`. */
  readonly difference: number;
  /** `atol + rtol·max(|expected|, magnitude)`. */
  readonly allowed: number;
  /** The magnitude the relative tolerance applied to. */
  readonly magnitude: number;
}

/** Result of {@link allclose}. */
export interface AllcloseResult {
  readonly ok: boolean;
  /** Entries outside the tolerance. */
  readonly offending: number;
  /** Entries compared. */
  readonly total: number;
  /**
   * The entry with the largest `difference / allowed` (for a failure: the worst offender;
   * for a success: the closest call). Undefined for empty matrices or a shape mismatch.
   */
  readonly worst: EntryMismatch | undefined;
  /** Set when the shapes differ (then nothing was compared). */
  readonly shapeMismatch?: string;
}

/**
 * Entrywise `|actual − expected| ≤ atol + rtol·max(|expected|, magnitude)`.
 *
 * Without `magnitude` this is numpy's `allclose`. With it, the relative tolerance applies to
 * the natural scale of the computation rather than to a result that may have cancelled: for
 * a product `A·B` pass `|A|·|B|` (the standard forward error bound of a dot product is
 * `γ_n·(|A||B|)_ij`), for a sum `|a| + |b|`. NaN matches only NaN, ±∞ only itself.
 */
export function allclose(
  actual: Rows,
  expected: Rows,
  tolerance: Tolerance,
  magnitude?: Rows,
): AllcloseResult {
  const [m, n] = denseShape(actual);
  const [m2, n2] = denseShape(expected);
  if (m !== m2 || n !== n2 || actual.some((row) => row.length !== n)) {
    return {
      ok: false,
      offending: 0,
      total: 0,
      worst: undefined,
      shapeMismatch: `got ${m}×${n}, expected ${m2}×${n2}`,
    };
  }
  let offending = 0;
  let worst: EntryMismatch | undefined;
  let worstRatio = -1;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const a = actual[i]![j]!;
      const e = expected[i]![j]!;
      const scale = Math.max(Math.abs(e), magnitude === undefined ? 0 : Math.abs(magnitude[i]![j]!));
      const allowed = tolerance.atol + tolerance.rtol * scale;
      const difference = Math.abs(a - e);
      let ratio: number;
      if (Number.isNaN(e) || !Number.isFinite(e))
        ratio = Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)) ? 0 : Infinity;
      else if (difference === 0) ratio = 0;
      else ratio = Number.isNaN(difference) || !Number.isFinite(difference) ? Infinity : difference / allowed;
      if (ratio > 1) offending++;
      if (ratio > worstRatio) {
        worstRatio = ratio;
        worst = { i, j, actual: a, expected: e, difference, allowed, magnitude: scale };
      }
    }
  }
  return { ok: offending === 0, offending, total: m * n, worst };
}

/** `allclose` for one number (reported as entry (0, 0)). */
export function scalarClose(
  actual: number,
  expected: number,
  tolerance: Tolerance,
  magnitude?: number,
): AllcloseResult {
  return allclose([[actual]], [[expected]], tolerance, magnitude === undefined ? undefined : [[magnitude]]);
}

/** Formats a number for messages: exact up to 17 significant digits, short when it can be. */
export function formatNumber(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const short = x.toPrecision(8);
  return Number(short) === x ? String(Number(short)) : x.toPrecision(17);
}

/**
 * A one-line description of a failed {@link allclose}, e.g. `worst entry (2, 1): got 0.1234,
 * expected 0.125, |diff| 1.6e-3 > allowed 1.1e-3 (atol + rtol·1.05); 3 of 25 entries off`.
 */
export function describeMismatch(result: AllcloseResult): string {
  if (result.shapeMismatch !== undefined) return `shape mismatch: ${result.shapeMismatch}`;
  const w = result.worst;
  if (w === undefined) return 'nothing compared';
  return (
    `worst entry (${w.i}, ${w.j}): got ${formatNumber(w.actual)}, expected ${formatNumber(w.expected)}, ` +
    `|diff| ${w.difference.toExponential(3)} > allowed ${w.allowed.toExponential(3)} ` +
    `(atol + rtol·${formatNumber(w.magnitude)}); ${result.offending} of ${result.total} entries off`
  );
}
