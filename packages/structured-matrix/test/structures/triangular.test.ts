import { describe, expect, it } from 'vitest';
import { packedIndex } from '../../src/backend/cpu/packed-triangular.js';
import { getBackend } from '../../src/backend/registry.js';
import { DenseMatrix } from '../../src/structures/dense.js';
import { LowerTriangularMatrix, lowerTriangularStructure } from '../../src/structures/lower-triangular.js';
import { packedRowStart } from '../../src/structures/triangular-common.js';
import { UpperTriangularMatrix, upperTriangularStructure } from '../../src/structures/upper-triangular.js';
import { denseOf, randomSource } from './dense-reference.js';
import {
  describeKinds,
  expectEmptyWorks,
  groupElement,
  M,
  projectRows,
  SIZES,
} from './toeplitz-triangular-reference.js';

describeKinds(['lower-triangular', 'upper-triangular']);

describe('triangular: worked examples and layout', () => {
  it('Π of [[1,2,3],[2,4,5],[3,5,6]]: diagonal kept, free off-diagonal entries doubled', () => {
    const lower = lowerTriangularStructure.project(
      { kind: 'lower-triangular' },
      DenseMatrix.fromRows(M, 'float64'),
    );
    const upper = upperTriangularStructure.project(
      { kind: 'upper-triangular' },
      DenseMatrix.fromRows(M, 'float64'),
    );
    expect(lower.toRows()).toEqual([
      [1, 0, 0],
      [4, 4, 0],
      [6, 10, 6],
    ]);
    expect(upper.toRows()).toEqual([
      [1, 4, 6],
      [0, 4, 10],
      [0, 0, 6],
    ]);
    expect(projectRows('lower-triangular', M)).toEqual(lower.toRows());
    expect(lower.transpose().toRows()).toEqual(upper.toRows());
    expect(upper.transpose().kind).toBe('lower-triangular');
    expect(lower.averageTrace()).toBe(11 / 3);
    expect(lower.maxAbsEntry()).toBe(10);
    expect(lower.frobeniusNorm()).toBe(Math.sqrt(1 + 16 + 16 + 36 + 100 + 36));
    // Packed by rows: lower [L00, L10, L11, L20, L21, L22], upper [U00, U01, U02, U11, U12, U22].
    expect(Array.from(getBackend().read(lower.storage))).toEqual([1, 4, 4, 6, 10, 6]);
    expect(Array.from(getBackend().read(upper.storage))).toEqual([1, 4, 6, 4, 10, 6]);
  });

  it("stores entry (i, j) where the cpu kernels' packedIndex says", () => {
    for (const d of SIZES) {
      for (const lower of [true, false]) {
        const kind = lower ? 'lower-triangular' : 'upper-triangular';
        const k = groupElement(kind, randomSource(d), d, 'float64', 0.5);
        const rows = k.toRows();
        const stored = getBackend().read((k as unknown as LowerTriangularMatrix).storage);
        for (let i = 0; i < d; i++) {
          expect(packedRowStart(lower, d, i)).toBe(packedIndex(lower, d, i, lower ? 0 : i));
          for (let j = lower ? 0 : i; j <= (lower ? i : d - 1); j++) {
            expect(stored[packedIndex(lower, d, i, j)]).toBe(rows[i]![j]);
          }
        }
      }
    }
  });
});

describe('triangular: errors', () => {
  const lower = lowerTriangularStructure.identity({ kind: 'lower-triangular' }, 4, 'float32', getBackend());
  const upper = upperTriangularStructure.identity({ kind: 'upper-triangular' }, 4, 'float32', getBackend());

  it('rejects storage of the wrong length', () => {
    expect(() => new LowerTriangularMatrix(4, getBackend().allocate('float32', 4))).toThrow(RangeError);
    expect(() => new UpperTriangularMatrix(3, getBackend().allocate('float32', 3))).toThrow(
      /d\(d\+1\)\/2 = 6/,
    );
  });

  it('rejects operands of the wrong shape, dtype or structure', () => {
    expect(() => lower.matmul(DenseMatrix.zeros(3, 2, 'float32'))).toThrow(RangeError);
    expect(() => upper.transposeMatmul(DenseMatrix.zeros(5, 2, 'float32'))).toThrow(RangeError);
    expect(() => lower.rightTransposeMatmul(DenseMatrix.zeros(2, 3, 'float32'))).toThrow(RangeError);
    expect(() => lower.matmul(DenseMatrix.zeros(4, 2, 'float16'))).toThrow(TypeError);
    expect(() => lower.matmul(upper as never)).toThrow(TypeError);
    const small = upperTriangularStructure.identity({ kind: 'upper-triangular' }, 3, 'float32', getBackend());
    expect(() => upper.matmul(small)).toThrow(RangeError);
    expect(() => upper.subtract(small)).toThrow(RangeError);
    expect(() => upper.addInPlace(upper.toDtype('bfloat16'))).toThrow(TypeError);
    expect(() => upper.addIdentity(Number.POSITIVE_INFINITY)).toThrow(TypeError);
  });

  it('fromInner rejects X with the wrong rows, dtype or kind', () => {
    expect(() => lower.fromInner(DenseMatrix.zeros(5, 2, 'float32'))).toThrow(/must have 4 rows/);
    expect(() => upper.fromInner(DenseMatrix.zeros(4, 2, 'float64'))).toThrow(TypeError);
    expect(() => upper.fromInner(lower as never)).toThrow(/must be a dense matrix/);
  });

  it('d = 0 works throughout', () => {
    expectEmptyWorks('upper-triangular');
    expect(denseOf([], 'float32').shape).toEqual([0, 0]);
  });
});
