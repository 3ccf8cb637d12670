/**
 * Plain float64 `number[][]` references for the triangular Toeplitz and general triangular
 * structures, sharing no code with the kernels or the structures: dense linear algebra, the
 * projection Π of spec §3.2 written once for any free pattern with tied entries, and
 * {@link describeOperations}, which checks every operation of a structure against the same
 * operation on dense rows.
 *
 * Every reference result comes with a "magnitude", the same computation on absolute values
 * (`|A|·|B|`, `Π(|S|·|S|ᵀ)`, …). It bounds the rounding error of any evaluation order (direct
 * sums, FFT with a float64 transform, one rounding to the storage dtype), so
 * `|actual − expected| ≤ atol + rtol·magnitude` with `toleranceFor(dtype, factor)` holds also
 * where entries cancel.
 */
import { type DType, type Tolerance, toleranceFor } from '@singd/half';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBackend } from '../../src/backend/registry.js';
import { setDenseFallbackMode } from '../../src/fallback.js';
import { DenseMatrix } from '../../src/structures/dense.js';
import { type LowerToeplitzMatrix, lowerToeplitzStructure } from '../../src/structures/lower-toeplitz.js';
import {
  type LowerTriangularMatrix,
  lowerTriangularStructure,
} from '../../src/structures/lower-triangular.js';
import { type UpperToeplitzMatrix, upperToeplitzStructure } from '../../src/structures/upper-toeplitz.js';
import {
  type UpperTriangularMatrix,
  upperTriangularStructure,
} from '../../src/structures/upper-triangular.js';
import { referenceProjection } from '../../src/testing/reference-projection.js';
import {
  absRows,
  addRows,
  BYTES_PER_ELEMENT,
  denseOf,
  expectClose,
  expectEqualRows,
  frobeniusNormRows,
  identityRows,
  matmulRows,
  maxAbsRows,
  type Rows,
  randomRows,
  randomSource,
  rowsOf,
  scaleRowsBy,
  symmetrize,
  trace,
  transposeRows,
  zerosRows,
} from './dense-reference.js';

/** The four structures these helpers cover. */
export type Kind = 'lower-toeplitz' | 'upper-toeplitz' | 'lower-triangular' | 'upper-triangular';

/** Sizes below and above the cpu FFT threshold (48), powers of two and not. */
export const SIZES = [1, 2, 3, 4, 5, 7, 10, 31, 50, 64, 100] as const;

export const DTYPES: readonly DType[] = ['float64', 'float32', 'bfloat16', 'float16'];

/** The symmetric 3 × 3 matrix of the worked examples (spec §3.4). */
export const M = [
  [1, 2, 3],
  [2, 4, 5],
  [3, 5, 6],
];

/**
 * The common preamble of a test file: the dense fallback throws for the whole file (so no
 * operation silently goes through a dense matrix), and {@link describeOperations} runs for
 * each of `kinds` and every dtype.
 */
