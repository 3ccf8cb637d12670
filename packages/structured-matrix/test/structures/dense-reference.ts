/**
 * Plain float64 `number[][]` reference linear algebra for the structure tests, sharing no code
 * with the kernels, a comparison with a componentwise error bound, the projection Π of
 * spec §3.2 for any free pattern, and {@link describeStructureOperations}: every operation of
 * a structure checked against the same operation on dense rows.
 *
 * Each reference result is computed twice: on the values and on their absolute values. The
 * second is the "magnitude" `|A|·|B|…` of the computation, which bounds the rounding error of
 * any evaluation order: `|computed − exact| ≤ γ·magnitude` (the classical bound for dot
 * products). {@link expectClose} checks `|actual − expected| ≤ atol + rtol·magnitude`, so a
 * tolerance from `toleranceFor(dtype, factor)` holds also for entries that cancel.
 */
import { type DType, type Tolerance, toleranceFor } from '@singd/half';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { SpecOf, StructureKind } from '../../src/api.js';
import { getBackend } from '../../src/backend/registry.js';
import { DenseMatrix } from '../../src/structures/dense.js';
import type { StructureFactory } from '../../src/structures/structure-factory.js';
import type { StructuredMatrix } from '../../src/structures/structured-matrix.js';
import {
  denseAbs,
  denseAdd,
  denseFrobeniusNorm,
  denseIdentity,
  denseMatmul,
  denseMaxAbsEntry,
  denseScale,
  denseSymmetrize,
  denseTrace,
  denseTranspose,
  denseZeros,
} from '../../src/testing/dense-reference.js';

export type Rows = number[][];

// The plain float64 helpers come from the exported testing module; these names are kept for the tests.
export const zerosRows: (rows: number, cols?: number) => Rows = denseZeros;
export const identityRows: (d: number) => Rows = denseIdentity;
export const absRows: (a: Rows) => Rows = denseAbs;
/** `a + alpha·b`. */
export const addRows: (a: Rows, b: Rows, alpha?: number) => Rows = denseAdd;
export const scaleRowsBy: (a: Rows, value: number) => Rows = denseScale;
/** `(M + Mᵀ)/2`. */
export const symmetrize: (a: Rows) => Rows = denseSymmetrize;
export const maxAbsRows: (a: Rows) => number = denseMaxAbsEntry;
export const trace: (a: Rows) => number = denseTrace;
export const frobeniusNormRows: (a: Rows) => number = denseFrobeniusNorm;

/** `aᵀ` (`cols` = columns of a, needed when a has no rows). */
export function transposeRows(a: Rows, cols = a[0]?.length ?? 0): Rows {
  return a.length === 0 ? denseZeros(cols, 0) : denseTranspose(a);
}

/** `a·b` in float64 (`cols` = columns of b, needed when b has no rows). */
export function matmulRows(a: Rows, b: Rows, cols = b[0]?.length ?? 0): Rows {
  return b.length === 0 ? denseZeros(a.length, cols) : denseMatmul(a, b);
}

export function mapRows(a: Rows, f: (value: number, i: number, j: number) => number): Rows {
  return a.map((row, i) => row.map((value, j) => f(value, i, j)));
}

/** Squared Frobenius norm. */
export function frobeniusSquared(a: Rows): number {
  return a.reduce((total, row) => total + row.reduce((s, x) => s + x * x, 0), 0);
}

/** A small deterministic PRNG (mulberry32): uniform numbers in [0, 1). */
export function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A `rows × cols` matrix with entries uniform in [−1, 1). */
export function randomRows(random: () => number, rows: number, cols: number): Rows {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => 2 * random() - 1));
}

/** A random symmetric d × d matrix with entries in [−1, 1). */
export function randomSymmetricRows(random: () => number, d: number): Rows {
  return symmetrize(randomRows(random, d, d));
}

/** A dense matrix of `dtype` on the cpu backend holding `rows` (rounded to `dtype`). */
export function denseOf(rows: Rows, dtype: DType, cols = rows[0]?.length ?? 0): DenseMatrix {
  if (rows.length === 0 || cols === 0) return DenseMatrix.zeros(rows.length, cols, dtype);
  return DenseMatrix.fromRows(rows, dtype);
}

