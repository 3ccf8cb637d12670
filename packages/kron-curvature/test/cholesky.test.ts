import { type DType, roundTo, unitRoundoff } from '@singd/half';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { choleskyDecompose, choleskySolve, choleskySolveRight } from '../src/cholesky.js';
import { inverse, matmul, random, transpose } from './helpers.js';

// ---------------------------------------------------------------------------------------------
// Dense float64 helpers, written independently of the code under test.

/** Largest absolute entry. */
function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/** The 1-norm condition number `‖S‖₁‖S⁻¹‖₁`. */
function conditionNumber(s: ArrayLike<number>, d: number): number {
  const norm1 = (a: ArrayLike<number>) => {
    let best = 0;
    for (let j = 0; j < d; j++) {
      let sum = 0;
      for (let i = 0; i < d; i++) sum += Math.abs(a[i * d + j]!);
      best = Math.max(best, sum);
    }
    return best;
  };
  return norm1(s) * norm1(inverse(s, d));
}

/** `B Bᵀ / scale + ε I`. */
function spdFrom(b: readonly number[], d: number, epsilon: number, scale = 1): Float64Array {
  const s = matmul(b, transpose(b, d, d), d, d, d);
  for (let i = 0; i < d * d; i++) s[i] = s[i]! / scale;
  for (let i = 0; i < d; i++) s[i * d + i] = s[i * d + i]! + epsilon;
  return s;
}

function hilbert(d: number): Float64Array {
  const h = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) h[i * d + j] = 1 / (i + j + 1);
  return h;
}

/** A KFAC-like factor `ÃᵀÃ + λI` with a rank-deficient `Ã` (rows < d), entries `U(−1,1)/√rows`. */
function dampedGram(seed: number, d: number, rows: number, damping: number): Float64Array {
  const next = random(seed);
  const a = Array.from({ length: rows * d }, () => (2 * next() - 1) / Math.sqrt(rows));
  const s = matmul(transpose(a, rows, d), a, d, rows, d);
  for (let i = 0; i < d; i++) s[i * d + i] = s[i * d + i]! + damping;
  return s;
}

/**
 * Scalar reference of the narrow-dtype policy: sums accumulate in float32 (each product and
 * difference through `Math.fround`), every stored value (pivot, `L_ij`, solve entries) is
 * rounded to `dtype` with `roundTo` after a float32 square root or quotient.
 */
function referenceDecompose(s: Float64Array, d: number, dtype: DType) {
  const f = Math.fround;
  const l = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    let acc = f(roundTo(s[j * d + j]!, dtype));
    for (let k = 0; k < j; k++) acc = f(acc - f(l[j * d + k]! * l[j * d + k]!));
    const pivot = roundTo(acc, dtype);
    if (!Number.isFinite(pivot)) return { ok: false as const, reason: 'not-finite', pivot: j, value: pivot };
    if (!(pivot > 0)) return { ok: false as const, reason: 'non-positive-pivot', pivot: j, value: pivot };
    const diagonal = roundTo(f(Math.sqrt(pivot)), dtype);
    l[j * d + j] = diagonal;
    for (let i = j + 1; i < d; i++) {
      let sum = f(roundTo(s[i * d + j]!, dtype));
      for (let k = 0; k < j; k++) sum = f(sum - f(l[i * d + k]! * l[j * d + k]!));
      const value = roundTo(f(sum / diagonal), dtype);
      if (!Number.isFinite(value)) return { ok: false as const, reason: 'not-finite', pivot: j, value };
      l[i * d + j] = value;
    }
  }
  return { ok: true as const, factor: l };
}

