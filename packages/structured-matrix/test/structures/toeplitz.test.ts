import { toleranceFor } from '@singd/half';
import { describe, expect, it, vi } from 'vitest';
import { getBackend } from '../../src/backend/registry.js';
import { DenseMatrix } from '../../src/structures/dense.js';
import { LowerToeplitzMatrix, lowerToeplitzStructure } from '../../src/structures/lower-toeplitz.js';
import { UpperToeplitzMatrix, upperToeplitzStructure } from '../../src/structures/upper-toeplitz.js';
import { denseOf, expectClose, randomRows, randomSource, rowsOf, symmetrize } from './dense-reference.js';
import {
  describeKinds,
  expectEmptyWorks,
  groupElement,
  M,
  projectRows,
  SIZES,
} from './toeplitz-triangular-reference.js';

describeKinds(['lower-toeplitz', 'upper-toeplitz']);

describe('triangular Toeplitz: worked examples', () => {
  it('spec §3.4: Π of [[1,2,3],[2,4,5],[3,5,6]] has t = (11/3, 7, 6) for both triangles', () => {
    const lower = lowerToeplitzStructure.project(
      { kind: 'lower-toeplitz' },
      DenseMatrix.fromRows(M, 'float64'),
    );
    const upper = upperToeplitzStructure.project(
      { kind: 'upper-toeplitz' },
      DenseMatrix.fromRows(M, 'float64'),
    );
    expect(Array.from(lower.coefficients())).toEqual([11 / 3, 7, 6]);
    expect(Array.from(upper.coefficients())).toEqual([11 / 3, 7, 6]);
    const a = 11 / 3;
    expect(lower.toRows()).toEqual([
      [a, 0, 0],
      [7, a, 0],
      [6, 7, a],
    ]);
    expect(upper.toRows()).toEqual([
      [a, 7, 6],
      [0, a, 7],
      [0, 0, a],
    ]);
    expect(lower.transpose().kind).toBe('upper-toeplitz');
    expect(upper.transpose().kind).toBe('lower-toeplitz');
    expect(lower.transpose().toRows()).toEqual(upper.toRows());
    expect(lower.averageTrace()).toBe(a);
    expect(lower.frobeniusNorm()).toBeCloseTo(Math.sqrt(3 * a * a + 2 * 49 + 36), 14);
    expect(lower.maxAbsEntry()).toBe(7);
  });

  it('the projection agrees with the generic §3.2 reference on the example', () => {
    expect(projectRows('lower-toeplitz', M)[2]).toEqual([6, 7, 11 / 3]);
    expect(projectRows('upper-toeplitz', M)[0]).toEqual([11 / 3, 7, 6]);
  });

  it('products of triangular Toeplitz matrices commute (truncated convolution)', () => {
    const random = randomSource(7);
    for (const d of SIZES) {
      for (const kind of ['lower-toeplitz', 'upper-toeplitz'] as const) {
        const factory = kind === 'lower-toeplitz' ? lowerToeplitzStructure : upperToeplitzStructure;
        const a = factory.project(
          { kind } as never,
          denseOf(symmetrize(randomRows(random, d, d)), 'float64'),
        );
        const b = factory.project(
          { kind } as never,
          denseOf(symmetrize(randomRows(random, d, d)), 'float64'),
        );
        const ab = (a as LowerToeplitzMatrix).matmul(b as LowerToeplitzMatrix).coefficients();
        const ba = (b as LowerToeplitzMatrix).matmul(a as LowerToeplitzMatrix).coefficients();
        ab.forEach((value, i) => {
          expect(Math.abs(value - ba[i]!)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(value)));
        });
      }
    }
  });
});