/** The exact stored values of a dense matrix as rows (works for empty shapes too). */
export function rowsOf(matrix: DenseMatrix): Rows {
  const values = matrix.toFloat64Array();
  return Array.from({ length: matrix.rows }, (_, i) =>
    Array.from(values.subarray(i * matrix.cols, (i + 1) * matrix.cols)),
  );
}

/**
 * Throws (with the first offending entry) unless `actual` and `expected` have the same shape
 * and `|actual − expected| ≤ atol + rtol·magnitude` entrywise.
 */
export function expectClose(
  actual: Rows,
  expected: Rows,
  magnitude: Rows,
  tolerance: Tolerance,
  label = '',
): void {
  if (actual.length !== expected.length) {
    throw new Error(`${label}: ${actual.length} rows, expected ${expected.length}`);
  }
  expected.forEach((row, i) => {
    const actualRow = actual[i]!;
    if (actualRow.length !== row.length) {
      throw new Error(`${label}: row ${i} has ${actualRow.length} entries, expected ${row.length}`);
    }
    row.forEach((e, j) => {
      const a = actualRow[j]!;
      const bound = tolerance.atol + tolerance.rtol * Math.abs(magnitude[i]![j]!);
      if (!(Math.abs(a - e) <= bound)) {
        throw new Error(
          `${label}: entry (${i}, ${j}) is ${a}, expected ${e} (|diff| ${Math.abs(a - e)} > bound ${bound}, tolerance ${JSON.stringify(tolerance)})`,
        );
      }
    });
  });
}

/** Throws unless the two matrices are equal entry by entry (exact). */
export function expectEqualRows(actual: Rows, expected: Rows, label = ''): void {
  expectClose(actual, expected, expected, { rtol: 0, atol: 0 }, label);
}

/** Throws unless every entry of `a` outside `mask` (mask(i, j) false) is exactly zero. */
export function expectPattern(a: Rows, mask: (i: number, j: number) => boolean, label = ''): void {
  a.forEach((row, i) => {
    row.forEach((value, j) => {
      if (!mask(i, j) && value !== 0)
        throw new Error(`${label}: entry (${i}, ${j}) = ${value} lies outside the structure`);
    });
  });
}

/**
 * The projection Π of spec §3.2 for a free pattern, applied to a symmetric `m`: a free entry
 * whose mirror is structurally zero takes `m_ij + m_ji`, other free entries `m_ij`, the rest 0.
 */
export function projectByPattern(m: Rows, free: (i: number, j: number) => boolean): Rows {
  return mapRows(m, (value, i, j) => {
    if (!free(i, j)) return 0;
    return i === j || free(j, i) ? value : value + m[j]![i]!;
  });
}

/** Bytes per element of each dtype. */
export const BYTES_PER_ELEMENT: Readonly<Record<DType, number>> = {
  float64: 8,
  float32: 4,
  bfloat16: 2,
  float16: 2,
};

/** One structure, size and dtype for {@link describeStructureOperations}. */
export interface StructureCase<K extends StructureKind, M extends StructuredMatrix<K>> {
  readonly factory: StructureFactory<K, M>;
  readonly spec: SpecOf<K>;
  readonly d: number;
  readonly dtype: DType;
  /** The free pattern of a d × d matrix of the structure. */
  readonly free: (i: number, j: number) => boolean;
  /** The expected number of stored entries (spec §3.3). */
  readonly storageSize: number;
  /** fast-check runs per property (default 6). */
  readonly numRuns?: number;
}

/** A seed, a column count n in [1, 2d + 1] and a β in [0.1, 1] for the group elements. */
function inputs(d: number) {
  return fc.record({
    seed: fc.integer({ min: 0, max: 0x7fffffff }),
    n: fc.integer({ min: 1, max: 2 * d + 1 }),
    beta: fc.double({ min: 0.1, max: 1, noNaN: true }),
  });
}

/**
 * Registers one `it` per operation of the structure, each a fast-check property comparing the
 * structured result with the same operation on float64 dense rows of the exact stored inputs.
 * The matrices multiplied are non-symmetric group elements `K = (I − βΠ(M1))(I − βΠ(M2))`
 * built with structured operations, so transpose mistakes show.
 */