function referenceSolve(
  l: Float64Array,
  d: number,
  b: ArrayLike<number>,
  n: number,
  dtype: DType,
): Float64Array {
  const f = Math.fround;
  const y = Float64Array.from(b, (x) => roundTo(x, dtype));
  for (let c = 0; c < n; c++) {
    for (let i = 0; i < d; i++) {
      let acc = y[i * n + c]!;
      for (let k = 0; k < i; k++) acc = f(acc - f(l[i * d + k]! * y[k * n + c]!));
      y[i * n + c] = roundTo(f(acc / l[i * d + i]!), dtype);
    }
    for (let i = d - 1; i >= 0; i--) {
      let acc = y[i * n + c]!;
      for (let k = i + 1; k < d; k++) acc = f(acc - f(l[k * d + i]! * y[k * n + c]!));
      y[i * n + c] = roundTo(f(acc / l[i * d + i]!), dtype);
    }
  }
  return y;
}

function factorOf(s: Float64Array, d: number, dtype: DType): Float64Array {
  const outcome = choleskyDecompose(s, d, dtype);
  if (!outcome.ok) throw new Error(`factorisation failed: ${JSON.stringify(outcome)}`);
  return outcome.factor;
}

const squareBasis = (maxD: number) =>
  fc
    .integer({ min: 1, max: maxD })
    .chain((d) =>
      fc.tuple(
        fc.constant(d),
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: d * d, maxLength: d * d }),
      ),
    );

// ---------------------------------------------------------------------------------------------

describe('choleskyDecompose in float64', () => {
  it('factorises a small example exactly', () => {
    const outcome = choleskyDecompose(Float64Array.of(4, 2, 2, 5), 2, 'float64');
    expect(outcome).toEqual({ ok: true, factor: Float64Array.of(2, 0, 1, 2) });
  });

  it('runs the TSDoc examples', () => {
    const outcome = choleskyDecompose(Float64Array.of(4, 2, 2, 5), 2, 'float64');
    if (!outcome.ok) throw new Error('unreachable');
    expect(Array.from(choleskySolve(outcome.factor, 2, Float64Array.of(6, 7), 1, 'float64'))).toEqual([1, 1]);
    expect(Array.from(choleskySolveRight(outcome.factor, 2, Float64Array.of(6, 7), 1, 'float64'))).toEqual([
      1, 1,
    ]);
    expect(choleskyDecompose(Float64Array.of(1, 2, 2, 1), 2, 'float64')).toEqual({
      ok: false,
      reason: 'non-positive-pivot',
      pivot: 1,
      value: -3,
    });
  });

  it('handles d = 0 and d = 1', () => {
    expect(choleskyDecompose(new Float64Array(0), 0, 'float64')).toEqual({
      ok: true,
      factor: new Float64Array(0),
    });
    expect(choleskyDecompose(Float64Array.of(9), 1, 'float64')).toEqual({
      ok: true,
      factor: Float64Array.of(3),
    });
  });

  it('L is lower triangular with a positive diagonal and L Lᵀ = S to 1e-12 (relative) for S = B Bᵀ + εI', () => {
    fc.assert(
      fc.property(squareBasis(12), fc.double({ min: 1e-6, max: 1, noNaN: true }), ([d, b], epsilon) => {
        const s = spdFrom(b, d, epsilon);
        const l = factorOf(s, d, 'float64');
        for (let i = 0; i < d; i++) {
          expect(l[i * d + i]!).toBeGreaterThan(0);
          for (let j = i + 1; j < d; j++) expect(l[i * d + j]).toBe(0);
        }
        const product = matmul(l, transpose(l, d, d), d, d, d);
        const scale = maxAbs(s);
        for (let i = 0; i < d * d; i++)
          expect(Math.abs(product[i]! - s[i]!)).toBeLessThanOrEqual(1e-12 * scale);
      }),
    );
  });

  it('choleskySolve returns Y with S Y ≈ B (relative residual ≤ 1e-12) for several right-hand sides', () => {
    fc.assert(
      fc.property(
        squareBasis(10),
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: 1e-3, max: 1, noNaN: true }),
        fc.infiniteStream(fc.double({ min: -10, max: 10, noNaN: true })),
        ([d, b], n, epsilon, values) => {
          const s = spdFrom(b, d, epsilon);
          const rhs = Float64Array.from(values.take(d * n));
          const y = choleskySolve(factorOf(s, d, 'float64'), d, rhs, n, 'float64');
          const residual = matmul(s, y, d, d, n).map((v, i) => v - rhs[i]!);
          expect(maxAbs(residual)).toBeLessThanOrEqual(1e-12 * d * maxAbs(s) * maxAbs(y) + 1e-300);
        },
      ),
    );
  });

  it('choleskySolveRight returns X S⁻¹ (n × d), matching Gauss–Jordan', () => {
    fc.assert(
      fc.property(
        squareBasis(8),
        fc.integer({ min: 1, max: 4 }),
        fc.infiniteStream(fc.double({ min: -10, max: 10, noNaN: true })),
        ([d, b], n, values) => {
          const s = spdFrom(b, d, 0.5);
          const x = Float64Array.from(values.take(n * d));
          const result = choleskySolveRight(factorOf(s, d, 'float64'), d, x, n, 'float64');
          const expected = matmul(x, inverse(s, d), n, d, d);
          // Forward error ≤ cond(S)·(backward error): bound it with ‖S‖·‖S⁻¹‖ (max-entry norms).
          const condition = d * d * maxAbs(s) * maxAbs(inverse(s, d));
          const scale = maxAbs(expected) + maxAbs(x);
          for (let i = 0; i < n * d; i++)
            expect(Math.abs(result[i]! - expected[i]!)).toBeLessThanOrEqual(
              1e-13 * condition * scale + 1e-300,
            );
          // And the residual is small (backward stability): ‖X̂·S − X‖ ≤ 1e-12·(‖X̂‖‖S‖d + ‖X‖).
          const residual = matmul(result, s, n, d, d);
          for (let i = 0; i < n * d; i++)
            expect(Math.abs(residual[i]! - x[i]!)).toBeLessThanOrEqual(
              1e-12 * (d * maxAbs(result) * maxAbs(s) + maxAbs(x)) + 1e-300,
            );
        },
      ),
    );
  });
});

