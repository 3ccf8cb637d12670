import { type DType, toleranceFor } from '@singd/half';
import { DenseMatrix, DiagonalMatrix, identity, type StructureSpec } from '@singd/structured-matrix';
import {
  allclose,
  denseAbs,
  denseAdd,
  denseIdentity,
  denseMatmul,
  denseScale,
  denseTranspose,
  describeMismatch,
  type Rows,
  referenceProjection,
  specArbitrary,
} from '@singd/structured-matrix/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dampedRunningAverage,
  kroneckerFactor,
  type LinearLayer,
  processLinearInputs,
  RunningKroneckerFactor,
  tensor,
} from '../src/index.js';

/** Uniform [−1, 1) numbers from a seeded mulberry32 generator. */
function randomValues(length: number, seed: number): Float64Array {
  let state = seed >>> 0;
  const out = new Float64Array(length);
  for (let k = 0; k < length; k++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[k] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

function expectAllclose(actual: Rows, expected: Rows, dtype: DType, factor = 1, magnitude?: Rows): void {
  const result = allclose(actual, expected, toleranceFor(dtype, factor), magnitude);
  if (!result.ok) expect.fail(describeMismatch(result));
}

/** Processed inputs Ã (rows × d) of a Linear layer, from random captures. */
function processed(rows: number, d: number, seed: number, dtype: DType): DenseMatrix {
  const layer: LinearLayer = { name: 'fc', inFeatures: d, outFeatures: 1, bias: false };
  return processLinearInputs(layer, tensor([rows, d], randomValues(rows * d, seed)), {
    approximation: 'expand',
    dtype,
  });
}

describe('kroneckerFactor', () => {
  it('is ÃᵀÃ by default', () => {
    const a = DenseMatrix.fromRows(
      [
        [1, 2],
        [3, 4],
      ],
      'float64',
    );
    const factor = kroneckerFactor(a);
    expect(factor.kind).toBe('dense');
    expect(factor.toRows()).toEqual([
      [10, 14],
      [14, 20],
    ]);
  });

  for (const dtype of ['float64', 'float32'] as const) {
    it(`equals Π(ÃᵀÃ) of the dense reference for every structure kind (${dtype})`, () => {
      fc.assert(
        fc.property(
          specArbitrary({ maxParameter: 5 }),
          fc.integer({ min: 1, max: 12 }),
          fc.integer({ min: 1, max: 6 }),
          fc.integer(),
          (spec: StructureSpec, d, rows, seed) => {
            const a = processed(rows, d, seed, dtype);
            const rowsOfA = a.toRows();
            const factor = kroneckerFactor(a, spec);
            expect(factor.kind).toBe(spec.kind);
            expect(factor.dtype).toBe(dtype);
            expect(factor.shape).toEqual([d, d]);
            const expected = referenceProjection(spec, denseMatmul(denseTranspose(rowsOfA), rowsOfA));
            const magnitude = referenceProjection(
              spec,
              denseMatmul(denseTranspose(denseAbs(rowsOfA)), denseAbs(rowsOfA)),
            );
            expectAllclose(factor.toRows(), expected, dtype, 10, magnitude);
          },
        ),
        { numRuns: 200 },
      );
    });
  }

  it('rejects a non-matrix', () => {
    expect(() => kroneckerFactor([[1]] as never)).toThrow(
      'kroneckerFactor: processed must be a DenseMatrix (rows × d); got Array(1)',
    );
  });
});

describe('RunningKroneckerFactor', () => {
  it('starts at the identity and applies S ← (1 − β)·S + β·(Π(ÃᵀÃ) + λI)', () => {
    fc.assert(
      fc.property(
        specArbitrary({ maxParameter: 4 }),
        fc.integer({ min: 1, max: 8 }),
        fc.array(
          fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })),
          {
            minLength: 1,
            maxLength: 3,
          },
        ),
        fc.integer(),
        (spec: StructureSpec, d, updates, seed) => {
          const factor = new RunningKroneckerFactor(spec, d, { dtype: 'float64' });
          expectAllclose(factor.value.toRows(), denseIdentity(d), 'float64');
          let expected: number[][] = denseIdentity(d);
          updates.forEach(([beta, damping], step) => {
            const a = processed(3, d, seed + step, 'float64');
            const rows = a.toRows();
            const u = referenceProjection(spec, denseMatmul(denseTranspose(rows), rows));
            const damped = denseAdd(u, denseIdentity(d), damping);
            expected = denseAdd(denseScale(expected, 1 - beta), damped, beta);
            factor.update(a, { beta, damping });
          });
          expect(factor.updateCount).toBe(updates.length);
          expect(factor.value.kind).toBe(spec.kind);
          expectAllclose(factor.value.toRows(), expected, 'float64', 10);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('with β = 1 gives the damped factor Π(ÃᵀÃ) + λI', () => {
    const a = processed(4, 3, 1, 'float64');
    const factor = new RunningKroneckerFactor({ kind: 'diagonal' }, 3, { dtype: 'float64' });
    factor.update(a, { beta: 1, damping: 0.25 });
    const expected = kroneckerFactor(a, { kind: 'diagonal' }).addIdentity(0.25);
    expect(factor.value).toBeInstanceOf(DiagonalMatrix);
    expect(factor.value.toRows()).toEqual(expected.toRows());
  });

  it('converts processed matrices to its dtype and hands out copies', () => {
    const factor = new RunningKroneckerFactor({ kind: 'dense' }, 2, {
      dtype: 'bfloat16',
      name: "layer 'fc1' K",
    });
    expect(factor.dtype).toBe('bfloat16');
    factor.update(processed(5, 2, 3, 'float64'), { beta: 0.5, damping: 0.001 });
    const value = factor.value;
    expect(value.dtype).toBe('bfloat16');
    value.scaleInPlace(0);
    expect(factor.value.maxAbsEntry()).toBeGreaterThan(0);
  });

  it('accepts an initial value and statistics already in the structure (updateFromFactor)', () => {
    const spec = { kind: 'diagonal' } as const;
    const start = identity(spec, 3, { dtype: 'float64' }).scale(2);
    const factor = new RunningKroneckerFactor(spec, 3, { dtype: 'float64', initialValue: start });
    start.scaleInPlace(0); // the factor copied it
    const u = kroneckerFactor(processed(4, 3, 5, 'float64'), spec).add(
      kroneckerFactor(processed(4, 3, 6, 'float64'), spec),
    );
    factor.updateFromFactor(u, { beta: 0.1, damping: 0.5 });
    const expected = dampedRunningAverage(identity(spec, 3, { dtype: 'float64' }).scale(2), u, {
      beta: 0.1,
      damping: 0.5,
    });
    expect(factor.value.toRows()).toEqual(expected.toRows());
  });

  it('dampedRunningAverage leaves its operands unchanged', () => {
    const s = identity({ kind: 'dense' }, 2, { dtype: 'float64' });
    const u = kroneckerFactor(processed(3, 2, 8, 'float64'));
    const before = [s.toRows(), u.toRows()];
    dampedRunningAverage(s, u, { beta: 0.3, damping: 0.1 });
    expect([s.toRows(), u.toRows()]).toEqual(before);
  });

  it('rejects mismatched sizes, structures and rates, naming the factor', () => {
    const factor = new RunningKroneckerFactor({ kind: 'dense' }, 3, { name: "layer 'fc1' K" });
    expect(() => factor.update(processed(4, 2, 1, 'float32'), { beta: 0.1, damping: 0 })).toThrow(
      "layer 'fc1' K: processed matrix is 4×2; expected rows × 3 for a 3×3 factor",
    );
    expect(() => factor.update(processed(4, 3, 1, 'float32'), { beta: 1.5, damping: 0 })).toThrow(
      "layer 'fc1' K: beta must be a number in [0, 1]; got 1.5",
    );
    expect(() => factor.update(processed(4, 3, 1, 'float32'), { beta: 0.5, damping: -1 })).toThrow(
      "layer 'fc1' K: damping must be a finite number ≥ 0; got -1",
    );
    expect(() =>
      factor.updateFromFactor(identity({ kind: 'diagonal' }, 3) as never, { beta: 0.5, damping: 0 }),
    ).toThrow(
      `layer 'fc1' K: statistic {"kind":"diagonal"} 3×3 does not match the factor {"kind":"dense"} 3×3`,
    );
    expect(
      () =>
        new RunningKroneckerFactor({ kind: 'dense' }, 2, { initialValue: identity({ kind: 'dense' }, 3) }),
    ).toThrow(/RunningKroneckerFactor: initialValue dense 3×3 float32 .* does not fit a dense 2×2 float32/);
    expect(() => new RunningKroneckerFactor({ kind: 'dense' }, 0)).toThrow(
      'RunningKroneckerFactor: size must be a positive integer; got 0',
    );
    expect(factor.updateCount).toBe(0);
  });
});
