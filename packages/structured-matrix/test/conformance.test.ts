import { DTYPES } from '@singd/half';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StructureSpec } from '../src/api.js';
import { getBackend } from '../src/backend/registry.js';
import {
  conformanceChecks,
  criticalSizes,
  denseAverageTrace,
  denseSymmetrize,
  describeSpec,
  groupElementArbitrary,
  hierarchicalBlockSizes,
  referenceProjection,
  sizeArbitrary,
  specArbitrary,
  structurePattern,
  structureViolation,
  symmetricMatrixArbitrary,
} from '../src/testing/index.js';

/**
 * The conformance suite of `@singd/structured-matrix/testing`, run for every structure (with
 * the reference's parameters: block sizes 3 and 30, hierarchical (3, 2) and (15, 15)) in every
 * dtype on the cpu backend.
 */

const STRUCTURES: readonly StructureSpec[] = [
  { kind: 'dense' },
  { kind: 'diagonal' },
  { kind: 'block-diagonal', blockSize: 3 },
  { kind: 'block-diagonal', blockSize: 30 },
  { kind: 'hierarchical', k1: 3, k2: 2 },
  { kind: 'hierarchical', k1: 15, k2: 15 },
  { kind: 'lower-toeplitz' },
  { kind: 'upper-toeplitz' },
  { kind: 'lower-triangular' },
  { kind: 'upper-triangular' },
  { kind: 'lower-bottom-right-diagonal' },
  { kind: 'lower-top-left-diagonal' },
  { kind: 'upper-bottom-right-diagonal' },
  { kind: 'upper-top-left-diagonal' },
];

const BASE_SIZES = [1, 2, 3, 4, 5, 6, 7, 10, 13, 31];

/** Sizes beyond the base list that reach a layout case the base list misses. */
function extraSizes(spec: StructureSpec): number[] {
  switch (spec.kind) {
    case 'block-diagonal':
      return spec.blockSize === 30 ? [30] : []; // exactly one full block, no remainder
    case 'hierarchical':
      return spec.k1 === 15 ? [16] : []; // k1 < d ≤ k1 + k2 (no middle); 31: middle of 1
    case 'lower-toeplitz':
    case 'upper-toeplitz':
      return [50, 64]; // the cpu backend's FFT path (d ≥ 48)
    default:
      return [];
  }
}