describe('choleskyDecompose and choleskySolve in low precision', () => {
  for (const dtype of ['float32', 'bfloat16', 'float16'] as const) {
    it(`${dtype}: every entry of L and of the solution is a ${dtype} value, and L Lᵀ ≈ S within the rounding bound`, () => {
      const u = unitRoundoff(dtype);
      fc.assert(
        fc.property(
          squareBasis(10),
          fc.infiniteStream(fc.double({ min: -1, max: 1, noNaN: true })),
          ([d, b], values) => {
            // Well conditioned (eigenvalues in [1, 2]): factorises in every dtype.
            const s = spdFrom(b, d, 1, d);
            const l = factorOf(s, d, dtype);
            for (const x of l) expect(roundTo(x, dtype)).toBe(x);
            const product = matmul(l, transpose(l, d, d), d, d, d);
            for (let i = 0; i < d; i++) {
              for (let j = 0; j < d; j++) {
                const bound = 2 * (d + 2) * u * Math.sqrt(s[i * d + i]! * s[j * d + j]!);
                expect(Math.abs(product[i * d + j]! - s[i * d + j]!)).toBeLessThanOrEqual(bound);
              }
            }
            const rhs = Float64Array.from(values.take(2 * d));
            const y = choleskySolve(l, d, rhs, 2, dtype);
            for (const x of y) expect(roundTo(x, dtype)).toBe(x);
            const z = choleskySolveRight(l, d, rhs, 2, dtype);
            for (const x of z) expect(roundTo(x, dtype)).toBe(x);
          },
        ),
      );
    });
  }

  it('stores in bfloat16: the bfloat16 factor differs from the float64 factor rounded afterwards', () => {
    const s = dampedGram(7, 6, 6, 0.5);
    const native = factorOf(s, 6, 'bfloat16');
    const roundedAfter = factorOf(s, 6, 'float64').map((x) => roundTo(x, 'bfloat16'));
    expect(Array.from(native)).not.toEqual(Array.from(roundedAfter));
  });

  for (const dtype of ['float32', 'bfloat16', 'float16'] as const) {
    it(`${dtype}: factor and solves are bit-identical to a scalar float32-accumulation reference`, () => {
      fc.assert(
        fc.property(
          squareBasis(9),
          fc.integer({ min: 1, max: 3 }),
          fc.double({ min: 1e-3, max: 1, noNaN: true }),
          fc.infiniteStream(fc.double({ min: -4, max: 4, noNaN: true })),
          ([d, b], n, epsilon, values) => {
            const s = spdFrom(b, d, epsilon);
            const expected = referenceDecompose(s, d, dtype);
            const actual = choleskyDecompose(s, d, dtype);
            expect(actual).toEqual(expected);
            if (!actual.ok || !expected.ok) return;
            const rhs = Float64Array.from(values.take(d * n));
            expect(Array.from(choleskySolve(actual.factor, d, rhs, n, dtype))).toEqual(
              Array.from(referenceSolve(expected.factor, d, rhs, n, dtype)),
            );
            const rightExpected = transpose(
              referenceSolve(expected.factor, d, transpose(rhs, n, d), n, dtype),
              d,
              n,
            );
            expect(Array.from(choleskySolveRight(actual.factor, d, rhs, n, dtype))).toEqual(
              Array.from(rightExpected),
            );
          },
        ),
        { numRuns: 60 },
      );
    });
  }

  it('accumulates in float32: a long bfloat16 dot product keeps contributions far below one bfloat16 ulp', () => {
    // S = I except for the last row/column: with per-operation bfloat16 rounding each tiny
    // L_last,k² = 2⁻¹² would vanish against the pivot 2; accumulated in float32 they add up.
    const d = 258;
    const s = new Float64Array(d * d);
    for (let i = 0; i < d; i++) s[i * d + i] = 1;
    const last = d - 1;
    // Row `last` has entries 2⁻⁶ in columns 0 … d−2, so L_last,k = 2⁻⁶ and L_last,k² = 2⁻¹².
    for (let k = 0; k < last; k++) {
      s[last * d + k] = 2 ** -6;
      s[k * d + last] = 2 ** -6;
    }
    s[last * d + last] = 2;
    const outcome = choleskyDecompose(s, d, 'bfloat16');
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    // Pivot = 2 − 257·2⁻¹² (float32-exact), rounded to bfloat16 once, then √ and rounded.
    const pivot = roundTo(2 - 257 * 2 ** -12, 'bfloat16');
    expect(outcome.factor[last * d + last]).toBe(roundTo(Math.fround(Math.sqrt(pivot)), 'bfloat16'));
    // Per-operation bfloat16 rounding would leave the pivot at 2 (2 − 2⁻¹² rounds back to 2).
    expect(roundTo(2 - 2 ** -12, 'bfloat16')).toBe(2);
    expect(pivot).toBeLessThan(2);
  });

  it('reads the input through the dtype: a value below float16 range underflows to a zero pivot', () => {
    expect(choleskyDecompose(Float64Array.of(1e-9), 1, 'float16')).toEqual({
      ok: false,
      reason: 'non-positive-pivot',
      pivot: 0,
      value: 0,
    });
    expect(choleskyDecompose(Float64Array.of(1e-9), 1, 'float32').ok).toBe(true);
  });

  it('an overflow in float16 is a not-finite outcome', () => {
    // L_00 = √(2⁻²⁰) = 2⁻¹⁰, so L_10 = 100 / 2⁻¹⁰ = 102400 overflows float16 (max 65504).
    const s = Float64Array.of(2 ** -20, 100, 100, 1);
    expect(choleskyDecompose(s, 2, 'float16')).toEqual({
      ok: false,
      reason: 'not-finite',
      pivot: 0,
      value: Infinity,
    });
    // In float32 the same matrix gets to column 1 and is found indefinite.
    const wide = choleskyDecompose(s, 2, 'float32');
    expect(wide.ok === false && wide.reason).toBe('non-positive-pivot');
  });
});