export function describeStructureOperations<K extends StructureKind, M extends StructuredMatrix<K>>(
  c: StructureCase<K, M>,
): void {
  const { factory, spec, d, dtype, free } = c;
  const backend = getBackend('cpu');
  const numRuns = c.numRuns ?? 6;
  const single = toleranceFor(dtype);
  const chained = toleranceFor(dtype, 2);
  const reference = (rows: Rows) => projectByPattern(rows, free);
  const project = (rows: Rows) => factory.project(spec, denseOf(rows, dtype));
  const groupElement = (random: () => number, beta: number): M => {
    const factor = () =>
      factory.identity(spec, d, dtype, backend).subtract(project(randomSymmetricRows(random, d)).scale(beta));
    return factor().matmul(factor());
  };
  const property = (check: (random: () => number, n: number, beta: number) => void) => {
    fc.assert(
      fc.property(inputs(d), ({ seed, n, beta }) => {
        check(randomSource(seed), n, beta);
      }),
      { numRuns },
    );
  };

  it('project(M) is the pattern projection Π(M) of spec §3.2 (exact)', () => {
    property((random) => {
      const m = rowsOf(denseOf(randomSymmetricRows(random, d), dtype));
      const s = project(m);
      expectEqualRows(s.toRows(), reference(m), 'project');
      expect(s.shape).toEqual([d, d]);
      expect(s.dtype).toBe(dtype);
    });
  });

  it('matmul(X) = K·X', () => {
    property((random, n, beta) => {
      const k = groupElement(random, beta);
      const kRows = k.toRows();
      const x = denseOf(randomRows(random, d, n), dtype);
      const xRows = rowsOf(x);
      expectClose(
        rowsOf(k.matmul(x)),
        matmulRows(kRows, xRows, n),
        matmulRows(absRows(kRows), absRows(xRows), n),
        single,
        'matmul',
      );
    });
  });

  it('transposeMatmul(X) = Kᵀ·X with the true transpose', () => {
    property((random, n, beta) => {
      const k = groupElement(random, beta);
      const kRows = k.toRows();
      const x = denseOf(randomRows(random, d, n), dtype);
      const xRows = rowsOf(x);
      expectClose(
        rowsOf(k.transposeMatmul(x)),
        matmulRows(transposeRows(kRows, d), xRows, n),
        matmulRows(transposeRows(absRows(kRows), d), absRows(xRows), n),
        single,
        'transposeMatmul',
      );
    });
  });

  it('rightMatmul(X) = X·K and rightTransposeMatmul(X) = X·Kᵀ', () => {
    property((random, n, beta) => {
      const k = groupElement(random, beta);
      const kRows = k.toRows();
      const x = denseOf(randomRows(random, n, d), dtype);
      const xRows = rowsOf(x);
      expectClose(
        rowsOf(k.rightMatmul(x)),
        matmulRows(xRows, kRows, d),
        matmulRows(absRows(xRows), absRows(kRows), d),
        single,
        'rightMatmul',
      );
      expectClose(
        rowsOf(k.rightTransposeMatmul(x)),
        matmulRows(xRows, transposeRows(kRows, d), d),
        matmulRows(absRows(xRows), transposeRows(absRows(kRows), d), d),
        single,
        'rightTransposeMatmul',
      );
    });
  });

  it('matmul(K2) = K·K2 stays in the structure (closure)', () => {
    property((random, _n, beta) => {
      const k1 = groupElement(random, beta);
      const k2 = groupElement(random, beta);
      const [a, b] = [k1.toRows(), k2.toRows()];
      const exact = matmulRows(a, b, d);
      expectPattern(exact, free, 'dense product');
      const product = k1.matmul(k2);
      expect(product.kind).toBe(spec.kind);
      expect(product.spec).toEqual(k1.spec);
      expectClose(product.toRows(), exact, matmulRows(absRows(a), absRows(b), d), chained, 'product');
    });
  });

  it('fromInner(X) = Π((KᵀX)(KᵀX)ᵀ)', () => {
    property((random, n, beta) => {
      const k = groupElement(random, beta);
      const kRows = k.toRows();
      const x = denseOf(randomRows(random, d, n), dtype);
      const xRows = rowsOf(x);
      const s = matmulRows(transposeRows(kRows, d), xRows, n);
      const sAbs = matmulRows(transposeRows(absRows(kRows), d), absRows(xRows), n);
      const result = k.fromInner(x);
      expect(result.spec).toEqual(k.spec);
      expectClose(
        result.toRows(),
        reference(matmulRows(s, transposeRows(s, n), d)),
        reference(matmulRows(sAbs, transposeRows(sAbs, n), d)),
        chained,
        'fromInner(X)',
      );
    });
  });

  it('fromInner() = Π(KᵀK)', () => {
    property((random, _n, beta) => {
      const k = groupElement(random, beta);
      const kRows = k.toRows();
      const kAbs = absRows(kRows);
      expectClose(
        k.fromInner().toRows(),
        reference(matmulRows(transposeRows(kRows, d), kRows, d)),
        reference(matmulRows(transposeRows(kAbs, d), kAbs, d)),
        chained,
        'fromInner()',
      );
    });
  });

  it('fromMatInner(X) = Π(XXᵀ)', () => {
    property((random, n) => {
      const x = denseOf(randomRows(random, d, n), dtype);
      const xRows = rowsOf(x);
      const xAbs = absRows(xRows);
      const result = factory.fromMatInner(spec, x);
      expect(result.kind).toBe(spec.kind);
      expectClose(
        result.toRows(),
        reference(matmulRows(xRows, transposeRows(xRows, n), d)),
        reference(matmulRows(xAbs, transposeRows(xAbs, n), d)),
        single,
        'fromMatInner',
      );
    });
  });

  it('X with zero columns: matmul is d×0, fromInner(X) and fromMatInner(X) are zero', () => {
    const k = groupElement(randomSource(d), 0.5);
    const x = DenseMatrix.zeros(d, 0, dtype);
    expect(k.matmul(x).shape).toEqual([d, 0]);
    expect(k.transposeMatmul(x).shape).toEqual([d, 0]);
    expectEqualRows(k.fromInner(x).toRows(), zerosRows(d), 'fromInner(X)');
    expectEqualRows(factory.fromMatInner(spec, x).toRows(), zerosRows(d), 'fromMatInner');
  });

  it('addIdentityInPlace, averageTrace, frobeniusNorm, maxAbsEntry follow the dense matrix', () => {
    property((random, _n, beta) => {
      const k = groupElement(random, beta);
      const kRows = k.toRows();
      const exact = toleranceFor('float64');
      const diagonalMagnitude = kRows.reduce((total, row, i) => total + Math.abs(row[i]!), 0);
      expect(Math.abs(k.averageTrace() - trace(kRows) / d)).toBeLessThanOrEqual(
        exact.atol + (exact.rtol * diagonalMagnitude) / d,
      );
      expect(Math.abs(k.frobeniusNorm() - Math.sqrt(frobeniusSquared(kRows)))).toBeLessThanOrEqual(
        exact.atol + exact.rtol * Math.sqrt(frobeniusSquared(kRows)),
      );
      expect(k.maxAbsEntry()).toBe(maxAbsRows(kRows));
      const shifted = k.clone();
      expect(shifted.addIdentityInPlace(-1.23)).toBe(shifted);
      const expected = addRows(kRows, identityRows(d), -1.23);
      expectClose(
        shifted.toRows(),
        expected,
        addRows(absRows(kRows), identityRows(d), 1.23),
        single,
        'addIdentity',
      );
      expectEqualRows(k.toRows(), kRows, 'addIdentityInPlace left the original alone');
    });
  });

  it('identity and zeros are exact; storage holds the spec §3.3 count', () => {
    const id = factory.identity(spec, d, dtype, backend);
    const zero = factory.zeros(spec, d, dtype, backend);
    expectEqualRows(id.toRows(), identityRows(d), 'identity');
    expectEqualRows(zero.toRows(), zerosRows(d), 'zeros');
    expect(id.averageTrace()).toBe(d === 0 ? 0 : 1);
    expect(factory.storageSize(spec, d)).toBe(c.storageSize);
    for (const matrix of [id, zero, factory.fromMatInner(spec, denseOf(identityRows(d), dtype))]) {
      expect(matrix.parameterCount).toBe(c.storageSize);
      expect(matrix.byteLength).toBe(c.storageSize * BYTES_PER_ELEMENT[dtype]);
      expect(matrix.dtype).toBe(dtype);
    }
  });
}
