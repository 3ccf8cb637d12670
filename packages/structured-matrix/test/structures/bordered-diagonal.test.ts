import { type DType, toleranceFor } from '@singd/half';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceBuffer } from '../../src/backend/buffer.js';
import { getBackend } from '../../src/backend/registry.js';
import { type DenseFallbackMode, setDenseFallbackMode } from '../../src/fallback.js';
import type {
  BorderedDiagonalKind,
  BorderedDiagonalMatrix,
} from '../../src/structures/bordered-diagonal-common.js';
import { DenseMatrix } from '../../src/structures/dense.js';
import { DiagonalMatrix } from '../../src/structures/diagonal.js';
import {
  LowerBottomRightDiagonalMatrix,
  lowerBottomRightDiagonalStructure,
} from '../../src/structures/lower-bottom-right-diagonal.js';
import {
  LowerTopLeftDiagonalMatrix,
  lowerTopLeftDiagonalStructure,
} from '../../src/structures/lower-top-left-diagonal.js';
import {
  UpperBottomRightDiagonalMatrix,
  upperBottomRightDiagonalStructure,
} from '../../src/structures/upper-bottom-right-diagonal.js';
import {
  UpperTopLeftDiagonalMatrix,
  upperTopLeftDiagonalStructure,
} from '../../src/structures/upper-top-left-diagonal.js';
import {
  abs,
  BORDERED_KINDS,
  type BorderedKind,
  combine,
  type Dense,
  denseFromStorage,
  firstMismatch,
  fromValues,
  identity,
  inPattern,
  matmul,
  referenceProject,
  symmetrize,
  TRANSPOSE_KIND,
  transpose,
  zeros,
} from './bordered-diagonal-reference.js';

type Bordered = BorderedDiagonalMatrix<BorderedDiagonalKind> & { transpose(): Bordered };

/** The per-kind constructors and factory, with the spec filled in. */
interface KindCase {
  readonly kind: BorderedKind;
  readonly matrixClass: abstract new (...args: never[]) => Bordered;
  create(d: number, storage: DeviceBuffer): Bordered;
  project(symmetric: DenseMatrix): Bordered;
  fromMatInner(x: DenseMatrix): Bordered;
  zeros(d: number, dtype: DType): Bordered;
  identity(d: number, dtype: DType): Bordered;
  storageSize(d: number): number;
}

function kindCase<K extends BorderedKind>(
  kind: K,
  matrixClass: new (d: number, storage: DeviceBuffer) => Bordered,
  factory: {
    project(spec: { kind: K }, m: DenseMatrix): Bordered;
    fromMatInner(spec: { kind: K }, x: DenseMatrix): Bordered;
    zeros(spec: { kind: K }, d: number, dtype: DType, backend: ReturnType<typeof getBackend>): Bordered;
    identity(spec: { kind: K }, d: number, dtype: DType, backend: ReturnType<typeof getBackend>): Bordered;
    storageSize(spec: { kind: K }, d: number): number;
    kind: K;
  },
): KindCase {
  const spec = { kind };
  if (factory.kind !== kind) throw new Error(`factory of ${factory.kind} registered as ${kind}`);
  return {
    kind,
    matrixClass,
    create: (d, storage) => new matrixClass(d, storage),
    project: (m) => factory.project(spec, m),
    fromMatInner: (x) => factory.fromMatInner(spec, x),
    zeros: (d, dtype) => factory.zeros(spec, d, dtype, getBackend()),
    identity: (d, dtype) => factory.identity(spec, d, dtype, getBackend()),
    storageSize: (d) => factory.storageSize(spec, d),
  };
}