describe('failure outcomes', () => {
  const cases: { name: string; d: number; matrix: number[]; reason: string; pivot: number; value: number }[] =
    [
      {
        name: 'indefinite 2×2',
        d: 2,
        matrix: [1, 2, 2, 1],
        reason: 'non-positive-pivot',
        pivot: 1,
        value: -3,
      },
      {
        name: 'negative diagonal entry',
        d: 3,
        matrix: [1, 0, 0, 0, -1, 0, 0, 0, 1],
        reason: 'non-positive-pivot',
        pivot: 1,
        value: -1,
      },
      {
        name: 'zero matrix',
        d: 3,
        matrix: [0, 0, 0, 0, 0, 0, 0, 0, 0],
        reason: 'non-positive-pivot',
        pivot: 0,
        value: 0,
      },
      {
        name: 'singular PSD (rank 1)',
        d: 2,
        matrix: [1, 1, 1, 1],
        reason: 'non-positive-pivot',
        pivot: 1,
        value: 0,
      },
      {
        name: 'NaN on the diagonal',
        d: 3,
        matrix: [Number.NaN, 0, 0, 0, 1, 0, 0, 0, 1],
        reason: 'not-finite',
        pivot: 0,
        value: Number.NaN,
      },
      {
        name: 'NaN below the diagonal at (2, 1)',
        d: 3,
        matrix: [2, 0, 0, 0, 2, Number.NaN, 0, Number.NaN, 2],
        reason: 'not-finite',
        pivot: 1,
        value: Number.NaN,
      },
      {
        name: '+∞ on the diagonal at (2, 2)',
        d: 3,
        matrix: [2, 1, 0, 1, 2, 0, 0, 0, Infinity],
        reason: 'not-finite',
        pivot: 2,
        value: Infinity,
      },
      {
        name: '−∞ below the diagonal at (1, 0)',
        d: 2,
        matrix: [1, -Infinity, -Infinity, 1],
        reason: 'not-finite',
        pivot: 0,
        value: -Infinity,
      },
    ];
  for (const c of cases) {
    it(`${c.name} → ${c.reason} at pivot ${c.pivot}`, () => {
      for (const dtype of ['float64', 'float32', 'bfloat16', 'float16'] as const) {
        const outcome = choleskyDecompose(Float64Array.from(c.matrix), c.d, dtype);
        expect(outcome).toEqual({ ok: false, reason: c.reason, pivot: c.pivot, value: c.value });
      }
    });
  }

  it('reads only the lower triangle (LAPACK uplo = L): a NaN above the diagonal is not seen', () => {
    expect(choleskyDecompose(Float64Array.of(4, Number.NaN, 2, 5), 2, 'float64')).toEqual({
      ok: true,
      factor: Float64Array.of(2, 0, 1, 2),
    });
  });

  it('reports the first column whose pivot is not positive, with that pivot as value', () => {
    fc.assert(
      fc.property(
        squareBasis(8),
        fc.nat(),
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        ([d, b], position, shift) => {
          const s = spdFrom(b, d, 0.5);
          const k = position % d;
          const l = factorOf(s, d, 'float64');
          // Lower S_kk by its pivot L_kk² plus `shift`: columns < k are unchanged and pivot k is −shift.
          const broken = s.slice();
          broken[k * d + k] = s[k * d + k]! - l[k * d + k]! ** 2 - shift;
          const outcome = choleskyDecompose(broken, d, 'float64');
          expect(outcome.ok).toBe(false);
          if (outcome.ok) return;
          expect(outcome.reason).toBe('non-positive-pivot');
          expect(outcome.pivot).toBe(k);
          expect(outcome.value).toBeCloseTo(-shift, 8);
        },
      ),
    );
  });

  it('reports a NaN at (i, j) at pivot min(i, j)', () => {
    fc.assert(
      fc.property(squareBasis(8), fc.nat(), fc.nat(), ([d, b], p, q) => {
        const s = spdFrom(b, d, 0.5);
        const i = p % d;
        const j = q % d;
        s[i * d + j] = Number.NaN;
        s[j * d + i] = Number.NaN;
        const outcome = choleskyDecompose(s, d, 'float64');
        expect(outcome.ok).toBe(false);
        if (outcome.ok) return;
        expect(outcome.reason).toBe('not-finite');
        expect(outcome.pivot).toBe(Math.min(i, j));
        expect(outcome.value).toBeNaN();
      }),
    );
  });
});

