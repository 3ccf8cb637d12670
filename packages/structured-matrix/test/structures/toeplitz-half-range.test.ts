/**
 * Regression: Toeplitz projections keep their diagonal sums in float32 before the 1/(d−k)
 * weighting, so a float16 result that fits is not lost to an intermediate overflow.
 */
import { describe, expect, it } from 'vitest';
import { DenseMatrix } from '../../src/structures/dense.js';
import { lowerToeplitzStructure } from '../../src/structures/lower-toeplitz.js';

describe('Toeplitz in float16 near the top of its range', () => {
  const d = 64;

  it('fromInner() of the projection of an all-6 matrix is finite and matches float64', () => {
    const t = DenseMatrix.fromArray(new Float64Array(d * d).fill(6), d, d, 'float16');
    const k = lowerToeplitzStructure.project({ kind: 'lower-toeplitz' }, t);
    const k64 = lowerToeplitzStructure.project({ kind: 'lower-toeplitz' }, t.toDtype('float64'));
    const half = k.fromInner().toRows();
    const exact = k64.fromInner().toRows();
    expect(exact[1]![0]).toBeGreaterThan(2048); // past where float16 integers are exact
    expect(exact[0]![0]! * d).toBeGreaterThan(65504); // the unweighted sum overflows float16
    for (let i = 0; i < 3; i++)
      expect(Math.abs(half[i]![0]! - exact[i]![0]!)).toBeLessThan(exact[i]![0]! * 1e-2);
  });

  it('project of an all-600 matrix gives t₁ = 1200, not Infinity', () => {
    const m = DenseMatrix.fromArray(new Float64Array(d * d).fill(600), d, d, 'float16');
    const rows = lowerToeplitzStructure.project({ kind: 'lower-toeplitz' }, m).toRows();
    expect(rows[0]![0]).toBe(600);
    expect(rows[1]![0]).toBe(1200);
  });
});