export function describeKinds(kinds: readonly Kind[]): void {
  let previousMode: ReturnType<typeof setDenseFallbackMode>;
  beforeAll(() => {
    previousMode = setDenseFallbackMode('throw');
  });
  afterAll(() => {
    setDenseFallbackMode(previousMode);
  });

  for (const kind of kinds) {
    describe(kind, () => {
      for (const dtype of DTYPES) describe(dtype, () => describeOperations(kind, dtype));
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Dense float64 linear algebra.

/** `A·Aᵀ` and its magnitude `|A|·|A|ᵀ`. */
export function gramRows(a: Rows, d = a.length): { value: Rows; magnitude: Rows } {
  const n = a[0]?.length ?? 0;
  const abs = absRows(a);
  return {
    value: matmulRows(a, transposeRows(a, n), d),
    magnitude: matmulRows(abs, transposeRows(abs, n), d),
  };
}

/** `rows` rounded to `dtype` (through a dense matrix). */
export function roundedRows(rows: Rows, dtype: DType, cols = rows[0]?.length ?? 0): Rows {
  return rowsOf(denseOf(rows, dtype, cols));
}

// ---------------------------------------------------------------------------------------------
// Comparisons.

/** `|actual − expected| ≤ atol + rtol·magnitude` for scalars. */
export function expectCloseNumber(
  actual: number,
  expected: number,
  magnitude: number,
  tolerance: Tolerance,
  label: string,
): void {
  const bound = tolerance.atol + tolerance.rtol * Math.abs(magnitude);
  if (!(Math.abs(actual - expected) <= bound)) {
    throw new Error(
      `${label}: ${actual}, expected ${expected} (|diff| ${Math.abs(actual - expected)} > ${bound})`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Free patterns and the projection of spec §3.2.

/** The free pattern of a structure and which free entries share one parameter. */
export interface Pattern {
  readonly free: (i: number, j: number) => boolean;
  /** Free entries with the same key are tied to one parameter. */
  readonly tie: (i: number, j: number) => number;
}

export function patternOf(kind: Kind, d: number): Pattern {
  switch (kind) {
    case 'lower-toeplitz':
      return { free: (i, j) => i >= j, tie: (i, j) => i - j };
    case 'upper-toeplitz':
      return { free: (i, j) => i <= j, tie: (i, j) => j - i };
    case 'lower-triangular':
      return { free: (i, j) => i >= j, tie: (i, j) => i * d + j };
    case 'upper-triangular':
      return { free: (i, j) => i <= j, tie: (i, j) => i * d + j };
  }
}

/**
 * Π(M) by the one rule of spec §3.2: `M̂_ii = M_ii`; a free `(i, j)` whose mirror is
 * structurally zero takes `M_ij + M_ji`; then each free entry becomes the average of `M̂` over
 * the entries tied to it; everything else is 0.
 */
export function projectRows(kind: Kind, m: Rows): Rows {
  return referenceProjection({ kind }, m);
}

/**
 * Throws unless `a` lies in the structure: exact zeros outside the free pattern, tied entries
 * equal within `atol + rtol·max|a|`.
 */
export function expectInStructure(kind: Kind, a: Rows, tolerance: Tolerance, label: string): void {
  const d = a.length;
  const { free, tie } = patternOf(kind, d);
  const scale = maxAbsRows(a);
  const first = new Map<number, number>();
  a.forEach((row, i) => {
    row.forEach((value, j) => {
      if (!free(i, j)) {
        if (value !== 0)
          throw new Error(`${label}: entry (${i}, ${j}) = ${value} lies outside the structure`);
        return;
      }
      const key = tie(i, j);
      const seen = first.get(key);
      if (seen === undefined) first.set(key, value);
      else if (!(Math.abs(seen - value) <= tolerance.atol + tolerance.rtol * scale)) {
        throw new Error(`${label}: entry (${i}, ${j}) = ${value} differs from its tied entries (${seen})`);
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The structures under test.

export interface MatrixOfKind {
  'lower-toeplitz': LowerToeplitzMatrix;
  'upper-toeplitz': UpperToeplitzMatrix;
  'lower-triangular': LowerTriangularMatrix;
  'upper-triangular': UpperTriangularMatrix;
}

/** The factory of each kind (imported from the structure files, not the registry). */
export const FACTORIES = {
  'lower-toeplitz': lowerToeplitzStructure,
  'upper-toeplitz': upperToeplitzStructure,
  'lower-triangular': lowerTriangularStructure,
  'upper-triangular': upperTriangularStructure,
} as const;

/** The kind of the transpose. */
export const TRANSPOSE_KIND: Readonly<Record<Kind, Kind>> = {
  'lower-toeplitz': 'upper-toeplitz',
  'upper-toeplitz': 'lower-toeplitz',
  'lower-triangular': 'upper-triangular',
  'upper-triangular': 'lower-triangular',
};

/** The expected number of stored entries (spec §3.3). */
export function expectedStorage(kind: Kind, d: number): number {
  return kind.endsWith('toeplitz') ? d : (d * (d + 1)) / 2;
}

/** Operations every structure of {@link Kind} has, typed once for the generic suite. */
export interface TestMatrix {
  readonly kind: Kind;
  readonly rows: number;
  readonly dtype: DType;
  readonly shape: [number, number];
  readonly parameterCount: number;
  readonly byteLength: number;
  readonly spec: { readonly kind: string };
  toRows(): number[][];
  toDense(): DenseMatrix;
  matmul(x: DenseMatrix): DenseMatrix;
  transposeMatmul(x: DenseMatrix): DenseMatrix;
  rightMatmul(x: DenseMatrix): DenseMatrix;
  rightTransposeMatmul(x: DenseMatrix): DenseMatrix;
  fromInner(x?: DenseMatrix): TestMatrix;
  averageTrace(): number;
  frobeniusNorm(): number;
  maxAbsEntry(): number;
  transpose(): TestMatrix;
  clone(): TestMatrix;
}

/** Typed access to the structure operations that take an operand of the same class. */
export interface SameClassOperations {
  product(a: TestMatrix, b: TestMatrix): TestMatrix;
  add(a: TestMatrix, b: TestMatrix, alpha?: number): TestMatrix;
  addInPlace(a: TestMatrix, b: TestMatrix, alpha?: number): TestMatrix;
  subtract(a: TestMatrix, b: TestMatrix): TestMatrix;
  scale(a: TestMatrix, value: number): TestMatrix;
  scaleInPlace(a: TestMatrix, value: number): TestMatrix;
  addIdentity(a: TestMatrix, value: number): TestMatrix;
  addIdentityInPlace(a: TestMatrix, value: number): TestMatrix;
}

// The classes share StructuredMatrix's methods; these wrappers only erase the `this` types.
// biome-ignore lint/suspicious/noExplicitAny: the generic suite calls methods typed on `this`.
type Any = any;
export const SAME_CLASS: SameClassOperations = {
  product: (a, b) => (a as Any).matmul(b),
  add: (a, b, alpha) => (a as Any).add(b, alpha),
  addInPlace: (a, b, alpha) => (a as Any).addInPlace(b, alpha),
  subtract: (a, b) => (a as Any).subtract(b),
  scale: (a, value) => (a as Any).scale(value),
  scaleInPlace: (a, value) => (a as Any).scaleInPlace(value),
  addIdentity: (a, value) => (a as Any).addIdentity(value),
  addIdentityInPlace: (a, value) => (a as Any).addIdentityInPlace(value),
};

/** `Π(M)` of a dense M of `dtype` through the structure's factory. */
export function projectMatrix(kind: Kind, m: DenseMatrix): TestMatrix {
  return FACTORIES[kind].project({ kind } as never, m) as TestMatrix;
}

/** Every operation of a d = 0 matrix of `kind` (the projection of a 0 × 0 matrix) works. */
export function expectEmptyWorks(kind: Kind): void {
  const empty = projectMatrix(kind, DenseMatrix.zeros(0, 0, 'float32'));
  expect(empty.toRows()).toEqual([]);
  expect(empty.fromInner().parameterCount).toBe(0);
  expect(empty.fromInner(DenseMatrix.zeros(0, 3, 'float32')).parameterCount).toBe(0);
  expect(empty.frobeniusNorm()).toBe(0);
  expect(empty.averageTrace()).toBe(0);
  expectEqualRows(empty.transpose().toRows(), [], 'transpose');
}

export function identityMatrix(kind: Kind, d: number, dtype: DType): TestMatrix {
  return FACTORIES[kind].identity({ kind } as never, d, dtype, getBackend('cpu')) as TestMatrix;
}

export function zerosMatrix(kind: Kind, d: number, dtype: DType): TestMatrix {
  return FACTORIES[kind].zeros({ kind } as never, d, dtype, getBackend('cpu')) as TestMatrix;
}

export function fromMatInnerMatrix(kind: Kind, x: DenseMatrix): TestMatrix {
  return FACTORIES[kind].fromMatInner({ kind } as never, x) as TestMatrix;
}

/** `Π(M)` of a random symmetric M (entries in [−1, 1)), and the stored M. */
export function randomProjection(kind: Kind, random: () => number, d: number, dtype: DType): TestMatrix {
  return projectMatrix(kind, denseOf(symmetrize(randomRows(random, d, d)), dtype, d));
}

/**
 * A non-symmetric group element `K = (I − β'Π(M1))(I − β'Π(M2))` built with structured
 * operations (spec §6.1, "add for the port"), with `β' = β/√d` so that `‖β'Π(M)‖₂ = O(β)` and
 * products stay far from the float16 range limit (65504) at d = 100.
 */
export function groupElement(
  kind: Kind,
  random: () => number,
  d: number,
  dtype: DType,
  beta: number,
): TestMatrix {
  const scaled = beta / Math.sqrt(Math.max(d, 1));
  const factor = () =>
    SAME_CLASS.subtract(
      identityMatrix(kind, d, dtype),
      SAME_CLASS.scale(randomProjection(kind, random, d, dtype), scaled),
    );
  return SAME_CLASS.product(factor(), factor());
}

// ---------------------------------------------------------------------------------------------
// The generic suite.

/** A seed, a column count n in [1, 2d + 1] and a β in [0.1, 1]. */
function inputs(d: number) {
  return fc.record({
    seed: fc.integer({ min: 0, max: 0x7fffffff }),
    n: fc.integer({ min: 1, max: 2 * d + 1 }),
    beta: fc.double({ min: 0.1, max: 1, noNaN: true }),
  });
}

/** Fewer fast-check runs for the large sizes (the dense reference is O(d³)). */
function runsFor(d: number): number {
  return d >= 50 ? 2 : d >= 10 ? 4 : 8;
}

/** Runs `check` as a fast-check property for every size in {@link SIZES}. */
export function forAllSizes(check: (d: number, random: () => number, n: number, beta: number) => void): void {
  for (const d of SIZES) {
    fc.assert(
      fc.property(inputs(d), ({ seed, n, beta }) => {
        check(d, randomSource(seed), n, beta);
      }),
      { numRuns: runsFor(d) },
    );
  }
}

/**
 * Registers one `it` per operation of `kind` in `dtype`, each a property over all
 * {@link SIZES} comparing the structured result with the dense float64 reference computed on
 * the exact stored inputs.
 */
export function describeOperations(kind: Kind, dtype: DType): void {
  // One rounding of a float64-accumulated result (plus the rounded lag weights of the Toeplitz
  // averages), and results built from a rounded intermediate (S = KᵀX).
  const single = toleranceFor(dtype, 1);
  const chained = toleranceFor(dtype, 2);
  const reference = (m: Rows) => projectRows(kind, m);

  it('project(M) = Π(M) of spec §3.2 (also for non-symmetric M: M_ij + M_ji)', () => {
    forAllSizes((d, random) => {
      for (const m of [symmetrize(randomRows(random, d, d)), randomRows(random, d, d)]) {
        const stored = roundedRows(m, dtype);
        const s = projectMatrix(kind, denseOf(stored, dtype));
        expect(s.kind).toBe(kind);
        expect(s.shape).toEqual([d, d]);
        expect(s.dtype).toBe(dtype);
        expectInStructure(kind, s.toRows(), toleranceFor('float64'), 'project');
        expectClose(s.toRows(), reference(stored), projectRows(kind, absRows(stored)), single, 'project');
      }
    });
  });

  it('averageTrace(Π(M)) = mean(diag M) for a non-symmetric M', () => {
    forAllSizes((d, random) => {
      const stored = roundedRows(randomRows(random, d, d), dtype);
      const s = projectMatrix(kind, denseOf(stored, dtype));
      const diagonalMagnitude = trace(absRows(stored)) / d;
      expectCloseNumber(s.averageTrace(), trace(stored) / d, diagonalMagnitude, single, 'averageTrace');
    });
  });

  it('matmul(X) = K·X and transposeMatmul(X) = Kᵀ·X for a group element K', () => {
    forAllSizes((d, random, n, beta) => {
      const k = groupElement(kind, random, d, dtype, beta);
      const kRows = k.toRows();
      const kAbs = absRows(kRows);
      const x = denseOf(randomRows(random, d, n), dtype);
      const xRows = rowsOf(x);
      const xAbs = absRows(xRows);
      const product = k.matmul(x);
      expect(product.shape).toEqual([d, n]);
      expectClose(rowsOf(product), matmulRows(kRows, xRows, n), matmulRows(kAbs, xAbs, n), single, 'matmul');
      expectClose(
        rowsOf(k.transposeMatmul(x)),
        matmulRows(transposeRows(kRows, d), xRows, n),
        matmulRows(transposeRows(kAbs, d), xAbs, n),
        single,
        'transposeMatmul',
      );
    });
  });

  it('rightMatmul(X) = X·K and rightTransposeMatmul(X) = X·Kᵀ', () => {
    forAllSizes((d, random, n, beta) => {
      const k = groupElement(kind, random, d, dtype, beta);
      const kRows = k.toRows();
      const kAbs = absRows(kRows);
      const x = denseOf(randomRows(random, n, d), dtype);
      const xRows = rowsOf(x);
      const xAbs = absRows(xRows);
      expectClose(
        rowsOf(k.rightMatmul(x)),
        matmulRows(xRows, kRows, d),
        matmulRows(xAbs, kAbs, d),
        single,
        'rightMatmul',
      );
      expectClose(
        rowsOf(k.rightTransposeMatmul(x)),
        matmulRows(xRows, transposeRows(kRows, d), d),
        matmulRows(xAbs, transposeRows(kAbs, d), d),
        single,
        'rightTransposeMatmul',
      );
    });
  });

  it('matmul(S2) = S·S2 stays in the structure (closure), for projections and group elements', () => {
    forAllSizes((d, random, _n, beta) => {
      const pairs = [
        [randomProjection(kind, random, d, dtype), randomProjection(kind, random, d, dtype)],
        [groupElement(kind, random, d, dtype, beta), groupElement(kind, random, d, dtype, beta)],
      ] as const;
      for (const [a, b] of pairs) {
        const [aRows, bRows] = [a.toRows(), b.toRows()];
        const exact = matmulRows(aRows, bRows, d);
        expectInStructure(kind, exact, toleranceFor('float64', 100), 'dense product');
        const product = SAME_CLASS.product(a, b);
        expect(product.kind).toBe(kind);
        expect(product.spec).toEqual({ kind });
        expectClose(
          product.toRows(),
          exact,
          matmulRows(absRows(aRows), absRows(bRows), d),
          single,
          'product',
        );
      }
    });
  });

  it('fromInner(X) = Π((KᵀX)(KᵀX)ᵀ) for a group element K', () => {
    forAllSizes((d, random, n, beta) => {
      const k = groupElement(kind, random, d, dtype, beta);
      const kRows = k.toRows();
      // Entries in [−1, 1)/√n keep (KᵀX)(KᵀX)ᵀ inside the float16 range.
      const x = denseOf(scaleRowsBy(randomRows(random, d, n), 1 / Math.sqrt(n)), dtype);
      const xRows = rowsOf(x);
      const s = matmulRows(transposeRows(kRows, d), xRows, n);
      const sAbs = matmulRows(transposeRows(absRows(kRows), d), absRows(xRows), n);
      const result = k.fromInner(x);
      expect(result.kind).toBe(kind);
      expect(result.shape).toEqual([d, d]);
      expectClose(
        result.toRows(),
        reference(gramRows(s, d).value),
        reference(gramRows(sAbs, d).value),
        chained,
        'fromInner(X)',
      );
    });
  });

  it('fromInner() = Π(KᵀK) for a group element K and for a projection', () => {
    forAllSizes((d, random, _n, beta) => {
      for (const k of [
        groupElement(kind, random, d, dtype, beta),
        randomProjection(kind, random, d, dtype),
      ]) {
        const kRows = k.toRows();
        const kAbs = absRows(kRows);
        const result = k.fromInner();
        expect(result.kind).toBe(kind);
        expectClose(
          result.toRows(),
          reference(matmulRows(transposeRows(kRows, d), kRows, d)),
          reference(matmulRows(transposeRows(kAbs, d), kAbs, d)),
          chained,
          'fromInner()',
        );
      }
    });
  });

  it('fromMatInner(X) = Π(XXᵀ)', () => {
    forAllSizes((d, random, n) => {
      const x = denseOf(randomRows(random, d, n), dtype);
      const xRows = rowsOf(x);
      const result = fromMatInnerMatrix(kind, x);
      expect(result.kind).toBe(kind);
      expect(result.dtype).toBe(dtype);
      expectClose(
        result.toRows(),
        reference(gramRows(xRows, d).value),
        reference(gramRows(absRows(xRows), d).value),
        single,
        'fromMatInner',
      );
    });
  });

  it('X with zero columns: matmul is d×0, fromInner(X) and fromMatInner(X) are zero', () => {
    for (const d of SIZES) {
      const k = groupElement(kind, randomSource(d), d, dtype, 0.5);
      const x = DenseMatrix.zeros(d, 0, dtype);
      expect(k.matmul(x).shape).toEqual([d, 0]);
      expect(k.transposeMatmul(x).shape).toEqual([d, 0]);
      expectEqualRows(k.fromInner(x).toRows(), zerosRows(d), 'fromInner(X)');
      expectEqualRows(fromMatInnerMatrix(kind, x).toRows(), zerosRows(d), 'fromMatInner');
    }
  });

  it('averageTrace, frobeniusNorm and maxAbsEntry equal those of the dense matrix (float64-exact)', () => {
    const exact = toleranceFor('float64');
    forAllSizes((d, random, _n, beta) => {
      for (const k of [
        groupElement(kind, random, d, dtype, beta),
        randomProjection(kind, random, d, dtype),
      ]) {
        const kRows = k.toRows();
        expectCloseNumber(
          k.averageTrace(),
          trace(kRows) / d,
          trace(absRows(kRows)) / d,
          exact,
          'averageTrace',
        );
        const norm = frobeniusNormRows(kRows);
        expectCloseNumber(k.frobeniusNorm(), norm, norm, exact, 'frobeniusNorm');
        expect(k.maxAbsEntry()).toBe(maxAbsRows(kRows));
      }
    });
  });

  it('add, subtract, scale, addIdentity and their in-place forms follow the dense matrices', () => {
    forAllSizes((d, random) => {
      const a = randomProjection(kind, random, d, dtype);
      const b = randomProjection(kind, random, d, dtype);
      const [aRows, bRows] = [a.toRows(), b.toRows()];
      const [aAbs, bAbs] = [absRows(aRows), absRows(bRows)];
      expectClose(SAME_CLASS.add(a, b).toRows(), addRows(aRows, bRows), addRows(aAbs, bAbs), single, 'add');
      expectClose(
        SAME_CLASS.subtract(a, b).toRows(),
        addRows(aRows, bRows, -1),
        addRows(aAbs, bAbs),
        single,
        'subtract',
      );
      expectClose(
        SAME_CLASS.scale(a, 0.3).toRows(),
        scaleRowsBy(aRows, 0.3),
        scaleRowsBy(aAbs, 0.3),
        single,
        'scale',
      );
      const eye = identityRows(d);
      expectClose(
        SAME_CLASS.addIdentity(a, -1.23).toRows(),
        addRows(aRows, eye, -1.23),
        addRows(aAbs, eye, 1.23),
        single,
        'addIdentity',
      );
      expectEqualRows(a.toRows(), aRows, 'the non-in-place operations left the operand alone');
      const c = a.clone();
      expect(SAME_CLASS.addInPlace(c, b, -0.5)).toBe(c);
      expectClose(c.toRows(), addRows(aRows, bRows, -0.5), addRows(aAbs, bAbs, 0.5), single, 'addInPlace');
      expect(SAME_CLASS.scaleInPlace(c, -1.23)).toBe(c);
      expect(SAME_CLASS.addIdentityInPlace(c, 2)).toBe(c);
      const expected = addRows(scaleRowsBy(addRows(aRows, bRows, -0.5), -1.23), eye, 2);
      const magnitude = addRows(scaleRowsBy(addRows(aAbs, bAbs, 0.5), 1.23), eye, 2);
      expectClose(c.toRows(), expected, magnitude, toleranceFor(dtype, 2), 'in-place chain');
      expectEqualRows(a.toRows(), aRows, 'clone is independent');
    });
  });

  it('transpose() is the opposite structure holding the dense transpose (exact)', () => {
    forAllSizes((d, random, _n, beta) => {
      const k = groupElement(kind, random, d, dtype, beta);
      const t = k.transpose();
      expect(t.kind).toBe(TRANSPOSE_KIND[kind]);
      expect(t.dtype).toBe(dtype);
      expectEqualRows(t.toRows(), transposeRows(k.toRows(), d), 'transpose');
      expectEqualRows(t.transpose().toRows(), k.toRows(), 'transpose twice');
    });
  });

  it('zeros, identity, storage size and bytes', () => {
    for (const d of [0, ...SIZES]) {
      const factory = FACTORIES[kind];
      const z = zerosMatrix(kind, d, dtype);
      const eye = identityMatrix(kind, d, dtype);
      expectEqualRows(z.toRows(), zerosRows(d), 'zeros');
      expectEqualRows(eye.toRows(), identityRows(d), 'identity');
      expect(factory.storageSize({ kind } as never, d)).toBe(expectedStorage(kind, d));
      for (const m of [z, eye]) {
        expect(m.parameterCount).toBe(expectedStorage(kind, d));
        expect(m.byteLength).toBe(expectedStorage(kind, d) * BYTES_PER_ELEMENT[dtype]);
        expect(m.shape).toEqual([d, d]);
        expect(m.dtype).toBe(dtype);
      }
      expect(eye.averageTrace()).toBe(d === 0 ? 0 : 1);
      expect(eye.frobeniusNorm()).toBe(Math.sqrt(d));
    }
  });
}
