/**
 * The fused paths of `naturalGradient` (diagonal K and/or C in float32/float64) against the
 * dense-product formula `C Cᵀ ((K (Kᵀ Γᵀ))ᵀ in K's dtype → C's dtype)`, bit for bit.
 */
import type { DType } from '@singd/half';
import { DenseMatrix, type StructuredMatrix, type StructureSpec, zeros } from '@singd/structured-matrix';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { naturalGradient } from '../../src/preconditioner/natural-gradient.js';

/** The unfused formula (the path every non-diagonal pair still takes). */
function reference(
  K: StructuredMatrix,
  C: StructuredMatrix,
  gradient: Float64Array,
  dC: number,
  dK: number,
  s: number,
) {
  const values = s === 1 ? gradient : gradient.map((v) => v / s);
  const gammaT = DenseMatrix.fromArray(values, dC, dK, K.dtype, K.backend).transpose();
  const g1 = K.matmul(K.transposeMatmul(gammaT)).transpose();
  const g1C = g1.dtype === C.dtype ? g1 : g1.toDtype(C.dtype);
  return C.matmul(C.transposeMatmul(g1C)).toFloat64Array();
}

function randomMatrix(
  spec: StructureSpec,
  d: number,
  dtype: DType,
  values: readonly number[],
): StructuredMatrix {
  const m = zeros(spec, d, { dtype });
  const stored = m.storage.length;
  m.backend.write(
    m.storage,
    Array.from({ length: stored }, (_, i) => values[i % values.length]!),
  );
  return m;
}

const specs: StructureSpec[] = [
  { kind: 'diagonal' },
  { kind: 'dense' },
  { kind: 'block-diagonal', blockSize: 2 },
];
const dtypes: DType[] = ['float32', 'float64', 'bfloat16'];
/** Values with full mantissas (π-scaled integers), so that every rounding matters. */
const finite = fc.integer({ min: -262144, max: 262144 }).map((v) => (v / 65536) * Math.PI);

describe('naturalGradient fused diagonal paths', () => {
  it('property: equal the dense-product formula bit for bit for every structure/dtype pair', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...specs),
        fc.constantFrom(...specs),
        fc.constantFrom(...dtypes),
        fc.constantFrom(...dtypes),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(finite, { minLength: 36, maxLength: 36 }),
        fc.array(finite, { minLength: 36, maxLength: 36 }),
        fc.array(fc.oneof(finite, fc.double({ min: -1e6, max: 1e6, noNaN: true })), {
          minLength: 36,
          maxLength: 36,
        }),
        fc.constantFrom(1, 3, 0.125, 1024),
        (specK, specC, dtypeK, dtypeC, dK, dC, kValues, cValues, gValues, s) => {
          const K = randomMatrix(specK, dK, dtypeK, kValues);
          const C = randomMatrix(specC, dC, dtypeC, cValues);
          const gradient = Float64Array.from({ length: dC * dK }, (_, i) => gValues[i]!);
          const got = naturalGradient({ K, C }, gradient, dC, dK, { gradScale: s });
          const want = reference(K, C, gradient, dC, dK, s);
          expect(got).toBeInstanceOf(Float64Array);
          expect(got.length).toBe(dC * dK);
          for (let i = 0; i < want.length; i++) expect(Object.is(got[i], want[i])).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('rounds after every product in float32 (a case where skipping a rounding changes the result)', () => {
    // k = 1 + 2⁻¹², γ = 1 + 2⁻¹²: k·γ and k·(k·γ) need more than 24 bits.
    const k = 1 + 2 ** -12;
    const K = randomMatrix({ kind: 'diagonal' }, 1, 'float32', [k]);
    const C = randomMatrix({ kind: 'diagonal' }, 1, 'float64', [1]);
    const got = naturalGradient({ K, C }, Float64Array.of(k), 1, 1);
    expect(got[0]).toBe(Math.fround(k * Math.fround(k * k)));
    expect(got[0]).not.toBe(k * k * k);
  });
});