const CASES: Readonly<Record<BorderedKind, KindCase>> = {
  'lower-bottom-right-diagonal': kindCase(
    'lower-bottom-right-diagonal',
    LowerBottomRightDiagonalMatrix,
    lowerBottomRightDiagonalStructure,
  ),
  'lower-top-left-diagonal': kindCase(
    'lower-top-left-diagonal',
    LowerTopLeftDiagonalMatrix,
    lowerTopLeftDiagonalStructure,
  ),
  'upper-bottom-right-diagonal': kindCase(
    'upper-bottom-right-diagonal',
    UpperBottomRightDiagonalMatrix,
    upperBottomRightDiagonalStructure,
  ),
  'upper-top-left-diagonal': kindCase(
    'upper-top-left-diagonal',
    UpperTopLeftDiagonalMatrix,
    upperTopLeftDiagonalStructure,
  ),
};

const DIMENSIONS = [1, 2, 3, 4, 5, 10, 31] as const;
const DTYPES: readonly DType[] = ['float64', 'float32', 'bfloat16', 'float16'];
const BYTES: Readonly<Record<DType, number>> = { float64: 8, float32: 4, bfloat16: 2, float16: 2 };
const RUNS = { numRuns: 6 } as const;
/** Reductions read stored values exactly and accumulate in float64. */
const REDUCTION_TOLERANCE = toleranceFor('float64');

let previousMode: DenseFallbackMode;
beforeAll(() => {
  previousMode = setDenseFallbackMode('throw'); // prove that no operation detours through dense
});
afterAll(() => {
  setDenseFallbackMode(previousMode);
});

/** `length` doubles in [−1, 1]. */
function values(length: number): fc.Arbitrary<number[]> {
  return fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: length, maxLength: length });
}

/** A dense matrix in `dtype` and its exact (rounded) entries. */
function denseInput(raw: readonly number[], rows: number, cols: number, dtype: DType): [DenseMatrix, Dense] {
  const matrix = DenseMatrix.fromArray(raw.slice(0, rows * cols), rows, cols, dtype);
  return [matrix, fromValues(matrix.toFloat64Array(), rows, cols)];
}

/** A symmetric dense matrix in `dtype` (symmetrised in float64, then rounded) and its entries. */
function symmetricInput(raw: readonly number[], d: number, dtype: DType): [DenseMatrix, Dense] {
  const m = symmetrize(fromValues(raw, d, d));
  return denseInput(m.flat(), d, d, dtype);
}

/** The dense matrix `s` stands for, read from its storage by the documented layout. */
function denseOf(s: Bordered): Dense {
  return denseFromStorage(s.kind, s.size, getBackend().read(s.storage));
}

/** The stored numbers, with −0 read as +0. */
function storedValues(s: Bordered): number[] {
  return Array.from(getBackend().read(s.storage), (v) => v + 0);
}

function denseRows(x: DenseMatrix): Dense {
  return fromValues(x.toFloat64Array(), x.rows, x.cols);
}

function expectClose(actual: Dense, expected: Dense, magnitude: Dense, dtype: DType, factor = 1): void {
  expect(firstMismatch(actual, expected, magnitude, toleranceFor(dtype, factor))).toBeUndefined();
}

function expectScalarClose(actual: number, expected: number, magnitude: number): void {
  expect(firstMismatch([[actual]], [[expected]], [[magnitude]], REDUCTION_TOLERANCE)).toBeUndefined();
}