describe('ill-conditioned SPD matrices: fine in float64, broken in bfloat16 (spec §5.3)', () => {
  /** Solution of S y = 1 in `dtype`, or the failure. */
  function solveOnes(s: Float64Array, d: number, dtype: DType) {
    const outcome = choleskyDecompose(s, d, dtype);
    if (!outcome.ok) return outcome;
    return {
      ok: true as const,
      solution: choleskySolve(outcome.factor, d, new Float64Array(d).fill(1), 1, dtype),
    };
  }
  function relativeError(actual: Float64Array, expected: Float64Array): number {
    let num = 0;
    let den = 0;
    for (let i = 0; i < expected.length; i++) {
      num += (actual[i]! - expected[i]!) ** 2;
      den += expected[i]! ** 2;
    }
    return Math.sqrt(num / den);
  }

  const matrices = [
    { name: 'Hilbert 5×5', d: 5, s: hilbert(5) },
    ...[1, 2, 3, 4, 5].map((seed) => ({
      name: `KFAC-like ÃᵀÃ + λI (8×8, rank 4, λ = 1e-4, seed ${seed})`,
      d: 8,
      s: dampedGram(seed, 8, 4, 1e-4),
    })),
  ];
  for (const { name, d, s } of matrices) {
    it(name, () => {
      const condition = conditionNumber(s, d);
      expect(condition).toBeGreaterThanOrEqual(1e4);
      expect(condition).toBeLessThanOrEqual(1e6);
      const exact = matmul(inverse(s, d), new Float64Array(d).fill(1), d, d, 1);
      // float64: factorises, and the solution is accurate to ~cond·u.
      const double = solveOnes(s, d, 'float64');
      expect(double.ok).toBe(true);
      if (double.ok) expect(relativeError(double.solution, exact)).toBeLessThan(1e-8);
      // bfloat16: fails, or the solution is off by more than 10%.
      const half = solveOnes(s, d, 'bfloat16');
      if (half.ok) expect(relativeError(half.solution, exact)).toBeGreaterThan(0.1);
      else expect(['non-positive-pivot', 'not-finite']).toContain(half.reason);
    });
  }
});