describe('triangular Toeplitz: no d × d temporaries', () => {
  it('fromInner(X) (n < d), fromInner() and fromMatInner(X) allocate O(n·d) at most', () => {
    const backend = getBackend('cpu');
    for (const d of [50, 64, 100]) {
      for (const kind of ['lower-toeplitz', 'upper-toeplitz'] as const) {
        const k = groupElement(kind, randomSource(d), d, 'float32', 0.5);
        const x = denseOf(randomRows(randomSource(d + 1), d, 3), 'float32');
        const allocate = vi.spyOn(backend, 'allocate');
        const upload = vi.spyOn(backend, 'upload');
        try {
          k.fromInner(x);
          k.fromInner();
          (kind === 'lower-toeplitz' ? lowerToeplitzStructure : upperToeplitzStructure).fromMatInner(
            { kind } as never,
            x,
          );
          const lengths = [...allocate.mock.calls, ...upload.mock.calls].map(([, second]) =>
            typeof second === 'number' ? second : second.length,
          );
          expect(Math.max(...lengths)).toBeLessThan((d * d) / 4);
        } finally {
          allocate.mockRestore();
          upload.mockRestore();
        }
      }
    }
  });
});

describe('triangular Toeplitz: the closed form of Π(TᵀT)', () => {
  it('matches the dense projection in float64 on both sides of the FFT threshold', () => {
    for (const d of [1, 2, 3, 8, 47, 48, 49, 100, 129]) {
      const random = randomSource(d);
      for (const kind of ['lower-toeplitz', 'upper-toeplitz'] as const) {
        const t = randomRows(random, 1, d)[0]!;
        const matrix =
          kind === 'lower-toeplitz'
            ? new LowerToeplitzMatrix(d, getBackend().upload('float64', t))
            : new UpperToeplitzMatrix(d, getBackend().upload('float64', t));
        const rows = matrix.toRows();
        const gram = rowsOf(denseOf(rows, 'float64').transposeMatmul(denseOf(rows, 'float64')));
        const expected = projectRows(kind, gram);
        const magnitude = projectRows(
          kind,
          gram.map((row) => row.map(() => d)),
        );
        expectClose(
          matrix.fromInner().toRows(),
          expected,
          magnitude,
          toleranceFor('float64'),
          `${kind} d=${d}`,
        );
      }
    }
  });
});

describe('triangular Toeplitz: errors', () => {
  const lower = lowerToeplitzStructure.identity({ kind: 'lower-toeplitz' }, 4, 'float32', getBackend());
  const upper = upperToeplitzStructure.identity({ kind: 'upper-toeplitz' }, 4, 'float32', getBackend());

  it('rejects storage of the wrong length', () => {
    expect(() => new LowerToeplitzMatrix(4, getBackend().allocate('float32', 3))).toThrow(RangeError);
    expect(() => new UpperToeplitzMatrix(2, getBackend().allocate('float32', 3))).toThrow(
      /stores 2 coefficients/,
    );
  });

  it('rejects operands of the wrong shape, dtype or structure', () => {
    expect(() => lower.matmul(DenseMatrix.zeros(3, 2, 'float32'))).toThrow(RangeError);
    expect(() => lower.transposeMatmul(DenseMatrix.zeros(5, 2, 'float32'))).toThrow(RangeError);
    expect(() => lower.rightMatmul(DenseMatrix.zeros(2, 3, 'float32'))).toThrow(RangeError);
    expect(() => lower.matmul(DenseMatrix.zeros(4, 2, 'float64'))).toThrow(TypeError);
    expect(() => lower.matmul(upper as never)).toThrow(TypeError);
    const small = lowerToeplitzStructure.identity({ kind: 'lower-toeplitz' }, 3, 'float32', getBackend());
    expect(() => lower.matmul(small)).toThrow(RangeError);
    expect(() => lower.add(small)).toThrow(RangeError);
    expect(() => lower.add(lower.toDtype('float64'))).toThrow(TypeError);
    expect(() => lower.scale(Number.NaN)).toThrow(TypeError);
  });

  it('fromInner rejects X with the wrong rows, dtype or kind', () => {
    expect(() => lower.fromInner(DenseMatrix.zeros(3, 2, 'float32'))).toThrow(/must have 4 rows/);
    expect(() => upper.fromInner(DenseMatrix.zeros(4, 2, 'bfloat16'))).toThrow(TypeError);
    expect(() => lower.fromInner(upper as never)).toThrow(/must be a dense matrix/);
  });

  it('d = 0 works throughout', () => {
    expectEmptyWorks('lower-toeplitz');
  });
});