describe.each(BORDERED_KINDS)('%s', (kind) => {
  const c = CASES[kind];

  describe.each(DTYPES)('%s', (dtype) => {
    /** A random element with the given stored values (any signs: a general group element). */
    const structured = (raw: readonly number[], d: number): Bordered =>
      c.create(d, getBackend().upload(dtype, raw.slice(0, 2 * d - 1)));

    it.each(DIMENSIONS)(
      'project = Π(M) of a symmetric M; toDense; fromDense(toDense(S)) = S (d = %i)',
      (d) => {
        fc.assert(
          fc.property(values(d * d), (raw) => {
            const [m, exact] = symmetricInput(raw, d, dtype);
            const s = c.project(m);
            expect(s.kind).toBe(kind);
            expect(s.dtype).toBe(dtype);
            expect(s.shape).toEqual([d, d]);
            expectClose(denseOf(s), referenceProject(kind, exact), referenceProject(kind, abs(exact)), dtype);
            // toDense agrees exactly with the documented storage layout.
            const dense = s.toDense();
            expect(dense.dtype).toBe(dtype);
            expect(denseRows(dense)).toEqual(denseOf(s));
            expect(s.toRows()).toEqual(denseOf(s));
            expect(inPattern(kind, denseOf(s))).toBe(true);
            // Π sums both halves and one of them is structurally zero: an exact round trip
            // (up to the sign of zero: −0 + 0 = +0).
            expect(storedValues(c.project(dense))).toEqual(storedValues(s));
          }),
          RUNS,
        );
      },
    );

    it.each(DIMENSIONS)('matmul(X) = S·X (d = %i)', (d) => {
      fc.assert(
        fc.property(
          values(2 * d - 1),
          values(2 * d * d),
          fc.integer({ min: 1, max: 2 * d }),
          (sRaw, xRaw, n) => {
            const s = structured(sRaw, d);
            const [x, xExact] = denseInput(xRaw, d, n, dtype);
            const sd = denseOf(s);
            const result = s.matmul(x);
            expect(result.shape).toEqual([d, n]);
            expectClose(denseRows(result), matmul(sd, xExact), matmul(abs(sd), abs(xExact)), dtype);
          },
        ),
        RUNS,
      );
    });

    it.each(DIMENSIONS)('transposeMatmul(X) = Sᵀ·X, the true transpose (d = %i)', (d) => {
      fc.assert(
        fc.property(
          values(2 * d - 1),
          values(2 * d * d),
          fc.integer({ min: 1, max: 2 * d }),
          (sRaw, xRaw, n) => {
            const s = structured(sRaw, d);
            const [x, xExact] = denseInput(xRaw, d, n, dtype);
            const st = transpose(denseOf(s));
            const result = s.transposeMatmul(x);
            expect(result.shape).toEqual([d, n]);
            expectClose(denseRows(result), matmul(st, xExact), matmul(abs(st), abs(xExact)), dtype);
            // Sᵀ as a structure multiplies the same way, to the last bit.
            expect(s.transpose().matmul(x).toFloat64Array()).toEqual(result.toFloat64Array());
          },
        ),
        RUNS,
      );
    });

    it.each(DIMENSIONS)('rightMatmul(X) = X·S and rightTransposeMatmul(X) = X·Sᵀ (d = %i)', (d) => {
      fc.assert(
        fc.property(
          values(2 * d - 1),
          values(2 * d * d),
          fc.integer({ min: 1, max: 2 * d }),
          (sRaw, xRaw, n) => {
            const s = structured(sRaw, d);
            const [x, xExact] = denseInput(xRaw, n, d, dtype);
            const sd = denseOf(s);
            const st = transpose(sd);
            expectClose(denseRows(s.rightMatmul(x)), matmul(xExact, sd), matmul(abs(xExact), abs(sd)), dtype);
            expectClose(
              denseRows(s.rightTransposeMatmul(x)),
              matmul(xExact, st),
              matmul(abs(xExact), abs(st)),
              dtype,
            );
          },
        ),
        RUNS,
      );
    });

    it.each(DIMENSIONS)('matmul(S′) = S·S′ stays in the structure (closure) (d = %i)', (d) => {
      fc.assert(
        fc.property(values(2 * d - 1), values(2 * d - 1), (aRaw, bRaw) => {
          const a = structured(aRaw, d);
          const b = structured(bRaw, d);
          const ad = denseOf(a);
          const bd = denseOf(b);
          const expected = matmul(ad, bd);
          expect(inPattern(kind, expected)).toBe(true); // the dense product has the pattern
          const product = a.matmul(b);
          expect(product.kind).toBe(kind);
          expect(product).toBeInstanceOf(c.matrixClass);
          expectClose(denseOf(product), expected, matmul(abs(ad), abs(bd)), dtype);
          expect(product.toRows()).toEqual(denseOf(product));
          // S·S with itself as the operand.
          expectClose(denseOf(a.matmul(a)), matmul(ad, ad), matmul(abs(ad), abs(ad)), dtype);
        }),
        RUNS,
      );
    });

    it.each(DIMENSIONS)('fromInner(X) = Π(Sᵀ X Xᵀ S) (d = %i)', (d) => {
      fc.assert(
        fc.property(
          values(2 * d - 1),
          values(2 * d * d),
          fc.integer({ min: 1, max: 2 * d }),
          (sRaw, xRaw, n) => {
            const s = structured(sRaw, d);
            const [x, xExact] = denseInput(xRaw, d, n, dtype);
            const st = transpose(denseOf(s));
            const y = matmul(st, xExact);
            const yAbs = matmul(abs(st), abs(xExact));
            const result = s.fromInner(x);
            expect(result.kind).toBe(kind);
            expectClose(
              denseOf(result),
              referenceProject(kind, matmul(y, transpose(y))),
              referenceProject(kind, matmul(yAbs, transpose(yAbs))),
              dtype,
              2,
            );
          },
        ),
        RUNS,
      );
    });

    it.each(DIMENSIONS)('fromInner() = Π(SᵀS) (d = %i)', (d) => {
      fc.assert(
        fc.property(values(2 * d - 1), (sRaw) => {
          const s = structured(sRaw, d);
          const sd = denseOf(s);
          const result = s.fromInner();
          expect(result.kind).toBe(kind);
          expectClose(
            denseOf(result),
            referenceProject(kind, matmul(transpose(sd), sd)),
            referenceProject(kind, matmul(transpose(abs(sd)), abs(sd))),
            dtype,
            2,
          );
        }),
        RUNS,
      );
    });

    it.each(DIMENSIONS)('fromMatInner(X) = Π(X Xᵀ) (d = %i)', (d) => {
      fc.assert(
        fc.property(values(2 * d * d), fc.integer({ min: 1, max: 2 * d }), (xRaw, n) => {
          const [x, xExact] = denseInput(xRaw, d, n, dtype);
          const result = c.fromMatInner(x);
          expect(result.kind).toBe(kind);
          expect(result.dtype).toBe(dtype);
          expectClose(
            denseOf(result),
            referenceProject(kind, matmul(xExact, transpose(xExact))),
            referenceProject(kind, matmul(abs(xExact), transpose(abs(xExact)))),
            dtype,
          );
        }),
        RUNS,
      );
    });

    it.each(DIMENSIONS)('transpose() is the sibling kind with the same numbers (d = %i)', (d) => {
      fc.assert(
        fc.property(values(2 * d - 1), (sRaw) => {
          const s = structured(sRaw, d);
          const t = s.transpose();
          expect(t.kind).toBe(TRANSPOSE_KIND[kind]);
          expect(t.dtype).toBe(dtype);
          expect(denseOf(t)).toEqual(transpose(denseOf(s)));
          expect(t.toRows()).toEqual(transpose(s.toRows()));
          expect(t.transpose().kind).toBe(kind);
          expect(getBackend().read(t.transpose().storage)).toEqual(getBackend().read(s.storage));
          expect(t.storage).not.toBe(s.storage);
        }),
        RUNS,
      );
    });

    it.each(DIMENSIONS)('add, subtract, scale and their in-place forms (d = %i)', (d) => {
      fc.assert(
        fc.property(values(2 * d - 1), values(2 * d - 1), (aRaw, bRaw) => {
          const a = structured(aRaw, d);
          const b = structured(bRaw, d);
          const ad = denseOf(a);
          const bd = denseOf(b);
          expectClose(denseOf(a.add(b)), combine(1, ad, 1, bd), combine(1, abs(ad), 1, abs(bd)), dtype);
          expectClose(denseOf(a.subtract(b)), combine(1, ad, -1, bd), combine(1, abs(ad), 1, abs(bd)), dtype);
          expectClose(denseOf(a.scale(0.3)), combine(0.3, ad, 0, ad), combine(0.3, abs(ad), 0, ad), dtype);
          const target = a.clone();
          expect(target.addInPlace(b, -0.5)).toBe(target);
          expectClose(denseOf(target), combine(1, ad, -0.5, bd), combine(1, abs(ad), 0.5, abs(bd)), dtype);
          expect(denseOf(a)).toEqual(ad); // the clone is independent
          const scaled = a.clone();
          expect(scaled.scaleInPlace(-1.23)).toBe(scaled);
          expectClose(denseOf(scaled), combine(-1.23, ad, 0, ad), combine(1.23, abs(ad), 0, ad), dtype);
          const shifted = a.clone();
          expect(shifted.addIdentityInPlace(-1.23)).toBe(shifted);
          const expected = combine(1, ad, -1.23, identity(d));
          const magnitude = combine(1, abs(ad), 1.23, identity(d));
          expectClose(denseOf(shifted), expected, magnitude, dtype);
          expectClose(denseOf(a.addIdentity(-1.23)), expected, magnitude, dtype);
        }),
        RUNS,
      );
    });

    it.each(DIMENSIONS)('averageTrace, maxAbsEntry, frobeniusNorm from the storage (d = %i)', (d) => {
      fc.assert(
        fc.property(values(2 * d - 1), (sRaw) => {
          const s = structured(sRaw, d);
          const sd = denseOf(s);
          const flat = sd.flat();
          const trace = sd.reduce((total, row, i) => total + row[i]!, 0);
          const absTrace = sd.reduce((total, row, i) => total + Math.abs(row[i]!), 0);
          expectScalarClose(s.averageTrace(), trace / d, absTrace / d);
          expect(s.maxAbsEntry()).toBe(Math.max(0, ...flat.map(Math.abs)));
          const frobenius = Math.sqrt(flat.reduce((total, v) => total + v * v, 0));
          expectScalarClose(s.frobeniusNorm(), frobenius, frobenius);
        }),
        RUNS,
      );
    });

    it.each(DIMENSIONS)(
      'non-symmetric K = (I − βΠ(M1))(I − βΠ(M2)): Kᵀ·X, fromInner(X), fromInner() (d = %i)',
      (d) => {
        fc.assert(
          fc.property(
            values(d * d),
            values(d * d),
            values(2 * d * d),
            fc.double({ min: 0.05, max: 0.9, noNaN: true }),
            (m1Raw, m2Raw, xRaw, beta) => {
              const [m1] = symmetricInput(m1Raw, d, dtype);
              const [m2] = symmetricInput(m2Raw, d, dtype);
              const eye = c.identity(d, dtype);
              const f1 = eye.subtract(c.project(m1).scale(beta));
              const f2 = eye.subtract(c.project(m2).scale(beta));
              const k = f1.matmul(f2);
              expect(k.kind).toBe(kind);
              const f1d = denseOf(f1);
              const f2d = denseOf(f2);
              expectClose(denseOf(k), matmul(f1d, f2d), matmul(abs(f1d), abs(f2d)), dtype);
              const kd = denseOf(k);
              const kt = transpose(kd);
              const [x, xExact] = denseInput(xRaw, d, 2 * d, dtype);
              expectClose(
                denseRows(k.transposeMatmul(x)),
                matmul(kt, xExact),
                matmul(abs(kt), abs(xExact)),
                dtype,
              );
              const y = matmul(kt, xExact);
              const yAbs = matmul(abs(kt), abs(xExact));
              expectClose(
                denseOf(k.fromInner(x)),
                referenceProject(kind, matmul(y, transpose(y))),
                referenceProject(kind, matmul(yAbs, transpose(yAbs))),
                dtype,
                2,
              );
              expectClose(
                denseOf(k.fromInner()),
                referenceProject(kind, matmul(kt, kd)),
                referenceProject(kind, matmul(abs(kt), abs(kd))),
                dtype,
                2,
              );
            },
          ),
          RUNS,
        );
      },
    );

    it.each(DIMENSIONS)('identity, zeros, storage 2d − 1 and byteLength (d = %i)', (d) => {
      const eye = c.identity(d, dtype);
      expect(eye.toRows()).toEqual(identity(d));
      expect(denseOf(eye)).toEqual(identity(d));
      const zero = c.zeros(d, dtype);
      expect(zero.toRows()).toEqual(zeros(d));
      expect(zero.dtype).toBe(dtype);
      expect(c.storageSize(d)).toBe(2 * d - 1);
      expect(eye.parameterCount).toBe(2 * d - 1);
      expect(eye.storage.length).toBe(2 * d - 1);
      expect(eye.byteLength).toBe((2 * d - 1) * BYTES[dtype]);
      expect(eye.averageTrace()).toBe(1);
      expect(eye.spec).toEqual({ kind });
      expect(eye.specialIndex).toBe(kind.includes('bottom-right') ? 0 : d - 1);
      expect(eye.layout.border).toBe(
        kind === 'lower-bottom-right-diagonal' || kind === 'upper-top-left-diagonal' ? 'column' : 'row',
      );
      // I is the unit of the group.
      const s = c.project(
        symmetricInput(
          Array.from({ length: d * d }, (_, i) => Math.sin(i + 1)),
          d,
          dtype,
        )[0],
      );
      expect(denseOf(eye.matmul(s))).toEqual(denseOf(s));
      expect(denseOf(s.matmul(eye))).toEqual(denseOf(s));
    });
  });

  describe('float64 only', () => {
    it('spec §3.4 / doc example: Π of [[1,2,3],[2,4,5],[3,5,6]]', () => {
      const m = DenseMatrix.fromRows(
        [
          [1, 2, 3],
          [2, 4, 5],
          [3, 5, 6],
        ],
        'float64',
      );
      const expected: Record<BorderedKind, Dense> = {
        // a = 1, column (4, 6), diagonal (4, 6) (spec §3.4)
        'lower-bottom-right-diagonal': [
          [1, 0, 0],
          [4, 4, 0],
          [6, 0, 6],
        ],
        'lower-top-left-diagonal': [
          [1, 0, 0],
          [0, 4, 0],
          [6, 10, 6],
        ],
        'upper-bottom-right-diagonal': [
          [1, 4, 6],
          [0, 4, 0],
          [0, 0, 6],
        ],
        'upper-top-left-diagonal': [
          [1, 0, 6],
          [0, 4, 10],
          [0, 0, 6],
        ],
      };
      const s = c.project(m);
      expect(s.toRows()).toEqual(expected[kind]);
      if (kind === 'lower-bottom-right-diagonal') {
        // storage [δ = (a, c) | b] = [1, 4, 6 | 4, 6]
        expect(Array.from(getBackend().read(s.storage))).toEqual([1, 4, 6, 4, 6]);
      }
      expect(s.averageTrace()).toBe(11 / 3);
    });

    it('d = 0: empty storage and empty results', () => {
      const empty = c.zeros(0, 'float64');
      expect(empty.parameterCount).toBe(0);
      expect(c.storageSize(0)).toBe(0);
      expect(c.identity(0, 'float64').toRows()).toEqual([]);
      const x = DenseMatrix.zeros(0, 3, 'float64');
      expect(empty.matmul(x).shape).toEqual([0, 3]);
      expect(empty.transposeMatmul(x).shape).toEqual([0, 3]);
      expect(empty.matmul(empty).parameterCount).toBe(0);
      expect(empty.fromInner().parameterCount).toBe(0);
      expect(empty.fromInner(x).parameterCount).toBe(0);
      expect(c.fromMatInner(x).parameterCount).toBe(0);
      expect(c.project(DenseMatrix.zeros(0, 0, 'float64')).parameterCount).toBe(0);
      expect(empty.transpose().size).toBe(0);
      expect(empty.averageTrace()).toBe(0);
    });

    it('X with no columns: S·X is d × 0 and fromInner(X) = 0', () => {
      const s = c.project(symmetricInput([1, 2, 3, 4, 5, 6, 7, 8, 9], 3, 'float64')[0]);
      const x = DenseMatrix.zeros(3, 0, 'float64');
      expect(s.matmul(x).shape).toEqual([3, 0]);
      expect(s.transposeMatmul(x).shape).toEqual([3, 0]);
      expect(s.fromInner(x).toRows()).toEqual(zeros(3));
      expect(c.fromMatInner(x).toRows()).toEqual(zeros(3));
    });

    it('toDtype rounds every stored entry and keeps the kind', () => {
      const s = c.project(symmetricInput([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9], 3, 'float64')[0]);
      for (const dtype of DTYPES) {
        const converted = s.toDtype(dtype);
        expect(converted.kind).toBe(kind);
        expect(converted.dtype).toBe(dtype);
        expect(converted.byteLength).toBe(5 * BYTES[dtype]);
        expect(Array.from(getBackend().read(converted.storage))).toEqual(
          Array.from(
            getBackend().read(DenseMatrix.fromArray(getBackend().read(s.storage), 5, 1, dtype).storage),
          ),
        );
      }
    });

    it('errors: storage length, shapes, dtypes, kinds, non-finite scalars', () => {
      const backend = getBackend();
      expect(() => c.create(3, backend.allocate('float32', 6))).toThrow(RangeError);
      expect(() => c.create(3, backend.allocate('float32', 6))).toThrow(/stores 5 entries/);
      expect(() => c.create(-1, backend.allocate('float32', 0))).toThrow(RangeError);
      expect(() => c.create(1.5, backend.allocate('float32', 2))).toThrow(RangeError);
      const s = c.identity(3, 'float32');
      expect(() => s.matmul(DenseMatrix.zeros(4, 2))).toThrow(RangeError);
      expect(() => s.transposeMatmul(DenseMatrix.zeros(2, 2))).toThrow(RangeError);
      expect(() => s.rightMatmul(DenseMatrix.zeros(2, 4))).toThrow(RangeError);
      expect(() => s.matmul(DenseMatrix.zeros(3, 2, 'float64'))).toThrow(TypeError);
      expect(() => s.matmul(c.identity(4, 'float32'))).toThrow(RangeError);
      expect(() => s.matmul(c.identity(3, 'float64'))).toThrow(TypeError);
      // The transpose is another kind: not a same-structure product.
      expect(() => s.matmul(s.transpose() as never)).toThrow(TypeError);
      expect(() => s.matmul(new DiagonalMatrix(3, backend.allocate('float32', 3)) as never)).toThrow(
        TypeError,
      );
      expect(() => s.addInPlace(c.identity(4, 'float32'))).toThrow(RangeError);
      expect(() => s.fromInner(DenseMatrix.zeros(4, 2))).toThrow(RangeError);
      expect(() => s.fromInner(DenseMatrix.zeros(3, 2, 'bfloat16'))).toThrow(TypeError);
      expect(() => s.scaleInPlace(Number.NaN)).toThrow(TypeError);
      expect(() => s.addIdentityInPlace(Number.POSITIVE_INFINITY)).toThrow(TypeError);
      expect(() => c.project(DenseMatrix.zeros(3, 2))).toThrow(RangeError);
    });
  });
});