describe('argument checks', () => {
  it('rejects bad dimensions, shapes, arrays and dtypes', () => {
    expect(() => choleskyDecompose(new Float64Array(4), -1, 'float64')).toThrow(RangeError);
    expect(() => choleskyDecompose(new Float64Array(4), 1.5, 'float64')).toThrow(
      /d must be an integer >= 0; got 1.5/,
    );
    expect(() => choleskyDecompose(new Float64Array(3), 2, 'float64')).toThrow(
      /matrix has 3 entries; a 2×2 matrix needs 4/,
    );
    expect(() => choleskyDecompose([1] as unknown as Float64Array, 1, 'float64')).toThrow(
      /matrix must be a Float64Array; got Array\(1\)/,
    );
    expect(() => choleskyDecompose(new Float64Array(1), 1, 'float8' as DType)).toThrow(TypeError);
    const l = Float64Array.of(1, 0, 0, 1);
    expect(() => choleskySolve(l, 2, new Float64Array(3), 2, 'float64')).toThrow(
      /rhs has 3 entries; a 2×2 matrix needs 4/,
    );
    expect(() => choleskySolve(l, 2, new Float64Array(4), -2, 'float64')).toThrow(
      /n must be an integer >= 0/,
    );
    expect(() => choleskySolve(new Float64Array(3), 2, new Float64Array(2), 1, 'float64')).toThrow(
      /factor has 3 entries/,
    );
    expect(() => choleskySolveRight(l, 2, new Float64Array(5), 3, 'float64')).toThrow(
      /rhs has 5 entries; a 3×2 matrix needs 6/,
    );
  });
});