describe('reference projection (spec §3.4 worked examples)', () => {
  const m = [
    [1, 2, 3],
    [2, 4, 5],
    [3, 5, 6],
  ];
  it('diagonal, dense, Toeplitz, sparse triangular, block-diagonal, hierarchical', () => {
    expect(referenceProjection({ kind: 'diagonal' }, m)).toEqual([
      [1, 0, 0],
      [0, 4, 0],
      [0, 0, 6],
    ]);
    expect(referenceProjection({ kind: 'dense' }, m)).toEqual(m);
    const t0 = 11 / 3;
    expect(referenceProjection({ kind: 'lower-toeplitz' }, m)).toEqual([
      [t0, 0, 0],
      [7, t0, 0],
      [6, 7, t0],
    ]);
    expect(referenceProjection({ kind: 'upper-toeplitz' }, m)).toEqual([
      [t0, 7, 6],
      [0, t0, 7],
      [0, 0, t0],
    ]);
    expect(referenceProjection({ kind: 'lower-bottom-right-diagonal' }, m)).toEqual([
      [1, 0, 0],
      [4, 4, 0],
      [6, 0, 6],
    ]);
    expect(referenceProjection({ kind: 'block-diagonal', blockSize: 2 }, m)).toEqual([
      [1, 2, 0],
      [2, 4, 0],
      [0, 0, 6],
    ]);
    expect(referenceProjection({ kind: 'hierarchical', k1: 3, k2: 2 }, m)).toEqual(m);
    expect(referenceProjection({ kind: 'lower-triangular' }, m)).toEqual([
      [1, 0, 0],
      [4, 4, 0],
      [6, 10, 6],
    ]);
  });

  it('hierarchical (1, 1) at d = 3: A, 2B, c, 2D, E', () => {
    expect(referenceProjection({ kind: 'hierarchical', k1: 1, k2: 1 }, m)).toEqual([
      [1, 4, 6],
      [0, 4, 0],
      [0, 10, 6],
    ]);
  });

  it('lies in the structure, keeps the average trace, and Π∘sym fixes its outputs', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...STRUCTURES),
        fc.integer({ min: 1, max: 12 }).chain((d) => symmetricMatrixArbitrary(d)),
        (spec, matrix) => {
          const p = referenceProjection(spec, matrix);
          expect(structureViolation(spec, p)).toBeUndefined();
          const pattern = structurePattern(spec, matrix.length);
          expect(pattern.every((row, i) => row[i])).toBe(true);
          expect(denseAverageTrace(p)).toBeCloseTo(denseAverageTrace(matrix), 12);
          const again = referenceProjection(spec, denseSymmetrize(p));
          const worst = Math.max(...again.flatMap((row, i) => row.map((x, j) => Math.abs(x - p[i]![j]!))));
          expect(worst).toBeLessThan(1e-12);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('market', () => {
  it('symmetric inputs are symmetric; group elements lie in the structure, in the dtype', () => {
    fc.assert(
      fc.property(
        specArbitrary({ maxParameter: 5 }).chain((spec) =>
          fc.tuple(fc.constant(spec), sizeArbitrary(spec, { max: 12 })),
        ),
        fc.constantFrom(...DTYPES),
        fc.gen(),
        ([spec, d], dtype, g) => {
          const m = g(() => symmetricMatrixArbitrary(d));
          m.forEach((row, i) => {
            row.forEach((x, j) => {
              expect(x).toBe(m[j]![i]);
            });
          });
          const k = g(() => groupElementArbitrary(spec, d, dtype));
          expect(k.dtype).toBe(dtype);
          expect(k.spec).toEqual(spec);
          expect(structureViolation(spec, k.toRows())).toBeUndefined();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('sizes reach every hierarchical partial-fill case and every block remainder', () => {
    const spec: StructureSpec = { kind: 'hierarchical', k1: 3, k2: 2 };
    const cases = new Set(
      fc.sample(sizeArbitrary(spec), 400).map((d) => {
        const { m, k2 } = hierarchicalBlockSizes(3, 2, d);
        return k2 === 0 ? 'd ≤ k1' : m === 0 ? 'k1 < d ≤ k1 + k2' : 'd > k1 + k2';
      }),
    );
    expect(cases).toEqual(new Set(['d ≤ k1', 'k1 < d ≤ k1 + k2', 'd > k1 + k2']));
    const remainders = new Set(
      fc.sample(sizeArbitrary({ kind: 'block-diagonal', blockSize: 3 }), 400).map((d) => d % 3),
    );
    expect(remainders).toEqual(new Set([0, 1, 2]));
    expect(criticalSizes({ kind: 'hierarchical', k1: 15, k2: 15 })).toEqual([1, 2, 14, 15, 16, 30, 31, 32]);
  });
});

const cpu = getBackend('cpu');
/** Runs per size and element family; raise it (e.g. `SINGD_CONFORMANCE_RUNS=20`) for a deeper local search. */
const NUM_RUNS = Number(process.env['SINGD_CONFORMANCE_RUNS'] ?? 2);
for (const structure of STRUCTURES) {
  const sizes = [...BASE_SIZES, ...extraSizes(structure)];
  describe(`conformance: ${describeSpec(structure)}`, () => {
    for (const dtype of DTYPES) {
      describe(dtype, () => {
        for (const check of conformanceChecks({ structure, sizes, dtype, backend: cpu, numRuns: NUM_RUNS })) {
          it(check.name, () => check.run());
        }
      });
    }
  });
}
