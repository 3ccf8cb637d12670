/**
 * A plain float64 `number[][]` reference for the four bordered-diagonal structures: the free
 * pattern of each kind, the documented storage layout, and the few dense operations the tests
 * compare against. The generic dense helpers and the projection Π of spec §3.2 come from the
 * exported testing module (through ./dense-reference.ts). Deliberately naive: O(d³) loops.
 */
import { referenceProjection } from '../../src/testing/reference-projection.js';
import {
  absRows,
  identityRows,
  matmulRows,
  symmetrize,
  transposeRows,
  zerosRows,
} from './dense-reference.js';

/** A dense matrix as rows of float64 numbers. */
export type Dense = number[][];

export { abs, identity, matmul, referenceProject, symmetrize, transpose, zeros };

/** `|a|` entrywise (for error magnitudes). */
const abs: (a: Dense) => Dense = absRows;
/** The d × d identity. */
const identity: (d: number) => Dense = identityRows;
/** `a·b`. */
const matmul = (a: Dense, b: Dense): Dense => matmulRows(a, b);
/** `aᵀ`. */
const transpose = (a: Dense): Dense => transposeRows(a);
/** The `rows × cols` zero matrix. */
const zeros: (rows: number, cols?: number) => Dense = zerosRows;

/** `Π(M)` by the rule of spec §3.2 (the exported reference projection). */
function referenceProject(kind: BorderedKind, m: Dense): Dense {
  return referenceProjection({ kind }, m);
}

/** The four kinds under test. */
export const BORDERED_KINDS = [
  'lower-bottom-right-diagonal',
  'lower-top-left-diagonal',
  'upper-bottom-right-diagonal',
  'upper-top-left-diagonal',
] as const;

/** One of {@link BORDERED_KINDS}. */
export type BorderedKind = (typeof BORDERED_KINDS)[number];

/** The kind of the transpose. */
export const TRANSPOSE_KIND: Readonly<Record<BorderedKind, BorderedKind>> = {
  'lower-bottom-right-diagonal': 'upper-bottom-right-diagonal',
  'upper-bottom-right-diagonal': 'lower-bottom-right-diagonal',
  'lower-top-left-diagonal': 'upper-top-left-diagonal',
  'upper-top-left-diagonal': 'lower-top-left-diagonal',
};

/** Whether entry (i, j) of a d × d matrix of `kind` is free (may be non-zero). */
export function isFree(kind: BorderedKind, d: number, i: number, j: number): boolean {
  if (i === j) return true;
  switch (kind) {
    case 'lower-bottom-right-diagonal':
      return j === 0; // first column
    case 'lower-top-left-diagonal':
      return i === d - 1; // last row
    case 'upper-bottom-right-diagonal':
      return i === 0; // first row
    case 'upper-top-left-diagonal':
      return j === d - 1; // last column
  }
}

/** Row-major values as a `rows × cols` dense matrix. */
export function fromValues(values: ArrayLike<number>, rows: number, cols: number): Dense {
  const result = zeros(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) result[i]![j] = values[i * cols + j]!;
  return result;
}

/** `alpha·a + beta·b`. */
export function combine(alpha: number, a: Dense, beta: number, b: Dense): Dense {
  return a.map((row, i) => row.map((value, j) => alpha * value + beta * b[i]![j]!));
}

/**
 * The dense matrix a storage vector stands for, by the documented layout: `storage[0 … d)` is
 * the diagonal, `storage[d … 2d−1)` the border in increasing index order over the indices other
 * than the special one (p = 0 for the bottom-right kinds, p = d − 1 for the top-left kinds),
 * placed in column p (lower-bottom-right, upper-top-left) or row p (the other two).
 */
export function denseFromStorage(kind: BorderedKind, d: number, storage: ArrayLike<number>): Dense {
  if (storage.length !== (d === 0 ? 0 : 2 * d - 1))
    throw new RangeError(`bad storage length ${storage.length}`);
  const result = zeros(d);
  for (let i = 0; i < d; i++) result[i]![i] = storage[i]!;
  const bottomRight = kind === 'lower-bottom-right-diagonal' || kind === 'upper-bottom-right-diagonal';
  const column = kind === 'lower-bottom-right-diagonal' || kind === 'upper-top-left-diagonal';
  const p = bottomRight ? 0 : d - 1;
  const first = bottomRight ? 1 : 0;
  for (let k = 0; k < d - 1; k++) {
    const other = first + k;
    if (column) result[other]![p] = storage[d + k]!;
    else result[p]![other] = storage[d + k]!;
  }
  return result;
}

/** Whether every entry outside the free pattern of `kind` is exactly 0. */
export function inPattern(kind: BorderedKind, m: Dense): boolean {
  const d = m.length;
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) if (!isFree(kind, d, i, j) && m[i]![j] !== 0) return false;
  return true;
}

/** The first entry (i, j) where `|actual − expected| > atol + rtol·magnitude`, or undefined. */
export function firstMismatch(
  actual: Dense,
  expected: Dense,
  magnitude: Dense,
  tolerance: { readonly rtol: number; readonly atol: number },
): string | undefined {
  if (actual.length !== expected.length) return `rows ${actual.length} vs ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    if (actual[i]!.length !== expected[i]!.length)
      return `row ${i} length ${actual[i]!.length} vs ${expected[i]!.length}`;
    for (let j = 0; j < expected[i]!.length; j++) {
      const a = actual[i]![j]!;
      const e = expected[i]![j]!;
      const bound = tolerance.atol + tolerance.rtol * magnitude[i]![j]!;
      if (!(Math.abs(a - e) <= bound)) return `(${i}, ${j}): got ${a}, expected ${e} ± ${bound}`;
    }
  }
  return undefined;
}
